// `countyscope flows` on tables (see table_run.hpp).
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/core/memory.hpp>
#include <countyscope/flows/table_run.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::flows {

double great_circle_km(double lon1, double lat1, double lon2, double lat2) noexcept {
  constexpr double kR = 6371.0088, kDeg = 3.14159265358979323846 / 180.0;
  const double dphi = (lat2 - lat1) * kDeg, dl = (lon2 - lon1) * kDeg;
  const double a = std::sin(dphi / 2) * std::sin(dphi / 2) +
                   std::cos(lat1 * kDeg) * std::cos(lat2 * kDeg) * std::sin(dl / 2) * std::sin(dl / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

namespace {

struct Place {
  double lon = 0, lat = 0, mass = std::nan("");
};

struct Places {
  std::vector<std::string> codes;  // file order
  std::map<std::string, Place> by_code;
  bool coords = false;  // lon/lat read (needed unless the costs come from elsewhere)
};

// Whether pair costs come from somewhere other than the places' coordinates: a cost matrix, or (with an OD
// table) its cost column.
bool cost_given(const TableRunConfig& c) {
  return !c.cost_matrix_path.empty() || (!c.od_path.empty() && !c.cols.cost.empty());
}

Places read_places(const TableRunConfig& c) {
  Places p;
  const CsvTable t = read_csv(c.places_path);
  const std::size_t cc = t.column(c.place_code_col);
  std::optional<std::size_t> clon = t.find_column(c.lon_col), clat = t.find_column(c.lat_col);
  if (!cost_given(c) || clon || clat) {  // both, or neither when the costs come from elsewhere
    clon = t.column(c.lon_col);
    clat = t.column(c.lat_col);
  }
  p.coords = clon.has_value();
  std::optional<std::size_t> cm;
  if (!c.mass_col.empty()) cm = t.column(c.mass_col);
  (void)t.unique_index(cc);  // empty or repeated codes: one line naming both lines
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string& code = t.text(r, cc);
    Place pl;
    if (p.coords) {
      pl.lon = t.number(r, *clon, limits::kLongitude);
      pl.lat = t.number(r, *clat, limits::kLatitude);
    }
    if (cm) pl.mass = t.number(r, *cm, limits::kMass);
    p.by_code.emplace(code, pl);
    p.codes.push_back(code);
  }
  if (p.codes.empty()) throw InputError(c.places_path, "", "", "no places");
  return p;
}

// A cost-matrix CSV: first column the origin code, header the destination codes; an empty cell = no path.
struct CostMatrix {
  std::string path, origin_field;
  std::map<std::string, std::size_t> origin_line;  // origin code -> its line in the file
  std::set<std::string> dests;
  std::map<std::pair<std::string, std::string>, double> cost;

  explicit CostMatrix(const std::string& file) : path(file) {
    const CsvTable t = read_csv(path);
    origin_field = t.header[0];
    (void)t.unique_index(0);  // one row per origin
    for (std::size_t c = 1; c < t.header.size(); ++c) dests.insert(t.header[c]);
    for (std::size_t r = 0; r < t.rows(); ++r) {
      origin_line[t.text(r, 0)] = t.line[r];
      for (std::size_t c = 1; c < t.header.size(); ++c) {
        const auto v = t.optional_number(r, c);  // NaN, inf and text are errors naming line and field
        const double x = v ? *v : std::numeric_limits<double>::infinity();  // empty = no path
        if (x < 0) throw InputError(path, t.where(r), t.header[c], "negative cost " + format_number(x));
        cost[{t.text(r, 0), t.header[c]}] = x;
      }
    }
  }
  // The cost a -> b; a pair the file lacks (no row for a, no column for b) is an error naming the file, the
  // row and the field.
  [[nodiscard]] double at(const std::string& a, const std::string& b) const {
    if (const auto it = cost.find({a, b}); it != cost.end()) return it->second;
    const auto row = origin_line.find(a);
    if (row == origin_line.end())
      throw InputError(path, "", origin_field,
                       "no row for origin '" + a + "' (needed for the cost " + a + " -> " + b + ")");
    throw InputError(
        path, "line " + std::to_string(row->second), b,
        "missing column: no cost for " + a + " -> " + b + " (the header has no destination '" + b + "')");
  }
};

// Where pair costs and line geometry come from: a places CSV (great-circle km) or a cost matrix.
struct Sources {
  const TableRunConfig& cfg;
  std::optional<Places> places;
  std::optional<CostMatrix> matrix;
  std::string cost_unit;

  explicit Sources(const TableRunConfig& c) : cfg(c) {
    if (cfg.od_path.empty() && !cfg.cols.cost.empty())
      throw UsageError(
          "flows: --cost-col is a column of the OD table and needs --od; without observations "
          "give the costs as --cost-matrix");
    if (!cfg.places_path.empty()) places = read_places(cfg);
    if (!cfg.cost_matrix_path.empty()) matrix.emplace(cfg.cost_matrix_path);
    cost_unit = !cfg.cols.cost.empty() ? cfg.cols.cost : (matrix ? "matrix" : "km");
  }
  [[nodiscard]] bool have_cost() const { return !cfg.cols.cost.empty() || places || matrix; }
  // The cost a -> b from the matrix, else the great-circle km between the places.
  [[nodiscard]] double pair_cost(const std::string& a, const std::string& b) const {
    if (matrix) return matrix->at(a, b);
    if (!places || !places->coords)
      throw UsageError("flows: no cost for " + a + " -> " + b +
                       ": give --cost-matrix or places with coordinates");
    const Place& p = places->by_code.at(a);
    const Place& q = places->by_code.at(b);
    return great_circle_km(p.lon, p.lat, q.lon, q.lat);
  }
  // The codes an OD table may use (empty: any).
  [[nodiscard]] std::vector<std::string> known_codes() const {
    std::vector<std::string> known;
    if (places) known = places->codes;
    if (matrix && known.empty()) {
      std::set<std::string> s = matrix->dests;
      for (const auto& [k, v] : matrix->origin_line) s.insert(k);
      known.assign(s.begin(), s.end());
    }
    return known;
  }
  // A flow line between two places (when the places have coordinates and the pair has a flow).
  void add_line(VectorLayer& lines, const std::string& a, const std::string& b, double obs,
                double pred) const {
    if (!places || !places->coords || !(pred > 0 || obs > 0)) return;
    const Place& p = places->by_code.at(a);
    const Place& q = places->by_code.at(b);
    lines.add(wkt_linestring({{p.lon, p.lat}, {q.lon, q.lat}}),
              {a, b, std::isnan(obs) ? FieldValue{} : FieldValue{obs}, FieldValue{pred}});
  }
};

// The observed OD table with its costs (from the column, the places or the matrix) and masses (from the
// places' mass column where the table has none).
OdTable read_observed(const Sources& src) {
  const TableRunConfig& cfg = src.cfg;
  const double min_cost = cfg.options.min_cost;
  if (!src.have_cost())
    throw UsageError(
        "flows: give a cost column (--cost-col), a places CSV (--places) or a cost matrix (--cost-matrix)");
  OdTable od = read_od_csv(cfg.od_path, cfg.cols, src.known_codes(), min_cost);
  od.cost_unit = src.cost_unit;
  const bool place_masses = src.places && !cfg.mass_col.empty();
  for (std::size_t k = 0; k < od.rows.size(); ++k) {
    OdRow& r = od.rows[k];
    const std::string& a = od.codes[r.origin];
    const std::string& b = od.codes[r.dest];
    const std::string where = "line " + std::to_string(od.line[k]);
    if (cfg.cols.cost.empty()) {
      double c = src.pair_cost(a, b);
      if (min_cost > 0 && c < min_cost) c = min_cost;
      if (c == 0 && r.origin != r.dest)
        throw InputError(cfg.od_path, where, "cost",
                         "zero cost between distinct places " + a + " and " + b +
                             " (duplicate coordinates?); give a minimum cost to allow it");
      r.cost = c;
    }
    if (place_masses) {
      if (!od.has_origin_mass) r.origin_mass = src.places->by_code.at(a).mass;
      if (!od.has_dest_mass) r.dest_mass = src.places->by_code.at(b).mass;
    }
  }
  if (place_masses) od.has_origin_mass = od.has_dest_mass = true;
  return od;
}

bool rank_model(TableModel m) { return m == TableModel::kRadiation || m == TableModel::kIntervening; }

// Radiation or intervening opportunities for masses m, totals T and costs c (n x n): the flows and the
// model's part of the section.
Matrix<double> rank_flows(const FlowsTableOptions& opt, const std::vector<double>& m,
                          const std::vector<double>& T, const Matrix<double>& c, const std::string& cost_unit,
                          Json& section) {
  if (opt.model == TableModel::kRadiation) {
    section = {{"model", "radiation"}, {"parameters_source", "parameter-free"}, {"ranked_by", cost_unit}};
    return radiation_flows(m, T, c);
  }
  const double L = intervening_l(opt, std::accumulate(m.begin(), m.end(), 0.0));
  section = {{"model", "intervening"},
             {"L", L},
             {"parameters_source", opt.intervening_l ? "given" : "assumed"},
             {"constraint", "origin (rows sum to T_i)"},
             {"ranked_by", cost_unit}};
  return intervening_opportunities_flows(m, T, c, L);
}

// Radiation or intervening opportunities on observed flows: masses from the places' mass column, T_i =
// observed outflow of i; each origin ranks the OD table's places by the cost flows.csv reports (the cost
// column, else the cost matrix, else the great-circle km). Fills yhat; returns the section.
Json rank_on_od(const Sources& src, const OdTable& od, const std::vector<double>& y,
                std::vector<double>& yhat, Context& ctx) {
  const TableRunConfig& cfg = src.cfg;
  const std::string name = cfg.options.model == TableModel::kRadiation ? "radiation" : "intervening";
  if (!src.places || cfg.mass_col.empty())
    throw UsageError("flows --model " + name + " needs --places with --mass-col (population of every place)");
  const std::size_t n = od.codes.size();
  check_memory(ctx, mul_sat(mul_sat(n, n), 3 * sizeof(double)),
               name + " model over " + std::to_string(n) + " places (" + std::to_string(n) + " x " +
                   std::to_string(n) + " pairs)",
               "use fewer places");
  std::vector<double> m(n), T(n, 0.0);
  Matrix<double> d(n, n, std::nan(""));
  for (std::size_t i = 0; i < n; ++i) m[i] = src.places->by_code.at(od.codes[i]).mass;
  for (const auto& r : od.rows) {
    if (r.origin == r.dest) continue;
    T[r.origin] += r.flow;
    d(r.origin, r.dest) = r.cost;
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) {
        d(i, j) = 0.0;
        continue;
      }
      if (!std::isnan(d(i, j))) continue;
      if (!cfg.cols.cost.empty())  // the ranking needs every pair's cost; the column has only the OD's
        throw InputError(cfg.od_path, "", cfg.cols.cost,
                         "no row for " + od.codes[i] + " -> " + od.codes[j] + ": --model " + name +
                             " ranks every place by this cost; give a row for every ordered pair of "
                             "distinct places, or the costs as --cost-matrix");
      double c = src.pair_cost(od.codes[i], od.codes[j]);
      if (cfg.options.min_cost > 0 && c < cfg.options.min_cost) c = cfg.options.min_cost;
      d(i, j) = c;
    }
  Json section;
  const Matrix<double> t = rank_flows(cfg.options, m, T, d, "cost_" + src.cost_unit, section);
  for (const auto& r : od.rows) yhat.push_back(r.origin == r.dest ? 0.0 : t(r.origin, r.dest));
  section["n_obs"] = od.rows.size();
  section["SSI"] = number_or_null(sorensen_index(y, yhat));
  section["SRMSE"] = number_or_null(srmse(y, yhat));
  section["note"] = "T_i = observed outflow of each origin; flows normalised to T_i";
  return section;
}

// A gravity model calibrated on observed flows (Poisson GLM). Fills yhat and fit_parameters.csv; returns the
// section.
Json gravity_on_od(const TableRunConfig& cfg, const OdTable& od, std::vector<double>& yhat,
                   TableRunOutput& out, Context& ctx) {
  CalibrationOptions co = calibration_options(cfg.options);
  co.glm.threads = ctx.thread_count();
  {
    // The Poisson design (rows x covariates) and, with both margins as fixed effects, the blocks of the
    // normal equations (origins x destinations and destinations squared).
    const std::uint64_t rows = od.rows.size(), places_n = od.codes.size();
    std::uint64_t bytes = mul_sat(rows, 16 * sizeof(double));
    if (co.form == GravityForm::kDoubly)
      bytes = add_sat(bytes, mul_sat(mul_sat(places_n, places_n), 2 * sizeof(double)));
    check_memory(ctx, bytes,
                 "gravity calibration on " + std::to_string(rows) + " OD rows between " +
                     std::to_string(places_n) + " places",
                 "use fewer places (aggregate zones) or a singly constrained model");
  }
  const GravityFit fit = calibrate_gravity(od, co);
  yhat = fit.fitted;
  CsvWriter params({"name", "estimate", "std_err", "t"});
  for (std::size_t i = 0; i < fit.params.size(); ++i)
    params.cell(fit.names[i]).cell(fit.params[i]).cell(fit.std_err[i]).cell(fit.tvalues[i]).end_row();
  out.csv["fit_parameters.csv"] = params.str();
  ctx.info("flows: " + std::string(form_name(fit.form)) + " gravity calibrated in " +
           std::to_string(fit.iterations) + " IRLS iterations, beta = " + format_number(fit.beta) +
           ", deviance = " + format_number(fit.deviance));
  return fit_to_json(fit);
}

// With an observed OD table: the model fitted (gravity) or applied (radiation) to it; flows.csv compares.
Json run_on_od(const Sources& src, TableRunOutput& out, Context& ctx) {
  const OdTable od = read_observed(src);
  std::vector<double> y, yhat;
  for (const auto& r : od.rows) y.push_back(r.flow);
  Json section = rank_model(src.cfg.options.model) ? rank_on_od(src, od, y, yhat, ctx)
                                                   : gravity_on_od(src.cfg, od, yhat, out, ctx);
  CsvWriter flows({"origin", "destination", "flow_observed", "flow_predicted", "cost_" + src.cost_unit});
  for (std::size_t k = 0; k < od.rows.size(); ++k) {
    const auto& r = od.rows[k];
    flows.cell(od.codes[r.origin]).cell(od.codes[r.dest]).cell(r.flow).cell(yhat[k]).cell(r.cost).end_row();
    src.add_line(out.lines, od.codes[r.origin], od.codes[r.dest], r.flow, yhat[k]);
  }
  out.csv["flows.csv"] = flows.str();
  section["source"] = "observed OD table";
  section["cost_unit"] = src.cost_unit;
  return section;
}

// Without observations: flows predicted between the places from their masses (gravity with the given or
// assumed beta, or radiation / intervening opportunities).
Json predict(const Sources& src, TableRunOutput& out, Context& ctx) {
  const TableRunConfig& cfg = src.cfg;
  const FlowsTableOptions& opt = cfg.options;
  if (!src.places || cfg.mass_col.empty())
    throw UsageError("flows: without --od, give --places with --mass-col to predict flows");
  const Places& places = *src.places;
  const std::size_t n = places.codes.size();
  // Per ordered pair: cost and flow matrices, the balancing's work, a CSV row and a flow line (~360 bytes).
  check_memory(ctx, mul_sat(mul_sat(n, n), 360),
               "flow prediction between " + std::to_string(n) + " places (" + std::to_string(n) + " x " +
                   std::to_string(n) + " pairs)",
               "predict for fewer places (e.g. aggregate them), or give an observed OD table (--od)");
  std::vector<double> m(n), O(n);
  Matrix<double> c(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = places.by_code.at(places.codes[i]).mass;
    O[i] = m[i] * opt.trip_rate;
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      c(i, j) = src.pair_cost(places.codes[i], places.codes[j]);
      if (opt.min_cost > 0 && c(i, j) < opt.min_cost) c(i, j) = opt.min_cost;
      if (c(i, j) == 0)
        throw InputError(
            src.matrix ? cfg.cost_matrix_path : cfg.places_path, "", "",
            (src.matrix ? "zero cost between distinct places " : "zero distance between distinct places ") +
                places.codes[i] + " and " + places.codes[j] +
                (src.matrix ? "" : " (duplicate coordinates?)") + "; give a minimum cost");
    }
  Matrix<double> t;
  Json section;
  if (rank_model(opt.model)) {
    t = rank_flows(opt, m, O, c, "cost_" + src.cost_unit, section);
  } else {
    GravityParams p;
    p.decay = opt.decay;
    p.beta = prediction_beta(opt);
    std::vector<double> D = m;
    const GravityForm form = gravity_form(opt.model);
    if (form == GravityForm::kDoubly) {
      const double so = std::accumulate(O.begin(), O.end(), 0.0),
                   sd = std::accumulate(D.begin(), D.end(), 0.0);
      for (double& v : D) v *= sd > 0 ? so / sd : 0.0;
    }
    FurnessReport rep;
    t = gravity_flows(form, O, D, c, p, {.min_cost = opt.min_cost}, {}, &rep);
    section = {{"model", form_name(form)},
               {"decay", flows::decay_name(p.decay)},
               {"beta", p.beta},
               {"parameters_source", opt.beta ? "given" : "assumed"},
               {"furness_iterations", rep.iterations}};
  }
  CsvWriter flows({"origin", "destination", "flow_predicted", "cost_" + src.cost_unit});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      flows.cell(places.codes[i]).cell(places.codes[j]).cell(t(i, j)).cell(c(i, j)).end_row();
      src.add_line(out.lines, places.codes[i], places.codes[j], std::nan(""), t(i, j));
    }
  out.csv["flows.csv"] = flows.str();
  section["source"] = "prediction (no observations)";
  section["cost_unit"] = src.cost_unit;
  section["trip_rate"] = opt.trip_rate;
  return section;
}

}  // namespace

