// Seeded random location instances for the locate tests.
#pragma once

#include <cmath>

#include <countyscope/core/rng.hpp>
#include <countyscope/locate/problem.hpp>

namespace cs::test {

// n demand points and m candidates on a 100 x 100 plane; times = distance x speed factor, ~5 % unreachable
// pairs (never a whole row), ~10 % zero weights.
inline cs::locate::LocateProblem random_instance(Rng& rng, cs::locate::ProblemKind kind, std::size_t n,
                                                 std::size_t m) {
  cs::locate::LocateProblem pb;
  pb.kind = kind;
  std::vector<double> dx(n), dy(n), cx(m), cy(m);
  for (std::size_t i = 0; i < n; ++i) dx[i] = rng.uniform() * 100, dy[i] = rng.uniform() * 100;
  for (std::size_t j = 0; j < m; ++j) cx[j] = rng.uniform() * 100, cy[j] = rng.uniform() * 100;
  pb.cost = TimeMatrix(n, m);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      const double d = std::hypot(dx[i] - cx[j], dy[i] - cy[j]) * (1.0 + 0.5 * rng.uniform());
      pb.cost(i, j) = static_cast<float>(std::round(d * 10) / 10);
      if (kind != cs::locate::ProblemKind::kLscp && rng.uniform() < 0.05 && j != i % m)
        pb.cost(i, j) = kUnreachable;
    }
  }
  pb.weight.resize(n);
  for (auto& w : pb.weight) w = rng.uniform() < 0.1 ? 0.0 : static_cast<double>(1 + rng.below(50));
  return pb;
}

}  // namespace cs::test
