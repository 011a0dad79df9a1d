// Traffic on a county's roads (assign/county.hpp): the assignment network built from a road graph and snaps.
// Oracles: a two-route network solved by hand (equal times on both used routes, found here by bisection on
// the BPR functions); flow conservation at every road node and demand leaving every zone on a grid with
// random demand; the same bits for 1 and 2 threads; bad OD entries refused.
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/assign/county.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>

namespace {

using cs::assign::CountyTrafficOptions;
using cs::network::GraphBuilder;
using cs::network::Profile;
using cs::network::RoadClass;

cs::Context ctx_with(int threads) {
  cs::Context c;
  c.threads = threads;
  return c;
}

// A at 0, B 2 km east; route 1: A -> B along a primary road (one-way, 120 s); route 2: A -> C -> B, a
// secondary road (one-way, 90 s + 90 s). Zones sit on A and B.
struct TwoRoutes {
  cs::network::RoadGraph g;
  std::vector<cs::network::Snap> snaps;
  TwoRoutes() {
    GraphBuilder b(Profile::kCar);
    const auto a = b.add_node({9.50, 47.10}), bb = b.add_node({9.526, 47.10}), c = b.add_node({9.513, 47.11});
    b.add_edge(a, bb, {}, RoadClass::kPrimary, 60, 1, 1, 120'000, cs::kInfWeight);
    b.add_edge(a, c, {}, RoadClass::kSecondary, 60, 2, 1, 90'000, cs::kInfWeight);
    b.add_edge(c, bb, {}, RoadClass::kSecondary, 60, 3, 1, 90'000, cs::kInfWeight);
    g = std::move(b).finish();
    const cs::network::SnapIndex idx(g);
    for (cs::LonLat p : {cs::LonLat{9.50, 47.10}, cs::LonLat{9.526, 47.10}}) snaps.push_back(idx.snap(p, {}));
  }
};

TEST(AssignCounty, TwoRoutesSolvedByHand) {
  const TwoRoutes n;
  CountyTrafficOptions o;
  o.gap = 1e-12;
  const double demand = 2500;  // vehicles per hour A -> B
  const std::vector<double> od = {0, demand, 0, 0};
  const auto t = cs::assign::assign_county(n.g, n.snaps, od, o, ctx_with(1));
  ASSERT_TRUE(t.result.converged);
  // Oracle: route times t1(x) = 2 (1 + 0.15 (x/1600)^4) and t2(D - x) = 3 (1 + 0.15 ((D - x)/1200)^4) minutes
  // (the snaps sit on the nodes: no access time); equal at equilibrium when both are used.
  auto t1 = [](double x) { return 2.0 * (1 + 0.15 * std::pow(x / 1600, 4)); };
  auto t2 = [&](double x) { return 3.0 * (1 + 0.15 * std::pow((demand - x) / 1200, 4)); };
  double lo = 0, hi = demand;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (t1(mid) < t2(mid) ? lo : hi) = mid;
  }
  ASSERT_GT(lo, 0);
  ASSERT_LT(lo, demand);  // both routes used
  double direct = -1, via = -1;
  for (std::size_t l = 0; l < t.net.links.size(); ++l) {
    if (t.link_arc[l] < 0) continue;
    const auto e = n.g.arc_edge[static_cast<std::size_t>(t.link_arc[l])];
    if (n.g.edge_way[e] == 1) direct = t.result.flow[l];
    if (n.g.edge_way[e] == 2) via = t.result.flow[l];
  }
  EXPECT_NEAR(direct, lo, 1e-6 * demand);
  EXPECT_NEAR(via, demand - lo, 1e-6 * demand);
  EXPECT_NEAR(t1(direct), t2(direct), 1e-9);
}

TEST(AssignCounty, NothingToAssignIsFreeFlow) {
  const TwoRoutes n;
  const auto t = cs::assign::assign_county(n.g, n.snaps, {0, 0, 0, 0}, {}, ctx_with(1));
  EXPECT_TRUE(t.result.converged);
  EXPECT_TRUE(t.result.iterations.empty());
  for (std::size_t l = 0; l < t.net.links.size(); ++l) {
    EXPECT_EQ(t.result.flow[l], 0);
    EXPECT_EQ(t.result.time[l], t.net.links[l].free_flow_time);
  }
}

TEST(AssignCounty, BadOdRefused) {
  const TwoRoutes n;
  EXPECT_THROW((void)cs::assign::assign_county(n.g, n.snaps, {0, -1, 0, 0}, {}, ctx_with(1)), cs::InputError);
  EXPECT_THROW((void)cs::assign::assign_county(n.g, n.snaps, {0, NAN, 0, 0}, {}, ctx_with(1)),
               cs::InputError);
  EXPECT_THROW((void)cs::assign::assign_county(n.g, n.snaps, {0, 1, 0}, {}, ctx_with(1)), cs::InputError);
}

// A 12 x 12 two-way grid of mixed classes, 10 zones snapped at random points (mid-edge), random demand.
struct Grid {
  cs::network::RoadGraph g;
  std::vector<cs::network::Snap> snaps;
  std::vector<double> od;
  Grid() {
    GraphBuilder b(Profile::kCar);
    const int k = 12;
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) b.add_node({9.5 + 0.005 * j, 47.1 + 0.004 * i});
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> w(20'000, 60'000), cls(0, 6);
    std::int64_t way = 1;
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j) {
        const auto v = static_cast<cs::NodeId>(i * k + j);
        if (j + 1 < k)
          b.add_edge(v, v + 1, {}, static_cast<RoadClass>(cls(rng)), 50, way++, 3,
                     static_cast<cs::Weight>(w(rng)), static_cast<cs::Weight>(w(rng)));
        if (i + 1 < k)
          b.add_edge(v, v + k, {}, static_cast<RoadClass>(cls(rng)), 50, way++, 3,
                     static_cast<cs::Weight>(w(rng)), static_cast<cs::Weight>(w(rng)));
      }
    g = std::move(b).finish();
    const cs::network::SnapIndex idx(g);
    std::uniform_real_distribution<double> x(9.5, 9.5 + 0.005 * (k - 1)), y(47.1, 47.1 + 0.004 * (k - 1)),
        d(0, 400);
    const std::size_t z = 10;
    for (std::size_t i = 0; i < z; ++i) snaps.push_back(idx.snap({x(rng), y(rng)}, {}));
    od.resize(z * z);
    for (double& v : od) v = d(rng);
  }
};

TEST(AssignCounty, ConservationAndDemandOnAGrid) {
  const Grid n;
  CountyTrafficOptions o;
  o.gap = 1e-8;
  const auto t = cs::assign::assign_county(n.g, n.snaps, n.od, o, ctx_with(1));
  ASSERT_TRUE(t.result.converged);
  EXPECT_LE(t.result.iterations.back().gap, 1e-8);
  const auto nodes = static_cast<std::size_t>(t.net.nodes), z = n.snaps.size();
  std::vector<double> in(nodes + 1, 0), out(nodes + 1, 0);
  for (std::size_t l = 0; l < t.net.links.size(); ++l) {
    out[static_cast<std::size_t>(t.net.links[l].from)] += t.result.flow[l];
    in[static_cast<std::size_t>(t.net.links[l].to)] += t.result.flow[l];
  }
  for (std::size_t v = z + 1; v <= nodes; ++v)
    EXPECT_NEAR(in[v], out[v], 1e-9 * t.trips.total) << "node " << v;
  for (std::size_t i = 0; i < z; ++i) {
    double sent = 0, received = 0;
    for (std::size_t j = 0; j < z; ++j)
      if (i != j) {
        sent += n.od[i * z + j];
        received += n.od[j * z + i];
      }
    EXPECT_NEAR(out[i + 1], sent, 1e-9 * t.trips.total);
    EXPECT_NEAR(in[i + 1], received, 1e-9 * t.trips.total);
  }
  // Capacities follow the class table.
  for (std::size_t l = 0; l < t.net.links.size(); ++l) {
    if (t.link_arc[l] < 0) continue;
    const auto cls = n.g.edge_class[n.g.arc_edge[static_cast<std::size_t>(t.link_arc[l])]];
    EXPECT_EQ(t.net.links[l].capacity, cs::assign::class_capacity(cls, o));
  }
}

TEST(AssignCounty, SameBitsForAnyThreadCount) {
  const Grid n;
  CountyTrafficOptions o;
  o.gap = 1e-8;
  const auto a = cs::assign::assign_county(n.g, n.snaps, n.od, o, ctx_with(1));
  const auto b = cs::assign::assign_county(n.g, n.snaps, n.od, o, ctx_with(2));
  ASSERT_EQ(a.result.flow.size(), b.result.flow.size());
  for (std::size_t l = 0; l < a.result.flow.size(); ++l) EXPECT_EQ(a.result.flow[l], b.result.flow[l]) << l;
}

}  // namespace
