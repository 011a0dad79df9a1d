// Tests on OSM input: tagging rules on a hand-written extract, the bundled sample (stats, Dijkstra
// invariants, matrix == single-source Dijkstra on seeded random pairs), graph files, and bad input.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_network.hpp>
#include <countyscope/sources/osm_pbf_check.hpp>

#include "test_support.hpp"

namespace cs {
namespace {
namespace fs = std::filesystem;

std::string sample_pbf() {
  return test::source_path("data/sample/liechtenstein-2024-03-04.osm.pbf").string();
}

const NetworkBuild& sample(cs::network::Profile p) {
  static std::map<cs::network::Profile, NetworkBuild> cache;
  auto it = cache.find(p);
  if (it == cache.end()) {
    Context ctx;
    it = cache.emplace(p, build_network(sample_pbf(), default_network_config(p), ctx)).first;
  }
  return it->second;
}

struct EdgeView {
  std::uint8_t dirs;
  float speed;
  std::size_t shape_points;
};
std::map<std::int64_t, EdgeView> edges_by_way(const cs::network::RoadGraph& g) {
  std::map<std::int64_t, EdgeView> m;
  for (std::uint32_t e = 0; e < g.edge_count(); ++e)
    m[g.edge_way[e]] = {g.edge_dirs[e], g.edge_speed_kmh[e], g.edge_shape(e).size()};
  return m;
}

TEST(OsmTags, CarProfileRules) {
  Context ctx;
  NetworkConfig cfg = default_network_config(cs::network::Profile::kCar);
  cfg.keep_largest_scc = false;
  const auto nb = build_network(test::source_path("data/fixtures/osm/tags.osm").string(), cfg, ctx);
  cs::network::check_graph(nb.graph);
  const auto e = edges_by_way(nb.graph);
  EXPECT_EQ(e.size(), 9u);
  EXPECT_EQ(e.at(101).dirs, 3);
  EXPECT_FLOAT_EQ(e.at(101).speed, 30);
  EXPECT_EQ(e.at(102).dirs, 2);          // oneway=-1
  EXPECT_EQ(e.at(103).dirs, 1);          // roundabout
  EXPECT_EQ(e.at(104).dirs, 1);          // motorway
  EXPECT_FALSE(e.count(105));            // access=private
  EXPECT_FALSE(e.count(106));            // construction
  EXPECT_FLOAT_EQ(e.at(107).speed, 50);  // CH:urban below the class speed
  EXPECT_FALSE(e.count(108));            // footway
  EXPECT_FALSE(e.count(109));            // reversible
  EXPECT_EQ(e.at(110).dirs, 3);          // access=no but motorcar=yes
  EXPECT_NEAR(e.at(111).speed, 30 * 1.609344, 1e-3);
  EXPECT_EQ(e.at(111).dirs, 1);
  EXPECT_EQ(e.at(111).shape_points, 4u);  // interior nodes 12, 13 are not junctions
  EXPECT_FLOAT_EQ(e.at(112).speed, 90);   // maxspeed above the class speed does not raise it
  EXPECT_EQ(e.at(113).shape_points, 2u);  // cut where node 99 is missing
  EXPECT_EQ(nb.stats.ways_skipped_access, 1u);
  EXPECT_EQ(nb.stats.ways_skipped_oneway, 1u);
  EXPECT_EQ(nb.stats.ways_used, 9u);
  // Weights follow length / speed.
  for (ArcId a = 0; a < nb.graph.arc_count(); ++a) {
    const auto ed = nb.graph.arc_edge[a];
    EXPECT_EQ(nb.graph.weight[a],
              cs::network::travel_ms(nb.graph.edge_length_m[ed], nb.graph.edge_speed_kmh[ed]));
  }
}

TEST(OsmTags, WalkProfileRules) {
  Context ctx;
  NetworkConfig cfg = default_network_config(cs::network::Profile::kWalk);
  cfg.keep_largest_scc = false;
  const auto nb = build_network(test::source_path("data/fixtures/osm/tags.osm").string(), cfg, ctx);
  const auto e = edges_by_way(nb.graph);
  EXPECT_EQ(e.size(), 9u);
  EXPECT_FALSE(e.count(110));  // access=no; motorcar=yes does not let walkers in
  for (const auto& [way, v] : e) EXPECT_EQ(v.dirs, 3) << way;  // walking ignores oneway
  EXPECT_TRUE(e.count(105));                                   // foot=yes overrides access=private
  EXPECT_TRUE(e.count(108));                                   // footway
  EXPECT_TRUE(e.count(109));                                   // reversible is a car rule
  EXPECT_FALSE(e.count(104));                                  // motorway
  EXPECT_FALSE(e.count(112));                                  // foot=no
  EXPECT_FLOAT_EQ(e.at(107).speed, 5);
}

TEST(OsmTags, DefaultConstructedConfigUsesProfileDefaults) {
  Context ctx;
  NetworkConfig cfg;
  cfg.profile = cs::network::Profile::kCar;
  cfg.keep_largest_scc = false;
  const auto nb = build_network(test::source_path("data/fixtures/osm/tags.osm").string(), cfg, ctx);
  EXPECT_EQ(nb.graph.edge_count(), 9u);
}

TEST(OsmSample, CarGraphFacts) {
  const auto& nb = sample(cs::network::Profile::kCar);
  const cs::network::RoadGraph& g = nb.graph;
  cs::network::check_graph(g);
  EXPECT_GT(g.node_count(), 4000u);
  EXPECT_LT(g.node_count(), 12000u);
  EXPECT_GT(nb.stats.largest_scc_share, 0.97);
  EXPECT_LT(nb.stats.largest_scc_share, 1.0);
  EXPECT_GT(nb.stats.components, 1u);
  EXPECT_LT(nb.stats.nodes, nb.stats.nodes_before_scc);
  EXPECT_EQ(nb.stats.nodes, g.node_count());
  EXPECT_EQ(nb.stats.arcs, g.arc_count());
  double km = 0;
  for (double k : nb.stats.km_by_class) km += k;
  EXPECT_NEAR(km, nb.stats.km_total, 1e-6);
  EXPECT_GT(km, 300);
  EXPECT_LT(km, 900);
  EXPECT_GT(nb.stats.km_dropped_scc, 0);
  // Strongly connected: every node reaches every node, forwards and backwards.
  cs::network::Dijkstra d(g);
  std::pair<NodeId, Weight> s{0, 0};
  d.run({&s, 1});
  EXPECT_EQ(d.settled().size(), g.node_count());
  const cs::network::RoadGraph r = cs::network::reverse_graph(g);
  cs::network::Dijkstra dr(r);
  dr.run({&s, 1});
  EXPECT_EQ(dr.settled().size(), g.node_count());
}

TEST(OsmSample, WalkGraph) {
  const auto& nb = sample(cs::network::Profile::kWalk);
  cs::network::check_graph(nb.graph);
  EXPECT_GT(nb.graph.node_count(), sample(cs::network::Profile::kCar).graph.node_count());
  for (auto d : nb.graph.edge_dirs) ASSERT_EQ(d, 3);
}

TEST(OsmSample, DeterministicBuild) {
  Context ctx;
  const auto again = build_network(sample_pbf(), default_network_config(cs::network::Profile::kCar), ctx);
  const cs::network::RoadGraph& g = sample(cs::network::Profile::kCar).graph;
  EXPECT_EQ(again.graph.first_out, g.first_out);
  EXPECT_EQ(again.graph.head, g.head);
  EXPECT_EQ(again.graph.weight, g.weight);
  EXPECT_EQ(again.graph.shape, g.shape);
}

TEST(OsmSample, DijkstraInvariants) {
  const cs::network::RoadGraph& g = sample(cs::network::Profile::kCar).graph;
  Rng rng(test::seed());
  cs::network::Dijkstra d(g);
  for (int k = 0; k < 5; ++k) {
    const auto src = static_cast<NodeId>(rng.below(g.node_count()));
    std::pair<NodeId, Weight> s{src, 0};
    d.run({&s, 1});
    for (NodeId u = 0; u < g.node_count(); ++u)
      for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a)
        ASSERT_LE(d.dist(g.head[a]), sat_add(d.dist(u), g.weight[a])) << "arc " << a;
    // Every reached node other than the source has a tight incoming arc (its parent's).
    for (NodeId v = 0; v < g.node_count(); ++v) {
      if (v == src) {
        EXPECT_EQ(d.dist(v), 0u);
        continue;
      }
      ASSERT_NE(d.dist(v), kInfWeight);
      const NodeId p = d.parent(v);
      ASSERT_NE(p, kNoNode);
      bool tight = false;
      for (ArcId a = g.first_out[p]; a < g.first_out[p + 1]; ++a)
        tight |= g.head[a] == v && d.dist(p) + g.weight[a] == d.dist(v);
      ASSERT_TRUE(tight) << "node " << v;
    }
  }
}

std::vector<LonLat> random_points(const cs::network::RoadGraph& g, std::size_t n, std::uint64_t seed) {
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (const auto& c : g.node_coord) {
    x0 = std::min(x0, c.lon), x1 = std::max(x1, c.lon), y0 = std::min(y0, c.lat), y1 = std::max(y1, c.lat);
  }
  Rng rng(seed);
  std::vector<LonLat> p(n);
  for (auto& q : p) q = {x0 + rng.uniform() * (x1 - x0), y0 + rng.uniform() * (y1 - y0)};
  return p;
}

TEST(OsmSample, MatrixEqualsSingleSourceDijkstra) {
  const cs::network::RoadGraph& g = sample(cs::network::Profile::kCar).graph;
  cs::network::SnapIndex idx(g);
  const auto from = idx.snap_all(random_points(g, 40, test::seed()), cs::network::SnapOptions{}, 2);
  const auto to = idx.snap_all(random_points(g, 70, test::seed() + 1), cs::network::SnapOptions{}, 2);
  Context ctx;
  ctx.threads = 2;
  const TimeMatrix m = cs::network::travel_time_matrix(g, from, to, cs::network::MatrixOptions{}, ctx);
  cs::network::Dijkstra d(g);
  for (std::size_t i = 0; i < from.size(); ++i) {
    d.run_from(from[i]);  // full search, no early stop
    for (std::size_t j = 0; j < to.size(); ++j)
      ASSERT_EQ(m(i, j), to_seconds(d.dist_to(to[j]))) << i << "," << j;
  }
  // More origins than targets (backward searches): the same as forward searches.
  const TimeMatrix mt = cs::network::travel_time_matrix(g, to, from, cs::network::MatrixOptions{}, ctx);
  for (std::size_t i = 0; i < to.size(); ++i) {
    d.run_from(to[i]);
    for (std::size_t j = 0; j < from.size(); ++j)
      ASSERT_EQ(mt(i, j), to_seconds(d.dist_to(from[j]))) << i << "," << j;
  }
  // Node-to-node: points placed on junctions give exactly the node distances.
  Rng rng(test::seed() + 2);
  std::vector<NodeId> nodes(60);
  for (auto& v : nodes) v = static_cast<NodeId>(rng.below(g.node_count()));
  std::vector<LonLat> pts;
  for (auto v : nodes) pts.push_back(g.node_coord[v]);
  const auto snaps = idx.snap_all(pts, cs::network::SnapOptions{}, 2);
  const TimeMatrix mn = cs::network::travel_time_matrix(g, snaps, snaps, cs::network::MatrixOptions{}, ctx);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::pair<NodeId, Weight> s{nodes[i], 0};
    d.run({&s, 1});
    for (std::size_t j = 0; j < nodes.size(); ++j)
      ASSERT_EQ(mn(i, j), to_seconds(d.dist(nodes[j]))) << i << "," << j;
  }
  // A cutoff only removes pairs beyond it.
  cs::network::MatrixOptions cut;
  cut.cutoff_s = 600;
  const TimeMatrix mc = cs::network::travel_time_matrix(g, from, to, cut, ctx);
  for (std::size_t i = 0; i < from.size(); ++i)
    for (std::size_t j = 0; j < to.size(); ++j)
      ASSERT_EQ(mc(i, j), m(i, j) <= 600.0f ? m(i, j) : kUnreachable);
}

