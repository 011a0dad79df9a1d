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
double xlogx_ratio(double p) { return p > 0 ? p * std::log(p) : 0.0; }
}  // namespace

Shift parse_shift(std::string_view s) {
  Shift sh;
  auto bad = [&] { return unknown_value("shift", s, {"none", "eps", "eps:E", "rescale", "rescale:A,B"}); };
  if (s == "none") return sh;
  if (s.starts_with("eps")) {
    sh.kind = ShiftKind::kEpsilon;
    if (s.size() > 3) {
      if (s[3] != ':') throw bad();
      auto v = parse_double(s.substr(4));
      if (!v || *v <= 0) throw bad();
      sh.epsilon = *v;
    }
    return sh;
  }
  if (s.starts_with("rescale")) {
    sh.kind = ShiftKind::kRescale;
    if (s.size() > 7) {
      if (s[7] != ':') throw bad();
      auto rest = s.substr(8);
      auto comma = rest.find(',');
      if (comma == std::string_view::npos) throw bad();
      auto a = parse_double(rest.substr(0, comma)), b = parse_double(rest.substr(comma + 1));
      if (!a || !b || !(*a < *b)) throw bad();
      sh.a = *a;
      sh.b = *b;
    }
    return sh;
  }
  throw bad();
}

std::string to_string(const Shift& s) {
  switch (s.kind) {
    case ShiftKind::kNone:
      return "none";
    case ShiftKind::kEpsilon:
      return "eps:" + format_number(s.epsilon);
    case ShiftKind::kRescale:
      return "rescale:" + format_number(s.a) + "," + format_number(s.b);
  }
  return "none";
}

Column normalise_column(const Column& x, int direction, const Shift& shift, double mn, double mx) {
  Column out(x.size());
  const double range = mx - mn;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double v = direction >= 0 ? (x[i] - mn) / range : (mx - x[i]) / range;
    switch (shift.kind) {
      case ShiftKind::kNone:
        break;
      case ShiftKind::kEpsilon:
        v += shift.epsilon;
        break;
      case ShiftKind::kRescale:
        v = shift.a + (shift.b - shift.a) * v;
        break;
    }
    out[i] = v;
  }
  return out;
}

Columns normalise(const Columns& x, const std::vector<int>& direction, const Shift& shift,
                  const std::vector<std::string>& names) {
  Columns out(x.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (x[j].empty()) throw InputError("", "", col_name(names, j), "no values");
    const auto [mn, mx] = std::minmax_element(x[j].begin(), x[j].end());
    if (!(*mx > *mn))
      throw InputError("", "", col_name(names, j),
                       "constant indicator (zero range, every value is " + format_number(*mn) +
                           "): min-max normalisation is undefined; drop it from the indicator system");
    out[j] = normalise_column(x[j], direction[j], shift, *mn, *mx);
  }
  return out;
}

EntropyResult entropy_weights(const Columns& xn, const std::vector<std::string>& names) {
  EntropyResult r;
  const std::size_t m = xn.size();
  r.entropy.resize(m);
  r.divergence.resize(m);
  r.weight.resize(m);
  double dsum = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t n = xn[j].size();
    if (n < 2) throw InputError("", "", col_name(names, j), "entropy weights need at least 2 counties");
    double s = 0;
    for (double v : xn[j]) {
      if (v < 0) throw InputError("", "", col_name(names, j), "negative normalised value in entropy weights");
      s += v;
    }
    if (!(s > 0))
      throw InputError("", "", col_name(names, j), "all normalised values are 0: entropy undefined");
    double e = 0;
    for (double v : xn[j]) e += xlogx_ratio(v / s);
    e = -e / std::log(static_cast<double>(n));
    r.entropy[j] = e;
    r.divergence[j] = 1.0 - e;
    dsum += 1.0 - e;
  }
  if (!(dsum > 0)) throw InputError("all indicators have entropy 1 (uniform): entropy weights undefined");
  for (std::size_t j = 0; j < m; ++j) r.weight[j] = r.divergence[j] / dsum;
  return r;
}

TopsisNorm parse_topsis_norm(std::string_view s) {
  if (s == "vector") return TopsisNorm::kVector;
  if (s == "minmax") return TopsisNorm::kMinMax;
  throw unknown_value("TOPSIS normalisation", s, {"vector", "minmax"});
}
std::string_view to_string(TopsisNorm t) { return t == TopsisNorm::kVector ? "vector" : "minmax"; }

