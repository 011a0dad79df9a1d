// Unit tests on hand-drawn networks: profiles, graph construction, SCC, Dijkstra, snapping, matrices, graph
// I/O.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "ascii_network.hpp"
#include "test_support.hpp"

namespace cs {
namespace {

using test::ascii_network;
using test::AsciiNetwork;

Weight sp(const cs::network::RoadGraph& g, NodeId s, NodeId t) {
  cs::network::Dijkstra d(g);
  std::pair<NodeId, Weight> src{s, 0};
  d.run({&src, 1});
  return d.dist(t);
}

TEST(Profile, ParseAndList) {
  EXPECT_EQ(cs::network::parse_profile("car"), cs::network::Profile::kCar);
  EXPECT_EQ(cs::network::parse_profile("walk"), cs::network::Profile::kWalk);
  EXPECT_EQ(cs::network::profile_name(cs::network::Profile::kWalk), "walk");
  try {
    (void)cs::network::parse_profile("bike");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("car"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("walk"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("bike"), std::string::npos);
    EXPECT_EQ(e.exit_code(), 2);
  }
  EXPECT_EQ(cs::network::road_class_name(cs::network::RoadClass::kLivingStreet), "living_street");
}

// Lanes per direction (issue 19): a tagged direction wins, a total splits evenly on a two-way road, a one-way
// road takes the total in its direction, and anything but a whole number 1..20 is not a figure.
TEST(Lanes, Parse) {
  auto both = [](const char* n, const char* f, const char* b, std::uint8_t dirs) {
    const auto l = detail::parse_lanes(n, f, b, dirs);
    return std::pair{l.forward, l.backward};
  };
  EXPECT_EQ(both("4", "", "", 3), (std::pair{2.0f, 2.0f}));
  EXPECT_EQ(both("3", "", "", 3), (std::pair{1.5f, 1.5f}));
  EXPECT_EQ(both("3", "2", "", 3), (std::pair{2.0f, 1.0f}));
  EXPECT_EQ(both("3", "", "1", 3), (std::pair{2.0f, 1.0f}));
  EXPECT_EQ(both("", "2", "1", 3), (std::pair{2.0f, 1.0f}));
  EXPECT_EQ(both("1", "", "", 3),
            (std::pair{0.0f, 0.0f}));  // one lane for two directions: not a capacity figure
  EXPECT_EQ(both("2", "", "", 1), (std::pair{2.0f, 0.0f}));  // oneway=yes
  EXPECT_EQ(both("2", "", "", 2), (std::pair{0.0f, 2.0f}));  // oneway=-1
  EXPECT_EQ(both("2;3", "", "", 3), (std::pair{0.0f, 0.0f}));
  EXPECT_EQ(both("0", "", "", 1), (std::pair{0.0f, 0.0f}));
  EXPECT_EQ(both("99", "", "", 1), (std::pair{0.0f, 0.0f}));
  EXPECT_EQ(both("", "", "", 3), (std::pair{0.0f, 0.0f}));
}

TEST(Maxspeed, Parse) {
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("50"), 50);
  EXPECT_NEAR(detail::parse_maxspeed("30 mph"), 48.28, 0.01);
  EXPECT_NEAR(detail::parse_maxspeed("30mph"), 48.28, 0.01);
  EXPECT_LT(detail::parse_maxspeed("none"), 0);
  EXPECT_LT(detail::parse_maxspeed("signals"), 0);
  EXPECT_LT(detail::parse_maxspeed("fast"), 0);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("CH:urban"), 50);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("CH:rural"), 80);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("AT:rural"), 100);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("AT:motorway"), 130);
  EXPECT_LT(detail::parse_maxspeed("DE:motorway"), 0);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("DE:zone30"), 30);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("DE:zone:20"), 20);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("60;80"), 60);
  EXPECT_DOUBLE_EQ(detail::parse_maxspeed("walk"), 5);
}

