// Facility location: one problem definition shared by every solver (exact MIP, heuristics, brute force).
//
// Problems (formulations in docs/locate.md):
//   p-median  min sum_i w_i d_ij x_ij          (also: capacitated, budget, fixed open facilities)
//   mclp      max sum_i w_i z_i, z_i covered within the standard S (= minimise the population beyond S)
//   lscp      min number (or opening cost) of facilities so that every demand point is within S
//   p-center  min max_i d_i (the equity objective "minimise the maximum travel time")
// Cardinality: when p > 0, exactly p facilities are open, *including* the fixed (existing) ones (as in
// spopt's predefined facilities). p = 0 is allowed only with a budget (then the budget alone limits how many
// open). Demand points with zero weight are ignored by every problem (nobody lives there). Coverage is
// inclusive (d <= S). Unreachable pairs are +inf in the matrix and are never assigned.
//
// Example:
//   cs::LocateProblem pb;  pb.kind = cs::ProblemKind::kPMedian;  pb.p = 5;
//   pb.cost = matrix;  pb.weight = population;          // demand x candidates, seconds
//   cs::throw_if_problems(cs::validate(pb), "locate");    // UsageError / one line
//   cs::LocateResult r = cs::solve_heuristic(pb, {}, ctx);   // r.outcome, r.objective, r.bound, r.gap,
//   r.open
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/core/types.hpp>

namespace cs::locate {

enum class ProblemKind { kPMedian, kMclp, kLscp, kPCenter };
[[nodiscard]] std::string_view problem_name(ProblemKind k);  // "p-median", "mclp", "lscp", "p-center"
// Throws UsageError listing the valid names ("min-max" = p-center, "min-beyond" = mclp are accepted aliases).
[[nodiscard]] ProblemKind parse_problem(std::string_view s);
// True when the objective is maximised (MCLP covered weight).
[[nodiscard]] constexpr bool maximises(ProblemKind k) { return k == ProblemKind::kMclp; }

struct LocateProblem {
  ProblemKind kind = ProblemKind::kPMedian;
  TimeMatrix cost;                   // demand x candidates, seconds; +inf = no path
  std::vector<double> weight;        // per demand point (population); empty = all 1
  std::uint32_t p = 0;               // facilities open in total (fixed included); 0 = budget-limited only
  double standard_s = 0;             // coverage standard S (mclp, lscp), inclusive
  std::vector<std::uint32_t> fixed;  // candidate indices that are open already and stay open
  std::vector<double> capacity;      // per candidate (p-median only); empty = uncapacitated
  std::vector<double> opening_cost;  // per candidate; empty = all 0 (lscp then minimises the count)
  std::optional<double> budget;      // sum of opening costs of the *new* (non-fixed) facilities <= budget
  std::string label;                 // e.g. the service type, for messages and outputs
  // Names of demand points and candidates as the user wrote them (file ids), for messages; empty = "#index".
  std::vector<std::string> demand_names, candidate_names;

