// Base outputs of a plan: sections.network (here) and sections.county (county_outputs.cpp), each a
// cs::Outputs merged into the plan; write_plan_outputs puts the merged document, GeoPackage and CSV files on
// disk atomically.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <future>
#include <map>

#include <countyscope/io/output.hpp>
#include <countyscope/network/routing.hpp>

#include "base_outputs.hpp"
#include "passes.hpp"
#if defined(CS_HAVE_REPORT)
#include <countyscope/report/report.hpp>
#endif

namespace cs {
namespace detail {

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

void merge(PlanState& st, std::string_view stage, const Outputs& o) {
  add_to_document(st.doc, stage, o);
  for (auto& l : gpkg_layers(o)) st.layers.push_back(std::move(l));
  for (auto& [name, text] : csv_files(o)) st.csv[name] = std::move(text);
}

Outputs network_outputs(const PlanState& st) {
  const network::RoadGraph& g = st.car.graph;
  const NetworkStats& ns = st.car.stats;
  Outputs o;
  Json& net = o.section;
  net["profile"] = network::profile_name(g.profile);
  net["nodes"] = ns.nodes;
  net["arcs"] = ns.arcs;
  net["edges"] = ns.edges;
  net["km_total"] = round_to(ns.km_total, 0.001);
  net["km_by_class"] = Json::object();
  for (std::size_t k = 0; k < ns.km_by_class.size(); ++k)
    if (ns.km_by_class[k] > 0)
      net["km_by_class"][std::string(network::road_class_name(static_cast<network::RoadClass>(k)))] =
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
  ncfg["profile"] = network::profile_name(st.cfg.network.profile);
  ncfg["use_maxspeed"] = st.cfg.network.use_maxspeed;
  ncfg["keep_largest_scc"] = st.cfg.network.keep_largest_scc;
  for (std::size_t k = 0; k < st.cfg.network.speed_kmh.size(); ++k)
    ncfg["speed_kmh"][std::string(network::road_class_name(static_cast<network::RoadClass>(k)))] =
        st.cfg.network.speed_kmh[k];
  ncfg["snap_connector_speed_kmh"] = st.cfg.snap.connector_speed_kmh;
  ncfg["snap_far_threshold_m"] = st.cfg.snap.far_threshold_m;
  ncfg["matrix_cutoff_min"] = st.cfg.matrix.cutoff_min ? *st.cfg.matrix.cutoff_min : 0.0;
  auto snap_summary = [](const std::vector<network::Snap>& s) {
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

  Table& roads = o.add(Table("roads", GeomType::kLineString,
                             {{"road_class", FieldType::kString},
                              {"length_m", FieldType::kReal, "m"},
                              {"speed_kmh", FieldType::kReal, "km/h"},
                              {"oneway", FieldType::kInteger},
                              {"osm_id", FieldType::kInteger}}));
  roads.csv_file.clear();
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const auto shp = g.edge_shape(e);
    roads.add(
        Shape::line(std::vector<LonLat>(shp.begin(), shp.end())),
        {std::string(network::road_class_name(g.edge_class[e])), round_to(g.edge_length_m[e], 0.1),
         round_to(g.edge_speed_kmh[e], 0.1), integer(g.edge_dirs[e] == 3 ? 0 : 1), integer(g.edge_way[e])});
  }
  return o;
}

void pass_outputs(PlanState& st, Context& ctx) {
  const County& c = st.county;
  // Times from each facility to the seat (the other per-point times are rows of the plan's matrices).
  network::MatrixOptions opt;
  if (st.cfg.matrix_cutoff_s() > 0) opt.cutoff_s = st.cfg.matrix_cutoff_s();
  const TimeMatrix fac_to_seat = network::travel_time_matrix(
      st.car.graph, st.facility_snaps,
      std::span<const network::Snap>(&st.settlement_snaps[static_cast<std::size_t>(c.seat)], 1), opt, ctx);
  merge(st, "network", network_outputs(st));
  merge(st, "county", county_outputs(st, fac_to_seat));

  Json& meta = st.doc["meta"];
  meta["county"] = c.name;
  if (!c.name_zh.empty()) meta["county_zh"] = c.name_zh;
  if (!c.name_en.empty()) meta["county_en"] = c.name_en;
  meta["source"] = c.source;
  meta["generator"] = "countyscope plan";
  st.doc["attribution"] = Json::array({"Map data © OpenStreetMap contributors, ODbL 1.0"});
}

}  // namespace detail

void write_plan_outputs(PlanState& st, const std::string& dir, Context& ctx) {
  OutputDir out(dir, ctx);
  write_plan_outputs(st, out, ctx);
  out.commit();
  ctx.info("wrote " + dir + " (results.json, county.gpkg, " + std::to_string(st.csv.size()) + " CSV files" +
#if defined(CS_HAVE_REPORT)
           ", report.html" +
#endif
           ", manifest.json)");
}

void write_plan_outputs(PlanState& st, OutputDir& out, Context& ctx) {
  // The timings go into the document itself (no copy of a document of tens of MB).
  if (st.cfg.timings) {
    Json t = Json::array();
    for (const auto& p : ctx.timers) t.push_back({{"pass", p.name}, {"seconds", p.seconds}});
    st.doc["meta"]["timings"] = std::move(t);
  }
  // The GeoPackage (GDAL, one thread) is written while this thread writes the JSON, CSV and report files.
  const std::filesystem::path gpkg_path = out.path("county.gpkg");
  auto gpkg = std::async(std::launch::async, [&] { write_geopackage(gpkg_path, st.layers); });
  // The document is serialised once: results.json's text, and the report embeds the same text compacted.
  const std::string json = timed(ctx, "write_outputs/results.json", [&] { return dump_results(st.doc); });
  write_file(out.path("results.json"), json);
  timed(ctx, "write_outputs/csv", [&] {
    for (const auto& [name, text] : st.csv) write_file(out.path(name), text);
  });
#if defined(CS_HAVE_REPORT)
  if (std::find(st.cfg.skip.begin(), st.cfg.skip.end(), "report") == st.cfg.skip.end())
    timed(ctx, "write_outputs/report.html",
          [&] { write_file(out.path("report.html"), render_report(st.doc, json)); });
#endif
  timed(ctx, "write_outputs/county.gpkg (wait)", [&] { gpkg.get(); });
}

}  // namespace cs
