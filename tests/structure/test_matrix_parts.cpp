// Service areas, hierarchy and pattern optimisation on random and hand-made matrices, against brute force.
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include <countyscope/core/rng.hpp>
#include <countyscope/structure/hierarchy.hpp>
#include <countyscope/structure/isochrone.hpp>
#include <countyscope/structure/pattern.hpp>
#include <countyscope/structure/service_areas.hpp>
#include <countyscope/structure/structure.hpp>

#include "test_support.hpp"

namespace cs {
namespace {

TimeMatrix random_matrix(Rng& rng, std::size_t rows, std::size_t cols) {
  TimeMatrix m(rows, cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      // Coarse integer minutes so that ties are frequent; some pairs unreachable.
      m(i, j) = rng.below(12) == 0 ? kUnreachable : static_cast<float>(60 * rng.below(40));
  return m;
}

TEST(ServiceAreas, AssignmentIsArgminFirstOnTiesAndPopulationAddsUp) {
  Rng rng(test::seed());
  for (int rep = 0; rep < 50; ++rep) {
    const std::size_t nd = 1 + rng.below(60), nc = 1 + rng.below(6), nv = rng.below(10);
    const TimeMatrix m = random_matrix(rng, nd, nc), vm = random_matrix(rng, nv, nc);
    std::vector<double> pop(nd);
    for (double& p : pop) p = static_cast<double>(rng.below(100));
    cs::structure::ServiceAreaConfig cfg;
    if (rep % 3 == 0) cfg.max_time_s = 1200;
    const cs::structure::ServiceAreas sa = cs::structure::assign_service_areas(m, pop, vm, {}, cfg);
    double total = 0, over_areas = sa.unassigned_population;
    for (std::size_t i = 0; i < nd; ++i) {
      total += pop[i];
      int want = -1;
      for (std::size_t j = 0; j < nc; ++j)
        if (std::isfinite(m(i, j)) && (want < 0 || m(i, j) < m(i, static_cast<std::size_t>(want))))
          want = static_cast<int>(j);
      if (want >= 0 && cfg.max_time_s > 0 && m(i, static_cast<std::size_t>(want)) > cfg.max_time_s) want = -1;
      ASSERT_EQ(sa.demand_centre[i], want) << "row " << i;
      if (want >= 0) {
        ASSERT_EQ(sa.demand_time_s[i], m(i, static_cast<std::size_t>(want)));
      }
    }
    std::size_t villages = sa.unassigned_villages;
    for (const cs::structure::CentreArea& a : sa.centres) {
      over_areas += a.population;
      villages += a.villages;
      if (a.demand_points > 0) {
        EXPECT_LE(a.mean_time_s, a.max_time_s + 1e-9);
      }
    }
    EXPECT_NEAR(over_areas, total, 1e-9 * (1 + total));
    EXPECT_EQ(villages, nv);
  }
}

TEST(ServiceAreas, BadPopulationNamesItsIndex) {
  TimeMatrix m(2, 1);
  m(0, 0) = 600, m(1, 0) = 300;
  const std::vector<double> pop{10, -5};
  try {
    (void)cs::structure::assign_service_areas(m, pop, TimeMatrix(0, 1), {},
                                              cs::structure::ServiceAreaConfig{});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("index 1 (from 0)"), std::string::npos) << e.what();
  }
}

TEST(ServiceAreas, HuffRowsSumToOneAndFavourNearAndLarge) {
  TimeMatrix m(2, 2);
  m(0, 0) = 600, m(0, 1) = 1200;
  m(1, 0) = kUnreachable, m(1, 1) = 300;
  const std::vector<double> pop{10, 5}, attract{1, 1};
  cs::structure::ServiceAreaConfig cfg;
  cfg.mode = cs::structure::AssignMode::kHuff;
  const cs::structure::ServiceAreas sa =
      cs::structure::assign_service_areas(m, pop, TimeMatrix(0, 2), attract, cfg);
  // beta = 2: weights 1/600^2 and 1/1200^2 -> 0.8 / 0.2.
  EXPECT_NEAR(sa.huff(0, 0), 0.8, 1e-6);
  EXPECT_NEAR(sa.huff(0, 1), 0.2, 1e-6);
  EXPECT_FLOAT_EQ(sa.huff(1, 1), 1.0f);
  EXPECT_NEAR(sa.centres[0].huff_population + sa.centres[1].huff_population, 15.0, 1e-9);
  EXPECT_NEAR(sa.centres[0].huff_population, 8.0, 1e-5);
  // Attractiveness 4x for the far centre with alpha 1 balances a 2x time with beta 2.
  const std::vector<double> attract2{1, 4};
  const cs::structure::ServiceAreas sb =
      cs::structure::assign_service_areas(m, pop, TimeMatrix(0, 2), attract2, cfg);
  EXPECT_NEAR(sb.huff(0, 0), 0.5, 1e-6);
}

TEST(ServiceAreas, BadInputs) {
  TimeMatrix m(2, 2, 1.0f);
  EXPECT_THROW(cs::structure::assign_service_areas(m, std::vector<double>{1.0}, TimeMatrix(0, 2), {}, {}),
               InputError);
  EXPECT_THROW(
      cs::structure::assign_service_areas(m, std::vector<double>{1.0, -2.0}, TimeMatrix(0, 2), {}, {}),
      InputError);
  EXPECT_THROW(
      cs::structure::assign_service_areas(m, std::vector<double>{1.0, 2.0}, TimeMatrix(1, 3), {}, {}),
      InputError);
  cs::structure::ServiceAreaConfig huff;
  huff.mode = cs::structure::AssignMode::kHuff;
  EXPECT_THROW(
      cs::structure::assign_service_areas(m, std::vector<double>{1.0, 2.0}, TimeMatrix(0, 2), {}, huff),
      InputError);
  EXPECT_THROW(cs::structure::parse_assign_mode("gravity"), UsageError);
  try {
    (void)cs::structure::parse_assign_mode("gravity");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("nearest, huff"), std::string::npos) << e.what();
  }
}

TEST(Hierarchy, ScoresTiersAndMismatches) {
  // Settlements: 0 seat (big, services), 1 town without services, 2 village with services and central
  // position.
  const std::vector<double> pop{10000, 50, 2000};
  const std::vector<Tier> tier{Tier::kSeat, Tier::kTown, Tier::kVillage};
  // 4 demand points of 100 people; times to the three settlements.
  TimeMatrix d(4, 3);
  const float t[4][3] = {{100, 3000, 200}, {200, 3000, 300}, {5000, 100, 1000}, {4000, 2500, 1500}};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) d(static_cast<std::size_t>(i), static_cast<std::size_t>(j)) = t[i][j];
  const std::vector<double> dpop(4, 100.0);
  // Facilities: type 0 at the seat, type 1 at the seat, type 1 near the village, type 0 far from everything.
  TimeMatrix sf(3, 4);
  const float f[3][4] = {{60, 120, 900, 5000}, {3000, 3000, 3000, 4000}, {700, 800, 100, 4500}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) sf(static_cast<std::size_t>(i), static_cast<std::size_t>(j)) = f[i][j];
  const std::vector<std::uint16_t> ftype{0, 1, 1, 0};
  cs::structure::HierarchyConfig cfg;
  const cs::structure::Hierarchy h = cs::structure::rank_settlements(pop, tier, d, dpop, sf, ftype, 2, cfg);
  ASSERT_EQ(h.settlements.size(), 3u);
  EXPECT_EQ(h.settlements[0].facilities, 2u);
  EXPECT_EQ(h.settlements[2].facilities, 1u);
  EXPECT_EQ(h.settlements[1].facilities, 0u);  // the far facility (5000 s) counts nowhere
  EXPECT_DOUBLE_EQ(h.settlements[0].reach_population, 200.0);
  EXPECT_DOUBLE_EQ(h.settlements[2].reach_population, 400.0);
  EXPECT_DOUBLE_EQ(h.settlements[1].reach_population, 100.0);
  // Seat: pop 1, services 1, reach .5 -> .8333
  EXPECT_NEAR(h.settlements[0].score, (1.0 + 1.0 + 0.5) / 3.0, 1e-12);
  EXPECT_EQ(h.settlements[0].rank, 1u);
  EXPECT_EQ(h.settlements[0].proposed, Tier::kSeat);
  EXPECT_EQ(h.settlements[1].mismatch, cs::structure::Mismatch::kTownWithoutServices);
  EXPECT_EQ(h.settlements[2].proposed, Tier::kTown);
  EXPECT_EQ(h.settlements[2].mismatch, cs::structure::Mismatch::kVillageActingAsCentre);
  EXPECT_EQ(h.mismatches.size(), 2u);
  // The town threshold is inclusive: a score exactly at it makes a town, the next double above it a village.
  cs::structure::HierarchyConfig at = cfg;
  at.town_score = h.settlements[2].score;
  EXPECT_EQ(cs::structure::rank_settlements(pop, tier, d, dpop, sf, ftype, 2, at).settlements[2].proposed,
            Tier::kTown);
  at.town_score = std::nextafter(h.settlements[2].score, 1.0);
  EXPECT_EQ(cs::structure::rank_settlements(pop, tier, d, dpop, sf, ftype, 2, at).settlements[2].proposed,
            Tier::kVillage);
  EXPECT_THROW(cs::structure::rank_settlements(pop, tier, TimeMatrix(4, 2), dpop, sf, ftype, 2, cfg),
               InputError);
}

