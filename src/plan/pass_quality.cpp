// The data-quality gate of the plan driver, computed from the county model before any analysis: where the
// population came from and how much of it is tagged, dwellings, facilities of every service the standards
// require, how the seat was chosen, how much of the boundary the extract covers and what it dropped, far
// points, the road network's connectivity. Each item is ok / warn / fail with its figure and a message saying
// what to do; the verdict is the worst item. With [plan] strict (--strict) any item that is not ok stops the
// run before the analysis (one line, exit 1, nothing written). Thresholds and their reasons: docs/county.md
// "Data-quality gate".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <countyscope/access/audit.hpp>
#include <countyscope/core/limits.hpp>

#include "passes.hpp"

namespace cs::detail {

namespace {

struct Item {
  std::string id, status, value, message;
};

int rank(const std::string& s) { return s == "fail" ? 2 : s == "warn" ? 1 : 0; }

std::string thousands(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", std::round(x));
  std::string s(buf), out;
  const std::size_t start = (!s.empty() && s[0] == '-') ? 1 : 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > start && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string pct(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * share);
  return buf;
}

// Area of a ring (shoelace) in degrees squared scaled by cos(latitude): only ratios of areas are used.
double ring_area(const std::vector<LonLat>& ring, double coslat) {
  double a = 0;
  for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
    const LonLat& p = ring[i];
    const LonLat& q = ring[(i + 1) % n];
    a += (p.lon * coslat) * q.lat - (q.lon * coslat) * p.lat;
  }
  return std::fabs(a) / 2;
}

// Sutherland–Hodgman clip of a ring to an axis-aligned box.
std::vector<LonLat> clip_ring(std::vector<LonLat> ring, LonLat lo, LonLat hi) {
  auto clip = [&](auto inside, auto cross) {
    std::vector<LonLat> out;
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
      const LonLat& p = ring[i];
      const LonLat& q = ring[(i + 1) % n];
      const bool pin = inside(p), qin = inside(q);
      if (pin) out.push_back(p);
      if (pin != qin) out.push_back(cross(p, q));
    }
    ring = std::move(out);
  };
  auto at_lon = [](double x) {
    return [x](const LonLat& p, const LonLat& q) {
      const double t = (x - p.lon) / (q.lon - p.lon);
      return LonLat{x, p.lat + t * (q.lat - p.lat)};
    };
  };
  auto at_lat = [](double y) {
    return [y](const LonLat& p, const LonLat& q) {
      const double t = (y - p.lat) / (q.lat - p.lat);
      return LonLat{p.lon + t * (q.lon - p.lon), y};
    };
  };
  clip([&](const LonLat& p) { return p.lon >= lo.lon; }, at_lon(lo.lon));
  clip([&](const LonLat& p) { return p.lon <= hi.lon; }, at_lon(hi.lon));
  clip([&](const LonLat& p) { return p.lat >= lo.lat; }, at_lat(lo.lat));
  clip([&](const LonLat& p) { return p.lat <= hi.lat; }, at_lat(hi.lat));
  return ring;
}

// Share of the boundary's area inside the bounding box of the road nodes the extract holds (a county cut out
// of a larger extract: of all the larger extract's nodes).
double boundary_coverage(const County& c, const network::RoadGraph& g) {
  if (c.boundary.empty() || g.node_coord.empty()) return 1.0;
  LonLat lo{1e9, 1e9}, hi{-1e9, -1e9};
  for (const LonLat& p : c.cut_extent.size() == 2 ? c.cut_extent : g.node_coord) {
    lo = {std::min(lo.lon, p.lon), std::min(lo.lat, p.lat)};
    hi = {std::max(hi.lon, p.lon), std::max(hi.lat, p.lat)};
  }
  const double coslat = std::cos((lo.lat + hi.lat) / 2 * M_PI / 180);
  double all = 0, in = 0;
  for (const auto& poly : c.boundary)
    for (std::size_t r = 0; r < poly.size(); ++r) {
      const double sign = r == 0 ? 1.0 : -1.0;  // rings after the first are holes
      all += sign * ring_area(poly[r], coslat);
      in += sign * ring_area(clip_ring(poly[r], lo, hi), coslat);
    }
  return all > 0 ? std::clamp(in / all, 0.0, 1.0) : 1.0;
}

std::vector<access::Standard> plan_standards(const PlanConfig& cfg) {
  if (cfg.access.standards) return *cfg.access.standards;
  if (!cfg.access.options.standards.empty()) return access::load_standards(cfg.access.options.standards);
  return access::default_standards();
}

