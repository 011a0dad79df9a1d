// The national assessment driver: county table (CSV or .csv.gz) + indicator system (TOML) -> entropy weights,
// TOPSIS scores, dimension scores, coupling coordination, obstacles, equity decompositions, spatial
// statistics, GeoDetector, spatial Markov 2010->2020 and county-town typing -> one results section
// (docs/assess.md).
//
// One study behind every door: `countyscope assess` and the demo's national part call run_assess_study with
// typed inputs (file paths) and the options of the registry ([assess], docs/options.md).
//
// Example:
//   cs::assess::AssessInputs in{.counties = "data/china/county_features_2020.csv.gz",
//                               .indicators = "data/config/integration.toml",
//                               .centres = "data/china/county_centres.csv.gz"};
//   cs::assess::AssessOptions opt;                                      // the registry's defaults
//   cs::assess::assess_options().set_text(opt, "weights", "band", "--weights: ");
//   cs::assess::AssessStudy s = cs::assess::run_assess_study(in, opt, ctx);   // s.result, s.outputs
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/io/vector_source.hpp>

namespace cs::assess {

// Reads a CSV file, plain or gzip-compressed (by the .gz suffix or the gzip magic bytes).
CsvTable read_table(const std::string& path);

// An arithmetic formula over columns: numbers, column names (letters, digits, _ and any UTF-8; or "quoted"),
// + - * / and parentheses. Division by zero or a missing operand gives NaN (a missing value).
class Formula {
 public:
  static Formula parse(std::string_view text, std::string_view where);
  [[nodiscard]] const std::vector<std::string>& columns() const noexcept { return columns_; }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  // values[c] = value of columns()[c] for the row.
  [[nodiscard]] double eval(const double* values) const;

