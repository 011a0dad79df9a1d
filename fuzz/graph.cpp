// Target graph: a saved road graph file (`network --out`, read by matrix, access --graph and
// countyscope.Network.load) through load_graph, then snapping and a small matrix on whatever loads. Byte 0
// odd: the rest is the file without its checksum and the harness appends the right one (so mutations reach
// the structural checks behind it); even: the rest is the file as is.
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cs::fuzz::Bytes in(data, size);
  const bool fix_checksum = in.byte() & 1;
  std::string bytes(in.rest());
  if (fix_checksum) {
    const std::uint64_t h = cs::fnv1a64(bytes.data(), bytes.size());
    bytes.append(reinterpret_cast<const char*>(&h), sizeof h);
  }
  const std::string path = cs::fuzz::write_scratch("g.csgraph", bytes);
  cs::fuzz::expect_errors([&] {
    const cs::network::RoadGraph g = cs::load_graph(path);
    if (g.node_count() == 0) return;
    const cs::network::SnapIndex idx(g);
    std::vector<cs::LonLat> pts{g.node_coord[0], g.node_coord[g.node_count() - 1]};
    const auto s = idx.snap_all(pts, cs::network::SnapOptions{}, 1);
    cs::Context ctx;
    ctx.threads = 1;
    (void)cs::network::travel_time_matrix(g, s, s, cs::network::MatrixOptions{}, ctx);
  });
  return 0;
}
