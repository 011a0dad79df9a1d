// A planner's layer from any GDAL vector source, converted to WGS-84 (io/vector_source.hpp).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <memory>
#include <regex>

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/crs.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/vector_source.hpp>

#include "gdal_util.hpp"

namespace cs {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

bool is_pg(std::string_view source) { return source.rfind("PG:", 0) == 0; }

struct Closer {
  void operator()(void* ds) const {
    if (ds) GDALClose(ds);
  }
};
using Dataset = std::unique_ptr<void, Closer>;

struct FeatureHolder {
  OGRFeatureH h;
  explicit FeatureHolder(OGRFeatureH f) : h(f) {}
  ~FeatureHolder() {
    if (h) OGR_F_Destroy(h);
  }
  FeatureHolder(const FeatureHolder&) = delete;
  FeatureHolder& operator=(const FeatureHolder&) = delete;
};

struct GeomHolder {
  OGRGeometryH h = nullptr;
  ~GeomHolder() {
    if (h) OGR_G_DestroyGeometry(h);
  }
};

// The display name of a layer's CRS: "EPSG:2056" when it has an EPSG code, else its name.
std::string crs_label(OGRSpatialReferenceH srs) {
  const char* auth = OSRGetAuthorityName(srs, nullptr);
  const char* code = OSRGetAuthorityCode(srs, nullptr);
  if (auth && code) return std::string(auth) + ":" + code;
  const char* name = OSRGetName(srs);
  return name ? name : "the layer's CRS";
}

class Reader {
 public:
  explicit Reader(const VectorSourceSpec& s) : spec_(s) {}

  VectorTable read() {
    detail::init_gdal();
    detail::CplErrors errors;
    open(errors);
    OGRLayerH layer = choose_layer();
    t_.spreadsheet = spreadsheet_;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    const int nf = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < nf; ++i) t_.fields.emplace_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    setup_crs(layer);
    const int xi = spec_.x.empty() ? -1 : t_.require(spec_.x, "x coordinate");
    const int yi = spec_.y.empty() ? -1 : t_.require(spec_.y, "y coordinate");
    const int wi = spec_.wkt.empty() ? -1 : t_.require(spec_.wkt, "WKT geometry");
    if ((xi < 0) != (yi < 0)) fail("", spec_.x.empty() ? "x" : "y", "give both x and y coordinate columns");

    OGR_L_ResetReading(layer);
    std::size_t ordinal = 0;
    for (OGRFeatureH raw; (raw = OGR_L_GetNextFeature(layer)) != nullptr; ++ordinal) {
      FeatureHolder f(raw);
      VectorFeature vf;
      if (spreadsheet_) {
        vf.where = "row " + std::to_string(ordinal + 2);
      } else {
        vf.where = (is_pg(spec_.source) ? "fid " : "feature ") + std::to_string(OGR_F_GetFID(f.h));
      }
      vf.origin = t_.file + " " + vf.where;
      vf.values.resize(static_cast<std::size_t>(nf));
      for (int i = 0; i < nf; ++i)
        if (OGR_F_IsFieldSetAndNotNull(f.h, i))
          vf.values[static_cast<std::size_t>(i)] = trim(OGR_F_GetFieldAsString(f.h, i));
      if (xi >= 0) {
        vf.point = coordinate_pair(vf, xi, yi);
        vf.raw = {parse_double(vf.values[static_cast<std::size_t>(xi)]).value_or(0),
                  parse_double(vf.values[static_cast<std::size_t>(yi)]).value_or(0)};
      } else if (wi >= 0) {
        const std::string& text = vf.values[static_cast<std::size_t>(wi)];
        if (text.empty()) fail(vf.where, t_.fields[static_cast<std::size_t>(wi)], "empty geometry");
        GeomHolder g;
        char* w = const_cast<char*>(text.c_str());
        if (OGR_G_CreateFromWkt(&w, nullptr, &g.h) != OGRERR_NONE || !g.h)
          fail(vf.where, t_.fields[static_cast<std::size_t>(wi)], "not a WKT geometry");
        take_geometry(vf, g.h, t_.fields[static_cast<std::size_t>(wi)]);
      } else if (OGRGeometryH g = OGR_F_GetGeometryRef(f.h)) {
        take_geometry(vf, g, "geometry");
      }
      t_.features.push_back(std::move(vf));
    }
    if (errors.failed() && t_.features.empty()) fail("", "", "cannot read: " + errors.first());
    return std::move(t_);
  }

 private:
  [[noreturn]] void fail(std::string_view where, std::string_view field, const std::string& msg) const {
    throw InputError(t_.shown(), where, field, msg);
  }

  static std::string trim(const char* s) {
    std::string_view v(s ? s : "");
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return std::string(v);
  }

