// Traffic on a county's roads (include/countyscope/assign/county.hpp, docs/assign.md).
#include <cmath>
#include <string>

#include <countyscope/assign/county.hpp>
#include <countyscope/core/error.hpp>

namespace cs::assign {

namespace {

const Range kShare{"share", 0, 1, "", true};
const Range kOccupancy{"occupancy", 1, 10, "persons per car"};
const Range kCapacity{"capacity", 1, 20000, "vehicles per hour", true};

}  // namespace

const opt::Table<CountyTrafficOptions>& county_traffic_options() {
  using O = CountyTrafficOptions;
  static const auto t =
      opt::Table<O>(
          "traffic",
          "Traffic on the county's roads: the flows model's peak-hour car trips assigned to the car "
          "network (plan file; docs/assign.md)")
          .flag("run", &O::run, "run the traffic pass (plan, demo)")
          .choice("algorithm", &O::algorithm,
                  {{"gp", Algorithm::kGp},
                   {"fw", Algorithm::kFw},
                   {"cfw", Algorithm::kCfw},
                   {"bfw", Algorithm::kBfw},
                   {"bush", Algorithm::kBush}},
                  "equilibrium algorithm (as `countyscope assign`)")
          .number("gap", &O::gap, Range{"relative gap", 0, 1, "", true}, "stop at this relative gap")
          .integer("max_iter", &O::max_iter, 1, 100000, "iterations", "or after this many iterations")
          .number("peak_share_labour", &O::peak_share_labour, kShare,
                  "share of a day's commuters (flows: labour) travelling in the peak hour (assumed)")
          .number("peak_share_other", &O::peak_share_other, kShare,
                  "share of a day's shopping and service trips (flows: consumption / 7, services / 7) in the "
                  "peak "
                  "hour (assumed)")
          .number("car_share", &O::car_share, kShare, "share of trips made by car (assumed)")
          .number("occupancy", &O::occupancy, kOccupancy, "persons per car (assumed)")
          .number("bpr_alpha", &O::bpr_alpha, Range{"BPR alpha", 0, 10, ""}, "BPR alpha")
          .number("bpr_beta", &O::bpr_beta, Range{"BPR beta", 1, 10, ""}, "BPR beta (power)")
          .number("cap_motorway", &O::cap_motorway, kCapacity, "capacity per direction of a motorway")
          .number("cap_trunk", &O::cap_trunk, kCapacity, "capacity per direction of a trunk road")
          .number("cap_primary", &O::cap_primary, kCapacity, "capacity per direction of a primary road")
          .number("cap_secondary", &O::cap_secondary, kCapacity, "capacity per direction of a secondary road")
          .number("cap_tertiary", &O::cap_tertiary, kCapacity, "capacity per direction of a tertiary road")
          .number("cap_minor", &O::cap_minor, kCapacity,
                  "capacity per direction of any other road (unclassified, residential, service, track ...)")
          .flag("use_lanes", &O::use_lanes,
                "a way tagging its lanes gets lanes x the class's capacity per lane (cap_* over 2 lanes per "
                "direction for motorway and trunk, 1 for the others)")
          .integer("feedback", &O::feedback, 0, 100, "rounds",
                   "combined model: rounds of congested times -> flows -> trips (averaged) -> assignment (0 "
                   "= off)")
          .number("voc_critical", &O::voc_critical, Range{"V/C", 0, 10, "", true},
                  "V/C above which a link counts as congested")
          .plan_file_only();
  return t;
}

double lane_capacity(network::RoadClass c, const CountyTrafficOptions& o) {
  const bool two = c == network::RoadClass::kMotorway || c == network::RoadClass::kTrunk;
  return class_capacity(c, o) / (two ? 2.0 : 1.0);
}

double class_capacity(network::RoadClass c, const CountyTrafficOptions& o) {
  using network::RoadClass;
  switch (c) {
    case RoadClass::kMotorway:
      return o.cap_motorway;
    case RoadClass::kTrunk:
      return o.cap_trunk;
    case RoadClass::kPrimary:
      return o.cap_primary;
    case RoadClass::kSecondary:
      return o.cap_secondary;
    case RoadClass::kTertiary:
      return o.cap_tertiary;
    default:
      return o.cap_minor;
  }
}

CountyTraffic assign_county(const network::RoadGraph& g, std::span<const network::Snap> zone_snaps,
                            const std::vector<double>& od, const CountyTrafficOptions& o, const Context& ctx,
                            std::span<const double> arc_capacity) {
  if (!arc_capacity.empty() && arc_capacity.size() != g.arc_count())
    throw std::logic_error("assign_county: arc_capacity has " + std::to_string(arc_capacity.size()) +
                           " entries for " + std::to_string(g.arc_count()) + " arcs");
  const auto zones = static_cast<std::int32_t>(zone_snaps.size());
  const std::size_t z = zone_snaps.size();
  if (od.size() != z * z)
    throw InputError("traffic: the OD table has " + std::to_string(od.size()) + " entries, expected " +
                     std::to_string(z * z) + " (" + std::to_string(z) + " zones)");
  CountyTraffic t;
  Network& net = t.net;
  net.file = "county";
  net.zones = zones;
  net.first_thru_node = zones + 1;
  net.nodes = zones + static_cast<std::int32_t>(g.node_count());
  const auto node_id = [&](NodeId v) { return zones + 1 + static_cast<std::int32_t>(v); };
  constexpr double kMinPerMs = 1.0 / 60000.0;
  // Road links: one per arc, in arc order.
  for (NodeId u = 0; u < g.node_count(); ++u)
    for (ArcId a = g.first_out[u]; a != g.first_out[u + 1]; ++a) {
      Link l;
      l.from = node_id(u);
      l.to = node_id(g.head[a]);
      l.capacity = a < arc_capacity.size() && arc_capacity[a] > 0
                       ? arc_capacity[a]
                       : class_capacity(g.edge_class[g.arc_edge[a]], o);
      l.length = g.edge_length_m[g.arc_edge[a]];
      l.free_flow_time = g.weight[a] * kMinPerMs;
      l.b = o.bpr_alpha;
      l.power = o.bpr_beta;
      net.links.push_back(l);
      t.link_arc.push_back(static_cast<std::int32_t>(a));
    }
  // Connectors: zone -> both ends of its edge and back, where the edge's direction allows; no congestion (the
  // part of the edge between the point and a node is not loaded).
  for (std::int32_t k = 0; k < zones; ++k) {
    const network::Snap& s = zone_snaps[static_cast<std::size_t>(k)];
    const std::int32_t zone = k + 1;
    const NodeId ends[2] = {g.edge_from[s.edge], g.edge_to[s.edge]};
    const Weight out[2] = {s.to_from_node, s.to_to_node}, in[2] = {s.from_from_node, s.from_to_node};
    auto connector = [&](std::int32_t from, std::int32_t to, Weight along) {
      if (along == kInfWeight) return;
      Link l;
      l.from = from;
      l.to = to;
      l.capacity = 1e9;
      l.free_flow_time = static_cast<double>(sat_add(along, s.access_ms)) * kMinPerMs;
      l.b = 0;
      l.power = 1;
      net.links.push_back(l);
      t.link_arc.push_back(-1);
    };
    // A zone on a node connects to that node only: a connector to the edge's other end would be a copy of the
    // edge without its congestion.
    for (int e = 0; e < 2; ++e) {
      if ((e == 1 && s.frac <= 0) || (e == 0 && s.frac >= 1)) continue;
      connector(zone, node_id(ends[e]), out[e]);
      connector(node_id(ends[e]), zone, in[e]);
    }
  }
  Trips& trips = t.trips;
  trips.file = "county";
  trips.zones = zones;
  trips.demand.assign(z * z, 0.0);
  for (std::size_t i = 0; i < z; ++i)
    for (std::size_t j = 0; j < z; ++j) {
      const double v = od[i * z + j];
      if (!std::isfinite(v) || v < 0)
        throw InputError("traffic: the OD table's entry from zone " + std::to_string(i + 1) + " to zone " +
                         std::to_string(j + 1) + " is " + std::to_string(v) +
                         "; expected a finite number >= 0");
      if (i == j) continue;
      trips.demand[i * z + j] = v;
      trips.total += v;
    }
  if (!(trips.total > 0)) {  // nothing to assign: free-flow times, no iteration
    t.result.flow.assign(net.links.size(), 0.0);
    for (const Link& l : net.links) t.result.time.push_back(l.free_flow_time);
    t.result.converged = true;
    return t;
  }
  AssignOptions ao;
  ao.algorithm = o.algorithm;
  ao.gap = o.gap;
  ao.max_iter = o.max_iter;
  t.result = assign(net, trips, ao, ctx);
  return t;
}

}  // namespace cs::assign
