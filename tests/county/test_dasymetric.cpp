// Dasymetric demand and the OSM reading rules on a tiny hand-made county (data/fixtures/tiny-county.osm),
// with expected values worked out by hand (see data/fixtures/README.md), plus the fallbacks on hand-built
// counties.
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/sources/county_osm.hpp>

#include "test_support.hpp"

namespace {

constexpr double kDegM = 6'371'008.8 * 3.14159265358979323846 / 180.0;
const double kA = (0.0001 * kDegM) * (0.0001 * kDegM);  // footprint of a 0.0001° square at the equator

cs::County tiny(const cs::CountyConfig& cfg = {}) {
  cs::Context ctx;
  return cs::load_county_osm(cs::test::source_path("data/fixtures/tiny-county.osm").string(), cfg, ctx);
}

TEST(TinyCounty, ModelFromOsm) {
  const cs::County c = tiny();
  EXPECT_EQ(c.name, "Testshire");
  EXPECT_EQ(c.boundary_admin_level, 6);
  ASSERT_EQ(c.settlements.size(), 3u);                                      // Delta lies outside the county
  EXPECT_EQ(c.settlements[static_cast<std::size_t>(c.seat)].name, "Beta");  // admin_centre, not the town
  EXPECT_EQ(c.settlements[static_cast<std::size_t>(c.seat)].name_zh, "贝塔");
  EXPECT_EQ(c.settlements[static_cast<std::size_t>(c.seat)].name_en, "Beta Village");
  EXPECT_EQ(c.name_en, "Testshire County");
  EXPECT_EQ(c.settlements[0].name_en, "");
  EXPECT_EQ(c.settlements[0].tier, cs::Tier::kTown);
  EXPECT_EQ(c.settlements[2].tier, cs::Tier::kVillage);
  ASSERT_EQ(c.units.size(), 2u);  // "Outside" is not in the county
  EXPECT_EQ(c.units[0].name, "East");
  EXPECT_EQ(c.units[1].name, "West");
  EXPECT_EQ(c.units[1].code, "W01");
  // 10 buildings: house, apartments, yes in residential landuse, detached, yes in no landuse are dwellings;
  // a shop, a garage, yes in industrial landuse and a tiny shed are not; one house is outside the county.
  EXPECT_EQ(c.buildings_total, 10u);
  ASSERT_EQ(c.demand.size(), 5u);
  std::map<std::string, int> n;
  for (const auto& f : c.facilities) ++n[c.services.types[f.service].name];
  EXPECT_EQ(n["primary_school"], 1);
  EXPECT_EQ(n["middle_school"], 1);  // isced:level=1;2 is both
  EXPECT_EQ(n["hospital"], 1);       // node inside the hospital area is the same hospital
  EXPECT_EQ(n["pharmacy"], 1);       // amenity + healthcare tags: one pharmacy; the one outside is dropped
  EXPECT_EQ(c.facilities.size(), 4u);
  for (const auto& f : c.facilities)
    if (c.services.types[f.service].name == "hospital") {
      EXPECT_EQ(f.capacity, 50.0);
      EXPECT_EQ(f.name, "Alpha Hospital");
      EXPECT_EQ(f.osm_type, 'w');
    }
}

TEST(TinyCounty, LandUseAreas) {
  // The fixture's two landuse ways: residential 0.0025 x 0.001 degrees at (0.00325, 0.007), industrial 0.002
  // x 0.002 degrees at (0.012, 0.002) - at the equator, so degrees of longitude and latitude are kDegM
  // metres.
  const cs::County c = tiny();
  ASSERT_EQ(c.landuse.size(), 2u);
  std::map<std::string, cs::County::LandUse> by;
  for (const auto& a : c.landuse) by[a.cls] = a;
  EXPECT_NEAR(by["residential"].area_m2, 0.0025 * 0.001 * kDegM * kDegM, 1e-5 * by["residential"].area_m2);
  EXPECT_NEAR(by["industrial"].area_m2, 0.002 * 0.002 * kDegM * kDegM, 1e-5 * by["industrial"].area_m2);
  EXPECT_NEAR(by["residential"].centroid.lon, 0.00325, 1e-9);
  EXPECT_NEAR(by["residential"].centroid.lat, 0.007, 1e-9);
  EXPECT_NEAR(by["industrial"].centroid.lon, 0.012, 1e-9);
}

TEST(TinyCounty, UnitTotalsSpreadByFloorArea) {
  const cs::County c = tiny();
  EXPECT_NE(c.demand_source.find("admin unit population tags"), std::string::npos) << c.demand_source;
  // West (1000 people) holds floor areas 2A, 3A, A; East is untagged but holds the village Beta (tagged 300):
  // its points share Beta's 300 by floor area (A, 2A), not West's density 1000/6A.
  std::vector<double> pops, floors;
  for (const auto& d : c.demand) {
    pops.push_back(d.population);
    floors.push_back(d.floor_area_m2 / kA);
  }
  ASSERT_EQ(pops.size(), 5u);
  // Demand points are ordered by way id: W1 (house, 2 levels), W2 (apartments, 3), W3 (yes), E1 (detached),
  // E4 (yes, 2).
  const std::vector<double> want_floor = {2, 3, 1, 1, 2};
  const std::vector<double> want_pop = {1000.0 * 2 / 6, 1000.0 * 3 / 6, 1000.0 / 6, 300.0 / 3, 300.0 * 2 / 3};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(floors[i], want_floor[i], 1e-4) << i;
    EXPECT_NEAR(pops[i], want_pop[i], 1e-3) << i;
  }
  EXPECT_NEAR(c.total_population, 1300.0, 1e-6);
  EXPECT_NEAR(c.units[1].population_est, 1000.0, 1e-6);  // West
  EXPECT_NEAR(c.units[0].population_est, 300.0, 1e-6);   // East
}

