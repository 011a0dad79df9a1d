// Standards table parsing (errors name file, entry and key), audit shares by tier/township, worst places and
// carrying capacity, on hand-computed cases.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/access/audit.hpp>

#include "test_support.hpp"

namespace {

TEST(Audit, ShippedStandardsParseAndCite) {
  const auto s = cs::access::default_standards();
  ASSERT_GE(s.size(), 3u);
  bool school = false, beds = false;
  for (const auto& x : s) {
    EXPECT_FALSE(x.source.empty()) << x.id;
    if (x.service == "primary_school" && x.measure == cs::access::AuditMeasure::kNearestMin)
      school = *x.max == 30;
    if (x.service == "hospital" && x.measure == cs::access::AuditMeasure::kSupplyPer1000) beds = *x.min == 6;
  }
  EXPECT_TRUE(school);
  EXPECT_TRUE(beds);
}

TEST(Audit, ParseErrorsNameEntryAndKey) {
  try {
    (void)cs::access::parse_standards("[[standard]]\nid='a'\nservice='x'\nmeasure='nearest_min'\nmax=1\n",
                                      "s.toml");
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(e.what(), "s.toml: line 1, field 'standard[1]': 'source' is missing (a string is required)");
  }
  EXPECT_THROW((void)cs::access::parse_standards(
                   "[[standard]]\nid='a'\nservice='x'\nmeasure='speed'\nmax=1\nsource='s'\n", "s.toml"),
               cs::InputError);
  EXPECT_THROW((void)cs::access::parse_standards(
                   "[[standard]]\nid='a'\nservice='x'\nmeasure='nearest_min'\nsource='s'\n", "s.toml"),
               cs::InputError);
  EXPECT_THROW((void)cs::access::parse_standards(
                   "[[standard]]\nid='a'\nservice='x'\nmeasure='nearest_min'\nmax=1\nmin=2\n"
                   "source='s'\n",
                   "s.toml"),
               cs::InputError);
  EXPECT_THROW((void)cs::access::parse_standards("[[standard]]\nid='a'\nservce='x'\n", "s.toml"),
               cs::InputError);
  EXPECT_THROW((void)cs::access::parse_standards("[[standard]\n", "s.toml"), cs::InputError);
}

TEST(Audit, SharesByTierAndTownshipAndWorst) {
  cs::access::Standard s;
  s.id = "t";
  s.service = "primary_school";
  s.max = 30;
  s.source = "test";
  // Places: seat (unit A), village v1 (unit A), village v2 (unit B).
  const std::vector<cs::access::AuditPlace> places{
      {"Seat", "seat", "A"}, {"v1", "village", "A"}, {"v2", "village", "B"}};
  // Points: seat 10 min (pop 100); v1 20 min (50) and 40 min (10); v2 unreached (5) and 35 min (5).
  const std::vector<double> v{10, 20, 40, INFINITY, 35}, p{100, 50, 10, 5, 5};
  const std::vector<int> place{0, 1, 1, 2, 2};
  const auto a = cs::access::audit_points(s, v, p, place, places);
  EXPECT_DOUBLE_EQ(a.county.population, 170);
  EXPECT_DOUBLE_EQ(a.county.population_beyond, 20);
  // v1's population-weighted value (20*50 + 40*10)/60 = 23.3 is within; v2 has unreached people -> beyond.
  EXPECT_EQ(a.county.places, 3u);
  EXPECT_EQ(a.county.places_beyond, 1u);
  ASSERT_EQ(a.by_tier.size(), 2u);
  EXPECT_EQ(a.by_tier[0].group, "seat");
  EXPECT_DOUBLE_EQ(a.by_tier[1].population_beyond, 20);
  EXPECT_DOUBLE_EQ(a.by_tier[1].pop_share(), 20.0 / 70);
  EXPECT_DOUBLE_EQ(a.by_tier[1].place_share(), 0.5);
  ASSERT_EQ(a.by_unit.size(), 2u);
  EXPECT_EQ(a.by_unit[1].group, "B");
  EXPECT_DOUBLE_EQ(a.by_unit[1].pop_share(), 1.0);
  ASSERT_EQ(a.worst.size(), 1u);
  EXPECT_EQ(a.worst[0].name, "v2");
  EXPECT_TRUE(std::isnan(a.worst[0].value));
}

TEST(Audit, CountyLevelAndCapacity) {
  cs::access::Standard s;
  s.id = "beds";
  s.service = "hospital";
  s.measure = cs::access::AuditMeasure::kSupplyPer1000;
  s.min = 6;
  s.source = "test";
  const auto a = cs::access::audit_county(s, 150, 1, 39000);
  EXPECT_NEAR(a.county_value, 1000.0 * 150 / 39000, 1e-12);
  EXPECT_TRUE(a.county_beyond);
  const std::vector<double> cap{100, NAN, 50}, dem{10000, 5000, 20000};
  const auto c = cs::access::carrying_capacity(cap, dem, 39000, 6);
  EXPECT_EQ(c.known, 2u);
  EXPECT_DOUBLE_EQ(c.total_capacity, 150);
  EXPECT_DOUBLE_EQ(c.rows[0].per_1000, 10);
  EXPECT_DOUBLE_EQ(c.rows[2].shortfall, 120 - 50);
  EXPECT_DOUBLE_EQ(c.rows[0].shortfall, 0);
  EXPECT_TRUE(std::isnan(c.rows[1].per_1000));
  EXPECT_DOUBLE_EQ(c.shortfall, 6 * 39.0 - 150);
}

}  // namespace
