// Unit tests of the assessment's parsing layer: formulas over columns and the TOML indicator system.
#include <cmath>

#include <gtest/gtest.h>

#include <countyscope/assess/assess.hpp>

#include "test_support.hpp"

namespace a = cs::assess;

TEST(AssessFormula, ParsesAndEvaluates) {
  const auto f = a::Formula::parse("1 - a / (b + \"c d\") * 2", "test");
  ASSERT_EQ(f.columns().size(), 3u);
  const double v[3] = {3, 1, 2};
  EXPECT_NEAR(f.eval(v), 1 - 3.0 / 3.0 * 2, 1e-15);
  const double z[3] = {1, 0, 0};
  EXPECT_TRUE(std::isnan(f.eval(z)));  // division by zero is a missing value
  EXPECT_THROW((void)a::Formula::parse("a +", "test"), cs::InputError);
  EXPECT_THROW((void)a::Formula::parse("(a", "test"), cs::InputError);
  EXPECT_NEAR(a::Formula::parse("-x*-2", "t").eval(v), 6, 1e-15);
}

TEST(AssessSystem, DefaultSystemLoadsAndRegionsCoverAllProvinces) {
  const auto sys = a::load_indicator_system(cs::test::source_path("data/config/integration.toml").string());
  EXPECT_EQ(sys.dimensions.size(), 3u);
  EXPECT_GE(sys.indicators.size(), 9u);
  for (const auto& i : sys.indicators) EXPECT_FALSE(i.why.empty()) << i.id;
  for (const char* p :
       {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
        "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"})
    EXPECT_NE(a::region_of(std::string(p) + "0101"), "unknown") << p;
  EXPECT_EQ(a::region_of("210102"), "north-east");
  EXPECT_THROW((void)a::parse_indicator_system("name='x'\n[[dimension]]\nid='a'\n", "t.toml"),
               cs::InputError);
}
