// Source (sources/): the county read from an OpenStreetMap file: settlements, admin units, facilities
// (through the service table) and residential buildings, then dasymetric demand (county/county.hpp).
//
// Example:
//   cs::County c = cs::load_county_osm("data/sample/liechtenstein-2024-03-04.osm.pbf", cfg, ctx);
#pragma once

#include <string>

#include <countyscope/core/context.hpp>
#include <countyscope/county/county.hpp>

namespace cs {

// Reads the county from an OSM file (PBF or XML; libosmium). Throws InputError for unreadable, empty,
// truncated or non-OSM files and extracts without settlements, UsageError for a seat name not found (listing
// close names).
County load_county_osm(const std::string& osm_path, const CountyConfig& cfg, Context& ctx);

}  // namespace cs
