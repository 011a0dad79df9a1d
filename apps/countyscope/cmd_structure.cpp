// countyscope structure: life circles, town service areas, settlement hierarchy and pattern optimisation for
// one county (the structure pass alone). No algorithms here: options -> library -> outputs.
#include <memory>
#include <string>

#include <countyscope/county/county.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_network.hpp>
#include <countyscope/structure/structure.hpp>

#include "command.hpp"

namespace {

struct StructureOptions {
  std::string osm, graph, walk_graph, out, seat;
  std::string cutoffs = "5,10,15,30,60";
  std::string polygons = "centres", assign = "nearest", candidates = "settlements";
  double buffer_m = 75.0, within_min = 15.0, gap_min = 15.0, snap_threshold_m = 500.0;
  unsigned k = 3;
  bool no_walk = false, no_facilities = false, exclude_off = false;
};

std::vector<cs::LonLat> positions(const auto& items) {
  std::vector<cs::LonLat> p;
  p.reserve(items.size());
  for (const auto& x : items) p.push_back(x.pos);
  return p;
}

int run(const StructureOptions& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run.force);  // refuse before the work, not after it
  cs::Context& ctx = rt.ctx;
  // Parse and validate every option before any work (usage errors exit 2).
  cs::StructureConfig cfg;
  cfg.iso.cutoffs_s = cs::parse_cutoffs_min(o.cutoffs);
  cfg.iso.buffer_m = o.buffer_m;
  cfg.polygons = cs::parse_polygon_sources(o.polygons);
  cfg.areas.mode = cs::parse_assign_mode(o.assign);
  cfg.candidates = cs::parse_pattern_candidates(o.candidates);
  cfg.pattern.k = o.k;
  cfg.pattern.within_s = o.within_min * 60.0;
  cfg.village_gap_s = o.gap_min * 60.0;
  cfg.walk = !o.no_walk;
  cfg.facility_circles = !o.no_facilities;
  cfg.exclude_off_network = o.exclude_off;
  cs::throw_if_problems(cs::validate(cfg), "structure options");

  cs::CountyConfig ccfg;
  ccfg.seat = o.seat;
  const cs::County county =
      cs::timed(ctx, "load_county", [&] { return cs::load_county_osm(o.osm, ccfg, ctx); });
  const cs::RoadGraph car = cs::timed(ctx, "car_network", [&] {
    if (!o.graph.empty()) return cs::load_graph(o.graph);
    return cs::build_network(o.osm, cs::default_network_config(cs::Profile::kCar), ctx).graph;
  });
  if (car.profile != cs::Profile::kCar)
    throw cs::UsageError("--graph " + o.graph + " is a " + std::string(cs::profile_name(car.profile)) +
                         " graph; expected car (use --walk-graph for walk)");
  std::unique_ptr<cs::RoadGraph> walk;
  if (cfg.walk) {
    walk = std::make_unique<cs::RoadGraph>(cs::timed(ctx, "walk_network", [&] {
      if (!o.walk_graph.empty()) return cs::load_graph(o.walk_graph);
      return cs::build_network(o.osm, cs::default_network_config(cs::Profile::kWalk), ctx).graph;
    }));
    if (walk->profile != cs::Profile::kWalk)
      throw cs::UsageError("--walk-graph " + o.walk_graph + " is not a walk graph");
  }
  const cs::SnapOptions sopt{.far_threshold_m = o.snap_threshold_m};
  const int threads = ctx.thread_count();
  const auto sp = positions(county.settlements), dp = positions(county.demand),
             fp = positions(county.facilities);
  std::vector<cs::Snap> cs_, cd, cf, ws, wd, wf;
  cs::timed(ctx, "snap", [&] {
    const cs::SnapIndex ci(car);
    cs_ = ci.snap_all(sp, sopt, threads), cd = ci.snap_all(dp, sopt, threads),
    cf = ci.snap_all(fp, sopt, threads);
    if (walk) {
      const cs::SnapIndex wi(*walk);
      ws = wi.snap_all(sp, sopt, threads), wd = wi.snap_all(dp, sopt, threads),
      wf = wi.snap_all(fp, sopt, threads);
    }
  });
  cs::StructureInput in;
  in.county = &county;
  in.car = &car;
  in.car_settlements = cs_, in.car_demand = cd, in.car_facilities = cf;
  in.walk = walk.get();
  in.walk_settlements = ws, in.walk_demand = wd, in.walk_facilities = wf;
  in.snap_threshold_m = o.snap_threshold_m;
  const cs::StructureResult r =
      cs::timed(ctx, "structure", [&] { return cs::analyse_structure(in, cfg, ctx); });