const opt::Table<FlowsTableOptions>& flows_table_options() {
  using O = FlowsTableOptions;
  static const auto t =
      opt::Table<O>("flows_table",
                    "Flows on tables (`countyscope flows --od` / `--places`; Python `gravity_flows()`, "
                    "`calibrate_gravity()`)")
          .choice(
              "model", &O::model,
              {{"unconstrained", TableModel::kUnconstrained},
               {"production", TableModel::kProduction},
               {"attraction", TableModel::kAttraction},
               {"doubly", TableModel::kDoubly},
               {"radiation", TableModel::kRadiation},
               {"intervening", TableModel::kIntervening}},
              "the model: a gravity form (calibrated on --od, else predicted), radiation (parameter-free) or "
              "intervening opportunities (parameter intervening_l); radiation and intervening rank places by "
              "the given cost")
          .choice("decay", &O::decay, {{"exponential", Decay::kExponential}, {"power", Decay::kPower}},
                  "distance decay of the gravity model: exp(-beta c) or c^-beta")
          .optional_number(
              "beta", &O::beta, limits::kDecayBeta,
              "prediction: the decay parameter (unset: assumed, 0.1 per km exponential, 2 power; "
              "labelled so)")
          .number("trip_rate", &O::trip_rate, Range{"trip rate", 0, 1e6, ""},
                  "prediction: outflow per unit of origin mass")
          .number("min_cost", &O::min_cost, limits::kCost,
                  "costs below this are raised to it (power decay at zero)")
          .flag("no_constant", &O::no_constant, "calibration: no intercept")
          .flag("cost_only", &O::cost_only,
                "unconstrained calibration: cost as the only covariate (spint BaseGravity)")
          .flag("quasi", &O::quasi, "calibration: quasi-Poisson standard errors")
          .flag("spint", &O::spint, "calibration: reproduce PySAL spint's IRLS stopping rule and covariance")
          .integer("max_iter", &O::max_iter, 1, 100000, "iterations", "calibration: IRLS iteration limit")
          .optional_number(
              "tolerance", &O::tolerance, Range{"tolerance", 0, 1, "", true},
              "calibration: IRLS stopping tolerance (unset: 1e-08; with spint 1e-06, spint's default)")
          .optional_number("intervening_l", &O::intervening_l,
                           Range{"rate L", 0, 1e6, "per unit of mass", true},
                           "intervening: Schneider's L, the acceptance probability per unit of opportunity "
                           "(unset: assumed, 1 / total mass of the places; labelled so)")
          .renamed("form", "model")
          .renamed("spint_compatible", "spint");
  return t;
}

