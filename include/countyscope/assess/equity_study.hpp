// Equity of a distribution on any table (`countyscope stats equity`; docs/stats.md): the Gini coefficient,
// the Palma ratio and, with a ranking variable, the concentration index, each weighted by an optional
// population column. Conventions: the Lorenz / concentration curve is piecewise linear through the units
// sorted by y (or by the ranking variable), each unit a step of its weight; Palma = (1 - L(0.9)) / L(0.4) on
// that curve (a unit straddling a cut shares its y in proportion); CI = 2 cov_w(y, R) / mean_w(y) with R the
// weighted fractional rank (ties: the group's mean rank), O'Donnell et al. 2008, ch. 8.
//
// Example:
//   cs::assess::EquityInputs in;
//   in.table = "townships.csv"; in.y = "doctors_per_1000"; in.rank = "income"; in.weight = "population";
//   const cs::Outputs o = cs::assess::run_equity_study(in, ctx);  // equity (gini, palma,
//   concentration_index)
#pragma once

#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::assess {

// The Lorenz curve's share of the total y held by the lowest share p of the weight (y sorted ascending).
[[nodiscard]] double lorenz_share(const std::vector<double>& y, const std::vector<double>& w, double p);
// Gini = 1 - sum_i (F_i - F_{i-1}) (L_i + L_{i-1}) on the Lorenz curve (weighted; unit weights: sum |y_i -
// y_j| / (2 n^2 mean)).
[[nodiscard]] double weighted_gini(const std::vector<double>& y, const std::vector<double>& w);
// (1 - L(0.9)) / L(0.4).
[[nodiscard]] double palma_ratio(const std::vector<double>& y, const std::vector<double>& w);
// 2 cov_w(y, R) / mean_w(y), R the weighted fractional rank by `rank` (ties: mean rank of the tied group).
[[nodiscard]] double concentration_index(const std::vector<double>& y, const std::vector<double>& rank,
                                         const std::vector<double>& w);

struct EquityInputs {
  std::string table, layer;
  std::string y;       // the variable whose distribution is assessed (>= 0)
  std::string rank;    // optional: the socioeconomic ranking variable of the concentration index
  std::string weight;  // optional: population (or any) weights, > 0
};
// Throws InputError (a missing column, a value that is not a finite number, a negative y, a weight <= 0: one
// line naming file, row and field).
[[nodiscard]] Outputs run_equity_study(const EquityInputs& in, const Context& ctx);

}  // namespace cs::assess
