// Branch-free natural logarithm for loops the compiler can vectorise (glibc's log is an opaque call, so a
// loop over it runs one value at a time). The algorithm and coefficients are fdlibm's e_log.c (Sun
// Microsystems, 1993; freely redistributable): x = 2^k (1+f) with 1+f in [sqrt(2)/2, sqrt(2)), s = f/(2+f),
// log(1+f) = f - hfsq + s (hfsq + R(s^2)) with a degree-14 minimax R; error < 1 ulp (tests/core checks it
// against std::log). Only plain IEEE operations, so every vector width gives the same bits.
//
// Contract: x finite and >= 0. For x = 0 or subnormal x the result is a finite number near -709 (not -inf),
// which is what x ln x sums want: 0 * log_nonneg(0) = 0 with no branch.
//
// Example:
//   double e = 0; for (double v : p) e += v * cs::log_nonneg(v);   // sum p ln p, 0 ln 0 = 0
#pragma once

#include <bit>
#include <cstdint>

namespace cs {

inline double log_nonneg(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                   kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                   kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                   kLg7 = 1.479819860511658591e-01;
  // Shift the bits so the exponent field counts from sqrt(2)/2: k = floor(log2(x / (sqrt(2)/2))).
  const std::uint64_t u = std::bit_cast<std::uint64_t>(x) + (0x3ff0000000000000ULL - 0x3fe6a09e667f3bcdULL);
  // k as a double without an int64 -> double conversion (no vector instruction for it before AVX-512).
  const double k = std::bit_cast<double>((u >> 52) | 0x4330000000000000ULL) - (4503599627370496.0 + 1023.0);
  const double m = std::bit_cast<double>((u & 0x000fffffffffffffULL) + 0x3fe6a09e667f3bcdULL);
  const double f = m - 1.0;
  const double hfsq = 0.5 * f * f;
  const double s = f / (2.0 + f);
  const double z = s * s, w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  return s * (hfsq + (t2 + t1)) + k * kLn2Lo - hfsq + f + k * kLn2Hi;
}

}  // namespace cs
