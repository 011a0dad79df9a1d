// Oracle tests of the accessibility measures: hand-computed tiny cases, a brute-force reference on random
// matrices, supply conservation, supply scaling and thread-count determinism.
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/access/access.hpp>
#include <countyscope/core/rng.hpp>

#include "test_support.hpp"

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

cs::TimeMatrix mat(std::size_t r, std::size_t c, std::vector<float> v) {
  cs::TimeMatrix m(r, c);
  m.storage() = std::move(v);
  return m;
}

cs::access::AccessConfig tiny_cfg() {
  cs::access::AccessConfig c;
  c.cutoff_s = 1200;
  c.k = 2;
  c.zones_s = {600, 1200};
  c.zone_weights = {1.0, 0.5};
  c.sfca3_zones_s = {600, 1200};
  c.sfca3_weights = {1.0, 0.5};
  return c;
}

TEST(Access, HandComputedTwoByTwo) {
  // d = [[300, 1500], [900, inf]], P = [100, 50], S = [2, 1], d0 = 1200 s.
  const auto t = mat(2, 2, {300, 1500, 900, kInf});
  const std::vector<double> P{100, 50}, S{2, 1};
  cs::Context ctx;
  auto cfg = tiny_cfg();
  const auto r = cs::access::compute_access(t, P, S, cfg, ctx);
  EXPECT_FLOAT_EQ(r.nearest_s[0], 300);
  EXPECT_FLOAT_EQ(r.nearest_s[1], 900);
  EXPECT_EQ(r.nearest_facility[1], 0u);
  EXPECT_FLOAT_EQ(r.kth_nearest_s[0], 1500);
  EXPECT_TRUE(std::isinf(r.kth_nearest_s[1]));
  EXPECT_DOUBLE_EQ(r.cumulative[0], 2);
  EXPECT_DOUBLE_EQ(r.cumulative[1], 2);
  // 2SFCA: facility 0 serves 150 people -> R0 = 2/150; facility 1 has no demand in reach.
  EXPECT_DOUBLE_EQ(r.sfca2[0], 2.0 / 150);
  EXPECT_DOUBLE_EQ(r.sfca2[1], 2.0 / 150);
  ASSERT_EQ(r.facilities_without_demand.size(), 1u);
  EXPECT_EQ(r.facilities_without_demand[0], 1u);
  // E2SFCA: demand 100*1 + 50*0.5 = 125.
  EXPECT_DOUBLE_EQ(r.demand_e2sfca[0], 125);
  EXPECT_DOUBLE_EQ(r.e2sfca[0], 2.0 / 125);
  EXPECT_DOUBLE_EQ(r.e2sfca[1], 2.0 / 125 * 0.5);
  // Gravity, power beta=1 in minutes: 2/(300/60) + 1/(1500/60).
  EXPECT_DOUBLE_EQ(r.gravity[0], 2.0 / 5 + 1.0 / 25);
  EXPECT_DOUBLE_EQ(r.gravity[1], 2.0 / 15);
  // G2SFCA (Dai): G(d) = (e^{-(d/d0)^2/2} - e^{-1/2}) / (1 - e^{-1/2}).
  auto G = [](double d) {
    return (std::exp(-0.5 * (d / 1200) * (d / 1200)) - std::exp(-0.5)) / (1 - std::exp(-0.5));
  };
  const double Rg = 2.0 / (100 * G(300) + 50 * G(900));
  EXPECT_NEAR(r.g2sfca[0], Rg * G(300), 1e-15);
  EXPECT_NEAR(r.g2sfca[1], Rg * G(900), 1e-15);
  // 3SFCA: each row has one facility in reach -> G = 1; same as E2SFCA here.
  EXPECT_DOUBLE_EQ(r.sfca3[0], 2.0 / 125);
  EXPECT_DOUBLE_EQ(r.sfca3[1], 2.0 / 125 * 0.5);
}

