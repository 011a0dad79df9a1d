// countyscope._core flows: gravity and radiation flows for given masses and costs, and the Poisson-GLM
// calibration of a gravity model on observed flows (the engine functions behind `countyscope flows` on
// tables).
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include <countyscope/core/limits.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/flows/models.hpp>
#include <countyscope/flows/table_run.hpp>

#include "common.hpp"

namespace cs::python {
namespace {

using namespace py::literals;

py::array gravity_flows(const py::object& model, const py::object& O_, const py::object& D_,
                        const py::object& cost_, const py::object& decay, const py::object& beta,
                        const py::kwargs& extra) {
  const char* f = "gravity_flows";
  const auto& table = cs::flows::flows_table_options();
  cs::flows::FlowsTableOptions opt;
  set_extra(table, opt, f, extra, {"min_cost"});
  set_option(table, opt, f, "model", model);
  set_option(table, opt, f, "decay", decay);
  set_option(table, opt, f, "beta", beta);
  const cs::flows::GravityForm form = cs::flows::gravity_form(opt.model);
  const auto cost = array_arg<double>(cost_, f, "cost", 2, "origins x destinations");
  const auto O = array_arg<double>(O_, f, "origins", 1), D = array_arg<double>(D_, f, "destinations", 1);
  args::check_length(f, "origins", static_cast<std::size_t>(O.size()), dim(cost, 0), "one per row of 'cost'");
  args::check_length(f, "destinations", static_cast<std::size_t>(D.size()), dim(cost, 1),
                     "one per column of 'cost'");
  args::check_values(f, "origins", span_of(O), cs::limits::kMass);
  args::check_values(f, "destinations", span_of(D), cs::limits::kMass);
  args::check_values(f, "cost", span_of(cost), {"cost", 0, 1e15, ""});
  cs::flows::GravityParams p;
  p.decay = opt.decay;
  p.beta = cs::flows::prediction_beta(opt);
  auto c = numpy_to_matrix(cost, "cost");
  cs::Matrix<double> out;
  {
    py::gil_scoped_release nogil;
    out = cs::flows::gravity_flows(form, span_of(O), span_of(D), c, p, {.min_cost = opt.min_cost});
  }
  return matrix_to_numpy(std::move(out));
}

py::array radiation_flows(const py::object& mass_, const py::object& out_, const py::object& dist_) {
  const char* f = "radiation_flows";
  const auto dist = array_arg<double>(dist_, f, "dist", 2, "places x places");
  const auto mass = array_arg<double>(mass_, f, "mass", 1), out = array_arg<double>(out_, f, "out", 1);
  if (dist.shape(0) != dist.shape(1))
    args::fail(f, "dist",
               "expected a square matrix, got " + std::to_string(dist.shape(0)) + " x " +
                   std::to_string(dist.shape(1)));
  args::check_length(f, "mass", static_cast<std::size_t>(mass.size()), dim(dist, 0), "one per row of 'dist'");
  args::check_length(f, "out", static_cast<std::size_t>(out.size()), dim(dist, 0), "one per row of 'dist'");
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
}

// Intervening opportunities (Stouffer, Schneider), origin constrained: L per unit of mass, unset = 1 / total
// mass (the assumption `countyscope flows --model intervening` makes without --intervening-l).
py::array intervening_flows(const py::object& mass_, const py::object& out_, const py::object& cost_,
                            const py::object& intervening_l) {
  const char* f = "intervening_flows";
  const auto cost = array_arg<double>(cost_, f, "cost", 2, "places x places");
  const auto mass = array_arg<double>(mass_, f, "mass", 1), out = array_arg<double>(out_, f, "out", 1);
  if (cost.shape(0) != cost.shape(1))
    args::fail(f, "cost",
               "expected a square matrix, got " + std::to_string(cost.shape(0)) + " x " +
                   std::to_string(cost.shape(1)));
  args::check_length(f, "mass", static_cast<std::size_t>(mass.size()), dim(cost, 0), "one per row of 'cost'");
  args::check_length(f, "out", static_cast<std::size_t>(out.size()), dim(cost, 0), "one per row of 'cost'");
  args::check_values(f, "mass", span_of(mass), cs::limits::kMass);
  args::check_values(f, "out", span_of(out), cs::limits::kMass);
  args::check_values(f, "cost", span_of(cost), cs::limits::kDistanceM);
  cs::flows::FlowsTableOptions opt;  // the registry's intervening_l: its checks and its default (unset)
  set_option(cs::flows::flows_table_options(), opt, f, "intervening_l", intervening_l);
  double total = 0;
  for (double m : span_of(mass)) total += m;
  if (!opt.intervening_l && !(total > 0))
    args::fail(f, "mass", "the places' total mass is 0: give intervening_l");
  const double L = cs::flows::intervening_l(opt, total);
  auto c = numpy_to_matrix(cost, "cost");
  cs::Matrix<double> r;
  {
    py::gil_scoped_release nogil;
    r = cs::flows::intervening_opportunities_flows(span_of(mass), span_of(out), c, L);
  }
  return matrix_to_numpy(std::move(r));
}

// The observed flows as the OD table `countyscope flows --od` reads: one row per observation, codes 0..max.
cs::flows::OdTable od_table(const py::object& origin_, const py::object& dest_, const py::object& flow_,
                            const py::object& cost_, const py::object& origin_mass_,
                            const py::object& dest_mass_) {
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
                         ", index " + std::to_string(i) + ": expected a place code in [0, 1000000), got " +
                             std::to_string(a->data()[i]));
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> seen;  // pair -> first index
  for (std::size_t i = 0; i < n; ++i)
    if (const auto [it, fresh] = seen.emplace(std::pair{origin.data()[i], dest.data()[i]}, i); !fresh)
      args::fail_value(f, "dest",
                       ", index " + std::to_string(i) + ": duplicate pair " +
                           std::to_string(origin.data()[i]) + " -> " + std::to_string(dest.data()[i]) +
                           " (also at index " + std::to_string(it->second) + ")");
  std::optional<carray<double>> origin_mass, dest_mass;
  for (auto [obj, name, out] : {std::tuple{&origin_mass_, "origin_mass", &origin_mass},
                                std::tuple{&dest_mass_, "dest_mass", &dest_mass}}) {
    if (obj->is_none()) continue;
    *out = array_arg<double>(*obj, f, name, 1);
    args::check_length(f, name, static_cast<std::size_t>((*out)->size()), n, "the length of 'flow'");
    args::check_values(f, name, span_of(**out), cs::limits::kMass);
  }
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
  return od;
}

py::dict fit_dict(cs::flows::GravityFit&& fit) {
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
}

py::dict calibrate_gravity(const py::object& origin, const py::object& dest, const py::object& flow,
                           const py::object& cost, const py::object& origin_mass, const py::object& dest_mass,
                           const py::object& model, const py::object& decay, const py::object& spint,
                           const py::object& tolerance, const py::kwargs& extra) {
  const char* f = "calibrate_gravity";
  const auto& table = cs::flows::flows_table_options();
  cs::flows::FlowsTableOptions opt;
  set_extra(table, opt, f, extra, {"no_constant", "cost_only", "quasi", "max_iter", "min_cost"});
  set_option(table, opt, f, "model", model);
  set_option(table, opt, f, "decay", decay);
  set_option(table, opt, f, "spint", spint);
  set_option(table, opt, f, "tolerance", tolerance);
  const cs::flows::CalibrationOptions co = cs::flows::calibration_options(opt);
  const cs::flows::OdTable od = od_table(origin, dest, flow, cost, origin_mass, dest_mass);
  cs::flows::GravityFit fit;
  {
    py::gil_scoped_release nogil;
    fit = cs::flows::calibrate_gravity(od, co);
  }
  return fit_dict(std::move(fit));
}

}  // namespace

