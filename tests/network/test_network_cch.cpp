// Customizable contraction hierarchies (issue 16): distances equal Dijkstra's on hand-drawn, random, tiny and
// every bundled network, before and after rounds of random weight changes (increases, decreases, closures)
// applied by partial re-customisation, which must equal a full customisation bit for bit; matrices equal the
// CH's and Dijkstra's; the order and the weights are deterministic for any thread count; bad input throws.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/network/cch.hpp>
#include <countyscope/network/ch.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "ascii_network.hpp"
#include "test_support.hpp"

namespace cs {
namespace {

using network::ArcTime;
using network::CustomizableCH;
using network::RoadGraph;

// A point placed exactly on node v (no access leg): its times do not depend on the arc weights.
network::Snap at_node(const RoadGraph& g, NodeId v) {
  network::Snap s;
  ArcId a = g.first_out[v];
  if (a == g.first_out[v + 1]) {  // no outgoing arc: use an incoming one
    for (a = 0; a < g.arc_count() && g.head[a] != v; ++a) {
    }
  }
  s.edge = g.arc_edge[a];
  if (g.edge_from[s.edge] == v) {
    s.frac = 0;
    s.to_from_node = s.from_from_node = 0;
  } else {
    s.frac = 1;
    s.to_to_node = s.from_to_node = 0;
  }
  s.on_edge = g.node_coord[v];
  return s;
}

// Every source's Dijkstra against the CCH's point-to-point answers.
void expect_distances_equal_dijkstra(const RoadGraph& g, const CustomizableCH& cch,
                                     std::span<const NodeId> sources, std::span<const NodeId> targets,
                                     const std::string& what) {
  network::Dijkstra d(g);
  network::CCHQuery q(cch);
  for (NodeId s : sources) {
    const std::pair<NodeId, Weight> src{s, 0};
    d.run({&src, 1});
    for (NodeId t : targets) ASSERT_EQ(q.distance(s, t), d.dist(t)) << what << ": " << s << " -> " << t;
  }
}

// Random changes to n arcs: increase, decrease, close, or reopen at a new time.
std::vector<ArcTime> random_changes(const RoadGraph& g, const std::vector<Weight>& w, std::size_t n,
                                    Rng& rng) {
  std::vector<ArcTime> c;
  for (std::size_t k = 0; k < n; ++k) {
    const auto a = static_cast<ArcId>(rng.below(g.arc_count()));
    const double old_s = w[a] == kInfWeight ? 60.0 : static_cast<double>(w[a]) / 1000.0;
    const auto kind = rng.below(4);
    double s = kind == 0   ? old_s * (1.5 + 3 * rng.uniform())
               : kind == 1 ? old_s * rng.uniform()
               : kind == 2 ? std::numeric_limits<double>::infinity()
                           : 1 + 200 * rng.uniform();
    c.push_back({a, s});
  }
  return c;
}

void apply_to(std::vector<Weight>& w, std::span<const ArcTime> c) {
  for (const auto& x : c) w[x.arc] = std::isinf(x.seconds) ? kInfWeight : from_seconds(x.seconds);
}

TEST(CCH, TinyAndDegenerateGraphs) {
  Context ctx;
  {  // no node at all
    network::GraphBuilder b(network::Profile::kCar);
    const RoadGraph g = std::move(b).finish();
    auto cch = CustomizableCH::build(g, {}, ctx);
    EXPECT_EQ(cch.node_count(), 0u);
    EXPECT_EQ(cch.arc_count(), 0u);
    EXPECT_EQ(cch.update({}), 0u);
  }
  {  // one node, no arc
    network::GraphBuilder b(network::Profile::kCar);
    b.add_node({1, 1});
    const RoadGraph g = std::move(b).finish();
    auto cch = CustomizableCH::build(g, {}, ctx);
    network::CCHQuery q(cch);
    EXPECT_EQ(q.distance(0, 0), 0u);
  }
  {  // two nodes, a one-way arc and a loop
    network::GraphBuilder b(network::Profile::kCar);
    const auto u = b.add_node({1, 1}), v = b.add_node({1.01, 1});
    b.add_edge(u, v, {}, network::RoadClass::kPrimary, 50, -1, 1, 700, 700);
    b.add_edge(u, u, {}, network::RoadClass::kPrimary, 50, -1, 3, 5, 5);
    const RoadGraph g = std::move(b).finish();
    auto cch = CustomizableCH::build(g, {}, ctx);
    network::CCHQuery q(cch);
    EXPECT_EQ(q.distance(u, v), 700u);
    EXPECT_EQ(q.distance(v, u), kInfWeight);
    EXPECT_EQ(q.distance(u, u), 0u);
    ArcId uv = 0;
    for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a)
      if (g.head[a] == v) uv = a;
    cch.update(std::vector<ArcTime>{{uv, std::numeric_limits<double>::infinity()}});
    EXPECT_EQ(q.distance(u, v), kInfWeight);
    cch.update(std::vector<ArcTime>{{uv, 0.25}});
    EXPECT_EQ(q.distance(u, v), 250u);
  }
  {  // disconnected: three components (two pairs and an isolated node)
    network::GraphBuilder b(network::Profile::kCar);
    for (int i = 0; i < 5; ++i) b.add_node({1 + 0.01 * i, 1});
    b.add_edge(0, 1, {}, network::RoadClass::kPrimary, 50, -1, 3, 100, 200);
    b.add_edge(2, 3, {}, network::RoadClass::kPrimary, 50, -1, 3, 300, 400);
    const RoadGraph g = std::move(b).finish();
    const auto cch = CustomizableCH::build(g, {}, ctx);
    const std::vector<NodeId> all{0, 1, 2, 3, 4};
    expect_distances_equal_dijkstra(g, cch, all, all, "disconnected");
  }
}

TEST(CCH, HandDrawnAllPairsAndMatrices) {
  const auto net = test::ascii_network(R"(
    a--b->c--d
    |  |  ^  |
    e--f--g<-h
    v     |  |
    i-----j--k)",
                                       7.0);
  const RoadGraph& g = net.graph;
  Context ctx;
  const auto cch = CustomizableCH::build(g, {}, ctx);
  std::vector<NodeId> all(g.node_count());
  for (NodeId v = 0; v < all.size(); ++v) all[v] = v;
  expect_distances_equal_dijkstra(g, cch, all, all, "hand-drawn");
  network::SnapIndex idx(g);
  Rng rng(test::seed());
  std::vector<LonLat> pts;
  for (int i = 0; i < 25; ++i)
    pts.push_back({g.node_coord[0].lon + 0.0006 * rng.uniform() * 10,
                   g.node_coord[0].lat - 0.0006 * rng.uniform() * 4});
  for (NodeId v = 0; v < g.node_count(); ++v) pts.push_back(g.node_coord[v]);
  const auto s = idx.snap_all(pts, {}, 1);
  network::MatrixOptions dij;
  dij.algorithm = network::MatrixAlgorithm::kDijkstra;
  const TimeMatrix want = network::travel_time_matrix(g, s, s, dij, ctx);
  EXPECT_EQ(network::cch_matrix(cch, g, s, s, {}, ctx), want);
  // Cutoffs and access legs left out behave as for Dijkstra.
  network::MatrixOptions cut;
  cut.cutoff_s = 30;
  cut.include_access = false;
  dij.cutoff_s = 30;
  dij.include_access = false;
  EXPECT_EQ(network::cch_matrix(cch, g, s, s, cut, ctx), network::travel_time_matrix(g, s, s, dij, ctx));
  // Both ways of answering (the targets' buckets, the sweep from the top rank down), with and without cutoff.
  for (const auto method : {network::CCHMatrixMethod::kBuckets, network::CCHMatrixMethod::kSweep}) {
    EXPECT_EQ(network::cch_matrix(cch, g, s, s, {}, ctx, method), want) << static_cast<int>(method);
    EXPECT_EQ(network::cch_matrix(cch, g, s, s, cut, ctx, method),
              network::travel_time_matrix(g, s, s, dij, ctx))
        << static_cast<int>(method);
  }
}