TEST(Access, GravityDecays) {
  cs::access::AccessConfig c;
  c.cutoff_s = 1200;
  c.gravity_decay = cs::Decay::kExponential;
  c.gravity_beta = 0.1;
  EXPECT_DOUBLE_EQ(cs::access::gravity_weight(c, 300), std::exp(-0.5));
  c.gravity_decay = cs::Decay::kLinear;
  EXPECT_DOUBLE_EQ(cs::access::gravity_weight(c, 300), 0.75);
  EXPECT_DOUBLE_EQ(cs::access::gravity_weight(c, 1300), 0.0);
  c.gravity_decay = cs::Decay::kGaussian;
  c.gravity_sigma_s = 600;
  EXPECT_DOUBLE_EQ(cs::access::gravity_weight(c, 600), std::exp(-0.5));
  c.gravity_decay = cs::Decay::kPower;
  c.gravity_beta = 2;
  EXPECT_DOUBLE_EQ(cs::access::gravity_weight(c, 0), 1.0);  // minimum time 60 s: (60/60)^-2
  EXPECT_DOUBLE_EQ(cs::access::gravity_weight(c, 120), 0.25);
  EXPECT_DOUBLE_EQ(cs::access::gravity_weight(c, kInf), 0.0);
}

TEST(Access, ThreeStageSelectionWeights) {
  // One demand point, two facilities in reach at 300 and 900 s; weights 1 and 0.5 -> G = 2/3, 1/3.
  const auto t = mat(1, 2, {300, 900});
  const std::vector<double> P{10}, S{1, 1};
  cs::Context ctx;
  const auto r = cs::access::compute_access(t, P, S, tiny_cfg(), ctx);
  EXPECT_NEAR(r.demand_3sfca[0], 10 * 1.0 * (2.0 / 3), 1e-12);
  EXPECT_NEAR(r.demand_3sfca[1], 10 * 0.5 * (1.0 / 3), 1e-12);
  EXPECT_NEAR(r.sfca3[0], 0.2, 1e-12);
}

TEST(Access, CatchmentInclusiveByDefaultExclusiveAsOption) {
  const auto t = mat(1, 1, {1200});
  const std::vector<double> P{10}, S{1};
  cs::Context ctx;
  auto c = tiny_cfg();
  EXPECT_DOUBLE_EQ(cs::access::compute_access(t, P, S, c, ctx).sfca2[0], 0.1);
  c.catchment = cs::access::Catchment::kExclusive;
  const auto r = cs::access::compute_access(t, P, S, c, ctx);
  EXPECT_DOUBLE_EQ(r.sfca2[0], 0.0);
  EXPECT_EQ(r.demand_unreached.size(), 1u);
  c.unreached = cs::access::Unreached::kNull;
  EXPECT_TRUE(std::isnan(cs::access::compute_access(t, P, S, c, ctx).sfca2[0]));
}

TEST(Access, ZoneWeightsUpperBoundInclusive) {
  const std::vector<double> z{600, 1200, 1800}, w{1.0, 0.68, 0.22};
  EXPECT_DOUBLE_EQ(cs::access::zone_weight(z, w, 0), 1.0);
  EXPECT_DOUBLE_EQ(cs::access::zone_weight(z, w, 600), 1.0);
  EXPECT_DOUBLE_EQ(cs::access::zone_weight(z, w, 601), 0.68);
  EXPECT_DOUBLE_EQ(cs::access::zone_weight(z, w, 1800), 0.22);
  EXPECT_DOUBLE_EQ(cs::access::zone_weight(z, w, 1801), 0.0);
}

TEST(Access, BadInputAndConfig) {
  const auto t = mat(1, 1, {100});
  cs::Context ctx;
  const std::vector<double> S{1};
  EXPECT_THROW(cs::access::compute_access(t, std::vector<double>{-1}, S, tiny_cfg(), ctx), cs::InputError);
  EXPECT_THROW(cs::access::compute_access(t, std::vector<double>{std::nan("")}, S, tiny_cfg(), ctx),
               cs::InputError);
  // The message names the row as the caller knows it: the id when given, else the index into its array.
  const auto t2 = mat(2, 1, {100, 200});
  const std::vector<double> bad_pop{5, std::nan("")};
  const std::vector<std::string> ids{"v01", "v02"};
  for (bool with_ids : {true, false}) {
    try {
      (void)cs::access::compute_access(
          t2, bad_pop, S, tiny_cfg(), ctx,
          with_ids ? std::span<const std::string>(ids) : std::span<const std::string>());
      ADD_FAILURE() << "no error";
    } catch (const cs::InputError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find(with_ids ? "demand point 'v02'" : "index 1 (from 0)"), std::string::npos) << m;
      EXPECT_EQ(m.find("demand point 1"), std::string::npos) << m;
    }
  }
  EXPECT_THROW(
      cs::access::compute_access(t, std::vector<double>{1}, std::vector<double>{-2}, tiny_cfg(), ctx),
      cs::InputError);
  EXPECT_THROW(cs::access::compute_access(cs::TimeMatrix(1, 0), std::vector<double>{1}, std::vector<double>{},
                                          tiny_cfg(), ctx),
               cs::InputError);
  auto c = tiny_cfg();
  c.cutoff_s = 0;
  EXPECT_THROW(cs::access::compute_access(t, std::vector<double>{1}, S, c, ctx), cs::UsageError);
  c = tiny_cfg();
  c.zones_s = {600, 600};
  const auto p = validate(c);
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].option, "zones");
  EXPECT_NE(p[0].message.find("increase"), std::string::npos);
  EXPECT_THROW(cs::access::parse_decay("exp2"), cs::UsageError);
  EXPECT_EQ(cs::access::parse_decay("gaussian"), cs::Decay::kGaussian);
}

