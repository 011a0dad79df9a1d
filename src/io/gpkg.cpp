#include <cmath>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <type_traits>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>

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

void init_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // Fixed timestamps inside GeoPackage metadata, so equal inputs give byte-identical files.
    CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    CPLSetConfigOption("OGR_SQLITE_JOURNAL", "OFF");
  });
}

OGRwkbGeometryType ogr_type(GeomType g) {
  switch (g) {
    case GeomType::kPoint: return wkbPoint;
    case GeomType::kLineString: return wkbLineString;
    case GeomType::kPolygon: return wkbPolygon;
    case GeomType::kMultiPolygon: return wkbMultiPolygon;
  }
  return wkbUnknown;
}
OGRFieldType ogr_field(FieldType t) {
  switch (t) {
    case FieldType::kInteger: return OFTInteger64;
    case FieldType::kReal: return OFTReal;
    case FieldType::kString: return OFTString;
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

// Collects GDAL/SQLite errors of this thread while alive instead of letting GDAL print them ("ERROR 1:
// sqlite3_exec(...) failed: database or disk is full"): library code never prints; the first error goes into
// our exception.
class CplErrors {
 public:
  CplErrors() { CPLPushErrorHandlerEx(&CplErrors::handler, this); }
  ~CplErrors() { CPLPopErrorHandler(); }
  CplErrors(const CplErrors&) = delete;
  CplErrors& operator=(const CplErrors&) = delete;
  [[nodiscard]] bool failed() const { return !errors_.empty(); }
  // The first error, shortened to its cause ("sqlite3_exec(...) failed: disk I/O error" -> "disk I/O error").
  [[nodiscard]] std::string first() const {
    if (errors_.empty()) return "unknown GDAL error";
    std::string m = errors_.front();
    if (const auto k = m.rfind("failed: "); k != std::string::npos) m = m.substr(k + 8);
    if (const auto nl = m.find('\n'); nl != std::string::npos) m.resize(nl);
    return m;
  }

 private:
  static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum, const char* msg) {
    auto* self = static_cast<CplErrors*>(CPLGetErrorHandlerUserData());
    if (self && cls >= CE_Failure && self->errors_.size() < 8) self->errors_.emplace_back(msg ? msg : "");
  }
  std::vector<std::string> errors_;
};

// Writes the layers into `path` (a temporary file); messages name `shown` (the file the user asked for).
void write_layers(const char* driver_name, const fs::path& path, const fs::path& shown,
                  const std::vector<VectorLayer>& layers, char** layer_options) {
  init_gdal();
  CplErrors errors;
  GDALDriverH drv = GDALGetDriverByName(driver_name);
  if (!drv) throw IoError(std::string("GDAL driver ") + driver_name + " is not available");
  GDALDatasetH ds = GDALCreate(drv, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  if (!ds) throw IoError(shown.string() + ": cannot create: " + errors.first());
  SrsHolder srs;
  auto fail = [&](const std::string& msg) {
    GDALClose(ds);
    throw IoError(shown.string() + ": " + msg);
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
    for (std::size_t i = 0; i < l.wkt.size(); ++i) {
      OGRFeatureH feat = OGR_F_Create(defn);
      const auto& row = l.values[i];
      for (std::size_t k = 0; k < row.size() && k < l.fields.size(); ++k) {
        const auto ik = static_cast<int>(k);
        std::visit(
            [&](const auto& v) {
              using V = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<V, std::monostate>) OGR_F_SetFieldNull(feat, ik);
              else if constexpr (std::is_same_v<V, std::int64_t>) OGR_F_SetFieldInteger64(feat, ik, v);
              else if constexpr (std::is_same_v<V, double>) {
                if (std::isfinite(v)) OGR_F_SetFieldDouble(feat, ik, v); else OGR_F_SetFieldNull(feat, ik);
              } else OGR_F_SetFieldString(feat, ik, v.c_str());
            },
            row[k]);
      }
      OGRGeometryH g = nullptr;
      char* w = const_cast<char*>(l.wkt[i].c_str());
      if (OGR_G_CreateFromWkt(&w, srs.h, &g) != OGRERR_NONE) {
        OGR_F_Destroy(feat);
        fail("layer " + l.name + ", feature " + std::to_string(i) + ": invalid geometry");
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
  if (errors.failed()) throw IoError(shown.string() + ": cannot write: " + errors.first());
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

}  // namespace cs
