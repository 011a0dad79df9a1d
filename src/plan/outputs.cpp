// Base outputs of a plan: sections.network and sections.county (every fact), map layers (GeoJSON in the
// results document, all features in the GeoPackage) and CSV tables; write_plan_outputs puts them on disk
// atomically.
#include <algorithm>
#include <cmath>
#include <map>

#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/network/routing.hpp>

#include "passes.hpp"
#if defined(CS_HAVE_REPORT)
#include <countyscope/report/report.hpp>
#endif

namespace cs {
namespace detail {
namespace {

// Rounds to a decimal step (0.1, 0.01, ...) so that the printed shortest form is short: round(x * 10^k) /
// 10^k.
double round_to(double x, double step) {
  if (!std::isfinite(x)) return x;
  const double inv = std::round(1.0 / step);
  return std::round(x * inv) / inv;
}
double coord(double x) { return std::round(x * 1e7) / 1e7; }
// Seconds rounded to 0.1 s for outputs; NaN/inf stay (written as null / empty).
double secs(float t) {
  return std::isfinite(t) ? std::round(static_cast<double>(t) * 10.0) / 10.0 : kUnknown;
}
FieldValue str(const std::string& s) { return s.empty() ? FieldValue{} : FieldValue{s}; }
FieldValue integer(long long x) { return FieldValue{static_cast<std::int64_t>(x)}; }

// Time to the nearest facility of each selected type from row `r` of a points x facilities matrix.
std::vector<float> nearest_by_type(const PlanState& st, const TimeMatrix& m, std::size_t r) {
  std::vector<float> best(st.service_types.size(), kUnreachable);
  std::vector<int> slot(st.county.services.types.size(), -1);
  for (std::size_t k = 0; k < st.service_types.size(); ++k) slot[st.service_types[k]] = static_cast<int>(k);
  for (std::size_t j = 0; j < st.county.facilities.size(); ++j) {
    const int k = slot[st.county.facilities[j].service];
    if (k >= 0) best[static_cast<std::size_t>(k)] = std::min(best[static_cast<std::size_t>(k)], m(r, j));
  }
  return best;
}

Json summary(std::vector<double> v) {
  Json j;
  std::size_t unreachable = 0;
  std::vector<double> f;
  for (double x : v) (std::isfinite(x) ? f.push_back(x) : void(++unreachable));
  std::sort(f.begin(), f.end());
  j["count"] = v.size();
  j["no_path"] = unreachable;
  auto q = [&](double p) {
    return f.empty() ? Json(nullptr)
                     : Json(f[static_cast<std::size_t>(p * static_cast<double>(f.size() - 1) + 0.5)]);
  };
  j["p50"] = q(0.5);
  j["p95"] = q(0.95);
  j["max"] = f.empty() ? Json(nullptr) : Json(f.back());
  return j;
}

}  // namespace

Json coord_json(LonLat p) { return Json::array({coord(p.lon), coord(p.lat)}); }

Json field_json(const FieldValue& v) {
  if (std::holds_alternative<std::int64_t>(v)) return std::get<std::int64_t>(v);
  if (std::holds_alternative<double>(v)) return number_or_null(std::get<double>(v));
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return nullptr;
}

FieldValue real_or_null(double x) { return std::isfinite(x) ? FieldValue{x} : FieldValue{}; }

DualLayer::DualLayer(std::string name, GeomType geom, std::vector<FieldDef> fields)
    : gpkg_(std::move(name), geom, std::move(fields)) {}

void DualLayer::add(std::string wkt, Json geometry, std::vector<FieldValue> values) {
  // Non-finite reals are null in both outputs.
  for (auto& v : values)
    if (std::holds_alternative<double>(v) && !std::isfinite(std::get<double>(v))) v = std::monostate{};
  Json props = Json::object();
  for (std::size_t i = 0; i < values.size(); ++i)
    if (json_fields_.empty() ||
        std::find(json_fields_.begin(), json_fields_.end(), gpkg_.fields[i].name) != json_fields_.end())
      props[gpkg_.fields[i].name] = field_json(values[i]);
  features_.push_back(
      {{"type", "Feature"}, {"geometry", std::move(geometry)}, {"properties", std::move(props)}});
  gpkg_.add(std::move(wkt), std::move(values));
}

void DualLayer::add_point(LonLat p, std::vector<FieldValue> values) {
  add(wkt_point(p), {{"type", "Point"}, {"coordinates", coord_json(p)}}, std::move(values));
}

void DualLayer::add_line(const std::vector<LonLat>& pts, std::vector<FieldValue> values) {
  Json c = Json::array();
  for (const auto& p : pts) c.push_back(coord_json(p));
  add(wkt_linestring(pts), {{"type", "LineString"}, {"coordinates", std::move(c)}}, std::move(values));
}

void DualLayer::add_multipolygon(const std::vector<std::vector<std::vector<LonLat>>>& mp,
                                 std::vector<FieldValue> values) {
  Json polys = Json::array();
  for (const auto& poly : mp) {
    Json rings = Json::array();
    for (const auto& ring : poly) {
      Json r = Json::array();
      for (const auto& p : ring) r.push_back(coord_json(p));
      if (!ring.empty() && !(ring.front() == ring.back())) r.push_back(coord_json(ring.front()));
      rings.push_back(std::move(r));
    }
    polys.push_back(std::move(rings));
  }
  add(wkt_multipolygon(mp), {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}}, std::move(values));
}

void DualLayer::finish(PlanState& st, bool json) {
  if (json)
    st.doc["layers"][gpkg_.name] = {{"type", "FeatureCollection"}, {"features", std::move(features_)}};
  st.layers.push_back(std::move(gpkg_));
}

void pass_outputs(PlanState& st, Context& ctx) {
  const County& c = st.county;
  const RoadGraph& g = st.car.graph;
  const NetworkStats& ns = st.car.stats;
  const auto seat = static_cast<std::size_t>(c.seat);
  const auto& types = c.services.types;
  std::vector<std::string> svc_cols;
  for (auto t : st.service_types) svc_cols.push_back("time_to_" + types[t].name + "_s");

  // Per-point times: to the seat and to the nearest facility of each selected type.
  MatrixOptions opt;
  if (st.cfg.matrix_cutoff_s > 0) opt.cutoff_s = st.cfg.matrix_cutoff_s;
  const TimeMatrix fac_to_seat = travel_time_matrix(
      g, st.facility_snaps, std::span<const Snap>(&st.settlement_snaps[seat], 1), opt, ctx);

  // ---- sections.network
  Json& net = st.doc["sections"]["network"];
  net["profile"] = profile_name(g.profile);
  net["nodes"] = ns.nodes;
  net["arcs"] = ns.arcs;
  net["edges"] = ns.edges;
  net["km_total"] = round_to(ns.km_total, 0.001);
  net["km_by_class"] = Json::object();
  for (std::size_t k = 0; k < ns.km_by_class.size(); ++k)
    if (ns.km_by_class[k] > 0)
      net["km_by_class"][std::string(road_class_name(static_cast<RoadClass>(k)))] =
          round_to(ns.km_by_class[k], 0.001);
  net["scc_share"] = ns.largest_scc_share;
  net["components"] = ns.components;
  net["nodes_before_scc"] = ns.nodes_before_scc;
  net["arcs_before_scc"] = ns.arcs_before_scc;
  net["km_dropped_scc"] = round_to(ns.km_dropped_scc, 0.001);
  net["ways_used"] = ns.ways_used;
  net["ways_skipped_access"] = ns.ways_skipped_access;
  net["memory_bytes"] = g.memory_bytes();
  Json& ncfg = net["config"];
  ncfg["profile"] = profile_name(st.cfg.network.profile);
  ncfg["use_maxspeed"] = st.cfg.network.use_maxspeed;
  ncfg["keep_largest_scc"] = st.cfg.network.keep_largest_scc;
  for (std::size_t k = 0; k < st.cfg.network.speed_kmh.size(); ++k)
    ncfg["speed_kmh"][std::string(road_class_name(static_cast<RoadClass>(k)))] = st.cfg.network.speed_kmh[k];
  ncfg["snap_connector_speed_kmh"] = st.cfg.snap.connector_speed_kmh;
  ncfg["snap_far_threshold_m"] = st.cfg.snap.far_threshold_m;
  ncfg["matrix_cutoff_s"] = st.cfg.matrix_cutoff_s;
  auto snap_summary = [](const std::vector<Snap>& s) {
    std::vector<double> d;
    std::size_t far = 0;
    for (const auto& x : s) {
      d.push_back(round_to(x.dist_m, 0.1));
      far += x.far ? 1 : 0;
    }
    Json j = summary(d);
    j["far"] = far;
    return j;
  };
  net["snap"] = {{"demand", snap_summary(st.demand_snaps)},
                 {"facilities", snap_summary(st.facility_snaps)},
                 {"settlements", snap_summary(st.settlement_snaps)}};
  net["matrices"] = {
      {"demand_to_facility", {st.demand_to_facility.rows(), st.demand_to_facility.cols()}},
      {"demand_to_settlement", {st.demand_to_settlement.rows(), st.demand_to_settlement.cols()}},
      {"settlement_to_settlement", {st.settlement_to_settlement.rows(), st.settlement_to_settlement.cols()}},
      {"settlement_to_facility", {st.settlement_to_facility.rows(), st.settlement_to_facility.cols()}},
      {"facility_to_facility", {st.facility_to_facility.rows(), st.facility_to_facility.cols()}}};

  // ---- sections.county
  Json& cj = st.doc["sections"]["county"];
  cj["name"] = c.name;
  if (!c.name_zh.empty()) cj["name_zh"] = c.name_zh;
  cj["seat"] = c.settlements[seat].name;
  cj["seat_rule"] = c.seat_rule;
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
  cj["total_population"] = round_to(c.total_population, 0.01);
  cj["demand_source"] = c.demand_source;
  {
    std::vector<double> to_seat;
    for (std::size_t s = 0; s < c.settlements.size(); ++s)
      if (c.settlements[s].tier == Tier::kVillage)
        to_seat.push_back(secs(st.settlement_to_settlement(s, seat)));
    cj["village_time_to_seat_s"] = summary(to_seat);
  }
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

  // ---- meta
  Json& meta = st.doc["meta"];
  meta["county"] = c.name;
  if (!c.name_zh.empty()) meta["county_zh"] = c.name_zh;
  meta["source"] = c.source;
  meta["generator"] = "countyscope plan";
  st.doc["attribution"] = Json::array({"Map data © OpenStreetMap contributors, ODbL 1.0"});

  // ---- layers
  std::vector<FieldDef> svc_fields;
  for (const auto& n : svc_cols) svc_fields.push_back({n, FieldType::kReal});
  auto with_svc = [&](std::vector<FieldDef> f) {
    f.insert(f.end(), svc_fields.begin(), svc_fields.end());
    return f;
  };
  auto svc_values = [&](const std::vector<float>& best, std::vector<FieldValue> v) {
    for (float t : best) v.push_back(real_or_null(secs(t)));
    return v;
  };

  {
    DualLayer roads("roads", GeomType::kLineString,
                    {{"road_class", FieldType::kString},
                     {"length_m", FieldType::kReal},
                     {"speed_kmh", FieldType::kReal},
                     {"oneway", FieldType::kInteger},
                     {"osm_id", FieldType::kInteger}});
    for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
      const auto shp = g.edge_shape(e);
      roads.add_line(
          std::vector<LonLat>(shp.begin(), shp.end()),
          {std::string(road_class_name(g.edge_class[e])), round_to(g.edge_length_m[e], 0.1),
           round_to(g.edge_speed_kmh[e], 0.1), integer(g.edge_dirs[e] == 3 ? 0 : 1), integer(g.edge_way[e])});
    }
    roads.finish(st);
  }
  CsvWriter scsv([&] {
    std::vector<std::string> h = {"id",     "name",        "name_zh",    "tier",           "place",
                                  "lon",    "lat",         "population", "population_est", "unit",
                                  "osm_id", "snap_dist_m", "far",        "time_to_seat_s"};
    h.insert(h.end(), svc_cols.begin(), svc_cols.end());
    return h;
  }());
  {
    DualLayer L("settlements", GeomType::kPoint,
                with_svc({{"id", FieldType::kInteger},
                          {"name", FieldType::kString},
                          {"name_zh", FieldType::kString},
                          {"tier", FieldType::kString},
                          {"place", FieldType::kString},
                          {"population", FieldType::kReal},
                          {"population_est", FieldType::kReal},
                          {"unit", FieldType::kString},
                          {"osm_id", FieldType::kInteger},
                          {"time_to_seat_s", FieldType::kReal}}));
    for (std::size_t i = 0; i < c.settlements.size(); ++i) {
      const auto& s = c.settlements[i];
      const auto best = nearest_by_type(st, st.settlement_to_facility, i);
      const double tseat = secs(st.settlement_to_settlement(i, seat));
      const std::string unit = s.unit >= 0 ? c.units[static_cast<std::size_t>(s.unit)].name : "";
      L.add_point(s.pos, svc_values(best, {integer(static_cast<long long>(i)), str(s.name), str(s.name_zh),
                                           std::string(tier_name(s.tier)), s.place,
                                           real_or_null(s.population), round_to(s.population_est, 0.01),
                                           str(unit), integer(s.osm_id), real_or_null(tseat)}));
      scsv.cell(i)
          .cell(s.name)
          .cell(s.name_zh)
          .cell(tier_name(s.tier))
          .cell(s.place)
          .cell(coord(s.pos.lon))
          .cell(coord(s.pos.lat));
      scsv.cell(s.population)
          .cell(round_to(s.population_est, 0.01))
          .cell(unit)
          .cell(static_cast<long long>(s.osm_id));
      scsv.cell(round_to(st.settlement_snaps[i].dist_m, 0.1))
          .cell(st.settlement_snaps[i].far ? 1 : 0)
          .cell(tseat);
      for (float t : best) scsv.cell(secs(t));
      scsv.end_row();
    }
    L.finish(st);
  }
  CsvWriter fcsv([&] {
    std::vector<std::string> h = {"id",   "name",     "service", "lon",         "lat", "capacity",
                                  "unit", "osm_type", "osm_id",  "snap_dist_m", "far", "time_to_seat_s"};
    return h;
  }());
  {
    DualLayer L("facilities", GeomType::kPoint,
                {{"id", FieldType::kInteger},
                 {"name", FieldType::kString},
                 {"service", FieldType::kString},
                 {"service_label", FieldType::kString},
                 {"service_label_zh", FieldType::kString},
                 {"capacity", FieldType::kReal},
                 {"unit", FieldType::kString},
                 {"osm_type", FieldType::kString},
                 {"osm_id", FieldType::kInteger},
                 {"time_to_seat_s", FieldType::kReal}});
    for (std::size_t i = 0; i < c.facilities.size(); ++i) {
      const auto& f = c.facilities[i];
      const std::string unit = f.unit >= 0 ? c.units[static_cast<std::size_t>(f.unit)].name : "";
      const double tseat = secs(fac_to_seat(i, 0));
      L.add_point(f.pos, {integer(static_cast<long long>(i)), str(f.name), types[f.service].name,
                          types[f.service].label_en, str(types[f.service].label_zh), real_or_null(f.capacity),
                          str(unit), std::string(1, f.osm_type), integer(f.osm_id), real_or_null(tseat)});
      fcsv.cell(i)
          .cell(f.name)
          .cell(types[f.service].name)
          .cell(coord(f.pos.lon))
          .cell(coord(f.pos.lat))
          .cell(f.capacity);
      fcsv.cell(unit).cell(std::string(1, f.osm_type)).cell(static_cast<long long>(f.osm_id));
      fcsv.cell(round_to(st.facility_snaps[i].dist_m, 0.1))
          .cell(st.facility_snaps[i].far ? 1 : 0)
          .cell(tseat);
      fcsv.end_row();
    }
    L.finish(st);
  }
  CsvWriter dcsv([&] {
    std::vector<std::string> h = {"id",           "lon",         "lat",  "population",    "floor_area_m2",
                                  "footprint_m2", "levels",      "unit", "settlement",    "osm_type",
                                  "osm_id",       "snap_dist_m", "far",  "time_to_seat_s"};
    h.insert(h.end(), svc_cols.begin(), svc_cols.end());
    return h;
  }());
  {
    DualLayer L("demand", GeomType::kPoint,
                {{"id", FieldType::kInteger},
                 {"population", FieldType::kReal},
                 {"floor_area_m2", FieldType::kReal},
                 {"unit", FieldType::kString},
                 {"settlement", FieldType::kString},
                 {"osm_id", FieldType::kInteger}});
    L.json_fields({"population", "floor_area_m2"});  // keeps results.json (and the report) small
    const bool aggregate = c.demand.size() > st.cfg.demand_layer_max;
    struct Cell {
      double pop = 0, fa = 0, x = 0, y = 0;
      long long n = 0;
    };
    std::map<std::pair<long long, long long>, Cell> cells;
    for (std::size_t i = 0; i < c.demand.size(); ++i) {
      const auto& d = c.demand[i];
      const std::string unit = d.unit >= 0 ? c.units[static_cast<std::size_t>(d.unit)].name : "";
      const std::string settle =
          d.settlement >= 0 ? c.settlements[static_cast<std::size_t>(d.settlement)].name : "";
      L.add_point(d.pos, {integer(static_cast<long long>(i)), round_to(d.population, 1e-4),
                          round_to(d.floor_area_m2, 0.01), str(unit), str(settle), integer(d.osm_id)});
      if (aggregate) {
        Cell& cell = cells[{static_cast<long long>(std::floor(d.pos.lon / 0.005)),
                            static_cast<long long>(std::floor(d.pos.lat / 0.005))}];
        cell.pop += d.population;
        cell.fa += d.floor_area_m2;
        cell.x += d.pos.lon;
        cell.y += d.pos.lat;
        ++cell.n;
      }
      const auto best = nearest_by_type(st, st.demand_to_facility, i);
      dcsv.cell(i)
          .cell(coord(d.pos.lon))
          .cell(coord(d.pos.lat))
          .cell(round_to(d.population, 1e-4))
          .cell(round_to(d.floor_area_m2, 0.01));
      dcsv.cell(round_to(d.footprint_m2, 0.01))
          .cell(d.levels)
          .cell(unit)
          .cell(settle)
          .cell(std::string(1, d.osm_type));
      dcsv.cell(static_cast<long long>(d.osm_id))
          .cell(round_to(st.demand_snaps[i].dist_m, 0.1))
          .cell(st.demand_snaps[i].far ? 1 : 0);
      dcsv.cell(secs(st.demand_to_settlement(i, seat)));
      for (float t : best) dcsv.cell(secs(t));
      dcsv.end_row();
    }
    L.finish(st, !aggregate);
    if (aggregate) {
      Json feats = Json::array();
      for (const auto& [k, cell] : cells)
        feats.push_back({{"type", "Feature"},
                         {"geometry",
                          {{"type", "Point"},
                           {"coordinates", coord_json({cell.x / static_cast<double>(cell.n),
                                                       cell.y / static_cast<double>(cell.n)})}}},
                         {"properties",
                          {{"population", round_to(cell.pop, 0.01)},
                           {"floor_area_m2", round_to(cell.fa, 0.1)},
                           {"points", cell.n}}}});
      st.doc["layers"]["demand"] = {
          {"type", "FeatureCollection"}, {"features", std::move(feats)}, {"aggregated_cell_deg", 0.005}};
    }
  }
  CsvWriter ucsv({"id", "name", "code", "admin_level", "population", "population_est", "osm_id"});
  {
    DualLayer L("admin_units", GeomType::kMultiPolygon,
                {{"id", FieldType::kInteger},
                 {"name", FieldType::kString},
                 {"code", FieldType::kString},
                 {"admin_level", FieldType::kInteger},
                 {"population", FieldType::kReal},
                 {"population_est", FieldType::kReal},
                 {"osm_id", FieldType::kInteger}});
    for (std::size_t i = 0; i < c.units.size(); ++i) {
      const auto& u = c.units[i];
      L.add_multipolygon(
          u.polygons, {integer(static_cast<long long>(i)), str(u.name), str(u.code), integer(u.admin_level),
                       real_or_null(u.population), round_to(u.population_est, 0.01), integer(u.osm_id)});
      ucsv.cell(i)
          .cell(u.name)
          .cell(u.code)
          .cell(u.admin_level)
          .cell(u.population)
          .cell(round_to(u.population_est, 0.01));
      ucsv.cell(static_cast<long long>(u.osm_id)).end_row();
    }
    L.finish(st);
  }
  if (!c.boundary.empty()) {
    DualLayer L("county_boundary", GeomType::kMultiPolygon,
                {{"name", FieldType::kString},
                 {"admin_level", FieldType::kInteger},
                 {"osm_id", FieldType::kInteger}});
    L.add_multipolygon(c.boundary,
                       {str(c.name), integer(c.boundary_admin_level), integer(c.boundary_osm_id)});
    L.finish(st);
  }
  {
    // Snapped points (GeoPackage only): where each place joins the network, how far, and its times.
    DualLayer L("snapped_points", GeomType::kPoint,
                with_svc({{"kind", FieldType::kString},
                          {"ref", FieldType::kInteger},
                          {"osm_id", FieldType::kInteger},
                          {"name", FieldType::kString},
                          {"snap_dist_m", FieldType::kReal},
                          {"far", FieldType::kInteger},
                          {"time_to_seat_s", FieldType::kReal}}));
    auto add = [&](const char* kind, std::size_t i, const Snap& s, std::int64_t osm, const std::string& name,
                   float tseat, const std::vector<float>& best) {
      L.add_point(s.on_edge, svc_values(best, {std::string(kind), integer(static_cast<long long>(i)),
                                               integer(osm), str(name), round_to(s.dist_m, 0.1),
                                               integer(s.far ? 1 : 0), real_or_null(secs(tseat))}));
    };
    for (std::size_t i = 0; i < c.settlements.size(); ++i)
      add("settlement", i, st.settlement_snaps[i], c.settlements[i].osm_id, c.settlements[i].name,
          st.settlement_to_settlement(i, seat), nearest_by_type(st, st.settlement_to_facility, i));
    for (std::size_t i = 0; i < c.facilities.size(); ++i)
      add("facility", i, st.facility_snaps[i], c.facilities[i].osm_id, c.facilities[i].name,
          fac_to_seat(i, 0), nearest_by_type(st, st.facility_to_facility, i));
    for (std::size_t i = 0; i < c.demand.size(); ++i)
      add("demand", i, st.demand_snaps[i], c.demand[i].osm_id, "", st.demand_to_settlement(i, seat),
          nearest_by_type(st, st.demand_to_facility, i));
    L.finish(st, false);
  }
  CsvWriter mcsv({"from_id", "to_id", "from_name", "to_name", "time_s"});
  for (std::size_t i = 0; i < c.settlements.size(); ++i)
    for (std::size_t j = 0; j < c.settlements.size(); ++j)
      mcsv.cell(i)
          .cell(j)
          .cell(c.settlements[i].name)
          .cell(c.settlements[j].name)
          .cell(secs(st.settlement_to_settlement(i, j)))
          .end_row();

