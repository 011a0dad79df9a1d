// A small deterministic generator (SplitMix64 seeding xoshiro256**) with its own integer/real draws, so that the
// same seed gives the same numbers with every standard library (std:: distributions are implementation-defined).
//
// Example:
//   cs::Rng rng(ctx.seed);  std::size_t k = rng.below(n);  double u = rng.uniform();
#pragma once

#include <cstddef>
#include <cstdint>

namespace cs {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept {
    for (auto& s : s_) s = splitmix(seed);
  }
  std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3]; s_[2] ^= t; s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform integer in [0, n) without modulo bias (Lemire); n > 0.
  std::uint64_t below(std::uint64_t n) noexcept {
    std::uint64_t x = next();
    __uint128_t m = static_cast<__uint128_t>(x) * n;
    auto l = static_cast<std::uint64_t>(m);
    if (l < n) {
      const std::uint64_t t = (0 - n) % n;
      while (l < t) { x = next(); m = static_cast<__uint128_t>(x) * n; l = static_cast<std::uint64_t>(m); }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // Uniform real in [0, 1).
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t splitmix(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace cs
