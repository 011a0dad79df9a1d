// Unit tests: hand-checked tiny cases, bad input (one line each), call status vs outcome, determinism, LP
// file.
#include <cmath>
#include <fstream>

#include <CbcModel.hpp>
#include <OsiClpSolverInterface.hpp>
#include <gtest/gtest.h>

#include <countyscope/core/rng.hpp>
#include <countyscope/locate/mip.hpp>
#include <countyscope/locate/problem.hpp>

#include "instances.hpp"
#include "test_support.hpp"

namespace {

using cs::locate::LocateProblem;
using cs::locate::Outcome;
using cs::locate::ProblemKind;

// Three villages on a line (0, 10, 30 minutes) and three candidate sites at the villages.
cs::locate::LocateProblem line3(cs::locate::ProblemKind k) {
  cs::locate::LocateProblem pb;
  pb.kind = k;
  const double x[3] = {0, 10, 30};
  pb.cost = cs::TimeMatrix(3, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) pb.cost(i, j) = static_cast<float>(std::abs(x[i] - x[j]) * 60);
  pb.weight = {100, 50, 10};
  pb.p = 1;
  return pb;
}

TEST(Locate, HandCheckedPMedian) {
  cs::Context ctx;
  auto pb = line3(cs::locate::ProblemKind::kPMedian);
  // p=1: site 0 costs 50*600+10*1800 = 48000; site 1: 100*600+10*1200 = 72000; site 2: big.
  for (const auto& r : {cs::locate::solve_mip(pb, {}, ctx), cs::locate::solve_heuristic(pb, {}, ctx),
                        cs::locate::solve_brute_force(pb)}) {
    EXPECT_EQ(r.outcome, cs::locate::Outcome::kOptimal) << cs::locate::solver_name(r.solver);
    EXPECT_DOUBLE_EQ(r.objective, 48000);
    ASSERT_EQ(r.open, std::vector<std::uint32_t>{0});
    EXPECT_EQ(r.assigned, (std::vector<std::uint32_t>{0, 0, 0}));
  }
  pb.p = 2;  // {0,1}: 10*1200 = 12000; {0,2}: 50*600 = 30000; {1,2}: 100*600 = 60000
  EXPECT_DOUBLE_EQ(cs::locate::solve_mip(pb, {}, ctx).objective, 12000);
  pb.fixed = {2};  // existing site 2 stays open: {0,2} is best
  auto r = cs::locate::solve_mip(pb, {}, ctx);
  EXPECT_EQ(r.open, (std::vector<std::uint32_t>{0, 2}));
  EXPECT_DOUBLE_EQ(r.objective, 30000);
  EXPECT_DOUBLE_EQ(cs::locate::solve_heuristic(pb, {}, ctx).objective, 30000);
}

TEST(Locate, HandCheckedCoverageAndCenter) {
  cs::Context ctx;
  auto pb = line3(cs::locate::ProblemKind::kMclp);
  pb.standard_s = 600;  // site 0 or 1 covers villages 0 and 1 (150 people)
  auto r = cs::locate::solve_mip(pb, {}, ctx);
  EXPECT_EQ(r.outcome, cs::locate::Outcome::kOptimal);
  EXPECT_DOUBLE_EQ(r.objective, 150);
  pb.kind = cs::locate::ProblemKind::kLscp;
  r = cs::locate::solve_mip(pb, {}, ctx);
  EXPECT_DOUBLE_EQ(r.objective, 2);  // {0 or 1, 2}
  pb.kind = cs::locate::ProblemKind::kPCenter;
  pb.p = 1;
  r = cs::locate::solve_mip(pb, {}, ctx);
  EXPECT_DOUBLE_EQ(r.objective, 1200);  // site 1: max(600, 1200)
  EXPECT_EQ(r.open, std::vector<std::uint32_t>{1});
}

std::string first_problem(const cs::locate::LocateProblem& pb) {
  try {
    cs::locate::check_problem(pb);
  } catch (const cs::Error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    const std::string s = e.what();
    EXPECT_EQ(s.find('\n'), std::string::npos) << s;
    return s;
  }
  return "";
}

TEST(Locate, BadInputIsOneClearLine) {
  auto pb = line3(cs::locate::ProblemKind::kPMedian);
  pb.p = 4;
  EXPECT_NE(first_problem(pb).find("p = 4 exceeds the 3 candidate sites"), std::string::npos);
  pb.p = 2;
  pb.opening_cost = {5, 7, 9};
  pb.budget = 11;
  EXPECT_NE(first_problem(pb).find("infeasible budget"), std::string::npos);
  pb.budget.reset();
  pb.opening_cost.clear();
  pb.capacity = {100, -1, 50};
  EXPECT_NE(first_problem(pb).find("candidate #1: expected a capacity in [0, 2e+09] persons, got -1"),
            std::string::npos);
  pb.capacity = {10, 10, 10};
  EXPECT_NE(first_problem(pb).find("infeasible capacity"), std::string::npos);
  pb.capacity.clear();
  auto c = line3(cs::locate::ProblemKind::kLscp);
  c.cost(2, 2) = 2000;
  c.standard_s = 600;
  EXPECT_NE(first_problem(c).find(
                "infeasible coverage: demand point #2 is 20 min from the nearest of the candidate sites, "
                "beyond the standard 10 min"),
            std::string::npos);
  pb.weight[1] = -3;
  EXPECT_NE(
      first_problem(pb).find("demand point #1: weight expected a population in [0, 2e+09] persons, got -3"),
      std::string::npos);
  pb.weight[1] = 50;
  pb.fixed = {0, 1, 2};
  EXPECT_NE(first_problem(pb).find("smaller than the 3 fixed"), std::string::npos);
  pb.fixed = {7};
  EXPECT_NE(first_problem(pb).find("fixed facility 7 is not a candidate"), std::string::npos);
  pb.fixed.clear();
  for (int j = 0; j < 3; ++j) pb.cost(1, j) = cs::kUnreachable;
  EXPECT_NE(first_problem(pb).find("demand point #1 cannot reach any candidate"), std::string::npos);
  EXPECT_THROW((void)cs::locate::parse_problem("p-medain"), cs::UsageError);
  try {
    (void)cs::locate::parse_problem("p-medain");
  } catch (const cs::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("p-median, mclp, lscp, p-center"), std::string::npos);
  }
}

