// The county seat (see county_seat.hpp).
#include "county_seat.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include <countyscope/core/error.hpp>
#include <countyscope/county/geometry.hpp>

namespace cs::sources_detail {

std::string lower_ascii(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

int parse_level(const char* v) {
  if (!v) return 0;
  char* end = nullptr;
  const long l = std::strtol(v, &end, 10);
  return (end && *end == '\0' && l > 0 && l < 100) ? static_cast<int>(l) : 0;
}

// The seat: the configured name, the boundary's admin_centre, a capital tag, then the largest city, town
// or settlement.
void choose_seat(County& c, const CountyConfig& cfg, const SeatClues& clues, const std::string& osm_path) {
  const std::vector<std::string>& capital = clues.capital;
  auto by_population = [&](auto&& pred) {
    int best = -1;
    for (std::size_t i = 0; i < c.settlements.size(); ++i) {
      if (!pred(i)) continue;
      const double p = std::isfinite(c.settlements[i].population) ? c.settlements[i].population : -1;
      if (best < 0 || p > (std::isfinite(c.settlements[static_cast<std::size_t>(best)].population)
                               ? c.settlements[static_cast<std::size_t>(best)].population
                               : -1))
        best = static_cast<int>(i);
    }
    return best;
  };
  if (!cfg.seat.empty()) {
    for (std::size_t i = 0; i < c.settlements.size() && c.seat < 0; ++i)
      if (c.settlements[i].name == cfg.seat || c.settlements[i].name_zh == cfg.seat)
        c.seat = static_cast<int>(i);
    for (std::size_t i = 0; i < c.settlements.size() && c.seat < 0; ++i)
      if (lower_ascii(c.settlements[i].name) == lower_ascii(cfg.seat)) c.seat = static_cast<int>(i);
    if (c.seat < 0) {
      std::vector<std::pair<std::size_t, std::string>> near;
      for (const auto& s : c.settlements)
        near.emplace_back(edit_distance(lower_ascii(s.name), lower_ascii(cfg.seat)), s.name);
      std::sort(near.begin(), near.end());
      near.erase(std::unique(near.begin(), near.end()), near.end());
      std::string list;
      for (std::size_t i = 0; i < near.size() && i < 5; ++i) list += (i ? ", " : "") + near[i].second;
      throw UsageError("seat '" + cfg.seat + "' is not a settlement of " + osm_path + " (" +
                       std::to_string(c.settlements.size()) + " settlements); closest names: " + list);
    }
    c.seat_rule = "configured name";
  }
  if (c.seat < 0 && clues.centre_node) {
    for (std::size_t i = 0; i < c.settlements.size() && c.seat < 0; ++i)
      if (c.settlements[i].osm_type == 'n' && c.settlements[i].osm_id == *clues.centre_node)
        c.seat = static_cast<int>(i);
    if (c.seat < 0 && clues.centre_pos) {
      double best = 2000.0 * 2000.0;  // the admin_centre node is not a place node: nearest within 2 km
      for (std::size_t i = 0; i < c.settlements.size(); ++i) {
        const double d = detail::dist2_m2(*clues.centre_pos, c.settlements[i].pos);
        if (d < best) {
          best = d;
          c.seat = static_cast<int>(i);
        }
      }
    }
    if (c.seat >= 0) c.seat_rule = "admin_centre of the county boundary '" + clues.boundary_name + "'";
  }
  if (c.seat < 0) {
    int best_level = 100;
    for (std::size_t i = 0; i < c.settlements.size(); ++i) {
      const std::string& cap = capital[i];
      if (cap.empty() || cap == "no") continue;
      const int lv = cap == "yes" ? 2 : parse_level(cap.c_str());
      if (lv <= 0 || (clues.boundary_level > 0 && lv < clues.boundary_level && cap != "yes")) continue;
      if (lv < best_level) {
        best_level = lv;
        c.seat = static_cast<int>(i);
      }
    }
    if (c.seat >= 0) c.seat_rule = "settlement tagged capital=" + capital[static_cast<std::size_t>(c.seat)];
  }
  if (c.seat < 0) {
    c.seat = by_population([&](std::size_t i) { return c.settlements[i].place == "city"; });
    if (c.seat >= 0) c.seat_rule = "place=city (largest population)";
  }
  if (c.seat < 0) {
    c.seat = by_population([&](std::size_t i) { return c.settlements[i].tier == Tier::kTown; });
    if (c.seat >= 0) c.seat_rule = "place=town with the largest population";
  }
  if (c.seat < 0) {
    c.seat = by_population([](std::size_t) { return true; });
    c.seat_rule = "settlement with the largest population";
  }
  c.settlements[static_cast<std::size_t>(c.seat)].tier = Tier::kSeat;
}

}  // namespace cs::sources_detail
