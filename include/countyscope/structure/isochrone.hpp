// Isochrones ("life circles"): the road network reachable within each of several travel-time cutoffs from a
// snapped source point, including the partial edges up to the cutoff, and polygons built from it.
//
// Construction of the polygons (documented in docs/structure.md), in a local metric plane (equirectangular
// about the centre of the reached network: < 0.1 % scale error across a county):
//  - kRaster (default): grid cells of cell_m (default buffer_m / 3) whose centre lies within buffer_m of a
//  reached
//    edge piece are marked, polygonised with GDALPolygonize (8-connected) and simplified (Douglas-Peucker,
//    tolerance max(simplify_m, cell_m)). Linear in road length; within one cell diagonal of the exact buffer.
//  - kGeos: the exact buffer: OGR_G_Buffer (GEOS) of the reached pieces as one MultiLineString, which
//  dissolves the
//    overlaps, then simplified. Exact but slow for whole-county circles (tens of seconds).
// Both are projected back to WGS-84. A larger cutoff reaches every piece of a smaller one, so circles nest
// (5 ⊂ 10 ⊂ 15 ...).
//
// Example:
//   cs::structure::IsochroneBuilder b(graph);
//   cs::Isochrone iso = b.run(seat_snap, std::vector<double>{900, 1800});
//   iso.reached_nodes(1);                 // nodes within 30 min
//   b.time_to(village_snap);              // travel time from the seat to a village (ms), kInfWeight beyond
//   30 min cs::IsoPolygon poly = cs::structure::reached_polygon(graph, iso.pieces[1],
//   cs::structure::IsochroneConfig{});
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <countyscope/core/error.hpp>
#include <countyscope/core/types.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::structure {

enum class PolygonMethod : std::uint8_t { kRaster, kGeos };
PolygonMethod parse_polygon_method(
    std::string_view s);  // "raster" / "geos"; UsageError lists the valid names
std::string_view polygon_method_name(PolygonMethod m);

struct IsochroneConfig {
  std::vector<double> cutoffs_s{300, 600, 900, 1800, 3600};  // positive and strictly increasing
  double buffer_m = 75.0;    // half-width of the buffer around reached edges (polygon construction)
  double simplify_m = 10.0;  // Douglas-Peucker tolerance of the polygon outline (0 = none)
  int quad_segs = 4;         // kGeos: segments per quarter circle in buffer joins and caps
  PolygonMethod method = PolygonMethod::kRaster;
  double cell_m = 0.0;  // kRaster: grid cell size; 0 = buffer_m / 3
};
// Problems: cutoffs empty / not positive / not strictly increasing; buffer_m <= 0; simplify_m < 0; quad_segs
// < 1; cell_m < 0 or > buffer_m.
[[nodiscard]] std::vector<Problem> validate(const IsochroneConfig& cfg);
// "5,10,15,30,60" (minutes) -> seconds; throws UsageError on a malformed, non-positive or non-increasing
// list.
std::vector<double> parse_cutoffs_min(std::string_view text);

// A reached stretch of an edge: fractions by length along the edge's shape (0 at edge_from, 1 at edge_to).
struct EdgePiece {
  std::uint32_t edge = 0;
  float from = 0.0f, to = 0.0f;
  friend bool operator==(const EdgePiece&, const EdgePiece&) = default;
};

struct Isochrone {
  std::vector<double> cutoffs_s;
  // Nodes reached within the largest cutoff with their travel time (ms), in order of increasing time.
  std::vector<std::pair<NodeId, Weight>> nodes;
  // Per cutoff: reached edge pieces, sorted by edge, overlapping pieces of one edge merged.
  std::vector<std::vector<EdgePiece>> pieces;
  // Number of nodes within cutoff c (index into cutoffs_s).
  [[nodiscard]] std::size_t reached_nodes(std::size_t c) const;
  // Total length (km) of the reached pieces within cutoff c.
  [[nodiscard]] double reached_km(const network::RoadGraph& g, std::size_t c) const;
};

// One per thread (owns a Dijkstra); the graph is shared and immutable.
class IsochroneBuilder {
 public:
  explicit IsochroneBuilder(const network::RoadGraph& g);
  // One bounded search to the largest cutoff; the source's access leg counts (as in the matrices).
  Isochrone run(const network::Snap& source, std::span<const double> cutoffs_s);
  // Time (ms) from the last run's source to a snapped point; kInfWeight when beyond the largest cutoff.
  [[nodiscard]] Weight time_to(const network::Snap& target) const noexcept { return d_.dist_to(target); }
  [[nodiscard]] const network::Dijkstra& search() const noexcept { return d_; }

 private:
  const network::RoadGraph* g_;
  network::Dijkstra d_;
  std::vector<Weight> w_fwd_, w_bwd_;  // arc weight per edge and direction (kInfWeight: not allowed)
  std::vector<std::uint32_t> edge_stamp_;
  std::uint32_t round_ = 0;
  std::vector<std::uint32_t> touched_;
};

// Pieces reached within `cutoff` given node times (ms, kInfWeight = not reached) and the source snap. Exposed
// for tests and for service-area polygons.
std::vector<EdgePiece> reached_pieces(const network::RoadGraph& g,
                                      std::span<const std::pair<NodeId, Weight>> nodes,
                                      const network::Snap& source, Weight cutoff);

struct IsoPolygon {
  std::vector<std::vector<std::vector<LonLat>>> polygons;  // multipolygon: polygons -> rings (outer first)
  double area_km2 = 0.0;
};
// Buffered, dissolved polygon of the pieces (see the construction above). Empty pieces give an empty polygon.
IsoPolygon reached_polygon(const network::RoadGraph& g, std::span<const EdgePiece> pieces,
                           const IsochroneConfig& cfg);

// The points of an edge's shape between two fractions (by length), interpolating the ends.
std::vector<LonLat> edge_sub_shape(const network::RoadGraph& g, std::uint32_t edge, double from, double to);

}  // namespace cs::structure
