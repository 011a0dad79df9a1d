// The structure section of the results document, its map layers, GeoPackage layers and CSV tables.
#include <cmath>
#include <string>

#include <countyscope/io/csv.hpp>
#include <countyscope/structure/structure.hpp>

namespace cs {

namespace {

double settlement_pop(const Settlement& s) {
  return std::isfinite(s.population) && s.population > 0 ? s.population : s.population_est;
}

Json ring_json(const std::vector<LonLat>& ring) {
  Json a = Json::array();
  for (const LonLat& p : ring) a.push_back({p.lon, p.lat});
  return a;
}

Json multipolygon_json(const IsoPolygon& poly) {
  Json coords = Json::array();
  for (const auto& rings : poly.polygons) {
    Json pr = Json::array();
    for (const auto& ring : rings) pr.push_back(ring_json(ring));
    coords.push_back(std::move(pr));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(coords)}};
}

Json feature(Json geometry, Json props) {
  return {{"type", "Feature"}, {"geometry", std::move(geometry)}, {"properties", std::move(props)}};
}

Json collection() { return {{"type", "FeatureCollection"}, {"features", Json::array()}}; }

FieldValue num(double x) { return std::isfinite(x) ? FieldValue{x} : FieldValue{}; }

double round_to(double x, double q) { return std::isfinite(x) ? std::round(x / q) * q : x; }

}  // namespace

