// The county cut out of a larger extract (sources/osm_cut.hpp). Oracles: point_in_multipolygon on random
// points for the banded test; hand-built OSM files whose kept objects follow from the complete-ways rule by
// construction; rings assembled from shuffled and reversed ways compared with the ring they were cut from.
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_cut.hpp>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using cs::CutPolygon;
using cs::LonLat;

TEST(OsmCutBands, AgreeWithPointInMultipolygonOnTheSampleBoundary) {
  const CutPolygon b =
      cs::read_boundary_polygon(cs::test::source_path("data/examples/boundary.geojson").string());
  ASSERT_FALSE(b.empty());
  const cs::PolygonBands bands(b);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(9.45, 9.65), lat(47.03, 47.28);
  int inside = 0;
  for (int i = 0; i < 20000; ++i) {
    const LonLat p{lon(rng), lat(rng)};
    const bool want = cs::point_in_multipolygon(p, b);
    ASSERT_EQ(bands.contains(p), want) << p.lon << " " << p.lat;
    inside += want;
  }
  EXPECT_GT(inside, 3000);  // the box is about half county
  EXPECT_LT(inside, 17000);
}

TEST(OsmCutBands, HolesAndSeveralPolygons) {
  // Two squares, the first with a square hole.
  const CutPolygon mp = {{{{0, 0}, {4, 0}, {4, 4}, {0, 4}}, {{1, 1}, {3, 1}, {3, 3}, {1, 3}}},
                         {{{10, 0}, {12, 0}, {12, 2}, {10, 2}}}};
  const cs::PolygonBands bands(mp);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1, 13);
  for (int i = 0; i < 5000; ++i) {
    const LonLat p{u(rng), u(rng) / 2.6};
    ASSERT_EQ(bands.contains(p), cs::point_in_multipolygon(p, mp)) << p.lon << " " << p.lat;
  }
  EXPECT_TRUE(bands.contains({0.5, 0.5}));
  EXPECT_FALSE(bands.contains({2, 2}));
  EXPECT_TRUE(bands.contains({11, 1}));
  EXPECT_FALSE(bands.contains({7, 1}));
}

cs::CutWay way(std::int64_t id, std::vector<std::int64_t> nodes, bool inner = false) {
  cs::CutWay w;
  w.id = id;
  w.inner = inner;
  w.nodes = std::move(nodes);
  for (std::int64_t n : w.nodes)
    w.coords.push_back({static_cast<double>(n % 100), static_cast<double>(n / 100)});
  return w;
}

TEST(OsmCutRings, WaysInAnyOrderAndDirectionCloseIntoTheRing) {
  // Outer ring 1-2-3-4-1 over three ways, one reversed and given out of order; a closed inner way.
  // Node n sits at (n % 100, n / 100): 1=(1,0) 2=(9,0) 3=(9,8) 4=(1,8) ... chosen as ids 1, 9, 809, 801.
  const std::vector<cs::CutWay> ways = {way(11, {809, 801}), way(10, {9, 1}), way(12, {801, 1}),
                                        way(13, {9, 809}), way(20, {303, 305, 505, 503, 303}, true)};
  const CutPolygon mp = cs::assemble_rings(ways, "t.osm");
  ASSERT_EQ(mp.size(), 1u);
  ASSERT_EQ(mp[0].size(), 2u);  // outer + hole
  EXPECT_EQ(mp[0][0].size(), 4u);
  EXPECT_EQ(mp[0][1].size(), 4u);
  const std::set<std::pair<double, double>> want = {{9, 8}, {1, 8}, {1, 0}, {9, 0}};
  std::set<std::pair<double, double>> got;
  for (const auto& p : mp[0][0]) got.insert({p.lon, p.lat});
  EXPECT_EQ(got, want);
  EXPECT_TRUE(cs::point_in_multipolygon({2, 2}, mp));
  EXPECT_FALSE(cs::point_in_multipolygon({4, 4}, mp));  // in the hole
}

TEST(OsmCutRings, AnOpenRingNamesTheWayAndNode) {
  const std::vector<cs::CutWay> ways = {way(10, {1, 9}), way(11, {9, 809})};
  try {
    (void)cs::assemble_rings(ways, "big.osm.pbf");
    FAIL() << "an open ring was accepted";
  } catch (const cs::InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("big.osm.pbf"), std::string::npos) << m;
    EXPECT_NE(m.find("way 11"), std::string::npos) << m;
    EXPECT_NE(m.find("node 809"), std::string::npos) << m;
  }
}

// A hand-built extract: a grid of nodes id = 1000 + 10*x + y at (x * 0.01, y * 0.01), x, y in 0..9. The cut
// square spans 0.025..0.065 in both axes: nodes with x, y in 3..6 are inside.
std::string node_id(int x, int y) { return std::to_string(1000 + 10 * x + y); }

