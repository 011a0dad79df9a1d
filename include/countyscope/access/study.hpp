// A whole public-services study: every service type's measures on one demand x facility matrix, aggregated to
// settlements, tiers and townships, with equity indices, the standards audit and carrying capacity; rendered
// as the results section `sections.access`, GeoPackage layers, GeoJSON map layers and CSV tables. Used by
// both `countyscope access` and the plan pass, so the two give identical numbers.
//
// Example:
//   cs::AccessInputs in;  in.times = &m;  in.population = pop;  in.facility_service = svc;  ...
//   cs::AccessStudy s = cs::run_access_study(in, cs::AccessStudyConfig{}, ctx);
//   cs::add_to_document(doc, "access", s.outputs);  cs::write_tables(s.outputs, out, "access.gpkg");
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <countyscope/access/access.hpp>
#include <countyscope/access/audit.hpp>
#include <countyscope/core/types.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/io/results.hpp>

namespace cs {

struct AccessInputs {
  const TimeMatrix* times = nullptr;              // demand points x facilities, seconds, +inf = no path
  std::string times_label = "travel time (car)";  // mode / source of the matrix, said in outputs
  // Demand points.
  std::vector<double> population;
  std::vector<std::string> demand_id;  // external ids (may be empty -> row numbers)
  std::vector<LonLat> demand_pos;      // may be empty (no map layers)
  std::vector<int> demand_place;       // settlement of each point (-1 none); may be empty
  std::vector<int> demand_unit;        // township of each point (-1 none); may be empty
  std::string demand_source;           // how the population was weighted, said in outputs
  // Settlements (places) and townships.
  std::vector<AuditPlace> places;  // name, tier (seat/town/village), unit name
  std::vector<LonLat> place_pos;   // may be empty
  std::vector<std::string> unit_names;
  // Facilities (matrix columns).
  std::vector<std::string> facility_id, facility_name;
  std::vector<LonLat> facility_pos;             // may be empty
  std::vector<std::uint16_t> facility_service;  // index into service_names
  std::vector<double> facility_capacity;        // NaN = unknown
  std::vector<std::string> service_names;
  std::vector<std::string> service_capacity_unit;  // e.g. "beds", "seats", "" (may be empty)
};

struct AccessStudyConfig {
  AccessConfig access;
  std::vector<std::string> services;  // service types to study; empty = every type with facilities
  std::optional<std::vector<Standard>> standards;  // empty = data/config/standards.toml
  std::map<std::string, double> capacity_norms_per_1000{{"hospital", 6.0}};  // carrying-capacity norms
  std::size_t worst_n = 20;
  std::size_t lorenz_points = 50;
  std::string layer_prefix = "access";
};
[[nodiscard]] std::vector<Problem> validate(const AccessStudyConfig& cfg);

struct AccessStudy {
  // sections.access; tables and layers <prefix>_demand, _settlements, _facilities (GeoPackage where positions
  // are known; settlements also as a map layer), _equity, _audit, _audit_worst, _capacity (CSV).
  Outputs outputs;
  std::map<std::string, AccessResult> results;  // per service type
};

// Throws InputError (bad values, a requested service type without facilities), UsageError (bad config).
AccessStudy run_access_study(const AccessInputs& in, const AccessStudyConfig& cfg, Context& ctx);

// Reads the [access] table of a plan TOML (already parsed into text) into cfg; unknown keys are errors
// listing the valid ones. Times in the TOML are minutes (cutoff_min, zones_min, ...).
void parse_access_toml(std::string_view toml_text, const std::string& file_label, AccessStudyConfig& cfg);
// The effective configuration as JSON (the report's assumptions table).
Json access_config_json(const AccessStudyConfig& cfg);

}  // namespace cs
