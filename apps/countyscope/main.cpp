// countyscope command-line tool: parses options, dispatches to a stage, maps errors to exit codes
// (0 ok, 1 runtime/data error, 2 usage error). Messages go to stderr as one line each.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <new>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/core/memory.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>

#include "command.hpp"

namespace cs::cli {

std::vector<RegisteredCommand>& registry() {
  static std::vector<RegisteredCommand> r;
  return r;
}

CommandRegistration::CommandRegistration(std::string name, int order, Setup setup) {
  registry().push_back({std::move(name), order, std::move(setup)});
}

const CLI::Validator& existing_file() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        struct stat st {};
        if (::stat(s.c_str(), &st) != 0) throw cs::IoError(s + ": cannot open: " + std::strerror(errno));
        if (S_ISDIR(st.st_mode)) throw cs::IoError(s + ": is a folder, expected a file");
        return {};
      },
      "FILE");
  return v;
}

std::string describe_error(const std::exception& e, std::string_view command) {
  const std::string where = command.empty() ? std::string() : " while running '" + std::string(command) + "'";
  if (const auto* ce = dynamic_cast<const cs::Error*>(&e)) return cs::user_paths(ce->what());
  if (dynamic_cast<const std::bad_alloc*>(&e))
    return "out of memory" + where +
           "; try a lower --max-memory to have sizes checked before the work starts, fewer places or points, "
           "a "
           "shorter cutoff, or fewer --threads";
  if (const auto* fe = dynamic_cast<const std::filesystem::filesystem_error*>(&e)) {
    std::string path = fe->path1().string();
    return cs::user_paths((path.empty() ? std::string("file system") : path) + ": " + fe->code().message());
  }
  if (const auto* se = dynamic_cast<const std::system_error*>(&e))
    return "system error" + where + ": " + se->code().message();
  const std::string what = e.what();
  for (const char* internal : {"std::", "basic_string", "_M_", "vector::", "bad_", "__"})
    if (what.find(internal) != std::string::npos)
      return "internal error" + where + " (please report it with the command line)";
  return cs::user_paths(what);
}

namespace {

// The command's clean stop on the first signal (set_interrupt_handler); none = end the process.
std::mutex g_interrupt_mu;
std::function<void(int)> g_interrupt;

// SIGINT, SIGTERM and SIGHUP go to one thread (blocked everywhere else, before any other thread exists): it
// removes the staging folders and temporary files of this process (an output folder stays as it was, or is
// replaced whole when its commit had begun) and ends the process with 128 + the signal number. A signal the
// process started with ignored (nohup, a background job of a script) stays ignored; SIGTERM is always
// handled.
void handle_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (sig != SIGTERM && ::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    if (sig == SIGTERM) ::signal(SIGTERM, SIG_DFL);
    sigaddset(&set, sig);
  }
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int sig = 0;
    for (;;) {
      while (::sigwait(&set, &sig) != 0) {
      }
      std::function<void(int)> handler;
      {
        std::lock_guard lock(g_interrupt_mu);
        handler = std::exchange(g_interrupt, nullptr);
      }
      if (!handler) break;
      handler(sig);  // a clean stop (the server): a second signal ends the process below
    }
    cs::remove_staging_now();
    const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
    std::fprintf(stderr,
                 "\ncountyscope: interrupted by %s; no output was changed by this run unless it had "
                 "finished writing\n",
                 name);
    std::_Exit(128 + sig);
  }).detach();
}

}  // namespace

void set_interrupt_handler(std::function<void(int)> handler) {
  std::lock_guard lock(g_interrupt_mu);
  g_interrupt = std::move(handler);
}

namespace {

// The options of the command as given (minus where the outputs go), and the files among their values: what
// the output folder's manifest records.
void record_run(const CLI::App& app, cs::RunRecord& run) {
  const CLI::App* sub = &app;
  std::string command;
  while (!sub->get_subcommands().empty()) {
    sub = sub->get_subcommands().front();
    command.append(command.empty() ? "" : " ").append(sub->get_name());
  }
  run.command = command;
  for (const CLI::Option* o : sub->get_options()) {
    if (o->count() == 0) continue;
    const std::string name = o->get_name(false, false);
    if (name == "--out" || name == "--force" || name == "--help" || name.empty()) continue;
    std::string value;
    for (const std::string& r : o->results()) {
      value.append(value.empty() ? "" : ",").append(r);
      std::error_code ec;
      if (!r.empty() && name != "--html" && std::filesystem::is_regular_file(r, ec)) run.inputs.push_back(r);
    }
    run.options.emplace_back(name, value);
  }
  // An output must not be one of the files the run reads (network --out over its --osm, report --html over
  // the results, matrix --out over --from): writing it would destroy the input.
  for (const char* out : {"--out", "--html"}) {
    const CLI::Option* o = sub->get_option_no_throw(out);
    if (!o || o->count() == 0) continue;
    for (const std::string& input : run.inputs) {
      std::error_code ec;
      if (std::filesystem::equivalent(o->as<std::string>(), input, ec))
        throw cs::IoError(o->as<std::string>() + ": is an input file of this run (" + input +
                          "); choose another output");
    }
  }
}

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

CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (cs::parse_double(s)) return {};
        return "expected a finite number, got '" + s + "'";
      },
      "FINITE", "finite");
}

