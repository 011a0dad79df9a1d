// Oracle tests of `stats autocorrelation`'s functions (src/assess/autocorrelation.cpp, weights_io.cpp, the
// planar metric of weights.cpp): the analytic randomisation moments of Geary's C, Getis-Ord G and the join
// counts equal the exact mean and variance over every permutation of y (they are the moments of that
// distribution, Cliff & Ord 1981; Getis & Ord 1992); permutation p-values do not depend on the thread count;
// queen / rook contiguity and kNN / band neighbours equal brute force. The published esda / spdep values run
// through the command in tests/e2e/cli_stats_autocorrelation.sh.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/assess/assess.hpp>
#include <countyscope/assess/markov_study.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/rng.hpp>

#include "test_support.hpp"

namespace a = cs::assess;

namespace {
// Mean and population variance of stat over all n! orderings of y.
template <class F>
std::pair<double, double> exact_moments(std::vector<double> y, F stat) {
  std::sort(y.begin(), y.end());
  double s = 0, ss = 0, count = 0;
  do {
    const double v = stat(y);
    s += v;
    ss += v * v;
    ++count;
  } while (std::next_permutation(y.begin(), y.end()));
  const double m = s / count;
  return {m, ss / count - m * m};
}

const a::GlobalInference& row(const a::GlobalStat& g, const std::string& inference) {
  for (const auto& r : g.inference)
    if (r.inference == inference) return r;
  throw std::runtime_error("no inference " + inference);
}

// An asymmetric, unequal weights matrix on 7 units (kNN-like with distances), so that S1 and S2 are general.
a::Weights irregular() {
  std::vector<std::vector<std::pair<std::uint32_t, double>>> rows = {
      {{1, 1.0}, {2, 0.5}}, {{0, 1.0}, {3, 2.0}}, {{0, 0.5}, {4, 1.0}, {5, 0.25}},
      {{1, 2.0}},           {{2, 1.0}, {6, 3.0}}, {{6, 1.0}},
      {{4, 1.5}, {5, 1.0}}};
  a::Weights w;
  w.n = rows.size();
  w.first.push_back(0);
  for (const auto& r : rows) {
    for (auto [j, v] : r) {
      w.nbr.push_back(j);
      w.w.push_back(v);
    }
    w.first.push_back(w.nbr.size());
  }
  return w;
}
}  // namespace

TEST(AssessAutocorrelation, GearyRandomisationMomentsAreTheExactPermutationMoments) {
  const a::Weights w = irregular();
  const std::vector<double> y{3, 1, 4, 1.5, 9, 2.6, 5};
  const a::GlobalStat g = a::geary(y, w, 0, 1, 1);
  const double n = 7, mean = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double zz = 0, s0 = 0;
  for (double v : y) zz += (v - mean) * (v - mean);
  for (double v : w.w) s0 += v;
  auto c = [&](const std::vector<double>& v) {
    double num = 0;
    for (std::size_t i = 0; i < w.n; ++i)
      for (std::size_t k = w.first[i]; k < w.first[i + 1]; ++k)
        num += w.w[k] * std::pow(v[i] - v[w.nbr[k]], 2);
    return (n - 1) * num / (2 * s0 * zz);
  };
  const auto [m, v] = exact_moments(y, c);
  EXPECT_NEAR(g.value, c(y), 1e-12);
  EXPECT_NEAR(row(g, "randomisation").expected, m, 1e-12);
  EXPECT_NEAR(row(g, "randomisation").variance, v, 1e-12);
}

TEST(AssessAutocorrelation, GetisOrdGMomentsAreTheExactPermutationMoments) {
  const a::Weights w = irregular();
  const std::vector<double> y{3, 1, 4, 1.5, 9, 2.6, 5};
  const a::GlobalStat g = a::getis_ord_g(y, w, 0, 1, 1);
  double m1 = 0, m2 = 0;
  for (double v : y) {
    m1 += v;
    m2 += v * v;
  }
  auto gs = [&](const std::vector<double>& v) {
    double num = 0;
    for (std::size_t i = 0; i < w.n; ++i)
      for (std::size_t k = w.first[i]; k < w.first[i + 1]; ++k) num += w.w[k] * v[i] * v[w.nbr[k]];
    return num / (m1 * m1 - m2);
  };
  const auto [m, v] = exact_moments(y, gs);
  EXPECT_NEAR(g.value, gs(y), 1e-12);
  EXPECT_NEAR(row(g, "randomisation").expected, m, 1e-12);
  EXPECT_NEAR(row(g, "randomisation").variance, v, 1e-12);
}

