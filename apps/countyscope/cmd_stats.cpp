// countyscope stats: spatial statistics on any table (docs/stats.md). `stats geodetector`: the table, y and
// factors -> cs::assess::run_geodetector_study; `stats autocorrelation`: the table, y, weights and methods ->
// cs::assess::run_autocorrelation_study; `stats mcdm`: criteria, normalisation, weights -> TOPSIS; `stats
// equity`: Gini, Palma, concentration index; `stats markov`: transitions, steady state, first passage;
// outputs written through a staged cs::OutputDir (nothing partial on error).
#include <memory>
#include <string>
#include <vector>

#include <countyscope/assess/autocorrelation_study.hpp>
#include <countyscope/assess/equity_study.hpp>
#include <countyscope/assess/geodetector_study.hpp>
#include <countyscope/assess/markov_study.hpp>
#include <countyscope/assess/mcdm_study.hpp>
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

struct AutocorrelationCli {
  cs::assess::AutocorrelationInputs in;
  std::string out;
};

int run_autocorrelation(const AutocorrelationCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);
  const cs::Outputs s = cs::assess::run_autocorrelation_study(o.in, rt.ctx);
  cs::OutputDir out(o.out, rt.ctx);
  cs::Json doc = cs::new_results_document("assess");
  cs::add_to_document(doc, "autocorrelation", s);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s, out, "");
  out.commit();
  rt.ctx.info("stats autocorrelation: " + std::to_string(s.section["rows"].get<std::size_t>()) + " rows, " +
              std::to_string(s.section["weights"]["islands"].size()) + " islands -> " + o.out);
  return 0;
}

void add_autocorrelation(CLI::App* stats, cs::cli::Runtime& rt) {
  auto* sub = stats->add_subcommand(
      "autocorrelation",
      "Moran's I, Geary's C, Getis-Ord G, join counts, LISA and local G / G* on any table, with weights from "
      "GAL / GWT files, queen / rook contiguity, kNN, distance band or inverse distance");
  sub->footer(
      "Example:\n  countyscope stats autocorrelation --table tests/data/libpysal/columbus.shp --y CRIME \\\n"
      "    --weights queen --methods moran,geary,lisa --out out/columbus\n"
      "Outputs: autocorrelation_global.csv (one row per statistic and inference: normality, randomisation,\n"
      "permutation; p_one_sided and p_two_sided), autocorrelation_local.csv (LISA, local G), results.json\n"
      "(section autocorrelation: the weights, their islands, the conventions).");
  auto o = std::make_shared<AutocorrelationCli>();
  sub->add_option("--table", o->in.table, "any GDAL table (CSV, XLSX, GeoPackage, Shapefile ...)")
      ->required()
      ->check(cs::cli::existing_file());
  sub->add_option("--layer", o->in.layer, "the table's layer or sheet (default: its only one)");
  sub->add_option("--y", o->in.y, "the variable (numeric; 0/1 for join counts)")->required();
  sub->add_option("--methods", o->in.methods,
                  "moran, geary, getis (General G), joincount (0/1 y), lisa, localg, localg* (Gi*)")
      ->delimiter(',')
      ->default_str("moran,geary,getis,lisa,localg");
  sub->add_option(
         "--weights", o->in.weights,
         "queen | rook (the table's polygons) | knn:K | band[:D] | idw[:D] (its points) | a .gal, .gwt "
         "or .kwt file")
      ->default_val("queen");
  sub->add_option("--transform", o->in.transform,
                  "row (row-standardised, esda's 'r', spdep's 'W') | binary ('b', 'B') | none (as given)")
      ->default_val("row");
  sub->add_option(
         "--metric", o->in.metric,
         "distances for knn, band, idw: planar (the layer's units, libpysal's default) | great-circle (km)")
      ->default_val("planar");
  sub->add_option("--idw-power", o->in.idw_power, "idw: w = d^-power")->default_val(1.0);
  sub->add_option(
      "--id", o->in.id,
      "id column (weights files, output rows; default: the file header's id field, else the row number)");
  sub->add_option("--coords", o->in.coords, "X,Y coordinate columns of a table without geometry");
  sub->add_option("--crs", o->in.crs, "CRS of --coords (default EPSG:4326)");
  sub->add_option("--permutations", o->in.permutations, "permutations (0..1000000; seeded by --seed)")
      ->default_val(999);
  sub->add_option("--alpha", o->in.alpha, "LISA and local G clusters: p_sim < alpha")->default_val(0.05);
  sub->add_option("--lisa-variance", o->in.lisa_variance,
                  "LISA's m2: esda (sum z^2 / (n - 1)) | spdep (sum z^2 / n)")
      ->default_val("esda");
  sub->add_flag(
      "--refuse-islands", o->in.refuse_islands,
      "a unit without neighbours is an input error (spdep's zero.policy = FALSE; default: reported)");
  sub->add_option("--out", o->out, "output directory")->required();
  sub->final_callback([o, &rt] { rt.exit_code = run_autocorrelation(*o, rt); });
}

