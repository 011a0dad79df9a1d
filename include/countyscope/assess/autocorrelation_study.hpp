// Spatial autocorrelation on any table (`countyscope stats autocorrelation`; docs/stats.md): Moran's I,
// Geary's C, Getis-Ord G, join counts, LISA and local G / G* of one numeric column, with weights from a GAL /
// GWT file, polygon contiguity (queen, rook) of the table's own polygons, or k nearest neighbours, a distance
// band or inverse distance on its points (planar or great-circle), binary, row-standardised or as given.
// Analytic inference (normality, randomisation) and seeded permutations (the same values for any thread
// count); one- and two-sided p-values both named.
//
// Example:
//   cs::assess::AutocorrelationInputs in;
//   in.table = "columbus.shp"; in.y = "CRIME"; in.weights = "queen"; in.methods = {"moran", "lisa"};
//   const cs::Outputs o = cs::assess::run_autocorrelation_study(in, ctx);  // global, local tables
#pragma once

#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::assess {

struct AutocorrelationInputs {
  std::string table;  // any GDAL table: CSV, XLSX, GeoPackage, Shapefile ...
  std::string layer;  // its layer / sheet (empty: the only one)
  std::string y;      // the variable (numeric; join counts: 0 / 1)
  // moran | geary | getis | joincount (global); lisa | localg | localg* (local)
  std::vector<std::string> methods = {"moran", "geary", "getis", "lisa", "localg"};
  // queen | rook | knn:K | band[:D] | idw[:D] | a .gal / .gwt / .kwt file
  std::string weights = "queen";
  std::string transform = "row";  // row | binary | none (as given: GWT values, inverse distances)
  std::string metric = "planar";  // planar (the layer's units) | great-circle (km on longitude/latitude)
  double idw_power = 1.0;
  std::string id;  // the id column (weights files, output rows); empty: the file header's field or row number
  std::string coords;  // "x,y": coordinate columns of a table without geometry
  std::string crs;     // their CRS (default: the layer's own; EPSG:4326 for columns)
  int permutations = 999;
  double alpha = 0.05;                 // LISA / local G cluster labels: p_sim < alpha
  std::string lisa_variance = "esda";  // esda (m2 = sum z^2 / (n - 1)) | spdep (sum z^2 / n)
  bool refuse_islands = false;         // an island is an input error (spdep's zero.policy = FALSE)
};

// Throws InputError (a missing column, a value that is not a finite number, a weights file that does not
// match the table, an island with refuse_islands: one line naming file, row or line, id and field) or
// UsageError (an unknown method, weights, transform or metric).
[[nodiscard]] Outputs run_autocorrelation_study(const AutocorrelationInputs& in, const Context& ctx);

}  // namespace cs::assess
