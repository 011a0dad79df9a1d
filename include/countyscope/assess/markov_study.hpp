// Classic Markov chains on any panel (`countyscope stats markov`; docs/stats.md): each period's values cut
// into k quantile classes (type 7 breaks, a value on a break in the lower class — mapclassify's Quantiles, as
// giddy), the transition counts and probabilities between consecutive periods, the steady state and the mean
// first passage times (Kemeny & Snell 1976), as giddy's Markov and ergodic.fmpt.
//
// Example:
//   cs::assess::MarkovInputs in;
//   in.table = "usjoin.csv"; in.columns = {"1929:2009"}; in.classes = 5;
//   const cs::Outputs o = cs::assess::run_markov_study(in, ctx);  // transitions, states, fmpt
#pragma once

#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::assess {

// The stationary distribution pi = pi P (sum 1) of an ergodic chain; empty when the system is singular.
[[nodiscard]] std::vector<double> steady_state(const std::vector<std::vector<double>>& p);
// Mean first passage times m_ij (i != j) and mean recurrence times m_jj = 1 / pi_j, from the fundamental
// matrix Z = (I - P + 1 pi)^-1: m_ij = (z_jj - z_ij) / pi_j. Empty when the chain is not ergodic.
[[nodiscard]] std::vector<std::vector<double>> mean_first_passage(const std::vector<std::vector<double>>& p);

struct MarkovInputs {
  std::string table, layer;
  // The periods in time order: column names, or "FIRST:LAST" for every column from FIRST to LAST in table
  // order.
  std::vector<std::string> columns;
  int classes = 5;
  std::string id;  // id column (messages); default: the row
};
// Throws InputError (a missing column, an empty cell or a value that is not a finite number — a panel with a
// missing period: one line naming file, row and field) or UsageError (fewer than two periods, classes
// outside 2..20).
[[nodiscard]] Outputs run_markov_study(const MarkovInputs& in, const Context& ctx);

}  // namespace cs::assess
