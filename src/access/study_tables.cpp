// The access study's rendering: measures, groups, equity, audits and capacity into the results JSON and the
// study's tables (demand points, settlements, facilities, equity, audit, worst places, capacity).
#include <algorithm>
#include <cmath>

#include "study_parts.hpp"

// GCC 12 reports a false "maybe-uninitialized" inside std::variant<..., std::string> built from initializer
// lists (GCC bug 105593 family); the values are always initialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace cs::access::detail {

namespace {

// Column / property name of a measure for one service type: "<service>_<measure>".
std::string col(const std::string& svc, Measure m) { return svc + "_" + std::string(measure_name(m)); }

Json group_stats_json(const std::vector<GroupStats>& g, const std::vector<std::string>& names) {
  Json a = Json::array();
  for (std::size_t k = 0; k < g.size(); ++k) {
    if (g[k].points == 0) continue;
    a.push_back({{"group", names[k]},
                 {"population", num(g[k].population)},
                 {"reached_population", num(g[k].reached_population)},
                 {"mean", num(g[k].mean)},
                 {"points", g[k].points}});
  }
  return a;
}

Json decomposition_json(const Equity& e) {
  Json t = {
      {"total", num(e.theil.total)}, {"within", num(e.theil.within)}, {"between", num(e.theil.between)}};
  Json tg = Json::array();
  for (const auto& g : e.theil.groups)
    tg.push_back({{"group", g.name},
                  {"population", num(g.population)},
                  {"pop_share", num(g.pop_share)},
                  {"value_share", num(g.value_share)},
                  {"mean", num(g.mean)},
                  {"theil", num(g.theil)}});
  t["groups"] = tg;
  Json d = {{"gw", num(e.dagum.gw)},
            {"gnb", num(e.dagum.gnb)},
            {"gt", num(e.dagum.gt)},
            {"gini", num(e.gini)},
            {"order", "groups by mean, descending"}};
  Json dg = Json::array();
  for (const auto& g : e.dagum.groups)
    dg.push_back(
        {{"group", g.name}, {"population", num(g.population)}, {"mean", num(g.mean)}, {"gini", num(g.gini)}});
  d["groups"] = dg;
  Json between = Json::array();
  for (const auto& row : e.dagum.between) {
    Json r = Json::array();
    for (double x : row) r.push_back(num(x));
    between.push_back(r);
  }
  d["between"] = between;
  return {{"theil", t}, {"dagum", d}};
}

}  // namespace

std::string supply_note(std::size_t known, std::size_t n, const std::string& unit) {
  if (n > 0 && known == n) return unit.empty() ? std::string("capacity") : "capacity (" + unit + ")";
  return "1 per facility (capacity known for " + std::to_string(known) + " of " + std::to_string(n) + ")";
}

void add_equity_row(Table& t, const std::string& svc, Measure m, const char* grouping, const Equity& e,
                    bool decomposed, double ratio) {
  t.add({svc, std::string(measure_name(m)), std::string(grouping), count(e.units),
         count(e.dropped_zero_population), count(e.dropped_no_value), e.mean, e.gini, e.theil_t,
         decomposed ? FieldValue{e.theil.within} : FieldValue{},
         decomposed ? FieldValue{e.theil.between} : FieldValue{},
         decomposed ? FieldValue{e.dagum.gw} : FieldValue{},
         decomposed ? FieldValue{e.dagum.gnb} : FieldValue{},
         decomposed ? FieldValue{e.dagum.gt} : FieldValue{}, ratio});
}

