// Oracle tests of the assessment methods (METHODS.md "Cross-county assessment", "Equity").
#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/assess/assess.hpp>
#include <countyscope/core/rng.hpp>

#include "test_support.hpp"

namespace a = cs::assess;

namespace {
a::Columns random_columns(std::size_t m, std::size_t n, std::uint64_t seed) {
  cs::Rng rng(seed);
  a::Columns x(m, a::Column(n));
  for (auto& c : x)
    for (auto& v : c) v = 1 + 99 * rng.uniform();
  return x;
}
}  // namespace

TEST(AssessEntropy, WeightsSumToOneAndInvariantToPositiveScaling) {
  const auto x = random_columns(5, 40, cs::test::seed());
  const std::vector<int> dir{1, -1, 1, 1, -1};
  for (auto shift : {a::Shift{}, a::parse_shift("eps:0.01"), a::parse_shift("rescale:0.002,0.998")}) {
    const auto w = a::entropy_weights(a::normalise(x, dir, shift)).weight;
    EXPECT_NEAR(std::accumulate(w.begin(), w.end(), 0.0), 1.0, 1e-12);
    for (double v : w) EXPECT_GT(v, 0.0);
    auto xs = x;
    for (auto& v : xs[2]) v *= 1234.5;  // positive scaling of one column
    const auto ws = a::entropy_weights(a::normalise(xs, dir, shift)).weight;
    for (std::size_t j = 0; j < w.size(); ++j) EXPECT_NEAR(w[j], ws[j], 1e-12);
  }
}

TEST(AssessEntropy, HandWorkedTwoByTwo) {
  // Column 0: x' = {0, 1} -> p = {0, 1} -> e = 0 (0 ln 0 = 0); column 1: x' = {1, 0}... also 0. Use three
  // rows.
  a::Columns xn{{0.0, 0.5, 1.0}, {1.0, 1.0, 0.5}};
  const auto r = a::entropy_weights(xn);
  const double e0 =
      -(1.0 / std::log(3.0)) * ((0.5 / 1.5) * std::log(0.5 / 1.5) + (1 / 1.5) * std::log(1 / 1.5));
  const double e1 =
      -(1.0 / std::log(3.0)) * (2 * (1 / 2.5) * std::log(1 / 2.5) + (0.5 / 2.5) * std::log(0.5 / 2.5));
  EXPECT_NEAR(r.entropy[0], e0, 1e-12);
  EXPECT_NEAR(r.entropy[1], e1, 1e-12);
  EXPECT_NEAR(r.weight[0], (1 - e0) / (2 - e0 - e1), 1e-12);
}

TEST(AssessNormalise, ConstantColumnIsAnErrorNamingTheIndicator) {
  a::Columns x{{1, 2, 3}, {4, 4, 4}};
  try {
    (void)a::normalise(x, {1, 1}, {}, {"a", "flat"});
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'flat'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("zero range"), std::string::npos);
  }
}

TEST(AssessTopsis, ClosenessInUnitIntervalAndOneForTheIdealRow) {
  auto x = random_columns(4, 30, cs::test::seed() + 1);
  const std::vector<int> dir{1, -1, 1, -1};
  // Make row 7 the ideal: best in every column.
  for (std::size_t j = 0; j < x.size(); ++j) x[j][7] = dir[j] > 0 ? 500 : 0.5;
  const std::vector<double> w{0.1, 0.2, 0.3, 0.4};
  for (auto norm : {a::TopsisNorm::kVector, a::TopsisNorm::kMinMax}) {
    const auto c = a::topsis(x, dir, w, norm);
    for (double v : c) {
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
    }
    EXPECT_NEAR(c[7], 1.0, 1e-12);
  }
}