TEST(AssessAutocorrelation, JoinCountMomentsAreTheExactPermutationMoments) {
  for (const a::Weights& w : {irregular(), a::transformed(irregular(), a::WeightsTransform::kBinary)}) {
    const std::vector<double> y{1, 0, 1, 1, 0, 0, 1};
    const auto jc = a::join_counts(y, w, 0, 1, 1);
    ASSERT_EQ(jc.size(), 3u);
    for (int kind = 0; kind < 3; ++kind) {
      auto stat = [&](const std::vector<double>& v) {
        double c = 0;
        for (std::size_t i = 0; i < w.n; ++i)
          for (std::size_t k = w.first[i]; k < w.first[i + 1]; ++k) {
            const double xi = v[i], xj = v[w.nbr[k]];
            c += w.w[k] * (kind == 0 ? xi * xj : kind == 1 ? (1 - xi) * (1 - xj) : (xi - xj) * (xi - xj));
          }
        return c / 2;
      };
      const auto [m, v] = exact_moments(y, stat);
      EXPECT_NEAR(jc[kind].value, stat(y), 1e-12) << jc[kind].statistic;
      EXPECT_NEAR(row(jc[kind], "randomisation").expected, m, 1e-12) << jc[kind].statistic;
      EXPECT_NEAR(row(jc[kind], "randomisation").variance, v, 1e-12) << jc[kind].statistic;
    }
  }
}

TEST(AssessAutocorrelation, PermutationsDoNotDependOnThreads) {
  const a::Weights w = a::transformed(a::lattice_rook(6, 7, false), a::WeightsTransform::kRow);
  std::vector<double> y;
  cs::Rng rng(3);
  for (std::size_t i = 0; i < w.n; ++i) y.push_back(static_cast<double>(rng.below(100)));
  for (auto f : {&a::geary, &a::getis_ord_g, &a::moran_global}) {
    const auto g1 = f(y, w, 499, 17, 1), g2 = f(y, w, 499, 17, 2);
    EXPECT_EQ(row(g1, "permutation").p_one_sided, row(g2, "permutation").p_one_sided) << g1.statistic;
    EXPECT_EQ(row(g1, "permutation").variance, row(g2, "permutation").variance) << g1.statistic;
    const double p = row(g1, "permutation").p_one_sided;
    EXPECT_GE(p, 1.0 / 500);
    EXPECT_LE(p, 0.5 + 1e-12);
    EXPECT_DOUBLE_EQ(row(g1, "permutation").p_two_sided, std::min(1.0, 2 * p));
  }
  const auto l1 = a::local_g(y, w, false, 199, 5, 1), l2 = a::local_g(y, w, false, 199, 5, 2);
  EXPECT_EQ(l1.p_sim, l2.p_sim);
}

TEST(AssessAutocorrelation, LocalGIsTheOrdGetisZForAnyWeights) {
  // z_i = (L_i - W_i ybar_i) / sqrt(Var L_i) with Var L_i the exact variance of L_i = sum_j w_ij y_j when the
  // other n - 1 values are permuted over the other units (brute force over every ordering).
  const a::Weights w = irregular();
  const std::vector<double> y{3, 1, 4, 1.5, 9, 2.6, 5};
  const auto g = a::local_g(y, w, false, 0, 1, 1);
  for (std::size_t i = 0; i < w.n; ++i) {
    std::vector<double> others;
    std::vector<std::size_t> slots;
    for (std::size_t j = 0; j < w.n; ++j)
      if (j != i) {
        others.push_back(y[j]);
        slots.push_back(j);
      }
    auto lag = [&](const std::vector<double>& v) {
      std::vector<double> full(w.n, 0);
      for (std::size_t a = 0; a < v.size(); ++a) full[slots[a]] = v[a];
      double l = 0;
      for (std::size_t k = w.first[i]; k < w.first[i + 1]; ++k) l += w.w[k] * full[w.nbr[k]];
      return l;
    };
    const auto [m, v] = exact_moments(others, lag);
    EXPECT_NEAR(g.z[i], (lag(others) - m) / std::sqrt(v), 1e-10) << i;
    EXPECT_NEAR(g.expected[i] * (std::accumulate(others.begin(), others.end(), 0.0)), m, 1e-10) << i;
  }
}

