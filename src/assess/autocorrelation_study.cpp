// Spatial autocorrelation on any table (include/countyscope/assess/autocorrelation_study.hpp, docs/stats.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <countyscope/assess/autocorrelation_study.hpp>
#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/vector_source.hpp>

#include "table_weights.hpp"

namespace cs::assess {

namespace {

FieldValue real(double x) { return std::isfinite(x) ? FieldValue(x) : FieldValue(std::monostate{}); }

double number_at(const VectorTable& t, const VectorFeature& f, int col, const std::string& field) {
  const std::string& v = f.values[static_cast<std::size_t>(col)];
  if (v.empty()) throw InputError(t.shown(), f.where, field, "empty; a number is expected");
  const auto d = parse_double(v);
  if (!d) throw InputError(t.shown(), f.where, field, "not a number '" + v + "'");
  if (!std::isfinite(*d)) throw InputError(t.shown(), f.where, field, "not a finite number '" + v + "'");
  return *d;
}

const std::vector<std::string> kMethods = {"moran", "geary",  "getis",  "joincount",
                                           "lisa",  "localg", "localg*"};

}  // namespace

Outputs run_autocorrelation_study(const AutocorrelationInputs& in, const Context& ctx) {
  std::set<std::string> methods;
  for (const std::string& m : in.methods) {
    if (std::find(kMethods.begin(), kMethods.end(), m) == kMethods.end())
      throw unknown_value("stats autocorrelation method", m, kMethods);
    if (!methods.insert(m).second) throw UsageError("stats autocorrelation: method '" + m + "' given twice");
  }
  if (methods.empty()) throw UsageError("stats autocorrelation: give at least one method (--methods)");
  WeightsTransform transform = WeightsTransform::kRow;
  if (in.transform == "binary")
    transform = WeightsTransform::kBinary;
  else if (in.transform == "none")
    transform = WeightsTransform::kNone;
  else if (in.transform != "row")
    throw unknown_value("weights transform", in.transform, {"row", "binary", "none"});
  if (in.lisa_variance != "esda" && in.lisa_variance != "spdep")
    throw unknown_value("LISA variance", in.lisa_variance, {"esda", "spdep"});
  if (in.permutations < 0 || in.permutations > 1'000'000)
    throw UsageError("--permutations: expected 0..1000000, got " + std::to_string(in.permutations));
  if (!(in.alpha > 0 && in.alpha < 1)) throw UsageError("--alpha: expected a number in (0, 1)");

  const TableWeightsSpec ws = table_weights_spec(in);
  VectorSourceSpec spec;
  spec.source = in.table;
  spec.layer = in.layer;
  spec.label = "table";
  prepare_weights_source(ws, spec);
  const VectorTable t = read_vector_source(spec);
  const std::size_t n = t.features.size();
  if (n < 4) throw InputError(t.shown(), "", "", "fewer than four rows");
  const int yc = t.require(in.y, "y");
  std::vector<double> y;
  for (const VectorFeature& r : t.features) y.push_back(number_at(t, r, yc, in.y));
  if (methods.count("joincount"))
    for (std::size_t i = 0; i < n; ++i)
      if (y[i] != 0 && y[i] != 1)
        throw InputError(
            t.shown(), t.features[i].where, in.y,
            "'" + t.features[i].values[static_cast<std::size_t>(yc)] + "': join counts need a 0/1 variable");

  TableWeights tw = table_weights(t, ws, ctx.thread_count());
  const Weights& raw = tw.raw;
  const std::vector<std::string>& ids = tw.ids;
  const std::string& id_field = tw.id_field;
  const std::vector<std::string>& islands = tw.islands;
  const Weights w = transformed(raw, transform);
  const Weights wb = transformed(raw, WeightsTransform::kBinary);
  const int threads = ctx.thread_count();
  const std::uint64_t seed = ctx.seed;
  const int perms = in.permutations;

  Outputs o;
  Table gt("autocorrelation_global", {{"statistic", FieldType::kString},
                                      {"inference", FieldType::kString},
                                      {"weights", FieldType::kString},
                                      {"value", FieldType::kReal},
                                      {"expected", FieldType::kReal},
                                      {"variance", FieldType::kReal},
                                      {"z", FieldType::kReal},
                                      {"p_one_sided", FieldType::kReal},
                                      {"p_two_sided", FieldType::kReal},
                                      {"permutations", FieldType::kInteger}});
  gt.csv_file = "autocorrelation_global.csv";
  gt.json = JsonPlace::kSection;
  gt.json_key = "/global";
  auto add_global = [&](const GlobalStat& g, const std::string& wname) {
    for (const GlobalInference& r : g.inference)
      gt.add({g.statistic, r.inference, wname, g.value, real(r.expected), real(r.variance), real(r.z),
              real(r.p_one_sided), real(r.p_two_sided),
              integer(r.inference == "permutation" ? g.permutations : 0)});
  };
  const std::string wname = std::string(to_string(transform));
  if (methods.count("moran")) add_global(moran_global(y, w, perms, seed, threads), wname);
  if (methods.count("geary")) add_global(geary(y, w, perms, seed, threads), wname);
  if (methods.count("getis")) {
    for (std::size_t i = 0; i < n; ++i)
      if (y[i] < 0)
        throw InputError(t.shown(), t.features[i].where, in.y, "negative; Getis-Ord G needs values >= 0");
    add_global(getis_ord_g(y, wb, perms, seed, threads), "binary");
  }
  if (methods.count("joincount"))
    for (const GlobalStat& g : join_counts(y, wb, perms, seed, threads)) add_global(g, "binary");

  std::vector<cs::Column> lc = {
      {"id", FieldType::kString}, {"y", FieldType::kReal}, {"neighbours", FieldType::kInteger}};
  std::vector<std::vector<FieldValue>> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i].emplace_back(ids[i]);
    rows[i].emplace_back(y[i]);
    rows[i].push_back(integer(static_cast<std::int64_t>(raw.first[i + 1] - raw.first[i])));
  }
  const bool local = methods.count("lisa") || methods.count("localg") || methods.count("localg*");
  if (methods.count("lisa")) {
    const LisaResult l =
        lisa_crand(y, w, perms, seed, threads,
                   in.lisa_variance == "esda" ? LisaVariance::kEsda : LisaVariance::kSpdep, in.alpha);
    for (const char* c : {"lisa_i", "lisa_expected", "lisa_variance", "lisa_z", "lisa_p_norm_one_sided",
                          "lisa_p_norm_two_sided", "lisa_p_sim_one_sided", "lisa_p_sim_two_sided"})
      lc.push_back({c, FieldType::kReal});
    lc.push_back({"lisa_quadrant", FieldType::kString});
    lc.push_back({"lisa_cluster", FieldType::kString});
    for (std::size_t i = 0; i < n; ++i) {
      const bool island = raw.first[i] == raw.first[i + 1];
      const double p = perms > 0 && !island ? l.p_sim[i] : std::numeric_limits<double>::quiet_NaN();
      const std::string quad = island       ? "island"
                               : l.z[i] > 0 ? (l.lag_z[i] > 0 ? "HH" : "HL")
                                            : (l.lag_z[i] > 0 ? "LH" : "LL");
      auto& r = rows[i];
      r.push_back(real(l.ii[i]));
      const double p1 = std::isfinite(l.z_norm[i]) ? 1 - normal_cdf(std::fabs(l.z_norm[i]))
                                                   : std::numeric_limits<double>::quiet_NaN();
      for (double v : {l.expected[i], l.variance[i], l.z_norm[i], p1, 2 * p1}) r.push_back(real(v));
      r.push_back(real(p));
      r.push_back(real(std::isfinite(p) ? std::min(1.0, 2 * p) : p));
      r.emplace_back(quad);
      r.emplace_back(l.label[i]);
    }
  }
  for (const bool star : {false, true}) {
    if (!methods.count(star ? "localg*" : "localg")) continue;
    const Weights ws = star ? transformed(with_self(raw), transform) : w;
    const LocalGResult g = local_g(y, ws, star, perms, seed, threads);
    const std::string p = star ? "localgstar_" : "localg_";
    for (const char* c :
         {"g", "expected", "z", "p_norm_one_sided", "p_norm_two_sided", "p_sim_one_sided", "p_sim_two_sided"})
      lc.push_back({p + c, FieldType::kReal});
    lc.push_back({p + "cluster", FieldType::kString});
    for (std::size_t i = 0; i < n; ++i) {
      const double p1 = std::isfinite(g.z[i]) ? 1 - normal_cdf(std::fabs(g.z[i]))
                                              : std::numeric_limits<double>::quiet_NaN();
      const double ps = g.p_sim[i];
      const double decide = perms > 0 ? ps : 2 * p1;
      std::string cluster = raw.first[i] == raw.first[i + 1] ? "island" : "ns";
      if (std::isfinite(decide) && decide < in.alpha && std::isfinite(g.z[i]))
        cluster = g.z[i] > 0 ? "hot" : "cold";
      auto& r = rows[i];
      for (double v :
           {g.g[i], g.expected[i], g.z[i], p1, 2 * p1, ps, std::isfinite(ps) ? std::min(1.0, 2 * ps) : ps})
        r.push_back(real(v));
      r.emplace_back(cluster);
    }
  }
  double links = static_cast<double>(raw.nbr.size());
  o.section = {
      {"table", t.file},
      {"y", in.y},
      {"rows", n},
      {"id", id_field.empty() ? "row number" : id_field},
      {"methods", std::vector<std::string>(methods.begin(), methods.end())},
      {"weights",
       {{"spec", in.weights},
        {"transform", wname},
        {"metric", tw.metric},
        {"links", raw.nbr.size()},
        {"mean_neighbours", links / static_cast<double>(n)},
        {"symmetric", symmetric_links(raw)},
        {"band", tw.band_km},
        {"islands", islands}}},
      {"permutations", perms},
      {"seed", seed},
      {"alpha", in.alpha},
      {"lisa_variance", in.lisa_variance},
      {"conventions",
       "p_one_sided = 1 - Phi(|z|) (esda's p_norm of Geary and G, spdep's alternative 'greater' or 'less' on "
       "the side of z), p_two_sided = 2 (1 - Phi(|z|)) (esda's p_norm of Moran's I); permutation: "
       "p_one_sided = esda's folded p_sim, p_two_sided = min(1, 2 p_sim); Getis-Ord G and join counts on "
       "binary weights (as esda)"}};
  o.add(std::move(gt));
  if (local) {
    Table lt("autocorrelation_local", lc);
    lt.csv_file = "autocorrelation_local.csv";
    for (auto& r : rows) lt.add(std::move(r));
    o.add(std::move(lt));
  }
  return o;
}

}  // namespace cs::assess