TEST(AssessTopsis, PublishedWorkedExample) {
  // TOPSIS-Python README (github.com/Anant99-sys/topsis; PyPI topsis-antuanant 0.0.3), after Faez, "TOPSIS
  // Method in MADM": 4 alternatives x 4 criteria, vector normalisation, w = [0.1, 0.4, 0.3, 0.2], the last
  // criterion a cost; published closeness C = [0.74269409, 0.40359933, 0.17586999, 0.44142927].
  const a::Columns x{{7, 8, 9, 6}, {9, 7, 6, 7}, {9, 8, 8, 8}, {8, 7, 9, 6}};
  const auto c = a::topsis(x, {1, 1, 1, -1}, {0.1, 0.4, 0.3, 0.2}, a::TopsisNorm::kVector);
  const double published[4] = {0.74269409, 0.40359933, 0.17586999, 0.44142927};
  ASSERT_EQ(c.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(c[i], published[i], 6e-9) << i;
  // The fused kernel with the same fixed weights gives the same closeness (it has its own arithmetic).
  a::ScoringSpec spec;
  spec.direction = {1, 1, 1, -1};
  spec.dimension = {0, 0, 0, 0};
  spec.n_dimensions = 1;
  spec.topsis = a::TopsisNorm::kVector;
  spec.weight = {0.1, 0.4, 0.3, 0.2};
  spec.alpha = {1.0};
  const auto s = a::score_counties(x, spec, 1);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(s.score[i], published[i], 6e-9) << i;
}

TEST(AssessCoupling, BoundsAndEqualSubsystems) {
  cs::Rng rng(cs::test::seed() + 2);
  for (int rep = 0; rep < 500; ++rep) {
    const std::size_t n = 2 + rep % 4;
    std::vector<double> u(n);
    for (auto& v : u) v = rng.uniform();
    for (auto form : {a::CouplingForm::kCorrected, a::CouplingForm::kStandard}) {
      const auto c = a::coupling(u, form);
      for (double v : {c.c, c.t, c.d}) {
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 1.0);
      }
      EXPECT_EQ(c.d_class, std::min(9, static_cast<int>(std::floor(c.d * 10))));
    }
  }
  for (double level : {0.05, 0.3, 0.77, 1.0}) {
    EXPECT_NEAR(a::coupling({level, level, level}, a::CouplingForm::kCorrected).c, 1.0, 1e-12);
    EXPECT_NEAR(a::coupling({level, level}, a::CouplingForm::kStandard).c, 1.0, 1e-12);
  }
  // Two systems, corrected: C = sqrt[(1 - |U1 - U2|) Umin / Umax] (METHODS.md).
  const auto c2 = a::coupling({0.2, 0.6}, a::CouplingForm::kCorrected);
  EXPECT_NEAR(c2.c, std::sqrt((1 - 0.4) * 0.2 / 0.6), 1e-12);
  EXPECT_NEAR(c2.t, 0.4, 1e-12);
  EXPECT_NEAR(c2.d, std::sqrt(c2.c * 0.4), 1e-12);
  // Standard, three systems: C = 3 (prod)^(1/3) / sum.
  const auto s3 = a::coupling({0.2, 0.4, 0.8}, a::CouplingForm::kStandard);
  EXPECT_NEAR(s3.c, 3 * std::cbrt(0.2 * 0.4 * 0.8) / 1.4, 1e-12);
  EXPECT_EQ(a::d_class_name(5), "barely coordinated");
}

TEST(AssessObstacle, SumsToHundredPercentPerCounty) {
  const auto x = random_columns(6, 25, cs::test::seed() + 3);
  const auto xn = a::normalise(x, {1, 1, -1, 1, -1, 1}, {});
  const auto w = a::entropy_weights(xn).weight;
  const auto o = a::obstacle_degree(xn, w);
  for (const auto& row : o) {
    const double s = std::accumulate(row.begin(), row.end(), 0.0);
    if (s > 0) {
      EXPECT_NEAR(s, 1.0, 1e-12);
    }
    for (double v : row) EXPECT_GE(v, 0.0);
  }
}

