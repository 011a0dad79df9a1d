// countyscope._core: numpy in, numpy out. Inputs are viewed without copies when already C-contiguous of the
// right dtype (forcecast converts otherwise); outputs hand the engine's buffers to numpy through a capsule
// (no copy). The GIL is released during computation. Engine errors become Python exceptions with the same
// messages: InputError / UsageError (ValueError), IoError (OSError), Error (RuntimeError).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <countyscope/access/access.hpp>
#include <countyscope/access/equity.hpp>
#include <countyscope/access/study.hpp>
#include <countyscope/core/arguments.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/flows/models.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/locate/problem.hpp>
#include <countyscope/locate/study.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/plan/plan.hpp>
#include <countyscope/sources/osm_network.hpp>

namespace py = pybind11;
using namespace py::literals;

namespace {

// Moves a vector into a numpy array of the given shape; a capsule owns the buffer.
template <class T>
py::array to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* owner = new std::vector<T>(std::move(v));
  py::capsule cap(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owner->data(), cap);
}
template <class T>
py::array to_numpy(std::vector<T>&& v) {
  const auto n = static_cast<py::ssize_t>(v.size());
  return to_numpy(std::move(v), {n});
}
template <class T>
py::array matrix_to_numpy(cs::Matrix<T>&& m) {
  const auto r = static_cast<py::ssize_t>(m.rows()), c = static_cast<py::ssize_t>(m.cols());
  return to_numpy(std::move(m.storage()), {r, c});
}
template <class T>
cs::Matrix<T> numpy_to_matrix(const py::array_t<T, py::array::c_style | py::array::forcecast>& a,
                              const char* name) {
  if (a.ndim() != 2) throw cs::UsageError(std::string(name) + ": expected a 2-D array");
  cs::Matrix<T> m(static_cast<std::size_t>(a.shape(0)), static_cast<std::size_t>(a.shape(1)));
  std::copy(a.data(), a.data() + a.size(), m.data());
  return m;
}

// ---- argument checks (docs/reliability.md, "Input contract"): every array argument of every function is
// checked for element kind, number of dimensions, length against the others, and finite in-range values
// before any work. Messages: "FUNC(): argument 'NAME'[, index I]: expected ..., got ..." (cs::args).
namespace args = cs::args;

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// Converts an array-like argument (numpy array, list, ...) after checking its element kind and dimensions.
// Integer targets are range-checked before the cast, so -1 never wraps to 4294967295.
template <class T>
carray<T> array_arg(const py::object& obj, const char* func, const char* name, std::size_t ndim,
                    const char* what = "") {
  py::array a = py::array::ensure(obj);
  if (!a) {
    PyErr_Clear();
    args::fail(func, name,
               "expected an array, got " + std::string(py::str(py::type::of(obj).attr("__name__"))));
  }
  const std::string kind = py::str(a.dtype().attr("kind"));
  args::check_dtype(func, name, kind.empty() ? '?' : kind[0], std::string(py::str(a.dtype())),
                    std::is_integral_v<T>);
  args::check_shape(func, name, static_cast<std::size_t>(a.ndim()), ndim, what);
  if constexpr (std::is_integral_v<T>) {
    const auto wide = carray<std::int64_t>::ensure(a);
    const auto lo = static_cast<std::int64_t>(std::numeric_limits<T>::min());
    const auto hi =
        static_cast<std::int64_t>(std::min<std::uint64_t>(std::numeric_limits<T>::max(), 1u << 30));
    for (py::ssize_t i = 0; i < wide.size(); ++i)
      if (const std::int64_t v = wide.data()[i]; v < lo || v > hi)
        args::fail_value(func, name,
                         ", index " + std::to_string(i) + ": expected an integer in [" + std::to_string(lo) +
                             ", " + std::to_string(hi) + "], got " + std::to_string(v));
  }
  return carray<T>::ensure(a);
}

