// The planner's own layers as county objects (user_layers.hpp).
#include "user_layers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include <countyscope/core/limits.hpp>
#include <countyscope/county/geometry.hpp>
#include <countyscope/io/crs.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/vector_source.hpp>

#include "county_seat.hpp"

namespace cs::sources_detail {
namespace {

// The roles each kind reads ("name" first: the one a row must have, when required).
const std::map<std::string, std::vector<std::string>, std::less<>>& kind_roles() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> r = {
      {"settlements", {"name", "name_zh", "name_en", "code", "tier", "population", "unit"}},
      {"facilities", {"name", "service", "capacity", "unit"}},
      {"demand", {"population"}},
      {"units", {"name", "name_zh", "code", "population"}},
      {"boundary", {"name"}},
      {"census", {"name", "code", "population"}},
  };
  return r;
}

// A table read for one spec, with its role columns resolved.
struct Read {
  const LayerSpec& spec;
  VectorTable t;
  std::map<std::string, int, std::less<>> col;  // role -> column index

  explicit Read(const LayerSpec& s) : spec(s) {
    VectorSourceSpec v;
    v.source = s.source;
    v.layer = s.layer;
    v.crs = s.crs;
    v.x = s.x;
    v.y = s.y;
    v.wkt = s.wkt;
    v.label = s.where;
    v.keep_out_of_range = true;
    t = read_vector_source(v);
    for (const auto& [role, column] : s.fields) col[role] = t.require(column, role);
  }
  [[nodiscard]] bool has(std::string_view role) const { return col.count(role) > 0; }
  [[nodiscard]] const std::string& text(const VectorFeature& f, std::string_view role) const {
    static const std::string kEmpty;
    const auto it = col.find(role);
    return it == col.end() ? kEmpty : f.values[static_cast<std::size_t>(it->second)];
  }
  [[nodiscard]] const std::string& column(std::string_view role) const {
    return t.fields[static_cast<std::size_t>(col.find(role)->second)];
  }
  [[noreturn]] void fail(const VectorFeature& f, std::string_view role, const std::string& msg) const {
    throw InputError(t.shown(), f.where, has(role) ? column(role) : std::string(role), msg);
  }
  // A number in range, or NaN when the cell is empty and `optional`.
  double number(const VectorFeature& f, std::string_view role, const Range& range, bool optional) const {
    const std::string& v = text(f, role);
    if (v.empty()) {
      if (optional) return kUnknown;
      fail(f, role, "empty; a " + std::string(range.what) + " is required");
    }
    const auto d = parse_double(v);
    if (!d) fail(f, role, "not a number '" + v + "'");
    if (auto msg = range_problem(*d, range)) fail(f, role, *msg);
    return *d;
  }
  std::string required_text(const VectorFeature& f, std::string_view role) const {
    const std::string& v = text(f, role);
    if (v.empty()) fail(f, role, "empty; every row needs a " + std::string(role));
    return v;
  }
  LonLat point(const VectorFeature& f) const {
    if (!f.point)
      throw InputError(t.shown(), f.where, "geometry",
                       "no location: give x and y columns, a wkt column, or a layer with geometry");
    return *f.point;
  }
};

Tier parse_tier(const Read& r, const VectorFeature& f) {
  const std::string v = lower_ascii(r.text(f, "tier"));
  static const std::map<std::string, Tier, std::less<>> kTiers = {
      {"seat", Tier::kSeat},       {"county seat", Tier::kSeat}, {"县城", Tier::kSeat},
      {"城关镇", Tier::kSeat},     {"town", Tier::kTown},        {"镇", Tier::kTown},
      {"乡", Tier::kTown},         {"集镇", Tier::kTown},        {"街道", Tier::kTown},
      {"village", Tier::kVillage}, {"村", Tier::kVillage},       {"行政村", Tier::kVillage},
      {"自然村", Tier::kVillage},  {"社区", Tier::kVillage},     {"hamlet", Tier::kVillage}};
  const auto it = kTiers.find(v);
  if (it == kTiers.end())
    r.fail(f, "tier",
           "unknown tier '" + r.text(f, "tier") +
               "'; use seat, town or village (or 县城/城关镇, 镇/乡/集镇/街道, 村/行政村/自然村/社区)");
  return it->second;
}

void take_settlements(UserLayers& L, const Read& r) {
  if (!r.has("name"))
    throw InputError(r.spec.where, "", "fields.name", "a settlements layer needs a name column");
  L.settlements.emplace();
  L.settlement_tiers = r.has("tier");
  L.settlements_file = r.t.shown();
  std::size_t seats = 0;
  for (const auto& f : r.t.features) {
    Settlement s;
    s.name = r.required_text(f, "name");
    s.name_zh = r.text(f, "name_zh");
    s.name_en = r.text(f, "name_en");
    s.code = r.text(f, "code");
    s.pos = r.point(f);
    s.tier = r.has("tier") ? parse_tier(r, f) : Tier::kVillage;
    seats += s.tier == Tier::kSeat ? 1 : 0;
    s.place = s.tier == Tier::kVillage ? "village" : "town";
    s.population = r.number(f, "population", limits::kPopulation, true);
    s.origin = f.origin;
    L.settlements->push_back(std::move(s));
    L.settlement_unit.push_back(r.text(f, "unit"));
    L.settlement_where.push_back(f.where);
  }
  if (L.settlements->empty())
    throw InputError(r.t.shown(), "", "", "no rows; a county needs at least its seat");
  if (L.settlement_tiers && seats != 1)
    throw InputError(r.t.shown(), "", r.column("tier"),
                     seats == 0 ? "no row is the seat (tier 'seat' or 县城)"
                                : std::to_string(seats) + " rows are the seat; a county has one");
}

void take_facilities(UserLayers& L, const Read& r, const ServiceTable& services) {
  if (!r.has("service") && r.spec.service.empty())
    throw InputError(
        r.spec.where, "", "service",
        "give the service of every row (service = \"clinic\") or a service column (fields.service)");
  std::optional<std::uint16_t> fixed;
  if (!r.spec.service.empty()) {
    try {
      fixed = services.index(r.spec.service);
    } catch (const Error& e) {
      throw InputError(r.spec.where, "", "service", e.what());
    }
  }
  L.facilities.emplace();
  std::map<std::tuple<std::uint16_t, double, double>, std::string> seen;
  for (const auto& f : r.t.features) {
    Facility x;
    x.name = r.text(f, "name");
    x.pos = r.point(f);
    if (fixed) {
      x.service = *fixed;
    } else {
      const std::string v = r.required_text(f, "service");
      try {
        x.service = services.index(v);
      } catch (const Error& e) {
        r.fail(f, "service", e.what());
      }
    }
    x.capacity = r.number(f, "capacity", limits::kCapacity, true);
    x.origin = f.origin;
    const auto key = std::make_tuple(x.service, x.pos.lon, x.pos.lat);
    if (auto [it, fresh] = seen.emplace(key, f.where); !fresh)
      r.fail(f, "geometry",
             "the same " + services.types[x.service].name + " at the same place as " + it->second);
    L.facilities->push_back(std::move(x));
  }
}

void take_demand(UserLayers& L, const Read& r) {
  if (!r.has("population"))
    throw InputError(r.spec.where, "", "fields.population", "a demand layer needs a population column");
  L.demand.emplace();
  for (const auto& f : r.t.features) {
    DemandPoint d;
    d.pos = r.point(f);
    d.population = r.number(f, "population", limits::kPopulation, false);
    d.floor_area_m2 = d.population;  // the weight the control totals are spread by
    d.origin = f.origin;
    L.demand->push_back(d);
  }
}

void take_units(UserLayers& L, const Read& r) {
  if (!r.has("name")) throw InputError(r.spec.where, "", "fields.name", "a units layer needs a name column");
  L.units.emplace();
  std::map<std::string, std::string, std::less<>> names, codes;
  for (const auto& f : r.t.features) {
    AdminUnit u;
    u.name = r.required_text(f, "name");
    u.code = r.text(f, "code");
    if (f.polygons.empty()) r.fail(f, "geometry", "a unit needs a polygon");
    u.polygons = f.polygons;
    u.population = r.number(f, "population", limits::kPopulation, true);
    if (std::isfinite(u.population)) u.population_source = f.origin;
    u.origin = f.origin;
    if (auto [it, fresh] = names.emplace(u.name, f.where); !fresh)
      r.fail(f, "name", "unit '" + u.name + "' again (first at " + it->second + ")");
    if (!u.code.empty())
      if (auto [it, fresh] = codes.emplace(u.code, f.where); !fresh)
        r.fail(f, "code", "code '" + u.code + "' again (first at " + it->second + ")");
    L.units->push_back(std::move(u));
  }
  if (L.units->empty()) throw InputError(r.t.shown(), "", "", "no units");
  // Ordered by name as the OSM path orders its units: outputs do not depend on the file's feature order.
  std::stable_sort(L.units->begin(), L.units->end(),
                   [](const AdminUnit& a, const AdminUnit& b) { return a.name < b.name; });
}

void take_boundary(UserLayers& L, const Read& r) {
  L.boundary.emplace();
  for (const auto& f : r.t.features) {
    if (f.polygons.empty()) throw InputError(r.t.shown(), f.where, "geometry", "the boundary needs polygons");
    for (const auto& p : f.polygons) L.boundary->push_back(p);
    if (L.boundary_name.empty()) L.boundary_name = r.text(f, "name");
  }
  if (L.boundary->empty()) throw InputError(r.t.shown(), "", "geometry", "no polygon");
}

void take_census(UserLayers& L, const Read& r) {
  if (!r.has("name") && !r.has("code"))
    throw InputError(r.spec.where, "", "fields",
                     "a census table needs a name or code column to join the units");
  if (!r.has("population"))
    throw InputError(r.spec.where, "", "fields.population", "a census table needs a population column");
  L.census_file = r.t.shown();
  std::map<std::string, std::string, std::less<>> seen;
  for (const auto& f : r.t.features) {
    CensusTotal c;
    c.name = r.text(f, "name");
    c.code = r.text(f, "code");
    if (c.name.empty() && c.code.empty())
      r.fail(f, r.has("code") ? "code" : "name", "empty; the row joins no unit");
    c.population = r.number(f, "population", limits::kPopulation, false);
    c.origin = f.origin;
    const std::string key = c.code.empty() ? "name " + c.name : "code " + c.code;
    if (auto [it, fresh] = seen.emplace(key, f.where); !fresh)
      r.fail(f, c.code.empty() ? "name" : "code", key + " again (first at " + it->second + ")");
    L.census.push_back(std::move(c));
  }
}

}  // namespace

