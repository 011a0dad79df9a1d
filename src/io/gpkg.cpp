#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <system_error>
#include <type_traits>
#include <unistd.h>
#include <vector>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>

#include "gdal_util.hpp"

namespace cs {
namespace fs = std::filesystem;

namespace {

void append_coord(std::string& s, LonLat p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.7f %.7f", p.lon, p.lat);
  s.append(buf);
}
void append_ring(std::string& s, const std::vector<LonLat>& ring) {
  s.push_back('(');
  for (std::size_t i = 0; i < ring.size(); ++i) {
    if (i) s.push_back(',');
    append_coord(s, ring[i]);
  }
  if (!ring.empty() && !(ring.front() == ring.back())) {
    s.push_back(',');
    append_coord(s, ring.front());
  }
  s.push_back(')');
}

// Ring r of a shape: points [ring_begin, ring_end).
std::size_t ring_begin(const Shape& s, std::size_t r) { return r == 0 ? 0 : s.ring_end[r - 1]; }

void append_shape_ring(std::string& s, const Shape& sh, std::size_t r) {
  const std::vector<LonLat> ring(sh.points.begin() + static_cast<std::ptrdiff_t>(ring_begin(sh, r)),
                                 sh.points.begin() + static_cast<std::ptrdiff_t>(sh.ring_end[r]));
  append_ring(s, ring);
}

// The coordinate OGR reads back from the WKT's "%.7f" text, without the text: x rounded to 7 decimals is
// k / 10^7 for the integer k nearest to x * 10^7, and k / 1e7 (one correctly rounded division) is the double
// strtod gives for that decimal. x * 1e7 is itself rounded, so when it lies within 1e-6 of a half (where the
// rounding of the exact product could differ) the text is made and read as before.
double wkt_coordinate(double x) {
  const double p = x * 1e7;
  if (std::fabs(p) < 8.0e9) {  // |error of p| <= 2^-20 here, far below the 1e-6 margin
    const double frac = std::fabs(p - std::trunc(p));
    if (std::fabs(frac - 0.5) > 1e-6) return std::nearbyint(p) / 1e7;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.7f", x);
  return std::strtod(buf, nullptr);
}

bool finite_shape(const Shape& s) {
  for (const LonLat& p : s.points)
    if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return false;
  return true;
}

// A ring or line string with the points [a, b) of the shape (closed when `close` and the ends differ).
OGRGeometryH ogr_curve(OGRwkbGeometryType type, const Shape& s, std::size_t a, std::size_t b, bool close) {
  OGRGeometryH g = OGR_G_CreateGeometry(type);
  const bool add_first = close && b > a && !(s.points[a] == s.points[b - 1]);
  const std::size_t n = b - a + (add_first ? 1 : 0);
  std::vector<double> xy(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const LonLat& p = s.points[i < b - a ? a + i : a];
    xy[2 * i] = wkt_coordinate(p.lon);
    xy[2 * i + 1] = wkt_coordinate(p.lat);
  }
  OGR_G_SetPoints(g, static_cast<int>(n), xy.data(), 2 * sizeof(double), xy.data() + 1, 2 * sizeof(double),
                  nullptr, 0);
  return g;
}

// A polygon of the shape's rings [r0, r1).
OGRGeometryH ogr_polygon(const Shape& s, std::size_t r0, std::size_t r1) {
  OGRGeometryH g = OGR_G_CreateGeometry(wkbPolygon);
  for (std::size_t r = r0; r < r1; ++r)
    OGR_G_AddGeometryDirectly(g, ogr_curve(wkbLinearRing, s, ring_begin(s, r), s.ring_end[r], true));
  return g;
}

// The OGR geometry that OGR_G_CreateFromWkt(shape_wkt(type, s)) makes, built from the coordinates; nullptr
// when the shape is one the WKT route handles (empty parts, non-finite coordinates: the caller falls back to
// it, so errors stay as they were).
OGRGeometryH ogr_geometry(GeomType type, const Shape& s) {
  if (s.points.empty() || !finite_shape(s)) return nullptr;
  switch (type) {
    case GeomType::kPoint: {
      if (s.points.size() != 1) return nullptr;
      OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
      OGR_G_SetPoint_2D(g, 0, wkt_coordinate(s.points[0].lon), wkt_coordinate(s.points[0].lat));
      return g;
    }
    case GeomType::kLineString:
      return ogr_curve(wkbLineString, s, 0, s.points.size(), false);
    case GeomType::kPolygon:
      if (s.ring_end.empty() || s.ring_end.back() != s.points.size()) return nullptr;
      for (std::size_t r = 0; r < s.ring_end.size(); ++r)
        if (s.ring_end[r] <= ring_begin(s, r)) return nullptr;
      return ogr_polygon(s, 0, s.ring_end.size());
    case GeomType::kMultiPolygon: {
      if (s.polygon_end.empty() || s.polygon_end.back() != s.ring_end.size() ||
          s.ring_end.back() != s.points.size())
        return nullptr;
      for (std::size_t r = 0; r < s.ring_end.size(); ++r)
        if (s.ring_end[r] <= ring_begin(s, r)) return nullptr;
      for (std::size_t p = 0; p < s.polygon_end.size(); ++p)
        if (s.polygon_end[p] <= (p == 0 ? 0 : s.polygon_end[p - 1])) return nullptr;
      OGRGeometryH g = OGR_G_CreateGeometry(wkbMultiPolygon);
      for (std::size_t p = 0; p < s.polygon_end.size(); ++p)
        OGR_G_AddGeometryDirectly(g, ogr_polygon(s, p == 0 ? 0 : s.polygon_end[p - 1], s.polygon_end[p]));
      return g;
    }
  }
  return nullptr;
}

OGRwkbGeometryType ogr_type(GeomType g) {
  switch (g) {
    case GeomType::kPoint:
      return wkbPoint;
    case GeomType::kLineString:
      return wkbLineString;
    case GeomType::kPolygon:
      return wkbPolygon;
    case GeomType::kMultiPolygon:
      return wkbMultiPolygon;
  }
  return wkbUnknown;
}
OGRFieldType ogr_field(FieldType t) {
  switch (t) {
    case FieldType::kInteger:
      return OFTInteger64;
    case FieldType::kReal:
      return OFTReal;
    case FieldType::kString:
      return OFTString;
  }
  return OFTString;
}

struct SrsHolder {
  OGRSpatialReferenceH h;
  SrsHolder() : h(OSRNewSpatialReference(nullptr)) {
    OSRImportFromEPSG(h, 4326);
    OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER);
  }
  ~SrsHolder() { OSRDestroySpatialReference(h); }
};

using detail::CplErrors;
using detail::init_gdal;

// Writes the layers into the open dataset `ds` (closed here, also on failure); messages name `shown` (the
// file or database the user asked for).
void write_layers_into(GDALDatasetH ds, const std::string& shown, const std::vector<VectorLayer>& layers,
                       char** layer_options, CplErrors& errors) {
  SrsHolder srs;
  auto fail = [&](const std::string& msg) {
    GDALClose(ds);
    throw IoError(shown + ": " + msg);
  };
  for (const VectorLayer& l : layers) {
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, l.name.c_str(), srs.h, ogr_type(l.geom), layer_options);
    if (!lyr) fail("cannot create layer " + l.name + ": " + errors.first());
    for (const FieldDef& f : l.fields) {
      OGRFieldDefnH fd = OGR_Fld_Create(f.name.c_str(), ogr_field(f.type));
      if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE) {
        OGR_Fld_Destroy(fd);
        fail("cannot create field " + f.name + " in layer " + l.name);
      }
      OGR_Fld_Destroy(fd);
    }
    if (OGR_L_StartTransaction(lyr) != OGRERR_NONE) fail("cannot start a transaction in layer " + l.name);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    if (!l.wkt.empty() && !l.shapes.empty()) fail("layer " + l.name + ": both WKT and shapes given");
    for (std::size_t i = 0; i < l.values.size(); ++i) {
      OGRFeatureH feat = OGR_F_Create(defn);
      const auto& row = l.values[i];
      for (std::size_t k = 0; k < row.size() && k < l.fields.size(); ++k) {
        const auto ik = static_cast<int>(k);
        std::visit(
            [&](const auto& v) {
              using V = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<V, std::monostate>)
                OGR_F_SetFieldNull(feat, ik);
              else if constexpr (std::is_same_v<V, std::int64_t>)
                OGR_F_SetFieldInteger64(feat, ik, v);
              else if constexpr (std::is_same_v<V, double>) {
                if (std::isfinite(v))
                  OGR_F_SetFieldDouble(feat, ik, v);
                else
                  OGR_F_SetFieldNull(feat, ik);
              } else
                OGR_F_SetFieldString(feat, ik, v.c_str());
            },
            row[k]);
      }
      OGRGeometryH g = i < l.shapes.size() ? ogr_geometry(l.geom, l.shapes[i]) : nullptr;
      if (g) {
        OGR_G_AssignSpatialReference(g, srs.h);
      } else {
        const std::string text = l.feature_wkt(i);
        char* w = const_cast<char*>(text.c_str());
        if (OGR_G_CreateFromWkt(&w, srs.h, &g) != OGRERR_NONE) {
          OGR_F_Destroy(feat);
          fail("layer " + l.name + ", feature " + std::to_string(i) + ": invalid geometry");
        }
      }
      OGR_F_SetGeometryDirectly(feat, g);
      if (OGR_L_CreateFeature(lyr, feat) != OGRERR_NONE) {
        OGR_F_Destroy(feat);
        fail("layer " + l.name + ": cannot write feature " + std::to_string(i) + ": " + errors.first());
      }
      OGR_F_Destroy(feat);
    }
    if (OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
      fail("cannot commit layer " + l.name + ": " + errors.first());
  }
  GDALClose(ds);
  if (errors.failed()) throw IoError(shown + ": cannot write: " + errors.first());
}

