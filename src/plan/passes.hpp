// The plan passes (private). Each capability adds `void pass_NAME(PlanState&, Context&)` here, its
// src/plan/pass_NAME.cpp, and one line in run_plan (plan.cpp). A pass reads its TOML section from
// st.cfg.config_text and merges its stage's cs::Outputs (section, tables, layers; io/outputs.hpp) into the
// plan with merge(st, NAME, outputs). Keep outputs deterministic (sorted, seeded).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/plan/plan.hpp>

namespace cs::detail {

// Spine passes (pass_base.cpp).
void pass_load_county(PlanState& st, Context& ctx);
void pass_build_network(PlanState& st, Context& ctx);
void pass_snap(PlanState& st, Context& ctx);
void pass_matrices(PlanState& st, Context& ctx);
network::MatrixOptions matrix_options(
    const PlanConfig& cfg);  // the plan's matrix options ([matrix], --cutoff)
// sections.network / sections.county, the base layers and CSV files (outputs.cpp).
void pass_outputs(PlanState& st, Context& ctx);
// The data-quality gate (pass_quality.cpp), before any analysis; throws with [plan] strict when not ok.
void pass_quality(PlanState& st, Context& ctx);
// Capability passes.
void pass_access(PlanState& st, Context& ctx);  // pass_access.cpp: accessibility, equity, standards audit

// Capability passes (pass_NAME.cpp), compiled in when their layer is built (CS_HAVE_NAME).
void pass_structure(PlanState& st, Context& ctx);
// Config checks run before any work, so a bad [locate] / [structure] section fails fast with one line.
void check_structure_config(const PlanConfig& cfg);
bool structure_needs_walk(const PlanConfig& cfg);  // the structure pass runs and draws walk circles
// The plan-only keys of [locate] (services, write_problem); the study's own are locate_options().
const opt::TableBase& plan_locate_option_table();
void check_locate_config(const PlanConfig& cfg);
void check_flows_config(const PlanConfig& cfg, bool scenarios);  // [flows], [scenarios] and the scenario file
void pass_locate(PlanState& st, Context& ctx);     // pass_locate.cpp: proposed sites, before/after
void pass_flows(PlanState& st, Context& ctx);      // pass_flows.cpp: factor flows and two-way balance
void pass_scenarios(PlanState& st, Context& ctx);  // pass_flows.cpp: [flows] scenario before/after
void pass_traffic(PlanState& st, Context& ctx);    // pass_traffic.cpp: [traffic] peak-hour assignment
void pass_capacity(PlanState& st, Context& ctx);   // pass_capacity.cpp: [capacity] the capacity account
void pass_industry(PlanState& st, Context& ctx);   // pass_industry.cpp: [industry] farm supply and hubs

// Merges one stage's Outputs into the plan (the plan's only output step): st.doc sections[stage] and layers,
// GeoPackage layers (appended in table order) and CSV files.
void merge(PlanState& st, std::string_view stage, const Outputs& o);

using cs::field_json;
using cs::real_or_null;

}  // namespace cs::detail
