// GeoDetector on any table (`countyscope stats geodetector`; docs/stats.md): a numeric y as given (not
// normalised) and factors that are categories as written (soil type, watershed, a township code) or numbers
// cut into quantile classes; the factor, interaction, risk and ecological detectors of Wang et al. (2010)
// with the p-value of the factor detector from the non-central F distribution (Wang, Zhang & Fu 2016), as R
// geodetector.
//
// Example:
//   cs::assess::GeodetectorInputs in;
//   in.table = "disease.csv"; in.y = "incidence"; in.factors = {"type", "region", "level"};
//   const cs::Outputs o = cs::assess::run_geodetector_study(in, ctx);  // factor, interaction, risk,
//   ecological
#pragma once

#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::assess {

struct GeodetectorInputs {
  std::string table;                 // any GDAL table: CSV, XLSX, GeoPackage, Shapefile ...
  std::string layer;                 // its layer / sheet (empty: the only one)
  std::string y;                     // the explained variable (numeric, used as it is)
  std::vector<std::string> factors;  // categorical factors (values as written)
  std::vector<std::string> classed;  // numeric factors cut into `classes` quantile classes
  int classes = 5;
};

// Throws InputError (a missing column, a y that is not a finite number, a factor with one stratum, an empty
// factor cell: one line naming file, row and field) or UsageError (no factor, a factor given twice).
[[nodiscard]] Outputs run_geodetector_study(const GeodetectorInputs& in, const Context& ctx);

}  // namespace cs::assess
