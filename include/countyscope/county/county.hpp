// The model of a county (DESIGN.md): settlements in tiers (seat / town / village), administrative units,
// facilities by service type (OSM tags mapped through a documented, overridable table), and demand points
// (residential buildings with population spread by floor area from the best known totals).
//
// Example:
//   cs::CountyConfig cfg;                           // seat = admin_centre/capital of the county boundary
//   cs::County c = cs::load_county_osm("data/sample/liechtenstein-2024-03-04.osm.pbf", cfg, ctx);  //
//   sources/ c.settlements[c.seat].name; c.demand.size(); c.demand_source;
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/types.hpp>

namespace cs {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

enum class Tier : std::uint8_t { kSeat, kTown, kVillage };
std::string_view tier_name(Tier t);  // "seat" / "town" / "village"

struct Settlement {
  std::string name;
  std::string name_zh;  // name:zh when tagged
  std::string name_en;  // name:en when tagged
  LonLat pos;
  Tier tier = Tier::kVillage;
  std::string place;             // OSM place=* value (city, town, village, hamlet, isolated_dwelling, ...)
  double population = kUnknown;  // tagged (or registered) population, NaN when unknown: an input only
  // The settlement's population in every output: the people of the demand points nearest to it (dasymetric,
  // after the control totals), always set. Tags only shape the spread (docs/county.md, "Demand").
  double population_est = 0.0;
  std::int64_t osm_id = 0;
  char osm_type = 'n';
  int unit = -1;       // index into County::units (the township-level unit containing it), -1 if none
  std::string origin;  // a user layer's "villages.csv row 12"; empty = OpenStreetMap (osm_type/osm_id)
  std::string code;    // statistical code when the register gives one
};

struct AdminUnit {
  std::string name;
  std::string code;  // ref / GB/T 2260 code where tagged
  int admin_level = 0;
  double population = kUnknown;                            // tagged
  double population_est = 0.0;                             // sum of demand points inside
  std::vector<std::vector<std::vector<LonLat>>> polygons;  // multipolygon: polygons -> rings (outer first)
  std::int64_t osm_id = 0;                                 // relation id
  int parent = -1;
  std::string origin;             // a user layer's "townships.shp feature 3"; empty = OpenStreetMap
  std::string population_source;  // where `population` came from ("census.csv row 4"; "" = OSM tag / none)
};

// A service type is a row of the service table: name, label(s) and the OSM tag rules that map to it.
struct ServiceType {
  std::string name;  // e.g. "hospital", "primary_school"
  std::string label_en, label_zh;
  std::string capacity_tag;  // e.g. "beds", "capacity"
  // Another type whose facilities may be of this one when their level is not tagged ("school" for
  // "primary_school"): a standard of this type with no facility of its own is then unknown, not failed.
  std::string untyped;
  std::vector<std::string>
      rules;  // "amenity=hospital", "healthcare=hospital", "amenity=school+isced:level~1" ...
};

struct ServiceTable {
  std::vector<ServiceType> types;
  // Index of a type by name; throws UsageError listing the valid names.
  [[nodiscard]] std::uint16_t index(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;
  [[nodiscard]] std::size_t size() const noexcept { return types.size(); }
};
// The documented default table (data/config/services.toml, compiled in), or a user TOML file with the same
// layout. Rule syntax (docs/county.md): conditions joined by '+', each `key=value`, `key=v1|v2`,
// `key`/`key=*`, `!key` or `key~token` (list value contains token). Throws InputError naming file, service
// and rule when malformed.
ServiceTable default_service_table();
ServiceTable load_service_table(const std::string& toml_path);
ServiceTable parse_service_table(std::string_view toml_text, const std::string& file_label);
// The service types an object with these tags belongs to (indices into table.types, ascending). `get(key)`
// returns the tag value or nullptr.
std::vector<std::uint16_t> match_services(const ServiceTable& table,
                                          const std::function<const char*(std::string_view key)>& get);

struct Facility {
  std::string name;
  LonLat pos;
  std::uint16_t service = 0;
  double capacity = kUnknown;  // beds / seats when tagged
  std::int64_t osm_id = 0;
  char osm_type = 'n';
  int unit = -1;
  std::string origin;  // a user layer's "schools.xlsx row 5"; empty = OpenStreetMap
};

// An OSM element as users look it up ("way/123", "node/45", "relation/6"), for messages and ids in outputs.
[[nodiscard]] std::string osm_ref(char osm_type, std::int64_t osm_id);

struct DemandPoint {
  LonLat pos;
  double population = 0.0;
  double floor_area_m2 = 0.0;
  int unit = -1;
  std::int64_t osm_id = 0;
  char osm_type = 'w';  // 'w' way, 'r' multipolygon relation
  double footprint_m2 = 0.0;
  double levels = 1.0;  // building:levels, or the configured default
  int settlement = -1;  // nearest settlement (index into County::settlements)
  std::string origin;   // a user layer's "demand.gpkg feature 7"; empty = OpenStreetMap
};

// Where an object came from, as a user looks it up: its layer origin ("villages.csv row 12") or its OSM
// element ("node/45").
template <class T>
[[nodiscard]] std::string origin_of(const T& o) {
  return o.origin.empty() ? osm_ref(o.osm_type, o.osm_id) : o.origin;
}

// A planner's own layer in the plan file ([layers.KIND], docs/your-county.md): read through GDAL, it replaces
// the OSM-derived layer of its kind (roads always come from OSM). `census` is a table of control totals per
// unit, joined to the units by code, then name.
struct LayerSpec {
  std::string kind;     // settlements | facilities | demand | units | boundary | census
  std::string source;   // a file (GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV, XLSX) or "PG:..."
  std::string layer;    // layer / sheet / "schema.table"; empty = the only one
  std::string crs;      // empty = the layer's own, else EPSG:4326 (any PROJ CRS, GCJ-02, BD-09)
  std::string x, y;     // coordinate columns of a table without geometry
  std::string wkt;      // or a WKT geometry column
  std::string service;  // facilities: the service of every row when the register has no service column
  // role -> column as written in the source. Roles: name, name_zh, code, tier, population, service,
  // capacity, unit.
  std::vector<std::pair<std::string, std::string>> fields;
  std::string where;  // how messages name the spec: "plan.toml [layers.settlements]"
  [[nodiscard]] const std::string* field(std::string_view role) const {
    for (const auto& [r, c] : fields)
      if (r == role) return &c;
    return nullptr;
  }
};

struct CountyConfig {
  std::string seat;  // settlement name; empty = admin_centre/capital of the county boundary
  // admin_level of the boundary of the whole county; 0 = detect: the complete boundary relation with a level
  // below unit_admin_level that contains the most settlements (level 2 for the Liechtenstein sample). -1 =
  // none.
  int county_admin_level = 0;
  // The county boundary by name (exact, then ignoring case) among the complete boundaries below
  // unit_admin_level, when the extract holds several; an unknown name is a UsageError listing them.
  std::string county_name;
  int unit_admin_level = 8;            // township-level units
  double total_population = kUnknown;  // the county's control total (tags only shape the spread)
  double default_levels = 1.0;         // building:levels when untagged
  std::string service_table;           // path to a TOML service table; empty = default
  double min_footprint_m2 = 20.0;      // building=yes smaller than this is not a dwelling (sheds, garages)
  double floor_area_per_person_m2 = 40.0;  // only when no population total of any kind is known
  bool clip_to_county = true;              // drop places outside the county boundary (when one is found)
  std::vector<LayerSpec> layers;           // the planner's own layers ([layers.*]); empty = all from OSM
  // Cut the county out of a larger extract first (sources/osm_cut.hpp): a boundary file or an OSM relation
  // id; empty = the extract is the county's.
  std::string cut_boundary;
  // Set by the cut by a relation (not an option): the county boundary is this relation of the extract.
  std::int64_t boundary_relation = 0;
};
// Each problem: {option, message}; empty = valid.
std::vector<Problem> validate(const CountyConfig& cfg);

struct County {
  std::string name;
  std::string name_zh;  // name:zh of the county boundary when tagged
  std::string name_en;  // name:en of the county boundary when tagged
  std::string source;   // input file name
  std::vector<Settlement> settlements;
  int seat = -1;
  std::vector<AdminUnit> units;
  ServiceTable services;
  std::vector<Facility> facilities;
  std::vector<DemandPoint> demand;
  // Which totals weighted the demand: "admin unit population tags", "settlement population tags",
  // "configured total", ... — always said in outputs.
  std::string demand_source;
  double total_population = 0.0;

