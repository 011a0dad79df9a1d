// The routable road graph (STYLE P1): CSR structure-of-arrays with dense 32-bit ids.
//
// Nodes are junctions (and dead ends) of the road network; an *edge* is a stretch of one OSM way between two
// junctions, with its full shape; each edge gives one or two directed *arcs* (one per allowed direction).
// Invariants (checked by check_graph in debug builds and tests):
//   first_out.size() == node_count()+1, first_out.front() == 0, first_out.back() == arc_count();
//   arcs of node u are [first_out[u], first_out[u+1]), sorted by head then weight;
//   arc_edge[a] < edge_count(); edge_shape of edge e is shape[shape_first[e] .. shape_first[e+1]), from
//   edge_from[e] to edge_to[e]; arc_forward[a] says whether arc a runs from edge_from to edge_to.
//
// Example:
//   for (cs::ArcId a = g.first_out[u]; a != g.first_out[u + 1]; ++a) relax(g.head[a], g.weight[a]);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/types.hpp>

namespace cs::network {

enum class Profile : std::uint8_t { kCar, kWalk };
// "car" / "walk"; throws UsageError listing the valid names.
Profile parse_profile(std::string_view name);
std::string_view profile_name(Profile p);

// OSM highway classes we route on, in decreasing importance.
enum class RoadClass : std::uint8_t {
  kMotorway,
  kTrunk,
  kPrimary,
  kSecondary,
  kTertiary,
  kUnclassified,
  kResidential,
  kLivingStreet,
  kService,
  kTrack,
  kPedestrian,
  kFootway,
  kPath,
  kSteps,
  kOther,
  kCount
};
std::string_view road_class_name(RoadClass c);

struct RoadGraph {
  Profile profile = Profile::kCar;
  bool reversed = false;  // set by reverse_graph: arc a then runs against the direction arc_forward[a] names

  // Nodes.
  std::vector<LonLat> node_coord;
  std::vector<std::int64_t> node_osm_id;

  // Arcs (CSR by tail).
  std::vector<ArcId> first_out;  // node_count()+1
  std::vector<NodeId> head;      // arc_count()
  std::vector<Weight> weight;    // travel time, ms
  std::vector<std::uint32_t> arc_edge;
  std::vector<std::uint8_t> arc_forward;  // 1: from edge_from to edge_to

  // Edges (undirected geometry shared by the one or two arcs of a way stretch).
  std::vector<NodeId> edge_from, edge_to;
  std::vector<std::uint32_t> shape_first;  // edge_count()+1
  std::vector<LonLat> shape;               // polyline points including both end nodes
  std::vector<float> edge_length_m;
  std::vector<float> edge_speed_kmh;  // speed used for the travel time
  std::vector<RoadClass> edge_class;
  std::vector<std::int64_t> edge_way;   // OSM way id
  std::vector<std::uint8_t> edge_dirs;  // bit 0: forward allowed, bit 1: backward allowed

  [[nodiscard]] std::size_t node_count() const noexcept { return node_coord.size(); }
  [[nodiscard]] std::size_t arc_count() const noexcept { return head.size(); }
  [[nodiscard]] std::size_t edge_count() const noexcept { return edge_from.size(); }
  [[nodiscard]] std::span<const LonLat> edge_shape(std::uint32_t e) const noexcept {
    return {shape.data() + shape_first[e], shape.data() + shape_first[e + 1]};
  }
  // Approximate bytes held (for memory reports).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
};

// The transpose (arcs reversed), for backward searches; arc_edge / arc_forward keep referring to the same
// edges.
RoadGraph reverse_graph(const RoadGraph& g);

// Throws std::logic_error describing the first violated invariant.
void check_graph(const RoadGraph& g);

// Great-circle distance in metres (haversine, R = 6,371,008.8 m).
double haversine_m(LonLat a, LonLat b) noexcept;

// Builds a RoadGraph from nodes and edges in any order: arcs are grouped by tail into CSR and sorted by head
// then weight (then edge id, so the result is deterministic). Used by build_network, the test fixtures and
// the benches.
//
// Example:
//   cs::network::GraphBuilder b(cs::network::Profile::kCar);
//   auto u = b.add_node({9.5, 47.1}), v = b.add_node({9.51, 47.1});
//   b.add_edge(u, v, {}, cs::network::RoadClass::kPrimary, 50.0f, 0, /*dirs=*/3, 5000, 5000);
//   cs::network::RoadGraph g = std::move(b).finish();
class GraphBuilder {
 public:
  explicit GraphBuilder(Profile p) {
    g_.profile = p;
    g_.shape_first.push_back(0);
  }
  NodeId add_node(LonLat c, std::int64_t osm_id = -1);
  // shape: the full polyline including both end nodes; empty = the straight line between the nodes.
  // length_m < 0: computed from the shape. dirs: bit 0 forward (from->to), bit 1 backward; weights in ms.
  std::uint32_t add_edge(NodeId from, NodeId to, std::span<const LonLat> shape, RoadClass cls,
                         float speed_kmh, std::int64_t way, std::uint8_t dirs, Weight w_forward,
                         Weight w_backward, double length_m = -1.0);
  [[nodiscard]] std::size_t node_count() const noexcept { return g_.node_coord.size(); }
  [[nodiscard]] std::size_t edge_count() const noexcept { return g_.edge_from.size(); }
  RoadGraph finish() &&;

 private:
  RoadGraph g_;
  std::vector<Weight> w_fwd_, w_bwd_;
};

// Strongly connected components (iterative Tarjan, no recursion): component id per node, ids dense from 0.
std::vector<std::uint32_t> strongly_connected_components(const RoadGraph& g, std::size_t* count = nullptr);

// The subgraph induced by the nodes with keep[v] != 0 (edges with both ends kept), renumbered in order.
RoadGraph induced_subgraph(const RoadGraph& g, std::span<const std::uint8_t> keep);

// Travel time in ms for a length at a speed: round(length / speed), at least 1 ms.
Weight travel_ms(double length_m, double speed_kmh) noexcept;

}  // namespace cs::network
