// countyscope assess: national / cross-county assessment (docs/assess.md). The registry's [assess] options
// (docs/options.md) and the input files -> cs::assess::run_assess_study -> outputs written through a staged
// cs::OutputDir (nothing partial on error).
#include <memory>
#include <string>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/output.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct AssessCli {
  cs::assess::AssessInputs in;
  std::string out;
  std::shared_ptr<cs::assess::AssessOptions> opt = std::make_shared<cs::assess::AssessOptions>();
  cs::cli::BoundOptions given;
};

int run(const AssessCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  o.given.apply();
  namespace a = cs::assess;
  const a::AssessStudy s = a::run_assess_study(o.in, *o.opt, rt.ctx);
  for (const auto& note : s.result.notes) rt.ctx.info(note);
  cs::OutputDir out(o.out, rt.ctx);
  cs::write_file(out.path("results.json"), cs::dump_results(a::results_document(s.result, s.outputs)));
  cs::write_tables(s.outputs, out, "counties.gpkg");
  out.commit();
  rt.ctx.info("assessed " + std::to_string(s.result.code.size()) + " counties -> " + o.out + "/results.json");
  return 0;
}

cs::cli::CommandRegistration reg{
    "assess", 60, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub =
          app.add_subcommand("assess",
                             "Score, classify and map counties on an indicator system (entropy-TOPSIS, "
                             "coupling coordination, obstacles, Moran/LISA, GeoDetector, Markov, typing)");
      sub->footer(
          "Example:\n  countyscope assess --counties data/china/county_features_2020.csv.gz \\\n"
          "    --indicators data/config/integration.toml --centres data/china/county_centres.csv.gz \\\n"
          "    --counties-2010 data/china/county_features_2010.csv.gz --out out/assess");
      auto o = std::make_shared<AssessCli>();
      sub->add_option("--counties", o->in.counties, "county table (CSV or .csv.gz), one row per county")
          ->required();
      sub->add_option("--indicators", o->in.indicators,
                      "indicator system (TOML; see data/config/integration.toml)")
          ->required();
      sub->add_option("--out", o->out, "output directory")->required();
      sub->add_option("--centres", o->in.centres,
                      "county centres CSV with the key, lon_wgs84, lat_wgs84 (spatial statistics)");
      sub->add_option("--counties-2010", o->in.counties_2010,
                      "2010 county table (panel entropy, spatial Markov 2010->2020)");
      sub->add_option(
          "--boundaries", o->in.boundaries,
          "an official boundary file (标准地图) drawn on the national maps: polygons or lines, any GDAL "
          "vector source (none is bundled; no border is drawn without it)");
      sub->add_option("--boundaries-layer", o->in.boundaries_layer,
                      "the layer of --boundaries (default: its only layer)");
      sub->add_option("--boundaries-crs", o->in.boundaries_crs,
                      "the CRS of --boundaries when the file does not say (e.g. EPSG:4490)");
      o->given = cs::cli::add_options(sub, cs::assess::assess_options(), o->opt);
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
