// countyscope network: build the road graph of an OSM extract for a profile; print its facts (with the county
// model's) and/or save it for `countyscope matrix`. Its options are the registry's [network] and [county]
// tables (docs/options.md), bound as for plan/demo.
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/plan/plan.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct NetworkOptions {
  std::string osm, out;
  bool stats = false;
  std::shared_ptr<cs::NetworkConfig> network =
      std::make_shared<cs::NetworkConfig>(cs::default_network_config(cs::network::Profile::kCar));
  std::shared_ptr<cs::CountyConfig> county = std::make_shared<cs::CountyConfig>();
  std::vector<cs::cli::BoundOptions> given;
};

std::string fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

int run(const NetworkOptions& o, cs::cli::Runtime& rt) {
  for (const auto& g : o.given) g.apply();
  if (!o.out.empty()) cs::check_output_file(o.out);  // a device, link or folder is refused before the work
  // A profile other than car starts from its own default speeds (as in plan/demo).
  cs::NetworkConfig ncfg = cs::default_network_config(cs::network::Profile::kCar);
  cs::set_profile(ncfg, o.network->profile);
  ncfg.use_maxspeed = o.network->use_maxspeed;
  ncfg.keep_largest_scc = o.network->keep_largest_scc;
  const cs::network::Profile profile = ncfg.profile;
  if (!o.stats && o.out.empty()) throw cs::UsageError("nothing to do: give --stats and/or --out FILE");
  const cs::CountyConfig& ccfg = *o.county;
  cs::throw_if_problems(validate(ccfg), "county");
  if (!ccfg.service_table.empty())
    (void)cs::load_service_table(ccfg.service_table);  // fail before the slow part
  const cs::NetworkBuild nb = cs::build_network(o.osm, ncfg, rt.ctx);
  if (o.stats) {
    const cs::County c = cs::load_county_osm(o.osm, ccfg, rt.ctx);
    const auto& s = nb.stats;
    std::ostringstream out;
    out << "network (" << cs::network::profile_name(profile) << ")\n";
    out << "  nodes: " << s.nodes << "\n  arcs: " << s.arcs << "\n  edges: " << s.edges << "\n";
    out << "  km of road: " << fixed(s.km_total, 1) << "\n";
    for (std::size_t k = 0; k < s.km_by_class.size(); ++k)
      if (s.km_by_class[k] > 0)
        out << "    " << cs::network::road_class_name(static_cast<cs::network::RoadClass>(k)) << ": "
            << fixed(s.km_by_class[k], 1) << "\n";
    out << "  largest strongly connected component: " << fixed(100.0 * s.largest_scc_share, 2) << " % of "
        << s.nodes_before_scc << " nodes (" << s.components << " components; dropped "
        << (s.nodes_before_scc - s.nodes) << " nodes, " << fixed(s.km_dropped_scc, 1) << " km)\n";
    out << "  graph memory: " << fixed(static_cast<double>(nb.graph.memory_bytes()) / 1e6, 2) << " MB\n";
    out << "county " << c.name << "\n";
    out << "  seat: " << c.settlements[static_cast<std::size_t>(c.seat)].name << " (" << c.seat_rule << ")\n";
    std::map<std::string, int> tiers;
    for (const auto& st : c.settlements) ++tiers[std::string(cs::tier_name(st.tier))];
    out << "  settlements: " << c.settlements.size() << " (seat " << tiers["seat"] << ", town "
        << tiers["town"] << ", village " << tiers["village"] << ")\n";
    out << "  admin units: " << c.units.size() << "\n";
    std::vector<int> by(c.services.types.size(), 0);
    for (const auto& f : c.facilities) ++by[f.service];
    out << "  facilities: " << c.facilities.size() << "\n";
    for (std::size_t t = 0; t < by.size(); ++t)
      out << "    " << c.services.types[t].name << ": " << by[t] << "\n";
    out << "  demand points: " << c.demand.size() << " (of " << c.buildings_total << " buildings)\n";
    out << "  total population: " << std::llround(c.total_population) << " (" << c.demand_source << ")\n";
    std::fputs(out.str().c_str(), stdout);
  }
  if (!o.out.empty()) {
    cs::save_graph(nb.graph, o.out);
    rt.ctx.info("graph written to " + o.out);
  }
  return 0;
}

cs::cli::CommandRegistration reg{
    "network", 30, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub =
          app.add_subcommand("network", "Build a county's road graph; print its facts or save it")
              ->footer(
                  "Examples:\n  countyscope network --osm data/sample/liechtenstein-2024-03-04.osm.pbf "
                  "--stats\n"
                  "  countyscope network --osm county.osm.pbf --profile walk --out county.walk.csgraph");
      auto o = std::make_shared<NetworkOptions>();
      sub->add_option("--osm", o->osm, "OSM extract (.osm.pbf or .osm)")->required();
      sub->add_flag(
          "--stats", o->stats,
          "print nodes, arcs, km by class, largest SCC share, settlements by tier, facilities by type, "
          "demand points and population");
      sub->add_option("--out", o->out, "save the graph (binary .csgraph) for `countyscope matrix`");
      o->given.push_back(cs::cli::add_options(sub, cs::network_options(), o->network));
      o->given.push_back(cs::cli::add_options(sub, cs::county_options(), o->county));
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