// Writes the layers into `path` (a temporary file); messages name `shown` (the file the user asked for).
void write_layers(const char* driver_name, const fs::path& path, const fs::path& shown,
                  const std::vector<VectorLayer>& layers, char** layer_options) {
  init_gdal();
  CplErrors errors;
  GDALDriverH drv = GDALGetDriverByName(driver_name);
  if (!drv) throw IoError(std::string("GDAL driver ") + driver_name + " is not available");
  GDALDatasetH ds = GDALCreate(drv, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  if (!ds) throw IoError(shown.string() + ": cannot create: " + errors.first());
  write_layers_into(ds, shown.string(), layers, layer_options, errors);
}

}  // namespace

std::string wkt_point(LonLat p) {
  std::string s = "POINT (";
  append_coord(s, p);
  s.push_back(')');
  return s;
}
std::string wkt_linestring(const std::vector<LonLat>& pts) {
  std::string s = "LINESTRING (";
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (i) s.push_back(',');
    append_coord(s, pts[i]);
  }
  s.push_back(')');
  return s;
}
std::string wkt_polygon(const std::vector<std::vector<LonLat>>& rings) {
  std::string s = "POLYGON (";
  for (std::size_t i = 0; i < rings.size(); ++i) {
    if (i) s.push_back(',');
    append_ring(s, rings[i]);
  }
  s.push_back(')');
  return s;
}
std::string wkt_multipolygon(const std::vector<std::vector<std::vector<LonLat>>>& polygons) {
  std::string s = "MULTIPOLYGON (";
  for (std::size_t p = 0; p < polygons.size(); ++p) {
    if (p) s.push_back(',');
    s.push_back('(');
    for (std::size_t i = 0; i < polygons[p].size(); ++i) {
      if (i) s.push_back(',');
      append_ring(s, polygons[p][i]);
    }
    s.push_back(')');
  }
  s.push_back(')');
  return s;
}

