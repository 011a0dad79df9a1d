// Robustness of the ranking: Spearman rho between weightings, quintile changes and per-unit rank intervals
// under Dirichlet weight perturbation (docs/assess.md, "Robustness").
#include <algorithm>
#include <cmath>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>

namespace cs::assess {

std::vector<int> ranks_by_score(const std::vector<double>& s, const std::vector<std::string>& key) {
  std::vector<std::size_t> o(s.size());
  std::iota(o.begin(), o.end(), 0);
  std::sort(o.begin(), o.end(), [&](auto a, auto b) { return s[a] != s[b] ? s[a] > s[b] : key[a] < key[b]; });
  std::vector<int> r(s.size());
  for (std::size_t k = 0; k < o.size(); ++k) r[o[k]] = static_cast<int>(k + 1);
  return r;
}

double spearman_rho(const std::vector<int>& ra, const std::vector<int>& rb) {
  const double n = static_cast<double>(ra.size());
  if (ra.size() < 2) return 1.0;
  double d2 = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    const double d = ra[i] - rb[i];
    d2 += d * d;
  }
  return 1 - 6 * d2 / (n * (n * n - 1));
}

std::vector<int> quintiles(const std::vector<int>& rank) {
  std::vector<int> q(rank.size());
  const auto n = static_cast<long long>(rank.size());
  for (std::size_t i = 0; i < rank.size(); ++i) q[i] = static_cast<int>(5LL * (rank[i] - 1) / n);
  return q;
}

double quintile_change_share(const std::vector<int>& ra, const std::vector<int>& rb) {
  const auto qa = quintiles(ra), qb = quintiles(rb);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < qa.size(); ++i) changed += qa[i] != qb[i];
  return qa.empty() ? 0.0 : static_cast<double>(changed) / static_cast<double>(qa.size());
}

namespace {
double normal(Rng& rng) {  // Box-Muller, one variate per call
  double u1 = rng.uniform();
  while (u1 <= 0) u1 = rng.uniform();
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * rng.uniform());
}
double gamma(double a, Rng& rng) {  // Marsaglia & Tsang (2000), shape a > 0, scale 1
  if (a < 1) {
    double u = rng.uniform();
    while (u <= 0) u = rng.uniform();
    return gamma(a + 1, rng) * std::pow(u, 1 / a);
  }
  const double d = a - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  for (;;) {
    const double x = normal(rng);
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const double u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
  }
}
}  // namespace

std::vector<double> dirichlet(const std::vector<double>& alpha, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> g(alpha.size());
  double s = 0;
  for (std::size_t j = 0; j < alpha.size(); ++j) s += g[j] = gamma(alpha[j], rng);
  for (double& v : g) v /= s;
  return g;
}

RankInterval rank_interval(const Columns& x, const std::vector<int>& direction, const std::vector<double>& w,
                           TopsisNorm norm, const Shift& shift, const std::vector<std::string>& key,
                           int samples, double concentration, std::uint64_t seed, int threads) {
  RankInterval ri;
  ri.samples = samples;
  ri.concentration = concentration;
  ri.seed = seed;
  const std::size_t n = key.size();
  if (samples <= 0 || n == 0) return ri;
  std::vector<double> alpha(w.size());
  for (std::size_t j = 0; j < w.size(); ++j) alpha[j] = std::max(concentration * w[j], 1e-6);
  std::vector<std::vector<int>> rank(static_cast<std::size_t>(samples));  // [sample][unit]
  parallel_for(static_cast<std::size_t>(samples), threads, [&](std::size_t k, int) {
    const auto wk = dirichlet(alpha, seed + k);
    rank[k] = ranks_by_score(topsis(x, direction, wk, norm, shift), key);
  });
  ri.p05.resize(n);
  ri.median.resize(n);
  ri.p95.resize(n);
  std::vector<double> v(static_cast<std::size_t>(samples));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = rank[k][i];
    ri.p05[i] = quantile(v, 0.05);
    ri.median[i] = quantile(v, 0.5);
    ri.p95[i] = quantile(v, 0.95);
  }
  return ri;
}

ChangeDecomposition decompose_change(const Columns& norm0, const Columns& norm1,
                                     const std::vector<double>& w) {
  if (norm0.size() != w.size() || norm1.size() != w.size())
    throw InputError("decompose_change: one weight per indicator and both years needed");
  const std::size_t m = w.size(), n = m ? norm0[0].size() : 0;
  for (std::size_t j = 0; j < m; ++j)
    if (norm0[j].size() != n || norm1[j].size() != n)
      throw InputError("decompose_change: every indicator needs a value per unit in both years");
  ChangeDecomposition c;
  c.index0.assign(n, 0.0);
  c.index1.assign(n, 0.0);
  c.part.assign(n, std::vector<double>(m, 0.0));
  c.top.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      c.index0[i] += w[j] * norm0[j][i];
      c.index1[i] += w[j] * norm1[j][i];
      c.part[i][j] = w[j] * (norm1[j][i] - norm0[j][i]);
      if (std::abs(c.part[i][j]) > std::abs(c.part[i][c.top[i]])) c.top[i] = j;
    }
  }
  return c;
}

}  // namespace cs::assess
