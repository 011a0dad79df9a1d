// countyscope._core: `countyscope stats` on any table (docs/stats.md), one function per command, each calling
// its study (cs::assess::run_*_study) with the command's inputs as keywords. A study returns a dict:
// "section" (what results.json holds under sections.<stage>, as Python values) and "tables" (per output
// table, named as its CSV file without .csv: column name -> NumPy float64 array for reals (NaN for empty),
// int64 array for integers (a list when one is empty), list of str for text).
#include <cmath>
#include <string>
#include <vector>

#include <countyscope/assess/autocorrelation_study.hpp>
#include <countyscope/assess/equity_study.hpp>
#include <countyscope/assess/geodetector_study.hpp>
#include <countyscope/assess/markov_study.hpp>
#include <countyscope/assess/mcdm_study.hpp>
#include <countyscope/io/outputs.hpp>

#include "common.hpp"

namespace cs::python {

namespace {

py::object column_values(const cs::Table& t, std::size_t c) {
  const std::size_t n = t.rows();
  const cs::FieldType type = t.columns[c].type;
  if (type == cs::FieldType::kReal) {
    std::vector<double> v(n);
    for (std::size_t r = 0; r < n; ++r) {
      const auto& x = t.row(r)[c];
      v[r] =
          std::holds_alternative<double>(x) ? std::get<double>(x) : std::numeric_limits<double>::quiet_NaN();
    }
    return to_numpy(std::move(v));
  }
  if (type == cs::FieldType::kInteger) {
    std::vector<std::int64_t> v(n);
    bool complete = true;
    for (std::size_t r = 0; r < n; ++r) {
      const auto& x = t.row(r)[c];
      complete = complete && std::holds_alternative<std::int64_t>(x);
      if (complete) v[r] = std::get<std::int64_t>(x);
    }
    if (complete) return to_numpy(std::move(v));
    py::list l;
    for (std::size_t r = 0; r < n; ++r) {
      const auto& x = t.row(r)[c];
      if (std::holds_alternative<std::int64_t>(x))
        l.append(std::get<std::int64_t>(x));
      else
        l.append(py::none());
    }
    return l;
  }
  py::list l;
  for (std::size_t r = 0; r < n; ++r) {
    const auto& x = t.row(r)[c];
    if (std::holds_alternative<std::string>(x))
      l.append(std::get<std::string>(x));
    else
      l.append(py::none());
  }
  return l;
}

py::dict to_python(const cs::Outputs& o) {
  py::dict tables;
  for (const cs::Table& t : o.tables) {
    std::string name = t.csv_file.empty() ? t.name : t.csv_file;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0) name.resize(name.size() - 4);
    py::dict cols;
    for (std::size_t c = 0; c < t.columns.size(); ++c) cols[py::str(t.columns[c].name)] = column_values(t, c);
    tables[py::str(name)] = cols;
  }
  py::dict out;
  out["section"] = py::module_::import("json").attr("loads")(cs::section_json(o).dump());
  out["tables"] = tables;
  return out;
}

cs::Context context(int threads, std::uint64_t seed) {
  cs::Context ctx = make_context(threads);
  ctx.seed = seed;
  return ctx;
}

template <class In, class Run>
py::dict run(const In& in, int threads, std::uint64_t seed, Run&& f) {
  const cs::Context ctx = context(threads, seed);
  cs::Outputs o;
  {
    py::gil_scoped_release nogil;
    o = f(in, ctx);
  }
  return to_python(o);
}

py::dict autocorrelation(const std::string& table, const std::string& y, const std::string& weights,
                         const std::vector<std::string>& methods, const std::string& transform,
                         const std::string& metric, double idw_power, const std::string& id,
                         const std::string& coords, const std::string& crs, int permutations, double alpha,
                         const std::string& lisa_variance, bool refuse_islands, const std::string& layer,
                         std::uint64_t seed, int threads) {
  cs::assess::AutocorrelationInputs in;
  in.table = table;
  in.layer = layer;
  in.y = y;
  in.weights = weights;
  if (!methods.empty()) in.methods = methods;
  in.transform = transform;
  in.metric = metric;
  in.idw_power = idw_power;
  in.id = id;
  in.coords = coords;
  in.crs = crs;
  in.permutations = permutations;
  in.alpha = alpha;
  in.lisa_variance = lisa_variance;
  in.refuse_islands = refuse_islands;
  return run(in, threads, seed, cs::assess::run_autocorrelation_study);
}

py::dict mcdm(const std::string& table, const std::vector<std::string>& criteria,
              const std::vector<std::string>& cost, const std::string& normalization,
              const std::string& weights, const std::vector<double>& given_weights, const std::string& id,
              const std::string& cost_rule, const std::string& entropy_on, const std::string& layer) {
  cs::assess::McdmInputs in;
  in.table = table;
  in.layer = layer;
  in.criteria = criteria;
  in.cost = cost;
  in.normalization = normalization;
  in.weights = weights;
  in.given = given_weights;
  in.id = id;
  in.cost_rule = cost_rule;
  in.entropy_on = entropy_on;
  return run(in, 1, 0x5eed, cs::assess::run_mcdm_study);
}

py::dict equity(const std::string& table, const std::string& y, const std::string& rank,
                const std::string& weight, const std::string& groups, double poverty_line,
                const std::string& rank_base, const std::string& layer) {
  cs::assess::EquityInputs in;
  in.table = table;
  in.layer = layer;
  in.y = y;
  in.rank = rank;
  in.weight = weight;
  in.groups = groups;
  if (!(poverty_line >= 0) || !std::isfinite(poverty_line))
    args::fail_value("stats_equity", "poverty_line", "must be > 0 (0: none)");
  in.poverty_line = poverty_line;
  in.rank_base = rank_base;
  return run(in, 1, 0x5eed, cs::assess::run_equity_study);
}

py::dict markov(const std::string& table, const std::vector<std::string>& columns, int classes,
                const std::string& quantiles, const std::vector<double>& cutoffs, bool relative,
                const std::string& weights, const std::string& transform, const std::string& metric,
                const std::string& id, const std::string& coords, int lag_classes,
                const std::vector<double>& lag_cutoffs, bool lisa, bool geoda_quads, const std::string& layer,
                int threads) {
  cs::assess::MarkovInputs in;
  in.table = table;
  in.layer = layer;
  in.columns = columns;
  in.classes = classes;
  in.quantiles = quantiles;
  in.cutoffs = cutoffs;
  in.relative = relative;
  in.weights = weights;
  in.transform = transform;
  in.metric = metric;
  in.id = id;
  in.coords = coords;
  in.lag_classes = lag_classes;
  in.lag_cutoffs = lag_cutoffs;
  in.lisa = lisa;
  in.geoda_quads = geoda_quads;
  return run(in, threads, 0x5eed, cs::assess::run_markov_study);
}

py::dict geodetector(const std::string& table, const std::string& y, const std::vector<std::string>& factors,
                     const std::vector<std::string>& classed, int classes, const std::string& layer) {
  cs::assess::GeodetectorInputs in;
  in.table = table;
  in.layer = layer;
  in.y = y;
  in.factors = factors;
  in.classed = classed;
  in.classes = classes;
  return run(in, 1, 0x5eed, cs::assess::run_geodetector_study);
}

}  // namespace

