// Spatial-interaction models (docs/flows.md, docs/methods.md "Spatial interaction"): the gravity family in
// four forms (Wilson 1971) with power or exponential decay, doubly constrained flows balanced by Furness /
// iterative proportional fitting, the parameter-free radiation model (Simini et al. 2012) and Schneider's
// intervening opportunities model. All flows are dense origin x destination matrices of doubles; a cost of
// +inf ("no path") gives no flow.
//
// Example:
//   cs::flows::GravityParams p;  p.decay = cs::flows::Decay::kExponential;  p.beta = 0.1;   // per cost unit
//   cs::flows::FurnessReport rep;
//   cs::Matrix<double> t = cs::flows::gravity_flows(cs::flows::GravityForm::kDoubly, O, D, cost, p, {}, {},
//   &rep);
//   // rows of t sum to O, columns to D; rep.iterations Furness sweeps were needed
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/decay.hpp>
#include <countyscope/core/matrix.hpp>

namespace cs::flows {

// f(c) = c^-beta (power) or exp(-beta c) (exponential); beta > 0 means flows fall with cost. The project's
// one Decay (core/decay.hpp); flows use its power and exponential members (gaussian / linear are refused).
using cs::Decay;
// "power" (alias "pow") / "exponential" (alias "exp"); throws UsageError listing the valid names.
Decay parse_decay(std::string_view name);
std::string_view decay_name(Decay d);
// UsageError unless d is power or exponential (the decays of the interaction models).
void check_flow_decay(Decay d);

enum class GravityForm : std::uint8_t { kUnconstrained, kProduction, kAttraction, kDoubly };
// "unconstrained" / "production" / "attraction" / "doubly"; throws UsageError listing the valid names.
GravityForm parse_form(std::string_view name);
std::string_view form_name(GravityForm f);

// How costs enter the decay. Power decay at zero cost is infinite: co-located pairs need an explicit minimum
// cost (costs below it are raised to it) or are excluded (no flow) — never a silent infinity.
struct CostOptions {
  double min_cost = 0.0;         // > 0: costs below are raised to this value
  bool exclude_diagonal = true;  // square systems: no intra-zonal flow (i == j)
  bool exclude_zero = false;     // pairs with cost <= 0 (after min_cost) get no flow instead of an error
};

// T_ij = k O_i^alpha D_j^gamma f(c_ij) (unconstrained); the constrained forms use their balancing factors
// instead of k (and of alpha for production, gamma for attraction; doubly uses O_i D_j f_ij with both
// balancing factors).
struct GravityParams {
  Decay decay = Decay::kExponential;
  double beta = 0.1;
  double log_k = 0.0;
  double alpha = 1.0;
  double gamma = 1.0;
};

// Decay value for one cost under the options; 0 for excluded / unreachable pairs. Throws InputError for a
// zero cost under power decay when neither min_cost nor exclude_zero says what to do.
double decay_weight(const GravityParams& p, double cost, const CostOptions& opt);

struct FurnessOptions {
  double tolerance =
      1e-12;  // max |row sum - O_i| / max(O_i, 1) after a sweep (columns are exact after each sweep)
  int max_iterations = 10000;
};
struct FurnessReport {
  int iterations = 0;
  double max_relative_error = 0.0;
};

// Flows for one of the four forms. O (rows) and D (cols) are masses (the constrained totals for the
// constrained forms; doubly constrained needs sum O == sum D to 1e-9 relative). Throws InputError for
// negative masses or a constrained total that no reachable pair can carry, and cs::Error (kInfeasible) when
// Furness does not reach the tolerance within max_iterations ("... did not converge after N iterations ...").
Matrix<double> gravity_flows(GravityForm form, std::span<const double> O, std::span<const double> D,
                             const Matrix<double>& cost, const GravityParams& p, const CostOptions& copt = {},
                             const FurnessOptions& fopt = {}, FurnessReport* report = nullptr);

// Furness / IPF on a given weight matrix w_ij >= 0: returns A_i B_j O_i D_j w_ij with rows summing to O and
// columns to D.
Matrix<double> furness(std::span<const double> O, std::span<const double> D, const Matrix<double>& w,
                       const FurnessOptions& fopt = {}, FurnessReport* report = nullptr);

struct RadiationOptions {
  // The raw model sends T_i (1 - m_i / M) of T_i out of a finite system; true rescales every origin's flows
  // so they sum to T_i exactly (scikit-mobility's finite-size normalisation, made exact under distance ties).
  bool normalise = true;
};
// Radiation model (Simini et al. 2012): T_ij = T_i m_i n_j / ((m_i + s_ij)(m_i + n_j + s_ij)), where s_ij is
// the population strictly closer to i than j is (r_ik < r_ij), excluding i and j. mass = m = n (population),
// out = T_i, dist = any cost that ranks the places from each origin (distance, time, money; symmetric or
// not), +inf = unreachable (no flow, not counted in s). Square system; no intra-zonal flow. Ties: places at
// the same cost from i share the same s_ij (none of them counts as closer than another).
Matrix<double> radiation_flows(std::span<const double> mass, std::span<const double> out,
                               const Matrix<double>& dist, const RadiationOptions& opt = {});
// s_ij as defined above (exposed for tests and outputs).
Matrix<double> intervening_population(std::span<const double> mass, const Matrix<double>& dist);

// Intervening opportunities (Stouffer 1940, Schneider 1959): P_ij = exp(-L V_ij) - exp(-L (V_ij + n_j)), the
// probability that a trip from i passes the V_ij opportunities ranked closer than j (V_ij = s_ij above: the
// destinations' mass strictly closer to i than j under dist, excluding i and j; ties share V) and stops at
// one of j's n_j. L > 0 is the acceptance probability per unit of opportunity (per unit of mass). Origin
// constrained: rows scaled to T_i (normalise = true); without it T_ij = T_i P_ij, which sums to
// T_i (1 - exp(-L (M - m_i))) when no two destinations tie (the trips never absorbed are lost).
Matrix<double> intervening_opportunities_flows(std::span<const double> mass, std::span<const double> out,
                                               const Matrix<double>& dist, double L, bool normalise = true);

}  // namespace cs::flows
