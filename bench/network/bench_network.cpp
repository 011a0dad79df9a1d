// Network benchmark helper (not a test): times countyscope's matrices and writes the graph and the node pairs
// so bench/network/bench_network.py can time networkx / python-igraph / scipy on exactly the same pairs and
// check that they agree with us to the millisecond.
//
//   bench_network sample OSM OUT [REPS] demand points (buildings) x facilities (amenities), settlements^2
//   bench_network porto OSM NODES OUT [REPS]  1k x 1k between the nodes listed in NODES (csv column `node`)
//   and
//                                       5k x 5k between 5,000 seeded nodes; CH build and queries on 1 and all
//                                       threads
//   bench_network grid N OUT [REPS]     synthetic road-like grid with about N nodes: CH growth curve
//   bench_network cch OSM NODES OUT [REPS]
//                                       customizable CH (issue 16): METIS order, preprocessing, full
//                                       customisation on 1 and all threads, partial re-customisation of 1, 10
//                                       and 100 arcs of one area (slower x3, closed), CH rebuild, 1k x 1k CCH
//                                       vs CH; writes OUT/cch_order.u32, OUT/latlon.f32, OUT/change_<k>.u32
//                                       for a CCH peer driver
//   bench_network chbuild OSM [THREADS [WITNESS_LIMIT [PRIORITY_LIMIT]]]
//                                       one CH build: wall and CPU s, shortcuts, nodes settled by witness
//                                       searches, mean query search spaces, 1k x 1k
// Writes OUT/arcs.u32 (u, v, w_ms triples), OUT/<set>.u32 node lists, OUT/<name>.u32 our matrices (ms,
// row-major, 0xffffffff = no path) and prints "RESULT key value" lines; bench_network.py and pgrouting.py
// load the same files into the peers.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include <countyscope/core/rng.hpp>
#include <countyscope/network/cch.hpp>
#include <countyscope/network/ch.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_network.hpp>

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
void result(const std::string& k, double v) {
  std::printf("RESULT %s %.6g\n", k.c_str(), v);
  std::fflush(stdout);
}

template <class T>
void write_bin(const std::string& path, const std::vector<T>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
}

void write_arcs(const cs::network::RoadGraph& g, const std::string& dir) {
  std::vector<std::uint32_t> a;
  a.reserve(3 * g.arc_count());
  for (cs::NodeId u = 0; u < g.node_count(); ++u)
    for (cs::ArcId k = g.first_out[u]; k < g.first_out[u + 1]; ++k)
      a.insert(a.end(), {u, g.head[k], g.weight[k]});
  write_bin(dir + "/arcs.u32", a);
  result("nodes", static_cast<double>(g.node_count()));
  result("arcs", static_cast<double>(g.arc_count()));
}

// A point placed exactly on node v (zero access, zero along-edge time to v).
cs::network::Snap at_node(const cs::network::RoadGraph& g, cs::NodeId v) {
  cs::network::Snap s;
  const cs::ArcId a = g.first_out[v];
  s.edge = g.arc_edge[a];
  if (g.edge_from[s.edge] == v) {
    s.frac = 0;
    s.to_from_node = s.from_from_node = 0;
  } else {
    s.frac = 1;
    s.to_to_node = s.from_to_node = 0;
  }
  s.on_edge = g.node_coord[v];
  return s;
}

