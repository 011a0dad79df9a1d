#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>

#include <countyscope/structure/pattern.hpp>

namespace cs::structure {

std::vector<Problem> validate(const PatternConfig& cfg) {
  std::vector<Problem> p;
  if (cfg.k < 1) p.push_back({"k", "must be >= 1"});
  if (!(cfg.within_s > 0.0) || !std::isfinite(cfg.within_s)) p.push_back({"within_s", "must be > 0"});
  return p;
}

namespace {

using Mask = std::vector<std::uint64_t>;

// Demand points not covered by the existing centres, grouped by the set of candidates that would cover them.
struct Classes {
  std::vector<Mask> sig;
  std::vector<double> pop;
  std::size_t words = 0;
};

bool intersects(const Mask& a, const Mask& b) {
  for (std::size_t w = 0; w < a.size(); ++w)
    if (a[w] & b[w]) return true;
  return false;
}

double coverage(const Classes& c, const Mask& chosen) {
  double s = 0.0;
  for (std::size_t i = 0; i < c.sig.size(); ++i)
    if (intersects(c.sig[i], chosen)) s += c.pop[i];
  return s;
}

std::uint64_t binomial_capped(std::uint64_t n, std::uint64_t k, std::uint64_t cap) {
  if (k > n) return 0;
  k = std::min(k, n - k);
  long double r = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    r = r * static_cast<long double>(n - k + i) / static_cast<long double>(i);
    if (r > static_cast<long double>(cap)) return cap + 1;
  }
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(r)));
}

}  // namespace

PatternResult optimise_pattern(const TimeMatrix& m, std::span<const double> demand_pop,
                               std::span<const std::uint32_t> existing,
                               std::span<const std::uint32_t> candidates, const PatternConfig& cfg) {
  throw_if_problems(validate(cfg), "pattern");
  if (demand_pop.size() != m.rows())
    throw InputError(
        "", "", "demand population",
        "has " + std::to_string(demand_pop.size()) + " entries for " + std::to_string(m.rows()) + " rows");
  std::vector<bool> used(m.cols(), false);
  for (auto list : {existing, candidates})
    for (std::uint32_t j : list) {
      if (j >= m.cols())
        throw InputError("", "", "settlement", "index " + std::to_string(j) + " is outside the matrix");
      if (used[j]) throw InputError("", "", "settlement", "index " + std::to_string(j) + " is listed twice");
      used[j] = true;
    }
  const std::size_t nc = candidates.size();
  PatternResult r;
  Classes cl;
  cl.words = (nc + 63) / 64;
  std::map<Mask, double> groups;
  Mask sig(cl.words);
  for (std::size_t i = 0; i < m.rows(); ++i) {
    const double pop = demand_pop[i];
    r.total += pop;
    const auto row = m.row(i);
    bool base = false;
    for (std::uint32_t j : existing)
      if (row[j] <= cfg.within_s) base = true;
    if (base) {
      r.base_covered += pop;
      continue;
    }
    std::fill(sig.begin(), sig.end(), 0);
    bool any = false;
    for (std::size_t c = 0; c < nc; ++c)
      if (row[candidates[c]] <= cfg.within_s) {
        sig[c / 64] |= std::uint64_t{1} << (c % 64);
        any = true;
      }
    if (any) groups[sig] += pop;
  }
  for (auto& [s, p] : groups) {
    cl.sig.push_back(s);
    cl.pop.push_back(p);
  }
  const double coverable = std::accumulate(cl.pop.begin(), cl.pop.end(), 0.0);
  const std::size_t k = std::min<std::size_t>(cfg.k, nc);
  Mask chosen(cl.words, 0);
  auto set = [&](Mask& mk, std::size_t c) { mk[c / 64] |= std::uint64_t{1} << (c % 64); };

  const std::uint64_t subsets = binomial_capped(nc, k, cfg.exact_limit);
  if (subsets <= cfg.exact_limit) {
    // Exhaustive over all k-subsets in lexicographic order; the first best is kept (deterministic).
    r.method = "exact";
    std::vector<std::size_t> idx(k);
    std::iota(idx.begin(), idx.end(), 0);
    double best = -1.0;
    std::vector<std::size_t> best_idx;
    for (;;) {
      std::fill(chosen.begin(), chosen.end(), 0);
      for (std::size_t c : idx) set(chosen, c);
      const double v = coverage(cl, chosen);
      if (v > best) {
        best = v;
        best_idx = idx;
      }
      // next combination
      std::size_t i = k;
      while (i > 0 && idx[i - 1] == nc - k + (i - 1)) --i;
      if (i == 0) break;
      ++idx[i - 1];
      for (std::size_t j = i; j < k; ++j) idx[j] = idx[j - 1] + 1;
    }
    for (std::size_t c : best_idx) r.chosen.push_back(candidates[c]);
    r.covered = r.base_covered + std::max(best, 0.0);
    r.upper_bound = r.covered;
    // Coverage after each choice, in the listed order (for the report's gain column).
    std::fill(chosen.begin(), chosen.end(), 0);
    for (std::size_t c : best_idx) {
      set(chosen, c);
      r.step_covered.push_back(r.base_covered + coverage(cl, chosen));
    }
    return r;
  }

  r.method = "greedy";
  std::vector<bool> taken(nc, false);
  double cur = 0.0;
  double bound = coverable;
  std::vector<double> gain(nc);
  for (std::size_t step = 0; step < k; ++step) {
    for (std::size_t c = 0; c < nc; ++c) {
      if (taken[c]) {
        gain[c] = 0.0;
        continue;
      }
      Mask with = chosen;
      set(with, c);
      gain[c] = coverage(cl, with) - cur;
    }
    std::vector<double> sorted = gain;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    bound =
        std::min(bound, cur + std::accumulate(sorted.begin(), sorted.begin() + static_cast<long>(k), 0.0));
    std::size_t best = nc;
    for (std::size_t c = 0; c < nc; ++c)
      if (!taken[c] && (best == nc || gain[c] > gain[best])) best = c;
    taken[best] = true;
    set(chosen, best);
    cur = coverage(cl, chosen);
    r.chosen.push_back(candidates[best]);
    r.step_covered.push_back(r.base_covered + cur);
  }
  const double ratio = 1.0 - std::pow(1.0 - 1.0 / static_cast<double>(k), static_cast<double>(k));
  bound = std::min(bound, cur / ratio);
  r.covered = r.base_covered + cur;
  r.upper_bound = r.base_covered + std::max(bound, cur);
  return r;
}

}  // namespace cs::structure
