// countyscope command-line tool: parses options, dispatches to a stage, maps errors to exit codes
// (0 ok, 1 runtime/data error, 2 usage error). Messages go to stderr as one line each.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include <countyscope/core/error.hpp>

namespace cs::cli {

std::vector<RegisteredCommand>& registry() {
  static std::vector<RegisteredCommand> r;
  return r;
}

CommandRegistration::CommandRegistration(std::string name, int order, Setup setup) {
  registry().push_back({std::move(name), order, std::move(setup)});
}

namespace {

// The innermost subcommand that was being parsed, for "valid options are ..." hints.
const CLI::App* innermost(const CLI::App* app) {
  for (const CLI::App* sub : app->get_subcommands()) return innermost(sub);
  return app;
}

std::string valid_options(const CLI::App* app) {
  std::string s;
  for (const CLI::Option* o : app->get_options()) {
    std::string n = o->get_name(false, true);
    if (n.empty()) continue;
    const auto comma = n.find(',');
    if (comma != std::string::npos) n = n.substr(comma + 1);
    s.append(s.empty() ? "" : ", ").append(n);
  }
  return s;
}

}  // namespace
}  // namespace cs::cli

int main(int argc, char** argv) {
  using namespace cs::cli;
  CLI::App app{"countyscope — county-level urban-rural integration planning (network, services, siting, flows, "
               "structure, national assessment)", "countyscope"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "countyscope 0.1.0");
  app.footer("Examples:\n  countyscope demo --out out/demo\n  countyscope network --osm data/sample/liechtenstein-2024-03-04.osm.pbf --stats\n"
             "Exit codes: 0 ok, 1 runtime or data error, 2 usage error.");
  Runtime rt;
  app.add_option("--threads", rt.threads, "worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  app.add_option("--seed", rt.seed, "seed for every random choice (results are deterministic for a seed)");
  app.add_flag("-q,--quiet", rt.quiet, "no progress or information on stderr");
  app.add_flag("-v,--verbose", rt.verbose, "debug messages on stderr");

  auto& cmds = registry();
  std::stable_sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  for (auto& c : cmds) c.setup(app, rt);

  const bool tty = ::isatty(2) == 1;
  app.parse_complete_callback([&] {
    rt.ctx.threads = rt.threads;
    rt.ctx.seed = rt.seed;
    rt.ctx.log = [&rt](cs::LogLevel level, std::string_view msg) {
      if (rt.quiet && level != cs::LogLevel::kWarning) return;
      if (level == cs::LogLevel::kDebug && !rt.verbose) return;
      const char* tag = level == cs::LogLevel::kWarning ? "warning: " : "";
      std::cerr << "countyscope: " << tag << msg << '\n';
    };
    if (tty && !rt.quiet) {
      rt.ctx.progress = [](std::string_view stage, double f) {
        std::fprintf(stderr, "\r  %-28.*s %3d%%%s", static_cast<int>(stage.size()), stage.data(),
                     static_cast<int>(f * 100.0 + 0.5), f >= 1.0 ? "\n" : "");
        return true;
      };
    }
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const CLI::App* where = innermost(&app);
    std::cerr << "countyscope: usage error: " << e.what();
    if (e.get_name() == "ExtrasError" || e.get_name() == "ArgumentMismatch" || e.get_name() == "RequiredError") {
      std::cerr << "; valid options";
      if (where != &app) std::cerr << " for '" << where->get_name() << "'";
      std::cerr << ": " << valid_options(where);
    }
    if (e.get_name() == "RequiredError" && where == &app) {
      std::cerr << "; commands:";
      for (const auto* s : app.get_subcommands({})) std::cerr << ' ' << s->get_name();
    }
    std::cerr << "\n(see countyscope " << (where != &app ? where->get_name() + " " : std::string()) << "--help)\n";
    return 2;
  } catch (const cs::Error& e) {
    std::cerr << "countyscope: " << (e.kind() == cs::ErrorKind::kUsage ? "usage error: " : "error: ") << e.what() << '\n';
    return e.exit_code();
  } catch (const cs::Cancelled&) {
    std::cerr << "countyscope: cancelled\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "countyscope: error: " << e.what() << '\n';
    return 1;
  }
  return rt.exit_code;
}
