// Poisson IRLS with absorbed fixed effects (see include/countyscope/flows/glm.hpp for the block algebra).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/flows/glm.hpp>

namespace cs::flows {

namespace {

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// In-place lower Cholesky of a symmetric q x q row-major matrix (lower triangle read). Returns false when a
// pivot is not clearly positive (a singular / collinear design).
bool cholesky(std::vector<double>& s, std::size_t q) {
  for (std::size_t i = 0; i < q; ++i) {
    double* li = &s[i * q];
    for (std::size_t j = 0; j <= i; ++j) {
      const double* lj = &s[j * q];
      double v = li[j];
      for (std::size_t k = 0; k < j; ++k) v -= li[k] * lj[k];
      if (j == i) {
        if (!(v > 1e-12 * std::max(1.0, std::abs(li[i] == 0 ? 1.0 : li[i])))) return false;
        li[i] = std::sqrt(v);
      } else {
        li[j] = v / lj[j];
      }
    }
  }
  return true;
}

// Solves L L' x = b in place.
void chol_solve(const std::vector<double>& l, std::size_t q, double* b) {
  for (std::size_t i = 0; i < q; ++i) {
    double v = b[i];
    for (std::size_t k = 0; k < i; ++k) v -= l[i * q + k] * b[k];
    b[i] = v / l[i * q + i];
  }
  for (std::size_t ii = q; ii-- > 0;) {
    double v = b[ii];
    for (std::size_t k = ii + 1; k < q; ++k) v -= l[k * q + ii] * b[k];
    b[ii] = v / l[ii * q + ii];
  }
}

struct Blocks {
  std::size_t n1 = 0, n2m = 0, p = 0, q = 0;
  std::vector<double> A;   // n1
  std::vector<double> B;   // n1 x q
  std::vector<double> S;   // q x q (M, then the Schur complement)
  std::vector<double> ra;  // n1
  std::vector<double> rq;  // q
};

void zero(Blocks& bl) {
  std::fill(bl.A.begin(), bl.A.end(), 0.0);
  std::fill(bl.B.begin(), bl.B.end(), 0.0);
  std::fill(bl.S.begin(), bl.S.end(), 0.0);
  std::fill(bl.ra.begin(), bl.ra.end(), 0.0);
  std::fill(bl.rq.begin(), bl.rq.end(), 0.0);
}

// Adds observations [begin, end) to the weighted normal equations X'WX and X'Wz (weights w, working response
// z).
// No fixed effects and P covariates known at compile time: the sums stay in registers (the general loop below
// must go through memory, since the blocks might alias the design). Same additions in the same order, so the
// same bits as the general loop.
template <std::size_t P>
void assemble_plain(const PoissonDesign& d, const std::vector<double>& w, const std::vector<double>& z,
                    Blocks& bl, std::size_t begin, std::size_t end) {
  double S[P][P] = {}, r[P] = {};
  for (std::size_t k = begin; k < end; ++k) {
    const double wk = w[k], wz = wk * z[k];
    const double* xk = &d.x(k, 0);
    for (std::size_t c = 0; c < P; ++c) {
      r[c] += wz * xk[c];
      const double wx = wk * xk[c];
      for (std::size_t e = c; e < P; ++e) S[c][e] += wx * xk[e];
    }
  }
  for (std::size_t c = 0; c < P; ++c) {
    bl.rq[c] += r[c];
    for (std::size_t e = c; e < P; ++e) bl.S[c * bl.q + e] += S[c][e];
  }
}

void assemble_range(const PoissonDesign& d, const std::vector<double>& w, const std::vector<double>& z,
                    Blocks& bl, std::size_t begin, std::size_t end) {
  const std::size_t p = bl.p, q = bl.q, n2m = bl.n2m;
  if (bl.n1 == 0 && d.fe2.empty()) {
    switch (p) {
      case 1:
        return assemble_plain<1>(d, w, z, bl, begin, end);
      case 2:
        return assemble_plain<2>(d, w, z, bl, begin, end);
      case 3:
        return assemble_plain<3>(d, w, z, bl, begin, end);
      case 4:
        return assemble_plain<4>(d, w, z, bl, begin, end);
      case 5:
        return assemble_plain<5>(d, w, z, bl, begin, end);
      default:
        break;
    }
  }
  const bool has1 = bl.n1 > 0, has2 = !d.fe2.empty();
  for (std::size_t k = begin; k < end; ++k) {
    const double wk = w[k], wz = wk * z[k];
    const double* xk = p ? &d.x(k, 0) : nullptr;
    const std::size_t l2 = has2 && d.fe2[k] > 0 ? d.fe2[k] - 1 : static_cast<std::size_t>(-1);
    if (has1) {
      const std::size_t i = d.fe1[k];
      bl.A[i] += wk;
      bl.ra[i] += wz;
      double* bi = &bl.B[i * q];
      if (l2 != static_cast<std::size_t>(-1)) bi[l2] += wk;
      for (std::size_t c = 0; c < p; ++c) bi[n2m + c] += wk * xk[c];
    }
    if (l2 != static_cast<std::size_t>(-1)) {
      bl.S[l2 * q + l2] += wk;
      bl.rq[l2] += wz;
      for (std::size_t c = 0; c < p; ++c) bl.S[l2 * q + n2m + c] += wk * xk[c];
    }
    for (std::size_t c = 0; c < p; ++c) {
      bl.rq[n2m + c] += wz * xk[c];
      double* sr = &bl.S[(n2m + c) * q + n2m];
      const double wx = wk * xk[c];
      for (std::size_t e = c; e < p; ++e) sr[e] += wx * xk[e];
    }
  }
}

constexpr std::size_t kChunk = 1 << 16;

// The whole assembly. When the blocks are small (few fixed-effect levels), fixed chunks of observations are
// summed in parallel into per-chunk partials that are then added in chunk order, so the result does not
// depend on the thread count or scheduling (byte-identical outputs; one thread takes the same chunks).
void assemble(const PoissonDesign& d, const std::vector<double>& w, const std::vector<double>& z, Blocks& bl,
              int threads) {
  const std::size_t n = d.y.size();
  zero(bl);
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  const std::size_t size = bl.A.size() + bl.B.size() + bl.S.size() + bl.ra.size() + bl.rq.size();
  if (chunks < 2 || size * chunks > (1u << 22)) {
    assemble_range(d, w, z, bl, 0, n);
    return;
  }
  std::vector<Blocks> part(chunks, bl);
  parallel_for(chunks, threads, [&](std::size_t c, int) {
    assemble_range(d, w, z, part[c], c * kChunk, std::min(n, (c + 1) * kChunk));
  });
  for (const Blocks& pb : part) {
    for (std::size_t i = 0; i < bl.A.size(); ++i) bl.A[i] += pb.A[i];
    for (std::size_t i = 0; i < bl.B.size(); ++i) bl.B[i] += pb.B[i];
    for (std::size_t i = 0; i < bl.S.size(); ++i) bl.S[i] += pb.S[i];
    for (std::size_t i = 0; i < bl.ra.size(); ++i) bl.ra[i] += pb.ra[i];
    for (std::size_t i = 0; i < bl.rq.size(); ++i) bl.rq[i] += pb.rq[i];
  }
}

// Runs f(k) for every observation, in parallel chunks (element-wise work: order does not matter).
template <class F>
void for_obs(std::size_t n, int threads, F&& f) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  parallel_for(chunks, threads, [&](std::size_t c, int) {
    for (std::size_t k = c * kChunk, e = std::min(n, (c + 1) * kChunk); k < e; ++k) f(k);
  });
}

// S -= B' A^-1 B (upper triangle, then mirrored to full), rq -= B' A^-1 ra; blocked over rows of S so a row
// of B is reused from cache for a block of output rows.
void schur(Blocks& bl, int threads) {
  const std::size_t q = bl.q, n1 = bl.n1;
  if (q == 0) return;
  if (n1 > 0) {
    constexpr std::size_t kBlock = 16;
    const std::size_t nblocks = (q + kBlock - 1) / kBlock;
    parallel_for(nblocks, threads, [&](std::size_t blk, int) {
      const std::size_t j0 = blk * kBlock, j1 = std::min(q, j0 + kBlock);
      for (std::size_t i = 0; i < n1; ++i) {
        const double inv = 1.0 / bl.A[i];
        const double* bi = &bl.B[i * q];
        for (std::size_t j = j0; j < j1; ++j) {
          const double s = bi[j] * inv;
          if (s == 0.0) continue;
          double* sr = &bl.S[j * q];
          for (std::size_t k = j; k < q; ++k) sr[k] -= s * bi[k];
        }
      }
    });
    for (std::size_t i = 0; i < n1; ++i) {
      const double f = bl.ra[i] / bl.A[i];
      const double* bi = &bl.B[i * q];
      for (std::size_t j = 0; j < q; ++j) bl.rq[j] -= bi[j] * f;
    }
  }
  for (std::size_t j = 0; j < q; ++j)
    for (std::size_t k = j + 1; k < q; ++k) bl.S[k * q + j] = bl.S[j * q + k];
}

// Sum of f(k) over k < n in fixed chunks summed in chunk order: parallel, and the same value for any thread
// count.
template <class F>
double chunk_sum(std::size_t n, int threads, F&& f) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> part(chunks, 0.0);
  parallel_for(chunks, threads, [&](std::size_t c, int) {
    double s = 0.0;
    for (std::size_t k = c * kChunk, e = std::min(n, (c + 1) * kChunk); k < e; ++k) s += f(k);
    part[c] = s;
  });
  double s = 0.0;
  for (double v : part) s += v;
  return s;
}

