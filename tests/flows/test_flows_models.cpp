// Oracle and invariant tests of the interaction models and the GLM: margins, radiation identities against
// brute force, agreement of the GLM with Furness at the fitted beta, and bad inputs.
#include <cmath>
#include <fstream>
#include <numeric>
#include <type_traits>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/flows/models.hpp>

#include "test_support.hpp"

namespace {

using namespace cs::flows;

struct System {
  std::vector<double> O, D;
  cs::Matrix<double> cost;
};

System random_system(std::size_t n, std::size_t m, std::uint64_t seed) {
  cs::Rng rng(seed);
  System s;
  for (std::size_t i = 0; i < n; ++i) s.O.push_back(10 + 1000 * rng.uniform());
  for (std::size_t j = 0; j < m; ++j) s.D.push_back(10 + 1000 * rng.uniform());
  s.cost = cs::Matrix<double>(n, m);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) s.cost(i, j) = 1 + 60 * rng.uniform();
  return s;
}

double sum(std::span<const double> v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(FlowsModels, DoublyConstrainedMatchesBothMarginals) {
  System s = random_system(30, 40, cs::test::seed());
  const double so = sum(s.O), sd = sum(s.D);
  for (double& d : s.D) d *= so / sd;  // equal totals
  GravityParams p;
  p.decay = Decay::kExponential;
  p.beta = 0.08;
  FurnessReport rep;
  const auto t = gravity_flows(GravityForm::kDoubly, s.O, s.D, s.cost, p, {}, {}, &rep);
  EXPECT_GT(rep.iterations, 1);
  for (std::size_t i = 0; i < 30; ++i) EXPECT_NEAR(sum(t.row(i)), s.O[i], 1e-9 * s.O[i]);
  for (std::size_t j = 0; j < 40; ++j) {
    double c = 0;
    for (std::size_t i = 0; i < 30; ++i) c += t(i, j);
    EXPECT_NEAR(c, s.D[j], 1e-9 * s.D[j]);
  }
  // The structure is A_i B_j O_i D_j f_ij: every 2x2 cross ratio equals that of f.
  const double f = std::exp(-p.beta * (s.cost(0, 0) + s.cost(1, 1) - s.cost(0, 1) - s.cost(1, 0)));
  EXPECT_NEAR(t(0, 0) * t(1, 1) / (t(0, 1) * t(1, 0)), f, 1e-9 * f);
}

TEST(FlowsModels, FurnessNonConvergenceNamesIterations) {
  System s = random_system(5, 5, 7);
  const double so = sum(s.O), sd = sum(s.D);
  for (double& d : s.D) d *= so / sd;
  GravityParams p;
  FurnessOptions fo;
  fo.max_iterations = 1;
  fo.tolerance = 1e-15;
  try {
    (void)gravity_flows(GravityForm::kDoubly, s.O, s.D, s.cost, p, {.exclude_diagonal = true}, fo);
    FAIL() << "expected non-convergence";
  } catch (const cs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not converge after 1 iterations"), std::string::npos)
        << e.what();
  }
}

TEST(FlowsModels, ProductionAndAttractionMatchTheirTotals) {
  System s = random_system(20, 25, cs::test::seed() + 1);
  GravityParams p;
  p.decay = Decay::kPower;
  p.beta = 1.7;
  p.gamma = 0.8;
  p.alpha = 1.2;
  const auto t = gravity_flows(GravityForm::kProduction, s.O, s.D, s.cost, p);
  for (std::size_t i = 0; i < 20; ++i) EXPECT_NEAR(sum(t.row(i)), s.O[i], 1e-12 * s.O[i]);
  const auto a = gravity_flows(GravityForm::kAttraction, s.O, s.D, s.cost, p);
  for (std::size_t j = 0; j < 25; ++j) {
    double c = 0;
    for (std::size_t i = 0; i < 20; ++i) c += a(i, j);
    EXPECT_NEAR(c, s.D[j], 1e-12 * s.D[j]);
  }
  // Unconstrained is the formula itself.
  const auto u = gravity_flows(GravityForm::kUnconstrained, s.O, s.D, s.cost, p);
  EXPECT_NEAR(u(3, 4), std::pow(s.O[3], 1.2) * std::pow(s.D[4], 0.8) * std::pow(s.cost(3, 4), -1.7),
              1e-12 * u(3, 4));
}

TEST(FlowsModels, PowerDecayAtZeroCostNeedsAChoice) {
  GravityParams p;
  p.decay = Decay::kPower;
  p.beta = 2;
  std::vector<double> O{10, 10}, D{10, 10};
  cs::Matrix<double> c(2, 2, 0.0);
  c(0, 1) = 0.0;
  c(1, 0) = 5.0;
  EXPECT_THROW((void)gravity_flows(GravityForm::kUnconstrained, O, D, c, p), cs::InputError);
  CostOptions co;
  co.min_cost = 0.5;
  const auto t = gravity_flows(GravityForm::kUnconstrained, O, D, c, p, co);
  EXPECT_NEAR(t(0, 1), 100.0 * std::pow(0.5, -2.0), 1e-9);
  EXPECT_EQ(t(0, 0), 0.0);  // diagonal excluded
  co = {};
  co.exclude_zero = true;
  EXPECT_EQ(gravity_flows(GravityForm::kUnconstrained, O, D, c, p, co)(0, 1), 0.0);
}

cs::Matrix<double> planar_dist(const std::vector<std::pair<double, double>>& pts) {
  cs::Matrix<double> d(pts.size(), pts.size());
  for (std::size_t i = 0; i < pts.size(); ++i)
    for (std::size_t j = 0; j < pts.size(); ++j)
      d(i, j) = std::hypot(pts[i].first - pts[j].first, pts[i].second - pts[j].second);
  return d;
}

TEST(FlowsModels, RadiationAgainstBruteForce) {
  cs::Rng rng(cs::test::seed() + 2);
  std::vector<std::pair<double, double>> pts;
  std::vector<double> m, T;
  const std::size_t n = 25;
  for (std::size_t i = 0; i < n; ++i) {
    pts.push_back({rng.uniform(), rng.uniform()});
    m.push_back(1 + std::floor(1000 * rng.uniform()));
    T.push_back(0.3 * m.back());
  }
  const auto d = planar_dist(pts);
  const auto s = intervening_population(m, d);
  const double M = sum(m);
  const auto raw = radiation_flows(m, T, d, {.normalise = false});
  const auto norm = radiation_flows(m, T, d);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      double brute = 0;
      for (std::size_t k = 0; k < n; ++k)
        if (k != i && k != j && d(i, k) < d(i, j)) brute += m[k];
      EXPECT_EQ(s(i, j), brute);
      const double expect = T[i] * m[i] * m[j] / ((m[i] + brute) * (m[i] + m[j] + brute));
      EXPECT_NEAR(raw(i, j), expect, 1e-12 * expect);
    }
    // Without distance ties the raw model telescopes to T_i (1 - m_i / M).
    EXPECT_NEAR(sum(raw.row(i)), T[i] * (1 - m[i] / M), 1e-9 * T[i]);
    EXPECT_NEAR(sum(norm.row(i)), T[i], 1e-9 * T[i]);
  }
}

