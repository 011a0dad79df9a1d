// Oracle tests of the assessment methods (docs/methods.md "Cross-county assessment", "Equity").
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/assess/assess.hpp>
#include <countyscope/assess/mcdm_study.hpp>
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
  // Two systems, corrected: C = sqrt[(1 - |U1 - U2|) Umin / Umax] (docs/methods.md).
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
  // docs/methods.md: 2020 urban 43,834 / rural 17,131 yuan per capita; 902 M / 510 M people -> about 0.0785.
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

// Weighting data (issue 21), by hand.
TEST(AssessWeighting, TransformsByHand) {
  // {0,0,0,4}: mean 1, m2 = 12/4 = 3, m3 = 24/4 = 6, g1 = 6 / 3^1.5 = 2 / sqrt(3).
  EXPECT_NEAR(a::skewness({0, 0, 0, 4}), 2 / std::sqrt(3.0), 1e-12);
  EXPECT_EQ(a::skewness({2, 2, 2}), 0.0);
  // Type-7 quantiles of {1,2,3,4,100} at 0.25 and 0.75 are 2 and 4.
  EXPECT_EQ(a::winsorise({1, 2, 3, 4, 100}, 0.25), (a::Column{2, 2, 3, 4, 4}));
  EXPECT_EQ(a::winsorise({3, 1, 2}, 0.0), (a::Column{3, 1, 2}));
  const auto lg = a::log_transform({1, std::exp(1.0)});  // log(1 + x - 1)
  EXPECT_NEAR(lg[0], 0, 1e-15);
  EXPECT_NEAR(lg[1], 1, 1e-15);
  EXPECT_EQ(a::rank_transform({10, 20, 20, 5}), (a::Column{2, 3.5, 3.5, 1}));
  // {0,0,0,4} is skewed (g1 = 1.15 > 1): log -> {0,0,0,log 5}, min-max -> {0,0,0,1}; negative direction
  // flips.
  bool tr = false;
  EXPECT_EQ(a::weighting_column({0, 0, 0, 4}, -1, a::Transform::kLog, 0, &tr), (a::Column{1, 1, 1, 0}));
  EXPECT_TRUE(tr);
  // {1,2,3}: not skewed, only min-max.
  EXPECT_EQ(a::weighting_column({1, 2, 3}, 1, a::Transform::kRank, 0, &tr), (a::Column{0, 0.5, 1}));
  EXPECT_FALSE(tr);
  // {1,2,4,100}: skewed; ranks {1,2,3,4} -> {0, 1/3, 2/3, 1}.
  const auto rk = a::weighting_column({1, 2, 4, 100}, 1, a::Transform::kRank, 0, &tr);
  EXPECT_TRUE(tr);
  EXPECT_NEAR(rk[1], 1.0 / 3, 1e-15);
  EXPECT_NEAR(rk[2], 2.0 / 3, 1e-15);
}

// CRITIC and CV on a 3 x 3 table worked by hand: A = (0, .5, 1), B = (1, .5, 0), C = (0, 1, 1).
// sd_A = sd_B = sqrt(1/6), sd_C = sqrt(2)/3 (population); r_AB = -1, r_AC = sqrt(3)/2, r_BC = -sqrt(3)/2.
// CRITIC: C_A = sd_A (0 + 2 + 1 - sqrt3/2), C_B = sd_B (2 + 0 + 1 + sqrt3/2), C_C = sd_C (1 - sqrt3/2 + 1 +
// sqrt3/2). CV: sd/mean = sqrt(1/6)/0.5, sqrt(1/6)/0.5, (sqrt2/3)/(2/3). Published worked examples below.
TEST(AssessWeighting, CriticAndCvByHand) {
  const a::Columns xn{{0, 0.5, 1}, {1, 0.5, 0}, {0, 1, 1}};
  const double sab = std::sqrt(1.0 / 6), sc = std::sqrt(2.0) / 3, h = std::sqrt(3.0) / 2;
  const double ca = sab * (3 - h), cb = sab * (3 + h), cc = sc * 2;
  const auto w = a::critic_weights(xn);
  EXPECT_NEAR(w[0], ca / (ca + cb + cc), 1e-12);
  EXPECT_NEAR(w[1], cb / (ca + cb + cc), 1e-12);
  EXPECT_NEAR(w[2], cc / (ca + cb + cc), 1e-12);
  const double va = sab / 0.5, vc = sc / (2.0 / 3);
  const auto v = a::cv_weights(xn);
  EXPECT_NEAR(v[0], va / (2 * va + vc), 1e-12);
  EXPECT_NEAR(v[1], va / (2 * va + vc), 1e-12);
  EXPECT_NEAR(v[2], vc / (2 * va + vc), 1e-12);
  const auto s = a::weight_sets(xn);
  const auto e = a::entropy_weights(xn).weight;
  for (std::size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(s.mean[j], (e[j] + w[j] + v[j]) / 3, 1e-15);
    EXPECT_EQ(s.equal[j], 1.0 / 3);
  }
  try {
    (void)a::critic_weights({{1, 2, 3}, {5, 5, 5}}, {"a", "flat"});
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'flat'"), std::string::npos) << e.what();
  }
}

