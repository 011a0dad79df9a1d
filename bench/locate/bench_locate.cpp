// Siting benchmark: p-median on instances of increasing size from the sample county (demand = building
// centroids weighted by footprint area, candidates = settlements then buildings), car travel times from the
// network layer. For each size: the heuristic (time, gap to its Lagrangian bound), the exact MIP (time,
// outcome), and the same model written as a CPLEX LP file solved by glpsol and by the cbc CLI in the same run
// (ratios). Usage: bench_locate OSM_PBF [max_size_index] [peer_time_limit_s]
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
#include <countyscope/network/osm_network.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

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
    std::cerr << "usage: bench_locate OSM_PBF [max_size_index] [peer_time_limit_s]\n";
    return 2;
  }
  const std::string osm = argv[1];
  const int max_idx = argc > 2 ? std::atoi(argv[2]) : 99;
  const double peer_limit = argc > 3 ? std::atof(argv[3]) : 120;
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
  const auto nb = cs::build_network(osm, cs::default_network_config(cs::Profile::kCar), ctx);
  cs::SnapIndex snap(nb.graph);
  std::printf("sample: %zu buildings, %zu settlements, %zu road nodes, %d threads\n", c.building.size(),
              c.place.size(), nb.graph.node_count(), ctx.thread_count());

  // Deterministic order of buildings (seeded shuffle).
  std::vector<std::size_t> order(c.building.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  cs::Rng rng(20261129);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);

  struct Size {
    std::size_t n, m;
    std::uint32_t p;
  };
  const std::vector<Size> sizes = {{900, 220, 5}, {2000, 300, 10}, {5000, 600, 20}, {10000, 1000, 30}};
  std::printf("\n%-12s %4s | %9s %9s %8s | %9s %-9s %8s | %9s %9s | %9s %9s | %s\n", "n x m", "p", "heur_s",
              "heur_gap%", "h/opt-1%", "mip_s", "mip", "mip_gap%", "glpsol_s", "ratio", "cbc_cli_s", "ratio",
              "note");
  namespace fs = std::filesystem;
  const fs::path tmp = fs::temp_directory_path() / ("cs-bench-locate-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  for (std::size_t si = 0; si < sizes.size() && static_cast<int>(si) <= max_idx; ++si) {
    const auto [n, m, p] = sizes[si];
    if (n > c.building.size()) break;
    std::vector<cs::LonLat> dem, cand;
    std::vector<double> w;
    for (std::size_t k = 0; k < n; ++k)
      dem.push_back(c.building[order[k]]), w.push_back(std::max(1.0, std::round(c.footprint[order[k]])));
    for (std::size_t k = 0; k < c.place.size() && cand.size() < m; ++k) cand.push_back(c.place[k]);
    for (std::size_t k = n; cand.size() < m && k < order.size(); ++k) cand.push_back(c.building[order[k]]);
    const auto ds = snap.snap_all(dem, {}, ctx.thread_count());
    const auto cs_ = snap.snap_all(cand, {}, ctx.thread_count());
    cs::LocateProblem pb;
    pb.kind = cs::ProblemKind::kPMedian;
    pb.p = p;
    pb.weight = w;
    const double tm0 = now();
    pb.cost = cs::travel_time_matrix(nb.graph, ds, cs_, {}, ctx);
    const double tmat = now() - tm0;
    // Unreachable rows (outside the kept component) cannot be served: give them weight 0 and say so.
    std::size_t dropped = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = pb.cost.row(i);
      if (std::none_of(r.begin(), r.end(), [](float t) { return std::isfinite(t); }))
        pb.weight[i] = 0, ++dropped;
    }
    const double th0 = now();
    const auto h = cs::solve_heuristic(pb, {}, ctx);
    const double th = now() - th0;
    const double tn0 = now();
    const auto hn = cs::solve_heuristic(pb, {.compute_bound = false}, ctx);
    const double tn = now() - tn0;
    const double mip_limit = si == sizes.size() - 1 ? 300 : 120;
    const double tx0 = now();
    const auto x = cs::solve_mip(pb, {.time_limit_s = mip_limit}, ctx);
    const double tx = now() - tx0;
    const bool exact = x.outcome == cs::Outcome::kOptimal;
    std::string note = "matrix " + std::to_string(static_cast<int>(tmat * 1000)) + " ms";
    if (dropped) note += ", " + std::to_string(dropped) + " unreachable demand points weighted 0";
    double tg = NAN, tc = NAN;
    const std::size_t vars = n * m;
    if (vars <= 700'000) {
      const fs::path lp = tmp / "model.lp";
      std::ofstream(lp) << cs::write_lp_file_text(pb);
      auto [g_s, g_out] =
          run("timeout -k 5 " + std::to_string(static_cast<int>(peer_limit) + 10) + " glpsol --lp " +
              lp.string() + " --tmlim " + std::to_string(static_cast<int>(peer_limit)) + " 2>&1");
      const double gobj = grab(g_out, R"(obj\s*=\s*([-+0-9.eE]+))");
      tg = g_s;
      if (g_out.find("INTEGER OPTIMAL") == std::string::npos)
        note += ", glpsol not optimal within " + std::to_string(static_cast<int>(peer_limit)) + " s";
      else if (exact && std::abs(gobj - x.objective) > 1e-6 * x.objective + 1)
        note += ", glpsol objective differs";
      auto [c_s, c_out] =
          run("timeout -k 5 " + std::to_string(static_cast<int>(peer_limit) + 10) + " cbc " + lp.string() +
              " timeMode elapsed sec " + std::to_string(static_cast<int>(peer_limit)) + " solve quit 2>&1");
      const double cobj = grab(c_out, R"(Objective value:\s*([-+0-9.eE]+))");
      tc = c_s;
      if (c_out.find("Optimal solution found") == std::string::npos)
        note += ", cbc CLI not optimal within " + std::to_string(static_cast<int>(peer_limit)) + " s";
      else if (exact && std::abs(cobj - x.objective) > 1e-6 * x.objective + 1)
        note += ", cbc CLI objective differs";
    } else {
      note += ", peers skipped (LP file of " + std::to_string(vars / 1'000'000) + "M variables)";
    }
    const double hopt = exact ? 100.0 * (h.objective / x.objective - 1.0) : NAN;
    std::printf("%5zux%-6zu %4u | %9.3f %9.4f %8.4f | %9.2f %-9s %8.4f | %9.2f %9.1f | %9.2f %9.1f | %s\n", n,
                m, p, th, 100 * h.gap, hopt, tx, std::string(cs::outcome_name(x.outcome)).c_str(),
                100 * x.gap, tg, tg / tx, tc, tc / tx, note.c_str());
    std::printf("%17s exact/heuristic time ratio %.0fx; heuristic without bound %.3f s (objective %s)\n", "",
                tx / th, tn, hn.objective == h.objective ? "same" : "differs");
    std::fflush(stdout);
  }
  fs::remove_all(tmp);
  return 0;
}
