// Scenario files and their application to the road graph and the county (see scenario.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <type_traits>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/io/output.hpp>

namespace cs::flows {

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& where, const std::string& field,
                      const std::string& msg) {
  throw InputError(file, where, field, msg);
}

// One table of the scenario file (the top level or one [[upgrade]] / [[link]] / ... entry) read through the
// registry's TomlDocument; errors name the file, the entry ("upgrade[2]") and the key as the user wrote them.
struct Entry {
  const TomlSection& t;
  const std::string& file;
  std::string where;

  void check_keys(const std::vector<std::string>& valid) const {
    for (const auto& k : t.keys())
      if (std::find(valid.begin(), valid.end(), k) == valid.end())
        bad(file, where, k, "unknown key; valid keys: " + opt::join(valid));
  }
  [[nodiscard]] double number(const char* key, bool required, double fallback) const {
    const Json v = t.json(key);
    if (v.is_null()) {
      if (required) bad(file, where, key, "missing");
      return fallback;
    }
    if (!v.is_number()) bad(file, where, key, "must be a number");
    const double x = v.get<double>();
    if (!std::isfinite(x)) bad(file, where, key, "must be a finite number");
    return x;
  }
  [[nodiscard]] std::string text(const char* key, bool required) const {
    const Json v = t.json(key);
    if (v.is_null()) {
      if (required) bad(file, where, key, "missing");
      return {};
    }
    if (!v.is_string()) bad(file, where, key, "must be a string");
    return v.get<std::string>();
  }
  [[nodiscard]] LonLat point(const char* key) const {
    const Json a = t.json(key);
    if (!a.is_array()) bad(file, where, key, "missing; give [lon, lat]");
    if (a.size() != 2) bad(file, where, key, "give [lon, lat]");
    const bool numbers = a[0].is_number() && a[1].is_number();
    const double lon = numbers ? a[0].get<double>() : 0, lat = numbers ? a[1].get<double>() : 0;
    if (!numbers || !in_range(lon, limits::kLongitude) || !in_range(lat, limits::kLatitude))
      bad(file, where, key,
          "give [lon, lat] in WGS-84 degrees" +
              (numbers ? ", got [" + number_text(lon) + ", " + number_text(lat) + "]" : std::string()));
    return {lon, lat};
  }
};

std::vector<TomlSection> entries(const TomlSection& root, const char* key, const std::string& file) {
  const Json v = root.json(key);
  if (!v.is_null() && !(v.is_array() && !v.empty() &&
                        std::all_of(v.begin(), v.end(), [](const Json& x) { return x.is_object(); })))
    bad(file, "", key, "must be an array of tables ([[" + std::string(key) + "]])");
  return root.tables(key);
}

