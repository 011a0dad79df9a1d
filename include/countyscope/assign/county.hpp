// Traffic on a county's roads (docs/assign.md, "A county's roads"): a peak-hour car OD table between zones
// (the settlements) assigned to the county's car graph as a static user equilibrium with BPR link costs.
//
// The assignment network: zone nodes 1..Z (never passed through), then the graph's nodes; one link per graph
// arc (free-flow time = the arc's travel time, capacity per direction from its road class) and, per zone, a
// connector to and from both ends of the edge it is snapped to (the snap's access and along-edge times, no
// congestion). The same solver as `countyscope assign` (assign.hpp).
//
// Example:
//   cs::assign::CountyTrafficOptions o;                       // the registry's [traffic] defaults
//   std::vector<double> od(z * z);                             // vehicles per hour, row = origin
//   const auto t = cs::assign::assign_county(graph, settlement_snaps, od, o, ctx);
//   // t.result.flow[l], t.link_arc[l] (-1 = connector): the graph arc of link l
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <countyscope/assign/assign.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::assign {

// [traffic] (plan file): assumed defaults, documented with their sources in docs/assign.md.
struct CountyTrafficOptions {
  bool run = false;  // the plan's traffic pass runs only when asked for
  Algorithm algorithm = Algorithm::kGp;
  double gap = 1e-6;
  std::int64_t max_iter = 500;
  // Peak-hour car trips from the flows model's daily / weekly flows between settlements.
  double peak_share_labour = 0.3;         // share of a day's commuters travelling in the morning peak hour
  double peak_share_other = 0.06;         // share of a day's shopping and service trips in that hour
  double car_share = 0.5;                 // share of trips made by car
  double occupancy = 1.3;                 // persons per car
  double bpr_alpha = 0.15, bpr_beta = 4;  // BPR t = t0 (1 + alpha (v/c)^beta)
  // Capacity per direction, vehicles per hour, by road class, for a road without lanes tags. With use_lanes,
  // a way that tags its lanes gets lanes in the direction x the class's capacity per lane (lane_capacity).
  double cap_motorway = 4000, cap_trunk = 3000, cap_primary = 1600, cap_secondary = 1200, cap_tertiary = 900,
         cap_minor = 600;
  bool use_lanes = true;
  // Combined model (plan pass): after each assignment the congested link times give new
  // settlement-to-settlement times, the flows model new trips, averaged with the previous ones (method of
  // successive averages), assigned again; this many rounds (0 = off).
  std::int64_t feedback = 0;
  double voc_critical = 0.85;  // V/C above which a link counts as congested (the capacity account's rule)
};
[[nodiscard]] const opt::Table<CountyTrafficOptions>& county_traffic_options();

// The capacity per direction of a road class (vehicles per hour) under o.
[[nodiscard]] double class_capacity(network::RoadClass c, const CountyTrafficOptions& o);
// The capacity per lane: class_capacity over the lanes per direction that figure assumes (motorway and trunk
// 2, every other class 1).
[[nodiscard]] double lane_capacity(network::RoadClass c, const CountyTrafficOptions& o);

struct CountyTraffic {
  Network net;                         // the assignment network (zones first, then the graph's nodes)
  std::vector<std::int32_t> link_arc;  // per link of net: the graph arc, or -1 for a connector
  Trips trips;
  AssignResult result;
};

// od: zones x zones vehicles per hour (row = origin; zones = zone_snaps.size()); the diagonal is ignored.
// arc_capacity: per graph arc, vehicles per hour (NaN or an empty span: the class's, class_capacity).
// Throws InputError when od has a negative or non-finite entry, or a pair with trips has no path.
[[nodiscard]] CountyTraffic assign_county(const network::RoadGraph& g,
                                          std::span<const network::Snap> zone_snaps,
                                          const std::vector<double>& od, const CountyTrafficOptions& o,
                                          const Context& ctx, std::span<const double> arc_capacity = {});

}  // namespace cs::assign
