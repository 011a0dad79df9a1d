// Two-echelon capacitated hub siting (industry/hubs.hpp; docs/industry.md): the MIP through CBC, the local
// search priced by min-cost flows with dynamic slope scaling, and the LP bound.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/industry/hubs.hpp>
#include <countyscope/locate/mip.hpp>

namespace cs::industry {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

[[noreturn]] void bad(const std::string& field, const std::string& what) {
  throw InputError("hub problem: field '" + field + "': " + what);
}

void check_values(const std::vector<double>& v, std::size_t n, const std::string& field, bool positive) {
  if (v.size() != n) bad(field, "expected " + std::to_string(n) + " values, got " + std::to_string(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]) || v[i] < 0 || (positive && v[i] == 0))
      bad(field, "value " + std::to_string(i) + " must be a finite number " + (positive ? "> 0" : ">= 0"));
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

void check_problem(const HubProblem& p) {
  const std::size_t n = p.origins(), c = p.collects(), h = p.hubs();
  check_values(p.supply, n, "supply", false);
  check_values(p.collect_capacity, c, "collect_capacity", true);
  check_values(p.hub_fixed, h, "hub_fixed", false);
  check_values(p.hub_capacity, h, "hub_capacity", true);
  if (c == 0) bad("collect_fixed", "no collection point candidate");
  if (h == 0) bad("hub_fixed", "no hub candidate");
  check_values(p.collect_fixed, c, "collect_fixed", false);
  if (p.first.rows() != n || p.first.cols() != c) bad("first", "expected origins x collection candidates");
  if (p.trunk.rows() != c || p.trunk.cols() != h) bad("trunk", "expected collection x hub candidates");
  if (p.to_market.size() != h) bad("to_market", "expected one distance per hub candidate");
  for (double d : p.first.storage())
    if (std::isnan(d) || d < 0) bad("first", "distances must be >= 0 (or +inf: no road)");
  for (double d : p.trunk.storage())
    if (std::isnan(d) || d < 0) bad("trunk", "distances must be >= 0 (or +inf: no road)");
  for (double d : p.to_market)
    if (std::isnan(d) || d < 0) bad("to_market", "distances must be >= 0 (or +inf: no road)");
  for (auto [v, f] : {std::pair{p.cost_first_mile, "cost_first_mile"}, std::pair{p.cost_trunk, "cost_trunk"}})
    if (!std::isfinite(v) || v < 0) bad(f, "must be a finite number >= 0");
  if (p.breaks.empty() || p.breaks.size() != p.slopes.size())
    bad("slopes", "one slope per break is needed, and at least one");
  if (p.breaks[0] != 0) bad("breaks", "the first break must be 0");
  for (std::size_t k = 0; k < p.breaks.size(); ++k) {
    if (!std::isfinite(p.breaks[k]) || (k > 0 && !(p.breaks[k] > p.breaks[k - 1])))
      bad("breaks", "breaks must be finite and increasing");
    if (!std::isfinite(p.slopes[k]) || p.slopes[k] < 0) bad("slopes", "slopes must be finite and >= 0");
    if (k > 0 && p.slopes[k] > p.slopes[k - 1])
      bad("slopes", "slopes must not increase (a concave processing cost: economies of scale), got " +
                        std::to_string(p.slopes[k - 1]) + " then " + std::to_string(p.slopes[k]));
  }
  if (!p.collect_existing.empty() && p.collect_existing.size() != c)
    bad("collect_existing", "one flag per collection candidate");
  if (!p.hub_existing.empty() && p.hub_existing.size() != h)
    bad("hub_existing", "one flag per hub candidate");
  const double total = std::accumulate(p.supply.begin(), p.supply.end(), 0.0);
  const double cc = std::accumulate(p.collect_capacity.begin(), p.collect_capacity.end(), 0.0);
  const double hc = std::accumulate(p.hub_capacity.begin(), p.hub_capacity.end(), 0.0);
  if (cc < total)
    bad("collect_capacity", "the candidates together hold " + std::to_string(cc) +
                                " t, less than the supply " + std::to_string(total) + " t");
  if (hc < total)
    bad("hub_capacity", "the candidates together hold " + std::to_string(hc) + " t, less than the supply " +
                            std::to_string(total) + " t");
  for (std::size_t i = 0; i < n; ++i) {
    if (!(p.supply[i] > 0)) continue;
    bool any = false;
    for (std::size_t j = 0; j < c && !any; ++j) any = std::isfinite(p.first(i, j));
    if (!any)
      bad("first", "origin " + std::to_string(i) + " has supply but no road to any collection candidate");
  }
}

std::vector<double> line_intercepts(const HubProblem& p) {
  std::vector<double> b(p.breaks.size());
  double f = 0;  // f(breaks[k])
  for (std::size_t k = 0; k < p.breaks.size(); ++k) {
    if (k > 0) f += p.slopes[k - 1] * (p.breaks[k] - p.breaks[k - 1]);
    b[k] = f - p.slopes[k] * p.breaks[k];
  }
  return b;
}

double processing_cost(const HubProblem& p, double throughput) {
  if (!(throughput > 0)) return 0;
  // The minimum of the lines (as line_intercepts gives them), without building the vector: it is priced
  // often.
  double best = kInf, f = 0;  // f = f(breaks[k])
  for (std::size_t k = 0; k < p.breaks.size(); ++k) {
    if (k > 0) f += p.slopes[k - 1] * (p.breaks[k] - p.breaks[k - 1]);
    best = std::min(best, f - p.slopes[k] * p.breaks[k] + p.slopes[k] * throughput);
  }
  return best;
}

// ---- min-cost flow -------------------------------------------------------------------------------------

MinCostFlow::MinCostFlow(std::size_t nodes) : out_(nodes) {}

std::size_t MinCostFlow::add_arc(std::size_t from, std::size_t to, double capacity, double cost) {
  const std::size_t k = arcs_.size() / 2;
  arcs_.push_back({to, capacity, cost, 0.0});
  arcs_.push_back({from, 0.0, -cost, 0.0});
  out_[from].push_back(2 * k);
  out_[to].push_back(2 * k + 1);
  return k;
}

double MinCostFlow::run(std::size_t s, std::size_t t, double amount) {
  const std::size_t n = out_.size();
  const double eps = 1e-9 * std::max(1.0, amount);
  std::vector<double> pot(n, 0.0), dist(n);
  std::vector<std::size_t> prev(n);
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  double sent = 0;
  using Item = std::pair<double, std::size_t>;
  while (sent < amount - eps) {
    std::fill(dist.begin(), dist.end(), kInf);
    std::fill(prev.begin(), prev.end(), kNone);
    std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
    dist[s] = 0;
    pq.emplace(0.0, s);
    while (!pq.empty()) {
      const auto [d, u] = pq.top();
      pq.pop();
      if (d > dist[u]) continue;
      for (std::size_t a : out_[u]) {
        const Arc& e = arcs_[a];
        if (e.cap - e.flow <= eps) continue;
        const double rc = std::max(0.0, e.cost + pot[u] - pot[e.to]);
        if (d + rc < dist[e.to]) {
          dist[e.to] = d + rc;
          prev[e.to] = a;
          pq.emplace(dist[e.to], e.to);
        }
      }
    }
    if (dist[t] == kInf) break;
    for (std::size_t v = 0; v < n; ++v) pot[v] += std::min(dist[v], dist[t]);
    double f = amount - sent;
    for (std::size_t v = t; v != s; v = arcs_[prev[v] ^ 1].to)
      f = std::min(f, arcs_[prev[v]].cap - arcs_[prev[v]].flow);
    for (std::size_t v = t; v != s; v = arcs_[prev[v] ^ 1].to) {
      arcs_[prev[v]].flow += f;
      arcs_[prev[v] ^ 1].flow -= f;
      cost_ += f * arcs_[prev[v]].cost;
    }
    sent += f;
  }
  return sent;
}

// ---- pricing a set of open points and hubs -------------------------------------------------------------

namespace {

// The plan's totals from its shipments (the true cost: fixed + transport + f(T)).
void finish(const HubProblem& p, HubSolution& s) {
  const std::size_t c = p.collects(), h = p.hubs();
  s.collect_throughput.assign(c, 0.0);
  s.hub_throughput.assign(h, 0.0);
  s.tkm_first = s.tkm_trunk = s.tkm_market = 0;
  for (const Shipment& x : s.first) {
    s.collect_throughput[x.to] += x.tonnes;
    s.tkm_first += x.tonnes * p.first(x.from, x.to);
  }
  for (const Shipment& u : s.trunk) {
    s.hub_throughput[u.to] += u.tonnes;
    s.tkm_trunk += u.tonnes * p.trunk(u.from, u.to);
  }
  s.fixed = s.processing = 0;
  for (std::size_t j = 0; j < c; ++j)
    if (s.collect_open[j]) s.fixed += p.collect_fixed[j];
  for (std::size_t k = 0; k < h; ++k) {
    if (s.hub_open[k]) s.fixed += p.hub_fixed[k];
    s.processing += processing_cost(p, s.hub_throughput[k]);
    if (s.hub_throughput[k] > 0) s.tkm_market += s.hub_throughput[k] * p.to_market[k];
  }
  s.transport = p.cost_first_mile * s.tkm_first + p.cost_trunk * (s.tkm_trunk + s.tkm_market);
  s.cost = s.fixed + s.transport + s.processing;
}

bool forced(const std::vector<char>& existing, std::size_t j) { return !existing.empty() && existing[j]; }

}  // namespace

HubSolution price_open(const HubProblem& p, const std::vector<char>& collect_open,
                       const std::vector<char>& hub_open) {
  const std::size_t n = p.origins(), c = p.collects(), h = p.hubs();
  const double total = std::accumulate(p.supply.begin(), p.supply.end(), 0.0);
  HubSolution best;
  best.outcome = locate::Outcome::kInfeasible;
  best.cost = kInf;
  best.collect_open = collect_open;
  best.hub_open = hub_open;
  std::vector<double> slope(h), last(h, -1.0);
  for (std::size_t k = 0; k < h; ++k) slope[k] = processing_cost(p, p.hub_capacity[k]) / p.hub_capacity[k];
  // Nodes: 0 source, 1..n origins, then collection in/out, hub in/out, sink.
  const std::size_t c0 = 1 + n, h0 = c0 + 2 * c, sink = h0 + 2 * h;
  for (int iter = 0; iter < 30; ++iter) {
    MinCostFlow g(sink + 1);
    for (std::size_t i = 0; i < n; ++i)
      if (p.supply[i] > 0) g.add_arc(0, 1 + i, p.supply[i], 0.0);
    std::vector<std::pair<std::size_t, Shipment>> fa, ta;  // arc -> shipment
    for (std::size_t i = 0; i < n; ++i) {
      if (!(p.supply[i] > 0)) continue;
      for (std::size_t j = 0; j < c; ++j)
        if (collect_open[j] && std::isfinite(p.first(i, j)))
          fa.push_back({g.add_arc(1 + i, c0 + 2 * j, p.supply[i], p.cost_first_mile * p.first(i, j)),
                        {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), 0}});
    }
    for (std::size_t j = 0; j < c; ++j) {
      if (!collect_open[j]) continue;
      g.add_arc(c0 + 2 * j, c0 + 2 * j + 1, p.collect_capacity[j], 0.0);
      for (std::size_t k = 0; k < h; ++k)
        if (hub_open[k] && std::isfinite(p.trunk(j, k)) && std::isfinite(p.to_market[k]))
          ta.push_back({g.add_arc(c0 + 2 * j + 1, h0 + 2 * k, total, p.cost_trunk * p.trunk(j, k)),
                        {static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(k), 0}});
    }
    for (std::size_t k = 0; k < h; ++k)
      if (hub_open[k] && std::isfinite(p.to_market[k])) {
        g.add_arc(h0 + 2 * k, h0 + 2 * k + 1, p.hub_capacity[k], slope[k] + p.cost_trunk * p.to_market[k]);
        g.add_arc(h0 + 2 * k + 1, sink, total, 0.0);
      }
    const double sent = g.run(0, sink, total);
    ++best.evaluations;
    if (sent < total - 1e-6 * std::max(1.0, total)) return best;  // the open capacities cannot carry it
    HubSolution s;
    s.collect_open = collect_open;
    s.hub_open = hub_open;
    for (auto& [a, x] : fa)
      if (g.flow(a) > 1e-9) s.first.push_back({x.from, x.to, g.flow(a)});
    for (auto& [a, x] : ta)
      if (g.flow(a) > 1e-9) s.trunk.push_back({x.from, x.to, g.flow(a)});
    finish(p, s);
    if (s.cost < best.cost - 1e-9 * std::max(1.0, s.cost)) {
      const long ev = best.evaluations;
      best = std::move(s);
      best.evaluations = ev;
      best.outcome = locate::Outcome::kFeasibleGapOpen;
    }
    // Dynamic slope scaling: each hub's arc costs its average processing cost at the flow just found.
    bool same = true;
    std::vector<double> thr(h, 0.0);
    for (const Shipment& u : best.trunk) thr[u.to] += u.tonnes;
    for (std::size_t k = 0; k < h; ++k) {
      if (std::abs(thr[k] - last[k]) > 1e-9 * std::max(1.0, thr[k])) same = false;
      last[k] = thr[k];
      if (thr[k] > 0) slope[k] = processing_cost(p, thr[k]) / thr[k];
    }
    if (same && iter > 0) break;
  }
  return best;
}