std::string entry_name(const char* k, std::size_t i) {
  return std::string(k) + "[" + std::to_string(i + 1) + "]";
}

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& file) {
  const TomlDocument doc = TomlDocument::parse(text, file);
  const TomlSection root = doc.root();
  const Entry top{root, file, ""};
  top.check_keys({"name", "description", "name_zh", "description_zh", "upgrade", "link", "facility", "place",
                  "unit", "standard"});
  Scenario s;
  s.file = file;
  s.name = top.text("name", false);
  s.description = top.text("description", false);
  s.name_zh = top.text("name_zh", false);
  s.description_zh = top.text("description_zh", false);
  if (s.name.empty()) s.name = "scenario";
  const auto upgrades = entries(root, "upgrade", file);
  for (std::size_t i = 0; i < upgrades.size(); ++i) {
    const Entry e{upgrades[i], file, entry_name("upgrade", i)};
    e.check_keys({"ways", "speed_kmh"});
    WayUpgrade u;
    const Json ways = e.t.json("ways");
    if (!ways.is_array() || ways.empty()) bad(file, e.where, "ways", "give a non-empty list of OSM way ids");
    for (const auto& x : ways) {
      if (!x.is_number_integer()) bad(file, e.where, "ways", "OSM way ids must be integers");
      u.ways.push_back(x.get<std::int64_t>());
    }
    u.speed_kmh = e.number("speed_kmh", true, 0);
    if (u.speed_kmh < 0 || u.speed_kmh > 200)
      bad(file, e.where, "speed_kmh", "must be in [0, 200] (0 closes the ways)");
    s.upgrades.push_back(std::move(u));
  }
  const auto links = entries(root, "link", file);
  for (std::size_t i = 0; i < links.size(); ++i) {
    const Entry e{links[i], file, entry_name("link", i)};
    e.check_keys({"name", "from", "to", "speed_kmh"});
    NewLink l;
    l.name = e.text("name", false);
    l.from = e.point("from");
    l.to = e.point("to");
    l.speed_kmh = e.number("speed_kmh", false, 50.0);
    if (!(l.speed_kmh > 0) || l.speed_kmh > 200) bad(file, e.where, "speed_kmh", "must be in (0, 200]");
    s.links.push_back(std::move(l));
  }
  const auto facilities = entries(root, "facility", file);
  for (std::size_t i = 0; i < facilities.size(); ++i) {
    const Entry e{facilities[i], file, entry_name("facility", i)};
    e.check_keys({"action", "name", "osm_id", "service", "at", "capacity"});
    FacilityChange f;
    const std::string action = e.text("action", true);
    if (action != "open" && action != "close")
      bad(file, e.where, "action", "unknown value '" + action + "'; expected one of: open, close");
    f.open = action == "open";
    f.name = e.text("name", false);
    if (const Json id = e.t.json("osm_id"); !id.is_null()) {
      if (!id.is_number_integer()) bad(file, e.where, "osm_id", "must be an integer");
      f.osm_id = id.get<std::int64_t>();
    }
    if (f.open) {
      f.service = e.text("service", true);
      f.at = e.point("at");
      f.capacity = e.number("capacity", false, kUnknown);
      if (e.t.has("capacity"))
        if (auto msg = range_problem(f.capacity, limits::kCapacity)) bad(file, e.where, "capacity", *msg);
      if (f.name.empty()) f.name = "new " + f.service;
    } else if (f.name.empty() && f.osm_id == 0) {
      bad(file, e.where, "name", "give the facility's name or osm_id to close");
    }
    s.facilities.push_back(std::move(f));
  }
  // [[place]] and [[unit]]: a name, population and/or jobs.
  const auto masses = [&](const char* key, auto& out) {
    const auto list = entries(root, key, file);
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Entry e{list[i], file, entry_name(key, i)};
      e.check_keys({"name", "population", "jobs"});
      typename std::remove_reference_t<decltype(out)>::value_type p;
      p.name = e.text("name", true);
      if (e.t.has("population")) {
        p.population = e.number("population", true, 0);
        if (auto msg = range_problem(*p.population, limits::kPopulation))
          bad(file, e.where, "population", *msg);
      }
      if (e.t.has("jobs")) {
        p.jobs = e.number("jobs", true, 0);
        if (auto msg = range_problem(*p.jobs, limits::kPopulation)) bad(file, e.where, "jobs", *msg);
      }
      if (!p.population && !p.jobs) bad(file, e.where, "population", "give population and/or jobs");
      out.push_back(std::move(p));
    }
  };
  masses("place", s.places);
  masses("unit", s.units);
  const auto standards = entries(root, "standard", file);
  for (std::size_t i = 0; i < standards.size(); ++i) {
    const Entry e{standards[i], file, entry_name("standard", i)};
    e.check_keys({"id", "threshold"});
    StandardChange c;
    c.id = e.text("id", true);
    if (c.id.empty()) bad(file, e.where, "id", "give the standard's id");
    c.threshold = e.number("threshold", true, 0);
    if (c.threshold < 0 || c.threshold > 1e9) bad(file, e.where, "threshold", "must be in [0, 1e9]");
    s.standards.push_back(std::move(c));
  }
  return s;
}

Scenario load_scenario(const std::string& path) { return parse_scenario(read_file(path), path); }

