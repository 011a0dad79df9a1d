// Oracles (STYLE P10): brute force over all subsets equals the MIP optimum on seeded random instances with <=
// 12 candidates (>= 50 per problem type and variant); LP bound <= MIP <= heuristic (minimisation, reversed
// for MCLP); the heuristic's bound is valid; MCLP coverage is non-decreasing in p; LSCP covers everybody.
#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include <countyscope/core/rng.hpp>
#include <countyscope/locate/problem.hpp>

#include "instances.hpp"
#include "test_support.hpp"

namespace {

using cs::locate::LocateProblem;
using cs::locate::Outcome;
using cs::locate::ProblemKind;

double tol(double v) { return 1e-6 * std::max(1.0, std::abs(v)); }

enum class Variant { kPlain, kFixed, kBudget, kCapacity };

cs::locate::LocateProblem make(cs::Rng& rng, cs::locate::ProblemKind kind, Variant v) {
  // 3..12 candidates (3..8 when capacitated: the brute force solves one transportation LP per subset)
  const std::size_t m = 3 + rng.below(v == Variant::kCapacity ? 6 : 10);
  const std::size_t n = 5 + rng.below(36);
  cs::locate::LocateProblem pb = cs::test::random_instance(rng, kind, n, m);
  pb.p = static_cast<std::uint32_t>(1 + rng.below(std::min<std::size_t>(m, 5)));
  if (kind == cs::locate::ProblemKind::kMclp) pb.standard_s = 20 + 30 * rng.uniform();
  if (kind == cs::locate::ProblemKind::kLscp) {
    double need = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (pb.w(i) <= 0) continue;
      const auto r = pb.cost.row(i);
      need = std::max(need, static_cast<double>(*std::min_element(r.begin(), r.end())));
    }
    pb.standard_s = need * (1.0 + 0.6 * rng.uniform());
  }
  if (v == Variant::kFixed && m >= 2) {
    pb.p = std::max<std::uint32_t>(pb.p, 2);
    const std::uint32_t nf = 1 + static_cast<std::uint32_t>(rng.below(std::min<std::uint32_t>(pb.p, 3)));
    for (std::uint32_t j = 0; j < m && pb.fixed.size() < nf; ++j)
      if (rng.uniform() < 0.5 || m - j <= nf - pb.fixed.size()) pb.fixed.push_back(j);
  }
  if (v == Variant::kBudget) {
    pb.opening_cost.resize(m);
    for (auto& c : pb.opening_cost) c = static_cast<double>(1 + rng.below(9));
    std::vector<double> c = pb.opening_cost;
    std::sort(c.begin(), c.end());
    const std::size_t k = kind == cs::locate::ProblemKind::kLscp ? m : pb.p;
    double cheapest = 0;
    for (std::size_t q = 0; q < k; ++q) cheapest += c[q];
    pb.budget = kind == cs::locate::ProblemKind::kLscp ? cheapest : cheapest + std::round(rng.uniform() * 10);
    if (kind == cs::locate::ProblemKind::kPMedian && rng.uniform() < 0.3)
      pb.p = 0;  // budget alone limits the count
  }
  if (v == Variant::kCapacity) {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) total += pb.w(i);
    pb.capacity.resize(m);
    for (auto& c : pb.capacity) c = std::round(total / pb.p * (0.6 + 1.2 * rng.uniform()));
  }
  return pb;
}