// One measure of one service type: summary, groups, equity with its decompositions (JSON and equity rows) and
// the mean per settlement (place_mean).
Json measure_json(const Study& st, const std::string& svc, Measure m, const std::vector<double>& v,
                  Table& equity_rows, std::vector<double>& place_mean) {
  const auto& in = st.in;
  Json mj;
  double lo = INFINITY, hi = -INFINITY;
  for (double x : v)
    if (std::isfinite(x)) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  const auto all = aggregate_by_group(v, in.population, std::vector<int>(st.D, 0), 1);
  mj["mean"] = num(all[0].mean);
  mj["min"] = num(lo);
  mj["max"] = num(hi);
  mj["reached_population"] = num(all[0].reached_population);
  const auto by_tier = aggregate_by_group(v, in.population, st.tier, kTiers.size());
  const auto by_unit = aggregate_by_group(v, in.population, st.unit, st.NU);
  const auto by_place = aggregate_by_group(v, in.population, st.place, st.NP);
  for (std::size_t p = 0; p < st.NP; ++p) place_mean[p] = by_place[p].mean;
  mj["by_tier"] = group_stats_json(by_tier, kTiers);
  mj["by_unit"] = group_stats_json(by_unit, in.unit_names);
  const double ratio =
      by_tier[0].mean > 0 && std::isfinite(by_tier[2].mean) ? by_tier[2].mean / by_tier[0].mean : kNaN;
  mj["village_seat_ratio"] = num(ratio);
  // The groupings with at least one member; equity sorts the values once for all of them.
  struct Grouping {
    const char* name;
    const std::vector<int>* g;
    std::vector<std::string> names;
  };
  const std::vector<Grouping> groupings{{"tier", &st.tier, kTiers},
                                        {"urban_rural", &st.urban, {"urban", "rural"}},
                                        {"unit", &st.unit, in.unit_names}};
  std::vector<const Grouping*> used;
  std::vector<EquityGrouping> eg;
  for (const auto& gr : groupings)
    if (std::any_of(gr.g->begin(), gr.g->end(), [](int g) { return g >= 0; })) {
      used.push_back(&gr);
      eg.push_back({*gr.g, gr.names, 2});
    }
  const std::vector<Equity> eq =
      equity_groupings(v, in.population, eg, static_cast<std::size_t>(st.cfg.options.lorenz_points));
  const Equity& e = eq[0];
  mj["gini"] = num(e.gini);
  mj["theil_t"] = num(e.theil_t);
  mj["units"] = e.units;
  mj["dropped_zero_population"] = e.dropped_zero_population;
  mj["dropped_unreached"] = e.dropped_no_value;
  mj["dropped_unreached_population"] = num(e.dropped_population);
  Json lz = Json::array();
  for (const auto& p : e.lorenz) lz.push_back({num(p.pop_share), num(p.value_share)});
  mj["lorenz"] = lz;
  Json dec = Json::object();
  for (std::size_t k = 0; k < used.size(); ++k) {
    dec[used[k]->name] = decomposition_json(eq[k + 1]);
    add_equity_row(equity_rows, svc, m, used[k]->name, eq[k + 1], true, ratio);
  }
  mj["decomposition"] = dec;
  add_equity_row(equity_rows, svc, m, "none", e, false, ratio);
  return mj;
}

Json share_json(const AuditShare& g) {
  return Json{{"group", g.group},
              {"population", num(g.population)},
              {"population_beyond", num(g.population_beyond)},
              {"pop_share_beyond", num(g.pop_share())},
              {"places", g.places},
              {"places_beyond", g.places_beyond},
              {"place_share_beyond", num(g.place_share())}};
}

Json standard_json(const Standard& st) {
  return {{"id", st.id},
          {"service", st.service},
          {"measure", audit_measure_name(st.measure)},
          {"threshold", num(st.max ? *st.max : *st.min)},
          {"direction", st.max ? "max" : "min"},
          {"source", st.source},
          {"note", st.note}};
}

