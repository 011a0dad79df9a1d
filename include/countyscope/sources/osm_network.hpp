// OSM (libosmium) -> RoadGraph for a profile: speeds by road class (maxspeed when tagged), oneway
// (yes/1/true/-1, roundabouts and motorways imply oneway), access restrictions; only the largest strongly
// connected component is kept and what was dropped is reported.
//
// Example:
//   cs::NetworkConfig cfg;  cfg.profile = cs::network::Profile::kCar;
//   cs::NetworkBuild nb = cs::build_network("data/sample/liechtenstein-2024-03-04.osm.pbf", cfg, ctx);
//   nb.graph.node_count(); nb.stats.largest_scc_share;
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/network/road_graph.hpp>

namespace cs {

struct NetworkConfig {
  network::Profile profile = network::Profile::kCar;
  // Speeds (km/h) by road class for this profile; filled with the profile's defaults by
  // default_network_config(). 0 = class not routable. All zero (a default-constructed config) = the profile's
  // defaults.
  std::array<float, static_cast<std::size_t>(network::RoadClass::kCount)> speed_kmh{};
  bool use_maxspeed = true;  // car: min(maxspeed, class speed * 1.0) when tagged
  bool keep_largest_scc = true;
};
NetworkConfig default_network_config(network::Profile p);

struct NetworkStats {
  std::size_t nodes = 0, arcs = 0, edges = 0;
  std::array<double, static_cast<std::size_t>(network::RoadClass::kCount)> km_by_class{};
  std::size_t nodes_before_scc = 0, arcs_before_scc = 0;
  double largest_scc_share = 1.0;  // of nodes, before dropping
  std::size_t components = 1;
  std::size_t ways_used = 0, ways_skipped_access = 0;
  std::size_t ways_skipped_oneway = 0;  // oneway=reversible/alternating (car)
  std::size_t edges_before_scc = 0;
  double km_total = 0.0;  // km of road (edges) kept
  double km_before_scc = 0.0, km_dropped_scc = 0.0;
};

// Lanes of a way per direction of its nodes' order (0 = not tagged), from lanes, lanes:forward,
// lanes:backward and oneway (a two-way road's total lanes split evenly when the directions are not tagged).
struct WayLanes {
  float forward = 0, backward = 0;
};

struct NetworkBuild {
  network::RoadGraph graph;
  NetworkStats stats;
  // Car profile: the lanes of every routable way that tags them, by OSM way id (RoadGraph::edge_way; an edge
  // runs forward when RoadGraph::arc_forward is 1). Read for the traffic pass's capacities.
  std::unordered_map<std::int64_t, WayLanes> lanes;
};

// Throws InputError/IoError: unreadable/truncated/non-OSM file, or no routable road for the profile.
NetworkBuild build_network(const std::string& osm_path, const NetworkConfig& cfg, Context& ctx);
// One graph per config from one read of the file's ways and one of its nodes (each graph equals
// build_network's for its config). Errors as build_network's, the first config's first.
std::vector<NetworkBuild> build_networks(const std::string& osm_path, std::span<const NetworkConfig> cfgs,
                                         Context& ctx);

namespace detail {
// Lanes per direction from the tag values (empty = absent) and the way's directions (bit 0 forward, bit 1
// backward); 0 for a direction without a usable figure (not a whole number 1..20).
WayLanes parse_lanes(std::string_view lanes, std::string_view forward, std::string_view backward,
                     std::uint8_t dirs);
// OSM maxspeed value -> km/h ("50", "30 mph", "CH:urban", "DE:zone30"); < 0 when there is no usable limit.
double parse_maxspeed(std::string_view value);
}  // namespace detail

}  // namespace cs
