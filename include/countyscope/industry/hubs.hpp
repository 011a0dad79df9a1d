// Farm-to-market supply chains (docs/industry.md): siting collection points and processing / cold-chain hubs
// as a two-echelon capacitated facility location with fixed costs and economies of scale.
//
//   origin i (a village's farm output s_i t/yr) -> collection point c -> hub h -> the market (the seat)
//
// Cost per year = sum of fixed costs of the open points and hubs + first-mile transport (cost_first_mile per
// tonne-km) + trunk transport to the hub and from the hub to the market (cost_trunk per tonne-km) + each
// hub's processing cost f(T_h), a concave piecewise-linear function of its throughput (economies of scale):
// f(0) = 0, slope slopes[k] on [breaks[k], breaks[k+1]), slopes non-increasing. Every tonne is shipped;
// flows may split (a village may use two points when one is full); no point or hub takes more than its
// capacity.
//
// Exact: a MIP through CBC (the concave cost as the minimum of its lines, one binary per hub and line: since
// f is concave it is the lower envelope of its lines, so choosing the cheapest line is f). Heuristic for
// large cases: local search (drop and swap moves) whose every candidate is priced by a min-cost flow with
// dynamic slope scaling (Kim and Pardalos 1999), and the MIP's LP relaxation as its lower bound.
//
// Example:
//   cs::industry::HubProblem p;  // supply, distances, costs (the [industry] defaults)
//   const cs::industry::HubSolution s = cs::industry::solve_hubs(p, {});
//   // s.cost, s.bound, s.collect_open[c], s.first[k] (origin, point, tonnes), s.hub_throughput[h]
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <countyscope/core/matrix.hpp>
#include <countyscope/locate/problem.hpp>

namespace cs::industry {

struct HubProblem {
  std::vector<double> supply;  // tonnes per year per origin (>= 0)
  // Road distances in km (+inf: no road): origins x collection candidates, collection x hub candidates,
  // and hub -> market.
  Matrix<double> first, trunk;
  std::vector<double> to_market;
  double cost_first_mile = 1.2;                         // per tonne-km
  double cost_trunk = 0.45;                             // per tonne-km
  std::vector<double> collect_fixed, collect_capacity;  // per collection candidate (per year, t/yr)
  std::vector<double> hub_fixed, hub_capacity;          // per hub candidate
  // Processing cost per year of a hub's throughput T: concave piecewise linear, breaks[0] = 0.
  std::vector<double> breaks{0.0}, slopes{150.0};
  // Candidates always open (existing facilities) -- optional, same length as the candidates when given.
  std::vector<char> collect_existing, hub_existing;

  [[nodiscard]] std::size_t origins() const noexcept { return supply.size(); }
  [[nodiscard]] std::size_t collects() const noexcept { return collect_fixed.size(); }
  [[nodiscard]] std::size_t hubs() const noexcept { return hub_fixed.size(); }
};

// InputError naming the first inconsistent field (sizes, NaN, negative values, breaks or slopes that do not
// make a concave cost, or capacities that cannot hold the supply).
void check_problem(const HubProblem& p);
// f(T) of the problem's processing cost (T >= 0).
[[nodiscard]] double processing_cost(const HubProblem& p, double throughput);
// The lines of the concave cost: f(T) = min_k (intercept[k] + slopes[k] T).
[[nodiscard]] std::vector<double> line_intercepts(const HubProblem& p);

struct Shipment {
  std::uint32_t from = 0, to = 0;
  double tonnes = 0;
};

struct HubSolution {
  locate::Outcome outcome = locate::Outcome::kError;
  std::string method;  // "mip" | "local search"
  std::vector<char> collect_open, hub_open;
  std::vector<Shipment> first, trunk;  // origin -> point, point -> hub (tonnes > 0 only, sorted)
  std::vector<double> collect_throughput, hub_throughput;
  double cost = 0, fixed = 0, transport = 0, processing = 0;
  double tkm_first = 0, tkm_trunk = 0, tkm_market = 0;  // tonne-km per leg
  double bound = 0;  // a lower bound on the optimum (the MIP's, or the LP relaxation's)
  double gap = 0;    // (cost - bound) / cost
  double seconds = 0;
  long evaluations = 0;  // min-cost flows solved (local search)
  std::string message;
};

enum class HubMethod { kAuto, kExact, kHeuristic };

struct HubOptions {
  HubMethod method = HubMethod::kAuto;
  // kAuto: exact when origins x collection candidates <= this, else the heuristic.
  std::int64_t exact_max_pairs = 20000;
  double time_limit_s = 60;
  double rel_gap = 1e-6;
  int threads =
      1;  // kept for callers; CBC runs on one thread and the pricing is sequential (same answer always)
  bool lp_bound = true;  // the heuristic's bound: the MIP's LP relaxation (false: none, bound 0)
};

// Solves p (check_problem first). Deterministic for any thread count.
[[nodiscard]] HubSolution solve_hubs(const HubProblem& p, const HubOptions& o);
[[nodiscard]] HubSolution solve_hubs_exact(const HubProblem& p, const HubOptions& o);
[[nodiscard]] HubSolution solve_hubs_heuristic(const HubProblem& p, const HubOptions& o);

// The cheapest shipping plan for fixed open points and hubs (local search's pricing): min-cost flows with
// dynamic slope scaling of the concave processing cost; returns the best plan seen (its true cost), outcome
// kInfeasible when the open capacities cannot carry the supply.
[[nodiscard]] HubSolution price_open(const HubProblem& p, const std::vector<char>& collect_open,
                                     const std::vector<char>& hub_open);

// Min-cost flow on a small network with real capacities and non-negative costs (successive shortest paths
// with Dijkstra on reduced costs). Deterministic (ties by node and arc order).
class MinCostFlow {
 public:
  explicit MinCostFlow(std::size_t nodes);
  // Returns the arc's index.
  std::size_t add_arc(std::size_t from, std::size_t to, double capacity, double cost);
  // Sends up to `amount` from s to t at least cost; returns the amount sent.
  double run(std::size_t s, std::size_t t, double amount);
  [[nodiscard]] double flow(std::size_t arc) const { return arcs_[2 * arc].flow; }
  [[nodiscard]] double cost() const noexcept { return cost_; }

 private:
  struct Arc {
    std::size_t to;
    double cap, cost, flow;
  };
  std::vector<Arc> arcs_;  // arc 2k forward, 2k+1 its reverse
  std::vector<std::vector<std::size_t>> out_;
  double cost_ = 0;
};

}  // namespace cs::industry
