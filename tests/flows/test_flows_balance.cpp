// Two-way balance between tiers: tier sums against brute force, nets, hinterlands and captured shares.
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include <countyscope/core/rng.hpp>
#include <countyscope/flows/balance.hpp>

#include "test_support.hpp"

namespace {

using namespace cs::flows;
using cs::Tier;

TEST(FlowsBalance, TierSumsNetsAndShares) {
  // seat 0, towns 1-2, villages 3-8 on a line; minutes = |x_i - x_j| * 3.
  const std::vector<Tier> tier{Tier::kSeat,    Tier::kTown,    Tier::kTown,    Tier::kVillage, Tier::kVillage,
                               Tier::kVillage, Tier::kVillage, Tier::kVillage, Tier::kVillage};
  const std::vector<double> x{0, -5, 6, -1, -4, -7, 2, 5, 8};
  const std::size_t n = x.size();
  cs::Matrix<double> minutes(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) minutes(i, j) = std::abs(x[i] - x[j]) * 3;
  FactorMasses m;
  cs::Rng rng(cs::test::seed());
  for (std::size_t i = 0; i < n; ++i) {
    m.population.push_back(100 + 900 * rng.uniform());
    m.facilities.push_back(tier[i] == Tier::kVillage ? 0.0 : 3.0 - (tier[i] == Tier::kTown));
    m.jobs.push_back(m.facilities.back() * 20 + 0.1 * m.population.back());
  }
  const auto factors = default_factors();
  const auto flows = factor_flows(factors, m, minutes);
  ASSERT_EQ(flows.size(), 4u);
  EXPECT_EQ(flows[3].rows(), 0u);  // capital: no masses given -> skipped
  // Production-constrained: every settlement sends rate * population.
  for (std::size_t f = 0; f < 3; ++f)
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = flows[f].row(i);
      EXPECT_NEAR(std::accumulate(r.begin(), r.end(), 0.0), factors[f].rate * m.population[i], 1e-9);
    }
  const Balance b = two_way_balance(tier, minutes, factors, flows, m.population);
  // Hinterlands: nearest centre.
  EXPECT_EQ(b.hinterland_of[3], 0);
  EXPECT_EQ(b.hinterland_of[4], 1);
  EXPECT_EQ(b.hinterland_of[5], 1);
  EXPECT_EQ(b.hinterland_of[6], 0);
  EXPECT_EQ(b.hinterland_of[7], 2);
  EXPECT_EQ(b.hinterland_of[8], 2);
  ASSERT_EQ(b.tiers.size(), 9u);
  for (const TierFlow& t : b.tiers) {
    const std::size_t f = t.factor == "labour" ? 0 : t.factor == "consumption" ? 1 : 2;
    double fw = 0, bw = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        if (tier[i] == t.from && tier[j] == t.to) fw += flows[f](i, j);
        if (tier[i] == t.to && tier[j] == t.from) bw += flows[f](i, j);
      }
    EXPECT_NEAR(t.flow, fw, 1e-9);
    EXPECT_NEAR(t.reverse, bw, 1e-9);
    EXPECT_DOUBLE_EQ(t.net, t.flow - t.reverse);
  }
  for (const CentreShare& c : b.centres) {
    if (c.factor != "labour") continue;
    if (c.centre == 1) {
      EXPECT_EQ(c.hinterland_places, 2u);
      const double in = flows[0](4, 1) + flows[0](5, 1);
      EXPECT_NEAR(c.inbound_from_hinterland, in, 1e-9);
      EXPECT_NEAR(c.share, in / (0.45 * (m.population[4] + m.population[5])), 1e-9);
    }
  }
}

}  // namespace
