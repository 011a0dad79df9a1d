// Private to sources/: how the county reader picks the seat (docs/county.md, "seat"), apart from libosmium.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <countyscope/core/types.hpp>
#include <countyscope/county/county.hpp>

namespace cs::sources_detail {

// What the OSM file says about the seat beyond the settlements themselves.
struct SeatClues {
  std::string boundary_name;                // the county boundary's name (empty: no boundary)
  int boundary_level = 0;                   // its admin_level (0: no boundary)
  std::optional<std::int64_t> centre_node;  // the boundary's admin_centre node id
  std::optional<LonLat> centre_pos;         // that node's location (it may be no place node)
  std::vector<std::string> capital;         // per settlement of the county: its capital=* tag, or empty
};

// ASCII letters lower-cased (names compared ignoring case; other bytes, e.g. UTF-8 Chinese, unchanged).
[[nodiscard]] std::string lower_ascii(std::string s);

// An admin_level or capital value 1..99; 0 for anything else.
[[nodiscard]] int parse_level(const char* v);

// Sets c.seat, c.seat_rule and the seat's tier: the configured name (exact, then ignoring case; otherwise a
// UsageError listing the closest names), the boundary's admin_centre, the highest capital tag not above
// the county, then the largest city, town or settlement.
void choose_seat(County& c, const CountyConfig& cfg, const SeatClues& clues, const std::string& osm_path);

}  // namespace cs::sources_detail
