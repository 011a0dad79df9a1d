// Moran's I and LISA with conditional permutations (weights in weights.cpp, GeoDetector in geodetector.cpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

namespace {
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t item) {
  std::uint64_t z = seed ^ (item * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
// esda's folded one-sided pseudo p-value.
double pseudo_p(std::size_t larger, int perms) {
  const std::size_t p = static_cast<std::size_t>(perms);
  if (p - larger < larger) larger = p - larger;
  return (static_cast<double>(larger) + 1.0) / (static_cast<double>(p) + 1.0);
}
}  // namespace

namespace {
std::vector<double> centred(const std::vector<double>& y) {
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  std::vector<double> z(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) z[i] = y[i] - mean;
  return z;
}
double moran_stat(const Weights& w, const std::vector<double>& z, double s0, double zz) {
  double num = 0;
  for (std::size_t i = 0; i < w.n; ++i) {
    double l = 0;
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) l += w.w[a] * z[w.nbr[a]];
    num += z[i] * l;
  }
  return static_cast<double>(w.n) / s0 * num / zz;
}
}  // namespace

MoranResult moran(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                  int threads) {
  MoranResult r;
  const std::size_t n = y.size();
  const double nd = static_cast<double>(n);
  if (n < 4 || w.n != n) throw InputError("Moran's I needs at least 4 located counties and matching weights");
  const auto z = centred(y);
  double zz = 0, z4 = 0;
  for (double v : z) {
    zz += v * v;
    z4 += v * v * v * v;
  }
  if (!(zz > 0)) throw InputError("Moran's I: the variable is constant");
  // S0, S1 = 1/2 sum (w_ij + w_ji)^2, S2 = sum_i (w_i. + w_.i)^2.
  std::vector<std::pair<std::uint64_t, double>> sym;  // (unordered pair key, w_ij)
  sym.reserve(w.nbr.size());
  std::vector<double> rs(n, 0), cs(n, 0);
  double s0 = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
      const auto j = w.nbr[a];
      s0 += w.w[a];
      rs[i] += w.w[a];
      cs[j] += w.w[a];
      const std::uint64_t lo = std::min<std::uint64_t>(i, j), hi = std::max<std::uint64_t>(i, j);
      sym.emplace_back(lo << 32 | hi, w.w[a]);
    }
  double s1 = 0, s2 = 0;
  // 1/2 sum over ordered pairs of (w_ij + w_ji)^2 = sum over unordered pairs.
  std::sort(sym.begin(), sym.end());
  for (std::size_t a = 0; a < sym.size();) {
    double v = 0;
    std::size_t b = a;
    for (; b < sym.size() && sym[b].first == sym[a].first; ++b) v += sym[b].second;
    s1 += v * v;
    a = b;
  }
  for (std::size_t i = 0; i < n; ++i) s2 += (rs[i] + cs[i]) * (rs[i] + cs[i]);
  r.i = moran_stat(w, z, s0, zz);
  r.expected = -1.0 / (nd - 1);
  const double e2 = r.expected * r.expected;
  r.var_norm = (nd * nd * s1 - nd * s2 + 3 * s0 * s0) / ((nd * nd - 1) * s0 * s0) - e2;
  const double b2 = nd * z4 / (zz * zz);
  r.var_rand = (nd * ((nd * nd - 3 * nd + 3) * s1 - nd * s2 + 3 * s0 * s0) -
                b2 * ((nd * nd - nd) * s1 - 2 * nd * s2 + 6 * s0 * s0)) /
                   ((nd - 1) * (nd - 2) * (nd - 3) * s0 * s0) -
               e2;
  r.z_norm = (r.i - r.expected) / std::sqrt(r.var_norm);
  r.z_rand = (r.i - r.expected) / std::sqrt(r.var_rand);
  r.p_norm = 2 * (1 - normal_cdf(std::fabs(r.z_norm)));
  r.p_rand = 2 * (1 - normal_cdf(std::fabs(r.z_rand)));
  r.permutations = permutations;
  r.seed = seed;
  if (permutations > 0) {
    std::vector<double> sims(static_cast<std::size_t>(permutations));
    // Permutations in batches of kB: one pass over the weights serves kB permuted vectors stored side by side
    // (z values of one county for the kB permutations share a cache line). Each permutation's sums run in the
    // same order as moran_stat, so the values are the same bits as one permutation at a time.
    constexpr std::size_t kB = 8;
    const std::size_t batches = (sims.size() + kB - 1) / kB;
    parallel_for(batches, threads, [&](std::size_t bt, int) {
      const std::size_t k0 = bt * kB, nb = std::min(kB, sims.size() - k0);
      std::vector<double> zb(n * kB, 0.0), zp;
      for (std::size_t b = 0; b < nb; ++b) {
        Rng rng(mix_seed(seed, k0 + b));
        zp = z;
        for (std::size_t i = n - 1; i > 0; --i) std::swap(zp[i], zp[rng.below(i + 1)]);
        for (std::size_t i = 0; i < n; ++i) zb[i * kB + b] = zp[i];
      }
      double num[kB] = {};
      for (std::size_t i = 0; i < w.n; ++i) {
        double l[kB] = {};
        for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
          const double wa = w.w[a];
          const double* zj = &zb[w.nbr[a] * kB];
          for (std::size_t b = 0; b < kB; ++b) l[b] += wa * zj[b];
        }
        const double* zi = &zb[i * kB];
        for (std::size_t b = 0; b < kB; ++b) num[b] += zi[b] * l[b];
      }
      for (std::size_t b = 0; b < nb; ++b) sims[k0 + b] = static_cast<double>(w.n) / s0 * num[b] / zz;
    });
    std::size_t larger = 0;
    double sum = 0, ss = 0;
    for (double s : sims) {
      if (s >= r.i) ++larger;
      sum += s;
    }
    r.mean_sim = sum / static_cast<double>(sims.size());
    for (double s : sims) ss += (s - r.mean_sim) * (s - r.mean_sim);
    r.sd_sim = sims.size() > 1 ? std::sqrt(ss / static_cast<double>(sims.size() - 1)) : 0;
    r.p_sim = pseudo_p(larger, permutations);
  }
  return r;
}

