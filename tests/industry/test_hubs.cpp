// Hub siting (industry/hubs.hpp). Oracles:
//  - brute force: every set of open collection points and hubs and every choice of cost line per open hub,
//    each a linear min-cost flow (the concave cost is the minimum of its lines), on >= 50 seeded instances,
//    equals the MIP's optimum;
//  - the min-cost flow equals CBC's LP (Clp) on random transport networks (two independent solvers);
//  - the heuristic's cost is never below the optimum and its bound never above it; capacities are never
//    exceeded and every tonne is shipped (invariants).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/industry/hubs.hpp>
#include <countyscope/locate/mip.hpp>

#include "test_support.hpp"

namespace ci = cs::industry;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ci::HubProblem random_problem(std::mt19937_64& rng, std::size_t n, std::size_t c, std::size_t h,
                              std::size_t lines) {
  std::uniform_real_distribution<double> U(0, 1);
  ci::HubProblem p;
  // Places on a 20 km square; distances a detour factor above the straight line, a few missing roads.
  auto place = [&] { return std::pair{U(rng) * 20, U(rng) * 20}; };
  std::vector<std::pair<double, double>> o(n), pc(c), ph(h);
  for (auto& x : o) x = place();
  for (auto& x : pc) x = place();
  for (auto& x : ph) x = place();
  const auto market = place();
  auto dist = [&](auto a, auto b) {
    if (U(rng) < 0.08) return kInf;
    return std::hypot(a.first - b.first, a.second - b.second) * (1.1 + 0.3 * U(rng));
  };
  for (std::size_t i = 0; i < n; ++i) p.supply.push_back(std::round(100 + 900 * U(rng)));
  p.first = cs::Matrix<double>(n, c);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < c; ++j) p.first(i, j) = dist(o[i], pc[j]);
    p.first(i, i % c) = std::hypot(o[i].first - pc[i % c].first, o[i].second - pc[i % c].second);  // a road
  }
  p.trunk = cs::Matrix<double>(c, h);
  for (std::size_t j = 0; j < c; ++j) {
    for (std::size_t k = 0; k < h; ++k) p.trunk(j, k) = dist(pc[j], ph[k]);
    p.trunk(j, j % h) = std::hypot(pc[j].first - ph[j % h].first, pc[j].second - ph[j % h].second);
  }
  for (std::size_t k = 0; k < h; ++k)
    p.to_market.push_back(std::hypot(ph[k].first - market.first, ph[k].second - market.second));
  const double total = std::accumulate(p.supply.begin(), p.supply.end(), 0.0);
  p.cost_first_mile = 1 + U(rng);
  p.cost_trunk = 0.3 + 0.3 * U(rng);
  // Capacities tight enough to bind: together a little above the supply.
  for (std::size_t j = 0; j < c; ++j) {
    p.collect_fixed.push_back(std::round(2000 + 6000 * U(rng)));
    p.collect_capacity.push_back(std::round(total / static_cast<double>(c) * (1.2 + 1.5 * U(rng))));
  }
  for (std::size_t k = 0; k < h; ++k) {
    p.hub_fixed.push_back(std::round(10000 + 20000 * U(rng)));
    p.hub_capacity.push_back(std::round(total / static_cast<double>(h) * (1.1 + 1.5 * U(rng))));
  }
  p.breaks = {0};
  p.slopes = {20 + 10 * U(rng)};
  for (std::size_t l = 1; l < lines; ++l) {
    p.breaks.push_back(p.breaks.back() + total * (0.15 + 0.3 * U(rng)));
    p.slopes.push_back(p.slopes.back() * (0.5 + 0.4 * U(rng)));
  }
  return p;
}

