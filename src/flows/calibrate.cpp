// Gravity calibration as Poisson GLMs with spint-compatible parameterisation (see calibrate.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::flows {

namespace {

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace

OdTable read_od_csv(const std::string& path, const OdColumns& cols, const std::vector<std::string>& places,
                    double min_cost) {
  const CsvTable t = read_csv(path);
  OdTable od;
  od.file = path;
  const std::size_t co = t.column(cols.origin), cd = t.column(cols.dest), cf = t.column(cols.flow);
  std::optional<std::size_t> com, cdm, cc;
  if (!cols.origin_mass.empty()) com = t.column(cols.origin_mass);
  if (!cols.dest_mass.empty()) cdm = t.column(cols.dest_mass);
  if (!cols.cost.empty()) cc = t.column(cols.cost);
  od.has_origin_mass = com.has_value();
  od.has_dest_mass = cdm.has_value();
  const std::set<std::string> known(places.begin(), places.end());
  std::set<std::string> codes;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (std::size_t c : {co, cd}) {
      const std::string& code = t.text(r, c);
      if (code.empty()) throw InputError(path, t.where(r), t.header[c], "empty place code");
      if (!places.empty() && !known.count(code))
        throw InputError(path, t.where(r), t.header[c], "code '" + code + "' is not in the place list");
      codes.insert(code);
    }
  }
  od.codes.assign(codes.begin(), codes.end());
  std::map<std::string, std::uint32_t> index;
  for (std::size_t i = 0; i < od.codes.size(); ++i) index[od.codes[i]] = static_cast<std::uint32_t>(i);
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> seen;  // pair -> row
  for (std::size_t r = 0; r < t.rows(); ++r) {
    OdRow row;
    row.origin = index[t.text(r, co)];
    row.dest = index[t.text(r, cd)];
    if (const auto [it, fresh] = seen.emplace(std::pair{row.origin, row.dest}, r); !fresh)
      throw InputError(path, t.where(r), t.header[co] + "," + t.header[cd],
                       "duplicate pair '" + t.text(r, co) + "' -> '" + t.text(r, cd) + "' (also on " +
                           t.where(it->second) + ")");
    row.flow = t.number(r, cf, limits::kMass);
    if (com) row.origin_mass = t.number(r, *com, limits::kMass);
    if (cdm) row.dest_mass = t.number(r, *cdm, limits::kMass);
    if (cc) {
      row.cost = t.number(r, *cc);
      if (row.cost < 0) throw InputError(path, t.where(r), t.header[*cc], "negative cost " + num(row.cost));
      if (min_cost > 0 && row.cost < min_cost) row.cost = min_cost;
      if (row.cost == 0 && row.origin != row.dest)
        throw InputError(path, t.where(r), t.header[*cc],
                         "zero cost between distinct places " + t.text(r, co) + " and " + t.text(r, cd) +
                             " (duplicate coordinates?); give a minimum cost to allow it");
    }
    od.rows.push_back(row);
    od.line.push_back(t.line[r]);
  }
  if (od.rows.empty()) throw InputError(path, "", "", "no OD rows");
  return od;
}

double sorensen_index(const std::vector<double>& y, const std::vector<double>& yhat) {
  double s = 0.0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    const double den = y[k] + yhat[k];
    s += den > 0 ? 2.0 * std::min(y[k], yhat[k]) / den : 1.0;
  }
  return s / static_cast<double>(y.size());
}

double srmse(const std::vector<double>& y, const std::vector<double>& yhat) {
  double ss = 0.0, sy = 0.0;
  for (std::size_t k = 0; k < y.size(); ++k) {
    ss += (y[k] - yhat[k]) * (y[k] - yhat[k]);
    sy += y[k];
  }
  const double n = static_cast<double>(y.size());
  return std::sqrt(ss / n) / (sy / n);
}

