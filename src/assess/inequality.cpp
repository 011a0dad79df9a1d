// Obstacle degree, D classes, quantiles, kernel density and inequality decompositions (Theil, Dagum Gini).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/fastlog.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

namespace {
double xlogx_ratio(double p) { return p > 0 ? p * std::log(p) : 0.0; }
}  // namespace

std::string_view d_class_name(int k) {
  static constexpr std::string_view kNames[] = {"extreme imbalance",         "serious imbalance",
                                                "moderate imbalance",        "mild imbalance",
                                                "on the verge of imbalance", "barely coordinated",
                                                "primary coordination",      "intermediate coordination",
                                                "good coordination",         "high-quality coordination"};
  return kNames[std::clamp(k, 0, 9)];
}

std::vector<std::vector<double>> obstacle_degree(const Columns& xn, const std::vector<double>& weight) {
  const std::size_t m = xn.size();
  const std::size_t n = m ? xn[0].size() : 0;
  std::vector<std::vector<double>> o(n, std::vector<double>(m, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (std::size_t j = 0; j < m; ++j) {
      // Deviation 1 - x' against the unit scale; clamp so a shifted value above 1 is no obstacle.
      const double dev = std::max(0.0, 1.0 - xn[j][i]);
      o[i][j] = weight[j] * dev;
      s += o[i][j];
    }
    for (std::size_t j = 0; j < m; ++j) o[i][j] = s > 0 ? o[i][j] / s : 0.0;
  }
  return o;
}

double quantile(std::vector<double> v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double silverman_bandwidth(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  if (v.size() < 2) return 0;
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / (n - 1));
  const double iqr = quantile(v, 0.75) - quantile(v, 0.25);
  double s = std::min(sd, iqr / 1.34);
  if (!(s > 0)) s = sd;  // IQR 0 (many ties): fall back to the standard deviation
  return 0.9 * s * std::pow(n, -0.2);
}

Density kernel_density(const std::vector<double>& v, std::size_t points) {
  Density d;
  d.bandwidth = silverman_bandwidth(v);
  if (v.empty() || !(d.bandwidth > 0) || points < 2) return d;
  const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
  const double lo = *mn - 3 * d.bandwidth, hi = *mx + 3 * d.bandwidth;
  const double norm = 1.0 / (static_cast<double>(v.size()) * d.bandwidth * std::sqrt(2 * M_PI));
  for (std::size_t k = 0; k < points; ++k) {
    const double x = lo + (hi - lo) * static_cast<double>(k) / static_cast<double>(points - 1);
    double s = 0;
    for (double y : v) {
      const double u = (x - y) / d.bandwidth;
      s += std::exp(-0.5 * u * u);
    }
    d.x.push_back(x);
    d.y.push_back(s * norm);
  }
  return d;
}

namespace {
struct Groups {
  std::vector<std::string> name;
  std::vector<std::vector<double>> values;
};
Groups group_values(const std::vector<double>& y, const std::vector<std::string>& group) {
  std::map<std::string, std::size_t> idx;
  Groups g;
  for (std::size_t i = 0; i < y.size(); ++i) {
    auto [it, fresh] = idx.try_emplace(group[i], g.name.size());
    if (fresh) {
      g.name.push_back(group[i]);
      g.values.emplace_back();
    }
    g.values[it->second].push_back(y[i]);
  }
  return g;
}
double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double theil_of(const std::vector<double>& v) {
  const double mu = mean_of(v);
  if (!(mu > 0)) return 0;
  double t = 0;
  for (double x : v) t += xlogx_ratio(x / mu);
  return t / static_cast<double>(v.size());
}
}  // namespace

TheilResult theil(const std::vector<double>& y, const std::vector<std::string>& group) {
  TheilResult r;
  if (y.empty()) return r;
  for (double v : y)
    if (v < 0) throw InputError("Theil index needs non-negative values");
  const double mu = mean_of(y);
  const double n = static_cast<double>(y.size());
  r.total = theil_of(y);
  Groups g = group_values(y, group);
  std::vector<std::size_t> order(g.name.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return g.name[a] < g.name[b]; });
  for (std::size_t k : order) {
    const auto& v = g.values[k];
    const double ng = static_cast<double>(v.size()), mg = mean_of(v), tg = theil_of(v);
    const double share = ng * mg / (n * mu);
    r.within += share * tg;
    r.between += mu > 0 ? (ng / n) * xlogx_ratio(mg / mu) : 0.0;
    r.group.push_back(g.name[k]);
    r.n.push_back(v.size());
    r.mean.push_back(mg);
    r.theil.push_back(tg);
  }
  return r;
}