Shape Shape::point(LonLat p) {
  Shape s;
  s.points.push_back(p);
  return s;
}

Shape Shape::line(std::vector<LonLat> pts) {
  Shape s;
  s.points = std::move(pts);
  return s;
}

Shape Shape::polygon(const std::vector<std::vector<LonLat>>& rings) {
  Shape s;
  for (const auto& r : rings) {
    s.points.insert(s.points.end(), r.begin(), r.end());
    s.ring_end.push_back(static_cast<std::uint32_t>(s.points.size()));
  }
  return s;
}

Shape Shape::multipolygon(const std::vector<std::vector<std::vector<LonLat>>>& polygons) {
  Shape s;
  for (const auto& poly : polygons) {
    for (const auto& r : poly) {
      s.points.insert(s.points.end(), r.begin(), r.end());
      s.ring_end.push_back(static_cast<std::uint32_t>(s.points.size()));
    }
    s.polygon_end.push_back(static_cast<std::uint32_t>(s.ring_end.size()));
  }
  return s;
}

std::string shape_wkt(GeomType type, const Shape& s) {
  switch (type) {
    case GeomType::kPoint:
      if (s.points.size() != 1) throw Error(ErrorKind::kInternal, "outputs: a point shape needs one point");
      return wkt_point(s.points[0]);
    case GeomType::kLineString:
      return wkt_linestring(s.points);
    case GeomType::kPolygon: {
      std::string w = "POLYGON (";
      for (std::size_t r = 0; r < s.ring_end.size(); ++r) {
        if (r) w.push_back(',');
        append_shape_ring(w, s, r);
      }
      w.push_back(')');
      return w;
    }
    case GeomType::kMultiPolygon: {
      std::string w = "MULTIPOLYGON (";
      for (std::size_t p = 0; p < s.polygon_end.size(); ++p) {
        if (p) w.push_back(',');
        w.push_back('(');
        for (std::size_t r = p == 0 ? 0 : s.polygon_end[p - 1]; r < s.polygon_end[p]; ++r) {
          if (r != (p == 0 ? 0 : s.polygon_end[p - 1])) w.push_back(',');
          append_shape_ring(w, s, r);
        }
        w.push_back(')');
      }
      w.push_back(')');
      return w;
    }
  }
  throw Error(ErrorKind::kInternal, "outputs: unknown geometry type");
}

