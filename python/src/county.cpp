// countyscope._core county: the county model as a data scientist handles it (docs/python.md, "The county
// model"). County.load reads a county as `countyscope plan` does (the plan file, then keyword options of
// [county]); its settlements, facilities, demand points and units are columns of NumPy arrays (strings as
// object arrays) to inspect, replace and pass back to plan(). A replaced layer is checked row by row (one
// line naming the layer, row, name and field), then the county's links and population are derived again by
// the engine's own rule (county/county.hpp, allocate_population): units by point in polygon, each demand
// point's nearest settlement, control totals spread over the demand points. A rejected layer leaves the
// county as it was.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <countyscope/county/county.hpp>
#include <countyscope/plan/plan.hpp>

#include "common.hpp"

namespace cs::python {
namespace {

using namespace py::literals;

struct PyCounty {
  cs::County county;
  cs::CountyConfig cfg;  // as loaded: the plan file's [county] and the keyword options
  std::string osm;       // the extract it was read from
  std::string config;    // the plan file ("" = none)
};

// ---- out: columns -----------------------------------------------------------------------------------------

py::array strings(const std::vector<std::string>& v) {
  py::list l;
  for (const auto& s : v) l.append(py::str(s));
  return py::module_::import("numpy").attr("array")(l, "dtype"_a = "object");
}

template <class T, class F>
py::array column(const std::vector<T>& rows, F f) {
  using V = decltype(f(rows.front()));
  std::vector<V> v;
  v.reserve(rows.size());
  for (const auto& r : rows) v.push_back(f(r));
  if constexpr (std::is_same_v<V, std::string>)
    return strings(v);
  else
    return to_numpy(std::move(v));
}

py::dict settlements_of(const cs::County& c) {
  const auto& s = c.settlements;
  py::dict d;
  if (s.empty()) return d;
  d["name"] = column(s, [](const cs::Settlement& x) { return x.name; });
  d["name_zh"] = column(s, [](const cs::Settlement& x) { return x.name_zh; });
  d["name_en"] = column(s, [](const cs::Settlement& x) { return x.name_en; });
  d["lon"] = column(s, [](const cs::Settlement& x) { return x.pos.lon; });
  d["lat"] = column(s, [](const cs::Settlement& x) { return x.pos.lat; });
  d["tier"] = column(s, [](const cs::Settlement& x) { return std::string(cs::tier_name(x.tier)); });
  d["place"] = column(s, [](const cs::Settlement& x) { return x.place; });
  d["code"] = column(s, [](const cs::Settlement& x) { return x.code; });
  d["population"] = column(s, [](const cs::Settlement& x) { return x.population; });
  d["population_est"] = column(s, [](const cs::Settlement& x) { return x.population_est; });
  d["unit"] = column(s, [](const cs::Settlement& x) { return static_cast<std::int32_t>(x.unit); });
  d["origin"] = column(s, [](const cs::Settlement& x) { return cs::origin_of(x); });
  return d;
}

py::dict facilities_of(const cs::County& c) {
  const auto& f = c.facilities;
  py::dict d;
  if (f.empty()) return d;
  d["name"] = column(f, [](const cs::Facility& x) { return x.name; });
  d["lon"] = column(f, [](const cs::Facility& x) { return x.pos.lon; });
  d["lat"] = column(f, [](const cs::Facility& x) { return x.pos.lat; });
  d["service"] = column(f, [&](const cs::Facility& x) { return c.services.types[x.service].name; });
  d["capacity"] = column(f, [](const cs::Facility& x) { return x.capacity; });
  d["unit"] = column(f, [](const cs::Facility& x) { return static_cast<std::int32_t>(x.unit); });
  d["origin"] = column(f, [](const cs::Facility& x) { return cs::origin_of(x); });
  return d;
}

py::dict demand_of(const cs::County& c) {
  const auto& p = c.demand;
  py::dict d;
  if (p.empty()) return d;
  d["lon"] = column(p, [](const cs::DemandPoint& x) { return x.pos.lon; });
  d["lat"] = column(p, [](const cs::DemandPoint& x) { return x.pos.lat; });
  d["population"] = column(p, [](const cs::DemandPoint& x) { return x.population; });
  d["floor_area_m2"] = column(p, [](const cs::DemandPoint& x) { return x.floor_area_m2; });
  d["unit"] = column(p, [](const cs::DemandPoint& x) { return static_cast<std::int32_t>(x.unit); });
  d["settlement"] =
      column(p, [](const cs::DemandPoint& x) { return static_cast<std::int32_t>(x.settlement); });
  d["origin"] = column(p, [](const cs::DemandPoint& x) { return cs::origin_of(x); });
  return d;
}

py::dict units_of(const cs::County& c) {
  const auto& u = c.units;
  py::dict d;
  if (u.empty()) return d;
  d["name"] = column(u, [](const cs::AdminUnit& x) { return x.name; });
  d["code"] = column(u, [](const cs::AdminUnit& x) { return x.code; });
  d["population"] = column(u, [](const cs::AdminUnit& x) { return x.population; });
  d["population_est"] = column(u, [](const cs::AdminUnit& x) { return x.population_est; });
  d["population_source"] = column(u, [](const cs::AdminUnit& x) { return x.population_source; });
  d["origin"] = column(
      u, [](const cs::AdminUnit& x) { return x.origin.empty() ? cs::osm_ref('r', x.osm_id) : x.origin; });
  return d;
}

// ---- in: a table (a dict of columns, a pandas DataFrame, anything with `in` and [column])
// ------------------

class Table {
 public:
  // Columns outside writable + derived are refused (a misspelt column is never ignored); derived columns
  // (what the engine computes) may be present and are recomputed.
  Table(const py::object& t, std::string layer, const std::vector<std::string>& writable,
        const std::vector<std::string>& required, const std::vector<std::string>& derived)
      : layer_(std::move(layer)) {
    if (!py::hasattr(t, "__getitem__") || !py::hasattr(t, "__contains__"))
      throw cs::UsageError(layer_ + ": expected a dict of columns or a pandas DataFrame");
    py::object keys = py::hasattr(t, "columns") ? t.attr("columns") : t.attr("keys")();
    for (const auto& k : keys) {
      const std::string name = py::str(k);
      if (std::find(writable.begin(), writable.end(), name) == writable.end() &&
          std::find(derived.begin(), derived.end(), name) == derived.end()) {
        std::string valid;
        for (const auto& w : writable) valid += (valid.empty() ? "" : ", ") + w;
        throw cs::InputError(layer_, "", name, "unknown column; valid: " + valid);
      }
    }
    for (const auto& r : required)
      if (!t.contains(py::str(r))) throw cs::InputError(layer_, "", r, "missing column");
    n_ = SIZE_MAX;
    for (const auto& w : writable) {
      if (!t.contains(py::str(w))) continue;
      py::object col = t[py::str(w)];
      const std::size_t len = py::len(col);
      if (n_ != SIZE_MAX && len != n_)
        throw cs::InputError(
            layer_, "", w, std::to_string(len) + " rows where the other columns have " + std::to_string(n_));
      n_ = len;
      cols_[w] = py::module_::import("numpy").attr("asarray")(col);
    }
    if (n_ == SIZE_MAX) n_ = 0;
  }
  [[nodiscard]] std::size_t rows() const { return n_; }
  [[nodiscard]] bool has(const std::string& c) const { return cols_.count(c) > 0; }
  [[nodiscard]] std::string where(std::size_t i, const std::string& name = "") const {
    return "row " + std::to_string(i) + (name.empty() ? "" : " (" + name + ")");
  }
  // A number; NaN / None allowed only when `missing_ok` (then NaN).
  double number(const std::string& c, std::size_t i, const std::string& name, bool missing_ok, double lo,
                double hi) const {
    const py::object v = cols_.at(c)[py::int_(i)];
    double x = NAN;
    if (!v.is_none()) {
      try {
        x = v.cast<double>();
      } catch (const py::cast_error&) {
        throw cs::InputError(layer_, where(i, name), c, "not a number: " + std::string(py::str(v)));
      }
    }
    if (std::isnan(x)) {
      if (missing_ok) return NAN;
      throw cs::InputError(layer_, where(i, name), c, "missing (NaN)");
    }
    if (!(x >= lo && x <= hi))
      throw cs::InputError(
          layer_, where(i, name), c,
          cs::number_text(x) + " outside [" + cs::number_text(lo) + ", " + cs::number_text(hi) + "]");
    return x;
  }
  std::string text(const std::string& c, std::size_t i) const {
    if (!has(c)) return "";
    const py::object v = cols_.at(c)[py::int_(i)];
    if (v.is_none()) return "";
    if (py::isinstance<py::float_>(v) && std::isnan(v.cast<double>())) return "";
    return py::str(v);
  }
  [[nodiscard]] const std::string& layer() const { return layer_; }