  // The county boundary (empty when none was found) and its relation id.
  std::vector<std::vector<std::vector<LonLat>>> boundary;
  std::int64_t boundary_osm_id = 0;
  int boundary_admin_level = 0;
  std::string cut;  // how the county was cut out of a larger extract ("" = not cut)
  // The bounding box (min, max) of the nodes of the extract it was cut from (empty = not cut): how much of
  // the boundary the data covers is measured against it, not against the cut's own roads.
  std::vector<LonLat> cut_extent;
  std::string seat_rule;  // how the seat was chosen ("configured name", "admin_centre of ...", ...)
  // Other complete boundaries of the county boundary's admin_level that hold settlements of the extract (an
  // extract of several counties, or a country of several parishes): listed by the data-quality gate.
  std::vector<std::string> boundary_siblings;
  // Counts for reports: buildings read, buildings kept as dwellings, objects dropped outside the boundary.
  std::size_t buildings_total = 0, buildings_residential = 0;
  std::size_t dropped_outside = 0;
  // Layers that came from the planner's files: kind -> "FILE (N rows)", in [layers] order.
  std::vector<std::pair<std::string, std::string>> user_layers;
  // Demand points carry their own population (a user demand layer): totals only rescale them.
  bool demand_has_population = false;
  std::size_t census_rows = 0;  // control totals joined from a census table (0 = none)
  // OSM land use (landuse=*) read with the places: every closed way or multipolygon with a landuse tag, in
  // the extract (not clipped to the boundary); empty for a county given without it (the capacity account's
  // land).
  struct LandUse {
    std::string cls;  // the landuse value (residential, farmland, ...)
    double area_m2 = 0;
    LonLat centroid;
  };
  std::vector<LandUse> landuse;
};

// Dasymetric demand (also used by other loaders): assigns demand points and settlements to units (point in
// polygon) and demand points to their nearest settlement, then spreads population over demand points by floor
// area from the best totals: admin-unit `population` tags, else settlement tags (each point takes the nearest
// tagged settlement, preferring one in its own unit), else cfg.total_population, else floor area /
// floor_area_per_person. Sets demand[i].population, settlement/unit population_est, demand_source and
// total_population.
void allocate_population(County& c, const CountyConfig& cfg, Context& ctx);

// Ray-casting point in a multipolygon (rings after the first of a polygon are holes).
bool point_in_multipolygon(LonLat p, const std::vector<std::vector<std::vector<LonLat>>>& mp) noexcept;

}  // namespace cs
