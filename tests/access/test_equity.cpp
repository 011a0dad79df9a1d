// Oracle tests of the equity indices: hand cases, brute-force O(n^2) Gini, the exact Theil decomposition and
// Dagum's identity G = G_w + G_nb + G_t.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/access/equity.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/rng.hpp>

#include "test_support.hpp"

namespace {

double brute_gini(const std::vector<double>& x, const std::vector<double>& p) {
  double s = 0, P = 0, PX = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    P += p[i];
    PX += p[i] * x[i];
    for (std::size_t r = 0; r < x.size(); ++r) s += p[i] * p[r] * std::fabs(x[i] - x[r]);
  }
  return s / (2 * P * PX);
}

TEST(Equity, HandComputed) {
  const std::vector<double> x{1, 3}, p{1, 1};
  cs::access::Equity e = cs::access::equity({x, p, {}, {}});
  EXPECT_DOUBLE_EQ(e.gini, 0.25);
  EXPECT_NEAR(e.theil_t, 0.5 * (0.5 * std::log(0.5) + 1.5 * std::log(1.5)), 1e-15);
  ASSERT_EQ(e.lorenz.front().pop_share, 0.0);
  EXPECT_DOUBLE_EQ(e.lorenz.back().pop_share, 1.0);
  EXPECT_DOUBLE_EQ(e.lorenz.back().value_share, 1.0);
  EXPECT_DOUBLE_EQ(e.lorenz[1].pop_share, 0.5);
  EXPECT_DOUBLE_EQ(e.lorenz[1].value_share, 0.25);
  // Perfect equality.
  const std::vector<double> y{2, 2, 2}, q{1, 5, 2};
  EXPECT_DOUBLE_EQ(cs::access::equity({y, q, {}, {}}).gini, 0.0);
  EXPECT_DOUBLE_EQ(cs::access::equity({y, q, {}, {}}).theil_t, 0.0);
}

TEST(Equity, ZeroPopulationAndUnreachedAreDroppedAndCounted) {
  const std::vector<double> x{1, 3, 100, INFINITY}, p{1, 1, 0, 7};
  cs::access::Equity e = cs::access::equity({x, p, {}, {}});
  EXPECT_EQ(e.units, 2u);
  EXPECT_EQ(e.dropped_zero_population, 1u);
  EXPECT_EQ(e.dropped_no_value, 1u);
  EXPECT_DOUBLE_EQ(e.dropped_population, 7);
  EXPECT_DOUBLE_EQ(e.gini, 0.25);
  const std::vector<double> z{0, 0};
  EXPECT_TRUE(std::isnan(cs::access::equity({z, std::vector<double>{1, 1}, {}, {}}).gini));
}

struct Case {
  std::vector<double> x, p;
  std::vector<int> g;
  std::vector<std::string> names;
};
Case random_case(std::uint64_t seed, std::size_t n, int groups) {
  cs::Rng rng(seed);
  Case c;
  for (int k = 0; k < groups; ++k) c.names.push_back("g" + std::to_string(k));
  for (std::size_t i = 0; i < n; ++i) {
    const int g = static_cast<int>(rng.below(static_cast<std::uint64_t>(groups)));
    c.g.push_back(g);
    c.x.push_back(
        rng.uniform() < 0.05 ? 0.0 : (1.0 + g) * rng.uniform() * 10.0 + static_cast<double>(rng.below(3)));
    c.p.push_back(1.0 + static_cast<double>(rng.below(100)));
  }
  return c;
}

TEST(Equity, GiniMatchesBruteForce) {
  for (std::uint64_t s = 0; s < 5; ++s) {
    const auto c = random_case(cs::test::seed() + s, 300, 3);
    EXPECT_NEAR(cs::access::weighted_gini(c.x, c.p), brute_gini(c.x, c.p), 1e-12);
    EXPECT_NEAR(cs::access::equity({c.x, c.p, {}, {}}).gini, brute_gini(c.x, c.p), 1e-12);
  }
}

