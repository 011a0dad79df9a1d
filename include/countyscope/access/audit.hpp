// Standards audit and carrying capacity (docs/methods.md "Standards audit"). A standard is one row of a TOML
// table:
//
//   [[standard]]
//   id = "primary_school_30min"
//   service = "primary_school"          # service type name
//   measure = "nearest_min"             # nearest_min | kth_nearest_min | cumulative | gravity | sfca2 |
//   e2sfca |
//                                       # g2sfca | sfca3 | supply_per_1000 | facilities
//   max = 30                            # a place is "beyond" when value > max (or value < min); unreached is
//   beyond source = "General Office of the State Council (2018) ..."   # citation, shown in the report
//
// Per-place measures (times, FCA ...) are audited per demand point and aggregated: share of population and of
// places (villages/settlements) beyond, by tier and by township, plus the worst places. County-level measures
// (supply_per_1000 = 1000 * total supply / population; facilities = count) are compared once for the county.
//
// Example:
//   auto standards = cs::access::load_standards("data/config/standards.toml");
//   cs::AuditResult a = cs::audit_standard(standards[0], values_for_points, places, ctx_info);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/access/access.hpp>

namespace cs::access {

enum class AuditMeasure : std::uint8_t {
  kNearestMin,
  kKthNearestMin,
  kCumulative,
  kGravity,
  k2SFCA,
  kE2SFCA,
  kG2SFCA,
  k3SFCA,
  kSupplyPer1000,
  kFacilities
};
AuditMeasure parse_audit_measure(std::string_view s);
std::string_view audit_measure_name(AuditMeasure m);
bool audit_measure_is_county_level(AuditMeasure m);  // supply_per_1000, facilities
// The access measure an audit measure reads (times converted from seconds to minutes); county-level ones have
// none.
std::optional<Measure> audit_access_measure(AuditMeasure m);

struct Standard {
  std::string id, service;
  AuditMeasure measure = AuditMeasure::kNearestMin;
  std::optional<double> max, min;                 // exactly one is set
  std::string source;                             // citation
  std::string note;                               // optional
  [[nodiscard]] bool beyond(double value) const;  // non-finite values (unreached) are beyond
};

// Parses a standards TOML (array of tables [[standard]]); InputError names file, entry and key.
std::vector<Standard> parse_standards(std::string_view toml_text, const std::string& file_label);
std::vector<Standard> load_standards(const std::string& path);
// data/config/standards.toml from the installed or source tree.
std::vector<Standard> default_standards();

// A place (settlement) that demand points aggregate to.
struct AuditPlace {
  std::string name;
  std::string tier;  // seat / town / village
  std::string unit;  // township name ("" when none)
};

struct AuditShare {
  std::string group;  // tier or township name ("county" for the total)
  double population = 0.0, population_beyond = 0.0;
  std::size_t places = 0, places_beyond = 0;  // a place is beyond when its population-weighted value is
  [[nodiscard]] double pop_share() const { return population > 0 ? population_beyond / population : 0.0; }
  [[nodiscard]] double place_share() const {
    return places > 0 ? static_cast<double>(places_beyond) / places : 0.0;
  }
};

struct WorstPlace {
  std::string name, tier, unit;
  double value = 0.0;  // place value in the audit unit (minutes for times); NaN = unreached
  double population = 0.0;
  double population_beyond = 0.0;
};

struct AuditResult {
  Standard standard;
  bool applicable = true;
  std::string reason;  // why not applicable (e.g. no such service type)
  AuditShare county;
  std::vector<AuditShare> by_tier, by_unit;
  std::vector<WorstPlace> worst;  // up to worst_n places, worst first (only places beyond)
  double county_value = 0.0;      // county-level measures
  bool county_beyond = false;
};

// Audits one per-place standard. point_values are in the audit unit (minutes for time measures; NaN/inf =
// unreached), point_place maps points to places (-1 = none: counted in the county total only).
AuditResult audit_points(const Standard& s, std::span<const double> point_values,
                         std::span<const double> population, std::span<const int> point_place,
                         const std::vector<AuditPlace>& places, std::size_t worst_n = 20);
// Audits a county-level standard.
AuditResult audit_county(const Standard& s, double total_supply, double facilities, double population);

// Carrying capacity per facility catchment (2SFCA catchment: demand in reach d <= d0) against a per-1,000
// norm.
struct CapacityRow {
  std::size_t facility = 0;
  double capacity = 0.0;  // NaN when unknown
  double demand_in_catchment = 0.0;
  double per_1000 = 0.0;   // 1000 * capacity / demand (NaN when either is unknown / zero)
  double needed = 0.0;     // norm * demand / 1000
  double shortfall = 0.0;  // max(0, needed - capacity)
};
struct Capacity {
  std::size_t known = 0, facilities = 0;
  double total_capacity = 0.0, population = 0.0, per_1000 = 0.0, norm_per_1000 = 0.0, shortfall = 0.0;
  std::vector<CapacityRow> rows;
};
Capacity carrying_capacity(std::span<const double> capacity, std::span<const double> demand_in_catchment,
                           double population, double norm_per_1000);

}  // namespace cs::access
