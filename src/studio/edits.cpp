// Studio edits: JSON -> a scenario fragment checked by the scenario file's own parser, and a scenario back
// to the TOML file `countyscope plan` reads (session.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/studio/session.hpp>

namespace cs::studio {

namespace {

[[noreturn]] void bad(std::string_view field, const std::string& msg) {
  throw UsageError("edit: field '" + std::string(field) + "': " + msg);
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// Shortest text that reads back as the same double (TOML float or integer syntax).
std::string toml_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

std::string toml_value(const Json& v, std::string_view field) {
  if (v.is_string()) return toml_string(v.get<std::string>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) bad(field, "integer out of range");
    return std::to_string(u);
  }
  if (v.is_number_float()) return toml_number(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i].is_array() || v[i].is_object()) bad(field, "give a flat list");
      out += (i ? ", " : "") + toml_value(v[i], field);
    }
    return out + "]";
  }
  bad(field, v.is_null() ? "must not be null" : "must not be an object");
}

// One [[table]] entry of the JSON's fields (except "kind"), parsed by flows::parse_scenario: the same checks
// and messages as a scenario file ("edit: facility[1], field 'at': ...").
flows::Scenario fragment(const std::string& table, const Json& j, const std::vector<std::string>& drop = {}) {
  std::string text = "[[" + table + "]]\n";
  for (const auto& [key, v] : j.items()) {
    if (key == "kind" || std::find(drop.begin(), drop.end(), key) != drop.end()) continue;
    text += toml_string(key) + " = " + toml_value(v, key) + "\n";
  }
  return flows::parse_scenario(text, "edit");
}

std::string text_field(const Json& j, const char* key) {
  if (!j.contains(key)) return {};
  if (!j[key].is_string()) bad(key, "must be a string");
  return j[key].get<std::string>();
}

std::string point_text(LonLat p) { return "[" + number_text(p.lon) + ", " + number_text(p.lat) + "]"; }

Edit move_edit(const Json& j, const County& county) {
  for (const auto& [key, v] : j.items())
    if (key != "kind" && key != "action" && key != "name" && key != "osm_id" && key != "to")
      bad(key, "unknown key; valid keys: action, name, osm_id, to");
  std::int64_t osm_id = 0;
  if (j.contains("osm_id")) {
    if (!j["osm_id"].is_number_integer()) bad("osm_id", "must be an integer");
    osm_id = j["osm_id"].get<std::int64_t>();
  }
  const std::string name = text_field(j, "name");
  if (osm_id == 0 && name.empty()) bad("name", "give the facility's name or osm_id to move");
  std::vector<const Facility*> hits;
  for (const Facility& f : county.facilities)
    if ((osm_id != 0 && f.osm_id == osm_id) || (osm_id == 0 && f.name == name)) hits.push_back(&f);
  const std::string which = osm_id ? "osm_id " + std::to_string(osm_id) : "named '" + name + "'";
  if (hits.empty()) bad(osm_id ? "osm_id" : "name", "no facility " + which + " to move");
  if (hits.size() > 1)
    bad(osm_id ? "osm_id" : "name",
        std::to_string(hits.size()) + " facilities " + which + "; give its osm_id");
  const Facility& f = *hits[0];
  if (!j.contains("to")) bad("to", "missing; give [lon, lat]");
  Json close = {{"action", "close"}};
  if (osm_id)
    close["osm_id"] = osm_id;
  else
    close["name"] = name;
  Json open = {{"action", "open"},
               {"service", county.services.types[f.service].name},
               {"name", f.name.empty() ? "moved " + county.services.types[f.service].name : f.name},
               {"at", j["to"]}};
  if (std::isfinite(f.capacity)) open["capacity"] = f.capacity;
  Edit e;
  e.kind = "facility";
  e.change = fragment("facility", close);
  const flows::Scenario o = fragment("facility", open);
  e.change.facilities.push_back(o.facilities[0]);
  e.label = "move " + which + " to " + point_text(o.facilities[0].at);
  return e;
}

}  // namespace