network::RoadGraph apply_network_changes(const network::RoadGraph& g, const Scenario& s,
                                         NetworkChangeReport* report) {
  NetworkChangeReport rep;
  const std::size_t ne = g.edge_count();
  // Per-edge weights by direction from the arcs.
  std::vector<Weight> wf(ne, kInfWeight), wb(ne, kInfWeight);
  for (std::size_t a = 0; a < g.arc_count(); ++a) {
    const bool fwd = g.arc_forward[a] != 0;
    (fwd != g.reversed ? wf : wb)[g.arc_edge[a]] = g.weight[a];
  }
  std::vector<float> speed(g.edge_speed_kmh);
  std::vector<std::uint8_t> dirs(g.edge_dirs);
  std::map<std::int64_t, std::vector<std::uint32_t>> by_way;
  for (std::uint32_t e = 0; e < ne; ++e) by_way[g.edge_way[e]].push_back(e);
  std::vector<std::uint8_t> changed(ne, 0);
  for (std::size_t u = 0; u < s.upgrades.size(); ++u)
    for (std::int64_t way : s.upgrades[u].ways) {
      const auto it = by_way.find(way);
      if (it == by_way.end())
        throw InputError(s.file, "upgrade[" + std::to_string(u + 1) + "]", "ways",
                         "way " + std::to_string(way) + " is not in the road graph");
      const auto sp = static_cast<float>(s.upgrades[u].speed_kmh);
      for (std::uint32_t e : it->second) {
        if (sp == 0.0f) {
          if (dirs[e] != 0) {
            dirs[e] = 0;
            changed[e] = 1;
            ++rep.edges_closed;
          }
          continue;
        }
        if (sp == speed[e]) continue;  // a no-op leaves the weights untouched
        const Weight w = network::travel_ms(g.edge_length_m[e], sp);
        if (dirs[e] & 1) wf[e] = w;
        if (dirs[e] & 2) wb[e] = w;
        speed[e] = sp;
        changed[e] = 1;
        ++rep.edges_changed;
      }
    }
  network::GraphBuilder b(g.profile);
  for (std::size_t v = 0; v < g.node_count(); ++v) b.add_node(g.node_coord[v], g.node_osm_id[v]);
  std::vector<std::uint32_t> new_id(ne, std::numeric_limits<std::uint32_t>::max());
  for (std::uint32_t e = 0; e < ne; ++e) {
    if (dirs[e] == 0) continue;
    new_id[e] = b.add_edge(g.edge_from[e], g.edge_to[e], g.edge_shape(e), g.edge_class[e], speed[e],
                           g.edge_way[e], dirs[e], (dirs[e] & 1) ? wf[e] : kInfWeight,
                           (dirs[e] & 2) ? wb[e] : kInfWeight, g.edge_length_m[e]);
    if (changed[e]) rep.changed_edges.push_back(new_id[e]);
  }
  auto nearest = [&](LonLat p) {
    NodeId best = kNoNode;
    double bd = std::numeric_limits<double>::infinity();
    for (NodeId v = 0; v < g.node_count(); ++v) {
      const double d = network::haversine_m(p, g.node_coord[v]);
      if (d < bd) {
        bd = d;
        best = v;
      }
    }
    return best;
  };
  for (std::size_t l = 0; l < s.links.size(); ++l) {
    const NewLink& k = s.links[l];
    const NodeId u = nearest(k.from), v = nearest(k.to);
    if (u == kNoNode || u == v)
      throw InputError(s.file, "link[" + std::to_string(l + 1) + "]", "to",
                       "both ends snap to the same road node; move the points apart");
    const double len = network::haversine_m(g.node_coord[u], g.node_coord[v]);
    const Weight w = network::travel_ms(len, k.speed_kmh);
    const std::uint32_t id = b.add_edge(u, v, {}, k.road_class, static_cast<float>(k.speed_kmh),
                                        -static_cast<std::int64_t>(l + 1), 3, w, w, len);
    rep.changed_edges.push_back(id);
    rep.link_nodes.push_back({u, v});
    ++rep.links_added;
  }
  if (report) *report = std::move(rep);
  if (!s.changes_network()) return g;  // nothing to rebuild: the same graph, bit for bit
  return std::move(b).finish();
}

