// Scenario files: parsing with clear errors, network changes (upgrade, closure, new link), no-op scenarios
// leaving the graph bit-for-bit equal, and place / facility changes.
#include <cmath>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/network/routing.hpp>

#include "test_support.hpp"

namespace {

using namespace cs;
using namespace cs::flows;

// a - b - c in a row (1 km apart, way 10 then way 20), d 1 km north of c (way 30).
cs::network::RoadGraph line_graph() {
  cs::network::GraphBuilder b(cs::network::Profile::kCar);
  const NodeId a = b.add_node({9.50, 47.10}, 1), bb = b.add_node({9.5132, 47.10}, 2),
               c = b.add_node({9.5264, 47.10}, 3), d = b.add_node({9.5264, 47.109}, 4);
  auto edge = [&](NodeId u, NodeId v, std::int64_t way, float kmh) {
    const double len = 1000.0;
    const Weight w = cs::network::travel_ms(len, kmh);
    b.add_edge(u, v, {}, cs::network::RoadClass::kSecondary, kmh, way, 3, w, w, len);
  };
  edge(a, bb, 10, 50);
  edge(bb, c, 20, 50);
  edge(c, d, 30, 30);
  return std::move(b).finish();
}

bool same(const cs::network::RoadGraph& x, const cs::network::RoadGraph& y) {
  return x.first_out == y.first_out && x.head == y.head && x.weight == y.weight && x.arc_edge == y.arc_edge &&
         x.arc_forward == y.arc_forward && x.edge_from == y.edge_from && x.edge_to == y.edge_to &&
         x.edge_speed_kmh == y.edge_speed_kmh && x.edge_way == y.edge_way && x.edge_dirs == y.edge_dirs &&
         x.shape == y.shape && x.edge_length_m == y.edge_length_m;
}

Weight time_between(const cs::network::RoadGraph& g, NodeId s, NodeId t) {
  cs::network::Dijkstra d(g);
  const std::pair<NodeId, Weight> src{s, 0};
  d.run(std::span(&src, 1));
  return d.dist(t);
}

TEST(FlowsScenario, ParsesAllChangeKinds) {
  const Scenario s = parse_scenario(R"(
name = "test"
name_zh = "测试"
description_zh = "说明"
[[upgrade]]
ways = [10, 20]
speed_kmh = 100
[[link]]
from = [9.50, 47.10]
to = [9.5264, 47.109]
speed_kmh = 60
[[facility]]
action = "close"
name = "Old school"
[[place]]
name = "Vaduz"
population = 100
)",
                                    "t.toml");
  EXPECT_EQ(s.name, "test");
  EXPECT_EQ(s.name_zh, "测试");
  EXPECT_EQ(s.description_zh, "说明");
  const Json j = scenario_to_json(s);
  EXPECT_EQ(j.at("name_zh"), "测试");
  EXPECT_FALSE(scenario_to_json(parse_scenario("name = \"x\"\n", "x.toml")).contains("name_zh"));
  ASSERT_EQ(s.upgrades.size(), 1u);
  EXPECT_EQ(s.upgrades[0].ways, (std::vector<std::int64_t>{10, 20}));
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_DOUBLE_EQ(s.links[0].to.lat, 47.109);
  EXPECT_TRUE(s.changes_network());
  EXPECT_TRUE(s.changes_places());
}

