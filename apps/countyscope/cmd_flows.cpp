// countyscope flows: calibrate / predict spatial-interaction models on tables (no algorithms here; see
// include/countyscope/flows/table_run.hpp).
#include <memory>
#include <optional>

#include <countyscope/core/error.hpp>
#include <countyscope/flows/study.hpp>
#include <countyscope/flows/table_run.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/plan/flows_pass.hpp>
#include <countyscope/plan/plan.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct FlowsOptions {
  cs::flows::TableRunConfig t;  // table mode: files and columns (the model's options come from `table`)
  // Table mode: the [flows_table] options of the registry as flags.
  std::shared_ptr<cs::flows::FlowsTableOptions> table = std::make_shared<cs::flows::FlowsTableOptions>();
  cs::cli::BoundOptions table_given;
  std::string out;
  std::string osm, config, scenario;  // county mode
  // County mode: the [flows] options of the registry as flags (they override the --config file's).
  std::shared_ptr<cs::flows::FlowsConfig> county = std::make_shared<cs::flows::FlowsConfig>();
  cs::cli::BoundOptions county_given;
};

// County mode: the plan's spine and flows pass on an OSM extract (other capability passes skipped), then the
// scenario if given; writes the plan outputs (results.json, county.gpkg, flows_*.csv, scenario_*.csv,
// report.html).
int run_county(const FlowsOptions& o, cs::cli::Runtime& rt) {
  if (!o.t.od_path.empty() || !o.t.places_path.empty())
    throw cs::UsageError("--osm (county mode) cannot be combined with --od or --places (table mode)");
  for (const std::string& name : cs::flows::flows_table_options().names())
    if (o.table_given.count(name))
      throw cs::UsageError(cs::flows::flows_table_options().spec(name).cli_name() +
                           " needs --od or --places (table mode)");
  cs::PlanConfig cfg;
  cfg.osm_path = o.osm;
  if (!o.config.empty()) cs::load_plan_config(o.config, cfg);
  *o.county = cfg.flows;
  o.county_given.apply();
  cfg.flows = *o.county;
  cfg.skip = {"access", "structure", "locate", "scenarios"};
  // Validate the scenario before any work (one line naming file and key).
  const std::optional<cs::flows::Scenario> sc =
      o.scenario.empty() ? std::nullopt : std::optional(cs::flows::load_scenario(o.scenario));
  cs::PlanState st = cs::run_plan(cfg, rt.ctx);
  if (sc) cs::run_flows_scenario(st, *sc, rt.ctx);
  cs::write_plan_outputs(st, o.out, rt.ctx);
  return 0;
}

int run(FlowsOptions& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  if (!o.osm.empty()) return run_county(o, rt);
  if (!o.scenario.empty() || !o.config.empty())
    throw cs::UsageError("--scenario and --config need --osm (county mode)");
  for (const std::string& name : cs::flows::flows_options().names())
    if (o.county_given.count(name))
      throw cs::UsageError(cs::flows::flows_options().spec(name).cli_name() + " needs --osm (county mode)");
  o.table_given.apply();
  o.t.options = *o.table;
  const cs::flows::TableRunOutput res = cs::flows::run_flows_table(o.t, rt.ctx);
  cs::Json doc = cs::new_results_document("plan");
  doc["sections"]["flows"] = res.section;
  cs::OutputDir dir(o.out, rt.ctx);
  cs::write_file(dir.path("results.json"), cs::dump_results(doc));
  for (const auto& [name, text] : res.csv) cs::write_file(dir.path(name), text);
  if (res.lines.size() > 0) cs::write_geopackage(dir.path("flows.gpkg"), {res.lines});
  dir.commit();
  rt.ctx.info("flows: wrote " + o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "flows", 60, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand(
          "flows",
          "Spatial-interaction models: calibrate gravity models on an OD table "
          "(Poisson GLM), or predict flows (gravity with assumed parameters, radiation, intervening "
          "opportunities)");
      sub->footer(
          "Examples:\n"
          "  countyscope flows --od data/fixtures/flows_austria/austria_flows_from_spint_tests.csv "
          "--cost-col dij_km \\\n"
          "      --origin-mass-col origin_var_Oi --dest-mass-col dest_var_Dj --model doubly --out "
          "out/austria\n"
          "  countyscope flows --places places.csv --mass-col population --model production --out out/pred\n"
          "  countyscope flows --osm data/sample/liechtenstein-2024-03-04.osm.pbf --scenario "
          "data/scenarios/sample_bridge.toml --out out/bridge\n"
          "Outputs: results.json (section flows), flows.csv, fit_parameters.csv, flows.gpkg (flow lines);\n"
          "county mode: the plan outputs (results.json, county.gpkg, flows_*.csv, scenario_*.csv, "
          "report.html).");
      auto o = std::make_shared<FlowsOptions>();
      sub->add_option(
             "--osm", o->osm,
             "county mode: the county's OSM extract (flows between its settlements on the road network)")
          ->check(cs::cli::existing_file());
      sub->add_option("--scenario", o->scenario, "county mode: what-if scenario TOML (before vs after)")
          ->check(cs::cli::existing_file());
      sub->add_option("--config", o->config, "county mode: plan TOML ([flows] section, network, county, ...)")
          ->check(cs::cli::existing_file());
      o->county_given = cs::cli::add_options(sub, cs::flows::flows_options(), o->county);
      for (const cs::opt::Spec& s : cs::flows::flows_options().specs())
        sub->get_option(s.cli_name())->group("County mode ([flows], docs/options.md)");
      sub->add_option("--od", o->t.od_path, "observed OD table (CSV)")->check(cs::cli::existing_file());
      sub->add_option("--origin-col", o->t.cols.origin, "OD column: origin code")->capture_default_str();
      sub->add_option("--dest-col", o->t.cols.dest, "OD column: destination code")->capture_default_str();
      sub->add_option("--flow-col", o->t.cols.flow, "OD column: observed flow")->capture_default_str();
      sub->add_option("--cost-col", o->t.cols.cost,
                      "OD column: travel cost (time or distance); radiation and intervening rank by it");
      sub->add_option("--origin-mass-col", o->t.cols.origin_mass, "OD column: origin mass (O_i)");
      sub->add_option("--dest-mass-col", o->t.cols.dest_mass, "OD column: destination mass (D_j)");
      sub->add_option("--places", o->t.places_path,
                      "places CSV: code, lon, lat (+ mass); costs = great-circle km unless --cost-col or "
                      "--cost-matrix gives them (then lon/lat may be left out)")
          ->check(cs::cli::existing_file());
      sub->add_option("--mass-col", o->t.mass_col, "places column: mass (population) for O and D");
      sub->add_option("--cost-matrix", o->t.cost_matrix_path,
                      "cost matrix CSV (first column origin code, header destination codes; empty = no path)")
          ->check(cs::cli::existing_file());
      o->table_given = cs::cli::add_options(sub, cs::flows::flows_table_options(), o->table);
      for (const cs::opt::Spec& s : cs::flows::flows_table_options().specs())
        sub->get_option(s.cli_name())->group("Table mode ([flows_table], docs/options.md)");
      sub->add_option("--out", o->out, "output directory")->required();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