 private:
  struct Op {
    char kind;  // 'n' number, 'c' column, '+', '-', '*', '/', 'u' (negate)
    double value;
    std::size_t column;
  };
  std::string text_;
  std::vector<std::string> columns_;
  std::vector<Op> rpn_;
};

struct Indicator {
  std::string id, name, dimension, why, unit;
  std::string name_zh, why_zh;  // optional Chinese name and reason (the report shows them in Chinese)
  std::string formula_text, formula_2010_text;  // formula_2010 empty = same as formula
  int direction = 1;
  std::optional<double> weight;  // fixed weight (all or none of the indicators must have one)
};
struct Dimension {
  std::string id, name, name_zh;
  double alpha = 0;  // coupling weight; 0 = equal
};
struct TypingColumns {  // [typing] in the TOML; a missing column disables the rules that need it (stated)
  std::string pop_now = "pop_2020", pop_before = "pop_2010", urban_pop = "urban_pop_2020";
  std::string agri_share = "share_employed_agri", manuf_share = "share_employed_manuf", city = "city";
};

struct IndicatorSystem {
  std::string name, description, key = "adcode", name_column = "county", province_column = "province";
  std::vector<Dimension> dimensions;
  std::vector<Indicator> indicators;
  TypingColumns typing;
  int year = 0;  // census year of the table (top-level `year`; 0 = not given): the official unit counts
  std::string file;
};
// Parses and validates the TOML (errors name the file, the table and the key).
IndicatorSystem load_indicator_system(const std::string& path);
IndicatorSystem parse_indicator_system(std::string_view toml_text, const std::string& file_label);

enum class MissingPolicy { kDrop, kImputeMedian, kError };
std::string_view to_string(MissingPolicy p);
enum class EntropyMode { kCross, kPanel };
std::string_view to_string(EntropyMode m);

// County-level unit types (docs/assess.md, "Units"): from the GB/T 2260 code and the name suffix.
enum class UnitType {
  kDistrict,          // 市辖区
  kCity,              // 县级市
  kCounty,            // 县
  kAutonomousCounty,  // 自治县
  kBanner,            // 旗
  kAutonomousBanner,  // 自治旗
  kSpecialDistrict,   // 特区
  kForestryDistrict,  // 林区
  kZone               // development zone / management area (NBS code 71-79 or no administrative suffix)
};
inline constexpr std::size_t kUnitTypes = 9;
std::string_view to_string(UnitType t);
struct UnitTyping {
  UnitType type;
  std::string rule;  // what decided it
};
// Rules in order: code 71-79 -> zone; suffix 自治县, 自治旗, 旗, 特区; 林区 under code PP90xx; 区; 市 or 县
// under a district code (01-20, not PP90xx) of a prefecture-level city (prefecture name ending 市) ->
// district (renamed after the table's names were fixed, the code is newer); 县 under codes 01-20 elsewhere or
// 81-99 -> city; 市; 县; no name -> the code class; else zone. prefecture: the prefecture's name ("" =
// unknown).
UnitTyping type_unit(std::string_view code, std::string_view name, std::string_view prefecture = "");
// The analysis population: counties proper (县, 自治县, 旗, 自治旗), + county-level cities, districts, or
// all.
enum class UnitFilter { kCounties, kCountiesCities, kDistricts, kAll };
std::string_view to_string(UnitFilter f);
bool selects(UnitFilter f, UnitType t);
// Official year-end counts per type (indexed by UnitType), or nullopt for a year without a documented source.
std::optional<std::array<std::size_t, kUnitTypes>> official_unit_counts(int year);

struct TypingConfig {
  double satellite_km = 50.0;         // county centre within this distance of a large city's centre
  double large_city_pop = 1'000'000;  // urban residents of the city's districts (2020)
  double losing_change = 0.0;         // population change 2010->2020 below this fraction
  double agri_share = 0.40;           // share employed in agriculture at or above
  double specialised_manuf = 0.25;    // share employed in manufacturing at or above
};

struct AssessConfig {
  std::string counties, indicators, centres, counties_2010;
  // An official boundary file (标准地图) the user supplies: drawn on the national maps, never made up.
  std::string boundaries, boundaries_layer, boundaries_crs;
  UnitFilter units = UnitFilter::kCounties;
  MissingPolicy missing = MissingPolicy::kDrop;
  WeightMethod weighting = WeightMethod::kMean;  // objective weights (docs/assess.md, Weights)
  Transform transform = Transform::kLog;         // of skewed indicators (|g1| > 1) before weighting
  double winsor = 0.01;                          // winsorising fraction per tail before weighting
  double weight_cap = 0;                         // largest weight of one indicator; 0 = no cap
  int perturbations = 200;                       // Dirichlet weight samples for rank intervals; 0 = none
  double concentration = 100;                    // Dirichlet(concentration * w)
  Shift shift{};
  EntropyMode entropy = EntropyMode::kCross;
  TopsisNorm topsis_norm = TopsisNorm::kVector;
  CouplingForm coupling = CouplingForm::kCorrected;
  WeightsSpec weights{};
  int permutations = 999;
  LisaVariance lisa_variance = LisaVariance::kEsda;
  double alpha = 0.05;
  int markov_classes = 5;
  int geodetector_classes = 5;
  TypingConfig typing{};
};
[[nodiscard]] std::vector<Problem> validate(const AssessConfig& cfg);

// The files an assessment reads (typed inputs of the study).
struct AssessInputs {
  std::string counties, indicators;  // required: county table (CSV or .csv.gz), indicator system (TOML)
  std::string centres;               // optional: county centres (spatial statistics)
  std::string counties_2010;         // optional: 2010 table (panel entropy, spatial Markov)
  // optional: an official boundary file (标准地图; any GDAL vector source of polygons or lines), its layer
  // and its CRS when the file does not say (docs/assess.md, "Boundaries on the national maps")
  std::string boundaries, boundaries_layer, boundaries_crs;
};
// The assessment's options as users give them (the registry's [assess] table): enums for choices, metres for
// distances. Defaults are AssessConfig's (a test holds them equal).
struct AssessOptions {
  UnitFilter units = UnitFilter::kCounties;
  MissingPolicy missing = MissingPolicy::kDrop;
  WeightMethod weighting = WeightMethod::kMean;
  Transform transform = Transform::kLog;
  double winsor = 0.01;
  double weight_cap = 0;
  std::int64_t perturbations = 200;
  double concentration = 100;
  ShiftKind shift = ShiftKind::kNone;
  double shift_eps = 0.01;                  // shift eps: x' + shift_eps
  double shift_a = 0.002, shift_b = 0.998;  // shift rescale: a + (b - a) x'
  EntropyMode entropy = EntropyMode::kCross;
  TopsisNorm topsis = TopsisNorm::kVector;
  CouplingForm coupling = CouplingForm::kCorrected;
  WeightsKind weights = WeightsKind::kKnn;
  std::int64_t knn_k = 8;
  double band_m = 0;  // band / idw cut-off; 0 = the smallest distance that gives every county a neighbour
  std::int64_t permutations = 999;
  LisaVariance lisa_variance = LisaVariance::kEsda;
  double alpha = 0.05;
  std::int64_t markov_classes = 5, geodetector_classes = 5;
  double satellite_m = 50'000;
  double large_city_pop = 1'000'000, losing_change = 0.0, agri_share = 0.40, manuf_share = 0.25;
};
// [assess] of the option registry (CLI `countyscope assess`; docs/options.md).
[[nodiscard]] const opt::Table<AssessOptions>& assess_options();
// The methods' configuration (distances in km as the methods use them, the shift and weights specs).
[[nodiscard]] AssessConfig assess_config(const AssessInputs& in, const AssessOptions& o);

struct CountyType {
  std::string type;  // satellite | population-losing | agricultural | specialised | unassigned | district
  std::string rule;  // the rule that fired, with the county's figures
  double pop_change = 0, agri_share = 0, manuf_share = 0, city_km = 0;
  std::string nearest_city;
};

// Units per type in the table, selected by the filter, and the official count of the table's year.
struct UnitCount {
  std::string type;
  std::size_t table = 0, selected = 0;
  std::optional<std::size_t> official;
};

struct AssessResult {
  AssessConfig config;
  std::vector<UnitCount> unit_counts;     // one per UnitType, in enum order
  std::vector<std::string> unit_recoded;  // "code name: rule" for units whose code overrode the name suffix
  std::vector<std::string> unit;          // per kept county, its unit type
  IndicatorSystem system;
  std::size_t rows_in = 0;
  std::vector<std::size_t> missing_per_indicator;  // cells missing per indicator before the policy
  std::size_t dropped = 0, imputed = 0;
  // Counties kept (row order of the input), with their indicator values.
  std::vector<std::string> code, name, province, city, region;
  std::vector<double> lon, lat;  // NaN when no centre
  Columns raw, norm;
  EntropyResult entropy;
  std::vector<double> weight;  // effective weights (the chosen method, capped; or panel entropy or fixed)
  // Robustness (with weight_sets): ranks under every method, Spearman rho between them, quintile changes
  // against the chosen weighting, and the rank interval under Dirichlet perturbation of the chosen weights.
  std::vector<std::string> robust_methods;
  std::vector<std::vector<int>> robust_rank;  // [method][county]
  std::vector<std::vector<double>> spearman;  // [method][method]
  std::vector<double> quintile_change;        // [method] share vs the chosen weighting
  RankInterval rank_interval;
  WeightSets weight_sets;  // every method on the weighting data (empty with fixed or panel weights)
  std::vector<std::string>
      transformed;            // indicators log- or rank-transformed before weighting (|skewness| > 1)
  std::string weight_source;  // "entropy (cross-section)" | "entropy (panel 2010+2020)" | "fixed (TOML)"
  std::vector<double> score, index;            // TOPSIS closeness; weighted sum of normalised values
  std::vector<int> rank;                       // 1 = best score
  std::vector<std::vector<double>> dim_score;  // [county][dimension] in [0,1]
  std::vector<Coupling> coupling;
  std::vector<std::vector<double>> obstacle;      // [county][indicator] fractions
  std::vector<std::vector<double>> dim_obstacle;  // [county][dimension]
  Density density_score, density_d;
  TheilResult theil_province, theil_region;
  DagumResult dagum_region, dagum_province;
  // Spatial (counties with a centre).
  std::vector<std::size_t> located;  // indices into the kept counties
  Weights w;
  MoranResult moran_score, moran_d;
  LisaResult lisa;
  std::vector<FactorDetector> factors;
  std::vector<Interaction> interactions;
  std::vector<RiskDetector> risks;
  std::vector<Ecological> ecological;
  // Panel / Markov (with counties_2010).
  bool has_panel = false;
  std::vector<std::string> panel_indicators, panel_excluded;
  std::vector<double> panel_weight;
  std::size_t panel_matched = 0;
  MarkovResult markov;
  // 2010 -> 2020 change of the index decomposed by indicator (with the panel): the panel's units and
  // indicators, the chosen weights of the panel indicators rescaled to sum 1, pooled min-max values.
  std::vector<std::size_t> change_units;  // indices into the kept counties
  std::vector<double> change_weight;      // [panel indicator]
  ChangeDecomposition change;
  // Typing.
  std::vector<CountyType> types;
  std::vector<std::pair<std::string, std::size_t>> type_counts;
  std::size_t large_cities = 0;
  std::vector<std::string>
      notes;  // every policy decision, stated (missing values, dropped rows, islands ...)
  // The official boundary file as read (WGS-84), when one was given.
  std::optional<VectorTable> boundaries;
};

AssessResult run_assess(const AssessConfig& cfg, Context& ctx);
// The bundled national run (for `countyscope demo`): data/china tables, the default indicator system, centres
// and the 2010 table, found through cs::resource_path. Example:
//   auto s = cs::assess::run_assess_study(cs::assess::national_inputs(), {}, ctx);
//   cs::write_file(out.path("results.json"), cs::dump_results(cs::assess::results_document(s.result,
//   s.outputs))); cs::write_tables(s.outputs, out, "counties.gpkg");
AssessInputs national_inputs();
Json to_json(const AssessResult& r);
// The stage's outputs: sections.assess (to_json), the tables scores, obstacles, lisa (with centres), types
// and weights (CSV) and the counties layer (GeoPackage when any county has a centre; GeoJSON in the
// document).
Outputs assess_outputs(const AssessResult& r);
// The results document of `countyscope assess` (kind "assess"): o's section and layers, sources and
// attribution.
Json results_document(const AssessResult& r, const Outputs& o);
// GeoJSON FeatureCollection of located counties with score, rank, D, class, LISA label and type.
Json counties_geojson(const AssessResult& r);
// The assessment study: checked options and inputs -> run_assess -> the stage's Outputs. The one
// orchestration of the capability (the CLI command and the demo only write what it returns).
struct AssessStudy {
  AssessResult result;
  Outputs outputs;
};
[[nodiscard]] AssessStudy run_assess_study(const AssessInputs& in, const AssessOptions& o, Context& ctx);
// Region of a GB/T 2260 code by the NBS four-region convention (east, central, west, north-east).
std::string_view region_of(std::string_view adcode);

}  // namespace cs::assess