// CRITIC against a published worked example: Tuş, A. & Aytaç Adalı, E. (2019), "The new combination with
// CRITIC and WASPAS methods for the time and attendance software selection problem", Opsearch 56(2): 528-538,
// doi:10.1007/s12597-019-00371-6: five alternatives x six criteria, CRITIC weights printed to three decimals
// 0.157, 0.249, 0.168, 0.121, 0.154, 0.151 (the same vector is the expected value of the pyrepo-mcda and
// crispyn test suites for this example). The printed weights follow from min-max normalising every column as
// (x - min) / (max - min); the test reproduces them to the printed precision (half a unit of the last
// decimal).
TEST(AssessWeighting, CriticReproducesTusAndAytacAdali2019) {
  const std::vector<std::vector<double>> rows{{5000, 3, 3, 4, 3, 2},
                                              {680, 5, 3, 2, 2, 1},
                                              {2000, 3, 2, 3, 4, 3},
                                              {600, 4, 3, 1, 2, 2},
                                              {800, 2, 4, 3, 3, 4}};
  a::Columns xn(6);
  for (std::size_t j = 0; j < 6; ++j) {
    double lo = rows[0][j], hi = rows[0][j];
    for (const auto& r : rows) lo = std::min(lo, r[j]), hi = std::max(hi, r[j]);
    for (const auto& r : rows) xn[j].push_back((r[j] - lo) / (hi - lo));
  }
  const auto w = a::critic_weights(xn);
  const double printed[6] = {0.157, 0.249, 0.168, 0.121, 0.154, 0.151};
  for (std::size_t j = 0; j < 6; ++j) EXPECT_NEAR(w[j], printed[j], 0.0005) << "criterion " << j + 1;
}

// CV weights against a published worked example: Shuai, D., Zongzhun, Z., Yongji, W. & Lei, L. (2012), "A new
// angular method to determine the objective weights", 24th Chinese Control and Decision Conference (CCDC),
// pp. 3889-3892, doi:10.1109/CCDC.2012.6244621: four alternatives x four criteria, coefficient-of-variation
// weights printed to four decimals 0.4258, 0.3610, 0.2121, 0.0011 (the expected value of the pyrepo-mcda test
// suite for this example), computed on the raw values (w_j = CV_j / sum CV; CV = sd / mean, so sd's divisor
// cancels).
TEST(AssessWeighting, CvReproducesShuaiEtAl2012) {
  const a::Columns x{{30, 19, 19, 68}, {30, 54, 15, 70}, {38, 86, 85, 60}, {29, 29, 28.9, 29}};
  const auto w = a::cv_weights(x);
  const double printed[4] = {0.4258, 0.3610, 0.2121, 0.0011};
  for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(w[j], printed[j], 0.00005) << "criterion " << j + 1;
}