  void open(detail::CplErrors& errors) {
    const std::string& src = spec_.source;
    t_.label = spec_.label;
    if (src.empty()) {
      t_.file = spec_.label;
      throw InputError(spec_.label, "", "source", "give a file or a PG: connection string");
    }
    if (is_pg(src)) {
      t_.file = redact_connection(src);
    } else {
      t_.file = fs::path(src).filename().string();
      std::error_code ec;
      if (!fs::exists(src, ec))
        throw IoError((spec_.label.empty() ? "" : spec_.label + ": ") + src + ": no such file");
      if (fs::is_directory(src, ec) && fs::path(src).extension() != ".gdb")
        throw IoError((spec_.label.empty() ? "" : spec_.label + ": ") + src +
                      ": is a folder, not a layer file");
      const std::string ext = lower(fs::path(src).extension().string());
      spreadsheet_ = ext == ".csv" || ext == ".xlsx" || ext == ".ods" || ext == ".tsv";
    }
    std::vector<const char*> opts;
    const std::string ext = lower(fs::path(src).extension().string());
    if (ext == ".csv" || ext == ".tsv") {
      opts = {"AUTODETECT_TYPE=NO", "KEEP_GEOM_COLUMNS=YES",
              "GEOM_POSSIBLE_NAMES=", "X_POSSIBLE_NAMES=", "Y_POSSIBLE_NAMES="};
    } else if (ext == ".xlsx" || ext == ".ods") {
      opts = {"HEADERS=FORCE", "FIELD_TYPES=AUTO"};
    }
    opts.push_back(nullptr);
    ds_.reset(GDALOpenEx(src.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, opts.data(), nullptr));
    if (!ds_) {
      const std::string why = errors.failed() ? errors.first() : "not a vector format GDAL can read";
      throw IoError(t_.shown() + (is_pg(src) ? ": cannot connect: " : ": cannot open: ") + why);
    }
  }

  OGRLayerH choose_layer() {
    const int n = GDALDatasetGetLayerCount(ds_.get());
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.emplace_back(OGR_L_GetName(GDALDatasetGetLayer(ds_.get(), i)));
    auto listing = [&] {
      std::string s;
      for (std::size_t i = 0; i < names.size() && i < 30; ++i) s += (i ? ", " : "") + names[i];
      if (names.size() > 30) s += ", ...";
      return s.empty() ? std::string("none") : s;
    };
    if (spec_.layer.empty()) {
      if (n == 1) return GDALDatasetGetLayer(ds_.get(), 0);
      fail("", "layer", n == 0 ? "no layers" : "several layers; name one of: " + listing());
    }
    OGRLayerH l = GDALDatasetGetLayerByName(ds_.get(), spec_.layer.c_str());
    if (!l) fail("", "layer", "no layer '" + spec_.layer + "'; layers: " + listing());
    if (is_pg(spec_.source)) t_.file += " table " + spec_.layer;
    return l;
  }

  void setup_crs(OGRLayerH layer) {
    std::optional<Crs> from;
    if (!spec_.crs.empty()) {
      try {
        from = Crs::parse(spec_.crs, "crs");
      } catch (const InputError& e) {
        fail("", "crs", e.what());
      }
      t_.crs = spec_.crs;
    } else if (OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
               srs && spec_.x.empty() && spec_.wkt.empty()) {
      char* w = nullptr;
      OSRExportToWkt(srs, &w);
      std::string wkt = w ? w : "";
      CPLFree(w);
      t_.crs = crs_label(srs);
      try {
        from = Crs::parse(t_.crs.find(':') != std::string::npos ? t_.crs : wkt, "crs");
      } catch (const InputError&) {
        from = Crs::parse(wkt, "crs");
      }
    } else {
      t_.crs = "EPSG:4326";
      from = Crs::wgs84();
      assumed_wgs84_ = true;
    }
    to_wgs84_ = std::make_unique<CoordTransform>(*from, Crs::wgs84());
  }

  LonLat to_lonlat(double x, double y, std::string_view where, std::string_view field) const {
    if (!std::isfinite(x) || !std::isfinite(y)) fail(where, field, "coordinates are not finite numbers");
    if (assumed_wgs84_ && (std::fabs(x) > 180 || std::fabs(y) > 90) && spec_.keep_out_of_range) return {x, y};
    if (assumed_wgs84_ && (std::fabs(x) > 180 || std::fabs(y) > 90))
      fail(where, field,
           "coordinates (" + format_number(x) + ", " + format_number(y) +
               ") are not longitude/latitude: they look projected; give the layer's crs (e.g. crs = "
               "\"EPSG:4547\")");
    double lx = x, ly = y;
    if (!to_wgs84_->apply(lx, ly) || !std::isfinite(lx) || !std::isfinite(ly))
      fail(where, field,
           "coordinates (" + format_number(x) + ", " + format_number(y) + ") cannot be converted from " +
               t_.crs + " (outside its area?)");
    return {lx, ly};
  }

  LonLat coordinate_pair(const VectorFeature& vf, int xi, int yi) const {
    auto number = [&](int i) {
      const std::string& v = vf.values[static_cast<std::size_t>(i)];
      const std::string& name = t_.fields[static_cast<std::size_t>(i)];
      if (v.empty()) fail(vf.where, name, "empty coordinate");
      const auto d = parse_double(v);
      if (!d) fail(vf.where, name, "not a number '" + v + "'");
      if (!std::isfinite(*d)) fail(vf.where, name, "not a finite number '" + v + "'");
      return *d;
    };
    const double x = number(xi), y = number(yi);
    return to_lonlat(x, y, vf.where, t_.fields[static_cast<std::size_t>(xi)]);
  }