void structure_outputs(const StructureResult& r, const StructureInput& in, Json& section, Json& layers,
                       std::vector<VectorLayer>& gpkg, std::map<std::string, std::string>& csv) {
  const County& county = *in.county;
  const auto& S = county.settlements;
  const StructureConfig& cfg = r.cfg;
  auto sname = [&](std::uint32_t s) { return S[s].name; };
  auto fname = [&](std::uint32_t j) {
    const Facility& f = county.facilities[j];
    return f.name.empty() ? county.services.types[f.service].name + " #" + std::to_string(j) : f.name;
  };

  // Effective configuration (the report's assumptions table).
  Json cutoffs_min = Json::array();
  for (double c : cfg.iso.cutoffs_s) cutoffs_min.push_back(c / 60.0);
  section["config"] = {
      {"cutoffs_min", cutoffs_min},
      {"polygon_construction",
       "reached edges (partial edges up to the cutoff) buffered and dissolved with GEOS in a local "
       "equirectangular "
       "metric projection"},
      {"buffer_m", cfg.iso.buffer_m},
      {"simplify_m", cfg.iso.simplify_m},
      {"polygons", polygon_sources_name(cfg.polygons)},
      {"walk", cfg.walk && in.walk != nullptr},
      {"facility_circles", cfg.facility_circles},
      {"assignment", assign_mode_name(cfg.areas.mode)},
      {"huff_alpha", cfg.areas.huff_alpha},
      {"huff_beta", cfg.areas.huff_beta},
      {"huff_min_time_s", cfg.areas.min_time_s},
      {"max_time_s", cfg.areas.max_time_s},
      {"reach_s", cfg.hierarchy.reach_s},
      {"facility_radius_s", cfg.hierarchy.facility_radius_s},
      {"w_pop", cfg.hierarchy.w_pop},
      {"w_services", cfg.hierarchy.w_services},
      {"w_reach", cfg.hierarchy.w_reach},
      {"town_score", cfg.hierarchy.town_score},
      {"k", cfg.pattern.k},
      {"within_s", cfg.pattern.within_s},
      {"candidates", pattern_candidates_name(cfg.candidates)},
      {"village_gap_s", cfg.village_gap_s},
      {"exclude_off_network", cfg.exclude_off_network},
      {"snap_threshold_m", in.snap_threshold_m},
      {"direction",
       "circles: from the centre outwards; service areas and pattern coverage: demand point to centre (car)"},
  };
  section["total_population"] = r.total_population;
  Json off = Json::array();
  for (std::size_t i = 0; i < r.off_network.size(); ++i)
    off.push_back({{"settlement", r.off_network[i]},
                   {"name", sname(r.off_network[i])},
                   {"place", S[r.off_network[i]].place},
                   {"snap_m", std::round(r.off_network_m[i])}});
  section["off_network"] = {{"threshold_m", in.snap_threshold_m}, {"settlements", off}};
  section["demand_source"] = county.demand_source;

  // Centres and their service areas.
  Json centres = Json::array();
  CsvWriter towns({"settlement", "name", "tier", "population", "area_population", "huff_population",
                   "demand_points", "villages", "mean_time_s", "max_time_s"});
  for (std::size_t c = 0; c < r.centres.size(); ++c) {
    const std::uint32_t s = r.centres[c];
    const CentreArea& a = r.areas.centres[c];
    centres.push_back(
        {{"settlement", s},
         {"name", sname(s)},
         {"tier", tier_name(S[s].tier)},
         {"population", settlement_pop(S[s])},
         {"area_population", a.population},
         {"huff_population",
          cfg.areas.mode == AssignMode::kHuff ? number_or_null(a.huff_population) : Json(nullptr)},
         {"demand_points", a.demand_points},
         {"villages", a.villages},
         {"mean_time_s", number_or_null(a.mean_time_s)},
         {"max_time_s", number_or_null(a.max_time_s)}});
    towns.cell(static_cast<std::size_t>(s))
        .cell(sname(s))
        .cell(tier_name(S[s].tier))
        .cell(settlement_pop(S[s]));
    towns.cell(a.population);
    if (cfg.areas.mode == AssignMode::kHuff)
      towns.cell(a.huff_population);
    else
      towns.null();
    towns.cell(a.demand_points).cell(a.villages).cell(a.mean_time_s).cell(a.max_time_s);
    towns.end_row();
  }
  section["service_areas"] = {{"centres", centres},
                              {"unassigned_population", r.areas.unassigned_population},
                              {"unassigned_demand_points", r.areas.unassigned_demand_points},
                              {"unassigned_villages", r.areas.unassigned_villages}};
  csv["structure_towns.csv"] = towns.str();

  // Villages: their centre, time, and whether they fall outside every centre's circle.
  std::vector<bool> outside(S.size(), false);
  for (std::uint32_t v : r.villages_outside) outside[v] = true;
  Json vill_out = Json::array();
  Json vill_layer = collection();
  VectorLayer vl{"structure_villages",
                 GeomType::kPoint,
                 {{"name", FieldType::kString},
                  {"population", FieldType::kReal},
                  {"centre", FieldType::kString},
                  {"time_s", FieldType::kReal},
                  {"outside_gap", FieldType::kInteger}}};
  CsvWriter vcsv({"settlement", "name", "place", "population", "centre", "time_s", "outside_gap"});
  for (std::size_t v = 0; v < r.villages.size(); ++v) {
    const std::uint32_t s = r.villages[v];
    const std::int32_t c = r.areas.village_centre[v];
    const std::string centre = c >= 0 ? sname(r.centres[static_cast<std::size_t>(c)]) : std::string();
    const double t = r.areas.village_time_s[v];
    vl.add(wkt_point(S[s].pos),
           {sname(s), settlement_pop(S[s]), centre, num(t), std::int64_t{outside[s] ? 1 : 0}});
    vill_layer["features"].push_back(
        feature({{"type", "Point"}, {"coordinates", {S[s].pos.lon, S[s].pos.lat}}},
                {{"name", sname(s)},
                 {"population", settlement_pop(S[s])},
                 {"centre", centre},
                 {"time_s", number_or_null(t)},
                 {"outside_gap", outside[s]}}));
    vcsv.cell(static_cast<std::size_t>(s))
        .cell(sname(s))
        .cell(S[s].place)
        .cell(settlement_pop(S[s]))
        .cell(centre);
    vcsv.cell(t).cell(outside[s] ? 1 : 0);
    vcsv.end_row();
    if (outside[s]) {
      vill_out.push_back({{"settlement", s},
                          {"name", sname(s)},
                          {"place", S[s].place},
                          {"population", settlement_pop(S[s])},
                          {"nearest_centre", centre},
                          {"time_s", number_or_null(t)}});
    }
  }
  section["villages_outside"] = {{"gap_s", cfg.village_gap_s}, {"villages", vill_out}};
  layers["structure_villages"] = vill_layer;
  gpkg.push_back(std::move(vl));
  csv["structure_villages.csv"] = vcsv.str();

  // Life circles: statistics for every source, polygons where built.
  Json circles = Json::array();
  Json circle_layer = collection();
  VectorLayer cl{"structure_circles",
                 GeomType::kMultiPolygon,
                 {{"source", FieldType::kString},
                  {"kind", FieldType::kString},
                  {"profile", FieldType::kString},
                  {"cutoff_min", FieldType::kReal},
                  {"population", FieldType::kReal},
                  {"villages", FieldType::kInteger},
                  {"area_km2", FieldType::kReal}}};
  CsvWriter ccsv({"source", "kind", "index", "profile", "cutoff_min", "nodes", "road_km", "population",
                  "pop_share", "villages", "area_km2"});
  for (const LifeCircle& lc : r.circles) {
    const std::string name = lc.kind == SourceKind::kFacility ? fname(lc.index) : sname(lc.index);
    const std::string kind = lc.kind == SourceKind::kFacility
                                 ? county.services.types[county.facilities[lc.index].service].name
                                 : std::string(source_kind_name(lc.kind));
    Json per = Json::array();
    for (const CircleStats& c : lc.cutoffs) {
      const double share = r.total_population > 0 ? c.population / r.total_population : 0.0;
      const bool has_poly = !c.polygon.polygons.empty();
      Json vn = Json::array();
      for (std::uint32_t v : c.villages) vn.push_back(sname(v));
      per.push_back(
          {{"cutoff_min", c.cutoff_s / 60.0},
           {"nodes", c.nodes},
           {"road_km", round_to(c.km, 0.001)},
           {"population", c.population},
           {"pop_share", share},
           {"villages", vn},
           {"area_km2", has_poly ? number_or_null(round_to(c.polygon.area_km2, 0.0001)) : Json(nullptr)}});
      ccsv.cell(name).cell(kind).cell(lc.index).cell(profile_name(lc.profile)).cell(c.cutoff_s / 60.0);
      ccsv.cell(c.nodes).cell(round_to(c.km, 0.001)).cell(c.population).cell(share).cell(c.villages.size());
      if (has_poly)
        ccsv.cell(round_to(c.polygon.area_km2, 0.0001));
      else
        ccsv.null();
      ccsv.end_row();
      if (has_poly) {
        cl.add(wkt_multipolygon(c.polygon.polygons),
               {name, kind, std::string(profile_name(lc.profile)), c.cutoff_s / 60.0, c.population,
                std::int64_t(c.villages.size()), c.polygon.area_km2});
        circle_layer["features"].push_back(
            feature(multipolygon_json(c.polygon), {{"source", name},
                                                   {"kind", kind},
                                                   {"profile", profile_name(lc.profile)},
                                                   {"cutoff_min", c.cutoff_s / 60.0},
                                                   {"population", c.population},
                                                   {"villages", c.villages.size()},
                                                   {"area_km2", round_to(c.polygon.area_km2, 0.0001)}}));
      }
    }
    // Facility circles are many: the document keeps only their statistics table in CSV.
    if (lc.kind != SourceKind::kFacility)
      circles.push_back({{"source", name},
                         {"settlement", lc.index},
                         {"kind", kind},
                         {"profile", profile_name(lc.profile)},
                         {"cutoffs", per}});
  }
  section["circles"] = circles;
  layers["structure_circles"] = circle_layer;
  gpkg.push_back(std::move(cl));
  csv["structure_circles.csv"] = ccsv.str();

  // Service-area polygons.
  Json area_layer = collection();
  VectorLayer al{"structure_service_areas",
                 GeomType::kMultiPolygon,
                 {{"centre", FieldType::kString},
                  {"tier", FieldType::kString},
                  {"population", FieldType::kReal},
                  {"villages", FieldType::kInteger},
                  {"mean_time_s", FieldType::kReal},
                  {"max_time_s", FieldType::kReal}}};
  for (std::size_t c = 0; c < r.area_polygons.size(); ++c) {
    const IsoPolygon& p = r.area_polygons[c];
    if (p.polygons.empty()) continue;
    const std::uint32_t s = r.centres[c];
    const CentreArea& a = r.areas.centres[c];
    al.add(wkt_multipolygon(p.polygons), {sname(s), std::string(tier_name(S[s].tier)), a.population,
                                          std::int64_t(a.villages), num(a.mean_time_s), num(a.max_time_s)});
    area_layer["features"].push_back(
        feature(multipolygon_json(p), {{"centre", sname(s)},
                                       {"centre_index", c},
                                       {"tier", tier_name(S[s].tier)},
                                       {"population", a.population},
                                       {"villages", a.villages},
                                       {"mean_time_s", number_or_null(a.mean_time_s)},
                                       {"max_time_s", number_or_null(a.max_time_s)}}));
  }
  layers["structure_service_areas"] = area_layer;
  gpkg.push_back(std::move(al));

  // Hierarchy.
  Json hier = Json::array();
  CsvWriter hcsv({"settlement", "name", "stated", "proposed", "rank", "score", "population",
                  "reach_population", "facilities", "service_types", "mismatch"});
  std::vector<std::uint32_t> by_rank(S.size());
  for (std::size_t s = 0; s < S.size(); ++s)
    by_rank[r.hierarchy.settlements[s].rank - 1] = static_cast<std::uint32_t>(s);
  for (std::uint32_t s : by_rank) {
    const SettlementRank& h = r.hierarchy.settlements[s];
    Json types = Json::object();
    for (std::size_t t = 0; t < h.facilities_by_type.size(); ++t)
      if (h.facilities_by_type[t]) types[county.services.types[t].name] = h.facilities_by_type[t];
    hier.push_back({{"settlement", s},
                    {"name", sname(s)},
                    {"place", S[s].place},
                    {"stated", tier_name(h.stated)},
                    {"proposed", tier_name(h.proposed)},
                    {"rank", h.rank},
                    {"score", round_to(h.score, 1e-6)},
                    {"pop_part", round_to(h.pop_part, 1e-6)},
                    {"services_part", round_to(h.services_part, 1e-6)},
                    {"reach_part", round_to(h.reach_part, 1e-6)},
                    {"population", h.population},
                    {"reach_population", h.reach_population},
                    {"facilities", h.facilities},
                    {"facilities_by_type", types},
                    {"service_types", h.service_types},
                    {"mismatch", mismatch_text(h.mismatch)}});
    hcsv.cell(static_cast<std::size_t>(s))
        .cell(sname(s))
        .cell(tier_name(h.stated))
        .cell(tier_name(h.proposed));
    hcsv.cell(h.rank)
        .cell(round_to(h.score, 1e-6))
        .cell(h.population)
        .cell(h.reach_population)
        .cell(h.facilities);
    hcsv.cell(h.service_types).cell(mismatch_text(h.mismatch));
    hcsv.end_row();
  }
  section["hierarchy"] = hier;
  csv["structure_hierarchy.csv"] = hcsv.str();

  // Pattern optimisation.
  Json cand = Json::array(), chosen = Json::array(), steps = Json::array();
  for (std::uint32_t s : r.candidates) cand.push_back(sname(s));
  for (std::size_t i = 0; i < r.pattern.chosen.size(); ++i) {
    chosen.push_back(sname(r.pattern.chosen[i]));
    const double before = i == 0 ? r.pattern.base_covered : r.pattern.step_covered[i - 1];
    steps.push_back({{"name", sname(r.pattern.chosen[i])},
                     {"covered", r.pattern.step_covered[i]},
                     {"gain", r.pattern.step_covered[i] - before}});
  }
  section["pattern"] = {{"method", r.pattern.method},
                        {"k", cfg.pattern.k},
                        {"within_s", cfg.pattern.within_s},
                        {"existing", Json::array({sname(static_cast<std::uint32_t>(county.seat))})},
                        {"candidates", cand},
                        {"chosen", chosen},
                        {"steps", steps},
                        {"total", r.pattern.total},
                        {"base_covered", r.pattern.base_covered},
                        {"covered", r.pattern.covered},
                        {"gain", r.pattern.covered - r.pattern.base_covered},
                        {"upper_bound", r.pattern.upper_bound}};

  // Per demand point: its centre and travel time (the travel-time field behind the service areas).
  CsvWriter dcsv({"demand", "lon", "lat", "population", "centre", "time_s"});
  for (std::size_t i = 0; i < county.demand.size(); ++i) {
    const DemandPoint& d = county.demand[i];
    const std::int32_t c = r.areas.demand_centre[i];
    dcsv.cell(i).cell(round_to(d.pos.lon, 1e-7)).cell(round_to(d.pos.lat, 1e-7)).cell(d.population);
    dcsv.cell(c >= 0 ? sname(r.centres[static_cast<std::size_t>(c)]) : std::string());
    dcsv.cell(static_cast<double>(r.areas.demand_time_s[i]));
    dcsv.end_row();
  }
  csv["structure_demand.csv"] = dcsv.str();
}

}  // namespace cs
