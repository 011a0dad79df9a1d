// plan.toml: one section per stage; every key has a default (docs/county.md lists them). Errors name the file
// and the key; unknown keys list the valid ones.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <toml++/toml.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/toml_text.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/locate/study.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/plan/plan.hpp>

#include "passes.hpp"
#include "toml_reader.hpp"

namespace cs {
namespace {

namespace fs = std::filesystem;
using detail::join;
using detail::Reader;

// Sections owned by capability passes: their keys are checked by those passes.
const std::vector<std::string> kCapabilitySections = {"access", "locate", "flows", "structure", "scenarios"};

}  // namespace

std::vector<const opt::TableBase*> plan_option_tables() {
  return {&locate_options(), &detail::plan_locate_option_table()};
}

const std::vector<std::string>& plan_skippable_passes() {
  static const std::vector<std::string> names = {"report", "access",    "locate",
                                                 "flows",  "structure", "scenarios"};
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
  if (!(cfg.matrix_cutoff_s >= 0)) p.push_back({"matrix.cutoff_s", "must be >= 0 (0 = no cutoff)"});
  return p;
}

void parse_plan_config(std::string_view text, const std::string& file, PlanConfig& cfg) {
  toml::table root;
  check_toml_text(text, file);  // before toml++ (see error.hpp)
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, "line " + std::to_string(e.source().begin.line), "",
                     "invalid TOML: " + std::string(e.description()));
  }
  std::vector<std::string> sections = {"plan", "network", "county", "snap", "matrix"};
  sections.insert(sections.end(), kCapabilitySections.begin(), kCapabilitySections.end());
  for (const auto& [k, v] : root) {
    if (std::find(sections.begin(), sections.end(), k.str()) == sections.end())
      throw InputError(file, "line " + std::to_string(k.source().begin.line), std::string(k.str()),
                       "unknown section; valid sections: " + join(sections));
    if (!v.is_table())
      throw InputError(file, "line " + std::to_string(k.source().begin.line), std::string(k.str()),
                       "expected a [" + std::string(k.str()) + "] section");
  }
  const fs::path base = fs::path(file).parent_path();
  auto rel = [&](const std::string& p) {
    return p.empty() || fs::path(p).is_absolute() ? p : (base / p).string();
  };
  static const toml::table kEmpty;
  auto section = [&](const char* name) -> const toml::table& {
    const toml::table* t = root[name].as_table();
    return t ? *t : kEmpty;
  };

  {
    const Reader r(section("plan"), file, "plan", {"skip", "timings", "service_types", "demand_layer_max"});
    r.strings("skip", cfg.skip);
    r.boolean("timings", cfg.timings);
    r.strings("service_types", cfg.service_types);
    double m = static_cast<double>(cfg.demand_layer_max);
    r.number("demand_layer_max", m, 0, 1e7);
    cfg.demand_layer_max = static_cast<std::size_t>(m);
  }
  {
    std::vector<std::string> valid = {"profile", "use_maxspeed", "keep_largest_scc", "speed_kmh"};
    const Reader r(section("network"), file, "network", valid);
    std::string profile = std::string(profile_name(cfg.network.profile));
    r.string("profile", profile);
    Profile p;
    try {
      p = parse_profile(profile);
    } catch (const UsageError& e) {
      throw r.error("profile", e.what());
    }
    if (p != cfg.network.profile) {
      const NetworkConfig d = default_network_config(p);
      cfg.network.profile = p;
      cfg.network.speed_kmh = d.speed_kmh;
    }
    r.boolean("use_maxspeed", cfg.network.use_maxspeed);
    r.boolean("keep_largest_scc", cfg.network.keep_largest_scc);
    if (const toml::node* n = r.table().get("speed_kmh")) {
      const toml::table* t = n->as_table();
      if (!t) throw r.error("speed_kmh", "expected a table of road class = km/h");
      std::vector<std::string> classes;
      for (std::size_t c = 0; c < static_cast<std::size_t>(RoadClass::kCount); ++c)
        classes.emplace_back(road_class_name(static_cast<RoadClass>(c)));
      const Reader s(*t, file, "network.speed_kmh", classes);
      for (std::size_t c = 0; c < classes.size(); ++c) {
        double v = cfg.network.speed_kmh[c];
        s.number(classes[c], v, 0, 300);
        cfg.network.speed_kmh[c] = static_cast<float>(v);
      }
    }
  }
  {
    const Reader r(section("county"), file, "county",
                   {"seat", "county_admin_level", "unit_admin_level", "total_population", "default_levels",
                    "services", "min_footprint_m2", "floor_area_per_person_m2", "clip_to_county"});
    r.string("seat", cfg.county.seat);
    r.integer("county_admin_level", cfg.county.county_admin_level, -1, 11);
    r.integer("unit_admin_level", cfg.county.unit_admin_level, 1, 11);
    r.number("total_population", cfg.county.total_population, 1, 1e10);
    r.number("default_levels", cfg.county.default_levels, 1, 200);
    std::string services;
    r.string("services", services);
    if (!services.empty()) cfg.county.service_table = rel(services);
    r.number("min_footprint_m2", cfg.county.min_footprint_m2, 0, 10000);
    r.number("floor_area_per_person_m2", cfg.county.floor_area_per_person_m2, 1e-3, 10000);
    r.boolean("clip_to_county", cfg.county.clip_to_county);
  }
  {
    const Reader r(section("snap"), file, "snap", {"connector_speed_kmh", "far_threshold_m"});
    r.number("connector_speed_kmh", cfg.snap.connector_speed_kmh, 0.1, 200);
    r.number("far_threshold_m", cfg.snap.far_threshold_m, 1, 1e6);
  }
  {
    const Reader r(section("matrix"), file, "matrix", {"cutoff_s"});
    r.number("cutoff_s", cfg.matrix_cutoff_s, 0, 1e7);
  }
  for (const auto& s : cfg.skip)
    if (std::find(plan_skippable_passes().begin(), plan_skippable_passes().end(), s) ==
        plan_skippable_passes().end())
      throw InputError(file, "", "plan.skip",
                       "unknown pass '" + s + "'; valid: " + join(plan_skippable_passes()));
  cfg.config_text = std::string(text);
  cfg.document = std::make_shared<const TomlDocument>(TomlDocument::parse(text, file));
}

void load_plan_config(const std::string& path, PlanConfig& cfg) {
  cfg.config_path = path;
  parse_plan_config(read_file(path), path, cfg);
}

}  // namespace cs
