// Reading a planner's own layer from any GDAL vector source: GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV
// (with lon/lat or easting/northing columns, or a WKT column), XLSX (a sheet; coordinates in columns) and
// PostGIS through a "PG:..." connection string. Coordinates are converted to WGS-84 longitude/latitude from
// the layer's own CRS, or from the one given (any CRS PROJ knows, GCJ-02 or BD-09; io/crs.hpp).
//
// Every feature keeps its origin as the user would look it up: "villages.csv row 12" (the spreadsheet row,
// header = row 1), "townships.shp feature 3" (the feature id), "PG:dbname=county table public.villages fid
// 7".
//
// Example:
//   cs::VectorSourceSpec s;
//   s.source = "villages.csv"; s.x = "x"; s.y = "y"; s.crs = "EPSG:2056"; s.label = "layers.settlements";
//   cs::VectorTable t = cs::read_vector_source(s);
//   int name = t.require("name", "name");           // InputError naming the file and the columns it has
//   t.features[0].values[name]; t.features[0].point; // WGS-84
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <countyscope/core/types.hpp>

namespace cs {

struct VectorSourceSpec {
  std::string source;  // a file, or a "PG:..." connection string
  std::string layer;   // layer / sheet / table ("schema.table"); empty = the only one
  std::string crs;     // empty = the layer's own CRS, else EPSG:4326 for coordinate columns
  std::string x, y;    // coordinate columns (tables without geometry)
  std::string wkt;     // a column holding WKT geometry (tables without geometry)
  std::string label;   // what messages name first ("layers.settlements"); may be empty
  // Coordinates read as WGS-84 by default that are no longitude/latitude are kept as written (for a caller
  // that checks them against the county and suggests a CRS) instead of refused here.
  bool keep_out_of_range = false;
  // Lines (LineString, MultiLineString) are taken into VectorFeature::lines instead of refused (a boundary
  // file drawn as lines).
  bool accept_lines = false;
};

using MultiPolygonLL = std::vector<std::vector<std::vector<LonLat>>>;  // polygons -> rings (outer first)

struct VectorFeature {
  std::string origin;               // "villages.csv row 12", "units.shp feature 3", "... fid 7"
  std::string where;                // "row 12" / "feature 3" / "fid 7" (for messages with the file)
  std::vector<std::string> values;  // text of each field in VectorTable::fields order; "" = null/empty
  std::optional<LonLat> point;      // point geometry, or a polygon's centroid; WGS-84
  std::optional<std::pair<double, double>> raw;  // that point as written, in the layer's CRS
  MultiPolygonLL polygons;                       // polygon geometry; WGS-84 (empty for points)
  std::vector<std::vector<LonLat>> lines;        // line geometry (only with accept_lines); WGS-84
};

struct VectorTable {
  std::string file;   // how messages name the source: the file name, or the masked connection + table
  std::string label;  // the spec's label ("layers.settlements")
  std::string crs;    // the CRS the coordinates were read in ("EPSG:2056", "GCJ-02", the layer's WKT name)
  std::vector<std::string> fields;
  std::vector<VectorFeature> features;
  bool spreadsheet = false;  // CSV / XLSX: "row N" numbering

  // Index of the column named `name` (exact, then case-insensitive), or -1.
  [[nodiscard]] int field(std::string_view name) const;
  // Same, or InputError "FILE: field 'NAME': no such column (ROLE); columns: a, b, c" — for a sheet whose
  // header was not found (merged or title rows above it) the message says so.
  [[nodiscard]] int require(std::string_view name, std::string_view role) const;
  // "LABEL (FILE)" or "FILE": the file part of messages about this table.
  [[nodiscard]] std::string shown() const { return label.empty() ? file : label + " (" + file + ")"; }
};

// Reads every feature of the layer. Throws InputError (bad file, layer, CRS, coordinates, geometry — one
// line naming label, file, row/feature and field) or IoError (unreadable file, unreachable database, with
// any password masked).
VectorTable read_vector_source(const VectorSourceSpec& spec);

}  // namespace cs
