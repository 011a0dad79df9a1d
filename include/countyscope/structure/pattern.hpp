// Pattern optimisation: choose k settlements (by default the towns) to strengthen as service centres so that
// the population within T of a centre (the existing ones plus the chosen) is largest — a maximal covering
// problem.
//
// Solved exactly by enumeration when the number of subsets is small (<= exact_limit), otherwise greedily. The
// greedy answer comes with an upper bound on the optimum: the better of (1) greedy / (1 - (1 - 1/k)^k)
// (Nemhauser, Wolsey & Fisher 1978) and (2) min over greedy steps i of f(S_i) + the k largest marginal gains
// w.r.t. S_i (the submodularity bound of the same paper), so the reported gap is honest.
//
// Example:
//   cs::PatternResult r = cs::structure::optimise_pattern(demand_to_settlement, demand_pop, existing,
//   candidates, {.k = 3}); r.covered - r.base_covered;   // coverage gain of strengthening r.chosen
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <countyscope/core/error.hpp>
#include <countyscope/core/matrix.hpp>

namespace cs::structure {

struct PatternConfig {
  std::uint32_t k = 3;                  // settlements to strengthen
  double within_s = 900.0;              // coverage time T (demand -> centre), inclusive (15-min life circle)
  std::uint64_t exact_limit = 200'000;  // enumerate all subsets when C(candidates, k) is at most this
};
[[nodiscard]] std::vector<Problem> validate(const PatternConfig& cfg);

struct PatternResult {
  std::vector<std::uint32_t>
      chosen;  // columns of the matrix, in order of choice (greedy) or ascending (exact)
  std::vector<double> step_covered;  // greedy: coverage after each choice
  double total = 0.0;                // total demand population
  double base_covered = 0.0;         // covered by the existing centres alone
  double covered = 0.0;              // with the chosen added
  double upper_bound = 0.0;          // >= the optimum; == covered when exact
  std::string method;                // "exact" or "greedy"
};

// demand_to_settlement: demand x settlements (s); existing/candidates: column indices (disjoint). k larger
// than the candidate count chooses all candidates. Throws InputError on bad sizes or indices.
PatternResult optimise_pattern(const TimeMatrix& demand_to_settlement, std::span<const double> demand_pop,
                               std::span<const std::uint32_t> existing,
                               std::span<const std::uint32_t> candidates, const PatternConfig& cfg);

}  // namespace cs::structure
