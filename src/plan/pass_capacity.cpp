// The capacity pass ([capacity]; docs/capacity.md): the county capacity account. Three dimensions, each a
// pressure ratio classed as overload (>= 1), critical (>= critical_ratio) or no overload, the county's class
// the worst of them (weakest link):
//   land      built-up share of the county boundary (OSM landuse of the built_up classes whose centroid lies
//             inside it) / land_limit;
//   services  per supply-per-1,000 standard of the access audit that could be evaluated: the standard / the
//             county's supply;
//   roads     share of peak-hour vehicle-km on links above the traffic pass's critical V/C / road_limit.
// A dimension without its data (no boundary, no capacities, no traffic pass) is listed as not assessed, never
// counted as fine.
#include <algorithm>
#include <cmath>
#include <string>

#include <countyscope/county/geometry.hpp>
#include <countyscope/plan/capacity_account.hpp>

#include "passes.hpp"

namespace cs {

const opt::Table<CapacityAccountOptions>& capacity_account_options() {
  using O = CapacityAccountOptions;
  static const auto t =
      opt::Table<O>(
          "capacity",
          "County capacity account: land, services and roads against their limits, weakest link (plan "
          "file; docs/capacity.md)")
          .flag("run", &O::run, "run the capacity pass (plan, demo)")
          .texts("built_up", &O::built_up, "OSM landuse classes counted as built-up land")
          .number("land_limit", &O::land_limit, Range{"share", 0, 1, "", true},
                  "built-up share of the county at which land is overloaded (30 %: the development-intensity "
                  "warning line of Chinese territorial planning practice)")
          .number(
              "road_limit", &O::road_limit, Range{"share", 0, 1, "", true},
              "share of peak-hour vehicle-km above the critical V/C at which roads are overloaded (assumed)")
          .number("critical_ratio", &O::critical_ratio, Range{"ratio", 0, 1, "", true},
                  "pressure ratio from which a dimension is critical (below 1; assumed)")
          .plan_file_only();
  return t;
}

CapacityClass capacity_class(double ratio, const CapacityAccountOptions& o) {
  if (ratio >= 1) return CapacityClass::kOverload;
  if (ratio >= o.critical_ratio) return CapacityClass::kCritical;
  return CapacityClass::kNone;
}

const char* capacity_class_name(CapacityClass c) {
  switch (c) {
    case CapacityClass::kOverload:
      return "overload";
    case CapacityClass::kCritical:
      return "critical";
    default:
      return "no overload";
  }
}

namespace detail {

namespace {

struct Row {
  std::string dimension, indicator, unit, source;
  double value = 0, limit = 0, ratio = 0;
};

double round4(double x) { return std::isfinite(x) ? std::round(x * 1e4) / 1e4 : x; }

}  // namespace

void pass_capacity(PlanState& st, Context& ctx) {
  const CapacityAccountOptions& o = st.cfg.capacity;
  if (!o.run) return;
  std::vector<Row> rows;
  Json not_assessed = Json::array();
  auto skip = [&](const char* dim, const std::string& why) {
    not_assessed.push_back({{"dimension", dim}, {"reason", why}});
  };

  // Land: the land use read with the county (County::landuse).
  const auto& boundary = st.county.boundary;
  const double area = boundary.empty() ? 0.0 : detail::multipolygon_area_m2(boundary);
  if (boundary.empty()) {
    skip("land", "no county boundary");
  } else if (st.county.landuse.empty()) {
    skip("land", "no land use in the county's data (OSM landuse=*)");
  } else if (!(area > 0)) {
    skip("land", "the county boundary has no area");
  } else {
    double built = 0;
    for (const County::LandUse& a : st.county.landuse)
      if (std::find(o.built_up.begin(), o.built_up.end(), a.cls) != o.built_up.end() &&
          point_in_multipolygon(a.centroid, boundary))
        built += a.area_m2;
    const double share = built / area;
    rows.push_back({"land", "built-up share of the county", "share",
                    "limit 30 % by default: the development-intensity warning line of Chinese territorial "
                    "planning practice; built-up = OSM landuse " +
                        opt::join(o.built_up) + " (areas whose centroid lies inside the boundary)",
                    share, o.land_limit, share / o.land_limit});
  }

  // Services: the supply-per-1,000 standards the access audit evaluated.
  const Json audit = st.doc["sections"].contains("access")
                         ? st.doc["sections"]["access"].value("audit", Json::array())
                         : Json::array();
  std::size_t supply_standards = 0;
  for (const Json& e : audit) {
    if (e.value("measure", "") != "supply_per_1000" || e.value("direction", "") != "min") continue;
    ++supply_standards;
    const std::string id = e.value("id", "");
    if (!e.value("applicable", false) || !e.contains("county_value") || !e["county_value"].is_number()) {
      skip("services", id + ": " + e.value("reason", std::string("not evaluated")));
      continue;
    }
    const double supply = e["county_value"].get<double>(), standard = e.value("threshold", 0.0);
    rows.push_back({"services", id, "per 1,000 residents", e.value("source", ""), supply, standard,
                    supply > 0 ? standard / supply : std::numeric_limits<double>::infinity()});
  }
  if (supply_standards == 0) skip("services", "no supply-per-1,000 standard in the standards table");

  // Roads.
  const Json& sec = st.doc["sections"];
  if (!sec.contains("traffic")) {
    skip("roads", "the traffic pass did not run ([traffic] run = true)");
  } else {
    const Json& tr = sec["traffic"];
    const double share = tr.value("vehicle_km_critical_share", 0.0);
    rows.push_back(
        {"roads",
         "share of peak-hour vehicle-km on links above V/C " + number_text(tr.value("voc_critical", 0.85)),
         "share",
         "limit assumed (no national standard): set road_limit; V/C from the traffic pass (a lower "
         "bound: no through traffic)",
         share, o.road_limit, share / o.road_limit});
  }

  Outputs out;
  Table t("capacity_account", {{"dimension", FieldType::kString},
                               {"indicator", FieldType::kString},
                               {"value", FieldType::kReal},
                               {"unit", FieldType::kString},
                               {"limit", FieldType::kReal},
                               {"ratio", FieldType::kReal},
                               {"class", FieldType::kString},
                               {"source", FieldType::kString}});
  t.csv_file = "capacity_account.csv";
  t.json = JsonPlace::kSection;
  t.json_key = "/dimensions";
  CapacityClass worst = CapacityClass::kNone;
  double top = -1;  // the highest pressure ratio: the weakest link
  for (const Row& r : rows) {
    worst = std::max(worst, capacity_class(r.ratio, o));
    top = std::max(top, r.ratio);
  }
  Json weakest = Json::array();
  for (const Row& r : rows) {
    const CapacityClass c = capacity_class(r.ratio, o);
    if (r.ratio == top) weakest.push_back(r.dimension + ": " + r.indicator);
    t.add({r.dimension, r.indicator, round4(r.value), r.unit, r.limit, round4(r.ratio),
           std::string(capacity_class_name(c)), r.source});
  }
  out.section = {
      {"verdict", rows.empty() ? Json() : Json(capacity_class_name(worst))},
      {"weakest", weakest},
      {"not_assessed", not_assessed},
      {"rule",
       "each dimension's pressure ratio: overload at 1 or more, critical from critical_ratio, else no "
       "overload (the three classes of the 2016 monitoring and early-warning method of resource and "
       "environmental carrying capacity, trial version); the county takes "
       "the worst class of its assessed dimensions (weakest link)"},
      {"critical_ratio", o.critical_ratio}};
  out.add(std::move(t));
  merge(st, "capacity", out);
  ctx.info("capacity: " + std::string(rows.empty() ? "nothing assessed" : capacity_class_name(worst)) + " (" +
           std::to_string(rows.size()) + " indicators, " + std::to_string(not_assessed.size()) +
           " not assessed)");
}

}  // namespace detail
}  // namespace cs