struct McdmCli {
  cs::assess::McdmInputs in;
  std::string out;
};

int run_mcdm(const McdmCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);
  const cs::Outputs s = cs::assess::run_mcdm_study(o.in, rt.ctx);
  cs::OutputDir out(o.out, rt.ctx);
  cs::Json doc = cs::new_results_document("assess");
  cs::add_to_document(doc, "mcdm", s);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s, out, "");
  out.commit();
  rt.ctx.info("stats mcdm: " + std::to_string(s.section["rows"].get<std::size_t>()) + " alternatives, " +
              std::to_string(o.in.criteria.size()) + " criteria -> " + o.out);
  return 0;
}

void add_mcdm(CLI::App* stats, cs::cli::Runtime& rt) {
  auto* sub = stats->add_subcommand(
      "mcdm",
      "TOPSIS on any table with min-max, max, sum or vector normalisation and entropy, CRITIC, std, CV, "
      "equal or given criteria weights (pymcdm's conventions)");
  sub->footer(
      "Example:\n  countyscope stats mcdm --table alternatives.csv --criteria price,quality,service \\\n"
      "    --cost price --normalization minmax --weights entropy --out out/mcdm\n"
      "Outputs: mcdm_weights.csv, mcdm_scores.csv (TOPSIS closeness, rank 1 = best, d+, d-),\n"
      "mcdm_normalized.csv, results.json (section mcdm).");
  auto o = std::make_shared<McdmCli>();
  sub->add_option("--table", o->in.table, "any GDAL table (CSV, XLSX, GeoPackage, Shapefile ...)")
      ->required()
      ->check(cs::cli::existing_file());
  sub->add_option("--layer", o->in.layer, "the table's layer or sheet (default: its only one)");
  sub->add_option("--criteria", o->in.criteria, "numeric criteria columns (at least two)")
      ->required()
      ->delimiter(',');
  sub->add_option("--cost", o->in.cost, "criteria where smaller is better (the others: larger is better)")
      ->delimiter(',');
  sub->add_option("--normalization", o->in.normalization,
                  "minmax (pymcdm's TOPSIS default) | max | sum | vector (cost criteria turned as pymcdm)")
      ->default_val("minmax");
  sub->add_option("--weights", o->in.weights, "entropy | critic | std | cv | equal | given (--given-weights)")
      ->default_val("entropy");
  sub->add_option("--given-weights", o->in.given,
                  "one weight per criterion, in --criteria order (scaled to sum 1)")
      ->delimiter(',');
  sub->add_option("--id", o->in.id, "id column of the output rows (default: the row number)");
  sub->add_option(
         "--cost-rule", o->in.cost_rule,
         "invert: the normalisation turns cost criteria (pymcdm); ideal: normalised alike, their ideal "
         "is the minimum (Hwang & Yoon, the national assessment)")
      ->default_val("invert");
  sub->add_option(
         "--entropy-on", o->in.entropy_on,
         "entropy weights on raw columns (pymcdm) or on minmax-normalised ones (the national assessment)")
      ->default_val("raw");
  sub->add_option("--out", o->out, "output directory")->required();
  sub->final_callback([o, &rt] { rt.exit_code = run_mcdm(*o, rt); });
}

