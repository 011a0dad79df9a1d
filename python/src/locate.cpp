// countyscope._core locate: facility location on a demand x candidates time matrix through the locate study
// (cs::run_locate, the one the CLI and the plan's pass call). Options and their defaults come from the
// registry (cs::locate_options(), docs/options.md [locate]): the signature shows the CLI's defaults, the
// values get the CLI's checks, and an old keyword names the new one.
#include <countyscope/core/limits.hpp>
#include <countyscope/locate/compare.hpp>
#include <countyscope/locate/problem.hpp>
#include <countyscope/locate/study.hpp>

#include "common.hpp"

namespace cs::python {
namespace {

using namespace py::literals;

// The [locate] options given as keywords (None: the registry's default).
struct LocateKeywords {
  py::object problem, p, new_sites, standard_min, budget, site_capacity, solver, time_limit_s;
};

cs::locate::LocateConfig locate_config(const LocateKeywords& k, const py::kwargs& extra) {
  const char* f = "locate";
  const auto& table = cs::locate::locate_options();
  for (const auto& kv : extra) check_keyword(table, f, py::str(kv.first), {});
  cs::locate::LocateConfig cfg;
  set_option(table, cfg, f, "problem", k.problem);
  set_option(table, cfg, f, "p", k.p);
  set_option(table, cfg, f, "new", k.new_sites);
  set_option(table, cfg, f, "standard_min", k.standard_min);
  set_option(table, cfg, f, "budget", k.budget);
  set_option(table, cfg, f, "site_capacity", k.site_capacity);
  set_option(table, cfg, f, "solver", k.solver);
  set_option(table, cfg, f, "time_limit_s", k.time_limit_s);
  return cfg;
}

// An optional per-row / per-column vector (None: empty).
std::vector<double> column(const py::object& o, const char* name, std::size_t len, const char* of,
                           const cs::Range& r) {
  const char* f = "locate";
  std::vector<double> v;
  if (o.is_none()) return v;
  const auto a = array_arg<double>(o, f, name, 1);
  args::check_length(f, name, static_cast<std::size_t>(a.size()), len, of);
  args::check_values(f, name, span_of(a), r);
  v.assign(a.data(), a.data() + a.size());
  return v;
}

cs::locate::LocateProblem locate_problem(const py::object& cost_, const py::object& weight,
                                         const std::vector<std::int64_t>& fixed, const py::object& capacity,
                                         const py::object& opening_cost) {
  const char* f = "locate";
  const auto cost = array_arg<float>(cost_, f, "cost", 2, "demand x candidates");
  const std::size_t n = dim(cost, 0), m = dim(cost, 1);
  args::check_values(f, "cost", span_of(cost), cs::limits::kTimeMin, true);
  cs::locate::LocateProblem pb;
  pb.cost = numpy_to_matrix(cost, "cost");  // minutes -> the engine's seconds
  seconds_in_place(pb.cost.data(), pb.cost.rows() * pb.cost.cols());
  pb.weight = column(weight, "weight", n, "one per row of 'cost'", cs::limits::kPopulation);
  std::vector<char> seen(m, 0);
  for (std::size_t i = 0; i < fixed.size(); ++i) {
    if (fixed[i] < 0 || static_cast<std::uint64_t>(fixed[i]) >= m)
      args::fail_value(f, "fixed",
                       ", index " + std::to_string(i) + ": expected a column of 'cost' in [0, " +
                           std::to_string(m) + "), got " + std::to_string(fixed[i]));
    if (seen[static_cast<std::size_t>(fixed[i])]++)
      args::fail_value(
          f, "fixed",
          ", index " + std::to_string(i) + ": site " + std::to_string(fixed[i]) + " is listed twice");
    pb.fixed.push_back(static_cast<std::uint32_t>(fixed[i]));
  }
  pb.capacity = column(capacity, "capacity", m, "one per column of 'cost'", cs::limits::kCapacity);
  pb.opening_cost = column(opening_cost, "opening_cost", m, "one per column of 'cost'", cs::limits::kCost);
  return pb;
}

// Objective and bound as the results document gives them (person-minutes, minutes, covered weight, sites).
py::dict result_dict(const cs::locate::LocateResult& r, cs::locate::ProblemKind kind) {
  const cs::Json j = cs::locate::to_json(r, kind);
  py::dict d;
  d["outcome"] = std::string(cs::locate::outcome_name(r.outcome));
  d["solver"] = std::string(cs::locate::solver_name(r.solver));
  d["objective"] = j["objective"].is_number() ? j["objective"].get<double>() : std::nan("");
  d["bound"] = j["bound"].is_number() ? j["bound"].get<double>() : std::nan("");
  d["objective_unit"] = j["objective_unit"].get<std::string>();
  d["gap"] = r.gap;
  d["seconds"] = r.seconds;
  std::vector<std::uint32_t> open = r.open;
  d["open"] = to_numpy(std::move(open));
  std::vector<std::int64_t> assigned(r.assigned.size());
  for (std::size_t i = 0; i < assigned.size(); ++i)
    assigned[i] = r.assigned[i] == cs::locate::kNoFacility ? -1 : static_cast<std::int64_t>(r.assigned[i]);
  d["assigned"] = to_numpy(std::move(assigned));
  return d;
}

py::dict locate(const py::object& cost, const py::object& problem, const py::object& p,
                const py::object& new_sites, const py::object& weight, const py::object& standard_min,
                const std::vector<std::int64_t>& fixed, const py::object& capacity,
                const py::object& opening_cost, const py::object& budget, const py::object& site_capacity,
                const py::object& solver, const py::object& time_limit_s, int threads,
                const py::kwargs& extra) {
  const cs::locate::LocateConfig cfg = locate_config(
      {problem, p, new_sites, standard_min, budget, site_capacity, solver, time_limit_s}, extra);
  cs::locate::LocateProblem pb = locate_problem(cost, weight, fixed, capacity, opening_cost);
  cs::locate::apply_config(cfg, pb);
  cs::locate::LocateStudy study;
  {
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    study = cs::locate::run_locate(pb, cfg, ctx);
  }
  // The chosen answer (the last result when none has a solution), with every solver's result beside it.
  py::dict d = result_dict(study.best() ? *study.best() : study.results.back(), pb.kind);
  py::list all;
  for (const auto& r : study.results) all.append(result_dict(r, pb.kind));
  d["results"] = all;
  d["agree"] = study.agree ? py::cast(*study.agree) : py::none();
  d["p"] = pb.p;
  return d;
}

}  // namespace

void bind_locate(py::module_& m) {
  const auto& table = cs::locate::locate_options();
  auto def = [&](const char* name) { return registry_default(table, name); };
  m.def("locate", &locate, "cost"_a, "problem"_a = def("problem"), "p"_a = def("p"), "new"_a = def("new"),
        "weight"_a = py::none(), "standard_min"_a = def("standard_min"),
        "fixed"_a = std::vector<std::int64_t>{}, "capacity"_a = py::none(), "opening_cost"_a = py::none(),
        "budget"_a = def("budget"), "site_capacity"_a = def("site_capacity"), "solver"_a = def("solver"),
        "time_limit_s"_a = def("time_limit_s"), "threads"_a = 0,
        "Facility location (p-median, mclp, lscp, p-center) on a demand x candidates time matrix in minutes, "
        "with the options of `countyscope locate` (docs/options.md, [locate]): p open in total, or the fixed "
        "columns + new; standard_min in minutes; solver both (heuristic, then the exact MIP; the better "
        "answer), mip, heuristic or brute-force. Returns the chosen answer (open: candidate indices; "
        "assigned: -1 = none) with every solver's result in 'results'.");
}

}  // namespace cs::python