TEST(FlowsModels, RadiationWithTiesAndUnreachable) {
  // A plus-shaped layout: four places at equal distance from the centre.
  auto d = planar_dist({{0, 0}, {1, 0}, {0, 1}, {-1, 0}, {0, -1}, {5, 5}});
  d(0, 5) = d(5, 0) = std::numeric_limits<double>::infinity();
  std::vector<double> m{100, 10, 20, 30, 40, 50}, T{50, 5, 10, 15, 20, 25};
  const auto s = intervening_population(m, d);
  for (std::size_t j = 1; j <= 4; ++j) EXPECT_EQ(s(0, j), 0.0);  // ties: nobody strictly closer
  const auto t = radiation_flows(m, T, d);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(sum(t.row(i)), T[i], 1e-9 * T[i]);
  EXPECT_EQ(t(0, 5), 0.0);
  const auto io = intervening_opportunities_flows(m, T, d, 0.01);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(sum(io.row(i)), T[i], 1e-9 * T[i]);
}

// Radiation ranks by whatever cost it is given. Four places whose cost order from each origin differs from
// their planar order (A 0, D 0.1, C 0.2, B 0.3 on a line); every probability worked by hand from
// p_ij = m_i m_j / ((m_i + s_ij)(m_i + m_j + s_ij)), M = 200:
//   A (100): B s=0 -> 1/6, C s=20 -> 1/6, D s=50 -> 1/6    (planar order D, C, B would give 1/3, 1/9, 1/18)
//   B (20):  A s=0 -> 5/6, C s=100 -> 1/30, D s=130 -> 1/30
//   C (30):  D s=0 -> 5/8, B s=50 -> 3/40, A s=70 -> 3/20
//   D (50):  C s=0 -> 3/8, B s=30 -> 1/8, A s=50 -> 1/4
// and each row sums to 1 - m_i / M (Simini et al. 2012, Nature 484, the finite system's normalisation).
TEST(FlowsModels, RadiationRanksByTheGivenCostByHand) {
  const std::vector<double> m{100, 20, 30, 50}, T{1, 1, 1, 1};
  cs::Matrix<double> c(4, 4, 0.0);
  const double pairs[][3] = {{0, 1, 10}, {0, 2, 20}, {0, 3, 30}, {1, 2, 15}, {1, 3, 25}, {2, 3, 5}};
  for (const auto& p : pairs) {
    c(static_cast<std::size_t>(p[0]), static_cast<std::size_t>(p[1])) = p[2];
    c(static_cast<std::size_t>(p[1]), static_cast<std::size_t>(p[0])) = p[2];
  }
  const double hand[4][4] = {{0, 1.0 / 6, 1.0 / 6, 1.0 / 6},
                             {5.0 / 6, 0, 1.0 / 30, 1.0 / 30},
                             {3.0 / 20, 3.0 / 40, 0, 5.0 / 8},
                             {1.0 / 4, 1.0 / 8, 3.0 / 8, 0}};
  const auto raw = radiation_flows(m, T, c, {.normalise = false});
  const auto norm = radiation_flows(m, T, c);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      EXPECT_NEAR(raw(i, j), hand[i][j], 1e-15) << i << " -> " << j;
      EXPECT_NEAR(norm(i, j), hand[i][j] / (1 - m[i] / 200), 1e-15) << i << " -> " << j;
    }
    EXPECT_NEAR(sum(raw.row(i)), 1 - m[i] / 200, 1e-15);
  }
  // The planar order gives other flows: the ranking is the cost's, not the coordinates'.
  const auto planar =
      radiation_flows(m, T, planar_dist({{0, 0}, {0.3, 0}, {0.2, 0}, {0.1, 0}}), {.normalise = false});
  EXPECT_NEAR(planar(0, 3), 1.0 / 3, 1e-15);
  EXPECT_NEAR(planar(0, 1), 1.0 / 18, 1e-15);
}