// ---- the MIP -------------------------------------------------------------------------------------------

namespace {

struct MipIndex {
  std::vector<int> y, z;  // per candidate
  std::vector<std::pair<int, Shipment>> x, u;
  std::vector<std::vector<int>> w, t;  // per hub, per line
};

locate::MipModel build_mip(const HubProblem& p, MipIndex& ix) {
  const std::size_t n = p.origins(), c = p.collects(), h = p.hubs(), L = p.slopes.size();
  const std::vector<double> b = line_intercepts(p);
  locate::MipModel m;
  ix = {};
  for (std::size_t j = 0; j < c; ++j)
    ix.y.push_back(m.add_col(forced(p.collect_existing, j) ? 1 : 0, 1, p.collect_fixed[j], true));
  for (std::size_t k = 0; k < h; ++k)
    ix.z.push_back(m.add_col(forced(p.hub_existing, k) ? 1 : 0, std::isfinite(p.to_market[k]) ? 1 : 0,
                             p.hub_fixed[k], true));
  std::vector<std::vector<std::pair<int, double>>> into_c(c), out_c(c), into_h(h);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(p.supply[i] > 0)) continue;
    std::vector<std::pair<int, double>> row;
    for (std::size_t j = 0; j < c; ++j) {
      if (!std::isfinite(p.first(i, j))) continue;
      const int col = m.add_col(0, p.supply[i], p.cost_first_mile * p.first(i, j), false);
      ix.x.push_back({col, {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), 0}});
      row.push_back({col, 1.0});
      into_c[j].push_back({col, 1.0});
      m.add_row({{col, 1.0}, {ix.y[j], -p.supply[i]}}, -kInf, 0);  // x_ij <= s_i y_j
    }
    m.add_row(row, p.supply[i], p.supply[i]);  // every tonne is shipped
  }
  const double total = std::accumulate(p.supply.begin(), p.supply.end(), 0.0);
  for (std::size_t j = 0; j < c; ++j)
    for (std::size_t k = 0; k < h; ++k) {
      if (!std::isfinite(p.trunk(j, k))) continue;
      const double cap = std::min({p.collect_capacity[j], p.hub_capacity[k], total});
      const int col = m.add_col(0, cap, p.cost_trunk * p.trunk(j, k), false);
      ix.u.push_back({col, {static_cast<std::uint32_t>(j), static_cast<std::uint32_t>(k), 0}});
      out_c[j].push_back({col, -1.0});
      into_h[k].push_back({col, 1.0});
      // A route is used only between an open point and an open hub (valid, tightens the LP).
      m.add_row({{col, 1.0}, {ix.y[j], -cap}}, -kInf, 0);
      m.add_row({{col, 1.0}, {ix.z[k], -cap}}, -kInf, 0);
    }
  // Cardinality cuts: at least as many open points (hubs) as the fewest whose capacities hold the supply.
  auto fewest = [&](std::vector<double> caps) {
    std::sort(caps.begin(), caps.end(), std::greater<>());
    double sum = 0;
    std::size_t k = 0;
    while (k < caps.size() && sum < total * (1 - 1e-12)) sum += caps[k++];
    return static_cast<double>(k);
  };
  {
    std::vector<std::pair<int, double>> ry, rz;
    for (int y : ix.y) ry.push_back({y, 1.0});
    for (int z : ix.z) rz.push_back({z, 1.0});
    m.add_row(ry, fewest(p.collect_capacity), kInf);
    m.add_row(rz, fewest(p.hub_capacity), kInf);
  }
  for (std::size_t j = 0; j < c; ++j) {
    auto cap = into_c[j];
    cap.push_back({ix.y[j], -std::min(p.collect_capacity[j], total)});
    m.add_row(cap, -kInf, 0);  // capacity of an open point
    auto bal = into_c[j];
    bal.insert(bal.end(), out_c[j].begin(), out_c[j].end());
    m.add_row(bal, 0, 0);  // what comes in goes on
  }
  ix.w.assign(h, {});
  ix.t.assign(h, {});
  for (std::size_t k = 0; k < h; ++k) {
    const double market = std::isfinite(p.to_market[k]) ? p.cost_trunk * p.to_market[k] : 0.0;
    auto bal = into_h[k];
    std::vector<std::pair<int, double>> choose{{ix.z[k], -1.0}};
    for (std::size_t l = 0; l < L; ++l) {
      const int w = m.add_col(0, 1, b[l], true);
      // The line's stretch is bounded by the hub's capacity and the supply.
      const double cap = std::min(p.hub_capacity[k], total);
      const int t = m.add_col(0, cap, p.slopes[l] + market, false);
      ix.w[k].push_back(w);
      ix.t[k].push_back(t);
      m.add_row({{t, 1.0}, {w, -cap}}, -kInf, 0);  // a line carries flow only when chosen
      bal.push_back({t, -1.0});
      choose.push_back({w, 1.0});
    }
    m.add_row(bal, 0, 0);     // the hub's throughput is on its lines
    m.add_row(choose, 0, 0);  // an open hub chooses one line
  }
  return m;
}