void check_one(const cs::locate::LocateProblem& pb, int idx, bool with_heuristic) {
  SCOPED_TRACE("instance " + std::to_string(idx) + " " + std::string(cs::locate::problem_name(pb.kind)) +
               " n=" + std::to_string(pb.demand_count()) + " m=" + std::to_string(pb.candidate_count()) +
               " p=" + std::to_string(pb.p));
  if (!validate(pb).empty()) return;  // e.g. a capacity draw below demand: covered by bad-input tests
  cs::Context ctx;
  const auto brute = cs::locate::solve_brute_force(pb);
  const auto mip = cs::locate::solve_mip(pb, {.time_limit_s = 30}, ctx);
  const bool maxi = cs::locate::maximises(pb.kind);
  if (brute.outcome == cs::locate::Outcome::kInfeasible) {
    EXPECT_EQ(mip.outcome, cs::locate::Outcome::kInfeasible);
    return;
  }
  ASSERT_EQ(mip.outcome, cs::locate::Outcome::kOptimal) << mip.message;
  EXPECT_NEAR(mip.objective, brute.objective, tol(brute.objective));
  EXPECT_NEAR(mip.bound, mip.objective, 1e-5 * std::max(1.0, std::abs(mip.objective)));
  EXPECT_NEAR(cs::locate::evaluate(pb, mip.open), brute.objective, tol(brute.objective));
  // LP relaxation bound.
  const double lp = cs::locate::lp_relaxation_bound(pb);
  ASSERT_TRUE(std::isfinite(lp));
  if (maxi) {
    EXPECT_GE(lp, mip.objective - tol(lp));
  } else
    EXPECT_LE(lp, mip.objective + tol(lp));
  if (!with_heuristic) return;
  const auto h = cs::locate::solve_heuristic(pb, {}, ctx);
  ASSERT_TRUE(h.outcome == cs::locate::Outcome::kOptimal ||
              h.outcome == cs::locate::Outcome::kFeasibleGapOpen)
      << h.message;
  EXPECT_NEAR(cs::locate::evaluate(pb, h.open), h.objective, tol(h.objective));
  if (pb.p > 0 && pb.kind != cs::locate::ProblemKind::kLscp) {
    EXPECT_EQ(h.open.size(), pb.p);
  }
  for (auto f : pb.fixed) EXPECT_TRUE(std::binary_search(h.open.begin(), h.open.end(), f));
  if (maxi) {
    EXPECT_LE(h.objective, mip.objective + tol(mip.objective));
    EXPECT_GE(h.bound, mip.objective - tol(mip.objective));
  } else {
    EXPECT_GE(h.objective, mip.objective - tol(mip.objective));
    EXPECT_LE(h.bound, mip.objective + tol(mip.objective));
  }
  if (h.outcome == cs::locate::Outcome::kOptimal) {
    EXPECT_NEAR(h.objective, mip.objective, tol(mip.objective));
  }
}

void run_family(cs::locate::ProblemKind kind, Variant v, std::uint64_t salt, int count = 50) {
  cs::Rng rng(cs::test::seed() ^ salt);
  int checked = 0;
  for (int k = 0; k < count * 2 && checked < count; ++k) {
    const auto pb = make(rng, kind, v);
    if (!validate(pb).empty()) continue;
    check_one(pb, k, v != Variant::kCapacity);
    ++checked;
  }
  EXPECT_GE(checked, count);
}

TEST(LocateOracle, PMedianBruteForceEqualsMip) {
  run_family(cs::locate::ProblemKind::kPMedian, Variant::kPlain, 1);
}
TEST(LocateOracle, PMedianFixedOpen) { run_family(cs::locate::ProblemKind::kPMedian, Variant::kFixed, 2); }
TEST(LocateOracle, PMedianBudget) { run_family(cs::locate::ProblemKind::kPMedian, Variant::kBudget, 3); }
TEST(LocateOracle, PMedianCapacitated) {
  run_family(cs::locate::ProblemKind::kPMedian, Variant::kCapacity, 4);
}
TEST(LocateOracle, MclpBruteForceEqualsMip) {
  run_family(cs::locate::ProblemKind::kMclp, Variant::kPlain, 5);
}
TEST(LocateOracle, MclpFixedAndBudget) {
  run_family(cs::locate::ProblemKind::kMclp, Variant::kFixed, 6, 25);
  run_family(cs::locate::ProblemKind::kMclp, Variant::kBudget, 7, 25);
}
TEST(LocateOracle, LscpBruteForceEqualsMip) {
  run_family(cs::locate::ProblemKind::kLscp, Variant::kPlain, 8);
}
TEST(LocateOracle, LscpCostsAndFixed) {
  run_family(cs::locate::ProblemKind::kLscp, Variant::kBudget, 9, 25);
  run_family(cs::locate::ProblemKind::kLscp, Variant::kFixed, 10, 25);
}
TEST(LocateOracle, PCenterBruteForceEqualsMip) {
  run_family(cs::locate::ProblemKind::kPCenter, Variant::kPlain, 11);
}
TEST(LocateOracle, PCenterFixedOpen) {
  run_family(cs::locate::ProblemKind::kPCenter, Variant::kFixed, 12, 25);
}

