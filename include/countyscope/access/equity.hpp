// Population-weighted inequality of a quantity across units (docs/methods.md "Equity"): Gini, Lorenz points,
// Theil T with its exact within/between decomposition, and Dagum's (1997) Gini decomposition G = G_w + G_nb +
// G_t. Units with zero population or a non-finite value are dropped and counted (never divided by silently).
//
// Example:
//   cs::access::EquityInput in{values, population, group, group_names};   // group[i] in [0, n) ; -1 =
//   dropped cs::access::Equity e = cs::access::equity(in); e.gini; e.theil.within + e.theil.between ==
//   e.theil.total;  e.dagum.gw + e.dagum.gnb + e.dagum.gt == e.gini;
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace cs::access {

struct LorenzPoint {
  double pop_share = 0.0;    // cumulative population share, ascending by value
  double value_share = 0.0;  // cumulative share of the total (population x value)
};

struct TheilGroup {
  std::string name;
  double population = 0.0, pop_share = 0.0, value_share = 0.0, mean = 0.0, theil = 0.0;
};
struct TheilDecomposition {
  double total = 0.0, within = 0.0, between = 0.0;
  std::vector<TheilGroup> groups;
};

struct DagumGroup {
  std::string name;
  double population = 0.0, mean = 0.0, gini = 0.0;  // within-group Gini G_jj
};
struct DagumDecomposition {
  double gw = 0.0, gnb = 0.0, gt = 0.0;
  std::vector<DagumGroup> groups;            // ordered by mean, descending (Dagum's convention)
  std::vector<std::vector<double>> between;  // G_jh in that order
  std::vector<std::vector<double>> d;        // D_jh relative economic affluence
};

struct EquityInput {
  std::span<const double> values;
  std::span<const double> population;
  std::span<const int> group;            // may be empty: no decompositions
  std::vector<std::string> group_names;  // one per group id
};

struct Equity {
  std::size_t units = 0;                    // units used
  std::size_t dropped_zero_population = 0;  // units left out because their population is 0
  std::size_t dropped_no_value = 0;         // ... because their value is not finite (unreached)
  double dropped_population = 0.0;          // population of units without a finite value
  double population = 0.0, mean = 0.0;
  double gini = 0.0;                // NaN when the mean is 0 or nothing is left
  double theil_t = 0.0;             // NaN when the mean is 0; needs values >= 0
  std::vector<LorenzPoint> lorenz;  // starts at (0,0), ends at (1,1)
  TheilDecomposition theil;         // empty groups when no grouping
  DagumDecomposition dagum;
};

// lorenz_points: the Lorenz curve is thinned to at most this many points (plus the origin), evenly in
// population.
Equity equity(const EquityInput& in, std::size_t lorenz_points = 50);

// One quantity under several groupings at once (the access study's rows per measure): the units are sorted
// once and each grouping's groups are read off that order. result[0] is equity() without groups (with
// lorenz_points), result[1 + k] equals equity({values, population, groupings[k].group,
// groupings[k].names}, groupings[k].lorenz_points) bit for bit.
struct EquityGrouping {
  std::span<const int> group;  // group[i] in [0, names.size()); -1 = in no group
  std::vector<std::string> names;
  std::size_t lorenz_points = 2;
};
std::vector<Equity> equity_groupings(std::span<const double> values, std::span<const double> population,
                                     std::span<const EquityGrouping> groupings,
                                     std::size_t lorenz_points = 50);

// Exact O(n^2)-free weighted Gini (sort + prefix sums). values >= 0 expected; NaN when the mean is 0.
double weighted_gini(std::span<const double> values, std::span<const double> population);

}  // namespace cs::access