TEST(Graph, TravelMs) {
  EXPECT_EQ(cs::network::travel_ms(1000.0, 36.0), 100000u);
  EXPECT_EQ(cs::network::travel_ms(0.0, 36.0), 1u);  // at least 1 ms
  EXPECT_EQ(cs::network::travel_ms(0.0104, 36.0), 1u);
  EXPECT_EQ(cs::network::travel_ms(0.015, 36.0), 2u);  // 1.5 ms rounds half up
}

TEST(Graph, AsciiFixtureBuildsValidCsr) {
  const auto net = ascii_network(R"(
    a--b->c
    |     |
    d-----e)",
                                 10.0);
  const cs::network::RoadGraph& g = net.graph;
  cs::network::check_graph(g);
  EXPECT_EQ(g.node_count(), 5u);
  EXPECT_EQ(g.edge_count(), 5u);
  EXPECT_EQ(g.arc_count(), 9u);                                    // b->c one-way
  EXPECT_EQ(sp(g, net['a'], net['c']), 60000u);                    // a-b-c
  EXPECT_EQ(sp(g, net['c'], net['a']), 20000u + 60000u + 20000u);  // c-e-d-a
  EXPECT_EQ(sp(g, net['c'], net['b']), 20000u + 60000u + 20000u + 30000u);
  const cs::network::RoadGraph r = cs::network::reverse_graph(g);
  cs::network::check_graph(r);
  // In the transpose, a search from x gives times *to* x.
  for (char s : std::string("abcde"))
    for (char t : std::string("abcde")) EXPECT_EQ(sp(r, net[t], net[s]), sp(g, net[s], net[t])) << s << t;
}

TEST(Graph, CheckGraphDetectsBrokenInvariants) {
  auto net = ascii_network("a-b-c", 1.0);
  cs::network::RoadGraph g = net.graph;
  g.first_out.back() += 1;
  EXPECT_THROW(cs::network::check_graph(g), std::logic_error);
  g = net.graph;
  g.head[0] = 99;
  EXPECT_THROW(cs::network::check_graph(g), std::logic_error);
  g = net.graph;
  std::swap(g.head[g.first_out[1]], g.head[g.first_out[1] + 1]);  // b's arcs out of order
  EXPECT_THROW(cs::network::check_graph(g), std::logic_error);
}

TEST(Graph, StronglyConnectedComponents) {
  // a<->b<->c is strongly connected; c->d one-way makes d a sink; e-f separate.
  const auto net = ascii_network(R"(
    a-b-c->d
    e-f)",
                                 1.0);
  std::size_t n = 0;
  const auto comp = cs::network::strongly_connected_components(net.graph, &n);
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(comp[net['a']], comp[net['b']]);
  EXPECT_EQ(comp[net['a']], comp[net['c']]);
  EXPECT_NE(comp[net['a']], comp[net['d']]);
  EXPECT_EQ(comp[net['e']], comp[net['f']]);
  EXPECT_NE(comp[net['a']], comp[net['e']]);
  std::vector<std::uint8_t> keep(net.graph.node_count(), 0);
  keep[net['a']] = keep[net['b']] = keep[net['c']] = 1;
  const cs::network::RoadGraph sub = cs::network::induced_subgraph(net.graph, keep);
  cs::network::check_graph(sub);
  EXPECT_EQ(sub.node_count(), 3u);
  EXPECT_EQ(sub.edge_count(), 2u);
  EXPECT_EQ(sub.arc_count(), 4u);
}

TEST(Graph, SccOnLongPathDoesNotRecurse) {
  // 200k-node cycle: a recursive Tarjan would overflow the stack.
  cs::network::GraphBuilder b(cs::network::Profile::kCar);
  const std::uint32_t n = 200000;
  for (std::uint32_t i = 0; i < n; ++i) b.add_node({i * 1e-5, 0.0});
  for (std::uint32_t i = 0; i < n; ++i)
    b.add_edge(i, (i + 1) % n, {}, cs::network::RoadClass::kOther, 10, -1, 1, 1, 1);
  const cs::network::RoadGraph g = std::move(b).finish();
  std::size_t c = 0;
  (void)cs::network::strongly_connected_components(g, &c);
  EXPECT_EQ(c, 1u);
}