 private:
  std::string layer_;
  std::size_t n_ = 0;
  std::map<std::string, py::object> cols_;
};

// An origin as read back: "node/123" (OpenStreetMap) restores the object's OSM reference, anything else is
// the origin as written ("" = `fallback`).
template <class T>
void set_origin(T& o, const std::string& text, const std::string& fallback) {
  for (const auto& [prefix, type] :
       {std::pair<const char*, char>{"node/", 'n'}, {"way/", 'w'}, {"relation/", 'r'}})
    if (text.rfind(prefix, 0) == 0 && text.size() > std::strlen(prefix) &&
        text.find_first_not_of("0123456789", std::strlen(prefix)) == std::string::npos) {
      o.osm_type = type;
      o.osm_id = std::stoll(text.substr(std::strlen(prefix)));
      o.origin.clear();
      return;
    }
  o.origin = text.empty() ? fallback : text;
}

LonLat position(const Table& t, std::size_t i, const std::string& name) {
  return {t.number("lon", i, name, false, -180, 180), t.number("lat", i, name, false, -90, 90)};
}

cs::Tier tier_of(const Table& t, std::size_t i, const std::string& name) {
  const std::string v = t.text("tier", i);
  if (v.empty() || v == "village") return cs::Tier::kVillage;
  if (v == "town") return cs::Tier::kTown;
  if (v == "seat") return cs::Tier::kSeat;
  throw cs::InputError(t.layer(), t.where(i, name), "tier", "'" + v + "'; valid: seat, town, village");
}

// Links and population derived again (the engine's rule), then the checks that need them.
void derive(cs::County& c, const cs::CountyConfig& cfg) {
  cs::Context ctx;
  cs::allocate_population(c, cfg, ctx);
  std::map<std::pair<std::string, int>, std::size_t> seen;
  for (std::size_t i = 0; i < c.settlements.size(); ++i) {
    const auto& s = c.settlements[i];
    const auto [it, fresh] = seen.emplace(std::make_pair(s.name, s.unit), i);
    if (!fresh)
      throw cs::InputError("settlements", "row " + std::to_string(i) + " (" + s.name + ")", "name",
                           "a second settlement of this name in " +
                               (s.unit >= 0 ? "unit " + c.units[static_cast<std::size_t>(s.unit)].name
                                            : std::string("no unit")) +
                               " (the first is row " + std::to_string(it->second) + ")");
  }
}

void set_settlements(PyCounty& pc, const py::object& obj) {
  const Table t(obj, "settlements",
                {"name", "name_zh", "name_en", "lon", "lat", "tier", "place", "code", "population", "origin"},
                {"name", "lon", "lat"}, {"population_est", "unit"});
  cs::County c = pc.county;
  c.settlements.clear();
  c.seat = -1;
  for (std::size_t i = 0; i < t.rows(); ++i) {
    cs::Settlement s;
    s.name = t.text("name", i);
    if (s.name.empty()) throw cs::InputError("settlements", t.where(i), "name", "empty");
    s.name_zh = t.text("name_zh", i);
    s.name_en = t.text("name_en", i);
    s.pos = position(t, i, s.name);
    s.tier = tier_of(t, i, s.name);
    s.place = t.text("place", i);
    s.code = t.text("code", i);
    s.population = t.has("population") ? t.number("population", i, s.name, true, 0, 1e9) : cs::kUnknown;
    set_origin(s, t.text("origin", i), "python settlements row " + std::to_string(i));
    if (s.tier == cs::Tier::kSeat) {
      if (c.seat >= 0)
        throw cs::InputError("settlements", t.where(i, s.name), "tier",
                             "a second seat (the first is row " + std::to_string(c.seat) + ")");
      c.seat = static_cast<int>(i);
    }
    c.settlements.push_back(std::move(s));
  }
  if (c.settlements.empty()) throw cs::InputError("settlements", "", "", "no rows: a county needs its seat");
  if (c.seat < 0)
    throw cs::InputError("settlements", "", "tier", "no row has tier 'seat': a county needs its seat");
  const cs::County& old = pc.county;
  if (old.seat < 0 || old.settlements[static_cast<std::size_t>(old.seat)].name !=
                          c.settlements[static_cast<std::size_t>(c.seat)].name)
    c.seat_rule = "given in Python (tier 'seat')";
  derive(c, pc.cfg);
  pc.county = std::move(c);
}

void set_facilities(PyCounty& pc, const py::object& obj) {
  const Table t(obj, "facilities", {"name", "lon", "lat", "service", "capacity", "origin"},
                {"lon", "lat", "service"}, {"unit"});
  cs::County c = pc.county;
  c.facilities.clear();
  for (std::size_t i = 0; i < t.rows(); ++i) {
    cs::Facility f;
    f.name = t.text("name", i);
    f.pos = position(t, i, f.name);
    const std::string service = t.text("service", i);
    try {
      f.service = c.services.index(service);
    } catch (const cs::UsageError& e) {
      throw cs::InputError("facilities", t.where(i, f.name), "service", e.what());
    }
    f.capacity = t.has("capacity") ? t.number("capacity", i, f.name, true, 0, 1e7) : cs::kUnknown;
    set_origin(f, t.text("origin", i), "python facilities row " + std::to_string(i));
    c.facilities.push_back(std::move(f));
  }
  derive(c, pc.cfg);
  pc.county = std::move(c);
}

void set_demand(PyCounty& pc, const py::object& obj) {
  const Table t(obj, "demand", {"lon", "lat", "population", "origin"}, {"lon", "lat", "population"},
                {"floor_area_m2", "unit", "settlement"});
  cs::County c = pc.county;
  c.demand.clear();
  for (std::size_t i = 0; i < t.rows(); ++i) {
    cs::DemandPoint d;
    d.pos = position(t, i, "");
    // The demand layer's own population: the weights the control totals are spread by (as a user layer).
    d.floor_area_m2 = t.number("population", i, "", false, 0, 1e8);
    set_origin(d, t.text("origin", i), "python demand row " + std::to_string(i));
    c.demand.push_back(std::move(d));
  }
  c.demand_has_population = true;
  derive(c, pc.cfg);
  pc.county = std::move(c);
}

void set_units(PyCounty& pc, const py::object& obj) {
  const Table t(obj, "units", {"name", "code", "population", "population_source"}, {"name"},
                {"population_est", "origin"});
  cs::County c = pc.county;
  if (t.rows() != c.units.size())
    throw cs::InputError("units", "", "",
                         std::to_string(t.rows()) + " rows for the county's " +
                             std::to_string(c.units.size()) +
                             " units: units keep their polygons (give new ones as a layer, "
                             "docs/your-county.md)");
  for (std::size_t i = 0; i < t.rows(); ++i) {
    cs::AdminUnit& u = c.units[i];
    u.name = t.text("name", i);
    if (u.name.empty()) throw cs::InputError("units", t.where(i), "name", "empty");
    if (t.has("code")) u.code = t.text("code", i);
    // A changed total names its source: the column when the caller changed it too, else the row.
    const std::string old_source = u.population_source;
    if (t.has("population_source")) u.population_source = t.text("population_source", i);
    if (t.has("population")) {
      const double p = t.number("population", i, u.name, true, 0, 1e9);
      if (!(p == u.population || (std::isnan(p) && std::isnan(u.population)))) {
        u.population = p;
        if (std::isnan(p))
          u.population_source.clear();
        else if (u.population_source == old_source)
          u.population_source = "python units row " + std::to_string(i);
      }
    }
  }
  derive(c, pc.cfg);
  pc.county = std::move(c);
}

// ---- load and plan
// ---------------------------------------------------------------------------------------------

cs::PlanConfig plan_config(const std::string& osm, const py::object& config) {
  cs::PlanConfig cfg;
  cfg.osm_path = osm;
  if (!config.is_none()) {
    cfg.config_path = py::str(config);
    cs::load_plan_config(cfg.config_path, cfg);
  }
  return cfg;
}

std::shared_ptr<PyCounty> load(const std::string& osm, const py::object& config, int threads,
                               const py::kwargs& extra) {
  cs::PlanConfig cfg = plan_config(osm, config);
  const auto& table = cs::county_options();
  std::vector<std::string> allowed;
  for (const auto& s : table.specs()) allowed.push_back(s.name);
  set_extra(table, cfg.county, "County.load", extra, allowed);
  cs::throw_if_problems(cs::validate(cfg.county), "County.load()");
  auto pc = std::make_shared<PyCounty>();
  pc->osm = osm;
  pc->config = config.is_none() ? "" : std::string(py::str(config));
  {
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    cs::CountyModel m;
    const cs::CountyConfig ccfg = cs::cut_county(m, osm, cfg.county, ctx);
    cs::build_places(m, osm, ccfg, {}, ctx);
    pc->county = std::move(m.county);
    pc->cfg = ccfg;
  }
  return pc;
}

py::object plan(const std::string& osm, const std::string& out, const py::object& config,
                const std::shared_ptr<PyCounty>& county, const py::object& skip, bool strict, int threads) {
  cs::PlanConfig cfg = plan_config(osm, config);
  if (!skip.is_none()) cfg.skip = skip.cast<std::vector<std::string>>();
  cfg.strict = strict;
  if (county) cfg.given_county = std::make_shared<const cs::County>(county->county);
  std::string doc;
  {
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    cs::PlanState st = cs::run_plan(cfg, ctx);
    cs::write_plan_outputs(st, out, ctx);
    doc = st.doc.dump();
  }
  return py::module_::import("json").attr("loads")(doc);
}

}  // namespace

void bind_county(py::module_& m) {
  py::class_<PyCounty, std::shared_ptr<PyCounty>>(
      m, "County",
      "The county model: settlements, facilities, demand points and units as columns of NumPy arrays to "
      "inspect, replace and pass back to plan() (docs/python.md)")
      .def_static("load", &load, "osm"_a, "config"_a = py::none(), "threads"_a = 0,
                  "Reads the county as `countyscope plan` does: the plan file's [county] and [layers], then "
                  "keyword options of [county] (docs/options.md), e.g. boundary=RELATION_ID")
      .def_property_readonly("name", [](const PyCounty& p) { return p.county.name; })
      .def_property_readonly("seat",
                             [](const PyCounty& p) {
                               return p.county.seat >= 0
                                          ? p.county.settlements[static_cast<std::size_t>(p.county.seat)].name
                                          : std::string();
                             })
      .def_property_readonly("total_population", [](const PyCounty& p) { return p.county.total_population; })
      .def_property_readonly("demand_source", [](const PyCounty& p) { return p.county.demand_source; })
      .def_property_readonly("services", [](const PyCounty& p) { return p.county.services.names(); })
      .def_property(
          "settlements", [](const PyCounty& p) { return settlements_of(p.county); }, &set_settlements,
          "name, name_zh, name_en, lon, lat, tier (seat|town|village), place, code, population (tag or "
          "register; NaN unknown), population_est (derived), unit (derived), origin")
      .def_property(
          "facilities", [](const PyCounty& p) { return facilities_of(p.county); }, &set_facilities,
          "name, lon, lat, service, capacity (NaN unknown), unit (derived), origin")
      .def_property(
          "demand", [](const PyCounty& p) { return demand_of(p.county); }, &set_demand,
          "lon, lat, population, floor_area_m2, unit, settlement (derived), origin; a replaced "
          "layer's population weights the control totals")
      .def_property(
          "units", [](const PyCounty& p) { return units_of(p.county); }, &set_units,
          "name, code, population (control total; NaN none), population_est (derived), "
          "population_source, origin; the same units (their polygons stay)");
  m.def("plan", &plan, "osm"_a, "out"_a, "config"_a = py::none(), "county"_a = nullptr, "skip"_a = py::none(),
        "strict"_a = false, "threads"_a = 0,
        "`countyscope plan` from Python: the outputs written to `out` (replaced whole), the results document "
        "returned; with county=, that county's places in place of reading them");
}

}  // namespace cs::python
