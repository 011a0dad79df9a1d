// The sample county (Liechtenstein, real OSM): isochrone membership equals a full Dijkstra's distance <=
// cutoff for every node from the seat and each town; the structure analysis' service-area populations add up
// to the county total; circles nest.
#include <cmath>

#include <gtest/gtest.h>

#include <countyscope/county/county.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_network.hpp>
#include <countyscope/structure/structure.hpp>

#include "test_support.hpp"

namespace cs {
namespace {

struct Sample {
  County county;
  cs::network::RoadGraph car;
  std::vector<cs::network::Snap> ss, ds, fs;
};

const Sample& sample() {
  static const Sample s = [] {
    Context ctx;
    const std::string osm = test::source_path("data/sample/liechtenstein-2024-03-04.osm.pbf").string();
    Sample x;
    x.county = load_county_osm(osm, CountyConfig{}, ctx);
    x.car = build_network(osm, default_network_config(cs::network::Profile::kCar), ctx).graph;
    const cs::network::SnapIndex idx(x.car);
    std::vector<LonLat> sp, dp, fp;
    for (const auto& v : x.county.settlements) sp.push_back(v.pos);
    for (const auto& v : x.county.demand) dp.push_back(v.pos);
    for (const auto& v : x.county.facilities) fp.push_back(v.pos);
    x.ss = idx.snap_all(sp, cs::network::SnapOptions{}, 2);
    x.ds = idx.snap_all(dp, cs::network::SnapOptions{}, 2);
    x.fs = idx.snap_all(fp, cs::network::SnapOptions{}, 2);
    return x;
  }();
  return s;
}

TEST(StructureSample, IsochroneMembershipEqualsFullDijkstraForEveryNode) {
  const Sample& s = sample();
  const std::vector<double> cutoffs{300, 600, 900, 1800, 3600};
  cs::structure::IsochroneBuilder b(s.car);
  cs::network::Dijkstra full(s.car);
  for (std::size_t i = 0; i < s.county.settlements.size(); ++i) {
    if (s.county.settlements[i].tier == Tier::kVillage) continue;
    const cs::structure::Isochrone iso = b.run(s.ss[i], cutoffs);
    full.run_from(s.ss[i]);  // no cutoff
    for (std::size_t c = 0; c < cutoffs.size(); ++c) {
      const Weight cut = from_seconds(cutoffs[c]);
      std::vector<char> in(s.car.node_count(), 0);
      for (std::size_t k = 0; k < iso.reached_nodes(c); ++k) in[iso.nodes[k].first] = 1;
      std::size_t n_in = 0;
      for (NodeId v = 0; v < s.car.node_count(); ++v) {
        ASSERT_EQ(in[v] == 1, full.dist(v) <= cut) << s.county.settlements[i].name << " node " << v;
        n_in += in[v];
      }
      if (c == cutoffs.size() - 1) {
        EXPECT_GT(n_in, s.car.node_count() / 2);  // the 60-min circle covers most roads
      }
    }
  }
}

TEST(StructureSample, ServiceAreaPopulationsSumToTheCountyTotal) {
  const Sample& s = sample();
  cs::structure::StructureInput in;
  in.county = &s.county;
  in.car = &s.car;
  in.car_settlements = s.ss, in.car_demand = s.ds, in.car_facilities = s.fs;
  cs::structure::StructureConfig cfg;
  cfg.walk = false;
  cfg.facility_circles = false;
  cfg.polygons = cs::structure::PolygonSources::kSeat;
  // The sample has hamlets far off the car network: strict mode names the first one.
  Context ctx;
  try {
    (void)cs::structure::analyse_structure(in, cfg, ctx);
    ADD_FAILURE() << "expected an off-network settlement error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("from the nearest car road"), std::string::npos) << e.what();
  }
  cfg.exclude_off_network = true;
  const cs::structure::StructureResult r = cs::structure::analyse_structure(in, cfg, ctx);
  double total = r.areas.unassigned_population;
  for (const cs::structure::CentreArea& a : r.areas.centres) total += a.population;
  EXPECT_NEAR(total, s.county.total_population, 1e-6 * s.county.total_population);
  EXPECT_NEAR(r.total_population, s.county.total_population, 1e-6 * s.county.total_population);
  EXPECT_EQ(r.centres.front(), static_cast<std::uint32_t>(s.county.seat));
  // Every village appears once: assigned or unassigned.
  std::size_t villages = r.areas.unassigned_villages;
  for (const cs::structure::CentreArea& a : r.areas.centres) villages += a.villages;
  EXPECT_EQ(villages, r.villages.size());
  for (const cs::structure::LifeCircle& lc : r.circles) {
    for (std::size_t c = 1; c < lc.cutoffs.size(); ++c) {
      EXPECT_LE(lc.cutoffs[c - 1].population, lc.cutoffs[c].population);
      EXPECT_LE(lc.cutoffs[c - 1].nodes, lc.cutoffs[c].nodes);
      if (!lc.cutoffs[c].polygon.polygons.empty()) {
        EXPECT_LE(lc.cutoffs[c - 1].polygon.area_km2, lc.cutoffs[c].polygon.area_km2 * 1.001);
      }
    }
  }
  EXPECT_GE(r.pattern.upper_bound, r.pattern.covered - 1e-9);
  EXPECT_GE(r.pattern.covered, r.pattern.base_covered);
  ASSERT_EQ(r.pattern.method, "exact");
  // Forcing the non-enumerative path: the siting layer's MIP must find the same optimum coverage.
  cs::structure::StructureConfig mip = cfg;
  mip.pattern.exact_limit = 0;
  const cs::structure::StructureResult m = cs::structure::analyse_structure(in, mip, ctx);
  EXPECT_EQ(m.pattern.method, "mip (CBC, optimal)");
  EXPECT_NEAR(m.pattern.covered, r.pattern.covered, 1e-6 * r.pattern.covered);
  EXPECT_NEAR(m.pattern.upper_bound, r.pattern.covered, 1e-6 * r.pattern.covered);
}

}  // namespace
}  // namespace cs