std::vector<double> topsis(const Columns& x, const std::vector<int>& direction,
                           const std::vector<double>& weight, TopsisNorm norm, const Shift& shift) {
  const std::size_t m = x.size();
  if (m == 0) return {};
  const std::size_t n = x[0].size();
  Columns b(m, Column(n));
  for (std::size_t j = 0; j < m; ++j) {
    if (norm == TopsisNorm::kVector) {
      double ss = 0;
      for (double v : x[j]) ss += v * v;
      const double d = std::sqrt(ss);
      const double scale = d > 0 ? weight[j] / d : 0.0;
      for (std::size_t i = 0; i < n; ++i) b[j][i] = scale * x[j][i];
    } else {
      const auto [mn, mx] = std::minmax_element(x[j].begin(), x[j].end());
      // Min-max already orients by direction: larger is better for every column afterwards.
      Column c = normalise_column(x[j], direction[j], shift, *mn, *mx);
      for (std::size_t i = 0; i < n; ++i) b[j][i] = weight[j] * c[i];
    }
  }
  std::vector<double> best(m), worst(m);
  for (std::size_t j = 0; j < m; ++j) {
    const auto [mn, mx] = std::minmax_element(b[j].begin(), b[j].end());
    const bool up = norm == TopsisNorm::kMinMax || direction[j] >= 0;
    best[j] = up ? *mx : *mn;
    worst[j] = up ? *mn : *mx;
  }
  std::vector<double> c(n);
  for (std::size_t i = 0; i < n; ++i) {
    double dp = 0, dm = 0;
    for (std::size_t j = 0; j < m; ++j) {
      dp += (b[j][i] - best[j]) * (b[j][i] - best[j]);
      dm += (b[j][i] - worst[j]) * (b[j][i] - worst[j]);
    }
    dp = std::sqrt(dp);
    dm = std::sqrt(dm);
    c[i] = dp + dm > 0 ? dm / (dp + dm) : 0.5;
  }
  return c;
}

CouplingForm parse_coupling_form(std::string_view s) {
  if (s == "corrected") return CouplingForm::kCorrected;
  if (s == "standard") return CouplingForm::kStandard;
  throw unknown_value("coupling form", s, {"corrected", "standard"});
}
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
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
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

Scoring score_counties(const Columns& x, const ScoringSpec& spec, int threads) {
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
  ScoreColumns sc;
  sc.m = m;
  sc.nd = nd;
  sc.norm = norm_ptr.data();
  sc.base = base_ptr.data();
  sc.scale = scale.data();
  sc.best = best.data();
  sc.worst = worst.data();
  sc.dim = spec.dimension.data();
  sc.wsum = wsum.data();
  sc.alpha = spec.alpha.empty() ? nullptr : spec.alpha.data();
  sc.form = spec.coupling;
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
  for (std::size_t j = 0; j < m; ++j)
    if (!error[j].empty()) throw InputError("", "", col_name(spec.names, j), error[j]);
  if (!weights_error.empty()) throw InputError(weights_error);
  for (auto c : clamped) r.clamped += c;
  return r;
}

std::string_view d_class_name(int k) {
  static constexpr std::string_view kNames[] = {"extreme imbalance",         "serious imbalance",
                                                "moderate imbalance",        "mild imbalance",
                                                "on the verge of imbalance", "barely coordinated",
                                                "primary coordination",      "intermediate coordination",
                                                "good coordination",         "high-quality coordination"};
  return kNames[std::clamp(k, 0, 9)];
}

