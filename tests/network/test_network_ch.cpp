// Contraction hierarchies: distances equal Dijkstra's on hand-drawn and random graphs and on >= 10,000 seeded
// random pairs of every bundled network; one-to-all (PHAST) equals a full Dijkstra; the build is
// deterministic; files.
#include <algorithm>
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/formats/ch_file.hpp>
#include <countyscope/network/ch.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "ascii_network.hpp"
#include "test_support.hpp"

namespace cs {
namespace {

std::vector<LonLat> random_points(const cs::network::RoadGraph& g, std::size_t n, Rng& rng) {
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (const auto& c : g.node_coord) {
    x0 = std::min(x0, c.lon), x1 = std::max(x1, c.lon), y0 = std::min(y0, c.lat), y1 = std::max(y1, c.lat);
  }
  std::vector<LonLat> p(n);
  for (auto& q : p) q = {x0 + rng.uniform() * (x1 - x0), y0 + rng.uniform() * (y1 - y0)};
  return p;
}

// Compares CH with Dijkstra: matrices between random points (rows x cols pairs) and PHAST one-to-all from a
// few.
void expect_ch_equals_dijkstra(const cs::network::RoadGraph& g, const cs::network::ContractionHierarchy& ch,
                               std::size_t rows, std::size_t cols, std::uint64_t seed) {
  Rng rng(seed);
  cs::network::SnapIndex idx(g);
  const auto from = idx.snap_all(random_points(g, rows, rng), cs::network::SnapOptions{}, 2);
  std::vector<LonLat> tp = random_points(g, cols, rng);
  for (std::size_t k = 0; k < cols / 4; ++k)
    tp[k] = g.node_coord[rng.below(g.node_count())];  // some on nodes
  const auto to = idx.snap_all(tp, cs::network::SnapOptions{}, 2);
  Context ctx;
  ctx.threads = 2;
  cs::network::MatrixOptions dij;
  dij.algorithm = cs::network::MatrixAlgorithm::kDijkstra;
  const TimeMatrix a = cs::network::travel_time_matrix(g, from, to, dij, ctx);
  const TimeMatrix b = cs::network::ch_matrix(ch, g, from, to, cs::network::MatrixOptions{}, ctx);
  std::size_t finite = 0;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      ASSERT_EQ(a(i, j), b(i, j)) << i << "," << j;
      finite += std::isfinite(a(i, j)) ? 1 : 0;
    }
  EXPECT_GT(finite, rows * cols / 2);
  cs::network::MatrixOptions cut;
  cut.cutoff_s = 300;
  const TimeMatrix c = cs::network::ch_matrix(ch, g, from, to, cut, ctx);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) ASSERT_EQ(c(i, j), a(i, j) <= 300.0f ? a(i, j) : kUnreachable);
  cs::network::CHQuery q(ch);
  cs::network::Dijkstra d(g);
  for (std::size_t i = 0; i < 3 && i < rows; ++i) {
    const auto all = q.one_to_all(g, from[i]);
    d.run_from(from[i]);
    for (NodeId v = 0; v < g.node_count(); ++v) ASSERT_EQ(all[v], d.dist(v)) << "node " << v;
  }
}

