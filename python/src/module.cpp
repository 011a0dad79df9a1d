// countyscope._core: numpy in, numpy out. Inputs are viewed without copies when already C-contiguous of the
// right dtype (forcecast converts otherwise); outputs hand the engine's buffers to numpy through a capsule
// (no copy). The GIL is released during computation. Engine errors become Python exceptions with the same
// messages: InputError / UsageError (ValueError), IoError (OSError), Error (RuntimeError).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <countyscope/access/access.hpp>
#include <countyscope/access/equity.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/flows/models.hpp>
#include <countyscope/locate/problem.hpp>
#include <countyscope/network/graph_io.hpp>
#include <countyscope/network/osm_network.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

namespace py = pybind11;
using namespace py::literals;

namespace {

using f64_array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using i32_array = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;
using u32_array = py::array_t<std::uint32_t, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> as_span(const py::array_t<T, py::array::c_style | py::array::forcecast>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

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

std::vector<cs::LonLat> as_lonlat(const f64_array& a, const char* name) {
  if (a.ndim() != 2 || a.shape(1) != 2)
    throw cs::UsageError(std::string(name) + ": expected an (n, 2) array of lon, lat");
  std::vector<cs::LonLat> pts(static_cast<std::size_t>(a.shape(0)));
  for (std::size_t i = 0; i < pts.size(); ++i) pts[i] = {a.data()[2 * i], a.data()[2 * i + 1]};
  return pts;
}

cs::Context make_context(int threads) {
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

Snaps snap_points(const Network& n, const f64_array& lonlat, double connector_kmh, double far_m,
                  int threads) {
  auto pts = as_lonlat(lonlat, "lonlat");
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
          [](const Network& n, const Snaps& from, const Snaps& to, std::optional<double> cutoff_s,
             bool include_access, int threads) {
            cs::MatrixOptions opt;
            opt.cutoff_s = cutoff_s;
            opt.include_access = include_access;
            cs::TimeMatrix tm;
            {
              py::gil_scoped_release nogil;
              auto ctx = make_context(threads);
              tm = cs::travel_time_matrix(n.graph, from.snaps, to.snaps, opt, ctx);
            }
            return matrix_to_numpy(std::move(tm));
          },
          "origins"_a, "destinations"_a, "cutoff_s"_a = py::none(), "include_access"_a = true,
          "threads"_a = 0, "Travel times in seconds (float32, rows = origins); inf where there is no path")
      .def(
          "one_to_all",
          [](const Network& n, const Snaps& from, std::optional<double> cutoff_s) {
            if (from.snaps.size() != 1) throw cs::UsageError("one_to_all: expected exactly one origin");
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
          "origin"_a, "cutoff_s"_a = py::none(),
          "Travel time (s) from one snapped point to every node; inf beyond");

  // ---- access & equity ----
  m.def(
      "accessibility",
      [](py::array_t<float, py::array::c_style | py::array::forcecast> times, f64_array population,
         f64_array supply, double cutoff_s, int k, const std::string& gravity_decay, double gravity_beta,
         const std::string& catchment, int threads) {
        if (times.ndim() != 2) throw cs::UsageError("times: expected a 2-D array (demand x facilities)");
        cs::AccessConfig cfg;
        cfg.cutoff_s = cutoff_s;
        cfg.k = k;
        cfg.gravity_decay = cs::parse_decay(gravity_decay);
        cfg.gravity_beta = gravity_beta;
        cfg.catchment = cs::parse_catchment(catchment);
        // A view on the NumPy buffer (float32, C order: no copy when the caller passes such an array).
        const cs::TimeView tm(times.data(), static_cast<std::size_t>(times.shape(0)),
                              static_cast<std::size_t>(times.shape(1)));
        cs::AccessResult r;
        {
          py::gil_scoped_release nogil;
          auto ctx = make_context(threads);
          r = cs::compute_access(tm, as_span(population), as_span(supply), cfg, ctx);
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
      "times"_a, "population"_a, "supply"_a, "cutoff_s"_a = 1800.0, "k"_a = 3, "gravity_decay"_a = "power",
      "gravity_beta"_a = 1.0, "catchment"_a = "inclusive", "threads"_a = 0,
      "Every accessibility measure per demand point (rows of times, seconds demand->facility)");

  m.def(
      "sfca2",
      [](py::array_t<float, py::array::c_style | py::array::forcecast> times, f64_array population,
         f64_array supply, double cutoff_s, const std::string& catchment, int threads) {
        if (times.ndim() != 2) throw cs::UsageError("times: expected a 2-D array (demand x facilities)");
        cs::AccessConfig cfg;
        cfg.cutoff_s = cutoff_s;
        cfg.catchment = cs::parse_catchment(catchment);
        const cs::TimeView tm(times.data(), static_cast<std::size_t>(times.shape(0)),
                              static_cast<std::size_t>(times.shape(1)));
        std::vector<double> a;
        {
          py::gil_scoped_release nogil;
          auto ctx = make_context(threads);
          a = cs::compute_sfca2(tm, as_span(population), as_span(supply), cfg, ctx);
        }
        return to_numpy(std::move(a));
      },
      "times"_a, "population"_a, "supply"_a, "cutoff_s"_a = 1800.0, "catchment"_a = "inclusive",
      "threads"_a = 0, "2SFCA alone per demand point (equal to accessibility(...)['2sfca'])");

  m.def(
      "equity",
      [](f64_array values, f64_array population, std::optional<i32_array> groups,
         std::vector<std::string> group_names) {
        cs::EquityInput in;
        in.values = as_span(values);
        in.population = as_span(population);
        std::vector<int> g;
        if (groups) {
          g.assign(groups->data(), groups->data() + groups->size());
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
  m.def(
      "locate",
      [](py::array_t<float, py::array::c_style | py::array::forcecast> cost, const std::string& problem,
         std::uint32_t p, std::optional<f64_array> weight, double standard_s,
         std::vector<std::uint32_t> fixed, std::optional<f64_array> capacity,
         std::optional<f64_array> opening_cost, std::optional<double> budget, const std::string& solver,
         double time_limit_s, int threads) {
        cs::LocateProblem pb;
        pb.kind = cs::parse_problem(problem);
        pb.cost = numpy_to_matrix(cost, "cost");
        if (weight) pb.weight.assign(weight->data(), weight->data() + weight->size());
        pb.p = p;
        pb.standard_s = standard_s;
        pb.fixed = std::move(fixed);
        if (capacity) pb.capacity.assign(capacity->data(), capacity->data() + capacity->size());
        if (opening_cost)
          pb.opening_cost.assign(opening_cost->data(), opening_cost->data() + opening_cost->size());
        pb.budget = budget;
        if (solver != "mip" && solver != "heuristic" && solver != "brute-force")
          throw cs::unknown_value("solver", solver, {"mip", "heuristic", "brute-force"});
        cs::check_problem(pb);
        cs::LocateResult r;
        {
          py::gil_scoped_release nogil;
          auto ctx = make_context(threads);
          if (solver == "mip") {
            cs::MipSolveOptions o;
            o.time_limit_s = time_limit_s;
            r = cs::solve_mip(pb, o, ctx);
          } else if (solver == "heuristic") {
            r = cs::solve_heuristic(pb, cs::HeuristicOptions{}, ctx);
          } else {
            r = cs::solve_brute_force(pb);
          }
        }
        py::dict d;
        d["outcome"] = std::string(cs::outcome_name(r.outcome));
        d["solver"] = std::string(cs::solver_name(r.solver));
        d["objective"] = r.objective;
        d["bound"] = r.bound;
        d["gap"] = r.gap;
        d["seconds"] = r.seconds;
        d["open"] = to_numpy(std::move(r.open));
        std::vector<std::int64_t> assigned(r.assigned.size());
        for (std::size_t i = 0; i < assigned.size(); ++i)
          assigned[i] = r.assigned[i] == cs::kNoFacility ? -1 : static_cast<std::int64_t>(r.assigned[i]);
        d["assigned"] = to_numpy(std::move(assigned));
        return d;
      },
      "cost"_a, "problem"_a = "p-median", "p"_a = 1, "weight"_a = py::none(), "standard_s"_a = 0.0,
      "fixed"_a = std::vector<std::uint32_t>{}, "capacity"_a = py::none(), "opening_cost"_a = py::none(),
      "budget"_a = py::none(), "solver"_a = "heuristic", "time_limit_s"_a = 60.0, "threads"_a = 0,
      "Facility location (p-median, mclp, lscp, p-center) on a demand x candidate time matrix; solver mip "
      "(CBC), "
      "heuristic (with a bound and gap) or brute-force (tiny cases). open: candidate indices; assigned: -1 = "
      "none");

  // ---- flows ----
  m.def(
      "gravity_flows",
      [](const std::string& form, f64_array O, f64_array D,
         py::array_t<double, py::array::c_style | py::array::forcecast> cost, const std::string& decay,
         double beta) {
        cs::flows::GravityParams p;
        p.decay = cs::flows::parse_decay(decay);
        p.beta = beta;
        auto c = numpy_to_matrix(cost, "cost");
        cs::Matrix<double> out;
        {
          py::gil_scoped_release nogil;
          out = cs::flows::gravity_flows(cs::flows::parse_form(form), as_span(O), as_span(D), c, p);
        }
        return matrix_to_numpy(std::move(out));
      },
      "form"_a, "origins"_a, "destinations"_a, "cost"_a, "decay"_a = "exponential", "beta"_a = 0.1,
      "Gravity flows (unconstrained, production, attraction, doubly) for given masses, cost matrix and beta");

  m.def(
      "radiation_flows",
      [](f64_array mass, f64_array out, py::array_t<double, py::array::c_style | py::array::forcecast> dist) {
        auto d = numpy_to_matrix(dist, "dist");
        cs::Matrix<double> r;
        {
          py::gil_scoped_release nogil;
          r = cs::flows::radiation_flows(as_span(mass), as_span(out), d);
        }
        return matrix_to_numpy(std::move(r));
      },
      "mass"_a, "out"_a, "dist"_a,
      "Radiation model flows (Simini et al. 2012); each origin's row sums to out[i]");

  m.def(
      "calibrate_gravity",
      [](u32_array origin, u32_array dest, f64_array flow, f64_array cost,
         std::optional<f64_array> origin_mass, std::optional<f64_array> dest_mass, const std::string& form,
         const std::string& decay, bool spint_compatible, double tolerance) {
        const std::size_t n = static_cast<std::size_t>(flow.size());
        if (static_cast<std::size_t>(origin.size()) != n || static_cast<std::size_t>(dest.size()) != n ||
            static_cast<std::size_t>(cost.size()) != n)
          throw cs::UsageError("calibrate_gravity: origin, dest, flow and cost must have the same length");
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
          if (!(r.flow >= 0))
            throw cs::InputError("<python>", "row " + std::to_string(i), "flow", "negative or NaN flow");
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
