// Markov chains on any panel (`countyscope stats markov`; docs/stats.md): each period's values cut into k
// quantile classes (type 7 breaks, a value on a break in the lower class — mapclassify's Quantiles, as giddy;
// per period, pooled, or given cutoffs), the transition counts and probabilities between consecutive periods,
// the steady state and the mean first passage times (Kemeny & Snell 1976), as giddy's Markov and
// ergodic.fmpt; with weights, the spatial Markov chain (giddy Spatial_Markov): one chain per class of the
// spatial lag, and Bickenbach & Bode's (2003) homogeneity tests Q and LR.
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

// The stationary distribution pi = pi P (sum 1) of an ergodic chain; empty when the system is singular or P
// is not stochastic (a row without transitions: giddy's fill_empty_classes would make that state absorbing).
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
  std::string id;  // id column (messages, weights files); default: the row
  // Classes: "period" (quantiles of each period, giddy Markov's documented use) or "pooled" (quantiles of all
  // periods together, giddy Spatial_Markov's fixed = True); `cutoffs` (k - 1 increasing bounds, a value on a
  // bound in the lower class, mapclassify UserDefined) replaces both.
  std::string quantiles = "period";
  std::vector<double> cutoffs;
  bool relative = false;  // each period's values divided by that period's mean (giddy's relative incomes)
  // Spatial Markov (giddy Spatial_Markov, Rey 2001) when `weights` is given: each transition conditioned on
  // the class of the unit's spatial lag at its start; the lag's classes by the same rule (`lag_classes`, 0:
  // as `classes`; `lag_cutoffs`).
  std::string
      weights;  // queen | rook | knn:K | band[:D] | idw[:D] | a .gal / .gwt / .kwt file; empty: classic
  std::string transform = "row";  // row | binary | none
  std::string metric = "planar";  // planar | great-circle (distance weights)
  double idw_power = 1.0;
  std::string coords, crs;  // "x,y" coordinate columns of a table without geometry, and their CRS
  int lag_classes = 0;
  std::vector<double> lag_cutoffs;
  // LISA Markov (giddy LISA_Markov) with weights: the states are each period's Moran scatterplot quadrants,
  // 1 HH, 2 LH, 3 LL, 4 HL (esda), or with geoda_quads 1 HH, 2 LL, 3 LH, 4 HL (GeoDa).
  bool lisa = false;
  bool geoda_quads = false;
};
// Throws InputError (a missing column, an empty cell or a value that is not a finite number — a panel with a
// missing period: one line naming file, row and field; weights that do not match the table, as `stats
// autocorrelation`) or UsageError (fewer than two periods, classes outside 2..20, cutoffs not increasing, an
// unknown quantiles rule, weights spec, transform or metric).
[[nodiscard]] Outputs run_markov_study(const MarkovInputs& in, const Context& ctx);

}  // namespace cs::assess
