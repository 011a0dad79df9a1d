// COIN-OR CBC adapter through the CbcModel C++ API (each solve owns its own OsiClpSolverInterface and
// CbcModel, so concurrent solves are independent; the C interface is avoided because it is not thread-safe).
// All message handlers are set to level 0: the library never prints.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include <coin/CbcHeuristic.hpp>
#include <coin/CbcHeuristicLocal.hpp>
#include <coin/CbcModel.hpp>
#include <coin/CglClique.hpp>
#include <coin/CglFlowCover.hpp>
#include <coin/CglGomory.hpp>
#include <coin/CglKnapsackCover.hpp>
#include <coin/CglMixedIntegerRounding2.hpp>
#include <coin/CglProbing.hpp>
#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>

#include <countyscope/locate/mip.hpp>

namespace cs::locate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double coin_bound(double v, const OsiSolverInterface& s) {
  if (v == kInf) return s.getInfinity();
  if (v == -kInf) return -s.getInfinity();
  return v;
}

void load(const MipModel& m, OsiClpSolverInterface& s) {
  const int nr = m.rows(), nc = m.cols();
  std::vector<int> starts(m.row_start.begin(), m.row_start.end()), lengths(nr);
  for (int r = 0; r < nr; ++r) lengths[r] = static_cast<int>(m.row_start[r + 1] - m.row_start[r]);
  CoinPackedMatrix mat(false, nc, nr, static_cast<CoinBigIndex>(m.row_index.size()), m.row_value.data(),
                       m.row_index.data(), starts.data(), lengths.data());
  std::vector<double> cl(nc), cu(nc), rl(nr), ru(nr);
  for (int c = 0; c < nc; ++c) {
    cl[c] = coin_bound(m.col_lb[c], s);
    cu[c] = coin_bound(m.col_ub[c], s);
  }
  for (int r = 0; r < nr; ++r) {
    rl[r] = coin_bound(m.row_lb[r], s);
    ru[r] = coin_bound(m.row_ub[r], s);
  }
  s.loadProblem(mat, cl.data(), cu.data(), m.obj.data(), rl.data(), ru.data());
  s.setObjSense(1.0);
  s.messageHandler()->setLogLevel(0);
  s.getModelPtr()->setLogLevel(0);
  s.setHintParam(OsiDoReducePrint, true, OsiHintTry);
}

double rel_gap(double obj, double bound) {
  const double d = std::abs(obj - bound);
  return d <= 1e-9 * std::max(1.0, std::abs(obj)) ? 0.0 : d / std::max(std::abs(obj), 1e-9);
}

class CbcBackend final : public MipBackend {
 public:
  std::string name() const override { return "cbc"; }

  CallStatus solve_lp(const MipModel& m, const MipOptions& opt, MipResult& out) override {
    const auto t0 = std::chrono::steady_clock::now();
    out = {};
    try {
      OsiClpSolverInterface s;
      load(m, s);
      s.getModelPtr()->setMaximumSeconds(opt.time_limit_s);
      s.initialSolve();
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (s.isProvenOptimal()) {
        out.outcome = Outcome::kOptimal;
        out.objective = out.bound = s.getObjValue() + m.obj_offset;
        out.x.assign(s.getColSolution(), s.getColSolution() + m.cols());
      } else if (s.isProvenPrimalInfeasible()) {
        out.outcome = Outcome::kInfeasible;
      } else {
        out.outcome = Outcome::kTimeLimit;
        out.time_limit_reached = true;
        out.message = "LP not solved to optimality";
      }
      return CallStatus::kOk;
    } catch (const CoinError& e) {
      out.outcome = Outcome::kError;
      out.message = "CBC/Clp: " + e.message();
      return CallStatus::kError;
    }
  }