// The audit of one standard: its JSON and its rows (audit, worst places).
Json audit_json(const Standard& std_, const AuditResult& a, Tables& t) {
  Json aj = standard_json(std_);
  aj["applicable"] = a.applicable;
  aj["reason"] = a.reason;
  if (!a.applicable) return aj;
  auto row = [&](const char* grouping, const AuditShare& g) {
    t.audit.add({std_.id, std_.service, std::string(audit_measure_name(std_.measure)),
                 std_.max ? *std_.max : *std_.min, std::string(std_.max ? "max" : "min"),
                 std::string(grouping), g.group, g.population, g.population_beyond, g.pop_share(),
                 count(g.places), count(g.places_beyond), g.place_share(), std_.source});
  };
  aj["county"] = share_json(a.county);
  row("county", a.county);
  if (audit_measure_is_county_level(std_.measure)) {
    aj["county_value"] = num(a.county_value);
    aj["county_beyond"] = a.county_beyond;
    return aj;
  }
  Json bt = Json::array(), bu = Json::array(), w = Json::array();
  for (const auto& g : a.by_tier) {
    bt.push_back(share_json(g));
    row("tier", g);
  }
  for (const auto& g : a.by_unit) {
    bu.push_back(share_json(g));
    row("unit", g);
  }
  std::size_t rank = 0;
  for (const auto& p : a.worst) {
    w.push_back({{"place", p.name},
                 {"tier", p.tier},
                 {"unit", p.unit},
                 {"value", num(p.value)},
                 {"population", num(p.population)},
                 {"population_beyond", num(p.population_beyond)}});
    t.worst.add({std_.id, count(++rank), p.name, p.tier, p.unit, p.value, p.population, p.population_beyond});
  }
  aj["by_tier"] = bt;
  aj["by_unit"] = bu;
  aj["worst"] = w;
  return aj;
}

Json capacity_json(const Study& st, const std::string& svc, const std::vector<std::uint32_t>& J,
                   const std::vector<double>& cap, const AccessResult& r, double norm,
                   const std::string& unit_label, Table& rows_out) {
  const Capacity c = carrying_capacity(cap, r.demand_2sfca, st.total_pop, norm);
  Json cj = {{"norm_per_1000", c.norm_per_1000},
             {"facilities", c.facilities},
             {"capacity_known", c.known},
             {"total_capacity", num(c.total_capacity)},
             {"population", num(c.population)},
             {"per_1000", num(c.per_1000)},
             {"shortfall", num(c.shortfall)},
             {"unit", unit_label},
             {"catchment", "2SFCA catchment (population within the cutoff)"}};
  Json rows = Json::array();
  for (const auto& row : c.rows) {
    const std::size_t j = J[row.facility];
    rows.push_back({{"id", st.facility_id(j)},
                    {"name", st.facility_name(j)},
                    {"capacity", num(row.capacity)},
                    {"demand_in_catchment", num(row.demand_in_catchment)},
                    {"per_1000", num(row.per_1000)},
                    {"needed", num(row.needed)},
                    {"shortfall", num(row.shortfall)}});
    rows_out.add({svc, st.facility_id(j), st.facility_name(j), row.capacity, row.demand_in_catchment,
                  row.per_1000, c.norm_per_1000, row.needed, row.shortfall});
  }
  cj["rows"] = rows;
  return cj;
}

// Measure columns "<service>_<measure>" of the studied service types.
std::vector<Column> measure_columns(const std::vector<std::string>& svc_names) {
  std::vector<Column> cols;
  for (const auto& svc : svc_names)
    for (int mi = 0; mi < kMeasureCount; ++mi) cols.emplace_back(col(svc, measure_at(mi)), FieldType::kReal);
  return cols;
}

