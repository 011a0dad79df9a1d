// Subcommand registry. Each cmd_*.cpp registers itself with a static CommandRegistration, so adding a stage
// touches only its own file and the source list. Commands contain no algorithms: they parse options, call the
// library and write outputs.
//
// Example (cmd_hello.cpp):
//   static int run(const HelloOptions& o, cs::cli::Runtime& rt) { ...; return 0; }
//   static cs::cli::CommandRegistration reg{"hello", 50, [](CLI::App& app, cs::cli::Runtime& rt) {
//     auto* sub = app.add_subcommand("hello", "Say hello")->footer("Example:\n  countyscope hello --name x");
//     auto o = std::make_shared<HelloOptions>();
//     sub->add_option("--name", o->name, "who")->required();
//     sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
//   }};
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <countyscope/core/context.hpp>

namespace cs::cli {

// Shared state of one CLI invocation: global options and the run context with logging/progress wired to stderr.
struct Runtime {
  int threads = 0;
  unsigned long long seed = 0x5eed;
  bool quiet = false;
  bool verbose = false;
  std::string max_memory;  // --max-memory as given ("8G", "50%"); empty = the default share
  int exit_code = 0;
  Context ctx;  // set up by main() before any command runs
};

struct CommandRegistration {
  using Setup = std::function<void(CLI::App&, Runtime&)>;
  CommandRegistration(std::string name, int order, Setup setup);
};

struct RegisteredCommand {
  std::string name;
  int order;
  CommandRegistration::Setup setup;
};
std::vector<RegisteredCommand>& registry();

// A command that stops cleanly on SIGINT / SIGTERM / SIGHUP (a server) sets a handler: the first signal calls
// it (from the signal thread) instead of ending the process; a second one ends it as usual.
void set_interrupt_handler(std::function<void(int signal)> handler);

// Check for an input file option: a missing or unreadable file is a data error (one line, exit 1) like every
// other missing input, not a usage error (exit 2) as cs::cli::existing_file() would make it.
const CLI::Validator& existing_file();
// One line for the user from any exception: cs::Error messages with staging paths mapped to the user's paths;
// out of memory, file system and unexpected library errors without any C++ library text.
std::string describe_error(const std::exception& e, std::string_view command);
// The one check on every floating option (main() applies it to all of them after the commands are set up):
// the text must be a finite number, so "nan" and "inf" are usage errors naming the option.
CLI::Validator finite_number();
void require_finite_numbers(CLI::App& app);

}  // namespace cs::cli