// The brute force: every open set and line choice, each a linear min-cost flow built here (not by the
// library's pricing).
double brute_force(const ci::HubProblem& p) {
  const std::size_t n = p.origins(), c = p.collects(), h = p.hubs(), L = p.slopes.size();
  const std::vector<double> b = ci::line_intercepts(p);
  const double total = std::accumulate(p.supply.begin(), p.supply.end(), 0.0);
  double best = kInf;
  for (unsigned ym = 1; ym < (1u << c); ++ym)
    for (unsigned zm = 1; zm < (1u << h); ++zm) {
      std::vector<std::size_t> open_h;
      for (std::size_t k = 0; k < h; ++k)
        if (zm >> k & 1) open_h.push_back(k);
      std::size_t combos = 1;
      for (std::size_t q = 0; q < open_h.size(); ++q) combos *= L;
      for (std::size_t code = 0; code < combos; ++code) {
        std::vector<std::size_t> line(h, 0);
        double fixed = 0;
        std::size_t rest = code;
        for (std::size_t k : open_h) {
          line[k] = rest % L;
          rest /= L;
          fixed += p.hub_fixed[k] + b[line[k]];
        }
        for (std::size_t j = 0; j < c; ++j)
          if (ym >> j & 1) fixed += p.collect_fixed[j];
        if (fixed >= best) continue;
        const std::size_t c0 = 1 + n, h0 = c0 + 2 * c, t = h0 + 2 * h;
        ci::MinCostFlow g(t + 1);
        for (std::size_t i = 0; i < n; ++i) g.add_arc(0, 1 + i, p.supply[i], 0);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < c; ++j)
            if ((ym >> j & 1) && std::isfinite(p.first(i, j)))
              g.add_arc(1 + i, c0 + 2 * j, total, p.cost_first_mile * p.first(i, j));
        for (std::size_t j = 0; j < c; ++j) {
          if (!(ym >> j & 1)) continue;
          g.add_arc(c0 + 2 * j, c0 + 2 * j + 1, p.collect_capacity[j], 0);
          for (std::size_t k : open_h)
            if (std::isfinite(p.trunk(j, k)))
              g.add_arc(c0 + 2 * j + 1, h0 + 2 * k, total, p.cost_trunk * p.trunk(j, k));
        }
        for (std::size_t k : open_h) {
          g.add_arc(h0 + 2 * k, h0 + 2 * k + 1, p.hub_capacity[k],
                    p.slopes[line[k]] + p.cost_trunk * p.to_market[k]);
          g.add_arc(h0 + 2 * k + 1, t, total, 0);
        }
        if (g.run(0, t, total) < total - 1e-6) continue;
        best = std::min(best, fixed + g.cost());
      }
    }
  return best;
}

// Every tonne shipped, conservation at the points, no capacity exceeded, shipments only through open sites,
// and the reported cost recomputed from the shipments.
void check_plan(const ci::HubProblem& p, const ci::HubSolution& s) {
  const double total = std::accumulate(p.supply.begin(), p.supply.end(), 0.0), tol = 1e-6 * total;
  std::vector<double> out(p.origins(), 0), in_c(p.collects(), 0), out_c(p.collects(), 0), in_h(p.hubs(), 0);
  double cost = 0;
  for (const auto& x : s.first) {
    ASSERT_TRUE(s.collect_open[x.to]);
    ASSERT_TRUE(std::isfinite(p.first(x.from, x.to)));
    out[x.from] += x.tonnes;
    in_c[x.to] += x.tonnes;
    cost += p.cost_first_mile * p.first(x.from, x.to) * x.tonnes;
  }
  for (const auto& u : s.trunk) {
    ASSERT_TRUE(s.collect_open[u.from] && s.hub_open[u.to]);
    out_c[u.from] += u.tonnes;
    in_h[u.to] += u.tonnes;
    cost += p.cost_trunk * (p.trunk(u.from, u.to) + p.to_market[u.to]) * u.tonnes;
  }
  for (std::size_t i = 0; i < p.origins(); ++i) EXPECT_NEAR(out[i], p.supply[i], tol) << "origin " << i;
  for (std::size_t j = 0; j < p.collects(); ++j) {
    EXPECT_NEAR(in_c[j], out_c[j], tol) << "point " << j;
    EXPECT_LE(in_c[j], p.collect_capacity[j] + tol) << "point " << j;
    if (s.collect_open[j]) cost += p.collect_fixed[j];
  }
  for (std::size_t k = 0; k < p.hubs(); ++k) {
    EXPECT_LE(in_h[k], p.hub_capacity[k] + tol) << "hub " << k;
    if (s.hub_open[k]) cost += p.hub_fixed[k];
    cost += ci::processing_cost(p, in_h[k]);
  }
  EXPECT_NEAR(cost, s.cost, 1e-7 * cost);
}

}  // namespace

