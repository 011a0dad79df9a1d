// Private: polygon construction through GDAL/GEOS in a local metric projection.
#pragma once

#include <vector>

#include <countyscope/core/types.hpp>

namespace cs::detail {

using MultiPolygon = std::vector<std::vector<std::vector<LonLat>>>;

// Buffers the polylines by buffer_m (dissolved), simplifies by simplify_m (0 = no), returns WGS-84 rings and
// the area in km2. The local projection is equirectangular about the centre of the lines' bounding box.
MultiPolygon buffer_lines(const std::vector<std::vector<LonLat>>& lines, double buffer_m, int quad_segs,
                          double simplify_m, double* area_km2);

// The same region rasterised: grid cells of cell_m whose centre lies within buffer_m of a line are marked,
// polygonised with GDALPolygonize and simplified by max(simplify_m, cell_m). Linear in the road length; the
// outline is within one cell diagonal of the exact buffer.
MultiPolygon raster_buffer_lines(const std::vector<std::vector<LonLat>>& lines, double buffer_m,
                                 double cell_m, double simplify_m, double* area_km2);

}  // namespace cs::detail
