// Shortest travel times on a RoadGraph: one query object per thread over an immutable graph (STYLE P3).
// Dijkstra one-to-all with optional cutoff (isochrones), and many-to-many matrices between snapped points
// across all cores. Travel time between two snapped points = access leg + along-edge to a node + network +
// along-edge + access leg (or directly along a shared edge). Unreachable pairs are +inf (kUnreachable).
//
// Example:
//   cs::TimeMatrix m = cs::network::travel_time_matrix(graph, from_snaps, to_snaps, {.cutoff_s = 3600}, ctx);
//   cs::network::Dijkstra d(graph);  d.run({{seat_node, 0}}, cs::from_seconds(1800));  d.dist(v);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::network {

class Dijkstra {
 public:
  explicit Dijkstra(const RoadGraph& g);
  // Multi-source search from (node, initial time) pairs; nodes farther than cutoff are not settled.
  void run(std::span<const std::pair<NodeId, Weight>> sources, Weight cutoff = kInfWeight);
  // Same, but stops as soon as every node in stop_after is settled (or unreachable within the cutoff); after
  // an early stop dist() is exact for settled nodes (which include all of stop_after that are reachable).
  void run(std::span<const std::pair<NodeId, Weight>> sources, Weight cutoff,
           std::span<const NodeId> stop_after);
  // Seeds the search with a snapped point (its access leg and along-edge times).
  void run_from(const Snap& s, Weight cutoff = kInfWeight, std::span<const NodeId> stop_after = {});
  [[nodiscard]] Weight dist(NodeId v) const noexcept { return stamp_[v] == round_ ? dist_[v] : kInfWeight; }
  [[nodiscard]] NodeId parent(NodeId v) const noexcept { return stamp_[v] == round_ ? parent_[v] : kNoNode; }
  [[nodiscard]] const std::vector<NodeId>& settled() const noexcept { return settled_; }
  // Time from the last run's sources to a snapped target point (kInfWeight if not reached).
  [[nodiscard]] Weight dist_to(const Snap& t) const noexcept;

 private:
  const RoadGraph* g_;
  std::vector<Weight> dist_;
  std::vector<NodeId> parent_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t round_ = 0;
  std::vector<NodeId> settled_;
  std::vector<std::pair<Weight, NodeId>> heap_;
  std::vector<std::uint32_t> target_stamp_;
  Snap source_snap_{};
  bool has_source_snap_ = false;
};

// The nodes a search must settle to answer dist_to() for these snapped targets (sorted, unique).
std::vector<NodeId> snap_target_nodes(const RoadGraph& g, std::span<const Snap> targets);

enum class MatrixAlgorithm : std::uint8_t { kAuto, kDijkstra, kCH };

struct MatrixOptions {
  std::optional<double> cutoff_s;  // pairs farther than this are reported unreachable (+inf)
  bool include_access = true;      // add the access legs of both points
  MatrixAlgorithm algorithm = MatrixAlgorithm::kAuto;  // kAuto: see docs/network.md
};

// Many-to-many on all cores (ctx.thread_count()); picks a contraction-hierarchy index for large inputs when
// one is available. Rows = from, cols = to; seconds.
// kAuto builds a contraction hierarchy on the fly when the graph has >= kAutoCHMinNodes nodes and both sides
// have >= kAutoCHMinSearches points (the build then costs less than the Dijkstra searches it saves);
// otherwise plain Dijkstra: one search per origin that stops once every target's edge ends are settled, or,
// with fewer targets than origins, one backward search per target. Pass a prebuilt index to reuse it.
inline constexpr std::size_t kAutoCHMinNodes = 20000, kAutoCHMinSearches = 256;
TimeMatrix travel_time_matrix(const RoadGraph& g, std::span<const Snap> from, std::span<const Snap> to,
                              const MatrixOptions& opt, Context& ctx);
class ContractionHierarchy;
// Same, answering with a prebuilt hierarchy of g (ch_matrix), unless opt.algorithm == kDijkstra.
TimeMatrix travel_time_matrix(const RoadGraph& g, const ContractionHierarchy& ch, std::span<const Snap> from,
                              std::span<const Snap> to, const MatrixOptions& opt, Context& ctx);
class CustomizableCH;
// Same, answering with a customised CCH of g's topology (cch_matrix: the index's current weights, which may
// differ from g.weight after updates), unless opt.algorithm == kDijkstra (then g.weight).
TimeMatrix travel_time_matrix(const RoadGraph& g, const CustomizableCH& cch, std::span<const Snap> from,
                              std::span<const Snap> to, const MatrixOptions& opt, Context& ctx);

namespace detail {
// Time from snapped point s (with its access leg) to t (without t's access leg) directly along their shared
// edge, kInfWeight if they are on different edges or the direction is not allowed.
Weight direct_along_edge(const Snap& s, const Snap& t) noexcept;
TimeMatrix dijkstra_matrix(const RoadGraph& g, std::span<const Snap> from, std::span<const Snap> to,
                           const MatrixOptions& opt, Context& ctx);
}  // namespace detail

}  // namespace cs::network
