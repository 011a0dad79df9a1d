// The plan's base outputs (private): sections.network and sections.county with their tables and layers, each
// an cs::Outputs the plan merges (outputs.cpp, county_outputs.cpp).
#pragma once

#include <cmath>
#include <vector>

#include <countyscope/core/matrix.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/plan/plan.hpp>

namespace cs::detail {

// Rounds to a decimal step (0.1, 0.01, ...) so that the printed shortest form is short: round(x * 10^k) /
// 10^k.
inline double round_to(double x, double step) {
  if (!std::isfinite(x)) return x;
  const double inv = std::round(1.0 / step);
  return std::round(x * inv) / inv;
}
inline double coord(double x) { return std::round(x * 1e7) / 1e7; }
// A matrix time (seconds) as the outputs' minutes (output_minutes); NaN/inf -> kUnknown (null / empty).
inline double mins(float t) { return std::isfinite(t) ? output_minutes(static_cast<double>(t)) : kUnknown; }
inline FieldValue integer(long long x) { return FieldValue{static_cast<std::int64_t>(x)}; }

// Time to the nearest facility of each selected type from row `r` of a points x facilities matrix.
std::vector<float> nearest_by_type(const PlanState& st, const TimeMatrix& m, std::size_t r);
// {count, no_path, p50, p95, max} of the finite values.
Json summary(std::vector<double> v);

// sections.network and the roads layer.
Outputs network_outputs(const PlanState& st);
// sections.county, the settlement, facility, demand, admin-unit, boundary and snapped-point layers and the
// settlements.csv, facilities.csv, demand.csv, admin_units.csv and settlement_times.csv tables. fac_to_seat:
// facilities x 1 matrix of times to the seat.
Outputs county_outputs(const PlanState& st, const TimeMatrix& fac_to_seat);

}  // namespace cs::detail
