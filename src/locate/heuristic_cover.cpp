// Covering heuristics with bounds (MCLP, LSCP, p-center); the methods are described at the head of
// heuristic.cpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <countyscope/core/parallel.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/locate/problem.hpp>

#include "detail.hpp"
#include "heuristic_parts.hpp"

namespace cs::locate::detail {

// ---------------------------------------------------------------------------------------------------- MCLP
LocateResult mclp_heuristic(const LocateProblem& pb, const HeuristicOptions& opt, Context& ctx) {
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  // Coverers of each demand point (d <= S), and covered points of each candidate.
  std::vector<std::vector<std::uint32_t>> cov(n), covered_by(m);
  for (std::size_t i = 0; i < n; ++i) {
    if (pb.w(i) <= 0) continue;
    for (std::uint32_t j = 0; j < m; ++j)
      if (pb.cost(i, j) <= pb.standard_s)
        cov[i].push_back(j), covered_by[j].push_back(static_cast<std::uint32_t>(i));
  }
  Budget bud(pb);
  std::vector<char> is_open(m, 0);
  std::vector<std::uint32_t> open(pb.fixed.begin(), pb.fixed.end());
  std::vector<int> count(n, 0);
  for (auto f : open) {
    is_open[f] = 1;
    for (auto i : covered_by[f]) ++count[i];
  }
  const std::size_t target = pb.p > 0 ? pb.p : m;
  while (open.size() < target) {
    const auto cc = closed_costs(pb, is_open);
    const std::size_t after = pb.p > 0 ? target - open.size() - 1 : 0;
    std::uint32_t best = kNone;
    double bg = -1;
    for (std::uint32_t j = 0; j < m; ++j) {
      if (is_open[j] || !bud.affordable(j, after, cc)) continue;
      double g = 0;
      for (auto i : covered_by[j]) g += count[i] == 0 ? pb.w(i) : 0.0;
      if (g > bg) bg = g, best = j;
    }
    if (best == kNone || (pb.p == 0 && !(bg > 0))) break;
    is_open[best] = 1;
    open.push_back(best);
    bud.left -= bud.cost(best);
    for (auto i : covered_by[best]) ++count[i];
  }
  // Swaps: gain[f] (newly covered), loss[g] (covered only by g), extra[f][g] (covered only by g and by f).
  const std::size_t P = open.size();
  std::vector<char> swappable(P, 1);
  for (std::size_t s = 0; s < P; ++s)
    if (std::find(pb.fixed.begin(), pb.fixed.end(), open[s]) != pb.fixed.end()) swappable[s] = 0;
  std::vector<int> slot(m, -1);
  for (std::size_t s = 0; s < P; ++s) slot[open[s]] = static_cast<int>(s);
  const int max_swaps = opt.max_swaps > 0 ? opt.max_swaps : static_cast<int>(50 * m + 1000);
  int swaps = 0;
  std::vector<double> gain(m), loss(P), extra(m * P);
  for (; swaps < max_swaps && P > 0; ++swaps) {
    std::fill(gain.begin(), gain.end(), 0.0);
    std::fill(loss.begin(), loss.end(), 0.0);
    std::fill(extra.begin(), extra.end(), 0.0);
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (cov[i].empty()) continue;
      int c = 0, sole = -1;
      for (auto j : cov[i])
        if (slot[j] >= 0) ++c, sole = slot[j];
      const double w = pb.w(i);
      if (c > 0) total += w;
      if (c == 0) {
        for (auto j : cov[i]) gain[j] += w;
      } else if (c == 1) {
        loss[static_cast<std::size_t>(sole)] += w;
        for (auto j : cov[i])
          if (slot[j] < 0) extra[j * P + static_cast<std::size_t>(sole)] += w;
      }
    }
    double best = 0;
    std::uint32_t bf = kNone;
    std::size_t bs = 0;
    for (std::uint32_t f = 0; f < m; ++f) {
      if (slot[f] >= 0) continue;
      for (std::size_t s = 0; s < P; ++s) {
        if (!swappable[s]) continue;
        const double profit = gain[f] - loss[s] + extra[f * P + s];
        if (profit > best) {
          if (pb.budget && bud.cost(f) - bud.cost(open[s]) > bud.left * (1 + 1e-12) + 1e-9) continue;
          best = profit, bf = f, bs = s;
        }
      }
    }
    if (bf == kNone || best <= 1e-10 * std::max(1.0, total)) break;
    bud.left += bud.cost(open[bs]) - bud.cost(bf);
    slot[open[bs]] = -1;
    open[bs] = bf;
    slot[bf] = static_cast<int>(bs);
  }
  LocateResult r;
  r.iterations = swaps;
  finish(pb, r, open);
  if (pb.p > 0 && r.open.size() != pb.p) {
    r.outcome = Outcome::kError;
    r.message = "heuristic found no set of p sites within the budget";
    return r;
  }
  // Upper bounds: the LP relaxation, and the p best single-site coverages (coverage is submodular).
  double ub = 0;
  {
    std::vector<double> single(m, 0.0);
    std::vector<char> fixed(m, 0);
    for (auto f : pb.fixed) fixed[f] = 1;
    for (std::uint32_t j = 0; j < m; ++j)
      for (auto i : covered_by[j]) single[j] += pb.w(i);
    double total = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!cov[i].empty()) total += pb.w(i);
    ub = total;
    if (pb.p > 0) {
      std::sort(single.begin(), single.end(), std::greater<>());
      ub = std::min(ub, std::accumulate(single.begin(), single.begin() + pb.p, 0.0));
    }
  }
  if (opt.compute_bound) {
    std::size_t nnz = 0;
    for (auto& c : cov) nnz += c.size();
    if (nnz < 5'000'000) {
      const double lp = lp_relaxation_bound(pb);
      if (std::isfinite(lp)) ub = std::min(ub, lp * (1 + 1e-9) + 1e-9);
    }
  }
  r.bound = ub;
  set_gap(pb, r);
  (void)ctx;
  return r;
}