TEST(AssessMoran, RookLatticeReference) {
  // METHODS.md: y = 1..9 on a 3x3 rook lattice, binary weights -> I = 0.5, E[I] = -0.125, Var_norm =
  // 0.053125, Var_rand = 0.0596875.
  const auto w = a::lattice_rook(3, 3, false);
  std::vector<double> y{1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto m = a::moran(y, w, 99, 7, 2);
  EXPECT_NEAR(m.i, 0.5, 1e-12);
  EXPECT_NEAR(m.expected, -0.125, 1e-12);
  EXPECT_NEAR(m.var_norm, 0.053125, 1e-12);
  EXPECT_NEAR(m.var_rand, 0.0596875, 1e-12);
}

// Permutation inference against the exact randomisation distribution (issue 22). With integer z and binary
// weights every permuted statistic is an exact integer sum, so ties are exact and the enumeration below is
// the distribution the sampler draws from. The pseudo p-value (esda's convention: larger = #(sim >=
// observed), folded to min(larger, P - larger), p = (larger + 1) / (P + 1)) must equal the exact folded tail
// probability within 5 binomial standard deviations; the sample mean and sd of the permuted I must match E[I]
// and the randomisation variance (both exact moments of that distribution).
namespace {
double folded_p_tolerance(double q, int perms) {
  return 5 * std::sqrt(std::max(q * (1 - q), 1e-4) / perms) + 2.0 / perms;
}
}  // namespace

TEST(AssessMoran, PermutationPValueEqualsTheExactEnumeration) {
  const auto w = a::lattice_rook(3, 3, false);
  std::vector<double> y{1, 2, 3, 4, 5, 6, 7, 8, 9};
  constexpr int kPerms = 9999;
  const auto m = a::moran(y, w, kPerms, 7, 2);
  // All 9! orderings of z = y - 5: I is proportional to sum_i z_i sum_{j in N(i)} z_j.
  std::vector<int> z{-4, -3, -2, -1, 0, 1, 2, 3, 4}, perm = z;
  auto num = [&](const std::vector<int>& v) {
    long s = 0;
    for (std::size_t i = 0; i < w.n; ++i)
      for (std::size_t k = w.first[i]; k < w.first[i + 1]; ++k) s += v[i] * v[w.nbr[k]];
    return s;
  };
  const long observed = num(z);
  std::sort(perm.begin(), perm.end());
  long total = 0, ge = 0;
  do {
    ++total;
    ge += num(perm) >= observed ? 1 : 0;
  } while (std::next_permutation(perm.begin(), perm.end()));
  ASSERT_EQ(total, 362880);
  const double q = static_cast<double>(ge) / static_cast<double>(total);
  const double exact = std::min(q, 1 - q);
  EXPECT_NEAR(m.p_sim, exact, folded_p_tolerance(exact, kPerms)) << "exact tail " << q;
  EXPECT_NEAR(m.mean_sim, m.expected, 5 * std::sqrt(m.var_rand / kPerms));
  EXPECT_NEAR(m.sd_sim, std::sqrt(m.var_rand), 0.05 * std::sqrt(m.var_rand));
}

TEST(AssessLisa, PermutationPValuesEqualTheExactConditionalRandomisation) {
  // Conditional randomisation (esda): z_i is held, its k neighbours' values are drawn without replacement
  // from the other n - 1 units (never i itself). Every ordered draw of k of the other 8 values is enumerated
  // per unit.
  const auto w = a::lattice_rook(3, 3, false);
  const std::vector<int> z{-3, -2, -2, -1, 1, 1, 2, 2, 2};  // sums to 0: y = z + 10 has z as deviations
  std::vector<double> y;
  for (int v : z) y.push_back(v + 10);
  constexpr int kPerms = 9999;
  const double alpha = 0.1;  // exact p of units 1 and 7 are 0.054 and 0.036: an LL and an HH cluster
  const auto r = a::lisa(y, w, kPerms, 11, 2, a::LisaVariance::kEsda, alpha);
  int checked_labels = 0;
  for (std::size_t i = 0; i < w.n; ++i) {
    const std::size_t k = w.first[i + 1] - w.first[i];
    long lag_obs = 0;
    for (std::size_t e = w.first[i]; e < w.first[i + 1]; ++e) lag_obs += z[w.nbr[e]];
    EXPECT_DOUBLE_EQ(r.lag_z[i], static_cast<double>(lag_obs));
    // I_i = z_i lag_i / m2, m2 = sum z^2 / (n - 1) (esda).
    long zz = 0;
    for (int v : z) zz += v * v;
    EXPECT_NEAR(r.ii[i], z[i] * lag_obs / (static_cast<double>(zz) / 8), 1e-12);
    std::vector<std::size_t> others;
    for (std::size_t j = 0; j < w.n; ++j)
      if (j != i) others.push_back(j);
    long total = 0, ge = 0;
    std::vector<std::size_t> pick(k);
    // Ordered k-tuples of distinct indices into `others` (odometer over 8^k, skipping repeats).
    std::vector<std::size_t> idx(k, 0);
    for (;;) {
      bool distinct = true;
      for (std::size_t a1 = 0; a1 < k; ++a1)
        for (std::size_t b1 = 0; b1 < a1; ++b1) distinct = distinct && idx[a1] != idx[b1];
      if (distinct) {
        long lag = 0;
        for (std::size_t a1 = 0; a1 < k; ++a1) lag += z[others[idx[a1]]];
        ++total;
        ge += z[i] * lag >= z[i] * lag_obs ? 1 : 0;
      }
      std::size_t d = 0;
      while (d < k && ++idx[d] == others.size()) idx[d++] = 0;
      if (d == k) break;
    }
    const double q = static_cast<double>(ge) / static_cast<double>(total);
    const double exact = std::min(q, 1 - q);
    EXPECT_NEAR(r.p_sim[i], exact, folded_p_tolerance(exact, kPerms))
        << "unit " << i << " exact tail " << q << " over " << total << " draws";
    // The label: the quadrant of (z_i, lag_i) when significant, "ns" otherwise (away from the threshold).
    if (std::abs(exact - alpha) > 3 * folded_p_tolerance(exact, kPerms)) {
      const std::string want =
          exact >= alpha ? "ns" : (z[i] > 0 ? (lag_obs > 0 ? "HH" : "HL") : (lag_obs > 0 ? "LH" : "LL"));
      EXPECT_EQ(r.label[i], want) << "unit " << i;
      ++checked_labels;
    }
  }
  EXPECT_GE(checked_labels, 7);
}

TEST(AssessMoran, PermutationsDoNotDependOnThreadCount) {
  cs::Rng rng(cs::test::seed() + 4);
  std::vector<cs::LonLat> pts;
  std::vector<double> y;
  for (int i = 0; i < 200; ++i) {
    pts.push_back({100 + 10 * rng.uniform(), 25 + 10 * rng.uniform()});
    y.push_back(pts.back().lon + rng.uniform() * 5);
  }
  const auto w = a::build_weights(pts, a::parse_weights_spec("knn:6"), 2);
  const auto m1 = a::moran(y, w, 199, 42, 1), m4 = a::moran(y, w, 199, 42, 4);
  EXPECT_EQ(m1.p_sim, m4.p_sim);
  EXPECT_EQ(m1.mean_sim, m4.mean_sim);
  const auto l1 = a::lisa(y, w, 199, 42, 1, a::LisaVariance::kEsda, 0.05);
  const auto l4 = a::lisa(y, w, 199, 42, 3, a::LisaVariance::kEsda, 0.05);
  EXPECT_EQ(l1.p_sim, l4.p_sim);
  EXPECT_EQ(l1.label, l4.label);
  // sum_i I_i = S0 * I with the spdep convention (m2 = sum z^2 / n); esda scales by (n-1)/n.
  const auto ls = a::lisa(y, w, 0, 42, 1, a::LisaVariance::kSpdep, 0.05);
  const double s0 = std::accumulate(w.w.begin(), w.w.end(), 0.0);
  EXPECT_NEAR(std::accumulate(ls.ii.begin(), ls.ii.end(), 0.0), s0 * m1.i, 1e-9);
  EXPECT_NEAR(std::accumulate(l1.ii.begin(), l1.ii.end(), 0.0), s0 * m1.i * 199.0 / 200.0, 1e-9);
  // Strong west-east trend: the Moran's I is positive and significant.
  EXPECT_GT(m1.i, 0.3);
  EXPECT_LT(m1.p_sim, 0.01);
}

TEST(AssessWeights, KnnBandIdwOnGreatCircle) {
  EXPECT_NEAR(a::great_circle_km({116.4, 39.9}, {121.47, 31.23}), 1067, 5);  // Beijing - Shanghai
  std::vector<cs::LonLat> pts{{0, 0}, {0, 1}, {0, 2}, {0, 10}};
  const auto k = a::build_weights(pts, a::parse_weights_spec("knn:1"), 1);
  EXPECT_EQ(k.nbr[k.first[3]], 2u);
  const auto b =
      a::build_weights(pts, a::parse_weights_spec("band"), 1);  // minimal band: everyone has a neighbour
  EXPECT_EQ(b.islands, 0u);
  EXPECT_NEAR(b.band_km, a::great_circle_km({0, 2}, {0, 10}), 1e-9);
  const auto i = a::build_weights(pts, a::parse_weights_spec("idw:200"), 1);
  EXPECT_EQ(i.first[1] - i.first[0], 1u);  // 111 km is inside the 200 km band, 222 km is not
  EXPECT_THROW((void)a::parse_weights_spec("queen"), cs::UsageError);
}

TEST(AssessGeoDetector, ConstantAndPureStrata) {
  std::vector<double> y{1, 2, 3, 4, 5, 6};
  EXPECT_NEAR(a::factor_detector(y, {0, 0, 0, 0, 0, 0}).q, 0.0, 1e-15);
  std::vector<double> yp{1, 1, 5, 5, 9, 9};
  const auto f = a::factor_detector(yp, {0, 0, 1, 1, 2, 2});
  EXPECT_NEAR(f.q, 1.0, 1e-15);
  EXPECT_EQ(f.p, 0.0);
  const auto s = a::factor_detector(y, {0, 1, 1, 2, 2, 2});
  EXPECT_EQ(s.single_unit_strata, 1);
}

TEST(AssessGeoDetector, PublishedHeshunValues) {
  const auto t = cs::assess::read_table(cs::test::source_path("tests/assess/data/disease.csv").string());
  std::vector<double> y;
  std::vector<std::vector<int>> s(3);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    y.push_back(t.number(r, t.column("incidence")));
    int k = 0;
    for (const char* c : {"type", "region", "level"})
      s[k++].push_back(static_cast<int>(t.number(r, t.column(c))));
  }
  // Published (Python geodetector README; Wang et al. 2010): q and the non-central F p-values.
  const double q[3] = {0.3857, 0.6378, 0.6067}, p[3] = {0.372145, 0.000129, 0.043382};
  for (int k = 0; k < 3; ++k) {
    const auto f = a::factor_detector(y, s[k]);
    EXPECT_NEAR(f.q, q[k], 5e-5) << k;
    EXPECT_NEAR(f.p, p[k], 2e-6) << k;
  }
  const auto in = a::interaction_detector(y, s[1], s[2]);
  EXPECT_GE(in.q_ab, std::max(in.q_a, in.q_b) - 1e-12);  // crossing strata never loses explanatory power
  const auto rd = a::risk_detector(y, s[1]);
  EXPECT_EQ(rd.pairs.size(), rd.stratum.size() * (rd.stratum.size() - 1) / 2);
  const auto eco = a::ecological_detector(y, s[0], s[1]);
  EXPECT_NEAR(eco.f, (1 - 0.385716842809427) / (1 - 0.6377736700704234), 1e-9);
}