TEST(CCH, RandomGraphsWithChangesEqualDijkstraAndFullCustomisation) {
  Rng rng(test::seed() + 16);
  Context ctx;
  for (int trial = 0; trial < 25; ++trial) {
    network::GraphBuilder b(network::Profile::kCar);
    const std::size_t n = 3 + rng.below(70);
    for (std::size_t i = 0; i < n; ++i) b.add_node({rng.uniform() * 0.05, rng.uniform() * 0.05});
    const std::size_t m = n / 2 + rng.below(3 * n);  // sparse ones are disconnected
    for (std::size_t k = 0; k < m; ++k) {
      const auto u = static_cast<NodeId>(rng.below(n)), v = static_cast<NodeId>(rng.below(n));
      const auto dirs = static_cast<std::uint8_t>(1 + rng.below(3));
      const std::uint64_t range = trial % 2 ? 1000 : 4;  // tiny weights: many ties and zero-weight cycles
      const auto w1 = static_cast<Weight>(rng.below(range)), w2 = static_cast<Weight>(rng.below(range));
      b.add_edge(u, v, {}, network::RoadClass::kOther, 30, -1, dirs, w1, w2);
    }
    RoadGraph g = std::move(b).finish();
    auto cch = CustomizableCH::build(g, {}, ctx);
    std::vector<NodeId> all(n);
    for (NodeId v = 0; v < n; ++v) all[v] = v;
    expect_distances_equal_dijkstra(g, cch, all, all, "trial " + std::to_string(trial));
    for (int round = 0; round < 4 && g.arc_count() > 0; ++round) {
      const auto changes = random_changes(g, g.weight, 1 + rng.below(6), rng);
      cch.update(changes);
      apply_to(g.weight, changes);
      CustomizableCH full = cch;
      full.customize(g.weight, 1);
      ASSERT_EQ(cch.weight, full.weight) << "trial " << trial << " round " << round;
      expect_distances_equal_dijkstra(g, cch, all, all,
                                      "trial " + std::to_string(trial) + " round " + std::to_string(round));
      // Matrices (the stalled walks and buckets) between points on every node that has an arc.
      std::vector<network::Snap> pts;
      for (NodeId v = 0; v < n; ++v) {
        bool has_arc = g.first_out[v] != g.first_out[v + 1];
        for (ArcId a = 0; a < g.arc_count() && !has_arc; ++a) has_arc = g.head[a] == v;
        if (has_arc) pts.push_back(at_node(g, v));
      }
      network::MatrixOptions dij;
      dij.algorithm = network::MatrixAlgorithm::kDijkstra;
      const TimeMatrix want = network::travel_time_matrix(g, pts, pts, dij, ctx);
      ASSERT_EQ(network::cch_matrix(cch, g, pts, pts, {}, ctx), want)
          << "trial " << trial << " round " << round;
      for (const auto method : {network::CCHMatrixMethod::kBuckets, network::CCHMatrixMethod::kSweep})
        ASSERT_EQ(network::cch_matrix(cch, g, pts, pts, {}, ctx, method), want)
            << "trial " << trial << " round " << round << " method " << static_cast<int>(method);
    }
  }
}