fs::path write_grid_osm(const fs::path& dir, bool with_boundary_relation) {
  std::ostringstream o;
  o << "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='test'>\n";
  for (int x = 0; x < 10; ++x)
    for (int y = 0; y < 10; ++y)
      o << "<node id='" << node_id(x, y) << "' version='1' lat='" << y * 0.01 << "' lon='" << x * 0.01
        << "'/>\n";
  if (with_boundary_relation)  // the boundary's corners: 9001..9004 on the cut square's corners
    o << "<node id='9001' version='1' lat='0.025' lon='0.025'/><node id='9002' version='1' lat='0.025' "
         "lon='0.065'/><node id='9003' version='1' lat='0.065' lon='0.065'/><node id='9004' version='1' "
         "lat='0.065' lon='0.025'/>\n";
  auto way_xml = [&](int id, std::vector<std::pair<int, int>> pts, const std::string& tags) {
    o << "<way id='" << id << "' version='1'>";
    for (auto [x, y] : pts) o << "<nd ref='" << (x < 0 ? std::to_string(y) : node_id(x, y)) << "'/>";
    o << tags << "</way>\n";
  };
  const std::string road = "<tag k='highway' v='residential'/>";
  way_xml(1, {{3, 3}, {4, 4}}, road);          // inside
  way_xml(2, {{0, 5}, {4, 5}, {9, 5}}, road);  // crosses: kept whole
  way_xml(3, {{0, 0}, {1, 1}}, road);          // outside
  way_xml(4, {{8, 8}, {9, 9}}, road);          // outside
  if (with_boundary_relation) {
    // The boundary ring in two ways ({-1, id}: a corner node by id).
    way_xml(5, {{-1, 9001}, {-1, 9002}, {-1, 9003}}, "");
    way_xml(6, {{-1, 9003}, {-1, 9004}, {-1, 9001}}, "");
  }
  o << "<relation id='100' version='1'><member type='way' ref='1' role=''/>"
       "<tag k='type' v='route'/></relation>\n";  // a kept way: kept
  o << "<relation id='101' version='1'><member type='way' ref='3' role=''/>"
       "<tag k='type' v='route'/></relation>\n";  // outside: dropped
  o << "<relation id='102' version='1'><member type='node' ref='" << node_id(5, 5)
    << "' role=''/><tag k='type' v='site'/></relation>\n";  // a node inside: kept
  if (with_boundary_relation)
    o << "<relation id='200' version='1'><member type='way' ref='5' role='outer'/>"
         "<member type='way' ref='6' role='outer'/><tag k='type' v='boundary'/>"
         "<tag k='boundary' v='administrative'/><tag k='admin_level' v='6'/><tag k='name' v='Square'/>"
         "</relation>\n";
  o << "</osm>\n";
  const fs::path p = dir / (with_boundary_relation ? "grid-rel.osm" : "grid.osm");
  std::ofstream(p) << o.str();
  return p;
}

TEST(OsmCutExtract, KeepsCompleteWaysAndTheirRelations) {
  const cs::test::TempDir tmp;
  const fs::path& dir = tmp.path();
  const fs::path osm = write_grid_osm(dir, false);
  const CutPolygon square = {{{{0.025, 0.025}, {0.065, 0.025}, {0.065, 0.065}, {0.025, 0.065}}}};
  cs::Context ctx;
  cs::CutSpec spec = cs::CutSpec::parse((dir / "square.geojson").string());
  std::string cut_path;
  {
    const cs::OsmCut cut = cs::cut_osm_extract(osm.string(), spec, square, ctx);
    cut_path = cut.path();
    ASSERT_TRUE(fs::exists(cut_path));
    // 16 nodes inside (x, y in 3..6) + the crossing way's two outside nodes (0,5), (9,5).
    EXPECT_EQ(cut.nodes, 18u);
    EXPECT_EQ(cut.ways, 2u);       // ways 1 and 2
    EXPECT_EQ(cut.relations, 2u);  // 100 and 102
    EXPECT_NE(cut.description.find("18 nodes, 2 ways, 2 relations"), std::string::npos) << cut.description;
  }
  EXPECT_FALSE(fs::exists(cut_path)) << "the cut file outlives its object";
  EXPECT_FALSE(fs::exists(fs::path(cut_path).parent_path()));
}

TEST(OsmCutExtract, ByRelationKeepsTheBoundaryWholeAndIsTheCountyBoundary) {
  const cs::test::TempDir tmp;
  const fs::path& dir = tmp.path();
  const fs::path osm = write_grid_osm(dir, true);
  cs::Context ctx;
  const cs::OsmCut cut = cs::cut_osm_extract(osm.string(), cs::CutSpec::parse("r200"), {}, ctx);
  EXPECT_EQ(cut.relation, 200);
  EXPECT_EQ(cut.boundary_name, "Square");
  EXPECT_EQ(cut.admin_level, 6);
  ASSERT_EQ(cut.polygon.size(), 1u);
  EXPECT_EQ(cut.polygon[0][0].size(), 4u);
  // Inside the ring: x, y in 3..6 = 16 grid nodes; the ring's 4 corners; way 2's ends (0,5), (9,5).
  EXPECT_EQ(cut.nodes, 22u);
  EXPECT_EQ(cut.ways, 4u);       // 1, 2 and the boundary's 5, 6
  EXPECT_EQ(cut.relations, 3u);  // 100, 102 and the boundary 200
}

TEST(OsmCutExtract, BadBoundariesAreOneLineErrors) {
  const cs::test::TempDir tmp;
  const fs::path& dir = tmp.path();
  const fs::path osm = write_grid_osm(dir, false);
  cs::Context ctx;
  const CutPolygon far_away = {{{{116.0, 39.0}, {117.0, 39.0}, {117.0, 40.0}, {116.0, 40.0}}}};
  try {
    (void)cs::cut_osm_extract(osm.string(), cs::CutSpec::parse("beijing.geojson"), far_away, ctx);
    FAIL() << "a boundary with nothing inside was accepted";
  } catch (const cs::InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("grid.osm"), std::string::npos) << m;
    EXPECT_NE(m.find("nothing in the extract lies inside"), std::string::npos) << m;
    EXPECT_NE(m.find("lon 116.0000..117.0000"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
  try {
    (void)cs::cut_osm_extract(osm.string(), cs::CutSpec::parse("987"), {}, ctx);
    FAIL() << "a missing relation was accepted";
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("relation 987"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)cs::CutSpec::parse(""), cs::UsageError);
  EXPECT_EQ(cs::CutSpec::parse("relation/42").relation, 42);
  EXPECT_EQ(cs::CutSpec::parse("county.shp").file, "county.shp");
}

}  // namespace
