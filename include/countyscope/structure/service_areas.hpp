// Town service areas: every demand point and village assigned to its nearest centre (seat or town) by network
// travel time (a network Voronoi partition), and optionally a probabilistic Huff assignment.
//
// Ties (equal times) go to the centre listed first, so the partition is deterministic. Points with no finite
// time to any centre (or beyond max_time_s when set) are left unassigned (-1) and reported; population over
// all areas plus the unassigned population equals the county total. Huff (1963): P_ij = A_j^alpha t_ij^-beta
// / sum_k A_k^alpha t_ik^-beta over reachable centres, with t clamped below at min_time_s (d^-beta is
// infinite at zero time).
//
// Example:
//   cs::ServiceAreas sa = cs::structure::assign_service_areas(demand_to_centre, demand_pop,
//   village_to_centre,
//                                                  centre_attract, cs::ServiceAreaConfig{});
//   sa.centres[0].population; sa.demand_centre[i];
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/core/types.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::structure {

enum class AssignMode : std::uint8_t { kNearest, kHuff };
AssignMode parse_assign_mode(std::string_view s);  // "nearest" / "huff"; UsageError lists the valid names
std::string_view assign_mode_name(AssignMode m);

struct ServiceAreaConfig {
  AssignMode mode = AssignMode::kNearest;  // kHuff adds probabilities next to the nearest-centre partition
  double huff_alpha = 1.0;                 // exponent of the centre's attractiveness
  double huff_beta = 2.0;                  // exponent of travel time
  double min_time_s = 60.0;                // Huff: times below this count as this
  double max_time_s = 0.0;  // 0 = no limit; points farther than this from every centre: unassigned
};
[[nodiscard]] std::vector<Problem> validate(const ServiceAreaConfig& cfg);

struct CentreArea {
  double population = 0.0;       // nearest-centre assignment
  double huff_population = 0.0;  // expected population under Huff (0 unless mode is kHuff)
  std::size_t demand_points = 0;
  std::size_t villages = 0;
  double mean_time_s = 0.0;  // population-weighted over the assigned demand points (NaN when none)
  double max_time_s = 0.0;   // over the assigned demand points (NaN when none)
};

struct ServiceAreas {
  std::vector<std::int32_t> demand_centre;  // per demand point: column of the centre, -1 unassigned
  std::vector<float> demand_time_s;         // time to that centre (+inf when unassigned)
  std::vector<std::int32_t> village_centre;
  std::vector<float> village_time_s;
  std::vector<CentreArea> centres;
  double unassigned_population = 0.0;
  std::size_t unassigned_demand_points = 0, unassigned_villages = 0;
  Matrix<float> huff;  // demand x centres probabilities (empty unless kHuff); rows sum to 1 or are all 0
};

// demand_to_centre: demand points x centres (s, +inf = no path); demand_pop: per demand point;
// village_to_centre: villages x centres; attractiveness: per centre (Huff only; may be empty for kNearest).
// Throws InputError on mismatched sizes or negative population.
ServiceAreas assign_service_areas(const TimeMatrix& demand_to_centre, std::span<const double> demand_pop,
                                  const TimeMatrix& village_to_centre, std::span<const double> attractiveness,
                                  const ServiceAreaConfig& cfg);

// Travel times from many points to a few targets (points x targets, seconds, +inf = no path), by one backward
// Dijkstra per target on the reverse graph (in parallel over targets): the same values as
// travel_time_matrix(g, points, targets) with access legs, at the cost of `targets` searches instead of
// `points`.
TimeMatrix times_to_targets(const network::RoadGraph& g, std::span<const network::Snap> points,
                            std::span<const network::Snap> targets, Context& ctx);

}  // namespace cs::structure