TEST(CCH, BadInputThrowsOneLineErrors) {
  const auto net = test::ascii_network("a--b--c", 2.0);
  Context ctx;
  auto cch = CustomizableCH::build(net.graph, {}, ctx);
  const auto before = cch.weight;
  auto expect_input_error = [&](const std::vector<ArcTime>& c, const std::string& part) {
    try {
      cch.update(c);
      ADD_FAILURE() << "no error for " << part;
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(part), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  };
  const auto arcs = static_cast<ArcId>(net.graph.arc_count());
  expect_input_error({{0, 3.0}, {arcs, 1.0}}, "arc " + std::to_string(arcs) + ": out of range");
  expect_input_error({{1, std::nan("")}}, "arc 1: travel time");
  expect_input_error({{0, -2.0}}, "not a non-negative number");
  EXPECT_EQ(cch.weight, before);  // nothing applied: every change is checked first
  EXPECT_EQ(cch.arc_weight, net.graph.weight);
  EXPECT_THROW(cch.customize(std::vector<Weight>(arcs + 1, 5), 1), InputError);
  EXPECT_THROW((void)CustomizableCH::prepare(net.graph, std::vector<NodeId>{0, 1}), InputError);
  EXPECT_THROW((void)CustomizableCH::prepare(net.graph, std::vector<NodeId>{0, 1, 1}), InputError);
  EXPECT_THROW((void)CustomizableCH::prepare(net.graph, std::vector<NodeId>{0, 1, 3}), InputError);
  const auto other = test::ascii_network("a--b", 1.0);
  network::SnapIndex idx(other.graph);
  const auto s = idx.snap_all(std::vector<LonLat>{other.graph.node_coord[0]}, {}, 1);
  EXPECT_THROW((void)network::cch_matrix(cch, other.graph, s, s, {}, ctx), InputError);
}

RoadGraph load(const char* path) {
  Context ctx;
  return build_network(test::source_path(path).string(), default_network_config(network::Profile::kCar), ctx)
      .graph;
}

TEST(CCH, OrderAndCustomisationAreDeterministicWhateverTheThreadCount) {
  const RoadGraph g = load("data/sample/liechtenstein-2024-03-04.osm.pbf");
  const auto o1 = network::nested_dissection_order(g, 1), o2 = network::nested_dissection_order(g, 1);
  EXPECT_EQ(o1, o2);
  auto a = CustomizableCH::prepare(g, o1), b = CustomizableCH::prepare(g, o2);
  ASSERT_GE(a.arc_count(), 4096u);  // large enough for the parallel path
  a.customize(g.weight, 1);
  b.customize(g.weight, 2);
  EXPECT_EQ(a.up_head, b.up_head);
  EXPECT_EQ(a.weight, b.weight);
  EXPECT_GT(a.level_first.size(), 10u);
}

// Every bundled network: CCH distances and matrices equal Dijkstra's and the CH's; then three rounds of
// random weight changes (re-customised partially) still equal Dijkstra's on the changed graph and a full
// customisation bit for bit.
class CCHBundled : public ::testing::TestWithParam<const char*> {};

TEST_P(CCHBundled, EqualsDijkstraAndCHBeforeAndAfterChanges) {
  Context ctx;
  ctx.threads = 2;
  RoadGraph g = load(GetParam());
  auto cch = CustomizableCH::build(g, {}, ctx);
  Rng rng(test::seed() + 1600);
  auto pick = [&](std::size_t k) {
    std::vector<NodeId> v(k);
    for (auto& x : v) x = static_cast<NodeId>(rng.below(g.node_count()));
    return v;
  };
  const auto src = pick(8), dst = pick(400);
  expect_distances_equal_dijkstra(g, cch, src, dst, GetParam());
  // Matrices between snapped points: CCH == CH == Dijkstra.
  {
    double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
    for (const auto& c : g.node_coord)
      x0 = std::min(x0, c.lon), x1 = std::max(x1, c.lon), y0 = std::min(y0, c.lat), y1 = std::max(y1, c.lat);
    std::vector<LonLat> p(60);
    for (auto& q : p) q = {x0 + rng.uniform() * (x1 - x0), y0 + rng.uniform() * (y1 - y0)};
    network::SnapIndex idx(g);
    const auto s = idx.snap_all(p, {}, 2);
    const auto ch = network::ContractionHierarchy::build(g, {}, ctx);
    const TimeMatrix want = network::ch_matrix(ch, g, s, s, {}, ctx);
    EXPECT_EQ(network::cch_matrix(cch, g, s, s, {}, ctx), want);
    for (const auto method : {network::CCHMatrixMethod::kBuckets, network::CCHMatrixMethod::kSweep})
      EXPECT_EQ(network::cch_matrix(cch, g, s, s, {}, ctx, method), want) << static_cast<int>(method);
    EXPECT_EQ(network::travel_time_matrix(g, cch, s, s, {}, ctx), want);
    network::MatrixOptions dij;
    dij.algorithm = network::MatrixAlgorithm::kDijkstra;
    EXPECT_EQ(network::travel_time_matrix(g, s, s, dij, ctx), want);
  }
  std::vector<network::Snap> ps, pt;
  for (NodeId v : src) ps.push_back(at_node(g, v));
  for (std::size_t k = 0; k < 50; ++k) pt.push_back(at_node(g, dst[k]));
  for (int round = 0; round < 3; ++round) {
    // Changes clustered around one node (a studio edit touches one area) plus a few anywhere.
    std::vector<ArcTime> changes = random_changes(g, g.weight, 5, rng);
    const NodeId centre = static_cast<NodeId>(rng.below(g.node_count()));
    network::Dijkstra near(g);
    const std::pair<NodeId, Weight> c0{centre, 0};
    near.run({&c0, 1}, from_seconds(120));
    for (NodeId v : near.settled())
      for (ArcId a = g.first_out[v]; a < g.first_out[v + 1] && changes.size() < 60; ++a) {
        const auto more = random_changes(g, g.weight, 1, rng);
        changes.push_back({a, more[0].seconds});
      }
    cch.update(changes);
    apply_to(g.weight, changes);
    CustomizableCH full = cch;
    full.customize(g.weight, 2);
    ASSERT_EQ(cch.weight, full.weight) << "round " << round;
    std::vector<NodeId> near_nodes(
        near.settled().begin(), near.settled().begin() + std::min<std::size_t>(near.settled().size(), 100));
    expect_distances_equal_dijkstra(g, cch, src, dst,
                                    std::string(GetParam()) + " round " + std::to_string(round));
    expect_distances_equal_dijkstra(g, cch,
                                    std::span(near_nodes).first(std::min<std::size_t>(3, near_nodes.size())),
                                    dst, "near the changes, round " + std::to_string(round));
    network::MatrixOptions dij;
    dij.algorithm = network::MatrixAlgorithm::kDijkstra;
    const TimeMatrix want = network::travel_time_matrix(g, ps, pt, dij, ctx);
    EXPECT_EQ(network::cch_matrix(cch, g, ps, pt, {}, ctx), want) << "round " << round;
    EXPECT_EQ(network::cch_matrix(cch, g, ps, pt, {}, ctx, network::CCHMatrixMethod::kSweep), want)
        << "round " << round;
    EXPECT_EQ(network::cch_matrix(cch, g, pt, ps, {}, ctx, network::CCHMatrixMethod::kSweep),
              network::travel_time_matrix(g, pt, ps, dij, ctx))
        << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Networks, CCHBundled,
                         ::testing::Values("data/sample/liechtenstein-2024-03-04.osm.pbf",
                                           "data/fixtures/osm/andorra-2013-05-28.osm.pbf",
                                           "data/fixtures/osm/monaco.osm.pbf",
                                           "data/fixtures/osm/north-bayreuth-2014.osm.gz",
                                           "data/fixtures/osm/porto-portugal.osm.pbf"));

}  // namespace
}  // namespace cs
