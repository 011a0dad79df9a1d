// Distribution functions for the tests of the spatial statistics (normal, Student t, chi-square, F,
// non-central F).
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
  double cdf = 0;
  for (long k = mode; k >= 0; --k) {
    const double w = pois(k);
    cdf += w * incomplete_beta(d1 / 2 + static_cast<double>(k), d2 / 2, x);
    if (w < 1e-17 && k < mode - 10) break;
  }
  for (long k = mode + 1; k < mode + 100000; ++k) {
    const double w = pois(k);
    cdf += w * incomplete_beta(d1 / 2 + static_cast<double>(k), d2 / 2, x);
    if (w < 1e-17 && k > mode + 10) break;
  }
  return std::clamp(1 - cdf, 0.0, 1.0);
}

}  // namespace cs::assess