TEST(OsmSample, GraphFileRoundTrip) {
  const cs::network::RoadGraph& g = sample(cs::network::Profile::kCar).graph;
  test::TempDir dir;
  save_graph(g, dir / "li.csgraph");
  const cs::network::RoadGraph h = load_graph(dir / "li.csgraph");
  EXPECT_EQ(h.first_out, g.first_out);
  EXPECT_EQ(h.head, g.head);
  EXPECT_EQ(h.weight, g.weight);
  EXPECT_EQ(h.node_coord, g.node_coord);
  EXPECT_EQ(h.shape, g.shape);
  EXPECT_EQ(h.edge_way, g.edge_way);
}

// ---- bad input
// ------------------------------------------------------------------------------------------------

void expect_input_error(const fs::path& p, const std::string& contains) {
  Context ctx;
  try {
    (void)build_network(p.string(), default_network_config(cs::network::Profile::kCar), ctx);
    FAIL() << "no error for " << p;
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(p.string()), std::string::npos) << m;
    EXPECT_NE(m.find(contains), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_EQ(e.exit_code(), 1);
  }
}

TEST(OsmBadInput, EmptyFile) {
  test::TempDir dir;
  std::ofstream(dir / "empty.osm.pbf").close();
  expect_input_error(dir / "empty.osm.pbf", "empty");
}

