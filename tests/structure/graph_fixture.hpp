// Tiny hand-made road graphs for structure tests: nodes on a plane near (9.5E, 47.1N), straight edges.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <countyscope/core/rng.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::test {

struct EdgeSpec {
  NodeId u, v;
  Weight fwd, bwd;  // ms; kInfWeight = direction not allowed
};

inline cs::network::RoadGraph make_graph(const std::vector<LonLat>& coords,
                                         const std::vector<EdgeSpec>& edges) {
  cs::network::RoadGraph g;
  g.node_coord = coords;
  g.node_osm_id.resize(coords.size());
  std::iota(g.node_osm_id.begin(), g.node_osm_id.end(), 1);
  struct Arc {
    NodeId tail, head;
    Weight w;
    std::uint32_t e;
    std::uint8_t fwd;
  };
  std::vector<Arc> arcs;
  g.shape_first.push_back(0);
  for (std::uint32_t e = 0; e < edges.size(); ++e) {
    const EdgeSpec& s = edges[e];
    g.edge_from.push_back(s.u);
    g.edge_to.push_back(s.v);
    g.shape.push_back(coords[s.u]);
    g.shape.push_back(coords[s.v]);
    g.shape_first.push_back(static_cast<std::uint32_t>(g.shape.size()));
    g.edge_length_m.push_back(static_cast<float>(cs::network::haversine_m(coords[s.u], coords[s.v])));
    g.edge_speed_kmh.push_back(30.0f);
    g.edge_class.push_back(cs::network::RoadClass::kResidential);
    g.edge_way.push_back(e + 1);
    g.edge_dirs.push_back(
        static_cast<std::uint8_t>((s.fwd != kInfWeight ? 1 : 0) | (s.bwd != kInfWeight ? 2 : 0)));
    if (s.fwd != kInfWeight) arcs.push_back({s.u, s.v, s.fwd, e, 1});
    if (s.bwd != kInfWeight) arcs.push_back({s.v, s.u, s.bwd, e, 0});
  }
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
    return a.tail != b.tail ? a.tail < b.tail : (a.head != b.head ? a.head < b.head : a.w < b.w);
  });
  g.first_out.assign(coords.size() + 1, 0);
  for (const Arc& a : arcs) ++g.first_out[a.tail + 1];
  for (std::size_t i = 0; i < coords.size(); ++i) g.first_out[i + 1] += g.first_out[i];
  for (const Arc& a : arcs) {
    g.head.push_back(a.head);
    g.weight.push_back(a.w);
    g.arc_edge.push_back(a.e);
    g.arc_forward.push_back(a.fwd);
  }
  return g;
}

// A random connected-ish graph: nodes on a jittered grid, edges between grid neighbours, some one-way.
inline cs::network::RoadGraph random_graph(Rng& rng, int w, int h) {
  std::vector<LonLat> coords;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      coords.push_back({9.5 + 0.004 * x + 0.001 * rng.uniform(), 47.1 + 0.003 * y + 0.001 * rng.uniform()});
  std::vector<EdgeSpec> edges;
  auto add = [&](int a, int b) {
    const Weight t = 20'000 + static_cast<Weight>(rng.below(100'000));
    const std::uint64_t kind = rng.below(10);
    const Weight f = kind == 0 ? kInfWeight : t,
                 b2 = kind == 1 ? kInfWeight : t + static_cast<Weight>(rng.below(3) * 1000);
    edges.push_back({static_cast<NodeId>(a), static_cast<NodeId>(b), f, b2});
  };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int i = y * w + x;
      if (x + 1 < w && rng.below(10) < 8) add(i, i + 1);
      if (y + 1 < h && rng.below(10) < 8) add(i, i + w);
    }
  return make_graph(coords, edges);
}

// A snapped point at fraction x of edge e (by length = by time on our straight constant-speed edges).
inline cs::network::Snap snap_on_edge(const cs::network::RoadGraph& g, std::uint32_t e, double x,
                                      Weight access) {
  Weight fwd = kInfWeight, bwd = kInfWeight;
  for (ArcId a = 0; a < g.arc_count(); ++a)
    if (g.arc_edge[a] == e) (g.arc_forward[a] ? fwd : bwd) = g.weight[a];
  auto part = [](Weight w, double f) {
    return w == kInfWeight ? kInfWeight : static_cast<Weight>(std::llround(w * f));
  };
  cs::network::Snap s;
  s.edge = e;
  s.frac = x;
  const LonLat a = g.node_coord[g.edge_from[e]], b = g.node_coord[g.edge_to[e]];
  s.on_edge = {a.lon + x * (b.lon - a.lon), a.lat + x * (b.lat - a.lat)};
  s.access_ms = access;
  s.dist_m = static_cast<float>(access / 720.0);  // 5 km/h
  s.to_to_node = part(fwd, 1.0 - x);
  s.from_from_node = part(fwd, x);
  s.to_from_node = part(bwd, x);
  s.from_to_node = part(bwd, 1.0 - x);
  return s;
}

// Bellman-Ford style brute force from a snap: the same seeding the matrices use (access + along-edge).
inline std::vector<Weight> brute_dist(const cs::network::RoadGraph& g, const cs::network::Snap& s) {
  std::vector<Weight> d(g.node_count(), kInfWeight);
  if (s.to_from_node != kInfWeight)
    d[g.edge_from[s.edge]] = std::min(d[g.edge_from[s.edge]], s.access_ms + s.to_from_node);
  if (s.to_to_node != kInfWeight)
    d[g.edge_to[s.edge]] = std::min(d[g.edge_to[s.edge]], s.access_ms + s.to_to_node);
  for (bool changed = true; changed;) {
    changed = false;
    for (NodeId u = 0; u < g.node_count(); ++u) {
      if (d[u] == kInfWeight) continue;
      for (ArcId a = g.first_out[u]; a != g.first_out[u + 1]; ++a)
        if (d[u] + g.weight[a] < d[g.head[a]]) d[g.head[a]] = d[u] + g.weight[a], changed = true;
    }
  }
  return d;
}

}  // namespace cs::test