TEST(Dijkstra, CutoffMultiSourceAndReuse) {
  const auto net = ascii_network("a-b-c-d-e", 1.0);
  cs::network::Dijkstra d(net.graph);
  std::pair<NodeId, Weight> src[] = {{net['a'], 0}, {net['e'], 500}};
  d.run(src);
  EXPECT_EQ(d.dist(net['c']), 4000u);  // from a: 4000 < 500 + 4000 from e
  EXPECT_EQ(d.dist(net['d']), 2500u);  // from e
  EXPECT_EQ(d.parent(net['d']), net['e']);
  EXPECT_EQ(d.parent(net['c']), net['b']);
  d.run({src, 1}, 4000);
  EXPECT_EQ(d.dist(net['c']), 4000u);
  EXPECT_EQ(d.dist(net['d']), kInfWeight);  // beyond the cutoff: not reached
  EXPECT_EQ(d.settled().size(), 3u);
}

TEST(Snap, ProjectsOntoSegmentInterior) {
  const auto net = ascii_network(R"(
    a----b
         |
         c)",
                                 10.0);
  cs::network::SnapIndex idx(net.graph);
  // Halfway between a and b, 0.3 cells north.
  const LonLat p = AsciiNetwork::at(-0.3, 2.5);
  const cs::network::Snap s = idx.snap(p, cs::network::SnapOptions{});
  const auto e = s.edge;
  EXPECT_EQ(net.graph.edge_from[e], net['a']);
  EXPECT_EQ(net.graph.edge_to[e], net['b']);
  EXPECT_NEAR(s.frac, 0.5, 1e-6);
  EXPECT_NEAR(s.on_edge.lon, AsciiNetwork::at(0, 2.5).lon, 1e-9);
  EXPECT_NEAR(s.on_edge.lat, 0.0, 1e-9);
  EXPECT_NEAR(s.dist_m, 0.3 * 111.195, 0.1);
  EXPECT_EQ(s.access_ms, from_seconds(s.dist_m / (5.0 / 3.6)));
  EXPECT_EQ(s.to_from_node, 25000u);
  EXPECT_EQ(s.to_to_node, 25000u);
  EXPECT_EQ(s.from_from_node, 25000u);
  EXPECT_EQ(s.from_to_node, 25000u);
  EXPECT_FALSE(s.far);
  // Nearest is the vertical b-c edge, not the nearer *node* a.
  const cs::network::Snap s2 = idx.snap(AsciiNetwork::at(1.5, 4.6), cs::network::SnapOptions{});
  EXPECT_EQ(net.graph.edge_from[s2.edge], net['b']);
  EXPECT_EQ(net.graph.edge_to[s2.edge], net['c']);
  EXPECT_NEAR(s2.frac, 0.75, 1e-6);
}

TEST(Snap, OneWayEdgesAndFarFlag) {
  const auto net = ascii_network("a-->--b", 7.0);
  cs::network::SnapIndex idx(net.graph);
  const cs::network::Snap s = idx.snap(AsciiNetwork::at(0.1, 2.0), cs::network::SnapOptions{});
  EXPECT_NEAR(s.frac, 2.0 / 6.0, 1e-6);
  EXPECT_EQ(s.to_to_node, 28000u);      // forward: point -> b
  EXPECT_EQ(s.from_from_node, 14000u);  // forward: a -> point
  EXPECT_EQ(s.to_from_node, kInfWeight);
  EXPECT_EQ(s.from_to_node, kInfWeight);
  cs::network::SnapOptions far;
  far.far_threshold_m = 200;
  const cs::network::Snap f = idx.snap(AsciiNetwork::at(-3, 3), far);  // ~333 m north
  EXPECT_TRUE(f.far);
  EXPECT_NEAR(f.dist_m, 3 * 111.195, 0.5);
  const cs::network::Snap beyond = idx.snap(AsciiNetwork::at(0, -10), far);  // outside the grid's box
  EXPECT_EQ(beyond.frac, 0.0);
  EXPECT_TRUE(beyond.far);
  EXPECT_THROW((void)idx.snap({std::nan(""), 0.0}, far), InputError);
}

