// Gini, Lorenz, Theil and Dagum via sorting and prefix sums: every pairwise sum  sum_{i,r} p_i p_r |x_i -
// x_r| is computed from sorted values in O(n log n) instead of O(n^2), so equity on 10^5 demand points stays
// cheap. The units are sorted once (by value, ties by input position: a total order, so any subset taken in
// that order is that subset's own sorted order), and every grouping's groups are read off that one order:
// equity_groupings() gives the same bits as equity() on each grouping without sorting again.
#include <algorithm>
#include <cmath>
#include <cstdint>
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

// Values in ascending order with prefix sums of p and p*x, for gap sums against another group.
struct Sorted {
  std::vector<double> x, p, cp, cpx;  // cp[k] = sum_{m<k} p_m, cpx[k] = sum_{m<k} p_m x_m
  explicit Sorted(std::size_t n = 0) {
    x.reserve(n);
    p.reserve(n);
    cp.reserve(n + 1);
    cpx.reserve(n + 1);
    cp.push_back(0.0);
    cpx.push_back(0.0);
  }
  void push(const Unit& u) {
    x.push_back(u.x);
    p.push_back(u.p);
    cp.push_back(cp.back() + u.p);
    cpx.push_back(cpx.back() + u.p * u.x);
  }
};

// Positions of u in ascending order of value, ties by position (a total order: deterministic, and a subset
// filtered in this order is sorted the same way).
std::vector<std::uint32_t> order_of(const std::vector<Unit>& u) {
  std::vector<std::pair<double, std::uint32_t>> k(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) k[i] = {u[i].x, static_cast<std::uint32_t>(i)};
  std::sort(k.begin(), k.end());
  std::vector<std::uint32_t> o(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) o[i] = k[i].second;
  return o;
}

Sorted sorted_of(const std::vector<Unit>& u, const std::vector<std::uint32_t>& order) {
  Sorted s(u.size());
  for (std::uint32_t k : order) s.push(u[k]);
  return s;
}

// sum_{i in a, r in b, x_i > x_r} p_i p_r (x_i - x_r): both sorted, so the members of b strictly below x_i
// are a prefix that only grows (one merge, O(|a| + |b|)).
double gap_above(const Sorted& a, const Sorted& b) {
  double s = 0.0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < a.x.size(); ++i) {
    while (k < b.x.size() && b.x[k] < a.x[i]) ++k;
    s += a.p[i] * (a.x[i] * b.cp[k] - b.cpx[k]);
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

// Theil T = (1/P) sum p (x/mu) ln(x/mu); a zero value contributes 0 (limit).
double theil_of(const std::vector<Unit>& u, double pop, double m) {
  if (!(m > 0.0)) return kNaN;
  double t = 0.0;
  for (const Unit& v : u)
    if (v.x > 0.0) t += v.p * (v.x / m) * std::log(v.x / m);
  return t / pop;
}

// The units kept (population > 0, finite value) with what every grouping shares: the ungrouped figures
// (without the Lorenz curve, whose thinning differs by call), the sorted order and its prefix sums.
struct Prepared {
  Equity base;                       // counts, population, mean, gini, theil_t (no lorenz, no groups)
  std::vector<Unit> all;             // kept units, input order
  std::vector<std::uint32_t> input;  // input index of each kept unit
  std::vector<std::uint32_t> order;  // kept units by value, ties by position
  Sorted sorted;
  double PX = 0.0;
  bool negative = false;
};

void check_sizes(std::span<const double> values, std::span<const double> population) {
  // Spans of different lengths (the Python module passes NumPy buffers straight through) are a caller's
  // error, not a read past the shorter one (found by fuzz/pyargs).
  if (population.size() != values.size())
    throw UsageError("equity: population has " + std::to_string(population.size()) + " values, values has " +
                     std::to_string(values.size()));
}

void check_group(std::span<const int> group, std::size_t n) {
  if (!group.empty() && group.size() != n)
    throw UsageError("equity: group has " + std::to_string(group.size()) + " entries, values has " +
                     std::to_string(n));
}

Prepared prepare(std::span<const double> values, std::span<const double> population) {
  Prepared pr;
  Equity& e = pr.base;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double p = population[i], x = values[i];
    if (!(p > 0.0)) {
      ++e.dropped_zero_population;
      continue;
    }
    if (!std::isfinite(x)) {
      ++e.dropped_no_value;
      e.dropped_population += p;
      continue;
    }
    pr.all.push_back({x, p});
    pr.input.push_back(static_cast<std::uint32_t>(i));
    e.population += p;
    pr.PX += p * x;
  }
  e.units = pr.all.size();
  if (pr.all.empty()) {
    e.mean = e.gini = e.theil_t = kNaN;
    return pr;
  }
  const double P = e.population, PX = pr.PX, mu = PX / P;
  e.mean = mu;
  pr.order = order_of(pr.all);
  pr.sorted = sorted_of(pr.all, pr.order);
  e.gini = PX > 0.0 ? self_gap(pr.sorted) / (2.0 * P * PX) : kNaN;
  for (const Unit& u : pr.all) pr.negative = pr.negative || u.x < 0.0;
  e.theil_t = pr.negative ? kNaN : theil_of(pr.all, P, mu);
  e.theil.total = e.theil_t;
  return pr;
}

