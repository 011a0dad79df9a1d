// countyscope assign: static user-equilibrium traffic assignment on TNTP files (docs/assign.md). The
// registry's [assign] options and the input files -> cs::assign::run_assign_study -> outputs written through
// a staged cs::OutputDir (nothing partial on error).
#include <memory>
#include <string>

#include <countyscope/assign/study.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct AssignCli {
  cs::assign::AssignInputs in;
  std::string out;
  std::shared_ptr<cs::assign::AssignOptions> opt = std::make_shared<cs::assign::AssignOptions>();
  cs::cli::BoundOptions given;
};

int run(const AssignCli& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  o.given.apply();
  const cs::assign::AssignStudy s = cs::assign::run_assign_study(o.in, *o.opt, rt.ctx);
  cs::OutputDir out(o.out, rt.ctx);
  cs::Json doc = cs::new_results_document("plan");
  cs::add_to_document(doc, "assign", s.outputs);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s.outputs, out, "links.gpkg");
  out.commit();
  rt.ctx.info(s.summary + " -> " + o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "assign", 65, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand(
          "assign",
          "Static user-equilibrium traffic assignment with BPR link costs on TNTP network and trip files");
      sub->footer(
          "Example:\n  countyscope assign --net data/reference/tntp/SiouxFalls/SiouxFalls_net.tntp \\\n"
          "    --trips data/reference/tntp/SiouxFalls/SiouxFalls_trips.tntp --gap 1e-10 --time-unit-min 0.6 "
          "--out out/sioux\n"
          "Outputs: links.csv (from, to, flow, time_min, free_flow_time_min, capacity, voc), "
          "convergence.csv,\n"
          "results.json (section assign); with --nodes also links.gpkg and the links layer in results.json.");
      auto o = std::make_shared<AssignCli>();
      sub->add_option("--net", o->in.net, "TNTP network file (*_net.tntp)")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--trips", o->in.trips, "TNTP trip table (*_trips.tntp)")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option(
             "--nodes", o->in.nodes,
             "TNTP node coordinates (*_node.tntp, WGS84 lon/lat): links.csv becomes also a line layer in "
             "links.gpkg and results.json")
          ->check(cs::cli::existing_file());
      sub->add_option("--out", o->out, "output directory")->required();
      sub->add_flag("--timings", o->in.timings,
                    "add each iteration's wall time to convergence.csv (the file then differs between runs)");
      o->given = cs::cli::add_options(sub, cs::assign::assign_options(), o->opt);
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
