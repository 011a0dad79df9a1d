// Heuristics with bounds. p-median: greedy construction, then best-improvement vertex substitution with the
// Resende-Werneck (2003) bookkeeping - per demand point its nearest and second-nearest open facility, and
// three accumulators gain[f], loss[g], extra[f][g] so that the profit of every swap (f in, g out) is gain[f]
// - loss[g] + extra[f][g]; after a swap only the affected demand points are re-accounted. The bound is the
// Lagrangian relaxation of the assignment rows, maximised by subgradient steps. MCLP: greedy + swaps with the
// same gain/loss/extra structure on coverage counts; LP relaxation bound. LSCP: greedy cover + redundancy
// removal; LP bound. p-center: bisection on the radius with a greedy cover test, then swaps on the worst
// point; bound from LP relaxations of the cover problem at trial radii. Everything runs in a fixed order:
// deterministic, independent of the thread count (threads only sort candidate lists, one list per task).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include <countyscope/core/parallel.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/locate/problem.hpp>

#include "detail.hpp"
#include "heuristic_parts.hpp"

namespace cs::locate {
namespace detail {

SortedLists sort_candidates(const LocateProblem& pb, Context& ctx) {
  SortedLists L;
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  for (std::size_t i = 0; i < n; ++i)
    if (pb.w(i) > 0) L.users.push_back(static_cast<std::uint32_t>(i));
  const std::size_t nu = L.users.size();
  std::vector<std::size_t> count(nu);
  parallel_for(
      nu, ctx.thread_count(),
      [&](std::size_t u, int) {
        const auto r = pb.cost.row(L.users[u]);
        count[u] = static_cast<std::size_t>(
            std::count_if(r.begin(), r.end(), [](float d) { return std::isfinite(d); }));
      },
      64);
  L.start.assign(nu + 1, 0);
  for (std::size_t u = 0; u < nu; ++u) L.start[u + 1] = L.start[u] + count[u];
  L.cand.resize(L.start[nu]);
  L.time.resize(L.start[nu]);
  parallel_for(
      nu, ctx.thread_count(),
      [&](std::size_t u, int) {
        const auto r = pb.cost.row(L.users[u]);
        std::uint32_t* c = L.cand.data() + L.start[u];
        std::size_t k = 0;
        for (std::uint32_t j = 0; j < m; ++j)
          if (std::isfinite(r[j])) c[k++] = j;
        std::sort(c, c + k,
                  [&](std::uint32_t a, std::uint32_t b) { return r[a] < r[b] || (r[a] == r[b] && a < b); });
        for (std::size_t q = 0; q < k; ++q) L.time[L.start[u] + q] = r[c[q]];
      },
      16);
  return L;
}

double lagrangian_value(const LocateProblem& pb, const Lagrangian& lg, double sum_lambda,
                        std::vector<char>* chosen) {
  const std::size_t m = pb.candidate_count();
  std::vector<char> is_fixed(m, 0);
  double L = sum_lambda;
  for (auto f : pb.fixed) is_fixed[f] = 1, L += lg.rho[f];
  std::vector<std::uint32_t> others;
  for (std::uint32_t j = 0; j < m; ++j)
    if (!is_fixed[j]) others.push_back(j);
  const std::size_t k = std::min<std::size_t>(pb.p - pb.fixed.size(), others.size());
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    return lg.rho[a] < lg.rho[b] || (lg.rho[a] == lg.rho[b] && a < b);
  };
  std::partial_sort(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(k), others.end(), less);
  if (chosen) {
    chosen->assign(m, 0);
    for (auto f : pb.fixed) (*chosen)[f] = 1;
  }
  for (std::size_t q = 0; q < k; ++q) {
    L += lg.rho[others[q]];
    if (chosen) (*chosen)[others[q]] = 1;
  }
  return L;
}

constexpr std::size_t kLagrangianSets = 8;

Lagrangian lagrangian_pmedian(const LocateProblem& pb, const SortedLists& L, double upper_bound,
                              const std::vector<std::uint32_t>& incumbent, int iterations) {
  const std::size_t nu = L.users.size(), m = pb.candidate_count();
  Lagrangian best;
  std::vector<double> lambda(nu), rho(m);
  // Start from the incumbent's assignment costs (a good dual guess for the assignment rows).
  for (std::size_t u = 0; u < nu; ++u) {
    const auto i = L.users[u];
    float d = kUnreachable;
    for (auto j : incumbent) d = std::min(d, pb.cost(i, j));
    if (!std::isfinite(d)) d = L.time[L.start[u]];
    lambda[u] = pb.w(i) * d;
  }
  best.bound = -std::numeric_limits<double>::infinity();
  double theta = 2.0;
  int since = 0;
  std::vector<char> chosen;
  Lagrangian cur;
  for (int it = 0; it < iterations; ++it) {
    std::fill(rho.begin(), rho.end(), 0.0);
    double sum_lambda = 0;
    for (std::size_t u = 0; u < nu; ++u) {
      const double w = pb.w(L.users[u]), lam = lambda[u];
      sum_lambda += lam;
      for (std::size_t k = L.start[u]; k < L.start[u + 1]; ++k) {
        const double c = w * L.time[k] - lam;
        if (c >= 0) break;
        rho[L.cand[k]] += c;
      }
    }
    cur.rho = rho;
    const double val = lagrangian_value(pb, cur, sum_lambda, &chosen);
    best.iterations = it + 1;
    if (val > best.bound + 1e-12 * std::abs(val)) {
      best.bound = val;
      best.lambda = lambda;
      best.rho = rho;
      since = 0;
      std::vector<std::uint32_t> set;
      for (std::uint32_t j = 0; j < m; ++j)
        if (chosen[j]) set.push_back(j);
      if (std::find(best.sets.begin(), best.sets.end(), set) == best.sets.end()) {
        if (best.sets.size() == kLagrangianSets) best.sets.erase(best.sets.begin());
        best.sets.push_back(std::move(set));
      }
    } else if (++since >= 20) {
      theta /= 2;
      since = 0;
    }
    if (upper_bound - best.bound <= 1e-9 * std::max(1.0, std::abs(upper_bound)) || theta < 1e-5) break;
    // Subgradient of the relaxed rows sum_j x_ij = 1.
    double norm = 0;
    std::vector<double> g(nu);
    for (std::size_t u = 0; u < nu; ++u) {
      const double w = pb.w(L.users[u]), lam = lambda[u];
      int cnt = 0;
      for (std::size_t k = L.start[u]; k < L.start[u + 1]; ++k) {
        if (w * L.time[k] - lam >= 0) break;
        cnt += chosen[L.cand[k]];
      }
      g[u] = 1.0 - cnt;
      norm += g[u] * g[u];
    }
    if (norm == 0) break;  // the relaxed solution is feasible: L is optimal
    const double step = theta * (upper_bound - val) / norm;
    for (std::size_t u = 0; u < nu; ++u) lambda[u] = std::max(0.0, lambda[u] + step * g[u]);
  }
  return best;
}

namespace {

// ----------------------------------------------------------------------------------------------------
// p-median
class PMedianSearch {
 public:
  PMedianSearch(const LocateProblem& pb, const SortedLists& L) : pb_(pb), L_(L), m_(pb.candidate_count()) {
    double maxd = 0, tw = 0;
    for (float t : L.time) maxd = std::max(maxd, static_cast<double>(t));
    for (auto i : L.users) tw += pb.w(i);
    double minw = std::numeric_limits<double>::infinity();
    for (auto i : L.users) minw = std::min(minw, pb.w(i));
    // A demand point left without any reachable open site costs more than serving everybody at the longest
    // time.
    pen_ = (maxd + 1.0) * (1.0 + tw / std::max(minw, 1e-12));
    w_.resize(L.users.size());
    for (std::size_t u = 0; u < w_.size(); ++u) w_[u] = pb.w(L.users[u]);
  }