TEST(FlowsScenario, BadFilesNameFileKeyAndValidValues) {
  auto msg = [](const char* text) {
    try {
      (void)parse_scenario(text, "s.toml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(msg("[[upgrade]]\nways = [1]\nspeed_kmh = -3\n").find("s.toml: upgrade[1], field 'speed_kmh'"),
            std::string::npos);
  EXPECT_NE(msg("[[upgrade]]\nways = [1]\nspeed = 3\n").find("unknown key; valid keys: ways, speed_kmh"),
            std::string::npos);
  EXPECT_NE(msg("[[link]]\nfrom = [9.5]\nto = [9.5, 47]\n").find("field 'from': give [lon, lat]"),
            std::string::npos);
  EXPECT_NE(msg("[[facility]]\naction = \"move\"\n").find("expected one of: open, close"), std::string::npos);
  EXPECT_NE(msg("name = \n").find("s.toml: line 1"), std::string::npos);
}

TEST(FlowsScenario, UpgradeCloseAndLinkChangeTravelTimes) {
  const cs::network::RoadGraph g = line_graph();
  const Weight before = time_between(g, 0, 2);
  EXPECT_EQ(before, 2 * cs::network::travel_ms(1000, 50));
  Scenario up = parse_scenario("[[upgrade]]\nways = [10]\nspeed_kmh = 100\n", "u.toml");
  NetworkChangeReport rep;
  const cs::network::RoadGraph g2 = apply_network_changes(g, up, &rep);
  EXPECT_EQ(rep.edges_changed, 1u);
  EXPECT_EQ(time_between(g2, 0, 2), cs::network::travel_ms(1000, 100) + cs::network::travel_ms(1000, 50));
  // Closing way 20 cuts c off from a.
  const cs::network::RoadGraph g3 =
      apply_network_changes(g, parse_scenario("[[upgrade]]\nways = [20]\nspeed_kmh = 0\n", "c.toml"));
  EXPECT_EQ(time_between(g3, 0, 2), kInfWeight);
  // A direct link a -> d (about 2.9 km) at 100 km/h beats a-b-c-d.
  const cs::network::RoadGraph g4 = apply_network_changes(
      g,
      parse_scenario("[[link]]\nfrom = [9.5001, 47.1001]\nto = [9.5263, 47.1089]\nspeed_kmh = 100\n",
                     "l.toml"),
      &rep);
  EXPECT_EQ(rep.links_added, 1u);
  EXPECT_EQ(rep.link_nodes[0], (std::pair<NodeId, NodeId>{0, 3}));
  EXPECT_EQ(time_between(g4, 0, 3),
            cs::network::travel_ms(cs::network::haversine_m(g.node_coord[0], g.node_coord[3]), 100));
  EXPECT_THROW(
      (void)apply_network_changes(g, parse_scenario("[[upgrade]]\nways = [99]\nspeed_kmh = 9\n", "x.toml")),
      InputError);
}

TEST(FlowsScenario, NoOpScenarioLeavesGraphBitForBitEqual) {
  const cs::network::RoadGraph g = line_graph();
  EXPECT_TRUE(same(apply_network_changes(g, parse_scenario("name = \"nothing\"\n", "n.toml")), g));
  NetworkChangeReport rep;
  // Setting ways to the speed they already have rebuilds the graph but changes nothing.
  EXPECT_TRUE(same(apply_network_changes(g,
                                         parse_scenario("[[upgrade]]\nways = [10, 30]\nspeed_kmh = 50\n"
                                                        "[[upgrade]]\nways = [30]\nspeed_kmh = 30\n",
                                                        "n.toml"),
                                         &rep),
                   g));
  EXPECT_EQ(rep.edges_changed, 2u);  // way 30 set to 50, then back to 30: the net result is the same graph
}

TEST(FlowsScenario, PlaceAndFacilityChanges) {
  County c;
  c.settlements.resize(2);
  c.settlements[0].name = "Vaduz";
  c.settlements[1].name = "Schaan";
  cs::ServiceType doctors;
  doctors.name = "doctors";
  doctors.label_en = "Doctors";
  c.services.types.push_back(doctors);
  c.facilities.push_back({"Old school", {9.5, 47.1}, 0, kUnknown, 7, 'n', -1, {}});
  std::vector<double> jobs;
  const County d = apply_place_changes(
      c,
      parse_scenario("[[place]]\nname = \"Schaan\"\npopulation = 10\njobs = 5\n[[facility]]\naction = "
                     "\"close\"\nosm_id = 7\n"
                     "[[facility]]\naction = \"open\"\nservice = \"doctors\"\nat = [9.51, 47.12]\n",
                     "p.toml"),
      &jobs);
  EXPECT_EQ(d.settlements[1].population_est, 10.0);
  EXPECT_EQ(jobs[1], 5.0);
  ASSERT_EQ(d.facilities.size(), 1u);
  EXPECT_EQ(d.facilities[0].name, "new doctors");
  EXPECT_THROW((void)apply_place_changes(
                   c, parse_scenario("[[place]]\nname = \"Gotham\"\njobs = 1\n", "p.toml"), &jobs),
               InputError);
  try {
    (void)apply_place_changes(
        c, parse_scenario("[[facility]]\naction = \"open\"\nservice = \"spa\"\nat = [9.5, 47.1]\n", "p.toml"),
        &jobs);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected one of: doctors"), std::string::npos);
  }
}

// [[unit]]: population scales the unit's demand points and settlements by new / old, jobs go to its
// settlements by population, a [[place]] of the same scenario still wins; [[standard]] entries parse.
TEST(FlowsScenario, UnitChangesAndStandards) {
  County c;
  c.units.resize(2);
  c.units[0].name = "North";
  c.units[1].name = "South";
  c.settlements.resize(3);
  for (int i = 0; i < 3; ++i) c.settlements[static_cast<std::size_t>(i)].name = "s" + std::to_string(i);
  c.settlements[0].unit = 0;
  c.settlements[0].population_est = 300;
  c.settlements[1].unit = 0;
  c.settlements[1].population_est = 100;
  c.settlements[2].unit = 1;
  c.settlements[2].population_est = 50;
  for (const auto& [unit, pop] : std::vector<std::pair<int, double>>{{0, 150}, {0, 250}, {1, 50}}) {
    DemandPoint d;
    d.unit = unit;
    d.population = pop;
    c.demand.push_back(d);
  }
  const Scenario s = parse_scenario(
      "[[unit]]\nname = \"North\"\npopulation = 800\njobs = 100\n[[place]]\nname = \"s1\"\njobs = 7\n"
      "[[standard]]\nid = \"primary_school_30min\"\nthreshold = 20\n",
      "u.toml");
  ASSERT_EQ(s.standards.size(), 1u);
  EXPECT_EQ(s.standards[0].id, "primary_school_30min");
  EXPECT_EQ(s.standards[0].threshold, 20.0);
  EXPECT_TRUE(s.changes_places());
  std::vector<double> jobs;
  const County d = apply_place_changes(c, s, &jobs);
  EXPECT_EQ(d.demand[0].population, 300.0);
  EXPECT_EQ(d.demand[1].population, 500.0);
  EXPECT_EQ(d.demand[2].population, 50.0);  // another unit: untouched
  EXPECT_EQ(d.settlements[0].population_est, 600.0);
  EXPECT_EQ(d.settlements[2].population_est, 50.0);
  EXPECT_EQ(d.units[0].population, 800.0);
  EXPECT_EQ(jobs[0], 75.0);  // 100 x 600 / 800
  EXPECT_EQ(jobs[1], 7.0);   // the place's own figure
  EXPECT_TRUE(std::isnan(jobs[2]));
  auto msg = [&](const std::string& text) {
    try {
      (void)apply_place_changes(c, parse_scenario(text, "u.toml"), &jobs);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(msg("[[unit]]\nname = \"East\"\npopulation = 5\n").find("u.toml: unit[1], field 'name'"),
            std::string::npos);
  c.demand[2].population = 0;
  EXPECT_NE(msg("[[unit]]\nname = \"South\"\npopulation = 5\n").find("no resident demand point"),
            std::string::npos);
  EXPECT_NE(msg("[[standard]]\nid = \"x\"\nthreshold = -2\n").find("standard[1], field 'threshold'"),
            std::string::npos);
  EXPECT_NE(msg("[[standard]]\nid = \"x\"\nmax = 2\n").find("unknown key; valid keys: id, threshold"),
            std::string::npos);
}

}  // namespace
