// The MIP of each problem (disaggregated x_ij <= y_j), the exact solve through the backend with
// exactness-keeping reductions, the LP relaxation bound and the CPLEX LP file.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include <countyscope/core/memory.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/locate/mip.hpp>
#include <countyscope/locate/problem.hpp>

#include "detail.hpp"

namespace cs::locate {
namespace detail {

double rel_gap(double obj, double bound) {
  const double d = std::abs(obj - bound);
  if (d <= 1e-9 * std::max(1.0, std::abs(obj))) return 0.0;
  return d / std::max(std::abs(obj), 1e-9);
}

SiteFixing lagrangian_site_fixing(const LocateProblem& pb, const Lagrangian& lg, double ub) {
  const std::size_t m = pb.candidate_count();
  double sum_lambda = 0;
  for (double l : lg.lambda) sum_lambda += l;
  std::vector<char> chosen;
  const double base = lagrangian_value(pb, lg, sum_lambda, &chosen);
  const double tol = 1e-9 * std::max(1.0, std::abs(ub));
  std::vector<char> is_fixed(m, 0);
  for (auto f : pb.fixed) is_fixed[f] = 1;
  std::vector<std::uint32_t> others;
  for (std::uint32_t j = 0; j < m; ++j)
    if (!is_fixed[j]) others.push_back(j);
  std::stable_sort(others.begin(), others.end(), [&](auto a, auto b) { return lg.rho[a] < lg.rho[b]; });
  const std::size_t k = pb.p - pb.fixed.size();
  SiteFixing fx;
  fx.open_bound.assign(m, base);
  fx.removed.assign(m, 0);
  fx.forced.assign(m, 0);
  for (std::size_t idx = 0; idx < others.size(); ++idx) {
    const auto j = others[idx];
    if (idx >= k) {
      fx.open_bound[j] =
          k == 0 ? std::numeric_limits<double>::infinity() : base - lg.rho[others[k - 1]] + lg.rho[j];
      if (fx.open_bound[j] > ub + tol) fx.removed[j] = 1;
    } else {
      const double closed =
          k < others.size() ? base - lg.rho[j] + lg.rho[others[k]] : std::numeric_limits<double>::infinity();
      if (closed > ub + tol) fx.forced[j] = 1;
    }
  }
  return fx;
}

BuiltModel build_model(const LocateProblem& pb, const ModelReduction* red, bool names) {
  BuiltModel bm;
  MipModel& mm = bm.model;
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  const double kInf = std::numeric_limits<double>::infinity();
  std::vector<char> is_fixed(m, 0);
  for (auto f : pb.fixed) is_fixed[f] = 1;
  auto removed = [&](std::size_t j) {
    return red && !red->removed.empty() && red->removed[j] && !is_fixed[j];
  };
  auto forced = [&](std::size_t j) { return is_fixed[j] || (red && !red->forced.empty() && red->forced[j]); };
  auto nm = [&](std::string s) { return names ? s : std::string(); };

  bm.ycol.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    double c = 0;
    if (pb.kind == ProblemKind::kLscp)
      c = pb.opening_cost.empty() ? 1.0 : (is_fixed[j] ? 0.0 : pb.opening_cost[j]);
    bm.ycol[j] = mm.add_col(forced(j) ? 1 : 0, removed(j) ? 0 : 1, c, true, nm("y_" + std::to_string(j)));
  }
  // Allowed assignment candidates for demand point i (p-median, p-center).
  auto allowed = [&](std::size_t i) {
    std::vector<std::uint32_t> a;
    if (red && red->has_x_filter && !red->x_allowed[i].empty()) {
      for (auto j : red->x_allowed[i])
        if (!removed(j)) a.push_back(j);
      return a;
    }
    for (std::uint32_t j = 0; j < m; ++j)
      if (!removed(j) && std::isfinite(pb.cost(i, j))) a.push_back(j);
    return a;
  };
  bm.xcols.resize(n);
  if (pb.kind == ProblemKind::kPCenter) {
    double lb = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (pb.w(i) > 0) {
        const auto r = pb.cost.row(i);
        lb = std::max(lb, static_cast<double>(*std::min_element(r.begin(), r.end())));
      }
    bm.wcol = mm.add_col(lb, red && red->w_ub > 0 ? std::max(red->w_ub, lb) : kInf, 1.0, false, nm("W"));
  }
  if (pb.kind == ProblemKind::kPMedian || pb.kind == ProblemKind::kPCenter) {
    std::vector<std::vector<std::pair<int, double>>> cap_terms(pb.capacitated() ? m : 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double w = pb.w(i);
      if (w <= 0) continue;
      const auto a = allowed(i);
      std::vector<std::pair<int, double>> assign, dist;
      for (auto j : a) {
        const double d = pb.cost(i, j);
        const double c = pb.kind == ProblemKind::kPMedian ? w * d : 0.0;
        const int x = mm.add_col(0, 1, c, false, nm("x_" + std::to_string(i) + "_" + std::to_string(j)));
        bm.xcols[i].push_back({j, x});
        assign.push_back({x, 1.0});
        if (pb.kind == ProblemKind::kPCenter) dist.push_back({x, d});
        if (pb.capacitated()) cap_terms[j].push_back({x, w});
      }
      mm.add_row(assign, 1, 1, nm("assign_" + std::to_string(i)));
      for (auto [j, x] : bm.xcols[i])
        mm.add_row({{x, 1.0}, {bm.ycol[j], -1.0}}, -kInf, 0,
                   nm("open_" + std::to_string(i) + "_" + std::to_string(j)));
      if (pb.kind == ProblemKind::kPCenter) {
        dist.push_back({bm.wcol, -1.0});
        mm.add_row(dist, -kInf, 0, nm("radius_" + std::to_string(i)));
      }
    }
    for (std::size_t j = 0; j < cap_terms.size(); ++j) {
      auto t = cap_terms[j];
      t.push_back({bm.ycol[j], -pb.capacity[j]});
      mm.add_row(t, -kInf, 0, nm("capacity_" + std::to_string(j)));
    }
  } else if (pb.kind == ProblemKind::kMclp) {
    bm.zcol.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
      const double w = pb.w(i);
      if (w <= 0) continue;
      std::vector<std::pair<int, double>> t;
      for (std::size_t j = 0; j < m; ++j)
        if (!removed(j) && pb.cost(i, j) <= pb.standard_s) t.push_back({bm.ycol[j], -1.0});
      if (t.empty()) continue;
      bm.zcol[i] = mm.add_col(0, 1, -w, false, nm("z_" + std::to_string(i)));
      t.push_back({bm.zcol[i], 1.0});
      mm.add_row(t, -kInf, 0, nm("cover_" + std::to_string(i)));
    }
  } else {  // LSCP
    for (std::size_t i = 0; i < n; ++i) {
      if (pb.w(i) <= 0) continue;
      std::vector<std::pair<int, double>> t;
      for (std::size_t j = 0; j < m; ++j)
        if (!removed(j) && pb.cost(i, j) <= pb.standard_s) t.push_back({bm.ycol[j], 1.0});
      mm.add_row(t, 1, kInf, nm("cover_" + std::to_string(i)));
    }
  }
  if (pb.kind != ProblemKind::kLscp && pb.p > 0) {
    std::vector<std::pair<int, double>> t;
    for (std::size_t j = 0; j < m; ++j) t.push_back({bm.ycol[j], 1.0});
    mm.add_row(t, pb.p, pb.p, nm("count"));
  }
  if (pb.budget && !pb.opening_cost.empty()) {
    std::vector<std::pair<int, double>> t;
    for (std::size_t j = 0; j < m; ++j)
      if (!is_fixed[j] && pb.opening_cost[j] != 0) t.push_back({bm.ycol[j], pb.opening_cost[j]});
    if (!t.empty()) mm.add_row(t, -kInf, *pb.budget, nm("budget"));
  }
  return bm;
}

