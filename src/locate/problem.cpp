// The shared problem definition: names, validation, evaluation of an open set and the brute-force oracle.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include <countyscope/core/limits.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/locate/problem.hpp>

#include "detail.hpp"

namespace cs::locate {

std::string_view problem_name(ProblemKind k) {
  switch (k) {
    case ProblemKind::kPMedian:
      return "p-median";
    case ProblemKind::kMclp:
      return "mclp";
    case ProblemKind::kLscp:
      return "lscp";
    case ProblemKind::kPCenter:
      return "p-center";
  }
  return "?";
}

ProblemKind parse_problem(std::string_view s) {
  if (s == "p-median" || s == "pmedian") return ProblemKind::kPMedian;
  if (s == "mclp" || s == "min-beyond") return ProblemKind::kMclp;
  if (s == "lscp") return ProblemKind::kLscp;
  if (s == "p-center" || s == "pcenter" || s == "min-max") return ProblemKind::kPCenter;
  throw unknown_value("problem", s, {"p-median", "mclp", "lscp", "p-center", "min-max", "min-beyond"});
}

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kOptimal:
      return "optimal";
    case Outcome::kFeasibleGapOpen:
      return "feasible";
    case Outcome::kInfeasible:
      return "infeasible";
    case Outcome::kTimeLimit:
      return "time_limit";
    case Outcome::kError:
      return "error";
  }
  return "?";
}

std::string_view solver_name(SolverKind s) {
  switch (s) {
    case SolverKind::kMip:
      return "mip";
    case SolverKind::kHeuristic:
      return "heuristic";
    case SolverKind::kBruteForce:
      return "brute-force";
  }
  return "?";
}

namespace {

std::string num(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return format_number(std::round(x * 1000.0) / 1000.0);
}

std::string minutes(double s) { return num(s / 60.0) + " min"; }

}  // namespace

std::string LocateProblem::demand_name(std::size_t i) const {
  if (i < demand_names.size()) return "demand point '" + demand_names[i] + "'";
  return "demand point #" + std::to_string(i);
}
std::string LocateProblem::candidate_name(std::size_t j) const {
  if (j < candidate_names.size()) return "candidate '" + candidate_names[j] + "'";
  return "candidate #" + std::to_string(j);
}

