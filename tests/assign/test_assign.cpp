// Traffic assignment (docs/assign.md): hand-solved equilibria, the TNTP reference networks against their
// best-known solutions, invariants (flow conservation, used paths at the shortest cost) and determinism.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/assign/assign.hpp>
#include <countyscope/assign/tntp.hpp>

#include "test_support.hpp"

namespace {

namespace a = cs::assign;

a::Link link(int from, int to, double t0, double b, double cap, double power) {
  a::Link l;
  l.from = from;
  l.to = to;
  l.free_flow_time = t0;
  l.b = b;
  l.capacity = cap;
  l.power = power;
  return l;
}

a::Trips trips_for(const a::Network& net, const std::vector<std::tuple<int, int, double>>& od) {
  a::Trips t;
  t.file = "trips";
  t.zones = net.zones;
  t.demand.assign(static_cast<std::size_t>(net.zones * net.zones), 0.0);
  for (const auto& [o, d, q] : od) {
    t.demand[static_cast<std::size_t>((o - 1) * net.zones + (d - 1))] = q;
    t.total += q;
  }
  return t;
}

a::AssignResult solve(const a::Network& net, const a::Trips& trips, a::Algorithm alg, double gap,
                      std::int64_t max_iter = 100000, int threads = 1) {
  a::AssignOptions o;
  o.algorithm = alg;
  o.gap = gap;
  o.max_iter = max_iter;
  cs::Context ctx;
  ctx.threads = threads;
  return a::assign(net, trips, o, ctx);
}

struct Reference {
  a::Network net;
  a::Trips trips;
};
Reference load(const std::string& dir, const std::string& name) {
  const std::string base = cs::test::source_path("data/reference/tntp/" + dir + "/" + name).string();
  Reference r;
  r.net = a::read_tntp_network(base + "_net.tntp");
  r.trips = a::read_tntp_trips(base + "_trips.tntp", r.net);
  return r;
}

// Largest |inflow - outflow - (trips ending here - trips starting here)| over all nodes.
double max_imbalance(const a::Network& net, const a::Trips& trips, const std::vector<double>& flow) {
  std::vector<double> b(static_cast<std::size_t>(net.nodes) + 1, 0.0);
  for (std::size_t i = 0; i < net.links.size(); ++i) {
    b[static_cast<std::size_t>(net.links[i].to)] += flow[i];
    b[static_cast<std::size_t>(net.links[i].from)] -= flow[i];
  }
  const auto z = static_cast<std::size_t>(net.zones);
  for (std::size_t o = 0; o < z; ++o)
    for (std::size_t d = 0; d < z; ++d)
      if (o != d) {
        b[d + 1] -= trips.demand[o * z + d];
        b[o + 1] += trips.demand[o * z + d];
      }
  double worst = 0;
  for (const double x : b) worst = std::max(worst, std::abs(x));
  return worst;
}

// Shortest cost from every zone to every node by Bellman–Ford (an oracle independent of the solver's
// Dijkstra), honouring FIRST THRU NODE.
std::vector<double> bellman_ford(const a::Network& net, const std::vector<double>& time, int origin) {
  std::vector<double> d(static_cast<std::size_t>(net.nodes) + 1, std::numeric_limits<double>::infinity());
  d[static_cast<std::size_t>(origin)] = 0;
  for (int round = 0; round < net.nodes; ++round) {
    bool changed = false;
    for (std::size_t i = 0; i < net.links.size(); ++i) {
      const a::Link& l = net.links[i];
      if (l.from != origin && l.from < net.first_thru_node) continue;
      const double nd = d[static_cast<std::size_t>(l.from)] + time[i];
      if (nd < d[static_cast<std::size_t>(l.to)]) {
        d[static_cast<std::size_t>(l.to)] = nd;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return d;
}

// The bush-based algorithm's answer per origin (Algorithm B): flows are non-negative, conserve the origin's
// trips at every node to 1e-9, form no cycle (a topological order of the used links exists: Kahn), and every
// used path costs at most (1 + tol) x the shortest (Bellman–Ford oracle): the longest used path to each node,
// taken along that order, against the node's shortest cost. Returns the worst relative excess.
double check_bushes(const a::Network& net, const a::Trips& trips, const a::AssignResult& r, double used_eps) {
  const auto z = static_cast<std::size_t>(net.zones);
  const auto n = static_cast<std::size_t>(net.nodes) + 1;
  EXPECT_FALSE(r.bushes.empty());
  double excess = 0;
  std::vector<double> sum(net.links.size(), 0.0);
  for (const a::OriginFlow& of : r.bushes) {
    const auto o = static_cast<std::size_t>(of.origin);
    std::vector<double> bal(n, 0.0);
    std::vector<int> indeg(n, 0);
    for (std::size_t i = 0; i < net.links.size(); ++i) {
      EXPECT_GE(of.flow[i], 0) << o << " link " << i;
      sum[i] += of.flow[i];
      bal[static_cast<std::size_t>(net.links[i].to)] += of.flow[i];
      bal[static_cast<std::size_t>(net.links[i].from)] -= of.flow[i];
      if (of.flow[i] > used_eps) ++indeg[static_cast<std::size_t>(net.links[i].to)];
    }
    for (std::size_t d = 0; d < z; ++d)
      if (d + 1 != o) {
        bal[d + 1] -= trips.demand[(o - 1) * z + d];
        bal[o] += trips.demand[(o - 1) * z + d];
      }
    for (const double b : bal) EXPECT_LE(std::abs(b), 1e-9) << "origin " << o;
    // Kahn over the used links from every node without used inflow.
    std::vector<std::size_t> order;
    for (std::size_t v = 1; v < n; ++v)
      if (indeg[v] == 0) order.push_back(v);
    for (std::size_t q = 0; q < order.size(); ++q)
      for (std::size_t i = 0; i < net.links.size(); ++i)
        if (of.flow[i] > used_eps && static_cast<std::size_t>(net.links[i].from) == order[q] &&
            --indeg[static_cast<std::size_t>(net.links[i].to)] == 0)
          order.push_back(static_cast<std::size_t>(net.links[i].to));
    EXPECT_EQ(order.size(), n - 1) << "origin " << o << ": the used links form a cycle";
    const std::vector<double> d = bellman_ford(net, r.time, static_cast<int>(o));
    std::vector<double> longest(n, 0.0);
    for (const std::size_t v : order)
      for (std::size_t i = 0; i < net.links.size(); ++i)
        if (of.flow[i] > used_eps && static_cast<std::size_t>(net.links[i].from) == v) {
          const auto w = static_cast<std::size_t>(net.links[i].to);
          longest[w] = std::max(longest[w], longest[v] + r.time[i]);
          if (d[w] > 0) excess = std::max(excess, (longest[w] - d[w]) / d[w]);
        }
  }
  for (std::size_t i = 0; i < net.links.size(); ++i) EXPECT_NEAR(sum[i], r.flow[i], 1e-9 * (1 + r.flow[i]));
  return excess;
}

// Two routes between one pair, each a costed link and a free link (TNTP has no parallel links):
//   route A: t = 10 (1 + v/100) = 10 + 0.1 v,   route B: t = 15 (1 + v/50) = 15 + 0.3 v,   demand 100.
//   Equilibrium: 10 + 0.1 a = 15 + 0.3 (100 - a)  =>  a = 87.5, b = 12.5, both routes 18.75.
TEST(AssignHand, TwoRoutesMatchTheClosedForm) {
  a::Network net;
  net.file = "two";
  net.zones = 2;
  net.nodes = 4;
  net.links = {link(1, 3, 10, 1, 100, 1), link(3, 2, 0, 0, 1, 1), link(1, 4, 15, 1, 50, 1),
               link(4, 2, 0, 0, 1, 1)};
  const a::Trips trips = trips_for(net, {{1, 2, 100}});
  for (const a::Algorithm alg :
       {a::Algorithm::kFw, a::Algorithm::kCfw, a::Algorithm::kBfw, a::Algorithm::kGp, a::Algorithm::kBush}) {
    const a::AssignResult r = solve(net, trips, alg, 1e-12);
    EXPECT_TRUE(r.converged) << static_cast<int>(alg);
    EXPECT_NEAR(r.flow[0], 87.5, 1e-6) << static_cast<int>(alg);
    EXPECT_NEAR(r.flow[2], 12.5, 1e-6) << static_cast<int>(alg);
    EXPECT_NEAR(r.time[0], 18.75, 1e-7) << static_cast<int>(alg);
    EXPECT_NEAR(r.time[2], 18.75, 1e-7) << static_cast<int>(alg);
  }
}

// Braess's network with BPR (power 1) costs; nodes 1 (origin zone), 2 (destination zone), 3 and 4:
//   1->3: 1 + 10 v   3->2: 50 + v   1->4: 50 + v   4->2: 1 + 10 v   3->4: 10 + v,   demand 6 from 1 to 2.
//   By symmetry the routes 1-3-2 and 1-4-2 carry f each and 1-3-4-2 carries 6 - 2f; equal costs
//   111 - 9 f = 138 - 22 f give f = 27/13, so 1->3 and 4->2 carry 51/13, 3->2 and 1->4 27/13, 3->4 24/13, and
//   every route costs 1200/13 (more than the 83 of the network without 3->4: Braess's paradox).
TEST(AssignHand, BraessNetworkMatchesTheClosedForm) {
  a::Network net;
  net.file = "braess";
  net.zones = 2;
  net.nodes = 4;
  net.links = {link(1, 3, 1, 10, 1, 1), link(3, 2, 50, 1, 50, 1), link(1, 4, 50, 1, 50, 1),
               link(4, 2, 1, 10, 1, 1), link(3, 4, 10, 1, 10, 1)};
  const a::Trips trips = trips_for(net, {{1, 2, 6}});
  const double expect[] = {51.0 / 13, 27.0 / 13, 27.0 / 13, 51.0 / 13, 24.0 / 13};
  for (const a::Algorithm alg :
       {a::Algorithm::kFw, a::Algorithm::kCfw, a::Algorithm::kBfw, a::Algorithm::kGp, a::Algorithm::kBush}) {
    const a::AssignResult r = solve(net, trips, alg, 1e-12);
    EXPECT_TRUE(r.converged) << static_cast<int>(alg);
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(r.flow[static_cast<std::size_t>(i)], expect[i], 1e-5) << i;
    EXPECT_NEAR(r.time[0] + r.time[1], 1200.0 / 13, 1e-5);
    EXPECT_NEAR(r.time[0] + r.time[4] + r.time[3], 1200.0 / 13, 1e-5);
  }
}

// Two routes of exactly the same cost (constant link times): the searches settle equal distances smallest
// node id first (docs/assign.md), so all-or-nothing puts every trip on the route through node 3, although
// node 4's link comes last in the file (a last-pushed-first heap would take it). Every algorithm starts from
// that loading and, the gap being 0 already, keeps it. The order matters: on Sioux Falls (whole-number
// free-flow times, many ties) gp needs 29 iterations to 1e-10 with it and 60 with last-pushed-first.
TEST(AssignHand, EqualRoutesTieToTheSmallerNodeId) {
  a::Network net;
  net.file = "ties";
  net.zones = 2;
  net.nodes = 4;
  net.links = {link(1, 3, 1, 0, 100, 1), link(1, 4, 1, 0, 100, 1), link(3, 2, 1, 0, 100, 1),
               link(4, 2, 1, 0, 100, 1)};
  const a::Trips trips = trips_for(net, {{1, 2, 100}});
  for (const a::Algorithm alg :
       {a::Algorithm::kFw, a::Algorithm::kCfw, a::Algorithm::kBfw, a::Algorithm::kGp, a::Algorithm::kBush}) {
    const a::AssignResult r = solve(net, trips, alg, 1e-12);
    EXPECT_TRUE(r.converged) << static_cast<int>(alg);
    EXPECT_EQ(r.flow, (std::vector<double>{100, 0, 100, 0})) << static_cast<int>(alg);
  }
}

// Sioux Falls to a relative gap of 1e-10 by gradient projection; link flows against the best-known solution
// of the TransportationNetworks collection (SiouxFalls_flow.tntp: average excess cost 3.9e-15, objective
// 42.31335287107440, per its README).
TEST(AssignSiouxFalls, GradientProjectionReachesTheBestKnownFlows) {
  const Reference ref = load("SiouxFalls", "SiouxFalls");
  const a::AssignResult r = solve(ref.net, ref.trips, a::Algorithm::kGp, 1e-10, 1000);
  ASSERT_TRUE(r.converged);
  EXPECT_LE(r.iterations.back().gap, 1e-10);
  const a::LinkFlows best = a::read_tntp_flows(
      cs::test::source_path("data/reference/tntp/SiouxFalls/SiouxFalls_flow.tntp"), ref.net);
  double worst = 0;
  for (std::size_t i = 0; i < r.flow.size(); ++i) worst = std::max(worst, std::abs(r.flow[i] - best.flow[i]));
  EXPECT_LE(worst, 1e-3);
  EXPECT_LE(max_imbalance(ref.net, ref.trips, r.flow), 1e-9);
  // The gap the solver reports is the one an independent recomputation finds.
  const a::GapReport g = a::relative_gap(ref.net, ref.trips, r.flow, 1);
  EXPECT_LE(g.gap, 1e-10);
  // Every used path costs the shortest path's cost to within 1e-10 relative (Bellman–Ford oracle).
  double excess = 0;
  for (int o = 1; o <= ref.net.zones; ++o) {
    const std::vector<double> d = bellman_ford(ref.net, r.time, o);
    for (const a::PathFlow& p : r.paths) {
      if (p.origin != o) continue;
      double c = 0;
      for (const std::int32_t l : p.links) c += r.time[static_cast<std::size_t>(l)];
      excess =
          std::max(excess, (c - d[static_cast<std::size_t>(p.dest)]) / d[static_cast<std::size_t>(p.dest)]);
      EXPECT_GT(p.flow, 0);
    }
  }
  EXPECT_LE(excess, 1e-7);
}

// Sioux Falls to 1e-10 by the bush-based Algorithm B: the same best-known flows, and the bushes' own oracle
// (above): acyclic, conserving, every used path within 1e-7 of the shortest.
TEST(AssignSiouxFalls, BushBasedReachesTheBestKnownFlows) {
  const Reference ref = load("SiouxFalls", "SiouxFalls");
  const a::AssignResult r = solve(ref.net, ref.trips, a::Algorithm::kBush, 1e-10, 1000);
  ASSERT_TRUE(r.converged);
  const a::LinkFlows best = a::read_tntp_flows(
      cs::test::source_path("data/reference/tntp/SiouxFalls/SiouxFalls_flow.tntp"), ref.net);
  double worst = 0;
  for (std::size_t i = 0; i < r.flow.size(); ++i) worst = std::max(worst, std::abs(r.flow[i] - best.flow[i]));
  EXPECT_LE(worst, 1e-3);
  EXPECT_LE(max_imbalance(ref.net, ref.trips, r.flow), 1e-9);
  // The gap the solver reports (its shortest costs by label correcting from the bushes) is the one
  // Dijkstra finds.
  const a::GapReport g = a::relative_gap(ref.net, ref.trips, r.flow, 1);
  EXPECT_LE(g.gap, 1e-10);
  EXPECT_NEAR(g.sptt, r.iterations.back().sptt, 1e-12 * g.sptt);
  EXPECT_LE(check_bushes(ref.net, ref.trips, r, 1e-9), 1e-7);
  EXPECT_EQ(r.bushes.size(), 24u);
}

// The link-based algorithms on Sioux Falls: each one's best gap falls as it iterates, and after the same
// number of iterations the conjugate directions are ahead of plain Frank–Wolfe (Mitradjieva & Lindberg 2013,
// Table 1 shows the same order on this network).
TEST(AssignSiouxFalls, LinkBasedGapsDecrease) {
  const Reference ref = load("SiouxFalls", "SiouxFalls");
  std::vector<double> final_gap;
  for (const a::Algorithm alg : {a::Algorithm::kFw, a::Algorithm::kCfw, a::Algorithm::kBfw}) {
    const a::AssignResult r = solve(ref.net, ref.trips, alg, 0, 400);
    ASSERT_EQ(r.iterations.size(), 400u);
    double best = 1;
    std::vector<double> best_at;
    for (const a::Iteration& it : r.iterations) best_at.push_back(best = std::min(best, it.gap));
    EXPECT_LT(best_at[99], best_at[9]);
    EXPECT_LT(best_at[399], best_at[99]);
    EXPECT_LE(max_imbalance(ref.net, ref.trips, r.flow), 1e-9);
    final_gap.push_back(best_at[399]);
  }
  EXPECT_LT(final_gap[1], final_gap[0]);
  EXPECT_LT(final_gap[2], final_gap[1]);
}

// Anaheim has FIRST THRU NODE 39: no path may pass through zones 1-38. Flows against the collection's
// best-known solution (Anaheim_flow.tntp, average excess cost below 1e-15 per its README).
TEST(AssignAnaheim, NoPathPassesThroughAZoneAndFlowsMatchTheBestKnown) {
  const Reference ref = load("Anaheim", "Anaheim");
  ASSERT_EQ(ref.net.first_thru_node, 39);
  const a::LinkFlows best =
      a::read_tntp_flows(cs::test::source_path("data/reference/tntp/Anaheim/Anaheim_flow.tntp"), ref.net);
  for (const a::Algorithm alg : {a::Algorithm::kGp, a::Algorithm::kBush}) {
    const a::AssignResult r = solve(ref.net, ref.trips, alg, 1e-10, 1000);
    ASSERT_TRUE(r.converged);
    for (const a::PathFlow& p : r.paths)
      for (std::size_t k = 1; k < p.links.size(); ++k)
        ASSERT_GE(ref.net.links[static_cast<std::size_t>(p.links[k])].from, 39)
            << p.origin << " -> " << p.dest;
    for (const a::OriginFlow& of : r.bushes)  // a bush leaves a zone only at its origin
      for (std::size_t i = 0; i < of.flow.size(); ++i) {
        if (ref.net.links[i].from < 39 && ref.net.links[i].from != of.origin) {
          ASSERT_EQ(of.flow[i], 0) << i;
        }
      }
    double worst = 0;
    for (std::size_t i = 0; i < r.flow.size(); ++i)
      worst = std::max(worst, std::abs(r.flow[i] - best.flow[i]));
    EXPECT_LE(worst, 1e-3);
    EXPECT_LE(max_imbalance(ref.net, ref.trips, r.flow), 1e-9);
    if (alg == a::Algorithm::kBush) {
      EXPECT_FALSE(r.bushes.empty());
      EXPECT_LE(check_bushes(ref.net, ref.trips, r, 1e-9), 1e-6);
    }
  }
}

// Chicago Sketch to a relative gap of 1e-6; the same bits with 1 and 2 threads (GP, bush and BFW).
TEST(AssignChicago, GradientProjectionReachesOneInAMillionTheSameForAnyThreadCount) {
  const Reference ref = load("Chicago-Sketch", "ChicagoSketch");
  const a::AssignResult r1 = solve(ref.net, ref.trips, a::Algorithm::kGp, 1e-6, 200, 1);
  ASSERT_TRUE(r1.converged);
  EXPECT_LE(a::relative_gap(ref.net, ref.trips, r1.flow, 2).gap, 1e-6);
  EXPECT_LE(max_imbalance(ref.net, ref.trips, r1.flow), 1e-9);
  const a::AssignResult r2 = solve(ref.net, ref.trips, a::Algorithm::kGp, 1e-6, 200, 2);
  ASSERT_EQ(r1.flow.size(), r2.flow.size());
  EXPECT_EQ(std::memcmp(r1.flow.data(), r2.flow.data(), r1.flow.size() * sizeof(double)), 0);
  // The bush-based algorithm: 1e-6, the gap Dijkstra finds, conservation, the same bits for 1 and 2 threads.
  const a::AssignResult u1 = solve(ref.net, ref.trips, a::Algorithm::kBush, 1e-6, 200, 1);
  ASSERT_TRUE(u1.converged);
  const a::GapReport ug = a::relative_gap(ref.net, ref.trips, u1.flow, 2);
  EXPECT_LE(ug.gap, 1e-6);
  EXPECT_NEAR(ug.sptt, u1.iterations.back().sptt, 1e-12 * ug.sptt);
  EXPECT_LE(max_imbalance(ref.net, ref.trips, u1.flow), 1e-9);
  const a::AssignResult u2 = solve(ref.net, ref.trips, a::Algorithm::kBush, 1e-6, 200, 2);
  ASSERT_EQ(u1.flow.size(), u2.flow.size());
  EXPECT_EQ(std::memcmp(u1.flow.data(), u2.flow.data(), u1.flow.size() * sizeof(double)), 0);
  EXPECT_EQ(u1.iterations.back().gap, u2.iterations.back().gap);
  const a::AssignResult b1 = solve(ref.net, ref.trips, a::Algorithm::kBfw, 0, 15, 1);
  const a::AssignResult b2 = solve(ref.net, ref.trips, a::Algorithm::kBfw, 0, 15, 2);
  EXPECT_EQ(std::memcmp(b1.flow.data(), b2.flow.data(), b1.flow.size() * sizeof(double)), 0);
  EXPECT_EQ(b1.iterations.back().gap, b2.iterations.back().gap);
}

}  // namespace
