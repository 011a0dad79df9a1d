// Structure bench, C++ side: isochrones for all settlements x 5 cutoffs and service-area assignment of all
// demand points on the sample county's car graph. Writes the graph, the seeds and its own answers for the
// networkx peer (bench/structure/bench_networkx.py), which checks them and prints the ratios.
//
// Usage: bench_structure OSM OUT_DIR
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <countyscope/core/parallel.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_network.hpp>
#include <countyscope/structure/isochrone.hpp>
#include <countyscope/structure/service_areas.hpp>

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_structure OSM OUT_DIR\n");
    return 2;
  }
  const std::string osm = argv[1], out = argv[2];
  cs::Context ctx;
  const cs::County county = cs::load_county_osm(osm, cs::CountyConfig{}, ctx);
  const cs::network::RoadGraph g =
      cs::build_network(osm, cs::default_network_config(cs::network::Profile::kCar), ctx).graph;
  const cs::network::SnapIndex idx(g);
  std::vector<cs::LonLat> sp, dp;
  for (const auto& s : county.settlements) sp.push_back(s.pos);
  for (const auto& d : county.demand) dp.push_back(d.pos);
  const auto ss = idx.snap_all(sp, cs::network::SnapOptions{}, ctx.thread_count());
  const auto ds = idx.snap_all(dp, cs::network::SnapOptions{}, ctx.thread_count());
  std::vector<cs::network::Snap> centres;
  for (std::size_t s = 0; s < county.settlements.size(); ++s)
    if (static_cast<int>(s) == county.seat || county.settlements[s].tier != cs::Tier::kVillage)
      centres.push_back(ss[s]);
  const std::vector<double> cutoffs{300, 600, 900, 1800, 3600};

  // Inputs for the peer: arcs, source seeds (as Dijkstra::run_from), snaps of demand points and centres.
  {
    std::ofstream f(out + "/arcs.csv");
    f << "tail,head,ms\n";
    for (cs::NodeId u = 0; u < g.node_count(); ++u)
      for (cs::ArcId a = g.first_out[u]; a != g.first_out[u + 1]; ++a)
        f << u << ',' << g.head[a] << ',' << g.weight[a] << '\n';
    auto snaps = [&](const std::string& name, const std::vector<cs::network::Snap>& v) {
      std::ofstream s(out + "/" + name);
      s << "edge,from,to,frac,access,to_from,to_to,from_from,from_to\n";
      auto w = [](cs::Weight x) { return x == cs::kInfWeight ? std::string("") : std::to_string(x); };
      for (const cs::network::Snap& x : v)
        s << x.edge << ',' << g.edge_from[x.edge] << ',' << g.edge_to[x.edge] << ',' << x.frac << ','
          << x.access_ms << ',' << w(x.to_from_node) << ',' << w(x.to_to_node) << ',' << w(x.from_from_node)
          << ',' << w(x.from_to_node) << '\n';
    };
    snaps("settlements.csv", ss);
    snaps("demand.csv", ds);
    snaps("centres.csv", centres);
  }

  // (a) Isochrones: all settlements x 5 cutoffs (reached nodes and partial edges; no polygons).
  std::vector<std::vector<std::size_t>> reached(ss.size(), std::vector<std::size_t>(cutoffs.size()));
  auto iso_run = [&](int threads) {
    std::vector<std::unique_ptr<cs::structure::IsochroneBuilder>> b(static_cast<std::size_t>(threads));
    cs::parallel_for(ss.size(), threads, [&](std::size_t i, int t) {
      auto& q = b[static_cast<std::size_t>(t)];
      if (!q) q = std::make_unique<cs::structure::IsochroneBuilder>(g);
      const cs::structure::Isochrone iso = q->run(ss[i], cutoffs);
      for (std::size_t c = 0; c < cutoffs.size(); ++c) reached[i][c] = iso.reached_nodes(c);
    });
  };
  const int threads = ctx.thread_count();
  double best1 = 1e9, bestn = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    double t0 = now();
    iso_run(1);
    best1 = std::min(best1, now() - t0);
    t0 = now();
    iso_run(threads);
    bestn = std::min(bestn, now() - t0);
  }
  // (a') The same reached-node counts from one cut-off Dijkstra per settlement (what the networkx Dijkstra
  // peer computes: distances only, no partial-edge pieces for polygons).
  std::vector<std::vector<std::size_t>> reach2(ss.size(), std::vector<std::size_t>(cutoffs.size()));
  auto reach_run = [&](int threads_) {
    std::vector<std::unique_ptr<cs::network::Dijkstra>> q(static_cast<std::size_t>(threads_));
    const cs::Weight max_cut = cs::from_seconds(cutoffs.back());
    cs::parallel_for(ss.size(), threads_, [&](std::size_t i, int t) {
      auto& d = q[static_cast<std::size_t>(t)];
      if (!d) d = std::make_unique<cs::network::Dijkstra>(g);
      d->run_from(ss[i], max_cut);
      std::size_t c = 0, k = 0;
      const auto& st = d->settled();
      for (; c < cutoffs.size(); ++c) {  // settle order is non-decreasing in time
        const cs::Weight cut = cs::from_seconds(cutoffs[c]);
        while (k < st.size() && d->dist(st[k]) <= cut) ++k;
        reach2[i][c] = k;
      }
    });
  };
  double reach1 = 1e9, reachn = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    double t0 = now();
    reach_run(1);
    reach1 = std::min(reach1, now() - t0);
    t0 = now();
    reach_run(threads);
    reachn = std::min(reachn, now() - t0);
  }
  if (reach2 != reached) {
    std::fprintf(stderr, "bench_structure: reach-only counts differ from the isochrones\n");
    return 1;
  }
  // (b) Service areas: every demand point to its nearest centre (backward search per centre + argmin).
  std::vector<double> pop(county.demand.size());
  for (std::size_t i = 0; i < pop.size(); ++i) pop[i] = county.demand[i].population;
  cs::structure::ServiceAreas sa;
  double sa1 = 1e9, san = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    for (int th : {1, threads}) {
      cs::Context c2;
      c2.threads = th;
      const double t0 = now();
      const cs::TimeMatrix m = cs::structure::times_to_targets(g, ds, centres, c2);
      sa = cs::structure::assign_service_areas(m, pop, cs::TimeMatrix(0, centres.size()), {},
                                               cs::structure::ServiceAreaConfig{});
      (th == 1 ? sa1 : san) = std::min(th == 1 ? sa1 : san, now() - t0);
    }
  }
  {
    std::ofstream f(out + "/cpp_reached.csv");
    f << "settlement,cutoff_s,nodes\n";
    for (std::size_t i = 0; i < ss.size(); ++i)
      for (std::size_t c = 0; c < cutoffs.size(); ++c)
        f << i << ',' << cutoffs[c] << ',' << reached[i][c] << '\n';
    std::ofstream a(out + "/cpp_assign.csv");
    a << "demand,centre\n";
    for (std::size_t i = 0; i < sa.demand_centre.size(); ++i) a << i << ',' << sa.demand_centre[i] << '\n';
    std::ofstream t(out + "/cpp_times.json");
    t << "{\"nodes\": " << g.node_count() << ", \"arcs\": " << g.arc_count()
      << ", \"settlements\": " << ss.size() << ", \"demand\": " << ds.size()
      << ", \"centres\": " << centres.size() << ", \"threads\": " << threads
      << ", \"reps\": 5, \"iso_1\": " << best1 << ", \"iso_n\": " << bestn << ", \"reach_1\": " << reach1
      << ", \"reach_n\": " << reachn << ", \"areas_1\": " << sa1 << ", \"areas_n\": " << san << "}\n";
  }
  std::printf(
      "countyscope: %zu nodes, %zu arcs; isochrones %zu settlements x %zu cutoffs: %.4f s (1 thread), %.4f s "
      "(%d threads); service areas %zu demand points -> %zu centres: %.4f s (1 thread), %.4f s\n",
      g.node_count(), g.arc_count(), ss.size(), cutoffs.size(), best1, bestn, threads, ds.size(),
      centres.size(), sa1, san);
  return 0;
}