TEST(LocateOracle, MclpCoverageNonDecreasingInP) {
  cs::Rng rng(cs::test::seed() ^ 13);
  cs::Context ctx;
  for (int k = 0; k < 10; ++k) {
    auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kMclp, 40, 10);
    pb.standard_s = 25;
    double prev = -1, prev_h = -1;
    for (std::uint32_t p = 1; p <= 10; ++p) {
      pb.p = p;
      const auto r = cs::locate::solve_mip(pb, {}, ctx);
      ASSERT_EQ(r.outcome, cs::locate::Outcome::kOptimal);
      EXPECT_GE(r.objective, prev - 1e-9) << "p=" << p;
      prev = r.objective;
      const auto h = cs::locate::solve_heuristic(pb, {}, ctx);
      EXPECT_LE(h.objective, r.objective + 1e-9);
      prev_h = std::max(prev_h, h.objective);
    }
  }
}

TEST(LocateOracle, MclpCoverageIsInclusiveAtTheStandard) {
  // Demand points exactly at S from candidate 1 only (candidate 0 is just beyond): every solver opens 1 and
  // covers them all; coverage is d <= S (issue 22: no case sat on the boundary).
  cs::locate::LocateProblem pb;
  pb.kind = cs::locate::ProblemKind::kMclp;
  pb.p = 1;
  pb.standard_s = 600;
  pb.cost = cs::TimeMatrix(3, 2);
  for (std::size_t i = 0; i < 3; ++i) {
    pb.cost(i, 0) = 600.1f;
    pb.cost(i, 1) = 600.0f;
  }
  pb.weight = {5, 7, 11};
  cs::Context ctx;
  for (const auto& r : {cs::locate::solve_heuristic(pb, {}, ctx), cs::locate::solve_mip(pb, {}, ctx),
                        cs::locate::solve_brute_force(pb)}) {
    EXPECT_EQ(r.open, std::vector<std::uint32_t>{1}) << cs::locate::solver_name(r.solver);
    EXPECT_EQ(r.objective, 23.0) << cs::locate::solver_name(r.solver);
  }
}

TEST(LocateOracle, LscpCoversEveryone) {
  cs::Rng rng(cs::test::seed() ^ 14);
  cs::Context ctx;
  for (int k = 0; k < 20; ++k) {
    auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kLscp, 60, 25);
    pb.standard_s = 40;
    if (!cs::locate::validate(pb).empty()) continue;
    for (const auto& r : {cs::locate::solve_mip(pb, {}, ctx), cs::locate::solve_heuristic(pb, {}, ctx)}) {
      ASSERT_TRUE(r.outcome == cs::locate::Outcome::kOptimal ||
                  r.outcome == cs::locate::Outcome::kFeasibleGapOpen);
      for (std::size_t i = 0; i < pb.demand_count(); ++i) {
        if (pb.w(i) <= 0) continue;
        bool covered = false;
        for (auto j : r.open) covered |= pb.cost(i, j) <= pb.standard_s;
        EXPECT_TRUE(covered) << "demand " << i;
      }
    }
  }
}

