// countyscope stats: spatial statistics on any table (docs/stats.md). `stats geodetector`: the table, y and
// factors -> cs::assess::run_geodetector_study -> outputs written through a staged cs::OutputDir (nothing
// partial on error).
#include <memory>
#include <string>
#include <vector>

#include <countyscope/assess/geodetector_study.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>

#include "command.hpp"

namespace {

struct GeodetectorCli {
  cs::assess::GeodetectorInputs in;
  std::string out;
};

int run(const GeodetectorCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  const cs::Outputs s = cs::assess::run_geodetector_study(o.in, rt.ctx);
  cs::OutputDir out(o.out, rt.ctx);
  cs::Json doc = cs::new_results_document("assess");
  cs::add_to_document(doc, "geodetector", s);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s, out, "");
  out.commit();
  rt.ctx.info("stats geodetector: " + std::to_string(s.section["rows"].get<std::size_t>()) + " rows, " +
              std::to_string(o.in.factors.size() + o.in.classed.size()) + " factors -> " + o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "stats", 62, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* stats = app.add_subcommand("stats", "Spatial statistics on any table (GeoDetector)");
      stats->require_subcommand(1);
      auto* sub = stats->add_subcommand(
          "geodetector",
          "GeoDetector (Wang et al. 2010) on any table: factor (q, non-central F p as R geodetector), "
          "interaction, risk and ecological detectors");
      sub->footer(
          "Example:\n  countyscope stats geodetector --table tests/assess/data/disease.csv --y incidence \\\n"
          "    --factors type,region,level --out out/geodetector\n"
          "Outputs: geodetector_factor.csv, geodetector_strata.csv, geodetector_risk.csv,\n"
          "geodetector_interaction.csv, geodetector_ecological.csv, results.json (section geodetector).");
      auto o = std::make_shared<GeodetectorCli>();
      sub->add_option("--table", o->in.table, "any GDAL table (CSV, XLSX, GeoPackage, Shapefile ...)")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--layer", o->in.layer, "the table's layer or sheet (default: its only one)");
      sub->add_option("--y", o->in.y, "the explained variable (numeric; used as it is)")->required();
      sub->add_option(
             "--factors", o->in.factors,
             "categorical factors: columns whose values are strata as written (soil type, watershed)")
          ->delimiter(',');
      sub->add_option("--classed", o->in.classed, "numeric factors cut into --classes quantile classes")
          ->delimiter(',');
      sub->add_option("--classes", o->in.classes, "quantile classes of each --classed factor (2..100)")
          ->default_val(5);
      sub->add_option("--out", o->out, "output directory")->required();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
