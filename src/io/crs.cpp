#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <proj.h>
#include <vector>

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/crs.hpp>

namespace cs {

namespace {

constexpr double kPi = std::numbers::pi;
// The published GCJ-02 constants: the Krasovsky 1940 ellipsoid's semi-major axis and first eccentricity
// squared.
constexpr double kA = 6378245.0;
constexpr double kEe = 0.00669342162296594323;
// Baidu's rotation constant (x_pi = pi * 3000 / 180).
constexpr double kXPi = kPi * 3000.0 / 180.0;
constexpr double kInverseTolDeg = 1e-10;
constexpr int kInverseMaxIter = 50;

double offset_lat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double offset_lon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

// Solves forward(w) = target for w by fixed-point iteration w <- w - (forward(w) - target); the offsets'
// Jacobian is within 1e-3 of the identity, so each step gains about three digits.
template <class F>
LonLatDeg invert(F forward, LonLatDeg target) {
  LonLatDeg w = target;
  for (int it = 0; it < kInverseMaxIter; ++it) {
    const LonLatDeg f = forward(w);
    const double dlon = f.lon - target.lon, dlat = f.lat - target.lat;
    w.lon -= dlon;
    w.lat -= dlat;
    if (std::fabs(dlon) < kInverseTolDeg && std::fabs(dlat) < kInverseTolDeg) break;
  }
  return w;
}

std::string lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

struct Srs {
  OGRSpatialReferenceH h = nullptr;
  Srs() : h(OSRNewSpatialReference(nullptr)) {}
  ~Srs() {
    if (h) OSRDestroySpatialReference(h);
  }
  Srs(const Srs&) = delete;
  Srs& operator=(const Srs&) = delete;
};

OGRSpatialReferenceH new_srs_from_wkt(const std::string& wkt) {
  OGRSpatialReferenceH h = OSRNewSpatialReference(nullptr);
  char* p = const_cast<char*>(wkt.c_str());
  OSRImportFromWkt(h, &p);
  OSRSetAxisMappingStrategy(h, OAMS_TRADITIONAL_GIS_ORDER);
  return h;
}

// Silences GDAL's error printing while alive (library code never prints); the caller reports failures itself.
struct QuietCpl {
  QuietCpl() { CPLPushErrorHandler(CPLQuietErrorHandler); }
  ~QuietCpl() { CPLPopErrorHandler(); }
  QuietCpl(const QuietCpl&) = delete;
  QuietCpl& operator=(const QuietCpl&) = delete;
};

}  // namespace

bool in_china_box(LonLatDeg p) noexcept {
  return p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271;
}

LonLatDeg wgs84_to_gcj02(LonLatDeg p) noexcept {
  if (!in_china_box(p)) return p;
  double dlat = offset_lat(p.lon - 105.0, p.lat - 35.0);
  double dlon = offset_lon(p.lon - 105.0, p.lat - 35.0);
  const double rad_lat = p.lat / 180.0 * kPi;
  double magic = std::sin(rad_lat);
  magic = 1 - kEe * magic * magic;
  const double sqrt_magic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kA * (1 - kEe)) / (magic * sqrt_magic) * kPi);
  dlon = (dlon * 180.0) / (kA / sqrt_magic * std::cos(rad_lat) * kPi);
  return {p.lon + dlon, p.lat + dlat};
}

LonLatDeg gcj02_to_wgs84(LonLatDeg p) noexcept {
  if (!in_china_box(p)) return p;
  return invert(wgs84_to_gcj02, p);
}

