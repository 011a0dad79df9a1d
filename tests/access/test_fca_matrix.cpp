// The prepared FCA matrix (cs::access::FcaMatrix): its queries give the same bits as compute_fca on the dense
// matrix it was built from (itself checked against the formulas' double loop in test_access.cpp), for every
// impedance, both catchments, any subset of the measures, 1 and 4 threads, the AVX-512 and the portable
// kernels; 8-bit codes (<= 256 distinct times), 16-bit codes, and the dense fallback (> 65,535 distinct).
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/access/access.hpp>
#include <countyscope/core/rng.hpp>

#include "test_support.hpp"

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
using cs::access::FcaDecay;

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

struct Case {
  cs::TimeMatrix t;
  std::vector<double> P, S;
};

// D x F times drawn by `time` (seconds), some pairs without a path (+inf or NaN), one row and one column with
// no path at all, some zero populations.
template <class Time>
Case make_case(std::uint64_t seed, std::size_t D, std::size_t F, Time time) {
  cs::Rng rng(seed);
  Case c{cs::TimeMatrix(D, F), std::vector<double>(D), std::vector<double>(F)};
  for (std::size_t i = 0; i < D; ++i)
    for (std::size_t j = 0; j < F; ++j) {
      const double u = rng.uniform();
      c.t(i, j) = i == 3 || j == 5 ? kInf
                  : u < 0.04       ? kInf
                  : u < 0.05       ? std::numeric_limits<float>::quiet_NaN()
                                   : time(rng);
    }
  for (auto& p : c.P) p = rng.uniform() < 0.1 ? 0.0 : 1.0 + static_cast<double>(rng.below(500));
  for (auto& s : c.S) s = 1.0 + static_cast<double>(rng.below(20));
  return c;
}

void expect_prepared_equals_dense(const Case& c, int bits, const char* what) {
  const cs::access::FcaMatrix m(c.t);
  ASSERT_EQ(m.code_bits(), bits) << what;
  ASSERT_EQ(m.rows(), c.t.rows());
  ASSERT_EQ(m.cols(), c.t.cols());
  for (const auto decay : {FcaDecay::kBinary, FcaDecay::kExponential, FcaDecay::kLinear, FcaDecay::kLogistic,
                           FcaDecay::kStepped})
    for (const auto catchment : {cs::access::Catchment::kInclusive, cs::access::Catchment::kExclusive}) {
      cs::access::AccessConfig cfg;
      cfg.fca_decay = decay;
      cfg.catchment = catchment;
      cfg.cutoff_s = 1500;  // a time of the 8-bit case (whole minutes): both catchments differ
      cfg.fca_beta_per_min = 0.15;
      cfg.fca_sd_s = 240;
      cfg.availability_alpha = decay == FcaDecay::kLinear ? 0.5 : 1.0;
      cfg.unreached =
          decay == FcaDecay::kBinary ? cs::access::Unreached::kNull : cs::access::Unreached::kZero;
      cs::Context one;
      one.threads = 1;
      const auto dense = cs::access::compute_fca(c.t, c.P, c.S, cfg, one);
      for (const unsigned measures :
           {unsigned{cs::access::kFcaAll}, unsigned{cs::access::kFcaBfca}, unsigned{cs::access::kFcaFca2},
            unsigned{cs::access::kFcaAvailability}, unsigned{cs::access::kFcaFca2 | cs::access::kFcaBfca}})
        for (const int threads : {1, 4})
          for (const bool portable : {false, true}) {
            const bool before = cs::access::fca_portable_kernels(portable);
            cs::Context ctx;
            ctx.threads = threads;
            const auto p = cs::access::compute_fca(m, c.P, c.S, cfg, ctx, {}, measures);
            const auto d = cs::access::compute_fca(c.t, c.P, c.S, cfg, ctx, {}, measures);
            cs::access::fca_portable_kernels(before);
            const auto expect = [&](unsigned bit, const std::vector<double>& got,
                                    const std::vector<double>& dn, const std::vector<double>& all,
                                    const char* name) {
              if (measures & bit) {
                EXPECT_TRUE(same_bits(got, all))
                    << what << " " << name << " decay " << int(decay) << " catchment " << int(catchment)
                    << " measures " << measures << " threads " << threads << " portable " << portable;
                EXPECT_TRUE(same_bits(dn, all)) << what << " dense " << name << " measures " << measures;
              } else {
                EXPECT_TRUE(got.empty() && dn.empty()) << name << " not asked for";
              }
            };
            expect(cs::access::kFcaFca2, p.fca2, d.fca2, dense.fca2, "fca2");
            expect(cs::access::kFcaBfca, p.bfca, d.bfca, dense.bfca, "bfca");
            expect(cs::access::kFcaAvailability, p.availability, d.availability, dense.availability,
                   "availability");
          }
    }
}

