#include "geometry.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>

#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>

#include <countyscope/core/error.hpp>

namespace cs::detail {

namespace {

constexpr double kEarthR = 6'371'008.8;

struct Local {
  double lon0 = 0, lat0 = 0, kx = 1, ky = 1;
  explicit Local(const std::vector<std::vector<LonLat>>& lines) {
    double lo0 = 1e9, lo1 = -1e9, la0 = 1e9, la1 = -1e9;
    for (const auto& l : lines)
      for (const LonLat& p : l) {
        lo0 = std::min(lo0, p.lon), lo1 = std::max(lo1, p.lon);
        la0 = std::min(la0, p.lat), la1 = std::max(la1, p.lat);
      }
    lon0 = (lo0 + lo1) / 2, lat0 = (la0 + la1) / 2;
    ky = kEarthR * std::numbers::pi / 180.0;
    kx = ky * std::cos(lat0 * std::numbers::pi / 180.0);
  }
  void fwd(LonLat p, double& x, double& y) const { x = (p.lon - lon0) * kx, y = (p.lat - lat0) * ky; }
  LonLat inv(double x, double y) const { return {lon0 + x / kx, lat0 + y / ky}; }
};

struct GeomGuard {
  OGRGeometryH h;
  ~GeomGuard() {
    if (h) OGR_G_DestroyGeometry(h);
  }
};

std::vector<LonLat> ring_of(OGRGeometryH ring, const Local& loc) {
  std::vector<LonLat> r;
  const int n = OGR_G_GetPointCount(ring);
  r.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const LonLat p = loc.inv(OGR_G_GetX(ring, i), OGR_G_GetY(ring, i));
    // 7 decimals (~1 cm), as in every other output: keeps files byte-stable.
    r.push_back({std::round(p.lon * 1e7) / 1e7, std::round(p.lat * 1e7) / 1e7});
  }
  return r;
}

void collect(OGRGeometryH g, const Local& loc, MultiPolygon& out) {
  const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
  if (t == wkbPolygon) {
    std::vector<std::vector<LonLat>> rings;
    for (int r = 0; r < OGR_G_GetGeometryCount(g); ++r) {
      auto ring = ring_of(OGR_G_GetGeometryRef(g, r), loc);
      if (ring.size() >= 4) rings.push_back(std::move(ring));
    }
    if (!rings.empty()) out.push_back(std::move(rings));
  } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
    for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) collect(OGR_G_GetGeometryRef(g, i), loc, out);
  }
}

}  // namespace

MultiPolygon buffer_lines(const std::vector<std::vector<LonLat>>& lines, double buffer_m, int quad_segs,
                          double simplify_m, double* area_km2) {
  MultiPolygon out;
  if (area_km2) *area_km2 = 0.0;
  if (lines.empty()) return out;
  const Local loc(lines);
  GeomGuard ml{OGR_G_CreateGeometry(wkbMultiLineString)};
  for (const auto& l : lines) {
    OGRGeometryH ls = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_SetPointCount(ls, static_cast<int>(l.size()));
    for (std::size_t i = 0; i < l.size(); ++i) {
      double x = 0, y = 0;
      loc.fwd(l[i], x, y);
      OGR_G_SetPoint_2D(ls, static_cast<int>(i), x, y);
    }
    OGR_G_AddGeometryDirectly(ml.h, ls);
  }
  // Thinning the lines first (well below the buffer width) makes the buffer much cheaper and changes the
  // outline by less than the tolerance.
  GeomGuard thin{simplify_m > 0 ? OGR_G_Simplify(ml.h, std::min(simplify_m, buffer_m / 4)) : nullptr};
  GeomGuard buf{OGR_G_Buffer(thin.h ? thin.h : ml.h, buffer_m, quad_segs)};
  if (!buf.h) throw Error(ErrorKind::kInternal, "GEOS buffer of the reached network failed");
  GeomGuard simp{simplify_m > 0 ? OGR_G_SimplifyPreserveTopology(buf.h, simplify_m) : nullptr};
  OGRGeometryH res = simp.h ? simp.h : buf.h;
  if (area_km2) *area_km2 = OGR_G_Area(res) / 1e6;
  collect(res, loc, out);
  return out;
}

}  // namespace cs::detail