std::vector<double> start_of(const HubProblem& p, const HubSolution& s, const MipIndex& ix, int cols) {
  std::vector<double> v(static_cast<std::size_t>(cols), 0.0);
  for (std::size_t j = 0; j < ix.y.size(); ++j) v[ix.y[j]] = s.collect_open[j] ? 1 : 0;
  for (std::size_t k = 0; k < ix.z.size(); ++k) v[ix.z[k]] = s.hub_open[k] ? 1 : 0;
  // Shipments by pair, then each column takes its pair's tonnes.
  const std::size_t nc = p.collects(), nh = p.hubs();
  Matrix<double> first(p.origins(), nc, 0.0), trunk(nc, nh, 0.0);
  for (const Shipment& f : s.first) first(f.from, f.to) = f.tonnes;
  for (const Shipment& f : s.trunk) trunk(f.from, f.to) = f.tonnes;
  for (const auto& [col, x] : ix.x) v[col] = first(x.from, x.to);
  for (const auto& [col, u] : ix.u) v[col] = trunk(u.from, u.to);
  const std::vector<double> b = line_intercepts(p);
  for (std::size_t k = 0; k < ix.w.size(); ++k) {
    if (!s.hub_open[k]) continue;
    const double T = s.hub_throughput[k];
    std::size_t best = 0;
    for (std::size_t l = 1; l < b.size(); ++l)
      if (b[l] + p.slopes[l] * T < b[best] + p.slopes[best] * T) best = l;
    v[ix.w[k][best]] = 1;
    v[ix.t[k][best]] = T;
  }
  return v;
}

}  // namespace