GravityFit calibrate_gravity(const OdTable& od, const CalibrationOptions& opt) {
  const std::size_t n = od.rows.size();
  const GravityForm form = opt.form;
  const bool need_o =
      form == GravityForm::kAttraction || (form == GravityForm::kUnconstrained && opt.use_masses);
  const bool need_d =
      form == GravityForm::kProduction || (form == GravityForm::kUnconstrained && opt.use_masses);
  if (need_o && !od.has_origin_mass)
    throw UsageError("the " + std::string(form_name(form)) +
                     " model needs origin masses (an origin-mass column)");
  if (need_d && !od.has_dest_mass)
    throw UsageError("the " + std::string(form_name(form)) +
                     " model needs destination masses (a destination-mass column)");

  // Levels of the fixed effects: codes that occur as origins / destinations, in sorted order.
  std::vector<std::int64_t> olevel(od.codes.size(), -1), dlevel(od.codes.size(), -1);
  std::vector<std::string> onames, dnames;
  {
    std::vector<char> iso(od.codes.size(), 0), isd(od.codes.size(), 0);
    for (const auto& r : od.rows) iso[r.origin] = isd[r.dest] = 1;
    for (std::size_t c = 0; c < od.codes.size(); ++c) {
      if (iso[c]) {
        olevel[c] = static_cast<std::int64_t>(onames.size());
        onames.push_back(od.codes[c]);
      }
      if (isd[c]) {
        dlevel[c] = static_cast<std::int64_t>(dnames.size());
        dnames.push_back(od.codes[c]);
      }
    }
  }

  PoissonDesign d;
  d.y.resize(n);
  std::vector<std::string> cov_names;
  if (form == GravityForm::kUnconstrained && opt.constant) cov_names.push_back("const");
  if (need_o) cov_names.push_back("ln_O");
  if (need_d) cov_names.push_back("ln_D");
  cov_names.push_back("cost");
  const std::size_t p = cov_names.size();
  d.x = Matrix<double>(n, p);
  check_flow_decay(opt.decay);
  const bool power = opt.decay == Decay::kPower;
  auto cost_of = [&](const OdRow& r) {
    return opt.min_cost > 0 && r.cost < opt.min_cost ? opt.min_cost : r.cost;
  };
  // Validate row by row (the first bad row is the one reported), then fill the design in parallel.
  for (std::size_t k = 0; k < n; ++k) {
    const OdRow& r = od.rows[k];
    const auto where = [&] { return "line " + std::to_string(od.line[k]); };
    if (need_o && !(r.origin_mass > 0))
      throw InputError(od.file, where(), "origin mass", "must be > 0 for ln O, got " + num(r.origin_mass));
    if (need_d && !(r.dest_mass > 0))
      throw InputError(od.file, where(), "destination mass", "must be > 0 for ln D, got " + num(r.dest_mass));
    if (power && !(cost_of(r) > 0))
      throw InputError(od.file, where(), "cost",
                       "zero cost under power decay; give a minimum cost or exclude the pair");
  }
  const bool constant = form == GravityForm::kUnconstrained && opt.constant;
  constexpr std::size_t kRows = 1 << 15;
  parallel_for((n + kRows - 1) / kRows, opt.glm.threads, [&](std::size_t chunk, int) {
    for (std::size_t k = chunk * kRows, e = std::min(n, (chunk + 1) * kRows); k < e; ++k) {
      const OdRow& r = od.rows[k];
      d.y[k] = r.flow;
      std::size_t c = 0;
      if (constant) d.x(k, c++) = 1.0;
      if (need_o) d.x(k, c++) = std::log(r.origin_mass);
      if (need_d) d.x(k, c++) = std::log(r.dest_mass);
      d.x(k, c++) = power ? std::log(cost_of(r)) : cost_of(r);
    }
  });
  const bool fe_o = form == GravityForm::kProduction || form == GravityForm::kDoubly;
  const bool fe_d = form == GravityForm::kAttraction || form == GravityForm::kDoubly;
  if (fe_o || fe_d) {
    d.fe1.resize(n);
    const bool first_is_origin = fe_o;
    d.n_fe1 = first_is_origin ? onames.size() : dnames.size();
    for (std::size_t k = 0; k < n; ++k)
      d.fe1[k] =
          static_cast<std::uint32_t>(first_is_origin ? olevel[od.rows[k].origin] : dlevel[od.rows[k].dest]);
  }
  if (fe_o && fe_d) {
    d.fe2.resize(n);
    d.n_fe2 = dnames.size();
    for (std::size_t k = 0; k < n; ++k) d.fe2[k] = static_cast<std::uint32_t>(dlevel[od.rows[k].dest]);
  }

  const PoissonFit pf = fit_poisson(d, opt.glm);

  GravityFit g;
  g.form = form;
  g.decay = opt.decay;
  g.quasi = opt.glm.quasi;
  if (!d.fe1.empty()) {
    const auto& names1 = fe_o ? onames : dnames;
    const std::string pre = fe_o ? "origin_" : "dest_";
    if (opt.constant) {
      g.names.push_back("const");
      g.params.push_back(pf.a[0]);
      g.std_err.push_back(pf.se_a.empty() ? 0.0 : pf.se_a[0]);
      for (std::size_t i = 1; i < pf.a.size(); ++i) {
        g.names.push_back(pre + names1[i]);
        g.params.push_back(pf.a[i] - pf.a[0]);
        const double v =
            pf.se_a.empty() ? 0.0 : pf.se_a[i] * pf.se_a[i] + pf.se_a[0] * pf.se_a[0] - 2.0 * pf.cov_a_ref[i];
        g.std_err.push_back(std::sqrt(std::max(v, 0.0)));
      }
    } else {
      for (std::size_t i = 0; i < pf.a.size(); ++i) {
        g.names.push_back(pre + names1[i]);
        g.params.push_back(pf.a[i]);
        g.std_err.push_back(pf.se_a.empty() ? 0.0 : pf.se_a[i]);
      }
    }
  }
  for (std::size_t j = 1; j < pf.b.size(); ++j) {
    g.names.push_back("dest_" + dnames[j]);
    g.params.push_back(pf.b[j]);
    g.std_err.push_back(pf.se_b.empty() ? 0.0 : pf.se_b[j]);
  }
  for (std::size_t c = 0; c < p; ++c) {
    g.names.push_back(cov_names[c]);
    g.params.push_back(pf.beta[c]);
    g.std_err.push_back(pf.se_beta.empty() ? 0.0 : pf.se_beta[c]);
    if (cov_names[c] == "ln_O") g.alpha = pf.beta[c];
    if (cov_names[c] == "ln_D") g.gamma = pf.beta[c];
  }
  g.beta = -pf.beta[p - 1];
  g.beta_se = pf.se_beta.empty() ? 0.0 : pf.se_beta[p - 1];
  for (std::size_t i = 0; i < g.params.size(); ++i)
    g.tvalues.push_back(g.std_err[i] > 0 ? g.params[i] / g.std_err[i] : 0.0);
  g.fitted = pf.mu;
  g.iterations = pf.iterations;
  g.n_obs = n;
  g.k = pf.n_params;
  g.deviance = pf.deviance;
  g.null_deviance = pf.null_deviance;
  g.llf = pf.llf;
  g.llnull = pf.llnull;
  g.scale = pf.scale;
  const double kk = static_cast<double>(g.k), nn = static_cast<double>(n);
  g.aic = -2.0 * g.llf + 2.0 * kk;
  g.D2 = 1.0 - g.deviance / g.null_deviance;
  g.adj_D2 = 1.0 - (nn - 1.0) / (nn - kk) * (1.0 - g.D2);
  g.pseudoR2 = 1.0 - g.llf / g.llnull;
  g.adj_pseudoR2 = 1.0 - (g.llf - kk) / g.llnull;
  g.SSI = sorensen_index(d.y, g.fitted);
  g.SRMSE = srmse(d.y, g.fitted);
  return g;
}

