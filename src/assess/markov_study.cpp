// Classic Markov chains on any panel (include/countyscope/assess/markov_study.hpp, docs/stats.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <countyscope/assess/markov_study.hpp>
#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/vector_source.hpp>

#include "table_weights.hpp"

namespace cs::assess {

namespace {
using Matrix = std::vector<std::vector<double>>;

// Solves A x = b (Gaussian elimination, partial pivoting); false when A is singular.
bool solve(Matrix a, std::vector<double>& b) {
  const std::size_t n = a.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[piv][c])) piv = r;
    if (!(std::fabs(a[piv][c]) > 1e-14)) return false;
    std::swap(a[c], a[piv]);
    std::swap(b[c], b[piv]);
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      if (f == 0) continue;
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  for (std::size_t c = 0; c < n; ++c) b[c] /= a[c][c];
  return true;
}
}  // namespace

std::vector<double> steady_state(const Matrix& p) {
  const std::size_t k = p.size();
  // Only for a stochastic matrix: a state without transitions (an empty row) leaves none.
  for (const auto& row : p)
    if (std::fabs(std::accumulate(row.begin(), row.end(), 0.0) - 1.0) > 1e-9) return {};
  // (P^T - I) pi = 0 with the last equation replaced by sum pi = 1.
  Matrix a(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) a[i][j] = p[j][i] - (i == j ? 1.0 : 0.0);
  std::vector<double> b(k, 0.0);
  for (std::size_t j = 0; j < k; ++j) a[k - 1][j] = 1.0;
  b[k - 1] = 1.0;
  if (!solve(a, b)) return {};
  return b;
}

Matrix mean_first_passage(const Matrix& p) {
  const std::size_t k = p.size();
  const auto pi = steady_state(p);
  if (pi.empty()) return {};
  for (double v : pi)
    if (!(v > 0)) return {};
  // Z = (I - P + W)^-1, W's rows pi: column by column.
  Matrix a(k, std::vector<double>(k, 0.0)), z(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) a[i][j] = (i == j ? 1.0 : 0.0) - p[i][j] + pi[j];
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> e(k, 0.0);
    e[j] = 1.0;
    if (!solve(a, e)) return {};
    for (std::size_t i = 0; i < k; ++i) z[i][j] = e[i];
  }
  Matrix m(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) m[i][j] = i == j ? 1.0 / pi[j] : (z[j][j] - z[i][j]) / pi[j];
  return m;
}

namespace {
// Classes of a panel (period x row) by one rule: user cutoffs, pooled quantiles or each period's quantiles;
// the cutoffs used (empty for per-period quantiles).
struct Classed {
  std::vector<std::vector<int>> cls;  // period -> class per row
  std::vector<double> cutoffs;
  std::size_t k = 0;
};
Classed classify(const std::vector<std::vector<double>>& v, int k, const std::string& rule,
                 const std::vector<double>& user) {
  Classed c;
  auto by = [&](const std::vector<double>& breaks) {
    for (const auto& period : v) {
      std::vector<int> row;
      for (double x : period)
        row.push_back(static_cast<int>(std::lower_bound(breaks.begin(), breaks.end(), x) - breaks.begin()));
      c.cls.push_back(std::move(row));
    }
  };
  if (!user.empty()) {
    c.cutoffs = user;
    c.k = user.size() + 1;
    by(user);
  } else if (rule == "pooled") {
    std::vector<double> all;
    for (const auto& period : v) all.insert(all.end(), period.begin(), period.end());
    std::sort(all.begin(), all.end());
    for (int q = 1; q < k; ++q) c.cutoffs.push_back(quantile(all, static_cast<double>(q) / k));
    c.k = static_cast<std::size_t>(k);
    by(c.cutoffs);
  } else {
    for (const auto& period : v) c.cls.push_back(quantile_classes(period, k));
    c.k = static_cast<std::size_t>(k);
  }
  return c;
}

using Counts = std::vector<std::vector<std::size_t>>;
Matrix row_normalised(const Counts& count) {
  const std::size_t k = count.size();
  Matrix p(k, std::vector<double>(k, 0.0));
  for (std::size_t a = 0; a < k; ++a) {
    const double tot = static_cast<double>(std::accumulate(count[a].begin(), count[a].end(), std::size_t{0}));
    for (std::size_t b = 0; b < k; ++b) p[a][b] = tot > 0 ? static_cast<double>(count[a][b]) / tot : 0.0;
  }
  return p;
}

void check_cutoffs(const std::vector<double>& c, const char* option) {
  for (std::size_t a = 0; a < c.size(); ++a)
    if (!std::isfinite(c[a]) || (a > 0 && !(c[a] > c[a - 1])))
      throw UsageError(std::string(option) + ": expected increasing finite numbers");
  if (c.size() > 19) throw UsageError(std::string(option) + ": at most 19 cutoffs (20 classes)");
}
}  // namespace