TEST(Snap, MatchesBruteForceOnRandomPoints) {
  const auto net = ascii_network(R"(
    a---b---c
    |   |   v
    d-->e---f
    |       |
    g---h---i)",
                                 5.0);
  const cs::network::RoadGraph& g = net.graph;
  cs::network::SnapIndex idx(g);
  Rng rng(test::seed());
  for (int k = 0; k < 2000; ++k) {
    const LonLat p{(rng.uniform() * 14 - 3) * AsciiNetwork::kCellDeg,
                   -(rng.uniform() * 10 - 3) * AsciiNetwork::kCellDeg};
    const cs::network::Snap s = idx.snap(p, cs::network::SnapOptions{});
    double best = 1e300;
    for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
      // Dense sampling of each (straight) edge as the brute-force oracle.
      const auto sh = g.edge_shape(e);
      for (int i = 0; i <= 2000; ++i) {
        const double t = i / 2000.0;
        best = std::min(best, cs::network::haversine_m(p, {sh[0].lon + t * (sh[1].lon - sh[0].lon),
                                                           sh[0].lat + t * (sh[1].lat - sh[0].lat)}));
      }
    }
    EXPECT_NEAR(s.dist_m, best, 0.25) << k;
  }
}

TEST(Matrix, SnappedPointsIncludingSameEdge) {
  const auto net = ascii_network(R"(
    a----b
    |    |
    c----d)",
                                 10.0);
  cs::network::SnapIndex idx(net.graph);
  cs::network::SnapOptions so;
  so.connector_speed_kmh = 3.6;  // 1 m/s
  std::vector<cs::network::Snap> pts = {idx.snap(AsciiNetwork::at(0, 1), so),
                                        idx.snap(AsciiNetwork::at(0, 4), so),
                                        idx.snap(AsciiNetwork::at(2, 2), so)};
  Context ctx;
  ctx.threads = 2;
  const TimeMatrix m =
      cs::network::travel_time_matrix(net.graph, pts, pts, cs::network::MatrixOptions{}, ctx);
  EXPECT_FLOAT_EQ(m(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(m(0, 1), 30.0f);  // directly along a-b
  EXPECT_FLOAT_EQ(m(1, 0), 30.0f);
  EXPECT_FLOAT_EQ(m(0, 2), 10 + 20 + 20.0f);  // via a and c
  EXPECT_FLOAT_EQ(m(1, 2), 10 + 20 + 30.0f);  // via b, d
  // Fewer targets than origins runs backward searches: same answers.
  for (std::size_t c = 0; c < 3; ++c) {
    const TimeMatrix col = cs::network::travel_time_matrix(
        net.graph, pts, std::span<const cs::network::Snap>(&pts[c], 1), cs::network::MatrixOptions{}, ctx);
    for (std::size_t r = 0; r < 3; ++r) EXPECT_EQ(col(r, 0), m(r, c)) << r << "," << c;
  }
  // With an access leg: a point 2 cells north of a-b's middle.
  std::vector<cs::network::Snap> off = {idx.snap(AsciiNetwork::at(-2, 2.5), so)};
  const TimeMatrix m2 =
      cs::network::travel_time_matrix(net.graph, off, pts, cs::network::MatrixOptions{}, ctx);
  const float leg = static_cast<float>(std::round(off[0].dist_m * 1000.0) / 1000.0);
  EXPECT_NEAR(m2(0, 1), leg + 15.0f, 0.002);
  cs::network::MatrixOptions no_access;
  no_access.include_access = false;
  EXPECT_FLOAT_EQ(cs::network::travel_time_matrix(net.graph, off, pts, no_access, ctx)(0, 1), 15.0f);
  cs::network::MatrixOptions cut;
  cut.cutoff_s = 40;
  const TimeMatrix m3 = cs::network::travel_time_matrix(net.graph, pts, pts, cut, ctx);
  EXPECT_FLOAT_EQ(m3(0, 1), 30.0f);
  EXPECT_EQ(m3(0, 2), kUnreachable);
}

TEST(Matrix, PointOfAnotherGraphIsAUsageError) {
  const auto net = ascii_network("a--b", 1.0);
  cs::network::SnapIndex idx(net.graph);
  std::vector<cs::network::Snap> pts = {idx.snap(AsciiNetwork::at(0, 1), {})};
  std::vector<cs::network::Snap> other = pts;
  other[0].edge = static_cast<std::uint32_t>(net.graph.edge_count());  // an edge only a larger graph has
  Context ctx;
  for (auto [from, to] : {std::pair{&other, &pts}, std::pair{&pts, &other}}) {
    try {
      (void)cs::network::travel_time_matrix(net.graph, *from, *to, cs::network::MatrixOptions{}, ctx);
      ADD_FAILURE() << "no error";
    } catch (const cs::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("snapped onto another network"), std::string::npos) << e.what();
    }
  }
}