  [[nodiscard]] double d(std::size_t u, std::uint32_t j) const {
    const float t = pb_.cost(L_.users[u], j);
    return std::isfinite(t) ? static_cast<double>(t) : pen_;
  }

  std::vector<std::uint32_t> greedy(const Budget& bud0) {
    Budget bud = bud0;
    const std::size_t nu = w_.size();
    std::vector<char> is_open(m_, 0);
    std::vector<std::uint32_t> open(pb_.fixed.begin(), pb_.fixed.end());
    for (auto f : open) is_open[f] = 1;
    std::vector<double> cur(nu, pen_);
    for (std::size_t u = 0; u < nu; ++u)
      for (auto f : open) cur[u] = std::min(cur[u], d(u, f));
    std::vector<double> gain(m_);
    const std::size_t target = pb_.p > 0 ? pb_.p : m_;
    while (open.size() < target) {
      std::fill(gain.begin(), gain.end(), 0.0);
      for (std::size_t u = 0; u < nu; ++u)
        for (std::size_t k = L_.start[u]; k < L_.start[u + 1] && L_.time[k] < cur[u]; ++k)
          gain[L_.cand[k]] += w_[u] * (cur[u] - L_.time[k]);
      const auto cc = closed_costs(pb_, is_open);
      const std::size_t after = pb_.p > 0 ? target - open.size() - 1 : 0;
      std::uint32_t best = kNone;
      for (std::uint32_t j = 0; j < m_; ++j) {
        if (is_open[j] || !bud.affordable(j, after, cc)) continue;
        if (best == kNone || gain[j] > gain[best]) best = j;
      }
      if (best == kNone || (pb_.p == 0 && !(gain[best] > 0))) break;
      is_open[best] = 1;
      open.push_back(best);
      bud.left -= bud.cost(best);
      for (std::size_t u = 0; u < nu; ++u) cur[u] = std::min(cur[u], d(u, best));
    }
    return open;
  }

