// GeoDetector (Wang et al. 2010): factor, interaction, risk and ecological detectors, and quantile classes.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

// ---- GeoDetector ----

namespace {
struct Strata {
  std::vector<int> label;
  std::vector<std::size_t> n;
  std::vector<double> mean, var;  // population variance sigma_h^2
};
Strata stratify(const std::vector<double>& y, const std::vector<int>& s) {
  std::map<int, std::size_t> idx;
  for (int v : s) idx.emplace(v, 0);
  Strata st;
  for (auto& [k, v] : idx) {
    v = st.label.size();
    st.label.push_back(k);
  }
  const std::size_t L = st.label.size();
  st.n.assign(L, 0);
  st.mean.assign(L, 0);
  st.var.assign(L, 0);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::size_t h = idx[s[i]];
    st.n[h]++;
    st.mean[h] += y[i];
  }
  for (std::size_t h = 0; h < L; ++h) st.mean[h] /= static_cast<double>(st.n[h]);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::size_t h = idx[s[i]];
    st.var[h] += (y[i] - st.mean[h]) * (y[i] - st.mean[h]);
  }
  for (std::size_t h = 0; h < L; ++h) st.var[h] /= static_cast<double>(st.n[h]);
  return st;
}
double total_ss(const std::vector<double>& y) {
  const double m = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  double ss = 0;
  for (double v : y) ss += (v - m) * (v - m);
  return ss;
}
double q_of(const std::vector<double>& y, const Strata& st) {
  const double sst = total_ss(y);
  double ssw = 0;
  for (std::size_t h = 0; h < st.n.size(); ++h) ssw += static_cast<double>(st.n[h]) * st.var[h];
  return sst > 0 ? 1 - ssw / sst : 0.0;
}
std::vector<int> cross(const std::vector<int>& a, const std::vector<int>& b) {
  std::map<std::pair<int, int>, int> idx;
  std::vector<int> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    out[i] = idx.try_emplace({a[i], b[i]}, static_cast<int>(idx.size())).first->second;
  return out;
}
}  // namespace

FactorDetector factor_detector(const std::vector<double>& y, const std::vector<int>& strata,
                               std::string name) {
  FactorDetector f;
  f.name = std::move(name);
  const Strata st = stratify(y, strata);
  const double N = static_cast<double>(y.size()), L = static_cast<double>(st.n.size());
  f.strata = static_cast<int>(st.n.size());
  for (auto c : st.n) f.single_unit_strata += c == 1 ? 1 : 0;
  f.q = q_of(y, st);
  // Non-central F (Wang, Zhang et al. 2016): F = (N-L)/(L-1) q/(1-q), lambda = [sum Ybar_h^2 - (sum sqrt(N_h)
  // Ybar_h)^2 / N] / sigma^2.
  const double sigma2 = total_ss(y) / N;
  double a = 0, b = 0;
  for (std::size_t h = 0; h < st.n.size(); ++h) {
    a += st.mean[h] * st.mean[h];
    b += std::sqrt(static_cast<double>(st.n[h])) * st.mean[h];
  }
  f.lambda = sigma2 > 0 ? (a - b * b / N) / sigma2 : 0.0;
  if (L > 1 && N > L && f.q < 1) {
    f.f = (N - L) / (L - 1) * f.q / (1 - f.q);
    f.p = noncentral_f_sf(f.f, L - 1, N - L, f.lambda);
  } else {
    f.f = f.q >= 1 ? std::numeric_limits<double>::infinity() : 0.0;
    f.p = f.q >= 1 ? 0.0 : 1.0;
  }
  return f;
}

Interaction interaction_detector(const std::vector<double>& y, const std::vector<int>& sa,
                                 const std::vector<int>& sb, std::string a, std::string b) {
  Interaction r;
  r.a = std::move(a);
  r.b = std::move(b);
  r.q_a = q_of(y, stratify(y, sa));
  r.q_b = q_of(y, stratify(y, sb));
  r.q_ab = q_of(y, stratify(y, cross(sa, sb)));
  const double lo = std::min(r.q_a, r.q_b), hi = std::max(r.q_a, r.q_b), sum = r.q_a + r.q_b;
  const double tol = 1e-12;
  if (r.q_ab < lo - tol)
    r.kind = "nonlinear weaken";
  else if (r.q_ab <= hi + tol && r.q_ab >= lo - tol && r.q_ab < hi - tol)
    r.kind = "uni-variable weaken";
  else if (std::fabs(r.q_ab - sum) <= 1e-9)
    r.kind = "independent";
  else if (r.q_ab > sum)
    r.kind = "nonlinear enhance";
  else
    r.kind = "bi-variable enhance";
  return r;
}