std::vector<std::uint32_t> to_ms(const cs::TimeMatrix& m) {
  std::vector<std::uint32_t> out(m.storage().size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::isfinite(m.storage()[i]) ? static_cast<std::uint32_t>(std::llround(m.storage()[i] * 1000.0))
                                           : 0xffffffffu;
  return out;
}

struct Points : osmium::handler::Handler {
  std::vector<cs::LonLat> demand, facilities, settlements;
  static bool facility(const char* a) {
    if (!a) return false;
    const std::string s = a;
    return s == "school" || s == "kindergarten" || s == "doctors" || s == "pharmacy" || s == "clinic" ||
           s == "hospital";
  }
  static bool place(const char* p) {
    if (!p) return false;
    const std::string s = p;
    return s == "city" || s == "town" || s == "village" || s == "hamlet" || s == "isolated_dwelling";
  }
  void node(const osmium::Node& n) {
    if (!n.location().valid()) return;
    const cs::LonLat c{n.location().lon(), n.location().lat()};
    if (facility(n.tags()["amenity"])) facilities.push_back(c);
    if (place(n.tags()["place"])) settlements.push_back(c);
  }
  void way(const osmium::Way& w) {
    const bool b = w.tags()["building"] != nullptr, f = facility(w.tags()["amenity"]);
    if (!b && !f) return;
    double x = 0, y = 0;
    int k = 0;
    for (const auto& nr : w.nodes())
      if (nr.location().valid()) x += nr.location().lon(), y += nr.location().lat(), ++k;
    if (!k) return;
    const cs::LonLat c{x / k, y / k};
    (f ? facilities : demand).push_back(c);
  }
};

// Peak RSS of this process (VmHWM). Not getrusage's ru_maxrss: Linux keeps that across execve, so a child of
// a large Python driver would report the driver's size.
double peak_rss_mb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// Runs f reps times and prints key_first_s (the first run) and key_min_s (the fastest): the peers are timed
// the same way, so every ratio compares the same statistic over the same number of runs.
template <class F>
void timed(const std::string& key, int reps, F&& f) {
  double first = 0, best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    f();
    const double s = since(t0);
    if (r == 0) first = s;
    best = std::min(best, s);
  }
  result(key + "_first_s", first);
  result(key + "_min_s", best);
}

int cmd_sample(const std::string& osm, const std::string& dir, int reps) {
  cs::Context ctx;
  result("reps", reps);
  auto t0 = Clock::now();
  const auto nb = cs::build_network(osm, cs::default_network_config(cs::network::Profile::kCar), ctx);
  result("build_network_s", since(t0));
  const cs::network::RoadGraph& g = nb.graph;
  result("graph_bytes", static_cast<double>(g.memory_bytes()));
  write_arcs(g, dir);
  Points pts;
  {
    osmium::io::Reader reader(osm, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
    osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location> index;
    osmium::handler::NodeLocationsForWays<decltype(index)> loc(index);
    loc.ignore_errors();
    osmium::apply(reader, loc, pts);
    reader.close();
  }
  result("demand_points", static_cast<double>(pts.demand.size()));
  result("facilities", static_cast<double>(pts.facilities.size()));
  result("settlements", static_cast<double>(pts.settlements.size()));
  t0 = Clock::now();
  cs::network::SnapIndex idx(g);
  result("snap_index_s", since(t0));
  t0 = Clock::now();
  const auto sd = idx.snap_all(pts.demand, {}, ctx.thread_count());
  const auto sf = idx.snap_all(pts.facilities, {}, ctx.thread_count());
  const auto ss = idx.snap_all(pts.settlements, {}, ctx.thread_count());
  result("snap_all_s", since(t0));
  // Our full pipeline on the snapped points (access legs, along-edge times).
  t0 = Clock::now();
  (void)cs::network::travel_time_matrix(g, sd, sf, {}, ctx);
  result("ours_snapped_demand_x_facilities_s", since(t0));
  t0 = Clock::now();
  (void)cs::network::travel_time_matrix(g, ss, ss, {}, ctx);
  result("ours_snapped_settlements_s", since(t0));
  // Node-to-node on each snap's nearer end node: the pairs the peers route too.
  auto nodes_of = [&](const std::vector<cs::network::Snap>& s) {
    std::vector<std::uint32_t> v;
    for (const auto& x : s) v.push_back(x.frac < 0.5 ? g.edge_from[x.edge] : g.edge_to[x.edge]);
    return v;
  };
  const auto nd = nodes_of(sd), nf = nodes_of(sf), ns = nodes_of(ss);
  write_bin(dir + "/demand.u32", nd);
  write_bin(dir + "/facilities.u32", nf);
  write_bin(dir + "/settlements.u32", ns);
  auto snaps = [&](const std::vector<std::uint32_t>& v) {
    std::vector<cs::network::Snap> s;
    for (auto x : v) s.push_back(at_node(g, x));
    return s;
  };
  const auto a = snaps(nd), b = snaps(nf), c = snaps(ns);
  // The peers (networkx, igraph) run on one core: so do we here, timed as often as they are.
  cs::Context one;
  one.threads = 1;
  cs::TimeMatrix m1, m2;
  timed("ours_demand_x_facilities_1t", reps, [&] { m1 = cs::network::travel_time_matrix(g, a, b, {}, one); });
  write_bin(dir + "/demand_x_facilities.u32", to_ms(m1));
  timed("ours_settlements_1t", reps, [&] { m2 = cs::network::travel_time_matrix(g, c, c, {}, one); });
  write_bin(dir + "/settlements_x_settlements.u32", to_ms(m2));
  result("peak_rss_mb", peak_rss_mb());
  return 0;
}

std::vector<cs::NodeId> read_nodes(const std::string& csv, std::size_t n) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  std::vector<cs::NodeId> out;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    out.push_back(static_cast<cs::NodeId>(std::stoull(line.substr(comma + 1)) % n));
  }
  return out;
}

