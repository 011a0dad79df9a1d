// Dasymetric demand: population spread over residential buildings by floor area from the best known totals.
#include <cmath>
#include <sstream>

#include <countyscope/core/parallel.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/county/geometry.hpp>
#include <countyscope/io/csv.hpp>

namespace cs {

std::string_view tier_name(Tier t) {
  switch (t) {
    case Tier::kSeat:
      return "seat";
    case Tier::kTown:
      return "town";
    case Tier::kVillage:
      return "village";
  }
  return "village";
}

std::string osm_ref(char osm_type, std::int64_t osm_id) {
  const char* kind = osm_type == 'w' ? "way/" : osm_type == 'r' ? "relation/" : "node/";
  return kind + std::to_string(osm_id);
}

std::vector<Problem> validate(const CountyConfig& cfg) {
  std::vector<Problem> p;
  if (cfg.county_admin_level < -1 || cfg.county_admin_level > 11)
    p.push_back({"county_admin_level", "must be -1 (none), 0 (detect) or an OSM admin_level 1..11"});
  if (cfg.unit_admin_level < 1 || cfg.unit_admin_level > 11)
    p.push_back({"unit_admin_level", "must be an OSM admin_level 1..11"});
  if (!std::isnan(cfg.total_population) && !(cfg.total_population > 0 && std::isfinite(cfg.total_population)))
    p.push_back({"total_population", "must be a positive number"});
  if (!(cfg.default_levels >= 1 && cfg.default_levels <= 200))
    p.push_back({"default_levels", "must be in 1..200"});
  if (!(cfg.min_footprint_m2 >= 0 && cfg.min_footprint_m2 <= 10000))
    p.push_back({"min_footprint_m2", "must be in 0..10000"});
  if (!(cfg.floor_area_per_person_m2 > 0 && cfg.floor_area_per_person_m2 <= 10000))
    p.push_back({"floor_area_per_person_m2", "must be in (0, 10000]"});
  return p;
}

namespace {

bool tagged(double pop) { return std::isfinite(pop) && pop > 0; }

std::string fmt_int(double x) {
  std::ostringstream s;
  s << static_cast<long long>(std::llround(x));
  return s.str();
}

// "census.csv: " from the county's user layers ("" when unknown).
std::string census_file(const County& c) {
  for (const auto& [kind, what] : c.user_layers)
    if (kind == "census") return what.substr(0, what.find(" (")) + ": ";
  return "";
}

}  // namespace

void allocate_population(County& c, const CountyConfig& cfg, Context& ctx) {
  const int threads = ctx.thread_count();
  // 1. Units of demand points, settlements and facilities (point in polygon through a grid of bounding
  // boxes).
  std::vector<const detail::MultiPolygon*> polys;
  for (const auto& u : c.units) polys.push_back(&u.polygons);
  const detail::PolygonGrid grid(polys);
  auto unit_of = [&](LonLat p) {
    const auto ids = grid.containing(p);
    return ids.empty() ? -1 : static_cast<int>(ids.front());
  };
  parallel_for(
      c.demand.size(), threads, [&](std::size_t i, int) { c.demand[i].unit = unit_of(c.demand[i].pos); },
      256);
  for (auto& s : c.settlements) s.unit = unit_of(s.pos);
  for (auto& f : c.facilities) f.unit = unit_of(f.pos);

  // 2. Nearest settlement of each demand point (any settlement), and nearest *tagged* settlement, preferring
  // one in
  //    the point's own unit: a village's population tag usually covers its hamlets and outlying houses.
  std::vector<int> tagged_settlements;
  std::vector<char> unit_has_tagged(c.units.size(), 0);
  for (std::size_t s = 0; s < c.settlements.size(); ++s)
    if (tagged(c.settlements[s].population)) {
      tagged_settlements.push_back(static_cast<int>(s));
      if (c.settlements[s].unit >= 0) unit_has_tagged[static_cast<std::size_t>(c.settlements[s].unit)] = 1;
    }
  std::vector<int> nearest_tagged(c.demand.size(), -1);
  parallel_for(
      c.demand.size(), threads,
      [&](std::size_t i, int) {
        DemandPoint& d = c.demand[i];
        double best = 1e300;
        d.settlement = -1;
        for (std::size_t s = 0; s < c.settlements.size(); ++s) {
          const double dd = detail::dist2_m2(d.pos, c.settlements[s].pos);
          if (dd < best) {
            best = dd;
            d.settlement = static_cast<int>(s);
          }
        }
        const bool own_unit = d.unit >= 0 && unit_has_tagged[static_cast<std::size_t>(d.unit)];
        best = 1e300;
        for (int s : tagged_settlements) {
          if (own_unit && c.settlements[static_cast<std::size_t>(s)].unit != d.unit) continue;
          const double dd = detail::dist2_m2(d.pos, c.settlements[static_cast<std::size_t>(s)].pos);
          if (dd < best) {
            best = dd;
            nearest_tagged[i] = s;
          }
        }
      },
      256);

  // 3. A unit with a control total but no dwellings: its total goes to its settlements (by their tags when
  // all have one, else evenly), or to the unit's centroid when it has none — demand points made here, said
  // in demand_source.
  std::size_t units_without_dwellings = 0;
  {
    std::vector<char> has_points(c.units.size(), 0);
    for (const auto& d : c.demand)
      if (d.unit >= 0) has_points[static_cast<std::size_t>(d.unit)] = 1;
    for (std::size_t u = 0; u < c.units.size(); ++u) {
      if (has_points[u] || !tagged(c.units[u].population)) continue;
      ++units_without_dwellings;
      std::vector<int> in_unit;
      bool all_tagged = true;
      for (std::size_t s = 0; s < c.settlements.size(); ++s)
        if (c.settlements[s].unit == static_cast<int>(u)) {
          in_unit.push_back(static_cast<int>(s));
          all_tagged = all_tagged && tagged(c.settlements[s].population);
        }
      auto add = [&](LonLat pos, double weight, int settlement, const std::string& origin) {
        DemandPoint d;
        d.pos = pos;
        d.floor_area_m2 = weight;
        d.unit = static_cast<int>(u);
        d.settlement = settlement;
        d.origin = origin;
        c.demand.push_back(d);
        nearest_tagged.push_back(-1);
      };
      const std::string why = " (unit '" + c.units[u].name + "' has no dwellings)";
      if (in_unit.empty()) {
        add(detail::multipolygon_centroid(c.units[u].polygons), 1.0, -1, "centroid" + why);
      } else {
        for (int s : in_unit) {
          const Settlement& st = c.settlements[static_cast<std::size_t>(s)];
          add(st.pos, all_tagged ? st.population : 1.0, s, "settlement '" + st.name + "'" + why);
        }
      }
    }
    if (units_without_dwellings) {
      // The nearest settlement of each new point (for those at a centroid).
      for (auto& d : c.demand) {
        if (d.settlement >= 0 || d.origin.empty()) continue;
        double best = 1e300;
        for (std::size_t s = 0; s < c.settlements.size(); ++s) {
          const double dd = detail::dist2_m2(d.pos, c.settlements[s].pos);
          if (dd < best) {
            best = dd;
            d.settlement = static_cast<int>(s);
          }
        }
      }
    }
  }

  // 4. Spread the best totals by floor area (a user demand layer's own population stands for floor area).
  bool all_units_tagged = !c.units.empty();
  for (const auto& u : c.units) all_units_tagged = all_units_tagged && tagged(u.population);
  double floor_total = 0;
  for (const auto& d : c.demand) floor_total += d.floor_area_m2;
  std::size_t units_tagged = 0;
  for (const auto& u : c.units) units_tagged += tagged(u.population) ? 1 : 0;

  // Sums a total over groups: group g holds population pop[g] (NaN = untagged); its points share it by floor
  // area. Points of untagged groups (or of none) get the mean density of the tagged groups.
  auto spread = [&](const std::vector<int>& group_of, const std::vector<double>& pop,
                    std::size_t& placed_groups, std::size_t& unplaced_groups, bool ungrouped_empty) {
    std::vector<double> floor(pop.size(), 0.0);
    for (std::size_t i = 0; i < c.demand.size(); ++i)
      if (group_of[i] >= 0) floor[static_cast<std::size_t>(group_of[i])] += c.demand[i].floor_area_m2;
    double tp = 0, tf = 0;
    placed_groups = unplaced_groups = 0;
    for (std::size_t g = 0; g < pop.size(); ++g) {
      if (!tagged(pop[g])) continue;
      if (floor[g] > 0) {
        tp += pop[g];
        tf += floor[g];
        ++placed_groups;
      } else
        ++unplaced_groups;
    }
    // ungrouped_empty: every unit has its control total, so a point outside all units adds nobody and the
    // totals stay the units'.
    for (std::size_t i = 0; i < c.demand.size(); ++i) {
      DemandPoint& d = c.demand[i];
      const int g = group_of[i];
      if (g >= 0 && tagged(pop[static_cast<std::size_t>(g)]) && floor[static_cast<std::size_t>(g)] > 0)
        d.population =
            pop[static_cast<std::size_t>(g)] * d.floor_area_m2 / floor[static_cast<std::size_t>(g)];
      else if (g < 0 && ungrouped_empty)
        d.population = 0.0;
      else
        d.population = tf > 0 ? tp / tf * d.floor_area_m2 : 0.0;
    }
  };

  std::size_t placed = 0, unplaced = 0;
  if (units_tagged > 0 && floor_total > 0) {
    // Groups: the units, then the settlements. A point of a tagged unit takes its unit's share; a point of an
    // untagged unit (or of none) takes its nearest tagged settlement's share where that unit holds one (a
    // partly tagged extract: the other units' own village tags beat the tagged units' density), else the mean
    // density.
    const std::size_t nu = c.units.size();
    std::vector<int> group(c.demand.size());
    std::vector<double> pop;
    for (const auto& u : c.units) pop.push_back(u.population);
    for (const auto& s : c.settlements) pop.push_back(s.population);
    std::size_t by_settlement = 0;
    for (std::size_t i = 0; i < c.demand.size(); ++i) {
      const int u = c.demand[i].unit;
      const bool unit_tagged = u >= 0 && tagged(c.units[static_cast<std::size_t>(u)].population);
      const int s = nearest_tagged[i];
      const bool own_settlement =
          s >= 0 && c.settlements[static_cast<std::size_t>(s)].unit == u && (u < 0 || !unit_tagged);
      if (!unit_tagged && own_settlement) {
        group[i] = static_cast<int>(nu) + s;
        ++by_settlement;
      } else {
        group[i] = u;
      }
    }
    spread(group, pop, placed, unplaced, all_units_tagged);
    std::size_t outside = 0;
    for (const auto& d : c.demand) outside += d.unit < 0 ? 1 : 0;
    const std::string totals =
        c.census_rows > 0
            ? "census control totals (" + census_file(c) + std::to_string(c.census_rows) + " of " +
                  std::to_string(c.units.size()) + " units" +
                  (units_tagged > c.census_rows ? ", the others by their population tags" : "") + "; "
            : "admin unit population tags (" + std::to_string(units_tagged) + " of " +
                  std::to_string(c.units.size()) + " units tagged; ";
    c.demand_source =
        totals +
        (c.demand_has_population ? std::string("spread over the demand layer's points by their population; ")
                                 : std::string()) +
        (units_without_dwellings ? std::to_string(units_without_dwellings) +
                                       " units without dwellings placed on their settlements; "
                                 : std::string()) +
        (all_units_tagged && outside ? std::to_string(outside) + " points outside every unit left empty; "
                                     : std::string()) +
        (units_tagged == nu ? std::string("every unit has its total")
         : by_settlement
             ? "others by their settlements' tags where they have them, else at the tagged units' mean "
               "density per m2"
             : "others at the tagged units' mean density per m2") +
        ")";
    unplaced = 0;  // tagged settlements inside tagged units are not used: only units can be left unplaced
    for (std::size_t u = 0; u < nu; ++u) {
      if (!tagged(c.units[u].population)) continue;
      bool any = false;
      for (const auto& d : c.demand) any = any || d.unit == static_cast<int>(u);
      unplaced += any ? 0 : 1;
    }
    if (unplaced)
      ctx.warn(std::to_string(unplaced) +
               " tagged admin units have no residential buildings; their population is not placed");
  } else if (!tagged_settlements.empty() && floor_total > 0) {
    std::vector<double> pop;
    for (const auto& s : c.settlements) pop.push_back(s.population);
    spread(nearest_tagged, pop, placed, unplaced, false);
    c.demand_source = "settlement population tags (" + std::to_string(tagged_settlements.size()) + " of " +
                      std::to_string(c.settlements.size()) +
                      " settlements tagged; each building takes its nearest tagged settlement in its unit)";
    if (unplaced)
      ctx.warn(std::to_string(unplaced) +
               " tagged settlements have no nearest residential buildings; their population is not placed");
  } else if (c.demand_has_population && !tagged(cfg.total_population)) {
    for (auto& d : c.demand) d.population = d.floor_area_m2;
    c.demand_source = "the demand layer's own population";
  } else if (tagged(cfg.total_population)) {
    for (auto& d : c.demand)
      d.population = floor_total > 0 ? cfg.total_population * d.floor_area_m2 / floor_total : 0;
    c.demand_source = "configured total population (" + fmt_int(cfg.total_population) + ")";
    if (floor_total <= 0 && !c.demand.empty())
      ctx.warn("no floor area: the configured total cannot be placed");
  } else {
    for (auto& d : c.demand) d.population = d.floor_area_m2 / cfg.floor_area_per_person_m2;
    c.demand_source = "floor area at " + format_number(cfg.floor_area_per_person_m2) +
                      " m2 per person (no population tags or configured total found)";
  }

  // A configured total is the county's control total: tags (or floor area) only shape how it is spread.
  // Census totals for every unit are the finer control: a configured total that differs is refused.
  if (tagged(cfg.total_population) && all_units_tagged && c.census_rows > 0) {
    double census = 0;
    for (const auto& u : c.units) census += u.population;
    if (std::fabs(census - cfg.total_population) > 0.5)
      throw InputError("", "", "total_population",
                       "the configured county total " + fmt_int(cfg.total_population) +
                           " differs from the sum of the census control totals " + fmt_int(census) +
                           "; remove one of them");
  } else if (tagged(cfg.total_population) && c.demand_source.rfind("configured total", 0) != 0) {
    double sum = 0;
    for (const auto& d : c.demand) sum += d.population;
    if (sum > 0) {
      for (auto& d : c.demand) d.population *= cfg.total_population / sum;
      c.demand_source += "; scaled to the configured county total (" + fmt_int(cfg.total_population) + ")";
    } else if (!c.demand.empty()) {
      ctx.warn("no floor area: the configured total cannot be placed");
    }
  }

  // 5. Totals and estimates.
  c.total_population = 0;
  for (auto& s : c.settlements) s.population_est = 0;
  for (auto& u : c.units) u.population_est = 0;
  for (const auto& d : c.demand) {
    c.total_population += d.population;
    if (d.settlement >= 0)
      c.settlements[static_cast<std::size_t>(d.settlement)].population_est += d.population;
    if (d.unit >= 0) c.units[static_cast<std::size_t>(d.unit)].population_est += d.population;
  }
}

}  // namespace cs