  [[nodiscard]] std::size_t demand_count() const noexcept { return cost.rows(); }
  [[nodiscard]] std::size_t candidate_count() const noexcept { return cost.cols(); }
  [[nodiscard]] double w(std::size_t i) const noexcept { return weight.empty() ? 1.0 : weight[i]; }
  [[nodiscard]] bool capacitated() const noexcept { return !capacity.empty(); }
  // "demand point 'a'" / "candidate 'h2'" (or "demand point #7" when no names are given), for messages.
  [[nodiscard]] std::string demand_name(std::size_t i) const;
  [[nodiscard]] std::string candidate_name(std::size_t j) const;
};

// Every problem found, each as {option, one-line message}; empty = solvable as far as cheap checks can tell
// (p > candidates, fewer p than fixed, weights, capacities, costs, times and the budget outside the
// documented ranges of core/limits.hpp (so the MIP only sees sane magnitudes), infeasible budget, a demand
// point that no candidate covers (lscp) or reaches (p-median/p-center), total capacity below demand, ...).
[[nodiscard]] std::vector<Problem> validate(const LocateProblem& pb);
// As validate(), but throws: UsageError for option problems, cs::Error(kInfeasible) for infeasible data (exit
// 1).
void check_problem(const LocateProblem& pb);

// The solve's outcome (STYLE P7), separate from whether the call worked (CallStatus in mip.hpp).
enum class Outcome {
  kOptimal,          // proven optimal (gap 0 within tolerance)
  kFeasibleGapOpen,  // a solution and a bound with a gap left (time limit, or heuristic)
  kInfeasible,       // proven to have no solution
  kTimeLimit,        // time limit reached without any solution
  kError,            // the solver failed (message says why)
};
[[nodiscard]] std::string_view outcome_name(Outcome o);

enum class SolverKind { kMip, kHeuristic, kBruteForce };
[[nodiscard]] std::string_view solver_name(SolverKind s);

struct LocateResult {
  SolverKind solver = SolverKind::kHeuristic;
  Outcome outcome = Outcome::kError;
  double objective = 0;  // in the problem's sense (seconds x weight, covered weight, count/cost, seconds)
  double bound = 0;      // best proven bound (lower for minimisation, upper for MCLP)
  double gap = 0;        // |objective - bound| / max(|objective|, 1e-9); 0 when optimal
  double seconds = 0;    // wall time of the solve
  bool time_limit_reached = false;
  std::vector<std::uint32_t> open;      // open candidates, sorted (fixed included)
  std::vector<std::uint32_t> assigned;  // per demand point: its facility (candidate index) or UINT32_MAX
  std::string message;                  // solver detail for logs (never needed to interpret the outcome)
  long nodes = 0;
  int iterations = 0;
};

inline constexpr std::uint32_t kNoFacility = 0xffffffffu;

// Objective value of an open set under the problem (nearest-open assignment; capacitated p-median is
// evaluated by the MIP backend's LP with y fixed). +inf (minimisation) or -inf (MCLP) when the set is
// infeasible.
[[nodiscard]] double evaluate(const LocateProblem& pb, const std::vector<std::uint32_t>& open);
// Nearest open facility per demand point (kNoFacility if none reachable / zero weight).
[[nodiscard]] std::vector<std::uint32_t> nearest_assignment(const LocateProblem& pb,
                                                            const std::vector<std::uint32_t>& open);

// Exhaustive search over all candidate subsets (oracle for tests; refuses more than 20 candidates).
[[nodiscard]] LocateResult solve_brute_force(const LocateProblem& pb);

struct HeuristicOptions {
  int max_swaps = 0;            // 0 = 50 * candidates + 1000
  int bound_iterations = 1500;  // Lagrangian subgradient iterations (p-median)
  bool compute_bound = true;
};
// Greedy + fast interchange (Resende-Werneck gain/loss/extra bookkeeping for p-median), with a lower bound
// (Lagrangian relaxation for p-median, LP relaxation otherwise) so every answer reports its gap.
// Deterministic.
[[nodiscard]] LocateResult solve_heuristic(const LocateProblem& pb, const HeuristicOptions& opt,
                                           Context& ctx);

// The exact p-median's model (uncapacitated p-median with p > 0; other problems always use the assignment
// model). kRadius: the radius (covering) formulation of Garcia, Labbe and Marin (2011) with its distance
// levels generated as needed - a relaxation refined until CBC's optimum is exact; kAssignment: x_ij <= y_j.
enum class PMedianFormulation { kAuto, kAssignment, kRadius };  // kAuto = kRadius where it applies

struct MipSolveOptions {
  double time_limit_s = 60;
  double rel_gap = 1e-6;
  bool reduce = true;  // p-median: heuristic incumbent + Lagrangian reduced-cost fixing (exact) before CBC
  int threads = 1;     // CBC threads (assignment model); the radius model's CBC runs on one (deterministic)
  PMedianFormulation formulation = PMedianFormulation::kAuto;
};
// Builds the MIP of the problem and solves it with COIN-OR CBC.
[[nodiscard]] LocateResult solve_mip(const LocateProblem& pb, const MipSolveOptions& opt, Context& ctx);
// LP relaxation value of the (full) MIP; NaN if the LP could not be solved.
[[nodiscard]] double lp_relaxation_bound(const LocateProblem& pb, double time_limit_s = 60);
// The full MIP in CPLEX LP format (for glpsol / cbc CLI comparisons).
[[nodiscard]] std::string write_lp_file_text(const LocateProblem& pb);

}  // namespace cs::locate