std::vector<double> start_vector(const LocateProblem& pb, const BuiltModel& bm,
                                 const std::vector<std::uint32_t>& open) {
  std::vector<double> x(static_cast<std::size_t>(bm.model.cols()), 0.0);
  std::vector<char> is_open(pb.candidate_count(), 0);
  for (auto j : open) is_open[j] = 1, x[static_cast<std::size_t>(bm.ycol[j])] = 1;
  double worst = 0;
  for (std::size_t i = 0; i < pb.demand_count(); ++i) {
    if (pb.w(i) <= 0) continue;
    int best = -1;
    float bd = kUnreachable;
    for (auto [j, c] : bm.xcols[i])
      if (is_open[j] && pb.cost(i, j) < bd) bd = pb.cost(i, j), best = c;
    if (best >= 0) x[static_cast<std::size_t>(best)] = 1, worst = std::max(worst, static_cast<double>(bd));
    if (!bm.zcol.empty() && bm.zcol[i] >= 0) {
      for (auto j : open)
        if (pb.cost(i, j) <= pb.standard_s) {
          x[static_cast<std::size_t>(bm.zcol[i])] = 1;
          break;
        }
    }
  }
  if (bm.wcol >= 0) x[static_cast<std::size_t>(bm.wcol)] = std::max(worst, bm.model.col_lb[bm.wcol]);
  return x;
}