std::string_view to_string(LisaVariance v) { return v == LisaVariance::kEsda ? "esda" : "spdep"; }

// The part both LISA flavours share: z, its lag, the result's fields, and m2 (the variance's denominator).
static LisaResult lisa_start(const std::vector<double>& y, const Weights& w, int permutations,
                             std::uint64_t seed, LisaVariance var, double alpha, const char* units,
                             double& m2) {
  LisaResult r;
  const std::size_t n = y.size();
  if (n < 3 || w.n != n)
    throw InputError(std::string("LISA needs at least 3 ") + units + " and matching weights");
  r.z = centred(y);
  double zz = 0;
  for (double v : r.z) zz += v * v;
  if (!(zz > 0)) throw InputError("LISA: the variable is constant");
  m2 = zz / (var == LisaVariance::kEsda ? static_cast<double>(n - 1) : static_cast<double>(n));
  r.lag_z = spatial_lag(w, r.z);
  r.ii.resize(n);
  r.p_sim.assign(n, 1.0);
  r.label.assign(n, "ns");
  r.permutations = permutations;
  r.seed = seed;
  r.alpha = alpha;
  return r;
}

LisaResult lisa(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                int threads, LisaVariance var, double alpha) {
  const std::size_t n = y.size();
  double m2 = 0;
  LisaResult r = lisa_start(y, w, permutations, seed, var, alpha, "located counties", m2);
  for (std::size_t i = 0; i < n; ++i) r.ii[i] = r.z[i] / m2 * r.lag_z[i];
  parallel_for(
      n, threads,
      [&](std::size_t i, int) {
        const std::size_t k = w.first[i + 1] - w.first[i];
        if (k == 0) {
          r.label[i] = "island";
          r.p_sim[i] = std::numeric_limits<double>::quiet_NaN();
          return;
        }
        if (permutations > 0) {
          // Conditional permutation: hold z_i, draw its k neighbours' values from the other n-1 counties.
          Rng rng(mix_seed(seed, i));
          std::vector<std::size_t> pick(k);
          std::size_t larger = 0;
          for (int p = 0; p < permutations; ++p) {
            for (std::size_t a = 0; a < k; ++a) {
              for (;;) {
                std::size_t c = rng.below(n - 1);
                if (c >= i) ++c;  // skip i itself
                bool dup = false;
                for (std::size_t b = 0; b < a; ++b) dup = dup || pick[b] == c;
                if (!dup) {
                  pick[a] = c;
                  break;
                }
              }
            }
            double lag = 0;
            for (std::size_t a = 0; a < k; ++a) lag += w.w[w.first[i] + a] * r.z[pick[a]];
            if (r.z[i] / m2 * lag >= r.ii[i]) ++larger;
          }
          r.p_sim[i] = pseudo_p(larger, permutations);
        }
        if (r.p_sim[i] < alpha) {
          const bool hi = r.z[i] > 0, lag_hi = r.lag_z[i] > 0;
          r.label[i] = hi ? (lag_hi ? "HH" : "HL") : (lag_hi ? "LH" : "LL");
        }
      },
      16);
  return r;
}

