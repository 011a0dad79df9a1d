// countyscope plan / demo: the plan driver on a county's OSM extract (or the bundled sample) -> results.json,
// county.gpkg, CSV tables and report.html in one output directory, written atomically.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <countyscope/assess/assess.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/plan/plan.hpp>
#include <countyscope/report/report.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct PlanOptions {
  std::string osm, config, out;
  std::string out_db, out_schema;  // PostGIS copy of the GeoPackage layers (plan only)
  bool national = true;
  // The plan's own option tables bound to the command line (values given here override the plan file).
  std::shared_ptr<cs::PlanConfig> cfg = std::make_shared<cs::PlanConfig>();
  std::vector<cs::cli::BoundOptions> given;
};

// The demo's second part: the national assessment of Chinese counties (bundled census data) -> OUT/national/,
// staged in the same folder as the county's outputs (one commit for all).
void run_national(cs::OutputDir& out, cs::cli::Runtime& rt) {
  const cs::assess::AssessStudy s = cs::timed(rt.ctx, "national_assessment", [&] {
    return cs::assess::run_assess_study(cs::assess::national_inputs(), cs::assess::AssessOptions{}, rt.ctx);
  });
  const std::filesystem::path dir = out.path("national/results.json").parent_path();
  cs::write_file(dir / "results.json", cs::dump_results(cs::assess::results_document(s.result, s.outputs)));
  cs::write_tables(s.outputs, out, "counties.gpkg", "national");
  cs::write_report(cs::Json::parse(cs::read_file(dir / "results.json")), dir / "report.html");
}

void add_common(CLI::App* sub, PlanOptions& o) {
  sub->add_option("--config", o.config,
                  "plan TOML ([plan] [network] [county] [snap] [matrix] [access] [structure] [flows] ...; "
                  "docs/options.md)");
  using std::shared_ptr;
  const shared_ptr<cs::PlanConfig>& c = o.cfg;
  o.given.push_back(cs::cli::add_options(sub, cs::plan_options(), c));
  o.given.push_back(
      cs::cli::add_options(sub, cs::network_options(), shared_ptr<cs::NetworkConfig>(c, &c->network)));
  o.given.push_back(
      cs::cli::add_options(sub, cs::county_options(), shared_ptr<cs::CountyConfig>(c, &c->county)));
  o.given.push_back(
      cs::cli::add_options(sub, cs::snap_options(), shared_ptr<cs::network::SnapOptions>(c, &c->snap)));
  o.given.push_back(
      cs::cli::add_options(sub, cs::matrix_options(), shared_ptr<cs::MatrixCutoff>(c, &c->matrix)));
  o.given.push_back(cs::cli::add_options(sub, cs::access::access_options(),
                                         shared_ptr<cs::access::AccessOptions>(c, &c->access.options), {},
                                         "access-"));
  o.given.push_back(cs::cli::add_options(sub, cs::structure::structure_options(),
                                         shared_ptr<cs::structure::StructureOptions>(c, &c->structure)));
  o.given.push_back(cs::cli::add_options(sub, cs::flows::flows_options(),
                                         shared_ptr<cs::flows::FlowsConfig>(c, &c->flows)));
}

// With --timings: the whole run as passes on stderr, from process start (startup = loading, option parsing)
// through writing and committing the outputs (the model is freed meanwhile). A step inside a pass is named
// "pass/step" or "pass.step" and is shown indented, not added again. results.json's meta.timings holds the
// passes up to its own writing (docs/performance.md).
const auto g_process_start = std::chrono::steady_clock::now();

void print_timings(const cs::Context& ctx) {
  double top = 0;
  for (const cs::PassTime& t : ctx.timers) {
    const bool nested = t.name.find_first_of("/.") != std::string::npos;
    if (!nested) top += t.seconds;
    char buf[160];
    std::snprintf(buf, sizeof buf, "timings: %s%-28s %8.3f s", nested ? "  " : "", t.name.c_str(), t.seconds);
    ctx.info(buf);
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - g_process_start).count();
  char buf[160];
  std::snprintf(buf, sizeof buf, "timings: passes add up to %.3f s of %.3f s since the process started", top,
                wall);
  ctx.info(buf);
}

// The schema a run's PostGIS copy goes to: --out-schema, else the output folder's name made a plain
// identifier.
std::string out_schema(const PlanOptions& o) {
  if (!o.out_schema.empty()) return o.out_schema;
  std::string s = std::filesystem::path(o.out).lexically_normal().filename().string();
  if (s.empty()) s = std::filesystem::path(o.out).lexically_normal().parent_path().filename().string();
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "cs_" + s;
  return s.substr(0, 50);
}