TEST(CH, HandDrawnAllPairs) {
  const auto net = test::ascii_network(R"(
    a--b->c--d
    |  |  ^  |
    e--f--g<-h
    v     |  |
    i-----j--k)",
                                       7.0);
  Context ctx;
  const auto ch = cs::network::ContractionHierarchy::build(net.graph, cs::network::CHConfig{}, ctx);
  EXPECT_EQ(ch.node_count(), net.graph.node_count());
  std::vector<LonLat> pts;
  for (NodeId v = 0; v < net.graph.node_count(); ++v) pts.push_back(net.graph.node_coord[v]);
  cs::network::SnapIndex idx(net.graph);
  const auto s = idx.snap_all(pts, cs::network::SnapOptions{}, 1);
  cs::network::MatrixOptions dij;
  dij.algorithm = cs::network::MatrixAlgorithm::kDijkstra;
  const TimeMatrix all = cs::network::travel_time_matrix(net.graph, s, s, dij, ctx);
  EXPECT_EQ(cs::network::ch_matrix(ch, net.graph, s, s, cs::network::MatrixOptions{}, ctx), all);
  // A cutoff exactly equal to a pair's time keeps the pair, for CH and Dijkstra (the cutoff is inclusive,
  // issue 22): node to node, and from points along edges (then the time to the edge's end node is a search
  // seed sitting exactly on the cutoff).
  Rng rng(test::seed() + 22);
  auto from = s;
  for (const auto& p : idx.snap_all(random_points(net.graph, 12, rng), cs::network::SnapOptions{}, 1))
    from.push_back(p);
  const TimeMatrix all_from = cs::network::travel_time_matrix(net.graph, from, s, dij, ctx);
  std::size_t on_boundary = 0;
  for (std::size_t i = 0; i < from.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j) {
      if (!std::isfinite(all_from(i, j)) || all_from(i, j) == 0) continue;
      cs::network::MatrixOptions cut;
      cut.cutoff_s = all_from(i, j);
      const std::span<const cs::network::Snap> si = std::span(from).subspan(i, 1),
                                               sj = std::span(s).subspan(j, 1);
      ASSERT_EQ(cs::network::ch_matrix(ch, net.graph, si, sj, cut, ctx)(0, 0), all_from(i, j))
          << "CH " << i << "->" << j;
      cut.algorithm = cs::network::MatrixAlgorithm::kDijkstra;
      ASSERT_EQ(cs::network::travel_time_matrix(net.graph, si, sj, cut, ctx)(0, 0), all_from(i, j))
          << "Dijkstra " << i << "->" << j;
      ++on_boundary;
    }
  EXPECT_GT(on_boundary, 150u);
  expect_ch_equals_dijkstra(net.graph, ch, 30, 30, test::seed());
}

TEST(CH, RandomGraphsWithParallelArcsAndOneWays) {
  Rng rng(test::seed());
  for (int trial = 0; trial < 20; ++trial) {
    cs::network::GraphBuilder b(cs::network::Profile::kCar);
    const std::size_t n = 20 + rng.below(60);
    for (std::size_t i = 0; i < n; ++i) b.add_node({rng.uniform() * 0.05, rng.uniform() * 0.05});
    const std::size_t m = n + rng.below(3 * n);
    for (std::size_t k = 0; k < m; ++k) {
      const auto u = static_cast<NodeId>(rng.below(n)), v = static_cast<NodeId>(rng.below(n));
      const auto dirs = static_cast<std::uint8_t>(1 + rng.below(3));
      const auto w1 = static_cast<Weight>(1 + rng.below(1000)), w2 = static_cast<Weight>(1 + rng.below(1000));
      b.add_edge(u, v, {}, cs::network::RoadClass::kOther, 30, -1, dirs, w1, w2);
    }
    const cs::network::RoadGraph g = std::move(b).finish();
    Context ctx;
    const auto ch = cs::network::ContractionHierarchy::build(g, cs::network::CHConfig{}, ctx);
    cs::network::CHQuery q(ch);
    cs::network::Dijkstra d(g);
    for (NodeId s = 0; s < n; ++s) {
      cs::network::Snap sn;  // a point sitting on node s: seed both ends of one of its edges with 0 / inf
      std::pair<NodeId, Weight> src{s, 0};
      d.run({&src, 1});
      std::pair<NodeId, Weight> seed{ch.rank[s], 0};
      q.upward({&seed, 1}, true);
      // Node-to-node distances through the up/down searches (the bucket join for one pair).
      cs::network::CHQuery back(ch);
      for (NodeId t = 0; t < n; ++t) {
        std::pair<NodeId, Weight> ts{ch.rank[t], 0};
        back.upward({&ts, 1}, false);
        Weight best = kInfWeight;
        for (NodeId r : q.space())
          if (back.d(r) != kInfWeight) best = std::min(best, sat_add(q.d(r), back.d(r)));
        ASSERT_EQ(best, d.dist(t)) << "trial " << trial << " " << s << "->" << t;
        // Both searches cut off exactly at the distance still meet (the upward cutoff is inclusive).
        if (trial < 5 && best != kInfWeight && s != t) {
          cs::network::CHQuery fwd(ch), bwd(ch);
          fwd.upward({&seed, 1}, true, best);
          bwd.upward({&ts, 1}, false, best);
          Weight cut = kInfWeight;
          for (NodeId r : fwd.space())
            if (bwd.d(r) != kInfWeight) cut = std::min(cut, sat_add(fwd.d(r), bwd.d(r)));
          ASSERT_EQ(cut, best) << "cutoff = distance, trial " << trial << " " << s << "->" << t;
        }
      }
      (void)sn;
    }
  }
}