Outputs run_markov_study(const MarkovInputs& in, const Context& ctx) {
  if (in.classes < 2 || in.classes > 20)
    throw UsageError("--classes: expected 2..20, got " + std::to_string(in.classes));
  if (in.quantiles != "period" && in.quantiles != "pooled")
    throw unknown_value("Markov quantiles", in.quantiles, {"period", "pooled"});
  check_cutoffs(in.cutoffs, "--cutoffs");
  check_cutoffs(in.lag_cutoffs, "--lag-cutoffs");
  const bool spatial = !in.weights.empty();
  const int lag_k = in.lag_classes == 0 ? in.classes : in.lag_classes;
  if (spatial && (lag_k < 2 || lag_k > 20))
    throw UsageError("--lag-classes: expected 2..20, got " + std::to_string(in.lag_classes));
  if (in.lisa && !spatial) throw UsageError("stats markov: --lisa needs --weights (the LISA quadrants)");
  if (in.geoda_quads && !in.lisa) throw UsageError("stats markov: --geoda-quads needs --lisa");
  if (in.lisa && (!in.cutoffs.empty() || in.lag_classes != 0 || !in.lag_cutoffs.empty()))
    throw UsageError("stats markov: --lisa takes the 4 quadrants as states (no cutoffs or lag classes)");
  if (!spatial && (in.lag_classes != 0 || !in.lag_cutoffs.empty()))
    throw UsageError(
        "stats markov: --lag-classes and --lag-cutoffs need --weights (the spatial Markov chain)");
  WeightsTransform transform = WeightsTransform::kRow;
  if (in.transform == "binary")
    transform = WeightsTransform::kBinary;
  else if (in.transform == "none")
    transform = WeightsTransform::kNone;
  else if (in.transform != "row")
    throw unknown_value("weights transform", in.transform, {"row", "binary", "none"});
  const TableWeightsSpec ws = table_weights_spec(in);
  VectorSourceSpec spec;
  spec.source = in.table;
  spec.layer = in.layer;
  spec.label = "table";
  if (spatial) prepare_weights_source(ws, spec);
  const VectorTable t = read_vector_source(spec);
  std::vector<int> cols;
  for (const std::string& c : in.columns) {
    const auto colon = c.find(':');
    if (colon == std::string::npos) {
      cols.push_back(t.require(c, "period"));
      continue;
    }
    const int a = t.require(c.substr(0, colon), "first period"),
              b = t.require(c.substr(colon + 1), "last period");
    if (b < a) throw UsageError("--columns '" + c + "': the last period comes before the first in the table");
    for (int x = a; x <= b; ++x) cols.push_back(x);
  }
  if (cols.size() < 2) throw UsageError("stats markov: give at least two periods (--columns)");
  if (t.features.size() < static_cast<std::size_t>(in.classes))
    throw InputError(t.shown(), "", "", "fewer rows than --classes");
  const std::size_t n = t.features.size(), periods = cols.size();
  std::vector<std::vector<double>> values;  // period -> value per row
  for (int c : cols) {
    const std::string& name = t.fields[static_cast<std::size_t>(c)];
    std::vector<double> v;
    for (const VectorFeature& f : t.features) {
      const std::string& s = f.values[static_cast<std::size_t>(c)];
      const auto d = parse_double(s);
      if (s.empty())
        throw InputError(t.shown(), f.where, name,
                         "empty: the panel misses this period (every row needs every period)");
      if (!d || !std::isfinite(*d))
        throw InputError(t.shown(), f.where, name, "not a finite number '" + s + "'");
      v.push_back(*d);
    }
    if (in.relative) {
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(n);
      if (!(mean != 0))
        throw InputError(t.shown(), "", name, "mean 0: --relative divides by each period's mean");
      for (double& x : v) x /= mean;
    }
    values.push_back(std::move(v));
  }
  // LISA Markov: the states are each period's Moran scatterplot quadrants (esda Moran_Local.q: z = y - mean,
  // its lag W z; 1 HH, 2 LH, 3 LL, 4 HL; GeoDa's numbering 1 HH, 2 LL, 3 LH, 4 HL); a value or lag of exactly
  // 0 counts as low.
  std::optional<TableWeights> tw;
  Weights w;
  if (spatial) {
    tw = table_weights(t, ws, ctx.thread_count());
    w = transformed(tw->raw, transform);
  }
  Classed lisa_q;
  if (in.lisa) {
    const int code[4] = {1, in.geoda_quads ? 3 : 2, in.geoda_quads ? 2 : 3, 4};  // HH, LH, LL, HL
    for (const auto& v : values) {
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(n);
      std::vector<double> z(n);
      for (std::size_t i = 0; i < n; ++i) z[i] = v[i] - mean;
      const auto lag = spatial_lag(w, z);
      std::vector<int> q(n);
      for (std::size_t i = 0; i < n; ++i) {
        const bool zp = z[i] > 0, lp = lag[i] > 0;
        q[i] = code[zp ? (lp ? 0 : 3) : (lp ? 1 : 2)] - 1;
      }
      lisa_q.cls.push_back(std::move(q));
    }
    lisa_q.k = 4;
  }
  const Classed y = in.lisa ? lisa_q : classify(values, in.classes, in.quantiles, in.cutoffs);
  const std::size_t k = y.k;
  Counts count(k, std::vector<std::size_t>(k, 0));
  for (std::size_t s = 0; s + 1 < periods; ++s)
    for (std::size_t i = 0; i < n; ++i)
      ++count[static_cast<std::size_t>(y.cls[s][i])][static_cast<std::size_t>(y.cls[s + 1][i])];
  const Matrix p = row_normalised(count);
  const auto pi = steady_state(p);
  const auto m = mean_first_passage(p);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto real = [](double x) { return std::isfinite(x) ? FieldValue(x) : FieldValue(std::monostate{}); };

  Outputs o;
  Table tt("markov_transitions", {{"from", FieldType::kInteger},
                                  {"to", FieldType::kInteger},
                                  {"count", FieldType::kInteger},
                                  {"p", FieldType::kReal},
                                  {"mean_first_passage", FieldType::kReal}});
  tt.csv_file = "markov_transitions.csv";
  tt.json = JsonPlace::kSection;
  tt.json_key = "/transitions";
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b)
      tt.add({integer(static_cast<std::int64_t>(a + 1)), integer(static_cast<std::int64_t>(b + 1)),
              integer(static_cast<std::int64_t>(count[a][b])), p[a][b], real(m.empty() ? nan : m[a][b])});
  Table st("markov_states", {{"state", FieldType::kInteger}, {"steady_state", FieldType::kReal}});
  st.csv_file = "markov_states.csv";
  st.json = JsonPlace::kSection;
  st.json_key = "/states";
  for (std::size_t a = 0; a < k; ++a)
    st.add(
        {integer(static_cast<std::int64_t>(a + 1)), pi.empty() ? FieldValue(std::monostate{}) : real(pi[a])});
  std::vector<std::string> names;
  for (int c : cols) names.push_back(t.fields[static_cast<std::size_t>(c)]);
  const std::string rule = in.lisa ? "lisa quadrants" : !in.cutoffs.empty() ? "cutoffs" : in.quantiles;
  o.section = {
      {"table", t.file},
      {"rows", n},
      {"periods", names},
      {"classes", k},
      {"class_rule", rule},
      {"cutoffs", y.cutoffs},
      {"relative", in.relative},
      {"transition_count", (periods - 1) * n},
      {"ergodic", !m.empty()},
      {"method",
       "classes: quantiles of each period (type 7 breaks, a value on a break in the lower class; "
       "mapclassify Quantiles as giddy), of all periods pooled (giddy Spatial_Markov fixed = True) or "
       "given cutoffs (mapclassify UserDefined); P = row-normalised transition counts between "
       "consecutive periods; steady state pi = pi P; mean first passage times from Kemeny & Snell's "
       "fundamental matrix (giddy ergodic.fmpt), the diagonal the recurrence times 1 / pi"}};
  o.add(std::move(tt));
  o.add(std::move(st));
  if (in.lisa) {
    Table qt("markov_lisa_quadrants",
             {{"id", FieldType::kString}, {"period", FieldType::kString}, {"quadrant", FieldType::kInteger}});
    qt.csv_file = "markov_lisa_quadrants.csv";
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t s = 0; s < periods; ++s) qt.add({tw->ids[i], names[s], integer(y.cls[s][i] + 1)});
    o.add(std::move(qt));
    o.section["lisa"] = {{"quadrants", in.geoda_quads ? "1 HH, 2 LL, 3 LH, 4 HL (GeoDa)"
                                                      : "1 HH, 2 LH, 3 LL, 4 HL (esda, giddy)"},
                         {"weights",
                          {{"spec", in.weights},
                           {"transform", std::string(to_string(transform))},
                           {"id", tw->id_field.empty() ? "row number" : tw->id_field},
                           {"islands", tw->islands}}}};
    o.section["method"] =
        "LISA Markov (giddy LISA_Markov, Rey 2001): the states are each period's Moran scatterplot quadrants "
        "(z = y - mean, lag W z, esda Moran_Local.q); P = row-normalised transition counts between "
        "consecutive "
        "periods; steady state pi = pi P; mean first passage times from Kemeny & Snell's fundamental matrix";
    return o;
  }
  if (!spatial) return o;

  // Spatial Markov: the lag of each period's values (the values classified above: relative if asked).
  std::vector<std::vector<double>> lags;
  for (const auto& v : values) lags.push_back(spatial_lag(w, v));
  const Classed lag = classify(lags, lag_k, in.quantiles, in.lag_cutoffs);
  const std::size_t lk = lag.k;
  std::vector<Counts> tc(lk, Counts(k, std::vector<std::size_t>(k, 0)));
  for (std::size_t s = 0; s + 1 < periods; ++s)
    for (std::size_t i = 0; i < n; ++i)
      ++tc[static_cast<std::size_t>(lag.cls[s][i])][static_cast<std::size_t>(y.cls[s][i])]
          [static_cast<std::size_t>(y.cls[s + 1][i])];
  Table sp("markov_spatial", {{"lag_class", FieldType::kInteger},
                              {"from", FieldType::kInteger},
                              {"to", FieldType::kInteger},
                              {"count", FieldType::kInteger},
                              {"p", FieldType::kReal},
                              {"mean_first_passage", FieldType::kReal}});
  sp.csv_file = "markov_spatial.csv";
  sp.json = JsonPlace::kSection;
  sp.json_key = "/spatial/transitions";
  Table ss("markov_spatial_states", {{"lag_class", FieldType::kInteger},
                                     {"state", FieldType::kInteger},
                                     {"steady_state", FieldType::kReal}});
  ss.csv_file = "markov_spatial_states.csv";
  ss.json = JsonPlace::kSection;
  ss.json_key = "/spatial/states";
  Json ergodic = Json::array();
  for (std::size_t l = 0; l < lk; ++l) {
    const Matrix pl = row_normalised(tc[l]);
    const auto sl = steady_state(pl);
    const auto ml = mean_first_passage(pl);
    ergodic.push_back(!ml.empty());
    for (std::size_t a = 0; a < k; ++a) {
      for (std::size_t b = 0; b < k; ++b)
        sp.add({integer(static_cast<std::int64_t>(l + 1)), integer(static_cast<std::int64_t>(a + 1)),
                integer(static_cast<std::int64_t>(b + 1)), integer(static_cast<std::int64_t>(tc[l][a][b])),
                pl[a][b], real(ml.empty() ? nan : ml[a][b])});
      ss.add({integer(static_cast<std::int64_t>(l + 1)), integer(static_cast<std::int64_t>(a + 1)),
              sl.empty() ? FieldValue(std::monostate{}) : real(sl[a])});
    }
  }
  // Bickenbach & Bode (2003) homogeneity of the chains across lag classes, as giddy's Homogeneity_Results: Q
  // (chi-square) and LR (likelihood ratio) against the pooled chain; dof = sum_i (b_i - 1)(A_i - 1), b_i the
  // lag classes with transitions from state i, A_i the non-zero entries of the pooled row i.
  Counts pooled(k, std::vector<std::size_t>(k, 0));
  for (const Counts& c : tc)
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b) pooled[a][b] += c[a][b];
  const Matrix p0 = row_normalised(pooled);
  double q = 0, lr = 0;
  std::vector<long> b_i(k, 0), a_i(k, 0);
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) a_i[a] += pooled[a][b] > 0 ? 1 : 0;
  for (const Counts& c : tc) {
    const Matrix pl = row_normalised(c);
    for (std::size_t a = 0; a < k; ++a) {
      const auto nim = std::accumulate(c[a].begin(), c[a].end(), std::size_t{0});
      if (nim > 0) ++b_i[a];
      for (std::size_t b = 0; b < k; ++b) {
        const double den = p0[a][b] == 0 ? 1.0 : p0[a][b];
        q += static_cast<double>(nim) * (pl[a][b] - p0[a][b]) * (pl[a][b] - p0[a][b]) / den;
        if (c[a][b] > 0 && p0[a][b] > 0) lr += static_cast<double>(c[a][b]) * std::log(pl[a][b] / p0[a][b]);
      }
    }
  }
  lr *= 2;
  long dof = 0;
  for (std::size_t a = 0; a < k; ++a) dof += (b_i[a] - 1) * (a_i[a] - 1);
  const double ddof = static_cast<double>(dof);
  o.section["spatial"] = {
      {"weights",
       {{"spec", in.weights},
        {"transform", std::string(to_string(transform))},
        {"metric", tw->metric},
        {"id", tw->id_field.empty() ? "row number" : tw->id_field},
        {"links", tw->raw.nbr.size()},
        {"islands", tw->islands}}},
      {"lag_classes", lk},
      {"lag_cutoffs", lag.cutoffs},
      {"ergodic", ergodic},
      {"homogeneity",
       {{"Q", q},
        {"Q_p", dof > 0 ? chi2_sf(q, ddof) : nan},
        {"LR", lr},
        {"LR_p", dof > 0 ? chi2_sf(lr, ddof) : nan},
        {"dof", dof}}},
      {"method",
       "giddy Spatial_Markov (Rey 2001): the spatial lag W y of each period (W transformed by --transform), "
       "its "
       "classes by the rule of y's; each transition t -> t + 1 counted in the chain of the unit's lag class "
       "at "
       "t; P, steady states and mean first passage times per chain as above; Q and LR of Bickenbach & Bode "
       "(2003) as giddy's Homogeneity_Results"}};
  o.add(std::move(sp));
  o.add(std::move(ss));
  return o;
}

}  // namespace cs::assess