// Intervening opportunities by hand on three places, L = 0.01 per unit of mass: A 100, B 20, C 30; costs
// A-B 10, A-C 20, B-C 15. P_ij = exp(-L V_ij) - exp(-L (V_ij + m_j)), V_ij = mass strictly closer to i than j
// (not i's own):
//   A: B V=0 -> 1 - e^-0.2, C V=20 -> e^-0.2 - e^-0.5
//   B: A V=0 -> 1 - e^-1,   C V=100 -> e^-1 - e^-1.3
//   C: B V=0 -> 1 - e^-0.2, A V=20 -> e^-0.2 - e^-1.2
TEST(FlowsModels, InterveningOpportunitiesByHand) {
  const std::vector<double> m{100, 20, 30}, T{100, 20, 30};
  cs::Matrix<double> c(3, 3, 0.0);
  c(0, 1) = c(1, 0) = 10;
  c(0, 2) = c(2, 0) = 20;
  c(1, 2) = c(2, 1) = 15;
  const double hand[3][3] = {{0, 0.18126924692201818, 0.2122000933653484},
                             {0.6321205588285577, 0, 0.09534764813742974},
                             {0.5175365411657797, 0.18126924692201818, 0}};
  const auto raw = intervening_opportunities_flows(m, T, c, 0.01, false);
  const auto t = intervening_opportunities_flows(m, T, c, 0.01);
  for (std::size_t i = 0; i < 3; ++i) {
    const double row = hand[i][0] + hand[i][1] + hand[i][2];
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_NEAR(raw(i, j), T[i] * hand[i][j], 1e-12 * T[i]) << i << " -> " << j;
      EXPECT_NEAR(t(i, j), T[i] * hand[i][j] / row, 1e-12 * T[i]) << i << " -> " << j;
    }
  }
  // Rounded by hand: A sends 46.069 to B and 53.931 to C.
  EXPECT_NEAR(t(0, 1), 46.0694718, 1e-6);
  EXPECT_NEAR(t(0, 2), 53.9305282, 1e-6);
  EXPECT_THROW((void)intervening_opportunities_flows(m, T, c, 0.0), cs::UsageError);
}

