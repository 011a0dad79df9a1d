// RoutingKit peer for bench/network (our driver, not RoutingKit code): builds RoutingKit's contraction
// hierarchy on the graph bench_network wrote and computes square matrices between the same node sets, with
// RoutingKit's documented many-to-many interface (pin_targets, then one run_to_pinned_targets per source; one
// query object per thread). bench_network.py compiles this file against a RoutingKit checkout given with
// --routingkit DIR (built outside this repository as RoutingKit's own documentation describes: DIR/include,
// DIR/lib/libroutingkit.a); the repository ships no RoutingKit code.
//
//   routingkit_driver DIR REPS THREADS [SET...]   (no SET: the build alone)
// DIR/arcs.u32 holds (tail, head, weight ms) triples, DIR/<SET>.u32 a node list. Times the build on one
// thread (RoutingKit's build is sequential) and each SET x SET matrix on 1 and on THREADS threads, REPS times
// each, and prints "RESULT key value" lines with the first and the minimum time; writes DIR/rk_<SET>.u32 (ms,
// row-major, 0xffffffff = no path).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <routingkit/contraction_hierarchy.h>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;

std::vector<std::uint32_t> read_u32(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot open " + path);
  const auto size = static_cast<std::size_t>(in.tellg());
  std::vector<std::uint32_t> v(size / 4);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
  return v;
}

void result(const std::string& k, double v) {
  std::printf("RESULT %s %.6g\n", k.c_str(), v);
  std::fflush(stdout);
}

// Runs f reps times; prints key_first_s and key_min_s.
template <class F>
void timed(const std::string& key, int reps, F&& f) {
  double first = 0, best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    f();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (r == 0) first = s;
    best = std::min(best, s);
  }
  result(key + "_first_s", first);
  result(key + "_min_s", best);
}

// Rows [begin, end) of the square matrix between `nodes`, on one query object.
void rows(const RoutingKit::ContractionHierarchy& ch, const std::vector<unsigned>& nodes, std::size_t begin,
          std::size_t end, std::vector<std::uint32_t>& out) {
  RoutingKit::ContractionHierarchyQuery q(ch);
  q.reset().pin_targets(nodes);
  const std::size_t k = nodes.size();
  for (std::size_t i = begin; i < end; ++i) {
    q.reset_source().add_source(nodes[i]).run_to_pinned_targets().get_distances_to_targets(out.data() +
                                                                                           i * k);
  }
}

void matrix(const RoutingKit::ContractionHierarchy& ch, const std::vector<unsigned>& nodes, int threads,
            std::vector<std::uint32_t>& out) {
  const std::size_t k = nodes.size();
  out.assign(k * k, 0);
  if (threads <= 1) return rows(ch, nodes, 0, k, out);
  std::vector<std::thread> team;
  for (int t = 0; t < threads; ++t)
    team.emplace_back([&, t] { rows(ch, nodes, k * t / threads, k * (t + 1) / threads, out); });
  for (auto& th : team) th.join();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: routingkit_driver DIR REPS THREADS [SET...]\n");
    return 2;
  }
  try {
    const std::string dir = argv[1];
    const int reps = std::max(1, std::stoi(argv[2])), threads = std::max(1, std::stoi(argv[3]));
    const auto arcs = read_u32(dir + "/arcs.u32");
    std::vector<unsigned> tail, head, weight;
    unsigned n = 0;
    for (std::size_t i = 0; i + 2 < arcs.size(); i += 3) {
      tail.push_back(arcs[i]);
      head.push_back(arcs[i + 1]);
      weight.push_back(arcs[i + 2]);
      n = std::max({n, arcs[i] + 1, arcs[i + 1] + 1});
    }
    RoutingKit::ContractionHierarchy ch;
    timed("rk_build", reps, [&] { ch = RoutingKit::ContractionHierarchy::build(n, tail, head, weight); });
    std::size_t shortcuts = 0;
    for (const auto* side : {&ch.forward, &ch.backward})
      for (std::size_t a = 0; a < side->head.size(); ++a)
        shortcuts += !side->is_shortcut_an_original_arc.is_set(a);
    result("rk_hierarchy_arcs", static_cast<double>(ch.forward.head.size() + ch.backward.head.size()));
    result("rk_shortcuts", static_cast<double>(shortcuts));
    for (int s = 4; s < argc; ++s) {
      const std::string set = argv[s];
      const auto ids = read_u32(dir + "/" + set + ".u32");
      const std::vector<unsigned> nodes(ids.begin(), ids.end());
      std::vector<std::uint32_t> m;
      timed("rk_" + set + "_1t", reps, [&] { matrix(ch, nodes, 1, m); });
      if (threads > 1)
        timed("rk_" + set + "_" + std::to_string(threads) + "t", reps,
              [&] { matrix(ch, nodes, threads, m); });
      for (auto& d : m)
        if (d >= RoutingKit::inf_weight) d = 0xffffffffu;
      std::ofstream out(dir + "/rk_" + set + ".u32", std::ios::binary);
      out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * 4));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "routingkit_driver: %s\n", e.what());
    return 1;
  }
}
