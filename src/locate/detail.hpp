// Internals shared by the solvers of the locate layer.
#pragma once

#include <cstdint>
#include <vector>

#include <countyscope/locate/mip.hpp>
#include <countyscope/locate/problem.hpp>

namespace cs::locate::detail {

// Respects p (except lscp), fixed facilities and the budget.
bool set_feasible(const LocateProblem& pb, const std::vector<std::uint32_t>& open);
// Opening cost of the non-fixed facilities of a set.
double new_cost(const LocateProblem& pb, const std::vector<std::uint32_t>& open);
// Capacitated p-median value of an open set (transportation LP through the MIP backend); +inf if infeasible.
double capacitated_value(const LocateProblem& pb, const std::vector<std::uint32_t>& open);

// Per demand point with weight > 0, its candidates sorted by (time, index); unreachable ones are left out.
struct SortedLists {
  std::vector<std::uint32_t> users;  // demand indices with w > 0
  std::vector<std::size_t> start;    // users.size()+1 offsets into cand/time
  std::vector<std::uint32_t> cand;
  std::vector<float> time;
};
SortedLists sort_candidates(const LocateProblem& pb, Context& ctx);

// Lagrangian relaxation of the p-median (assignment rows relaxed) at the best multipliers found.
struct Lagrangian {
  double bound = 0;            // L(lambda*) (valid lower bound)
  std::vector<double> lambda;  // per entry of SortedLists::users
  std::vector<double> rho;     // per candidate: sum_i min(0, w_i d_ij - lambda_i)
  int iterations = 0;
  // The relaxed solutions' open sets (cardinality rule) at the last few bound improvements, newest last:
  // starting points for the local search (Lagrangian heuristic).
  std::vector<std::vector<std::uint32_t>> sets;
};
Lagrangian lagrangian_pmedian(const LocateProblem& pb, const SortedLists& L, double upper_bound,
                              const std::vector<std::uint32_t>& incumbent, int iterations);
// L(lambda) with the cardinality rule (fixed open, exactly p - |fixed| others): value and the chosen set.
double lagrangian_value(const LocateProblem& pb, const Lagrangian& lg, double sum_lambda,
                        std::vector<char>* chosen);

struct PMedianRun {
  LocateResult result;
  Lagrangian lagrangian;  // empty when no bound was computed
  SortedLists lists;
};
PMedianRun pmedian_heuristic(const LocateProblem& pb, const HeuristicOptions& opt, Context& ctx);

// The MIP of a problem. Optional reductions: removed[j] closes candidate j (y_j = 0), forced[j] opens it,
// keep_x(i, j) false drops the assignment variable x_ij (p-median / p-center), w_ub caps W (p-center).
struct ModelReduction {
  std::vector<char> removed, forced;
  std::vector<std::vector<std::uint32_t>>
      x_allowed;  // per demand point: allowed candidates (empty vector = all)
  bool has_x_filter = false;
  double w_ub = 0;  // 0 = none
};
struct BuiltModel {
  MipModel model;
  std::vector<int> ycol;                                          // per candidate
  std::vector<std::vector<std::pair<std::uint32_t, int>>> xcols;  // per demand: (candidate, column)
  std::vector<int> zcol;                                          // MCLP: per demand (-1 if none)
  int wcol = -1;                                                  // p-center
};
BuiltModel build_model(const LocateProblem& pb, const ModelReduction* red, bool names);
// Start vector for an open set (nearest assignment).
std::vector<double> start_vector(const LocateProblem& pb, const BuiltModel& bm,
                                 const std::vector<std::uint32_t>& open);

double rel_gap(double obj, double bound);

// Exact site fixing from a Lagrangian bound and an incumbent of value ub: removed[j] = every solution with j
// open costs more than ub; forced[j] = every solution with j closed costs more than ub. open_bound[j] is
// the bound of solutions with j open.
struct SiteFixing {
  std::vector<char> removed, forced;
  std::vector<double> open_bound;
};
SiteFixing lagrangian_site_fixing(const LocateProblem& pb, const Lagrangian& lg, double ub);

// Uncapacitated p-median (p > 0) on the radius formulation, levels generated as needed (radius.cpp).
LocateResult solve_pmedian_radius(const LocateProblem& pb, const MipSolveOptions& opt, Context& ctx);

}  // namespace cs::locate::detail