TEST(AssessDistributions, AgreeWithScipy) {
  // Reference values from scipy.stats 1.10 (ncf.sf, t.sf*2, chi2.sf, f.sf).
  EXPECT_NEAR(a::noncentral_f_sf(3.2, 4, 180, 2.5), 0.09065877535909053, 1e-10);
  EXPECT_NEAR(a::noncentral_f_sf(1.1, 2, 50, 7.0), 0.9215515503137885, 1e-10);
  EXPECT_NEAR(a::student_t_sf2(2.1, 13.7), 0.05475377685353335, 1e-10);
  EXPECT_NEAR(a::chi2_sf(20.5, 12), 0.05819933868175836, 1e-10);
  EXPECT_NEAR(a::f_sf(1.7, 10, 30), 0.12688997602266833, 1e-10);
}

TEST(AssessMarkov, RowsSumToOne) {
  cs::Rng rng(cs::test::seed() + 5);
  std::vector<cs::LonLat> pts;
  std::vector<double> y0, y1;
  for (int i = 0; i < 300; ++i) {
    pts.push_back({100 + 10 * rng.uniform(), 25 + 10 * rng.uniform()});
    y0.push_back(rng.uniform());
    y1.push_back(0.7 * y0.back() + 0.3 * rng.uniform());
  }
  const auto w = a::build_weights(pts, a::parse_weights_spec("knn:5"), 2);
  const auto m = a::spatial_markov(y0, y1, w, 5);
  for (const auto& row : m.p) EXPECT_NEAR(std::accumulate(row.begin(), row.end(), 0.0), 1.0, 1e-12);
  std::size_t total = 0;
  for (const auto& pl : m.p_cond)
    for (const auto& row : pl) {
      const double s = std::accumulate(row.begin(), row.end(), 0.0);
      if (s > 0) {
        EXPECT_NEAR(s, 1.0, 1e-12);
      }
    }
  for (const auto& cl : m.counts_cond)
    for (const auto& row : cl) total += std::accumulate(row.begin(), row.end(), std::size_t{0});
  EXPECT_EQ(total, 300u);
  EXPECT_GE(m.p_value, 0.0);
  EXPECT_LE(m.p_value, 1.0);
  // Persistent process: the diagonal dominates.
  EXPECT_GT(m.p[0][0], 0.4);
}