TEST(Matrix, OneWaySameEdgeAndUnreachable) {
  const auto net = ascii_network(R"(
    a-->--b
    x-y)",
                                 1.0);
  cs::network::SnapIndex idx(net.graph);
  cs::network::SnapOptions so;
  so.connector_speed_kmh = 1e9;
  std::vector<cs::network::Snap> pts = {idx.snap(AsciiNetwork::at(0, 1), so),
                                        idx.snap(AsciiNetwork::at(0, 5), so),
                                        idx.snap(AsciiNetwork::at(1, 1), so)};
  Context ctx;
  const TimeMatrix m =
      cs::network::travel_time_matrix(net.graph, pts, pts, cs::network::MatrixOptions{}, ctx);
  EXPECT_FLOAT_EQ(m(0, 1), 4.0f);
  EXPECT_EQ(m(1, 0), kUnreachable);  // against the one-way, no way around
  EXPECT_EQ(m(0, 2), kUnreachable);  // other component
  for (std::size_t c = 0; c < 3; ++c) {
    const TimeMatrix col = cs::network::travel_time_matrix(
        net.graph, pts, std::span<const cs::network::Snap>(&pts[c], 1), cs::network::MatrixOptions{}, ctx);
    for (std::size_t r = 0; r < 3; ++r) EXPECT_EQ(col(r, 0), m(r, c)) << r << "," << c;
  }
}

TEST(GraphIo, RoundTripAndCorruption) {
  const auto net = ascii_network(R"(
    a--b->c
    |     |
    d-----e)",
                                 3.0);
  test::TempDir dir;
  save_graph(net.graph, dir / "g.csgraph");
  const cs::network::RoadGraph g = load_graph(dir / "g.csgraph");
  EXPECT_EQ(g.first_out, net.graph.first_out);
  EXPECT_EQ(g.head, net.graph.head);
  EXPECT_EQ(g.weight, net.graph.weight);
  EXPECT_EQ(g.shape, net.graph.shape);
  EXPECT_EQ(g.node_osm_id, net.graph.node_osm_id);
  EXPECT_EQ(g.edge_class, net.graph.edge_class);
  std::string bytes;
  {
    std::ifstream in(dir / "g.csgraph", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& b) {
    std::ofstream out(dir / "bad.csgraph", std::ios::binary);
    out << b;
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x5a;
  write(flipped);
  EXPECT_THROW((void)load_graph(dir / "bad.csgraph"), InputError);
  write(bytes.substr(0, bytes.size() - 11));
  EXPECT_THROW((void)load_graph(dir / "bad.csgraph"), InputError);
  write("hello");
  try {
    (void)load_graph(dir / "bad.csgraph");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csgraph"), std::string::npos);
  }
  EXPECT_THROW((void)load_graph(dir / "missing.csgraph"), IoError);
}

}  // namespace
}  // namespace cs