Json fit_to_json(const GravityFit& f) {
  Json params = Json::array();
  for (std::size_t i = 0; i < f.params.size(); ++i)
    params.push_back({{"name", f.names[i]},
                      {"estimate", number_or_null(f.params[i])},
                      {"std_err", number_or_null(f.std_err[i])},
                      {"t", number_or_null(f.tvalues[i])}});
  return {{"model", form_name(f.form)},
          {"decay", flows::decay_name(f.decay)},
          {"quasi_poisson", f.quasi},
          {"parameters", params},
          {"beta", number_or_null(f.beta)},
          {"beta_std_err", number_or_null(f.beta_se)},
          {"iterations", f.iterations},
          {"n_obs", f.n_obs},
          {"k", f.k},
          {"deviance", number_or_null(f.deviance)},
          {"null_deviance", number_or_null(f.null_deviance)},
          {"llf", number_or_null(f.llf)},
          {"llnull", number_or_null(f.llnull)},
          {"aic", number_or_null(f.aic)},
          {"D2", number_or_null(f.D2)},
          {"adj_D2", number_or_null(f.adj_D2)},
          {"pseudoR2", number_or_null(f.pseudoR2)},
          {"adj_pseudoR2", number_or_null(f.adj_pseudoR2)},
          {"SSI", number_or_null(f.SSI)},
          {"SRMSE", number_or_null(f.SRMSE)},
          {"scale", number_or_null(f.scale)},
          {"parameters_source", "calibrated"}};
}

}  // namespace cs::flows