TEST(Equity, TheilWithinPlusBetweenIsTotal) {
  const auto c = random_case(cs::test::seed() + 10, 500, 4);
  cs::access::Equity e = cs::access::equity({c.x, c.p, c.g, c.names});
  EXPECT_GT(e.theil.between, 0.0);
  EXPECT_NEAR(e.theil.within + e.theil.between, e.theil.total, 1e-12);
  // Brute-force total.
  double P = 0, PX = 0;
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    P += c.p[i];
    PX += c.p[i] * c.x[i];
  }
  const double mu = PX / P;
  double t = 0;
  for (std::size_t i = 0; i < c.x.size(); ++i)
    if (c.x[i] > 0) t += c.p[i] / P * (c.x[i] / mu) * std::log(c.x[i] / mu);
  EXPECT_NEAR(e.theil.total, t, 1e-12);
}

TEST(Equity, DagumIdentityAndBruteForceBetweenGini) {
  const auto c = random_case(cs::test::seed() + 20, 400, 4);
  cs::access::Equity e = cs::access::equity({c.x, c.p, c.g, c.names});
  EXPECT_NEAR(e.dagum.gw + e.dagum.gnb + e.dagum.gt, e.gini, 1e-12);
  // Groups ordered by mean, descending.
  for (std::size_t k = 1; k < e.dagum.groups.size(); ++k)
    EXPECT_GE(e.dagum.groups[k - 1].mean, e.dagum.groups[k].mean);
  // G_jh by brute force for the first pair, and D_jh in [0, 1] when j is the richer group.
  const auto& gs = e.dagum.groups;
  auto id = [&](const std::string& n) { return std::stoi(n.substr(1)); };
  const int a = id(gs[0].name), b = id(gs[1].name);
  double s = 0, pa = 0, pb = 0, xa = 0, xb = 0;
  for (std::size_t i = 0; i < c.x.size(); ++i) {
    if (c.g[i] == a) {
      pa += c.p[i];
      xa += c.p[i] * c.x[i];
    }
    if (c.g[i] == b) {
      pb += c.p[i];
      xb += c.p[i] * c.x[i];
    }
    for (std::size_t r = 0; r < c.x.size(); ++r)
      if (c.g[i] == a && c.g[r] == b) s += c.p[i] * c.p[r] * std::fabs(c.x[i] - c.x[r]);
  }
  EXPECT_NEAR(e.dagum.between[0][1], s / (pa * pb * (xa / pa + xb / pb)), 1e-12);
  EXPECT_GE(e.dagum.d[0][1], 0.0);
  EXPECT_LE(e.dagum.d[0][1], 1.0);
  // One group: everything is within.
  std::vector<int> one(c.x.size(), 0);
  cs::access::Equity e1 = cs::access::equity({c.x, c.p, one, {"all"}});
  EXPECT_NEAR(e1.dagum.gw, e1.gini, 1e-12);
  EXPECT_DOUBLE_EQ(e1.dagum.gnb + e1.dagum.gt, 0.0);
  EXPECT_NEAR(e1.theil.within, e1.theil.total, 1e-12);
  EXPECT_NEAR(e1.theil.between, 0.0, 1e-12);
}

TEST(Equity, LorenzIsMonotoneAndBelowDiagonal) {
  const auto c = random_case(cs::test::seed() + 30, 1000, 2);
  cs::access::Equity e = cs::access::equity({c.x, c.p, {}, {}}, 20);
  EXPECT_LE(e.lorenz.size(), 22u);
  for (std::size_t k = 1; k < e.lorenz.size(); ++k) {
    EXPECT_GE(e.lorenz[k].pop_share, e.lorenz[k - 1].pop_share);
    EXPECT_GE(e.lorenz[k].value_share, e.lorenz[k - 1].value_share);
    EXPECT_LE(e.lorenz[k].value_share, e.lorenz[k].pop_share + 1e-12);
  }
}

