// File format (formats/): binary save/load of a RoadGraph (all arrays, little-endian, native layout) so a
// county's network is built from OSM once and reloaded in milliseconds. File: magic "CSGRAPH\0", format
// version, profile, the array lengths, the arrays, then an FNV-1a 64-bit checksum of everything before it.
// load_graph validates sizes, checksum and the graph invariants and throws InputError naming the file on any
// corruption.
//
// Example:
//   cs::save_graph(nb.graph, "out/liechtenstein.car.csgraph");
//   cs::network::RoadGraph g = cs::load_graph("out/liechtenstein.car.csgraph");
#pragma once

#include <cstdint>
#include <filesystem>

#include <countyscope/core/hash.hpp>
#include <countyscope/network/road_graph.hpp>

namespace cs {

inline constexpr std::uint32_t kGraphFormatVersion = 1;

// Writes atomically (temporary sibling + rename). Throws IoError.
void save_graph(const network::RoadGraph& g, const std::filesystem::path& path);
// Throws IoError (unreadable) or InputError (not a graph file, wrong version, truncated, checksum mismatch).
network::RoadGraph load_graph(const std::filesystem::path& path);

}  // namespace cs