struct EquityCli {
  cs::assess::EquityInputs in;
  std::string out;
};

int run_equity(const EquityCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);
  const cs::Outputs s = cs::assess::run_equity_study(o.in, rt.ctx);
  cs::OutputDir out(o.out, rt.ctx);
  cs::Json doc = cs::new_results_document("assess");
  cs::add_to_document(doc, "equity", s);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s, out, "");
  out.commit();
  rt.ctx.info("stats equity: " + std::to_string(s.section["rows"].get<std::size_t>()) + " rows -> " + o.out);
  return 0;
}

void add_equity(CLI::App* stats, cs::cli::Runtime& rt) {
  auto* sub = stats->add_subcommand("equity",
                                    "Gini, Palma ratio, Theil's T (decomposed over groups), FGT poverty and "
                                    "concentration index of a column "
                                    "of any table, optionally population-weighted");
  sub->footer(
      "Example:\n  countyscope stats equity --table townships.csv --y doctors --rank income --weight "
      "population \\\n"
      "    --out out/equity\n"
      "Outputs: equity.csv (gini, palma, share_top_10, share_bottom_40, theil_t; with --groups "
      "theil_between,\n"
      "  theil_within and equity_groups.csv; with --poverty-line fgt0..2; with --rank concentration_index,\n"
      "  concentration_index_erreygers, palma_ranked), results.json.");
  auto o = std::make_shared<EquityCli>();
  sub->add_option("--table", o->in.table, "any GDAL table (CSV, XLSX, GeoPackage, Shapefile ...)")
      ->required()
      ->check(cs::cli::existing_file());
  sub->add_option("--layer", o->in.layer, "the table's layer or sheet (default: its only one)");
  sub->add_option("--y", o->in.y, "the variable whose distribution is assessed (>= 0)")->required();
  sub->add_option("--rank", o->in.rank,
                  "ranking variable of the concentration index (income, deprivation ...)");
  sub->add_option("--weight", o->in.weight,
                  "weights (population; >= 0, a row of weight 0 counts for nothing); default: each row 1");
  sub->add_option(
      "--groups", o->in.groups,
      "group column of Theil's between / within decomposition (income decile, urban / rural ...)");
  sub->add_option("--poverty-line", o->in.poverty_line,
                  "FGT poverty measures (headcount, gap, severity) of y below this line (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--rank-base", o->in.rank_base,
                  "table whose weighted quantiles of --rank cut palma_ranked's richest 10 % and poorest 40 % "
                  "(default: the table itself; R accessibility cuts on its whole land-use table)")
      ->check(cs::cli::existing_file());
  sub->add_option("--out", o->out, "output directory")->required();
  sub->final_callback([o, &rt] { rt.exit_code = run_equity(*o, rt); });
}

struct MarkovCli {
  cs::assess::MarkovInputs in;
  std::string out;
};

int run_markov(const MarkovCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);
  const cs::Outputs s = cs::assess::run_markov_study(o.in, rt.ctx);
  cs::OutputDir out(o.out, rt.ctx);
  cs::Json doc = cs::new_results_document("assess");
  cs::add_to_document(doc, "markov", s);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s, out, "");
  out.commit();
  rt.ctx.info("stats markov: " + std::to_string(s.section["rows"].get<std::size_t>()) + " rows, " +
              std::to_string(s.section["periods"].size()) + " periods -> " + o.out);
  return 0;
}

