// countyscope._core access: accessibility (every measure), sfca2 and equity. The measure options and their
// defaults come from the registry (cs::access_options(), docs/options.md [access]): the signature shows the
// CLI's defaults, the values get the CLI's checks, an old keyword names the new one. Any other option that
// shapes the measures (zones_min, gravity_cut, unreached, ...) is a keyword too.
#include <tuple>

#include <countyscope/access/access.hpp>
#include <countyscope/access/equity.hpp>
#include <countyscope/access/study.hpp>
#include <countyscope/core/limits.hpp>

#include "common.hpp"

namespace cs::python {
namespace {

using namespace py::literals;

// times (demand x facilities, minutes, +inf = no path), population (one per row), supply (one per column).
// The times come back as the engine's seconds (a copy).
std::tuple<cs::TimeMatrix, carray<double>, carray<double>> access_args(const char* func,
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
  args::check_values(func, "times", span_of(times), cs::limits::kTimeMin, true);
  args::check_values(func, "population", span_of(population), cs::limits::kPopulation);
  args::check_values(func, "supply", span_of(supply), cs::limits::kCapacity);
  cs::TimeMatrix seconds = numpy_to_matrix(times, "times");
  seconds_in_place(seconds.data(), seconds.rows() * seconds.cols());
  return {std::move(seconds), std::move(population), std::move(supply)};
}

// The [access] options that shape the measures (the rest belong to the whole study: services, audit, ...).
const std::vector<std::string>& access_measure_options() {
  static const std::vector<std::string> names = {"gravity_scale_min", "gravity_min_time_min",
                                                 "gravity_sigma_min", "gravity_cut",
                                                 "zones_min",         "zone_weights",
                                                 "sfca3_zones_min",   "sfca3_weights",
                                                 "gaussian",          "gaussian_sigma_min",
                                                 "sfca3_base",        "unreached",
                                                 "zones_closed",      "fca_decay",
                                                 "fca_beta",          "fca_sd_min",
                                                 "availability_alpha"};
  return names;
}

cs::TimeView time_view(const cs::TimeMatrix& times) { return cs::TimeView(times); }

py::dict accessibility(const py::object& times_, const py::object& population_, const py::object& supply_,
                       const py::object& cutoff_min, const py::object& k, const py::object& gravity_decay,
                       const py::object& gravity_beta, const py::object& catchment, int threads,
                       const py::kwargs& extra) {
  const char* f = "accessibility";
  const auto [times, population, supply] = access_args(f, times_, population_, supply_);
  const auto& table = cs::access::access_options();
  cs::access::AccessOptions o;
  set_extra(table, o, f, extra, access_measure_options());
  set_option(table, o, f, "cutoff_min", cutoff_min);
  set_option(table, o, f, "k", k);
  set_option(table, o, f, "gravity_decay", gravity_decay);
  set_option(table, o, f, "gravity_beta", gravity_beta);
  set_option(table, o, f, "catchment", catchment);
  const cs::access::AccessConfig cfg = cs::access::access_config(o);
  cs::access::AccessResult r;
  {
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    r = cs::access::compute_access(time_view(times), span_of(population), span_of(supply), cfg, ctx);
  }
  py::dict d;
  minutes_in_place(r.nearest_s.data(), r.nearest_s.size());
  minutes_in_place(r.kth_nearest_s.data(), r.kth_nearest_s.size());
  d["nearest_min"] = to_numpy(std::move(r.nearest_s));
  d["kth_nearest_min"] = to_numpy(std::move(r.kth_nearest_s));
  d["cumulative"] = to_numpy(std::move(r.cumulative));
  d["gravity"] = to_numpy(std::move(r.gravity));
  d["2sfca"] = to_numpy(std::move(r.sfca2));
  d["e2sfca"] = to_numpy(std::move(r.e2sfca));
  d["g2sfca"] = to_numpy(std::move(r.g2sfca));
  d["fca2"] = to_numpy(std::move(r.fca2));
  d["bfca"] = to_numpy(std::move(r.bfca));
  d["availability"] = to_numpy(std::move(r.availability));
  d["3sfca"] = to_numpy(std::move(r.sfca3));
  d["facilities_without_demand"] = to_numpy(std::move(r.facilities_without_demand));
  return d;
}

py::array sfca2(const py::object& times_, const py::object& population_, const py::object& supply_,
                const py::object& cutoff_min, const py::object& catchment, int threads,
                const py::kwargs& extra) {
  const char* f = "sfca2";
  const auto [times, population, supply] = access_args(f, times_, population_, supply_);
  const auto& table = cs::access::access_options();
  cs::access::AccessOptions o;
  set_extra(table, o, f, extra, {"unreached"});
  set_option(table, o, f, "cutoff_min", cutoff_min);
  set_option(table, o, f, "catchment", catchment);
  const cs::access::AccessConfig cfg = cs::access::access_config(o);
  std::vector<double> a;
  {
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    a = cs::access::compute_sfca2(time_view(times), span_of(population), span_of(supply), cfg, ctx);
  }
  return to_numpy(std::move(a));
}

// The FCA measures named in `measures` (None: all three).
unsigned fca_measures(const py::object& measures) {
  if (measures.is_none()) return cs::access::kFcaAll;
  unsigned m = 0;
  for (const auto& item : measures) {
    const auto name = py::cast<std::string>(item);
    if (name == "fca2")
      m |= cs::access::kFcaFca2;
    else if (name == "bfca")
      m |= cs::access::kFcaBfca;
    else if (name == "availability")
      m |= cs::access::kFcaAvailability;
    else
      throw cs::UsageError("fca: measures: unknown measure '" + name + "' (fca2, bfca, availability)");
  }
  if (m == 0) throw cs::UsageError("fca: measures: name at least one of fca2, bfca, availability");
  return m;
}

// FcaMatrix(times): the times (minutes, demand x facilities, +inf = no path) checked, converted to seconds
// like fca's and prepared once (cs::access::FcaMatrix: codes into the distinct times).
cs::access::FcaMatrix fca_matrix(const py::object& times_) {
  const char* f = "FcaMatrix";
  auto times = array_arg<float>(times_, f, "times", 2, "demand x facilities");
  args::check_values(f, "times", span_of(times), cs::limits::kTimeMin, true);
  cs::TimeMatrix seconds = numpy_to_matrix(times, "times");
  seconds_in_place(seconds.data(), seconds.rows() * seconds.cols());
  py::gil_scoped_release nogil;
  return cs::access::FcaMatrix(cs::TimeView(seconds));
}

py::dict fca(const py::object& times_, const py::object& population_, const py::object& supply_,
             const py::object& cutoff_min, const py::object& catchment, const py::object& fca_decay,
             const py::object& measures_, int threads, const py::kwargs& extra) {
  const char* f = "fca";
  const auto& table = cs::access::access_options();
  cs::access::AccessOptions o;
  set_extra(table, o, f, extra,
            {"fca_beta", "fca_sd_min", "availability_alpha", "zones_min", "zone_weights", "zones_closed",
             "unreached"});
  set_option(table, o, f, "cutoff_min", cutoff_min);
  set_option(table, o, f, "catchment", catchment);
  set_option(table, o, f, "fca_decay", fca_decay);
  const cs::access::AccessConfig cfg = cs::access::access_config(o);
  const unsigned measures = fca_measures(measures_);
  cs::access::FcaResult r;
  if (py::isinstance<cs::access::FcaMatrix>(times_)) {  // prepared: no copy of the matrix
    const auto& m = py::cast<const cs::access::FcaMatrix&>(times_);
    auto population = array_arg<double>(population_, f, "population", 1);
    auto supply = array_arg<double>(supply_, f, "supply", 1);
    args::check_length(f, "population", static_cast<std::size_t>(population.size()), m.rows(),
                       "one per row of 'times'");
    args::check_length(f, "supply", static_cast<std::size_t>(supply.size()), m.cols(),
                       "one per column of 'times'");
    args::check_values(f, "population", span_of(population), cs::limits::kPopulation);
    args::check_values(f, "supply", span_of(supply), cs::limits::kCapacity);
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    r = cs::access::compute_fca(m, span_of(population), span_of(supply), cfg, ctx, {}, measures);
  } else {
    const auto [times, population, supply] = access_args(f, times_, population_, supply_);
    py::gil_scoped_release nogil;
    auto ctx = make_context(threads);
    r = cs::access::compute_fca(time_view(times), span_of(population), span_of(supply), cfg, ctx, {},
                                measures);
  }
  py::dict d;
  if (measures & cs::access::kFcaFca2) d["fca2"] = to_numpy(std::move(r.fca2));
  if (measures & cs::access::kFcaBfca) d["bfca"] = to_numpy(std::move(r.bfca));
  if (measures & cs::access::kFcaAvailability) d["availability"] = to_numpy(std::move(r.availability));
  return d;
}

// Group numbers in [0, number of names) (or [0, 100000) without names; the names are then "0", "1", ...).
std::vector<int> equity_groups(const py::object& groups_, std::size_t n,
                               std::vector<std::string>& group_names) {
  const auto groups = array_arg<std::int32_t>(groups_, "equity", "groups", 1);
  args::check_length("equity", "groups", static_cast<std::size_t>(groups.size()), n,
                     "the length of 'values'");
  std::vector<int> g(groups.data(), groups.data() + groups.size());
  const std::size_t ng = group_names.empty() ? 100000 : group_names.size();
  for (std::size_t i = 0; i < g.size(); ++i)
    if (g[i] < 0 || static_cast<std::size_t>(g[i]) >= ng)
      args::fail_value("equity", "groups",
                       ", index " + std::to_string(i) + ": expected a group number in [0, " +
                           std::to_string(ng) + ")" + (group_names.empty() ? "" : " (one per group name)") +
                           ", got " + std::to_string(g[i]));
  if (group_names.empty()) {
    int mx = -1;
    for (int x : g) mx = std::max(mx, x);
    for (int i = 0; i <= mx; ++i) group_names.push_back(std::to_string(i));
  }
  return g;
}

py::dict equity(const py::object& values_, const py::object& population_, const py::object& groups_,
                std::vector<std::string> group_names) {
  const auto values = array_arg<double>(values_, "equity", "values", 1);
  const auto population = array_arg<double>(population_, "equity", "population", 1);
  const std::size_t n = static_cast<std::size_t>(values.size());
  args::check_length("equity", "population", static_cast<std::size_t>(population.size()), n,
                     "the length of 'values'");
  // +inf values are unreached units (left out and counted); NaN is an error.
  args::check_values("equity", "values", span_of(values), {"value", -1e300, 1e300, ""}, true);
  args::check_values("equity", "population", span_of(population), cs::limits::kPopulation);
  cs::access::EquityInput in;
  in.values = span_of(values);
  in.population = span_of(population);
  std::vector<int> g;
  if (!groups_.is_none()) {
    g = equity_groups(groups_, n, group_names);
    in.group = g;
    in.group_names = group_names;
  }
  cs::access::Equity e;
  {
    py::gil_scoped_release nogil;
    e = cs::access::equity(in);
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
}

}  // namespace

void bind_access(py::module_& m) {
  const auto& table = cs::access::access_options();
  m.def("accessibility", &accessibility, "times"_a, "population"_a, "supply"_a, py::kw_only(),
        "cutoff_min"_a = registry_default(table, "cutoff_min"), "k"_a = registry_default(table, "k"),
        "gravity_decay"_a = registry_default(table, "gravity_decay"),
        "gravity_beta"_a = registry_default(table, "gravity_beta"),
        "catchment"_a = registry_default(table, "catchment"), "threads"_a = 0,
        "Every accessibility measure per demand point (rows of times, minutes demand->facility), with the "
        "options of `countyscope access` (docs/options.md [access]; cutoff_min in minutes; other measure "
        "options such as zones_min or unreached as keywords)");
  m.def("sfca2", &sfca2, "times"_a, "population"_a, "supply"_a, py::kw_only(),
        "cutoff_min"_a = registry_default(table, "cutoff_min"),
        "catchment"_a = registry_default(table, "catchment"), "threads"_a = 0,
        "2SFCA alone per demand point (equal to accessibility(...)['2sfca']); cutoff_min in minutes");
  m.def("fca", &fca, "times"_a, "population"_a, "supply"_a, py::kw_only(),
        "cutoff_min"_a = registry_default(table, "cutoff_min"),
        "catchment"_a = registry_default(table, "catchment"),
        "fca_decay"_a = registry_default(table, "fca_decay"), "measures"_a = py::none(), "threads"_a = 0,
        "The FCA family alone (equal to accessibility(...)['fca2'], ['bfca'], ['availability']): 2SFCA, "
        "balanced FCA (Paez et al. 2019) and spatial availability (Soukhov et al. 2023) on the fca_decay "
        "impedance (binary, exponential, linear, logistic, stepped; R accessibility's decay functions); "
        "times in minutes, or an FcaMatrix prepared once for many calls (the same bits, no copy of the "
        "matrix); measures: the names to compute (default all three); fca_beta, fca_sd_min, "
        "availability_alpha, zones_min, zone_weights, zones_closed as keywords");
  py::class_<cs::access::FcaMatrix>(
      m, "FcaMatrix",
      "A travel-time matrix (minutes, demand x facilities, +inf = no path) prepared once for many fca() "
      "calls: "
      "each time stored as its rank among the distinct times (8 or 16 bits; more than 65,535 distinct times "
      "keep a dense copy), so a call evaluates its impedance once per distinct time and a cutoff is a code "
      "comparison. fca(FcaMatrix(t), ...) equals fca(t, ...) bit for bit.")
      .def(py::init(&fca_matrix), "times"_a)
      .def_property_readonly(
          "shape", [](const cs::access::FcaMatrix& x) { return py::make_tuple(x.rows(), x.cols()); })
      .def_property_readonly("distinct", &cs::access::FcaMatrix::distinct,
                             "distinct times (0 when there are more than 65,535)")
      .def_property_readonly("code_bits", &cs::access::FcaMatrix::code_bits, "8, 16, or 0 (dense)")
      .def_property_readonly("nbytes", &cs::access::FcaMatrix::bytes, "memory held");
  m.def("equity", &equity, "values"_a, "population"_a, "groups"_a = py::none(),
        "group_names"_a = std::vector<std::string>{},
        "Population-weighted Gini, Lorenz curve, Theil T (within/between by group) and Dagum decomposition");
}

}  // namespace cs::python
