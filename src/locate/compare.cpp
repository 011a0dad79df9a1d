// Before/after measures through the services layer's API (access + equity).
#include <algorithm>
#include <cmath>
#include <limits>

#include <countyscope/access/access.hpp>
#include <countyscope/access/equity.hpp>
#include <countyscope/locate/compare.hpp>

namespace cs::locate {
namespace {

AccessSummary summarise(const LocateProblem& pb, const std::vector<std::uint32_t>& open, double standard_s,
                        std::vector<float>& nearest, Context& ctx) {
  const std::size_t n = pb.demand_count();
  AccessSummary s;
  s.facilities = open.size();
  std::vector<double> pop(n);
  for (std::size_t i = 0; i < n; ++i) pop[i] = pb.w(i);
  nearest.assign(n, kUnreachable);
  std::vector<double> sfca(n, 0.0);
  if (!open.empty()) {
    TimeMatrix sub(n, open.size());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < open.size(); ++k) sub(i, k) = pb.cost(i, open[k]);
    access::AccessConfig cfg;
    cfg.cutoff_s = standard_s > 0 ? standard_s : 1800.0;
    const std::vector<double> supply(open.size(), 1.0);
    const access::AccessResult a = access::compute_access(sub, pop, supply, cfg, ctx);
    nearest = a.nearest_s;
    sfca = a.sfca2;
  }
  double sum = 0, beyond = 0, sf = 0;
  std::vector<double> vals, wts;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = pop[i];
    if (w <= 0) continue;
    s.population += w;
    sf += w * (std::isfinite(sfca[i]) ? sfca[i] : 0.0);
    const double t = nearest[i];
    if (standard_s > 0 && !(t <= standard_s)) beyond += w;
    if (!std::isfinite(t)) {
      s.max_nearest_s = std::numeric_limits<double>::infinity();
      continue;
    }
    s.reached_population += w;
    sum += w * t;
    s.max_nearest_s = std::max(s.max_nearest_s, t);
    vals.push_back(t);
    wts.push_back(w);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.mean_nearest_s = s.reached_population > 0 ? sum / s.reached_population : nan;
  s.share_beyond = standard_s > 0 && s.population > 0 ? beyond / s.population : nan;
  s.gini_nearest = vals.empty() ? nan : access::weighted_gini(vals, wts);
  s.mean_sfca2 = s.population > 0 ? sf / s.population : nan;
  if (open.empty()) s.max_nearest_s = std::numeric_limits<double>::infinity();
  return s;
}

}  // namespace

BeforeAfter before_after(const LocateProblem& pb, const std::vector<std::uint32_t>& before_open,
                         const std::vector<std::uint32_t>& after_open, double standard_s, Context& ctx) {
  BeforeAfter ba;
  ba.standard_s = standard_s;
  ba.before = summarise(pb, before_open, standard_s, ba.nearest_before, ctx);
  ba.after = summarise(pb, after_open, standard_s, ba.nearest_after, ctx);
  return ba;
}

Json to_json(const AccessSummary& s) {
  return Json{{"facilities", s.facilities},
              {"population", number_or_null(s.population)},
              {"reached_population", number_or_null(s.reached_population)},
              {"mean_nearest_min", number_or_null(output_minutes(s.mean_nearest_s))},
              {"max_nearest_min", number_or_null(output_minutes(s.max_nearest_s))},
              {"share_beyond", number_or_null(s.share_beyond)},
              {"gini_nearest", number_or_null(s.gini_nearest)},
              {"mean_sfca2", number_or_null(s.mean_sfca2)}};
}

Json to_json(const LocateResult& r, ProblemKind kind) {
  const bool timed = kind == ProblemKind::kPMedian || kind == ProblemKind::kPCenter;
  const auto value = [&](double x) { return number_or_null(timed ? x / 60.0 : x); };
  const char* unit = kind == ProblemKind::kPMedian   ? "person-min"
                     : kind == ProblemKind::kPCenter ? "min"
                     : kind == ProblemKind::kMclp    ? "covered weight"
                                                     : "sites or opening cost";
  return Json{{"solver", std::string(solver_name(r.solver))},
              {"outcome", std::string(outcome_name(r.outcome))},
              {"objective", value(r.objective)},
              {"bound", value(r.bound)},
              {"objective_unit", unit},
              {"gap", number_or_null(r.gap)},
              {"time_limit_reached", r.time_limit_reached},
              {"open", r.open},
              {"message", r.message}};
}

}  // namespace cs::locate