double theil_groups(const std::vector<double>& income, const std::vector<double>& population) {
  const double it = std::accumulate(income.begin(), income.end(), 0.0);
  const double pt = std::accumulate(population.begin(), population.end(), 0.0);
  double t = 0;
  for (std::size_t j = 0; j < income.size(); ++j) {
    if (!(population[j] > 0)) continue;  // zero-population groups carry no weight
    const double is = income[j] / it, ps = population[j] / pt;
    if (is > 0) t += is * std::log(is / ps);
  }
  return t;
}

double gini(const std::vector<double>& y) {
  const std::size_t n = y.size();
  if (n == 0) return 0;
  std::vector<double> s = y;
  std::sort(s.begin(), s.end());
  // sum_i sum_r |y_i - y_r| = 2 sum_i (2i - n + 1) s_i (0-based, sorted)
  double acc = 0, tot = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += (2.0 * static_cast<double>(i) - static_cast<double>(n) + 1.0) * s[i];
    tot += s[i];
  }
  return tot > 0 ? 2 * acc / (2.0 * static_cast<double>(n) * tot) : 0.0;
}

DagumResult dagum_gini(const std::vector<double>& y, const std::vector<std::string>& group) {
  DagumResult r;
  if (y.empty()) return r;
  Groups g = group_values(y, group);
  const std::size_t k = g.name.size();
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> mu(k);
  for (std::size_t a = 0; a < k; ++a) mu[a] = mean_of(g.values[a]);
  std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return mu[a] != mu[b] ? mu[a] < mu[b] : g.name[a] < g.name[b]; });
  const double n = static_cast<double>(y.size());
  const double mean = mean_of(y);
  r.g = gini(y);
  std::vector<std::vector<double>> v(k);
  for (std::size_t a = 0; a < k; ++a) {
    v[a] = g.values[order[a]];
    std::sort(v[a].begin(), v[a].end());
    r.group.push_back(g.name[order[a]]);
    r.n.push_back(v[a].size());
    r.mean.push_back(mu[order[a]]);
  }
  std::vector<double> p(k), s(k);
  for (std::size_t a = 0; a < k; ++a) {
    p[a] = static_cast<double>(v[a].size()) / n;
    s[a] = p[a] * r.mean[a] / mean;
  }
  // Sum over pairs of (x - y)^+ between two sorted samples, via prefix sums: O(n log n).
  auto pos_diff = [](const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> pre(b.size() + 1, 0.0);
    for (std::size_t i = 0; i < b.size(); ++i) pre[i + 1] = pre[i] + b[i];
    double tot = 0;
    for (double x : a) {
      const auto cnt = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), x) - b.begin());
      tot += static_cast<double>(cnt) * x - pre[cnt];
    }
    return tot;
  };
  r.g_within.assign(k, 0);
  r.g_between.assign(k, std::vector<double>(k, 0));
  r.d_between.assign(k, std::vector<double>(k, 0));
  for (std::size_t a = 0; a < k; ++a) {
    const double na = static_cast<double>(v[a].size());
    const double abs_sum = 2 * pos_diff(v[a], v[a]);
    r.g_within[a] = r.mean[a] > 0 ? abs_sum / (2 * na * na * r.mean[a]) : 0.0;
    r.gw += r.g_within[a] * p[a] * s[a];
  }
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t h = 0; h < j; ++h) {
      const double nj = static_cast<double>(v[j].size()), nh = static_cast<double>(v[h].size());
      const double djh = pos_diff(v[j], v[h]) / (nj * nh);  // j has the higher mean
      const double pjh = pos_diff(v[h], v[j]) / (nj * nh);
      const double gjh = (djh + pjh) / (r.mean[j] + r.mean[h]);
      const double d = djh + pjh > 0 ? (djh - pjh) / (djh + pjh) : 0.0;
      r.g_between[j][h] = r.g_between[h][j] = gjh;
      r.d_between[j][h] = r.d_between[h][j] = d;
      const double wgt = p[j] * s[h] + p[h] * s[j];
      r.gnb += gjh * wgt * d;
      r.gt += gjh * wgt * (1 - d);
    }
  return r;
}

}  // namespace cs::assess