// A hand-built county: two units (untagged), settlements A (tagged 600, unit 0), B (untagged, unit 0) and
// C (tagged 100, unit 1); demand points with given floor areas.
cs::County handmade() {
  cs::County c;
  auto square = [](double x0, double x1) {
    return std::vector<std::vector<std::vector<cs::LonLat>>>{{{{x0, 0}, {x1, 0}, {x1, 1}, {x0, 1}}}};
  };
  c.units.resize(2);
  c.units[0].polygons = square(0, 1);
  c.units[1].polygons = square(1, 2);
  auto settle = [&](double x, double pop) {
    cs::Settlement s;
    s.pos = {x, 0.5};
    s.population = pop;
    c.settlements.push_back(s);
  };
  settle(0.2, 600);
  settle(0.8, cs::kUnknown);
  settle(1.5, 100);
  auto dem = [&](double x, double fa) {
    cs::DemandPoint d;
    d.pos = {x, 0.5};
    d.floor_area_m2 = fa;
    c.demand.push_back(d);
  };
  dem(0.1, 100);  // nearest A
  dem(0.9, 200);  // nearest B, but takes A's total (nearest tagged settlement in its unit)
  dem(1.1, 50);   // unit 1: nearest tagged in unit is C (although A... is not in unit 1)
  dem(1.9, 50);
  return c;
}

TEST(Dasymetric, SettlementTotalsNearestTaggedInUnit) {
  cs::County c = handmade();
  cs::Context ctx;
  cs::allocate_population(c, cs::CountyConfig{}, ctx);
  EXPECT_NE(c.demand_source.find("settlement population tags"), std::string::npos);
  EXPECT_NEAR(c.demand[0].population, 200.0, 1e-9);  // 600 * 100/300
  EXPECT_NEAR(c.demand[1].population, 400.0, 1e-9);
  EXPECT_NEAR(c.demand[2].population, 50.0, 1e-9);
  EXPECT_NEAR(c.demand[3].population, 50.0, 1e-9);
  EXPECT_NEAR(c.total_population, 700.0, 1e-9);
  EXPECT_EQ(c.demand[1].settlement, 1);  // nearest settlement overall is B
  EXPECT_NEAR(c.settlements[0].population_est, 200.0, 1e-9);
  // Estimates go to the nearest settlement of any kind: the point at x=1.1 is nearer B (0.8) than C (1.5).
  EXPECT_NEAR(c.settlements[1].population_est, 450.0, 1e-9);
  EXPECT_NEAR(c.settlements[2].population_est, 50.0, 1e-9);
  EXPECT_NEAR(c.units[0].population_est, 600.0, 1e-9);
  EXPECT_NEAR(c.units[1].population_est, 100.0, 1e-9);
}

TEST(Dasymetric, ConfiguredTotalThenFloorArea) {
  cs::County c = handmade();
  for (auto& s : c.settlements) s.population = cs::kUnknown;
  cs::Context ctx;
  cs::CountyConfig cfg;
  cfg.total_population = 1000;
  cs::allocate_population(c, cfg, ctx);
  EXPECT_NE(c.demand_source.find("configured total"), std::string::npos);
  EXPECT_NEAR(c.demand[1].population, 500.0, 1e-9);  // 1000 * 200/400
  EXPECT_NEAR(c.total_population, 1000.0, 1e-9);
  cfg.total_population = cs::kUnknown;
  cfg.floor_area_per_person_m2 = 25;
  cs::allocate_population(c, cfg, ctx);
  EXPECT_NE(c.demand_source.find("floor area at 25 m2 per person"), std::string::npos) << c.demand_source;
  EXPECT_NEAR(c.demand[0].population, 4.0, 1e-9);
  EXPECT_NEAR(c.total_population, 16.0, 1e-9);
}