RiskDetector risk_detector(const std::vector<double>& y, const std::vector<int>& strata, std::string name) {
  RiskDetector r;
  r.name = std::move(name);
  const Strata st = stratify(y, strata);
  r.stratum = st.label;
  r.n = st.n;
  r.mean = st.mean;
  for (std::size_t a = 0; a < st.n.size(); ++a)
    for (std::size_t b = a + 1; b < st.n.size(); ++b) {
      if (st.n[a] < 2 || st.n[b] < 2) continue;  // single-unit strata: no sample variance, no test
      const double na = static_cast<double>(st.n[a]), nb = static_cast<double>(st.n[b]);
      const double va = st.var[a] * na / (na - 1), vb = st.var[b] * nb / (nb - 1);  // sample variances
      RiskPair p;
      p.s1 = st.label[a];
      p.s2 = st.label[b];
      p.mean1 = st.mean[a];
      p.mean2 = st.mean[b];
      const double se2 = va / na + vb / nb;
      if (se2 <= 0) {
        p.t = st.mean[a] == st.mean[b] ? 0.0 : std::numeric_limits<double>::infinity();
        p.df = na + nb - 2;
        p.p = st.mean[a] == st.mean[b] ? 1.0 : 0.0;
      } else {
        p.t = (st.mean[a] - st.mean[b]) / std::sqrt(se2);
        p.df = se2 * se2 / ((va / na) * (va / na) / (na - 1) + (vb / nb) * (vb / nb) / (nb - 1));
        p.p = student_t_sf2(p.t, p.df);
      }
      p.significant = p.p < 0.05;
      r.pairs.push_back(p);
    }
  return r;
}

Ecological ecological_detector(const std::vector<double>& y, const std::vector<int>& sa,
                               const std::vector<int>& sb, std::string a, std::string b) {
  Ecological e;
  e.a = std::move(a);
  e.b = std::move(b);
  auto ssw = [&](const std::vector<int>& s) {
    const Strata st = stratify(y, s);
    double v = 0;
    for (std::size_t h = 0; h < st.n.size(); ++h) v += static_cast<double>(st.n[h]) * st.var[h];
    return v;
  };
  const double N = static_cast<double>(y.size());
  const double wa = ssw(sa), wb = ssw(sb);
  // F = [N_a (N_b - 1) SSW_a] / [N_b (N_a - 1) SSW_b] with N_a = N_b = N; df (N-1, N-1); two-sided.
  e.f = wb > 0 ? wa / wb : std::numeric_limits<double>::infinity();
  const double up = f_sf(e.f, N - 1, N - 1);
  e.p = std::min(1.0, 2 * std::min(up, 1 - up));
  e.significant = e.p < 0.05;
  return e;
}

std::vector<int> quantile_classes(const std::vector<double>& v, int k) {
  std::vector<double> breaks;
  for (int c = 1; c < k; ++c) breaks.push_back(quantile(v, static_cast<double>(c) / k));
  std::vector<int> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = static_cast<int>(std::lower_bound(breaks.begin(), breaks.end(), v[i]) - breaks.begin());
  return out;
}

MarkovResult spatial_markov(const std::vector<double>& y0, const std::vector<double>& y1, const Weights& w,
                            int k) {
  MarkovResult r;
  r.k = k;
  r.n = y0.size();
  const auto c0 = quantile_classes(y0, k), c1 = quantile_classes(y1, k);
  const auto lag = spatial_lag(w, y0);
  const auto cl = quantile_classes(lag, k);
  const auto K = static_cast<std::size_t>(k);
  r.counts.assign(K, std::vector<std::size_t>(K, 0));
  r.counts_cond.assign(K, std::vector<std::vector<std::size_t>>(K, std::vector<std::size_t>(K, 0)));
  for (std::size_t i = 0; i < y0.size(); ++i) {
    r.counts[static_cast<std::size_t>(c0[i])][static_cast<std::size_t>(c1[i])]++;
    r.counts_cond[static_cast<std::size_t>(cl[i])][static_cast<std::size_t>(c0[i])]
                 [static_cast<std::size_t>(c1[i])]++;
  }
  auto rows = [&](const std::vector<std::vector<std::size_t>>& c) {
    std::vector<std::vector<double>> p(K, std::vector<double>(K, 0.0));
    for (std::size_t a = 0; a < K; ++a) {
      const double s = static_cast<double>(std::accumulate(c[a].begin(), c[a].end(), std::size_t{0}));
      for (std::size_t b = 0; b < K; ++b) p[a][b] = s > 0 ? static_cast<double>(c[a][b]) / s : 0.0;
    }
    return p;
  };
  r.p = rows(r.counts);
  for (std::size_t l = 0; l < K; ++l) r.p_cond.push_back(rows(r.counts_cond[l]));
  // Homogeneity (Rey 2001; Bickenbach & Bode 2003): Q = 2 sum_l sum_ij n_lij ln(p_lij/p_ij),
  // df = sum over lag classes l and rows i with n_li > 0 of (#{j: p_ij > 0} - 1).
  for (std::size_t l = 0; l < K; ++l)
    for (std::size_t a = 0; a < K; ++a) {
      const auto nli =
          std::accumulate(r.counts_cond[l][a].begin(), r.counts_cond[l][a].end(), std::size_t{0});
      if (nli == 0) continue;
      int pos = 0;
      for (std::size_t b = 0; b < K; ++b) {
        if (r.p[a][b] > 0) ++pos;
        if (r.counts_cond[l][a][b] > 0)
          r.q += 2 * static_cast<double>(r.counts_cond[l][a][b]) * std::log(r.p_cond[l][a][b] / r.p[a][b]);
      }
      r.df += pos - 1;
    }
  // Pooled rows must also be counted: the unconstrained model has K x (K-1) pooled parameters.
  for (std::size_t a = 0; a < K; ++a) {
    int pos = 0;
    for (std::size_t b = 0; b < K; ++b) pos += r.p[a][b] > 0 ? 1 : 0;
    if (pos > 0) r.df -= pos - 1;
  }
  r.p_value = r.df > 0 ? chi2_sf(r.q, r.df) : 1.0;
  return r;
}

}  // namespace cs::assess
