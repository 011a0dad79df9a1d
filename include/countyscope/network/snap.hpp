// Snapping points onto the road network: each point is projected onto the nearest routable edge segment (not
// just the nearest node); an access leg at a connector speed is added to travel times; snap distance is
// reported and points beyond a threshold are flagged (never dropped).
//
// Example:
//   cs::network::SnapIndex idx(graph);
//   cs::network::Snap s = idx.snap({9.52, 47.14}, cs::network::SnapOptions{});
//   if (s.far) warn(...);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <countyscope/core/types.hpp>
#include <countyscope/network/road_graph.hpp>

namespace cs::network {

struct SnapOptions {
  double connector_speed_kmh =
      5.0;                         // access leg (walking from the door to the road), both profiles by default
  double far_threshold_m = 500.0;  // snaps farther than this are flagged
};

struct Snap {
  std::uint32_t edge = 0;
  double frac = 0.0;     // position along the edge's shape, 0 at edge_from, 1 at edge_to (by length)
  LonLat on_edge;        // projected point
  float dist_m = 0.0f;   // point -> projected point
  Weight access_ms = 0;  // access leg time for dist_m at the connector speed
  // Travel along the edge from the projected point to its end nodes and back, ms; kInfWeight where the
  // direction is not allowed (one-way edges); 0 towards/from the end node the point sits on (frac 0 or 1).
  Weight to_from_node = kInfWeight, to_to_node = kInfWeight;      // point -> edge_from / edge_to
  Weight from_from_node = kInfWeight, from_to_node = kInfWeight;  // edge_from / edge_to -> point
  bool far = false;
};

class SnapIndex {
 public:
  // Keeps a pointer to g: g must outlive the index. Throws InputError if g has no edge.
  explicit SnapIndex(const RoadGraph& g);
  [[nodiscard]] Snap snap(LonLat p, const SnapOptions& opt) const;
  [[nodiscard]] std::vector<Snap> snap_all(std::span<const LonLat> pts, const SnapOptions& opt,
                                           int threads) const;
  // Extent check before snapping (docs/reliability.md): a point outside the graph's bounding box grown by
  // margin_m on every side is an input error (swapped lon/lat, another county), not a far snap. The index of
  // the first such point, or std::nullopt. NaN coordinates are outside.
  [[nodiscard]] std::optional<std::size_t> first_outside(std::span<const LonLat> pts,
                                                         double margin_m = kExtentMarginM) const;
  // "lon 9.47..9.64, lat 47.05..47.27 (plus 10 km)" for messages.
  [[nodiscard]] std::string extent_text(double margin_m = kExtentMarginM) const;
  static constexpr double kExtentMarginM = 10'000.0;

 private:
  const RoadGraph* g_;
  double cell_deg_ = 0.0;
  double min_lon_ = 0.0, min_lat_ = 0.0, max_lon_ = 0.0, max_lat_ = 0.0;
  std::uint32_t nx_ = 0, ny_ = 0;
  std::vector<std::uint32_t> cell_first_;  // grid cell -> range in cell_items_
  std::vector<std::uint32_t> cell_items_;  // segment ids (edge, segment index) packed
  std::vector<std::uint32_t> seg_edge_, seg_index_;
  std::vector<Weight> edge_w_fwd_,
      edge_w_bwd_;  // arc weight per edge and direction (kInfWeight: not allowed)
};

}  // namespace cs::network