// Brute-force MCLP over all subsets (direct on the matrix, independent of the class compression).
double brute_best(const TimeMatrix& m, const std::vector<double>& pop,
                  const std::vector<std::uint32_t>& existing, const std::vector<std::uint32_t>& cand,
                  std::size_t k, double T) {
  double best = 0;
  const std::size_t n = cand.size();
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != std::min(k, n)) continue;
    double cov = 0;
    for (std::size_t i = 0; i < m.rows(); ++i) {
      bool c = false;
      for (auto j : existing) c = c || m(i, j) <= T;
      for (std::size_t b = 0; b < n; ++b)
        if (mask >> b & 1u) c = c || m(i, cand[b]) <= T;
      if (c) cov += pop[i];
    }
    best = std::max(best, cov);
  }
  return best;
}

TEST(Pattern, ExactMatchesBruteForceAndGreedyIsBounded) {
  Rng rng(test::seed() + 7);
  for (int rep = 0; rep < 40; ++rep) {
    const std::size_t nd = 5 + rng.below(40), ns = 3 + rng.below(8);
    const TimeMatrix m = random_matrix(rng, nd, ns);
    std::vector<double> pop(nd);
    for (double& p : pop) p = 1.0 + static_cast<double>(rng.below(50));
    const std::vector<std::uint32_t> existing{0};
    std::vector<std::uint32_t> cand;
    for (std::uint32_t j = 1; j < ns; ++j) cand.push_back(j);
    cs::structure::PatternConfig cfg;
    cfg.k = 1 + static_cast<std::uint32_t>(rng.below(4));
    cfg.within_s = 900;
    const double want = brute_best(m, pop, existing, cand, cfg.k, cfg.within_s);
    const cs::structure::PatternResult ex = cs::structure::optimise_pattern(m, pop, existing, cand, cfg);
    ASSERT_EQ(ex.method, "exact");
    EXPECT_NEAR(ex.covered, want, 1e-9);
    EXPECT_EQ(ex.chosen.size(), std::min<std::size_t>(cfg.k, cand.size()));
    cfg.exact_limit = 0;  // force the greedy
    const cs::structure::PatternResult gr = cs::structure::optimise_pattern(m, pop, existing, cand, cfg);
    ASSERT_EQ(gr.method, "greedy");
    EXPECT_LE(gr.covered, want + 1e-9);
    EXPECT_GE(gr.upper_bound, want - 1e-9) << "bound must not cut off the optimum";
    const double ratio = 1.0 - std::pow(1.0 - 1.0 / cfg.k, cfg.k);
    EXPECT_GE(gr.covered - gr.base_covered, ratio * (want - gr.base_covered) - 1e-9);
    EXPECT_DOUBLE_EQ(gr.base_covered, ex.base_covered);
    for (std::size_t i = 1; i < gr.step_covered.size(); ++i)
      EXPECT_GE(gr.step_covered[i], gr.step_covered[i - 1]);
  }
}