Item population_item(const County& c, const CountyConfig& cfg) {
  std::size_t tagged_s = 0, tagged_u = 0;
  for (const Settlement& s : c.settlements) tagged_s += std::isfinite(s.population);
  for (const AdminUnit& u : c.units) tagged_u += std::isfinite(u.population);
  Item it{"population", "ok", thousands(c.total_population) + " (" + c.demand_source + ")", ""};
  const std::string& src = c.demand_source;
  if (c.total_population < limits::kMinCountyPopulation) {
    it.status = "fail";
    it.message = thousands(c.total_population) + " people in the county, below the floor of " +
                 thousands(limits::kMinCountyPopulation) +
                 ": the extract's buildings and tags cannot carry a county's population; give [county] "
                 "total_population or census totals";
  } else if (src.rfind("floor area", 0) == 0) {
    it.status = "warn";
    it.message =
        "no population figure in the extract: estimated from floor area; give [county] total_population "
        "or census totals";
  } else if (src.rfind("admin unit", 0) == 0 && tagged_u < c.units.size()) {
    it.status = "warn";
    it.message =
        std::to_string(tagged_u) + " of " + std::to_string(c.units.size()) +
        " units carry a population; the others take their settlements' tags where they have them, else the "
        "tagged units' density";
  } else if (src.rfind("settlement", 0) == 0 && 2 * tagged_s < c.settlements.size()) {
    it.status = "warn";
    it.message = "population from " + std::to_string(tagged_s) + " of " +
                 std::to_string(c.settlements.size()) +
                 " settlements with a tag; the others take their nearest tagged settlement's share";
  }
  (void)cfg;
  return it;
}

Item dwellings_item(const County& c) {
  std::set<int> with;
  for (const DemandPoint& d : c.demand)
    if (d.settlement >= 0) with.insert(d.settlement);
  const std::size_t n = c.demand.size(), ns = c.settlements.size();
  Item it{"dwellings", "ok",
          std::to_string(n) + " dwellings of " + std::to_string(c.buildings_total) + " buildings; " +
              std::to_string(with.size()) + " of " + std::to_string(ns) + " settlements have a dwelling",
          ""};
  if (n == 0 || n < ns) {
    it.status = "fail";
    it.message =
        "fewer dwellings than settlements: the extract maps almost no residential buildings, so demand "
        "cannot be placed; use an extract with buildings or give a demand layer";
  } else if (ns > 0 && 2 * with.size() < ns) {
    it.status = "warn";
    it.message =
        "most settlements have no dwelling near them: buildings are mapped in part of the county only";
  }
  return it;
}

void facility_items(const County& c, const PlanConfig& cfg, std::vector<Item>& items) {
  std::vector<std::string> required;
  for (const access::Standard& s : plan_standards(cfg))
    if (std::find(required.begin(), required.end(), s.service) == required.end())
      required.push_back(s.service);
  std::vector<std::size_t> count(c.services.size(), 0);
  for (const Facility& f : c.facilities) ++count[f.service];
  for (const std::string& name : required) {
    const auto t = std::find_if(c.services.types.begin(), c.services.types.end(),
                                [&](const ServiceType& s) { return s.name == name; });
    if (t == c.services.types.end()) continue;  // not in the service table: the audit says not applicable
    const std::size_t n = count[static_cast<std::size_t>(t - c.services.types.begin())];
    Item it{"facilities." + name, "ok", std::to_string(n), ""};
    if (n == 0) {
      std::size_t parent = 0;
      for (std::size_t k = 0; k < c.services.size(); ++k)
        if (!t->untyped.empty() && c.services.types[k].name == t->untyped) parent = count[k];
      if (parent > 0) {
        it.status = "warn";
        it.message = "no facility tagged as '" + name + "', but " + std::to_string(parent) + " of type '" +
                     t->untyped +
                     "' without a level: its standards are unknown; tag the level or give a register";
      } else {
        it.status = "fail";
        it.message = "no facility of '" + name +
                     "', which the standards require: its standards fail; check the "
                     "extract's tags or give a facility register";
      }
    }
    items.push_back(std::move(it));
  }
}

Item seat_item(const County& c) {
  Item it{"seat", "ok", "", ""};
  if (c.seat < 0) {
    it.status = "fail";
    it.message = "no seat found; set [county] seat";
    return it;
  }
  const Settlement& s = c.settlements[static_cast<std::size_t>(c.seat)];
  it.value = s.name + " (" + c.seat_rule + ")";
  const bool stated = c.seat_rule.find("admin_centre") != std::string::npos ||
                      c.seat_rule.find("capital") != std::string::npos ||
                      c.seat_rule.find("configured") != std::string::npos ||
                      c.seat_rule.find("tier column") != std::string::npos;
  const bool small = s.place == "hamlet" || s.place == "isolated_dwelling" || s.place == "locality" ||
                     s.place == "farm" || s.place == "neighbourhood";
  if (!stated) {
    it.status = "warn";
    it.message = "the seat is a guess (" + c.seat_rule + "); set [county] seat";
  }
  if (small && c.seat_rule.find("configured") == std::string::npos) {
    it.status = "warn";
    it.message = "the seat " + s.name + " is a " + s.place + "; set [county] seat";
  }
  return it;
}

