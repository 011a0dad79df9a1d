// Exact uncapacitated p-median on the radius formulation (Garcia, Labbe and Marin 2011, "Solving large
// p-median problems with a radius formulation", INFORMS J. Computing 23(4); Elloumi 2010's compact form),
// projected onto the site variables and solved by row generation (Benders cuts, as in Duran-Mateluna, Ales
// and Elloumi 2023, "An efficient Benders decomposition for the p-median problem", EJOR 308).
//
// Per demand point i, D_i0 < D_i1 < ... are the distinct times to its candidates. In the radius formulation
// z_ik = 1 when no open site is within D_ik, and i's time is D_i0 + sum_k (D_i,k+1 - D_ik) z_ik with
// z_ik >= 1 - sum_{j: d_ij <= D_ik} y_j. Projecting the z out leaves, per demand point, a time theta_i and
// one row per level K:
//   theta_i + sum_{j: d_ij < D_iK} (D_iK - d_ij) y_j >= D_iK
// (valid for every 0/1 y, and the largest of them is i's exact time when some site within reach is open), so
//   min sum_i w_i theta_i  s.t. those rows, sum_j y_j = p, y binary
// is the p-median, with the LP bound of the radius (and the assignment) model. Rows are generated as needed:
// (1) the heuristic's incumbent and Lagrangian multipliers close and force sites exactly (reduced-cost
// fixing; nobody travels beyond the nearest forced site); (2) LP rounds on a Clp master (dual simplex
// warm-started after each batch), cuts separated at a point between the LP solution and a core point (in-out
// stabilisation, Ben-Ameur and Neto 2007) until no row is violated: the master's value is then the LP bound,
// and its reduced costs close more sites; (3) CBC (CbcModel, from the LP's basis) solves the master with the
// rows tight at the LP optimum; if its optimum is not exact at its own solution, that solution's rows are
// added and CBC solves again. The last CBC optimum bounds a relaxation and costs its solution exactly: it is
// the p-median's optimum (within the gap tolerance). Deterministic: rows in a fixed order (separation runs
// in parallel into per-point slots), Clp and CBC on one thread.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>

#include <countyscope/core/memory.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/locate/mip.hpp>
#include <countyscope/locate/problem.hpp>

#include "detail.hpp"

