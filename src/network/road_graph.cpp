// RoadGraph helpers: names, CSR construction, transpose, invariants, SCC and induced subgraphs.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/network/road_graph.hpp>

namespace cs::network {

Profile parse_profile(std::string_view name) {
  if (name == "car") return Profile::kCar;
  if (name == "walk") return Profile::kWalk;
  throw unknown_value("profile", name, {"car", "walk"});
}

std::string_view profile_name(Profile p) { return p == Profile::kCar ? "car" : "walk"; }

std::string_view road_class_name(RoadClass c) {
  switch (c) {
    case RoadClass::kMotorway:
      return "motorway";
    case RoadClass::kTrunk:
      return "trunk";
    case RoadClass::kPrimary:
      return "primary";
    case RoadClass::kSecondary:
      return "secondary";
    case RoadClass::kTertiary:
      return "tertiary";
    case RoadClass::kUnclassified:
      return "unclassified";
    case RoadClass::kResidential:
      return "residential";
    case RoadClass::kLivingStreet:
      return "living_street";
    case RoadClass::kService:
      return "service";
    case RoadClass::kTrack:
      return "track";
    case RoadClass::kPedestrian:
      return "pedestrian";
    case RoadClass::kFootway:
      return "footway";
    case RoadClass::kPath:
      return "path";
    case RoadClass::kSteps:
      return "steps";
    case RoadClass::kOther:
      return "other";
    case RoadClass::kCount:
      break;
  }
  return "unknown";
}

std::size_t RoadGraph::memory_bytes() const noexcept {
  auto b = [](const auto& v) {
    return v.capacity() * sizeof(typename std::decay_t<decltype(v)>::value_type);
  };
  return b(node_coord) + b(node_osm_id) + b(first_out) + b(head) + b(weight) + b(arc_edge) + b(arc_forward) +
         b(edge_from) + b(edge_to) + b(shape_first) + b(shape) + b(edge_length_m) + b(edge_speed_kmh) +
         b(edge_class) + b(edge_way) + b(edge_dirs);
}

double haversine_m(LonLat a, LonLat b) noexcept {
  constexpr double kR = 6371008.8;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double dlat = (b.lat - a.lat) * kRad, dlon = (b.lon - a.lon) * kRad;
  const double s1 = std::sin(dlat / 2), s2 = std::sin(dlon / 2);
  const double h = s1 * s1 + std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * s2 * s2;
  return 2.0 * kR * std::asin(std::min(1.0, std::sqrt(h)));
}

Weight travel_ms(double length_m, double speed_kmh) noexcept {
  if (!(speed_kmh > 0.0)) return kInfWeight;
  const double ms = std::round(length_m / (speed_kmh / 3.6) * 1000.0);
  if (ms >= static_cast<double>(kInfWeight)) return kInfWeight - 1;
  return ms < 1.0 ? 1 : static_cast<Weight>(ms);
}

// ---- GraphBuilder
// ---------------------------------------------------------------------------------------------

NodeId GraphBuilder::add_node(LonLat c, std::int64_t osm_id) {
  g_.node_coord.push_back(c);
  g_.node_osm_id.push_back(osm_id);
  return static_cast<NodeId>(g_.node_coord.size() - 1);
}

std::uint32_t GraphBuilder::add_edge(NodeId from, NodeId to, std::span<const LonLat> shape, RoadClass cls,
                                     float speed_kmh, std::int64_t way, std::uint8_t dirs, Weight w_forward,
                                     Weight w_backward, double length_m) {
  if (from >= g_.node_coord.size() || to >= g_.node_coord.size())
    throw std::logic_error("GraphBuilder::add_edge: node id out of range");
  const auto first = g_.shape.size();
  if (shape.empty()) {
    g_.shape.push_back(g_.node_coord[from]);
    g_.shape.push_back(g_.node_coord[to]);
  } else {
    g_.shape.insert(g_.shape.end(), shape.begin(), shape.end());
  }
  if (length_m < 0) {
    length_m = 0;
    for (auto i = first + 1; i < g_.shape.size(); ++i) length_m += haversine_m(g_.shape[i - 1], g_.shape[i]);
  }
  g_.shape_first.push_back(static_cast<std::uint32_t>(g_.shape.size()));
  g_.edge_from.push_back(from);
  g_.edge_to.push_back(to);
  g_.edge_length_m.push_back(static_cast<float>(length_m));
  g_.edge_speed_kmh.push_back(speed_kmh);
  g_.edge_class.push_back(cls);
  g_.edge_way.push_back(way);
  g_.edge_dirs.push_back(dirs);
  w_fwd_.push_back(w_forward);
  w_bwd_.push_back(w_backward);
  return static_cast<std::uint32_t>(g_.edge_from.size() - 1);
}

RoadGraph GraphBuilder::finish() && {
  RoadGraph& g = g_;
  const std::size_t n = g.node_coord.size(), m = g.edge_from.size();
  struct A {
    NodeId tail, head;
    Weight w;
    std::uint32_t edge;
    std::uint8_t fwd;
  };
  std::vector<A> arcs;
  arcs.reserve(2 * m);
  for (std::size_t e = 0; e < m; ++e) {
    const auto ed = static_cast<std::uint32_t>(e);
    if (g.edge_dirs[e] & 1u) arcs.push_back({g.edge_from[e], g.edge_to[e], w_fwd_[e], ed, 1});
    if (g.edge_dirs[e] & 2u) arcs.push_back({g.edge_to[e], g.edge_from[e], w_bwd_[e], ed, 0});
  }
  std::sort(arcs.begin(), arcs.end(), [](const A& a, const A& b) {
    if (a.tail != b.tail) return a.tail < b.tail;
    if (a.head != b.head) return a.head < b.head;
    if (a.w != b.w) return a.w < b.w;
    if (a.edge != b.edge) return a.edge < b.edge;
    return a.fwd > b.fwd;
  });
  g.first_out.assign(n + 1, 0);
  g.head.resize(arcs.size());
  g.weight.resize(arcs.size());
  g.arc_edge.resize(arcs.size());
  g.arc_forward.resize(arcs.size());
  for (std::size_t a = 0; a < arcs.size(); ++a) {
    ++g.first_out[arcs[a].tail + 1];
    g.head[a] = arcs[a].head;
    g.weight[a] = arcs[a].w;
    g.arc_edge[a] = arcs[a].edge;
    g.arc_forward[a] = arcs[a].fwd;
  }
  for (std::size_t v = 0; v < n; ++v) g.first_out[v + 1] += g.first_out[v];
  w_fwd_.clear();
  w_bwd_.clear();
  return std::move(g_);
}

// ---- transpose, checks
// ----------------------------------------------------------------------------------------

RoadGraph reverse_graph(const RoadGraph& g) {
  RoadGraph r;
  r.profile = g.profile;
  r.reversed = !g.reversed;
  r.node_coord = g.node_coord;
  r.node_osm_id = g.node_osm_id;
  r.edge_from = g.edge_from;
  r.edge_to = g.edge_to;
  r.shape_first = g.shape_first;
  r.shape = g.shape;
  r.edge_length_m = g.edge_length_m;
  r.edge_speed_kmh = g.edge_speed_kmh;
  r.edge_class = g.edge_class;
  r.edge_way = g.edge_way;
  r.edge_dirs = g.edge_dirs;
  const std::size_t n = g.node_count(), m = g.arc_count();
  std::vector<ArcId> order(m);
  std::vector<NodeId> tail(m);
  for (NodeId u = 0; u < n; ++u)
    for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a) tail[a] = u;
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](ArcId a, ArcId b) {
    if (g.head[a] != g.head[b]) return g.head[a] < g.head[b];
    if (tail[a] != tail[b]) return tail[a] < tail[b];
    if (g.weight[a] != g.weight[b]) return g.weight[a] < g.weight[b];
    return a < b;
  });
  r.first_out.assign(n + 1, 0);
  r.head.resize(m);
  r.weight.resize(m);
  r.arc_edge.resize(m);
  r.arc_forward.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    const ArcId a = order[i];
    ++r.first_out[g.head[a] + 1];
    r.head[i] = tail[a];
    r.weight[i] = g.weight[a];
    r.arc_edge[i] = g.arc_edge[a];
    r.arc_forward[i] = g.arc_forward[a];
  }
  for (std::size_t v = 0; v < n; ++v) r.first_out[v + 1] += r.first_out[v];
  return r;
}

