// Coupling coordination and score_counties, the vectorised scoring kernel (entropy weights, TOPSIS, dimension
// scores and coupling in one pass over blocks of counties). coupling_impl is shared by the reference
// coupling() and the kernel, so both stay in this file.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/fastlog.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

namespace {
std::string col_name(const std::vector<std::string>& names, std::size_t j) {
  return j < names.size() ? names[j] : "indicator " + std::to_string(j + 1);
}
}  // namespace

std::string_view to_string(CouplingForm f) {
  return f == CouplingForm::kCorrected ? "corrected" : "standard";
}

namespace {
// x^(1/k) with the common roots exact and cheap (k = 1, 2, 3).
double root(double x, std::size_t k) {
  switch (k) {
    case 1:
      return x;
    case 2:
      return std::sqrt(x);
    case 3:
      return std::cbrt(x);
    default:
      return std::pow(x, 1.0 / static_cast<double>(k));
  }
}
}  // namespace

namespace {
[[gnu::always_inline]] inline Coupling coupling_impl(const double* u, std::size_t n, CouplingForm form,
                                                     const double* alpha) {
  Coupling r;
  if (n == 0) return r;
  double sum = 0, mx = 0, prod = 1;
  bool zero = false;
  for (std::size_t k = 0; k < n; ++k) {
    sum += u[k];
    mx = std::max(mx, u[k]);
    if (u[k] <= 0) zero = true;
    prod *= u[k];
  }
  // The product of n scores in (0,1] underflows only for absurdly small scores; fall back to logs then.
  auto log_prod = [&] {
    double lp = 0;
    for (std::size_t k = 0; k < n; ++k) lp += std::log(u[k]);
    return lp;
  };
  const bool tiny = !zero && !(prod > 1e-280);
  if (n == 1) {
    r.c = 1;
  } else if (form == CouplingForm::kStandard) {
    const double gm = tiny ? std::exp(log_prod() / static_cast<double>(n)) : root(prod, n);
    r.c = zero || sum <= 0 ? 0.0 : static_cast<double>(n) * gm / sum;
  } else {
    double diff = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j) diff += std::fabs(u[i] - u[j]);
    const double msum = static_cast<double>(n - 1) * static_cast<double>(n) / 2.0;  // sum_{m=1}^{n-1} m
    const double left = 1.0 - diff / msum;
    // prod_i (U_i / max U), whose n-1 non-trivial factors take the (n-1)-th root; for two systems U_min /
    // U_max.
    double right = 0.0;
    if (!zero && mx > 0) {
      if (tiny) {
        right = std::exp((log_prod() - static_cast<double>(n) * std::log(mx)) / static_cast<double>(n - 1));
      } else {
        double q = 1;
        for (std::size_t k = 0; k < n; ++k) q *= u[k] / mx;
        right = root(q, n - 1);
      }
    }
    r.c = std::sqrt(std::max(0.0, left * right));
  }
  r.c = std::clamp(r.c, 0.0, 1.0);
  for (std::size_t k = 0; k < n; ++k) r.t += (alpha ? alpha[k] : 1.0 / static_cast<double>(n)) * u[k];
  r.d = std::sqrt(std::max(0.0, r.c * r.t));
  r.d_class = std::clamp(static_cast<int>(std::floor(r.d * 10.0 + 1e-12)), 0, 9);
  return r;
}
}  // namespace

Coupling coupling(const std::vector<double>& u, CouplingForm form, const std::vector<double>& alpha) {
  return coupling_impl(u.data(), u.size(), form, alpha.empty() ? nullptr : alpha.data());
}

// score_counties: the arithmetic of normalise_column, entropy_weights, topsis and coupling, rearranged so
// the loops vectorise (structure of arrays over blocks of counties) while every per-county result keeps the
// same operations in the same order as those functions (the tests compare bits). The loops are compiled
// twice, for AVX2 and for the baseline, chosen at load time; no FMA is enabled, so both give the same bits.
// Not under ThreadSanitizer: the clones' ifunc resolver runs during relocation, before TSan's runtime exists,
// and its instrumented code crashes every program that links this file (make tsan).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__SANITIZE_THREAD__)
#define CS_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CS_VECTOR_CLONES
#endif