void boundary_items(const County& c, const network::RoadGraph& g, std::vector<Item>& items) {
  if (c.boundary.empty()) {
    items.push_back(
        {"boundary", "warn", "none",
         "no county boundary in the extract: the whole extract is taken as the county; cut the county "
         "or give a boundary"});
    return;
  }
  const double cov = boundary_coverage(c, g);
  Item it{"boundary", "ok",
          "'" + c.name + "' (admin_level " + std::to_string(c.boundary_admin_level) + "), " + pct(cov) +
              " of its area inside the extract's roads",
          ""};
  if (cov < 0.5) {
    it.status = "fail";
    it.message = "the extract covers only " + pct(cov) + " of the boundary: most of the county is missing";
  } else if (cov < 0.9) {
    it.status = "warn";
    it.message = "the extract covers " + pct(cov) + " of the boundary: part of the county is missing";
  }
  const std::size_t kept = c.settlements.size() + c.facilities.size() + c.demand.size();
  if (!c.boundary_siblings.empty() && c.dropped_outside > kept) {
    std::string list;
    for (std::size_t i = 0; i < c.boundary_siblings.size() && i < 12; ++i)
      list += (i ? ", " : "") + c.boundary_siblings[i];
    if (c.boundary_siblings.size() > 12) list += ", ...";
    if (it.status == "ok") it.status = "warn";
    it.message =
        "the extract holds " + std::to_string(c.boundary_siblings.size() + 1) + " areas of admin_level " +
        std::to_string(c.boundary_admin_level) + ": " + c.name + " (taken, " + std::to_string(kept) +
        " objects) and " + list + " (" + std::to_string(c.dropped_outside) +
        " objects dropped); choose one with [county] boundary_name = \"NAME\", or take the whole extract "
        "with county_admin_level = -1";
  } else if (c.dropped_outside > kept && it.status == "ok") {
    it.status = "warn";
    it.message =
        "the boundary keeps " + std::to_string(kept) + " objects and drops " +
        std::to_string(c.dropped_outside) +
        " outside it: the extract holds more than this unit; set [county] county_admin_level (-1 for "
        "the whole extract)";
  }
  items.push_back(std::move(it));
}

Item far_item(const PlanState& st) {
  std::size_t far = 0, n = 0;
  for (const auto* v : {&st.demand_snaps, &st.facility_snaps, &st.settlement_snaps})
    for (const network::Snap& s : *v) {
      ++n;
      far += s.far;
    }
  const double share = n ? static_cast<double>(far) / static_cast<double>(n) : 0.0;
  Item it{"far_points", "ok",
          std::to_string(far) + " of " + std::to_string(n) + " points beyond " +
              thousands(st.cfg.snap.far_threshold_m) + " m of a road (" + pct(share) + ")",
          ""};
  if (share >= 0.25) {
    it.status = "fail";
    it.message =
        "a quarter or more of the places are far from any road: the network misses much of the county";
  } else if (share >= 0.05) {
    it.status = "warn";
    it.message = "many places are far from a road: check the extract's roads or the places' coordinates";
  }
  return it;
}

Item network_item(const PlanState& st) {
  const NetworkStats& s = st.car.stats;
  const double share = s.km_before_scc > 0 ? 1.0 - s.km_dropped_scc / s.km_before_scc : 1.0;
  Item it{"network", "ok",
          thousands(s.km_total) + " km of road, " + pct(share) + " in the largest connected part", ""};
  if (share < 0.9) {
    it.status = "warn";
    it.message =
        "more than a tenth of the road length is cut off from the main network (ferries, gated roads, "
        "an extract cut through roads)";
  }
  return it;
}

}  // namespace

void pass_quality(PlanState& st, Context& ctx) {
  const County& c = st.county;
  std::vector<Item> items;
  items.push_back(population_item(c, st.cfg.county));
  items.push_back(dwellings_item(c));
  facility_items(c, st.cfg, items);
  items.push_back(seat_item(c));
  boundary_items(c, st.car.graph, items);
  items.push_back(far_item(st));
  items.push_back(network_item(st));

  std::string verdict = "ok";
  for (const Item& it : items)
    if (rank(it.status) > rank(verdict)) verdict = it.status;

  Outputs o;
  Table& t = o.add(Table("quality", {{"item", FieldType::kString},
                                     {"status", FieldType::kString},
                                     {"value", FieldType::kString},
                                     {"message", FieldType::kString}}));
  Json rows = Json::array();
  std::string not_ok;
  std::size_t n_not_ok = 0;
  for (const Item& it : items) {
    t.add({it.id, it.status, it.value, it.message});
    rows.push_back({{"item", it.id}, {"status", it.status}, {"value", it.value}, {"message", it.message}});
    if (it.status == "ok") continue;
    ++n_not_ok;
    if (!not_ok.empty()) not_ok += "; ";
    not_ok += it.id + " " + it.status + ": " + it.message;
  }
  if (st.cfg.strict && verdict != "ok")
    throw InputError(st.cfg.osm_path, "", "data quality",
                     std::to_string(n_not_ok) + " item(s) not ok (--strict): " + not_ok);
  for (const Item& it : items)
    if (it.status != "ok") ctx.warn("data quality " + it.status + ": " + it.id + ": " + it.message);
  o.section = {{"verdict", verdict}, {"items", rows}};
  merge(st, "quality", o);
}

}  // namespace cs::detail

namespace cs {

std::string quality_verdict(const PlanState& st) {
  const Json& s = st.doc["sections"];
  if (!s.contains("quality")) return "";
  return s["quality"].value("verdict", "");
}

}  // namespace cs