int run(const PlanOptions& o, cs::cli::Runtime& rt, bool demo = false) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  if (!o.out_db.empty()) cs::check_postgis(o.out_db, out_schema(o));
  cs::PlanConfig& cfg = *o.cfg;
  cs::cli::resolve_plan_config(cfg, o.osm, o.config, o.given);
  const double startup =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - g_process_start).count();
  auto st = std::make_unique<cs::PlanState>(cs::run_plan(cfg, rt.ctx));
  rt.ctx.timers.insert(rt.ctx.timers.begin(), cs::PassTime{"startup", startup});
  cs::OutputDir out(o.out, rt.ctx);
  cs::timed(rt.ctx, "write_outputs", [&] { cs::write_plan_outputs(*st, out, rt.ctx); });
  if (demo && o.national) run_national(out, rt);
  const std::string wrote = "wrote " + o.out +
                            (demo ? std::string()
                                  : " (results.json, county.gpkg, " + std::to_string(st->csv.size()) +
                                        " CSV files, report.html, manifest.json)");
  const std::string verdict = cs::quality_verdict(*st);
  // The database copy before the folder is committed: when it fails, nothing is written anywhere.
  if (!o.out_db.empty())
    cs::timed(rt.ctx, "write_outputs/postgis",
              [&] { cs::write_postgis(o.out_db, out_schema(o), st->layers); });
  // The model and its results document are freed on a second thread while the commit hashes, syncs and swaps
  // the files in (timed inside commit_outputs).
  auto freeing = std::async(std::launch::async, [&st] { st.reset(); });
  cs::timed(rt.ctx, "commit_outputs", [&] {
    out.commit();
    freeing.get();
  });
  rt.ctx.info(wrote);
  if (cfg.timings) print_timings(rt.ctx);
  // The outputs are written (the report leads with the gate), but a script must not take them for a sound
  // run.
  if (verdict == "fail") {
    rt.ctx.warn("data quality fail: the results above rest on data that cannot carry them (" + o.out +
                "/quality.csv); exit 3");
    return 3;
  }
  return 0;
}

cs::cli::CommandRegistration reg_demo{
    "demo", 10, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand("demo", "Plan the bundled sample county (Liechtenstein, OSM 2024-03-04)")
                      ->footer(
                          "Example:\n  countyscope demo --out out/demo\n"
                          "Writes results.json, county.gpkg, *.csv and report.html into the directory, and "
                          "the national\n"
                          "assessment of Chinese counties into DIR/national/ (skip with --no-national). "
                          "Without --config it\n"
                          "uses data/config/demo.toml, which runs the bundled scenario "
                          "data/scenarios/sample_bridge.toml.");
      auto o = std::make_shared<PlanOptions>();
      o->out = "out/demo";
      sub->add_option("--out", o->out, "output directory")->capture_default_str();
      add_common(sub, *o);
      // A plain flag with a callback: CLI11 prints a negated flag ("!--no-national") as
      // "--no-national{false}".
      sub->add_flag_callback(
          "--no-national", [o] { o->national = false; },
          "skip the national assessment of Chinese counties (OUT/national/; default: run it)");
      sub->final_callback([o, &rt] {
        o->osm = cs::resource_path("data/sample/liechtenstein-2024-03-04.osm.pbf");
        if (o->config.empty()) o->config = cs::resource_path("data/config/demo.toml");
        rt.ctx.run.inputs.push_back(o->osm);
        rt.ctx.run.inputs.push_back(o->config);
        rt.exit_code = run(*o, rt, true);
      });
    }};

cs::cli::CommandRegistration reg_plan{
    "plan", 20, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand(
                         "plan", "Plan a county from its OSM extract: network, places, travel times, outputs")
                      ->footer(
                          "Example:\n  countyscope plan --osm data/sample/liechtenstein-2024-03-04.osm.pbf "
                          "--config plan.toml --out out/li\n"
                          "A county out of a province's extract: countyscope plan --osm province.osm.pbf "
                          "--boundary county.geojson|RELATION_ID --out out/county");
      auto o = std::make_shared<PlanOptions>();
      sub->add_option("--osm", o->osm, "the county's OSM extract (.osm.pbf or .osm)")->required();
      sub->add_option("--out", o->out, "output directory (written atomically)")->required();
      sub->add_option("--out-db", o->out_db,
                      "also write the GeoPackage layers to PostGIS (a GDAL 'PG:...' connection string), one "
                      "schema per run, replaced whole");
      sub->add_option("--out-schema", o->out_schema,
                      "the PostGIS schema of --out-db (default: the output folder's name, as an identifier)");
      add_common(sub, *o);
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
