#include <cstring>
#include <stdexcept>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/io/output.hpp>

#include "binary.hpp"

namespace cs {
namespace {
constexpr char kMagic[8] = {'C', 'S', 'G', 'R', 'A', 'P', 'H', '\0'};

using formats_detail::put_array;
}  // namespace

void save_graph(const network::RoadGraph& g, const std::filesystem::path& path) {
  std::string out(kMagic, sizeof kMagic);
  const std::uint32_t version = kGraphFormatVersion,
                      profile = static_cast<std::uint32_t>(g.profile) | (g.reversed ? 0x100u : 0u);
  out.append(reinterpret_cast<const char*>(&version), 4);
  out.append(reinterpret_cast<const char*>(&profile), 4);
  put_array(out, g.node_coord);
  put_array(out, g.node_osm_id);
  put_array(out, g.first_out);
  put_array(out, g.head);
  put_array(out, g.weight);
  put_array(out, g.arc_edge);
  put_array(out, g.arc_forward);
  put_array(out, g.edge_from);
  put_array(out, g.edge_to);
  put_array(out, g.shape_first);
  put_array(out, g.shape);
  put_array(out, g.edge_length_m);
  put_array(out, g.edge_speed_kmh);
  put_array(out, g.edge_class);
  put_array(out, g.edge_way);
  put_array(out, g.edge_dirs);
  const std::uint64_t h = fnv1a64(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&h), sizeof h);
  write_file_atomic(path, out);
}

network::RoadGraph load_graph(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string buf = read_file(path);
  if (buf.size() < sizeof kMagic + 8 + 8 || std::memcmp(buf.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(file, "", "", "not a countyscope graph file (bad magic)");
  std::uint32_t version, profile;
  std::memcpy(&version, buf.data() + 8, 4);
  std::memcpy(&profile, buf.data() + 12, 4);
  if (version != kGraphFormatVersion)
    throw InputError(file, "", "",
                     "graph format version " + std::to_string(version) + ", expected " +
                         std::to_string(kGraphFormatVersion) + " (rebuild it from OSM)");
  std::uint64_t stored;
  std::memcpy(&stored, buf.data() + buf.size() - 8, 8);
  if (fnv1a64(buf.data(), buf.size() - 8) != stored)
    throw InputError(file, "", "", "checksum mismatch (the graph file is corrupt or truncated)");
  if ((profile & 0xffu) > 1 || profile > 0x1ffu)
    throw InputError(file, "", "", "unknown profile code " + std::to_string(profile));
  network::RoadGraph g;
  g.profile = static_cast<network::Profile>(profile & 0xffu);
  g.reversed = (profile & 0x100u) != 0;
  const std::string body = buf.substr(0, buf.size() - 8);
  formats_detail::ArrayReader r{body, 16, body.size(), file, "graph file"};
  r.get(g.node_coord, "node_coord");
  r.get(g.node_osm_id, "node_osm_id");
  r.get(g.first_out, "first_out");
  r.get(g.head, "head");
  r.get(g.weight, "weight");
  r.get(g.arc_edge, "arc_edge");
  r.get(g.arc_forward, "arc_forward");
  r.get(g.edge_from, "edge_from");
  r.get(g.edge_to, "edge_to");
  r.get(g.shape_first, "shape_first");
  r.get(g.shape, "shape");
  r.get(g.edge_length_m, "edge_length_m");
  r.get(g.edge_speed_kmh, "edge_speed_kmh");
  r.get(g.edge_class, "edge_class");
  r.get(g.edge_way, "edge_way");
  r.get(g.edge_dirs, "edge_dirs");
  if (r.pos != body.size()) throw InputError(file, "", "", "trailing bytes after the graph arrays");
  for (auto c : g.edge_class)
    if (static_cast<std::size_t>(c) >= static_cast<std::size_t>(network::RoadClass::kCount))
      throw InputError(file, "", "", "invalid road class code");
  try {
    network::check_graph(g);
  } catch (const std::logic_error& e) {
    throw InputError(file, "", "", std::string("inconsistent graph: ") + e.what());
  }
  return g;
}

}  // namespace cs