TEST(HubSiting, ProcessingCostIsConcaveAndMatchesItsStretches) {
  ci::HubProblem p;
  p.breaks = {0, 100, 300};
  p.slopes = {10, 6, 4};
  // By hand: f(50) = 500; f(100) = 1000; f(200) = 1000 + 600 = 1600; f(400) = 1000 + 1200 + 400 = 2600.
  EXPECT_DOUBLE_EQ(ci::processing_cost(p, 0), 0);
  EXPECT_DOUBLE_EQ(ci::processing_cost(p, 50), 500);
  EXPECT_DOUBLE_EQ(ci::processing_cost(p, 100), 1000);
  EXPECT_DOUBLE_EQ(ci::processing_cost(p, 200), 1600);
  EXPECT_DOUBLE_EQ(ci::processing_cost(p, 400), 2600);
}

TEST(HubSiting, MinCostFlowEqualsTheLp) {
  std::mt19937_64 rng(cs::test::seed());
  std::uniform_real_distribution<double> U(0, 1);
  for (int rep = 0; rep < 30; ++rep) {
    const std::size_t s = 2 + rng() % 4, d = 2 + rng() % 4;  // sources, sinks of a transport problem
    std::vector<double> sup(s), cap(d);
    for (auto& x : sup) x = std::round(10 + 90 * U(rng));
    const double total = std::accumulate(sup.begin(), sup.end(), 0.0);
    for (auto& x : cap) x = std::round(total / static_cast<double>(d) * (1.1 + U(rng)));
    cs::Matrix<double> cost(s, d);
    for (auto& x : cost.storage()) x = std::round(100 * U(rng)) / 10;
    ci::MinCostFlow g(s + d + 2);
    for (std::size_t i = 0; i < s; ++i) g.add_arc(0, 1 + i, sup[i], 0);
    for (std::size_t i = 0; i < s; ++i)
      for (std::size_t j = 0; j < d; ++j) g.add_arc(1 + i, 1 + s + j, total, cost(i, j));
    for (std::size_t j = 0; j < d; ++j) g.add_arc(1 + s + j, s + d + 1, cap[j], 0);
    ASSERT_NEAR(g.run(0, s + d + 1, total), total, 1e-9);
    cs::locate::MipModel m;
    std::vector<std::vector<int>> x(s, std::vector<int>(d));
    for (std::size_t i = 0; i < s; ++i)
      for (std::size_t j = 0; j < d; ++j) x[i][j] = m.add_col(0, kInf, cost(i, j), false);
    for (std::size_t i = 0; i < s; ++i) {
      std::vector<std::pair<int, double>> row;
      for (std::size_t j = 0; j < d; ++j) row.push_back({x[i][j], 1});
      m.add_row(row, sup[i], sup[i]);
    }
    for (std::size_t j = 0; j < d; ++j) {
      std::vector<std::pair<int, double>> row;
      for (std::size_t i = 0; i < s; ++i) row.push_back({x[i][j], 1});
      m.add_row(row, -kInf, cap[j]);
    }
    cs::locate::MipResult r;
    ASSERT_EQ(cs::locate::make_cbc_backend()->solve_lp(m, {}, r), cs::locate::CallStatus::kOk);
    EXPECT_NEAR(g.cost(), r.objective, 1e-7 * std::max(1.0, r.objective)) << "rep " << rep;
  }
}