template <class T>
std::span<const T> span_of(const carray<T>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

std::size_t dim(const py::array& a, int k) { return static_cast<std::size_t>(a.shape(k)); }

// A finite scalar (any sign).
void check_finite(const char* func, const char* name, double x) {
  if (!std::isfinite(x)) args::fail(func, name, "expected a finite number, got " + cs::number_text(x));
}

std::vector<cs::LonLat> as_lonlat(const py::object& obj, const char* func, const char* name) {
  const auto a = array_arg<double>(obj, func, name, 2, "n x 2: lon, lat");
  if (a.shape(1) != 2)
    args::fail(func, name,
               "expected an (n, 2) array of lon, lat, got " + std::to_string(a.shape(1)) + " columns");
  std::vector<cs::LonLat> pts(dim(a, 0));
  for (std::size_t i = 0; i < pts.size(); ++i) {
    pts[i] = {a.data()[2 * i], a.data()[2 * i + 1]};
    if (auto msg = cs::range_problem(pts[i].lon, cs::limits::kLongitude))
      args::fail_value(func, name, ", row " + std::to_string(i) + ", column 0: " + *msg);
    if (auto msg = cs::range_problem(pts[i].lat, cs::limits::kLatitude))
      args::fail_value(func, name, ", row " + std::to_string(i) + ", column 1: " + *msg);
  }
  return pts;
}

// times (demand x facilities, seconds, +inf = no path), population (one per row), supply (one per column).
std::tuple<carray<float>, carray<double>, carray<double>> access_args(const char* func,
                                                                      const py::object& times_,
                                                                      const py::object& population_,
                                                                      const py::object& supply_) {
  auto times = array_arg<float>(times_, func, "times", 2, "demand x facilities");
  auto population = array_arg<double>(population_, func, "population", 1);
  auto supply = array_arg<double>(supply_, func, "supply", 1);
  args::check_length(func, "population", static_cast<std::size_t>(population.size()), dim(times, 0),
                     "one per row of 'times'");
  args::check_length(func, "supply", static_cast<std::size_t>(supply.size()), dim(times, 1),
                     "one per column of 'times'");
  args::check_values(func, "times", span_of(times), cs::limits::kTimeS, true);
  args::check_values(func, "population", span_of(population), cs::limits::kPopulation);
  args::check_values(func, "supply", span_of(supply), cs::limits::kCapacity);
  return {std::move(times), std::move(population), std::move(supply)};
}

// A Python value as a registry value (the registry checks type and range, as for the CLI and the plan file).
cs::opt::Value registry_value(const py::object& o, const std::string& where) {
  if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  if (PyIndex_Check(o.ptr())) return o.cast<std::int64_t>();  // int, numpy integers
  if (PyNumber_Check(o.ptr())) return o.cast<double>();       // float, numpy floats
  if (py::isinstance<py::sequence>(o)) {
    const auto seq = o.cast<py::sequence>();
    bool all_text = seq.size() > 0;
    for (const auto& x : seq) all_text = all_text && py::isinstance<py::str>(x);
    if (all_text) return o.cast<std::vector<std::string>>();
    std::vector<double> v;
    for (const auto& x : seq) {
      if (!PyNumber_Check(x.ptr()) || py::isinstance<py::bool_>(x))
        throw cs::UsageError(where + "expected a number, a string or a list of them");
      v.push_back(x.cast<double>());
    }
    return v;
  }
  throw cs::UsageError(where + "expected a number, a string or a list of them");
}

// The registry's default of an option as a Python value (None when unset).
template <class C>
py::object registry_default(const cs::opt::Table<C>& table, const char* name) {
  const auto v = table.default_value(name);
  if (!v) return py::none();
  return std::visit([](const auto& x) -> py::object { return py::cast(x); }, *v);
}

// Sets option NAME of FUNC from a Python value (None: keep the default).
template <class C>
void set_option(const cs::opt::Table<C>& table, C& cfg, const char* func, const std::string& name,
                const py::object& o) {
  if (o.is_none()) return;
  const std::string where = std::string(func) + "(): argument '" + name + "': ";
  table.set(cfg, name, registry_value(o, where), where);
}

// Extra keyword arguments: options of the table among `allowed`; an old name is refused naming the new one.
template <class C>
void set_extra(const cs::opt::Table<C>& table, C& cfg, const char* func, const py::kwargs& extra,
               const std::vector<std::string>& allowed) {
  for (const auto& [k, v] : extra) {
    const std::string key = py::str(k);
    for (const auto& r : table.renamed_options())
      if (r.old_name == key)
        throw cs::UsageError(std::string(func) + "(): argument '" + key + "': " + r.message());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw cs::UsageError(std::string(func) + "(): unexpected argument '" + key + "'");
    set_option(table, cfg, func, key, py::reinterpret_borrow<py::object>(v));
  }
}

// The [access] options that shape the measures (the rest belong to the whole study: services, audit, ...).
const std::vector<std::string>& access_measure_options() {
  static const std::vector<std::string> names = {
      "gravity_scale_min", "gravity_min_time_min", "gravity_sigma_min", "gravity_cut",
      "zones_min",         "zone_weights",         "sfca3_zones_min",   "sfca3_weights",
      "gaussian",          "gaussian_sigma_min",   "sfca3_base",        "unreached"};
  return names;
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

cs::Context make_context(int threads) {
  if (const auto problem = cs::range_problem(threads, cs::limits::kThreads))
    throw cs::UsageError("threads: " + *problem);
  cs::Context ctx;
  ctx.threads = threads;
  return ctx;
}

// A network and its snapping index, kept together (the index points into the graph).
struct Network {
  cs::RoadGraph graph;
  cs::NetworkStats stats;
  std::unique_ptr<cs::SnapIndex> index;
  void build_index() { index = std::make_unique<cs::SnapIndex>(graph); }
};

struct Snaps {
  std::vector<cs::Snap> snaps;
};

Snaps snap_points(const Network& n, const py::object& lonlat, double connector_kmh, double far_m,
                  int threads) {
  auto pts = as_lonlat(lonlat, "snap", "lonlat");
  args::check_scalar("snap", "connector_speed_kmh", connector_kmh, {"speed", 0, 200, "km/h", true});
  args::check_scalar("snap", "far_threshold_m", far_m, cs::limits::kDistanceM);
  // Outside the network's extent is an error, not a far snap (swapped lon/lat would land thousands of km
  // away).
  if (const auto i = n.index->first_outside(pts))
    args::fail_value("snap", "lonlat",
                     ", row " + std::to_string(*i) + ": point (" + cs::number_text(pts[*i].lon) + ", " +
                         cs::number_text(pts[*i].lat) + ") lies outside the network (" +
                         n.index->extent_text() + "); lon and lat swapped?");
  cs::SnapOptions opt;
  opt.connector_speed_kmh = connector_kmh;
  opt.far_threshold_m = far_m;
  Snaps s;
  {
    py::gil_scoped_release nogil;
    s.snaps = n.index->snap_all(pts, opt, make_context(threads).thread_count());
  }
  return s;
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
      km[py::str(std::string(cs::road_class_name(static_cast<cs::RoadClass>(c))))] = s.km_by_class[c];
  d["km_by_class"] = km;
  return d;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "countyscope engine bindings (see the countyscope package for documentation)";

  // Base first: pybind11 tries translators in reverse order of registration, so subclasses win.
  static py::exception<cs::Error> error(m, "Error", PyExc_RuntimeError);
  static py::exception<cs::IoError> io_error(m, "IoError", PyExc_OSError);
  static py::exception<cs::InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<cs::UsageError> usage_error(m, "UsageError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const cs::InputError& e) {
      input_error(e.what());
    } catch (const cs::UsageError& e) {
      usage_error(e.what());
    } catch (const cs::IoError& e) {
      io_error(e.what());
    } catch (const cs::Error& e) {
      error(e.what());
    }
  });

  // ---- network ----
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

  py::class_<Network, std::shared_ptr<Network>>(m, "Network", "A routable road network with a snapping index")
      .def_static(
          "from_osm",
          [](const std::string& path, const std::string& profile, int threads) {
            auto n = std::make_shared<Network>();
            const auto cfg = cs::default_network_config(cs::parse_profile(profile));
            {
              py::gil_scoped_release nogil;
              auto ctx = make_context(threads);
              cs::NetworkBuild nb = cs::build_network(path, cfg, ctx);
              n->graph = std::move(nb.graph);
              n->stats = nb.stats;
              n->build_index();
            }
            return n;
          },
          "path"_a, "profile"_a = "car", "threads"_a = 0,
          "Build from an OSM file (PBF or XML) for a profile (car, walk)")
      .def_static(
          "load",
          [](const std::string& path) {
            auto n = std::make_shared<Network>();
            {
              py::gil_scoped_release nogil;
              n->graph = cs::load_graph(path);
              n->stats.nodes = n->graph.node_count();
              n->stats.arcs = n->graph.arc_count();
              n->stats.edges = n->graph.edge_count();
              n->build_index();
            }
            return n;
          },
          "path"_a, "Load a graph file written by save() or `countyscope network --out`")
      .def(
          "save", [](const Network& n, const std::string& path) { cs::save_graph(n.graph, path); }, "path"_a)
      .def_property_readonly("node_count", [](const Network& n) { return n.graph.node_count(); })
      .def_property_readonly("arc_count", [](const Network& n) { return n.graph.arc_count(); })
      .def_property_readonly("edge_count", [](const Network& n) { return n.graph.edge_count(); })
      .def_property_readonly("profile",
                             [](const Network& n) { return std::string(cs::profile_name(n.graph.profile)); })
      .def_property_readonly("stats", [](const Network& n) { return stats_dict(n.stats); })
      .def_property_readonly(
          "node_lonlat",
          [](const Network& n) {
            std::vector<double> v(2 * n.graph.node_count());
            for (std::size_t i = 0; i < n.graph.node_count(); ++i) {
              v[2 * i] = n.graph.node_coord[i].lon;
              v[2 * i + 1] = n.graph.node_coord[i].lat;
            }
            return to_numpy(std::move(v), {static_cast<py::ssize_t>(n.graph.node_count()), 2});
          })
      .def("snap", &snap_points, "lonlat"_a, "connector_speed_kmh"_a = 5.0, "far_threshold_m"_a = 500.0,
           "threads"_a = 0, "Snap (n, 2) lon/lat points onto the nearest routable edge")
      .def(
          "travel_time_matrix",
          [](const Network& n, const Snaps& from, const Snaps& to, const py::object& cutoff_min,
             bool include_access, int threads, const py::kwargs& extra) {
            cs::MatrixOptions opt;
            opt.cutoff_s = matrix_cutoff_s("travel_time_matrix", cutoff_min, extra);
            opt.include_access = include_access;
            cs::TimeMatrix tm;
            {
              py::gil_scoped_release nogil;
              auto ctx = make_context(threads);
              tm = cs::travel_time_matrix(n.graph, from.snaps, to.snaps, opt, ctx);
            }
            return matrix_to_numpy(std::move(tm));
          },
          "origins"_a, "destinations"_a,
          "cutoff_min"_a = registry_default(cs::matrix_options(), "cutoff_min"), "include_access"_a = true,
          "threads"_a = 0,
          "Travel times in seconds (float32, rows = origins); inf where there is no path or beyond "
          "cutoff_min "
          "(minutes, docs/options.md [matrix])")
      .def(
          "one_to_all",
          [](const Network& n, const Snaps& from, const py::object& cutoff_min, const py::kwargs& extra) {
            if (from.snaps.size() != 1)
              args::fail("one_to_all", "origin",
                         "expected exactly one snapped point, got " + std::to_string(from.snaps.size()));
            const std::optional<double> cutoff_s = matrix_cutoff_s("one_to_all", cutoff_min, extra);
            std::vector<float> out(n.graph.node_count());
            {
              py::gil_scoped_release nogil;
              cs::Dijkstra d(n.graph);
              d.run_from(from.snaps[0], cutoff_s ? cs::from_seconds(*cutoff_s) : cs::kInfWeight);
              for (std::size_t v = 0; v < out.size(); ++v)
                out[v] = cs::to_seconds(d.dist(static_cast<cs::NodeId>(v)));
            }
            return to_numpy(std::move(out));
          },
          "origin"_a, "cutoff_min"_a = registry_default(cs::matrix_options(), "cutoff_min"),
          "Travel time (s) from one snapped point to every node; inf beyond cutoff_min (minutes)");

  // ---- access & equity ----
  // Options and their defaults come from the registry (cs::access_options(), docs/options.md [access]): the
  // signature shows the CLI's defaults, the values get the CLI's checks, an old keyword names the new one.
  // Any other option that shapes the measures (zones_min, gravity_cut, unreached, ...) is a keyword too.
  const auto& access_table = cs::access_options();
  m.def(
      "accessibility",
      [](const py::object& times_, const py::object& population_, const py::object& supply_,
         const py::object& cutoff_min, const py::object& k, const py::object& gravity_decay,
         const py::object& gravity_beta, const py::object& catchment, int threads, const py::kwargs& extra) {
        const char* f = "accessibility";
        const auto [times, population, supply] = access_args(f, times_, population_, supply_);
        const auto& table = cs::access_options();
        cs::AccessOptions o;
        set_extra(table, o, f, extra, access_measure_options());
        set_option(table, o, f, "cutoff_min", cutoff_min);
        set_option(table, o, f, "k", k);
        set_option(table, o, f, "gravity_decay", gravity_decay);
        set_option(table, o, f, "gravity_beta", gravity_beta);
        set_option(table, o, f, "catchment", catchment);
        const cs::AccessConfig cfg = cs::access_config(o);
        // A view on the NumPy buffer (float32, C order: no copy when the caller passes such an array).
        const cs::TimeView tm(times.data(), static_cast<std::size_t>(times.shape(0)),
                              static_cast<std::size_t>(times.shape(1)));
        cs::AccessResult r;
        {
          py::gil_scoped_release nogil;
          auto ctx = make_context(threads);
          r = cs::compute_access(tm, span_of(population), span_of(supply), cfg, ctx);
        }
        py::dict d;
        d["nearest_s"] = to_numpy(std::move(r.nearest_s));
        d["kth_nearest_s"] = to_numpy(std::move(r.kth_nearest_s));
        d["cumulative"] = to_numpy(std::move(r.cumulative));
        d["gravity"] = to_numpy(std::move(r.gravity));
        d["2sfca"] = to_numpy(std::move(r.sfca2));
        d["e2sfca"] = to_numpy(std::move(r.e2sfca));
        d["g2sfca"] = to_numpy(std::move(r.g2sfca));
        d["3sfca"] = to_numpy(std::move(r.sfca3));
        d["facilities_without_demand"] = to_numpy(std::move(r.facilities_without_demand));
        return d;
      },
      "times"_a, "population"_a, "supply"_a, py::kw_only(),
      "cutoff_min"_a = registry_default(access_table, "cutoff_min"),
      "k"_a = registry_default(access_table, "k"),
      "gravity_decay"_a = registry_default(access_table, "gravity_decay"),
      "gravity_beta"_a = registry_default(access_table, "gravity_beta"),
      "catchment"_a = registry_default(access_table, "catchment"), "threads"_a = 0,
      "Every accessibility measure per demand point (rows of times, seconds demand->facility), with the "
      "options "
      "of `countyscope access` (docs/options.md [access]; cutoff_min in minutes; other measure options such "
      "as "
      "zones_min or unreached as keywords)");

  m.def(
      "sfca2",
      [](const py::object& times_, const py::object& population_, const py::object& supply_,
         const py::object& cutoff_min, const py::object& catchment, int threads, const py::kwargs& extra) {
        const char* f = "sfca2";
        const auto [times, population, supply] = access_args(f, times_, population_, supply_);
        const auto& table = cs::access_options();
        cs::AccessOptions o;
        set_extra(table, o, f, extra, {"unreached"});
        set_option(table, o, f, "cutoff_min", cutoff_min);
        set_option(table, o, f, "catchment", catchment);
        const cs::AccessConfig cfg = cs::access_config(o);
        const cs::TimeView tm(times.data(), static_cast<std::size_t>(times.shape(0)),
                              static_cast<std::size_t>(times.shape(1)));
        std::vector<double> a;
        {
          py::gil_scoped_release nogil;
          auto ctx = make_context(threads);
          a = cs::compute_sfca2(tm, span_of(population), span_of(supply), cfg, ctx);
        }
        return to_numpy(std::move(a));
      },
      "times"_a, "population"_a, "supply"_a, py::kw_only(),
      "cutoff_min"_a = registry_default(access_table, "cutoff_min"),
      "catchment"_a = registry_default(access_table, "catchment"), "threads"_a = 0,
      "2SFCA alone per demand point (equal to accessibility(...)['2sfca']); cutoff_min in minutes");

  m.def(
      "equity",
      [](const py::object& values_, const py::object& population_, const py::object& groups_,
         std::vector<std::string> group_names) {
        const auto values = array_arg<double>(values_, "equity", "values", 1);
        const auto population = array_arg<double>(population_, "equity", "population", 1);
        const std::size_t n = static_cast<std::size_t>(values.size());
        args::check_length("equity", "population", static_cast<std::size_t>(population.size()), n,
                           "the length of 'values'");
        // +inf values are unreached units (left out and counted); NaN is an error.
        args::check_values("equity", "values", span_of(values), {"value", -1e300, 1e300, ""}, true);
        args::check_values("equity", "population", span_of(population), cs::limits::kPopulation);
        cs::EquityInput in;
        in.values = span_of(values);
        in.population = span_of(population);
        std::vector<int> g;
        if (!groups_.is_none()) {
          const auto groups = array_arg<std::int32_t>(groups_, "equity", "groups", 1);
          args::check_length("equity", "groups", static_cast<std::size_t>(groups.size()), n,
                             "the length of 'values'");
          g.assign(groups.data(), groups.data() + groups.size());
          const std::size_t ng = group_names.empty() ? 100000 : group_names.size();
          for (std::size_t i = 0; i < g.size(); ++i)
            if (g[i] < 0 || static_cast<std::size_t>(g[i]) >= ng)
              args::fail_value("equity", "groups",
                               ", index " + std::to_string(i) + ": expected a group number in [0, " +
                                   std::to_string(ng) + ")" +
                                   (group_names.empty() ? "" : " (one per group name)") + ", got " +
                                   std::to_string(g[i]));
          in.group = g;
          if (group_names.empty()) {
            int mx = -1;
            for (int x : g) mx = std::max(mx, x);
            for (int i = 0; i <= mx; ++i) group_names.push_back(std::to_string(i));
          }
          in.group_names = group_names;
        }
        cs::Equity e;
        {
          py::gil_scoped_release nogil;
          e = cs::equity(in);
        }
        py::dict d;
        d["gini"] = e.gini;
        d["theil_t"] = e.theil_t;
        d["mean"] = e.mean;
        d["units"] = e.units;
        d["dropped_zero_population"] = e.dropped_zero_population;
        d["theil_within"] = e.theil.within;
        d["theil_between"] = e.theil.between;
        d["dagum_gw"] = e.dagum.gw;
        d["dagum_gnb"] = e.dagum.gnb;
        d["dagum_gt"] = e.dagum.gt;
        std::vector<double> lp, lv;
        for (const auto& p : e.lorenz) {
          lp.push_back(p.pop_share);
          lv.push_back(p.value_share);
        }
        d["lorenz_pop_share"] = to_numpy(std::move(lp));
        d["lorenz_value_share"] = to_numpy(std::move(lv));
        return d;
      },
      "values"_a, "population"_a, "groups"_a = py::none(), "group_names"_a = std::vector<std::string>{},
      "Population-weighted Gini, Lorenz curve, Theil T (within/between by group) and Dagum decomposition");

  // ---- locate ----
  // Options and their defaults come from the registry (cs::locate_options(), docs/options.md): the signature
  // shows the CLI's defaults, the values get the CLI's checks, and an old keyword names the new one.
  {
    const auto& table = cs::locate_options();
    auto def = [&](const char* name) -> py::object {
      const auto v = table.default_value(name);
      if (!v) return py::none();
      return std::visit([](const auto& x) -> py::object { return py::cast(x); }, *v);
    };
    m.def(
        "locate",
        [](const py::object& cost_, const py::object& problem, const py::object& p,
           const py::object& new_sites, const py::object& weight_, const py::object& standard_min,
           std::vector<std::uint32_t> fixed, const py::object& capacity_, const py::object& opening_cost_,
           const py::object& budget, const py::object& site_capacity, const py::object& solver,
           const py::object& time_limit_s, int threads, const py::kwargs& extra) {
          const char* f = "locate";
          const auto& table = cs::locate_options();
          for (const auto& [k, v] : extra) {
            (void)v;
            const std::string key = py::str(k);
            for (const auto& r : table.renamed_options())
              if (r.old_name == key) throw cs::UsageError("locate(): argument '" + key + "': " + r.message());
            throw cs::UsageError("locate(): unexpected argument '" + key + "'");
          }
          cs::LocateConfig cfg;
          auto set = [&](const char* name, const py::object& o) {
            if (o.is_none()) return;
            const std::string where = std::string("locate(): argument '") + name + "': ";
            cs::opt::Value v;
            if (py::isinstance<py::bool_>(o))
              v = o.cast<bool>();
            else if (py::isinstance<py::str>(o))
              v = o.cast<std::string>();
            else if (PyIndex_Check(o.ptr()))
              v = o.cast<std::int64_t>();  // int, numpy integers
            else if (PyNumber_Check(o.ptr()))
              v = o.cast<double>();  // float, numpy floats
            else
              throw cs::UsageError(where + "expected a number or a string");
            table.set(cfg, name, v, where);
          };
          set("problem", problem);
          set("p", p);
          set("new", new_sites);
          set("standard_min", standard_min);
          set("budget", budget);
          set("site_capacity", site_capacity);
          set("solver", solver);
          set("time_limit_s", time_limit_s);
          const auto cost = array_arg<float>(cost_, f, "cost", 2, "demand x candidates");
          const std::size_t n = dim(cost, 0), m = dim(cost, 1);
          args::check_values(f, "cost", span_of(cost), cs::limits::kTimeS, true);
          auto vec = [&](const py::object& o, const char* name, std::size_t len, const char* of,
                         const cs::Range& r) {
            std::vector<double> v;
            if (o.is_none()) return v;
            const auto a = array_arg<double>(o, f, name, 1);
            args::check_length(f, name, static_cast<std::size_t>(a.size()), len, of);
            args::check_values(f, name, span_of(a), r);
            v.assign(a.data(), a.data() + a.size());
            return v;
          };
          cs::LocateProblem pb;
          pb.cost = numpy_to_matrix(cost, "cost");
          pb.weight = vec(weight_, "weight", n, "one per row of 'cost'", cs::limits::kPopulation);
          for (std::size_t i = 0; i < fixed.size(); ++i)
            if (fixed[i] >= m)
              args::fail_value(f, "fixed",
                               ", index " + std::to_string(i) + ": expected a column of 'cost' in [0, " +
                                   std::to_string(m) + "), got " + std::to_string(fixed[i]));
          pb.fixed = std::move(fixed);
          pb.capacity = vec(capacity_, "capacity", m, "one per column of 'cost'", cs::limits::kCapacity);
          pb.opening_cost =
              vec(opening_cost_, "opening_cost", m, "one per column of 'cost'", cs::limits::kCost);
          cs::apply_config(cfg, pb);
          cs::LocateStudy study;
          {
            py::gil_scoped_release nogil;
            auto ctx = make_context(threads);
            study = cs::run_locate(pb, cfg, ctx);
          }
          auto result_dict = [](const cs::LocateResult& r) {
            py::dict d;
            d["outcome"] = std::string(cs::outcome_name(r.outcome));
            d["solver"] = std::string(cs::solver_name(r.solver));
            d["objective"] = r.objective;
            d["bound"] = r.bound;
            d["gap"] = r.gap;
            d["seconds"] = r.seconds;
            std::vector<std::uint32_t> open = r.open;
            d["open"] = to_numpy(std::move(open));
            std::vector<std::int64_t> assigned(r.assigned.size());
            for (std::size_t i = 0; i < assigned.size(); ++i)
              assigned[i] = r.assigned[i] == cs::kNoFacility ? -1 : static_cast<std::int64_t>(r.assigned[i]);
            d["assigned"] = to_numpy(std::move(assigned));
            return d;
          };
          // The chosen answer (the last result when none has a solution), with every solver's result beside
          // it.
          py::dict d = result_dict(study.best() ? *study.best() : study.results.back());
          py::list all;
          for (const auto& r : study.results) all.append(result_dict(r));
          d["results"] = all;
          d["agree"] = study.agree ? py::cast(*study.agree) : py::none();
          d["p"] = pb.p;
          return d;
        },
        "cost"_a, "problem"_a = def("problem"), "p"_a = def("p"), "new"_a = def("new"),
        "weight"_a = py::none(), "standard_min"_a = def("standard_min"),
        "fixed"_a = std::vector<std::uint32_t>{}, "capacity"_a = py::none(), "opening_cost"_a = py::none(),
        "budget"_a = def("budget"), "site_capacity"_a = def("site_capacity"), "solver"_a = def("solver"),
        "time_limit_s"_a = def("time_limit_s"), "threads"_a = 0,
        "Facility location (p-median, mclp, lscp, p-center) on a demand x candidates time matrix in seconds, "
        "with the options of `countyscope locate` (docs/options.md, [locate]): p open in total, or the fixed "
        "columns + new; standard_min in minutes; solver both (heuristic, then the exact MIP; the better "
        "answer), mip, heuristic or brute-force. Returns the chosen answer (open: candidate indices; "
        "assigned: -1 = none) with every solver's result in 'results'.");
  }

  // options of a stage, as the registry describes them (docs/options.md)
  m.def(
      "options",
      [](const std::string& stage) {
        const cs::opt::TableBase* t = nullptr;
        if (stage == "locate") t = &cs::locate_options();
        if (stage == "access") t = &cs::access_options();
        if (stage == "matrix") t = &cs::matrix_options();
        if (!t) throw cs::unknown_value("stage", stage, {"locate", "access", "matrix"});
        py::list out;
        for (const auto& s : t->specs()) {
          py::dict d;
          d["name"] = s.name;
          d["type"] = std::string(cs::opt::type_name(s.type));
          d["unit"] = s.unit;
          d["default"] = t->default_text(s.name);
          d["cli"] = s.cli_name();
          d["choices"] = s.choices;
          d["help"] = s.help;
          out.append(d);
        }
        return out;
      },
      "stage"_a,
      "The options of a stage (name, type, unit, default, CLI flag, choices, help) from the registry");

  // ---- flows ----
  m.def(
      "gravity_flows",
      [](const std::string& form, const py::object& O_, const py::object& D_, const py::object& cost_,
         const std::string& decay, double beta) {
        const char* f = "gravity_flows";
        const auto cost = array_arg<double>(cost_, f, "cost", 2, "origins x destinations");
        const auto O = array_arg<double>(O_, f, "origins", 1),
                   D = array_arg<double>(D_, f, "destinations", 1);
        args::check_length(f, "origins", static_cast<std::size_t>(O.size()), dim(cost, 0),
                           "one per row of 'cost'");
        args::check_length(f, "destinations", static_cast<std::size_t>(D.size()), dim(cost, 1),
                           "one per column of 'cost'");
        args::check_values(f, "origins", span_of(O), cs::limits::kMass);
        args::check_values(f, "destinations", span_of(D), cs::limits::kMass);
        args::check_values(f, "cost", span_of(cost), {"cost", 0, 1e15, ""});
        check_finite(f, "beta", beta);
        cs::flows::GravityParams p;
        p.decay = cs::flows::parse_decay(decay);
        p.beta = beta;
        auto c = numpy_to_matrix(cost, "cost");
        cs::Matrix<double> out;
        {
          py::gil_scoped_release nogil;
          out = cs::flows::gravity_flows(cs::flows::parse_form(form), span_of(O), span_of(D), c, p);
        }
        return matrix_to_numpy(std::move(out));
      },
      "form"_a, "origins"_a, "destinations"_a, "cost"_a, "decay"_a = "exponential", "beta"_a = 0.1,
      "Gravity flows (unconstrained, production, attraction, doubly) for given masses, cost matrix and beta");

  m.def(
      "radiation_flows",
      [](const py::object& mass_, const py::object& out_, const py::object& dist_) {
        const char* f = "radiation_flows";
        const auto dist = array_arg<double>(dist_, f, "dist", 2, "places x places");
        const auto mass = array_arg<double>(mass_, f, "mass", 1), out = array_arg<double>(out_, f, "out", 1);
        if (dist.shape(0) != dist.shape(1))
          args::fail(f, "dist",
                     "expected a square matrix, got " + std::to_string(dist.shape(0)) + " x " +
                         std::to_string(dist.shape(1)));
        args::check_length(f, "mass", static_cast<std::size_t>(mass.size()), dim(dist, 0),
                           "one per row of 'dist'");
        args::check_length(f, "out", static_cast<std::size_t>(out.size()), dim(dist, 0),
                           "one per row of 'dist'");
        args::check_values(f, "mass", span_of(mass), cs::limits::kMass);
        args::check_values(f, "out", span_of(out), cs::limits::kMass);
        args::check_values(f, "dist", span_of(dist), cs::limits::kDistanceM);
        auto d = numpy_to_matrix(dist, "dist");
        cs::Matrix<double> r;
        {
          py::gil_scoped_release nogil;
          r = cs::flows::radiation_flows(span_of(mass), span_of(out), d);
        }
        return matrix_to_numpy(std::move(r));
      },
      "mass"_a, "out"_a, "dist"_a,
      "Radiation model flows (Simini et al. 2012); each origin's row sums to out[i]");

  m.def(
      "calibrate_gravity",
      [](const py::object& origin_, const py::object& dest_, const py::object& flow_, const py::object& cost_,
         const py::object& origin_mass_, const py::object& dest_mass_, const std::string& form,
         const std::string& decay, bool spint_compatible, double tolerance) {
        const char* f = "calibrate_gravity";
        const auto flow = array_arg<double>(flow_, f, "flow", 1);
        const std::size_t n = static_cast<std::size_t>(flow.size());
        const auto origin = array_arg<std::uint32_t>(origin_, f, "origin", 1);
        const auto dest = array_arg<std::uint32_t>(dest_, f, "dest", 1);
        const auto cost = array_arg<double>(cost_, f, "cost", 1);
        args::check_length(f, "origin", static_cast<std::size_t>(origin.size()), n, "the length of 'flow'");
        args::check_length(f, "dest", static_cast<std::size_t>(dest.size()), n, "the length of 'flow'");
        args::check_length(f, "cost", static_cast<std::size_t>(cost.size()), n, "the length of 'flow'");
        args::check_values(f, "flow", span_of(flow), cs::limits::kMass);
        args::check_values(f, "cost", span_of(cost), {"cost", 0, 1e15, ""});
        for (const auto* a : {&origin, &dest})
          for (py::ssize_t i = 0; i < a->size(); ++i)
            if (a->data()[i] >= 1'000'000)
              args::fail_value(f, a == &origin ? "origin" : "dest",
                               ", index " + std::to_string(i) +
                                   ": expected a place code in [0, 1000000), got " +
                                   std::to_string(a->data()[i]));
        std::optional<carray<double>> origin_mass, dest_mass;
        for (auto [obj, name, out] : {std::tuple{&origin_mass_, "origin_mass", &origin_mass},
                                      std::tuple{&dest_mass_, "dest_mass", &dest_mass}}) {
          if (obj->is_none()) continue;
          *out = array_arg<double>(*obj, f, name, 1);
          args::check_length(f, name, static_cast<std::size_t>((*out)->size()), n, "the length of 'flow'");
          args::check_values(f, name, span_of(**out), cs::limits::kMass);
        }
        check_finite(f, "tolerance", tolerance);
        cs::flows::OdTable od;
        od.file = "<python>";
        std::uint32_t max_code = 0;
        for (std::size_t i = 0; i < n; ++i) max_code = std::max({max_code, origin.data()[i], dest.data()[i]});
        // Codes are the integers 0..max, named so that their lexicographic order matches their numeric order.
        const std::size_t width = std::to_string(max_code).size();
        for (std::uint32_t c = 0; c <= max_code; ++c) {
          std::string s = std::to_string(c);
          od.codes.push_back(std::string(width - s.size(), '0') + s);
        }
        od.has_origin_mass = origin_mass.has_value();
        od.has_dest_mass = dest_mass.has_value();
        for (std::size_t i = 0; i < n; ++i) {
          cs::flows::OdRow r;
          r.origin = origin.data()[i];
          r.dest = dest.data()[i];
          r.flow = flow.data()[i];
          r.cost = cost.data()[i];
          r.origin_mass = origin_mass ? origin_mass->data()[i] : std::nan("");
          r.dest_mass = dest_mass ? dest_mass->data()[i] : std::nan("");
          od.rows.push_back(r);
          od.line.push_back(i);
        }
        cs::flows::CalibrationOptions opt;
        opt.form = cs::flows::parse_form(form);
        opt.decay = cs::flows::parse_decay(decay);
        opt.glm.spint_compatible = spint_compatible;
        opt.glm.tolerance = tolerance;
        cs::flows::GravityFit fit;
        {
          py::gil_scoped_release nogil;
          fit = cs::flows::calibrate_gravity(od, opt);
        }
        py::dict d;
        d["beta"] = fit.beta;
        d["beta_se"] = fit.beta_se;
        d["params"] = to_numpy(std::move(fit.params));
        d["std_err"] = to_numpy(std::move(fit.std_err));
        d["names"] = fit.names;
        d["deviance"] = fit.deviance;
        d["aic"] = fit.aic;
        d["pseudo_r2"] = fit.pseudoR2;
        d["srmse"] = fit.SRMSE;
        d["iterations"] = fit.iterations;
        d["fitted"] = to_numpy(std::move(fit.fitted));
        return d;
      },
      "origin"_a, "dest"_a, "flow"_a, "cost"_a, "origin_mass"_a = py::none(), "dest_mass"_a = py::none(),
      "form"_a = "doubly", "decay"_a = "exponential", "spint_compatible"_a = false, "tolerance"_a = 1e-8,
      "Poisson-GLM (IRLS) calibration of a gravity model; constrained forms use origin/destination fixed "
      "effects");
}
