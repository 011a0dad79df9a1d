// Calibrating gravity models from an observed origin-destination table as Poisson GLMs (log link), with
// origin / destination fixed effects for the constrained forms (Flowerdew & Aitkin 1982). The parameters,
// their order and the fit statistics follow PySAL spint, so fits can be compared one to one:
//   unconstrained  log mu = k + alpha ln O_i + gamma ln D_j + c(d_ij)      [const, ln O, ln D, cost]
//   production     log mu = mu_i + gamma ln D_j + c(d_ij)                  [const, origin FE (first dropped),
//   ln D, cost] attraction     log mu = nu_j + alpha ln O_i + c(d_ij)                  [const, dest FE (first
//   dropped), ln O, cost] doubly         log mu = mu_i + nu_j + c(d_ij)                          [const,
//   origin FE, dest FE, cost]
// with c(d) = coef * d (exponential decay) or coef * ln d (power decay); beta = -coef is the decay parameter.
// Fixed-effect levels are the place codes in sorted order (as numpy.unique), the first being the reference.
//
// Example:
//   cs::flows::OdTable od = cs::flows::read_od_csv("austria.csv", cols);
//   cs::flows::CalibrationOptions o;  o.form = cs::flows::GravityForm::kDoubly;
//   cs::flows::GravityFit fit = cs::flows::calibrate_gravity(od, o);   // fit.beta, fit.std_err, fit.aic ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <countyscope/flows/glm.hpp>
#include <countyscope/flows/models.hpp>
#include <countyscope/io/results.hpp>

namespace cs::flows {

// One observed flow: codes index OdTable::codes; masses per observation (NaN = not given); cost in any unit.
struct OdRow {
  std::uint32_t origin = 0, dest = 0;
  double flow = 0.0;
  double origin_mass = 0.0, dest_mass = 0.0;
  double cost = 0.0;
};

struct OdTable {
  std::string file;                // for messages
  std::vector<std::string> codes;  // place codes, sorted
  std::vector<OdRow> rows;
  std::vector<std::size_t> line;  // source line per row (messages)
  bool has_origin_mass = false, has_dest_mass = false;
  std::string cost_unit;  // e.g. "km", "s"
};

struct OdColumns {
  std::string origin = "origin", dest = "destination", flow = "flow";
  std::string origin_mass, dest_mass;  // empty = none
  std::string cost;                    // empty = from places / a matrix
};

// Reads an OD CSV. Rejects negative or non-finite flows, negative masses, zero cost off the diagonal (unless
// min_cost > 0) and duplicate pairs, each with one line naming file, line and column. When places is
// non-empty, every code must be in it ("code 'X' is not in the place list").
OdTable read_od_csv(const std::string& path, const OdColumns& cols,
                    const std::vector<std::string>& places = {}, double min_cost = 0.0);

struct CalibrationOptions {
  GravityForm form = GravityForm::kDoubly;
  Decay decay = Decay::kExponential;
  bool constant = true;    // intercept (spint's constant=True); false drops it (unconstrained only)
  bool use_masses = true;  // unconstrained: include ln O and ln D (false: cost only, spint's BaseGravity)
  double min_cost = 0.0;   // power decay: costs below are raised to this
  GlmOptions glm;
};

struct GravityFit {
  GravityForm form = GravityForm::kDoubly;
  Decay decay = Decay::kExponential;
  bool quasi = false;
  std::vector<std::string> names;  // "const", "origin_<code>", "dest_<code>", "ln_O", "ln_D", "cost"
  std::vector<double> params, std_err, tvalues;
  double beta = 0.0, beta_se = 0.0;  // decay parameter (= -coef of cost) and its standard error
  double alpha = 1.0, gamma = 1.0;   // mass exponents where estimated
  std::vector<double> fitted;        // per OdTable row
  int iterations = 0;
  std::size_t n_obs = 0, k = 0;
  double deviance = 0, null_deviance = 0, llf = 0, llnull = 0, aic = 0;
  double D2 = 0, adj_D2 = 0, pseudoR2 = 0, adj_pseudoR2 = 0, SSI = 0, SRMSE = 0, scale = 1;
};

GravityFit calibrate_gravity(const OdTable& od, const CalibrationOptions& opt);

// Goodness of fit helpers (spint definitions): Sorensen similarity index and standardised RMSE.
double sorensen_index(const std::vector<double>& y, const std::vector<double>& yhat);
double srmse(const std::vector<double>& y, const std::vector<double>& yhat);

// The fit as a results-JSON object (parameters with names, standard errors, statistics).
Json fit_to_json(const GravityFit& fit);

}  // namespace cs::flows