UserLayers read_user_layers(const CountyConfig& cfg, const ServiceTable& services) {
  UserLayers L;
  std::map<std::string, std::string, std::less<>> kinds;
  for (const LayerSpec& spec : cfg.layers) {
    const auto roles = kind_roles().find(spec.kind);
    if (roles == kind_roles().end())
      throw InputError(spec.where, "", "layers",
                       "unknown layer kind '" + spec.kind +
                           "'; valid: settlements, facilities, demand, units, boundary, census");
    for (const auto& [role, column] : spec.fields)
      if (std::find(roles->second.begin(), roles->second.end(), role) == roles->second.end()) {
        std::string valid;
        for (const auto& v : roles->second) valid += (valid.empty() ? "" : ", ") + v;
        throw InputError(spec.where, "", "fields." + role,
                         "unknown field; valid for " + spec.kind + ": " + valid);
      }
    const Read r(spec);
    for (const auto& f : r.t.features)
      if (f.raw) L.raw[spec.kind].push_back(*f.raw);
    L.crs_read[spec.kind] = r.t.crs;
    if (spec.kind == "settlements") take_settlements(L, r);
    if (spec.kind == "facilities") take_facilities(L, r, services);
    if (spec.kind == "demand") take_demand(L, r);
    if (spec.kind == "units") take_units(L, r);
    if (spec.kind == "boundary") take_boundary(L, r);
    if (spec.kind == "census") take_census(L, r);
    L.summary.emplace_back(spec.kind, r.t.file + " (" + std::to_string(r.t.features.size()) + " rows" +
                                          (r.t.crs.empty() || spec.kind == "census" ? "" : ", " + r.t.crs) +
                                          ")");
  }
  return L;
}

