// The studio's HTTP glue (server.hpp, docs/studio.md). Every API request passes, in order: the Host check,
// the Origin check, the token, the body limit (httplib, 413), the work queue (503 + Retry-After) and the
// edit's own validation (the CLI's one-line messages, 400). Nothing in a request names a file: saved
// scenarios go to the folder given on the command line under a checked name, assets come from a fixed list.
#include "server.hpp"

#include <chrono>
#include <filesystem>
#include <httplib.h>
#include <malloc.h>
#include <map>
#include <random>
#include <set>

#include <countyscope/core/error.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/report/report.hpp>

namespace cs::serve {

namespace {

constexpr const char* kJson = "application/json";

void json_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(Json{{"error", message}}.dump(), kJson);
}

std::string random_token() {
  std::random_device rd;
  std::string t;
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    std::uint32_t x = rd();
    for (int k = 0; k < 4; ++k, x >>= 8) {
      t += hex[(x >> 4) & 15];
      t += hex[x & 15];
    }
  }
  return t;  // 128 bits
}

bool equal_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}

// The web app's assets: URL -> file under the installed or source tree. Nothing else is served.
const std::map<std::string, std::pair<std::string, std::string>>& assets() {
  static const std::map<std::string, std::pair<std::string, std::string>> m = {
      {"/", {"apps/countyscope/serve/web/index.html", "text/html; charset=utf-8"}},
      {"/studio.js", {"apps/countyscope/serve/web/studio.js", "text/javascript; charset=utf-8"}},
      {"/studio.css", {"apps/countyscope/serve/web/studio.css", "text/css; charset=utf-8"}},
      {"/i18n.js", {"report/i18n.js", "text/javascript; charset=utf-8"}},
      {"/vendor/leaflet.js", {"node_modules/leaflet/dist/leaflet.js", "text/javascript; charset=utf-8"}},
      {"/vendor/leaflet.css", {"node_modules/leaflet/dist/leaflet.css", "text/css; charset=utf-8"}},
      {"/vendor/echarts.js", {"node_modules/echarts/dist/echarts.min.js", "text/javascript; charset=utf-8"}},
  };
  return m;
}

// What the web app draws besides the answer: places, facilities, the roads with their OSM way ids (so a
// click can close one), the service types and standards.
Json state_json(const studio::Session& s) {
  const PlanState& b = s.base();
  const County& c = s.current_county();
  Json places = Json::array(), facilities = Json::array(), services = Json::array();
  for (const Settlement& x : c.settlements)
    places.push_back({{"name", x.name},
                      {"tier", std::string(tier_name(x.tier))},
                      {"lon", x.pos.lon},
                      {"lat", x.pos.lat},
                      {"population", x.population}});
  // Administrative units by name (a [[unit]] edit names one), each once.
  Json units = Json::array();
  std::set<std::string> unit_names;
  for (const AdminUnit& u : c.units)
    if (!u.name.empty() && unit_names.insert(u.name).second) units.push_back(u.name);
  for (const Facility& f : c.facilities)
    facilities.push_back({{"name", f.name},
                          {"osm_id", f.osm_id},
                          {"service", c.services.types[f.service].name},
                          {"lon", f.pos.lon},
                          {"lat", f.pos.lat}});
  for (const ServiceType& t : c.services.types) services.push_back(t.name);
  // Roads: one polyline per edge of the main classes (way id, class, speed), coordinates rounded to 1e-5.
  const network::RoadGraph& g = b.car.graph;
  Json ways = Json::array(), coords = Json::array(), speeds = Json::array();
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    if (g.edge_way[e] <= 0 || g.edge_class[e] > network::RoadClass::kTertiary) continue;
    Json line = Json::array();
    for (const LonLat& p : g.edge_shape(e))
      line.push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
    ways.push_back(g.edge_way[e]);
    speeds.push_back(g.edge_speed_kmh[e]);
    coords.push_back(std::move(line));
  }
  return {
      {"county", b.county.name},
      {"places", std::move(places)},
      {"units", std::move(units)},
      {"facilities", std::move(facilities)},
      {"services", std::move(services)},
      {"roads", {{"way", std::move(ways)}, {"speed_kmh", std::move(speeds)}, {"line", std::move(coords)}}}};
}

}  // namespace

