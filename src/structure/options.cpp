// The [structure] table of the option registry (docs/options.md) and the one structure study behind
// `countyscope structure` and the plan's structure pass.
#include <countyscope/structure/structure.hpp>

namespace cs::structure {
namespace {

const Range kBufferM{"distance", 0, 10000, "metres", true};
const Range kExponent{"exponent", 0, 100, ""};

}  // namespace

const opt::Table<StructureOptions>& structure_options() {
  using O = StructureOptions;
  static const auto t =
      opt::Table<O>("structure",
                    "Spatial structure: life circles, service areas, hierarchy, centres to strengthen "
                    "(`countyscope structure`, the plan's structure pass)")
          .numbers("cutoffs_min", &O::cutoffs_min, limits::kCutoffMin,
                   "life-circle cutoffs, strictly increasing")
          .number("buffer_m", &O::buffer_m, kBufferM,
                  "half-width of the buffer around reached roads (polygons)")
          .choice("polygons", &O::polygons,
                  {{"none", PolygonSources::kNone},
                   {"seat", PolygonSources::kSeat},
                   {"centres", PolygonSources::kCentres},
                   {"all", PolygonSources::kAll}},
                  "whose life circles get polygons")
          .choice("polygon_method", &O::polygon_method,
                  {{"raster", PolygonMethod::kRaster}, {"geos", PolygonMethod::kGeos}},
                  "polygon construction: raster (grid of buffered roads) or geos (buffer union)")
          .flag("walk", &O::walk, "walk life circles too (a walk graph is built or read)")
          .flag("facility_circles", &O::facility_circles,
                "circles (statistics, no polygons) around every facility")
          .choice("assignment", &O::assignment,
                  {{"nearest", AssignMode::kNearest}, {"huff", AssignMode::kHuff}},
                  "service-area assignment: nearest centre, or huff (adds Huff probabilities)")
          .number("huff_alpha", &O::huff_alpha, kExponent, "Huff: exponent of a centre's attractiveness")
          .number("huff_beta", &O::huff_beta, kExponent, "Huff: exponent of travel time")
          .integer("k", &O::k, 1, 1000, "settlements", "settlements to strengthen as centres")
          .number("within_min", &O::within_min, limits::kCutoffMin,
                  "coverage time of a centre in the pattern optimisation")
          .choice("candidates", &O::candidates,
                  {{"settlements", PatternCandidates::kSettlements}, {"towns", PatternCandidates::kTowns}},
                  "who may be strengthened: villages (the seat and towns are centres already) or towns only "
                  "(then the seat alone is the existing centre)")
          .number("candidate_min_population", &O::candidate_min_population, limits::kPopulation,
                  "candidates 'settlements': villages with at least this many people (a central village, not "
                  "a hamlet)")
          .number("gap_min", &O::gap_min, limits::kCutoffMin,
                  "list villages beyond this time of every centre")
          .number("reach_min", &O::reach_min, limits::kCutoffMin,
                  "hierarchy: population reachable within this time counts for a settlement's position")
          .number("town_score", &O::town_score, limits::kShare,
                  "hierarchy: proposed town at or above this score")
          .flag("exclude_off_network", &O::exclude_off_network,
                "leave out settlements snapped beyond the snap threshold (listed in the results) instead of "
                "failing (the plan: true)")
          .flag("area_polygons", &O::area_polygons, "service-area polygons (buffered network Voronoi cells)")
          .renamed("cutoffs", "cutoffs_min", "minutes")
          .renamed("assign", "assignment")
          .renamed("no_walk", "walk", "give --walk=false")
          .renamed("no_facilities", "facility_circles", "give --facility-circles=false")
          .renamed("snap_threshold_m", "far_threshold_m", "the [snap] option");
  return t;
}

StructureConfig structure_config(const StructureOptions& o) {
  StructureConfig c;
  c.iso.cutoffs_s.clear();
  for (const double m : o.cutoffs_min) c.iso.cutoffs_s.push_back(m * 60.0);
  c.iso.buffer_m = o.buffer_m;
  c.iso.method = o.polygon_method;
  c.polygons = o.polygons;
  c.walk = o.walk;
  c.facility_circles = o.facility_circles;
  c.areas.mode = o.assignment;
  c.areas.huff_alpha = o.huff_alpha;
  c.areas.huff_beta = o.huff_beta;
  c.pattern.k = o.k;
  c.pattern.within_s = o.within_min * 60.0;
  c.candidates = o.candidates;
  c.candidate_min_population = o.candidate_min_population;
  c.village_gap_s = o.gap_min * 60.0;
  c.hierarchy.reach_s = o.reach_min * 60.0;
  c.hierarchy.town_score = o.town_score;
  c.exclude_off_network = o.exclude_off_network;
  c.area_polygons = o.area_polygons;
  return c;
}

std::vector<Problem> validate(const StructureOptions& o) {
  std::vector<Problem> p;
  for (std::size_t i = 1; i < o.cutoffs_min.size(); ++i)
    if (!(o.cutoffs_min[i] > o.cutoffs_min[i - 1])) {
      p.push_back({"cutoffs_min", "must be strictly increasing (cutoff " + std::to_string(i + 1) +
                                      " is not larger than the one before)"});
      break;
    }
  return p;
}

StructureStudy run_structure(const StructureInput& in, const StructureOptions& o, Context& ctx) {
  throw_if_problems(validate(o), "structure options");
  StructureStudy s;
  s.result = analyse_structure(in, structure_config(o), ctx);
  s.outputs = structure_outputs(s.result, in);
  return s;
}

}  // namespace cs::structure