// spint / statsmodels (<= 0.8) definition 2 sum y ln(y / mu); equal to the full Poisson deviance
// 2 sum [y ln(y / mu) - (y - mu)] whenever the model has an intercept or fixed effects (then sum mu = sum y).
double deviance_of(const std::vector<double>& y, const std::vector<double>& mu, int threads) {
  return chunk_sum(y.size(), threads,
                   [&](std::size_t k) { return 2.0 * (y[k] > 0 ? y[k] * std::log(y[k] / mu[k]) : 0.0); });
}

// Poisson log-likelihood without the sum of ln(y!) (added once by the caller).
double loglik_kernel(const std::vector<double>& y, const std::vector<double>& mu, int threads) {
  return chunk_sum(y.size(), threads,
                   [&](std::size_t k) { return (y[k] > 0 ? y[k] * std::log(mu[k]) : 0.0) - mu[k]; });
}
double loglik_null_kernel(const std::vector<double>& y, double ybar, int threads) {
  const double lb = std::log(ybar);
  return chunk_sum(y.size(), threads, [&](std::size_t k) { return y[k] * lb - ybar; });
}
double lgamma_sum(const std::vector<double>& y, int threads) {
  return chunk_sum(y.size(), threads, [&](std::size_t k) {
    int sign = 0;  // lgamma_r: std::lgamma writes the global signgam (a data race across threads)
    return y[k] == 0.0 || y[k] == 1.0 ? 0.0 : ::lgamma_r(y[k] + 1.0, &sign);
  });
}
double null_deviance_of(const std::vector<double>& y, double ybar, int threads) {
  return chunk_sum(y.size(), threads,
                   [&](std::size_t k) { return 2.0 * (y[k] > 0 ? y[k] * std::log(y[k] / ybar) : 0.0); });
}