TEST(AssessEquity, UrbanRuralIncomeTheilAnchor) {
  // METHODS.md: 2020 urban 43,834 / rural 17,131 yuan per capita; 902 M / 510 M people -> about 0.0785.
  const double t = a::theil_groups({43834.0 * 902, 17131.0 * 510}, {902, 510});
  EXPECT_NEAR(t, 0.0785, 5e-4);
}

TEST(AssessEquity, DagumIdentityAndGiniBruteForce) {
  cs::Rng rng(cs::test::seed() + 6);
  std::vector<double> y;
  std::vector<std::string> g;
  for (int i = 0; i < 120; ++i) {
    const int grp = i % 4;
    y.push_back(1 + grp + 3 * rng.uniform());
    g.push_back("g" + std::to_string(grp));
  }
  double abs_sum = 0, mean = std::accumulate(y.begin(), y.end(), 0.0) / 120;
  for (double a1 : y)
    for (double b1 : y) abs_sum += std::fabs(a1 - b1);
  const double g_brute = abs_sum / (2 * 120.0 * 120.0 * mean);
  const auto d = a::dagum_gini(y, g);
  EXPECT_NEAR(d.g, g_brute, 1e-12);
  EXPECT_NEAR(d.gw + d.gnb + d.gt, d.g, 1e-12);
  for (std::size_t k = 1; k < d.mean.size(); ++k) EXPECT_GE(d.mean[k], d.mean[k - 1]);
  const auto t = a::theil(y, g);
  EXPECT_NEAR(t.within + t.between, t.total, 1e-12);
  // Theil of one group equal everywhere is zero.
  EXPECT_NEAR(a::theil({2, 2, 2}, {"a", "a", "a"}).total, 0.0, 1e-15);
}

