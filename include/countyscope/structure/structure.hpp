// The spatial-structure analysis of a county (the "structure" pass): life circles (isochrones) from the seat,
// the towns and the facilities for car and walk; town service areas (network Voronoi, optional Huff); the
// settlement hierarchy with proposed tiers and mismatches; villages outside every centre's circle; and the
// choice of k settlements to strengthen as centres (pattern optimisation). Centres are the seat followed by
// the towns in settlement order.
//
// One study behind every door: `countyscope structure` and the plan's structure pass build the typed input
// and call run_structure with the options of the registry ([structure], docs/options.md).
//
// Example:
//   cs::structure::StructureInput in{.county = &county, .car = &graph, .car_settlements = ss, .car_demand =
//   ds,
//                         .car_facilities = fs};
//   cs::structure::StructureOptions opt;                                   // the registry's defaults
//   cs::structure::structure_options().set_text(opt, "k", "4", "--k: ");   // any door, the same checks
//   cs::structure::StructureStudy s = cs::structure::run_structure(in, opt, ctx);     // s.outputs:
//   sections.structure, layers, tables
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/structure/hierarchy.hpp>
#include <countyscope/structure/isochrone.hpp>
#include <countyscope/structure/pattern.hpp>
#include <countyscope/structure/service_areas.hpp>

namespace cs::structure {

enum class PolygonSources : std::uint8_t { kNone, kSeat, kCentres, kAll };  // whose circles get polygons
std::string_view polygon_sources_name(PolygonSources p);                    // none / seat / centres / all
enum class PatternCandidates : std::uint8_t {
  kTowns,
  kSettlements
};  // towns / settlements (towns + villages)
std::string_view pattern_candidates_name(PatternCandidates p);

struct StructureConfig {
  IsochroneConfig iso;
  PolygonSources polygons = PolygonSources::kCentres;
  bool facility_circles = true;  // circles (statistics, no polygons) around every facility
  bool walk = true;              // walk circles too (needs StructureInput::walk)
  ServiceAreaConfig areas;
  HierarchyConfig hierarchy;
  PatternConfig pattern;
  PatternCandidates candidates = PatternCandidates::kSettlements;  // central villages count too
  // Candidates of kSettlements: villages with at least this many people (population_est); the seat and the
  // towns are centres already and count as existing.
  double candidate_min_population = 500.0;
  double village_gap_s = 900.0;  // villages beyond this time of every centre are listed
  bool area_polygons = true;     // service-area polygons (buffered network Voronoi cells)
  // A settlement snapped farther than StructureInput::snap_threshold_m from the car network is an input
  // error; with this set it is left out of centres, villages, circles and candidates instead (listed in the
  // results).
  bool exclude_off_network = false;
};
[[nodiscard]] std::vector<Problem> validate(const StructureConfig& cfg);

// The structure options as users give them (the registry's [structure] table): minutes for times, metres for
// distances, enums for choices. Defaults are StructureConfig's (a test holds them equal).
struct StructureOptions {
  std::vector<double> cutoffs_min{5, 10, 15, 30, 60};
  double buffer_m = 75.0;
  PolygonSources polygons = PolygonSources::kCentres;
  PolygonMethod polygon_method = PolygonMethod::kRaster;
  bool walk = true;
  bool facility_circles = true;
  AssignMode assignment = AssignMode::kNearest;
  double huff_alpha = 1.0, huff_beta = 2.0;
  std::uint32_t k = 3;
  double within_min = 15.0;
  PatternCandidates candidates = PatternCandidates::kSettlements;
  double candidate_min_population = 500.0;
  double gap_min = 15.0;
  double reach_min = 30.0;
  double town_score = 0.75;
  bool exclude_off_network = false;  // the plan's default is true (PlanConfig::structure)
  bool area_polygons = true;
};
// [structure] of the option registry: CLI `countyscope structure`, plan.toml [structure], plan/demo flags.
[[nodiscard]] const opt::Table<StructureOptions>& structure_options();
// What the registry cannot check option by option (cutoffs strictly increasing); Problem::option is the
// registry's name.
[[nodiscard]] std::vector<Problem> validate(const StructureOptions& o);
// The algorithms' configuration (times in seconds).
[[nodiscard]] StructureConfig structure_config(const StructureOptions& o);

struct StructureInput {
  const County* county = nullptr;
  const network::RoadGraph* car = nullptr;
  std::span<const network::Snap> car_settlements, car_demand, car_facilities;
  const network::RoadGraph* walk = nullptr;  // optional
  std::span<const network::Snap> walk_settlements, walk_demand, walk_facilities;
  // Optional precomputed car matrices (computed when null): demand x settlements, settlements x settlements,
  const TimeMatrix* demand_to_settlement = nullptr;
  const TimeMatrix* settlement_to_settlement = nullptr;
  const TimeMatrix* settlement_to_facility = nullptr;  // settlements x facilities (optional, as above)
  double snap_threshold_m = 500.0;  // a settlement snapped farther than this is an input error
};

enum class SourceKind : std::uint8_t { kSeat, kTown, kVillage, kFacility };
std::string_view source_kind_name(SourceKind k);

struct CircleStats {
  double cutoff_s = 0.0;
  std::size_t nodes = 0;
  double km = 0.0;
  double population = 0.0;              // demand population within the cutoff (source -> point)
  std::vector<std::uint32_t> villages;  // settlement indices of villages within the cutoff
  IsoPolygon polygon;                   // empty unless polygons were asked for this source
};

struct LifeCircle {
  network::Profile profile = network::Profile::kCar;
  SourceKind kind = SourceKind::kSeat;
  std::uint32_t index = 0;  // settlement index, or facility index for kFacility
  std::vector<CircleStats> cutoffs;
};

struct StructureResult {
  StructureConfig cfg;
  std::vector<std::uint32_t> centres;  // settlement indices: seat, then towns
  std::vector<LifeCircle> circles;
  ServiceAreas areas;                     // columns = centres; villages = County settlements of tier village
  std::vector<std::uint32_t> villages;    // settlement indices of the villages (rows of areas.village_*)
  std::vector<IsoPolygon> area_polygons;  // per centre (empty when cfg.area_polygons is false)
  Hierarchy hierarchy;
  std::vector<std::uint32_t> candidates;  // settlement indices considered by the pattern optimisation
  std::vector<std::uint32_t>
      existing;  // the centres it starts from (the seat, and the towns for kSettlements)
  PatternResult pattern;
  std::vector<std::uint32_t> villages_outside;  // villages beyond village_gap_s of every centre (car)
  double total_population = 0.0;
  std::vector<std::uint32_t>
      off_network;  // settlements left out (exclude_off_network), with their snap distance
  std::vector<float> off_network_m;
};

// Throws InputError (a settlement snapped beyond the threshold, naming it; no seat), UsageError (bad config).
StructureResult analyse_structure(const StructureInput& in, const StructureConfig& cfg, Context& ctx);

// The stage's outputs: sections.structure, the layers structure_villages, structure_circles and
// structure_service_areas (GeoJSON and GeoPackage) and the structure_*.csv tables.
Outputs structure_outputs(const StructureResult& r, const StructureInput& in);

// The structure study: checked options -> analysis -> the stage's Outputs. The one orchestration of the
// capability (the CLI command and the plan pass only build `in` and write or merge `outputs`).
struct StructureStudy {
  StructureResult result;
  Outputs outputs;
};
// Throws UsageError (options; validate), InputError (analyse_structure).
[[nodiscard]] StructureStudy run_structure(const StructureInput& in, const StructureOptions& o, Context& ctx);

}  // namespace cs::structure
