// The run context passed to every pass (STYLE P8): logging sink, progress/cancel, threads, seed and pass timers.
// No globals, no stdout: the CLI and Python decide where messages go.
//
// Example:
//   cs::Context ctx;  ctx.threads = 4;
//   auto g = cs::timed(ctx, "build_graph", [&] { return build_graph(osm, ctx); });
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs {

enum class LogLevel { kDebug, kInfo, kWarning };

struct PassTime {
  std::string name;
  double seconds = 0.0;
};

class Cancelled : public std::exception {
 public:
  const char* what() const noexcept override { return "cancelled"; }
};

// What an output folder's manifest.json records about the run: the command, the options that change results
// (as given) and the input files (hashed when the folder is committed). `force` lets an output folder replace
// a non-empty folder that is not a countyscope output.
struct RunRecord {
  std::string command;
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> inputs;
  bool force = false;
};

struct Context {
  std::function<void(LogLevel, std::string_view)> log;            // may be empty: messages are dropped
  std::function<bool(std::string_view stage, double fraction)> progress;  // return false to cancel
  std::uint64_t seed = 0x5eed;
  int threads = 0;                                                 // 0 = all hardware threads
  std::uint64_t max_memory = 0;  // bytes a run may allocate; 0 = the default share (core/memory.hpp)
  RunRecord run;                 // what output manifests record about this run (io/output.hpp)
  std::vector<PassTime> timers;                                    // filled by timed()

  [[nodiscard]] int thread_count() const;
  void info(std::string_view msg) const { if (log) log(LogLevel::kInfo, msg); }
  void warn(std::string_view msg) const { if (log) log(LogLevel::kWarning, msg); }
  void debug(std::string_view msg) const { if (log) log(LogLevel::kDebug, msg); }
  // Reports progress; throws Cancelled when the callback asks to stop.
  void report(std::string_view stage, double fraction) const {
    if (progress && !progress(stage, fraction)) throw Cancelled();
  }
};

// Runs f() as a named pass and records its wall time in ctx.timers (the report's run-profile table).
template <class F>
auto timed(Context& ctx, std::string name, F&& f) -> decltype(f()) {
  const auto t0 = std::chrono::steady_clock::now();
  struct Rec {
    Context& c; std::string n; std::chrono::steady_clock::time_point t0;
    ~Rec() { c.timers.push_back({std::move(n), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}); }
  } rec{ctx, std::move(name), t0};
  return f();
}

// Root of the installed or source tree holding report/, data/ and schemas/: $COUNTYSCOPE_HOME if set, else the
// source tree this binary was built from, else <exe>/../share/countyscope.
std::string resource_path(std::string_view relative);

}  // namespace cs
