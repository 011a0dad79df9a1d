// Standards table parsing (errors name file, entry and key), audit shares by tier/township, worst places and
// carrying capacity, on hand-computed cases.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/access/audit.hpp>
#include <countyscope/access/study.hpp>
#include <countyscope/core/context.hpp>

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

namespace {

// A declared service with no facility fails its standards (issue 15: never "not applicable"); a service left
// out by the `services` option, or one the service table does not know, is not applicable.
cs::Json audit_of(const cs::Json& section, const std::string& id) {
  for (const cs::Json& a : section.at("audit"))
    if (a.at("id") == id) return a;
  ADD_FAILURE() << "no audit row " << id;
  return {};
}

TEST(Audit, DeclaredServiceWithoutFacilitiesFailsItsStandards) {
  // Two demand points (100 and 300 people), one school 600 s away from both; the service table also declares
  // clinics and hospitals, of which the county has none.
  cs::TimeMatrix times(2, 1, 600.0f);
  cs::access::AccessInputs in;
  in.times = &times;
  in.population = {100, 300};
  in.facility_id = {"s1"};
  in.facility_name = {"School"};
  in.facility_service = {0};
  in.facility_capacity = {std::nan("")};
  in.service_names = {"primary_school", "clinic", "hospital"};
  auto parse = [](const char* text) { return cs::access::parse_standards(text, "test.toml"); };
  cs::access::AccessStudyConfig cfg;
  cfg.standards = parse(
      "[[standard]]\nid='school'\nservice='primary_school'\nmeasure='nearest_min'\nmax=30\nsource='t'\n"
      "[[standard]]\nid='clinic'\nservice='clinic'\nmeasure='nearest_min'\nmax=30\nsource='t'\n"
      "[[standard]]\nid='hospital'\nservice='hospital'\nmeasure='facilities'\nmin=1\nsource='t'\n"
      "[[standard]]\nid='fire'\nservice='fire_station'\nmeasure='nearest_min'\nmax=15\nsource='t'\n");
  cs::Context ctx;
  const cs::Json sec = cs::access::run_access_study(in, cfg, ctx).outputs.section;
  const cs::Json school = audit_of(sec, "school"), clinic = audit_of(sec, "clinic"),
                 hospital = audit_of(sec, "hospital"), fire = audit_of(sec, "fire");
  EXPECT_TRUE(school.at("applicable").get<bool>());
  EXPECT_EQ(school.at("county").at("population_beyond").get<double>(), 0.0);
  EXPECT_TRUE(clinic.at("applicable").get<bool>());
  EXPECT_EQ(clinic.at("county").at("population_beyond").get<double>(), 400.0);
  EXPECT_EQ(clinic.at("reason"), "no facility of service type 'clinic' in the county");
  EXPECT_TRUE(hospital.at("applicable").get<bool>());
  EXPECT_EQ(hospital.at("county_value").get<double>(), 0.0);
  EXPECT_TRUE(hospital.at("county_beyond").get<bool>());
  EXPECT_FALSE(fire.at("applicable").get<bool>());
  EXPECT_EQ(fire.at("reason"), "service type 'fire_station' is not in the service table");

  // Only schools studied on request: the clinic standard is then not applicable, not failed.
  cfg.options.services = {"primary_school"};
  const cs::Json only = cs::access::run_access_study(in, cfg, ctx).outputs.section;
  EXPECT_FALSE(audit_of(only, "clinic").at("applicable").get<bool>());

  // A county with no facility at all is still audited: every declared standard fails.
  cs::TimeMatrix none(2, 0);
  in.times = &none;
  in.facility_id.clear();
  in.facility_name.clear();
  in.facility_service.clear();
  in.facility_capacity.clear();
  cfg.options.services.clear();
  const cs::Json empty = cs::access::run_access_study(in, cfg, ctx).outputs.section;
  EXPECT_EQ(audit_of(empty, "school").at("county").at("population_beyond").get<double>(), 400.0);
  EXPECT_TRUE(audit_of(empty, "hospital").at("county_beyond").get<bool>());

  // Schools whose level is not tagged may be primary schools: the primary-school standard is unknown, not
  // failed, while clinics (no untyped parent) still fail.
  cs::TimeMatrix one(2, 1, 600.0f);
  in.times = &one;
  in.facility_id = {"x1"};
  in.facility_name = {"School"};
  in.facility_service = {3};
  in.facility_capacity = {std::nan("")};
  in.service_names = {"primary_school", "clinic", "hospital", "school"};
  in.service_untyped = {"school", "", "", ""};
  const cs::Json untyped = cs::access::run_access_study(in, cfg, ctx).outputs.section;
  EXPECT_EQ(audit_of(untyped, "school").at("status"), "unknown");
  EXPECT_FALSE(audit_of(untyped, "school").at("applicable").get<bool>());
  EXPECT_TRUE(audit_of(untyped, "clinic").at("applicable").get<bool>());
}

}  // namespace
