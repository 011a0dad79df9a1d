// Coordinate reference systems: every CRS PROJ knows (through GDAL's OSR: "EPSG:4490", "EPSG:4547", WKT, PROJ
// strings, "WGS84") plus the two Chinese map offsets that are no EPSG CRS: GCJ-02 (the "Mars" coordinates of
// Chinese web maps: Amap/Gaode, Tencent, Google in China) and BD-09 (Baidu), both offsets from WGS-84
// longitude and latitude.
//
// GCJ-02 and BD-09 are defined as published forward functions of WGS-84 (resp. GCJ-02); their inverses are
// solved by fixed-point iteration to 1e-10 degrees (about 0.01 mm), so a round trip is far below 1 cm.
// Outside mainland China's bounding box (see in_china_box) both offsets are the identity: the web maps use
// WGS-84 there.
//
// Example:
//   cs::Crs from = cs::Crs::parse("GCJ-02"), to = cs::Crs::parse("EPSG:4490");
//   cs::CoordTransform t(from, to);
//   std::vector<double> x{116.418757}, y{39.917544};
//   t.apply(x, y);   // x, y now CGCS2000 longitude/latitude
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs {

struct LonLatDeg {
  double lon = 0;
  double lat = 0;
};

// The bounding box in which the GCJ-02 offset applies (the convention of the published algorithm):
// longitude 72.004–137.8347, latitude 0.8293–55.8271.
bool in_china_box(LonLatDeg p) noexcept;

LonLatDeg wgs84_to_gcj02(LonLatDeg p) noexcept;
LonLatDeg gcj02_to_wgs84(LonLatDeg p) noexcept;  // iterated inverse
LonLatDeg gcj02_to_bd09(LonLatDeg p) noexcept;
LonLatDeg bd09_to_gcj02(LonLatDeg p) noexcept;  // iterated inverse

class Crs {
 public:
  enum class Kind { kProj, kGcj02, kBd09 };
  // "GCJ-02"/"GCJ02" and "BD-09"/"BD09" (any case), otherwise anything OSR's SetFromUserInput accepts except
  // file names and URLs. Throws InputError "crs 'TEXT': not a coordinate reference system PROJ knows, nor
  // GCJ-02 or BD-09" naming `what` (the option or field the text came from) when given.
  static Crs parse(std::string_view text, std::string_view what = "crs");
  static Crs wgs84() { return parse("EPSG:4326"); }

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  // Longitude/latitude in degrees (GCJ-02, BD-09 and geographic PROJ CRSs) rather than projected metres.
  [[nodiscard]] bool geographic() const noexcept { return geographic_; }
  // A short lower-case tag for column names: "wgs84", "gcj02", "bd09", "epsg4490", "crs" for an unnamed one.
  [[nodiscard]] std::string tag() const;
  // The WKT (for a PROJ CRS; the WGS-84 WKT for GCJ-02 and BD-09, which are offsets on it).
  [[nodiscard]] const std::string& wkt() const noexcept { return wkt_; }

 private:
  Kind kind_ = Kind::kProj;
  std::string text_;
  std::string wkt_;
  std::string epsg_;  // authority code when known ("4490")
  bool geographic_ = true;
};

// Transforms x/y (longitude/latitude in degrees for geographic CRSs, easting/northing otherwise) from one CRS
// to another through WGS-84. Not thread-safe (one per thread). apply() throws InputError naming the 0-based
// index of a point that cannot be transformed (outside the CRS's area, non-finite).
class CoordTransform {
 public:
  CoordTransform(const Crs& from, const Crs& to);
  ~CoordTransform();
  CoordTransform(const CoordTransform&) = delete;
  CoordTransform& operator=(const CoordTransform&) = delete;
  CoordTransform(CoordTransform&&) noexcept;
  CoordTransform& operator=(CoordTransform&&) noexcept;

  void apply(std::span<double> x, std::span<double> y) const;
  // One point; false when it cannot be transformed (x, y left unspecified).
  bool apply(double& x, double& y) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The CRSs under which coordinates as written (x, y) would fall inside a box of WGS-84 longitude/latitude:
// WGS-84 itself, WGS-84 with the axes swapped, then the projected EPSG CRSs whose area of use meets the box,
// best first (most points inside), at most `max`, as "EPSG:2056 (CH1903+ / LV95)". For messages about a
// layer whose points fall outside the county. At most 200 points are tried.
std::vector<std::string> guess_crs(std::span<const std::pair<double, double>> xy, double west, double south,
                                   double east, double north, std::size_t max = 3);

}  // namespace cs