// The p-median heuristic's quality (issue 22): the swap phase must end in a 1-swap local optimum (checked by
// evaluating every swap), with and without the Lagrangian restarts, and over a family of instances where it
// often does not prove optimality its answers must be close to the brute-force optimum. Instances with 12-16
// candidates and p = 3-6 leave greedy alone well short of a local optimum.
TEST(LocateOracle, PMedianHeuristicIsSwapOptimalAndNearTheOptimum) {
  cs::Rng rng(cs::test::seed() ^ 22);
  cs::Context ctx;
  int instances = 0, unproven = 0, at_optimum = 0;
  double excess = 0, worst = 0;
  for (int k = 0; k < 60; ++k) {
    const std::size_t m = 14 + rng.below(5), n = 60 + rng.below(60);
    auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kPMedian, n, m);
    pb.p = static_cast<std::uint32_t>(3 + rng.below(4));
    if (!cs::locate::validate(pb).empty()) continue;
    ++instances;
    SCOPED_TRACE("instance " + std::to_string(k) + " n=" + std::to_string(n) + " m=" + std::to_string(m) +
                 " p=" + std::to_string(pb.p));
    const auto brute = cs::locate::solve_brute_force(pb);
    ASSERT_EQ(brute.outcome, cs::locate::Outcome::kOptimal);
    cs::locate::HeuristicOptions swaps_only;
    swaps_only.compute_bound = false;  // greedy + swaps, no Lagrangian restarts
    for (const auto& h :
         {cs::locate::solve_heuristic(pb, swaps_only, ctx), cs::locate::solve_heuristic(pb, {}, ctx)}) {
      ASSERT_EQ(h.open.size(), pb.p);
      ASSERT_NEAR(cs::locate::evaluate(pb, h.open), h.objective, tol(h.objective));
      EXPECT_GE(h.objective, brute.objective - tol(brute.objective));
      for (std::size_t s = 0; s < h.open.size(); ++s) {
        for (std::uint32_t f = 0; f < m; ++f) {
          if (std::binary_search(h.open.begin(), h.open.end(), f)) continue;
          auto swapped = h.open;
          swapped[s] = f;
          ASSERT_GE(cs::locate::evaluate(pb, swapped), h.objective - 1e-9 * h.objective)
              << "swapping " << h.open[s] << " for " << f << " improves the heuristic's answer";
        }
      }
    }
    const auto h = cs::locate::solve_heuristic(pb, {}, ctx);
    if (h.outcome != cs::locate::Outcome::kOptimal) ++unproven;
    const double rel = (h.objective - brute.objective) / brute.objective;
    excess += rel;
    worst = std::max(worst, rel);
    at_optimum += rel <= 1e-9 ? 1 : 0;
  }
  ASSERT_GE(instances, 50);
  RecordProperty("unproven", unproven);
  // Figures of the unmutated heuristic on these instances (seed 20260101): see the message.
  EXPECT_GE(unproven, 10)
      << "the family must exercise answers the heuristic does not call optimal; at optimum " << at_optimum
      << " of " << instances << ", mean excess " << excess / instances;
  EXPECT_GE(at_optimum, instances * 9 / 10) << "mean excess " << excess / instances << " worst " << worst;
  EXPECT_LE(worst, 0.02);
}

// Medium instances (no brute force): LP <= MIP <= heuristic, and the heuristic's bound below the optimum.
TEST(LocateOracle, MediumPMedianChain) {
  cs::Rng rng(cs::test::seed() ^ 15);
  cs::Context ctx;
  for (int k = 0; k < 3; ++k) {
    auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kPMedian, 150, 40);
    pb.p = static_cast<std::uint32_t>(3 + rng.below(8));
    const auto mip = cs::locate::solve_mip(pb, {.time_limit_s = 60}, ctx);
    ASSERT_EQ(mip.outcome, cs::locate::Outcome::kOptimal) << mip.message;
    const auto full = cs::locate::solve_mip(pb, {.time_limit_s = 60, .reduce = false}, ctx);
    ASSERT_EQ(full.outcome, cs::locate::Outcome::kOptimal);
    EXPECT_NEAR(full.objective, mip.objective, tol(mip.objective));
    const auto h = cs::locate::solve_heuristic(pb, {}, ctx);
    const double lp = cs::locate::lp_relaxation_bound(pb);
    EXPECT_LE(lp, mip.objective + tol(lp));
    EXPECT_LE(h.bound, mip.objective + tol(lp));
    EXPECT_GE(h.objective, mip.objective - tol(lp));
  }
}

// The reductions of the assignment model of the exact p-median (Lagrangian reduced-cost fixing, assignments
// capped at the nearest site open in every improving solution, no Gomory cuts) keep the optimum, also with
// existing facilities; the Lagrangian restarts of the heuristic never make it worse than greedy + swaps
// alone.
TEST(LocateOracle, MediumPMedianReducedEqualsFull) {
  cs::Rng rng(cs::test::seed() ^ 16);
  cs::Context ctx;
  for (int k = 0; k < 6; ++k) {
    auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kPMedian, 120, 30);
    pb.p = static_cast<std::uint32_t>(2 + rng.below(7));
    if (k % 2 == 1) pb.fixed = {static_cast<std::uint32_t>(rng.below(30))};
    if (!cs::locate::validate(pb).empty()) continue;
    SCOPED_TRACE("instance " + std::to_string(k) + " p=" + std::to_string(pb.p));
    constexpr auto kAssign = cs::locate::PMedianFormulation::kAssignment;
    const auto mip = cs::locate::solve_mip(pb, {.time_limit_s = 60, .formulation = kAssign}, ctx);
    const auto full =
        cs::locate::solve_mip(pb, {.time_limit_s = 60, .reduce = false, .formulation = kAssign}, ctx);
    ASSERT_EQ(mip.outcome, cs::locate::Outcome::kOptimal) << mip.message;
    ASSERT_EQ(full.outcome, cs::locate::Outcome::kOptimal) << full.message;
    EXPECT_NEAR(mip.objective, full.objective, tol(full.objective));
    const auto h = cs::locate::solve_heuristic(pb, {}, ctx);
    const auto plain = cs::locate::solve_heuristic(pb, {.compute_bound = false}, ctx);
    EXPECT_LE(h.objective, plain.objective + tol(plain.objective));
    EXPECT_GE(h.objective, mip.objective - tol(mip.objective));
    EXPECT_LE(h.bound, mip.objective + tol(mip.objective));
  }
}