// Without ties the unnormalised intervening opportunities telescope: sum_j P_ij = 1 - exp(-L (M - m_i)) (the
// share of trips absorbed by the other places); against brute-force V_ij on random places.
TEST(FlowsModels, InterveningOpportunitiesAgainstBruteForce) {
  cs::Rng rng(cs::test::seed() + 3);
  std::vector<std::pair<double, double>> pts;
  std::vector<double> m, T;
  const std::size_t n = 20;
  for (std::size_t i = 0; i < n; ++i) {
    pts.push_back({rng.uniform(), rng.uniform()});
    m.push_back(1 + std::floor(1000 * rng.uniform()));
    T.push_back(1.0);
  }
  const auto d = planar_dist(pts);
  const double M = sum(m), L = 2.0 / M;
  const auto raw = intervening_opportunities_flows(m, T, d, L, false);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      double V = 0;
      for (std::size_t k = 0; k < n; ++k)
        if (k != i && k != j && d(i, k) < d(i, j)) V += m[k];
      const double expect = std::exp(-L * V) - std::exp(-L * (V + m[j]));
      EXPECT_NEAR(raw(i, j), expect, 1e-12);
    }
    EXPECT_NEAR(sum(raw.row(i)), 1 - std::exp(-L * (M - m[i])), 1e-12);
  }
}

OdTable austria() {
  OdColumns c;
  c.origin_mass = "origin_var_Oi";
  c.dest_mass = "dest_var_Dj";
  c.cost = "dij_km";
  return read_od_csv(
      cs::test::source_path("data/fixtures/flows_austria/austria_flows_from_spint_tests.csv").string(), c);
}

TEST(FlowsCalibration, DoublyGlmEqualsFurnessAtFittedBeta) {
  const OdTable od = austria();
  CalibrationOptions o;
  o.form = GravityForm::kDoubly;
  const GravityFit f = calibrate_gravity(od, o);
  EXPECT_NEAR(f.beta, 0.00791533, 1e-7);
  const std::size_t n = od.codes.size();
  std::vector<double> O(n, 0), D(n, 0);
  cs::Matrix<double> c(n, n, 0.0);
  for (const auto& r : od.rows) {
    O[r.origin] += r.flow;
    D[r.dest] += r.flow;
    c(r.origin, r.dest) = r.cost;
  }
  GravityParams p;
  p.beta = f.beta;
  const auto t = gravity_flows(GravityForm::kDoubly, O, D, c, p);
  for (std::size_t k = 0; k < od.rows.size(); ++k) {
    const auto& r = od.rows[k];
    EXPECT_NEAR(t(r.origin, r.dest), f.fitted[k], 1e-6 * f.fitted[k]);
  }
  // The exact MLE's standard errors agree with spint's published ones to 1e-4 (spint's stop at 1e-6 explains
  // the rest).
  EXPECT_NEAR(f.beta_se, 5.06213514e-05, 1e-4 * 5.06213514e-05);
}

TEST(FlowsCalibration, ProductionFittedMatchesOriginTotals) {
  const OdTable od = austria();
  CalibrationOptions o;
  o.form = GravityForm::kProduction;
  const GravityFit f = calibrate_gravity(od, o);
  std::vector<double> obs(od.codes.size(), 0), fit(od.codes.size(), 0);
  for (std::size_t k = 0; k < od.rows.size(); ++k) {
    obs[od.rows[k].origin] += od.rows[k].flow;
    fit[od.rows[k].origin] += f.fitted[k];
  }
  for (std::size_t i = 0; i < obs.size(); ++i) EXPECT_NEAR(fit[i], obs[i], 1e-8 * obs[i]);
}

std::string write(const cs::test::TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return (dir / name).string();
}

