// The structure pass: life circles, town service areas, hierarchy and pattern optimisation on the plan's
// county, car network, snaps and matrices (docs/structure.md). Its options are PlanConfig::structure
// ([structure] of the plan file and the plan/demo flags, read through the option registry); the work is
// run_structure's, the study behind `countyscope structure` too.
#include <algorithm>
#include <string>

#include <countyscope/structure/structure.hpp>

#include "passes.hpp"

namespace cs::detail {

void check_structure_config(const PlanConfig& cfg) {
  throw_if_problems(validate(cfg.structure), "structure options");
}

bool structure_needs_walk(const PlanConfig& cfg) {
  return std::find(cfg.skip.begin(), cfg.skip.end(), "structure") == cfg.skip.end() && cfg.structure.walk;
}

void pass_structure(PlanState& st, Context& ctx) {
  structure::StructureInput in;
  in.county = &st.county;
  in.car = &st.car.graph;
  in.car_settlements = st.settlement_snaps, in.car_demand = st.demand_snaps,
  in.car_facilities = st.facility_snaps;
  in.demand_to_settlement = &st.demand_to_settlement;
  in.settlement_to_settlement = &st.settlement_to_settlement;
  in.snap_threshold_m = st.cfg.snap.far_threshold_m;
  // The structure pass ranks on uncut settlement -> facility times: the model's matrix when it has no cutoff,
  // else one more matrix from the model's kept index.
  TimeMatrix s2f_uncut;
  if (st.cfg.matrix_cutoff_s() > 0)
    s2f_uncut = model_matrix(st, st.settlement_snaps, st.facility_snaps, network::MatrixOptions{}, ctx);
  in.settlement_to_facility = st.cfg.matrix_cutoff_s() > 0 ? &s2f_uncut : &st.settlement_to_facility;
  // Walk circles: the walk network and snaps of the model (built with the car graph, pass_build_network).
  if (st.cfg.structure.walk) {
    if (!st.walk) throw Error(ErrorKind::kInternal, "structure: the model has no walk network");
    in.walk = &st.walk->net.graph;
    in.walk_settlements = st.walk->settlements, in.walk_demand = st.walk->demand,
    in.walk_facilities = st.walk->facilities;
  }
  merge(st, "structure", structure::run_structure(in, st.cfg.structure, ctx).outputs);
}

}  // namespace cs::detail