TEST(AssessAutocorrelation, ContiguityOfAGridOfSquares) {
  // 4 x 5 unit squares: rook = the lattice's 4-neighbourhood, queen adds the diagonals.
  std::vector<std::vector<std::vector<std::vector<cs::LonLat>>>> polys;
  const int rows = 4, cols = 5;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double x = c, y = r;
      polys.push_back({{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}});
    }
  const a::Weights rook = a::contiguity_weights(polys, false), queen = a::contiguity_weights(polys, true);
  const a::Weights lattice = a::lattice_rook(rows, cols, false);
  EXPECT_EQ(rook.first, lattice.first);
  EXPECT_EQ(rook.nbr, lattice.nbr);
  for (int i = 0; i < rows * cols; ++i) {
    std::set<std::uint32_t> want;
    for (int dr = -1; dr <= 1; ++dr)
      for (int dc = -1; dc <= 1; ++dc) {
        const int r = i / cols + dr, c = i % cols + dc;
        if ((dr || dc) && r >= 0 && r < rows && c >= 0 && c < cols)
          want.insert(static_cast<std::uint32_t>(r * cols + c));
      }
    const std::set<std::uint32_t> got(queen.nbr.begin() + static_cast<long>(queen.first[i]),
                                      queen.nbr.begin() + static_cast<long>(queen.first[i + 1]));
    EXPECT_EQ(got, want) << i;
  }
  EXPECT_TRUE(a::symmetric_links(queen));
  EXPECT_EQ(queen.islands, 0u);
}

TEST(AssessAutocorrelation, PlanarKnnAndBandEqualBruteForce) {
  cs::Rng rng(42);
  std::vector<cs::LonLat> pts;
  for (int i = 0; i < 3000; ++i)
    pts.push_back(
        {static_cast<double>(rng.below(1'000'000)) / 100, static_cast<double>(rng.below(1'000'000)) / 100});
  a::WeightsSpec knn;
  knn.k = 6;
  knn.planar = true;
  knn.row_standardise = false;
  a::WeightsSpec band = knn;
  band.kind = a::WeightsKind::kBand;
  band.band_km = 300;
  const a::Weights wk = a::build_weights(pts, knn, 2), wb = a::build_weights(pts, band, 2);
  auto d2 = [&](std::size_t i, std::size_t j) {
    const double dx = pts[i].lon - pts[j].lon, dy = pts[i].lat - pts[j].lat;
    return dx * dx + dy * dy;
  };
  for (std::size_t i = 0; i < pts.size(); ++i) {
    std::vector<std::pair<double, std::uint32_t>> all;
    std::vector<std::uint32_t> in_band;
    for (std::size_t j = 0; j < pts.size(); ++j)
      if (j != i) {
        all.emplace_back(d2(i, j), static_cast<std::uint32_t>(j));
        if (std::sqrt(d2(i, j)) <= 300) in_band.push_back(static_cast<std::uint32_t>(j));
      }
    std::sort(all.begin(), all.end());
    std::vector<std::uint32_t> want;
    for (int k = 0; k < 6; ++k) want.push_back(all[k].second);
    std::sort(want.begin(), want.end());
    ASSERT_EQ(std::vector<std::uint32_t>(wk.nbr.begin() + static_cast<long>(wk.first[i]),
                                         wk.nbr.begin() + static_cast<long>(wk.first[i + 1])),
              want)
        << i;
    ASSERT_EQ(std::vector<std::uint32_t>(wb.nbr.begin() + static_cast<long>(wb.first[i]),
                                         wb.nbr.begin() + static_cast<long>(wb.first[i + 1])),
              in_band)
        << i;
  }
}