TEST(Locate, CallStatusIsSeparateFromOutcome) {
  cs::locate::MipModel m;
  const int x = m.add_col(0, 1, 1.0, true);
  const int y = m.add_col(0, 1, 1.0, true);
  m.add_row({{x, 1.0}, {y, 1.0}}, 3, 3);  // infeasible: x + y = 3 with binaries
  auto be = cs::locate::make_cbc_backend();
  cs::locate::MipResult r;
  EXPECT_EQ(be->solve(m, {}, r), cs::locate::CallStatus::kOk);
  EXPECT_EQ(r.outcome, cs::locate::Outcome::kInfeasible);
  cs::locate::MipModel ok;
  const int a = ok.add_col(0, 1, -2.0, true);
  const int b = ok.add_col(0, 1, -3.0, true);
  ok.add_row({{a, 1.0}, {b, 1.0}}, -1e30, 1);
  EXPECT_EQ(be->solve(ok, {}, r), cs::locate::CallStatus::kOk);
  EXPECT_EQ(r.outcome, cs::locate::Outcome::kOptimal);
  EXPECT_NEAR(r.objective, -3, 1e-9);
  EXPECT_EQ(be->solve_lp(ok, {}, r), cs::locate::CallStatus::kOk);
  EXPECT_NEAR(r.objective, -3, 1e-9);
}

TEST(Locate, TimeLimitGivesFeasibleOrTimeLimitOutcome) {
  cs::Rng rng(cs::test::seed() ^ 99);
  auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kPCenter, 400, 120);
  pb.p = 12;
  cs::Context ctx;
  const auto r = cs::locate::solve_mip(pb, {.time_limit_s = 0.2, .reduce = false}, ctx);
  EXPECT_TRUE(r.outcome == cs::locate::Outcome::kOptimal ||
              r.outcome == cs::locate::Outcome::kFeasibleGapOpen ||
              r.outcome == cs::locate::Outcome::kTimeLimit)
      << cs::locate::outcome_name(r.outcome);
  if (r.outcome != cs::locate::Outcome::kOptimal) {
    EXPECT_TRUE(r.time_limit_reached);
  }
  if (r.outcome == cs::locate::Outcome::kFeasibleGapOpen) {
    EXPECT_GT(r.gap, 0);
  }
}

TEST(Locate, HeuristicDeterministicAcrossThreadCounts) {
  cs::Rng rng(cs::test::seed() ^ 7);
  auto pb = cs::test::random_instance(rng, cs::locate::ProblemKind::kPMedian, 800, 150);
  pb.p = 9;
  cs::Context one, many;
  one.threads = 1;
  many.threads = 4;
  const auto a = cs::locate::solve_heuristic(pb, {}, one);
  const auto b = cs::locate::solve_heuristic(pb, {}, many);
  EXPECT_EQ(a.open, b.open);
  EXPECT_EQ(a.objective, b.objective);
  EXPECT_EQ(a.bound, b.bound);
  EXPECT_EQ(a.assigned, b.assigned);
}

TEST(Locate, LpFileRoundTripsThroughCbc) {
  cs::Rng rng(cs::test::seed() ^ 8);
  for (auto kind : {cs::locate::ProblemKind::kPMedian, cs::locate::ProblemKind::kMclp,
                    cs::locate::ProblemKind::kLscp, cs::locate::ProblemKind::kPCenter}) {
    auto pb = cs::test::random_instance(rng, kind, 30, 8);
    pb.p = 3;
    pb.standard_s = 60;
    pb.opening_cost = {1, 2, 3, 1, 2, 3, 1, 2};
    pb.budget = 8;
    if (!cs::locate::validate(pb).empty()) continue;
    cs::test::TempDir dir;
    const auto path = dir / "model.lp";
    std::ofstream(path) << cs::locate::write_lp_file_text(pb);
    OsiClpSolverInterface s;
    s.messageHandler()->setLogLevel(0);
    ASSERT_EQ(s.readLp(path.c_str()), 0);
    CbcModel model(s);
    model.setLogLevel(0);
    model.branchAndBound();
    ASSERT_TRUE(model.isProvenOptimal());
    cs::Context ctx;
    const auto r = cs::locate::solve_mip(pb, {}, ctx);
    ASSERT_EQ(r.outcome, cs::locate::Outcome::kOptimal) << cs::locate::problem_name(kind) << " " << r.message;
    const double expect = cs::locate::maximises(kind) ? -r.objective : r.objective;
    EXPECT_NEAR(model.getObjValue(), expect, 1e-6 * std::max(1.0, std::abs(expect)))
        << cs::locate::problem_name(kind);
  }
}

}  // namespace
