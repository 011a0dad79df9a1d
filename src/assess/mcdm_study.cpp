// MCDM on any table (include/countyscope/assess/mcdm_study.hpp, docs/stats.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <countyscope/assess/mcdm_study.hpp>
#include <countyscope/assess/methods.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/vector_source.hpp>

namespace cs::assess {

namespace {
double mean_of(const std::vector<double>& x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}
double sample_sd(const std::vector<double>& x) {
  const double m = mean_of(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}
}  // namespace

std::vector<double> mcdm_normalize(const std::vector<double>& x, McdmNormalization how, bool cost) {
  std::vector<double> r(x.size());
  const auto [lo_it, hi_it] = std::minmax_element(x.begin(), x.end());
  const double lo = *lo_it, hi = *hi_it;
  switch (how) {
    case McdmNormalization::kMinMax:
      // The national assessment's min-max (normalise_column, no shift); a constant column: 1.
      if (hi == lo) {
        std::fill(r.begin(), r.end(), 1.0);
        break;
      }
      r = normalise_column(x, cost ? -1 : 1, Shift{}, lo, hi);
      break;
    case McdmNormalization::kMax:
      if (hi == 0) throw InputError("max normalisation: the largest value is 0");
      for (std::size_t i = 0; i < x.size(); ++i) r[i] = cost ? 1 - x[i] / hi : x[i] / hi;
      break;
    case McdmNormalization::kSum: {
      if (lo <= 0) throw InputError("sum normalisation needs values > 0");
      double s = 0;
      for (double v : x) s += cost ? 1 / v : v;
      for (std::size_t i = 0; i < x.size(); ++i) r[i] = (cost ? 1 / x[i] : x[i]) / s;
      break;
    }
    case McdmNormalization::kVector: {
      double s = 0;
      for (double v : x) s += v * v;
      if (!(s > 0)) throw InputError("vector normalisation: every value is 0");
      s = std::sqrt(s);
      for (std::size_t i = 0; i < x.size(); ++i) r[i] = cost ? 1 - x[i] / s : x[i] / s;
      break;
    }
  }
  return r;
}

std::vector<double> mcdm_weights(const std::vector<std::vector<double>>& cols, McdmWeighting how) {
  const std::size_t n = cols.size();
  std::vector<double> w(n, 1.0);
  if (n == 0) return w;
  const std::size_t m = cols.front().size();
  switch (how) {
    case McdmWeighting::kEqual:
    case McdmWeighting::kGiven:
      break;
    case McdmWeighting::kEntropy:
      // The national assessment's entropy weights (entropy_weights: p = x / sum x per column), here on the
      // raw columns (pymcdm); the assessment gives them its min-max-normalised columns.
      for (std::size_t j = 0; j < n; ++j) {
        double s = 0;
        for (double v : cols[j]) {
          if (v < 0) throw InputError("entropy weights need values >= 0");
          s += v;
        }
        if (!(s > 0)) throw InputError("entropy weights: a criterion is 0 everywhere");
      }
      if (m < 2) throw InputError("entropy weights need at least 2 alternatives");
      w = entropy_weights(cols).divergence;
      break;
    case McdmWeighting::kStd:
      for (std::size_t j = 0; j < n; ++j) w[j] = sample_sd(cols[j]);
      break;
    case McdmWeighting::kCv:
      for (std::size_t j = 0; j < n; ++j) {
        const double mu = mean_of(cols[j]);
        if (!(mu > 0)) throw InputError("coefficient-of-variation weights need criteria with a mean > 0");
        w[j] = sample_sd(cols[j]) / mu;
      }
      break;
    case McdmWeighting::kCritic: {
      std::vector<std::vector<double>> r;
      for (const auto& c : cols) r.push_back(mcdm_normalize(c, McdmNormalization::kMinMax, false));
      std::vector<double> sd(n), mu(n);
      for (std::size_t j = 0; j < n; ++j) {
        sd[j] = sample_sd(r[j]);
        mu[j] = mean_of(r[j]);
      }
      for (std::size_t j = 0; j < n; ++j) {
        double conflict = 0;
        for (std::size_t k = 0; k < n; ++k) {
          double sxy = 0, sxx = 0, syy = 0;
          for (std::size_t i = 0; i < m; ++i) {
            const double a = r[j][i] - mu[j], b = r[k][i] - mu[k];
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
          }
          const double rho = sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
          conflict += 1 - rho;
        }
        w[j] = sd[j] * conflict;
      }
      break;
    }
  }
  const double s = std::accumulate(w.begin(), w.end(), 0.0);
  if (!(s > 0)) throw InputError("criteria weights: every criterion has weight 0 (no variation)");
  for (double& v : w) v /= s;
  return w;
}

TopsisScores topsis_scores(const std::vector<std::vector<double>>& nm, const std::vector<double>& weights,
                           const std::vector<bool>& up) {
  TopsisScores t;
  if (nm.empty()) return t;
  Columns b(nm.size());
  for (std::size_t j = 0; j < nm.size(); ++j)
    for (double v : nm[j]) b[j].push_back(v * weights[j]);
  TopsisDistances d = topsis_distances(b, up.empty() ? std::vector<bool>(nm.size(), true) : up);
  t.score = std::move(d.closeness);
  t.d_plus = std::move(d.d_plus);
  t.d_minus = std::move(d.d_minus);
  return t;
}

Outputs run_mcdm_study(const McdmInputs& in, const Context& ctx) {
  (void)ctx;
  static const std::map<std::string, McdmNormalization> kNorm = {{"minmax", McdmNormalization::kMinMax},
                                                                 {"max", McdmNormalization::kMax},
                                                                 {"sum", McdmNormalization::kSum},
                                                                 {"vector", McdmNormalization::kVector}};
  static const std::map<std::string, McdmWeighting> kWeights = {
      {"entropy", McdmWeighting::kEntropy}, {"critic", McdmWeighting::kCritic},
      {"std", McdmWeighting::kStd},         {"cv", McdmWeighting::kCv},
      {"equal", McdmWeighting::kEqual},     {"given", McdmWeighting::kGiven}};
  const auto norm = kNorm.find(in.normalization);
  if (norm == kNorm.end())
    throw unknown_value("normalisation", in.normalization, {"minmax", "max", "sum", "vector"});
  const auto wm = kWeights.find(in.weights);
  if (wm == kWeights.end())
    throw unknown_value("criteria weights", in.weights, {"entropy", "critic", "std", "cv", "equal", "given"});
  if (in.cost_rule != "invert" && in.cost_rule != "ideal")
    throw unknown_value("cost rule", in.cost_rule, {"invert", "ideal"});
  if (in.entropy_on != "raw" && in.entropy_on != "minmax")
    throw unknown_value("entropy weights on", in.entropy_on, {"raw", "minmax"});
  if (in.entropy_on != "raw" && in.weights != "entropy")
    throw UsageError("stats mcdm: --entropy-on needs --weights entropy");
  const bool by_ideal = in.cost_rule == "ideal";
  if (in.criteria.size() < 2) throw UsageError("stats mcdm: give at least two criteria (--criteria)");
  std::map<std::string, int> seen;
  for (const std::string& c : in.criteria)
    if (++seen[c] > 1) throw UsageError("stats mcdm: criterion '" + c + "' given twice");
  for (const std::string& c : in.cost)
    if (!seen.count(c)) throw UsageError("stats mcdm: --cost '" + c + "' is not one of --criteria");
  if (wm->second == McdmWeighting::kGiven && in.given.size() != in.criteria.size())
    throw UsageError("stats mcdm: --weights given needs --given-weights with one weight per criterion (" +
                     std::to_string(in.criteria.size()) + ")");
  if (wm->second != McdmWeighting::kGiven && !in.given.empty())
    throw UsageError("stats mcdm: --given-weights needs --weights given");
  for (double g : in.given)
    if (!(g >= 0) || !std::isfinite(g))
      throw UsageError("stats mcdm: --given-weights must be finite numbers >= 0");

  VectorSourceSpec spec;
  spec.source = in.table;
  spec.layer = in.layer;
  spec.label = "table";
  const VectorTable t = read_vector_source(spec);
  const std::size_t m = t.features.size();
  if (m < 2) throw InputError(t.shown(), "", "", "fewer than two rows (alternatives)");
  std::vector<std::vector<double>> cols;
  for (const std::string& c : in.criteria) {
    const int col = t.require(c, "criterion");
    std::vector<double> v;
    for (const VectorFeature& f : t.features) {
      const std::string& s = f.values[static_cast<std::size_t>(col)];
      const auto d = parse_double(s);
      if (s.empty() || !d || !std::isfinite(*d))
        throw InputError(t.shown(), f.where, c,
                         s.empty() ? "empty; a number is expected" : "not a finite number '" + s + "'");
      if (*d < 0 && wm->second == McdmWeighting::kEntropy && in.entropy_on == "raw")
        throw InputError(t.shown(), f.where, c, "negative '" + s + "'; entropy weights need values >= 0");
      if (*d <= 0 && norm->second == McdmNormalization::kSum)
        throw InputError(t.shown(), f.where, c, "'" + s + "': sum normalisation needs values > 0");
      v.push_back(*d);
    }
    cols.push_back(std::move(v));
  }
  auto column_error = [&](std::size_t j, const InputError& e) {
    return InputError(t.shown(), "", in.criteria[j], e.what());
  };
  std::vector<double> weights;
  if (wm->second == McdmWeighting::kGiven) {
    weights = in.given;
    const double s = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (!(s > 0)) throw UsageError("stats mcdm: --given-weights sum to 0");
    for (double& v : weights) v /= s;
  } else if (in.entropy_on == "minmax") {
    // The national assessment's entropy weights: entropy_weights of the min-max-normalised, cost-turned
    // columns (normalise(), no shift).
    std::vector<int> dir;
    for (const std::string& c : in.criteria)
      dir.push_back(std::find(in.cost.begin(), in.cost.end(), c) != in.cost.end() ? -1 : 1);
    weights = entropy_weights(normalise(cols, dir, Shift{}, in.criteria)).weight;
  } else {
    weights = mcdm_weights(cols, wm->second);
  }
  std::vector<std::vector<double>> nm;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const bool cost = std::find(in.cost.begin(), in.cost.end(), in.criteria[j]) != in.cost.end();
    try {
      nm.push_back(mcdm_normalize(cols[j], norm->second, cost && !by_ideal));
    } catch (const InputError& e) {
      throw column_error(j, e);
    }
  }
  std::vector<bool> up;
  for (const std::string& c : in.criteria)
    up.push_back(!by_ideal || std::find(in.cost.begin(), in.cost.end(), c) == in.cost.end());
  const TopsisScores ts = topsis_scores(nm, weights, up);

