// Equity of a distribution on any table (`countyscope stats equity`; docs/stats.md): the Gini coefficient,
// the Palma ratio and Theil's T (with a between / within decomposition over groups), the
// Foster-Greer-Thorbecke poverty measures below a line and, with a ranking variable, the concentration index
// (standard and Erreygers-corrected) and the ranked-groups Palma ratio of R accessibility, each weighted by
// an optional population column. Conventions: the Lorenz / concentration curve is piecewise linear through
// the units sorted by y (or by the ranking variable), each unit a step of its weight; Palma = (1 - L(0.9)) /
// L(0.4) on that curve (a unit straddling a cut shares its y in proportion); CI = 2 cov_w(y, R) / mean_w(y)
// with R the weighted fractional rank (ties: the group's mean rank), O'Donnell et al. 2008, ch. 8.
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
// Erreygers (2009) correction for a bounded variable: 4 mean_w(y) / (max y - min y) x the concentration
// index.
[[nodiscard]] double erreygers_index(const std::vector<double>& y, const std::vector<double>& rank,
                                     const std::vector<double>& w);
// The weighted quantile of Hmisc::wtd.quantile (type "quantile", weights as frequencies): x's distinct values
// with summed weights, n = sum w, the order 1 + (n - 1) p interpolated between the values at floor(order) and
// floor(order) + 1 on the step function of the cumulative weights.
[[nodiscard]] double weighted_quantile(const std::vector<double>& x, const std::vector<double>& w, double p);
// R accessibility's palma_ratio: mean_w(y) of the units ranked above q90 over that of the units ranked at or
// below q40 (q40, q90: weighted quantiles of the ranking variable); NaN when a group is empty.
[[nodiscard]] double ranked_palma(const std::vector<double>& y, const std::vector<double>& rank,
                                  const std::vector<double>& w, double q40, double q90);
// Foster, Greer & Thorbecke (1984): FGT_a = sum_w [y < z] ((z - y) / z)^a / sum w, for a = 0, 1, 2.
[[nodiscard]] std::vector<double> fgt(const std::vector<double>& y, const std::vector<double>& w, double z);

// Theil's T = sum_i (w_i / W) (y_i / mean) ln(y_i / mean), with 0 ln 0 = 0; over groups g (weight share p_g,
// y share s_g, own index T_g): T = sum_g s_g T_g (within) + sum_g s_g ln(s_g / p_g) (between).
struct TheilGroup {
  std::string group;
  std::size_t rows = 0;
  double weight = 0, mean = 0, y_share = 0, weight_share = 0, theil = 0, within = 0, between = 0;
};
struct Theil {
  double total = 0, within = 0, between = 0;
  std::vector<TheilGroup> groups;  // ordered by group label (numerically when every label is a number)
};
[[nodiscard]] Theil theil_t(const std::vector<double>& y, const std::vector<double>& w,
                            const std::vector<std::string>& groups);

struct EquityInputs {
  std::string table, layer;
  std::string y;       // the variable whose distribution is assessed (>= 0)
  std::string rank;    // optional: the socioeconomic ranking variable of the concentration index
  std::string weight;  // optional: population (or any) weights, >= 0, not all 0
  std::string groups;  // optional: the groups of Theil's decomposition (income decile, urban / rural ...)
  double poverty_line = 0;  // > 0: the FGT measures below this line of y
  // optional: the table whose weighted quantiles of `rank` (weighted by `weight`) cut the ranked Palma's
  // groups; default: the table itself. Its rows with an empty rank are left out (R's na.rm).
  std::string rank_base;
};
// Throws InputError (a missing column, a value that is not a finite number, a negative y, a weight < 0 or all 0, an
// empty group label, a rank base with no weight: one line naming file, row and field).
[[nodiscard]] Outputs run_equity_study(const EquityInputs& in, const Context& ctx);

}  // namespace cs::assess