// The cap by hand: {0.7, 0.2, 0.1} capped at 0.4 -> excess 0.3 shared 2:1 -> {0.4, 0.4, 0.2}; at 0.35 a
// second round: {0.35, 0.4333, 0.2167} -> {0.35, 0.35, 0.3}.
TEST(AssessWeighting, CapSharesTheExcessInProportion) {
  const auto a4 = a::cap_weights({0.7, 0.2, 0.1}, 0.4);
  EXPECT_NEAR(a4[0], 0.4, 1e-15);
  EXPECT_NEAR(a4[1], 0.4, 1e-15);
  EXPECT_NEAR(a4[2], 0.2, 1e-15);
  const auto a35 = a::cap_weights({0.7, 0.2, 0.1}, 0.35);
  EXPECT_NEAR(a35[0], 0.35, 1e-15);
  EXPECT_NEAR(a35[1], 0.35, 1e-15);
  EXPECT_NEAR(a35[2], 0.3, 1e-15);
  EXPECT_EQ(a::cap_weights({0.7, 0.3}, 0), (std::vector<double>{0.7, 0.3}));
  EXPECT_THROW((void)a::cap_weights({0.7, 0.2, 0.1}, 0.3), cs::UsageError);
}

// Spearman rho and quintile shares by brute force: Pearson correlation of the ranks, and counting.
TEST(AssessRobustness, SpearmanAndQuintilesByBruteForce) {
  cs::Rng rng(cs::test::seed() + 21);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 3 + rng.below(40);
    std::vector<int> ra(n), rb(n);
    std::iota(ra.begin(), ra.end(), 1);
    std::iota(rb.begin(), rb.end(), 1);
    for (std::size_t i = n; i > 1; --i) std::swap(rb[i - 1], rb[rng.below(i)]);
    for (std::size_t i = n; i > 1; --i) std::swap(ra[i - 1], ra[rng.below(i)]);
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < n; ++i) {
      ma += ra[i];
      mb += rb[i];
    }
    ma /= n;
    mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sab += (ra[i] - ma) * (rb[i] - mb);
      saa += (ra[i] - ma) * (ra[i] - ma);
      sbb += (rb[i] - mb) * (rb[i] - mb);
    }
    EXPECT_NEAR(a::spearman_rho(ra, rb), sab / std::sqrt(saa * sbb), 1e-12);
    // Quintile of rank r among n: the fifth whose block (n/5 units each, fractional) holds position r - 1.
    std::size_t changed = 0;
    for (std::size_t i = 0; i < n; ++i) {
      int qa = 0, qb = 0;
      while (5.0 * (ra[i] - 1) >= static_cast<double>(n) * (qa + 1)) ++qa;
      while (5.0 * (rb[i] - 1) >= static_cast<double>(n) * (qb + 1)) ++qb;
      changed += qa != qb;
    }
    EXPECT_DOUBLE_EQ(a::quintile_change_share(ra, rb), static_cast<double>(changed) / n);
  }
  EXPECT_EQ(a::quintiles({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), (std::vector<int>{0, 0, 1, 1, 2, 2, 3, 3, 4, 4}));
  EXPECT_EQ(a::ranks_by_score({0.2, 0.9, 0.2}, {"b", "c", "a"}), (std::vector<int>{3, 1, 2}));
}