  // Best-improvement swaps with gain/loss/extra bookkeeping. Returns the number of swaps made.
  int local_search(std::vector<std::uint32_t>& open, int max_swaps) {
    const std::size_t nu = w_.size();
    P_ = open.size();
    if (P_ == 0) return 0;
    fac_ = open;
    slot_.assign(m_, -1);
    for (std::size_t s = 0; s < P_; ++s) slot_[fac_[s]] = static_cast<int>(s);
    swappable_.assign(P_, 1);
    for (auto f : pb_.fixed) swappable_[static_cast<std::size_t>(slot_[f])] = 0;
    s1_.assign(nu, 0), d1_.assign(nu, 0), d2_.assign(nu, 0);
    Budget bud(pb_);
    bud.left -= new_cost(pb_, open);
    int swaps = 0;
    reset_all();
    const double tol_rel = 1e-10;
    for (; swaps < max_swaps; ++swaps) {
      if (swaps % 64 == 63) reset_all();  // bound floating-point drift of the accumulators
      double best = 0;
      std::uint32_t bf = kNone;
      std::size_t bs = 0;
      for (std::uint32_t f = 0; f < m_; ++f) {
        if (slot_[f] >= 0) continue;
        const double* ex = extra_.data() + static_cast<std::size_t>(f) * P_;
        for (std::size_t s = 0; s < P_; ++s) {
          if (!swappable_[s]) continue;
          const double profit = gain_[f] - loss_[s] + ex[s];
          if (profit > best) {
            if (pb_.budget && bud.cost(f) - bud.cost(fac_[s]) > bud.left * (1 + 1e-12) + 1e-9) continue;
            best = profit, bf = f, bs = s;
          }
        }
      }
      if (bf == kNone || best <= tol_rel * std::max(1.0, obj_)) break;
      const std::uint32_t g = fac_[bs];
      // Demand points whose nearest or second-nearest changes: those served by g (first or second) and those
      // for which f comes closer than their second-nearest.
      affected_.clear();
      for (std::size_t u = 0; u < nu; ++u)
        if (s1_[u] == bs || s2_[u] == static_cast<int>(bs) || d(u, bf) < d2_[u]) affected_.push_back(u);
      for (auto u : affected_) contribute(u, -1.0);
      bud.left += bud.cost(g) - bud.cost(bf);
      fac_[bs] = bf;
      slot_[g] = -1;
      slot_[bf] = static_cast<int>(bs);
      for (auto u : affected_) {
        obj_ -= w_[u] * d1_[u];
        update(u);
        obj_ += w_[u] * d1_[u];
        contribute(u, +1.0);
      }
    }
    open = fac_;
    return swaps;
  }

 private:
  void update(std::size_t u) {
    double a = std::numeric_limits<double>::infinity(), b = a;
    int sa = -1, sb = -1;
    for (std::size_t s = 0; s < P_; ++s) {
      const double t = d(u, fac_[s]);
      if (t < a) {
        b = a, sb = sa, a = t, sa = static_cast<int>(s);
      } else if (t < b) {
        b = t, sb = static_cast<int>(s);
      }
    }
    s1_[u] = static_cast<std::size_t>(sa), d1_[u] = a;
    s2_[u] = sb;
    d2_[u] = sb < 0 ? pen_ : b;
  }
  void contribute(std::size_t u, double sign) {
    const double w = w_[u] * sign, a = d1_[u], b = d2_[u];
    loss_[s1_[u]] += w * (b - a);
    double* ex = extra_.data() + s1_[u];
    for (std::size_t k = L_.start[u]; k < L_.start[u + 1]; ++k) {
      const double t = L_.time[k];
      if (t >= b) break;
      const std::uint32_t j = L_.cand[k];
      if (t < a) gain_[j] += w * (a - t);
      ex[static_cast<std::size_t>(j) * P_] += w * (b - std::max(t, a));
    }
  }
  void reset_all() {
    const std::size_t nu = w_.size();
    gain_.assign(m_, 0.0);
    loss_.assign(P_, 0.0);
    extra_.assign(m_ * P_, 0.0);
    s2_.assign(nu, -1);
    obj_ = 0;
    for (std::size_t u = 0; u < nu; ++u) {
      update(u);
      obj_ += w_[u] * d1_[u];
      contribute(u, +1.0);
    }
  }

