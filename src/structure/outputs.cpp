// The structure section of the results document, its map layers, GeoPackage layers and CSV tables.
#include <cmath>
#include <string>

#include <countyscope/structure/structure.hpp>

namespace cs::structure {

namespace {

// A settlement's one population (county.hpp): the same figure the access, siting and flows tables show.
double settlement_pop(const Settlement& s) { return s.population_est; }

double round_to(double x, double q) { return std::isfinite(x) ? std::round(x / q) * q : x; }

FieldValue count(std::size_t n) { return integer(static_cast<std::int64_t>(n)); }

// Names of settlements and facilities as the outputs show them.
struct Names {
  const County& county;
  [[nodiscard]] std::string settlement(std::uint32_t s) const { return county.settlements[s].name; }
  [[nodiscard]] std::string facility(std::uint32_t j) const {
    const Facility& f = county.facilities[j];
    return f.name.empty() ? county.services.types[f.service].name + " #" + std::to_string(j) : f.name;
  }
};

Json config_json(const StructureResult& r, const StructureInput& in) {
  const StructureConfig& cfg = r.cfg;
  Json cutoffs_min = Json::array();
  for (double c : cfg.iso.cutoffs_s) cutoffs_min.push_back(c / 60.0);
  return {
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
      {"huff_min_time_min", cfg.areas.min_time_s / 60.0},
      {"max_time_min", cfg.areas.max_time_s / 60.0},
      {"reach_min", cfg.hierarchy.reach_s / 60.0},
      {"facility_radius_min", cfg.hierarchy.facility_radius_s / 60.0},
      {"w_pop", cfg.hierarchy.w_pop},
      {"w_services", cfg.hierarchy.w_services},
      {"w_reach", cfg.hierarchy.w_reach},
      {"town_score", cfg.hierarchy.town_score},
      {"k", cfg.pattern.k},
      {"within_min", cfg.pattern.within_s / 60.0},
      {"candidates", pattern_candidates_name(cfg.candidates)},
      {"village_gap_min", cfg.village_gap_s / 60.0},
      {"exclude_off_network", cfg.exclude_off_network},
      {"snap_threshold_m", in.snap_threshold_m},
      {"direction",
       "circles: from the centre outwards; service areas and pattern coverage: demand point to centre (car)"},
  };
}

// Centres and their service areas: structure_towns.csv and sections.structure.service_areas.centres.
Table towns_table(const StructureResult& r, const Names& names) {
  const auto& S = names.county.settlements;
  Table t("structure_towns", {{"settlement", FieldType::kInteger},
                              {"name", FieldType::kString},
                              {"tier", FieldType::kString},
                              {"population", FieldType::kReal, "persons"},
                              {"area_population", FieldType::kReal, "persons"},
                              {"huff_population", FieldType::kReal, "persons"},
                              {"demand_points", FieldType::kInteger},
                              {"villages", FieldType::kInteger},
                              {"mean_time_min", FieldType::kReal, "min"},
                              {"max_time_min", FieldType::kReal, "min"}});
  t.json = JsonPlace::kSection;
  t.json_key = "/service_areas/centres";
  for (std::size_t c = 0; c < r.centres.size(); ++c) {
    const std::uint32_t s = r.centres[c];
    const CentreArea& a = r.areas.centres[c];
    t.add({integer(s), names.settlement(s), std::string(tier_name(S[s].tier)), settlement_pop(S[s]),
           a.population, r.cfg.areas.mode == AssignMode::kHuff ? FieldValue{a.huff_population} : FieldValue{},
           count(a.demand_points), count(a.villages), output_minutes(a.mean_time_s),
           output_minutes(a.max_time_s)});
  }
  return t;
}

// Villages: their centre, time, and whether they fall outside every centre's circle (structure_villages
// layer and CSV); those outside are listed in the section too.
Table villages_table(const StructureResult& r, const Names& names, Json& section) {
  const auto& S = names.county.settlements;
  std::vector<bool> outside(S.size(), false);
  for (std::uint32_t v : r.villages_outside) outside[v] = true;
  Table t("structure_villages", GeomType::kPoint,
          {{"settlement", FieldType::kInteger, "", kToCsv},
           {"name", FieldType::kString},
           {"place", FieldType::kString, "", kToCsv},
           {"population", FieldType::kReal, "persons"},
           {"centre", FieldType::kString},
           {"time_min", FieldType::kReal, "min"},
           {"outside_gap", FieldType::kInteger}});
  t.round_json_coordinates = false;
  Json vill_out = Json::array();
  for (std::size_t v = 0; v < r.villages.size(); ++v) {
    const std::uint32_t s = r.villages[v];
    const std::int32_t c = r.areas.village_centre[v];
    const std::string centre =
        c >= 0 ? names.settlement(r.centres[static_cast<std::size_t>(c)]) : std::string();
    const double time = output_minutes(r.areas.village_time_s[v]);
    t.add(Shape::point(S[s].pos), {integer(s), names.settlement(s), S[s].place, settlement_pop(S[s]), centre,
                                   time, integer(outside[s] ? 1 : 0)});
    if (outside[s])
      vill_out.push_back({{"settlement", s},
                          {"name", names.settlement(s)},
                          {"place", S[s].place},
                          {"population", settlement_pop(S[s])},
                          {"nearest_centre", centre},
                          {"time_min", number_or_null(time)}});
  }
  section["villages_outside"] = {{"gap_min", r.cfg.village_gap_s / 60.0}, {"villages", vill_out}};
  return t;
}

// Life circles: statistics for every source and cutoff (CSV), polygons where built (layer; its area in the
// GeoPackage unrounded), per-settlement statistics in the section.
Table circles_table(const StructureResult& r, const Names& names, Json& section) {
  const County& county = names.county;
  Table t("structure_circles", GeomType::kMultiPolygon,
          {{"source", FieldType::kString},
           {"kind", FieldType::kString},
           {"index", FieldType::kInteger, "", kToCsv},
           {"profile", FieldType::kString},
           {"cutoff_min", FieldType::kReal, "min"},
           {"nodes", FieldType::kInteger, "", kToCsv},
           {"road_km", FieldType::kReal, "km", kToCsv},
           {"population", FieldType::kReal, "persons"},
           {"pop_share", FieldType::kReal, "share", kToCsv},
           {"villages", FieldType::kInteger},
           {"area_km2", FieldType::kReal, "km2", kToCsv | kToJson},
           {"area_km2", FieldType::kReal, "km2", kToGpkg}});
  t.round_json_coordinates = false;
  Json circles = Json::array();
  for (const LifeCircle& lc : r.circles) {
    const std::string name =
        lc.kind == SourceKind::kFacility ? names.facility(lc.index) : names.settlement(lc.index);
    const std::string kind = lc.kind == SourceKind::kFacility
                                 ? county.services.types[county.facilities[lc.index].service].name
                                 : std::string(source_kind_name(lc.kind));
    Json per = Json::array();
    for (const CircleStats& c : lc.cutoffs) {
      const double share = r.total_population > 0 ? c.population / r.total_population : 0.0;
      const bool has_poly = !c.polygon.polygons.empty();
      Json vn = Json::array();
      for (std::uint32_t v : c.villages) vn.push_back(names.settlement(v));
      const FieldValue area = has_poly ? real_or_null(round_to(c.polygon.area_km2, 0.0001)) : FieldValue{};
      per.push_back({{"cutoff_min", c.cutoff_s / 60.0},
                     {"nodes", c.nodes},
                     {"road_km", round_to(c.km, 0.001)},
                     {"population", c.population},
                     {"pop_share", share},
                     {"villages", vn},
                     {"area_km2", field_json(area)}});
      std::vector<FieldValue> row{name,
                                  kind,
                                  integer(lc.index),
                                  std::string(network::profile_name(lc.profile)),
                                  c.cutoff_s / 60.0,
                                  count(c.nodes),
                                  round_to(c.km, 0.001),
                                  c.population,
                                  share,
                                  count(c.villages.size()),
                                  area,
                                  c.polygon.area_km2};
      if (has_poly)
        t.add(Shape::multipolygon(c.polygon.polygons), std::move(row));
      else
        t.add(Shape{}, std::move(row), kToCsv);
    }
    // Facility circles are many: the document keeps only their statistics table in CSV.
    if (lc.kind != SourceKind::kFacility)
      circles.push_back({{"source", name},
                         {"settlement", lc.index},
                         {"kind", kind},
                         {"profile", network::profile_name(lc.profile)},
                         {"cutoffs", per}});
  }
  section["circles"] = circles;
  return t;
}

// Service-area polygons (layer only).
Table service_areas_table(const StructureResult& r, const Names& names) {
  const auto& S = names.county.settlements;
  Table t("structure_service_areas", GeomType::kMultiPolygon,
          {{"centre", FieldType::kString},
           {"centre_index", FieldType::kInteger, "", kToJson},
           {"tier", FieldType::kString},
           {"population", FieldType::kReal, "persons"},
           {"villages", FieldType::kInteger},
           {"mean_time_min", FieldType::kReal, "min"},
           {"max_time_min", FieldType::kReal, "min"}});
  t.csv_file.clear();
  t.round_json_coordinates = false;
  for (std::size_t c = 0; c < r.area_polygons.size(); ++c) {
    const IsoPolygon& p = r.area_polygons[c];
    if (p.polygons.empty()) continue;
    const std::uint32_t s = r.centres[c];
    const CentreArea& a = r.areas.centres[c];
    t.add(Shape::multipolygon(p.polygons),
          {names.settlement(s), count(c), std::string(tier_name(S[s].tier)), a.population, count(a.villages),
           output_minutes(a.mean_time_s), output_minutes(a.max_time_s)});
  }
  return t;
}

// Hierarchy: structure_hierarchy.csv; the section's rows carry the score parts and facilities by type too
// (an object per row, which a table cell cannot hold).
Table hierarchy_table(const StructureResult& r, const Names& names, Json& section) {
  const County& county = names.county;
  const auto& S = county.settlements;
  Table t("structure_hierarchy", {{"settlement", FieldType::kInteger},
                                  {"name", FieldType::kString},
                                  {"stated", FieldType::kString},
                                  {"proposed", FieldType::kString},
                                  {"rank", FieldType::kInteger},
                                  {"score", FieldType::kReal},
                                  {"population", FieldType::kReal, "persons"},
                                  {"reach_population", FieldType::kReal, "persons"},
                                  {"facilities", FieldType::kInteger},
                                  {"service_types", FieldType::kInteger},
                                  {"mismatch", FieldType::kString}});
  Json hier = Json::array();
  std::vector<std::uint32_t> by_rank(S.size());
  for (std::size_t s = 0; s < S.size(); ++s)
    by_rank[r.hierarchy.settlements[s].rank - 1] = static_cast<std::uint32_t>(s);
  for (std::uint32_t s : by_rank) {
    const SettlementRank& h = r.hierarchy.settlements[s];
    Json types = Json::object();
    for (std::size_t k = 0; k < h.facilities_by_type.size(); ++k)
      if (h.facilities_by_type[k]) types[county.services.types[k].name] = h.facilities_by_type[k];
    hier.push_back({{"settlement", s},
                    {"name", names.settlement(s)},
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
    t.add({integer(s), names.settlement(s), std::string(tier_name(h.stated)),
           std::string(tier_name(h.proposed)), integer(h.rank), round_to(h.score, 1e-6), h.population,
           h.reach_population, integer(h.facilities), integer(h.service_types),
           std::string(mismatch_text(h.mismatch))});
  }
  section["hierarchy"] = hier;
  return t;
}

Json pattern_json(const StructureResult& r, const Names& names) {
  Json cand = Json::array(), chosen = Json::array(), steps = Json::array();
  Json existing = Json::array();
  for (std::uint32_t s : r.candidates) cand.push_back(names.settlement(s));
  for (std::uint32_t s : r.existing) existing.push_back(names.settlement(s));
  for (std::size_t i = 0; i < r.pattern.chosen.size(); ++i) {
    chosen.push_back(names.settlement(r.pattern.chosen[i]));
    const double before = i == 0 ? r.pattern.base_covered : r.pattern.step_covered[i - 1];
    steps.push_back({{"name", names.settlement(r.pattern.chosen[i])},
                     {"covered", r.pattern.step_covered[i]},
                     {"gain", r.pattern.step_covered[i] - before}});
  }
  return {{"method", r.pattern.method},
          {"k", r.cfg.pattern.k},
          {"within_min", r.cfg.pattern.within_s / 60.0},
          {"existing", existing},
          {"candidates", cand},
          {"chosen", chosen},
          {"steps", steps},
          {"total", r.pattern.total},
          {"base_covered", r.pattern.base_covered},
          {"covered", r.pattern.covered},
          {"gain", r.pattern.covered - r.pattern.base_covered},
          {"upper_bound", r.pattern.upper_bound}};
}

// Per demand point: its centre and travel time (the travel-time field behind the service areas).
Table demand_table(const StructureResult& r, const Names& names) {
  Table t("structure_demand", {{"demand", FieldType::kInteger},
                               {"lon", FieldType::kReal, "deg"},
                               {"lat", FieldType::kReal, "deg"},
                               {"population", FieldType::kReal, "persons"},
                               {"centre", FieldType::kString},
                               {"time_min", FieldType::kReal, "min"}});
  const auto& demand = names.county.demand;
  for (std::size_t i = 0; i < demand.size(); ++i) {
    const DemandPoint& d = demand[i];
    const std::int32_t c = r.areas.demand_centre[i];
    t.add({count(i), round_to(d.pos.lon, 1e-7), round_to(d.pos.lat, 1e-7), d.population,
           c >= 0 ? names.settlement(r.centres[static_cast<std::size_t>(c)]) : std::string(),
           output_minutes(r.areas.demand_time_s[i])});
  }
  return t;
}

}  // namespace

Outputs structure_outputs(const StructureResult& r, const StructureInput& in) {
  const County& county = *in.county;
  const Names names{county};
  Outputs o;
  Json& section = o.section;
  section["config"] = config_json(r, in);
  section["total_population"] = r.total_population;
  Json off = Json::array();
  for (std::size_t i = 0; i < r.off_network.size(); ++i)
    off.push_back({{"settlement", r.off_network[i]},
                   {"name", names.settlement(r.off_network[i])},
                   {"place", county.settlements[r.off_network[i]].place},
                   {"snap_m", std::round(r.off_network_m[i])}});
  section["off_network"] = {{"threshold_m", in.snap_threshold_m}, {"settlements", off}};
  section["demand_source"] = county.demand_source;
  section["service_areas"] = {{"unassigned_population", r.areas.unassigned_population},
                              {"unassigned_demand_points", r.areas.unassigned_demand_points},
                              {"unassigned_villages", r.areas.unassigned_villages}};
  o.add(towns_table(r, names));
  o.add(villages_table(r, names, section));
  o.add(circles_table(r, names, section));
  o.add(service_areas_table(r, names));
  o.add(hierarchy_table(r, names, section));
  section["pattern"] = pattern_json(r, names);
  o.add(demand_table(r, names));
  return o;
}

}  // namespace cs::structure