void require_finite_numbers(CLI::App& app) {
  for (CLI::Option* o : app.get_options())
    if (o->get_type_name().find("FLOAT") != std::string::npos) o->transform(finite_number());  // runs first
  for (CLI::App* sub : app.get_subcommands({})) require_finite_numbers(*sub);
}

}  // namespace cs::cli

int main(int argc, char** argv) {
  using namespace cs::cli;
  handle_signals();
  CLI::App app{
      "countyscope — county-level urban-rural integration planning (network, services, siting, flows, "
      "structure, national assessment)",
      "countyscope"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "countyscope 0.1.0");
  app.footer(
      "Examples:\n  countyscope demo --out out/demo\n  countyscope network --osm "
      "data/sample/liechtenstein-2024-03-04.osm.pbf --stats\n"
      "Exit codes: 0 ok, 1 runtime or data error, 2 usage error, 130 or 143 interrupted (SIGINT, SIGTERM).");
  Runtime rt;
  app.add_option("--threads", rt.threads, "worker threads (0 = all cores, at most 1024)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            double v = 0;
            try {
              v = std::stod(text);
            } catch (const std::exception&) {
              return "expected a whole number of threads, got '" + text + "'";
            }
            const auto problem = cs::range_problem(v, cs::limits::kThreads);
            return problem ? *problem : std::string();
          },
          "INT in [0, 1024]"));
  app.add_option("--seed", rt.seed, "seed for every random choice (results are deterministic for a seed)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {  // CLI11 alone turns -1 and 1e23 into 2^64-1 silently
            std::uint64_t v = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc() && end == text.data() + text.size()) return {};
            return "expected a whole number in [0, 18446744073709551615], got '" + text + "'";
          },
          "UINT"));
  app.add_flag("-q,--quiet", rt.quiet, "no progress or information on stderr");
  app.add_flag("-v,--verbose", rt.verbose, "debug messages on stderr");
  app.add_option("--max-memory", rt.max_memory,
                 "memory a run may use, e.g. 8G, 512M or 50% (default: 75% of physical memory); larger "
                 "matrices, OD designs and MIP models are refused before they are built");

  auto& cmds = registry();
  std::stable_sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  for (auto& c : cmds) c.setup(app, rt);
  // Every command that writes an output folder may replace a folder that is not a countyscope output with
  // --force.
  for (CLI::App* sub : app.get_subcommands({}))
    for (const char* name : {"demo", "plan", "access", "locate", "flows", "structure", "assess"})
      if (sub->get_name() == name && !sub->get_option_no_throw("--force"))
        sub->add_flag("--force", rt.ctx.run.force,
                      "replace the output folder even when it is not empty and not a countyscope output "
                      "(its contents are deleted)");
  require_finite_numbers(app);  // NaN and inf are no value for any floating option

  const bool tty = ::isatty(2) == 1;
  app.parse_complete_callback([&] {
    rt.ctx.threads = rt.threads;
    rt.ctx.seed = rt.seed;
    if (!rt.max_memory.empty()) {
      const auto m = cs::parse_memory_size(rt.max_memory);
      if (!m)
        throw cs::UsageError("--max-memory '" + rt.max_memory +
                             "': expected a size such as 8G, 512M, 2GiB or a share such as 50%");
      rt.ctx.max_memory = *m;
    }
    record_run(app, rt.ctx.run);
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
    if (e.get_name() == "ExtrasError" || e.get_name() == "ArgumentMismatch" ||
        e.get_name() == "RequiredError") {
      std::cerr << "; valid options";
      if (where != &app) std::cerr << " for '" << where->get_name() << "'";
      std::cerr << ": " << valid_options(where);
    }
    if (e.get_name() == "RequiredError" && where == &app) {
      std::cerr << "; commands:";
      for (const auto* s : app.get_subcommands({})) std::cerr << ' ' << s->get_name();
    }
    std::cerr << " (see countyscope " << (where != &app ? where->get_name() + " " : std::string())
              << "--help)\n";
    return 2;
  } catch (const cs::Error& e) {
    std::cerr << "countyscope: " << (e.kind() == cs::ErrorKind::kUsage ? "usage error: " : "error: ")
              << describe_error(e, rt.ctx.run.command) << '\n';
    return e.exit_code();
  } catch (const cs::Cancelled&) {
    std::cerr << "countyscope: cancelled\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "countyscope: error: " << describe_error(e, rt.ctx.run.command) << '\n';
    return 1;
  }
  return rt.exit_code;
}