// Brute-force reference: the formulas of docs/methods.md written as plain double loops, no blocking, no
// hoisting.
struct Brute {
  std::vector<double> s2, sE, sG, s3;
};
Brute brute(const cs::TimeMatrix& t, const std::vector<double>& P, const std::vector<double>& S,
            const cs::access::AccessConfig& c) {
  const std::size_t D = t.rows(), F = t.cols();
  auto in = [&](double d) { return d <= c.cutoff_s; };
  auto zw = [&](double d) { return in(d) ? cs::access::zone_weight(c.zones_s, c.zone_weights, d) : 0.0; };
  auto gw = [&](double d) { return cs::access::gaussian_weight(c, d); };
  auto w3 = [&](double d) {
    return in(d) ? cs::access::zone_weight(c.sfca3_zones_s, c.sfca3_weights, d) : 0.0;
  };
  std::vector<double> den3(D, 0);
  for (std::size_t i = 0; i < D; ++i)
    for (std::size_t j = 0; j < F; ++j) den3[i] += w3(t(i, j));
  auto g3 = [&](std::size_t i, std::size_t j) {
    return den3[i] > 0 ? w3(t(i, j)) * w3(t(i, j)) / den3[i] : 0.0;
  };
  Brute b{std::vector<double>(D, 0), std::vector<double>(D, 0), std::vector<double>(D, 0),
          std::vector<double>(D, 0)};
  for (std::size_t j = 0; j < F; ++j) {
    double d2 = 0, dE = 0, dG = 0, d3 = 0;
    for (std::size_t k = 0; k < D; ++k) {
      d2 += in(t(k, j)) ? P[k] : 0;
      dE += P[k] * zw(t(k, j));
      dG += P[k] * gw(t(k, j));
      d3 += P[k] * g3(k, j);
    }
    for (std::size_t i = 0; i < D; ++i) {
      if (in(t(i, j)) && d2 > 0) b.s2[i] += S[j] / d2;
      if (dE > 0) b.sE[i] += S[j] / dE * zw(t(i, j));
      if (dG > 0) b.sG[i] += S[j] / dG * gw(t(i, j));
      if (d3 > 0) b.s3[i] += S[j] / d3 * g3(i, j);
    }
  }
  return b;
}

struct Random {
  cs::TimeMatrix t;
  std::vector<double> P, S;
};
Random random_case(std::uint64_t seed, std::size_t D, std::size_t F) {
  cs::Rng rng(seed);
  Random r{cs::TimeMatrix(D, F), std::vector<double>(D), std::vector<double>(F)};
  for (auto& x : r.t.storage()) {
    const double u = rng.uniform();
    // Whole minutes (ties on zone bounds) and some unreachable pairs.
    x = u < 0.05 ? kInf : static_cast<float>(60.0 * static_cast<double>(rng.below(50)));
  }
  for (auto& p : r.P) p = rng.uniform() < 0.1 ? 0.0 : 1.0 + static_cast<double>(rng.below(500));
  for (auto& s : r.S) s = 1.0 + static_cast<double>(rng.below(20));
  return r;
}

TEST(Access, AgreesWithBruteForce) {
  const auto rc = random_case(cs::test::seed(), 157, 23);
  cs::access::AccessConfig c;  // defaults: 30 min catchment, zones 10/20/30
  cs::Context ctx;
  ctx.threads = 3;
  const auto r = cs::access::compute_access(rc.t, rc.P, rc.S, c, ctx);
  const Brute b = brute(rc.t, rc.P, rc.S, c);
  for (std::size_t i = 0; i < rc.P.size(); ++i) {
    EXPECT_NEAR(r.sfca2[i], b.s2[i], 1e-12 * (1 + b.s2[i])) << i;
    EXPECT_NEAR(r.e2sfca[i], b.sE[i], 1e-12 * (1 + b.sE[i])) << i;
    EXPECT_NEAR(r.g2sfca[i], b.sG[i], 1e-12 * (1 + b.sG[i])) << i;
    EXPECT_NEAR(r.sfca3[i], b.s3[i], 1e-12 * (1 + b.s3[i])) << i;
  }
}

