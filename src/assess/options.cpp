// The [assess] table of the option registry (docs/options.md) and the one assessment study behind
// `countyscope assess` and the demo's national part.
#include <tuple>

#include <countyscope/assess/assess.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/io/output.hpp>

namespace cs::assess {
namespace {

const Range kShiftEps{"shift", 0, 1, "", true};
const Range kRescale{"rescale bound", -1e6, 1e6, ""};
const Range kAlpha{"significance level", 0, 1, "", true};
const Range kChange{"population change", -1, 10, "(fraction)"};
const Range kWinsor{"winsorising fraction", 0, 0.25, ""};
const Range kCap{"weight cap", 0, 1, ""};
const Range kConc{"Dirichlet concentration", 0, 1e6, "", true};

}  // namespace

const opt::Table<AssessOptions>& assess_options() {
  using O = AssessOptions;
  static const auto t =
      opt::Table<O>("assess", "National assessment (`countyscope assess`, the demo's national part)")
          .choice(
              "units", &O::units,
              {{"counties", UnitFilter::kCounties},
               {"counties+cities", UnitFilter::kCountiesCities},
               {"districts", UnitFilter::kDistricts},
               {"all", UnitFilter::kAll}},
              "analysis population by unit type (name suffix and code): counties (县, 自治县, 旗, 自治旗), "
              "counties+cities (and 县级市), districts (市辖区), all (every row, zones included)")
          .choice("weighting", &O::weighting,
                  {{"mean", WeightMethod::kMean},
                   {"entropy", WeightMethod::kEntropy},
                   {"critic", WeightMethod::kCritic},
                   {"cv", WeightMethod::kCv},
                   {"equal", WeightMethod::kEqual}},
                  "indicator weights: mean (of entropy, CRITIC and CV), entropy, critic, cv (coefficient of "
                  "variation) or equal; computed on the weighting data (winsor, transform)")
          .choice("transform", &O::transform,
                  {{"log", Transform::kLog}, {"rank", Transform::kRank}, {"none", Transform::kNone}},
                  "before weighting, indicators with |skewness| > 1: log(1 + x - min), mid-ranks or none")
          .number("winsor", &O::winsor, kWinsor, "before weighting: winsorise this fraction of each tail")
          .number("weight_cap", &O::weight_cap, kCap,
                  "largest weight of one indicator, the excess shared in proportion (0: no cap)")
          .integer("perturbations", &O::perturbations, 0, 100'000, "samples",
                   "robustness: Dirichlet weight samples for each unit's rank interval (0: none)")
          .number("concentration", &O::concentration, kConc,
                  "robustness: Dirichlet concentration c, weights drawn from Dirichlet(c x chosen weights)")
          .choice("missing", &O::missing,
                  {{"drop", MissingPolicy::kDrop},
                   {"impute-median", MissingPolicy::kImputeMedian},
                   {"error", MissingPolicy::kError}},
                  "missing values: drop the county, impute the indicator's median, or stop (counts always "
                  "reported)")
          .choice(
              "shift", &O::shift,
              {{"none", ShiftKind::kNone}, {"eps", ShiftKind::kEpsilon}, {"rescale", ShiftKind::kRescale}},
              "shift after min-max normalisation: none, eps (x' + shift_eps), rescale (a + (b - a) x')")
          .number("shift_eps", &O::shift_eps, kShiftEps, "shift eps: the value added")
          .number("shift_a", &O::shift_a, kRescale, "shift rescale: lower bound a (a < b)")
          .number("shift_b", &O::shift_b, kRescale, "shift rescale: upper bound b")
          .choice("entropy", &O::entropy, {{"cross", EntropyMode::kCross}, {"panel", EntropyMode::kPanel}},
                  "entropy weights: cross (cross-section 2020) or panel (pooled 2010+2020; needs the 2010 "
                  "table)")
          .choice("topsis", &O::topsis, {{"vector", TopsisNorm::kVector}, {"minmax", TopsisNorm::kMinMax}},
                  "TOPSIS normalisation")
          .choice("coupling", &O::coupling,
                  {{"corrected", CouplingForm::kCorrected}, {"standard", CouplingForm::kStandard}},
                  "coupling coordination form")
          .choice("weights", &O::weights,
                  {{"knn", WeightsKind::kKnn}, {"band", WeightsKind::kBand}, {"idw", WeightsKind::kIdw}},
                  "spatial weights (row-standardised): knn (knn_k nearest), band (within band_m), idw "
                  "(inverse distance within band_m)")
          .integer("knn_k", &O::knn_k, 1, 100, "neighbours", "weights knn: neighbours of each county")
          .number("band_m", &O::band_m, limits::kDistanceM,
                  "weights band / idw: cut-off distance (0: the smallest that gives every county a "
                  "neighbour)")
          .integer("permutations", &O::permutations, 0, 1'000'000, "permutations",
                   "permutations for Moran's I and LISA")
          .choice("lisa_variance", &O::lisa_variance,
                  {{"esda", LisaVariance::kEsda}, {"spdep", LisaVariance::kSpdep}},
                  "LISA m2 convention: esda (n - 1) or spdep (n)")
          .number("alpha", &O::alpha, kAlpha, "significance level of LISA clusters")
          .integer("markov_classes", &O::markov_classes, 2, 10, "classes",
                   "quantile classes of the spatial Markov chain")
          .integer("geodetector_classes", &O::geodetector_classes, 2, 10, "classes",
                   "quantile classes of each GeoDetector factor")
          .number("satellite_m", &O::satellite_m, limits::kDistanceM,
                  "typing: a county centre within this distance of a large city's centre is 'satellite'")
          .number("large_city_pop", &O::large_city_pop, limits::kPopulation,
                  "typing: urban residents of a large city's municipal districts")
          .number("losing_change", &O::losing_change, kChange,
                  "typing: population change 2010-2020 below which a county is 'population-losing'")
          .number("agri_share", &O::agri_share, limits::kShare,
                  "typing: agricultural employment share at or above which a county is 'agricultural'")
          .number("manuf_share", &O::manuf_share, limits::kShare,
                  "typing: manufacturing employment share at or above which a county is 'specialised'")
          .renamed("satellite_km", "satellite_m", "now in metres");
  return t;
}

std::vector<Problem> validate(const AssessConfig& c) {
  std::vector<Problem> p;
  if (c.counties.empty()) p.push_back({"counties", "required"});
  if (c.indicators.empty()) p.push_back({"indicators", "required"});
  if (c.permutations < 0 || c.permutations > 1'000'000)
    p.push_back({"permutations", "must be in 0..1000000"});
  if (!(c.alpha > 0 && c.alpha < 1)) p.push_back({"alpha", "must be in (0, 1)"});
  if (c.markov_classes < 2 || c.markov_classes > 10) p.push_back({"markov-classes", "must be in 2..10"});
  if (c.geodetector_classes < 2 || c.geodetector_classes > 10)
    p.push_back({"geodetector-classes", "must be in 2..10"});
  if (c.weights.kind == WeightsKind::kKnn && (c.weights.k < 1 || c.weights.k > 100))
    p.push_back({"weights", "knn k must be in 1..100"});
  if (c.entropy == EntropyMode::kPanel && c.counties_2010.empty())
    p.push_back({"entropy", "panel entropy needs --counties-2010"});
  // Typing thresholds: documented ranges (core/limits.hpp); NaN fails every check.
  const Range km{"distance", 0, 20000, "km"}, change{"population change", -1, 10, "(fraction)"};
  for (const auto& [opt, x, r] : {std::tuple{"satellite-km", c.typing.satellite_km, km},
                                  std::tuple{"large-city-pop", c.typing.large_city_pop, limits::kPopulation},
                                  std::tuple{"losing-change", c.typing.losing_change, change},
                                  std::tuple{"agri-share", c.typing.agri_share, limits::kShare},
                                  std::tuple{"manuf-share", c.typing.specialised_manuf, limits::kShare}})
    if (auto msg = range_problem(x, r)) p.push_back({opt, *msg});
  return p;
}
AssessConfig assess_config(const AssessInputs& in, const AssessOptions& o) {
  AssessConfig c;
  c.counties = in.counties;
  c.indicators = in.indicators;
  c.centres = in.centres;
  c.counties_2010 = in.counties_2010;
  c.boundaries = in.boundaries;
  c.boundaries_layer = in.boundaries_layer;
  c.boundaries_crs = in.boundaries_crs;
  c.units = o.units;
  c.weighting = o.weighting;
  c.transform = o.transform;
  c.winsor = o.winsor;
  c.weight_cap = o.weight_cap;
  c.perturbations = static_cast<int>(o.perturbations);
  c.concentration = o.concentration;
  c.missing = o.missing;
  c.shift.kind = o.shift;
  c.shift.epsilon = o.shift_eps;
  c.shift.a = o.shift_a;
  c.shift.b = o.shift_b;
  c.entropy = o.entropy;
  c.topsis_norm = o.topsis;
  c.coupling = o.coupling;
  c.weights.kind = o.weights;
  c.weights.k = static_cast<int>(o.knn_k);
  c.weights.band_km = o.band_m / 1000.0;
  c.permutations = static_cast<int>(o.permutations);
  c.lisa_variance = o.lisa_variance;
  c.alpha = o.alpha;
  c.markov_classes = static_cast<int>(o.markov_classes);
  c.geodetector_classes = static_cast<int>(o.geodetector_classes);
  c.typing.satellite_km = o.satellite_m / 1000.0;
  c.typing.large_city_pop = o.large_city_pop;
  c.typing.losing_change = o.losing_change;
  c.typing.agri_share = o.agri_share;
  c.typing.specialised_manuf = o.manuf_share;
  return c;
}

AssessInputs national_inputs() {
  return {.counties = resource_path("data/china/county_features_2020.csv.gz"),
          .indicators = resource_path("data/config/integration.toml"),
          .centres = resource_path("data/china/county_centres.csv.gz"),
          .counties_2010 = resource_path("data/china/county_features_2010.csv.gz"),
          .boundaries = {},
          .boundaries_layer = {},
          .boundaries_crs = {}};
}

AssessStudy run_assess_study(const AssessInputs& in, const AssessOptions& o, Context& ctx) {
  if (o.shift == ShiftKind::kRescale && !(o.shift_a < o.shift_b))
    throw UsageError("--shift-a, --shift-b: expected a < b, got " + number_text(o.shift_a) + " and " +
                     number_text(o.shift_b));
  AssessStudy s;
  s.result = run_assess(assess_config(in, o), ctx);
  s.outputs = assess_outputs(s.result);
  return s;
}

}  // namespace cs::assess