// The Dirichlet sampler is seeded and deterministic (same seed, same draw; any thread count, same intervals)
// and its draws average to alpha / sum(alpha) (E[w_j] = alpha_j / alpha_0).
TEST(AssessRobustness, DirichletSamplerSeededAndDeterministic) {
  const std::vector<double> alpha{50, 30, 20};
  EXPECT_EQ(a::dirichlet(alpha, 42), a::dirichlet(alpha, 42));
  EXPECT_NE(a::dirichlet(alpha, 42), a::dirichlet(alpha, 43));
  std::vector<double> mean(3, 0.0);
  const int k = 4000;
  for (int s = 0; s < k; ++s) {
    const auto w = a::dirichlet(alpha, 1000 + s);
    EXPECT_NEAR(w[0] + w[1] + w[2], 1.0, 1e-12);
    for (std::size_t j = 0; j < 3; ++j) mean[j] += w[j] / k;
  }
  // sd of w_0 = sqrt(0.5 * 0.5 / 101) ~ 0.05; of the mean over 4000 draws ~ 0.0008: 0.005 is > 6 sd.
  EXPECT_NEAR(mean[0], 0.5, 0.005);
  EXPECT_NEAR(mean[1], 0.3, 0.005);
  EXPECT_NEAR(mean[2], 0.2, 0.005);
  const auto x = random_columns(3, 40, cs::test::seed() + 5);
  std::vector<std::string> key;
  for (int i = 0; i < 40; ++i) key.push_back("u" + std::to_string(100 + i));
  const auto r1 =
      a::rank_interval(x, {1, -1, 1}, {0.5, 0.3, 0.2}, a::TopsisNorm::kVector, {}, key, 64, 100, 7, 1);
  const auto r4 =
      a::rank_interval(x, {1, -1, 1}, {0.5, 0.3, 0.2}, a::TopsisNorm::kVector, {}, key, 64, 100, 7, 4);
  EXPECT_EQ(r1.p05, r4.p05);
  EXPECT_EQ(r1.median, r4.median);
  EXPECT_EQ(r1.p95, r4.p95);
  for (std::size_t i = 0; i < key.size(); ++i) {
    EXPECT_LE(r1.p05[i], r1.median[i]);
    EXPECT_LE(r1.median[i], r1.p95[i]);
    EXPECT_GE(r1.p05[i], 1);
    EXPECT_LE(r1.p95[i], 40);
  }
}

// The 2010 -> 2020 decomposition on a table worked by hand (binary fractions, so exact): w = (1/4, 3/4),
// unit 0: x'2010 = (0, 1), x'2020 = (1/2, 1): I 0.75 -> 0.875, parts (0.125, 0), moved by indicator 0;
// unit 1: (1/2, 0) -> (1/2, 1): I 0.125 -> 0.875, parts (0, 0.75), indicator 1;
// unit 2: (1, 1/4) -> (0, 1/4): I 0.4375 -> 0.1875, parts (-0.25, 0), indicator 0 (a loss).
TEST(AssessChange, DecompositionByHand) {
  const a::Columns n0{{0, 0.5, 1}, {1, 0, 0.25}}, n1{{0.5, 0.5, 0}, {1, 1, 0.25}};
  const auto c = a::decompose_change(n0, n1, {0.25, 0.75});
  EXPECT_EQ(c.index0, (std::vector<double>{0.75, 0.125, 0.4375}));
  EXPECT_EQ(c.index1, (std::vector<double>{0.875, 0.875, 0.1875}));
  EXPECT_EQ(c.part[0], (std::vector<double>{0.125, 0}));
  EXPECT_EQ(c.part[1], (std::vector<double>{0, 0.75}));
  EXPECT_EQ(c.part[2], (std::vector<double>{-0.25, 0}));
  EXPECT_EQ(c.top, (std::vector<std::size_t>{0, 1, 0}));
  EXPECT_THROW((void)a::decompose_change(n0, n1, {1.0}), cs::InputError);
}

// The parts add up to the change of the index, each index recomputed here as a plain weighted sum, on random
// panels (random weights summing to 1): |sum of parts - (I2020 - I2010)| within rounding, and the top
// indicator is the one with the largest |part|.
TEST(AssessChange, PartsSumToTheChangeOnRandomPanels) {
  cs::Rng rng(cs::test::seed() + 21);
  for (int rep = 0; rep < 50; ++rep) {
    const std::size_t m = 1 + rng.below(8), n = 1 + rng.below(40);
    a::Columns n0(m, a::Column(n)), n1(m, a::Column(n));
    std::vector<double> w(m);
    double ws = 0;
    for (auto& v : w) ws += (v = rng.uniform() + 0.01);
    for (auto& v : w) v /= ws;
    for (std::size_t j = 0; j < m; ++j)
      for (std::size_t i = 0; i < n; ++i) n0[j][i] = rng.uniform(), n1[j][i] = rng.uniform();
    const auto c = a::decompose_change(n0, n1, w);
    for (std::size_t i = 0; i < n; ++i) {
      double i0 = 0, i1 = 0, sum = 0, biggest = 0;
      for (std::size_t j = 0; j < m; ++j) {
        i0 += w[j] * n0[j][i];
        i1 += w[j] * n1[j][i];
        sum += c.part[i][j];
        biggest = std::max(biggest, std::abs(c.part[i][j]));
      }
      EXPECT_NEAR(c.index0[i], i0, 1e-15);
      EXPECT_NEAR(c.index1[i], i1, 1e-15);
      EXPECT_NEAR(sum, i1 - i0, 1e-14) << "rep " << rep << " unit " << i;
      EXPECT_EQ(std::abs(c.part[i][c.top[i]]), biggest);
    }
  }
}