TEST(Access, FloatingCatchmentsConserveSupply) {
  const auto rc = random_case(cs::test::seed() + 1, 400, 31);
  cs::Context ctx;
  cs::access::AccessConfig c;
  const auto r = cs::access::compute_access(rc.t, rc.P, rc.S, c, ctx);
  auto check = [&](const std::vector<double>& A, const std::vector<double>& dem, const char* name) {
    double lhs = 0, rhs = 0;
    for (std::size_t i = 0; i < A.size(); ++i) lhs += rc.P[i] * A[i];
    for (std::size_t j = 0; j < dem.size(); ++j) rhs += dem[j] > 0 ? rc.S[j] : 0.0;
    EXPECT_GT(rhs, 0) << name;
    EXPECT_NEAR(lhs, rhs, 1e-9 * rhs) << name;
  };
  check(r.sfca2, r.demand_2sfca, "2SFCA");
  check(r.e2sfca, r.demand_e2sfca, "E2SFCA");
  check(r.g2sfca, r.demand_g2sfca, "G2SFCA");
  check(r.sfca3, r.demand_3sfca, "3SFCA");
}

TEST(Access, AllFacilitiesInReachConserveTheWholeSupply) {
  auto rc = random_case(cs::test::seed() + 5, 300, 19);
  for (auto& x : rc.t.storage())
    x = std::isinf(x) ? 1799.0f : std::fmod(x, 1800.0f);  // everything within 30 min
  cs::Context ctx;
  const auto r = cs::access::compute_access(rc.t, rc.P, rc.S, cs::access::AccessConfig{}, ctx);
  ASSERT_TRUE(r.facilities_without_demand.empty());
  double total = 0;
  for (double s : rc.S) total += s;
  for (const auto* A : {&r.sfca2, &r.e2sfca, &r.g2sfca, &r.sfca3}) {
    double lhs = 0;
    for (std::size_t i = 0; i < rc.P.size(); ++i) lhs += rc.P[i] * (*A)[i];
    EXPECT_NEAR(lhs, total, 1e-9 * total);
  }
}

TEST(Access, ScalingSupplyScalesAccess) {
  auto rc = random_case(cs::test::seed() + 2, 120, 17);
  cs::Context ctx;
  cs::access::AccessConfig c;
  const auto a = cs::access::compute_access(rc.t, rc.P, rc.S, c, ctx);
  for (auto& s : rc.S) s *= 3.0;
  const auto b = cs::access::compute_access(rc.t, rc.P, rc.S, c, ctx);
  for (std::size_t i = 0; i < rc.P.size(); ++i) {
    EXPECT_NEAR(b.sfca2[i], 3 * a.sfca2[i], 1e-12 * (1 + b.sfca2[i]));
    EXPECT_NEAR(b.e2sfca[i], 3 * a.e2sfca[i], 1e-12 * (1 + b.e2sfca[i]));
    EXPECT_NEAR(b.sfca3[i], 3 * a.sfca3[i], 1e-12 * (1 + b.sfca3[i]));
    EXPECT_NEAR(b.gravity[i], 3 * a.gravity[i], 1e-12 * (1 + b.gravity[i]));
    EXPECT_NEAR(b.cumulative[i], 3 * a.cumulative[i], 1e-12 * (1 + b.cumulative[i]));
  }
}

TEST(Access, IdenticalForAnyThreadCount) {
  const auto rc = random_case(cs::test::seed() + 3, 1000, 40);
  cs::access::AccessConfig c;
  cs::Context one, many;
  one.threads = 1;
  many.threads = 4;
  const auto a = cs::access::compute_access(rc.t, rc.P, rc.S, c, one);
  const auto b = cs::access::compute_access(rc.t, rc.P, rc.S, c, many);
  EXPECT_EQ(a.sfca2, b.sfca2);
  EXPECT_EQ(a.e2sfca, b.e2sfca);
  EXPECT_EQ(a.sfca3, b.sfca3);
  EXPECT_EQ(a.demand_g2sfca, b.demand_g2sfca);
}

