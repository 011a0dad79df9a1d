// Global autocorrelation statistics besides Moran's I (Geary's C, Getis-Ord G, join counts) and local
// Getis-Ord G / G*, with analytic and seeded permutation inference (include/countyscope/assess/spatial.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>

namespace cs::assess {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::uint64_t mix(std::uint64_t seed, std::uint64_t item) {
  std::uint64_t z = seed ^ (item * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double folded_p(std::size_t larger, int perms) {
  const auto p = static_cast<std::size_t>(perms);
  if (p - larger < larger) larger = p - larger;
  return (static_cast<double>(larger) + 1.0) / (static_cast<double>(p) + 1.0);
}

// Permutation k shuffles y with its own generator (seed, k): the values do not depend on the thread count.
template <class F>
std::vector<double> simulate(const std::vector<double>& y, int perms, std::uint64_t seed, int threads,
                             F stat) {
  std::vector<double> sims(static_cast<std::size_t>(std::max(0, perms)));
  parallel_for(
      sims.size(), threads,
      [&](std::size_t k, int) {
        Rng rng(mix(seed, k));
        std::vector<double> yp = y;
        for (std::size_t i = yp.size() - 1; i > 0; --i) std::swap(yp[i], yp[rng.below(i + 1)]);
        sims[k] = stat(yp);
      },
      4);
  return sims;
}

GlobalInference normal_row(std::string name, double value, double expected, double variance) {
  GlobalInference g{std::move(name), expected, variance, kNaN, kNaN, kNaN};
  if (variance > 0) {
    g.z = (value - expected) / std::sqrt(variance);
    g.p_one_sided = 1 - normal_cdf(std::fabs(g.z));
    g.p_two_sided = 2 * g.p_one_sided;
  }
  return g;
}

GlobalInference permutation_row(double value, const std::vector<double>& sims, int perms) {
  GlobalInference g{"permutation", kNaN, kNaN, kNaN, kNaN, kNaN};
  if (sims.empty()) return g;
  std::size_t larger = 0;
  double sum = 0;
  for (double s : sims) {
    larger += s >= value ? 1 : 0;
    sum += s;
  }
  g.expected = sum / static_cast<double>(sims.size());
  double ss = 0;
  for (double s : sims) ss += (s - g.expected) * (s - g.expected);
  g.variance = sims.size() > 1 ? ss / static_cast<double>(sims.size() - 1) : 0;
  g.z = g.variance > 0 ? (value - g.expected) / std::sqrt(g.variance) : kNaN;
  g.p_one_sided = folded_p(larger, perms);
  g.p_two_sided = std::min(1.0, 2 * g.p_one_sided);
  return g;
}

struct S012 {
  double s0 = 0, s1 = 0, s2 = 0;
};
S012 sums(const Weights& w) {
  S012 s;
  std::vector<double> rs(w.n, 0), cs(w.n, 0);
  std::vector<std::pair<std::uint64_t, double>> sym;
  sym.reserve(w.nbr.size());
  for (std::size_t i = 0; i < w.n; ++i)
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
      const std::uint64_t j = w.nbr[a];
      s.s0 += w.w[a];
      rs[i] += w.w[a];
      cs[j] += w.w[a];
      sym.emplace_back(std::min<std::uint64_t>(i, j) << 32 | std::max<std::uint64_t>(i, j), w.w[a]);
    }
  std::sort(sym.begin(), sym.end());
  for (std::size_t a = 0; a < sym.size();) {
    double v = 0;
    std::size_t b = a;
    for (; b < sym.size() && sym[b].first == sym[a].first; ++b) v += sym[b].second;
    s.s1 += v * v;
    a = b;
  }
  for (std::size_t i = 0; i < w.n; ++i) s.s2 += (rs[i] + cs[i]) * (rs[i] + cs[i]);
  return s;
}

void check(const std::vector<double>& y, const Weights& w, std::size_t min_n, const char* what) {
  if (w.n != y.size()) throw InputError(std::string(what) + ": the weights do not match the variable");
  if (y.size() < min_n)
    throw InputError(std::string(what) + ": at least " + std::to_string(min_n) + " units are needed");
}
}  // namespace

GlobalStat moran_global(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                        int threads) {
  const MoranResult m = moran(y, w, permutations, seed, threads);
  GlobalStat g{"moran_i", m.i, {}, permutations, seed};
  g.inference.push_back(normal_row("normality", m.i, m.expected, m.var_norm));
  g.inference.push_back(normal_row("randomisation", m.i, m.expected, m.var_rand));
  if (permutations > 0) {
    GlobalInference p{"permutation", m.mean_sim, m.sd_sim * m.sd_sim,
                      kNaN,          m.p_sim,    std::min(1.0, 2 * m.p_sim)};
    p.z = m.sd_sim > 0 ? (m.i - m.mean_sim) / m.sd_sim : kNaN;
    g.inference.push_back(p);
  }
  return g;
}

GlobalStat geary(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                 int threads) {
  check(y, w, 4, "Geary's C");
  const double n = static_cast<double>(y.size());
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double zz = 0, z4 = 0;
  for (double v : y) {
    zz += (v - mean) * (v - mean);
    z4 += std::pow(v - mean, 4);
  }
  if (!(zz > 0)) throw InputError("Geary's C: the variable is constant");
  const S012 s = sums(w);
  if (!(s.s0 > 0)) throw InputError("Geary's C: the weights have no links");
  auto stat = [&](const std::vector<double>& v) {
    double num = 0;
    for (std::size_t i = 0; i < w.n; ++i)
      for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
        const double d = v[i] - v[w.nbr[a]];
        num += w.w[a] * d * d;
      }
    return (n - 1) * num / (2 * s.s0 * zz);
  };
  GlobalStat g{"geary_c", stat(y), {}, permutations, seed};
  const double s02 = s.s0 * s.s0, k = n * z4 / (zz * zz);
  const double var_norm = ((2 * s.s1 + s.s2) * (n - 1) - 4 * s02) / (2 * (n + 1) * s02);
  const double a = (n - 1) * s.s1 * (n * n - 3 * n + 3 - (n - 1) * k);
  const double b = 0.25 * (n - 1) * s.s2 * (n * n + 3 * n - 6 - (n * n - n + 2) * k);
  const double c = s02 * (n * n - 3 - (n - 1) * (n - 1) * k);
  const double var_rand = (a - b + c) / (n * (n - 2) * (n - 3) * s02);
  g.inference.push_back(normal_row("normality", g.value, 1.0, var_norm));
  g.inference.push_back(normal_row("randomisation", g.value, 1.0, var_rand));
  if (permutations > 0)
    g.inference.push_back(
        permutation_row(g.value, simulate(y, permutations, seed, threads, stat), permutations));
  return g;
}

