// A whole public-services study: every service type's measures on one demand x facility matrix, aggregated to
// settlements, tiers and townships, with equity indices, the standards audit and carrying capacity; rendered
// as the results section `sections.access`, GeoPackage layers, GeoJSON map layers and CSV tables. Used by
// both `countyscope access` and the plan pass, so the two give identical numbers.
//
// Example:
//   cs::access::AccessStudyConfig cfg;  cs::access::access_options().set_text(cfg.options, "cutoff_min",
//   "20", "--cutoff-min:
//   "); cs::access::AccessInputs in;  in.times = &m;  in.population = pop;  in.facility_service = svc;  ...
//   cs::access::AccessStudy s = cs::access::run_access_study(in, cs::access::AccessStudyConfig{}, ctx);
//   cs::add_to_document(doc, "access", s.outputs);  cs::write_tables(s.outputs, out, "access.gpkg");
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <countyscope/access/access.hpp>
#include <countyscope/access/audit.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/core/types.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/io/results.hpp>

namespace cs::access {

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
  // Per service type, another type whose facilities may be of it when untyped ("" none; may be empty).
  std::vector<std::string> service_untyped;
};

// The [access] options as users give them (travel times in minutes): one table of the option registry
// (access_options(), docs/options.md) behind plan.toml [access], `countyscope access` (and plan/demo's
// --access-* flags) and the Python access functions. access_config() converts them to the engine's seconds.
struct AccessOptions {
  double cutoff_min = 30;  // catchment d0
  Catchment catchment = Catchment::kInclusive;
  std::int32_t k = 3;
  Decay gravity_decay = Decay::kPower;
  double gravity_beta = 1;
  double gravity_scale_min = 1;
  double gravity_min_time_min = 1;
  double gravity_sigma_min = 15;
  bool gravity_cut = false;
  std::vector<double> zones_min{10, 20, 30};
  std::vector<double> zone_weights{1.0, 0.68, 0.22};
  std::vector<double> sfca3_zones_min{10, 20, 30, 60};
  std::vector<double> sfca3_weights{0.962, 0.704, 0.377, 0.042};
  GaussianForm gaussian = GaussianForm::kDai;
  double gaussian_sigma_min = 0;  // plain Gaussian only; 0 = cutoff_min
  SelectionBase sfca3_base = SelectionBase::kCatchment;
  Unreached unreached = Unreached::kZero;
  ZonesClosed zones_closed = ZonesClosed::kRight;
  FcaDecay fca_decay = FcaDecay::kBinary;
  double fca_beta = 0.1;  // per minute
  double fca_sd_min = 5;
  double availability_alpha = 1;
  std::vector<std::string> services;  // service types to study; empty = every type with facilities
  std::string standards;              // standards TOML; empty = data/config/standards.toml
  std::int64_t worst_n = 20;
  std::int64_t lorenz_points = 50;
};
[[nodiscard]] const opt::Table<AccessOptions>& access_options();
// The engine's configuration (seconds) of the options.
[[nodiscard]] AccessConfig access_config(const AccessOptions& o);

struct AccessStudyConfig {
  AccessOptions options;                           // [access] (the registry's table)
  std::optional<std::vector<Standard>> standards;  // given by a library caller; else options.standards
  // [access.capacity_norms] (a nested table the stage reads itself): carrying-capacity norms per 1,000.
  std::map<std::string, double> capacity_norms_per_1000{{"hospital", 6.0}};
  std::string layer_prefix = "access";
  // The <prefix>_demand table (every demand point x every measure of every service type, the largest); a
  // caller that shows it rarely (the studio) leaves it out and asks for it when wanted.
  bool demand_table = true;
};
[[nodiscard]] std::vector<Problem> validate(const AccessStudyConfig& cfg);

struct AccessStudy {
  // sections.access; tables and layers <prefix>_demand, _settlements, _facilities (GeoPackage where positions
  // are known; settlements also as a map layer), _equity, _audit, _audit_worst, _capacity (CSV).
  Outputs outputs;
  std::map<std::string, AccessResult> results;  // per service type
};

// What run_access_study keeps between calls for a caller that runs it again and again on inputs that differ
// a little (the planning studio: one edit at a time). Per service type it keeps the inputs that type's
// figures depend on (its matrix columns, its facilities' capacities, ids, names and positions, its standards)
// with the figures; a later call whose demand points, places, configuration and these inputs are equal (bit
// for bit) takes the kept figures instead of computing them again. The outputs are the same bytes with or
// without a cache. One cache serves one caller at a time.
//
// Example:
//   cs::access::AccessStudyCache cache;
//   auto a = cs::access::run_access_study(in, cfg, ctx, &cache);   // computes every service type
//   auto b = cs::access::run_access_study(in2, cfg, ctx, &cache);  // in2: one clinic more: only clinics
class AccessStudyCache {
 public:
  AccessStudyCache();
  ~AccessStudyCache();
  AccessStudyCache(const AccessStudyCache&) = delete;
  AccessStudyCache& operator=(const AccessStudyCache&) = delete;
  // Service types taken from the cache / computed, over the cache's life.
  [[nodiscard]] std::size_t hits() const noexcept;
  [[nodiscard]] std::size_t misses() const noexcept;
  struct Impl;

 private:
  friend AccessStudy run_access_study(const AccessInputs&, const AccessStudyConfig&, Context&,
                                      AccessStudyCache*);
  std::unique_ptr<Impl> impl_;
};

// Throws InputError (bad values, a requested service type without facilities), UsageError (bad config).
// cache: may be null (nothing kept).
AccessStudy run_access_study(const AccessInputs& in, const AccessStudyConfig& cfg, Context& ctx,
                             AccessStudyCache* cache = nullptr);

// Reads an [access] section (the registry's options and capacity_norms) into cfg; unknown and renamed keys
// are errors naming file, line and key. Times are minutes (cutoff_min, zones_min, ...).
void read_access_section(const TomlSection& section, AccessStudyConfig& cfg);
// The same from the text of a TOML file with an [access] table (`countyscope access --config`).
void parse_access_toml(std::string_view toml_text, const std::string& file_label, AccessStudyConfig& cfg);
// The effective configuration as JSON (the report's assumptions table).
Json access_config_json(const AccessStudyConfig& cfg);

}  // namespace cs::access
