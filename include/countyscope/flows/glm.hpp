// Poisson GLM (log link) fitted by iteratively reweighted least squares, with up to two sets of fixed effects
// absorbed through their block structure (Flowerdew & Aitkin 1982 for origin / destination constraints).
//
// The design is y ~ Poisson(mu), log mu = offset + a[fe1] + b[fe2] + x beta. The first effect a has one
// parameter per level (it plays the intercept); the second effect b drops its level 0 (reference). The normal
// equations
//   [ A  B ] [da]   [ra]       A = diag(sum of weights per level of fe1)
//   [ B' M ] [dq] = [rq]       B = fe1-by-(fe2, x) cross-weights, M = the (fe2, x) block
// are solved by eliminating the diagonal A (a Schur complement S = M - B' A^-1 B of size (n_fe2 - 1 + p)), so
// a 1,000 x 1,000 doubly constrained model costs O(n m^2) per iteration instead of a dense 10^6 x 2,000
// design.
//
// Example:
//   cs::flows::PoissonDesign d;  d.y = flows;  d.fe1 = origin_of_obs;  d.n_fe1 = n;  d.x = cost_column;
//   cs::flows::PoissonFit f = cs::flows::fit_poisson(d, {});   // f.beta, f.se_beta, f.deviance, f.iterations
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <countyscope/core/matrix.hpp>

namespace cs::flows {

struct PoissonDesign {
  std::vector<double> y;           // observed counts / flows, >= 0
  std::vector<double> offset;      // empty = 0
  std::vector<std::uint32_t> fe1;  // empty = no first effect; else level per observation, < n_fe1
  std::size_t n_fe1 = 0;
  std::vector<std::uint32_t> fe2;  // empty = no second effect; level 0 is the reference
  std::size_t n_fe2 = 0;
  Matrix<double> x;  // observations x p covariates (add a column of ones for an intercept)
};

struct GlmOptions {
  double tolerance = 1e-8;   // stop when every parameter moved by less than tolerance * (1 + |value|)
  int max_iterations = 100;  // IRLS iterations; reaching it is an error that names the count
  bool quasi = false;        // quasi-Poisson: standard errors scaled by Pearson chi^2 / (n - k)
  int threads = 1;           // for the Schur complement and covariance (0 = all cores)
  bool covariance = true;    // compute standard errors
  // Reproduce PySAL spint's iwls exactly: stop when the *smallest* parameter change is <= tolerance (from
  // zeros) and take the covariance from the weights of the last iteration (not of the final estimate). Use
  // with tolerance = 1e-6 (spint GLM.fit default) to compare with spint's published numbers; the default
  // stops on the largest change and evaluates the covariance at the estimate (the textbook MLE; standard
  // errors differ from spint by ~1e-5).
  bool spint_compatible = false;
};

struct PoissonFit {
  std::vector<double> a, b, beta;           // b[0] = 0 (reference level)
  std::vector<double> se_a, se_b, se_beta;  // se_b[0] = 0
  std::vector<double> cov_a_ref;            // Cov(a_i, a_0), for re-expressing a as intercept + differences
  std::vector<double> mu;                   // fitted values per observation
  int iterations = 0;
  std::size_t n_obs = 0, n_params = 0;
  double deviance = 0, null_deviance = 0, llf = 0, llnull = 0, pearson_chi2 = 0, scale = 1;
};

// Throws InputError for negative / non-finite y or x, a level without observations or a singular design
// (collinear columns), and cs::Error (kInfeasible) "Poisson GLM (IRLS) did not converge after N iterations
// ..." when the tolerance is not reached (e.g. a fixed-effect level whose observed flows are all zero).
PoissonFit fit_poisson(const PoissonDesign& d, const GlmOptions& opt = {});

}  // namespace cs::flows