TEST(AssessDensity, SilvermanAndIntegratesToOne) {
  std::vector<double> v;
  cs::Rng rng(cs::test::seed() + 7);
  for (int i = 0; i < 400; ++i) v.push_back(rng.uniform() + rng.uniform());
  const double h = a::silverman_bandwidth(v);
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / 400;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / 399), iqr = a::quantile(v, 0.75) - a::quantile(v, 0.25);
  EXPECT_NEAR(h, 0.9 * std::min(sd, iqr / 1.34) * std::pow(400.0, -0.2), 1e-12);
  const auto d = a::kernel_density(v, 512);
  double area = 0;
  for (std::size_t k = 1; k < d.x.size(); ++k) area += 0.5 * (d.y[k] + d.y[k - 1]) * (d.x[k] - d.x[k - 1]);
  EXPECT_NEAR(area, 1.0, 2e-3);
}

TEST(AssessWeights, SweepEqualsBruteForce) {
  cs::Rng rng(cs::test::seed() + 8);
  std::vector<cs::LonLat> pts;
  for (int i = 0; i < 400; ++i) pts.push_back({75 + 60 * rng.uniform(), 18 + 35 * rng.uniform()});
  for (const char* spec : {"knn:1", "knn:8", "band", "band:150"}) {
    const auto w = a::build_weights(pts, a::parse_weights_spec(spec), 2);
    double band = w.band_km;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      std::vector<std::pair<double, std::uint32_t>> d;
      for (std::size_t j = 0; j < pts.size(); ++j)
        if (j != i) d.emplace_back(a::great_circle_km(pts[i], pts[j]), static_cast<std::uint32_t>(j));
      std::sort(d.begin(), d.end());
      std::vector<std::uint32_t> expect;
      if (std::string(spec).starts_with("knn")) {
        const std::size_t k = std::string(spec) == "knn:1" ? 1 : 8;
        for (std::size_t a2 = 0; a2 < k; ++a2) expect.push_back(d[a2].second);
      } else {
        for (const auto& [km, j] : d)
          if (km <= band * (1 + 1e-9)) expect.push_back(j);
      }
      std::sort(expect.begin(), expect.end());
      std::vector<std::uint32_t> got(w.nbr.begin() + static_cast<std::ptrdiff_t>(w.first[i]),
                                     w.nbr.begin() + static_cast<std::ptrdiff_t>(w.first[i + 1]));
      ASSERT_EQ(got, expect) << spec << " point " << i;
    }
  }
}

// score_counties is the composed functions rearranged for speed: hold it to them. Normalised values, index,
// dimension scores and coupling are the same operations in the same order (equal bits); the entropy sums and
// the TOPSIS vector norm are summed in a different order (equal to 1e-12).
TEST(AssessScoring, FusedKernelEqualsTheComposedFunctions) {
  const std::size_t n = 1500;
  const std::vector<int> dir{1, -1, 1, 1, -1, 1, -1};
  const std::vector<std::size_t> dim{0, 0, 1, 1, 2, 2, 2};
  const auto x = random_columns(dir.size(), n, cs::test::seed());
  for (auto shift : {a::Shift{}, a::parse_shift("eps:0.01"), a::parse_shift("rescale:0.002,0.998")})
    for (auto norm : {a::TopsisNorm::kVector, a::TopsisNorm::kMinMax})
      for (auto form : {a::CouplingForm::kCorrected, a::CouplingForm::kStandard})
        for (bool fixed : {false, true}) {
          a::ScoringSpec spec;
          spec.direction = dir;
          spec.dimension = dim;
          spec.n_dimensions = 3;
          spec.shift = shift;
          spec.topsis = norm;
          spec.coupling = form;
          if (fixed) {
            spec.weight = {0.1, 0.2, 0.05, 0.15, 0.2, 0.1, 0.2};
            spec.alpha = {0.5, 0.3, 0.2};
          }
          const auto s = a::score_counties(x, spec, 2);
          const auto xn = a::normalise(x, dir, shift);
          const auto ew = a::entropy_weights(xn);
          for (std::size_t j = 0; j < dir.size(); ++j) {
            EXPECT_EQ(s.norm[j], xn[j]) << j;
            EXPECT_NEAR(s.entropy.entropy[j], ew.entropy[j], 1e-12);
            EXPECT_NEAR(s.entropy.weight[j], ew.weight[j], 1e-12);
          }
          const auto& w = s.weight;
          EXPECT_EQ(w, fixed ? spec.weight : s.entropy.weight);
          const auto closeness = a::topsis(x, dir, w, norm, shift);
          double best = 0;
          for (std::size_t i = 0; i < n; ++i) {
            EXPECT_NEAR(s.score[i], closeness[i], 1e-12) << i;
            best = std::max(best, s.score[i]);
            std::vector<double> u(3, 0.0), ws(3, 0.0);
            double index = 0;
            for (std::size_t j = 0; j < dir.size(); ++j) {
              index += w[j] * xn[j][i];
              u[dim[j]] += w[j] * xn[j][i];
              ws[dim[j]] += w[j];
            }
            for (std::size_t d = 0; d < 3; ++d) {
              u[d] = std::min(u[d] / ws[d], 1.0);
              ASSERT_EQ(s.dim_score[i * 3 + d], u[d]) << i;
            }
            EXPECT_EQ(s.index[i], index);
            const auto c = a::coupling(u, form, spec.alpha);
            ASSERT_EQ(s.coupling[i].c, c.c) << i;
            ASSERT_EQ(s.coupling[i].t, c.t) << i;
            ASSERT_EQ(s.coupling[i].d, c.d) << i;
            ASSERT_EQ(s.coupling[i].d_class, c.d_class) << i;
          }
          EXPECT_LE(best, 1.0);
        }
}

