// Private to sources/: the planner's own layers ([layers.*] in the plan file, CountyConfig::layers) read
// through GDAL into county objects, which replace the OSM-derived ones of their kind (docs/your-county.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <countyscope/county/county.hpp>

namespace cs::sources_detail {

struct CensusTotal {
  std::string name, code;  // as written
  std::string origin;      // "census.csv row 4"
  double population = 0;
};

struct UserLayers {
  std::optional<std::vector<Settlement>> settlements;
  bool settlement_tiers = false;  // the settlements layer has a tier column
  std::optional<std::vector<Facility>> facilities;
  std::optional<std::vector<DemandPoint>> demand;
  std::optional<std::vector<AdminUnit>> units;
  std::optional<std::vector<std::vector<std::vector<LonLat>>>> boundary;
  std::string boundary_name;
  std::vector<CensusTotal> census;
  std::string census_file;  // how messages name the census table
  // The unit each settlement's register names (index-aligned with *settlements; "" = none given) and the file
  // messages name for the settlements layer.
  std::vector<std::string> settlement_unit;
  std::vector<std::string> settlement_where;  // "row 12" per settlement
  std::string settlements_file;
  // Per kind: the coordinates as written and the CRS they were read in (for a CRS suggestion).
  std::map<std::string, std::vector<std::pair<double, double>>, std::less<>> raw;
  std::map<std::string, std::string, std::less<>> crs_read;
  // Per kind, as written to outputs: kind -> "FILE (N rows)".
  std::vector<std::pair<std::string, std::string>> summary;
};

// Reads every layer of cfg.layers (InputError / IoError naming the spec, file, row and field).
UserLayers read_user_layers(const CountyConfig& cfg, const ServiceTable& services);

// Points of user layers outside the county: a layer with points far outside the boundary's box (more than
// 2 km) is refused, naming the first such point and the CRS its coordinates were read in; points just
// outside the boundary are dropped (counted in c.dropped_outside).
void check_user_points_inside(UserLayers& L, County& c);

// Sets the units' control totals from the census table (by code, then name); rows that match no unit are an
// InputError listing them.
void join_census(County& c, const UserLayers& L);

// Two settlements of one name in one unit (the register's unit column, else the unit containing the point)
// are an InputError naming both rows.
void check_settlement_names(const County& c, const UserLayers& L);

}  // namespace cs::sources_detail
