// Two-way balance between tiers: tier sums against brute force, nets, hinterlands and captured shares.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include <countyscope/core/rng.hpp>
#include <countyscope/flows/balance.hpp>
#include <countyscope/flows/study.hpp>

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

namespace {

// The county flows study (flows/study.hpp): its tables come from the same rows as the kernels' flows, the
// map keeps max_lines per factor while the GeoPackage keeps every pair, and a given beta is marked "given".
TEST(FlowsStudy, OutputsFromOneRowSourceAndRegistryOptions) {
  cs::County c;
  const std::vector<double> x{0, -5, 6, -1, -4, 2};
  const std::vector<Tier> tier{Tier::kSeat,    Tier::kTown,    Tier::kTown,
                               Tier::kVillage, Tier::kVillage, Tier::kVillage};
  for (std::size_t i = 0; i < x.size(); ++i) {
    cs::Settlement s;
    s.name = "s" + std::to_string(i);
    s.pos = {9.5 + x[i] * 0.01, 47.1};
    s.tier = tier[i];
    s.population_est = 100.0 * static_cast<double>(i + 1);
    c.settlements.push_back(s);
  }
  cs::TimeMatrix s2s(x.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < x.size(); ++j) s2s(i, j) = static_cast<float>(std::abs(x[i] - x[j]) * 180);
  FlowsConfig cfg;
  flows_options().set_text(cfg, "beta_labour", "0.2", "--beta-labour: ");
  flows_options().set_text(cfg, "max_lines", "4", "--max-lines: ");
  EXPECT_THROW(flows_options().set_text(cfg, "beta_labour", "11", "--beta-labour: "), cs::UsageError);
  EXPECT_THROW(flows_options().set_text(cfg, "max_lines", "2.5", "--max-lines: "), cs::UsageError);
  const FlowsRun r = compute_flows(c, s2s, cfg);
  ASSERT_EQ(r.factors.size(), 3u);  // no capital without its masses
  EXPECT_EQ(r.factors[0].beta_per_min, 0.2);
  EXPECT_FALSE(r.factors[0].assumed);
  EXPECT_TRUE(r.factors[1].assumed);
  const cs::Outputs o = flows_outputs(c, r, cfg);
  // flows_settlements: one row per positive pair and factor, flow rounded to 1e-6.
  const cs::Table* t = o.find("flows_settlements");
  ASSERT_NE(t, nullptr);
  std::size_t positive = 0;
  for (std::size_t f = 0; f < 3; ++f)
    for (double v : r.flows[f].storage()) positive += v > 0;
  EXPECT_EQ(t->rows(), positive);
  for (std::size_t k = 0; k < t->rows(); ++k) {
    const auto& row = t->row(k);
    const std::size_t f = std::get<std::string>(row[0]) == "labour"        ? 0
                          : std::get<std::string>(row[0]) == "consumption" ? 1
                                                                           : 2;
    const std::size_t i = std::stoul(std::get<std::string>(row[1]).substr(1)),
                      j = std::stoul(std::get<std::string>(row[2]).substr(1));
    EXPECT_NEAR(std::get<double>(row[5]), r.flows[f](i, j), 5e-7);
  }
  // flow_lines: every pair in the GeoPackage, max_lines per factor in the document, strongest first.
  const cs::Table* lines = o.find("flow_lines");
  ASSERT_NE(lines, nullptr);
  EXPECT_EQ(lines->vector_layer().size(), positive);
  const cs::Json fc = lines->feature_collection();
  std::size_t drawn = 0;  // min(max_lines, positive pairs) per computed factor (services: no facilities here)
  for (std::size_t f = 0; f < 3; ++f) {
    std::size_t pos = 0;
    for (double v : r.flows[f].storage()) pos += v > 0;
    drawn += std::min<std::size_t>(pos, 4);
  }
  EXPECT_EQ(r.flows[2].rows(), 0u);
  ASSERT_EQ(fc["features"].size(), drawn);
  for (std::size_t k = 1; k < 4; ++k)
    EXPECT_GE(fc["features"][k - 1]["properties"]["flow"].get<double>(),
              fc["features"][k]["properties"]["flow"].get<double>());
  // The balance rows are in the section and in their CSV (same rows).
  const cs::Json sec = cs::section_json(o);
  EXPECT_EQ(sec["balance"]["tiers"].size(), r.balance.tiers.size());
  EXPECT_EQ(sec["balance"]["centres"].size(), r.balance.centres.size());
  EXPECT_EQ(cs::csv_files(o).count("flows_balance_centres.csv"), 1u);
  EXPECT_EQ(sec["factors"][0]["parameters_source"], "given");
}

}  // namespace
