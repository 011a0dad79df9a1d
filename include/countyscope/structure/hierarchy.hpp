// Settlement hierarchy: a centrality score per settlement from its population, the services present (facility
// types within reach of it) and its network position (population reachable within reach_s), a tier proposed
// from the score next to the tier the data states, and the mismatches ("a town with no services", "a village
// acting as a centre").
//
// Score = (w_pop * P + w_services * S + w_reach * R) / (w_pop + w_services + w_reach), each part in [0, 1]:
//   P = ln(1 + pop) / ln(1 + max pop)  (log: settlement sizes are heavy-tailed);
//   S = service types present / service types present anywhere;   R = reachable pop / max reachable pop.
// Facility j is "present" at the settlement nearest to it (settlement -> facility time) if within
// facility_radius_s. Proposed tier: the top score is the seat; others with score >= town_score are towns; the
// rest villages.
//
// Example:
//   cs::Hierarchy h = cs::structure::rank_settlements(pop, stated, demand_to_settlement, demand_pop,
//                                          settlement_to_facility, facility_type, n_types,
//                                          cs::HierarchyConfig{});
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <countyscope/core/error.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/core/types.hpp>
#include <countyscope/county/county.hpp>

namespace cs::structure {

struct HierarchyConfig {
  double reach_s = 1800.0;           // network position: population reachable within this time
  double facility_radius_s = 600.0;  // a facility counts at its nearest settlement when within this time
  double w_pop = 1.0, w_services = 1.0, w_reach = 1.0;
  double town_score = 0.75;  // proposed town at or above this score
};
[[nodiscard]] std::vector<Problem> validate(const HierarchyConfig& cfg);

enum class Mismatch : std::uint8_t {
  kNone,
  kTownWithoutServices,
  kVillageActingAsCentre,
  kWeakTown,
  kSeatNotTop
};
std::string_view mismatch_text(Mismatch m);

struct SettlementRank {
  double population = 0.0;        // tagged population, else the dasymetric estimate
  double reach_population = 0.0;  // demand population within reach_s of it (demand -> settlement)
  std::vector<std::uint32_t> facilities_by_type;
  std::uint32_t facilities = 0, service_types = 0;
  double pop_part = 0.0, services_part = 0.0, reach_part = 0.0, score = 0.0;
  std::uint32_t rank = 0;  // 1 = highest score (ties: lower settlement index first)
  Tier stated = Tier::kVillage, proposed = Tier::kVillage;
  Mismatch mismatch = Mismatch::kNone;
};

struct Hierarchy {
  std::vector<SettlementRank> settlements;
  std::vector<std::uint32_t> mismatches;  // settlement indices with a mismatch, in rank order
};

// population/stated: per settlement; demand_to_settlement: demand x settlements (s); settlement_to_facility:
// settlements x facilities (s); facility_type: per facility, < n_types. Throws InputError on mismatched
// sizes.
Hierarchy rank_settlements(std::span<const double> population, std::span<const Tier> stated,
                           const TimeMatrix& demand_to_settlement, std::span<const double> demand_pop,
                           const TimeMatrix& settlement_to_facility,
                           std::span<const std::uint16_t> facility_type, std::size_t n_types,
                           const HierarchyConfig& cfg);

}  // namespace cs::structure