TEST(Pattern, BadInputs) {
  TimeMatrix m(2, 3, 1.0f);
  const std::vector<double> pop{1, 1};
  const std::vector<std::uint32_t> ex{0}, bad{5}, dup{0};
  EXPECT_THROW(cs::structure::optimise_pattern(m, pop, ex, bad, {}), InputError);
  EXPECT_THROW(cs::structure::optimise_pattern(m, pop, ex, dup, {}), InputError);
  cs::structure::PatternConfig zero;
  zero.k = 0;
  EXPECT_THROW(cs::structure::optimise_pattern(m, pop, ex, {}, zero), UsageError);
}

TEST(Cutoffs, ParseAndValidate) {
  EXPECT_EQ(cs::structure::parse_cutoffs_min("5,10, 15,30,60"),
            (std::vector<double>{300, 600, 900, 1800, 3600}));
  EXPECT_THROW(cs::structure::parse_cutoffs_min("5,10,10"), UsageError);
  EXPECT_THROW(cs::structure::parse_cutoffs_min("10,5"), UsageError);
  EXPECT_THROW(cs::structure::parse_cutoffs_min("0,5"), UsageError);
  EXPECT_THROW(cs::structure::parse_cutoffs_min("-5"), UsageError);
  EXPECT_THROW(cs::structure::parse_cutoffs_min("5,x"), UsageError);
  EXPECT_THROW(cs::structure::parse_cutoffs_min(""), UsageError);
  cs::structure::IsochroneConfig cfg;
  EXPECT_TRUE(validate(cfg).empty());
  cfg.cutoffs_s = {600, 300};
  ASSERT_EQ(validate(cfg).size(), 1u);
  EXPECT_EQ(validate(cfg)[0].option, "cutoffs");
  cfg.cutoffs_s = {-1};
  EXPECT_FALSE(validate(cfg).empty());
}

}  // namespace
}  // namespace cs

