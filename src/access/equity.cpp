// Gini, Lorenz, Theil and Dagum via sorting and prefix sums: every pairwise sum  sum_{i,r} p_i p_r |x_i -
// x_r| is computed from sorted values in O(n log n) instead of O(n^2), so equity on 10^5 demand points stays
// cheap.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include <countyscope/access/equity.hpp>
#include <countyscope/core/error.hpp>

namespace cs::access {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Unit {
  double x, p;
};

// Sorted by value, with prefix sums of p and p*x, for gap sums against another group.
struct Sorted {
  std::vector<double> x, cp, cpx;  // cp[k] = sum_{m<k} p_m, cpx[k] = sum_{m<k} p_m x_m
  explicit Sorted(std::vector<Unit> u) {
    std::sort(u.begin(), u.end(), [](const Unit& a, const Unit& b) { return a.x < b.x; });
    x.resize(u.size());
    cp.assign(u.size() + 1, 0.0);
    cpx.assign(u.size() + 1, 0.0);
    for (std::size_t k = 0; k < u.size(); ++k) {
      x[k] = u[k].x;
      cp[k + 1] = cp[k] + u[k].p;
      cpx[k + 1] = cpx[k] + u[k].p * u[k].x;
    }
  }
};

// sum_{i in a, r in b, x_i > x_r} p_i p_r (x_i - x_r): for each i, the members of b strictly below x_i.
double gap_above(const std::vector<Unit>& a, const Sorted& b) {
  double s = 0.0;
  for (const Unit& u : a) {
    const std::size_t k =
        static_cast<std::size_t>(std::lower_bound(b.x.begin(), b.x.end(), u.x) - b.x.begin());
    s += u.p * (u.x * b.cp[k] - b.cpx[k]);
  }
  return s;
}

// sum over all ordered pairs in one sorted set of p_i p_r |x_i - x_r|  ( = 2 sum_{r<i} ...).
double self_gap(const Sorted& s) {
  double g = 0.0;
  for (std::size_t k = 0; k < s.x.size(); ++k) {
    const double p = s.cp[k + 1] - s.cp[k];
    g += p * (s.x[k] * s.cp[k] - s.cpx[k]);
  }
  return 2.0 * g;
}

}  // namespace

double weighted_gini(std::span<const double> values, std::span<const double> population) {
  if (population.size() != values.size())
    throw UsageError("weighted_gini: population has " + std::to_string(population.size()) +
                     " values, values has " + std::to_string(values.size()));
  std::vector<Unit> u;
  double P = 0.0, PX = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!(population[i] > 0.0) || !std::isfinite(values[i])) continue;
    u.push_back({values[i], population[i]});
    P += population[i];
    PX += population[i] * values[i];
  }
  if (u.empty() || !(PX > 0.0)) return kNaN;
  const Sorted s(std::move(u));
  return self_gap(s) / (2.0 * P * PX);
}

namespace {

// Lorenz: cumulative shares after each unit (ascending), thinned evenly in population share.
void add_lorenz(const Sorted& s, double P, double PX, std::size_t lorenz_points, Equity& e) {
  e.lorenz.push_back({0.0, 0.0});
  const std::size_t n = s.x.size();
  const std::size_t want = std::max<std::size_t>(lorenz_points, 2);
  std::size_t next_k = 1;
  for (std::size_t k = 0; k < n; ++k) {
    const double ps = s.cp[k + 1] / P;
    if (k + 1 == n || ps >= static_cast<double>(next_k) / static_cast<double>(want)) {
      e.lorenz.push_back({k + 1 == n ? 1.0 : ps, PX > 0.0 ? (k + 1 == n ? 1.0 : s.cpx[k + 1] / PX) : ps});
      while (next_k < want && static_cast<double>(next_k) / static_cast<double>(want) <= ps) ++next_k;
    }
  }
}

}  // namespace

