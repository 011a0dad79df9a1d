// `countyscope flows` on tables: calibrate a gravity model on an observed OD table (costs from a column, from
// the great-circle distance between places in a places CSV, or from a cost-matrix CSV), or predict flows
// without observations from a places CSV with documented *assumed* parameters; radiation needs no parameter.
// Produces the results section, CSV tables and flow lines; the CLI only writes them (cs::OutputDir).
//
// Example:
//   cs::flows::TableRunConfig c;  c.od_path = "od.csv";  c.cols.cost = "dij_km";  c.model = "doubly";
//   cs::flows::TableRunOutput out = cs::flows::run_flows_table(c, ctx);   // out.section, out.csv, out.lines
#pragma once

#include <map>
#include <optional>
#include <string>

#include <countyscope/core/context.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/io/gpkg.hpp>

namespace cs::flows {

struct TableRunConfig {
  std::string od_path;  // observed OD table; empty = prediction only
  OdColumns cols;
  std::string places_path;  // code, lon, lat (+ mass column); gives costs (km) and line geometry
  std::string place_code_col = "code", lon_col = "lon", lat_col = "lat";
  std::string mass_col;          // places: mass used for O and D where the OD table has none
  std::string cost_matrix_path;  // CSV: first column origin code, header = destination codes
  std::string model = "doubly";  // unconstrained | production | attraction | doubly | radiation
  CalibrationOptions calib;
  std::optional<double> beta;  // prediction: decay parameter (default: assumed, see docs/flows.md)
  double trip_rate = 1.0;      // prediction: outflow per unit of origin mass
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