double capacitated_value(const LocateProblem& pb, const std::vector<std::uint32_t>& open) {
  ModelReduction red;
  red.removed.assign(pb.candidate_count(), 1);
  red.forced.assign(pb.candidate_count(), 0);
  for (auto j : open) red.removed[j] = 0, red.forced[j] = 1;
  LocateProblem q = pb;
  q.fixed.clear();
  q.budget.reset();
  q.p = 0;  // the open set is given; no cardinality row
  BuiltModel bm = build_model(q, &red, false);
  auto be = make_cbc_backend();
  MipResult r;
  if (be->solve_lp(bm.model, {}, r) != CallStatus::kOk || r.outcome != Outcome::kOptimal)
    return std::numeric_limits<double>::infinity();
  return r.objective;
}

}  // namespace detail

namespace {

void map_solution(const LocateProblem& pb, const detail::BuiltModel& bm, const MipResult& mr,
                  LocateResult& r) {
  for (std::size_t j = 0; j < pb.candidate_count(); ++j)
    if (mr.x[static_cast<std::size_t>(bm.ycol[j])] > 0.5) r.open.push_back(static_cast<std::uint32_t>(j));
  if (pb.capacitated()) {
    r.assigned.assign(pb.demand_count(), kNoFacility);
    for (std::size_t i = 0; i < pb.demand_count(); ++i) {
      double best = 1e-9;
      for (auto [j, c] : bm.xcols[i])
        if (mr.x[static_cast<std::size_t>(c)] > best)
          best = mr.x[static_cast<std::size_t>(c)], r.assigned[i] = j;
    }
  } else {
    r.assigned = nearest_assignment(pb, r.open);
  }
}

// The exactness-keeping reductions of one solve: which columns the model keeps, the incumbent that
// starts CBC, and the bounds a time-limited run can still report.
struct Reductions {
  detail::ModelReduction red;
  bool used = false;
  std::vector<std::uint32_t> incumbent;
  double ub = std::numeric_limits<double>::infinity();
  double lagrangian_bound = -std::numeric_limits<double>::infinity();  // p-median reduction only
  std::string note;
};

// Refuses a model that would not fit in memory, before it is built.
void check_mip_memory(const LocateProblem& pb, Context& ctx) {
  // The MIP holds one assignment column per reachable demand-candidate pair (two non-zeros each); the
  // model, CLP's row and column copies and CBC's working copies take about 300 bytes per column.
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  std::uint64_t pairs = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) pairs += std::isfinite(pb.cost(i, j)) ? 1 : 0;
  check_memory(ctx, add_sat(mul_sat(pairs, 300), mul_sat(add_sat(n, m), 200)),
               "MIP model with " + std::to_string(n) + " demand points x " + std::to_string(m) +
                   " candidates (" + std::to_string(pairs) + " reachable pairs)",
               "use fewer demand points (aggregate them), fewer candidates, a shorter cutoff, or --solver "
               "heuristic");
}