void check_graph(const RoadGraph& g) {
  auto fail = [](const std::string& m) { throw std::logic_error("check_graph: " + m); };
  const std::size_t n = g.node_count(), m = g.arc_count(), ne = g.edge_count();
  if (g.node_osm_id.size() != n) fail("node_osm_id size");
  if (g.first_out.size() != n + 1) fail("first_out.size() != node_count()+1");
  if (g.first_out.front() != 0) fail("first_out.front() != 0");
  if (g.first_out.back() != m) fail("first_out.back() != arc_count()");
  if (g.weight.size() != m || g.arc_edge.size() != m || g.arc_forward.size() != m) fail("arc array sizes");
  if (g.edge_to.size() != ne || g.shape_first.size() != ne + 1 || g.edge_length_m.size() != ne ||
      g.edge_speed_kmh.size() != ne || g.edge_class.size() != ne || g.edge_way.size() != ne ||
      g.edge_dirs.size() != ne)
    fail("edge array sizes");
  if (g.shape_first.front() != 0 || g.shape_first.back() != g.shape.size()) fail("shape_first bounds");
  for (std::size_t u = 0; u < n; ++u) {
    if (g.first_out[u] > g.first_out[u + 1] || g.first_out[u + 1] > m)
      fail("first_out not monotone at node " + std::to_string(u));
    for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
      if (g.head[a] >= n) fail("head out of range at arc " + std::to_string(a));
      if (a > g.first_out[u] &&
          (g.head[a - 1] > g.head[a] || (g.head[a - 1] == g.head[a] && g.weight[a - 1] > g.weight[a])))
        fail("arcs of node " + std::to_string(u) + " not sorted by head then weight");
      const auto e = g.arc_edge[a];
      if (e >= ne) fail("arc_edge out of range at arc " + std::to_string(a));
      const bool fwd = g.arc_forward[a] != 0;
      NodeId t = fwd ? g.edge_from[e] : g.edge_to[e], h = fwd ? g.edge_to[e] : g.edge_from[e];
      if (g.reversed) std::swap(t, h);
      if (t != u || h != g.head[a]) fail("arc " + std::to_string(a) + " does not match its edge");
      if (!(g.edge_dirs[e] & (fwd ? 1u : 2u))) fail("arc " + std::to_string(a) + " in a forbidden direction");
      if (g.weight[a] == kInfWeight) fail("infinite arc weight");
    }
  }
  for (std::size_t e = 0; e < ne; ++e) {
    if (g.edge_from[e] >= n || g.edge_to[e] >= n) fail("edge end out of range at edge " + std::to_string(e));
    // Differences, not sums: shape_first comes from a file and may be anything (found by fuzz/graph).
    if (g.shape_first[e + 1] > g.shape.size() || g.shape_first[e + 1] < g.shape_first[e] ||
        g.shape_first[e + 1] - g.shape_first[e] < 2)
      fail("edge " + std::to_string(e) + " has < 2 shape points");
    if (g.shape[g.shape_first[e]] != g.node_coord[g.edge_from[e]] ||
        g.shape[g.shape_first[e + 1] - 1] != g.node_coord[g.edge_to[e]])
      fail("shape of edge " + std::to_string(e) + " does not start/end at its nodes");
  }
}