TEST(AssessAutocorrelation, WeightsFilesInTableOrder) {
  const auto dir = std::filesystem::temp_directory_path() / "cs_test_weights_io";
  std::filesystem::create_directories(dir);
  // GAL ids in another order than the table's; GWT with its weights kept.
  std::ofstream((dir / "w.gal").string()) << "0 3 shapes CODE\nc 2\na b\na 1\nc\nb 1\nc\n";
  std::ofstream((dir / "w.gwt").string()) << "0 3 shapes CODE\na b 0.5\nb c 2\nc a 1.25\n";
  EXPECT_EQ(a::weights_file_header((dir / "w.gal").string()), "CODE");
  const std::vector<std::string> ids{"a", "b", "c"};
  const a::Weights g = a::read_weights_file((dir / "w.gal").string(), ids, "CODE");
  EXPECT_EQ(g.first, (std::vector<std::size_t>{0, 1, 2, 4}));
  EXPECT_EQ(g.nbr, (std::vector<std::uint32_t>{2, 2, 0, 1}));
  const a::Weights t = a::read_weights_file((dir / "w.gwt").string(), ids, "CODE");
  EXPECT_EQ(t.nbr, (std::vector<std::uint32_t>{1, 2, 0}));
  EXPECT_EQ(t.w, (std::vector<double>{0.5, 2, 1.25}));
  EXPECT_FALSE(a::symmetric_links(t));
  const a::Weights r = a::transformed(t, a::WeightsTransform::kRow);
  EXPECT_EQ(r.w, (std::vector<double>{1, 1, 1}));
  std::ofstream((dir / "bad.gwt").string()) << "3\na b -1\n";
  EXPECT_THROW((void)a::read_weights_file((dir / "bad.gwt").string(), ids, "CODE"), cs::InputError);
  std::filesystem::remove_all(dir);
}

// Ties and duplicates: 400 points on 9 places (many at distance 0, equal distances between places on a
// lattice) and on a line, for k from 1 to 40 (the batched path up to k = 32, the per-point one above) and the
// default band: the first k by (chord^2 of the unit vectors, index), the documented rule, equal brute force.
TEST(AssessWeights, TiesAndDuplicatesRankedByIndexLikeBruteForce) {
  cs::Rng rng(cs::test::seed() + 21);
  std::vector<cs::LonLat> lattice, line;
  for (int i = 0; i < 400; ++i) {
    lattice.push_back({110.0 + static_cast<double>(rng.below(3)), 30.0 + static_cast<double>(rng.below(3))});
    line.push_back({100.0 + 0.01 * static_cast<double>(rng.below(50)), 0.0});
  }
  for (const auto* pts : {&lattice, &line}) {
    const std::size_t n = pts->size();
    std::vector<double> xyz;
    for (const auto& p : *pts) {
      const double lo = p.lon * M_PI / 180.0, la = p.lat * M_PI / 180.0;
      xyz.insert(xyz.end(), {std::cos(la) * std::cos(lo), std::cos(la) * std::sin(lo), std::sin(la)});
    }
    for (int k : {1, 2, 4, 5, 6, 7, 8, 10, 13, 32, 33, 40}) {
      const auto w = a::build_weights(*pts, a::parse_weights_spec("knn:" + std::to_string(k)), 2);
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::pair<double, std::uint32_t>> d;
        for (std::size_t j = 0; j < n; ++j)
          if (j != i) {
            const double dx = xyz[3 * i] - xyz[3 * j], dy = xyz[3 * i + 1] - xyz[3 * j + 1],
                         dz = xyz[3 * i + 2] - xyz[3 * j + 2];
            d.emplace_back(dx * dx + dy * dy + dz * dz, static_cast<std::uint32_t>(j));
          }
        std::sort(d.begin(), d.end());
        std::vector<std::uint32_t> want;
        for (int r = 0; r < k; ++r) want.push_back(d[static_cast<std::size_t>(r)].second);
        std::sort(want.begin(), want.end());
        ASSERT_EQ(std::vector<std::uint32_t>(w.nbr.begin() + static_cast<long>(w.first[i]),
                                             w.nbr.begin() + static_cast<long>(w.first[i + 1])),
                  want)
            << "k " << k << " point " << i;
      }
    }
    // The default band: the largest nearest-neighbour distance (0 here: every place holds several points).
    EXPECT_EQ(a::build_weights(*pts, a::parse_weights_spec("band"), 1).band_km, 0.0);
  }
  // Fewer points than a leaf: k = n - 1 takes everyone else.
  const std::vector<cs::LonLat> few{{100, 30}, {101, 30}, {100, 31}, {102, 32}};
  const auto w3 = a::build_weights(few, a::parse_weights_spec("knn:3"), 1);
  EXPECT_EQ(w3.nbr, (std::vector<std::uint32_t>{1, 2, 3, 0, 2, 3, 0, 1, 3, 0, 1, 2}));
}