// Uncapacitated p-median: the heuristic's incumbent and Lagrangian multipliers close sites, force sites
// open and drop assignment variables whose reduced cost exceeds the incumbent (reduced-cost fixing).
void reduce_pmedian(const LocateProblem& pb, Context& ctx, Reductions& rd) {
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  auto run = detail::pmedian_heuristic(pb, {}, ctx);
  if (run.result.open.empty() || !std::isfinite(run.result.objective) || run.lagrangian.rho.empty() ||
      !detail::set_feasible(pb, run.result.open))
    return;
  auto& red = rd.red;
  rd.ub = run.result.objective;
  rd.incumbent = run.result.open;
  const double ub = rd.ub;
  const auto& lg = run.lagrangian;
  rd.lagrangian_bound = lg.bound;
  const auto& L = run.lists;
  const double tol = 1e-9 * std::max(1.0, std::abs(ub));
  std::vector<char> is_fixed(m, 0);
  for (auto f : pb.fixed) is_fixed[f] = 1;
  auto fix = detail::lagrangian_site_fixing(pb, lg, ub);
  red.removed = std::move(fix.removed);
  red.forced = std::move(fix.forced);
  const auto& open_bound = fix.open_bound;
  // Sites open in every solution at least as good as the incumbent (fixed, or forced by their reduced
  // cost): nobody is assigned farther than the nearest of them (ties kept) - exact.
  std::vector<std::uint32_t> sure(pb.fixed.begin(), pb.fixed.end());
  for (std::uint32_t j = 0; j < m; ++j)
    if (red.forced[j] && !is_fixed[j]) sure.push_back(j);
  red.has_x_filter = true;
  red.x_allowed.assign(n, {});
  std::size_t kept = 0;
  for (std::size_t u = 0; u < L.users.size(); ++u) {
    const auto i = L.users[u];
    float cap = kUnreachable;
    for (auto j : sure) cap = std::min(cap, pb.cost(i, j));
    const double w = pb.w(i), lam = lg.lambda[u];
    for (std::size_t k2 = L.start[u]; k2 < L.start[u + 1]; ++k2) {
      const auto j = L.cand[k2];
      if (L.time[k2] > cap) break;
      if (red.removed[j]) continue;
      if (open_bound[j] + std::max(0.0, w * L.time[k2] - lam) > ub + tol) continue;
      red.x_allowed[i].push_back(j);
    }
    kept += red.x_allowed[i].size();
  }
  rd.used = true;
  std::size_t nrem = 0;
  for (char c : red.removed) nrem += c != 0;
  rd.note = "lagrangian reduction: " + std::to_string(nrem) + " of " + std::to_string(m) + " sites closed, " +
            std::to_string(sure.size() - pb.fixed.size()) + " forced open, " + std::to_string(kept) + " of " +
            std::to_string(L.cand.size()) + " assignment variables kept (bound " + format_number(lg.bound) +
            ", incumbent " + format_number(ub) + ")";
}

// Fixed (existing) facilities: nobody is assigned farther than the nearest of them (ties kept) - exact.
void reduce_to_fixed(const LocateProblem& pb, Reductions& rd) {
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  auto& red = rd.red;
  red.has_x_filter = true;
  red.x_allowed.assign(n, {});
  for (std::size_t i = 0; i < n; ++i) {
    if (pb.w(i) <= 0) continue;
    float cap = kUnreachable;
    for (auto f : pb.fixed) cap = std::min(cap, pb.cost(i, f));
    for (std::uint32_t j = 0; j < m; ++j)
      if (std::isfinite(pb.cost(i, j)) && pb.cost(i, j) <= cap) red.x_allowed[i].push_back(j);
  }
  rd.used = true;
}