  std::vector<LonLat> ring(OGRGeometryH r, std::string_view where, std::string_view field) const {
    std::vector<LonLat> out;
    const int n = OGR_G_GetPointCount(r);
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(to_lonlat(OGR_G_GetX(r, i), OGR_G_GetY(r, i), where, field));
    return out;
  }

  void take_polygon(MultiPolygonLL& mp, OGRGeometryH p, std::string_view where,
                    std::string_view field) const {
    std::vector<std::vector<LonLat>> rings;
    const int n = OGR_G_GetGeometryCount(p);
    for (int i = 0; i < n; ++i) rings.push_back(ring(OGR_G_GetGeometryRef(p, i), where, field));
    if (!rings.empty() && rings.front().size() >= 3) mp.push_back(std::move(rings));
  }

  void take_lines(VectorFeature& vf, OGRGeometryH g, std::string_view field) const {
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbLineString) {
      vf.lines.push_back(ring(g, vf.where, field));
    } else {
      for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i)
        vf.lines.push_back(ring(OGR_G_GetGeometryRef(g, i), vf.where, field));
    }
    std::erase_if(vf.lines, [](const std::vector<LonLat>& l) { return l.size() < 2; });
    if (vf.lines.empty()) fail(vf.where, field, "an empty line");
  }

  void take_geometry(VectorFeature& vf, OGRGeometryH g, std::string_view field) const {
    GeomHolder linear;
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
      linear.h = OGR_G_GetLinearGeometry(g, 0, nullptr);
      g = linear.h;
    }
    switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
      case wkbPoint:
        vf.raw = {OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)};
        vf.point = to_lonlat(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0), vf.where, field);
        return;
      case wkbMultiPoint:
        if (OGR_G_GetGeometryCount(g) != 1)
          fail(vf.where, field, "a multipoint of several points; give one point");
        vf.point = to_lonlat(OGR_G_GetX(OGR_G_GetGeometryRef(g, 0), 0),
                             OGR_G_GetY(OGR_G_GetGeometryRef(g, 0), 0), vf.where, field);
        return;
      case wkbPolygon:
        take_polygon(vf.polygons, g, vf.where, field);
        break;
      case wkbMultiPolygon:
        for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i)
          take_polygon(vf.polygons, OGR_G_GetGeometryRef(g, i), vf.where, field);
        break;
      case wkbLineString:
      case wkbMultiLineString:
        if (spec_.accept_lines) {
          take_lines(vf, g, field);
          return;
        }
        [[fallthrough]];
      default:
        fail(vf.where, field,
             std::string("a ") + OGRGeometryTypeToName(OGR_G_GetGeometryType(g)) +
                 (spec_.accept_lines ? "; polygons or lines are expected"
                                     : "; points or polygons are expected"));
    }
    if (vf.polygons.empty()) fail(vf.where, field, "an empty polygon");
    GeomHolder c;
    c.h = OGR_G_CreateGeometry(wkbPoint);
    if (OGR_G_Centroid(g, c.h) == OGRERR_NONE && !OGR_G_IsEmpty(c.h)) {
      vf.raw = {OGR_G_GetX(c.h, 0), OGR_G_GetY(c.h, 0)};
      vf.point = to_lonlat(OGR_G_GetX(c.h, 0), OGR_G_GetY(c.h, 0), vf.where, field);
    }
  }

  const VectorSourceSpec& spec_;
  VectorTable t_;
  Dataset ds_;
  bool spreadsheet_ = false;
  bool assumed_wgs84_ = false;
  std::unique_ptr<CoordTransform> to_wgs84_;
};

}  // namespace

int VectorTable::field(std::string_view name) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i] == name) return static_cast<int>(i);
  const std::string l = lower(name);
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (lower(fields[i]) == l) return static_cast<int>(i);
  return -1;
}

int VectorTable::require(std::string_view name, std::string_view role) const {
  const int i = field(name);
  if (i >= 0) return i;
  std::string cols;
  std::size_t generic = 0;
  static const std::regex kGeneric("^Field[0-9]+$");
  for (std::size_t k = 0; k < fields.size(); ++k) {
    cols += (k ? ", " : "") + fields[k];
    generic += std::regex_match(fields[k], kGeneric) ? 1 : 0;
  }
  std::string msg = "no such column (" + std::string(role) + "); columns: " + (cols.empty() ? "none" : cols);
  if (spreadsheet && !fields.empty() && 2 * generic >= fields.size())
    msg = "no such column (" + std::string(role) +
          "): the first row is not a header row (merged or title rows above it?); put the column names "
          "alone in row 1; columns read: " +
          cols;
  throw InputError(shown(), "", name, msg);
}

VectorTable read_vector_source(const VectorSourceSpec& spec) { return Reader(spec).read(); }

}  // namespace cs