// Checks the design (lengths, finite values, every fixed-effect level observed, fewer parameters than
// observations) and sizes the blocks of the normal equations.
Blocks design_blocks(const PoissonDesign& d) {
  const std::size_t n = d.y.size();
  const std::size_t p = d.x.cols();
  if (n == 0) throw InputError("Poisson GLM: no observations");
  if (d.x.rows() != n && p > 0) throw InputError("Poisson GLM: covariate rows do not match observations");
  if (!d.offset.empty() && d.offset.size() != n)
    throw InputError("Poisson GLM: offset length does not match");
  if (!d.fe1.empty() && d.fe1.size() != n) throw InputError("Poisson GLM: fe1 length does not match");
  if (!d.fe2.empty() && d.fe2.size() != n) throw InputError("Poisson GLM: fe2 length does not match");
  for (std::size_t k = 0; k < n; ++k) {
    if (!(d.y[k] >= 0.0) || !std::isfinite(d.y[k]))
      throw InputError("observation " + std::to_string(k + 1) + ": flow must be finite and >= 0, got " +
                       num(d.y[k]));
    for (std::size_t c = 0; c < p; ++c)
      if (!std::isfinite(d.x(k, c)))
        throw InputError("observation " + std::to_string(k + 1) + ": covariate " + std::to_string(c + 1) +
                         " is not finite (" + num(d.x(k, c)) + ")");
  }
  Blocks bl;
  bl.n1 = d.fe1.empty() ? 0 : d.n_fe1;
  bl.n2m = d.fe2.empty() ? 0 : (d.n_fe2 > 0 ? d.n_fe2 - 1 : 0);
  bl.p = p;
  bl.q = bl.n2m + p;
  const std::size_t q = bl.q;
  {
    std::vector<std::size_t> c1(bl.n1, 0), c2(d.fe2.empty() ? 0 : d.n_fe2, 0);
    for (std::size_t k = 0; k < n; ++k) {
      if (bl.n1) {
        if (d.fe1[k] >= bl.n1) throw InputError("Poisson GLM: fe1 level out of range");
        ++c1[d.fe1[k]];
      }
      if (!d.fe2.empty()) {
        if (d.fe2[k] >= d.n_fe2) throw InputError("Poisson GLM: fe2 level out of range");
        ++c2[d.fe2[k]];
      }
    }
    for (std::size_t i = 0; i < c1.size(); ++i)
      if (!c1[i])
        throw InputError("Poisson GLM: fixed-effect level " + std::to_string(i) + " has no observations");
    for (std::size_t i = 0; i < c2.size(); ++i)
      if (!c2[i])
        throw InputError("Poisson GLM: fixed-effect level " + std::to_string(i) + " has no observations");
  }
  if (bl.n1 + q == 0) throw InputError("Poisson GLM: the model has no parameters");
  if (bl.n1 + q > n)
    throw InputError("Poisson GLM: more parameters (" + std::to_string(bl.n1 + q) + ") than observations (" +
                     std::to_string(n) + ")");
  bl.A.assign(bl.n1, 0.0);
  bl.B.assign(bl.n1 * q, 0.0);
  bl.S.assign(q * q, 0.0);
  bl.ra.assign(bl.n1, 0.0);
  bl.rq.assign(q, 0.0);
  return bl;
}