LonLatDeg gcj02_to_bd09(LonLatDeg p) noexcept {
  if (!in_china_box(p)) return p;
  const double x = p.lon, y = p.lat;
  const double z = std::sqrt(x * x + y * y) + 0.00002 * std::sin(y * kXPi);
  const double theta = std::atan2(y, x) + 0.000003 * std::cos(x * kXPi);
  return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLatDeg bd09_to_gcj02(LonLatDeg p) noexcept {
  if (!in_china_box(p)) return p;
  return invert(gcj02_to_bd09, p);
}

Crs Crs::parse(std::string_view text_in, std::string_view what) {
  Crs c;
  c.text_ = trimmed(text_in);
  const std::string l = lower(c.text_);
  auto bad = [&](const std::string& why) {
    return InputError(std::string(what) + " '" + c.text_ + "': " + why);
  };
  if (c.text_.empty()) throw bad("empty; give e.g. EPSG:4490, EPSG:4547, GCJ-02 or BD-09");
  if (l == "gcj-02" || l == "gcj02" || l == "gcj") {
    c.kind_ = Kind::kGcj02;
  } else if (l == "bd-09" || l == "bd09" || l == "bd09ll" || l == "baidu") {
    c.kind_ = Kind::kBd09;
  }
  if (c.kind_ != Kind::kProj) {
    Srs s;
    OSRImportFromEPSG(s.h, 4326);
    char* w = nullptr;
    OSRExportToWkt(s.h, &w);
    c.wkt_ = w ? w : "";
    CPLFree(w);
    c.epsg_ = "4326";
    return c;
  }
  // SetFromUserInput would also open files and URLs: a CRS here is always text.
  if (l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0 || l.rfind("ftp://", 0) == 0)
    throw bad("a URL; give the CRS itself (EPSG:code, WKT or a PROJ string)");
  std::error_code ec;
  if (c.text_.find_first_of("[+") == std::string::npos && std::filesystem::exists(c.text_, ec))
    throw bad("a file name; give the CRS itself (EPSG:code, WKT or a PROJ string)");
  QuietCpl quiet;
  Srs s;
  if (OSRSetFromUserInput(s.h, c.text_.c_str()) != OGRERR_NONE)
    throw bad("not a coordinate reference system PROJ knows, nor GCJ-02 or BD-09");
  c.geographic_ = OSRIsGeographic(s.h) != 0;
  if (!c.geographic_ && OSRIsProjected(s.h) == 0)
    throw bad(
        "neither geographic nor projected (a geocentric or vertical CRS cannot locate points on a map)");
  char* w = nullptr;
  if (OSRExportToWkt(s.h, &w) != OGRERR_NONE || !w) {
    CPLFree(w);
    throw bad("PROJ cannot describe it as WKT");
  }
  c.wkt_ = w;
  CPLFree(w);
  const char* auth = OSRGetAuthorityName(s.h, nullptr);
  const char* code = OSRGetAuthorityCode(s.h, nullptr);
  if (auth && code && lower(auth) == "epsg") c.epsg_ = code;
  return c;
}

std::string Crs::tag() const {
  switch (kind_) {
    case Kind::kGcj02:
      return "gcj02";
    case Kind::kBd09:
      return "bd09";
    case Kind::kProj:
      break;
  }
  if (epsg_ == "4326") return "wgs84";
  if (!epsg_.empty()) return "epsg" + epsg_;
  return "crs";
}

struct CoordTransform::Impl {
  Crs::Kind from_kind = Crs::Kind::kProj;
  Crs::Kind to_kind = Crs::Kind::kProj;
  OGRCoordinateTransformationH to_wgs = nullptr;    // from -> WGS-84 (null: already WGS-84)
  OGRCoordinateTransformationH from_wgs = nullptr;  // WGS-84 -> to (null: WGS-84 is the target)
  ~Impl() {
    if (to_wgs) OCTDestroyCoordinateTransformation(to_wgs);
    if (from_wgs) OCTDestroyCoordinateTransformation(from_wgs);
  }
};

namespace {

bool is_wgs84(OGRSpatialReferenceH h) {
  const char* auth = OSRGetAuthorityName(h, nullptr);
  const char* code = OSRGetAuthorityCode(h, nullptr);
  return auth && code && std::string(auth) == "EPSG" && std::string(code) == "4326";
}

OGRCoordinateTransformationH make_transform(const std::string& from_wkt, const std::string& to_wkt,
                                            const std::string& label) {
  QuietCpl quiet;
  OGRSpatialReferenceH a = new_srs_from_wkt(from_wkt), b = new_srs_from_wkt(to_wkt);
  OGRCoordinateTransformationH t = nullptr;
  if (!(is_wgs84(a) && is_wgs84(b))) t = OCTNewCoordinateTransformation(a, b);
  const bool identity = is_wgs84(a) && is_wgs84(b);
  OSRDestroySpatialReference(a);
  OSRDestroySpatialReference(b);
  if (!t && !identity) throw InputError("crs: PROJ has no transformation " + label);
  return t;
}

}  // namespace

CoordTransform::CoordTransform(const Crs& from, const Crs& to) : impl_(std::make_unique<Impl>()) {
  impl_->from_kind = from.kind();
  impl_->to_kind = to.kind();
  const Crs wgs = Crs::wgs84();
  if (from.kind() == Crs::Kind::kProj)
    impl_->to_wgs = make_transform(from.wkt(), wgs.wkt(), "from '" + from.text() + "' to WGS-84");
  if (to.kind() == Crs::Kind::kProj)
    impl_->from_wgs = make_transform(wgs.wkt(), to.wkt(), "from WGS-84 to '" + to.text() + "'");
}

CoordTransform::~CoordTransform() = default;
CoordTransform::CoordTransform(CoordTransform&&) noexcept = default;
CoordTransform& CoordTransform::operator=(CoordTransform&&) noexcept = default;

bool CoordTransform::apply(double& x, double& y) const {
  if (!std::isfinite(x) || !std::isfinite(y)) return false;
  if (impl_->from_kind != Crs::Kind::kProj && (std::fabs(x) > 180 || std::fabs(y) > 90)) return false;
  // to WGS-84
  if (impl_->from_kind == Crs::Kind::kGcj02) {
    const LonLatDeg w = gcj02_to_wgs84({x, y});
    x = w.lon, y = w.lat;
  } else if (impl_->from_kind == Crs::Kind::kBd09) {
    const LonLatDeg w = gcj02_to_wgs84(bd09_to_gcj02({x, y}));
    x = w.lon, y = w.lat;
  } else if (impl_->to_wgs) {
    int ok = 0;
    OCTTransformEx(impl_->to_wgs, 1, &x, &y, nullptr, &ok);
    if (!ok) return false;
  }
  if (!std::isfinite(x) || !std::isfinite(y)) return false;
  // from WGS-84
  if (impl_->to_kind == Crs::Kind::kGcj02) {
    const LonLatDeg g = wgs84_to_gcj02({x, y});
    x = g.lon, y = g.lat;
  } else if (impl_->to_kind == Crs::Kind::kBd09) {
    const LonLatDeg b = gcj02_to_bd09(wgs84_to_gcj02({x, y}));
    x = b.lon, y = b.lat;
  } else if (impl_->from_wgs) {
    int ok = 0;
    OCTTransformEx(impl_->from_wgs, 1, &x, &y, nullptr, &ok);
    if (!ok) return false;
  }
  return std::isfinite(x) && std::isfinite(y);
}

void CoordTransform::apply(std::span<double> x, std::span<double> y) const {
  if (x.size() != y.size()) throw InputError("coordinates: x and y differ in length");
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!apply(x[i], y[i]))
      throw InputError("point " + std::to_string(i) +
                       ": cannot be transformed (outside the CRS's area or not finite)");
}