County apply_place_changes(const County& c, const Scenario& s, std::vector<double>* jobs_override) {
  County out = c;
  if (jobs_override) jobs_override->assign(c.settlements.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 0; i < s.units.size(); ++i) {
    const UnitChange& u = s.units[i];
    const std::string w = "unit[" + std::to_string(i + 1) + "]";
    std::vector<std::size_t> hits;
    for (std::size_t k = 0; k < out.units.size(); ++k)
      if (out.units[k].name == u.name) hits.push_back(k);
    if (hits.empty()) throw InputError(s.file, w, "name", "no administrative unit named '" + u.name + "'");
    if (hits.size() > 1)
      throw InputError(s.file, w, "name",
                       std::to_string(hits.size()) + " administrative units are named '" + u.name + "'");
    const int unit = static_cast<int>(hits[0]);
    AdminUnit& a = out.units[hits[0]];
    if (u.population) {
      double old = 0;
      for (const DemandPoint& d : out.demand)
        if (d.unit == unit) old += d.population;
      if (!(old > 0))
        throw InputError(s.file, w, "population",
                         "unit '" + u.name + "' has no resident demand point to spread the population over");
      const double f = *u.population / old;
      for (DemandPoint& d : out.demand)
        if (d.unit == unit) d.population *= f;
      for (Settlement& x : out.settlements)
        if (x.unit == unit) {
          if (std::isfinite(x.population)) x.population *= f;
          x.population_est *= f;
        }
      a.population = *u.population;
      a.population_est = *u.population;
    }
    if (u.jobs && jobs_override) {
      double sum = 0;
      std::size_t n = 0;
      for (const Settlement& x : out.settlements)
        if (x.unit == unit) {
          sum += x.population_est;
          ++n;
        }
      if (n == 0)
        throw InputError(s.file, w, "jobs", "unit '" + u.name + "' has no settlement to give the jobs to");
      for (std::size_t k = 0; k < out.settlements.size(); ++k)
        if (out.settlements[k].unit == unit)
          (*jobs_override)[k] =
              sum > 0 ? *u.jobs * out.settlements[k].population_est / sum : *u.jobs / static_cast<double>(n);
    }
  }
  for (std::size_t i = 0; i < s.places.size(); ++i) {
    const PlaceChange& p = s.places[i];
    auto it = std::find_if(out.settlements.begin(), out.settlements.end(),
                           [&](const Settlement& x) { return x.name == p.name; });
    if (it == out.settlements.end())
      throw InputError(s.file, "place[" + std::to_string(i + 1) + "]", "name",
                       "no settlement named '" + p.name + "' in the county");
    if (p.population) {
      it->population = *p.population;
      it->population_est = *p.population;
    }
    if (p.jobs && jobs_override)
      (*jobs_override)[static_cast<std::size_t>(it - out.settlements.begin())] = *p.jobs;
  }
  for (std::size_t i = 0; i < s.facilities.size(); ++i) {
    const FacilityChange& f = s.facilities[i];
    const std::string w = "facility[" + std::to_string(i + 1) + "]";
    if (f.open) {
      std::size_t svc = out.services.types.size();
      std::string valid;
      for (std::size_t k = 0; k < out.services.types.size(); ++k) {
        if (out.services.types[k].name == f.service) svc = k;
        valid += (valid.empty() ? "" : ", ") + out.services.types[k].name;
      }
      if (svc == out.services.types.size())
        throw InputError(s.file, w, "service",
                         "unknown service type '" + f.service + "'; expected one of: " + valid);
      Facility nf;
      nf.name = f.name;
      nf.pos = f.at;
      nf.service = static_cast<std::uint16_t>(svc);
      nf.capacity = f.capacity;
      nf.osm_id = 0;
      out.facilities.push_back(nf);
    } else {
      const auto before = out.facilities.size();
      std::erase_if(out.facilities, [&](const Facility& x) {
        return (f.osm_id != 0 && x.osm_id == f.osm_id) || (f.osm_id == 0 && x.name == f.name);
      });
      if (out.facilities.size() == before)
        throw InputError(
            s.file, w, f.osm_id ? "osm_id" : "name",
            "no facility " + (f.osm_id ? std::to_string(f.osm_id) : "named '" + f.name + "'") + " to close");
    }
  }
  return out;
}

Json scenario_to_json(const Scenario& s) {
  Json up = Json::array(), links = Json::array(), fac = Json::array(), pl = Json::array();
  for (const auto& u : s.upgrades) up.push_back({{"ways", u.ways}, {"speed_kmh", u.speed_kmh}});
  for (const auto& l : s.links)
    links.push_back({{"name", l.name},
                     {"from", {l.from.lon, l.from.lat}},
                     {"to", {l.to.lon, l.to.lat}},
                     {"speed_kmh", l.speed_kmh}});
  for (const auto& f : s.facilities)
    fac.push_back({{"action", f.open ? "open" : "close"}, {"name", f.name}, {"service", f.service}});
  for (const auto& p : s.places)
    pl.push_back({{"name", p.name},
                  {"population", p.population ? Json(*p.population) : Json()},
                  {"jobs", p.jobs ? Json(*p.jobs) : Json()}});
  Json units = Json::array(), standards = Json::array();
  for (const auto& u : s.units)
    units.push_back({{"name", u.name},
                     {"population", u.population ? Json(*u.population) : Json()},
                     {"jobs", u.jobs ? Json(*u.jobs) : Json()}});
  for (const auto& c : s.standards) standards.push_back({{"id", c.id}, {"threshold", c.threshold}});
  Json out = {{"name", s.name},    {"description", s.description},
              {"upgrades", up},    {"links", links},
              {"facilities", fac}, {"places", pl}};
  if (!s.name_zh.empty()) out["name_zh"] = s.name_zh;
  if (!s.description_zh.empty()) out["description_zh"] = s.description_zh;
  // Only when present: a scenario without them keeps its section as it was.
  if (!s.units.empty()) out["units"] = std::move(units);
  if (!s.standards.empty()) out["standards"] = std::move(standards);
  return out;
}

}  // namespace cs::flows