GravityForm gravity_form(TableModel m) {
  switch (m) {
    case TableModel::kUnconstrained:
      return GravityForm::kUnconstrained;
    case TableModel::kProduction:
      return GravityForm::kProduction;
    case TableModel::kAttraction:
      return GravityForm::kAttraction;
    case TableModel::kDoubly:
      return GravityForm::kDoubly;
    case TableModel::kRadiation:
    case TableModel::kIntervening:
      break;
  }
  throw UsageError("model '" + std::string(m == TableModel::kRadiation ? "radiation" : "intervening") +
                   "' is not a gravity form; valid: unconstrained, production, attraction, doubly");
}

CalibrationOptions calibration_options(const FlowsTableOptions& o) {
  CalibrationOptions c;
  c.form = gravity_form(o.model);
  c.decay = o.decay;
  c.constant = !o.no_constant;
  c.use_masses = !o.cost_only;
  c.min_cost = o.min_cost;
  c.glm.quasi = o.quasi;
  c.glm.max_iterations = o.max_iter;
  c.glm.spint_compatible = o.spint;
  if (o.tolerance)
    c.glm.tolerance = *o.tolerance;
  else if (o.spint)
    c.glm.tolerance = 1e-6;
  return c;
}

double prediction_beta(const FlowsTableOptions& o) {
  return o.beta ? *o.beta : (o.decay == Decay::kExponential ? kAssumedBetaPerKm : 2.0);
}

double intervening_l(const FlowsTableOptions& o, double total_mass) {
  if (o.intervening_l) return *o.intervening_l;
  return total_mass > 0 ? 1.0 / total_mass : 1.0;
}

TableRunOutput run_flows_table(const TableRunConfig& cfg, Context& ctx) {
  const Sources src(cfg);
  TableRunOutput out;
  out.lines = VectorLayer("flow_lines", GeomType::kLineString,
                          {{"origin", FieldType::kString},
                           {"destination", FieldType::kString},
                           {"flow_observed", FieldType::kReal},
                           {"flow_predicted", FieldType::kReal}});
  out.section = !cfg.od_path.empty() ? run_on_od(src, out, ctx) : predict(src, out, ctx);
  return out;
}

}  // namespace cs::flows
