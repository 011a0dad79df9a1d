// Vector output through GDAL: GeoPackage (many layers in one file), GeoJSON and CSV, always EPSG:4326.
// Geometry is given as a Shape (coordinates; written as the WKT of 7 decimals would be, without the text) or
// as WKT (helpers below build it); attribute values are typed.
//
// Example:
//   cs::VectorLayer l{"settlements", cs::GeomType::kPoint, {{"name", cs::FieldType::kString}, {"pop",
//   cs::FieldType::kReal}}}; l.add(cs::wkt_point({9.52, 47.14}), {std::string("Vaduz"), 5696.0});
//   cs::write_geopackage("out/county.gpkg", {l});  // atomic: temp file + rename
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <countyscope/core/types.hpp>

namespace cs {

enum class GeomType { kPoint, kLineString, kPolygon, kMultiPolygon };
enum class FieldType { kInteger, kReal, kString };

struct FieldDef {
  std::string name;
  FieldType type;
};

// Geometry of one row, in WGS-84 degrees. Written to GeoPackage with 7 decimals (as its WKT, shape_wkt) and
// to GeoJSON.
struct Shape {
  std::vector<LonLat> points;           // point: one; line string: all; polygons: their rings, concatenated
  std::vector<std::uint32_t> ring_end;  // polygon / multipolygon: end of each ring in points
  std::vector<std::uint32_t> polygon_end;  // multipolygon: end of each polygon in ring_end

  static Shape point(LonLat p);
  static Shape line(std::vector<LonLat> pts);
  static Shape polygon(const std::vector<std::vector<LonLat>>& rings);
  static Shape multipolygon(const std::vector<std::vector<std::vector<LonLat>>>& polygons);
};

// std::monostate = null.
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

struct VectorLayer {
  VectorLayer() = default;
  VectorLayer(std::string layer_name, GeomType type, std::vector<FieldDef> field_defs)
      : name(std::move(layer_name)), geom(type), fields(std::move(field_defs)) {}

  std::string name;
  GeomType geom = GeomType::kPoint;
  std::vector<FieldDef> fields;
  // One geometry per feature: either every feature has a WKT text or every feature has a shape.
  std::vector<std::string> wkt;
  std::vector<Shape> shapes;
  std::vector<std::vector<FieldValue>> values;  // one row per feature, in field order

  void add(std::string geometry_wkt, std::vector<FieldValue> row) {
    wkt.push_back(std::move(geometry_wkt));
    values.push_back(std::move(row));
  }
  void add(Shape shape, std::vector<FieldValue> row) {
    shapes.push_back(std::move(shape));
    values.push_back(std::move(row));
  }
  [[nodiscard]] std::size_t size() const noexcept { return values.size(); }
  // The WKT of feature i (as given, or shape_wkt of its shape).
  [[nodiscard]] std::string feature_wkt(std::size_t i) const;
};

std::string wkt_point(LonLat p);
// WKT of a shape (points with 7 decimals; polygon rings closed).
std::string shape_wkt(GeomType type, const Shape& s);
std::string wkt_linestring(const std::vector<LonLat>& pts);
// Rings: first is the outer ring; each ring is closed automatically if needed.
std::string wkt_polygon(const std::vector<std::vector<LonLat>>& rings);
std::string wkt_multipolygon(const std::vector<std::vector<std::vector<LonLat>>>& polygons);

// Writes all layers into one GeoPackage (replacing the file atomically). Throws IoError.
void write_geopackage(const std::filesystem::path& path, const std::vector<VectorLayer>& layers);
// One layer as GeoJSON (RFC 7946, coordinates rounded to 7 decimals). Throws IoError.
void write_geojson(const std::filesystem::path& path, const VectorLayer& layer);

// Writes the layers into PostGIS (`conn` a GDAL "PG:..." connection string) as tables of one schema, replaced
// whole: written into SCHEMA__staging, then the old schema dropped and the staging one renamed in one
// transaction. Throws UsageError for a schema name that is not a plain lower-case identifier and IoError (the
// connection string with its password masked) when the database cannot be reached or written.
void write_postgis(const std::string& conn, const std::string& schema,
                   const std::vector<VectorLayer>& layers);
// Checks before a run that `conn` reaches a PostGIS database and `schema` is a plain identifier (the errors of
// write_postgis).
void check_postgis(const std::string& conn, const std::string& schema);
// The connection string with any password=... replaced by ***, for messages.
[[nodiscard]] std::string redact_connection(std::string_view conn);

}  // namespace cs