TEST(AssessScoring, IdealRowScoresOneAndThreadCountChangesNoBit) {
  auto x = random_columns(6, 3000, cs::test::seed() + 1);
  const std::vector<int> dir{1, 1, -1, 1, -1, 1};
  // County 7 is best on every indicator.
  for (std::size_t j = 0; j < dir.size(); ++j) x[j][7] = dir[j] > 0 ? 500.0 : 0.5;
  a::ScoringSpec spec;
  spec.direction = dir;
  spec.dimension = {0, 1, 2, 3, 0, 1};
  spec.n_dimensions = 4;  // corrected coupling takes the cube root
  for (auto norm : {a::TopsisNorm::kVector, a::TopsisNorm::kMinMax}) {
    spec.topsis = norm;
    const auto one = a::score_counties(x, spec, 1);
    EXPECT_EQ(one.score[7], 1.0);
    EXPECT_EQ(one.coupling[7].c, 1.0);  // all dimension scores 1
    for (int threads : {2, 3, 8}) {
      const auto many = a::score_counties(x, spec, threads);
      EXPECT_EQ(many.score, one.score);
      EXPECT_EQ(many.index, one.index);
      EXPECT_EQ(many.dim_score, one.dim_score);
      EXPECT_EQ(many.entropy.weight, one.entropy.weight);
      for (std::size_t i = 0; i < one.coupling.size(); ++i) ASSERT_EQ(many.coupling[i].d, one.coupling[i].d);
    }
  }
}

TEST(AssessScoring, BadColumnsNameTheIndicator) {
  a::ScoringSpec spec;
  spec.direction = {1, 1};
  spec.dimension = {0, 0};
  spec.names = {"ok", "flat"};
  try {
    (void)a::score_counties({{1, 2, 3}, {4, 4, 4}}, spec, 2);
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'flat'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("zero range"), std::string::npos);
  }
  try {
    (void)a::score_counties({{1, 2, 3}, {-4, 4, 5}}, spec, 2);
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'flat'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("vector normalisation"), std::string::npos);
  }
}

TEST(AssessCoupling, TinyScoresTakeTheLogarithmPath) {
  // A product of scores below 1e-280 is computed through logarithms: equal scores still couple fully.
  const std::vector<double> u(6, 1e-60);
  EXPECT_NEAR(a::coupling(u, a::CouplingForm::kCorrected).c, 1.0, 1e-12);
  EXPECT_NEAR(a::coupling(u, a::CouplingForm::kStandard).c, 1.0, 1e-12);
}