// The state of the IRLS iterations: fitted means, linear predictor, working response, the estimates (ta:
// first effect; tq: second effect without its reference level, then the covariates) and the convergence
// record.
struct Irls {
  std::vector<double> mu, eta, z, ta, tq, mu_prev;
  int it = 0;
  double maxchange = 0.0;
  bool converged = false;
};

// The stopping rule after an iteration: spint's (smallest absolute change <= tolerance, from zeros) or ours
// (every relative change < tolerance, from the second iteration). Sets s.maxchange and s.converged; false
// when the change is not finite (the loop stops, unconverged).
bool irls_stop(const GlmOptions& opt, const Blocks& bl, const std::vector<double>& ta_old,
               const std::vector<double>& tq_old, Irls& s) {
  if (opt.spint_compatible) {
    double mn = std::numeric_limits<double>::infinity();
    const double d0 = bl.n1 ? s.ta[0] - ta_old[0] : 0.0;
    for (std::size_t i = 0; i < bl.n1; ++i)
      mn = std::min(mn, std::abs(i == 0 ? d0 : (s.ta[i] - ta_old[i]) - d0));
    for (std::size_t j = 0; j < bl.q; ++j) mn = std::min(mn, std::abs(s.tq[j] - tq_old[j]));
    s.maxchange = mn;
    s.converged = mn <= opt.tolerance;
    return s.converged;
  }
  if (s.it <= 1) return false;
  s.maxchange = 0.0;
  for (std::size_t i = 0; i < bl.n1; ++i)
    s.maxchange = std::max(s.maxchange, std::abs(s.ta[i] - ta_old[i]) / (1.0 + std::abs(ta_old[i])));
  for (std::size_t j = 0; j < bl.q; ++j)
    s.maxchange = std::max(s.maxchange, std::abs(s.tq[j] - tq_old[j]) / (1.0 + std::abs(tq_old[j])));
  if (!std::isfinite(s.maxchange)) return true;
  s.converged = s.maxchange < opt.tolerance;
  return s.converged;
}

