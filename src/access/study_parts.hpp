// The access study's parts (private to src/access): the prepared study, its tables and the rendering of
// measures, audits and capacity into JSON and table rows. study.cpp orchestrates (inputs and validation,
// compute per service type, assembling the Outputs); study_tables.cpp renders.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <countyscope/access/equity.hpp>
#include <countyscope/access/study.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::access::detail {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline const std::vector<std::string> kTiers{"seat", "town", "village"};

inline Json num(double x) { return number_or_null(x); }
inline Measure measure_at(int m) { return static_cast<Measure>(m); }
inline FieldValue count(std::size_t n) { return FieldValue{static_cast<std::int64_t>(n)}; }

// One study: inputs, configuration and the groupings of demand points, shared by the steps below.
struct Study {
  Study(const AccessInputs& inputs, const AccessStudyConfig& config) : in(inputs), cfg(config) {}
  const AccessInputs& in;
  const AccessStudyConfig& cfg;
  AccessConfig access;  // the options in the engine's units (seconds)
  std::size_t D = 0, F = 0, NP = 0, NU = 0;
  std::vector<std::vector<std::uint32_t>> cols_of;  // facilities (matrix columns) of each service type
  std::vector<std::size_t> study;                   // service types studied
  std::vector<Standard> standards;
  std::vector<int> place, tier, urban, unit;  // per demand point; -1 none
  double total_pop = 0.0;

  [[nodiscard]] std::string facility_id(std::size_t j) const {
    return in.facility_id.empty() ? std::to_string(j) : in.facility_id[j];
  }
  [[nodiscard]] std::string facility_name(std::size_t j) const {
    return in.facility_name.empty() ? std::string() : in.facility_name[j];
  }
};

// Checks the inputs against the configuration and groups the demand points (settlement, tier, township).
Study prepare(const AccessInputs& in, const AccessStudyConfig& cfg);

// The study's CSV tables (and the facilities layer), filled service by service.
struct Tables {
  explicit Tables(const std::string& prefix)
      : equity(prefix + "_equity", {{"service", FieldType::kString},
                                    {"measure", FieldType::kString},
                                    {"grouping", FieldType::kString},
                                    {"units", FieldType::kInteger},
                                    {"dropped_zero_population", FieldType::kInteger},
                                    {"dropped_unreached", FieldType::kInteger},
                                    {"mean", FieldType::kReal},
                                    {"gini", FieldType::kReal},
                                    {"theil_t", FieldType::kReal},
                                    {"theil_within", FieldType::kReal},
                                    {"theil_between", FieldType::kReal},
                                    {"dagum_gw", FieldType::kReal},
                                    {"dagum_gnb", FieldType::kReal},
                                    {"dagum_gt", FieldType::kReal},
                                    {"village_seat_ratio", FieldType::kReal}}),
        audit(prefix + "_audit", {{"standard", FieldType::kString},
                                  {"service", FieldType::kString},
                                  {"measure", FieldType::kString},
                                  {"threshold", FieldType::kReal},
                                  {"direction", FieldType::kString},
                                  {"grouping", FieldType::kString},
                                  {"group", FieldType::kString},
                                  {"population", FieldType::kReal, "persons"},
                                  {"population_beyond", FieldType::kReal, "persons"},
                                  {"pop_share_beyond", FieldType::kReal, "share"},
                                  {"places", FieldType::kInteger},
                                  {"places_beyond", FieldType::kInteger},
                                  {"place_share_beyond", FieldType::kReal, "share"},
                                  {"source", FieldType::kString}}),
        worst(prefix + "_audit_worst", {{"standard", FieldType::kString},
                                        {"rank", FieldType::kInteger},
                                        {"place", FieldType::kString},
                                        {"tier", FieldType::kString},
                                        {"unit", FieldType::kString},
                                        {"value", FieldType::kReal},
                                        {"population", FieldType::kReal, "persons"},
                                        {"population_beyond", FieldType::kReal, "persons"}}),
        facilities(prefix + "_facilities", GeomType::kPoint,
                   {{"service", FieldType::kString},
                    {"facility_id", FieldType::kString},
                    {"name", FieldType::kString},
                    {"supply", FieldType::kReal},
                    {"capacity", FieldType::kReal, "", kToCsv},
                    {"demand_in_catchment_pop", FieldType::kReal, "persons"},
                    {"ratio_2sfca", FieldType::kReal},
                    {"no_demand_in_reach", FieldType::kInteger}}),
        capacity(prefix + "_capacity", {{"service", FieldType::kString},
                                        {"facility_id", FieldType::kString},
                                        {"name", FieldType::kString},
                                        {"capacity", FieldType::kReal},
                                        {"demand_in_catchment_pop", FieldType::kReal, "persons"},
                                        {"per_1000", FieldType::kReal},
                                        {"norm_per_1000", FieldType::kReal},
                                        {"needed", FieldType::kReal},
                                        {"shortfall", FieldType::kReal}}) {
    facilities.json = JsonPlace::kNone;
    facilities.gpkg_order = {
        "facility_id",       "name", "service", "supply", "demand_in_catchment_pop", "ratio_2sfca",
        "no_demand_in_reach"};
  }
  Table equity, audit, worst, facilities, capacity;
};

// "capacity (beds)" or "1 per facility (capacity known for 2 of 5)".
std::string supply_note(std::size_t known, std::size_t n, const std::string& unit);
// One measure of one service type: summary, groups, equity with its decompositions (JSON and equity rows)
// and the mean per settlement (place_mean).
Json measure_json(const Study& st, const std::string& svc, Measure m, const std::vector<double>& v,
                  Table& equity_rows, std::vector<double>& place_mean);
Json standard_json(const Standard& st);
// The audit of one standard: its JSON and its rows (audit, worst places).
Json audit_json(const Standard& std_, const AuditResult& a, Tables& t);
// Carrying capacity of one service type's facilities (JSON and capacity rows).
Json capacity_json(const Study& st, const std::string& svc, const std::vector<std::uint32_t>& J,
                   const std::vector<double>& cap, const AccessResult& r, double norm,
                   const std::string& unit_label, Table& rows_out);
// Demand points with every measure of every studied service (CSV; GeoPackage layer with positions).
Table demand_table(const Study& st, const std::vector<std::string>& svc_names,
                   const std::map<std::string, AccessResult>& results);
// Settlements with the population-weighted mean of every measure (CSV; GeoPackage and map layer with
// positions).
Table settlements_table(const Study& st, const std::vector<std::string>& svc_names,
                        const std::map<std::string, std::vector<std::vector<double>>>& place_vals);

}  // namespace cs::access::detail