// ---------------------------------------------------------------------------------------------------- LSCP
LocateResult lscp_heuristic(const LocateProblem& pb, const HeuristicOptions& opt) {
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  std::vector<std::vector<std::uint32_t>> covered_by(m);
  std::vector<int> count(n, 0);
  std::size_t uncovered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (pb.w(i) <= 0) continue;
    ++uncovered;
    for (std::uint32_t j = 0; j < m; ++j)
      if (pb.cost(i, j) <= pb.standard_s) covered_by[j].push_back(static_cast<std::uint32_t>(i));
  }
  std::vector<char> is_open(m, 0);
  std::vector<std::uint32_t> open;
  auto add = [&](std::uint32_t j) {
    is_open[j] = 1;
    open.push_back(j);
    for (auto i : covered_by[j])
      if (count[i]++ == 0) --uncovered;
  };
  for (auto f : pb.fixed) add(f);
  const bool costs = !pb.opening_cost.empty();
  while (uncovered > 0) {
    std::uint32_t best = kNone;
    double bscore = 0;
    for (std::uint32_t j = 0; j < m; ++j) {
      if (is_open[j]) continue;
      std::size_t g = 0;
      for (auto i : covered_by[j]) g += count[i] == 0;
      if (g == 0) continue;
      const double score =
          costs ? static_cast<double>(g) / std::max(pb.opening_cost[j], 1e-12) : static_cast<double>(g);
      if (best == kNone || score > bscore) bscore = score, best = j;
    }
    if (best == kNone) break;
    add(best);
  }
  // Remove redundant sites, latest (least useful) first.
  for (std::size_t q = open.size(); q-- > pb.fixed.size();) {
    const auto j = open[q];
    bool needed = false;
    for (auto i : covered_by[j])
      if (count[i] == 1) {
        needed = true;
        break;
      }
    if (!needed) {
      for (auto i : covered_by[j]) --count[i];
      is_open[j] = 0;
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(q));
    }
  }
  LocateResult r;
  finish(pb, r, open);
  if (!std::isfinite(r.objective) || (pb.budget && new_cost(pb, r.open) > *pb.budget + 1e-9)) {
    r.outcome = Outcome::kError;
    r.message = "heuristic found no cover within the budget";
    return r;
  }
  r.bound = costs ? 0.0 : static_cast<double>(pb.fixed.size());
  if (opt.compute_bound) {
    const double lp = lp_relaxation_bound(pb);
    if (std::isfinite(lp))
      r.bound = std::max(r.bound, costs ? lp - 1e-9 * std::max(1.0, lp) : std::ceil(lp - 1e-6));
  }
  set_gap(pb, r);
  return r;
}

