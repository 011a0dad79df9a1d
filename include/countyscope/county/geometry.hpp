// Small planar helpers of the county model (cs::detail; shared by county/ and sources/, not an API): local
// equirectangular projection, ring area and centroid, bounding boxes and a uniform grid over polygon bounding
// boxes for point-in-polygon queries.
#pragma once

#include <cstdint>
#include <vector>

#include <countyscope/core/types.hpp>

namespace cs::detail {

using Ring = std::vector<LonLat>;
using Polygon = std::vector<Ring>;  // outer first, then holes
using MultiPolygon = std::vector<Polygon>;

inline constexpr double kEarthRadiusM = 6'371'008.8;

struct BBox {
  double min_lon = 1e300, min_lat = 1e300, max_lon = -1e300, max_lat = -1e300;
  void add(LonLat p) noexcept;
  [[nodiscard]] bool contains(LonLat p) const noexcept {
    return p.lon >= min_lon && p.lon <= max_lon && p.lat >= min_lat && p.lat <= max_lat;
  }
  [[nodiscard]] bool empty() const noexcept { return min_lon > max_lon; }
};
BBox bbox_of(const MultiPolygon& mp) noexcept;

// Signed area (m², counter-clockwise positive) of a ring in a local projection around its first point.
double ring_signed_area_m2(const Ring& r) noexcept;
// Area of a multipolygon in m² (outer rings minus holes).
double multipolygon_area_m2(const MultiPolygon& mp) noexcept;
// Area-weighted centroid of the outer rings minus holes (falls back to the vertex mean for degenerate
// shapes).
LonLat multipolygon_centroid(const MultiPolygon& mp) noexcept;

bool point_in_ring(LonLat p, const Ring& r) noexcept;

// Squared equirectangular distance (for nearest-neighbour choices inside a county), in "metres²".
double dist2_m2(LonLat a, LonLat b) noexcept;

// Uniform grid over the bounding boxes of many multipolygons: candidates(p) lists the ids whose bbox contains
// p.
class PolygonGrid {
 public:
  explicit PolygonGrid(const std::vector<const MultiPolygon*>& polys, double cell_deg = 0.01);
  // Ids (positions in the constructor's vector) of polygons containing p, ascending.
  [[nodiscard]] std::vector<std::uint32_t> containing(LonLat p) const;
  [[nodiscard]] bool any_containing(LonLat p) const;

 private:
  [[nodiscard]] bool cell_of(LonLat p, std::size_t& cell) const noexcept;
  std::vector<const MultiPolygon*> polys_;
  std::vector<BBox> boxes_;
  double cell_ = 0.01, min_lon_ = 0, min_lat_ = 0;
  std::size_t nx_ = 0, ny_ = 0;
  std::vector<std::uint32_t> first_, items_;
};

}  // namespace cs::detail