TEST(CH, DeterministicWhateverTheThreadCount) {
  const std::string osm = test::source_path("data/fixtures/osm/monaco.osm.pbf").string();
  Context ctx;
  const auto nb = build_network(osm, default_network_config(cs::network::Profile::kCar), ctx);
  cs::network::CHConfig one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = cs::network::ContractionHierarchy::build(nb.graph, one, ctx);
  const auto b = cs::network::ContractionHierarchy::build(nb.graph, two, ctx);
  EXPECT_EQ(a.rank, b.rank);
  EXPECT_EQ(a.up_head, b.up_head);
  EXPECT_EQ(a.up_weight, b.up_weight);
  EXPECT_EQ(a.down_head, b.down_head);
  EXPECT_EQ(a.down_weight, b.down_weight);
}

TEST(CH, FileRoundTripAndCorruption) {
  const auto net = test::ascii_network(R"(
    a--b->c
    |     |
    d--e--f)",
                                       3.0);
  Context ctx;
  const auto ch = cs::network::ContractionHierarchy::build(net.graph, cs::network::CHConfig{}, ctx);
  test::TempDir dir;
  save_ch(ch, dir / "x.csch");
  const auto back = load_ch(dir / "x.csch", &net.graph);
  EXPECT_EQ(back.rank, ch.rank);
  EXPECT_EQ(back.up_head, ch.up_head);
  EXPECT_EQ(back.down_weight, ch.down_weight);
  EXPECT_TRUE(back.matches(net.graph));
  const auto other = test::ascii_network("a-b", 1.0);
  EXPECT_THROW((void)load_ch(dir / "x.csch", &other.graph), InputError);
  std::string bytes;
  {
    std::ifstream in(dir / "x.csch", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x11;
  std::ofstream(dir / "bad.csch", std::ios::binary) << bytes;
  EXPECT_THROW((void)load_ch(dir / "bad.csch"), InputError);
  std::ofstream(dir / "short.csch", std::ios::binary) << bytes.substr(0, 20);
  EXPECT_THROW((void)load_ch(dir / "short.csch"), InputError);
  cs::network::SnapIndex idx(net.graph);
  const auto s = idx.snap_all(std::vector<LonLat>{net.graph.node_coord[0]}, cs::network::SnapOptions{}, 1);
  EXPECT_THROW((void)cs::network::ch_matrix(ch, other.graph, s, s, cs::network::MatrixOptions{}, ctx),
               InputError);
}

// Acceptance (issue 8): >= 10,000 random pairs on each bundled network.
class CHBundled : public ::testing::TestWithParam<const char*> {};

TEST_P(CHBundled, EqualsDijkstraOnTenThousandPairs) {
  Context ctx;
  const auto nb = build_network(test::source_path(GetParam()).string(),
                                default_network_config(cs::network::Profile::kCar), ctx);
  const auto ch = cs::network::ContractionHierarchy::build(nb.graph, cs::network::CHConfig{}, ctx);
  expect_ch_equals_dijkstra(nb.graph, ch, 100, 120, test::seed());
  // The automatic choice answers the same as an explicit CH.
  cs::network::MatrixOptions force;
  force.algorithm = cs::network::MatrixAlgorithm::kCH;
  Rng rng(test::seed() + 7);
  cs::network::SnapIndex idx(nb.graph);
  const auto p = idx.snap_all(random_points(nb.graph, 20, rng), cs::network::SnapOptions{}, 2);
  EXPECT_EQ(cs::network::travel_time_matrix(nb.graph, p, p, force, ctx),
            cs::network::travel_time_matrix(nb.graph, ch, p, p, {}, ctx));
}

INSTANTIATE_TEST_SUITE_P(Networks, CHBundled,
                         ::testing::Values("data/sample/liechtenstein-2024-03-04.osm.pbf",
                                           "data/fixtures/osm/andorra-2013-05-28.osm.pbf",
                                           "data/fixtures/osm/monaco.osm.pbf",
                                           "data/fixtures/osm/north-bayreuth-2014.osm.gz",
                                           "data/fixtures/osm/porto-portugal.osm.pbf"));

}  // namespace
}  // namespace cs