TEST(FlowsCalibration, BadInputsGiveOneClearLine) {
  cs::test::TempDir dir;
  OdColumns c;
  c.cost = "km";
  const auto neg = write(dir, "neg.csv", "origin,destination,flow,km\na,b,5,3\nb,a,-2,3\n");
  try {
    (void)read_od_csv(neg, c);
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3, field 'flow': expected a mass in [0, 1e+15], got -2"),
              std::string::npos)
        << e.what();
  }
  const auto zero = write(dir, "zero.csv", "origin,destination,flow,km\na,b,5,0\n");
  try {
    (void)read_od_csv(zero, c);
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("zero cost between distinct places"), std::string::npos) << e.what();
  }
  const auto ok = write(dir, "ok.csv", "origin,destination,flow,km\na,b,5,3\nb,x,1,3\n");
  try {
    (void)read_od_csv(ok, c, {"a", "b"});
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("code 'x' is not in the place list"), std::string::npos) << e.what();
  }
}

TEST(FlowsCalibration, NonConvergingFitNamesIterations) {
  // Origin "c" sends nothing: its fixed effect has no finite estimate, IRLS keeps walking to -infinity.
  cs::test::TempDir dir;
  const auto p = write(dir, "od.csv",
                       "origin,destination,flow,km,dm\na,b,50,3,10\na,c,20,5,20\nb,a,40,3,30\nb,c,30,4,20\n"
                       "c,a,0,5,30\nc,b,0,4,10\n");
  OdColumns c;
  c.cost = "km";
  c.dest_mass = "dm";
  CalibrationOptions o;
  o.form = GravityForm::kProduction;
  try {
    (void)calibrate_gravity(read_od_csv(p, c), o);
    FAIL();
  } catch (const cs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not converge after 100 iterations"), std::string::npos)
        << e.what();
  }
}

}  // namespace

// ---- The GLM itself: offsets against closed forms, and the chunked parallel assembly (issue 22) ----

namespace {
// Poisson draw (Knuth; small means only).
double poisson_draw(cs::Rng& rng, double mean) {
  const double l = std::exp(-mean);
  double p = 1.0;
  int k = -1;
  do {
    ++k;
    p *= rng.uniform();
  } while (p > l);
  return k;
}
}  // namespace

TEST(FlowsGlm, OffsetAgainstTheClosedForm) {
  // log mu = log(E) + a + beta x with x binary: the score equations give exp(a) = sum_{x=0} y / sum_{x=0} E
  // and exp(a + beta) = sum_{x=1} y / sum_{x=1} E (hand-computed: 3+5+0 over 2+4+1, 7+9 over 3+5).
  PoissonDesign d;
  d.y = {3, 5, 0, 7, 9};
  const double e[5] = {2, 4, 1, 3, 5}, x[5] = {0, 0, 0, 1, 1};
  d.x = cs::Matrix<double>(5, 2);
  for (std::size_t k = 0; k < 5; ++k) {
    d.offset.push_back(std::log(e[k]));
    d.x(k, 0) = 1;
    d.x(k, 1) = x[k];
  }
  const auto f = fit_poisson(d);
  ASSERT_EQ(f.beta.size(), 2u);
  EXPECT_NEAR(f.beta[0], std::log(8.0 / 7.0), 1e-9);
  EXPECT_NEAR(f.beta[1], std::log(16.0 / 8.0) - std::log(8.0 / 7.0), 1e-9);
  // Fitted values carry the offset: mu_k = E_k * rate of its group.
  EXPECT_NEAR(f.mu[0], 2 * 8.0 / 7.0, 1e-9);
  EXPECT_NEAR(f.mu[4], 5 * 2.0, 1e-9);
  // Without the offset the answer is the plain group means (so the offset is really used).
  d.offset.clear();
  const auto g = fit_poisson(d);
  EXPECT_NEAR(g.beta[0], std::log(8.0 / 3.0), 1e-9);
  EXPECT_NEAR(g.beta[1], std::log(8.0) - std::log(8.0 / 3.0), 1e-9);
}

