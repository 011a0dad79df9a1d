// Before/after: the access and equity measures of the services layer (cs::access::compute_access,
// cs::access::weighted_gini) recomputed for the facilities open before (the existing ones) and after a
// location solution.
//
// Example:
//   cs::BeforeAfter ba = cs::before_after(pb, pb.fixed, result.open, 1800, ctx);
//   ba.before.mean_nearest_s;  ba.after.share_beyond;  ba.after.gini_nearest;
#pragma once

#include <cstdint>
#include <vector>

#include <countyscope/io/results.hpp>
#include <countyscope/locate/problem.hpp>

namespace cs::locate {

struct AccessSummary {
  std::size_t facilities = 0;
  double population = 0;          // all weight
  double reached_population = 0;  // weight with some open facility reachable
  double mean_nearest_s = 0;      // population-weighted mean time to the nearest open facility (reached only)
  double max_nearest_s = 0;       // +inf when somebody cannot reach any open facility
  double share_beyond = 0;  // population share beyond the standard (unreached count as beyond); NaN if none
  double gini_nearest = 0;  // population-weighted Gini of the nearest time (reached only)
  double mean_sfca2 = 0;    // population-weighted mean 2SFCA (catchment = standard, supply 1 per site)
};

struct BeforeAfter {
  double standard_s = 0;  // 0 = none
  AccessSummary before, after;
  std::vector<float> nearest_before, nearest_after;  // per demand point, seconds (+inf = unreached)
};

BeforeAfter before_after(const LocateProblem& pb, const std::vector<std::uint32_t>& before_open,
                         const std::vector<std::uint32_t>& after_open, double standard_s, Context& ctx);

// {"facilities", "population", "mean_nearest_min", ...} for the results document (times in minutes).
Json to_json(const AccessSummary& s);
// {"solver", "outcome", "objective", "bound", "gap", "objective_unit", ...}: the objective and bound of a
// p-median in person-minutes and of a p-center in minutes (the engine's seconds / 60), of MCLP in covered
// weight, of LSCP in sites (or opening cost).
Json to_json(const LocateResult& r, ProblemKind kind);

}  // namespace cs::locate