  std::vector<std::string> ids;
  if (!in.id.empty()) {
    const int ic = t.require(in.id, "id");
    for (const VectorFeature& f : t.features) ids.push_back(f.values[static_cast<std::size_t>(ic)]);
  } else {
    for (std::size_t i = 0; i < m; ++i) ids.push_back(std::to_string(i + 1));
  }
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ts.score[a] > ts.score[b]; });
  std::vector<std::int64_t> rank(m);
  for (std::size_t r = 0; r < m; ++r) rank[order[r]] = static_cast<std::int64_t>(r + 1);

  Outputs o;
  Table wt("mcdm_weights",
           {{"criterion", FieldType::kString}, {"type", FieldType::kString}, {"weight", FieldType::kReal}});
  wt.csv_file = "mcdm_weights.csv";
  wt.json = JsonPlace::kSection;
  wt.json_key = "/weights";
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const bool cost = std::find(in.cost.begin(), in.cost.end(), in.criteria[j]) != in.cost.end();
    wt.add({in.criteria[j], std::string(cost ? "cost" : "benefit"), weights[j]});
  }
  Table st("mcdm_scores", {{"id", FieldType::kString},
                           {"score", FieldType::kReal},
                           {"rank", FieldType::kInteger},
                           {"d_plus", FieldType::kReal},
                           {"d_minus", FieldType::kReal}});
  st.csv_file = "mcdm_scores.csv";
  for (std::size_t i = 0; i < m; ++i)
    st.add({ids[i], ts.score[i], integer(rank[i]), ts.d_plus[i], ts.d_minus[i]});
  std::vector<cs::Column> nc = {{"id", FieldType::kString}};
  for (const std::string& c : in.criteria) nc.push_back({c, FieldType::kReal});
  Table nt("mcdm_normalized", nc);
  nt.csv_file = "mcdm_normalized.csv";
  for (std::size_t i = 0; i < m; ++i) {
    std::vector<FieldValue> row;
    row.emplace_back(ids[i]);
    for (const auto& c : nm) row.emplace_back(c[i]);
    nt.add(std::move(row));
  }
  o.section = {
      {"table", t.file},
      {"rows", m},
      {"criteria", in.criteria},
      {"cost", in.cost},
      {"normalization", in.normalization},
      {"weighting", in.weights},
      {"cost_rule", in.cost_rule},
      {"entropy_on", in.entropy_on},
      {"method",
       by_ideal
           ? "TOPSIS (Hwang & Yoon 1981) as the national assessment: every criterion normalised alike; "
             "weighted columns; ideal = the column max of benefit and min of cost criteria (anti-ideal the "
             "other end); score = d- / (d+ + d-); rank 1 = best"
           : "TOPSIS (Hwang & Yoon 1981) in pymcdm's conventions: the normalisation turns cost criteria; "
             "weighted columns; ideal = column max, anti-ideal = column min; score = d- / (d+ + d-); rank "
             "1 = best"}};
  o.add(std::move(wt));
  o.add(std::move(st));
  o.add(std::move(nt));
  return o;
}

}  // namespace cs::assess
