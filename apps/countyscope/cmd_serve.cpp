// countyscope serve: the planning studio (docs/studio.md). Builds the county model once from the plan's
// inputs, then answers edits over a loopback HTTP API and serves the web app, until SIGINT / SIGTERM.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/plan/plan.hpp>
#include <countyscope/studio/session.hpp>

#include "command.hpp"
#include "options_cli.hpp"
#include "serve/server.hpp"

namespace {

struct ServeOptions {
  std::string osm, config;
  cs::serve::ServerOptions server;
  std::shared_ptr<cs::PlanConfig> cfg = std::make_shared<cs::PlanConfig>();
  std::vector<cs::cli::BoundOptions> given;
};

bool loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int run(const ServeOptions& o, cs::cli::Runtime& rt) {
  cs::PlanConfig& cfg = *o.cfg;
  cs::cli::resolve_plan_config(cfg, o.osm, o.config, o.given);
  if (!loopback(o.server.host))
    rt.ctx.warn("--host " + o.server.host +
                " opens the studio beyond this machine: anyone who can reach it and has the token can edit "
                "(docs/studio.md \"Security model\")");
  cs::studio::Session session(cfg, rt.ctx);
  cs::serve::StudioServer server(session, o.server, rt.ctx);
  const int port = server.bind();
  cs::cli::set_interrupt_handler([&server](int) { server.stop(); });
  const std::string host =
      o.server.host.find(':') != std::string::npos ? "[" + o.server.host + "]" : o.server.host;
  // One line on stdout for scripts (address and token), the rest on stderr.
  std::printf("serving http://%s:%d/ token %s\n", host.c_str(), port, server.token().c_str());
  std::fflush(stdout);
  rt.ctx.info("studio: open http://" + host + ":" + std::to_string(port) + "/#token=" + server.token() +
              " (API calls need the header X-Countyscope-Token; stop with Ctrl-C)");
  server.run();
  cs::cli::set_interrupt_handler(nullptr);
  rt.ctx.info("studio: stopped");
  return 0;
}

cs::cli::CommandRegistration reg_serve{
    "serve", 25, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub =
          app.add_subcommand("serve", "The planning studio: edit the county in the browser, see the answer")
              ->footer(
                  "Example:\n  countyscope serve --osm data/sample/liechtenstein-2024-03-04.osm.pbf "
                  "--config plan.toml\n"
                  "Prints the address and the session token; the API and the web app are in "
                  "docs/studio.md.");
      auto o = std::make_shared<ServeOptions>();
      sub->add_option("--osm", o->osm, "the county's OSM extract (.osm.pbf or .osm)")->required();
      sub->add_option("--config", o->config, "plan TOML, as `countyscope plan` reads it (docs/options.md)");
      sub->add_option("--host", o->server.host, "address to listen on (loopback unless you mean otherwise)")
          ->capture_default_str();
      sub->add_option("--port", o->server.port, "port (0 = any free port, printed)")
          ->check(CLI::Range(0, 65535))
          ->capture_default_str();
      sub->add_option("--scenario-dir", o->server.scenario_dir,
                      "folder where saved scenarios are written as NAME.toml (default: not written)");
      sub->add_option("--queue", o->server.queue, "API requests waiting or running at once before 503")
          ->check(CLI::Range(1, 1024))
          ->capture_default_str();
      using std::shared_ptr;
      const shared_ptr<cs::PlanConfig>& c = o->cfg;
      o->given.push_back(
          cs::cli::add_options(sub, cs::network_options(), shared_ptr<cs::NetworkConfig>(c, &c->network)));
      o->given.push_back(
          cs::cli::add_options(sub, cs::county_options(), shared_ptr<cs::CountyConfig>(c, &c->county)));
      o->given.push_back(
          cs::cli::add_options(sub, cs::snap_options(), shared_ptr<cs::network::SnapOptions>(c, &c->snap)));
      o->given.push_back(
          cs::cli::add_options(sub, cs::matrix_options(), shared_ptr<cs::MatrixCutoff>(c, &c->matrix)));
      o->given.push_back(cs::cli::add_options(sub, cs::access::access_options(),
                                              shared_ptr<cs::access::AccessOptions>(c, &c->access.options),
                                              {}, "access-"));
      o->given.push_back(cs::cli::add_options(sub, cs::flows::flows_options(),
                                              shared_ptr<cs::flows::FlowsConfig>(c, &c->flows)));
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