// Several groupings at once (equity_groupings, the access study's path) equal one equity() call per
// grouping bit for bit; each group's within-group Gini equals equity() of that group's units alone, bit for
// bit too (the groups are read off the one sorted order, ties included: values here are mostly tied).
TEST(Equity, GroupingsAtOnceEqualOneCallEachBitForBit) {
  cs::Rng rng(cs::test::seed() + 40);
  const std::size_t n = 2000;
  std::vector<double> x(n), p(n);
  std::vector<int> g3(n), g2(n), none(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = rng.uniform() < 0.02 ? INFINITY : static_cast<double>(rng.below(6)) * 60.0;
    p[i] = rng.uniform() < 0.03 ? 0.0 : 1.0 + static_cast<double>(rng.below(4));
    g3[i] = static_cast<int>(rng.below(4)) - 1;  // -1: in no group
    g2[i] = static_cast<int>(rng.below(2));
  }
  const std::vector<std::string> n3{"a", "b", "c"}, n2{"u", "r"};
  const std::vector<cs::access::EquityGrouping> gs{{g3, n3, 2}, {g2, n2, 7}, {none, {"x"}, 2}};
  const auto many = cs::access::equity_groupings(x, p, gs, 20);
  ASSERT_EQ(many.size(), 4u);
  auto same = [](const cs::access::Equity& a, const cs::access::Equity& b) {
    EXPECT_EQ(a.units, b.units);
    EXPECT_EQ(a.dropped_zero_population, b.dropped_zero_population);
    EXPECT_EQ(a.dropped_no_value, b.dropped_no_value);
    EXPECT_EQ(a.gini, b.gini);
    EXPECT_EQ(a.theil_t, b.theil_t);
    EXPECT_EQ(a.mean, b.mean);
    ASSERT_EQ(a.lorenz.size(), b.lorenz.size());
    for (std::size_t k = 0; k < a.lorenz.size(); ++k) {
      EXPECT_EQ(a.lorenz[k].pop_share, b.lorenz[k].pop_share);
      EXPECT_EQ(a.lorenz[k].value_share, b.lorenz[k].value_share);
    }
    EXPECT_EQ(a.theil.within, b.theil.within);
    EXPECT_EQ(a.theil.between, b.theil.between);
    EXPECT_EQ(a.dagum.gw, b.dagum.gw);
    EXPECT_EQ(a.dagum.gnb, b.dagum.gnb);
    EXPECT_EQ(a.dagum.gt, b.dagum.gt);
    EXPECT_EQ(a.dagum.between, b.dagum.between);
    EXPECT_EQ(a.dagum.d, b.dagum.d);
  };
  same(many[0], cs::access::equity({x, p, {}, {}}, 20));
  same(many[1], cs::access::equity({x, p, g3, n3}, 2));
  same(many[2], cs::access::equity({x, p, g2, n2}, 7));
  same(many[3], cs::access::equity({x, p, none, {"x"}}, 2));
  EXPECT_TRUE(many[3].dagum.groups.empty());
  // Within-group Gini of each group = the Gini of its units alone.
  ASSERT_EQ(many[1].dagum.groups.size(), 3u);
  for (const auto& dg : many[1].dagum.groups) {
    const int id = static_cast<int>(dg.name[0] - 'a');
    std::vector<double> xs, ps;
    for (std::size_t i = 0; i < n; ++i)
      if (g3[i] == id) {
        xs.push_back(x[i]);
        ps.push_back(p[i]);
      }
    const std::vector<int> one(xs.size(), 0);
    const auto alone = cs::access::equity({xs, ps, one, {"g"}});
    ASSERT_EQ(alone.dagum.groups.size(), 1u);
    EXPECT_EQ(dg.gini, alone.dagum.groups[0].gini) << dg.name;
    EXPECT_NEAR(dg.gini, cs::access::weighted_gini(xs, ps), 1e-12) << dg.name;
  }
  EXPECT_THROW(cs::access::equity_groupings(x, std::vector<double>(3, 1.0), gs), cs::UsageError);
  const std::vector<int> short_group(5, 0);
  const std::vector<cs::access::EquityGrouping> bad{{short_group, {"g"}, 2}};
  EXPECT_THROW(cs::access::equity_groupings(x, p, bad), cs::UsageError);
}

}  // namespace