// Iteratively reweighted least squares from statsmodels' start, the normal equations solved through the
// Schur complement of the first effect's diagonal block.
Irls run_irls(const PoissonDesign& d, const GlmOptions& opt, double ybar, Blocks& bl) {
  const std::size_t n = d.y.size(), p = bl.p, q = bl.q;
  const int threads = opt.threads;
  auto off = [&](std::size_t k) { return d.offset.empty() ? 0.0 : d.offset[k]; };
  Irls s;
  s.mu.resize(n);
  s.eta.resize(n);
  s.z.resize(n);
  for_obs(n, threads, [&](std::size_t k) {
    s.mu[k] = (d.y[k] + ybar) / 2.0;  // statsmodels' start
    s.eta[k] = std::log(s.mu[k]);
  });
  s.ta.assign(bl.n1, 0.0);
  s.tq.assign(q, 0.0);
  std::vector<double> ta_old(bl.n1, 0.0), tq_old(q, 0.0);
  // Working response of the first iteration; later ones are computed in the same pass as the new mu.
  for_obs(n, threads, [&](std::size_t k) { s.z[k] = s.eta[k] - off(k) + (d.y[k] - s.mu[k]) / s.mu[k]; });
  while (s.it < opt.max_iterations) {
    ++s.it;
    if (opt.spint_compatible) s.mu_prev = s.mu;
    assemble(d, s.mu, s.z, bl, threads);
    schur(bl, threads);
    if (!cholesky(bl.S, q))
      throw InputError(
          "Poisson GLM: the design is singular (covariates collinear with each other or with the "
          "fixed effects)");
    s.tq = bl.rq;
    if (q) chol_solve(bl.S, q, s.tq.data());
    for (std::size_t i = 0; i < bl.n1; ++i) {
      double v = bl.ra[i];
      const double* bi = &bl.B[i * q];
      for (std::size_t j = 0; j < q; ++j) v -= bi[j] * s.tq[j];
      s.ta[i] = v / bl.A[i];
    }
    for_obs(n, threads, [&](std::size_t k) {
      double e = off(k);
      if (bl.n1) e += s.ta[d.fe1[k]];
      if (bl.n2m && d.fe2[k] > 0) e += s.tq[d.fe2[k] - 1];
      for (std::size_t c = 0; c < p; ++c) e += d.x(k, c) * s.tq[bl.n2m + c];
      s.eta[k] = e;
      s.mu[k] = std::exp(e);
      s.z[k] = e - off(k) + (d.y[k] - s.mu[k]) / s.mu[k];
    });
    if (irls_stop(opt, bl, ta_old, tq_old, s)) break;
    ta_old = s.ta;
    tq_old = s.tq;
  }
  return s;
}