// The radius formulation with generated rows (the default exact p-median, radius.cpp) equals the assignment
// model without reductions (the oracle) on seeded instances with ties (integer times on a third of them),
// unreachable pairs, existing facilities and budgets, with and without the Lagrangian fixing; its answer (and
// its message, which the outputs carry) is the same for 1 and 2 threads.
TEST(LocateOracle, PMedianRadiusEqualsAssignmentModel) {
  cs::Rng rng(cs::test::seed() ^ 17);
  int checked = 0;
  for (int k = 0; k < 30; ++k) {
    const std::size_t n = 40 + rng.below(140), m = 8 + rng.below(33);
    auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kPMedian, n, m);
    if (k % 3 == 0)
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < m; ++j)
          if (std::isfinite(pb.cost(i, j))) pb.cost(i, j) = std::round(pb.cost(i, j) / 4);
    pb.p = static_cast<std::uint32_t>(1 + rng.below(std::min<std::size_t>(m - 1, 9)));
    if (k % 4 == 1) {
      pb.p = std::max<std::uint32_t>(pb.p, 2);
      pb.fixed = {static_cast<std::uint32_t>(rng.below(m))};
    }
    if (k % 4 == 2) {
      pb.opening_cost.resize(m);
      for (auto& c : pb.opening_cost) c = static_cast<double>(1 + rng.below(9));
      std::vector<double> c = pb.opening_cost;
      std::sort(c.begin(), c.end());
      double cheapest = 0;
      for (std::size_t q = 0; q < pb.p; ++q) cheapest += c[q];
      pb.budget = cheapest + std::round(rng.uniform() * 8);
    }
    if (!cs::locate::validate(pb).empty()) continue;
    SCOPED_TRACE("instance " + std::to_string(k) + " n=" + std::to_string(n) + " m=" + std::to_string(m) +
                 " p=" + std::to_string(pb.p));
    cs::Context ctx;
    ctx.threads = 2;
    const auto oracle = cs::locate::solve_mip(
        pb, {.time_limit_s = 60, .reduce = false, .formulation = cs::locate::PMedianFormulation::kAssignment},
        ctx);
    if (oracle.outcome == cs::locate::Outcome::kInfeasible) continue;
    ASSERT_EQ(oracle.outcome, cs::locate::Outcome::kOptimal) << oracle.message;
    for (const bool reduce : {true, false}) {
      const auto r = cs::locate::solve_mip(
          pb, {.time_limit_s = 60, .reduce = reduce, .formulation = cs::locate::PMedianFormulation::kRadius},
          ctx);
      ASSERT_EQ(r.outcome, cs::locate::Outcome::kOptimal) << r.message;
      EXPECT_NEAR(r.objective, oracle.objective, tol(oracle.objective)) << r.message;
      EXPECT_NEAR(cs::locate::evaluate(pb, r.open), r.objective, tol(r.objective));
      EXPECT_LE(r.bound, r.objective + tol(r.objective));
      EXPECT_NEAR(r.bound, r.objective, 1e-5 * std::max(1.0, r.objective));
      EXPECT_EQ(r.open.size(), pb.p);
      for (auto f : pb.fixed) EXPECT_TRUE(std::binary_search(r.open.begin(), r.open.end(), f));
      if (pb.budget) {
        double spent = 0;
        for (auto j : r.open) spent += pb.opening_cost[j];
        EXPECT_LE(spent, *pb.budget + 1e-9);
      }
    }
    cs::Context one;
    one.threads = 1;
    const auto a = cs::locate::solve_mip(pb, {.time_limit_s = 60}, one);
    const auto b = cs::locate::solve_mip(pb, {.time_limit_s = 60}, ctx);
    EXPECT_EQ(a.open, b.open);
    EXPECT_EQ(a.objective, b.objective);
    EXPECT_EQ(a.assigned, b.assigned);
    EXPECT_EQ(a.message, b.message);  // written to the outputs: no times in it
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

}  // namespace
