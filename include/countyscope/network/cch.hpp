// Customizable contraction hierarchies (Dibbelt, Strasser and Wagner 2016, "Customizable Contraction
// Hierarchies", ACM JEA 21) over a RoadGraph: the routing index whose weights can change cheaply (the
// planning studio's road edits). Three phases:
//   1. order: nested dissection of the undirected graph by METIS (METIS_NodeND, fixed seed: the same graph
//      gives the same order);
//   2. metric-independent preprocessing: contraction in that order without witness searches gives the
//      chordal supergraph (upward arcs per node, sorted by rank), its elimination tree and, per hierarchy
//      arc, its lower triangles; every input arc maps to one hierarchy arc;
//   3. customisation: the arc weights, bottom-up over the lower triangles (parallel by levels of the
//      elimination tree; bit-identical for any thread count), and partial re-customisation after some input
//      arcs changed (only the hierarchy arcs that can change, in rank order; equal bit for bit to a full
//      customisation).
// Queries walk up the elimination tree from both ends (no priority queue); matrices between snapped points
// have the same semantics and results as travel_time_matrix and ch_matrix. The topology is fixed: a new road
// needs a new index (prepare again; docs/network.md gives the measured cost).
//
// Example:
//   auto cch = cs::network::CustomizableCH::build(graph, {}, ctx);                    // order + customise
//   cch.update(std::vector<cs::network::ArcTime>{{arc, 95.0}, {other, cs::kUnreachable}});  // s; inf: closed
//   cs::TimeMatrix m = cs::network::cch_matrix(cch, graph, from_snaps, to_snaps, {}, ctx);
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::network {

struct CCHConfig {
  int metis_seed = 1;  // METIS_OPTION_SEED: the order (and so the index) depends on it only
  int threads = 0;     // customisation threads; 0 = ctx.thread_count()
};

// A new travel time for one input arc (an index into RoadGraph::head), in seconds; +infinity closes the arc.
// NaN, negative values and arc ids out of range are rejected (InputError).
struct ArcTime {
  ArcId arc = 0;
  double seconds = 0.0;
};

// A nested-dissection order of g's undirected, loop-free, deduplicated graph by METIS: node_of_rank (the
// first node is contracted first, the top separator last). Deterministic for a given seed.
std::vector<NodeId> nested_dissection_order(const RoadGraph& g, int metis_seed = 1);

class CustomizableCH {
 public:
  CustomizableCH() = default;
  // Order (nested_dissection_order), metric-independent preprocessing, customisation with g.weight.
  static CustomizableCH build(const RoadGraph& g, const CCHConfig& cfg, Context& ctx);
  // Metric-independent preprocessing for a given order (node_of_rank, a permutation of g's nodes; otherwise
  // InputError); every arc weight is +inf until customize().
  static CustomizableCH prepare(const RoadGraph& g, std::span<const NodeId> node_of_rank);

  // Full customisation with one weight per input arc (ms; kInfWeight = closed); threads < 1 = 1.
  void customize(std::span<const Weight> arc_weight, int threads);
  // Partial re-customisation: sets the given input arcs' times and recomputes only the hierarchy arcs that
  // can change. The result equals customize() with the new weights bit for bit. Validates every change before
  // applying any. Returns the number of hierarchy arcs recomputed.
  std::size_t update(std::span<const ArcTime> changes);

  [[nodiscard]] std::size_t node_count() const noexcept { return rank.size(); }
  [[nodiscard]] std::size_t arc_count() const noexcept { return up_head.size(); }  // hierarchy arcs
  [[nodiscard]] std::size_t triangle_count() const noexcept { return tri_arc.size() / 2; }
  [[nodiscard]] std::size_t input_arc_count() const noexcept { return arc_weight.size(); }
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  // Whether this index was prepared for g's topology (node count, arcs and their heads; not the weights).
  [[nodiscard]] bool matches(const RoadGraph& g) const noexcept;

  // Node v has rank rank[v]; everything below is indexed by rank.
  std::vector<NodeId> rank, node_of_rank;
  std::vector<NodeId> parent;  // elimination tree: the lowest upper neighbour, kNoNode at a root
  // Upward arcs r -> up_head (higher rank, sorted) of the chordal supergraph.
  std::vector<std::uint32_t> up_first;
  std::vector<NodeId> up_head;
  std::vector<NodeId> up_tail;  // r, per arc
  // Customised weights per hierarchy arc e = (r, up_head[e]): weight[2e] upward r -> up_head[e],
  // weight[2e+1] downward up_head[e] -> r (ms, kInfWeight = no path).
  std::vector<Weight> weight;
  // Lower triangles of arc e = (u, v): pairs (arc (w, u), arc (w, v)) with w below u, in
  // tri_arc[2*tri_first[e] ..).
  std::vector<std::uint64_t> tri_first;
  std::vector<std::uint32_t> tri_arc;
  // Input arcs: arc a of the graph maps to hierarchy arc arc_ch[a] (kNoArc for a loop), upward when
  // arc_up[a]; the input arcs of hierarchy arc e are in_arc[in_first[e] ..).
  std::vector<ArcId> arc_ch;
  std::vector<std::uint8_t> arc_up;
  std::vector<std::uint32_t> in_first;
  std::vector<ArcId> in_arc;
  std::vector<Weight> arc_weight;  // the current metric, ms per input arc
  // Hierarchy arcs by level of their lower end in the elimination tree (leaves first): the arcs of level k,
  // level_arc[level_first[k] ..), depend only on arcs of lower levels (customised in parallel).
  std::vector<std::uint32_t> level_first;
  std::vector<std::uint32_t> level_arc;
  std::uint64_t topology_checksum = 0;

 private:
  [[nodiscard]] std::pair<Weight, Weight> recompute(std::uint32_t e) const noexcept;
};

// One per thread over a customised index: shortest times by elimination-tree walks.
class CCHQuery {
 public:
  explicit CCHQuery(const CustomizableCH& cch);
  // Walks up the elimination tree from (rank, time) seeds, relaxing upward (forward) or downward (backward)
  // weights (up to 4 seeds). Afterwards path() lists the ranks walked (increasing) and d(r) their times, and
  // space() those reached and not stalled (no higher neighbour offers a shorter way): the only ones a
  // shortest path between two walks can meet at.
  void walk(std::span<const std::pair<NodeId, Weight>> seeds, bool forward);
  [[nodiscard]] const std::vector<NodeId>& path() const noexcept { return path_; }
  [[nodiscard]] const std::vector<NodeId>& space() const noexcept { return space_; }
  [[nodiscard]] Weight d(NodeId r) const noexcept { return dist_[r]; }
  // Shortest time from node s to node t of the graph (kInfWeight: no path).
  Weight distance(NodeId s, NodeId t);

 private:
  const CustomizableCH* cch_;
  std::vector<Weight> dist_;
  std::vector<NodeId> path_, space_;
};

// How cch_matrix answers. kBuckets: the targets' walks fill buckets that one walk per origin scans (cheap
// for few origins; the scans grow with origins x targets near the top of the hierarchy). kSweep: per target,
// its walk and then one sweep over every node from the top rank down gives every node's time to it (PHAST,
// Delling et al. 2013), read at the origins (cheap for many origins: |to| x (nodes + arcs)). kAuto: kSweep
// when 32 x |from| >= nodes + hierarchy arcs. Both give the same matrix bit for bit.
enum class CCHMatrixMethod : std::uint8_t { kAuto, kBuckets, kSweep };

// Many-to-many between snapped points; same semantics and results as travel_time_matrix (and ch_matrix) on
// the graph with the index's current weights. Throws InputError if cch was prepared for another topology.
TimeMatrix cch_matrix(const CustomizableCH& cch, const RoadGraph& g, std::span<const Snap> from,
                      std::span<const Snap> to, const MatrixOptions& opt, Context& ctx,
                      CCHMatrixMethod method = CCHMatrixMethod::kAuto);

}  // namespace cs::network