std::vector<std::string> guess_crs(std::span<const std::pair<double, double>> xy, double west, double south,
                                   double east, double north, std::size_t max) {
  const std::size_t n = std::min<std::size_t>(xy.size(), 200);
  if (n == 0) return {};
  const QuietCpl quiet;  // most candidates fail on most points: expected, not news
  auto inside_count = [&](auto&& to_lonlat) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double x = xy[i].first, y = xy[i].second;
      if (!to_lonlat(x, y)) continue;
      k += x >= west && x <= east && y >= south && y <= north ? 1 : 0;
    }
    return k;
  };
  struct Cand {
    std::size_t inside;
    std::string name;
  };
  std::vector<Cand> found;
  auto consider = [&](const std::string& name, std::size_t k) {
    if (2 * k > n) found.push_back({k, name});
  };
  consider("EPSG:4326 (WGS 84 longitude/latitude)", inside_count([](double&, double&) { return true; }));
  consider("EPSG:4326 with x and y swapped (the columns hold latitude, longitude)",
           inside_count([](double& x, double& y) {
             std::swap(x, y);
             return true;
           }));
  PJ_CONTEXT* ctx = proj_context_create();
  PROJ_CRS_LIST_PARAMETERS* params = proj_get_crs_list_parameters_create();
  const PJ_TYPE types[] = {PJ_TYPE_PROJECTED_CRS};
  params->types = types;
  params->typesCount = 1;
  params->bbox_valid = 1;
  params->crs_area_of_use_contains_bbox = 0;
  params->west_lon_degree = west;
  params->south_lat_degree = south;
  params->east_lon_degree = east;
  params->north_lat_degree = north;
  int count = 0;
  PROJ_CRS_INFO** list = proj_get_crs_info_list_from_database(ctx, "EPSG", params, &count);
  const Crs wgs = Crs::wgs84();
  for (int i = 0; list && i < count && i < 2000; ++i) {
    const std::string code = std::string("EPSG:") + list[i]->code;
    try {
      const CoordTransform t(Crs::parse(code), wgs);
      consider(code + " (" + list[i]->name + ")",
               inside_count([&](double& x, double& y) { return t.apply(x, y); }));
    } catch (const std::exception&) {
      continue;  // a CRS PROJ lists but cannot transform here
    }
  }
  proj_crs_info_list_destroy(list);
  proj_get_crs_list_parameters_destroy(params);
  proj_context_destroy(ctx);
  std::stable_sort(found.begin(), found.end(),
                   [](const Cand& a, const Cand& b) { return a.inside > b.inside; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < found.size() && i < max; ++i) out.push_back(found[i].name);
  return out;
}

}  // namespace cs
