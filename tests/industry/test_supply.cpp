// Farm supply (industry/study.hpp) on hand-made counties: areas x yields to the nearest settlement, worked by
// hand; the yield table and the township output table, and their bad input; road distances on a drawn graph.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/industry/study.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>

#include "test_support.hpp"

namespace ci = cs::industry;

namespace {

// Two settlements 0.1 degrees apart on the equator, each in its own township; a square boundary around both.
cs::County two_villages() {
  cs::County c;
  cs::Settlement a, b;
  a.name = "West";
  a.pos = {0.0, 0.0};
  a.unit = 0;
  b.name = "East";
  b.pos = {0.1, 0.0};
  b.unit = 1;
  b.tier = cs::Tier::kSeat;
  c.settlements = {a, b};
  c.seat = 1;
  cs::AdminUnit u0, u1;
  u0.name = "Westtown";
  u1.name = "Easttown";
  u1.code = "530102";
  c.units = {u0, u1};
  c.boundary = {{{{-0.05, -0.05}, {0.15, -0.05}, {0.15, 0.05}, {-0.05, 0.05}, {-0.05, -0.05}}}};
  c.landuse = {{"farmland", 100000, {0.01, 0.0}},    // 10 ha near West
               {"orchard", 20000, {0.09, 0.0}},      // 2 ha near East
               {"farmland", 30000, {0.07, 0.01}},    // 3 ha near East
               {"residential", 50000, {0.05, 0.0}},  // not farm land
               {"farmland", 990000, {0.5, 0.5}}};    // outside the boundary
  return c;
}

std::string write(const cs::test::TempDir& d, const std::string& name, const std::string& text) {
  const std::string p = (d / name).string();
  std::ofstream(p) << text;
  return p;
}

std::string error_of(const cs::County& c, const ci::IndustryOptions& o) {
  try {
    (void)ci::farm_supply(c, o);
  } catch (const cs::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(FarmSupply, AreasTimesYieldsGoToTheNearestSettlement) {
  const ci::FarmSupply s = ci::farm_supply(two_villages(), {});
  // By hand with the default yields (farmland 5.8, orchard 15 t/ha): West 10 ha x 5.8 = 58 t; East 2 x 15 + 3
  // x 5.8 = 47.4 t; the farmland outside the boundary is not counted.
  EXPECT_NEAR(s.tonnes[0], 58.0, 1e-9);
  EXPECT_NEAR(s.tonnes[1], 47.4, 1e-9);
  EXPECT_NEAR(s.area_ha[1], 5.0, 1e-9);
  EXPECT_NEAR(s.total_tonnes, 105.4, 1e-9);
  EXPECT_EQ(s.areas, 3u);
  EXPECT_EQ(s.areas_outside, 1u);
  EXPECT_EQ(s.classes, (std::vector<std::string>{"farmland", "orchard"}));
  EXPECT_EQ(s.yields_source, "defaults");
}

TEST(FarmSupply, OverridesAndTheCountysOwnYieldTable) {
  cs::test::TempDir d;
  ci::IndustryOptions o;
  o.yields = {{"orchard", 20.0}};
  EXPECT_NEAR(ci::farm_supply(two_villages(), o).tonnes[1], 2 * 20 + 3 * 5.8, 1e-9);
  o = {};
  o.yield_table = write(d, "yields.csv", "class,t_per_ha\nfarmland,7\norchard,10\n");
  const ci::FarmSupply s = ci::farm_supply(two_villages(), o);
  EXPECT_NEAR(s.tonnes[0], 70.0, 1e-9);
  EXPECT_NEAR(s.tonnes[1], 2 * 10 + 3 * 7.0, 1e-9);
  EXPECT_EQ(s.yields.size(), 2u);  // the file replaces the defaults
}

TEST(FarmSupply, BadYieldTablesAreRefusedInOneLine) {
  cs::test::TempDir d;
  ci::IndustryOptions o;
  o.yield_table = write(d, "yields.csv", "class,t_per_ha\nfarmland,7\n");  // the county has orchards
  std::string e = error_of(two_villages(), o);
  EXPECT_NE(e.find("yields.csv: field 'class'"), std::string::npos) << e;
  EXPECT_NE(e.find("'orchard'"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  o.yield_table = write(d, "nan.csv", "class,t_per_ha\nfarmland,nan\norchard,5\n");
  e = error_of(two_villages(), o);
  EXPECT_NE(e.find("nan.csv: line 2, field 't_per_ha'"), std::string::npos) << e;
  o.yield_table = write(d, "dup.csv", "class,t_per_ha\nfarmland,5\norchard,5\nfarmland,6\n");
  e = error_of(two_villages(), o);
  EXPECT_NE(e.find("dup.csv: line 4, field 'class'"), std::string::npos) << e;
  o.yield_table = write(d, "neg.csv", "class,t_per_ha\nfarmland,-1\norchard,5\n");
  e = error_of(two_villages(), o);
  EXPECT_NE(e.find("neg.csv: line 2, field 't_per_ha'"), std::string::npos) << e;
}

TEST(FarmSupply, TheCountysOutputByTownshipWins) {
  cs::test::TempDir d;
  ci::IndustryOptions o;
  o.output_table = write(d, "output.csv", "unit,tonnes\n530102,1000\n");  // by code
  const ci::FarmSupply s = ci::farm_supply(two_villages(), o);
  EXPECT_NEAR(s.tonnes[0], 58.0, 1e-9);    // Westtown keeps the estimate
  EXPECT_NEAR(s.tonnes[1], 1000.0, 1e-9);  // Easttown: its own figure
  EXPECT_NE(s.source[1].find("output.csv line 2"), std::string::npos) << s.source[1];
  EXPECT_EQ(s.source[0], "land use");
  o.output_table = write(d, "bad.csv", "unit,tonnes\nWesttown,5\nNowhere,7\n");
  std::string e = error_of(two_villages(), o);
  EXPECT_NE(e.find("bad.csv: line 3, field 'unit': no township 'Nowhere'"), std::string::npos) << e;
  o.output_table = write(d, "nan.csv", "unit,tonnes\nWesttown,NaN\n");
  e = error_of(two_villages(), o);
  EXPECT_NE(e.find("nan.csv: line 2, field 'tonnes'"), std::string::npos) << e;
}

TEST(RoadKm, ShortestRouteByLengthOnADrawnGraph) {
  // A -1 km- B -2 km- C and a direct A-C road of 5 km (faster, but longer): the road distance is 3 km.
  cs::network::GraphBuilder gb(cs::network::Profile::kCar);
  const auto a = gb.add_node({0.0, 0.0}), b = gb.add_node({0.01, 0.0}), c = gb.add_node({0.02, 0.0});
  gb.add_edge(a, b, {}, cs::network::RoadClass::kResidential, 30, 1, 3, 120000, 120000, 1000);
  gb.add_edge(b, c, {}, cs::network::RoadClass::kResidential, 30, 2, 3, 240000, 240000, 2000);
  const std::vector<cs::LonLat> bend = {{0.0, 0.0}, {0.01, 0.001}, {0.02, 0.0}};
  gb.add_edge(a, c, bend, cs::network::RoadClass::kPrimary, 100, 3, 3, 180000, 180000, 5000);
  const cs::network::RoadGraph g = std::move(gb).finish();
  cs::network::SnapIndex idx(g);
  const std::vector<cs::network::Snap> s = {idx.snap({0.0, 0.0}, {}), idx.snap({0.02, 0.0}, {}),
                                            idx.snap({0.005, 0.0}, {})};
  cs::Context ctx;
  const cs::Matrix<double> km = ci::road_km(g, s, s, ctx);
  EXPECT_NEAR(km(0, 1), 3.0, 1e-3);
  EXPECT_NEAR(km(1, 0), 3.0, 1e-3);
  EXPECT_NEAR(km(0, 0), 0.0, 1e-9);
  EXPECT_NEAR(km(2, 1), 2.5, 1e-3);  // from the middle of A-B: 0.5 km to B, then 2 km
}