namespace {
constexpr std::size_t kScoreBlock = 256;

// Range and sum of squares of a raw column (four interleaved lanes).
CS_VECTOR_CLONES void column_range(const double* x, std::size_t n, double* lo, double* hi, double* ss) {
  double l[4] = {x[0], x[0], x[0], x[0]}, h[4] = {x[0], x[0], x[0], x[0]}, q[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (std::size_t k = 0; k < 4; ++k) {
      l[k] = std::min(l[k], x[i + k]);
      h[k] = std::max(h[k], x[i + k]);
      q[k] += x[i + k] * x[i + k];
    }
  for (; i < n; ++i) {
    l[0] = std::min(l[0], x[i]);
    h[0] = std::max(h[0], x[i]);
    q[0] += x[i] * x[i];
  }
  *lo = std::min(std::min(l[0], l[1]), std::min(l[2], l[3]));
  *hi = std::max(std::max(h[0], h[1]), std::max(h[2], h[3]));
  *ss = (q[0] + q[1]) + (q[2] + q[3]);
}

// normalise_column's values as v' = sa + sb v (0 + 1 v == v and eps + 1 v == v + eps exactly), together with
// the sums of v' and v' ln v' for the entropy (0 ln 0 = 0 without a branch: see log_nonneg).
CS_VECTOR_CLONES void normalise_entropy(const double* x, std::size_t n, int direction, double lo, double hi,
                                        double sa, double sb, double* out, double* sum, double* xlogx) {
  const double range = hi - lo;
  if (direction >= 0)
    for (std::size_t i = 0; i < n; ++i) out[i] = sa + sb * ((x[i] - lo) / range);
  else
    for (std::size_t i = 0; i < n; ++i) out[i] = sa + sb * ((hi - x[i]) / range);
  double s[4] = {0, 0, 0, 0}, e[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (std::size_t k = 0; k < 4; ++k) {
      s[k] += out[i + k];
      e[k] += out[i + k] * log_nonneg(out[i + k]);
    }
  for (; i < n; ++i) {
    s[0] += out[i];
    e[0] += out[i] * log_nonneg(out[i]);
  }
  *sum = (s[0] + s[1]) + (s[2] + s[3]);
  *xlogx = (e[0] + e[1]) + (e[2] + e[3]);
}

struct ScoreColumns {
  std::size_t m = 0, nd = 0;
  const double* const* norm = nullptr;  // normalised values per indicator
  const double* const* base = nullptr;  // TOPSIS base column per indicator
  const double* weight = nullptr;
  const double* scale = nullptr;
  const double* best = nullptr;
  const double* worst = nullptr;
  const std::size_t* dim = nullptr;
  const double* wsum = nullptr;  // weight per dimension
  const double* alpha = nullptr;
  CouplingForm form = CouplingForm::kCorrected;
};

// Work arrays of one block, one set per worker.
struct ScoreScratch {
  explicit ScoreScratch(std::size_t nd)
      : u(nd * kScoreBlock),
        dp(kScoreBlock),
        dm(kScoreBlock),
        idx(kScoreBlock),
        sum(kScoreBlock),
        mx(kScoreBlock),
        prod(kScoreBlock),
        diff(kScoreBlock),
        q(kScoreBlock),
        t(kScoreBlock),
        zero(kScoreBlock) {}
  std::vector<double> u, dp, dm, idx, sum, mx, prod, diff, q, t, zero;
};

// One indicator's share of a block: the weighted index and dimension sums, and the squared distances to the
// ideal and anti-ideal (topsis()'s terms, in its order of indicators).
inline void accumulate_indicator(const double* __restrict nj, const double* __restrict bj, std::size_t len,
                                 double wj, double sc, double be, double wo, double* __restrict idx,
                                 double* __restrict ud, double* __restrict dp, double* __restrict dm) {
  for (std::size_t i = 0; i < len; ++i) {
    const double wv = wj * nj[i];
    idx[i] += wv;
    ud[i] += wv;
    const double b = sc * bj[i];
    dp[i] += (b - be) * (b - be);
    dm[i] += (b - wo) * (b - wo);
  }
}

// Counties [i0, i0 + len): closeness, index, dimension scores (clamped to 1, counted) and coupling.
CS_VECTOR_CLONES void score_block(const ScoreColumns& c, std::size_t i0, std::size_t len, ScoreScratch& w,
                                  double* score, double* index, double* dim_score, Coupling* out,
                                  std::size_t* clamped) {
  const std::size_t nd = c.nd, B = kScoreBlock;
  double* __restrict u = w.u.data();
  double* __restrict dp = w.dp.data();
  double* __restrict dm = w.dm.data();
  double* __restrict idx = w.idx.data();
  std::fill(u, u + nd * B, 0.0);
  std::fill(dp, dp + len, 0.0);
  std::fill(dm, dm + len, 0.0);
  std::fill(idx, idx + len, 0.0);
  for (std::size_t j = 0; j < c.m; ++j)
    accumulate_indicator(c.norm[j] + i0, c.base[j] + i0, len, c.weight[j], c.scale[j], c.best[j], c.worst[j],
                         idx, u + c.dim[j] * B, dp, dm);
  for (std::size_t i = 0; i < len; ++i) {
    const double p = std::sqrt(dp[i]), q = std::sqrt(dm[i]);
    const double den = p + q;
    const double r = q / (den > 0 ? den : 1.0);
    score[i] = den > 0 ? r : 0.5;
    index[i] = idx[i];
  }
  std::size_t n_clamped = 0;
  for (std::size_t d = 0; d < nd; ++d) {
    double* __restrict ud = u + d * B;
    const double ws = c.wsum[d];
    for (std::size_t i = 0; i < len; ++i) {
      const double v = ws > 0 ? ud[i] / ws : 0.0;
      n_clamped += v > 1 ? 1 : 0;
      ud[i] = std::min(v, 1.0);
    }
  }
  *clamped += n_clamped;
  // Coupling: coupling_impl's operations, dimension by dimension over the block.
  double* __restrict sum = w.sum.data();
  double* __restrict mx = w.mx.data();
  double* __restrict prod = w.prod.data();
  double* __restrict zero = w.zero.data();
  double* __restrict t = w.t.data();
  for (std::size_t i = 0; i < len; ++i) {
    sum[i] = 0;
    mx[i] = 0;
    prod[i] = 1;
    zero[i] = 0;
    t[i] = 0;
  }
  for (std::size_t d = 0; d < nd; ++d) {
    const double* __restrict ud = u + d * B;
    const double a = c.alpha ? c.alpha[d] : 1.0 / static_cast<double>(nd);
    for (std::size_t i = 0; i < len; ++i) {
      sum[i] += ud[i];
      mx[i] = std::max(mx[i], ud[i]);
      zero[i] = ud[i] <= 0 ? 1.0 : zero[i];
      prod[i] *= ud[i];
      t[i] += a * ud[i];
    }
  }
  double* __restrict cc = w.q.data();  // C per county
  // root(v, k) over the block, the common k (1, 2) in loops that vectorise.
  auto roots = [&](double* __restrict v, std::size_t k) {
    if (k == 2)
      for (std::size_t i = 0; i < len; ++i) v[i] = std::sqrt(v[i]);
    else if (k != 1)
      for (std::size_t i = 0; i < len; ++i) v[i] = root(v[i], k);
  };
  if (nd == 1) {
    std::fill(cc, cc + len, 1.0);
  } else if (c.form == CouplingForm::kStandard) {
    double* __restrict gm = w.diff.data();
    std::copy(prod, prod + len, gm);
    roots(gm, nd);
    for (std::size_t i = 0; i < len; ++i) {
      const double v = static_cast<double>(nd) * gm[i] / (sum[i] > 0 ? sum[i] : 1.0);
      cc[i] = zero[i] != 0 || sum[i] <= 0 ? 0.0 : v;
    }
  } else {
    double* __restrict diff = w.diff.data();
    std::fill(diff, diff + len, 0.0);
    for (std::size_t a = 0; a < nd; ++a)
      for (std::size_t b = 0; b < a; ++b) {
        const double* __restrict ua = u + a * B;
        const double* __restrict ub = u + b * B;
        for (std::size_t i = 0; i < len; ++i) diff[i] += std::fabs(ua[i] - ub[i]);
      }
    const double msum = static_cast<double>(nd - 1) * static_cast<double>(nd) / 2.0;
    double* __restrict q = w.dp.data();  // reuse: product of U / max U
    for (std::size_t i = 0; i < len; ++i) q[i] = 1;
    for (std::size_t d = 0; d < nd; ++d) {
      const double* __restrict ud = u + d * B;
      for (std::size_t i = 0; i < len; ++i) q[i] *= ud[i] / (mx[i] > 0 ? mx[i] : 1.0);
    }
    roots(q, nd - 1);
    for (std::size_t i = 0; i < len; ++i) {
      const double left = 1.0 - diff[i] / msum;
      const double right = zero[i] != 0 || mx[i] <= 0 ? 0.0 : q[i];
      cc[i] = std::sqrt(std::max(0.0, left * right));
    }
  }
  double* __restrict dd = w.dm.data();    // reuse: D
  double* __restrict cls = w.idx.data();  // reuse: floor(10 D)
  for (std::size_t i = 0; i < len; ++i) {
    const double ci = std::clamp(cc[i], 0.0, 1.0);
    cc[i] = ci;
    dd[i] = std::sqrt(std::max(0.0, ci * t[i]));
    cls[i] = std::floor(dd[i] * 10.0 + 1e-12);
  }
  for (std::size_t i = 0; i < len; ++i) {
    Coupling& o = out[i];
    o.c = cc[i];
    o.t = t[i];
    o.d = dd[i];
    o.d_class = std::clamp(static_cast<int>(cls[i]), 0, 9);
  }
  for (std::size_t d = 0; d < nd; ++d)
    for (std::size_t i = 0; i < len; ++i) dim_score[i * nd + d] = u[d * B + i];
  // A product that underflowed takes coupling_impl's logarithm path: redo those counties exactly as it does.
  for (std::size_t i = 0; i < len; ++i)
    if (zero[i] == 0 && !(prod[i] > 1e-280)) out[i] = coupling_impl(dim_score + i * nd, nd, c.form, c.alpha);
}
}  // namespace

namespace {
// The sizes score_counties needs (InputError naming the indicator otherwise).
void check_scoring_input(const Columns& x, const ScoringSpec& spec) {
  const std::size_t m = x.size();
  const std::size_t n = m ? x[0].size() : 0;
  const std::size_t nd = spec.n_dimensions;
  if (spec.direction.size() != m || spec.dimension.size() != m || nd == 0 ||
      (!spec.weight.empty() && spec.weight.size() != m) || (!spec.alpha.empty() && spec.alpha.size() != nd))
    throw InputError(
        "score_counties: direction, dimension, weight or alpha sizes do not match the indicators");
  for (std::size_t j = 0; j < m; ++j) {
    if (x[j].size() != n) throw InputError("", "", col_name(spec.names, j), "column length differs");
    if (spec.dimension[j] >= nd) throw InputError("", "", col_name(spec.names, j), "dimension out of range");
  }
  if (m > 0 && n < 2)
    throw InputError("", "", col_name(spec.names, 0), "entropy weights need at least 2 counties");
}
// The first column's problem (InputError naming the indicator), else the weights' problem.
void throw_first_problem(const std::vector<std::string>& error, const std::string& weights_error,
                         const std::vector<std::string>& names) {
  for (std::size_t j = 0; j < error.size(); ++j)
    if (!error[j].empty()) throw InputError("", "", col_name(names, j), error[j]);
  if (!weights_error.empty()) throw InputError(weights_error);
}
}  // namespace

Scoring score_counties(const Columns& x, const ScoringSpec& spec, int threads) {
  check_scoring_input(x, spec);
  const std::size_t m = x.size();
  const std::size_t n = m ? x[0].size() : 0;
  const std::size_t nd = spec.n_dimensions;
  Scoring r;
  r.entropy.entropy.assign(m, 0.0);
  r.entropy.divergence.assign(m, 0.0);
  r.entropy.weight.assign(m, 0.0);
  const bool vector_norm = spec.topsis == TopsisNorm::kVector;
  const double log_n = std::log(static_cast<double>(n));
  double sa = 0, sb = 1;
  if (spec.shift.kind == ShiftKind::kEpsilon) sa = spec.shift.epsilon;
  if (spec.shift.kind == ShiftKind::kRescale) {
    sa = spec.shift.a;
    sb = spec.shift.b - spec.shift.a;
  }
  std::vector<double> lo(m), hi(m), norm2(m), scale(m), best(m), worst(m), wsum(nd, 0.0);
  std::vector<const double*> norm_ptr(m), base_ptr(m);
  std::vector<std::string> error(m);  // the first problem of each column, thrown after the team joins
  const double nlo = sa + sb * 0.0, nhi = sa + sb * 1.0;  // the normalised range, exactly
  // Phase A, per indicator: range, vector norm, the checks that need only them.
  auto range_column = [&](std::size_t j) {
    double ss = 0;
    column_range(x[j].data(), n, &lo[j], &hi[j], &ss);
    norm2[j] = std::sqrt(ss);
    if (!(hi[j] > lo[j]))
      error[j] = "constant indicator (zero range, every value is " + format_number(lo[j]) +
                 "): min-max normalisation is undefined; drop it from the indicator system";
    else if (vector_norm && lo[j] < 0)
      error[j] = "negative value with TOPSIS vector normalisation; use minmax";
    else if (nlo < 0)
      error[j] = "negative normalised value in entropy weights";
    const bool up = spec.direction[j] >= 0;
    best[j] = vector_norm ? (up ? hi[j] : lo[j]) : nhi;
    worst[j] = vector_norm ? (up ? lo[j] : hi[j]) : nlo;
  };
  // Phase B, per block of counties: normalised values and the block's entropy sums. Summing block by block in
  // block order makes the sums independent of how many workers ran.
  const std::size_t blocks = (n + kScoreBlock - 1) / kScoreBlock;
  std::vector<double> block_sum(blocks * m), block_xlogx(blocks * m);
  auto normalise_block = [&](std::size_t b) {
    const std::size_t i0 = b * kScoreBlock, len = std::min(kScoreBlock, n - i0);
    for (std::size_t j = 0; j < m; ++j)
      normalise_entropy(x[j].data() + i0, len, spec.direction[j], lo[j], hi[j], sa, sb, r.norm[j].data() + i0,
                        &block_sum[b * m + j], &block_xlogx[b * m + j]);
  };
  std::string weights_error;
  auto weights = [&] {
    for (std::size_t j = 0; j < m; ++j) {
      double s = 0, vlogv = 0;
      for (std::size_t b = 0; b < blocks; ++b) {
        s += block_sum[b * m + j];
        vlogv += block_xlogx[b * m + j];
      }
      if (!(s > 0)) {
        error[j] = "all normalised values are 0: entropy undefined";
        continue;
      }
      // sum p ln p with p = v / s is (sum v ln v) / s - ln s.
      const double e = -(vlogv / s - std::log(s)) / log_n;
      r.entropy.entropy[j] = e;
      r.entropy.divergence[j] = 1.0 - e;
    }
    for (const auto& e : error)
      if (!e.empty()) return;
    double dsum = 0;
    for (std::size_t j = 0; j < m; ++j) dsum += r.entropy.divergence[j];
    if (m > 0 && !(dsum > 0)) {
      weights_error = "all indicators have entropy 1 (uniform): entropy weights undefined";
      return;
    }
    for (std::size_t j = 0; j < m; ++j) r.entropy.weight[j] = r.entropy.divergence[j] / dsum;
    r.weight = spec.weight.empty() ? r.entropy.weight : spec.weight;
    for (std::size_t j = 0; j < m; ++j) {
      norm_ptr[j] = r.norm[j].data();
      base_ptr[j] = vector_norm ? x[j].data() : r.norm[j].data();
      // The products topsis() forms, so the ideal row meets the ideal exactly.
      scale[j] = vector_norm ? (norm2[j] > 0 ? r.weight[j] / norm2[j] : 0.0) : r.weight[j];
      best[j] *= scale[j];
      worst[j] *= scale[j];
      wsum[spec.dimension[j]] += r.weight[j];
    }
  };
  ScoreColumns sc{.m = m,
                  .nd = nd,
                  .norm = norm_ptr.data(),
                  .base = base_ptr.data(),
                  .scale = scale.data(),
                  .best = best.data(),
                  .worst = worst.data(),
                  .dim = spec.dimension.data(),
                  .wsum = wsum.data(),
                  .alpha = spec.alpha.empty() ? nullptr : spec.alpha.data(),
                  .form = spec.coupling};
  // Phase C, per block: scores. Each worker first takes the blocks it normalised (still in its cache), then
  // any left. Blocks are handed out through atomic counters, so a worker that starts late takes fewer.
  // Small inputs run on one worker: starting a thread costs more than it saves.
  const int team = n * m < 8192 ? 1 : static_cast<int>(std::min<std::size_t>(std::max(threads, 1), blocks));
  std::vector<std::size_t> clamped(static_cast<std::size_t>(team), 0);
  std::vector<int> normalised_by(blocks, 0);
  std::unique_ptr<std::atomic<bool>[]> scored(new std::atomic<bool>[blocks]);
  for (std::size_t b = 0; b < blocks; ++b) scored[b] = false;
  std::atomic<std::size_t> next_b{0};
  SpinBarrier sync(team);
  bool failed = false;
  parallel_team(team, [&](int t, int nt) {
    const auto tt = static_cast<std::size_t>(t);
    // Worker 0 sizes the normalised columns and the last worker the outputs while the ranges are taken.
    if (t == nt - 1) {
      r.score.assign(n, 0.0);
      r.index.assign(n, 0.0);
      r.dim_score.assign(n * nd, 0.0);
      r.coupling.assign(n, {});
    }
    if (t == 0) r.norm.assign(m, Column(n));
    for (std::size_t j = tt; j < m; j += static_cast<std::size_t>(nt)) range_column(j);
    sync.arrive_and_wait();
    bool bad = false;
    for (const auto& e : error) bad = bad || !e.empty();
    if (!bad)
      for (std::size_t b; (b = next_b.fetch_add(1)) < blocks;) {
        normalise_block(b);
        normalised_by[b] = t;
      }
    sync.arrive_and_wait();
    if (t == 0) {
      if (!bad) weights();
      failed = bad || !weights_error.empty();
      for (const auto& e : error) failed = failed || !e.empty();
      sc.weight = r.weight.data();
    }
    sync.arrive_and_wait();
    if (failed) return;
    ScoreScratch scratch(nd);
    auto run = [&](std::size_t b) {
      if (scored[b].exchange(true)) return;
      const std::size_t i0 = b * kScoreBlock, len = std::min(kScoreBlock, n - i0);
      score_block(sc, i0, len, scratch, &r.score[i0], &r.index[i0], &r.dim_score[i0 * nd], &r.coupling[i0],
                  &clamped[tt]);
    };
    for (std::size_t b = 0; b < blocks; ++b)
      if (normalised_by[b] == t) run(b);
    for (std::size_t b = 0; b < blocks; ++b) run(b);
  });
  throw_first_problem(error, weights_error, spec.names);
  for (auto c : clamped) r.clamped += c;
  return r;
}

}  // namespace cs::assess
