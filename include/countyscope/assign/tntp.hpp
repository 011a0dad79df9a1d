// Readers of the TNTP traffic-assignment formats (the "Transportation Networks for Research" collection,
// docs/assign.md): the network (`*_net.tntp`), the trip table (`*_trips.tntp`) and best-known link flows
// (`*_flow.tntp`). Strict: the metadata header must give the counts, `~` starts a comment, every link and
// every OD entry ends with `;`; anything else is one InputError naming file, line and field.
//
// Example:
//   const cs::assign::Network net = cs::assign::read_tntp_network("SiouxFalls_net.tntp");
//   const cs::assign::Trips trips = cs::assign::read_tntp_trips("SiouxFalls_trips.tntp", net);
//   // trips.demand[(o - 1) * net.zones + (d - 1)]: trips from zone o to zone d
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <countyscope/core/types.hpp>

namespace cs::assign {

// One directed link with its BPR cost t(v) = free_flow_time * (1 + b * (v / capacity)^power).
struct Link {
  std::int32_t from = 0, to = 0;  // node ids as in the file (1-based)
  double capacity = 0;            // > 0, vehicles per period
  double length = 0;              // file's unit (not used by the model)
  double free_flow_time = 0;      // file's time unit (TNTP: minutes, or 0.01 h for Sioux Falls)
  double b = 0, power = 0;        // BPR parameters (power 0 or >= 1)
  int line = 0;                   // line of the file, for messages
};

struct Network {
  std::string file;
  std::int32_t zones = 0, nodes = 0;
  // Zones 1 .. first_thru_node - 1 are not through nodes: paths may start or end there but not pass.
  std::int32_t first_thru_node = 1;
  std::vector<Link> links;  // in file order
};

struct Trips {
  std::string file;
  std::int32_t zones = 0;
  std::vector<double> demand;  // zones x zones, row = origin, column = destination (0-based)
  double total =
      0;  // sum of demand, intrazonal trips included (they are not assigned); equals <TOTAL OD FLOW>
};

// Best-known link flows of a `*_flow.tntp` file (columns From, To, Volume, Cost), aligned to net.links.
struct LinkFlows {
  std::vector<double> flow, cost;
};

// Throws InputError (bad content) or IoError (unreadable file). Duplicate links (the same from and to twice)
// are refused: TNTP gives no way to tell them apart in the flow files.
[[nodiscard]] Network read_tntp_network(const std::string& path);
// Zones must be those of net; an entry to or from a zone above net.zones is refused, and so is a <TOTAL OD
// FLOW> that differs from the entries' sum by more than 1e-6 relative.
[[nodiscard]] Trips read_tntp_trips(const std::string& path, const Network& net);
// Every link of net must appear once.
[[nodiscard]] LinkFlows read_tntp_flows(const std::string& path, const Network& net);

// Node coordinates of a `*_node.tntp` file (header `Node X Y ;`, then `id x y ;`), WGS84 longitude and
// latitude in degrees (Sioux Falls'; Chicago Sketch's are State Plane feet and are refused); every node of
// net once.
[[nodiscard]] std::vector<LonLat> read_tntp_nodes(const std::string& path, const Network& net);

// The same from text (file names the source in messages), for tests.
[[nodiscard]] Network parse_tntp_network(const std::string& text, const std::string& file);
[[nodiscard]] Trips parse_tntp_trips(const std::string& text, const std::string& file, const Network& net);

}  // namespace cs::assign