// LISA on libpysal's desmith example (n = 10, GAL contiguity; Debian python3-libpysal installs it), against
// the values published in esda's documentation (Moran_Local docstring, transformation "W" =
// row-standardised):
//   lm.Is = [-0.11409277, -0.19940543, -0.13351408, -0.51770383, 0.48095009, 0.12208113, 1.19148298,
//            -0.58144305, 0.07101383, 0.34314301],  lm.q = [4, 4, 4, 2, 3, 3, 1, 4, 3, 3]
//   (q: 1 HH, 2 LH, 3 LL, 4 HL), and esda's test suite (esda/tests/test_moran.py, TestMoranLocal: 99
//   permutations, seed 12345): z_sim[0] = -0.6990291160835514, p_z_sim[0] = 0.24226691753791396.
// The analytical quantities (I_i, the quadrants) are pinned to 1e-8. Pseudo p-values depend on the RNG (esda
// draws with NumPy, we with our own generator), so they are checked two ways: (a) against the exact
// conditional randomisation distribution, enumerated here (every ordered draw of the k_i neighbours from the
// other 9 units), within 5 binomial standard deviations for 9,999 permutations; (b) esda's published z_sim[0]
// and p_z_sim[0] from only 99 draws against the exact moments of that distribution, within 3 standard errors
// of a 99-draw z (0.35) and the normal tail of that band.
TEST(AssessLisa, DesmithAgainstEsdaPublishedValues) {
#ifndef CS_LIBPYSAL_DESMITH
  GTEST_SKIP() << "python3-libpysal (example data) is not installed: scripts/install-deps.sh installs it";
#else
  std::ifstream gal(std::string(CS_LIBPYSAL_DESMITH) + "/desmith.gal");
  ASSERT_TRUE(gal) << CS_LIBPYSAL_DESMITH;
  std::size_t n = 0;
  gal >> n;
  ASSERT_EQ(n, 10u);
  std::vector<std::vector<std::uint32_t>> nb(n);
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t id = 0, k = 0;
    gal >> id >> k;
    for (std::size_t e = 0; e < k; ++e) {
      std::uint32_t j = 0;
      gal >> j;
      nb[id - 1].push_back(j - 1);
    }
  }
  a::Weights w;
  w.n = n;
  w.first.push_back(0);
  for (auto& l : nb) {
    std::sort(l.begin(), l.end());
    for (auto j : l) {
      w.nbr.push_back(j);
      w.w.push_back(1.0 / static_cast<double>(l.size()));
    }
    w.first.push_back(w.nbr.size());
  }
  // desmith.txt: a PySAL text table ("10,2" = rows, columns; then the header "id","z"; then id,z rows).
  std::ifstream txt(std::string(CS_LIBPYSAL_DESMITH) + "/desmith.txt");
  std::string line;
  std::getline(txt, line);
  ASSERT_EQ(line.rfind("10,2", 0), 0u) << line;
  std::getline(txt, line);
  ASSERT_NE(line.find("\"z\""), std::string::npos) << line;
  std::vector<double> y;
  while (std::getline(txt, line))
    if (line.find(',') != std::string::npos) y.push_back(std::stod(line.substr(line.find(',') + 1)));
  ASSERT_EQ(y.size(), n);
  const double is[10] = {-0.11409277, -0.19940543, -0.13351408, -0.51770383, 0.48095009,
                         0.12208113,  1.19148298,  -0.58144305, 0.07101383,  0.34314301};
  const int q[10] = {4, 4, 4, 2, 3, 3, 1, 4, 3, 3};
  constexpr int kPerms = 9999;
  const auto r = a::lisa(y, w, kPerms, 12345, 2, a::LisaVariance::kEsda, 0.05);
  double m2 = 0;
  for (double v : r.z) m2 += v * v;
  m2 /= static_cast<double>(n - 1);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(r.ii[i], is[i], 1e-8) << "unit " << i;
    const int quad = r.z[i] > 0 ? (r.lag_z[i] > 0 ? 1 : 4) : (r.lag_z[i] > 0 ? 2 : 3);
    EXPECT_EQ(quad, q[i]) << "unit " << i;
    // Exact conditional randomisation distribution of I_i.
    std::vector<std::size_t> others;
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) others.push_back(j);
    const std::size_t k = nb[i].size();
    std::vector<std::size_t> idx(k, 0);
    long total = 0, ge = 0;
    double s1 = 0, s2 = 0;
    for (;;) {
      bool distinct = true;
      for (std::size_t a1 = 0; a1 < k; ++a1)
        for (std::size_t b1 = 0; b1 < a1; ++b1) distinct = distinct && idx[a1] != idx[b1];
      if (distinct) {
        double lag = 0;
        for (std::size_t a1 = 0; a1 < k; ++a1) lag += r.z[others[idx[a1]]] / static_cast<double>(k);
        const double v = r.z[i] * lag / m2;
        ++total;
        ge += v >= r.ii[i] - 1e-12 ? 1 : 0;
        s1 += v;
        s2 += v * v;
      }
      std::size_t d = 0;
      while (d < k && ++idx[d] == others.size()) idx[d++] = 0;
      if (d == k) break;
    }
    const double qge = static_cast<double>(ge) / static_cast<double>(total);
    const double exact = std::min(qge, 1 - qge);
    EXPECT_NEAR(r.p_sim[i], exact, folded_p_tolerance(exact, kPerms)) << "unit " << i;
    const std::string want_label = exact >= 0.05 ? "ns"
                                                 : (quad == 1   ? "HH"
                                                    : quad == 2 ? "LH"
                                                    : quad == 3 ? "LL"
                                                                : "HL");
    if (std::abs(exact - 0.05) > 3 * folded_p_tolerance(exact, kPerms)) {
      EXPECT_EQ(r.label[i], want_label) << "unit " << i;
    }
    if (i == 0) {
      const double mean = s1 / static_cast<double>(total);
      const double sd = std::sqrt(s2 / static_cast<double>(total) - mean * mean);
      const double z_exact = (r.ii[0] - mean) / sd;
      EXPECT_NEAR(z_exact, -0.6990291160835514, 0.35) << "esda z_sim[0] from 99 draws";
      const double p_exact = 0.5 * std::erfc(std::abs(z_exact) / std::sqrt(2.0));
      EXPECT_NEAR(p_exact, 0.24226691753791396,
                  0.5 * std::erfc((std::abs(z_exact) - 0.35) / std::sqrt(2.0)) - p_exact);
    }
  }
  // Unit 6 (exact folded p = 1/36) is the one significant HH cluster at 0.05.
  EXPECT_EQ(r.label[6], "HH");
#endif
}
