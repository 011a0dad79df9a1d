// countyscope._core network: Network (build from OSM with the [network] options, load, save, snap with the
// [snap] options, travel-time matrices with the [matrix] cutoff) and Snaps. Keyword defaults come from the
// option registry (docs/options.md), as for `countyscope network` / `matrix` and the plan file.
#include <atomic>
#include <memory>
#include <optional>

#include <countyscope/core/limits.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/plan/plan.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "common.hpp"

namespace cs::python {
namespace {

using namespace py::literals;

// Each network object gets its own number; snapped points carry the number of the network they were snapped
// onto, so points of another network (whose edge numbers index past this one's arrays) are refused.
std::uint64_t next_network_id() {
  static std::atomic<std::uint64_t> next{1};
  return next++;
}

// A network and its snapping index, kept together (the index points into the graph).
struct Network {
  std::uint64_t id = next_network_id();
  cs::network::RoadGraph graph;
  cs::NetworkStats stats;
  std::unique_ptr<cs::network::SnapIndex> index;
  void build_index() { index = std::make_unique<cs::network::SnapIndex>(graph); }
};

struct Snaps {
  std::vector<cs::network::Snap> snaps;
  std::uint64_t network_id = 0;
};

void check_same_network(const Network& n, const Snaps& s, const char* func, const char* arg) {
  if (s.network_id != n.id)
    args::fail(func, arg,
               "these points were snapped onto another network; snap them with this network's snap()");
}

// [network] as `countyscope network` reads it: a profile starts from its own default speeds.
std::shared_ptr<Network> from_osm(const std::string& path, const py::object& profile, int threads,
                                  const py::object& use_maxspeed, const py::object& keep_largest_scc) {
  const char* f = "from_osm";
  const auto& table = cs::network_options();
  cs::NetworkConfig given;
  set_option(table, given, f, "profile", profile);
  set_option(table, given, f, "use_maxspeed", use_maxspeed);
  set_option(table, given, f, "keep_largest_scc", keep_largest_scc);
  cs::NetworkConfig cfg = cs::default_network_config(cs::network::Profile::kCar);
  cs::set_profile(cfg, given.profile);
  cfg.use_maxspeed = given.use_maxspeed;
  cfg.keep_largest_scc = given.keep_largest_scc;
  auto n = std::make_shared<Network>();
  {
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    cs::NetworkBuild nb = cs::build_network(path, cfg, ctx);
    n->graph = std::move(nb.graph);
    n->stats = nb.stats;
    n->build_index();
  }
  return n;
}

std::shared_ptr<Network> load(const std::string& path) {
  auto n = std::make_shared<Network>();
  py::gil_scoped_release nogil;
  n->graph = cs::load_graph(path);
  n->stats.nodes = n->graph.node_count();
  n->stats.arcs = n->graph.arc_count();
  n->stats.edges = n->graph.edge_count();
  n->build_index();
  return n;
}

Snaps snap_points(const Network& n, const py::object& lonlat, const py::object& connector_speed_kmh,
                  const py::object& far_threshold_m, int threads) {
  auto pts = as_lonlat(lonlat, "snap", "lonlat");
  const auto& table = cs::snap_options();
  cs::network::SnapOptions opt;
  set_option(table, opt, "snap", "connector_speed_kmh", connector_speed_kmh);
  set_option(table, opt, "snap", "far_threshold_m", far_threshold_m);
  // Outside the network's extent is an error, not a far snap (swapped lon/lat would land thousands of km
  // away).
  if (const auto i = n.index->first_outside(pts))
    args::fail_value("snap", "lonlat",
                     ", row " + std::to_string(*i) + ": point (" + cs::number_text(pts[*i].lon) + ", " +
                         cs::number_text(pts[*i].lat) + ") lies outside the network (" +
                         n.index->extent_text() + "); lon and lat swapped?");
  Snaps s;
  s.network_id = n.id;
  {
    py::gil_scoped_release nogil;
    s.snaps = n.index->snap_all(pts, opt, make_context(threads).thread_count());
  }
  return s;
}

// The [matrix] cutoff of a network function, in the engine's seconds (unset: none).
std::optional<double> matrix_cutoff_s(const char* func, const py::object& cutoff_min,
                                      const py::kwargs& extra) {
  cs::MatrixCutoff c;
  set_extra(cs::matrix_options(), c, func, extra, {});
  set_option(cs::matrix_options(), c, func, "cutoff_min", cutoff_min);
  if (!c.cutoff_min) return std::nullopt;
  return *c.cutoff_min * 60.0;
}

py::array travel_time_matrix(const Network& n, const Snaps& from, const Snaps& to,
                             const py::object& cutoff_min, bool include_access, int threads,
                             const py::kwargs& extra) {
  check_same_network(n, from, "travel_time_matrix", "origins");
  check_same_network(n, to, "travel_time_matrix", "destinations");
  cs::network::MatrixOptions opt;
  opt.cutoff_s = matrix_cutoff_s("travel_time_matrix", cutoff_min, extra);
  opt.include_access = include_access;
  cs::TimeMatrix tm;
  {
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    tm = cs::network::travel_time_matrix(n.graph, from.snaps, to.snaps, opt, ctx);
    minutes_in_place(tm.data(), tm.rows() * tm.cols());
  }
  return matrix_to_numpy(std::move(tm));
}

py::array one_to_all(const Network& n, const Snaps& from, const py::object& cutoff_min,
                     const py::kwargs& extra) {
  check_same_network(n, from, "one_to_all", "origin");
  if (from.snaps.size() != 1)
    args::fail("one_to_all", "origin",
               "expected exactly one snapped point, got " + std::to_string(from.snaps.size()));
  const std::optional<double> cutoff_s = matrix_cutoff_s("one_to_all", cutoff_min, extra);
  std::vector<float> out(n.graph.node_count());
  {
    py::gil_scoped_release nogil;
    cs::network::Dijkstra d(n.graph);
    d.run_from(from.snaps[0], cutoff_s ? cs::from_seconds(*cutoff_s) : cs::kInfWeight);
    for (std::size_t v = 0; v < out.size(); ++v) out[v] = cs::to_seconds(d.dist(static_cast<cs::NodeId>(v)));
    minutes_in_place(out.data(), out.size());
  }
  return to_numpy(std::move(out));
}

py::dict stats_dict(const cs::NetworkStats& s) {
  py::dict d;
  d["nodes"] = s.nodes;
  d["arcs"] = s.arcs;
  d["edges"] = s.edges;
  d["largest_scc_share"] = s.largest_scc_share;
  py::dict km;
  for (std::size_t c = 0; c < s.km_by_class.size(); ++c)
    if (s.km_by_class[c] > 0)
      km[py::str(std::string(cs::network::road_class_name(static_cast<cs::network::RoadClass>(c))))] =
          s.km_by_class[c];
  d["km_by_class"] = km;
  return d;
}

py::array node_lonlat(const Network& n) {
  std::vector<double> v(2 * n.graph.node_count());
  for (std::size_t i = 0; i < n.graph.node_count(); ++i) {
    v[2 * i] = n.graph.node_coord[i].lon;
    v[2 * i + 1] = n.graph.node_coord[i].lat;
  }
  return to_numpy(std::move(v), {static_cast<py::ssize_t>(n.graph.node_count()), 2});
}

void bind_snaps(py::module_& m) {
  py::class_<Snaps>(m, "Snaps", "Points snapped onto a network (opaque; pass to travel_time_matrix)")
      .def("__len__", [](const Snaps& s) { return s.snaps.size(); })
      .def_property_readonly(
          "dist_m",
          [](const Snaps& s) {
            std::vector<float> v(s.snaps.size());
            for (std::size_t i = 0; i < v.size(); ++i) v[i] = s.snaps[i].dist_m;
            return to_numpy(std::move(v));
          },
          "distance from each point to the road, metres")
      .def_property_readonly(
          "far",
          [](const Snaps& s) {
            std::vector<std::uint8_t> v(s.snaps.size());
            for (std::size_t i = 0; i < v.size(); ++i) v[i] = s.snaps[i].far ? 1 : 0;
            return to_numpy(std::move(v)).attr("astype")("bool");
          },
          "True where the snap is beyond the far threshold");
}

}  // namespace

void bind_network(py::module_& m) {
  bind_snaps(m);
  const auto& network = cs::network_options();
  const auto& snap = cs::snap_options();
  const py::object no_cutoff = registry_default(cs::matrix_options(), "cutoff_min");
  py::class_<Network, std::shared_ptr<Network>>(m, "Network", "A routable road network with a snapping index")
      .def_static("from_osm", &from_osm, "path"_a, "profile"_a = registry_default(network, "profile"),
                  "threads"_a = 0, py::kw_only(),
                  "use_maxspeed"_a = registry_default(network, "use_maxspeed"),
                  "keep_largest_scc"_a = registry_default(network, "keep_largest_scc"),
                  "Build from an OSM file (PBF or XML) with the [network] options of `countyscope network` "
                  "(profile car or walk, each from its own default speeds; docs/options.md)")
      .def_static("load", &load, "path"_a,
                  "Load a graph file written by save() or `countyscope network --out`")
      .def(
          "save", [](const Network& n, const std::string& path) { cs::save_graph(n.graph, path); }, "path"_a)
      .def_property_readonly("node_count", [](const Network& n) { return n.graph.node_count(); })
      .def_property_readonly("arc_count", [](const Network& n) { return n.graph.arc_count(); })
      .def_property_readonly("edge_count", [](const Network& n) { return n.graph.edge_count(); })
      .def_property_readonly(
          "profile", [](const Network& n) { return std::string(cs::network::profile_name(n.graph.profile)); })
      .def_property_readonly("stats", [](const Network& n) { return stats_dict(n.stats); })
      .def_property_readonly("node_lonlat", &node_lonlat)
      .def("snap", &snap_points, "lonlat"_a,
           "connector_speed_kmh"_a = registry_default(snap, "connector_speed_kmh"),
           "far_threshold_m"_a = registry_default(snap, "far_threshold_m"), "threads"_a = 0,
           "Snap (n, 2) lon/lat points onto the nearest routable edge, with the [snap] options "
           "(docs/options.md)")
      .def("travel_time_matrix", &travel_time_matrix, "origins"_a, "destinations"_a,
           "cutoff_min"_a = no_cutoff, "include_access"_a = true, "threads"_a = 0,
           "Travel times in minutes (float32, rows = origins); inf where there is no path or beyond "
           "cutoff_min (minutes, docs/options.md [matrix])")
      .def("one_to_all", &one_to_all, "origin"_a, "cutoff_min"_a = no_cutoff,
           "Travel time (minutes) from one snapped point to every node; inf beyond cutoff_min (minutes)");
}

}  // namespace cs::python