// Porto: one node set of 1,000 (the csv) and one of 5,000 distinct nodes (seeded), CH build on 1 and on all
// threads, queries on both sets on 1 and on all threads, plain Dijkstra (1 thread, the oracle) on the 1,000
// set.
// The k arcs leaving the nodes nearest to a seeded centre (in Dijkstra order): one studio edit's area (the
// same centre for every k, so the 1 arc is among the 10 and the 10 among the 100).
std::vector<cs::ArcId> arcs_near(const cs::network::RoadGraph& g, std::size_t k, std::uint64_t seed) {
  cs::Rng rng(seed);
  const auto centre = static_cast<cs::NodeId>(rng.below(g.node_count()));
  cs::network::Dijkstra d(g);
  const std::pair<cs::NodeId, cs::Weight> c{centre, 0};
  d.run({&c, 1});
  std::vector<cs::ArcId> out;
  for (cs::NodeId v : d.settled())
    for (cs::ArcId a = g.first_out[v]; a < g.first_out[v + 1] && out.size() < k; ++a) out.push_back(a);
  return out;
}

int cmd_cch(const std::string& osm, const std::string& nodes_csv, const std::string& dir, int reps) {
  cs::Context ctx;
  const int hw = ctx.thread_count();
  cs::Context one;
  one.threads = 1;
  result("threads", hw);
  result("reps", reps);
  const auto nb = cs::build_network(osm, cs::default_network_config(cs::network::Profile::kCar), ctx);
  const cs::network::RoadGraph& g = nb.graph;
  write_arcs(g, dir);
  {
    std::vector<float> ll;
    for (const auto& c : g.node_coord)
      ll.insert(ll.end(), {static_cast<float>(c.lat), static_cast<float>(c.lon)});
    write_bin(dir + "/latlon.f32", ll);
  }
  const auto n1k = read_nodes(nodes_csv, g.node_count());
  write_bin(dir + "/nodes1k.u32", std::vector<std::uint32_t>(n1k.begin(), n1k.end()));
  std::vector<cs::network::Snap> s1k;
  for (auto x : n1k) s1k.push_back(at_node(g, x));
  // (a) order and metric-independent preprocessing.
  std::vector<cs::NodeId> order;
  timed("cch_order", reps, [&] { order = cs::network::nested_dissection_order(g, 1); });
  write_bin(dir + "/cch_order.u32", std::vector<std::uint32_t>(order.begin(), order.end()));
  cs::network::CustomizableCH cch;
  timed("cch_prepare", reps, [&] { cch = cs::network::CustomizableCH::prepare(g, order); });
  result("cch_arcs", static_cast<double>(cch.arc_count()));
  result("cch_triangles", static_cast<double>(cch.triangle_count()));
  result("cch_levels", static_cast<double>(cch.level_first.size() - 1));
  result("cch_bytes_per_node", static_cast<double>(cch.memory_bytes()) / static_cast<double>(g.node_count()));
  // (b) full customisation.
  timed("cch_customize_1t", reps, [&] { cch.customize(g.weight, 1); });
  const std::vector<cs::Weight> base = cch.weight;
  timed("cch_customize_" + std::to_string(hw) + "t", reps, [&] { cch.customize(g.weight, hw); });
  result("cch_customize_threads_identical", cch.weight == base ? 1 : 0);
  // (c) partial re-customisation of k arcs of one area: slower (x3) then back, and closed then back.
  bool partial_ok = true;
  for (const std::size_t k : {1, 10, 100}) {
    const auto arcs = arcs_near(g, k, 1600);
    write_bin(dir + "/change_" + std::to_string(k) + ".u32",
              std::vector<std::uint32_t>(arcs.begin(), arcs.end()));
    for (const bool close : {false, true}) {
      std::vector<cs::network::ArcTime> change, back;
      for (auto a : arcs) {
        change.push_back({a, close ? std::numeric_limits<double>::infinity() : 3.0 * g.weight[a] / 1000.0});
        back.push_back({a, g.weight[a] / 1000.0});
      }
      const std::string key = "cch_partial_" + std::string(close ? "close_" : "slower_") + std::to_string(k);
      double best = 1e300, best_back = 1e300;
      std::size_t recomputed = 0;
      for (int r = 0; r < reps; ++r) {
        auto t0 = Clock::now();
        recomputed = cch.update(change);
        best = std::min(best, since(t0));
        if (r == 0) {  // equals a full customisation with the changed weights, bit for bit
          auto w = g.weight;
          for (const auto& c : change) w[c.arc] = close ? cs::kInfWeight : cs::from_seconds(c.seconds);
          cs::network::CustomizableCH full = cch;
          full.customize(w, 1);
          partial_ok &= full.weight == cch.weight;
        }
        t0 = Clock::now();
        (void)cch.update(back);
        best_back = std::min(best_back, since(t0));
        partial_ok &= cch.weight == base;
      }
      result(key + "_min_s", best);
      result(key + "_back_min_s", best_back);
      result(key + "_arcs_recomputed", static_cast<double>(recomputed));
    }
  }
  result("cch_partial_equals_full", partial_ok ? 1 : 0);
  // (d) the alternative: rebuild the CH.
  std::optional<cs::network::ContractionHierarchy> ch;
  timed("ch_build_1t", reps, [&] { ch.emplace(cs::network::ContractionHierarchy::build(g, {}, one)); });
  timed("ch_build_" + std::to_string(hw) + "t", reps,
        [&] { ch.emplace(cs::network::ContractionHierarchy::build(g, {}, ctx)); });
  // (e) 1k x 1k: CCH vs CH.
  cs::TimeMatrix mc, mh;
  timed("cch_nodes1k_1t", reps, [&] { mc = cs::network::cch_matrix(cch, g, s1k, s1k, {}, one); });
  timed("cch_nodes1k_" + std::to_string(hw) + "t", reps,
        [&] { mc = cs::network::cch_matrix(cch, g, s1k, s1k, {}, ctx); });
  timed("ch_nodes1k_1t", reps, [&] { mh = cs::network::ch_matrix(*ch, g, s1k, s1k, {}, one); });
  timed("ch_nodes1k_" + std::to_string(hw) + "t", reps,
        [&] { mh = cs::network::ch_matrix(*ch, g, s1k, s1k, {}, ctx); });
  result("cch_equals_ch", mc == mh ? 1 : 0);
  write_bin(dir + "/cch_nodes1k.u32", to_ms(mc));
  // After closing the 100 arcs: the matrix a peer must reproduce after its own partial customisation.
  {
    const auto arcs = arcs_near(g, 100, 1600);
    std::vector<cs::network::ArcTime> close;
    for (auto a : arcs) close.push_back({a, std::numeric_limits<double>::infinity()});
    cch.update(close);
    write_bin(dir + "/cch_nodes1k_closed100.u32", to_ms(cs::network::cch_matrix(cch, g, s1k, s1k, {}, ctx)));
  }
  result("peak_rss_mb", peak_rss_mb());
  return 0;
}