std::vector<std::uint32_t> crand_table(std::size_t n, std::size_t k, int permutations, std::uint64_t seed) {
  if (n < 2 || k > n - 1) throw InputError("conditional permutations: more neighbours than other units");
  const std::size_t m = n - 1, p = static_cast<std::size_t>(std::max(0, permutations));
  std::vector<std::uint32_t> table(p * k), arr(m);
  std::iota(arr.begin(), arr.end(), 0u);
  std::vector<std::size_t> swaps(k);
  Rng rng(mix_seed(seed, 0x63726e64ULL));
  // Partial Fisher-Yates per row, undone afterwards: O(k) per row.
  for (std::size_t r = 0; r < p; ++r) {
    for (std::size_t a = 0; a < k; ++a) {
      swaps[a] = a + rng.below(m - a);
      std::swap(arr[a], arr[swaps[a]]);
    }
    std::copy(arr.begin(), arr.begin() + static_cast<std::ptrdiff_t>(k),
              table.begin() + static_cast<std::ptrdiff_t>(r * k));
    for (std::size_t a = k; a-- > 0;) std::swap(arr[a], arr[swaps[a]]);
  }
  return table;
}

LisaResult lisa_crand(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                      int threads, LisaVariance var, double alpha) {
  const std::size_t n = y.size();
  double m2 = 0;
  LisaResult r = lisa_start(y, w, permutations, seed, var, alpha, "units", m2);
  double zz = 0;  // sum of z^2, for the analytic variance below
  for (double v : r.z) zz += v * v;
  std::size_t kmax = 0;
  r.expected.assign(n, std::numeric_limits<double>::quiet_NaN());
  r.variance = r.expected;
  r.z_norm = r.expected;
  const double nd = static_cast<double>(n), big_n = nd - 1;
  for (std::size_t i = 0; i < n; ++i) {
    r.ii[i] = r.z[i] / m2 * r.lag_z[i];
    kmax = std::max(kmax, w.first[i + 1] - w.first[i]);
    if (w.first[i] == w.first[i + 1]) continue;
    // The other n - 1 values sum to -z_i; their population variance s2; a weighted draw of k of them without
    // replacement has mean W_i (-z_i / N) and variance s2 (N S1_i - W_i^2) / (N - 1), N = n - 1.
    double wi = 0, s1 = 0;
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
      wi += w.w[a];
      s1 += w.w[a] * w.w[a];
    }
    const double zi = r.z[i], mean_o = -zi / big_n;
    const double s2 = (zz - zi * zi) / big_n - mean_o * mean_o;
    const double f = zi / m2;
    r.expected[i] = f * wi * mean_o;
    r.variance[i] = f * f * s2 * (big_n * s1 - wi * wi) / (big_n - 1);
    if (r.variance[i] > 0) r.z_norm[i] = (r.ii[i] - r.expected[i]) / std::sqrt(r.variance[i]);
  }
  const std::size_t perms = static_cast<std::size_t>(std::max(0, permutations));
  // A drawn id c in [0, n - 2] stands for unit c, except c == i, which stands for unit n - 1 (a bijection
  // onto the n - 1 units other than i). tsum[k * perms + p] = the sum of z over the first k ids of row p as
  // units (c for every c, i.e. before the exception); at[c] lists the (p, slot) where id c was drawn, so a
  // unit i whose own id sits in its first k_i slots of row p gets z[n - 1] - z[i] added. Rows with equal
  // weights (binary or row-standardised contiguity and kNN) then cost one multiply and compare per
  // permutation; other rows sum their k weighted values.
  std::vector<std::uint32_t> ids;
  std::vector<double> tsum;
  std::vector<std::size_t> at_first;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> at;  // (p, slot), grouped by drawn id
  const double* z = r.z.data();
  if (perms > 0) {
    ids = crand_table(n, kmax, permutations, seed);
    tsum.assign((kmax + 1) * perms, 0.0);
    for (std::size_t p = 0; p < perms; ++p)
      for (std::size_t a = 0; a < kmax; ++a)
        tsum[(a + 1) * perms + p] = tsum[a * perms + p] + z[ids[p * kmax + a]];
    at_first.assign(n + 1, 0);
    for (std::uint32_t c : ids) ++at_first[c + 1];
    for (std::size_t c = 0; c < n; ++c) at_first[c + 1] += at_first[c];
    at.resize(ids.size());
    std::vector<std::size_t> fill(at_first.begin(), at_first.end() - 1);
    for (std::size_t p = 0; p < perms; ++p)
      for (std::size_t a = 0; a < kmax; ++a)
        at[fill[ids[p * kmax + a]]++] = {static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(a)};
  }
  parallel_for(
      n, threads,
      [&](std::size_t i, int) {
        const std::size_t k = w.first[i + 1] - w.first[i];
        if (k == 0) {
          r.label[i] = "island";
          r.p_sim[i] = std::numeric_limits<double>::quiet_NaN();
          return;
        }
        if (perms > 0) {
          const double* wi = w.w.data() + w.first[i];
          const auto self = static_cast<std::uint32_t>(i);
          const double zi = z[i] / m2, target = r.ii[i];
          const double dz = z[n - 1] - z[i];
          std::size_t larger = 0;
          if (std::all_of(wi, wi + k, [&](double v) { return v == wi[0]; })) {
            const double s = zi * wi[0];
            const double* sum = tsum.data() + k * perms;
            for (std::size_t p = 0; p < perms; ++p) larger += s * sum[p] >= target ? 1 : 0;
            for (std::size_t e = at_first[i]; e < at_first[i + 1]; ++e) {
              const auto [p, slot] = at[e];
              if (slot >= k) continue;
              const bool before = s * sum[p] >= target, after = s * (sum[p] + dz) >= target;
              larger = larger + (after ? 1 : 0) - (before ? 1 : 0);
            }
          } else {
            for (std::size_t p = 0; p < perms; ++p) {
              const std::uint32_t* row = ids.data() + p * kmax;
              double lag = 0;
              for (std::size_t a = 0; a < k; ++a) lag += wi[a] * z[row[a] == self ? n - 1 : row[a]];
              larger += zi * lag >= target ? 1 : 0;
            }
          }
          r.p_sim[i] = pseudo_p(larger, permutations);
        }
        if (r.p_sim[i] < alpha) {
          const bool hi = r.z[i] > 0, lag_hi = r.lag_z[i] > 0;
          r.label[i] = hi ? (lag_hi ? "HH" : "HL") : (lag_hi ? "LH" : "LL");
        }
      },
      16);
  return r;
}

}  // namespace cs::assess