void bind_stats(py::module_& m) {
  using namespace pybind11::literals;
  const std::vector<std::string> none;
  const std::vector<double> no_numbers;
  m.def("stats_autocorrelation", &autocorrelation, "table"_a, "y"_a, py::kw_only(), "weights"_a = "queen",
        "methods"_a = none, "transform"_a = "row", "metric"_a = "planar", "idw_power"_a = 1.0, "id"_a = "",
        "coords"_a = "", "crs"_a = "", "permutations"_a = 999, "alpha"_a = 0.05, "lisa_variance"_a = "esda",
        "refuse_islands"_a = false, "layer"_a = "", "seed"_a = std::uint64_t{0x5eed}, "threads"_a = 0,
        "`countyscope stats autocorrelation` (docs/stats.md): {'section': ..., 'tables': ...}");
  m.def("stats_mcdm", &mcdm, "table"_a, "criteria"_a, py::kw_only(), "cost"_a = none,
        "normalization"_a = "minmax", "weights"_a = "entropy", "given_weights"_a = no_numbers, "id"_a = "",
        "cost_rule"_a = "invert", "entropy_on"_a = "raw", "layer"_a = "",
        "`countyscope stats mcdm` (docs/stats.md): {'section': ..., 'tables': ...}");
  m.def("stats_equity", &equity, "table"_a, "y"_a, py::kw_only(), "rank"_a = "", "weight"_a = "",
        "groups"_a = "", "poverty_line"_a = 0.0, "rank_base"_a = "", "layer"_a = "",
        "`countyscope stats equity` (docs/stats.md): {'section': ..., 'tables': ...}");
  m.def("stats_markov", &markov, "table"_a, "columns"_a, py::kw_only(), "classes"_a = 5,
        "quantiles"_a = "period", "cutoffs"_a = no_numbers, "relative"_a = false, "weights"_a = "",
        "transform"_a = "row", "metric"_a = "planar", "id"_a = "", "coords"_a = "", "lag_classes"_a = 0,
        "lag_cutoffs"_a = no_numbers, "lisa"_a = false, "geoda_quads"_a = false, "layer"_a = "",
        "threads"_a = 0,
        "`countyscope stats markov` (docs/stats.md), classic or spatial (weights): {'section': ..., "
        "'tables': ...}");
  m.def("stats_geodetector", &geodetector, "table"_a, "y"_a, py::kw_only(), "factors"_a = none,
        "classed"_a = none, "classes"_a = 5, "layer"_a = "",
        "`countyscope stats geodetector` (docs/stats.md): {'section': ..., 'tables': ...}");
}

}  // namespace cs::python
