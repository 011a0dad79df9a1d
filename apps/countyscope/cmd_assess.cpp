// countyscope assess: national / cross-county assessment (docs/assess.md). Parses options, calls
// cs::assess::run_assess and writes the outputs through a staged cs::OutputDir (nothing partial on error).
#include <memory>
#include <string>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/output.hpp>

#include "command.hpp"

namespace {

struct AssessOptions {
  std::string counties, indicators, out, centres, counties_2010;
  std::string missing = "drop", shift = "none", entropy = "cross", topsis = "vector", coupling = "corrected";
  std::string weights = "knn:8", lisa_variance = "esda";
  int permutations = 999, markov_classes = 5, geodetector_classes = 5;
  double alpha = 0.05, satellite_km = 50, large_city_pop = 1e6, losing_change = 0.0, agri_share = 0.4,
         manuf_share = 0.25;
};

int run(const AssessOptions& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run.force);  // refuse before the work, not after it
  namespace a = cs::assess;
  a::AssessConfig cfg;
  cfg.counties = o.counties;
  cfg.indicators = o.indicators;
  cfg.centres = o.centres;
  cfg.counties_2010 = o.counties_2010;
  cfg.missing = a::parse_missing_policy(o.missing);
  cfg.shift = a::parse_shift(o.shift);
  cfg.entropy = a::parse_entropy_mode(o.entropy);
  cfg.topsis_norm = a::parse_topsis_norm(o.topsis);
  cfg.coupling = a::parse_coupling_form(o.coupling);
  cfg.weights = a::parse_weights_spec(o.weights);
  cfg.lisa_variance = a::parse_lisa_variance(o.lisa_variance);
  cfg.permutations = o.permutations;
  cfg.alpha = o.alpha;
  cfg.markov_classes = o.markov_classes;
  cfg.geodetector_classes = o.geodetector_classes;
  cfg.typing = {o.satellite_km, o.large_city_pop, o.losing_change, o.agri_share, o.manuf_share};
  const a::AssessResult r = a::run_assess(cfg, rt.ctx);
  for (const auto& note : r.notes) rt.ctx.info(note);
  cs::OutputDir out(o.out, rt.ctx);
  const cs::Outputs outputs = a::assess_outputs(r);
  cs::write_file(out.path("results.json"), cs::dump_results(a::results_document(r, outputs)));
  cs::write_tables(outputs, out, "counties.gpkg");
  out.commit();
  rt.ctx.info("assessed " + std::to_string(r.code.size()) + " counties -> " + o.out + "/results.json");
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
      auto o = std::make_shared<AssessOptions>();
      sub->add_option("--counties", o->counties, "county table (CSV or .csv.gz), one row per county")
          ->required();
      sub->add_option("--indicators", o->indicators,
                      "indicator system (TOML; see data/config/integration.toml)")
          ->required();
      sub->add_option("--out", o->out, "output directory")->required();
      sub->add_option("--centres", o->centres,
                      "county centres CSV with the key, lon_wgs84, lat_wgs84 (spatial statistics)");
      sub->add_option("--counties-2010", o->counties_2010,
                      "2010 county table (panel entropy, spatial Markov 2010->2020)");
      sub->add_option("--missing", o->missing,
                      "missing values: drop | impute-median | error (counts always reported)")
          ->capture_default_str();
      sub->add_option("--shift", o->shift, "normalisation shift: none | eps[:E] | rescale[:A,B]")
          ->capture_default_str();
      sub->add_option("--entropy", o->entropy,
                      "entropy weights: cross (cross-section 2020) | panel (pooled 2010+2020)")
          ->capture_default_str();
      sub->add_option("--topsis", o->topsis, "TOPSIS normalisation: vector | minmax")->capture_default_str();
      sub->add_option("--coupling", o->coupling, "coupling coordination: corrected | standard")
          ->capture_default_str();
      sub->add_option("--weights", o->weights,
                      "spatial weights: knn:K | band[:KM] | idw[:KM] (row-standardised)")
          ->capture_default_str();
      sub->add_option("--permutations", o->permutations, "permutations for Moran's I and LISA")
          ->capture_default_str();
      sub->add_option("--lisa-variance", o->lisa_variance, "LISA m2 convention: esda (n-1) | spdep (n)")
          ->capture_default_str();
      sub->add_option("--alpha", o->alpha, "significance level for LISA clusters")->capture_default_str();
      sub->add_option("--markov-classes", o->markov_classes, "quantile classes of the spatial Markov chain")
          ->capture_default_str();
      sub->add_option("--geodetector-classes", o->geodetector_classes,
                      "quantile classes of each GeoDetector factor")
          ->capture_default_str();
      sub->add_option("--satellite-km", o->satellite_km, "typing: distance to a large city for 'satellite'")
          ->capture_default_str();
      sub->add_option("--large-city-pop", o->large_city_pop, "typing: urban residents of a large city")
          ->capture_default_str();
      sub->add_option("--losing-change", o->losing_change,
                      "typing: population change 2010-2020 below which 'population-losing'")
          ->capture_default_str();
      sub->add_option("--agri-share", o->agri_share,
                      "typing: agricultural employment share for 'agricultural'")
          ->capture_default_str();
      sub->add_option("--manuf-share", o->manuf_share,
                      "typing: manufacturing employment share for 'specialised'")
          ->capture_default_str();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