void add_markov(CLI::App* stats, cs::cli::Runtime& rt) {
  auto* sub = stats->add_subcommand(
      "markov",
      "Markov chains on any panel: quantile classes (per period, pooled or given cutoffs), transitions, "
      "steady state and mean first passage times; with --weights the spatial Markov chain (giddy's "
      "conventions)");
  sub->footer(
      "Example:\n  countyscope stats markov --table tests/data/libpysal/usjoin.csv --columns y1929:y2009 \\\n"
      "    --classes 5 --out out/markov\n"
      "Spatial (giddy Spatial_Markov's documented example):\n"
      "  countyscope stats markov --table tests/data/libpysal/usjoin.csv --columns y1929:y2009 --relative "
      "\\\n"
      "    --quantiles pooled --weights tests/data/libpysal/states48.gal --out out/spatial_markov\n"
      "Outputs: markov_transitions.csv (from, to, count, p, mean_first_passage), markov_states.csv (steady\n"
      "state), with --weights markov_spatial.csv (lag_class, from, to, count, p, mean_first_passage) and\n"
      "markov_spatial_states.csv, results.json (section markov; homogeneity tests Q and LR).");
  auto o = std::make_shared<MarkovCli>();
  sub->add_option("--table", o->in.table, "any GDAL table, one row per unit (CSV, XLSX, GeoPackage ...)")
      ->required()
      ->check(cs::cli::existing_file());
  sub->add_option("--layer", o->in.layer, "the table's layer or sheet (default: its only one)");
  sub->add_option("--columns", o->in.columns,
                  "the periods in time order: column names, or FIRST:LAST for every column between them")
      ->required()
      ->delimiter(',');
  sub->add_option("--classes", o->in.classes, "quantile classes (2..20)")->default_val(5);
  sub->add_option("--quantiles", o->in.quantiles,
                  "period: quantiles of each period (giddy Markov's use); pooled: of all periods together "
                  "(giddy Spatial_Markov fixed=True)")
      ->default_val("period");
  sub->add_option("--cutoffs", o->in.cutoffs,
                  "class bounds instead of quantiles (increasing; a value on a bound in the lower class)")
      ->delimiter(',');
  sub->add_flag("--relative", o->in.relative, "divide each period's values by that period's mean");
  sub->add_option("--id", o->in.id,
                  "id column (weights files; default: the file's id field, else row numbers)");
  sub->add_option("--weights", o->in.weights,
                  "spatial Markov: queen | rook | knn:K | band[:D] | idw[:D] | a .gal / .gwt file");
  sub->add_option("--transform", o->in.transform, "weights: row | binary | none")->default_val("row");
  sub->add_option("--metric", o->in.metric, "distance weights: planar | great-circle")->default_val("planar");
  sub->add_option("--coords", o->in.coords, "X,Y coordinate columns of a table without geometry");
  sub->add_option("--lag-classes", o->in.lag_classes, "classes of the spatial lag (default: --classes)");
  sub->add_option("--lag-cutoffs", o->in.lag_cutoffs, "class bounds of the spatial lag instead of quantiles")
      ->delimiter(',');
  sub->add_flag(
      "--lisa", o->in.lisa,
      "LISA Markov: the states are each period's Moran scatterplot quadrants (1 HH, 2 LH, 3 LL, 4 HL)");
  sub->add_flag("--geoda-quads", o->in.geoda_quads,
                "LISA quadrants numbered as GeoDa: 1 HH, 2 LL, 3 LH, 4 HL");
  sub->add_option("--out", o->out, "output directory")->required();
  sub->final_callback([o, &rt] { rt.exit_code = run_markov(*o, rt); });
}

cs::cli::CommandRegistration reg{
    "stats", 62, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* stats = app.add_subcommand(
          "stats",
          "Statistics on any table (GeoDetector, spatial autocorrelation, MCDM, equity, Markov chains)");
      stats->require_subcommand(1);
      add_autocorrelation(stats, rt);
      add_mcdm(stats, rt);
      add_equity(stats, rt);
      add_markov(stats, rt);
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