TEST(FcaMatrix, WholeMinutesEightBitCodesEqualTheDenseMatrix) {
  // 0 .. 59 whole minutes: 60 distinct times + inf (NaN counted as inf). F = 97: a partial 64-column word.
  const auto c = make_case(cs::test::seed(), 300, 97, [](cs::Rng& r) {
    return static_cast<float>(60.0 * static_cast<double>(r.below(60)));
  });
  expect_prepared_equals_dense(c, 8, "8-bit");
  const cs::access::FcaMatrix m(c.t);
  EXPECT_EQ(m.distinct(), 61u);
}

TEST(FcaMatrix, SixteenBitCodesEqualTheDenseMatrix) {
  // Seconds 0 .. 2999: up to 3,000 distinct times.
  const auto c =
      make_case(cs::test::seed() + 1, 211, 150, [](cs::Rng& r) { return static_cast<float>(r.below(3000)); });
  expect_prepared_equals_dense(c, 16, "16-bit");
}

TEST(FcaMatrix, MoreThan65535DistinctTimesKeepTheDenseMatrix) {
  // 280 x 250 = 70,000 times, almost all distinct: the dense fallback.
  const auto c = make_case(cs::test::seed() + 2, 280, 250,
                           [](cs::Rng& r) { return static_cast<float>(3000.0 * r.uniform()); });
  expect_prepared_equals_dense(c, 0, "dense fallback");
  EXPECT_EQ(cs::access::FcaMatrix(c.t).distinct(), 0u);
}

TEST(FcaMatrix, CodeWidthAtTheLimits) {
  // 256 distinct times: 8 bits, 257: 16 bits, 65,535: 16 bits, 65,536: dense.
  for (const auto& [n, bits] :
       {std::pair{256u, 8}, std::pair{257u, 16}, std::pair{65535u, 16}, std::pair{65536u, 0}}) {
    cs::TimeMatrix t(1, n);
    for (std::size_t j = 0; j < n; ++j) t(0, j) = static_cast<float>(j);
    const cs::access::FcaMatrix m(t);
    EXPECT_EQ(m.code_bits(), bits) << n;
    EXPECT_EQ(m.distinct(), bits ? n : 0u) << n;
  }
}

TEST(FcaMatrix, EveryOneOf256DistinctTimesInReach) {
  // 8-bit codes and a cutoff above every time: the count of times in reach (256) does not fit a code.
  cs::Rng rng(cs::test::seed() + 3);
  cs::TimeMatrix t(40, 70);
  for (auto& x : t.storage()) x = static_cast<float>(rng.below(256));
  for (std::size_t j = 0; j < 70; ++j) t(0, j) = static_cast<float>(j);  // make sure all 256 appear
  for (std::size_t j = 0; j < 70; ++j) t(1, j) = static_cast<float>(70 + j);
  for (std::size_t j = 0; j < 70; ++j) t(2, j) = static_cast<float>(140 + j);
  for (std::size_t j = 0; j < 46; ++j) t(3, j) = static_cast<float>(210 + j);
  const cs::access::FcaMatrix m(t);
  ASSERT_EQ(m.code_bits(), 8);
  ASSERT_EQ(m.distinct(), 256u);
  std::vector<double> P(40, 10.0), S(70, 2.0);
  cs::access::AccessConfig cfg;
  cfg.cutoff_s = 1000;
  cs::Context ctx;
  const auto p = cs::access::compute_fca(m, P, S, cfg, ctx);
  const auto d = cs::access::compute_fca(t, P, S, cfg, ctx);
  EXPECT_TRUE(same_bits(p.bfca, d.bfca));
  EXPECT_TRUE(same_bits(p.fca2, d.fca2));
  EXPECT_TRUE(same_bits(p.availability, d.availability));
  // Everyone reaches everything: 2SFCA gives each point the total supply over the total population.
  EXPECT_NEAR(p.fca2[7], 70 * 2.0 / 400.0, 1e-12);
}

TEST(FcaMatrix, ChecksItsInputsLikeTheDensePath) {
  cs::TimeMatrix t(2, 2);
  t.storage() = {60, 120, 180, kInf};
  const cs::access::FcaMatrix m(t);
  cs::Context ctx;
  const cs::access::AccessConfig cfg;
  EXPECT_THROW(
      (void)cs::access::compute_fca(m, std::vector<double>{1.0}, std::vector<double>{1, 1}, cfg, ctx),
      cs::InputError);
  EXPECT_THROW(
      (void)cs::access::compute_fca(m, std::vector<double>{1, -1}, std::vector<double>{1, 1}, cfg, ctx),
      cs::InputError);
}

}  // namespace