int cmd_porto(const std::string& osm, const std::string& nodes_csv, const std::string& dir, int reps) {
  cs::Context ctx;
  const int hw = ctx.thread_count();
  result("threads", hw);
  result("reps", reps);
  auto t0 = Clock::now();
  const auto nb = cs::build_network(osm, cs::default_network_config(cs::network::Profile::kCar), ctx);
  result("build_network_s", since(t0));
  const cs::network::RoadGraph& g = nb.graph;
  write_arcs(g, dir);
  const auto n1k = read_nodes(nodes_csv, g.node_count());
  std::vector<cs::NodeId> n5k;
  {
    cs::Rng rng(5000);
    std::vector<std::uint8_t> taken(g.node_count(), 0);
    while (n5k.size() < 5000) {
      const auto v = static_cast<cs::NodeId>(rng.below(g.node_count()));
      if (!taken[v]) taken[v] = 1, n5k.push_back(v);
    }
  }
  write_bin(dir + "/nodes1k.u32", std::vector<std::uint32_t>(n1k.begin(), n1k.end()));
  write_bin(dir + "/nodes5k.u32", std::vector<std::uint32_t>(n5k.begin(), n5k.end()));
  auto snaps = [&](const std::vector<cs::NodeId>& v) {
    std::vector<cs::network::Snap> s;
    for (auto x : v) s.push_back(at_node(g, x));
    return s;
  };
  const auto s1k = snaps(n1k), s5k = snaps(n5k);
  cs::Context one;
  one.threads = 1;
  cs::network::MatrixOptions dij;
  dij.algorithm = cs::network::MatrixAlgorithm::kDijkstra;
  cs::TimeMatrix md;
  timed("ours_dijkstra_nodes1k_1t", 1, [&] { md = cs::network::travel_time_matrix(g, s1k, s1k, dij, one); });
  std::optional<cs::network::ContractionHierarchy> ch;
  timed("ours_ch_build_1t", reps, [&] { ch.emplace(cs::network::ContractionHierarchy::build(g, {}, one)); });
  timed("ours_ch_build_" + std::to_string(hw) + "t", reps,
        [&] { ch.emplace(cs::network::ContractionHierarchy::build(g, {}, ctx)); });
  result("ch_bytes_per_node", static_cast<double>(ch->memory_bytes()) / g.node_count());
  result("ch_shortcuts", static_cast<double>(ch->shortcuts));
  result("ch_witness_settled", static_cast<double>(ch->witness_settled));
  result("ch_hierarchy_arcs", static_cast<double>(ch->up_arc_count() + ch->down_arc_count()));
  for (const auto& [name, s] :
       {std::pair{std::string("nodes1k"), &s1k}, std::pair{std::string("nodes5k"), &s5k}}) {
    cs::TimeMatrix mc;
    timed("ours_ch_" + name + "_1t", reps, [&] { mc = cs::network::ch_matrix(*ch, g, *s, *s, {}, one); });
    timed("ours_ch_" + name + "_" + std::to_string(hw) + "t", reps,
          [&] { mc = cs::network::ch_matrix(*ch, g, *s, *s, {}, ctx); });
    if (name == "nodes1k") result("ch_equals_dijkstra", mc == md ? 1 : 0);
    write_bin(dir + "/porto_" + name + ".u32", to_ms(mc));
  }
  result("peak_rss_mb", peak_rss_mb());
  return 0;
}

