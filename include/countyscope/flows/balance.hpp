// Factor flows between the tiers of a county (seat, towns, villages) and their two-way balance.
//
// Each factor (commuting labour, consumption, service use, capital) is a production- or doubly-constrained
// gravity model on the settlement-to-settlement travel-time matrix with its own origin / destination masses
// and decay. The balance sums the flows per ordered pair of tiers (village->town, village->seat, town->seat
// and the reverse), gives the net of each unordered pair, and for the seat and every town the share of its
// hinterland's outflow that it captures (hinterland = the villages for which it is the nearest centre by
// travel time).
//
// Example:
//   std::vector<cs::flows::FactorModel> f = cs::flows::default_factors();       // assumed parameters,
//   labelled so cs::flows::FactorMasses m = ...;                                             // population,
//   jobs proxy, ... auto flows = cs::flows::factor_flows(f, m, minutes);                          // one
//   matrix per factor cs::flows::Balance b = cs::flows::two_way_balance(tiers, names, minutes, f, flows);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <countyscope/core/matrix.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/flows/models.hpp>
#include <countyscope/io/results.hpp>

namespace cs::flows {

// Which mass vector feeds a side of a factor model.
enum class MassKind : std::uint8_t { kPopulation, kJobs, kFacilities, kCapitalOut, kCapitalIn };
MassKind parse_mass(std::string_view name);  // population | jobs | facilities | capital_out | capital_in
std::string_view mass_name(MassKind m);

struct FactorModel {
  std::string name;  // "labour", "consumption", "services", "capital"
  std::string unit;  // e.g. "commuters/day"
  GravityForm form = GravityForm::kProduction;
  Decay decay = Decay::kExponential;
  double beta_per_min = 0.1;  // decay per minute of travel time (exponential) or exponent (power)
  double rate = 1.0;          // flow generated per unit of origin mass
  MassKind origin = MassKind::kPopulation, dest = MassKind::kPopulation;
  double min_minutes = 1.0;  // power decay: minimum travel time
  bool assumed = true;       // parameters are documented defaults, not calibrated
};

// The documented defaults (docs/flows.md): labour, consumption, services (capital only when masses are
// given).
std::vector<FactorModel> default_factors();

struct FactorMasses {
  std::vector<double> population, jobs, facilities;  // per settlement
  std::vector<double> capital_out, capital_in;       // empty unless the user provides them
  [[nodiscard]] const std::vector<double>& get(MassKind k) const;
};

// Masses from the county model: population = dasymetric estimate (population_est); facilities = number of
// facilities whose nearest settlement (great circle) is this one; jobs proxy = facilities * jobs_per_facility
// + population * jobs_per_resident (documented crude proxy; give a jobs column to override).
FactorMasses county_masses(const County& c, double jobs_per_facility = 20.0, double jobs_per_resident = 0.1);

// One flow matrix per factor (settlement x settlement; minutes = travel times in minutes, +inf = no path).
// Factors whose masses are missing or all zero are skipped (an empty matrix).
std::vector<Matrix<double>> factor_flows(const std::vector<FactorModel>& factors, const FactorMasses& m,
                                         const Matrix<double>& minutes);

struct TierFlow {
  std::string factor;
  Tier from = Tier::kVillage, to = Tier::kTown;
  double flow = 0.0, reverse = 0.0, net = 0.0;  // from->to, to->from, flow - reverse
};
struct CentreShare {
  std::string factor;
  int centre = -1;  // settlement index (seat or town)
  std::size_t hinterland_places = 0;
  double hinterland_population = 0.0;
  double inbound_from_hinterland = 0.0, hinterland_outflow = 0.0, share = 0.0;  // share = inbound / outflow
  double inbound_total = 0.0, outbound_to_hinterland = 0.0;
};
struct Balance {
  std::vector<int> hinterland_of;  // per settlement: its centre (villages), itself (centres), -1 unreachable
  std::vector<TierFlow> tiers;
  std::vector<CentreShare> centres;
};

Balance two_way_balance(const std::vector<Tier>& tier, const Matrix<double>& minutes,
                        const std::vector<FactorModel>& factors, const std::vector<Matrix<double>>& flows,
                        const std::vector<double>& population);

// Its tables (flows_balance_tiers, flows_balance_centres: CSV and the results section) are made by the
// flows study (flows/study.hpp).

}  // namespace cs::flows