// The figures of one grouping (group may be empty: no decompositions) from the shared preparation.
Equity grouped(const Prepared& pr, std::span<const int> group, const std::vector<std::string>& group_names,
               std::size_t lorenz_points) {
  Equity e = pr.base;
  if (pr.all.empty()) return e;
  const double P = e.population, PX = pr.PX, mu = e.mean;
  const bool negative = pr.negative;
  add_lorenz(pr.sorted, P, PX, lorenz_points, e);
  if (group.empty()) return e;

  // Each group's units in input order (the sums below run in that order) and in value order.
  const std::size_t ng = group_names.size();
  std::vector<int> gof(pr.all.size(), -1);
  std::vector<std::size_t> size(ng, 0);
  for (std::size_t k = 0; k < pr.all.size(); ++k) {
    const int g = group[pr.input[k]];
    if (g >= 0 && static_cast<std::size_t>(g) < ng) {
      gof[k] = g;
      ++size[static_cast<std::size_t>(g)];
    }
  }
  std::vector<std::vector<Unit>> by(ng);
  for (std::size_t g = 0; g < ng; ++g) by[g].reserve(size[g]);
  for (std::size_t k = 0; k < pr.all.size(); ++k)
    if (gof[k] >= 0) by[static_cast<std::size_t>(gof[k])].push_back(pr.all[k]);

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
    tg.name = group_names[g];
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
  // The groups in value order: the shared order filtered (no sort).
  std::vector<Sorted> by_sorted;
  by_sorted.reserve(ng);
  for (std::size_t g = 0; g < ng; ++g) by_sorted.emplace_back(size[g]);
  for (std::uint32_t u : pr.order)
    if (gof[u] >= 0) by_sorted[static_cast<std::size_t>(gof[u])].push(pr.all[u]);
  std::vector<const Sorted*> sorted(k);
  for (std::size_t j = 0; j < k; ++j) sorted[j] = &by_sorted[gs[j].id];
  e.dagum.between.assign(k, std::vector<double>(k, 0.0));
  e.dagum.d.assign(k, std::vector<double>(k, 0.0));
  if (!(PX > 0.0)) {
    e.dagum.gw = e.dagum.gnb = e.dagum.gt = kNaN;
  }
  for (std::size_t j = 0; j < k; ++j) {
    DagumGroup dg;
    dg.name = group_names[gs[j].id];
    dg.population = gs[j].pop;
    dg.mean = gs[j].mean;
    const double gjj =
        gs[j].px > 0.0 ? self_gap(*sorted[j]) / (2.0 * gs[j].pop * gs[j].pop * gs[j].mean) : 0.0;
    dg.gini = gs[j].px > 0.0 ? gjj : kNaN;
    e.dagum.between[j][j] = gjj;
    if (PX > 0.0) e.dagum.gw += gjj * (gs[j].pop / P) * (gs[j].px / PX);
    e.dagum.groups.push_back(std::move(dg));
  }
  if (!(PX > 0.0)) return e;
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t h = 0; h < j; ++h) {
      // h has the larger (or equal) mean: d = gap where the richer group is above, p = where it is below.
      const double above = gap_above(*sorted[h], *sorted[j]);
      const double below = gap_above(*sorted[j], *sorted[h]);
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
  return self_gap(sorted_of(u, order_of(u))) / (2.0 * P * PX);
}

Equity equity(const EquityInput& in, std::size_t lorenz_points) {
  check_sizes(in.values, in.population);
  check_group(in.group, in.values.size());
  return grouped(prepare(in.values, in.population), in.group, in.group_names, lorenz_points);
}

std::vector<Equity> equity_groupings(std::span<const double> values, std::span<const double> population,
                                     std::span<const EquityGrouping> groupings, std::size_t lorenz_points) {
  check_sizes(values, population);
  for (const EquityGrouping& g : groupings) check_group(g.group, values.size());
  const Prepared pr = prepare(values, population);
  std::vector<Equity> out;
  out.reserve(groupings.size() + 1);
  out.push_back(grouped(pr, {}, {}, lorenz_points));
  for (const EquityGrouping& g : groupings) out.push_back(grouped(pr, g.group, g.names, g.lorenz_points));
  return out;
}

}  // namespace cs::access