std::vector<Problem> validate(const LocateProblem& pb) {
  std::vector<Problem> out;
  auto add = [&](std::string opt, std::string msg) { out.push_back({std::move(opt), std::move(msg)}); };
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  if (m == 0) add("candidates", "no candidate sites");
  if (n == 0) add("demand", "no demand points");
  if (!pb.weight.empty() && pb.weight.size() != n)
    add("demand", "weights given for " + std::to_string(pb.weight.size()) + " demand points, matrix has " +
                      std::to_string(n) + " rows");
  if (!out.empty()) return out;
  for (std::size_t i = 0; i < pb.weight.size(); ++i)
    if (auto msg = range_problem(pb.weight[i], limits::kPopulation)) {
      add("demand", pb.demand_name(i) + ": weight " + *msg);
      break;
    }
  for (std::size_t k = 0; k < n * m; ++k) {
    const float d = pb.cost.data()[k];
    if (std::isinf(d) && d > 0) continue;  // no path
    if (auto msg = range_problem(d, limits::kTimeS)) {
      add("cost", "travel time from " + pb.demand_name(k / m) + " to " + pb.candidate_name(k % m) + ": " +
                      *msg + " (or no path)");
      break;
    }
  }
  const bool card = pb.kind != ProblemKind::kLscp;
  if (card && pb.p > m)
    add("p", "p = " + std::to_string(pb.p) +
                 (pb.fixed.empty() || pb.fixed.size() > pb.p
                      ? std::string()
                      : " (" + std::to_string(pb.fixed.size()) + " existing + " +
                            std::to_string(pb.p - pb.fixed.size()) + " new)") +
                 " exceeds the " + std::to_string(m) + " candidate sites");
  if (card && pb.p == 0 && !pb.budget)
    add("p", "p must be at least 1 for " + std::string(problem_name(pb.kind)) + " (or give a budget)");
  std::vector<char> is_fixed(m, 0);
  for (std::uint32_t j : pb.fixed) {
    if (j >= m) {
      add("fixed",
          "fixed facility " + std::to_string(j) + " is not a candidate (0.." + std::to_string(m - 1) + ")");
      return out;
    }
    if (is_fixed[j]) add("fixed", pb.candidate_name(j) + " is listed twice as fixed");
    is_fixed[j] = 1;
  }
  if (card && pb.p > 0 && pb.fixed.size() > pb.p)
    add("p", "p = " + std::to_string(pb.p) + " is smaller than the " + std::to_string(pb.fixed.size()) +
                 " fixed (existing) facilities it includes");
  if ((pb.kind == ProblemKind::kMclp || pb.kind == ProblemKind::kLscp) && !(pb.standard_s > 0))
    add("standard", "the coverage standard must be > 0 minutes for " + std::string(problem_name(pb.kind)) +
                        " (got " + minutes(pb.standard_s) + ")");
  else if (pb.standard_s != 0 && !in_range(pb.standard_s, limits::kCutoffS))
    add("standard", "the coverage standard: " + *range_problem(pb.standard_s / 60.0, limits::kCutoffMin));
  if (pb.capacitated()) {
    if (pb.kind != ProblemKind::kPMedian)
      add("capacity", "capacities apply to p-median only, not " + std::string(problem_name(pb.kind)));
    if (pb.capacity.size() != m)
      add("capacity", "capacities given for " + std::to_string(pb.capacity.size()) +
                          " candidates, matrix has " + std::to_string(m));
    else
      for (std::size_t j = 0; j < m; ++j)
        if (auto msg = range_problem(pb.capacity[j], limits::kCapacity)) {
          add("capacity", pb.candidate_name(j) + ": " + *msg);
          break;
        }
  }
  if (!pb.opening_cost.empty()) {
    if (pb.opening_cost.size() != m)
      add("cost", "opening costs given for " + std::to_string(pb.opening_cost.size()) +
                      " candidates, matrix has " + std::to_string(m));
    else
      for (std::size_t j = 0; j < m; ++j)
        if (auto msg = range_problem(pb.opening_cost[j], limits::kCost)) {
          add("cost", pb.candidate_name(j) + ": opening cost " + *msg);
          break;
        }
  }
  if (pb.budget)
    if (auto msg = range_problem(*pb.budget, limits::kCost)) add("budget", "budget: " + *msg);
  if (!out.empty()) return out;

  // Budget: the cheapest way to open the required new facilities must fit.
  if (pb.budget && card && pb.p > 0) {
    std::vector<double> c;
    for (std::size_t j = 0; j < m; ++j)
      if (!is_fixed[j]) c.push_back(pb.opening_cost.empty() ? 0.0 : pb.opening_cost[j]);
    const std::size_t need = pb.p - pb.fixed.size();
    std::partial_sort(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(need), c.end());
    const double cheapest = std::accumulate(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(need), 0.0);
    if (cheapest > *pb.budget * (1 + 1e-12))
      add("budget", "infeasible budget: opening the " + std::to_string(need) + " cheapest new sites costs " +
                        num(cheapest) + " > budget " + num(*pb.budget));
  }
  // Reachability / coverage of every demand point with people.
  for (std::size_t i = 0; i < n; ++i) {
    if (pb.w(i) <= 0) continue;
    const auto r = pb.cost.row(i);
    const float best = *std::min_element(r.begin(), r.end());
    if (pb.kind == ProblemKind::kLscp && !(best <= pb.standard_s)) {
      add("standard",
          "infeasible coverage: " + pb.demand_name(i) + " is " +
              (std::isinf(best) ? std::string("unreachable from") : minutes(best) + " from the nearest of") +
              " the candidate sites, beyond the standard " + minutes(pb.standard_s));
      break;
    }
    if ((pb.kind == ProblemKind::kPMedian || pb.kind == ProblemKind::kPCenter) && std::isinf(best)) {
      add("demand", "infeasible: " + pb.demand_name(i) + " cannot reach any candidate site");
      break;
    }
  }
  if (pb.capacitated() && pb.p > 0) {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) total += pb.w(i);
    std::vector<double> c;
    double fixed_cap = 0;
    for (std::size_t j = 0; j < m; ++j)
      (is_fixed[j] ? fixed_cap += pb.capacity[j] : (c.push_back(pb.capacity[j]), 0.0));
    const std::size_t need = pb.p - pb.fixed.size();
    std::partial_sort(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(need), c.end(), std::greater<>());
    const double cap =
        fixed_cap + std::accumulate(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(need), 0.0);
    if (cap < total * (1 - 1e-12))
      add("capacity", "infeasible capacity: the " + std::to_string(pb.p) + " largest capacities sum to " +
                          num(cap) + " < total demand " + num(total));
  }
  return out;
}

