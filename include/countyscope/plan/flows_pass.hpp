// The flows and scenario passes of the plan driver, public so that `countyscope flows --osm ... --scenario FILE`
// can run a scenario on a plan state without a plan TOML.
//
// Example:
//   cs::PlanState st = cs::run_plan(cfg, ctx);                       // includes the baseline flows pass
//   cs::run_flows_scenario(st, cs::flows::load_scenario("data/scenarios/sample_bridge.toml"), ctx);
//   // st.doc["sections"]["scenario"], st.csv["scenario_*.csv"], layer "scenario_changes"
#pragma once

#include <countyscope/core/context.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/plan/plan.hpp>

namespace cs {

// Applies the scenario to a copy of the state, re-runs only the affected passes (network change: graph, snapping,
// matrices, flows, accessibility; facility change: snapping, matrices, flows, accessibility; place change: flows)
// and adds before / after tables, the "scenario" section and the "scenario_changes" map layer to st.
void run_flows_scenario(PlanState& st, const flows::Scenario& sc, Context& ctx);
// The same with the edited model given (edit = apply(sc, st, st.cfg.snap, plan_matrix_options(st.cfg), ctx),
// or a model equal to it): a door that keeps edited models (the studio) does not apply the scenario twice.
void run_flows_scenario(PlanState& st, const flows::Scenario& sc, const ModelEdit& edit, Context& ctx);

}  // namespace cs
