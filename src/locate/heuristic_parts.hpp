// Private to src/locate: the pieces the p-median search (heuristic.cpp) and the covering heuristics
// (heuristic_cover.cpp: MCLP, LSCP, p-center) share. See heuristic.cpp's head comment for the methods.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <countyscope/locate/problem.hpp>

#include "detail.hpp"

namespace cs::locate::detail {

inline constexpr std::uint32_t kNone = 0xffffffffu;

// Greedy addition (p-median and MCLP share it through `gain`), respecting fixed sites, p and the budget.
struct Budget {
  const LocateProblem& pb;
  double left = std::numeric_limits<double>::infinity();
  explicit Budget(const LocateProblem& p) : pb(p) {
    if (pb.budget) left = *pb.budget;
  }
  [[nodiscard]] double cost(std::uint32_t j) const {
    return pb.opening_cost.empty() ? 0.0 : pb.opening_cost[j];
  }
  // Can j be opened now and still leave room for `after` more of the cheapest closed sites?
  [[nodiscard]] bool affordable(std::uint32_t j, std::size_t after,
                                const std::vector<double>& closed_sorted) const {
    if (!pb.budget) return true;
    double need = cost(j);
    std::size_t taken = 0;
    bool skipped = false;
    for (double c : closed_sorted) {
      if (taken == after) break;
      if (!skipped && c == cost(j)) {
        skipped = true;
        continue;
      }
      need += c, ++taken;
    }
    return need <= left * (1 + 1e-12) + 1e-9;
  }
};

inline std::vector<double> closed_costs(const LocateProblem& pb, const std::vector<char>& is_open) {
  std::vector<double> c;
  if (!pb.budget) return c;
  for (std::uint32_t j = 0; j < pb.candidate_count(); ++j)
    if (!is_open[j]) c.push_back(pb.opening_cost.empty() ? 0.0 : pb.opening_cost[j]);
  std::sort(c.begin(), c.end());
  return c;
}

inline void finish(const LocateProblem& pb, LocateResult& r, std::vector<std::uint32_t> open) {
  std::sort(open.begin(), open.end());
  r.open = std::move(open);
  r.objective = evaluate(pb, r.open);
  r.assigned = nearest_assignment(pb, r.open);
}

inline void set_gap(const LocateProblem& pb, LocateResult& r) {
  if (!std::isfinite(r.bound)) {
    r.gap = std::numeric_limits<double>::infinity();
    return;
  }
  if (maximises(pb.kind))
    r.bound = std::max(r.bound, r.objective);
  else
    r.bound = std::min(r.bound, r.objective);
  r.gap = rel_gap(r.objective, r.bound);
  r.outcome = r.gap == 0 ? Outcome::kOptimal : Outcome::kFeasibleGapOpen;
}

LocateResult mclp_heuristic(const LocateProblem& pb, const HeuristicOptions& opt, Context& ctx);
LocateResult lscp_heuristic(const LocateProblem& pb, const HeuristicOptions& opt);
LocateResult pcenter_heuristic(const LocateProblem& pb, const HeuristicOptions& opt, const SortedLists& L);

}  // namespace cs::locate::detail
