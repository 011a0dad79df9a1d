// File format (formats/): save and load a contraction hierarchy, so a county's index is built once and
// reloaded. File: magic "CSCHIDX\0", format version, the checksum of the graph it was built for, the shortcut
// count, the arrays, then an FNV-1a 64-bit checksum of everything before it. load_ch validates sizes, ranks
// and arc ranges.
//
// Example:
//   cs::save_ch(ch, "out/county.car.csch");
//   cs::network::ContractionHierarchy back = cs::load_ch("out/county.car.csch", &graph);
#pragma once

#include <filesystem>

#include <countyscope/network/ch.hpp>

namespace cs {

// Atomic write (temporary sibling + rename). Throws IoError.
void save_ch(const network::ContractionHierarchy& ch, const std::filesystem::path& path);
// Throws IoError / InputError (corrupt, wrong version, or built for another graph when g is given).
network::ContractionHierarchy load_ch(const std::filesystem::path& path,
                                      const network::RoadGraph* g = nullptr);

}  // namespace cs