namespace {

struct Box {
  double w = 1e300, s = 1e300, e = -1e300, n = -1e300;
  void add(LonLat p) {
    w = std::min(w, p.lon);
    e = std::max(e, p.lon);
    s = std::min(s, p.lat);
    n = std::max(n, p.lat);
  }
  [[nodiscard]] bool valid() const { return w <= e; }
  // Inside the box grown by `m` metres.
  [[nodiscard]] bool near(LonLat p, double m) const {
    const double dlat = m / 111320.0;
    const double dlon = m / (111320.0 * std::max(0.05, std::cos((s + n) / 2 * M_PI / 180)));
    return p.lon >= w - dlon && p.lon <= e + dlon && p.lat >= s - dlat && p.lat <= n + dlat;
  }
};

std::string crs_hint(const UserLayers& L, const std::string& kind, const Box& box) {
  const auto raw = L.raw.find(kind);
  if (raw == L.raw.end()) return "";
  const auto guesses = guess_crs(raw->second, box.w, box.s, box.e, box.n);
  std::string read_in = L.crs_read.count(kind) ? L.crs_read.at(kind) : "";
  std::string s = " They were read in " + (read_in.empty() ? std::string("EPSG:4326") : read_in);
  if (guesses.empty()) return s + "; no CRS PROJ knows puts them inside the county";
  s += "; they fall inside it as ";
  for (std::size_t i = 0; i < guesses.size(); ++i) s += (i ? " or " : "") + guesses[i];
  return s;
}

template <class T>
void clip_layer(std::vector<T>& objs, const std::string& kind, const UserLayers& L, const County& c,
                const Box& box, std::size_t& dropped, std::vector<std::string>* keep_aligned = nullptr,
                std::vector<std::string>* keep_aligned2 = nullptr) {
  std::size_t far = 0;
  const T* first_far = nullptr;
  for (const T& o : objs)
    if (!box.near(o.pos, 2000)) {
      ++far;
      if (!first_far) first_far = &o;
    }
  if (far) {
    const auto raw = L.raw.find(kind);
    std::string at;
    if (raw != L.raw.end() && !raw->second.empty()) {
      const std::size_t k = static_cast<std::size_t>(first_far - objs.data());
      const auto& xy = raw->second[std::min(k, raw->second.size() - 1)];
      at = " (this one " + format_number(xy.first) + ", " + format_number(xy.second) + " as written)";
    }
    throw InputError(first_far->origin, "", "geometry",
                     std::to_string(far) + " of " + std::to_string(objs.size()) + " " + kind +
                         " lie outside the county" + at + ": is the layer's crs right?" +
                         crs_hint(L, kind, box));
  }
  std::vector<T> kept;
  std::vector<std::string> k1, k2;
  for (std::size_t i = 0; i < objs.size(); ++i) {
    if (!c.boundary.empty() && !point_in_multipolygon(objs[i].pos, c.boundary)) {
      ++dropped;
      continue;
    }
    kept.push_back(std::move(objs[i]));
    if (keep_aligned) k1.push_back((*keep_aligned)[i]);
    if (keep_aligned2) k2.push_back((*keep_aligned2)[i]);
  }
  if (kept.empty() && !objs.empty())
    throw InputError(objs.front().origin, "", "geometry",
                     "every one of the " + kind +
                         " lies outside the county boundary: is the layer's crs right?" +
                         crs_hint(L, kind, box));
  objs = std::move(kept);
  if (keep_aligned) *keep_aligned = std::move(k1);
  if (keep_aligned2) *keep_aligned2 = std::move(k2);
}

}  // namespace