GlobalStat getis_ord_g(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                       int threads) {
  check(y, w, 4, "Getis-Ord G");
  for (double v : y)
    if (v < 0) throw InputError("Getis-Ord G: the variable must not be negative");
  const double n = static_cast<double>(y.size());
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (double v : y) {
    m1 += v;
    m2 += v * v;
    m3 += v * v * v;
    m4 += v * v * v * v;
  }
  const double den = m1 * m1 - m2;
  if (!(den > 0)) throw InputError("Getis-Ord G: the variable needs at least two positive values");
  const S012 s = sums(w);
  if (!(s.s0 > 0)) throw InputError("Getis-Ord G: the weights have no links");
  auto stat = [&](const std::vector<double>& v) {
    double num = 0;
    for (std::size_t i = 0; i < w.n; ++i) {
      double l = 0;
      for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) l += w.w[a] * v[w.nbr[a]];
      num += v[i] * l;
    }
    return num / den;
  };
  GlobalStat g{"getis_ord_g", stat(y), {}, permutations, seed};
  const double s0 = s.s0, s1 = s.s1, s2 = s.s2;
  const double eg = s0 / (n * (n - 1));
  const double b0 = (n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0;
  const double b1 = -((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0);
  const double b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0 * s0);
  const double b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0 * s0;
  const double b4 = s1 - s2 + s0 * s0;
  const double eg2 = (b0 * m2 * m2 + b1 * m4 + b2 * m1 * m1 * m2 + b3 * m1 * m3 + b4 * m1 * m1 * m1 * m1) /
                     (den * den * n * (n - 1) * (n - 2) * (n - 3));
  g.inference.push_back(normal_row("randomisation", g.value, eg, eg2 - eg * eg));
  if (permutations > 0)
    g.inference.push_back(
        permutation_row(g.value, simulate(y, permutations, seed, threads, stat), permutations));
  return g;
}