HubSolution solve_hubs_exact(const HubProblem& p, const HubOptions& o) {
  check_problem(p);
  const auto t0 = std::chrono::steady_clock::now();
  HubSolution s;
  s.method = "mip";
  MipIndex ix;
  locate::MipModel m = build_mip(p, ix);
  const HubSolution warm = solve_hubs_heuristic(p, {.method = HubMethod::kHeuristic,
                                                    .time_limit_s = std::min(5.0, o.time_limit_s / 4),
                                                    .threads = o.threads,
                                                    .lp_bound = false});
  if (warm.outcome != locate::Outcome::kInfeasible) m.start = start_of(p, warm, ix, m.cols());
  auto be = locate::make_cbc_backend();
  locate::MipResult r;
  // CBC on one thread: its parallel search can end on another of several optima, and the answer must not
  // depend on the thread count.
  const locate::MipOptions mo{.time_limit_s = o.time_limit_s, .rel_gap = o.rel_gap, .threads = 1};
  if (be->solve(m, mo, r) != locate::CallStatus::kOk && r.x.empty()) {
    s.outcome = locate::Outcome::kError;
    s.message = r.message;
    return s;
  }
  s.outcome = r.outcome;
  s.bound = r.bound;
  if (r.x.empty()) {
    s.message = r.message;
    s.seconds = seconds_since(t0);
    return s;
  }
  s.collect_open.resize(p.collects());
  s.hub_open.resize(p.hubs());
  for (std::size_t j = 0; j < ix.y.size(); ++j) s.collect_open[j] = r.x[ix.y[j]] > 0.5;
  for (std::size_t k = 0; k < ix.z.size(); ++k) s.hub_open[k] = r.x[ix.z[k]] > 0.5;
  for (const auto& [col, x] : ix.x)
    if (r.x[col] > 1e-9) s.first.push_back({x.from, x.to, r.x[col]});
  for (const auto& [col, u] : ix.u)
    if (r.x[col] > 1e-9) s.trunk.push_back({u.from, u.to, r.x[col]});
  finish(p, s);
  s.gap = s.cost > 0 ? std::max(0.0, (s.cost - s.bound) / s.cost) : 0.0;
  s.seconds = seconds_since(t0);
  return s;
}