TEST(Access, Sfca2AloneEqualsComputeAccessBitForBit) {
  const auto rc = random_case(cs::test::seed() + 5, 1500, 30);
  for (const auto catchment : {cs::access::Catchment::kInclusive, cs::access::Catchment::kExclusive})
    for (const auto unreached : {cs::access::Unreached::kZero, cs::access::Unreached::kNull})
      for (const int threads : {1, 3}) {
        cs::access::AccessConfig c;
        c.catchment = catchment;
        c.unreached = unreached;
        c.cutoff_s = 900;
        cs::Context ctx;
        ctx.threads = threads;
        const auto full = cs::access::compute_access(rc.t, rc.P, rc.S, c, ctx).sfca2;
        const auto alone = cs::access::compute_sfca2(rc.t, rc.P, rc.S, c, ctx);
        ASSERT_EQ(full.size(), alone.size());
        for (std::size_t i = 0; i < full.size(); ++i) {
          if (std::isnan(full[i])) {
            EXPECT_TRUE(std::isnan(alone[i])) << i;
          } else {
            EXPECT_EQ(full[i], alone[i]) << i;
          }
        }
      }
}

TEST(Access, KthNearestIsKthSmallest) {
  const auto rc = random_case(cs::test::seed() + 4, 50, 12);
  cs::access::AccessConfig c;
  c.k = 4;
  cs::Context ctx;
  const auto r = cs::access::compute_access(rc.t, rc.P, rc.S, c, ctx);
  for (std::size_t i = 0; i < 50; ++i) {
    std::vector<float> row(rc.t.row(i).begin(), rc.t.row(i).end());
    std::sort(row.begin(), row.end());
    EXPECT_EQ(r.kth_nearest_s[i], row[3]);
    EXPECT_EQ(r.nearest_s[i], row[0]);
  }
}

// R accessibility's decay functions (tests/testthat/test-decay_logistic.R and test-decay_stepped.R of
// ipeaGIT/accessibility 1.4): logistic(20, 2) is 1 at 0 and 0.5 at 20; logistic(30, 10) is 0.502 at 30 (to
// 0.001); stepped(c(10, 20, 30, 40), c(0.75, 0.5, 0.25, 0)) is left-closed: 1, 0.75, 0.5, 0.25, 0 at 0..40.
TEST(FcaWeight, ReproducesRAccessibilityDecayFunctions) {
  cs::access::AccessConfig c;
  c.fca_decay = cs::access::FcaDecay::kLogistic;
  c.cutoff_s = 20 * 60;
  c.fca_sd_s = 2 * 60;
  EXPECT_DOUBLE_EQ(cs::access::fca_weight(c, 0), 1.0);
  EXPECT_NEAR(cs::access::fca_weight(c, 20 * 60), 0.5, 1e-6);
  c.cutoff_s = 30 * 60;
  c.fca_sd_s = 10 * 60;
  EXPECT_NEAR(cs::access::fca_weight(c, 30 * 60), 0.502, 0.001);
  c.fca_decay = cs::access::FcaDecay::kStepped;
  c.zones_s = {600, 1200, 1800, 2400};
  c.zone_weights = {1, 0.75, 0.5, 0.25};
  c.zones_closed = cs::access::ZonesClosed::kLeft;
  const std::vector<double> want{1, 0.75, 0.5, 0.25, 0};
  for (int k = 0; k <= 4; ++k) EXPECT_EQ(cs::access::fca_weight(c, k * 600.0), want[k]) << k;
  c.zones_closed = cs::access::ZonesClosed::kRight;  // the E2SFCA convention: the bound belongs to its zone
  const std::vector<double> right{1, 1, 0.75, 0.5, 0.25};
  for (int k = 0; k <= 4; ++k) EXPECT_EQ(cs::access::fca_weight(c, k * 600.0), right[k]) << k;
  c.fca_decay = cs::access::FcaDecay::kExponential;
  c.fca_beta_per_min = 0.5;
  EXPECT_DOUBLE_EQ(cs::access::fca_weight(c, 120), std::exp(-1.0));
  EXPECT_EQ(cs::access::fca_weight(c, std::numeric_limits<double>::infinity()), 0.0);
}