namespace cs::detail {

namespace {

void register_gdal() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

struct DatasetGuard {
  GDALDatasetH h;
  ~DatasetGuard() {
    if (h) GDALClose(h);
  }
};

}  // namespace

MultiPolygon raster_buffer_lines(const std::vector<std::vector<LonLat>>& lines, double buffer_m,
                                 double cell_m, double simplify_m, double* area_km2) {
  MultiPolygon out;
  if (area_km2) *area_km2 = 0.0;
  if (lines.empty()) return out;
  register_gdal();
  const Local loc(lines);
  std::vector<std::vector<std::pair<double, double>>> xy(lines.size());
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (std::size_t i = 0; i < lines.size(); ++i)
    for (const LonLat& p : lines[i]) {
      double x = 0, y = 0;
      loc.fwd(p, x, y);
      xy[i].emplace_back(x, y);
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  const double pad = buffer_m + 2 * cell_m;
  x0 -= pad, y0 -= pad, x1 += pad, y1 += pad;
  // Keep the grid bounded (<= 64 M cells) on very large inputs by coarsening the cells.
  while ((x1 - x0) / cell_m * ((y1 - y0) / cell_m) > 64e6) cell_m *= 1.5;
  const auto w = static_cast<int>(std::ceil((x1 - x0) / cell_m)),
             h = static_cast<int>(std::ceil((y1 - y0) / cell_m));
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0);
  const double b2 = buffer_m * buffer_m;
  for (const auto& l : xy)
    for (std::size_t k = 0; k + 1 < l.size() || (l.size() == 1 && k == 0); ++k) {
      const auto [ax, ay] = l[k];
      const auto [bx, by] = l.size() == 1 ? l[k] : l[k + 1];
      const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
      // Rows are numbered from the top (north) as in the geotransform below.
      const int c0 = std::max(0, static_cast<int>((std::min(ax, bx) - buffer_m - x0) / cell_m));
      const int c1 = std::min(w - 1, static_cast<int>((std::max(ax, bx) + buffer_m - x0) / cell_m));
      const int r0 = std::max(0, static_cast<int>((y1 - (std::max(ay, by) + buffer_m)) / cell_m));
      const int r1 = std::min(h - 1, static_cast<int>((y1 - (std::min(ay, by) - buffer_m)) / cell_m));
      for (int r = r0; r <= r1; ++r) {
        const double cy = y1 - (r + 0.5) * cell_m;
        for (int c = c0; c <= c1; ++c) {
          std::uint8_t& cell =
              grid[static_cast<std::size_t>(r) * static_cast<std::size_t>(w) + static_cast<std::size_t>(c)];
          if (cell) continue;
          const double cx = x0 + (c + 0.5) * cell_m;
          double t = len2 > 0 ? ((cx - ax) * dx + (cy - ay) * dy) / len2 : 0.0;
          t = std::clamp(t, 0.0, 1.0);
          const double ex = ax + t * dx - cx, ey = ay + t * dy - cy;
          if (ex * ex + ey * ey <= b2) cell = 1;
        }
      }
    }
  GDALDriverH mem = GDALGetDriverByName("MEM");
  GDALDriverH vmem = GDALGetDriverByName("Memory");
  if (!mem || !vmem) throw Error(ErrorKind::kInternal, "GDAL MEM/Memory drivers are not available");
  DatasetGuard rast{GDALCreate(mem, "", w, h, 1, GDT_Byte, nullptr)};
  if (!rast.h) throw Error(ErrorKind::kInternal, "cannot create an in-memory raster");
  double gt[6] = {x0, cell_m, 0, y1, 0, -cell_m};
  GDALSetGeoTransform(rast.h, gt);
  GDALRasterBandH band = GDALGetRasterBand(rast.h, 1);
  if (GDALRasterIO(band, GF_Write, 0, 0, w, h, grid.data(), w, h, GDT_Byte, 0, 0) != CE_None)
    throw Error(ErrorKind::kInternal, "cannot write the in-memory raster");
  DatasetGuard vec{GDALCreate(vmem, "", 0, 0, 0, GDT_Unknown, nullptr)};
  OGRLayerH layer = GDALDatasetCreateLayer(vec.h, "poly", nullptr, wkbPolygon, nullptr);
  OGRFieldDefnH fd = OGR_Fld_Create("v", OFTInteger);
  OGR_L_CreateField(layer, fd, TRUE);
  OGR_Fld_Destroy(fd);
  char* opts[] = {const_cast<char*>("8CONNECTED=8"), nullptr};
  if (GDALPolygonize(band, band, layer, 0, opts, nullptr, nullptr) != CE_None)
    throw Error(ErrorKind::kInternal, "GDALPolygonize failed");
  const double tol = std::max(simplify_m, cell_m);
  OGR_L_ResetReading(layer);
  double area = 0;
  for (OGRFeatureH f; (f = OGR_L_GetNextFeature(layer)) != nullptr;) {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    GeomGuard simp{g ? OGR_G_SimplifyPreserveTopology(g, tol) : nullptr};
    if (simp.h) {
      area += OGR_G_Area(simp.h);
      MultiPolygon mp;
      collect(simp.h, loc, mp);
      for (auto& poly : mp) out.push_back(std::move(poly));
    }
    OGR_F_Destroy(f);
  }
  // Deterministic order (by the first vertex of the outer ring), whatever order GDAL yields.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const LonLat pa = a[0][0], pb = b[0][0];
    return pa.lat != pb.lat ? pa.lat > pb.lat : pa.lon < pb.lon;
  });
  if (area_km2) *area_km2 = area / 1e6;
  return out;
}

}  // namespace cs::detail