// Issue 18 item 4: `stats mcdm` and the national assessment share one implementation (normalise_column,
// entropy_weights, topsis_distances). With the assessment's conventions (--normalization vector --cost-rule
// ideal
// --weights entropy --entropy-on minmax) the command's weights and scores are the assessment's: topsis() on
// the entropy weights of the min-max columns, and score_counties, the kernel `countyscope assess` runs
// (1e-12; the vector normalisation multiplies x / ||x|| by w where the assessment multiplies w / ||x|| by x).
TEST(AssessMcdm, StatsMcdmWithTheAssessmentsConventionsGivesItsScores) {
  cs::Rng rng(cs::test::seed() + 18);
  const std::size_t n = 60;
  a::Columns x(4, a::Column(n));
  const std::vector<int> dir{1, -1, 1, -1};
  for (auto& c : x)
    for (double& v : c) v = 1 + 99 * rng.uniform();
  const auto dir_path = std::filesystem::temp_directory_path() / "cs_test_mcdm_assess";
  std::filesystem::create_directories(dir_path);
  {
    std::ofstream f((dir_path / "x.csv").string());
    f.precision(17);
    f << "a,b,c,d\n";
    for (std::size_t i = 0; i < n; ++i)
      f << x[0][i] << ',' << x[1][i] << ',' << x[2][i] << ',' << x[3][i] << '\n';
  }
  // The CSV's values as read back (17 digits: the same doubles).
  a::McdmInputs in;
  in.table = (dir_path / "x.csv").string();
  in.criteria = {"a", "b", "c", "d"};
  in.cost = {"b", "d"};
  in.normalization = "vector";
  in.cost_rule = "ideal";
  in.weights = "entropy";
  in.entropy_on = "minmax";
  const cs::Outputs o = a::run_mcdm_study(in, cs::Context{});
  const auto w = a::entropy_weights(a::normalise(x, dir, a::Shift{})).weight;
  const auto closeness = a::topsis(x, dir, w, a::TopsisNorm::kVector);
  a::ScoringSpec spec;
  spec.direction = dir;
  spec.dimension = {0, 0, 0, 0};
  spec.topsis = a::TopsisNorm::kVector;
  const auto kernel = a::score_counties(x, spec, 2);
  const cs::Table* wt = o.find("mcdm_weights");
  const cs::Table* st = o.find("mcdm_scores");
  ASSERT_TRUE(wt && st);
  for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(std::get<double>(wt->row(j)[2]), w[j], 1e-15) << j;
  for (std::size_t i = 0; i < n; ++i) {
    const double s = std::get<double>(st->row(i)[1]);
    EXPECT_NEAR(s, closeness[i], 1e-12) << i;
    EXPECT_NEAR(s, kernel.score[i], 1e-12) << i;
  }
  // pymcdm's rule (the default) is another ranking on the same data: the switch matters.
  in.cost_rule = "invert";
  in.entropy_on = "raw";
  const cs::Outputs p = a::run_mcdm_study(in, cs::Context{});
  double most = 0;
  for (std::size_t i = 0; i < n; ++i)
    most = std::max(most, std::fabs(std::get<double>(p.find("mcdm_scores")->row(i)[1]) - closeness[i]));
  EXPECT_GT(most, 1e-3);
  std::filesystem::remove_all(dir_path);
}
