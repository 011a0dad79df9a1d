// Isochrones on random drawn graphs against a Bellman-Ford brute force: node membership, partial edge pieces,
// nesting of circles, polygons containing the reached nodes.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include <countyscope/core/rng.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/structure/isochrone.hpp>
#include <countyscope/structure/service_areas.hpp>

#include "graph_fixture.hpp"
#include "test_support.hpp"

namespace cs {
namespace {

// Time from the source snap to the point at fraction x of edge e (brute force).
double point_time(const cs::network::RoadGraph& g, const std::vector<Weight>& d, const cs::network::Snap& s,
                  std::uint32_t e, double x) {
  Weight fwd = kInfWeight, bwd = kInfWeight;
  for (ArcId a = 0; a < g.arc_count(); ++a)
    if (g.arc_edge[a] == e) (g.arc_forward[a] ? fwd : bwd) = g.weight[a];
  double best = INFINITY;
  if (fwd != kInfWeight && d[g.edge_from[e]] != kInfWeight)
    best = std::min(best, d[g.edge_from[e]] + x * fwd);
  if (bwd != kInfWeight && d[g.edge_to[e]] != kInfWeight)
    best = std::min(best, d[g.edge_to[e]] + (1 - x) * bwd);
  if (e == s.edge) {
    if (x >= s.frac && fwd != kInfWeight) best = std::min(best, s.access_ms + (x - s.frac) * fwd);
    if (x <= s.frac && bwd != kInfWeight) best = std::min(best, s.access_ms + (s.frac - x) * bwd);
  }
  return best;
}

bool covered(const std::vector<cs::structure::EdgePiece>& pieces, std::uint32_t e, double x) {
  for (const cs::structure::EdgePiece& p : pieces)
    if (p.edge == e && x >= p.from - 1e-6 && x <= p.to + 1e-6) return true;
  return false;
}

bool in_ring(const std::vector<LonLat>& r, LonLat p) {
  bool in = false;
  for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++)
    if ((r[i].lat > p.lat) != (r[j].lat > p.lat) &&
        p.lon < (r[j].lon - r[i].lon) * (p.lat - r[i].lat) / (r[j].lat - r[i].lat) + r[i].lon)
      in = !in;
  return in;
}
bool in_polygon(const cs::structure::IsoPolygon& poly, LonLat p) {
  for (const auto& rings : poly.polygons) {
    if (!in_ring(rings[0], p)) continue;
    bool hole = false;
    for (std::size_t h = 1; h < rings.size(); ++h) hole = hole || in_ring(rings[h], p);
    if (!hole) return true;
  }
  return false;
}

TEST(Isochrone, MembershipEqualsBruteForceDistanceForEveryNode) {
  Rng rng(test::seed());
  const std::vector<double> cutoffs{30, 60, 120, 300, 600};
  for (int rep = 0; rep < 25; ++rep) {
    const cs::network::RoadGraph g =
        test::random_graph(rng, 3 + static_cast<int>(rng.below(8)), 3 + static_cast<int>(rng.below(8)));
    if (g.edge_count() == 0) continue;
    const auto e = static_cast<std::uint32_t>(rng.below(g.edge_count()));
    const cs::network::Snap s =
        test::snap_on_edge(g, e, rng.uniform(), static_cast<Weight>(rng.below(20'000)));
    const std::vector<Weight> d = test::brute_dist(g, s);
    cs::structure::IsochroneBuilder b(g);
    const cs::structure::Isochrone iso = b.run(s, cutoffs);
    for (std::size_t c = 0; c < cutoffs.size(); ++c) {
      const Weight cut = from_seconds(cutoffs[c]);
      std::set<NodeId> got;
      for (std::size_t k = 0; k < iso.reached_nodes(c); ++k) got.insert(iso.nodes[k].first);
      for (NodeId v = 0; v < g.node_count(); ++v)
        ASSERT_EQ(got.count(v) == 1, d[v] <= cut)
            << "rep " << rep << " node " << v << " cutoff " << cutoffs[c];
      for (std::size_t k = 0; k < iso.reached_nodes(c); ++k)
        EXPECT_EQ(iso.nodes[k].second, d[iso.nodes[k].first]);
      // The builder's edge-by-edge pieces equal the node-by-node construction.
      ASSERT_EQ(iso.pieces[c], cs::structure::reached_pieces(g, iso.nodes, s, cut));
      // Partial edges: a sample point is in a piece iff its brute-force time is within the cutoff.
      for (std::uint32_t ed = 0; ed < g.edge_count(); ++ed)
        for (double x = 0.03; x < 1.0; x += 0.07) {
          const double t = point_time(g, d, s, ed, x);
          if (std::abs(t - cut) < 50) continue;  // float rounding at the boundary
          ASSERT_EQ(covered(iso.pieces[c], ed, x), t <= cut)
              << "rep " << rep << " edge " << ed << " x " << x << " t " << t << " cut " << cut;
        }
    }
  }
}

class IsochronePolygons : public ::testing::TestWithParam<cs::structure::PolygonMethod> {};

TEST_P(IsochronePolygons, CirclesNestAndPolygonsContainReachedNodes) {
  Rng rng(test::seed() + 1);
  const std::vector<double> cutoffs{60, 120, 240, 480};
  cs::structure::IsochroneConfig cfg;
  cfg.cutoffs_s = cutoffs;
  cfg.method = GetParam();
  for (int rep = 0; rep < 8; ++rep) {
    const cs::network::RoadGraph g = test::random_graph(rng, 8, 8);
    const cs::network::Snap s =
        test::snap_on_edge(g, static_cast<std::uint32_t>(rng.below(g.edge_count())), 0.5, 1000);
    cs::structure::IsochroneBuilder b(g);
    const cs::structure::Isochrone iso = b.run(s, cutoffs);
    double prev_area = 0, prev_km = 0;
    for (std::size_t c = 0; c < cutoffs.size(); ++c) {
      if (c > 0) {
        EXPECT_LE(iso.reached_nodes(c - 1), iso.reached_nodes(c));
        for (const cs::structure::EdgePiece& p : iso.pieces[c - 1]) {
          bool inside = false;
          for (const cs::structure::EdgePiece& q : iso.pieces[c])
            inside = inside || (q.edge == p.edge && q.from <= p.from + 1e-6f && q.to >= p.to - 1e-6f);
          ASSERT_TRUE(inside) << "piece of cutoff " << c - 1 << " on edge " << p.edge << " not in cutoff "
                              << c;
        }
      }
      const double km = iso.reached_km(g, c);
      EXPECT_GE(km, prev_km - 1e-9);
      prev_km = km;
      const cs::structure::IsoPolygon poly = cs::structure::reached_polygon(g, iso.pieces[c], cfg);
      EXPECT_GE(poly.area_km2, prev_area * 0.999);  // simplification may shave a sliver
      prev_area = poly.area_km2;
      for (std::size_t k = 0; k < iso.reached_nodes(c); ++k)
        EXPECT_TRUE(in_polygon(poly, g.node_coord[iso.nodes[k].first])) << "node " << iso.nodes[k].first;
      if (c > 0) {
        for (std::size_t k = 0; k < iso.reached_nodes(c - 1); ++k) {
          EXPECT_TRUE(in_polygon(poly, g.node_coord[iso.nodes[k].first]));
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, IsochronePolygons,
                         ::testing::Values(cs::structure::PolygonMethod::kRaster,
                                           cs::structure::PolygonMethod::kGeos));

TEST(Isochrone, RasterAndGeosPolygonsAgree) {
  Rng rng(test::seed() + 3);
  const cs::network::RoadGraph g = test::random_graph(rng, 8, 8);
  const cs::network::Snap s = test::snap_on_edge(g, 0, 0.5, 0);
  cs::structure::IsochroneBuilder b(g);
  const std::vector<double> cutoffs{200};
  const cs::structure::Isochrone iso = b.run(s, cutoffs);
  cs::structure::IsochroneConfig geos, raster;
  geos.method = cs::structure::PolygonMethod::kGeos;
  const double a = cs::structure::reached_polygon(g, iso.pieces[0], geos).area_km2;
  const double r = cs::structure::reached_polygon(g, iso.pieces[0], raster).area_km2;
  ASSERT_GT(a, 0.0);
  EXPECT_NEAR(r / a, 1.0, 0.1) << "raster " << r << " km2, geos " << a << " km2";
}

TEST(Isochrone, SourceFartherThanCutoffReachesNothing) {
  Rng rng(test::seed() + 2);
  const cs::network::RoadGraph g = test::random_graph(rng, 4, 4);
  const cs::network::Snap s = test::snap_on_edge(g, 0, 0.5, 400'000);  // 400 s walk to the road
  cs::structure::IsochroneBuilder b(g);
  const std::vector<double> cutoffs{60, 300};
  const cs::structure::Isochrone iso = b.run(s, cutoffs);
  EXPECT_EQ(iso.reached_nodes(0), 0u);
  EXPECT_TRUE(iso.pieces[0].empty());
  EXPECT_TRUE(
      cs::structure::reached_polygon(g, iso.pieces[0], cs::structure::IsochroneConfig{}).polygons.empty());
}

TEST(Isochrone, EdgeSubShapeInterpolates) {
  const cs::network::RoadGraph g = test::make_graph({{9.5, 47.1}, {9.51, 47.1}}, {{0, 1, 60'000, 60'000}});
  const auto pts = cs::structure::edge_sub_shape(g, 0, 0.25, 0.75);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_NEAR(pts[0].lon, 9.5025, 1e-9);
  EXPECT_NEAR(pts[1].lon, 9.5075, 1e-9);
}

}  // namespace
}  // namespace cs

namespace cs {
namespace {

TEST(ServiceAreas, BackwardSearchTimesEqualTheMatrixAndAssignmentIsItsArgmin) {
  Rng rng(test::seed() + 11);
  Context ctx;
  ctx.threads = 2;
  for (int rep = 0; rep < 20; ++rep) {
    const cs::network::RoadGraph g =
        test::random_graph(rng, 3 + static_cast<int>(rng.below(7)), 3 + static_cast<int>(rng.below(7)));
    if (g.edge_count() == 0) continue;
    auto random_snaps = [&](std::size_t n) {
      std::vector<cs::network::Snap> v;
      for (std::size_t i = 0; i < n; ++i) {
        const double x =
            rng.below(5) == 0 ? static_cast<double>(rng.below(2)) : rng.uniform();  // some at nodes
        v.push_back(test::snap_on_edge(g, static_cast<std::uint32_t>(rng.below(g.edge_count())), x,
                                       static_cast<Weight>(rng.below(30'000))));
      }
      return v;
    };
    const auto points = random_snaps(30), centres = random_snaps(1 + rng.below(4));
    const TimeMatrix want =
        cs::network::travel_time_matrix(g, points, centres, cs::network::MatrixOptions{}, ctx);
    const TimeMatrix got = cs::structure::times_to_targets(g, points, centres, ctx);
    ASSERT_EQ(got, want) << "rep " << rep;
    std::vector<double> pop(points.size(), 1.0);
    const cs::structure::ServiceAreas sa = cs::structure::assign_service_areas(
        got, pop, TimeMatrix(0, centres.size()), {}, cs::structure::ServiceAreaConfig{});
    for (std::size_t i = 0; i < points.size(); ++i) {
      int arg = -1;
      for (std::size_t j = 0; j < centres.size(); ++j)
        if (std::isfinite(want(i, j)) && (arg < 0 || want(i, j) < want(i, static_cast<std::size_t>(arg))))
          arg = static_cast<int>(j);
      ASSERT_EQ(sa.demand_centre[i], arg);
    }
  }
}

}  // namespace
}  // namespace cs
