// Contraction hierarchies (Geisberger et al. 2008) over a RoadGraph: built once per network (nodes ordered by
// level plus edge and hop quotients, contracted in deterministic rounds of nodes three arcs apart on all
// cores, witness searches with a settle limit), saved to and loaded from disk by formats/ch_file.hpp, and
// queried with bucket-based many-to-many (Knopp et al. 2007) between snapped points and PHAST-style
// one-to-all (Delling et al. 2011). Answers equal Dijkstra's exactly (integer milliseconds).
//
// Example:
//   cs::network::ContractionHierarchy ch = cs::network::ContractionHierarchy::build(graph, {}, ctx);
//   cs::save_ch(ch, "out/county.car.csch");   // formats/ch_file.hpp
//   cs::TimeMatrix m = cs::network::ch_matrix(ch, graph, from_snaps, to_snaps, {}, ctx);
//   std::vector<cs::Weight> all = cs::network::CHQuery(ch).one_to_all(graph, seat_snap);   // per graph node,
//   ms
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::network {

struct CHConfig {
  // Nodes settled per witness search before giving up (then a shortcut is added): when contracting, and when
  // simulating a contraction to order the nodes (only the order depends on the latter).
  std::uint32_t witness_settle_limit = 400;
  std::uint32_t priority_settle_limit = 20;
  int threads = 0;  // 0 = ctx.thread_count()
};

class ContractionHierarchy {
 public:
  ContractionHierarchy() = default;
  // Deterministic: the same graph gives the same hierarchy whatever the thread count.
  static ContractionHierarchy build(const RoadGraph& g, const CHConfig& cfg, Context& ctx);

  [[nodiscard]] std::size_t node_count() const noexcept { return rank.size(); }
  [[nodiscard]] std::size_t up_arc_count() const noexcept { return up_head.size(); }
  [[nodiscard]] std::size_t down_arc_count() const noexcept { return down_head.size(); }
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  // Whether this index was built for g (same node count and arc checksum).
  [[nodiscard]] bool matches(const RoadGraph& g) const noexcept;

  // Node v of the graph has rank rank[v] (contraction order); all arrays below are indexed by rank.
  std::vector<NodeId> rank, node_of_rank;
  // Upward arcs r -> up_head (higher rank), i.e. real arcs; for forward searches.
  std::vector<std::uint32_t> up_first;
  std::vector<NodeId> up_head;
  std::vector<Weight> up_weight;
  // For rank r: real arcs down_head -> r with down_head of higher rank; backward searches and the PHAST
  // sweep.
  std::vector<std::uint32_t> down_first;
  std::vector<NodeId> down_head;
  std::vector<Weight> down_weight;
  std::uint64_t graph_checksum = 0;
  std::size_t shortcuts = 0;
  // Nodes settled by the build's witness searches: its cost, whatever the machine (a build statistic, not
  // saved; 0 for a loaded index).
  std::uint64_t witness_settled = 0;
};

// Checksum of a graph's topology and weights (what a CH index depends on).
std::uint64_t graph_checksum(const RoadGraph& g) noexcept;

// One per thread over an immutable hierarchy.
class CHQuery {
 public:
  explicit CHQuery(const ContractionHierarchy& ch);
  // Upward search from (rank, time) seeds over up arcs (forward) or down arcs (backward), with
  // stall-on-demand. Afterwards space() lists the reached, non-stalled ranks and d(r) their times.
  void upward(std::span<const std::pair<NodeId, Weight>> seeds, bool forward, Weight cutoff = kInfWeight);
  [[nodiscard]] const std::vector<NodeId>& space() const noexcept { return space_; }
  [[nodiscard]] Weight d(NodeId r) const noexcept { return stamp_[r] == round_ ? dist_[r] : kInfWeight; }
  // Exact times from a snapped point (with its access leg) to every graph node (indexed by node id), ms.
  std::vector<Weight> one_to_all(const RoadGraph& g, const Snap& s);

 private:
  const ContractionHierarchy* ch_;
  std::vector<Weight> dist_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t round_ = 0;
  std::vector<NodeId> space_;
  std::vector<std::pair<Weight, NodeId>> heap_;
};

// Many-to-many between snapped points with buckets; same semantics and results as travel_time_matrix.
TimeMatrix ch_matrix(const ContractionHierarchy& ch, const RoadGraph& g, std::span<const Snap> from,
                     std::span<const Snap> to, const MatrixOptions& opt, Context& ctx);

}  // namespace cs::network