  const LocateProblem& pb_;
  const SortedLists& L_;
  std::size_t m_, P_ = 0;
  double pen_ = 0, obj_ = 0;
  std::vector<double> w_, gain_, loss_, extra_, d1_, d2_;
  std::vector<std::uint32_t> fac_;
  std::vector<int> slot_, s2_;
  std::vector<char> swappable_;
  std::vector<std::size_t> s1_, affected_;
};

}  // namespace

PMedianRun pmedian_heuristic(const LocateProblem& pb, const HeuristicOptions& opt, Context& ctx) {
  PMedianRun run;
  run.lists = sort_candidates(pb, ctx);
  PMedianSearch search(pb, run.lists);
  Budget bud(pb);
  auto open = search.greedy(bud);
  LocateResult& r = run.result;
  r.solver = SolverKind::kHeuristic;
  if (pb.p > 0 && open.size() != pb.p) {
    r.outcome = Outcome::kError;
    r.message = "heuristic found no set of p sites within the budget";
    return run;
  }
  const int max_swaps =
      opt.max_swaps > 0 ? opt.max_swaps : static_cast<int>(50 * pb.candidate_count() + 1000);
  r.iterations = search.local_search(open, max_swaps);
  finish(pb, r, open);
  r.bound = -std::numeric_limits<double>::infinity();
  if (opt.compute_bound) {
    if (pb.p > 0) {
      run.lagrangian = lagrangian_pmedian(pb, run.lists, r.objective, r.open, opt.bound_iterations);
      r.bound = run.lagrangian.bound;
      r.message =
          "lagrangian bound after " + std::to_string(run.lagrangian.iterations) + " subgradient steps";
      // Lagrangian heuristic: the relaxed solutions near the best multipliers are good starting points for
      // the swaps (greedy alone often ends in a local optimum a few tenths of a percent above the optimum).
      int better = 0;
      for (auto start : run.lagrangian.sets) {
        if (start == r.open || !set_feasible(pb, start)) continue;
        r.iterations += search.local_search(start, max_swaps);
        std::sort(start.begin(), start.end());
        const double v = evaluate(pb, start);
        if (v < r.objective - 1e-9 * std::max(1.0, std::abs(r.objective)) ||
            (v == r.objective && start < r.open)) {
          finish(pb, r, start);
          ++better;
        }
      }
      if (better > 0) r.message += "; improved from a lagrangian start";
    } else if (pb.demand_count() * pb.candidate_count() <= 2'000'000) {
      r.bound = lp_relaxation_bound(pb);
      r.message = "LP relaxation bound";
    }
  }
  if (!std::isfinite(r.objective)) {
    r.outcome = Outcome::kError;
    r.message = "heuristic left demand without a reachable site";
    return run;
  }
  set_gap(pb, r);
  if (!std::isfinite(r.bound)) r.outcome = Outcome::kFeasibleGapOpen;
  return run;
}

}  // namespace detail

LocateResult solve_heuristic(const LocateProblem& pb, const HeuristicOptions& opt, Context& ctx) {
  const auto t0 = std::chrono::steady_clock::now();
  check_problem(pb);
  if (pb.capacitated()) throw UsageError("capacitated p-median has no heuristic solver; use --solver mip");
  LocateResult r;
  switch (pb.kind) {
    case ProblemKind::kPMedian:
      r = detail::pmedian_heuristic(pb, opt, ctx).result;
      break;
    case ProblemKind::kMclp:
      r = detail::mclp_heuristic(pb, opt, ctx);
      break;
    case ProblemKind::kLscp:
      r = detail::lscp_heuristic(pb, opt);
      break;
    case ProblemKind::kPCenter: {
      auto L = detail::sort_candidates(pb, ctx);
      r = detail::pcenter_heuristic(pb, opt, L);
      break;
    }
  }
  r.solver = SolverKind::kHeuristic;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace cs::locate