// p-center: the heuristic's radius bounds W, and no one is assigned to a site farther than it.
void reduce_pcenter(const LocateProblem& pb, Context& ctx, Reductions& rd) {
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  HeuristicOptions ho;
  ho.compute_bound = false;
  auto h = solve_heuristic(pb, ho, ctx);
  if (h.open.empty() || !std::isfinite(h.objective) || !detail::set_feasible(pb, h.open)) return;
  auto& red = rd.red;
  rd.ub = h.objective;
  rd.incumbent = h.open;
  if (!rd.used) red.x_allowed.assign(n, {});
  for (std::size_t i = 0; i < n; ++i) {
    if (pb.w(i) <= 0) continue;
    std::vector<std::uint32_t> a;
    const auto src = rd.used && !red.x_allowed[i].empty() ? red.x_allowed[i] : std::vector<std::uint32_t>{};
    if (!src.empty()) {
      for (auto j : src)
        if (pb.cost(i, j) <= rd.ub) a.push_back(j);
    } else {
      for (std::uint32_t j = 0; j < m; ++j)
        if (pb.cost(i, j) <= rd.ub) a.push_back(j);
    }
    red.x_allowed[i] = std::move(a);
  }
  red.has_x_filter = true;
  red.w_ub = rd.ub;
  rd.used = true;
}

// The result from CBC's answer; when CBC found nothing in time, the heuristic incumbent with the
// Lagrangian bound still gives a solution with a proven gap.
void read_answer(const LocateProblem& pb, const detail::BuiltModel& bm, const MipResult& mr,
                 const Reductions& rd, LocateResult& r) {
  r.outcome = mr.outcome;
  if (mr.outcome == Outcome::kOptimal || mr.outcome == Outcome::kFeasibleGapOpen) {
    map_solution(pb, bm, mr, r);
    const bool maxi = maximises(pb.kind);
    r.objective = pb.capacitated() ? mr.objective : evaluate(pb, r.open);
    r.bound = maxi ? -mr.bound : mr.bound;
    r.bound = maxi ? std::max(r.bound, r.objective) : std::min(r.bound, r.objective);
    if (rd.used && pb.kind == ProblemKind::kPMedian) r.bound = std::min(r.bound, rd.ub);
    r.gap = detail::rel_gap(r.objective, r.bound);
  } else if (mr.outcome == Outcome::kTimeLimit && !rd.incumbent.empty() &&
             std::isfinite(rd.lagrangian_bound)) {
    // e.g. CBC's root LP did not finish
    r.outcome = Outcome::kFeasibleGapOpen;
    r.open = rd.incumbent;
    r.assigned = nearest_assignment(pb, r.open);
    r.objective = evaluate(pb, r.open);
    r.bound = std::min(rd.lagrangian_bound, r.objective);
    r.gap = detail::rel_gap(r.objective, r.bound);
    r.message +=
        "; CBC stopped at the time limit without a solution: heuristic incumbent and lagrangian bound";
  }
}

}  // namespace

LocateResult solve_mip(const LocateProblem& pb, const MipSolveOptions& opt, Context& ctx) {
  const auto t0 = std::chrono::steady_clock::now();
  check_problem(pb);
  if (pb.kind == ProblemKind::kPMedian && !pb.capacitated() && pb.p > 0 &&
      opt.formulation != PMedianFormulation::kAssignment) {
    LocateResult r = detail::solve_pmedian_radius(pb, opt, ctx);
    ctx.debug("locate mip: " + std::string(outcome_name(r.outcome)) + " in " + format_number(r.seconds) +
              " s; " + r.message);
    return r;
  }
  check_mip_memory(pb, ctx);
  LocateResult r;
  r.solver = SolverKind::kMip;
  Reductions rd;
  if (opt.reduce && pb.kind == ProblemKind::kPMedian && !pb.capacitated() && pb.p > 0)
    reduce_pmedian(pb, ctx, rd);
  else if (!pb.fixed.empty() && (pb.kind == ProblemKind::kPMedian || pb.kind == ProblemKind::kPCenter) &&
           !pb.capacitated())
    reduce_to_fixed(pb, rd);
  if (opt.reduce && pb.kind == ProblemKind::kPCenter) reduce_pcenter(pb, ctx, rd);

  detail::BuiltModel bm = detail::build_model(pb, rd.used ? &rd.red : nullptr, false);
  if (!rd.incumbent.empty()) bm.model.start = detail::start_vector(pb, bm, rd.incumbent);
  auto be = make_cbc_backend();
  MipResult mr;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MipOptions mo{.time_limit_s = std::max(0.05, opt.time_limit_s - elapsed),
                .rel_gap = opt.rel_gap,
                .threads = opt.threads,
                .gomory_cuts = !(rd.used && pb.kind == ProblemKind::kPMedian && !pb.capacitated())};
  const CallStatus st = be->solve(bm.model, mo, mr);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.nodes = mr.nodes;
  r.time_limit_reached = mr.time_limit_reached;
  r.message = mr.message.empty() ? rd.note : (rd.note.empty() ? mr.message : rd.note + "; " + mr.message);
  if (st != CallStatus::kOk) {
    r.outcome = Outcome::kError;
    return r;
  }
  read_answer(pb, bm, mr, rd, r);
  ctx.debug("locate mip: " + std::string(outcome_name(r.outcome)) + " in " + format_number(r.seconds) +
            " s; " + r.message);
  return r;
}

