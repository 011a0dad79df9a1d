// countyscope structure: life circles, town service areas, settlement hierarchy and pattern optimisation for
// one county (the structure pass alone). No algorithms here: the registry's options ([structure], [snap]
// far_threshold_m) -> the county model -> cs::run_structure -> outputs.
#include <memory>
#include <string>

#include <countyscope/county/county.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/plan/plan.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_network.hpp>
#include <countyscope/structure/structure.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct StructureCli {
  std::string osm, graph, walk_graph, out;
  // The options of the registry's [structure] table, [snap]'s far_threshold_m and [county]'s seat
  // (docs/options.md).
  std::shared_ptr<cs::structure::StructureOptions> opt = std::make_shared<cs::structure::StructureOptions>();
  std::shared_ptr<cs::network::SnapOptions> snap = std::make_shared<cs::network::SnapOptions>();
  std::shared_ptr<cs::CountyConfig> county = std::make_shared<cs::CountyConfig>();
  std::vector<cs::cli::BoundOptions> given;
};

std::vector<cs::LonLat> positions(const auto& items) {
  std::vector<cs::LonLat> p;
  p.reserve(items.size());
  for (const auto& x : items) p.push_back(x.pos);
  return p;
}

int run(const StructureCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  cs::Context& ctx = rt.ctx;
  // Every option is checked before any work (usage errors exit 2).
  for (const auto& g : o.given) g.apply();
  const cs::structure::StructureOptions& opt = *o.opt;
  cs::throw_if_problems(cs::structure::validate(opt), "structure options");

  const cs::CountyConfig& ccfg = *o.county;
  const cs::County county =
      cs::timed(ctx, "load_county", [&] { return cs::load_county_osm(o.osm, ccfg, ctx); });
  const cs::network::RoadGraph car = cs::timed(ctx, "car_network", [&] {
    if (!o.graph.empty()) return cs::load_graph(o.graph);
    return cs::build_network(o.osm, cs::default_network_config(cs::network::Profile::kCar), ctx).graph;
  });
  if (car.profile != cs::network::Profile::kCar)
    throw cs::UsageError("--graph " + o.graph + " is a " +
                         std::string(cs::network::profile_name(car.profile)) +
                         " graph; expected car (use --walk-graph for walk)");
  std::unique_ptr<cs::network::RoadGraph> walk;
  if (opt.walk) {
    walk = std::make_unique<cs::network::RoadGraph>(cs::timed(ctx, "walk_network", [&] {
      if (!o.walk_graph.empty()) return cs::load_graph(o.walk_graph);
      return cs::build_network(o.osm, cs::default_network_config(cs::network::Profile::kWalk), ctx).graph;
    }));
    if (walk->profile != cs::network::Profile::kWalk)
      throw cs::UsageError("--walk-graph " + o.walk_graph + " is not a walk graph");
  }
  const cs::network::SnapOptions& sopt = *o.snap;
  const int threads = ctx.thread_count();
  const auto sp = positions(county.settlements), dp = positions(county.demand),
             fp = positions(county.facilities);
  std::vector<cs::network::Snap> cs_, cd, cf, ws, wd, wf;
  cs::timed(ctx, "snap", [&] {
    const cs::network::SnapIndex ci(car);
    cs_ = ci.snap_all(sp, sopt, threads), cd = ci.snap_all(dp, sopt, threads),
    cf = ci.snap_all(fp, sopt, threads);
    if (walk) {
      const cs::network::SnapIndex wi(*walk);
      ws = wi.snap_all(sp, sopt, threads), wd = wi.snap_all(dp, sopt, threads),
      wf = wi.snap_all(fp, sopt, threads);
    }
  });
  cs::structure::StructureInput in;
  in.county = &county;
  in.car = &car;
  in.car_settlements = cs_, in.car_demand = cd, in.car_facilities = cf;
  in.walk = walk.get();
  in.walk_settlements = ws, in.walk_demand = wd, in.walk_facilities = wf;
  in.snap_threshold_m = sopt.far_threshold_m;
  const cs::structure::StructureStudy s =
      cs::timed(ctx, "structure", [&] { return cs::structure::run_structure(in, opt, ctx); });
  const cs::structure::StructureResult& r = s.result;

  cs::Json doc = cs::new_results_document("plan");
  doc["meta"] = {{"county", county.name}, {"source", county.source}, {"command", "structure"}};
  cs::add_to_document(doc, "structure", s.outputs);

  cs::OutputDir out(o.out, rt.ctx);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s.outputs, out, "structure.gpkg");
  out.commit();
  ctx.info("structure: " + std::to_string(r.centres.size()) + " centres, " +
           std::to_string(r.circles.size()) + " circles, " + std::to_string(r.villages_outside.size()) +
           " villages outside every " + std::to_string(static_cast<int>(opt.gap_min)) +
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
      auto o = std::make_shared<StructureCli>();
      sub->add_option("--osm", o->osm,
                      "county OSM extract (.osm.pbf): settlements, facilities, demand, roads")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--graph", o->graph, "car graph from 'countyscope network' (default: built from --osm)")
          ->check(cs::cli::existing_file());
      sub->add_option("--walk-graph", o->walk_graph, "walk graph (default: built from --osm)")
          ->check(cs::cli::existing_file());
      sub->add_option("--out", o->out, "output directory")->required();
      o->given.push_back(cs::cli::add_options(sub, cs::structure::structure_options(), o->opt));
      o->given.push_back(cs::cli::add_options(sub, cs::snap_options(), o->snap, {"connector_speed_kmh"}));
      std::vector<std::string> not_seat = cs::county_options().names();
      std::erase(not_seat, "seat");
      o->given.push_back(cs::cli::add_options(sub, cs::county_options(), o->county, not_seat));
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