  st.csv["settlements.csv"] = scsv.str();
  st.csv["facilities.csv"] = fcsv.str();
  st.csv["demand.csv"] = dcsv.str();
  st.csv["admin_units.csv"] = ucsv.str();
  st.csv["settlement_times.csv"] = mcsv.str();
}

}  // namespace detail

void write_plan_outputs(const PlanState& st, const std::string& dir, Context& ctx) {
  OutputDir out(dir, ctx);
  write_plan_outputs(st, out, ctx);
  out.commit();
  ctx.info("wrote " + dir + " (results.json, county.gpkg, " + std::to_string(st.csv.size()) + " CSV files" +
#if defined(CS_HAVE_REPORT)
           ", report.html" +
#endif
           ", manifest.json)");
}

void write_plan_outputs(const PlanState& st, OutputDir& out, Context& ctx) {
  Json doc = st.doc;
  if (st.cfg.timings) {
    Json t = Json::array();
    for (const auto& p : ctx.timers) t.push_back({{"pass", p.name}, {"seconds", p.seconds}});
    doc["meta"]["timings"] = std::move(t);
  }
  write_file(out.path("results.json"), dump_results(doc));
  write_geopackage(out.path("county.gpkg"), st.layers);
  for (const auto& [name, text] : st.csv) write_file(out.path(name), text);
#if defined(CS_HAVE_REPORT)
  if (std::find(st.cfg.skip.begin(), st.cfg.skip.end(), "report") == st.cfg.skip.end())
    write_file(out.path("report.html"), render_report(doc));
#endif
}

}  // namespace cs
