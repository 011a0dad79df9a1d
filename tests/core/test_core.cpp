#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <numeric>
#include <set>
#include <stdexcept>

#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/core/types.hpp>

TEST(Types, SaturatingAddNeverWraps) {
  EXPECT_EQ(cs::sat_add(1, 2), 3u);
  EXPECT_EQ(cs::sat_add(cs::kInfWeight, 1), cs::kInfWeight);
  EXPECT_EQ(cs::sat_add(cs::kInfWeight - 1, 5), cs::kInfWeight);
  EXPECT_TRUE(std::isinf(cs::to_seconds(cs::kInfWeight)));
  EXPECT_FLOAT_EQ(cs::to_seconds(1500), 1.5f);
  EXPECT_EQ(cs::from_seconds(1.5), 1500u);
}

TEST(Error, InputMessageNamesFileWhereAndField) {
  cs::InputError e("villages.csv", "line 12", "population", "negative value -3");
  EXPECT_STREQ(e.what(), "villages.csv: line 12, field 'population': negative value -3");
  EXPECT_EQ(e.exit_code(), 1);
  auto u = cs::unknown_value("decay", "exp2", {"flat", "linear"});
  EXPECT_STREQ(u.what(), "unknown decay 'exp2'; expected one of: flat, linear");
  EXPECT_EQ(u.exit_code(), 2);
}

TEST(Parallel, VisitsEveryIndexOnceAndRethrows) {
  for (int threads : {1, 2, 4}) {
    std::vector<std::atomic<int>> hits(1000);
    cs::parallel_for(hits.size(), threads, [&](std::size_t i, int) { hits[i]++; }, 7);
    for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  }
  EXPECT_THROW(cs::parallel_for(100, 2, [](std::size_t i, int) { if (i == 50) throw std::runtime_error("x"); }),
               std::runtime_error);
}

TEST(Rng, DeterministicAndUnbiasedEnough) {
  cs::Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  cs::Rng r(7);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) counts[r.below(10)]++;
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    double u = r.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}
