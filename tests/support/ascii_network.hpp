// Hand-drawn road networks for tests (ASCII art). Letters/digits except 'v' are nodes; '-' joins nodes on a
// row and '|' joins nodes in a column; a '>' or '<' inside a horizontal run, or 'v' / '^' inside a vertical
// run, makes that edge one-way in the arrow's direction. Each cell of an edge costs seconds_per_cell. Cell
// (row, col) lies at lon = col * kCellDeg, lat = -row * kCellDeg (about 111 m per cell near the equator).
//
// Example:
//   auto net = cs::test::ascii_network(R"(
//     a-b->c
//     |    |
//     d----e)", 10.0);
//   cs::network::Dijkstra d(net.graph);  d.run(...net['a']...);
#pragma once

#include <map>
#include <string_view>

#include <countyscope/network/road_graph.hpp>

namespace cs::test {

struct AsciiNetwork {
  static constexpr double kCellDeg = 0.001;
  cs::network::RoadGraph graph;
  std::map<char, NodeId> node;
  NodeId operator[](char c) const { return node.at(c); }
  // Coordinate of a (fractional) cell.
  static LonLat at(double row, double col) { return {col * kCellDeg, -row * kCellDeg}; }
};

// Throws std::invalid_argument on a malformed drawing (dangling edge, duplicate node name).
AsciiNetwork ascii_network(std::string_view art, double seconds_per_cell,
                           cs::network::Profile profile = cs::network::Profile::kCar);

}  // namespace cs::test