void bind_flows(py::module_& m) {
  const auto& table = cs::flows::flows_table_options();
  auto def = [&](const char* name) { return registry_default(table, name); };
  m.def("gravity_flows", &gravity_flows, "model"_a, "origins"_a, "destinations"_a, "cost"_a,
        "decay"_a = def("decay"), "beta"_a = def("beta"),
        "Gravity flows (model: unconstrained, production, attraction, doubly) for given masses and cost "
        "matrix, "
        "with the [flows_table] options of `countyscope flows` (docs/options.md): beta unset = the assumed "
        "value "
        "(exponential 0.1, power 2); min_cost as a keyword");
  m.def("radiation_flows", &radiation_flows, "mass"_a, "out"_a, "dist"_a,
        "Radiation model flows (Simini et al. 2012) ranked by dist (any cost: metres, minutes); each "
        "origin's row sums to out[i]");
  m.def("intervening_flows", &intervening_flows, "mass"_a, "out"_a, "cost"_a,
        "intervening_l"_a = registry_default(cs::flows::flows_table_options(), "intervening_l"),
        "Intervening opportunities flows (Stouffer 1940, Schneider 1959), origin constrained: P_ij = "
        "exp(-L V_ij) - exp(-L (V_ij + m_j)) with V_ij the mass ranked closer than j by cost (ties share V); "
        "L = intervening_l per unit of mass, unset: 1 / total mass (as `countyscope flows --model "
        "intervening`); rows sum to out[i]");
  m.def(
      "calibrate_gravity", &calibrate_gravity, "origin"_a, "dest"_a, "flow"_a, "cost"_a,
      "origin_mass"_a = py::none(), "dest_mass"_a = py::none(), "model"_a = def("model"),
      "decay"_a = def("decay"), "spint"_a = def("spint"), "tolerance"_a = def("tolerance"),
      "Poisson-GLM (IRLS) calibration of a gravity model, with the [flows_table] options of `countyscope "
      "flows --od` (docs/options.md); constrained models use origin/destination fixed effects; no_constant, "
      "cost_only, quasi, max_iter and min_cost as keywords");
}

}  // namespace cs::python
