// The studio's HTTP glue (docs/studio.md "Security model" and "API"): a loopback listener over one
// studio::Session with Host / Origin checks, a per-session token on every API call, bodies of at most 1 MB,
// JSON errors carrying the CLI's one-line messages, a bounded work queue (503 + Retry-After) and the web
// app's assets from a fixed list (no request names a file).
//
// Example:
//   cs::serve::StudioServer srv(session, {.host = "127.0.0.1", .port = 0}, ctx);
//   int port = srv.bind();     // 0 = a free port
//   srv.run();                 // until stop() (SIGTERM)
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include <countyscope/core/context.hpp>
#include <countyscope/studio/session.hpp>

namespace httplib {
class Server;
}

namespace cs::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8787;           // 0 = any free port
  std::string scenario_dir;  // where saved scenarios are written (NAME.toml); empty = not written
  std::size_t queue = 8;     // API requests waiting or running at once; more get 503 + Retry-After
  std::size_t max_body = 1 << 20;
  std::string token;  // empty = a random one
};

class StudioServer {
 public:
  StudioServer(studio::Session& session, ServerOptions opt, const Context& ctx);
  ~StudioServer();
  StudioServer(const StudioServer&) = delete;
  StudioServer& operator=(const StudioServer&) = delete;

  int bind();   // binds host:port; returns the port (throws IoError when it cannot)
  void run();   // serves until stop()
  void stop();  // async-safe from another thread
  [[nodiscard]] const std::string& token() const { return opt_.token; }

 private:
  void routes();
  studio::Session& session_;
  ServerOptions opt_;
  Context ctx_;
  std::unique_ptr<httplib::Server> svr_;
  std::mutex mu_;  // one edit at a time over the one model
  std::atomic<std::size_t> pending_{0};
  int port_ = 0;
};

}  // namespace cs::serve