TEST(HubSiting, MipEqualsBruteForceOnSeededInstances) {
  std::mt19937_64 rng(cs::test::seed());
  int compared = 0;
  for (int rep = 0; rep < 60; ++rep) {
    const std::size_t n = 3 + rng() % 4, c = 2 + rng() % 3, h = 1 + rng() % 3, lines = 1 + rng() % 3;
    const ci::HubProblem p = random_problem(rng, n, c, h, lines);
    const double want = brute_force(p);
    ASSERT_TRUE(std::isfinite(want)) << "rep " << rep;
    const ci::HubSolution s = ci::solve_hubs_exact(p, {.rel_gap = 1e-9});
    ASSERT_EQ(s.outcome, cs::locate::Outcome::kOptimal) << "rep " << rep << ": " << s.message;
    EXPECT_NEAR(s.cost, want, 1e-6 * want) << "rep " << rep << " n=" << n << " c=" << c << " h=" << h;
    EXPECT_LE(s.bound, s.cost + 1e-6 * s.cost);
    check_plan(p, s);
    ++compared;
  }
  EXPECT_EQ(compared, 60);
}

TEST(HubSiting, HeuristicStaysWithinItsBound) {
  std::mt19937_64 rng(cs::test::seed() + 1);
  for (int rep = 0; rep < 12; ++rep) {
    const bool small = rep < 8;
    const std::size_t n = small ? 4 + rng() % 3 : 25, c = small ? 3 : 12, h = small ? 2 : 4, lines = 3;
    const ci::HubProblem p = random_problem(rng, n, c, h, lines);
    const ci::HubSolution heur = ci::solve_hubs_heuristic(p, {});
    const ci::HubSolution exact = ci::solve_hubs_exact(p, {.rel_gap = 1e-9});
    ASSERT_EQ(exact.outcome, cs::locate::Outcome::kOptimal) << "rep " << rep;
    check_plan(p, heur);
    EXPECT_GE(heur.cost, exact.cost - 1e-6 * exact.cost) << "rep " << rep;
    EXPECT_LE(heur.bound, exact.cost + 1e-6 * exact.cost) << "rep " << rep;
    EXPECT_GT(heur.bound, 0) << "rep " << rep;
    EXPECT_NEAR(heur.gap, (heur.cost - heur.bound) / heur.cost, 1e-12);
    if (small) {
      EXPECT_NEAR(exact.cost, brute_force(p), 1e-6 * exact.cost) << "rep " << rep;
    }
  }
}

TEST(HubSiting, SameAnswerForAnyThreadCount) {
  std::mt19937_64 rng(cs::test::seed() + 2);
  const ci::HubProblem p = random_problem(rng, 20, 10, 3, 3);
  const ci::HubSolution a = ci::solve_hubs_exact(p, {.threads = 1}),
                        b = ci::solve_hubs_exact(p, {.threads = 2});
  ASSERT_EQ(a.outcome, cs::locate::Outcome::kOptimal);
  EXPECT_NEAR(a.cost, b.cost, 1e-6 * a.cost);
  EXPECT_EQ(a.collect_open, b.collect_open);
  EXPECT_EQ(a.hub_open, b.hub_open);
}

TEST(HubSiting, BadProblemsAreRefused) {
  std::mt19937_64 rng(cs::test::seed() + 3);
  ci::HubProblem p = random_problem(rng, 4, 3, 2, 2);
  auto refused = [](const ci::HubProblem& q, const std::string& field) {
    try {
      (void)ci::solve_hubs(q, {});
    } catch (const cs::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("field '" + field + "'"), std::string::npos) << e.what();
      return;
    }
    ADD_FAILURE() << "not refused: " << field;
  };
  ci::HubProblem q = p;
  q.slopes = {10, 20};  // rising: not concave
  refused(q, "slopes");
  q = p;
  q.supply[0] = std::nan("");
  refused(q, "supply");
  q = p;
  for (double& x : q.collect_capacity) x = 1;  // cannot hold the supply
  refused(q, "collect_capacity");
  q = p;
  q.hub_capacity[0] = -5;
  refused(q, "hub_capacity");
}