// Standard errors from the information matrix with the given weights (the estimate's mu; spint: the last
// iteration's), scaled by f.scale: se of every parameter and Cov(a_i, a_0).
void add_covariance(const PoissonDesign& d, const std::vector<double>& weights, const std::vector<double>& z,
                    int threads, Blocks& bl, PoissonFit& f) {
  const std::size_t p = bl.p, q = bl.q;
  assemble(d, weights, z, bl, threads);
  schur(bl, threads);
  if (!cholesky(bl.S, q)) throw InputError("Poisson GLM: the information matrix is singular at the estimate");
  // Sinv = S^-1, column by column.
  std::vector<double> sinv(q * q, 0.0);
  parallel_for(q, threads, [&](std::size_t j, int) {
    std::vector<double> e(q, 0.0);
    e[j] = 1.0;
    chol_solve(bl.S, q, e.data());
    for (std::size_t i = 0; i < q; ++i) sinv[i * q + j] = e[i];
  });
  const double sc = f.scale;
  f.se_b.assign(f.b.size(), 0.0);
  for (std::size_t j = 0; j < bl.n2m; ++j) f.se_b[j + 1] = std::sqrt(sc * sinv[j * q + j]);
  f.se_beta.resize(p);
  for (std::size_t c = 0; c < p; ++c) f.se_beta[c] = std::sqrt(sc * sinv[(bl.n2m + c) * q + bl.n2m + c]);
  // Cov(a) = A^-1 + A^-1 B S^-1 B' A^-1: only the diagonal and the column of level 0 are needed.
  f.se_a.assign(bl.n1, 0.0);
  f.cov_a_ref.assign(bl.n1, 0.0);
  if (!bl.n1) return;
  std::vector<double> v0(q, 0.0);
  const double* b0 = &bl.B[0];
  for (std::size_t r = 0; r < q; ++r) {
    double s = 0.0;
    for (std::size_t c = 0; c < q; ++c) s += sinv[r * q + c] * b0[c];
    v0[r] = s;
  }
  parallel_for(bl.n1, threads, [&](std::size_t i, int) {
    const double* bi = &bl.B[i * q];
    double quad = 0.0, cross = 0.0;
    for (std::size_t r = 0; r < q; ++r) {
      if (bi[r] == 0.0) continue;
      double s = 0.0;
      const double* sr = &sinv[r * q];
      for (std::size_t c = 0; c < q; ++c) s += sr[c] * bi[c];
      quad += bi[r] * s;
      cross += bi[r] * v0[r];
    }
    const double ai = bl.A[i];
    f.se_a[i] = std::sqrt(sc * (1.0 / ai + quad / (ai * ai)));
    f.cov_a_ref[i] = sc * ((i == 0 ? 1.0 / ai : 0.0) + cross / (ai * bl.A[0]));
  });
}

}  // namespace

PoissonFit fit_poisson(const PoissonDesign& d, const GlmOptions& opt) {
  Blocks bl = design_blocks(d);
  const std::size_t n = d.y.size(), q = bl.q;
  const int threads = opt.threads;
  double ybar = 0.0;
  for (double v : d.y) ybar += v;
  ybar /= static_cast<double>(n);
  if (!(ybar > 0.0)) throw InputError("Poisson GLM: every observed flow is zero");

  const Irls s = run_irls(d, opt, ybar, bl);
  if (!s.converged)
    throw Error(ErrorKind::kInfeasible,
                "Poisson GLM (IRLS) did not converge after " + std::to_string(s.it) +
                    " iterations (largest relative parameter change " + num(s.maxchange) + ", tolerance " +
                    num(opt.tolerance) +
                    "); a level whose flows are all zero, or separated data, has no finite "
                    "estimate");

  PoissonFit f;
  f.iterations = s.it;
  f.n_obs = n;
  f.n_params = bl.n1 + q;
  f.a = s.ta;
  f.b.assign(d.fe2.empty() ? 0 : d.n_fe2, 0.0);
  for (std::size_t j = 0; j < bl.n2m; ++j) f.b[j + 1] = s.tq[j];
  f.beta.assign(s.tq.begin() + static_cast<std::ptrdiff_t>(bl.n2m), s.tq.end());
  f.mu = s.mu;
  f.deviance = deviance_of(d.y, s.mu, threads);
  f.null_deviance = null_deviance_of(d.y, ybar, threads);
  const double lg = lgamma_sum(d.y, threads);
  f.llf = loglik_kernel(d.y, s.mu, threads) - lg;
  f.llnull = loglik_null_kernel(d.y, ybar, threads) - lg;
  f.pearson_chi2 =
      chunk_sum(n, threads, [&](std::size_t k) { return (d.y[k] - s.mu[k]) * (d.y[k] - s.mu[k]) / s.mu[k]; });
  f.scale = opt.quasi ? f.pearson_chi2 / static_cast<double>(n - f.n_params) : 1.0;
  // Information at the estimate: weights mu (z is irrelevant here); spint uses the weights of its last
  // iteration.
  if (opt.covariance) add_covariance(d, opt.spint_compatible ? s.mu_prev : s.mu, s.z, threads, bl, f);
  return f;
}

}  // namespace cs::flows
