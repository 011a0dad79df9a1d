// The flows and scenario passes of the plan driver, public so that `countyscope flows --osm ... --scenario
// FILE` can run a scenario on a plan state without a plan TOML.
//
// Example:
//   cs::PlanState st = cs::run_plan(cfg, ctx);                       // includes the baseline flows pass
//   cs::run_flows_scenario(st, cs::flows::load_scenario("data/scenarios/sample_bridge.toml"), ctx);
//   // st.doc["sections"]["scenario"], st.csv["scenario_*.csv"], layer "scenario_changes"
#pragma once

#include <memory>

#include <countyscope/access/study.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/model/county_model.hpp>
#include <countyscope/plan/plan.hpp>

namespace cs {

// Applies the scenario to a copy of the state, re-runs only the affected passes (network change: graph,
// snapping, matrices, flows, accessibility; facility change: snapping, matrices, flows, accessibility; place
// change: flows) and adds before / after tables, the "scenario" section and the "scenario_changes" map layer
// to st.
void run_flows_scenario(PlanState& st, const flows::Scenario& sc, Context& ctx);
// The same with the edited model given (edit = apply(sc, st, st.cfg.snap, plan_matrix_options(st.cfg), ctx),
// or a model equal to it): a door that keeps edited models (the studio) does not apply the scenario twice.
// `before`: the passes over st's unedited model from scenario_baseline(st) (nullptr: computed here), for a
// door that runs many scenarios over one model; the tables are the same bytes either way.
struct ScenarioBaseline;
[[nodiscard]] std::shared_ptr<const ScenarioBaseline> scenario_baseline(const CountyModel& st,
                                                                        const flows::FlowsConfig& cfg);
void run_flows_scenario(PlanState& st, const flows::Scenario& sc, const ModelEdit& edit, Context& ctx,
                        const ScenarioBaseline* before = nullptr);

// The access study's configuration with the scenario's standard changes ([[standard]] id, threshold: the
// standard's max or min); `base` itself when the scenario has none. An unknown id is an InputError naming
// the scenario file and the entry.
[[nodiscard]] access::AccessStudyConfig scenario_access_config(const access::AccessStudyConfig& base,
                                                               const flows::Scenario& sc);
// The access study on the edited model (scenario_access_config) as the batch writes it after the scenario:
// every CSV table of the study but the demand points' one, as "scenario_after_" + its file into st.csv
// (byte-identical to the baseline's access_*.csv under a scenario that changes nothing).
void add_scenario_after_access(PlanState& st, const flows::Scenario& sc, const ModelEdit& edit, Context& ctx);

}  // namespace cs