Equity equity(const EquityInput& in, std::size_t lorenz_points) {
  // Spans of different lengths (the Python module passes NumPy buffers straight through) are a caller's
  // error, not a read past the shorter one (found by fuzz/pyargs).
  if (in.population.size() != in.values.size())
    throw UsageError("equity: population has " + std::to_string(in.population.size()) +
                     " values, values has " + std::to_string(in.values.size()));
  if (!in.group.empty() && in.group.size() != in.values.size())
    throw UsageError("equity: group has " + std::to_string(in.group.size()) + " entries, values has " +
                     std::to_string(in.values.size()));
  Equity e;
  const bool grouped = !in.group.empty();
  const std::size_t ng = grouped ? in.group_names.size() : 0;
  std::vector<Unit> all;
  std::vector<std::vector<Unit>> by(ng);
  double PX = 0.0;
  for (std::size_t i = 0; i < in.values.size(); ++i) {
    const double p = in.population[i], x = in.values[i];
    if (!(p > 0.0)) {
      ++e.dropped_zero_population;
      continue;
    }
    if (!std::isfinite(x)) {
      ++e.dropped_no_value;
      e.dropped_population += p;
      continue;
    }
    all.push_back({x, p});
    e.population += p;
    PX += p * x;
    if (grouped) {
      const int g = in.group[i];
      if (g >= 0 && static_cast<std::size_t>(g) < ng) by[static_cast<std::size_t>(g)].push_back({x, p});
    }
  }
  e.units = all.size();
  if (all.empty()) {
    e.mean = e.gini = e.theil_t = kNaN;
    return e;
  }
  const double P = e.population, mu = PX / P;
  e.mean = mu;
  const Sorted s(all);
  e.gini = PX > 0.0 ? self_gap(s) / (2.0 * P * PX) : kNaN;

  add_lorenz(s, P, PX, lorenz_points, e);

  // Theil T = (1/P) sum p (x/mu) ln(x/mu); a zero value contributes 0 (limit).
  auto theil_of = [](const std::vector<Unit>& u, double pop, double m) {
    if (!(m > 0.0)) return kNaN;
    double t = 0.0;
    for (const Unit& v : u)
      if (v.x > 0.0) t += v.p * (v.x / m) * std::log(v.x / m);
    return t / pop;
  };
  bool negative = false;
  for (const Unit& u : all) negative = negative || u.x < 0.0;
  e.theil_t = negative ? kNaN : theil_of(all, P, mu);
  e.theil.total = e.theil_t;
  if (!grouped) return e;

  // Theil: T = sum_g s_g T_g + sum_g s_g ln(mu_g / mu), s_g = value share of g.
  std::vector<std::size_t> used;
  for (std::size_t g = 0; g < ng; ++g) {
    if (by[g].empty()) continue;
    used.push_back(g);
    double pg = 0.0, pxg = 0.0;
    for (const Unit& u : by[g]) {
      pg += u.p;
      pxg += u.p * u.x;
    }
    TheilGroup tg;
    tg.name = in.group_names[g];
    tg.population = pg;
    tg.pop_share = pg / P;
    tg.value_share = PX > 0.0 ? pxg / PX : kNaN;
    tg.mean = pxg / pg;
    tg.theil = negative ? kNaN : theil_of(by[g], pg, tg.mean);
    if (!negative && PX > 0.0) {
      e.theil.within += tg.value_share * (std::isfinite(tg.theil) ? tg.theil : 0.0);
      if (tg.mean > 0.0) e.theil.between += tg.value_share * std::log(tg.mean / mu);
    }
    e.theil.groups.push_back(std::move(tg));
  }
  if (negative || !(PX > 0.0)) e.theil.within = e.theil.between = kNaN;

  // Dagum: groups ordered by mean (descending); G_jh = sum |x_i - x_r| p p / (P_j P_h (mu_j + mu_h)).
  struct G {
    std::size_t id;
    double pop, px, mean;
  };
  std::vector<G> gs;
  for (std::size_t g : used) {
    double pg = 0.0, pxg = 0.0;
    for (const Unit& u : by[g]) {
      pg += u.p;
      pxg += u.p * u.x;
    }
    gs.push_back({g, pg, pxg, pxg / pg});
  }
  std::stable_sort(gs.begin(), gs.end(), [](const G& a, const G& b) { return a.mean > b.mean; });
  const std::size_t k = gs.size();
  std::vector<Sorted> sorted;
  sorted.reserve(k);
  for (const G& g : gs) sorted.emplace_back(by[g.id]);
  e.dagum.between.assign(k, std::vector<double>(k, 0.0));
  e.dagum.d.assign(k, std::vector<double>(k, 0.0));
  if (!(PX > 0.0)) {
    e.dagum.gw = e.dagum.gnb = e.dagum.gt = kNaN;
  }
  for (std::size_t j = 0; j < k; ++j) {
    DagumGroup dg;
    dg.name = in.group_names[gs[j].id];
    dg.population = gs[j].pop;
    dg.mean = gs[j].mean;
    const double gjj =
        gs[j].px > 0.0 ? self_gap(sorted[j]) / (2.0 * gs[j].pop * gs[j].pop * gs[j].mean) : 0.0;
    dg.gini = gs[j].px > 0.0 ? gjj : kNaN;
    e.dagum.between[j][j] = gjj;
    if (PX > 0.0) e.dagum.gw += gjj * (gs[j].pop / P) * (gs[j].px / PX);
    e.dagum.groups.push_back(std::move(dg));
  }
  if (!(PX > 0.0)) return e;
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t h = 0; h < j; ++h) {
      // h has the larger (or equal) mean: d = gap where the richer group is above, p = where it is below.
      const double above = gap_above(by[gs[h].id], sorted[j]);
      const double below = gap_above(by[gs[j].id], sorted[h]);
      const double norm = gs[j].pop * gs[h].pop;
      const double denom = gs[j].mean + gs[h].mean;
      const double gjh = denom > 0.0 ? (above + below) / (norm * denom) : 0.0;
      const double D = (above + below) > 0.0 ? (above - below) / (above + below) : 0.0;
      e.dagum.between[j][h] = e.dagum.between[h][j] = gjh;
      e.dagum.d[j][h] = e.dagum.d[h][j] = D;
      const double pj = gs[j].pop / P, ph = gs[h].pop / P, sj = gs[j].px / PX, sh = gs[h].px / PX;
      const double w = gjh * (pj * sh + ph * sj);
      e.dagum.gnb += w * D;
      e.dagum.gt += w * (1.0 - D);
    }
  return e;
}

}  // namespace cs::access