void check_problem(const LocateProblem& pb) {
  const auto problems = validate(pb);
  if (problems.empty()) return;
  std::string msg = (pb.label.empty() ? std::string("locate") : "locate[" + pb.label + "]") + ": " +
                    problems.front().option + ": " + problems.front().message;
  if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more)";
  throw InputError(msg);
}

std::vector<std::uint32_t> nearest_assignment(const LocateProblem& pb,
                                              const std::vector<std::uint32_t>& open) {
  std::vector<std::uint32_t> a(pb.demand_count(), kNoFacility);
  for (std::size_t i = 0; i < pb.demand_count(); ++i) {
    if (pb.w(i) <= 0) continue;
    float best = kUnreachable;
    for (std::uint32_t j : open)
      if (pb.cost(i, j) < best) best = pb.cost(i, j), a[i] = j;
  }
  return a;
}

namespace detail {

bool set_feasible(const LocateProblem& pb, const std::vector<std::uint32_t>& open) {
  if (pb.kind != ProblemKind::kLscp && pb.p > 0 && open.size() != pb.p) return false;
  for (std::uint32_t f : pb.fixed)
    if (!std::binary_search(open.begin(), open.end(), f)) return false;
  if (pb.budget && new_cost(pb, open) > *pb.budget * (1 + 1e-12) + 1e-9) return false;
  return true;
}

double new_cost(const LocateProblem& pb, const std::vector<std::uint32_t>& open) {
  if (pb.opening_cost.empty()) return 0;
  double c = 0;
  for (std::uint32_t j : open)
    if (std::find(pb.fixed.begin(), pb.fixed.end(), j) == pb.fixed.end()) c += pb.opening_cost[j];
  return c;
}

}  // namespace detail

double evaluate(const LocateProblem& pb, const std::vector<std::uint32_t>& open_in) {
  std::vector<std::uint32_t> open = open_in;
  std::sort(open.begin(), open.end());
  const double kInf = std::numeric_limits<double>::infinity();
  const std::size_t n = pb.demand_count();
  if (pb.kind == ProblemKind::kPMedian && pb.capacitated()) return detail::capacitated_value(pb, open);
  double sum = 0, mx = 0;
  bool all = true;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = pb.w(i);
    if (w <= 0) continue;
    double best = kInf;
    for (std::uint32_t j : open) best = std::min(best, static_cast<double>(pb.cost(i, j)));
    switch (pb.kind) {
      case ProblemKind::kPMedian:
        sum += w * best;
        break;
      case ProblemKind::kMclp:
        if (best <= pb.standard_s) sum += w;
        break;
      case ProblemKind::kLscp:
        if (!(best <= pb.standard_s)) all = false;
        break;
      case ProblemKind::kPCenter:
        mx = std::max(mx, best);
        break;
    }
  }
  switch (pb.kind) {
    case ProblemKind::kPMedian:
      return sum;
    case ProblemKind::kMclp:
      return sum;
    case ProblemKind::kLscp:
      if (!all) return kInf;
      return pb.opening_cost.empty() ? static_cast<double>(open.size()) : detail::new_cost(pb, open);
    case ProblemKind::kPCenter:
      return mx;
  }
  return kInf;
}

LocateResult solve_brute_force(const LocateProblem& pb) {
  const auto t0 = std::chrono::steady_clock::now();
  check_problem(pb);
  const std::size_t m = pb.candidate_count();
  if (m > 20) throw UsageError("brute force refuses " + std::to_string(m) + " candidates (at most 20)");
  LocateResult r;
  r.solver = SolverKind::kBruteForce;
  const bool maxi = maximises(pb.kind);
  double best = maxi ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  std::vector<std::uint32_t> best_set, set;
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << m); ++mask) {
    set.clear();
    for (std::uint32_t j = 0; j < m; ++j)
      if (mask >> j & 1) set.push_back(j);
    if (!detail::set_feasible(pb, set)) continue;
    const double v = evaluate(pb, set);
    if (!std::isfinite(v)) continue;
    if (maxi ? v > best : v < best) best = v, best_set = set;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (best_set.empty() && !std::isfinite(best)) {
    r.outcome = Outcome::kInfeasible;
    return r;
  }
  r.outcome = Outcome::kOptimal;
  r.objective = r.bound = best;
  r.open = best_set;
  r.assigned = nearest_assignment(pb, r.open);
  return r;
}

}  // namespace cs::locate