double lp_relaxation_bound(const LocateProblem& pb, double time_limit_s) {
  check_problem(pb);
  auto bm = detail::build_model(pb, nullptr, false);
  auto be = make_cbc_backend();
  MipResult r;
  if (be->solve_lp(bm.model, {.time_limit_s = time_limit_s}, r) != CallStatus::kOk ||
      r.outcome != Outcome::kOptimal)
    return std::numeric_limits<double>::quiet_NaN();
  return maximises(pb.kind) ? -r.objective : r.objective;
}

std::string to_lp_format(const MipModel& m) {
  auto cname = [&](int c) {
    return c < static_cast<int>(m.col_name.size()) && !m.col_name[c].empty() ? m.col_name[c]
                                                                             : "c" + std::to_string(c);
  };
  auto rname = [&](int r) {
    return r < static_cast<int>(m.row_name.size()) && !m.row_name[r].empty() ? m.row_name[r]
                                                                             : "r" + std::to_string(r);
  };
  auto num = [](double v) { return format_number(v); };
  std::string s = "\\ countyscope locate model (CPLEX LP format)\nMinimize\n obj:";
  int terms = 0;
  auto term = [&](double v, const std::string& name) {
    if (v == 0) return;
    s += v < 0 ? " - " : " + ";
    if (std::abs(v) != 1) s += num(std::abs(v)) + " ";
    s += name;
    if (++terms % 8 == 0) s += "\n ";
  };
  for (int c = 0; c < m.cols(); ++c) term(m.obj[c], cname(c));
  if (terms == 0) s += " 0 " + cname(0);
  s += "\nSubject To\n";
  for (int r = 0; r < m.rows(); ++r) {
    auto body = [&](const std::string& name) {
      s += " " + name + ":";
      terms = 0;
      for (std::size_t k = m.row_start[r]; k < m.row_start[r + 1]; ++k)
        term(m.row_value[k], cname(m.row_index[k]));
      if (terms == 0) s += " 0 " + cname(0);
    };
    const double lo = m.row_lb[r], hi = m.row_ub[r];
    if (lo == hi) {
      body(rname(r));
      s += " = " + num(lo) + "\n";
    } else if (std::isinf(lo)) {
      body(rname(r));
      s += " <= " + num(hi) + "\n";
    } else if (std::isinf(hi)) {
      body(rname(r));
      s += " >= " + num(lo) + "\n";
    } else {
      body(rname(r) + "_lo");
      s += " >= " + num(lo) + "\n";
      body(rname(r) + "_hi");
      s += " <= " + num(hi) + "\n";
    }
  }
  s += "Bounds\n";
  for (int c = 0; c < m.cols(); ++c) {
    const double lo = m.col_lb[c], hi = m.col_ub[c];
    if (lo == hi)
      s += " " + cname(c) + " = " + num(lo) + "\n";
    else if (std::isinf(hi))
      s += " " + cname(c) + " >= " + num(lo) + "\n";
    else
      s += " " + num(lo) + " <= " + cname(c) + " <= " + num(hi) + "\n";
  }
  bool any = false;
  for (int c = 0; c < m.cols(); ++c)
    if (m.is_int[c]) {
      if (!any) s += "Generals\n";
      any = true;
      s += " " + cname(c) + "\n";
    }
  s += "End\n";
  return s;
}

std::string write_lp_file_text(const LocateProblem& pb) {
  check_problem(pb);
  return to_lp_format(detail::build_model(pb, nullptr, true).model);
}

}  // namespace cs::locate