// Road-like synthetic grid: jittered lattice, ~8 % of links missing, arterials every 8th line, 5 % one-way.
cs::network::RoadGraph make_grid(std::size_t target_nodes, std::uint64_t seed) {
  const auto side = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(target_nodes))));
  cs::Rng rng(seed);
  cs::network::GraphBuilder b(cs::network::Profile::kCar);
  for (std::size_t i = 0; i < side; ++i)
    for (std::size_t j = 0; j < side; ++j)
      b.add_node({100.0 + (static_cast<double>(j) + 0.3 * rng.uniform()) * 0.002,
                  30.0 + (static_cast<double>(i) + 0.3 * rng.uniform()) * 0.0018});
  cs::network::RoadGraph tmp = std::move(b).finish();
  cs::network::GraphBuilder e(cs::network::Profile::kCar);
  for (cs::NodeId v = 0; v < tmp.node_count(); ++v) e.add_node(tmp.node_coord[v]);
  for (std::size_t i = 0; i < side; ++i)
    for (std::size_t j = 0; j < side; ++j) {
      const auto u = static_cast<cs::NodeId>(i * side + j);
      for (int dir = 0; dir < 2; ++dir) {
        const std::size_t ni = i + (dir == 1), nj = j + (dir == 0);
        if (ni >= side || nj >= side) continue;
        if (rng.uniform() < 0.08) continue;
        const auto v = static_cast<cs::NodeId>(ni * side + nj);
        const bool arterial = dir == 0 ? i % 8 == 0 : j % 8 == 0;
        const float speed = arterial ? 60.0f : 30.0f;
        const double len = cs::network::haversine_m(tmp.node_coord[u], tmp.node_coord[v]);
        const cs::Weight w = cs::network::travel_ms(len, speed);
        const double r = rng.uniform();
        const std::uint8_t dirs = r < 0.025 ? 1 : r < 0.05 ? 2 : 3;
        e.add_edge(u, v, {},
                   arterial ? cs::network::RoadClass::kPrimary : cs::network::RoadClass::kResidential, speed,
                   -1, dirs, w, w, len);
      }
    }
  cs::network::RoadGraph g = std::move(e).finish();
  std::size_t nc = 0;
  const auto comp = cs::network::strongly_connected_components(g, &nc);
  std::vector<std::size_t> size(nc, 0);
  for (auto c : comp) ++size[c];
  std::uint32_t best = 0;
  for (std::uint32_t c = 1; c < nc; ++c)
    if (size[c] > size[best]) best = c;
  std::vector<std::uint8_t> keep(g.node_count());
  for (std::size_t v = 0; v < keep.size(); ++v) keep[v] = comp[v] == best;
  return cs::network::induced_subgraph(g, keep);
}

