// The model of a county (DESIGN.md): settlements in tiers (seat / town / village), administrative units,
// facilities by service type (OSM tags mapped through a documented, overridable table), and demand points
// (residential buildings with population spread by floor area from the best known totals).
//
// Example:
//   cs::CountyConfig cfg;                           // seat = admin_centre/capital of the county boundary
//   cs::County c = cs::load_county_osm("data/sample/liechtenstein-2024-03-04.osm.pbf", cfg, ctx);
//   c.settlements[c.seat].name; c.demand.size(); c.demand_source;
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/types.hpp>

namespace cs {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

enum class Tier : std::uint8_t { kSeat, kTown, kVillage };
std::string_view tier_name(Tier t);  // "seat" / "town" / "village"

struct Settlement {
  std::string name;
  std::string name_zh;           // name:zh when tagged
  LonLat pos;
  Tier tier = Tier::kVillage;
  std::string place;             // OSM place=* value (city, town, village, hamlet, isolated_dwelling, ...)
  double population = kUnknown;  // tagged population, NaN when unknown
  double population_est = 0.0;   // population of demand points nearest to it (dasymetric), always set
  std::int64_t osm_id = 0;
  char osm_type = 'n';
  int unit = -1;                 // index into County::units (the township-level unit containing it), -1 if none
};

struct AdminUnit {
  std::string name;
  std::string code;               // ref / GB/T 2260 code where tagged
  int admin_level = 0;
  double population = kUnknown;   // tagged
  double population_est = 0.0;    // sum of demand points inside
  std::vector<std::vector<std::vector<LonLat>>> polygons;  // multipolygon: polygons -> rings (outer first)
  std::int64_t osm_id = 0;        // relation id
  int parent = -1;
};

// A service type is a row of the service table: name, label(s) and the OSM tag rules that map to it.
struct ServiceType {
  std::string name;      // e.g. "hospital", "primary_school"
  std::string label_en, label_zh;
  std::string capacity_tag;  // e.g. "beds", "capacity"
  std::vector<std::string> rules;  // "amenity=hospital", "healthcare=hospital", "amenity=school+isced:level~1" ...
};

struct ServiceTable {
  std::vector<ServiceType> types;
  // Index of a type by name; throws UsageError listing the valid names.
  [[nodiscard]] std::uint16_t index(std::string_view name) const;
};
// The documented default table (data/config/services.toml), or a user TOML file with the same layout.
ServiceTable default_service_table();
ServiceTable load_service_table(const std::string& toml_path);

struct Facility {
  std::string name;
  LonLat pos;
  std::uint16_t service = 0;
  double capacity = kUnknown;  // beds / seats when tagged
  std::int64_t osm_id = 0;
  char osm_type = 'n';
  int unit = -1;
};

struct DemandPoint {
  LonLat pos;
  double population = 0.0;
  double floor_area_m2 = 0.0;
  int unit = -1;
  std::int64_t osm_id = 0;
};

struct CountyConfig {
  std::string seat;                     // settlement name; empty = admin_centre/capital of the county boundary
  int county_admin_level = 2;           // boundary of the whole county (2 for the Liechtenstein sample)
  int unit_admin_level = 8;             // township-level units
  double total_population = kUnknown;   // used when no population tags are found
  double default_levels = 1.0;          // building:levels when untagged
  std::string service_table;            // path to a TOML service table; empty = default
};

struct County {
  std::string name;
  std::string source;                   // input file name
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
};

County load_county_osm(const std::string& osm_path, const CountyConfig& cfg, Context& ctx);

}  // namespace cs