// fca2, bfca and availability against a direct double loop over the formulas (R accessibility's
// fca_2sfca / fca_bfca / spatial_availability, written out), for every impedance, on 1 and 4 threads (same
// bits); spatial availability shares out every facility that someone reaches, so it sums to their supply.
TEST(Access, FcaFamilyEqualsTheFormulasForEveryImpedance) {
  const auto rc = random_case(cs::test::seed() + 11, 700, 35);
  const std::size_t D = rc.t.rows(), F = rc.t.cols();
  using cs::access::FcaDecay;
  for (const auto decay : {FcaDecay::kBinary, FcaDecay::kExponential, FcaDecay::kLinear, FcaDecay::kLogistic,
                           FcaDecay::kStepped}) {
    cs::access::AccessConfig c;
    c.fca_decay = decay;
    c.cutoff_s = 1200;
    c.fca_beta_per_min = 0.2;
    c.fca_sd_s = 240;
    c.availability_alpha = decay == FcaDecay::kLinear ? 0.5 : 1.0;
    std::vector<double> f(D * F), r(D, 0), col(F, 0), d2(F, 0), dB(F, 0), dA(F, 0);
    for (std::size_t i = 0; i < D; ++i)
      for (std::size_t j = 0; j < F; ++j) r[i] += (f[i * F + j] = cs::access::fca_weight(c, rc.t(i, j)));
    for (std::size_t i = 0; i < D; ++i)
      for (std::size_t j = 0; j < F; ++j) {
        if (!(r[i] > 0)) continue;
        const double w = f[i * F + j];
        col[j] += w;
        d2[j] += rc.P[i] * w;
        dB[j] += rc.P[i] * w / r[i];
        dA[j] += std::pow(rc.P[i], c.availability_alpha) * w;
      }
    cs::Context one, many;
    one.threads = 1;
    many.threads = 4;
    const auto a = cs::access::compute_access(rc.t, rc.P, rc.S, c, one);
    const auto b = cs::access::compute_access(rc.t, rc.P, rc.S, c, many);
    EXPECT_EQ(a.bfca, b.bfca);
    EXPECT_EQ(a.availability, b.availability);
    EXPECT_EQ(a.fca2, b.fca2);
    const auto alone = cs::access::compute_fca(rc.t, rc.P, rc.S, c, many);
    EXPECT_EQ(alone.bfca, a.bfca);
    EXPECT_EQ(alone.availability, a.availability);
    EXPECT_EQ(alone.fca2, a.fca2);
    double total = 0, reached_supply = 0;
    for (std::size_t j = 0; j < F; ++j)
      if (dA[j] > 0) reached_supply += rc.S[j];
    for (std::size_t i = 0; i < D; ++i) {
      double w2 = 0, wB = 0, wA = 0;
      for (std::size_t j = 0; j < F; ++j) {
        const double w = f[i * F + j];
        if (w == 0) continue;
        if (d2[j] > 0) w2 += rc.S[j] / d2[j] * w;
        if (dB[j] > 0) wB += rc.S[j] / dB[j] * w / col[j];
        if (dA[j] > 0) wA += rc.S[j] * std::pow(rc.P[i], c.availability_alpha) * w / dA[j];
      }
      EXPECT_NEAR(a.fca2[i], w2, 1e-9 * (1 + w2)) << i;
      EXPECT_NEAR(a.bfca[i], wB, 1e-9 * (1 + wB)) << i;
      EXPECT_NEAR(a.availability[i], wA, 1e-9 * (1 + wA)) << i;
      total += a.availability[i];
    }
    EXPECT_NEAR(total, reached_supply, 1e-9 * reached_supply);
    if (decay == FcaDecay::kBinary) {  // the binary impedance is the catchment: fca2 is the classic 2SFCA
      for (std::size_t i = 0; i < D; ++i) {
        EXPECT_NEAR(a.fca2[i], a.sfca2[i], 1e-12 * (1 + a.sfca2[i])) << i;
      }
    }
  }
}

TEST(Access, AggregateByGroupIsPopulationWeighted) {
  const std::vector<double> v{10, 20, kInf, 5}, p{1, 3, 2, 0};
  const std::vector<int> g{0, 0, 0, 1};
  const auto a = cs::access::aggregate_by_group(v, p, g, 2);
  EXPECT_DOUBLE_EQ(a[0].mean, (10 + 60) / 4.0);
  EXPECT_DOUBLE_EQ(a[0].population, 6);
  EXPECT_DOUBLE_EQ(a[0].reached_population, 4);
  EXPECT_TRUE(std::isnan(a[1].mean));
}

}  // namespace