  CallStatus solve(const MipModel& m, const MipOptions& opt, MipResult& out) override {
    const auto t0 = std::chrono::steady_clock::now();
    out = {};
    try {
      OsiClpSolverInterface s;
      load(m, s);
      for (int c = 0; c < m.cols(); ++c)
        if (m.is_int[c]) s.setInteger(c);
      s.getModelPtr()->setMaximumSeconds(std::max(0.01, opt.time_limit_s));
      const bool warm = static_cast<int>(m.col_basis.size()) == m.cols() &&
                        static_cast<int>(m.row_basis.size()) == m.rows();
      if (warm) {
        std::vector<int> cstat(m.col_basis.begin(), m.col_basis.end()),
            rstat(m.row_basis.begin(), m.row_basis.end());
        s.setBasisStatus(cstat.data(), rstat.data());
        s.resolve();
      }
      CbcModel model(s);
      model.setLogLevel(0);
      model.messageHandler()->setLogLevel(0);
      model.solver()->messageHandler()->setLogLevel(0);
      model.setUseElapsedTime(true);
      model.setMaximumSeconds(std::max(0.01, opt.time_limit_s));
      model.setAllowableFractionGap(opt.rel_gap);
      model.setAllowableGap(1e-7);
      if (opt.threads > 1) model.setNumberThreads(opt.threads);

      CglProbing probing;
      probing.setUsingObjective(true);
      probing.setMaxPass(1);
      probing.setMaxPassRoot(3);
      probing.setMaxProbe(10);
      probing.setMaxProbeRoot(100);
      probing.setMaxLook(50);
      probing.setRowCuts(3);
      CglGomory gomory;
      gomory.setLimit(300);
      CglKnapsackCover knapsack;
      CglClique clique;
      clique.setStarCliqueReport(false);
      clique.setRowCliqueReport(false);
      CglMixedIntegerRounding2 mir;
      CglFlowCover flow;
      model.addCutGenerator(&probing, -1, "Probing");
      if (opt.gomory_cuts) model.addCutGenerator(&gomory, -1, "Gomory");
      model.addCutGenerator(&knapsack, -1, "Knapsack");
      model.addCutGenerator(&clique, -1, "Clique");
      model.addCutGenerator(&mir, -1, "MIR2");
      model.addCutGenerator(&flow, -1, "FlowCover");
      CbcRounding rounding(model);
      model.addHeuristic(&rounding);
      CbcHeuristicLocal local(model);
      model.addHeuristic(&local);

      if (warm)
        model.solver()->resolve();  // from the solved basis (initialSolve would start from scratch)
      else
        model.initialSolve();
      auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      };
      const OsiSolverInterface* root = model.solver();
      if (root->isProvenPrimalInfeasible()) {
        out.outcome = Outcome::kInfeasible;
      } else if (!root->isProvenOptimal()) {
        out.time_limit_reached = elapsed() >= opt.time_limit_s * 0.98;
        out.outcome = out.time_limit_reached ? Outcome::kTimeLimit : Outcome::kError;
        out.message =
            "root LP not solved" + std::string(out.time_limit_reached ? " within the time limit" : "");
      } else {
        if (!m.start.empty()) {
          double v = 0;
          for (int c = 0; c < m.cols(); ++c) v += m.obj[c] * m.start[c];
          model.setBestSolution(m.start.data(), m.cols(), v, true);
        }
        model.branchAndBound();
        out.nodes = model.getNodeCount();
        out.time_limit_reached = model.isSecondsLimitReached() || elapsed() >= opt.time_limit_s * 0.98;
        const double* best = model.bestSolution();
        if (best == nullptr) {
          if (out.time_limit_reached)
            out.outcome = Outcome::kTimeLimit;
          else if (model.isProvenInfeasible())
            out.outcome = Outcome::kInfeasible;
          else {
            out.outcome = Outcome::kError;
            out.message = "CBC stopped without a solution (status " + std::to_string(model.status()) + ")";
          }
        } else {
          out.x.assign(best, best + m.cols());
          out.objective = model.getObjValue() + m.obj_offset;
          out.bound = std::min(model.getBestPossibleObjValue(), model.getObjValue()) + m.obj_offset;
          out.gap = rel_gap(out.objective, out.bound);
          out.outcome = model.isProvenOptimal() ? Outcome::kOptimal : Outcome::kFeasibleGapOpen;
          // Proven optimal (within the allowed gap): CBC may leave a stale root bound in
          // getBestPossibleObjValue.
          if (out.outcome == Outcome::kOptimal)
            out.bound = std::max(out.bound, out.objective - opt.rel_gap * std::abs(out.objective));
          out.gap = rel_gap(out.objective, out.bound);
        }
      }
      out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return CallStatus::kOk;
    } catch (const CoinError& e) {
      out.outcome = Outcome::kError;
      out.message = "CBC: " + e.message();
      return CallStatus::kError;
    }
  }
};

}  // namespace

std::unique_ptr<MipBackend> make_cbc_backend() { return std::make_unique<CbcBackend>(); }

}  // namespace cs::locate
