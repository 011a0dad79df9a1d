// The locate study (include/countyscope/locate/study.hpp): the option table of [locate] and the one
// orchestration of the solvers.
#include <algorithm>
#include <cmath>

#include <countyscope/io/csv.hpp>
#include <countyscope/locate/study.hpp>

namespace cs::locate {

std::string_view solver_choice_name(SolverChoice s) {
  switch (s) {
    case SolverChoice::kBoth:
      return "both";
    case SolverChoice::kMip:
      return "mip";
    case SolverChoice::kHeuristic:
      return "heuristic";
    case SolverChoice::kBruteForce:
      return "brute-force";
  }
  return "?";
}

const opt::Table<LocateConfig>& locate_options() {
  static const auto t =
      opt::Table<LocateConfig>("locate",
                               "Facility location (`countyscope locate`, the plan's locate pass, "
                               "Python `locate()`)")
          .choice("problem", &LocateConfig::problem,
                  {{"p-median", ProblemKind::kPMedian},
                   {"mclp", ProblemKind::kMclp},
                   {"lscp", ProblemKind::kLscp},
                   {"p-center", ProblemKind::kPCenter},
                   {"min-beyond", ProblemKind::kMclp},
                   {"min-max", ProblemKind::kPCenter}},
                  "p-median: least total travel; mclp (min-beyond): most people within the standard; lscp: "
                  "fewest sites so that everyone is within the standard; p-center (min-max): least maximum "
                  "travel")
          .choice(
              "solver", &LocateConfig::solver,
              {{"both", SolverChoice::kBoth},
               {"mip", SolverChoice::kMip},
               {"heuristic", SolverChoice::kHeuristic},
               {"brute-force", SolverChoice::kBruteForce}},
              "both: heuristic with a bound, then the exact MIP (CBC); the better answer is kept, the MIP "
              "winning ties; brute-force: every subset (at most 20 candidates)")
          .integer("p", &LocateConfig::p, 0, 100000, "facilities",
                   "facilities open in total, existing ones included (0: existing + new)")
          .integer("new", &LocateConfig::new_sites, 0, 100000, "facilities",
                   "facilities added to the existing ones when p is 0 (lscp chooses the count itself)")
          .number("standard_min", &LocateConfig::standard_min, limits::kCutoffMin,
                  "coverage standard (mclp, lscp), share beyond it before/after and the 2SFCA catchment")
          .number("time_limit_s", &LocateConfig::time_limit_s, limits::kSolverSeconds,
                  "wall-clock limit of the exact MIP (compute time)")
          .optional_number("budget", &LocateConfig::budget, limits::kCost,
                           "budget for the opening costs of new sites (candidates' cost column)")
          .optional_number("site_capacity", &LocateConfig::site_capacity, limits::kCapacity,
                           "persons each candidate site can serve (capacitated p-median) when the candidates "
                           "carry no capacity of their own")
          .renamed("standard", "standard_min", "minutes")
          .renamed("standard_s", "standard_min", "now in minutes")
          .renamed("time_limit", "time_limit_s");
  return t;
}

void apply_config(const LocateConfig& cfg, LocateProblem& pb) {
  pb.kind = cfg.problem;
  if (cfg.problem == ProblemKind::kLscp)
    pb.p = 0;
  else
    pb.p = cfg.p > 0 ? cfg.p : static_cast<std::uint32_t>(pb.fixed.size()) + cfg.new_sites;
  pb.standard_s = cfg.standard_min * 60;
  pb.budget = cfg.budget;
  if (cfg.site_capacity && pb.capacity.empty()) pb.capacity.assign(pb.candidate_count(), *cfg.site_capacity);
}

std::string describe(const LocateResult& r, std::string_view label) {
  return "locate" + (label.empty() ? std::string() : "[" + std::string(label) + "]") + ": " +
         std::string(solver_name(r.solver)) + " " + std::string(outcome_name(r.outcome)) + " objective " +
         format_number(r.objective) + " bound " + format_number(r.bound) + " gap " +
         format_number(r.gap * 100) + " % in " + format_number(r.seconds) + " s";
}

LocateStudy run_locate(const LocateProblem& pb, const LocateConfig& cfg, Context& ctx) {
  check_problem(pb);
  // The heuristic has no capacitated variant: with "both" the MIP alone answers, "heuristic" is refused.
  if (pb.capacitated() && cfg.solver == SolverChoice::kHeuristic)
    throw UsageError("solver: the heuristic has no capacitated variant; use mip, both or brute-force");
  LocateStudy s;
  const bool heuristic = !pb.capacitated() && cfg.solver != SolverChoice::kMip;
  const bool mip = cfg.solver == SolverChoice::kBoth || cfg.solver == SolverChoice::kMip;
  if (cfg.solver == SolverChoice::kBruteForce) {
    s.results.push_back(solve_brute_force(pb));
  } else {
    if (heuristic) s.results.push_back(solve_heuristic(pb, {}, ctx));
    if (mip) s.results.push_back(solve_mip(pb, {.time_limit_s = cfg.time_limit_s, .threads = 1}, ctx));
  }
  for (std::size_t k = 0; k < s.results.size(); ++k) {
    const LocateResult& r = s.results[k];
    ctx.info(describe(r, pb.label));
    if (r.outcome != Outcome::kOptimal && r.outcome != Outcome::kFeasibleGapOpen) continue;
    // Later results (the MIP) win ties: they carry the proof.
    if (!s.chosen ||
        (maximises(pb.kind) ? r.objective >= s.best()->objective : r.objective <= s.best()->objective))
      s.chosen = k;
  }
  if (s.results.size() == 2 && s.chosen)
    s.agree = std::abs(s.results[0].objective - s.results[1].objective) <=
              1e-6 * std::max(1.0, std::abs(s.results[1].objective));
  if (!s.chosen) return s;
  const LocateResult& best = *s.best();
  s.before_after = before_after(pb, pb.fixed, best.open, pb.standard_s, ctx);
  s.assigned_before = nearest_assignment(pb, pb.fixed);
  // With capacities the nearest open site may be full: the solver's assignment is the answer.
  s.assigned_after = pb.capacitated() ? best.assigned : nearest_assignment(pb, best.open);
  s.served_before.assign(pb.candidate_count(), 0.0);
  s.served_after.assign(pb.candidate_count(), 0.0);
  for (std::size_t i = 0; i < pb.demand_count(); ++i) {
    if (s.assigned_before[i] != kNoFacility) s.served_before[s.assigned_before[i]] += pb.w(i);
    if (s.assigned_after[i] != kNoFacility) s.served_after[s.assigned_after[i]] += pb.w(i);
  }
  return s;
}

}  // namespace cs::locate
