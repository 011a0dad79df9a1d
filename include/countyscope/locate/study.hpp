// The locate study: the one orchestration of facility location that every door calls (`countyscope locate`,
// the plan's locate pass, the Python module). Typed options from the registry (docs/options.md, [locate]) +
// one problem per service -> which solvers run, which answer is chosen, how many sites open, who each site
// serves and the before/after access measures. Doors only build the problem from their inputs and present
// the study.
//
// Example:
//   cs::locate::LocateConfig cfg;                          // the registry's defaults
//   cs::locate::locate_options().set_text(cfg, "problem", "mclp", "--problem: ");
//   cs::locate::LocateProblem pb = ...;                    // cost, weight, fixed (existing sites), capacity
//   cs::locate::apply_config(cfg, pb);                     // p (existing + new), standard, budget
//   auto s = cs::locate::run_locate(pb, cfg, ctx);         // s.best(), s.before_after, s.served_after
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/options.hpp>
#include <countyscope/locate/compare.hpp>
#include <countyscope/locate/problem.hpp>

namespace cs::locate {

// Which solvers run: both (the heuristic with its bound, then the exact MIP; the better answer is chosen, the
// MIP winning ties), one of them, or exhaustive search (tiny problems only; an oracle).
enum class SolverChoice { kBoth, kMip, kHeuristic, kBruteForce };
[[nodiscard]] std::string_view solver_choice_name(SolverChoice s);

struct LocateConfig {
  ProblemKind problem = ProblemKind::kPMedian;
  SolverChoice solver = SolverChoice::kBoth;
  std::uint32_t p = 0;           // facilities open in total (existing included); 0 = existing + new
  std::uint32_t new_sites = 2;   // facilities added to the existing ones when p = 0 (not used by lscp)
  double standard_min = 15;      // coverage standard (mclp, lscp; the before/after share and 2SFCA catchment)
  double time_limit_s = 120;     // MIP wall-clock limit (compute time, not a travel time)
  std::optional<double> budget;  // sum of opening costs of new sites
  std::optional<double> site_capacity;  // persons each site can serve (capacitated p-median); unset = none
};
// The [locate] table of the option registry (CLI `countyscope locate`, plan.toml [locate], Python locate()).
[[nodiscard]] const opt::Table<LocateConfig>& locate_options();

// Sets pb.kind, pb.p (lscp: 0; else cfg.p, or the fixed sites + cfg.new_sites), pb.standard_s and pb.budget,
// and, when cfg.site_capacity is set and pb has no capacities, the same capacity for every candidate.
void apply_config(const LocateConfig& cfg, LocateProblem& pb);

struct LocateStudy {
  std::vector<LocateResult> results;  // in the order run: heuristic, then MIP
  std::optional<std::size_t> chosen;  // index into results of the answer (none: no solution)
  std::optional<bool> agree;          // both solvers ran and found answers: equal objectives?
  BeforeAfter before_after;           // existing sites vs the chosen open set (when chosen)
  // Per demand point: its facility (candidate index) before (existing sites, nearest) and after (the chosen
  // answer: nearest open site, or the MIP's assignment when capacitated); kNoFacility = none.
  std::vector<std::uint32_t> assigned_before, assigned_after;
  std::vector<double> served_before, served_after;  // per candidate: weight assigned to it
  [[nodiscard]] const LocateResult* best() const { return chosen ? &results[*chosen] : nullptr; }
};

// Runs the configured solvers on a checked problem (check_problem first: UsageError / cs::Error(kInfeasible))
// and evaluates the chosen answer. Never throws for a solve without solution: chosen is then empty.
[[nodiscard]] LocateStudy run_locate(const LocateProblem& pb, const LocateConfig& cfg, Context& ctx);
// "locate[clinic]: mip optimal objective 123 bound 123 gap 0 % in 0.01 s", for logs.
[[nodiscard]] std::string describe(const LocateResult& r, std::string_view label);

}  // namespace cs::locate
