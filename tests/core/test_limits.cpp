// Memory limits (issue 13): sizes parse as a user writes them, estimates saturate instead of wrapping, and a
// request beyond the limit is refused with the size needed and the option that changes it.
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/memory.hpp>

TEST(Memory, ParsesSizesAndShares) {
  EXPECT_EQ(cs::parse_memory_size("512M"), 512000000u);
  EXPECT_EQ(cs::parse_memory_size("8G"), 8000000000u);
  EXPECT_EQ(cs::parse_memory_size("2GiB"), 2147483648u);
  EXPECT_EQ(cs::parse_memory_size("1.5 gb"), 1500000000u);
  EXPECT_EQ(cs::parse_memory_size("4096"), 4096u);
  ASSERT_GT(cs::physical_memory_bytes(), 0u);
  const auto half = cs::parse_memory_size("50%");
  ASSERT_TRUE(half);
  EXPECT_NEAR(static_cast<double>(*half), 0.5 * static_cast<double>(cs::physical_memory_bytes()), 1.0);
  for (const char* bad : {"", "G", "-1G", "0", "nan", "inf", "12X", "150%", "1e30"})
    EXPECT_FALSE(cs::parse_memory_size(bad)) << bad;
}

TEST(Memory, EstimatesSaturate) {
  const auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(cs::bytes_for<float>(100000, 100000), 40000000000u);
  EXPECT_EQ(cs::mul_sat(1ull << 40, 1ull << 40), max);
  EXPECT_EQ(cs::add_sat(max, 1), max);
}

TEST(Memory, RefusesBeyondTheLimitNamingSizeAndOption) {
  cs::Context ctx;
  ctx.max_memory = 1000000;  // 1 MB
  EXPECT_NO_THROW(cs::check_memory(ctx, 999999, "x"));
  try {
    cs::check_matrix_memory(ctx, 100000, 100000);
    FAIL();
  } catch (const cs::ResourceError& e) {
    EXPECT_STREQ(
        e.what(),
        "travel-time matrix of 100000 x 100000 points needs 40 GB, more than the memory limit of 1.0 MB "
        "(--max-memory; the default is 75 % of physical memory); use fewer points, or split the origins "
        "into several runs");
    EXPECT_EQ(e.exit_code(), 1);
  }
  // The default is 75 % of physical memory.
  cs::Context dflt;
  EXPECT_NEAR(static_cast<double>(cs::memory_limit(dflt)),
              0.75 * static_cast<double>(cs::physical_memory_bytes()), 1.0);
}