TEST(Dasymetric, UnitTagsWinOverSettlementTags) {
  cs::County c = handmade();
  c.units[1].population = 90;
  cs::Context ctx;
  cs::allocate_population(c, cs::CountyConfig{}, ctx);
  EXPECT_NE(c.demand_source.find("admin unit population tags"), std::string::npos);
  EXPECT_NEAR(c.demand[2].population, 45.0, 1e-9);
  // Unit 0 is untagged but holds the tagged settlement A (600): its points take A's total (issue 15: Monaco's
  // untagged French communes were filled at the tagged unit's density, doubling the population), not the
  // tagged units' density 90/100 per m2.
  EXPECT_NE(c.demand_source.find("others by their settlements' tags"), std::string::npos) << c.demand_source;
  EXPECT_NEAR(c.demand[0].population, 200.0, 1e-9);
  EXPECT_NEAR(c.demand[1].population, 400.0, 1e-9);
  EXPECT_NEAR(c.total_population, 690.0, 1e-9);
  // With no tagged settlement in it, an untagged unit still takes the tagged units' density.
  cs::County d = handmade();
  d.units[1].population = 90;
  d.settlements[0].population = cs::kUnknown;
  cs::allocate_population(d, cs::CountyConfig{}, ctx);
  EXPECT_NEAR(d.demand[0].population, 90.0, 1e-9);  // 0.9 per m2 x 100 m2
}

TEST(Dasymetric, ConfiguredTotalIsAControlTotal) {
  // Tags shape the spread, the configured county total sets the sum (issue 15: Andorra's 80,000 was ignored
  // because one settlement carried a tag).
  cs::County c = handmade();
  cs::Context ctx;
  cs::CountyConfig cfg;
  cfg.total_population = 1400;
  cs::allocate_population(c, cfg, ctx);
  EXPECT_NE(c.demand_source.find("scaled to the configured county total (1400)"), std::string::npos)
      << c.demand_source;
  EXPECT_NEAR(c.demand[0].population, 400.0, 1e-9);  // 2 x (600 * 100/300)
  EXPECT_NEAR(c.demand[2].population, 100.0, 1e-9);
  EXPECT_NEAR(c.total_population, 1400.0, 1e-9);
  EXPECT_NEAR(c.units[0].population_est + c.units[1].population_est, 1400.0, 1e-9);
}

TEST(CountyErrors, BadFilesGiveOneLine) {
  cs::test::TempDir dir;
  cs::Context ctx;
  auto expect_input_error = [&](const std::string& name, const std::string& bytes,
                                const std::string& needle) {
    const auto p = dir / name;
    FILE* f = std::fopen(p.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    try {
      (void)cs::load_county_osm(p.string(), cs::CountyConfig{}, ctx);
      ADD_FAILURE() << name << ": no error";
    } catch (const cs::InputError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find(p.string()), std::string::npos) << m;
      EXPECT_NE(m.find(needle), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  };
  expect_input_error("empty.osm.pbf", "", "empty file");
  expect_input_error("junk.osm.pbf", std::string(1000, 'x'), "not a readable OSM file");
  expect_input_error("junk.osm", "hello, world\n", "not a readable OSM file");
  expect_input_error("noplace.osm",
                     "<?xml version='1.0'?><osm version='0.6'><node id='1' lat='0' lon='0'/></osm>",
                     "no settlements");
  const std::string pbf = cs::test::source_path("data/sample/liechtenstein-2024-03-04.osm.pbf").string();
  std::string bytes;
  {
    FILE* f = std::fopen(pbf.c_str(), "rb");
    bytes.resize(1'000'000);
    bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
    std::fclose(f);
  }
  expect_input_error("truncated.osm.pbf", bytes, "not a readable OSM file");
  EXPECT_THROW((void)cs::load_county_osm((dir / "missing.osm.pbf").string(), cs::CountyConfig{}, ctx),
               cs::IoError);
  cs::CountyConfig bad;
  bad.default_levels = 0;
  EXPECT_THROW((void)cs::load_county_osm(pbf, bad, ctx), cs::UsageError);
}

}  // namespace