TEST(OsmBadInput, TruncatedPbf) {
  test::TempDir dir;
  std::string bytes;
  {
    std::ifstream in(sample_pbf(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(dir / "cut.osm.pbf", std::ios::binary) << bytes.substr(0, bytes.size() / 2 + 12345);
  expect_input_error(dir / "cut.osm.pbf", "not a readable OSM file");
}

TEST(OsmBadInput, TextFiles) {
  test::TempDir dir;
  std::ofstream(dir / "notes.txt") << "these are not roads\n";
  expect_input_error(dir / "notes.txt", "not an OSM file");
  std::ofstream(dir / "fake.osm.pbf") << "these are not roads either\n";
  expect_input_error(dir / "fake.osm.pbf", "not a readable OSM file");
  std::ofstream(dir / "fake.osm") << "plain text, not XML\n";
  expect_input_error(dir / "fake.osm", "not a readable OSM file");
}

// Inputs found by fuzz/osm_pbf (byte 0 is the fuzz target's profile byte) that made libosmium 2.19 read past
// a buffer or pass a null pointer to strncmp: check_osm_pbf refuses them before libosmium decodes anything.
std::string fuzz_input(const std::string& name) {
  std::ifstream in(test::source_path("fuzz/regressions/osm_pbf/" + name), std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  return bytes.substr(1);
}

TEST(OsmBadInput, PbfStringWithNulByte) {
  test::TempDir dir;
  // A string-table entry "r\0\0\0rsible": libosmium's NUL-terminated tag list then ran past its buffer.
  std::ofstream(dir / "nul.osm.pbf", std::ios::binary) << fuzz_input("libosmium-pbf-nul-in-string-table");
  expect_input_error(
      dir / "nul.osm.pbf",
      "not a readable OSM file: PBF error: block 3 (at byte 295): string table entry 20 contains a "
      "NUL byte");
}

TEST(OsmBadInput, PbfBlockHeaderWithoutType) {
  test::TempDir dir;
  std::ofstream(dir / "untyped.osm.pbf", std::ios::binary)
      << fuzz_input("libosmium-blob-header-without-type");
  expect_input_error(dir / "untyped.osm.pbf", "block header without a type (expected 'OSMData')");
}

// libosmium sums delta-coded values and scales coordinates in int64_t unchecked (undefined behaviour on
// overflow); these two files are hand-made (fuzz found the same in its CI run) and refused before decoding.
TEST(OsmBadInput, PbfCoordinateOverflow) {
  test::TempDir dir;
  std::ofstream(dir / "far.osm.pbf", std::ios::binary) << fuzz_input("libosmium-dense-coordinate-overflow");
  expect_input_error(
      dir / "far.osm.pbf",
      "block 2 (at byte 57): node longitude 4611686018427387904 out of range (granularity 100, "
      "offset 0)");
}

TEST(OsmBadInput, PbfDeltaOverflow) {
  test::TempDir dir;
  std::ofstream(dir / "refs.osm.pbf", std::ios::binary) << fuzz_input("libosmium-way-ref-overflow");
  expect_input_error(dir / "refs.osm.pbf", "block 2 (at byte 57): delta-coded way node id out of range");
}

TEST(OsmBadInput, PbfCheckAcceptsEveryBundledExtract) {
  // Oracle: libosmium reads these (the tests above build graphs from them); the check must not refuse any.
  for (const char* f :
       {"data/sample/liechtenstein-2024-03-04.osm.pbf", "data/fixtures/osm/monaco.osm.pbf",
        "data/fixtures/osm/andorra-2013-05-28.osm.pbf", "data/fixtures/osm/porto-portugal.osm.pbf"}) {
    const std::string p = test::source_path(f).string();
    EXPECT_TRUE(is_osm_pbf_path(p)) << p;
    EXPECT_NO_THROW(check_osm_pbf(p)) << p;
  }
  EXPECT_FALSE(is_osm_pbf_path("x.osm"));
  EXPECT_FALSE(is_osm_pbf_path("x.csv"));
}

TEST(OsmBadInput, PbfCheckedBlockByBlock) {
  test::TempDir dir;
  std::string bytes;
  {
    std::ifstream in(sample_pbf(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Cut inside a block, a flipped byte inside a compressed block, a second OSMHeader where data is expected.
  std::ofstream(dir / "cut.osm.pbf", std::ios::binary) << bytes.substr(0, 1000000);
  expect_input_error(dir / "cut.osm.pbf", "the file ends inside the block (truncated?)");
  const std::uint32_t h =
      (std::uint32_t(std::uint8_t(bytes[0])) << 24) | (std::uint32_t(std::uint8_t(bytes[1])) << 16) |
      (std::uint32_t(std::uint8_t(bytes[2])) << 8) | std::uint32_t(std::uint8_t(bytes[3]));
  std::string header_block;
  {
    // the OSMHeader block's own length: 4 + header size + its data size (field 3 of the header, a varint)
    const std::string hdr = bytes.substr(4, h);
    const std::size_t at = hdr.find('\x18');
    ASSERT_NE(at, std::string::npos);
    std::uint32_t ds = 0;
    for (std::size_t i = at + 1, sh = 0; i < hdr.size(); ++i, sh += 7) {
      ds |= std::uint32_t(std::uint8_t(hdr[i]) & 0x7f) << sh;
      if (!(std::uint8_t(hdr[i]) & 0x80)) break;
    }
    header_block = bytes.substr(0, 4 + h + ds);
  }
  std::ofstream(dir / "twice.osm.pbf", std::ios::binary) << header_block + header_block;
  expect_input_error(dir / "twice.osm.pbf", "block 2 (at byte " + std::to_string(header_block.size()) +
                                                "): block of type 'OSMHeader', expected 'OSMData'");
  std::string flipped = bytes;
  flipped[header_block.size() + 200] ^= 0x55;  // inside the first data block's zlib stream
  std::ofstream(dir / "flipped.osm.pbf", std::ios::binary) << flipped;
  expect_input_error(dir / "flipped.osm.pbf",
                     "block 2 (at byte " + std::to_string(header_block.size()) + ")");
}

TEST(OsmBadInput, NoRoads) {
  expect_input_error(test::source_path("data/fixtures/osm/no_roads.osm"), "no routable road");
}

TEST(OsmBadInput, MissingFile) {
  Context ctx;
  EXPECT_THROW(
      (void)build_network("/nonexistent/x.osm.pbf", default_network_config(cs::network::Profile::kCar), ctx),
      IoError);
}

}  // namespace
}  // namespace cs
