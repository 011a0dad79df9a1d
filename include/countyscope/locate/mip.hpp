// A small MIP backend interface (row-wise sparse model, always minimised) with a COIN-OR CBC adapter built on
// the CbcModel C++ API (OsiClpSolverInterface): thread-safe, silent (no printing), with a time limit. The
// call status (did the call work) is separate from the solve outcome (optimal / feasible with gap /
// infeasible / time limit), as in HiGHS (STYLE P7).
//
// Example:
//   cs::MipModel m;  int y = m.add_col(0, 1, 3.0, true);  m.add_row({{y, 1.0}}, 1, 1);
//   auto be = cs::make_cbc_backend();
//   cs::MipResult r;
//   if (be->solve(m, {.time_limit_s = 5}, r) != cs::CallStatus::kOk) { /* r.message */ }
//   if (r.outcome == cs::Outcome::kOptimal) use(r.x, r.objective);
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <countyscope/locate/problem.hpp>

namespace cs::locate {

enum class [[nodiscard]] CallStatus{kOk, kWarning, kError};

struct MipModel {
  std::vector<double> col_lb, col_ub, obj;
  std::vector<char> is_int;
  std::vector<std::string> col_name;  // optional (LP files); empty = c<k>
  std::vector<double> row_lb, row_ub;
  std::vector<std::size_t> row_start{0};
  std::vector<int> row_index;
  std::vector<double> row_value;
  std::vector<std::string> row_name;  // optional
  double obj_offset = 0;
  std::vector<double> start;  // optional feasible start (incumbent), one value per column
  // Optional LP basis for the root, as OsiSolverInterface::getBasisStatus gives it (1 = basic, 2 = at upper,
  // 3 = at lower bound; rows as artificials): CBC's root LP then starts from it instead of from scratch.
  std::vector<char> col_basis, row_basis;

  int add_col(double lb, double ub, double cost, bool integer, std::string name = {}) {
    col_lb.push_back(lb);
    col_ub.push_back(ub);
    obj.push_back(cost);
    is_int.push_back(integer ? 1 : 0);
    if (!name.empty() || !col_name.empty()) {
      col_name.resize(obj.size() - 1);
      col_name.push_back(std::move(name));
    }
    return static_cast<int>(obj.size()) - 1;
  }
  void add_row(const std::vector<std::pair<int, double>>& terms, double lb, double ub,
               std::string name = {}) {
    for (const auto& [c, v] : terms) {
      row_index.push_back(c);
      row_value.push_back(v);
    }
    row_start.push_back(row_index.size());
    row_lb.push_back(lb);
    row_ub.push_back(ub);
    if (!name.empty() || !row_name.empty()) {
      row_name.resize(row_lb.size() - 1);
      row_name.push_back(std::move(name));
    }
  }
  [[nodiscard]] int cols() const noexcept { return static_cast<int>(obj.size()); }
  [[nodiscard]] int rows() const noexcept { return static_cast<int>(row_lb.size()); }
};

struct MipOptions {
  double time_limit_s = 60;
  double rel_gap = 1e-6;
  int threads = 1;
  // Gomory cuts: costly on large, degenerate LPs (the reduced p-median closes its gap at the root without
  // them: probing, clique, knapsack, MIR and flow covers stay on).
  bool gomory_cuts = true;
};

struct MipResult {
  Outcome outcome = Outcome::kError;
  double objective = 0;  // includes obj_offset
  double bound = 0;      // best possible (lower) bound
  double gap = 0;
  bool time_limit_reached = false;
  std::vector<double> x;
  long nodes = 0;
  double seconds = 0;
  std::string message;
};

class MipBackend {
 public:
  virtual ~MipBackend() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  virtual CallStatus solve(const MipModel& m, const MipOptions& opt, MipResult& out) = 0;
  // LP relaxation (integrality dropped).
  virtual CallStatus solve_lp(const MipModel& m, const MipOptions& opt, MipResult& out) = 0;
};

std::unique_ptr<MipBackend> make_cbc_backend();

// CPLEX LP format text of a model (lines wrapped; names from col_name/row_name or c<k>/r<k>).
std::string to_lp_format(const MipModel& m);

}  // namespace cs::locate