// ----------------------------------------------------------------------------------------------------
// p-center
static double max_nearest(const LocateProblem& pb, const std::vector<std::uint32_t>& open) {
  return evaluate(pb, open);
}

LocateResult pcenter_heuristic(const LocateProblem& pb, const HeuristicOptions& opt, const SortedLists& L) {
  const std::size_t m = pb.candidate_count(), nu = L.users.size();
  // Candidate radii: every distinct finite time between the lower bound and the largest.
  double lb0 = 0;
  for (std::size_t u = 0; u < nu; ++u) lb0 = std::max(lb0, static_cast<double>(L.time[L.start[u]]));
  std::vector<float> radii;
  for (float t : L.time)
    if (t >= lb0) radii.push_back(t);
  std::sort(radii.begin(), radii.end());
  radii.erase(std::unique(radii.begin(), radii.end()), radii.end());
  const std::size_t P = pb.p;
  // The user farthest from its nearest open site (the first of equals), and that time.
  auto worst_served = [&](const std::vector<std::uint32_t>& open) {
    std::size_t worst = 0;
    double wd = -1;
    for (std::size_t u = 0; u < nu; ++u) {
      double dd = std::numeric_limits<double>::infinity();
      for (auto f : open) dd = std::min(dd, static_cast<double>(pb.cost(L.users[u], f)));
      if (dd > wd) wd = dd, worst = u;
    }
    return std::pair{worst, wd};
  };
  // Greedy cover at radius r with at most P sites; then fill up to P by serving the worst point.
  auto cover = [&](double r, std::vector<std::uint32_t>& open) {
    open.assign(pb.fixed.begin(), pb.fixed.end());
    std::vector<char> is_open(m, 0), done(nu, 0);
    for (auto f : open) is_open[f] = 1;
    std::size_t left = nu;
    for (std::size_t u = 0; u < nu; ++u)
      for (auto f : open)
        if (pb.cost(L.users[u], f) <= r) {
          done[u] = 1, --left;
          break;
        }
    std::vector<std::size_t> cnt(m);
    Budget bud(pb);
    bud.left -= new_cost(pb, open);
    auto usable = [&](std::uint32_t j) {
      return bud.affordable(j, P - open.size() - 1, closed_costs(pb, is_open));
    };
    while (left > 0 && open.size() < P) {
      std::fill(cnt.begin(), cnt.end(), 0);
      for (std::size_t u = 0; u < nu; ++u) {
        if (done[u]) continue;
        for (std::size_t k = L.start[u]; k < L.start[u + 1] && L.time[k] <= r; ++k) ++cnt[L.cand[k]];
      }
      std::uint32_t best = kNone;
      for (std::uint32_t j = 0; j < m; ++j)
        if (!is_open[j] && cnt[j] > 0 && (best == kNone || cnt[j] > cnt[best]) && usable(j)) best = j;
      if (best == kNone) break;
      bud.left -= bud.cost(best);
      is_open[best] = 1;
      open.push_back(best);
      for (std::size_t u = 0; u < nu; ++u)
        if (!done[u] && pb.cost(L.users[u], best) <= r) done[u] = 1, --left;
    }
    if (left > 0) return false;
    while (open.size() < P) {  // spare sites: serve the worst-off point better
      const std::size_t worst = worst_served(open).first;
      std::uint32_t add = kNone;
      for (std::size_t k = L.start[worst]; k < L.start[worst + 1]; ++k)
        if (!is_open[L.cand[k]] && usable(L.cand[k])) {
          add = L.cand[k];
          break;
        }
      if (add == kNone)
        for (std::uint32_t j = 0; j < m && add == kNone; ++j)
          if (!is_open[j] && usable(j)) add = j;
      if (add == kNone) break;
      bud.left -= bud.cost(add);
      is_open[add] = 1;
      open.push_back(add);
    }
    return open.size() == P;
  };
  std::vector<std::uint32_t> best_open, trial;
  std::size_t lo = 0, hi = radii.size();
  while (lo < hi) {  // smallest radius index where the greedy cover succeeds
    const std::size_t mid = (lo + hi) / 2;
    if (cover(radii[mid], trial))
      best_open = trial, hi = mid;
    else
      lo = mid + 1;
  }
  LocateResult r;
  if (best_open.empty()) {
    r.outcome = Outcome::kError;
    r.message = "heuristic found no p-center solution";
    return r;
  }
  // Swaps that lower the maximum (ties broken by the sum).
  std::vector<char> fixed(m, 0);
  for (auto f : pb.fixed) fixed[f] = 1;
  double cur = max_nearest(pb, best_open);
  const int max_swaps = opt.max_swaps > 0 ? opt.max_swaps : 200;
  for (int it = 0; it < max_swaps; ++it) {
    // Worst point and its closer candidates.
    const auto [worst, wd] = worst_served(best_open);
    bool improved = false;
    int tried = 0;
    for (std::size_t k = L.start[worst]; k < L.start[worst + 1] && L.time[k] < wd && tried < 20 && !improved;
         ++k) {
      const auto f = L.cand[k];
      if (std::find(best_open.begin(), best_open.end(), f) != best_open.end()) continue;
      ++tried;
      for (std::size_t s = 0; s < best_open.size() && !improved; ++s) {
        if (fixed[best_open[s]]) continue;
        auto cand = best_open;
        cand[s] = f;
        if (pb.budget && new_cost(pb, cand) > *pb.budget * (1 + 1e-12) + 1e-9) continue;
        const double v = max_nearest(pb, cand);
        if (v < cur) best_open = cand, cur = v, improved = true;
      }
    }
    if (!improved) break;
    r.iterations = it + 1;
  }
  finish(pb, r, best_open);
  // Bound: the farthest nearest candidate, raised by bisection on LP relaxations of the cover problem: if
  // covering everyone within r needs more than p sites even fractionally, the optimum exceeds r.
  r.bound = lb0;
  if (opt.compute_bound && pb.demand_count() * m <= 2'000'000) {
    std::size_t a = 0, b = static_cast<std::size_t>(
                           std::lower_bound(radii.begin(), radii.end(), static_cast<float>(r.objective)) -
                           radii.begin());
    // invariant: radii[b] is achievable (>= optimum) ; find the first radius whose LP allows <= p sites
    int lps = 0;
    while (a < b && lps < 30) {
      const std::size_t mid = (a + b) / 2;
      LocateProblem c;
      c.kind = ProblemKind::kLscp;
      c.cost = pb.cost;
      c.weight = pb.weight;
      c.standard_s = radii[mid];
      c.fixed = pb.fixed;
      ++lps;
      double lp = std::numeric_limits<double>::infinity();
      if (validate(c).empty()) lp = lp_relaxation_bound(c);
      if (std::isnan(lp)) break;
      if (lp > static_cast<double>(P) + 1e-7)
        a = mid + 1;  // radius infeasible even fractionally
      else
        b = mid;
    }
    if (a < radii.size()) r.bound = std::max(r.bound, static_cast<double>(radii[a]));
  }
  set_gap(pb, r);
  return r;
}

}  // namespace cs::locate::detail