void check_user_points_inside(UserLayers& L, County& c) {
  Box box;
  for (const auto& poly : c.boundary)
    for (const auto& p : poly.front()) box.add(p);
  if (!box.valid()) return;  // no boundary: nothing to check against
  if (L.settlements)
    clip_layer(*L.settlements, "settlements", L, c, box, c.dropped_outside, &L.settlement_unit,
               &L.settlement_where);
  if (L.facilities) clip_layer(*L.facilities, "facilities", L, c, box, c.dropped_outside);
  if (L.demand) clip_layer(*L.demand, "demand", L, c, box, c.dropped_outside);
}

void join_census(County& c, const UserLayers& L) {
  if (L.census.empty()) return;
  std::map<std::string, int, std::less<>> by_code, by_name;
  for (std::size_t u = 0; u < c.units.size(); ++u) {
    if (!c.units[u].code.empty()) by_code.emplace(c.units[u].code, static_cast<int>(u));
    by_name.emplace(c.units[u].name, static_cast<int>(u));
    by_name.emplace(lower_ascii(c.units[u].name), static_cast<int>(u));
  }
  std::vector<std::string> unmatched;
  std::vector<std::string> taken(c.units.size());
  for (const CensusTotal& t : L.census) {
    int u = -1;
    if (!t.code.empty())
      if (auto it = by_code.find(t.code); it != by_code.end()) u = it->second;
    if (u < 0 && !t.name.empty()) {
      if (auto it = by_name.find(t.name); it != by_name.end())
        u = it->second;
      else if (auto jt = by_name.find(lower_ascii(t.name)); jt != by_name.end())
        u = jt->second;
    }
    if (u < 0) {
      unmatched.push_back(t.name.empty() ? "code " + t.code : "'" + t.name + "'");
      continue;
    }
    auto& slot = taken[static_cast<std::size_t>(u)];
    if (!slot.empty())
      throw InputError(
          t.origin, "", "name",
          "unit '" + c.units[static_cast<std::size_t>(u)].name + "' already has its total from " + slot);
    slot = t.origin;
    c.units[static_cast<std::size_t>(u)].population = t.population;
    c.units[static_cast<std::size_t>(u)].population_source = t.origin;
  }
  if (!unmatched.empty()) {
    std::string names, units;
    for (std::size_t i = 0; i < unmatched.size() && i < 12; ++i) names += (i ? ", " : "") + unmatched[i];
    if (unmatched.size() > 12) names += ", ...";
    for (std::size_t i = 0; i < c.units.size() && i < 12; ++i) units += (i ? ", " : "") + c.units[i].name;
    if (c.units.size() > 12) units += ", ...";
    throw InputError(L.census_file, "", "name",
                     std::to_string(unmatched.size()) + " rows match no unit of the county: " + names +
                         " (units: " + (units.empty() ? "none" : units) + ")");
  }
  c.census_rows = L.census.size();
}

void check_settlement_names(const County& c, const UserLayers& L) {
  if (!L.settlements) return;
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  for (std::size_t i = 0; i < c.settlements.size() && i < L.settlement_unit.size(); ++i) {
    const Settlement& s = c.settlements[i];
    std::string unit = L.settlement_unit[i];
    if (unit.empty() && s.unit >= 0) unit = c.units[static_cast<std::size_t>(s.unit)].name;
    if (auto [it, fresh] = seen.emplace(std::make_pair(unit, s.name), i); !fresh)
      throw InputError(L.settlements_file, L.settlement_where[i], "name",
                       "two settlements named '" + s.name + "' in " +
                           (unit.empty() ? "the county" : "unit '" + unit + "'") + " (also " +
                           L.settlement_where[it->second] + "); give them distinct names or their codes");
  }
}

}  // namespace cs::sources_detail