std::vector<std::vector<double>> obstacle_degree(const Columns& xn, const std::vector<double>& weight) {
  const std::size_t m = xn.size();
  const std::size_t n = m ? xn[0].size() : 0;
  std::vector<std::vector<double>> o(n, std::vector<double>(m, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (std::size_t j = 0; j < m; ++j) {
      // Deviation 1 - x' against the unit scale; clamp so a shifted value above 1 is no obstacle.
      const double dev = std::max(0.0, 1.0 - xn[j][i]);
      o[i][j] = weight[j] * dev;
      s += o[i][j];
    }
    for (std::size_t j = 0; j < m; ++j) o[i][j] = s > 0 ? o[i][j] / s : 0.0;
  }
  return o;
}

double quantile(std::vector<double> v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double silverman_bandwidth(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  if (v.size() < 2) return 0;
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / (n - 1));
  const double iqr = quantile(v, 0.75) - quantile(v, 0.25);
  double s = std::min(sd, iqr / 1.34);
  if (!(s > 0)) s = sd;  // IQR 0 (many ties): fall back to the standard deviation
  return 0.9 * s * std::pow(n, -0.2);
}

Density kernel_density(const std::vector<double>& v, std::size_t points) {
  Density d;
  d.bandwidth = silverman_bandwidth(v);
  if (v.empty() || !(d.bandwidth > 0) || points < 2) return d;
  const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
  const double lo = *mn - 3 * d.bandwidth, hi = *mx + 3 * d.bandwidth;
  const double norm = 1.0 / (static_cast<double>(v.size()) * d.bandwidth * std::sqrt(2 * M_PI));
  for (std::size_t k = 0; k < points; ++k) {
    const double x = lo + (hi - lo) * static_cast<double>(k) / static_cast<double>(points - 1);
    double s = 0;
    for (double y : v) {
      const double u = (x - y) / d.bandwidth;
      s += std::exp(-0.5 * u * u);
    }
    d.x.push_back(x);
    d.y.push_back(s * norm);
  }
  return d;
}

namespace {
struct Groups {
  std::vector<std::string> name;
  std::vector<std::vector<double>> values;
};
Groups group_values(const std::vector<double>& y, const std::vector<std::string>& group) {
  std::map<std::string, std::size_t> idx;
  Groups g;
  for (std::size_t i = 0; i < y.size(); ++i) {
    auto [it, fresh] = idx.try_emplace(group[i], g.name.size());
    if (fresh) {
      g.name.push_back(group[i]);
      g.values.emplace_back();
    }
    g.values[it->second].push_back(y[i]);
  }
  return g;
}
double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double theil_of(const std::vector<double>& v) {
  const double mu = mean_of(v);
  if (!(mu > 0)) return 0;
  double t = 0;
  for (double x : v) t += xlogx_ratio(x / mu);
  return t / static_cast<double>(v.size());
}
}  // namespace

TheilResult theil(const std::vector<double>& y, const std::vector<std::string>& group) {
  TheilResult r;
  if (y.empty()) return r;
  for (double v : y)
    if (v < 0) throw InputError("Theil index needs non-negative values");
  const double mu = mean_of(y);
  const double n = static_cast<double>(y.size());
  r.total = theil_of(y);
  Groups g = group_values(y, group);
  std::vector<std::size_t> order(g.name.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return g.name[a] < g.name[b]; });
  for (std::size_t k : order) {
    const auto& v = g.values[k];
    const double ng = static_cast<double>(v.size()), mg = mean_of(v), tg = theil_of(v);
    const double share = ng * mg / (n * mu);
    r.within += share * tg;
    r.between += mu > 0 ? (ng / n) * xlogx_ratio(mg / mu) : 0.0;
    r.group.push_back(g.name[k]);
    r.n.push_back(v.size());
    r.mean.push_back(mg);
    r.theil.push_back(tg);
  }
  return r;
}

double theil_groups(const std::vector<double>& income, const std::vector<double>& population) {
  const double it = std::accumulate(income.begin(), income.end(), 0.0);
  const double pt = std::accumulate(population.begin(), population.end(), 0.0);
  double t = 0;
  for (std::size_t j = 0; j < income.size(); ++j) {
    if (!(population[j] > 0)) continue;  // zero-population groups carry no weight
    const double is = income[j] / it, ps = population[j] / pt;
    if (is > 0) t += is * std::log(is / ps);
  }
  return t;
}

double gini(const std::vector<double>& y) {
  const std::size_t n = y.size();
  if (n == 0) return 0;
  std::vector<double> s = y;
  std::sort(s.begin(), s.end());
  // sum_i sum_r |y_i - y_r| = 2 sum_i (2i - n + 1) s_i (0-based, sorted)
  double acc = 0, tot = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc += (2.0 * static_cast<double>(i) - static_cast<double>(n) + 1.0) * s[i];
    tot += s[i];
  }
  return tot > 0 ? 2 * acc / (2.0 * static_cast<double>(n) * tot) : 0.0;
}

