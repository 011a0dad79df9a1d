// Industrial integration in the county (docs/industry.md): the farm output of each village's catchment and
// the collection points and processing / cold-chain hubs that bring it to the county seat's market.
//
//   supply   OSM farm land use (farmland, orchard, vineyard, greenhouse_horticulture, meadow, animal_keeping,
//            aquaculture) inside the county, each area given to its nearest settlement, times a yield table
//            (t/ha/yr; documented defaults, [industry.yields] overrides one class, yield_table replaces them
//            all); a county's own output by township (output_table) wins over the estimate there and is
//            spread over the township's settlements in proportion to it.
//   siting   industry/hubs.hpp on the settlements: every settlement may host a collection point, the seat and
//            the towns a hub (hub_candidates = "all": every settlement); the market is the seat; distances by
//            road (shortest route, km), times by car.
//
// Example:
//   cs::industry::IndustryOptions o;  // the registry's [industry] defaults
//   const auto sup = cs::industry::farm_supply(county, o, {});
//   const auto st = cs::industry::run_industry(county, sup, road_km, car_minutes, o, ctx);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/industry/hubs.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::industry {

enum class HubCandidates { kTowns, kAll };

// [industry] (plan file). Costs in yuan; every default is an assumption listed in docs/industry.md.
struct IndustryOptions {
  bool run = false;
  std::string yield_table;   // CSV class,t_per_ha: replaces the default yields (every class present needed)
  std::string output_table;  // CSV unit,tonnes: a county's own farm output by township
  double cost_first_mile = 1.2;  // yuan per tonne-km, village -> collection point (small farm vehicles)
  double cost_trunk = 0.45;      // yuan per tonne-km, point -> hub -> market (trucks)
  double collection_fixed = 150000, collection_capacity = 3000;  // yuan/yr annualised, t/yr
  double hub_fixed = 1500000, hub_capacity = 30000;
  std::vector<double> cost_breaks{0, 5000, 15000};  // t/yr: processing cost per tonne falls at these
  std::vector<double> cost_slopes{200, 150, 110};   // yuan per tonne on each stretch
  HubCandidates hub_candidates = HubCandidates::kTowns;
  HubMethod method = HubMethod::kAuto;
  std::int64_t exact_max_pairs = 20000;
  double time_limit_min = 1;
  double near_min = 30;  // supply within this many minutes of a collection point
  // Set by the pass from [industry.yields] (class -> t/ha/yr), over the defaults.
  std::map<std::string, double> yields;
};
[[nodiscard]] const opt::Table<IndustryOptions>& industry_options();

struct YieldRow {
  double t_per_ha = 0;
  std::string source;
};
// The documented default yields (t/ha/yr) with their sources.
[[nodiscard]] const std::map<std::string, YieldRow>& default_yields();

struct FarmSupply {
  std::vector<std::string> classes;                 // farm classes present, sorted
  std::vector<double> class_area_ha, class_tonnes;  // per class
  std::map<std::string, YieldRow> yields;           // the table used
  std::string yields_source;                        // "defaults", "FILE", "defaults + [industry.yields]"
  std::vector<double> area_ha, tonnes;              // per settlement
  std::vector<std::string> source;                  // per settlement: "land use" | "output.csv line 3"
  double total_tonnes = 0, total_area_ha = 0;
  std::size_t areas = 0, areas_outside = 0;  // farm land-use areas counted / outside the boundary
};
// Throws InputError naming the file, line and field (a yield table missing a class present in the county,
// NaN / negative values, an unknown township, a duplicate).
[[nodiscard]] FarmSupply farm_supply(const County& c, const IndustryOptions& o);

// Road distances in km between snapped points along the shortest road route (the graph's edge lengths; no
// access legs): +inf where there is no route.
[[nodiscard]] Matrix<double> road_km(const network::RoadGraph& g, std::span<const network::Snap> from,
                                     std::span<const network::Snap> to, Context& ctx);

struct IndustryStudy {
  HubProblem problem;
  std::vector<std::uint32_t> origin_settlement, collect_settlement, hub_settlement;
  std::vector<std::uint32_t> unreached;  // settlements with supply and no road to any candidate
  HubSolution solution;
  double tkm_before = 0;  // every settlement's supply straight to the seat's market by road
  double share_near_before = 0, share_near_after = 0;  // supply within near_min of the seat / of a point
  std::size_t seat = 0;
};
// The siting on the county's settlements. road: settlements x settlements km; minutes: settlements x
// settlements car minutes. InputError when the candidates cannot hold the supply, naming options_file (the
// plan file that set the [industry] options; empty: left out) and the option.
[[nodiscard]] IndustryStudy run_industry(const County& c, const FarmSupply& s, const Matrix<double>& road,
                                         const Matrix<double>& minutes, const IndustryOptions& o,
                                         Context& ctx, std::string_view options_file = {});

}  // namespace cs::industry
