// The county flows study: the one orchestration of factor flows between a county's settlements (labour,
// consumption, services, capital) and their two-way balance, behind every door (the plan's flows pass,
// `countyscope flows --osm`, the scenarios pass for the before / after state). Typed inputs (the county and
// its settlement-to-settlement travel times) + the typed [flows] options of the registry
// (docs/options.md) -> the stage's cs::Outputs (section "flows", the flows_*.csv tables and the flow_lines
// layer; io/outputs.hpp).
//
// Example:
//   cs::flows::FlowsConfig cfg;                                   // the registry's defaults
//   cs::flows::flows_options().set_text(cfg, "beta_labour", "0.08", "--beta-labour: ");
//   cs::flows::FlowsRun r = cs::flows::compute_flows(county, s2s_seconds, cfg);
//   cs::Outputs o = cs::flows::flows_outputs(county, r, cfg);      // or run_flows(county, s2s, cfg)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <countyscope/core/matrix.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/flows/balance.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::flows {

// [flows]: the county flows' masses and parameters.
struct FlowsConfig {
  double jobs_per_facility = 20.0;  // jobs proxy: facilities x this ...
  double jobs_per_resident = 0.1;   // ... + population x this
  std::string capital;              // CSV (name, capital_out, capital_in); enables the capital factor
  // Decay per minute of travel time of each factor; unset = the documented assumed value (docs/flows.md).
  std::optional<double> beta_labour, beta_consumption, beta_services, beta_capital;
  std::uint32_t max_lines = 150;  // flow lines per factor in the results document (GeoPackage keeps all)
};
[[nodiscard]] const opt::Table<FlowsConfig>& flows_options();

// [scenarios]: the what-if file the scenarios pass runs (plan file only).
struct ScenariosConfig {
  std::string file;  // scenario TOML (flows/scenario.hpp); relative to the plan file
};
[[nodiscard]] const opt::Table<ScenariosConfig>& scenarios_options();

// Everything the study derives from a county and its settlement matrix; computed identically before and after
// a scenario so that an unchanged input gives byte-identical tables.
struct FlowsRun {
  std::vector<FactorModel> factors;
  FactorMasses masses;
  Matrix<double> minutes;             // settlement x settlement travel time (minutes; +inf = no path)
  std::vector<Matrix<double>> flows;  // per factor (empty when its masses are missing)
  Balance balance;
};

// s2s: settlement-to-settlement car travel times in seconds. jobs_override (per settlement, NaN = none)
// replaces the jobs proxy (a scenario's [[place]] jobs). Throws InputError for a bad capital CSV.
[[nodiscard]] FlowsRun compute_flows(const County& c, const TimeMatrix& s2s, const FlowsConfig& cfg,
                                     const std::vector<double>* jobs_override = nullptr);
// The stage's outputs: section (factors, balance, masses, notes), tables flows_settlements,
// flows_balance_tiers, flows_balance_centres, flows_masses (CSV; the balance also in the section) and the
// flow_lines layer (GeoPackage: every pair; results document: the cfg.max_lines strongest per factor).
[[nodiscard]] Outputs flows_outputs(const County& c, const FlowsRun& r, const FlowsConfig& cfg);
// compute_flows + flows_outputs.
[[nodiscard]] Outputs run_flows(const County& c, const TimeMatrix& s2s, const FlowsConfig& cfg);

// Rounds to 1e-6 (flows and masses in the outputs); non-finite values pass through.
[[nodiscard]] double round6(double x);

}  // namespace cs::flows