HubSolution solve_hubs_heuristic(const HubProblem& p, const HubOptions& o) {
  check_problem(p);
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t c = p.collects(), h = p.hubs();
  std::vector<char> yc(c, 1), zh(h, 1);
  long evaluations = 0;
  auto price = [&](const std::vector<char>& a, const std::vector<char>& b) {
    HubSolution s = price_open(p, a, b);
    evaluations += s.evaluations;
    return s;
  };
  HubSolution cur = price(yc, zh);
  if (cur.outcome == locate::Outcome::kInfeasible) {
    cur.method = "local search";
    cur.message = "the candidates' capacities cannot carry the supply on the roads there are";
    return cur;
  }
  auto out_of_time = [&] { return seconds_since(t0) > o.time_limit_s; };
  auto better = [](const HubSolution& a, const HubSolution& b) {
    return a.outcome != locate::Outcome::kInfeasible && a.cost < b.cost - 1e-9 * std::max(1.0, b.cost);
  };
  // Moves in a fixed order (deterministic): drop a point or hub, then swap one open for one closed, then
  // open one; the first improving move is taken and the scan starts again.
  auto open_of = [&](int echelon) -> const std::vector<char>& {
    return echelon == 0 ? cur.collect_open : cur.hub_open;
  };
  auto movable = [&](int echelon, std::size_t j) {
    return open_of(echelon)[j] && !forced(echelon == 0 ? p.collect_existing : p.hub_existing, j);
  };
  // Prices the plan with `close` shut and `open` opened in one echelon (kNone: no change); keeps it if
  // better.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  auto try_move = [&](int echelon, std::size_t close, std::size_t open) {
    std::vector<char> a = cur.collect_open, b = cur.hub_open;
    std::vector<char>& v = echelon == 0 ? a : b;
    if (close != kNone) v[close] = 0;
    if (open != kNone) v[open] = 1;
    HubSolution s = price(a, b);
    if (!better(s, cur)) return false;
    cur = std::move(s);
    return true;
  };
  bool improved = true;
  while (improved && !out_of_time()) {
    improved = false;
    for (int e = 0; e < 2 && !improved; ++e)  // drop
      for (std::size_t j = 0; j < open_of(e).size() && !improved && !out_of_time(); ++j)
        if (movable(e, j)) improved = try_move(e, j, kNone);
    for (int e = 0; e < 2 && !improved; ++e)  // swap
      for (std::size_t j = 0; j < open_of(e).size() && !improved && !out_of_time(); ++j)
        for (std::size_t q = 0; movable(e, j) && q < open_of(e).size() && !improved && !out_of_time(); ++q)
          if (!open_of(e)[q]) improved = try_move(e, j, q);
    for (int e = 0; e < 2 && !improved; ++e)  // open
      for (std::size_t q = 0; q < open_of(e).size() && !improved && !out_of_time(); ++q)
        if (!open_of(e)[q]) improved = try_move(e, kNone, q);
  }
  cur.method = "local search";
  cur.evaluations = evaluations;
  cur.outcome = locate::Outcome::kFeasibleGapOpen;
  cur.bound = 0;
  if (o.lp_bound) {
    MipIndex ix;
    const locate::MipModel m = build_mip(p, ix);
    auto be = locate::make_cbc_backend();
    locate::MipResult r;
    if (be->solve_lp(m, {.time_limit_s = std::max(1.0, o.time_limit_s)}, r) == locate::CallStatus::kOk &&
        r.outcome == locate::Outcome::kOptimal)
      cur.bound = std::min(r.bound, cur.cost);
    else
      cur.message = "the LP relaxation did not solve: no bound (" + r.message + ")";
  }
  cur.gap = cur.cost > 0 ? std::max(0.0, (cur.cost - cur.bound) / cur.cost) : 0.0;
  if (cur.gap <= o.rel_gap) cur.outcome = locate::Outcome::kOptimal;
  cur.seconds = seconds_since(t0);
  return cur;
}

HubSolution solve_hubs(const HubProblem& p, const HubOptions& o) {
  const auto pairs = static_cast<double>(p.origins()) * static_cast<double>(p.collects());
  const bool exact = o.method == HubMethod::kExact ||
                     (o.method == HubMethod::kAuto && pairs <= static_cast<double>(o.exact_max_pairs));
  return exact ? solve_hubs_exact(p, o) : solve_hubs_heuristic(p, o);
}

}  // namespace cs::industry