DagumResult dagum_gini(const std::vector<double>& y, const std::vector<std::string>& group) {
  DagumResult r;
  if (y.empty()) return r;
  Groups g = group_values(y, group);
  const std::size_t k = g.name.size();
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> mu(k);
  for (std::size_t a = 0; a < k; ++a) mu[a] = mean_of(g.values[a]);
  std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return mu[a] != mu[b] ? mu[a] < mu[b] : g.name[a] < g.name[b]; });
  const double n = static_cast<double>(y.size());
  const double mean = mean_of(y);
  r.g = gini(y);
  std::vector<std::vector<double>> v(k);
  for (std::size_t a = 0; a < k; ++a) {
    v[a] = g.values[order[a]];
    std::sort(v[a].begin(), v[a].end());
    r.group.push_back(g.name[order[a]]);
    r.n.push_back(v[a].size());
    r.mean.push_back(mu[order[a]]);
  }
  std::vector<double> p(k), s(k);
  for (std::size_t a = 0; a < k; ++a) {
    p[a] = static_cast<double>(v[a].size()) / n;
    s[a] = p[a] * r.mean[a] / mean;
  }
  // Sum over pairs of (x - y)^+ between two sorted samples, via prefix sums: O(n log n).
  auto pos_diff = [](const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> pre(b.size() + 1, 0.0);
    for (std::size_t i = 0; i < b.size(); ++i) pre[i + 1] = pre[i] + b[i];
    double tot = 0;
    for (double x : a) {
      const auto cnt = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), x) - b.begin());
      tot += static_cast<double>(cnt) * x - pre[cnt];
    }
    return tot;
  };
  r.g_within.assign(k, 0);
  r.g_between.assign(k, std::vector<double>(k, 0));
  r.d_between.assign(k, std::vector<double>(k, 0));
  for (std::size_t a = 0; a < k; ++a) {
    const double na = static_cast<double>(v[a].size());
    const double abs_sum = 2 * pos_diff(v[a], v[a]);
    r.g_within[a] = r.mean[a] > 0 ? abs_sum / (2 * na * na * r.mean[a]) : 0.0;
    r.gw += r.g_within[a] * p[a] * s[a];
  }
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t h = 0; h < j; ++h) {
      const double nj = static_cast<double>(v[j].size()), nh = static_cast<double>(v[h].size());
      const double djh = pos_diff(v[j], v[h]) / (nj * nh);  // j has the higher mean
      const double pjh = pos_diff(v[h], v[j]) / (nj * nh);
      const double gjh = (djh + pjh) / (r.mean[j] + r.mean[h]);
      const double d = djh + pjh > 0 ? (djh - pjh) / (djh + pjh) : 0.0;
      r.g_between[j][h] = r.g_between[h][j] = gjh;
      r.d_between[j][h] = r.d_between[h][j] = d;
      const double wgt = p[j] * s[h] + p[h] * s[j];
      r.gnb += gjh * wgt * d;
      r.gt += gjh * wgt * (1 - d);
    }
  return r;
}

// ---- distribution functions ----

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

namespace {
double betacf(double a, double b, double x) {
  const double tiny = 1e-300;
  double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return h;
}
double gammp_series(double a, double x) {
  double sum = 1 / a, del = sum, ap = a;
  for (int n = 0; n < 100000; ++n) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (std::fabs(del) < std::fabs(sum) * 1e-16) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}
double gammq_cf(double a, double x) {
  const double tiny = 1e-300;
  double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-16) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}
}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double bt =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return bt * betacf(a, b, x) / a;
  return 1 - bt * betacf(b, a, 1 - x) / b;
}

double student_t_sf2(double t, double df) {
  if (!std::isfinite(t)) return 0;
  return incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

double chi2_sf(double x, double df) {
  if (x <= 0) return 1;
  const double a = df / 2, xx = x / 2;
  if (xx < a + 1) return 1 - gammp_series(a, xx);
  return gammq_cf(a, xx);
}

double f_sf(double f, double d1, double d2) {
  if (f <= 0) return 1;
  return incomplete_beta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f));
}

double noncentral_f_sf(double f, double d1, double d2, double lambda) {
  if (f <= 0) return 1;
  if (lambda <= 0) return f_sf(f, d1, d2);
  const double x = d1 * f / (d1 * f + d2);
  // P(F <= f) = sum_k Pois(k; lambda/2) I_x(d1/2 + k, d2/2); sum outward from the Poisson mode for stability.
  const double half = lambda / 2;
  const auto mode = static_cast<long>(std::floor(half));
  auto pois = [&](long k) {
    return std::exp(-half + static_cast<double>(k) * std::log(half) -
                    std::lgamma(static_cast<double>(k) + 1));
  };
  double cdf = 0, mass = 0;
  for (long k = mode; k >= 0; --k) {
    const double w = pois(k);
    cdf += w * incomplete_beta(d1 / 2 + static_cast<double>(k), d2 / 2, x);
    mass += w;
    if (w < 1e-17 && k < mode - 10) break;
  }
  for (long k = mode + 1; k < mode + 100000; ++k) {
    const double w = pois(k);
    cdf += w * incomplete_beta(d1 / 2 + static_cast<double>(k), d2 / 2, x);
    mass += w;
    if (w < 1e-17 && k > mode + 10) break;
  }
  return std::clamp(1 - cdf, 0.0, 1.0);
}

}  // namespace cs::assess