// Issue 20 item 3: the KD-tree neighbours equal brute force on the bundled 2,742 county centres (every point)
// and on 10^5 random points over China's extent (150 query points drawn at random, each against all 10^5):
// kNN-8 and a 50 km band, on 2 threads, ranked as the brute force ranks them (great-circle km, then index).
TEST(AssessWeights, BundledCentresAndHundredThousandPointsEqualBruteForce) {
  const auto c = a::read_table(cs::test::source_path("data/china/county_centres.csv.gz").string());
  std::vector<cs::LonLat> centres;
  for (std::size_t r = 0; r < c.rows(); ++r)
    centres.push_back({c.number(r, c.column("lon_wgs84")), c.number(r, c.column("lat_wgs84"))});
  ASSERT_GT(centres.size(), 2700u);
  cs::Rng rng(cs::test::seed() + 20);
  std::vector<cs::LonLat> random;
  for (int i = 0; i < 100'000; ++i) random.push_back({75 + 60 * rng.uniform(), 18 + 35 * rng.uniform()});
  for (const auto* pts : {&centres, &random}) {
    const std::size_t n = pts->size();
    std::vector<std::size_t> queries;
    if (n < 10'000) {
      for (std::size_t i = 0; i < n; ++i) queries.push_back(i);
    } else {
      for (int q = 0; q < 150; ++q) queries.push_back(rng.below(n));
    }
    const auto knn = a::build_weights(*pts, a::parse_weights_spec("knn:8"), 2);
    const auto band = a::build_weights(*pts, a::parse_weights_spec("band:50"), 2);
    for (std::size_t i : queries) {
      std::vector<std::pair<double, std::uint32_t>> d;
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) d.emplace_back(a::great_circle_km((*pts)[i], (*pts)[j]), static_cast<std::uint32_t>(j));
      std::sort(d.begin(), d.end());
      std::vector<std::uint32_t> k8, b50;
      for (std::size_t a2 = 0; a2 < 8; ++a2) k8.push_back(d[a2].second);
      for (const auto& [km, j] : d)
        if (km <= 50) b50.push_back(j);
      std::sort(k8.begin(), k8.end());
      std::sort(b50.begin(), b50.end());
      ASSERT_EQ(std::vector<std::uint32_t>(knn.nbr.begin() + static_cast<long>(knn.first[i]),
                                           knn.nbr.begin() + static_cast<long>(knn.first[i + 1])),
                k8)
          << n << " points, point " << i;
      ASSERT_EQ(std::vector<std::uint32_t>(band.nbr.begin() + static_cast<long>(band.first[i]),
                                           band.nbr.begin() + static_cast<long>(band.first[i + 1])),
                b50)
          << n << " points, point " << i;
    }
  }
}