Edit parse_edit(const Json& j, const County& current) {
  if (!j.is_object()) throw UsageError("edit: give a JSON object with a 'kind'");
  const std::string kind = text_field(j, "kind");
  Edit e;
  e.kind = kind;
  if (kind == "facility") {
    const std::string action = text_field(j, "action");
    if (action == "move") return move_edit(j, current);
    e.change = fragment("facility", j);
    const flows::FacilityChange& f = e.change.facilities[0];
    e.label = f.open ? "open " + f.service + " '" + f.name + "' at " + point_text(f.at)
                     : "close " + (f.osm_id ? "osm_id " + std::to_string(f.osm_id) : "'" + f.name + "'");
  } else if (kind == "place" || kind == "unit") {
    e.change = fragment(kind, j);
    const auto label = [](const auto& p) {
      return "'" + p.name + "'" + (p.population ? " population " + number_text(*p.population) : "") +
             (p.jobs ? " jobs " + number_text(*p.jobs) : "");
    };
    e.label = kind == "place" ? label(e.change.places[0]) : "unit " + label(e.change.units[0]);
  } else if (kind == "road") {
    e.change = fragment("upgrade", j);
    const flows::WayUpgrade& u = e.change.upgrades[0];
    std::string ways;
    for (const auto w : u.ways) ways += (ways.empty() ? "" : ",") + std::to_string(w);
    e.label = (u.speed_kmh == 0 ? "close way " + ways
                                : "way " + ways + " at " + number_text(u.speed_kmh) + " km/h");
  } else if (kind == "link") {
    e.change = fragment("link", j);
    const flows::NewLink& l = e.change.links[0];
    e.label = "new road " + point_text(l.from) + " - " + point_text(l.to) + " at " +
              number_text(l.speed_kmh) + " km/h";
  } else if (kind == "standard") {
    e.change = fragment("standard", j);
    const flows::StandardChange& c = e.change.standards[0];
    e.label = "standard " + c.id + " threshold " + number_text(c.threshold);
  } else {
    throw UsageError(
        "edit: field 'kind': " +
        (j.contains("kind") && !j["kind"].is_string()
             ? std::string("must be a string")
             : "unknown value '" + kind + "'; expected one of: facility, place, unit, road, link, standard"));
  }
  return e;
}

std::string scenario_toml(const flows::Scenario& sc) {
  std::string t =
      "# A countyscope scenario saved by the studio (docs/studio.md); format: docs/flows.md \"Scenarios\".\n";
  t += "name = " + toml_string(sc.name) + "\n";
  if (!sc.description.empty()) t += "description = " + toml_string(sc.description) + "\n";
  for (const auto& u : sc.upgrades) {
    t += "\n[[upgrade]]\nways = [";
    for (std::size_t i = 0; i < u.ways.size(); ++i) t += (i ? ", " : "") + std::to_string(u.ways[i]);
    t += "]\nspeed_kmh = " + toml_number(u.speed_kmh) + "\n";
  }
  const auto point = [](LonLat p) { return "[" + toml_number(p.lon) + ", " + toml_number(p.lat) + "]"; };
  for (const auto& l : sc.links) {
    t += "\n[[link]]\n";
    if (!l.name.empty()) t += "name = " + toml_string(l.name) + "\n";
    t += "from = " + point(l.from) + "\nto = " + point(l.to) + "\nspeed_kmh = " + toml_number(l.speed_kmh) +
         "\n";
  }
  for (const auto& f : sc.facilities) {
    t += "\n[[facility]]\naction = " + std::string(f.open ? "\"open\"" : "\"close\"") + "\n";
    if (!f.name.empty()) t += "name = " + toml_string(f.name) + "\n";
    if (f.osm_id != 0) t += "osm_id = " + std::to_string(f.osm_id) + "\n";
    if (f.open) {
      t += "service = " + toml_string(f.service) + "\nat = " + point(f.at) + "\n";
      if (std::isfinite(f.capacity)) t += "capacity = " + toml_number(f.capacity) + "\n";
    }
  }
  const auto masses = [&](const char* table, const auto& list) {
    for (const auto& p : list) {
      t += "\n[[" + std::string(table) + "]]\nname = " + toml_string(p.name) + "\n";
      if (p.population) t += "population = " + toml_number(*p.population) + "\n";
      if (p.jobs) t += "jobs = " + toml_number(*p.jobs) + "\n";
    }
  };
  masses("place", sc.places);
  masses("unit", sc.units);
  for (const auto& c : sc.standards)
    t += "\n[[standard]]\nid = " + toml_string(c.id) + "\nthreshold = " + toml_number(c.threshold) + "\n";
  return t;
}

}  // namespace cs::studio
