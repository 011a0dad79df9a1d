// County model on the bundled sample (golden facts with tolerances) and the service table.
#include <cmath>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/sources/county_osm.hpp>

#include "test_support.hpp"

namespace {

const std::string kSample = "data/sample/liechtenstein-2024-03-04.osm.pbf";

const cs::County& sample() {
  static const cs::County c = [] {
    cs::Context ctx;
    return cs::load_county_osm(cs::test::source_path(kSample).string(), cs::CountyConfig{}, ctx);
  }();
  return c;
}

TEST(CountySample, SeatAndTiers) {
  const cs::County& c = sample();
  EXPECT_EQ(c.name, "Liechtenstein");
  EXPECT_EQ(c.boundary_admin_level, 2);
  ASSERT_GE(c.seat, 0);
  EXPECT_EQ(c.settlements[static_cast<std::size_t>(c.seat)].name, "Vaduz");
  EXPECT_NE(c.seat_rule.find("admin_centre"), std::string::npos);
  std::map<cs::Tier, int> tiers;
  for (const auto& s : c.settlements) ++tiers[s.tier];
  // 41 place nodes: 2 towns (Vaduz -> seat, Schaan) and 39 village/hamlet/isolated_dwelling.
  EXPECT_EQ(c.settlements.size(), 41u);
  EXPECT_EQ(tiers[cs::Tier::kSeat], 1);
  EXPECT_EQ(tiers[cs::Tier::kTown], 1);
  EXPECT_EQ(tiers[cs::Tier::kVillage], 39);
}

TEST(CountySample, ElevenMunicipalities) {
  const cs::County& c = sample();
  ASSERT_EQ(c.units.size(), 11u);
  std::set<std::string> names;
  for (const auto& u : c.units) {
    names.insert(u.name);
    EXPECT_EQ(u.admin_level, 8);
    EXPECT_FALSE(u.polygons.empty());
  }
  for (const char* n : {"Balzers", "Eschen", "Gamprin", "Mauren", "Planken", "Ruggell", "Schaan",
                        "Schellenberg", "Triesen", "Triesenberg", "Vaduz"})
    EXPECT_TRUE(names.count(n)) << n;
  // Every settlement lies in a municipality.
  for (const auto& s : c.settlements) EXPECT_GE(s.unit, 0) << s.name;
}

TEST(CountySample, FacilitiesByType) {
  const cs::County& c = sample();
  std::map<std::string, int> n;
  for (const auto& f : c.facilities) ++n[c.services.types[f.service].name];
  // One hospital in Vaduz (the one in Feldkirch, Austria, is outside the county and dropped).
  EXPECT_EQ(n["hospital"], 1);
  // The extract is fixed, so the counts are exact (a change of the service rules must show up here).
  EXPECT_EQ(n["kindergarten"], 18);
  EXPECT_EQ(n["doctors"], 11);
  EXPECT_EQ(n["pharmacy"], 6);
  EXPECT_EQ(n["clinic"], 1);
  EXPECT_EQ(n["elderly_care"], 2);
  EXPECT_EQ(n["town_hall"], 11);
  EXPECT_EQ(n["market"], 16);
  // Liechtenstein's schools carry no ISCED level tag: all are the generic type.
  EXPECT_EQ(n["primary_school"] + n["middle_school"], 0);
  EXPECT_EQ(n["school"], 18);
  EXPECT_EQ(c.facilities.size(), 84u);
  for (const auto& f : c.facilities) EXPECT_NE(f.unit, -1) << f.name;
}

TEST(CountySample, DemandAndPopulation) {
  const cs::County& c = sample();
  // 17,717 buildings, of which 13,143 are demand points (dwellings); the extract is fixed, so exact.
  EXPECT_EQ(c.buildings_total, 17717u);
  EXPECT_EQ(c.demand.size(), 13143u);
  // No admin unit carries population; 13 settlements do (sum 40,158).
  EXPECT_NE(c.demand_source.find("settlement population tags"), std::string::npos) << c.demand_source;
  double tagged = 0, sum = 0, est_s = 0, est_u = 0;
  for (const auto& s : c.settlements)
    if (std::isfinite(s.population)) tagged += s.population;
  EXPECT_DOUBLE_EQ(tagged, 40158.0);
  for (const auto& d : c.demand) {
    EXPECT_GT(d.floor_area_m2, 0.0);
    EXPECT_GE(d.population, 0.0);
    sum += d.population;
  }
  for (const auto& s : c.settlements) est_s += s.population_est;
  for (const auto& u : c.units) est_u += u.population_est;
  EXPECT_NEAR(sum, tagged, 1e-6 * tagged);
  EXPECT_NEAR(c.total_population, tagged, 1e-6 * tagged);
  EXPECT_NEAR(est_s, sum, 1e-6 * sum);
  EXPECT_NEAR(est_u, sum, 1e-3 * sum);  // a few buildings may lie outside every unit polygon
  const auto& vaduz = c.settlements[static_cast<std::size_t>(c.seat)];
  EXPECT_GT(vaduz.population_est, 2000.0);
}

TEST(CountySample, SeatByNameAndErrors) {
  cs::Context ctx;
  cs::CountyConfig cfg;
  cfg.seat = "schaan";
  const cs::County c = cs::load_county_osm(cs::test::source_path(kSample).string(), cfg, ctx);
  EXPECT_EQ(c.settlements[static_cast<std::size_t>(c.seat)].name, "Schaan");
  EXPECT_EQ(c.seat_rule, "configured name");
  cfg.seat = "Vaduzz";
  try {
    (void)cs::load_county_osm(cs::test::source_path(kSample).string(), cfg, ctx);
    FAIL() << "expected UsageError";
  } catch (const cs::UsageError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("'Vaduzz'"), std::string::npos) << m;
    EXPECT_NE(m.find("closest names: Vaduz"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
  }
}

TEST(ServiceTable, DefaultTableAndUnknownName) {
  const cs::ServiceTable t = cs::default_service_table();
  for (const char* n : {"hospital", "clinic", "doctors", "pharmacy", "primary_school", "middle_school",
                        "school", "kindergarten", "elderly_care", "town_hall", "market"})
    EXPECT_NO_THROW((void)t.index(n)) << n;
  try {
    (void)t.index("hopsital");
    FAIL();
  } catch (const cs::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("hospital, clinic"), std::string::npos) << e.what();
  }
  // The shipped file is the compiled-in table.
  const cs::ServiceTable f =
      cs::load_service_table(cs::test::source_path("data/config/services.toml").string());
  ASSERT_EQ(f.types.size(), t.types.size());
  for (std::size_t i = 0; i < t.types.size(); ++i) EXPECT_EQ(f.types[i].rules, t.types[i].rules);
}

TEST(ServiceTable, RuleMatching) {
  const cs::ServiceTable t = cs::default_service_table();
  auto match = [&](std::map<std::string, std::string> tags) {
    std::vector<std::string> out;
    for (auto i : cs::match_services(t, [&](std::string_view k) -> const char* {
           auto it = tags.find(std::string(k));
           return it == tags.end() ? nullptr : it->second.c_str();
         }))
      out.push_back(t.types[i].name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(match({{"amenity", "school"}, {"isced:level", "1;2"}}), (V{"primary_school", "middle_school"}));
  EXPECT_EQ(match({{"amenity", "school"}, {"isced:level", "0-1"}}), (V{"primary_school"}));
  EXPECT_EQ(match({{"amenity", "school"}, {"isced:level", "12"}}), V{});
  EXPECT_EQ(match({{"amenity", "school"}}), (V{"school"}));
  EXPECT_EQ(match({{"amenity", "pharmacy"}, {"healthcare", "pharmacy"}}), (V{"pharmacy"}));
  EXPECT_EQ(match({{"healthcare", "centre"}}), (V{"clinic"}));
  EXPECT_EQ(match({{"shop", "bakery"}}), V{});
}

TEST(ServiceTable, MalformedTablesNameFileAndKey) {
  auto msg = [](std::string_view text) {
    try {
      (void)cs::parse_service_table(text, "my.toml");
    } catch (const cs::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(msg("[[service]]\nname='a'\nrules=['amenity=']\n").find("my.toml: service 'a', field 'rules'"),
            std::string::npos);
  EXPECT_NE(msg("[[service]]\nname='a'\nrule=['amenity=x']\n").find("field 'service[1].rule': unknown key; valid keys"),
            std::string::npos);
  EXPECT_NE(msg("[[service]]\nname='a'\nrules=['x']\n[[service]]\nname='a'\nrules=['y']\n").find("duplicate"),
            std::string::npos);
  EXPECT_NE(msg("[[service]\n").find("my.toml: line 1"), std::string::npos);
}

}  // namespace