// lisa_crand's two paths (equal weights in a row: drawn sums; unequal: weighted sums) against the exact
// conditional randomisation: every ordered draw of k_i distinct other units, weighted by the row's weights in
// slot order, on the irregular weights above (some rows equal, some not); and its analytic E[I_i], Var[I_i]
// (the moments of that enumeration).
TEST(AssessAutocorrelation, LisaCrandEqualsTheExactConditionalRandomisation) {
  const a::Weights w = irregular();
  const std::vector<double> y{3, 1, 4, 1.5, 9, 2.6, 5};
  constexpr int kPerms = 19999;
  const auto r = a::lisa_crand(y, w, kPerms, 5, 2, a::LisaVariance::kEsda, 0.05);
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / 7;
  for (std::size_t i = 0; i < w.n; ++i) {
    const std::size_t k = w.first[i + 1] - w.first[i];
    double lag_obs = 0;
    for (std::size_t e = w.first[i]; e < w.first[i + 1]; ++e) lag_obs += w.w[e] * (y[w.nbr[e]] - mean);
    std::vector<std::size_t> others;
    for (std::size_t j = 0; j < w.n; ++j)
      if (j != i) others.push_back(j);
    std::vector<std::size_t> idx(k, 0);
    double total = 0, ge = 0, s_ii = 0, ss_ii = 0;
    double zz = 0;
    for (double v : y) zz += (v - mean) * (v - mean);
    const double m2 = zz / 6;  // esda: sum z^2 / (n - 1)
    for (;;) {
      bool distinct = true;
      for (std::size_t a1 = 0; a1 < k; ++a1)
        for (std::size_t b1 = 0; b1 < a1; ++b1) distinct = distinct && idx[a1] != idx[b1];
      if (distinct) {
        double lag = 0;
        for (std::size_t a1 = 0; a1 < k; ++a1) lag += w.w[w.first[i] + a1] * (y[others[idx[a1]]] - mean);
        ++total;
        ge += (y[i] - mean) * lag >= (y[i] - mean) * lag_obs - 1e-12 ? 1 : 0;
        const double ii = (y[i] - mean) / m2 * lag;
        s_ii += ii;
        ss_ii += ii * ii;
      }
      std::size_t d = 0;
      while (d < k && ++idx[d] == others.size()) idx[d++] = 0;
      if (d == k) break;
    }
    // The analytic moments of I_i (spdep localmoran's conditional randomisation) are those of the
    // enumeration.
    const double e_ii = s_ii / total, v_ii = ss_ii / total - e_ii * e_ii;
    EXPECT_NEAR(r.expected[i], e_ii, 1e-12) << "unit " << i;
    EXPECT_NEAR(r.variance[i], v_ii, 1e-12) << "unit " << i;
    EXPECT_NEAR(r.z_norm[i], (r.ii[i] - e_ii) / std::sqrt(v_ii), 1e-9) << "unit " << i;
    const double q = ge / total, exact = std::min(q, 1 - q);
    EXPECT_NEAR(r.p_sim[i], exact, 5 * std::sqrt(std::max(exact * (1 - exact), 1e-4) / kPerms) + 2.0 / kPerms)
        << "unit " << i << " exact tail " << q;
  }
}

// Kemeny & Snell's Land of Oz chain (Finite Markov Chains, 1976; giddy's ergodic.fmpt example): steady state
// (0.4, 0.2, 0.4); mean first passage times 2.5, 4, 10/3 / 8/3, 5, 8/3 / 10/3, 4, 2.5 (the diagonal:
// recurrence times 1 / pi).
TEST(AssessMarkov, LandOfOz) {
  const std::vector<std::vector<double>> p = {{0.5, 0.25, 0.25}, {0.5, 0, 0.5}, {0.25, 0.25, 0.5}};
  const auto pi = a::steady_state(p);
  ASSERT_EQ(pi.size(), 3u);
  EXPECT_NEAR(pi[0], 0.4, 1e-12);
  EXPECT_NEAR(pi[1], 0.2, 1e-12);
  EXPECT_NEAR(pi[2], 0.4, 1e-12);
  const auto m = a::mean_first_passage(p);
  const double want[3][3] = {{2.5, 4, 10.0 / 3}, {8.0 / 3, 5, 8.0 / 3}, {10.0 / 3, 4, 2.5}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(m[i][j], want[i][j], 1e-12) << i << "," << j;
  // A chain that never leaves state 1 is not ergodic: no first passage times.
  EXPECT_TRUE(a::mean_first_passage({{1, 0}, {0.5, 0.5}}).empty());
}
