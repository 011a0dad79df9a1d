// Weighting data (winsorising, log or rank transforms of skewed indicators) and the weights of entropy,
// CRITIC, CV, equal and mean weighting, with an optional cap (docs/assess.md, "Weights").
#include <algorithm>
#include <cmath>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/core/error.hpp>

namespace cs::assess {

std::string_view to_string(Transform t) {
  switch (t) {
    case Transform::kNone:
      return "none";
    case Transform::kLog:
      return "log";
    case Transform::kRank:
      return "rank";
  }
  return "none";
}

std::string_view to_string(WeightMethod m) {
  switch (m) {
    case WeightMethod::kEntropy:
      return "entropy";
    case WeightMethod::kCritic:
      return "critic";
    case WeightMethod::kCv:
      return "cv";
    case WeightMethod::kEqual:
      return "equal";
    case WeightMethod::kMean:
      return "mean";
  }
  return "mean";
}

double skewness(const Column& x) {
  const double n = static_cast<double>(x.size());
  if (x.empty()) return 0;
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double m2 = 0, m3 = 0;
  for (double v : x) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;
}

Column winsorise(const Column& x, double p) {
  if (!(p > 0) || x.empty()) return x;
  const double lo = quantile(x, p), hi = quantile(x, 1 - p);
  Column y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = std::clamp(x[i], lo, hi);
  return y;
}

Column log_transform(const Column& x) {
  const double mn = x.empty() ? 0.0 : *std::min_element(x.begin(), x.end());
  Column y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = std::log1p(x[i] - mn);
  return y;
}

Column rank_transform(const Column& x) {
  std::vector<std::size_t> o(x.size());
  std::iota(o.begin(), o.end(), 0);
  std::sort(o.begin(), o.end(), [&](auto a, auto b) { return x[a] != x[b] ? x[a] < x[b] : a < b; });
  Column r(x.size());
  for (std::size_t k = 0; k < o.size();) {
    std::size_t e = k;
    while (e + 1 < o.size() && x[o[e + 1]] == x[o[k]]) ++e;
    const double mid = (static_cast<double>(k + 1) + static_cast<double>(e + 1)) / 2;
    for (std::size_t q = k; q <= e; ++q) r[o[q]] = mid;
    k = e + 1;
  }
  return r;
}

Column weighting_column(const Column& x, int direction, Transform t, double winsor, bool* transformed) {
  Column y = winsorise(x, winsor);
  const bool skewed = t != Transform::kNone && std::abs(skewness(y)) > 1.0;
  if (skewed) y = t == Transform::kLog ? log_transform(y) : rank_transform(y);
  if (transformed) *transformed = skewed;
  const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
  return normalise_column(y, direction, Shift{}, *lo, *hi);
}

namespace {
struct Moments {
  std::vector<double> mean, sd;
};
Moments moments(const Columns& xn, const std::vector<std::string>& names) {
  Moments m;
  for (std::size_t j = 0; j < xn.size(); ++j) {
    const double n = static_cast<double>(xn[j].size());
    const double mu = std::accumulate(xn[j].begin(), xn[j].end(), 0.0) / n;
    double ss = 0;
    for (double v : xn[j]) ss += (v - mu) * (v - mu);
    const double sd = std::sqrt(ss / n);
    if (!(sd > 0))
      throw InputError("", "all rows", j < names.size() ? names[j] : "column " + std::to_string(j + 1),
                       "zero variance: no weight can be derived");
    m.mean.push_back(mu);
    m.sd.push_back(sd);
  }
  return m;
}
std::vector<double> normalised(std::vector<double> v) {
  const double s = std::accumulate(v.begin(), v.end(), 0.0);
  for (double& x : v) x /= s;
  return v;
}
}  // namespace

std::vector<double> critic_weights(const Columns& xn, const std::vector<std::string>& names) {
  const Moments mo = moments(xn, names);
  const std::size_t m = xn.size();
  std::vector<double> c(m, 0.0);
  for (std::size_t j = 0; j < m; ++j) {
    double conflict = 0;
    for (std::size_t k = 0; k < m; ++k) {
      double cov = 0;
      for (std::size_t i = 0; i < xn[j].size(); ++i) cov += (xn[j][i] - mo.mean[j]) * (xn[k][i] - mo.mean[k]);
      cov /= static_cast<double>(xn[j].size());
      conflict += 1 - cov / (mo.sd[j] * mo.sd[k]);
    }
    c[j] = mo.sd[j] * conflict;
  }
  return normalised(c);
}

std::vector<double> cv_weights(const Columns& xn, const std::vector<std::string>& names) {
  const Moments mo = moments(xn, names);
  std::vector<double> v(xn.size());
  for (std::size_t j = 0; j < xn.size(); ++j) v[j] = mo.sd[j] / std::abs(mo.mean[j]);
  return normalised(v);
}

std::vector<double> cap_weights(std::vector<double> w, double cap) {
  if (!(cap > 0)) return w;
  if (cap * static_cast<double>(w.size()) < 1 - 1e-12)
    throw UsageError("weight cap " + std::to_string(cap) + " is below 1 / indicators (" +
                     std::to_string(w.size()) + " indicators)");
  std::vector<bool> capped(w.size(), false);
  for (std::size_t round = 0; round < w.size(); ++round) {
    double excess = 0, free_mass = 0;
    bool any = false;
    for (std::size_t j = 0; j < w.size(); ++j)
      if (!capped[j] && w[j] > cap) {
        excess += w[j] - cap;
        w[j] = cap;
        capped[j] = any = true;
      }
    if (!any) break;
    for (std::size_t j = 0; j < w.size(); ++j)
      if (!capped[j]) free_mass += w[j];
    for (std::size_t j = 0; j < w.size(); ++j)
      if (!capped[j]) w[j] += free_mass > 0 ? excess * w[j] / free_mass : 0.0;
  }
  return w;
}

const std::vector<double>& WeightSets::of(WeightMethod m) const {
  switch (m) {
    case WeightMethod::kEntropy:
      return entropy;
    case WeightMethod::kCritic:
      return critic;
    case WeightMethod::kCv:
      return cv;
    case WeightMethod::kEqual:
      return equal;
    case WeightMethod::kMean:
      return mean;
  }
  return mean;
}

WeightSets weight_sets(const Columns& xn, const std::vector<std::string>& names) {
  WeightSets s;
  s.entropy = entropy_weights(xn, names).weight;
  s.critic = critic_weights(xn, names);
  s.cv = cv_weights(xn, names);
  s.equal.assign(xn.size(), 1.0 / static_cast<double>(xn.size()));
  s.mean.resize(xn.size());
  for (std::size_t j = 0; j < xn.size(); ++j) s.mean[j] = (s.entropy[j] + s.critic[j] + s.cv[j]) / 3;
  return s;
}

}  // namespace cs::assess