std::vector<GlobalStat> join_counts(const std::vector<double>& y01, const Weights& w, int permutations,
                                    std::uint64_t seed, int threads) {
  check(y01, w, 4, "join counts");
  double nb = 0;
  for (double v : y01) {
    if (v != 0 && v != 1) throw InputError("join counts: the variable must be 0 or 1");
    nb += v;
  }
  const double n = static_cast<double>(y01.size()), nw = n - nb;
  const S012 s = sums(w);
  // kind 0: BB (both 1), 1: WW (both 0), 2: BW.
  auto stat = [&](const std::vector<double>& v, int kind) {
    double c = 0;
    for (std::size_t i = 0; i < w.n; ++i)
      for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
        const double xi = v[i], xj = v[w.nbr[a]];
        const double hit = kind == 0 ? xi * xj : kind == 1 ? (1 - xi) * (1 - xj) : (xi - xj) * (xi - xj);
        c += w.w[a] * hit;
      }
    return c / 2;
  };
  auto fall = [&](double m, int k) {  // m (m - 1) ... (m - k + 1) / (n (n - 1) ... (n - k + 1))
    double r = 1;
    for (int a = 0; a < k; ++a) r *= (m - a) / (n - a);
    return r;
  };
  std::vector<GlobalStat> out;
  const char* names[3] = {"join_bb", "join_ww", "join_bw"};
  for (int kind = 0; kind < 3; ++kind) {
    GlobalStat g{names[kind], stat(y01, kind), {}, permutations, seed};
    double e = 0, e2 = 0;
    if (kind < 2) {
      const double m = kind == 0 ? nb : nw;
      e = s.s0 * fall(m, 2) / 2;
      e2 =
          (s.s1 * fall(m, 2) + (s.s2 - 2 * s.s1) * fall(m, 3) + (s.s0 * s.s0 + s.s1 - s.s2) * fall(m, 4)) / 4;
    } else {
      const double nn = n * (n - 1);
      e = s.s0 * nb * nw / nn;
      e2 = (2 * s.s1 * nb * nw / nn + (s.s2 - 2 * s.s1) * nb * nw * (nb + nw - 2) / (nn * (n - 2)) +
            4 * (s.s0 * s.s0 + s.s1 - s.s2) * nb * (nb - 1) * nw * (nw - 1) / (nn * (n - 2) * (n - 3))) /
           4;
    }
    g.inference.push_back(normal_row("randomisation", g.value, e, e2 - e * e));
    if (permutations > 0)
      g.inference.push_back(
          permutation_row(g.value,
                          simulate(y01, permutations, seed, threads,
                                   [&](const std::vector<double>& v) { return stat(v, kind); }),
                          permutations));
    out.push_back(std::move(g));
  }
  return out;
}

LocalGResult local_g(const std::vector<double>& y, const Weights& w, bool star, int permutations,
                     std::uint64_t seed, int threads) {
  check(y, w, 3, star ? "local G*" : "local G");
  for (double v : y)
    if (v < 0) throw InputError("local Getis-Ord G: the variable must not be negative");
  const std::size_t n = y.size();
  double sum = 0, sum2 = 0;
  for (double v : y) {
    sum += v;
    sum2 += v * v;
  }
  LocalGResult r;
  r.star = star;
  r.permutations = permutations;
  r.seed = seed;
  r.g.assign(n, kNaN);
  r.expected.assign(n, kNaN);
  r.z.assign(n, kNaN);
  r.p_sim.assign(n, kNaN);
  std::size_t kmax = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t k = 0;
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) k += w.nbr[a] != i ? 1 : 0;
    kmax = std::max(kmax, k);
  }
  // esda's crand draws (spatial.hpp, lisa_crand): one table reused for every unit.
  const std::vector<std::uint32_t> ids =
      permutations > 0 && kmax > 0 ? crand_table(n, kmax, permutations, seed) : std::vector<std::uint32_t>{};
  parallel_for(
      n, threads,
      [&](std::size_t i, int) {
        const double N = static_cast<double>(star ? n : n - 1);
        const double tot = star ? sum : sum - y[i];
        const double mean = tot / N;
        const double var = (star ? sum2 : sum2 - y[i] * y[i]) / N - mean * mean;
        double lag = 0, wi = 0, s1 = 0, wself = 0;
        std::vector<double> ws;
        for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
          lag += w.w[a] * y[w.nbr[a]];
          wi += w.w[a];
          s1 += w.w[a] * w.w[a];
          if (w.nbr[a] == i)
            wself = w.w[a];
          else
            ws.push_back(w.w[a]);
        }
        if (ws.empty() || !(tot > 0)) return;
        r.g[i] = lag / tot;
        r.expected[i] = wi / N;
        const double v = var * (N * s1 - wi * wi) / (N - 1);
        if (v > 0) r.z[i] = (lag - wi * mean) / std::sqrt(v);
        if (permutations <= 0) return;
        // Conditional permutation: hold y_i (and the self weight of G*), draw the other neighbours' values
        // from the other n - 1 units.
        const std::size_t k = ws.size();
        const auto self = static_cast<std::uint32_t>(i);
        std::size_t larger = 0;
        for (std::size_t p = 0; p < static_cast<std::size_t>(permutations); ++p) {
          const std::uint32_t* row = ids.data() + p * kmax;
          double l = wself * y[i];
          for (std::size_t a = 0; a < k; ++a) l += ws[a] * y[row[a] == self ? n - 1 : row[a]];
          if (l / tot >= r.g[i]) ++larger;
        }
        r.p_sim[i] = folded_p(larger, permutations);
      },
      16);
  return r;
}

}  // namespace cs::assess
