// The plan's passes as functions of a model, for doors that keep a model and edit it (the studio,
// studio/session.hpp): what the access pass gives run_access_study and the plan's matrix options. The plan's
// own passes call the same functions, so a door that uses them answers as `countyscope plan` does.
//
// Example:
//   cs::access::AccessStudy s =
//       cs::access::run_access_study(cs::access_inputs(edited_model), st.cfg.access, ctx);
#pragma once

#include <countyscope/access/study.hpp>
#include <countyscope/model/county_model.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/plan/plan.hpp>

namespace cs {

// The access study's inputs from a model: every demand point x every facility on the car matrix
// (m.demand_to_facility, which must outlive the inputs), settlements with tier and unit, service types.
access::AccessInputs access_inputs(const CountyModel& m);
// The plan's matrix options ([matrix] cutoff_min, --cutoff).
network::MatrixOptions plan_matrix_options(const PlanConfig& cfg);
// The plan's locate pass over st (its [locate] options from st.cfg.document): sections.locate, the
// locate_sites and locate_settlements layers and CSV files merged into st. A build without the locate layer
// throws UsageError.
void run_locate_pass(PlanState& st, Context& ctx);

}  // namespace cs
