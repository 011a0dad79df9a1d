// Siting benchmark: p-median on instances of increasing size from the sample county (demand = building
// centroids weighted by footprint area, candidates = settlements then buildings), car travel times from the
// network layer. For each size: the heuristic (time, gap to its Lagrangian bound and to the optimum), the
// exact solve (`solve_mip`: the radius formulation with generated rows, all threads; time to the proven
// optimum), the previous exact method (the assignment model with Lagrangian reduced-cost fixing, one thread)
// as a check of the optimum up to assign_max_pairs demand x candidate pairs, and the full assignment model
// written as a CPLEX LP file solved by glpsol and by the cbc CLI in the same run (ratios). The machine's load
// average is printed next to every row. Usage: bench_locate OSM_PBF [max_size_index] [peer_time_limit_s]
// [mip_time_limit_s] [peer_max_vars] [assign_max_pairs]. Prints a Markdown table (the one in docs/locate.md
// and bench/README.md) and one note line per row.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/pbf_input.hpp>
#include <osmium/visitor.hpp>

#include <countyscope/core/rng.hpp>
#include <countyscope/locate/problem.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_network.hpp>

namespace {

struct Collect : osmium::handler::Handler {
  std::vector<cs::LonLat> building, place;
  std::vector<double> footprint;
  void node(const osmium::Node& n) {
    const char* p = n.tags()["place"];
    if (!p) return;
    const std::string s = p;
    if (s == "city" || s == "town" || s == "village" || s == "hamlet" || s == "suburb" ||
        s == "isolated_dwelling" || s == "neighbourhood" || s == "locality")
      place.push_back({n.location().lon(), n.location().lat()});
  }
  void way(const osmium::Way& w) {
    if (!w.tags()["building"] || w.nodes().size() < 4) return;
    double sx = 0, sy = 0, a = 0;
    std::size_t k = 0;
    const auto& nodes = w.nodes();
    for (std::size_t i = 0; i + 1 < nodes.size(); ++i) {
      if (!nodes[i].location().valid() || !nodes[i + 1].location().valid()) return;
      const double x0 = nodes[i].location().lon(), y0 = nodes[i].location().lat();
      const double x1 = nodes[i + 1].location().lon(), y1 = nodes[i + 1].location().lat();
      sx += x0, sy += y0, ++k;
      a += x0 * y1 - x1 * y0;
    }
    const double lat = sy / k;
    building.push_back({sx / k, lat});
    footprint.push_back(std::abs(a) / 2 * 111320.0 * 110540.0 * std::cos(lat * M_PI / 180));
  }
};

// The 1-minute load average (/proc/loadavg), NaN if unreadable.
double load1() {
  std::ifstream f("/proc/loadavg");
  double v = NAN;
  f >> v;
  return v;
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Runs a shell command with a wall limit; returns seconds and stdout.
std::pair<double, std::string> run(const std::string& cmd) {
  const double t0 = now();
  std::string out;
  if (FILE* f = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (std::size_t k = fread(buf, 1, sizeof buf, f)) out.append(buf, k);
    pclose(f);
  }
  return {now() - t0, out};
}

double grab(const std::string& text, const std::string& re) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(re))) return std::stod(m[1]);
  return NAN;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_locate OSM_PBF [max_size_index] [peer_time_limit_s] [mip_time_limit_s] "
                 "[peer_max_vars] [assign_max_pairs]\n";
    return 2;
  }
  const std::string osm = argv[1];
  const int max_idx = argc > 2 ? std::atoi(argv[2]) : 99;
  const double peer_limit = argc > 3 ? std::atof(argv[3]) : 60;
  const double mip_limit = argc > 4 ? std::atof(argv[4]) : 120;
  const double peer_max_vars = argc > 5 ? std::atof(argv[5]) : 1e6;
  const double assign_max_pairs = argc > 6 ? std::atof(argv[6]) : 2.5e6;
  cs::Context ctx;
  Collect c;
  {
    using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
    Index index;
    osmium::handler::NodeLocationsForWays<Index> loc(index);
    osmium::io::Reader reader(osm, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
    osmium::apply(reader, loc, c);
    reader.close();
  }
  const auto nb = cs::build_network(osm, cs::default_network_config(cs::network::Profile::kCar), ctx);
  cs::network::SnapIndex snap(nb.graph);
  std::printf("sample: %zu buildings, %zu settlements, %zu road nodes, %d threads\n", c.building.size(),
              c.place.size(), nb.graph.node_count(), ctx.thread_count());

  // Deterministic order of buildings (seeded shuffle).
  std::vector<std::size_t> order(c.building.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  cs::Rng rng(20261129);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);

  // Instances: (demand points, candidates), each solved for every p. The peers get the full LP file only up
  // to peer_max_vars assignment variables (writing and parsing a 10M-variable LP file is a benchmark of its
  // own).
  struct Size {
    std::size_t n, m;
  };
  const std::vector<Size> sizes = {{900, 220}, {2000, 400}, {5000, 500}, {10000, 1000}};
  const std::vector<std::uint32_t> ps = {5, 20};
  std::printf(
      "peers: glpsol and cbc CLI on the LP file, limit %.0f s, up to %.0f assignment variables; exact limit "
      "%.0f s; assignment model (previous exact method) up to %.0f pairs; load average %.2f at the start\n\n",
      peer_limit, peer_max_vars, mip_limit, assign_max_pairs, load1());
  std::printf(
      "| n × m | p | load | heuristic s (no bound) | heur. gap to own bound | heur. gap to optimum | exact s "
      "(radius, 1 thr.) | exact s (%d thr.) | same answer | outcome | gap | assignment model s (1 thr.) | "
      "same "
      "optimum | glpsol s | glpsol / exact | cbc CLI s | cbc / exact |\n",
      ctx.thread_count());
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  std::vector<std::string> notes;
  namespace fs = std::filesystem;
  const fs::path tmp = fs::temp_directory_path() / ("cs-bench-locate-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  auto secs = [](double t, bool done) {
    char b[64];
    std::snprintf(b, sizeof b, done ? "%.2f" : "> %.0f", t);
    return std::string(b);
  };
  for (std::size_t si = 0; si < sizes.size() && static_cast<int>(si) <= max_idx; ++si) {
    const std::size_t n = sizes[si].n,
                      m = sizes[si].m;  // not a structured binding: lambdas use them (clang 14)
    if (n > c.building.size()) break;
    std::vector<cs::LonLat> dem, cand;
    std::vector<double> w;
    for (std::size_t k = 0; k < n; ++k)
      dem.push_back(c.building[order[k]]), w.push_back(std::max(1.0, std::round(c.footprint[order[k]])));
    for (std::size_t k = 0; k < c.place.size() && cand.size() < m; ++k) cand.push_back(c.place[k]);
    for (std::size_t k = n; cand.size() < m && k < order.size(); ++k) cand.push_back(c.building[order[k]]);
    const auto ds = snap.snap_all(dem, {}, ctx.thread_count());
    const auto cs_ = snap.snap_all(cand, {}, ctx.thread_count());
    cs::locate::LocateProblem pb;
    pb.kind = cs::locate::ProblemKind::kPMedian;
    pb.weight = w;
    const double tm0 = now();
    pb.cost = cs::network::travel_time_matrix(nb.graph, ds, cs_, {}, ctx);
    const double tmat = now() - tm0;
    // Unreachable rows (outside the kept component) cannot be served: give them weight 0 and say so.
    std::size_t dropped = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = pb.cost.row(i);
      if (std::none_of(r.begin(), r.end(), [](float t) { return std::isfinite(t); }))
        pb.weight[i] = 0, ++dropped;
    }
    if (const char* dump = std::getenv("CS_LOCATE_DUMP")) {  // raw instance for profiling outside the bench
      std::ofstream f(std::string(dump) + "/pmedian_" + std::to_string(n) + "x" + std::to_string(m) + ".bin",
                      std::ios::binary);
      const std::uint64_t nn = n, mm = m;
      f.write(reinterpret_cast<const char*>(&nn), 8);
      f.write(reinterpret_cast<const char*>(&mm), 8);
      f.write(reinterpret_cast<const char*>(pb.weight.data()), static_cast<std::streamsize>(8 * n));
      f.write(reinterpret_cast<const char*>(pb.cost.data()), static_cast<std::streamsize>(4 * n * m));
    }
    for (const std::uint32_t p : ps) {
      pb.p = p;
      const double th0 = now();
      const auto h = cs::locate::solve_heuristic(pb, {}, ctx);
      const double th = now() - th0;
      const double tn0 = now();
      const auto hn = cs::locate::solve_heuristic(pb, {.compute_bound = false}, ctx);
      const double tn = now() - tn0;
      const double load = load1();
      // The exact solve on one thread (as the peers) and on all threads (the radius formulation's Clp and CBC
      // run on one; the heuristic's sort and the row separation use the others): same answer required.
      cs::Context one = ctx;
      one.threads = 1;
      const double tx0 = now();
      const auto x = cs::locate::solve_mip(pb, {.time_limit_s = mip_limit}, one);
      const double tx = now() - tx0;
      const double ty0 = now();
      const auto xa = cs::locate::solve_mip(pb, {.time_limit_s = mip_limit}, ctx);
      const double ty = now() - ty0;
      const bool same_threads = x.outcome == xa.outcome && x.open == xa.open && x.objective == xa.objective &&
                                x.assigned == xa.assigned;
      // The previous exact method on one thread, as a check of the optimum on the smaller instances.
      std::string a_cell = "—", same_cell = "—";
      cs::locate::LocateResult a;
      if (static_cast<double>(n) * static_cast<double>(m) <= assign_max_pairs) {
        const double ta0 = now();
        a = cs::locate::solve_mip(
            pb, {.time_limit_s = mip_limit, .formulation = cs::locate::PMedianFormulation::kAssignment}, one);
        const double ta = now() - ta0;
        const bool a_opt = a.outcome == cs::locate::Outcome::kOptimal;
        a_cell = secs(ta, a_opt);
        if (!a_opt)
          same_cell = "— (assignment not optimal)";
        else if (x.outcome != cs::locate::Outcome::kOptimal)
          same_cell = "— (radius not optimal)";
        else if (std::abs(a.objective - x.objective) <= 1e-6 * std::max(1.0, std::abs(x.objective)))
          same_cell = "yes";
        else {
          char b[96];
          std::snprintf(b, sizeof b, "MISMATCH %.10g vs %.10g", a.objective, x.objective);
          same_cell = b;
        }
      }
      const bool exact = x.outcome == cs::locate::Outcome::kOptimal;
      const bool has_x = exact || x.outcome == cs::locate::Outcome::kFeasibleGapOpen;
      const double best_bound = has_x ? std::max(h.bound, x.bound) : h.bound;
      std::string note = std::to_string(n) + "x" + std::to_string(m) + " p=" + std::to_string(p) +
                         ": matrix " + std::to_string(static_cast<int>(tmat * 1000)) + " ms";
      if (dropped) note += ", " + std::to_string(dropped) + " unreachable demand points weighted 0";
      note += "; heuristic " + std::string(cs::locate::outcome_name(h.outcome)) + " (" + h.message + ")";
      note += hn.objective == h.objective
                  ? "; no-bound run same objective"
                  : "; no-bound run objective " + std::to_string(100.0 * (hn.objective / h.objective - 1.0)) +
                        " % higher";
      note += "; exact: " + x.message;
      if (a_cell != "—") note += "; assignment model: " + a.message;
      std::string g_cell = "—", gr_cell = "—", c_cell = "—", cr_cell = "—";
      const double vars = static_cast<double>(n) * static_cast<double>(m);
      if (vars <= peer_max_vars) {
        const fs::path lp = tmp / "model.lp";
        std::ofstream(lp) << cs::locate::write_lp_file_text(pb);
        const std::string lim = std::to_string(static_cast<int>(peer_limit));
        const std::string hard = "timeout -k 5 " + std::to_string(static_cast<int>(peer_limit) + 10) + " ";
        auto [g_s, g_out] = run(hard + "glpsol --lp " + lp.string() + " --tmlim " + lim + " 2>&1");
        const double gobj = grab(g_out, R"(obj\s*=\s*([-+0-9.eE]+))");
        const bool g_ok = g_out.find("INTEGER OPTIMAL") != std::string::npos;
        auto [c_s, c_out] =
            run(hard + "cbc " + lp.string() + " timeMode elapsed sec " + lim + " solve quit 2>&1");
        const double cobj = grab(c_out, R"(Objective value:\s*([-+0-9.eE]+))");
        const bool c_ok = c_out.find("Optimal solution found") != std::string::npos;
        // A peer's time is printed only with its answer checked: both optimal and the same objective. A peer
        // that does not finish gives a lower bound on the ratio ("> N×"), labelled as such.
        auto cell = [&](const char* name, bool ok, double obj, double t, std::string& t_cell,
                        std::string& r_cell) {
          char b[160];
          std::string match;
          if (!ok) {
            note += std::string("; ") + name + " not optimal within " + lim + " s";
            t_cell = secs(peer_limit, false);
            std::snprintf(b, sizeof b, "> %.0f× (lower bound)", peer_limit / tx);
            r_cell = exact ? b : "—";
            match = "no answer within " + lim + " s";
          } else if (!exact) {
            t_cell = secs(t, true);
            r_cell = "— (ours not optimal)";
            match = "ours not proven optimal";
          } else if (std::abs(obj - x.objective) > 1e-6 * x.objective + 1) {
            std::snprintf(b, sizeof b, "objective %.6g vs ours %.6g", obj, x.objective);
            match = b;
            t_cell = "MISMATCH";
            r_cell = std::string("MISMATCH: ") + b;
          } else {
            t_cell = secs(t, true);
            std::snprintf(b, sizeof b, "%.0f×", t / tx);
            r_cell = b;
            match = "yes";
          }
          const bool no_answer = match.rfind("no answer", 0) == 0;
          const std::string m_txt =
              match == "yes" ? "yes" : (no_answer ? "NO ANSWER (" : "MISMATCH (") + match + ")";
          char t_txt[32];
          std::snprintf(t_txt, sizeof t_txt, "%.4g", t);
          const std::string p_txt = match == "yes" ? t_txt : "-";
          const std::string r_txt = match == "yes" || (no_answer && exact) ? r_cell : "-";
          std::printf("SUMMARY|locate|%zux%zu p=%u exact p-median|%s|1|1|1|single run|%s|%.4g|%s|%s\n", n, m,
                      p, name, m_txt.c_str(), tx, p_txt.c_str(), r_txt.c_str());
        };
        cell("glpsol", g_ok, gobj, g_s, g_cell, gr_cell);
        cell("cbc CLI", c_ok, cobj, c_s, c_cell, cr_cell);
      }
      char xg[32] = "—", hg[32] = "—";
      if (has_x) std::snprintf(xg, sizeof xg, "%.3f %%", 100 * x.gap);
      if (exact)
        std::snprintf(hg, sizeof hg, "%.3f %%", 100.0 * (h.objective / x.objective - 1.0));
      else if (std::isfinite(best_bound))  // an upper bound on the gap to the optimum
        std::snprintf(hg, sizeof hg, "≤ %.3f %%", 100.0 * (h.objective / best_bound - 1.0));
      std::printf(
          "| %zu × %zu | %u | %.2f | %.3f (%.3f) | %.3f %% | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s "
          "| %s | "
          "%s |\n",
          n, m, p, load, th, tn, 100 * h.gap, hg, secs(tx, exact).c_str(),
          secs(ty, xa.outcome == cs::locate::Outcome::kOptimal).c_str(), same_threads ? "yes" : "NO",
          std::string(cs::locate::outcome_name(x.outcome)).c_str(), xg, a_cell.c_str(), same_cell.c_str(),
          g_cell.c_str(), gr_cell.c_str(), c_cell.c_str(), cr_cell.c_str());
      std::fflush(stdout);
      notes.push_back(note);
    }
  }
  std::printf("\nload average %.2f at the end\n\n", load1());
  for (const auto& s : notes) std::printf("- %s\n", s.c_str());
  fs::remove_all(tmp);
  return 0;
}