StudioServer::StudioServer(studio::Session& session, ServerOptions opt, const Context& ctx)
    : session_(session), opt_(std::move(opt)), svr_(std::make_unique<httplib::Server>()) {
  // Edits run one at a time but on any of httplib's worker threads: one malloc arena per thread would keep
  // each thread's freed answer memory, so the heavy work shares two.
  mallopt(M_ARENA_MAX, 2);
  if (opt_.token.empty()) opt_.token = random_token();
  ctx_.threads = ctx.threads;
  ctx_.seed = ctx.seed;
  ctx_.max_memory = ctx.max_memory;  // no log: an edit's warnings (far points) were said at start
  routes();
}

StudioServer::~StudioServer() = default;

int StudioServer::bind() {
  port_ = opt_.port == 0 ? svr_->bind_to_any_port(opt_.host)
                         : (svr_->bind_to_port(opt_.host, opt_.port) ? opt_.port : -1);
  if (port_ <= 0)
    throw IoError("serve: cannot listen on " + opt_.host + ":" + std::to_string(opt_.port) +
                  " (in use, or not an address of this machine)");
  return port_;
}

void StudioServer::run() { svr_->listen_after_bind(); }

void StudioServer::stop() { svr_->stop(); }

void StudioServer::routes() {
  httplib::Server& s = *svr_;
  s.set_payload_max_length(opt_.max_body);
  s.set_read_timeout(10, 0);
  s.set_write_timeout(10, 0);
  s.set_keep_alive_max_count(1000);

  // Host and Origin: the names this listener answers to, so a page elsewhere (DNS rebinding, a cross-site
  // form) cannot drive it; then the token on every API call.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const std::string port = std::to_string(port_);
    const std::string host = req.get_header_value("Host");
    const bool host_ok = host == "127.0.0.1:" + port || host == "localhost:" + port ||
                         host == "[::1]:" + port || host == opt_.host + ":" + port;
    if (!host_ok) {
      json_error(res, 403, "serve: Host '" + host + "' is not this studio's address");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.has_header("Origin") && req.get_header_value("Origin") != "http://" + host) {
      json_error(res, 403, "serve: Origin '" + req.get_header_value("Origin") + "' may not call this studio");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path.rfind("/api/", 0) == 0 &&
        !equal_constant_time(req.get_header_value("X-Countyscope-Token"), opt_.token)) {
      json_error(res, 401,
                 "serve: missing or wrong X-Countyscope-Token header (printed when the studio started)");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string what = res.status == 413   ? "serve: request body larger than 1 MB"
                             : res.status == 404 ? "serve: no such resource"
                             : res.status == 400 ? "serve: malformed request"
                                                 : "serve: request failed";
    json_error(res, res.status, what);
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    json_error(res, 500, "serve: internal error (please report it with the request)");
  });

  for (const auto& [url, asset] : assets()) {
    const auto [file, type] = asset;
    s.Get(url, [file, type](const httplib::Request&, httplib::Response& res) {
      std::error_code ec;
      const std::string path = resource_path(file);
      if (!std::filesystem::is_regular_file(path, ec)) return json_error(res, 404, "serve: no such resource");
      res.set_content(read_file(path), type);
    });
  }

  s.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });

  // Runs one API call under the queue bound and the session lock (work sets the content); cs::Error -> 400
  // with its one line.
  auto run = [this](httplib::Response& res, const std::function<void()>& work) {
    if (pending_.fetch_add(1) >= opt_.queue) {
      pending_.fetch_sub(1);
      res.set_header("Retry-After", "1");
      return json_error(res, 503, "serve: busy (" + std::to_string(opt_.queue) + " requests queued); retry");
    }
    // Released however the call ends (an exception other than cs::Error goes on to the 500 handler).
    struct Release {
      std::atomic<std::size_t>& n;
      ~Release() { n.fetch_sub(1); }
    } release{pending_};
    try {
      const auto t0 = std::chrono::steady_clock::now();
      std::lock_guard lock(mu_);
      work();
      std::string
          steps;  // the session's timed steps (studio/apply, studio/scenario, studio/access), for benches
      for (const PassTime& p : ctx_.timers)
        steps += (steps.empty() ? "" : ";") + p.name + "=" + std::to_string(p.seconds * 1e3);
      res.set_header("X-Timings", steps);
      ctx_.timers.clear();
      // An answer allocates and frees ~100 MB on whichever worker thread ran it; give it back to the system
      // so the server's memory stays flat across many edits (glibc keeps freed arena memory otherwise).
      malloc_trim(0);
      res.set_header(
          "X-Compute-Ms",
          std::to_string(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()));
    } catch (const Error& e) {
      ctx_.timers.clear();
      json_error(res,
                 e.kind() == ErrorKind::kInternal   ? 500
                 : e.kind() == ErrorKind::kResource ? 503
                                                    : 400,
                 e.what());
    } catch (const Json::exception& e) {
      json_error(res, 400, std::string("serve: body is not valid JSON (") + e.what() + ")");
    }
  };
  auto api = [run](httplib::Response& res, const std::function<Json()>& work) {
    run(res, [&] { res.set_content(work().dump(), kJson); });
  };
  auto body_json = [](const httplib::Request& req) {
    const Json j = Json::parse(req.body);
    if (!j.is_object()) throw UsageError("serve: give a JSON object");
    return j;
  };

  s.Get("/api/state", [this, api](const httplib::Request&, httplib::Response& res) {
    api(res, [&] {
      Json j = state_json(session_);
      j["answer"] = session_.answer_json();
      return j;
    });
  });
  s.Get("/api/answer", [this, api](const httplib::Request&, httplib::Response& res) {
    api(res, [&] { return session_.answer_json(); });
  });
  s.Post("/api/edit", [this, api, body_json](const httplib::Request& req, httplib::Response& res) {
    api(res, [&] {
      session_.edit(studio::parse_edit(body_json(req), session_.current_county()), ctx_);
      return session_.answer_json();
    });
  });
  s.Post("/api/undo", [this, api](const httplib::Request&, httplib::Response& res) {
    api(res, [&] {
      if (!session_.undo(ctx_)) throw UsageError("undo: nothing to undo");
      return session_.answer_json();
    });
  });
  s.Post("/api/redo", [this, api](const httplib::Request&, httplib::Response& res) {
    api(res, [&] {
      if (!session_.redo(ctx_)) throw UsageError("redo: nothing to redo");
      return session_.answer_json();
    });
  });
  s.Post("/api/save", [this, api, body_json](const httplib::Request& req, httplib::Response& res) {
    api(res, [&] {
      const Json j = body_json(req);
      for (const auto& [key, v] : j.items())
        if (key != "name") throw UsageError("save: field '" + key + "': unknown key; valid keys: name");
      if (!j.contains("name") || !j["name"].is_string())
        throw UsageError("save: field 'name': must be a string");
      const std::string name = j["name"].get<std::string>();
      const std::string toml = session_.save(name);  // checks the name: [A-Za-z0-9_-]{1,64}
      Json out = {{"name", name}, {"toml", toml}, {"saved", Json::array()}};
      if (!opt_.scenario_dir.empty()) {
        std::filesystem::create_directories(opt_.scenario_dir);
        write_file_atomic(std::filesystem::path(opt_.scenario_dir) / (name + ".toml"), toml);
        out["file"] = name + ".toml";
      }
      for (const studio::Saved& x : session_.saved())
        out["saved"].push_back({{"name", x.name}, {"headline", x.headline}});
      return out;
    });
  });
  s.Post("/api/sites", [this, api, body_json](const httplib::Request& req, httplib::Response& res) {
    api(res,
        [&] { return session_.sites(studio::parse_sites(body_json(req), session_.current_county()), ctx_); });
  });
  s.Get("/api/scenario.toml", [this, api](const httplib::Request&, httplib::Response& res) {
    api(res, [&] { return Json{{"toml", studio::scenario_toml(session_.scenario())}}; });
  });
  // The static report of the current state (the batch's report of the saved scenario), as a download.
  s.Get("/api/report.html", [this, run](const httplib::Request&, httplib::Response& res) {
    run(res, [&] {
      res.set_content(render_report(session_.report_document()), "text/html; charset=utf-8");
      res.set_header("Content-Disposition", "attachment; filename=\"countyscope-studio-report.html\"");
    });
  });
  // One CSV file of the current answer, exactly as the batch run writes it.
  s.Get(R"(/api/csv/([a-z0-9_]+\.csv))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    std::optional<std::string> csv = session_.answer().csv_file(req.matches[1].str());
    if (!csv) return json_error(res, 404, "serve: no table '" + req.matches[1].str() + "' in the answer");
    res.set_content(std::move(*csv), "text/csv; charset=utf-8");
  });
}

}  // namespace cs::serve
