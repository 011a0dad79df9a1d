// Exports a network's arcs and our travel times between seeded random nodes, for the external networkx check
// (tests/network/check_networkx.py). Usage: network_export OSM OUT_DIR [sources=100] [targets=1000] [seed]
//   OUT_DIR/arcs.csv   u,v,w_ms        (every arc of the car graph, integer milliseconds)
//   OUT_DIR/times.csv  u,v,time_ms     (travel_time_matrix between the points placed on the nodes; empty = no
//   path)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include <countyscope/core/rng.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_network.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: network_export OSM OUT_DIR [sources] [targets] [seed]\n";
    return 2;
  }
  try {
    const std::size_t ns = argc > 3 ? std::stoul(argv[3]) : 100, nt = argc > 4 ? std::stoul(argv[4]) : 1000;
    const std::uint64_t seed = argc > 5 ? std::stoull(argv[5]) : 20260101;
    cs::Context ctx;
    const auto nb = cs::build_network(argv[1], cs::default_network_config(cs::network::Profile::kCar), ctx);
    const cs::network::RoadGraph& g = nb.graph;
    const std::string dir = argv[2];
    {
      std::ofstream out(dir + "/arcs.csv");
      out << "u,v,w_ms\n";
      for (cs::NodeId u = 0; u < g.node_count(); ++u)
        for (cs::ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a)
          out << u << ',' << g.head[a] << ',' << g.weight[a] << '\n';
    }
    cs::Rng rng(seed);
    std::vector<cs::NodeId> src(ns), dst(nt);
    for (auto& v : src) v = static_cast<cs::NodeId>(rng.below(g.node_count()));
    for (auto& v : dst) v = static_cast<cs::NodeId>(rng.below(g.node_count()));
    cs::network::SnapIndex idx(g);
    std::vector<cs::LonLat> ps, pt;
    for (auto v : src) ps.push_back(g.node_coord[v]);
    for (auto v : dst) pt.push_back(g.node_coord[v]);
    const auto fs = idx.snap_all(ps, cs::network::SnapOptions{}, ctx.thread_count());
    const auto ft = idx.snap_all(pt, cs::network::SnapOptions{}, ctx.thread_count());
    const cs::TimeMatrix m = cs::network::travel_time_matrix(g, fs, ft, cs::network::MatrixOptions{}, ctx);
    std::ofstream out(dir + "/times.csv");
    out << "u,v,time_ms\n";
    for (std::size_t i = 0; i < ns; ++i)
      for (std::size_t j = 0; j < nt; ++j) {
        out << src[i] << ',' << dst[j] << ',';
        if (std::isfinite(m(i, j))) out << std::llround(static_cast<double>(m(i, j)) * 1000.0);
        out << '\n';
      }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "network_export: " << e.what() << '\n';
    return 1;
  }
}