double measure_value(const AccessResult& r, Measure m, std::size_t i) {
  switch (m) {
    case Measure::kNearest:  // minutes, unrounded: the layers recompute the section's figures exactly
      return static_cast<double>(r.nearest_s[i]) / 60.0;
    case Measure::kKthNearest:
      return static_cast<double>(r.kth_nearest_s[i]) / 60.0;
    case Measure::kCumulative:
      return r.cumulative[i];
    case Measure::kGravity:
      return r.gravity[i];
    case Measure::k2SFCA:
      return r.sfca2[i];
    case Measure::kE2SFCA:
      return r.e2sfca[i];
    case Measure::kG2SFCA:
      return r.g2sfca[i];
    case Measure::k3SFCA:
      return r.sfca3[i];
    case Measure::kFca2:
      return r.fca2[i];
    case Measure::kBfca:
      return r.bfca[i];
    case Measure::kAvailability:
      return r.availability[i];
  }
  return kNaN;
}

// Demand points with every measure of every studied service (CSV; GeoPackage layer with positions).
Table demand_table(const Study& st, const std::vector<std::string>& svc_names,
                   const std::map<std::string, AccessResult>& results) {
  const auto& in = st.in;
  std::vector<Column> cols{{"id", FieldType::kString},
                           {"pop", FieldType::kReal, "persons"},
                           {"settlement", FieldType::kString},
                           {"tier", FieldType::kString},
                           {"unit", FieldType::kString}};
  for (auto& c : measure_columns(svc_names)) cols.push_back(std::move(c));
  Table t(st.cfg.layer_prefix + "_demand", GeomType::kPoint, std::move(cols));
  t.json = JsonPlace::kNone;
  const bool geo = in.demand_pos.size() == st.D;
  if (!geo) t.drop_geometry();
  for (std::size_t i = 0; i < st.D; ++i) {
    std::vector<FieldValue> row{in.demand_id.empty() ? std::to_string(i) : in.demand_id[i], in.population[i],
                                st.place[i] >= 0 ? in.places[static_cast<std::size_t>(st.place[i])].name : "",
                                st.tier[i] >= 0 ? kTiers[static_cast<std::size_t>(st.tier[i])] : "",
                                st.unit[i] >= 0 ? in.unit_names[static_cast<std::size_t>(st.unit[i])] : ""};
    for (const auto& svc : svc_names)
      for (int mi = 0; mi < kMeasureCount; ++mi)
        row.emplace_back(measure_value(results.at(svc), measure_at(mi), i));
    if (geo)
      t.add(Shape::point(in.demand_pos[i]), std::move(row));
    else
      t.add(std::move(row));
  }
  return t;
}

// Settlements with the population-weighted mean of every measure (CSV; GeoPackage and map layer with
// positions).
Table settlements_table(const Study& st, const std::vector<std::string>& svc_names,
                        const std::map<std::string, std::vector<std::vector<double>>>& place_vals) {
  const auto& in = st.in;
  std::vector<double> place_pop(st.NP, 0.0);
  for (std::size_t i = 0; i < st.D; ++i)
    if (st.place[i] >= 0) place_pop[static_cast<std::size_t>(st.place[i])] += in.population[i];
  std::vector<Column> cols{{"settlement", FieldType::kString},
                           {"tier", FieldType::kString},
                           {"unit", FieldType::kString},
                           {"pop", FieldType::kReal, "persons"}};
  for (auto& c : measure_columns(svc_names)) cols.push_back(std::move(c));
  Table t(st.cfg.layer_prefix + "_settlements", GeomType::kPoint, std::move(cols));
  t.round_json_coordinates = false;
  const bool geo = in.place_pos.size() == st.NP;
  if (!geo) t.drop_geometry();
  for (std::size_t p = 0; p < st.NP; ++p) {
    const AuditPlace& pl = in.places[p];
    std::vector<FieldValue> row{pl.name, pl.tier, pl.unit, place_pop[p]};
    for (const auto& svc : svc_names)
      for (int mi = 0; mi < kMeasureCount; ++mi)
        row.emplace_back(place_vals.at(svc)[static_cast<std::size_t>(mi)][p]);
    if (geo)
      t.add(Shape::point(in.place_pos[p]), std::move(row));
    else
      t.add(std::move(row));
  }
  return t;
}

}  // namespace cs::access::detail