std::string VectorLayer::feature_wkt(std::size_t i) const {
  return i < wkt.size() ? wkt[i] : shape_wkt(geom, shapes.at(i));
}

void write_geopackage(const fs::path& path, const std::vector<VectorLayer>& layers) {
  replace_file_atomic(path, ".gpkg",
                      [&](const fs::path& tmp) { write_layers("GPKG", tmp, path, layers, nullptr); });
}

void write_geojson(const fs::path& path, const VectorLayer& layer) {
  const char* opts[] = {"RFC7946=YES", "COORDINATE_PRECISION=7", "WRITE_BBOX=NO", nullptr};
  replace_file_atomic(path, ".geojson", [&](const fs::path& tmp) {
    write_layers("GeoJSON", tmp, path, {layer}, const_cast<char**>(opts));
  });
}

std::string redact_connection(std::string_view conn) {
  std::string out(conn);
  for (const char* key : {"password=", "PASSWORD="}) {
    for (std::size_t k = out.find(key); k != std::string::npos; k = out.find(key, k + 1)) {
      const std::size_t a = k + std::string_view(key).size();
      std::size_t b = a;
      if (b < out.size() && out[b] == '\'') {
        b = out.find('\'', b + 1);
        b = b == std::string::npos ? out.size() : b + 1;
      } else {
        while (b < out.size() && out[b] != ' ') ++b;
      }
      out.replace(a, b - a, "***");
    }
  }
  return out;
}

namespace {

bool plain_identifier(std::string_view s) {
  if (s.empty() || s.size() > 50 || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  for (char ch : s)
    if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
          ch == '_'))
      return false;
  return true;
}

GDALDatasetH open_postgis(const std::string& conn, const std::string& shown, CplErrors& errors) {
  if (conn.rfind("PG:", 0) != 0)
    throw UsageError(shown + ": a PostGIS target is a 'PG:...' connection string");
  const char* drivers[] = {"PostgreSQL", nullptr};
  GDALDatasetH ds = GDALOpenEx(conn.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, nullptr, nullptr);
  if (!ds) throw IoError(shown + ": cannot connect: " + errors.first());
  return ds;
}

void execute_sql(GDALDatasetH ds, const std::string& sql, const std::string& shown, CplErrors& errors) {
  const std::size_t before = errors.count();
  OGRLayerH r = GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr);
  if (r) GDALDatasetReleaseResultSet(ds, r);
  if (errors.count() > before) {
    GDALClose(ds);
    throw IoError(shown + ": " + errors.last());
  }
}

}  // namespace

void check_postgis(const std::string& conn, const std::string& schema) {
  init_gdal();
  const std::string shown = redact_connection(conn);
  if (!plain_identifier(schema))
    throw UsageError(shown + ": schema '" + schema +
                     "': use lower-case letters, digits and '_' (starting with a letter or '_'), at most 50");
  CplErrors errors;
  GDALDatasetH ds = open_postgis(conn, shown, errors);
  OGRLayerH r = GDALDatasetExecuteSQL(ds, "SELECT postgis_version()", nullptr, nullptr);
  const bool postgis = r != nullptr && !errors.failed();
  if (r) GDALDatasetReleaseResultSet(ds, r);
  GDALClose(ds);
  if (!postgis) throw IoError(shown + ": the database has no PostGIS (CREATE EXTENSION postgis)");
}

void write_postgis(const std::string& conn, const std::string& schema,
                   const std::vector<VectorLayer>& layers) {
  check_postgis(conn, schema);
  const std::string shown = redact_connection(conn);
  CplErrors errors;
  const std::string staging = schema + "__staging";
  GDALDatasetH ds = open_postgis(conn, shown, errors);
  execute_sql(ds, "DROP SCHEMA IF EXISTS " + staging + " CASCADE; CREATE SCHEMA " + staging, shown, errors);
  const std::string schema_opt = "SCHEMA=" + staging;
  const char* opts[] = {schema_opt.c_str(), "GEOMETRY_NAME=geom", "FID=fid", "LAUNDER=NO", nullptr};
  write_layers_into(ds, shown, layers, const_cast<char**>(opts), errors);
  // The swap is one statement list, which PostgreSQL runs as one transaction: readers see the old schema or
  // the new one, never a half-written run.
  ds = open_postgis(conn, shown, errors);
  execute_sql(
      ds, "DROP SCHEMA IF EXISTS " + schema + " CASCADE; ALTER SCHEMA " + staging + " RENAME TO " + schema,
      shown, errors);
  GDALClose(ds);
}

}  // namespace cs