TEST(FlowsGlm, ChunkedAssemblyEqualsTheAggregatedFit) {
  // More than 2 x 65,536 observations (the assembly then sums fixed chunks in parallel) with both fixed
  // effects, a binary covariate and an offset. The Poisson likelihood depends on the data only through the
  // per-cell sums of y and of exp(offset) (cells = fe1 x fe2 x x), so the fit of the 3 x 4 x 2 aggregated
  // table (24 observations, no chunking) has the same MLE a, b, beta. The deviance is recomputed here from
  // the fitted values, and 1, 2 and 3 threads give the same bits.
  constexpr std::size_t n = 150'000, n1 = 3, n2 = 4;
  cs::Rng rng(cs::test::seed() + 22);
  PoissonDesign d;
  d.n_fe1 = n1;
  d.n_fe2 = n2;
  d.x = cs::Matrix<double>(n, 1);
  const double a[n1] = {0.1, -0.4, 0.3}, b[n2] = {0, 0.5, -0.2, 0.25}, beta = 0.05;
  std::vector<double> ysum(n1 * n2 * 2, 0.0), esum(n1 * n2 * 2, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    const auto l1 = static_cast<std::uint32_t>(rng.below(n1)), l2 = static_cast<std::uint32_t>(rng.below(n2));
    const double xv = rng.uniform() < 0.4 ? 1.0 : 0.0, e = 0.5 + 2 * rng.uniform();
    const double y = poisson_draw(rng, e * std::exp(a[l1] + b[l2] + beta * xv));
    d.y.push_back(y);
    d.offset.push_back(std::log(e));
    d.fe1.push_back(l1);
    d.fe2.push_back(l2);
    d.x(k, 0) = xv;
    const std::size_t c = (l1 * n2 + l2) * 2 + static_cast<std::size_t>(xv);
    ysum[c] += y;
    esum[c] += e;
  }
  PoissonDesign agg;
  agg.n_fe1 = n1;
  agg.n_fe2 = n2;
  agg.x = cs::Matrix<double>(ysum.size(), 1);
  for (std::size_t c = 0; c < ysum.size(); ++c) {
    agg.y.push_back(ysum[c]);
    agg.offset.push_back(std::log(esum[c]));
    agg.fe1.push_back(static_cast<std::uint32_t>(c / (2 * n2)));
    agg.fe2.push_back(static_cast<std::uint32_t>(c / 2 % n2));
    agg.x(c, 0) = static_cast<double>(c % 2);
  }
  GlmOptions o;
  o.tolerance = 1e-12;
  const auto ref = fit_poisson(agg, o);
  PoissonFit first;
  for (int threads : {1, 2, 3}) {
    o.threads = threads;
    const auto f = fit_poisson(d, o);
    if (threads == 1) {
      first = f;
    } else {  // same bits for any thread count
      EXPECT_EQ(f.beta, first.beta) << threads << " threads";
      EXPECT_EQ(f.a, first.a) << threads << " threads";
      EXPECT_EQ(f.deviance, first.deviance) << threads << " threads";
    }
    ASSERT_EQ(f.beta.size(), 1u);
    EXPECT_NEAR(f.beta[0], ref.beta[0], 1e-9) << threads << " threads";
    for (std::size_t l = 0; l < n1; ++l) EXPECT_NEAR(f.a[l], ref.a[l], 1e-9) << threads << " threads";
    for (std::size_t l = 0; l < n2; ++l) EXPECT_NEAR(f.b[l], ref.b[l], 1e-9) << threads << " threads";
    // The estimate is near the generating beta (SE ~ 0.005 with ~150,000 counts of mean ~1.5).
    EXPECT_NEAR(f.beta[0], beta, 0.03);
    double dev = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double mu = std::exp(d.offset[k] + f.a[d.fe1[k]] + f.b[d.fe2[k]] + f.beta[0] * d.x(k, 0));
      EXPECT_NEAR(f.mu[k], mu, 1e-9 * mu) << k;
      if (std::abs(f.mu[k] - mu) > 1e-9 * mu) break;
      dev += 2 * ((d.y[k] > 0 ? d.y[k] * std::log(d.y[k] / mu) : 0.0) - (d.y[k] - mu));
    }
    EXPECT_NEAR(f.deviance, dev, 1e-8 * dev) << threads << " threads";
  }
}

// One Decay for the project (core/decay.hpp): flows accept its power and exponential members only.
TEST(FlowsModels, OneDecayEnumFlowsRefuseGaussianAndLinear) {
  static_assert(std::is_same_v<cs::flows::Decay, cs::Decay>);
  EXPECT_EQ(parse_decay("exp"), cs::Decay::kExponential);
  EXPECT_THROW((void)parse_decay("gaussian"), cs::UsageError);
  GravityParams p;
  p.decay = cs::Decay::kGaussian;
  std::vector<double> O{10, 10}, D{10, 10};
  cs::Matrix<double> c(2, 2, 1.0);
  EXPECT_THROW((void)gravity_flows(GravityForm::kUnconstrained, O, D, c, p), cs::UsageError);
  EXPECT_EQ(decay_name(cs::Decay::kLinear), "linear");
}