namespace cs {
namespace {

// The registry's [structure] options default to the algorithms' defaults, convert minutes to seconds, and
// refuse old names naming the new ones.
TEST(StructureOptions, DefaultsAreTheConfigsAndMinutesBecomeSeconds) {
  const cs::structure::StructureConfig d;
  const cs::structure::StructureConfig c = structure_config(cs::structure::StructureOptions{});
  EXPECT_EQ(c.iso.cutoffs_s, d.iso.cutoffs_s);
  EXPECT_EQ(c.iso.buffer_m, d.iso.buffer_m);
  EXPECT_EQ(c.iso.method, d.iso.method);
  EXPECT_EQ(c.polygons, d.polygons);
  EXPECT_EQ(c.walk, d.walk);
  EXPECT_EQ(c.facility_circles, d.facility_circles);
  EXPECT_EQ(c.areas.mode, d.areas.mode);
  EXPECT_EQ(c.areas.huff_alpha, d.areas.huff_alpha);
  EXPECT_EQ(c.areas.huff_beta, d.areas.huff_beta);
  EXPECT_EQ(c.pattern.k, d.pattern.k);
  EXPECT_EQ(c.pattern.within_s, d.pattern.within_s);
  EXPECT_EQ(c.candidates, d.candidates);
  EXPECT_EQ(c.village_gap_s, d.village_gap_s);
  EXPECT_EQ(c.hierarchy.reach_s, d.hierarchy.reach_s);
  EXPECT_EQ(c.hierarchy.town_score, d.hierarchy.town_score);
  EXPECT_EQ(c.exclude_off_network, d.exclude_off_network);
  EXPECT_EQ(c.area_polygons, d.area_polygons);

  cs::structure::StructureOptions o;
  const auto& t = cs::structure::structure_options();
  t.set_text(o, "cutoffs_min", "7.5,20", "--cutoffs-min: ");
  t.set_text(o, "gap_min", "12", "--gap-min: ");
  t.set_text(o, "assignment", "huff", "--assignment: ");
  const cs::structure::StructureConfig h = structure_config(o);
  EXPECT_EQ(h.iso.cutoffs_s, (std::vector<double>{450, 1200}));
  EXPECT_EQ(h.village_gap_s, 720);
  EXPECT_EQ(h.areas.mode, cs::structure::AssignMode::kHuff);
  t.set_text(o, "cutoffs_min", "20,7.5", "--cutoffs-min: ");
  ASSERT_EQ(validate(o).size(), 1u);
  EXPECT_EQ(validate(o)[0].option, "cutoffs_min");
  try {
    t.set_text(o, "cutoffs", "5", "--cutoffs: ");
    ADD_FAILURE() << "the old name was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("renamed to 'cutoffs_min'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cs
