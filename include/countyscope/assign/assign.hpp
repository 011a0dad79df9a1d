// Static user-equilibrium traffic assignment with fixed demand and BPR link costs (docs/assign.md).
//
// Algorithms: Frank–Wolfe (FW), conjugate and bi-conjugate Frank–Wolfe (CFW, BFW; Mitradjieva & Lindberg
// 2013), each with an exact line search on the Beckmann objective, and path-based gradient projection (GP;
// Jayakrishnan et al. 1994) for tight gaps. The relative gap is (TSTT - SPTT) / TSTT, TSTT = sum over links
// of flow x time, SPTT = the all-or-nothing cost of the demand on shortest paths at the current times.
//
// Shortest paths are Dijkstra per origin on a forward star of the links; origins run in parallel in fixed
// blocks whose results are added in block order, so flows are the same bits for any thread count.
//
// Example:
//   cs::assign::AssignOptions o;  o.algorithm = cs::assign::Algorithm::kGp;  o.gap = 1e-10;
//   const cs::assign::AssignResult r = cs::assign::assign(net, trips, o, ctx);
//   // r.flow[i], r.time[i]: link i of net.links; r.iterations.back().gap <= 1e-10 when r.converged
#pragma once

#include <cstdint>
#include <vector>

#include <countyscope/assign/tntp.hpp>
#include <countyscope/core/context.hpp>

namespace cs::assign {

enum class Algorithm { kFw, kCfw, kBfw, kGp, kBush };

struct AssignOptions {
  Algorithm algorithm = Algorithm::kGp;
  double gap = 1e-6;             // stop at this relative gap
  std::int64_t max_iter = 1000;  // or after this many iterations
  double time_limit_s = 0;       // or after this many seconds (0 = none; makes the stop machine-dependent)
  double time_unit_min = 1;      // minutes per time unit of the network file (outputs only)
};

struct Iteration {
  std::int64_t iteration = 0;
  double gap = 0;      // relative gap of the flows at the start of this iteration
  double tstt = 0;     // total system travel time, file's time unit x vehicles
  double sptt = 0;     // shortest-path travel time of the demand at the same link times
  double seconds = 0;  // wall time since the start of the run
};

// A used path of the path-based algorithm: links (indices into net.links) from origin to destination.
struct PathFlow {
  std::int32_t origin = 0, dest = 0;  // zone ids (1-based)
  std::vector<std::int32_t> links;
  double flow = 0;
};

// The flows of one origin's trips on each link (bush-based algorithm).
struct OriginFlow {
  std::int32_t origin = 0;   // zone id (1-based)
  std::vector<double> flow;  // per link of net.links
};

struct AssignResult {
  std::vector<double> flow, time;  // per link of net.links; time in the file's unit
  std::vector<Iteration> iterations;
  bool converged = false;          // the gap target was reached
  std::vector<PathFlow> paths;     // GP only: every path with positive flow
  std::vector<OriginFlow> bushes;  // bush only: every origin with trips
};

// Throws InputError when a zone with demand cannot reach a destination with demand.
[[nodiscard]] AssignResult assign(const Network& net, const Trips& trips, const AssignOptions& opt,
                                  const Context& ctx);

// BPR time of link l at flow v, and the relative gap of link flows (TSTT, SPTT, gap) at their own times.
[[nodiscard]] double bpr_time(const Link& l, double v);
struct GapReport {
  double tstt = 0, sptt = 0, gap = 0;
};
[[nodiscard]] GapReport relative_gap(const Network& net, const Trips& trips, const std::vector<double>& flow,
                                     int threads);

}  // namespace cs::assign