namespace cs::locate::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Per demand point with weight > 0: its usable candidates (not closed by the fixing, not beyond the nearest
// sure site, ties kept) sorted by (time, index).
struct Levels {
  std::vector<std::uint32_t> users;
  std::vector<std::size_t> start;  // users + 1 offsets into cand/time
  std::vector<std::uint32_t> cand;
  std::vector<float> time;
  std::vector<char> hard;  // the list misses some usable site: "some site of the list open" is a row
};

Levels make_levels(const LocateProblem& pb, const SortedLists& L, const std::vector<char>& removed,
                   const std::vector<char>& sure) {
  Levels lv;
  const std::size_t m = pb.candidate_count();
  std::size_t usable = 0;
  for (std::size_t j = 0; j < m; ++j) usable += removed[j] ? 0 : 1;
  lv.start.push_back(0);
  for (std::size_t u = 0; u < L.users.size(); ++u) {
    lv.users.push_back(L.users[u]);
    const std::size_t s0 = lv.cand.size();
    float cap = kUnreachable;
    bool has_sure = false;
    for (std::size_t q = L.start[u]; q < L.start[u + 1]; ++q) {
      const auto j = L.cand[q];
      if (L.time[q] > cap) break;
      if (removed[j]) continue;
      if (sure[j] && !has_sure) has_sure = true, cap = L.time[q];
      lv.cand.push_back(j);
      lv.time.push_back(L.time[q]);
    }
    lv.hard.push_back(!has_sure && lv.cand.size() - s0 < usable ? 1 : 0);
    lv.start.push_back(lv.cand.size());
  }
  return lv;
}

// A Benders cut of demand point u at the level of time D (its candidates before position qend are nearer):
//   theta_u + sum_{q < qend} (D - d_q) y_{cand q} >= D.
struct Cut {
  std::uint32_t u, qend;
  float level;
};

// The cut of demand point u that is tightest at y: its level is the first at which the sites open within
// reach add up to 1 (the last level if they never do); value = f_u(y) (the LP's travel time of u at y).
struct Sep {
  Cut cut;
  double value;
};
Sep separate(const Levels& lv, std::size_t u, const std::vector<double>& y) {
  constexpr double kEps = 1e-7;
  const std::size_t s0 = lv.start[u], s1 = lv.start[u + 1];
  double before = 0, dy = 0;  // sum of y and of d * y over the candidates before the current level
  for (std::size_t q = s0; q < s1;) {
    const float t = lv.time[q];
    std::size_t e = q;
    double in = 0, in_d = 0;
    for (; e < s1 && lv.time[e] == t; ++e) in += y[lv.cand[e]], in_d += y[lv.cand[e]] * lv.time[e];
    if (before + in >= 1 - kEps || e == s1)
      return {{static_cast<std::uint32_t>(u), static_cast<std::uint32_t>(q - s0), t}, t * (1 - before) + dy};
    before += in;
    dy += in_d;
    q = e;
  }
  return {{static_cast<std::uint32_t>(u), 0, kUnreachable}, kInf};  // empty list: cannot happen
}

// Value of a cut at y (without theta).
double cut_value(const Levels& lv, const Cut& c, const std::vector<double>& y) {
  double v = c.level;
  for (std::size_t q = lv.start[c.u]; q < lv.start[c.u] + c.qend; ++q)
    v -= (c.level - lv.time[q]) * y[lv.cand[q]];
  return v;
}

// Row terms of a cut: y columns 0..m-1 (closed sites left out), theta_u at column m + u.
void cut_terms(const Levels& lv, const Cut& c, std::size_t m, const std::vector<char>& removed,
               std::vector<std::pair<int, double>>& t) {
  t.clear();
  for (std::size_t q = lv.start[c.u]; q < lv.start[c.u] + c.qend; ++q)
    if (!removed[lv.cand[q]] && c.level > lv.time[q])
      t.push_back({static_cast<int>(lv.cand[q]), static_cast<double>(c.level) - lv.time[q]});
  t.push_back({static_cast<int>(m + c.u), 1.0});
}

// The master problem without cuts: y per site (closed: ub 0, forced/fixed: lb 1), theta per demand point
// (cost w, at least its nearest time), the cardinality and budget rows, and "some usable site open" for a
// demand point whose list misses some sites (unreachable ones).
MipModel base_master(const LocateProblem& pb, const Levels& lv, const std::vector<char>& removed,
                     const std::vector<char>& forced) {
  MipModel mm;
  const std::size_t m = pb.candidate_count();
  for (std::size_t j = 0; j < m; ++j) mm.add_col(forced[j] ? 1 : 0, removed[j] ? 0 : 1, 0.0, true);
  for (std::size_t u = 0; u < lv.users.size(); ++u)
    mm.add_col(lv.time[lv.start[u]], kInf, pb.w(lv.users[u]), false);
  std::vector<std::pair<int, double>> t;
  for (std::size_t j = 0; j < m; ++j) t.push_back({static_cast<int>(j), 1.0});
  mm.add_row(t, pb.p, pb.p);
  if (pb.budget && !pb.opening_cost.empty()) {
    std::vector<char> is_fixed(m, 0);
    for (auto f : pb.fixed) is_fixed[f] = 1;
    t.clear();
    for (std::size_t j = 0; j < m; ++j)
      if (!is_fixed[j] && pb.opening_cost[j] != 0) t.push_back({static_cast<int>(j), pb.opening_cost[j]});
    if (!t.empty()) mm.add_row(t, -kInf, *pb.budget);
  }
  for (std::size_t u = 0; u < lv.users.size(); ++u) {
    if (!lv.hard[u]) continue;
    t.clear();
    for (std::size_t q = lv.start[u]; q < lv.start[u + 1]; ++q)
      t.push_back({static_cast<int>(lv.cand[q]), 1.0});
    mm.add_row(t, 1, kInf);
  }
  return mm;
}

// Loads a model into Clp (no integrality).
void load_clp(const MipModel& m, ClpSimplex& lp) {
  const int nr = m.rows(), nc = m.cols();
  std::vector<int> starts(m.row_start.begin(), m.row_start.end()), lengths(nr);
  for (int r = 0; r < nr; ++r) lengths[r] = static_cast<int>(m.row_start[r + 1] - m.row_start[r]);
  CoinPackedMatrix mat(false, nc, nr, static_cast<CoinBigIndex>(m.row_index.size()), m.row_value.data(),
                       m.row_index.data(), starts.data(), lengths.data());
  auto fin = [](double v) { return std::isinf(v) ? (v > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX) : v; };
  std::vector<double> cl(nc), cu(nc), rl(nr), ru(nr);
  for (int c = 0; c < nc; ++c) cl[c] = fin(m.col_lb[c]), cu[c] = fin(m.col_ub[c]);
  for (int r = 0; r < nr; ++r) rl[r] = fin(m.row_lb[r]), ru[r] = fin(m.row_ub[r]);
  lp.setLogLevel(0);
  lp.messageHandler()->setLogLevel(0);
  lp.loadProblem(mat, cl.data(), cu.data(), m.obj.data(), rl.data(), ru.data());
}
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

LocateResult solve_pmedian_radius(const LocateProblem& pb, const MipSolveOptions& opt, Context& ctx) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = pb.demand_count(), m = pb.candidate_count();
  {
    std::uint64_t pairs = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) pairs += std::isfinite(pb.cost(i, j)) ? 1 : 0;
    // sorted lists (twice: the heuristic's and the levels), the level starts, the model's y entries
    check_memory(ctx, add_sat(mul_sat(pairs, 40), mul_sat(add_sat(n, m), 200)),
                 "p-median radius model with " + std::to_string(n) + " demand points x " + std::to_string(m) +
                     " candidates (" + std::to_string(pairs) + " reachable pairs)",
                 "use fewer demand points (aggregate them), fewer candidates, a shorter cutoff, or --solver "
                 "heuristic");
  }
  LocateResult r;
  r.solver = SolverKind::kMip;
  std::vector<char> is_fixed(m, 0);
  for (auto f : pb.fixed) is_fixed[f] = 1;

  // (1) incumbent, Lagrangian bound and exact site fixing
  HeuristicOptions ho;
  ho.compute_bound = opt.reduce;
  // A few hundred subgradient steps: the fixing they allow closes nearly as many sites as 1,500 (845 against
  // 854 of 1,000 at 10,000 x 1,000, p = 5) in a fifth of the time; the LP rounds then give the LP bound.
  ho.bound_iterations = 300;
  auto run = pmedian_heuristic(pb, ho, ctx);
  std::vector<std::uint32_t> incumbent;
  double ub = kInf, lower = -kInf;
  std::vector<char> removed(m, 0), forced(is_fixed);
  std::string note;
  if (!run.result.open.empty() && std::isfinite(run.result.objective) && set_feasible(pb, run.result.open)) {
    incumbent = run.result.open;
    ub = run.result.objective;
    if (opt.reduce && !run.lagrangian.rho.empty()) {
      lower = run.lagrangian.bound;
      auto fx = lagrangian_site_fixing(pb, run.lagrangian, ub);
      for (std::size_t j = 0; j < m; ++j) {
        removed[j] = fx.removed[j] && !is_fixed[j];
        forced[j] = forced[j] || fx.forced[j];
      }
    }
  }
  std::size_t nrem = 0, nforced = 0;
  for (std::size_t j = 0; j < m; ++j)
    nrem += removed[j] ? 1 : 0, nforced += forced[j] && !is_fixed[j] ? 1 : 0;
  Levels lv = make_levels(pb, run.lists, removed, forced);
  run.lists = {};
  note = "radius formulation: " + std::to_string(nrem) + " of " + std::to_string(m) + " sites closed, " +
         std::to_string(nforced) + " forced open by the lagrangian bound";

  // Benders master: y per site, theta per demand point, cuts generated as needed.
  const std::size_t nu = lv.users.size();
  std::vector<Cut> pool;
  std::vector<char> binding;  // per pool cut: in CBC's master (the cuts binding at the LP optimum, then more)
  std::vector<std::vector<std::pair<std::uint32_t, std::size_t>>> has_cut(
      nu);  // per demand point: (qend, cut)
  // Adds a cut (or puts a pruned one back into the master); true when it is new to the master.
  auto add_cut = [&](const Cut& c) {
    auto& h = has_cut[c.u];
    for (auto [q, k] : h)
      if (q == c.qend) {
        if (k < binding.size() && !binding[k]) return binding[k] = 1, true;
        return false;
      }
    h.push_back({c.qend, pool.size()});
    pool.push_back(c);
    return true;
  };
  std::vector<double> yv(m);
  auto set_y = [&](const std::vector<std::uint32_t>& set) {
    std::fill(yv.begin(), yv.end(), 0.0);
    for (auto j : set) yv[j] = 1;
  };
  // cuts exact at the incumbent (more starting cuts, e.g. at the Lagrangian relaxed solutions, make the first
  // LP slower than the rounds they save)
  auto cuts_at = [&](const std::vector<double>& y) {
    std::size_t added = 0;
    for (std::size_t u = 0; u < nu; ++u) added += add_cut(separate(lv, u, y).cut) ? 1 : 0;
    return added;
  };
  if (!incumbent.empty()) set_y(incumbent), cuts_at(yv);

  auto be = make_cbc_backend();
  auto left = [&] { return opt.time_limit_s - seconds_since(t0); };
  const MipModel base = base_master(pb, lv, removed, forced);
  const int threads = std::max(1, ctx.thread_count());

  // (2) LP rounds: Kelley's cutting planes, stabilised by separating at a point between the LP solution and
  // a core point (in-out, Ben-Ameur and Neto 2007); dual simplex warm-started after each batch of cuts.
  int lp_rounds = 0;
  double lp_bound = -kInf;
  std::vector<char> col_basis, row_basis;  // the LP optimum's basis (Osi codes), for CBC's root
  {
    ClpSimplex lp;
    load_clp(base, lp);
    const int base_rows = base.rows();
    std::size_t in_lp = 0;
    std::vector<std::pair<int, double>> t;
    auto push_rows = [&] {
      std::vector<double> lo, hi, val;
      std::vector<int> idx;
      std::vector<CoinBigIndex> st{0};
      for (; in_lp < pool.size(); ++in_lp) {
        cut_terms(lv, pool[in_lp], m, removed, t);
        for (auto [c, v] : t) idx.push_back(c), val.push_back(v);
        st.push_back(static_cast<CoinBigIndex>(idx.size()));
        lo.push_back(pool[in_lp].level);
        hi.push_back(COIN_DBL_MAX);
      }
      if (!lo.empty())
        lp.addRows(static_cast<int>(lo.size()), lo.data(), hi.data(), st.data(), idx.data(), val.data());
    };
    push_rows();
    std::vector<double> core(m, 0.0), ybar(m), yhat(m), theta(nu);
    for (auto j : incumbent) core[j] = 1;
    std::vector<Sep> s_hat(nu), s_bar(nu);
    double best_f = kInf;
    while (left() > 0.05) {
      lp.setMaximumSeconds(std::max(0.05, left()));
      lp.dual();
      if (lp.status() != 0) break;
      ++lp_rounds;
      const double lb = lp.objectiveValue();
      const double* x = lp.primalColumnSolution();
      std::copy(x, x + m, ybar.begin());
      std::copy(x + m, x + m + nu, theta.begin());
      for (std::size_t j = 0; j < m; ++j) yhat[j] = 0.5 * ybar[j] + 0.5 * core[j];
      parallel_for(
          nu, threads,
          [&](std::size_t u, int) {
            s_hat[u] = separate(lv, u, yhat);
            s_bar[u] = separate(lv, u, ybar);
          },
          64);
      double f = 0;
      for (std::size_t u = 0; u < nu; ++u) f += pb.w(lv.users[u]) * s_bar[u].value;
      best_f = std::min(best_f, f);
      auto violated = [&](const Cut& c) {
        return theta[c.u] < cut_value(lv, c, ybar) - 1e-6 * std::max(1.0, static_cast<double>(c.level));
      };
      std::size_t added = 0;
      for (std::size_t u = 0; u < nu; ++u)
        if (violated(s_hat[u].cut)) added += add_cut(s_hat[u].cut) ? 1 : 0;
      if (added == 0)
        for (std::size_t u = 0; u < nu; ++u)
          if (violated(s_bar[u].cut)) added += add_cut(s_bar[u].cut) ? 1 : 0;
      if (added == 0 || best_f - lb <= 1e-9 * std::max(1.0, std::abs(lb))) {
        lp_bound = lb;
        const double* act = lp.primalRowSolution();
        binding.assign(pool.size(), 1);
        {
          OsiClpSolverInterface osi(&lp, false);
          std::vector<int> cs(m + nu), rs(static_cast<std::size_t>(lp.numberRows()));
          osi.getBasisStatus(cs.data(), rs.data());
          col_basis.assign(cs.begin(), cs.end());
          row_basis.assign(rs.begin(), rs.end());
        }
        // CBC's master keeps the cuts tight at the LP optimum (the optimum and its basis stay the same)
        const bool have_basis = row_basis.size() == static_cast<std::size_t>(base_rows) + in_lp;
        for (std::size_t c = 0; c < in_lp; ++c)
          binding[c] = (have_basis && row_basis[base_rows + c] != 1) ||
                       act[base_rows + static_cast<int>(c)] <=
                           pool[c].level + 1e-6 * std::max(1.0, static_cast<double>(pool[c].level));
        // reduced-cost fixing at the LP optimum (exact: any solution with y_j moved costs at least lb +
        // |d_j|)
        const double* dj = lp.dualColumnSolution();
        const double tol = 1e-9 * std::max(1.0, std::abs(ub));
        for (std::size_t j = 0; j < m; ++j) {
          if (removed[j] || forced[j] || !std::isfinite(ub)) continue;
          if (ybar[j] < 1e-9 && lb + dj[j] > ub + tol) removed[j] = 1, ++nrem;
          if (ybar[j] > 1 - 1e-9 && lb - dj[j] > ub + tol) forced[j] = 1, ++nforced;
        }
        break;
      }
      for (std::size_t j = 0; j < m; ++j) core[j] = 0.5 * core[j] + 0.5 * ybar[j];
      push_rows();
    }
  }
  if (std::isfinite(lp_bound)) lower = std::max(lower, lp_bound);

  // (3) MIP rounds: CBC on the master with the LP's binding cuts; cuts exact at CBC's solution are added
  // until CBC's optimum costs its solution exactly.
  int mip_rounds = 0;
  bool proven = false;
  double mip_bound = -kInf;
  binding.resize(pool.size(), 1);
  std::vector<std::pair<int, double>> t;
  while (left() > 0.05) {
    MipModel mm = base_master(pb, lv, removed, forced);
    const bool warm = mip_rounds == 0 && !col_basis.empty();
    const std::size_t base_rows = static_cast<std::size_t>(mm.rows());
    if (warm) {
      mm.col_basis = col_basis;
      mm.row_basis.assign(row_basis.begin(), row_basis.begin() + static_cast<std::ptrdiff_t>(base_rows));
    }
    std::size_t rows = 0;
    for (std::size_t c = 0; c < pool.size(); ++c) {
      if (!binding[c]) continue;
      cut_terms(lv, pool[c], m, removed, t);
      mm.add_row(t, pool[c].level, kInf);
      if (warm) mm.row_basis.push_back(c + base_rows < row_basis.size() ? row_basis[c + base_rows] : 1);
      ++rows;
    }
    if (!incumbent.empty()) {
      set_y(incumbent);
      mm.start.assign(static_cast<std::size_t>(mm.cols()), 0.0);
      std::copy(yv.begin(), yv.end(), mm.start.begin());
      for (std::size_t u = 0; u < nu; ++u) mm.start[m + u] = separate(lv, u, yv).value;
    }
    MipResult mr;
    const CallStatus st =
        be->solve(mm,
                  {.time_limit_s = std::max(0.05, left()),
                   .rel_gap = opt.rel_gap,
                   .threads = 1,
                   .gomory_cuts = false},  // the LP bound is tight; Gomory rounds on ~10^4 rows are slow
                  mr);
    ++mip_rounds;
    r.nodes += mr.nodes;
    if (st != CallStatus::kOk) {
      r.outcome = Outcome::kError;
      r.message = note + "; " + mr.message;
      r.seconds = seconds_since(t0);
      return r;
    }
    if (mr.outcome == Outcome::kInfeasible) {
      // The master relaxes the p-median; its fixing needs an incumbent, so this is the problem's own
      // infeasibility (e.g. no p sites within the budget reach everybody).
      r.outcome = Outcome::kInfeasible;
      r.message = note + "; CBC: infeasible";
      r.seconds = seconds_since(t0);
      return r;
    }
    if (mr.outcome != Outcome::kOptimal && mr.outcome != Outcome::kFeasibleGapOpen) break;
    std::vector<std::uint32_t> open;
    for (std::size_t j = 0; j < m; ++j)
      if (mr.x[j] > 0.5) open.push_back(static_cast<std::uint32_t>(j));
    const double v = set_feasible(pb, open) ? evaluate(pb, open) : kInf;
    if (v < ub - 1e-9 * std::max(1.0, std::abs(ub)) || (v == ub && open < incumbent))
      ub = v, incumbent = open;
    // CBC's bound is a bound of a relaxation of the p-median (the master holds valid cuts only)
    mip_bound = mr.bound;
    lower = std::max(lower, mr.bound);
    if (mr.outcome == Outcome::kOptimal && rel_gap(v, mr.bound) <= opt.rel_gap) {
      incumbent = open;  // CBC's optimum, costed exactly
      ub = v;
      proven = true;
      break;
    }
    if (mr.outcome != Outcome::kOptimal) break;  // time limit inside CBC
    set_y(open);
    const std::size_t added = cuts_at(yv);
    binding.resize(pool.size(), 1);
    if (added == 0) break;  // no cut missing: cannot happen when the gap is open
  }

  r.seconds = seconds_since(t0);
  r.iterations = mip_rounds;
  std::size_t kept = 0;
  for (char b : binding) kept += b ? 1 : 0;
  // no times in the message: it is written to the outputs, which are the same for the same inputs
  r.message = note + "; " + std::to_string(lp_rounds) + " LP rounds (LP bound " +
              (std::isfinite(lp_bound) ? format_number(lp_bound) : std::string("not reached")) + "), " +
              std::to_string(nrem) + " sites closed and " + std::to_string(nforced) +
              " forced open after it, " + std::to_string(mip_rounds) + " CBC rounds on " +
              std::to_string(kept) + " of " + std::to_string(pool.size()) + " cuts";
  if (incumbent.empty()) {
    r.outcome = Outcome::kTimeLimit;
    r.time_limit_reached = true;
    return r;
  }
  r.open = incumbent;
  std::sort(r.open.begin(), r.open.end());
  r.assigned = nearest_assignment(pb, r.open);
  r.objective = evaluate(pb, r.open);
  if (proven) {
    r.outcome = Outcome::kOptimal;
    r.bound = std::min(mip_bound, r.objective);
  } else {
    r.outcome = Outcome::kFeasibleGapOpen;
    r.time_limit_reached = left() <= 0.05;
    r.bound = std::min(lower, r.objective);
  }
  r.gap = rel_gap(r.objective, r.bound);
  if (r.outcome == Outcome::kFeasibleGapOpen && r.gap <= opt.rel_gap) r.outcome = Outcome::kOptimal;
  return r;
}

}  // namespace cs::locate::detail
