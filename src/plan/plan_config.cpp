// plan.toml: one section per stage; every key has a default (docs/county.md lists them). Errors name the file
// and the key; unknown keys list the valid ones.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/locate/study.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/plan/plan.hpp>

#include "passes.hpp"

namespace cs {
namespace {

namespace fs = std::filesystem;
using opt::join;

// Sections owned by capability passes: their keys are checked by those passes.
const std::vector<std::string> kCapabilitySections = {"access",    "locate",  "flows",    "structure",
                                                      "scenarios", "traffic", "capacity", "industry"};

const Range kFootprintM2{"area", 0, 10000, "m2"};
const Range kFloorAreaM2{"floor area", 1e-3, 10000, "m2"};
const Range kLevels{"building levels", 1, 200, "levels"};
const Range kConnectorKmh{"speed", 0.1, 200, "km/h"};
const Range kFarM{"distance", 1, 1e6, "metres"};
const Range kClassKmh{"speed", 0, 300, "km/h"};

const opt::Table<PlanConfig>& plan_table() {
  static const auto t =
      opt::Table<PlanConfig>("plan", "The plan driver (`countyscope plan`, `demo`, `batch`)")
          .texts("skip", &PlanConfig::skip,
                 "passes to skip: report, access, locate, flows, structure, scenarios")
          .flag("timings", &PlanConfig::timings,
                "record pass timings in results.json (makes outputs run-dependent)")
          .flag("strict", &PlanConfig::strict,
                "stop before the analysis (exit 1, nothing written) when a data-quality item is not ok")
          .texts("service_types", &PlanConfig::service_types,
                 "service types with a nearest-facility time column (empty: every type of the service table)")
          .integer("demand_layer_max", &PlanConfig::demand_layer_max, 0, 10000000, "points",
                   "demand points drawn in the report; above this they are aggregated to a grid there")
          .renamed("service", "service_types");
  return t;
}

const opt::Table<NetworkConfig>& network_table() {
  static const auto t =
      opt::Table<NetworkConfig>("network", "The road network read from OSM")
          .choice("profile", &NetworkConfig::profile,
                  {{"car", network::Profile::kCar}, {"walk", network::Profile::kWalk}},
                  "travel mode of the travel times (a new profile starts from its own default speeds)")
          .flag("use_maxspeed", &NetworkConfig::use_maxspeed,
                "car: take a tagged maxspeed below the class speed")
          .flag("keep_largest_scc", &NetworkConfig::keep_largest_scc,
                "keep only the largest strongly connected component")
          .extra("speed_kmh");
  return t;
}

const opt::Table<CountyConfig>& county_table() {
  static const auto t =
      opt::Table<CountyConfig>("county", "The county model: settlements, admin units, facilities, demand")
          .text("seat", &CountyConfig::seat,
                "name of the county seat (empty: admin_centre/capital of the county boundary)")
          .integer("county_admin_level", &CountyConfig::county_admin_level, -1, 11, "OSM admin_level",
                   "admin_level of the county boundary (0: detect, -1: none)")
          .text("boundary_name", &CountyConfig::county_name,
                "name of the county boundary, when the extract holds several areas (empty: detect)")
          .text("boundary", &CountyConfig::cut_boundary,
                "cut the county out of a larger extract first: a boundary file (any GDAL polygon source, "
                "relative to the plan file) or the boundary's OSM relation id")
          .integer("unit_admin_level", &CountyConfig::unit_admin_level, 1, 11, "OSM admin_level",
                   "admin_level of the township-level units")
          .unset_when_nan("total_population", &CountyConfig::total_population, limits::kPopulation,
                          "the county's population: a control total (tags only shape the spread)")
          .number("default_levels", &CountyConfig::default_levels, kLevels, "building:levels when untagged")
          .text("services", &CountyConfig::service_table,
                "service table TOML replacing the built-in one (relative to the plan file)")
          .number("min_footprint_m2", &CountyConfig::min_footprint_m2, kFootprintM2,
                  "building=yes smaller than this is not a dwelling (sheds, garages)")
          .number("floor_area_per_person_m2", &CountyConfig::floor_area_per_person_m2, kFloorAreaM2,
                  "residential floor area per person, when no population total of any kind is known")
          .flag("clip_to_county", &CountyConfig::clip_to_county,
                "drop places outside the county boundary (when one is found)");
  return t;
}

const opt::Table<network::SnapOptions>& snap_table() {
  static const auto t =
      opt::Table<network::SnapOptions>("snap", "Snapping places to the road network")
          .number("connector_speed_kmh", &network::SnapOptions::connector_speed_kmh, kConnectorKmh,
                  "speed of the leg from the door to the road")
          .number("far_threshold_m", &network::SnapOptions::far_threshold_m, kFarM,
                  "snaps farther than this are flagged (and settlements beyond it left out of structure)")
          .renamed("connector_kmh", "connector_speed_kmh")
          .renamed("far_m", "far_threshold_m");
  return t;
}

const opt::Table<MatrixCutoff>& matrix_table() {
  static const auto t = opt::Table<MatrixCutoff>("matrix", "The plan's travel-time matrices")
                            .optional_number("cutoff_min", &MatrixCutoff::cutoff_min, limits::kCutoffMin,
                                             "pairs beyond this travel time have no time (unset: no cutoff)")
                            .renamed("cutoff_s", "cutoff_min", "now in minutes")
                            .renamed("cutoff", "cutoff_min", "minutes");
  return t;
}

}  // namespace

const opt::Table<PlanConfig>& plan_options() { return plan_table(); }
const opt::Table<NetworkConfig>& network_options() { return network_table(); }
const opt::Table<CountyConfig>& county_options() { return county_table(); }
const opt::Table<network::SnapOptions>& snap_options() { return snap_table(); }
const opt::Table<MatrixCutoff>& matrix_options() { return matrix_table(); }

std::vector<const opt::TableBase*> plan_option_tables() {
  return {&plan_table(),
          &network_table(),
          &county_table(),
          &snap_table(),
          &matrix_table(),
          &access::access_options(),
          &locate::locate_options(),
          &detail::plan_locate_option_table(),
          &structure::structure_options(),
          &flows::flows_options(),
          &flows::scenarios_options(),
          &assign::county_traffic_options(),
          &capacity_account_options(),
          &industry::industry_options()};
}

const std::vector<std::string>& plan_skippable_passes() {
  static const std::vector<std::string> names = {"report",    "access",  "locate",   "flows",   "structure",
                                                 "scenarios", "traffic", "capacity", "industry"};
  return names;
}

std::vector<Problem> validate(const PlanConfig& cfg) {
  std::vector<Problem> p = validate(cfg.county);
  for (auto& x : p) x.option = "county." + x.option;
  for (const auto& s : cfg.skip)
    if (std::find(plan_skippable_passes().begin(), plan_skippable_passes().end(), s) ==
        plan_skippable_passes().end())
      p.push_back(
          {"plan.skip", "unknown pass '" + s + "'; expected one of: " + join(plan_skippable_passes())});
  if (!(cfg.snap.connector_speed_kmh > 0)) p.push_back({"snap.connector_speed_kmh", "must be > 0"});
  if (!(cfg.snap.far_threshold_m > 0)) p.push_back({"snap.far_threshold_m", "must be > 0"});
  if (cfg.matrix.cutoff_min && !in_range(*cfg.matrix.cutoff_min, limits::kCutoffMin))
    p.push_back({"matrix.cutoff_min", *range_problem(*cfg.matrix.cutoff_min, limits::kCutoffMin)});
  return p;
}

void set_profile(NetworkConfig& net, network::Profile p) {
  if (p == net.profile) return;
  const NetworkConfig d = default_network_config(p);
  net.profile = p;
  net.speed_kmh = d.speed_kmh;
}

namespace {

// [layers.KIND] tables: the planner's own layers (docs/your-county.md). A relative file source is relative to
// the plan file; a "PG:..." source is a connection string.
void read_layers(const TomlSection& layers, const fs::path& base, std::vector<LayerSpec>& out) {
  static const std::vector<std::string> kKinds = {"settlements", "facilities", "demand",
                                                  "units",       "boundary",   "census"};
  layers.check_keys(kKinds);
  for (const std::string& kind : layers.keys()) {
    const auto t = layers.table(kind);
    if (!t) throw layers.error(kind, "must be a table [layers." + kind + "]");
    t->check_keys({"source", "layer", "crs", "x", "y", "wkt", "service", "fields"});
    LayerSpec spec;
    spec.kind = kind;
    spec.where = fs::path(t->file()).filename().string() + " [layers." + kind + "]";
    t->text("source", spec.source);
    if (spec.source.empty()) throw t->error("source", "give the layer's file or a PG: connection string");
    if (spec.source.rfind("PG:", 0) != 0 && !fs::path(spec.source).is_absolute())
      spec.source = (base / spec.source).string();
    t->text("layer", spec.layer);
    t->text("crs", spec.crs);
    t->text("x", spec.x);
    t->text("y", spec.y);
    t->text("wkt", spec.wkt);
    t->text("service", spec.service);
    if (!spec.service.empty() && kind != "facilities")
      throw t->error("service", "only a facilities layer has a service");
    if (const auto f = t->table("fields")) {
      for (const std::string& role : f->keys()) {
        std::string column;
        f->text(role, column);
        if (column.empty()) throw f->error(role, "give the column's name");
        spec.fields.emplace_back(role, column);
      }
    }
    out.push_back(std::move(spec));
  }
}

}  // namespace

void parse_plan_config(std::string_view text, const std::string& file, PlanConfig& cfg) {
  auto doc = std::make_shared<const TomlDocument>(TomlDocument::parse(text, file));
  std::vector<std::string> sections = {"plan", "network", "county", "snap", "matrix", "layers"};
  sections.insert(sections.end(), kCapabilitySections.begin(), kCapabilitySections.end());
  doc->check_sections(sections);
  const fs::path base = fs::path(file).parent_path();

  plan_table().read(doc->section("plan"), cfg);
  {
    const TomlSection net = doc->section("network");
    NetworkConfig n = cfg.network;
    network_table().read(net, n);
    const bool use_maxspeed = n.use_maxspeed, keep = n.keep_largest_scc;
    set_profile(cfg.network, n.profile);  // speeds of the (new) profile, then the given ones
    cfg.network.use_maxspeed = use_maxspeed;
    cfg.network.keep_largest_scc = keep;
    if (const auto speeds = net.table("speed_kmh")) {
      std::vector<std::string> classes;
      for (std::size_t c = 0; c < static_cast<std::size_t>(network::RoadClass::kCount); ++c)
        classes.emplace_back(network::road_class_name(static_cast<network::RoadClass>(c)));
      speeds->check_keys(classes);
      for (std::size_t c = 0; c < classes.size(); ++c) {
        double v = cfg.network.speed_kmh[c];
        speeds->number(classes[c], v, kClassKmh);
        cfg.network.speed_kmh[c] = static_cast<float>(v);
      }
    }
  }
  {
    const std::string before = cfg.county.service_table, cut_before = cfg.county.cut_boundary;
    county_table().read(doc->section("county"), cfg.county);
    std::string& p = cfg.county.service_table;
    if (p != before && !p.empty() && !fs::path(p).is_absolute()) p = (base / p).string();
    std::string& cut = cfg.county.cut_boundary;  // a file relative to the plan file; a relation id as written
    if (cut != cut_before && !cut.empty() && !fs::path(cut).is_absolute() && fs::exists(base / cut))
      cut = (base / cut).string();
  }
  read_layers(doc->section("layers"), base, cfg.county.layers);
  snap_table().read(doc->section("snap"), cfg.snap);
  matrix_table().read(doc->section("matrix"), cfg.matrix);
  access::read_access_section(doc->section("access"), cfg.access);
  {
    const TomlSection s = doc->section("structure");
    structure::structure_options().read(s, cfg.structure);
    for (const Problem& p : validate(cfg.structure)) throw s.error(p.option, p.message);
  }
  // Paths in the file are relative to it.
  auto relative_to_file = [&](std::string& p, const std::string& before) {
    if (p != before && !p.empty() && !fs::path(p).is_absolute()) p = (base / p).string();
  };
  const std::string capital = cfg.flows.capital, scenario = cfg.scenarios.file;
  flows::flows_options().read(doc->section("flows"), cfg.flows);
  relative_to_file(cfg.flows.capital, capital);
  flows::scenarios_options().read(doc->section("scenarios"), cfg.scenarios);
  relative_to_file(cfg.scenarios.file, scenario);
  assign::county_traffic_options().read(doc->section("traffic"), cfg.traffic);
  capacity_account_options().read(doc->section("capacity"), cfg.capacity);
  {
    const TomlSection s = doc->section("industry");
    const std::string yt = cfg.industry.yield_table, ot = cfg.industry.output_table;
    industry::industry_options().read(s, cfg.industry);
    relative_to_file(cfg.industry.yield_table, yt);
    relative_to_file(cfg.industry.output_table, ot);
    const auto& br = cfg.industry.cost_breaks;
    const auto& sl = cfg.industry.cost_slopes;
    if (br.size() != sl.size() || br.empty())
      throw s.error("cost_slopes", "one slope per break is needed (" + std::to_string(br.size()) +
                                       " breaks, " + std::to_string(sl.size()) + " slopes)");
    if (br[0] != 0) throw s.error("cost_breaks", "the first break must be 0");
    for (std::size_t k = 1; k < br.size(); ++k) {
      if (!(br[k] > br[k - 1])) throw s.error("cost_breaks", "breaks must increase");
      if (sl[k] > sl[k - 1])
        throw s.error("cost_slopes", "slopes must not increase (a concave cost: economies of scale)");
    }
    if (const auto y = s.table("yields")) {
      cfg.industry.yields.clear();
      for (const auto& k : y->keys()) {
        double v = 0;
        y->number(k, v, Range{"yield", 0, 1000, "t/ha/yr"});
        cfg.industry.yields[k] = v;
      }
    }
  }
  for (const auto& s : cfg.skip)
    if (std::find(plan_skippable_passes().begin(), plan_skippable_passes().end(), s) ==
        plan_skippable_passes().end())
      throw doc->section("plan").error("skip",
                                       "unknown pass '" + s + "'; valid: " + join(plan_skippable_passes()));
  cfg.config_text = std::string(text);
  cfg.document = std::move(doc);
}

void load_plan_config(const std::string& path, PlanConfig& cfg) {
  cfg.config_path = path;
  parse_plan_config(read_file(path), path, cfg);
}

}  // namespace cs