  cs::Json doc = cs::new_results_document("plan");
  doc["meta"] = {{"county", county.name}, {"source", county.source}, {"command", "structure"}};
  const cs::Outputs outputs = cs::structure_outputs(r, in);
  cs::add_to_document(doc, "structure", outputs);

  cs::OutputDir out(o.out, rt.ctx);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(outputs, out, "structure.gpkg");
  out.commit();
  ctx.info("structure: " + std::to_string(r.centres.size()) + " centres, " +
           std::to_string(r.circles.size()) + " circles, " + std::to_string(r.villages_outside.size()) +
           " villages outside every " + std::to_string(static_cast<int>(o.gap_min)) +
           "-min centre circle -> " + o.out);
  for (const cs::PassTime& t : ctx.timers)
    ctx.debug("time " + t.name + ": " + std::to_string(t.seconds) + " s");
  return 0;
}

cs::cli::CommandRegistration reg{
    "structure", 60, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand(
          "structure",
          "Life circles (isochrones), town service areas, settlement hierarchy and the towns to "
          "strengthen as centres");
      sub->footer(
          "Example:\n  countyscope structure --osm data/sample/liechtenstein-2024-03-04.osm.pbf --out "
          "out/structure\n"
          "Outputs: results.json (section 'structure' + map layers), structure.gpkg (structure_circles, "
          "structure_service_areas, structure_villages), structure_*.csv");
      auto o = std::make_shared<StructureOptions>();
      sub->add_option("--osm", o->osm,
                      "county OSM extract (.osm.pbf): settlements, facilities, demand, roads")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--graph", o->graph, "car graph from 'countyscope network' (default: built from --osm)")
          ->check(cs::cli::existing_file());
      sub->add_option("--walk-graph", o->walk_graph, "walk graph (default: built from --osm)")
          ->check(cs::cli::existing_file());
      sub->add_option("--out", o->out, "output directory")->required();
      sub->add_option("--seat", o->seat,
                      "name of the seat settlement (default: the county boundary's admin centre)");
      sub->add_option("--cutoffs", o->cutoffs, "circle cutoffs in minutes, positive and increasing")
          ->capture_default_str();
      sub->add_option("--buffer-m", o->buffer_m, "half-width of the buffer around reached roads (polygons)")
          ->capture_default_str();
      sub->add_option("--polygons", o->polygons, "circle polygons for: none, seat, centres, all")
          ->capture_default_str();
      sub->add_option("--assign", o->assign,
                      "service-area assignment: nearest, huff (adds Huff probabilities)")
          ->capture_default_str();
      sub->add_option("--k", o->k, "settlements to strengthen as centres")->capture_default_str();
      sub->add_option("--within-min", o->within_min, "coverage time of a centre for the pattern optimisation")
          ->capture_default_str();
      sub->add_option("--candidates", o->candidates, "who may be strengthened: towns, settlements")
          ->capture_default_str();
      sub->add_option("--gap-min", o->gap_min, "list villages beyond this time of every centre")
          ->capture_default_str();
      sub->add_option("--snap-threshold-m", o->snap_threshold_m,
                      "a settlement farther than this from a road is an error")
          ->capture_default_str();
      sub->add_flag(
          "--exclude-off-network", o->exclude_off,
          "leave out settlements beyond --snap-threshold-m (listed in the results) instead of failing");
      sub->add_flag("--no-walk", o->no_walk, "car circles only");
      sub->add_flag("--no-facilities", o->no_facilities, "no circles around facilities");
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
