// sections.county of a plan and the county's tables: settlements, facilities, demand points, admin units, the
// boundary, snapped points and settlement-to-settlement times. Each table is declared once; its CSV file, its
// map layer in the results document and its GeoPackage layer come from the same rows.
#include <cmath>
#include <filesystem>
#include <map>

#include "base_outputs.hpp"

namespace cs::detail {
namespace {

// Column sets of the base tables: the CSV carries coordinates and snapping, the layers carry labels.
constexpr unsigned kCsv = kToCsv;
constexpr unsigned kLayer = kToJson | kToGpkg;
constexpr unsigned kNoJson = kToCsv | kToGpkg;

std::string unit_name(const County& c, int unit) {
  return unit >= 0 ? c.units[static_cast<std::size_t>(unit)].name : std::string();
}

// "time_to_<type>_min" columns of the selected service types.
std::vector<Column> service_columns(const PlanState& st, unsigned sinks) {
  std::vector<Column> cols;
  for (auto t : st.service_types)
    cols.emplace_back("time_to_" + st.county.services.types[t].name + "_min", FieldType::kReal, "min", sinks);
  return cols;
}
std::vector<Column> with(std::vector<Column> cols, const std::vector<Column>& more) {
  cols.insert(cols.end(), more.begin(), more.end());
  return cols;
}
void append_times(std::vector<FieldValue>& row, const std::vector<float>& best) {
  for (float t : best) row.push_back(real_or_null(mins(t)));
}

Json county_section(const PlanState& st) {
  const County& c = st.county;
  const auto seat = static_cast<std::size_t>(c.seat);
  const auto& types = c.services.types;
  Json cj;
  cj["name"] = c.name;
  if (!c.name_zh.empty()) cj["name_zh"] = c.name_zh;
  if (!c.name_en.empty()) cj["name_en"] = c.name_en;
  cj["seat"] = c.settlements[seat].name;
  cj["seat_rule"] = c.seat_rule;
  if (!c.cut.empty()) cj["cut"] = c.cut;
  cj["boundary_osm_id"] = c.boundary_osm_id;
  cj["boundary_admin_level"] = c.boundary_admin_level;
  cj["admin_units"] = c.units.size();
  cj["settlements"] = c.settlements.size();
  cj["settlements_by_tier"] = {{"seat", 0}, {"town", 0}, {"village", 0}};
  for (const auto& s : c.settlements)
    cj["settlements_by_tier"][std::string(tier_name(s.tier))] =
        cj["settlements_by_tier"][std::string(tier_name(s.tier))].get<int>() + 1;
  cj["facilities"] = c.facilities.size();
  cj["facilities_by_type"] = Json::object();
  for (const auto& t : types) cj["facilities_by_type"][t.name] = 0;
  for (const auto& f : c.facilities)
    cj["facilities_by_type"][types[f.service].name] =
        cj["facilities_by_type"][types[f.service].name].get<int>() + 1;
  cj["service_types"] = Json::array();
  for (const auto& t : types)
    cj["service_types"].push_back({{"name", t.name},
                                   {"label_en", t.label_en},
                                   {"label_zh", t.label_zh},
                                   {"capacity_tag", t.capacity_tag},
                                   {"rules", t.rules}});
  cj["demand_points"] = c.demand.size();
  cj["buildings_total"] = c.buildings_total;
  cj["buildings_residential"] = c.buildings_residential;
  cj["dropped_outside"] = c.dropped_outside;
  cj["user_layers"] = Json::object();
  for (const auto& [kind, what] : c.user_layers) cj["user_layers"][kind] = what;
  cj["total_population"] = round_to(c.total_population, 0.01);
  cj["demand_source"] = c.demand_source;
  std::vector<double> to_seat;
  for (std::size_t s = 0; s < c.settlements.size(); ++s)
    if (c.settlements[s].tier == Tier::kVillage)
      to_seat.push_back(mins(st.settlement_to_settlement(s, seat)));
  cj["village_time_to_seat_min"] = summary(to_seat);
  Json& ccfg = cj["config"];
  ccfg["seat"] = st.cfg.county.seat;
  ccfg["county_admin_level"] = st.cfg.county.county_admin_level;
  ccfg["unit_admin_level"] = st.cfg.county.unit_admin_level;
  ccfg["total_population"] = number_or_null(st.cfg.county.total_population);
  ccfg["default_levels"] = st.cfg.county.default_levels;
  ccfg["services"] = st.cfg.county.service_table.empty()
                         ? std::string("built-in (data/config/services.toml)")
                         : std::filesystem::path(st.cfg.county.service_table).filename().string();
  ccfg["min_footprint_m2"] = st.cfg.county.min_footprint_m2;
  ccfg["floor_area_per_person_m2"] = st.cfg.county.floor_area_per_person_m2;
  ccfg["clip_to_county"] = st.cfg.county.clip_to_county;
  return cj;
}

Table settlements_table(const PlanState& st) {
  const County& c = st.county;
  const auto seat = static_cast<std::size_t>(c.seat);
  Table t("settlements", GeomType::kPoint,
          with({{"id", FieldType::kInteger},
                {"name", FieldType::kString},
                {"name_zh", FieldType::kString},
                {"name_en", FieldType::kString},
                {"tier", FieldType::kString},
                {"place", FieldType::kString},
                {"lon", FieldType::kReal, "deg", kCsv},
                {"lat", FieldType::kReal, "deg", kCsv},
                {"population", FieldType::kReal, "persons"},
                {"population_tag", FieldType::kReal, "persons"},
                {"unit", FieldType::kString},
                {"osm_id", FieldType::kInteger},
                {"origin", FieldType::kString},
                {"snap_dist_m", FieldType::kReal, "m", kCsv},
                {"far", FieldType::kInteger, "", kCsv},
                {"time_to_seat_min", FieldType::kReal, "min"}},
               service_columns(st, kToAll)));
  for (std::size_t i = 0; i < c.settlements.size(); ++i) {
    const auto& s = c.settlements[i];
    std::vector<FieldValue> row{integer(static_cast<long long>(i)),
                                text_or_null(s.name),
                                text_or_null(s.name_zh),
                                text_or_null(s.name_en),
                                std::string(tier_name(s.tier)),
                                s.place,
                                coord(s.pos.lon),
                                coord(s.pos.lat),
                                round_to(s.population_est, 0.01),
                                real_or_null(s.population),
                                text_or_null(unit_name(c, s.unit)),
                                integer(s.osm_id),
                                origin_of(s),
                                round_to(st.settlement_snaps[i].dist_m, 0.1),
                                integer(st.settlement_snaps[i].far ? 1 : 0),
                                real_or_null(mins(st.settlement_to_settlement(i, seat)))};
    append_times(row, nearest_by_type(st, st.settlement_to_facility, i));
    t.add(Shape::point(s.pos), std::move(row));
  }
  return t;
}

Table facilities_table(const PlanState& st, const TimeMatrix& fac_to_seat) {
  const County& c = st.county;
  const auto& types = c.services.types;
  Table t("facilities", GeomType::kPoint,
          {{"id", FieldType::kInteger},
           {"name", FieldType::kString},
           {"service", FieldType::kString},
           {"service_label", FieldType::kString, "", kLayer},
           {"service_label_zh", FieldType::kString, "", kLayer},
           {"lon", FieldType::kReal, "deg", kCsv},
           {"lat", FieldType::kReal, "deg", kCsv},
           {"capacity", FieldType::kReal},
           {"unit", FieldType::kString},
           {"osm_type", FieldType::kString},
           {"osm_id", FieldType::kInteger},
           {"origin", FieldType::kString},
           {"snap_dist_m", FieldType::kReal, "m", kCsv},
           {"far", FieldType::kInteger, "", kCsv},
           {"time_to_seat_min", FieldType::kReal, "min"}});
  for (std::size_t i = 0; i < c.facilities.size(); ++i) {
    const auto& f = c.facilities[i];
    t.add(Shape::point(f.pos),
          {integer(static_cast<long long>(i)), text_or_null(f.name), types[f.service].name,
           types[f.service].label_en, text_or_null(types[f.service].label_zh), coord(f.pos.lon),
           coord(f.pos.lat), real_or_null(f.capacity), text_or_null(unit_name(c, f.unit)),
           std::string(1, f.osm_type), integer(f.osm_id), origin_of(f),
           round_to(st.facility_snaps[i].dist_m, 0.1), integer(st.facility_snaps[i].far ? 1 : 0),
           real_or_null(mins(fac_to_seat(i, 0)))});
  }
  return t;
}

// Demand points: every point in the CSV and the GeoPackage; the results document keeps population and floor
// area only, and above cfg.demand_layer_max points a 0.005-degree grid of them instead (o.layers.demand).
void add_demand(const PlanState& st, Outputs& o) {
  const County& c = st.county;
  const auto seat = static_cast<std::size_t>(c.seat);
  Table& t = o.add(Table("demand", GeomType::kPoint,
                         with({{"id", FieldType::kInteger, "", kNoJson},
                               {"lon", FieldType::kReal, "deg", kCsv},
                               {"lat", FieldType::kReal, "deg", kCsv},
                               {"population", FieldType::kReal, "persons"},
                               {"floor_area_m2", FieldType::kReal, "m2"},
                               {"footprint_m2", FieldType::kReal, "m2", kCsv},
                               {"levels", FieldType::kReal, "", kCsv},
                               {"unit", FieldType::kString, "", kNoJson},
                               {"settlement", FieldType::kString, "", kNoJson},
                               {"osm_type", FieldType::kString, "", kCsv},
                               {"osm_id", FieldType::kInteger, "", kNoJson},
                               {"origin", FieldType::kString, "", kNoJson},
                               {"snap_dist_m", FieldType::kReal, "m", kCsv},
                               {"far", FieldType::kInteger, "", kCsv},
                               {"time_to_seat_min", FieldType::kReal, "min", kCsv}},
                              service_columns(st, kCsv))));
  const bool aggregate = c.demand.size() > st.cfg.demand_layer_max;
  struct Cell {
    double pop = 0, fa = 0, x = 0, y = 0;
    long long n = 0;
  };
  std::map<std::pair<long long, long long>, Cell> cells;
  for (std::size_t i = 0; i < c.demand.size(); ++i) {
    const auto& d = c.demand[i];
    const std::string settle =
        d.settlement >= 0 ? c.settlements[static_cast<std::size_t>(d.settlement)].name : "";
    std::vector<FieldValue> row{integer(static_cast<long long>(i)),
                                coord(d.pos.lon),
                                coord(d.pos.lat),
                                round_to(d.population, 1e-4),
                                round_to(d.floor_area_m2, 0.01),
                                round_to(d.footprint_m2, 0.01),
                                d.levels,
                                text_or_null(unit_name(c, d.unit)),
                                text_or_null(settle),
                                std::string(1, d.osm_type),
                                integer(d.osm_id),
                                origin_of(d),
                                round_to(st.demand_snaps[i].dist_m, 0.1),
                                integer(st.demand_snaps[i].far ? 1 : 0),
                                real_or_null(mins(st.demand_to_settlement(i, seat)))};
    append_times(row, nearest_by_type(st, st.demand_to_facility, i));
    t.add(Shape::point(d.pos), std::move(row));
    if (aggregate) {
      Cell& cell = cells[{static_cast<long long>(std::floor(d.pos.lon / 0.005)),
                          static_cast<long long>(std::floor(d.pos.lat / 0.005))}];
      cell.pop += d.population;
      cell.fa += d.floor_area_m2;
      cell.x += d.pos.lon;
      cell.y += d.pos.lat;
      ++cell.n;
    }
  }
  if (!aggregate) return;
  t.json = JsonPlace::kNone;
  Json feats = Json::array();
  for (const auto& [k, cell] : cells)
    feats.push_back({{"type", "Feature"},
                     {"geometry", geojson_geometry(GeomType::kPoint,
                                                   Shape::point({cell.x / static_cast<double>(cell.n),
                                                                 cell.y / static_cast<double>(cell.n)}))},
                     {"properties",
                      {{"population", round_to(cell.pop, 0.01)},
                       {"floor_area_m2", round_to(cell.fa, 0.1)},
                       {"points", cell.n}}}});
  o.layers["demand"] = {
      {"type", "FeatureCollection"}, {"features", std::move(feats)}, {"aggregated_cell_deg", 0.005}};
}

Table admin_units_table(const County& c) {
  Table t("admin_units", GeomType::kMultiPolygon,
          {{"id", FieldType::kInteger},
           {"name", FieldType::kString},
           {"code", FieldType::kString},
           {"admin_level", FieldType::kInteger},
           {"population", FieldType::kReal, "persons"},
           {"population_est", FieldType::kReal, "persons"},
           {"osm_id", FieldType::kInteger},
           {"origin", FieldType::kString},
           {"population_source", FieldType::kString}});
  for (std::size_t i = 0; i < c.units.size(); ++i) {
    const auto& u = c.units[i];
    t.add(Shape::multipolygon(u.polygons),
          {integer(static_cast<long long>(i)), text_or_null(u.name), text_or_null(u.code),
           integer(u.admin_level), real_or_null(u.population), round_to(u.population_est, 0.01),
           integer(u.osm_id), u.origin.empty() ? "relation/" + std::to_string(u.osm_id) : u.origin,
           text_or_null(!u.population_source.empty()  ? u.population_source
                        : std::isfinite(u.population) ? std::string("OSM population tag")
                                                      : std::string())});
  }
  return t;
}

Table boundary_table(const County& c) {
  Table t(
      "county_boundary", GeomType::kMultiPolygon,
      {{"name", FieldType::kString}, {"admin_level", FieldType::kInteger}, {"osm_id", FieldType::kInteger}});
  t.csv_file.clear();
  t.add(Shape::multipolygon(c.boundary),
        {text_or_null(c.name), integer(c.boundary_admin_level), integer(c.boundary_osm_id)});
  return t;
}

// Snapped points (GeoPackage only): where each place joins the network, how far, and its times.
Table snapped_table(const PlanState& st, const TimeMatrix& fac_to_seat) {
  const County& c = st.county;
  const auto seat = static_cast<std::size_t>(c.seat);
  Table t("snapped_points", GeomType::kPoint,
          with({{"kind", FieldType::kString},
                {"ref", FieldType::kInteger},
                {"osm_id", FieldType::kInteger},
                {"name", FieldType::kString},
                {"snap_dist_m", FieldType::kReal, "m"},
                {"far", FieldType::kInteger},
                {"time_to_seat_min", FieldType::kReal, "min"}},
               service_columns(st, kToAll)));
  t.csv_file.clear();
  t.json = JsonPlace::kNone;
  auto add = [&](const char* kind, std::size_t i, const network::Snap& s, std::int64_t osm,
                 const std::string& name, float tseat, const std::vector<float>& best) {
    std::vector<FieldValue> row{std::string(kind),
                                integer(static_cast<long long>(i)),
                                integer(osm),
                                text_or_null(name),
                                round_to(s.dist_m, 0.1),
                                integer(s.far ? 1 : 0),
                                real_or_null(mins(tseat))};
    append_times(row, best);
    t.add(Shape::point(s.on_edge), std::move(row));
  };
  for (std::size_t i = 0; i < c.settlements.size(); ++i)
    add("settlement", i, st.settlement_snaps[i], c.settlements[i].osm_id, c.settlements[i].name,
        st.settlement_to_settlement(i, seat), nearest_by_type(st, st.settlement_to_facility, i));
  for (std::size_t i = 0; i < c.facilities.size(); ++i)
    add("facility", i, st.facility_snaps[i], c.facilities[i].osm_id, c.facilities[i].name, fac_to_seat(i, 0),
        nearest_by_type(st, st.facility_to_facility, i));
  for (std::size_t i = 0; i < c.demand.size(); ++i)
    add("demand", i, st.demand_snaps[i], c.demand[i].osm_id, "", st.demand_to_settlement(i, seat),
        nearest_by_type(st, st.demand_to_facility, i));
  return t;
}

Table settlement_times_table(const PlanState& st) {
  const auto& S = st.county.settlements;
  Table t("settlement_times", {{"from_id", FieldType::kInteger},
                               {"to_id", FieldType::kInteger},
                               {"from_name", FieldType::kString},
                               {"to_name", FieldType::kString},
                               {"time_min", FieldType::kReal, "min"}});
  for (std::size_t i = 0; i < S.size(); ++i)
    for (std::size_t j = 0; j < S.size(); ++j)
      t.add({integer(static_cast<long long>(i)), integer(static_cast<long long>(j)), S[i].name, S[j].name,
             mins(st.settlement_to_settlement(i, j))});
  return t;
}

}  // namespace

Outputs county_outputs(const PlanState& st, const TimeMatrix& fac_to_seat) {
  Outputs o;
  o.section = county_section(st);
  o.add(settlements_table(st));
  o.add(facilities_table(st, fac_to_seat));
  add_demand(st, o);
  o.add(admin_units_table(st.county));
  if (!st.county.boundary.empty()) o.add(boundary_table(st.county));
  o.add(snapped_table(st, fac_to_seat));
  o.add(settlement_times_table(st));
  return o;
}

}  // namespace cs::detail