// ---- SCC (iterative Tarjan)
// -----------------------------------------------------------------------------------

std::vector<std::uint32_t> strongly_connected_components(const RoadGraph& g, std::size_t* count) {
  const std::size_t n = g.node_count();
  constexpr std::uint32_t kUnvisited = 0xffffffffu;
  std::vector<std::uint32_t> index(n, kUnvisited), low(n, 0), comp(n, kUnvisited);
  std::vector<NodeId> stack;
  std::vector<std::uint8_t> on_stack(n, 0);
  struct Frame {
    NodeId v;
    ArcId next;
  };
  std::vector<Frame> call;
  std::uint32_t counter = 0, ncomp = 0;
  for (NodeId root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    call.push_back({root, g.first_out[root]});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!call.empty()) {
      Frame& f = call.back();
      const NodeId v = f.v;
      if (f.next < g.first_out[v + 1]) {
        const NodeId w = g.head[f.next++];
        if (index[w] == kUnvisited) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = 1;
          call.push_back({w, g.first_out[w]});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        NodeId w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = 0;
          comp[w] = ncomp;
        } while (w != v);
        ++ncomp;
      }
      call.pop_back();
      if (!call.empty()) {
        const NodeId p = call.back().v;
        low[p] = std::min(low[p], low[v]);
      }
    }
  }
  if (count) *count = ncomp;
  return comp;
}

RoadGraph induced_subgraph(const RoadGraph& g, std::span<const std::uint8_t> keep) {
  GraphBuilder b(g.profile);
  std::vector<NodeId> id(g.node_count(), kNoNode);
  for (NodeId v = 0; v < g.node_count(); ++v)
    if (keep[v]) id[v] = b.add_node(g.node_coord[v], g.node_osm_id[v]);
  // Arc weights per edge and direction.
  std::vector<Weight> wf(g.edge_count(), kInfWeight), wb(g.edge_count(), kInfWeight);
  for (ArcId a = 0; a < g.arc_count(); ++a) (g.arc_forward[a] ? wf : wb)[g.arc_edge[a]] = g.weight[a];
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const NodeId u = id[g.edge_from[e]], v = id[g.edge_to[e]];
    if (u == kNoNode || v == kNoNode) continue;
    b.add_edge(u, v, g.edge_shape(e), g.edge_class[e], g.edge_speed_kmh[e], g.edge_way[e], g.edge_dirs[e],
               wf[e], wb[e], g.edge_length_m[e]);
  }
  return std::move(b).finish();
}

}  // namespace cs::network
