// `countyscope flows` on tables: calibrate a gravity model on an observed OD table (costs from a column, from
// the great-circle distance between places in a places CSV, or from a cost-matrix CSV), or predict flows
// without observations from a places CSV with documented *assumed* parameters; radiation needs no parameter.
// Produces the results section, CSV tables and flow lines; the CLI only writes them (cs::OutputDir).
// The model's options are the registry's [flows_table] (flows_table_options(), docs/options.md): the CLI's
// table-mode flags and the keywords of Python's gravity_flows() / calibrate_gravity().
//
// Example:
//   cs::flows::TableRunConfig c;  c.od_path = "od.csv";  c.cols.cost = "dij_km";
//   cs::flows::flows_table_options().set_text(c.options, "model", "production", "--model: ");
//   cs::flows::TableRunOutput out = cs::flows::run_flows_table(c, ctx);   // out.section, out.csv, out.lines
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <countyscope/core/context.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/io/gpkg.hpp>

namespace cs::flows {

// The model of a table run: a gravity form, the parameter-free radiation model or intervening opportunities
// (both rank each origin's destinations by the run's cost: the OD table's cost column, the cost matrix or the
// great-circle distance, in that order).
enum class TableModel : std::uint8_t {
  kUnconstrained,
  kProduction,
  kAttraction,
  kDoubly,
  kRadiation,
  kIntervening
};

// [flows_table]: the model and how it is calibrated (with --od) or predicted (places only).
struct FlowsTableOptions {
  TableModel model = TableModel::kDoubly;
  Decay decay = Decay::kExponential;
  std::optional<double> beta;           // prediction: decay parameter (unset: assumed, prediction_beta)
  double trip_rate = 1.0;               // prediction: outflow per unit of origin mass
  double min_cost = 0.0;                // costs below are raised to this (power decay at zero)
  bool no_constant = false;             // calibration: no intercept
  bool cost_only = false;               // unconstrained calibration: cost as the only covariate
  bool quasi = false;                   // quasi-Poisson standard errors
  bool spint = false;                   // PySAL spint's IRLS stopping rule and covariance
  int max_iter = 100;                   // IRLS iteration limit
  std::optional<double> tolerance;      // IRLS tolerance (unset: 1e-8; with spint 1e-6, spint's default)
  std::optional<double> intervening_l;  // intervening: L per unit of mass (unset: 1 / total mass)
};
[[nodiscard]] const opt::Table<FlowsTableOptions>& flows_table_options();
// The gravity form of a model (UsageError for radiation and intervening, which have none).
[[nodiscard]] GravityForm gravity_form(TableModel m);
// The calibration of the model's gravity form (UsageError for radiation and intervening).
[[nodiscard]] CalibrationOptions calibration_options(const FlowsTableOptions& o);
// Prediction's decay parameter: beta when given, else the assumed value (exponential: kAssumedBetaPerKm per
// km; power: 2).
[[nodiscard]] double prediction_beta(const FlowsTableOptions& o);
// Intervening opportunities' L: intervening_l when given, else the assumed 1 / (total mass of the places), so
// that a trip which passed every opportunity has been absorbed with probability 1 - 1/e.
[[nodiscard]] double intervening_l(const FlowsTableOptions& o, double total_mass);

struct TableRunConfig {
  std::string od_path;  // observed OD table; empty = prediction only
  OdColumns cols;
  // code, lon, lat (+ mass column); gives costs (km) and line geometry. lon/lat may be left out when the
  // costs come from elsewhere (a cost matrix, or the OD table's cost column): then no flow lines.
  std::string places_path;
  std::string place_code_col = "code", lon_col = "lon", lat_col = "lat";
  std::string mass_col;          // places: mass used for O and D where the OD table has none
  std::string cost_matrix_path;  // CSV: first column origin code, header = destination codes
  FlowsTableOptions options;     // [flows_table]
};

struct TableRunOutput {
  Json section;                            // results.json "flows" section
  std::map<std::string, std::string> csv;  // file name -> content
  VectorLayer lines;                       // flow lines (when places have coordinates)
};

// Assumed decay parameter for prediction without observations (exponential, per km): documented in
// docs/flows.md.
inline constexpr double kAssumedBetaPerKm = 0.1;

TableRunOutput run_flows_table(const TableRunConfig& cfg, Context& ctx);

// Great-circle distance in kilometres (haversine, R = 6371.0088 km).
double great_circle_km(double lon1, double lat1, double lon2, double lat2) noexcept;

}  // namespace cs::flows