int cmd_grid(std::size_t n, const std::string& dir, int reps) {
  cs::Context ctx;
  const int hw = ctx.thread_count();
  cs::Context one;
  one.threads = 1;
  result("threads", hw);
  result("reps", reps);
  auto t0 = Clock::now();
  const cs::network::RoadGraph g = make_grid(n, 7);
  result("make_grid_s", since(t0));
  write_arcs(g, dir);
  const double rss_graph = peak_rss_mb();
  std::optional<cs::network::ContractionHierarchy> ch;
  timed("ours_ch_build_1t", reps, [&] { ch.emplace(cs::network::ContractionHierarchy::build(g, {}, one)); });
  timed("ours_ch_build_" + std::to_string(hw) + "t", reps,
        [&] { ch.emplace(cs::network::ContractionHierarchy::build(g, {}, ctx)); });
  result("ch_build_peak_rss_mb", peak_rss_mb());
  result("graph_peak_rss_mb", rss_graph);
  result("ch_bytes_per_node", static_cast<double>(ch->memory_bytes()) / g.node_count());
  result("ch_bytes_per_arc", static_cast<double>(ch->memory_bytes()) / g.arc_count());
  result("ch_arcs_per_arc", static_cast<double>(ch->up_arc_count() + ch->down_arc_count()) / g.arc_count());
  result("ch_shortcuts", static_cast<double>(ch->shortcuts));
  result("ch_hierarchy_arcs", static_cast<double>(ch->up_arc_count() + ch->down_arc_count()));
  result("graph_bytes_per_node", static_cast<double>(g.memory_bytes()) / g.node_count());
  cs::Rng rng(11);
  auto pick = [&](std::size_t k) {
    std::vector<cs::network::Snap> s;
    for (std::size_t i = 0; i < k; ++i)
      s.push_back(at_node(g, static_cast<cs::NodeId>(rng.below(g.node_count()))));
    return s;
  };
  // 1k x 1k is square (the node set pgr_dijkstraCostMatrix and the RoutingKit driver take); 10k x 1k has 10k
  // other sources (ours only: a growth figure, no peer).
  std::vector<std::uint32_t> nodes;
  const auto t1k = pick(1000), s10k = pick(10000);
  const auto& s1k = t1k;
  for (const auto& s : t1k) nodes.push_back(s.frac < 0.5 ? g.edge_from[s.edge] : g.edge_to[s.edge]);
  write_bin(dir + "/nodes1k.u32", nodes);
  cs::TimeMatrix m1;
  timed("ours_ch_nodes1k_1t", reps, [&] { m1 = cs::network::ch_matrix(*ch, g, s1k, t1k, {}, one); });
  timed("ours_ch_nodes1k_" + std::to_string(hw) + "t", reps,
        [&] { m1 = cs::network::ch_matrix(*ch, g, s1k, t1k, {}, ctx); });
  write_bin(dir + "/grid_nodes1k.u32", to_ms(m1));
  timed("ours_ch_10kx1k_" + std::to_string(hw) + "t", reps,
        [&] { (void)cs::network::ch_matrix(*ch, g, s10k, t1k, {}, ctx); });
  // The oracle: plain Dijkstra on every row up to 2*10^5 nodes, on a slice of the rows above (not timed).
  const std::size_t rows = g.node_count() <= 200'000 ? 1000 : 20;
  cs::network::MatrixOptions dij;
  dij.algorithm = cs::network::MatrixAlgorithm::kDijkstra;
  const auto md =
      cs::network::travel_time_matrix(g, std::span<const cs::network::Snap>(s1k.data(), rows), t1k, dij, ctx);
  result("dijkstra_rows_checked", static_cast<double>(rows));
  bool same = true;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < 1000; ++j) same &= md(i, j) == m1(i, j);
  result("ch_equals_dijkstra", same ? 1 : 0);
  result("peak_rss_mb", peak_rss_mb());
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "sample" && argc >= 4) return cmd_sample(argv[2], argv[3], argc > 4 ? std::stoi(argv[4]) : 3);
    if (mode == "porto" && argc >= 5)
      return cmd_porto(argv[2], argv[3], argv[4], argc > 5 ? std::stoi(argv[5]) : 3);
    if (mode == "chbuild" && argc >= 3) {  // quick CH build timing (wall and CPU)
      cs::Context ctx;
      if (argc > 3) ctx.threads = std::stoi(argv[3]);
      const auto nb = cs::build_network(argv[2], cs::default_network_config(cs::network::Profile::kCar), ctx);
      rusage r0{}, r1{};
      getrusage(RUSAGE_SELF, &r0);
      const auto t0 = Clock::now();
      cs::network::CHConfig cfg;
      if (argc > 4) cfg.witness_settle_limit = static_cast<std::uint32_t>(std::stoul(argv[4]));
      if (argc > 5) cfg.priority_settle_limit = static_cast<std::uint32_t>(std::stoul(argv[5]));
      const auto ch = cs::network::ContractionHierarchy::build(nb.graph, cfg, ctx);
      result("ch_build_s", since(t0));
      getrusage(RUSAGE_SELF, &r1);
      result("ch_build_cpu_s", static_cast<double>(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
                                   1e-6 * static_cast<double>(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec));
      result("shortcuts", static_cast<double>(ch.shortcuts));
      result("witness_settled", static_cast<double>(ch.witness_settled));
      result("ch_arcs", static_cast<double>(ch.up_arc_count() + ch.down_arc_count()));
      std::vector<cs::network::Snap> s;
      cs::Rng rng(3);
      for (int i = 0; i < 1000; ++i)
        s.push_back(at_node(nb.graph, static_cast<cs::NodeId>(rng.below(nb.graph.node_count()))));
      // Query cost that does not depend on the machine: mean forward and backward search space (settled,
      // not stalled) of the 1,000 points.
      {
        cs::network::CHQuery q(ch);
        double fwd = 0, bwd = 0;
        for (const auto& p : s) {
          const std::pair<cs::NodeId, cs::Weight> seed{
              ch.rank[p.frac < 0.5 ? nb.graph.edge_from[p.edge] : nb.graph.edge_to[p.edge]], 0};
          q.upward({&seed, 1}, true);
          fwd += static_cast<double>(q.space().size());
          q.upward({&seed, 1}, false);
          bwd += static_cast<double>(q.space().size());
        }
        result("ch_mean_forward_space", fwd / static_cast<double>(s.size()));
        result("ch_mean_backward_space", bwd / static_cast<double>(s.size()));
      }
      getrusage(RUSAGE_SELF, &r0);
      const auto t1 = Clock::now();
      (void)cs::network::ch_matrix(ch, nb.graph, s, s, {}, ctx);
      result("ch_1kx1k_s", since(t1));
      getrusage(RUSAGE_SELF, &r1);
      result("ch_1kx1k_cpu_s", static_cast<double>(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
                                   1e-6 * static_cast<double>(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec));
      return 0;
    }
    if (mode == "cch" && argc >= 5)
      return cmd_cch(argv[2], argv[3], argv[4], argc > 5 ? std::stoi(argv[5]) : 3);
    if (mode == "grid" && argc >= 4)
      return cmd_grid(std::stoul(argv[2]), argv[3], argc > 4 ? std::stoi(argv[4]) : 1);
    std::cerr
        << "usage: bench_network sample OSM OUT [REPS] | porto OSM NODES.csv OUT [REPS] | grid N OUT "
           "[REPS] | cch OSM NODES.csv OUT [REPS] | chbuild OSM [THREADS [WITNESS_LIMIT [PRIORITY_LIMIT]]]\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_network: " << e.what() << '\n';
    return 1;
  }
}
