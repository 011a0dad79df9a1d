// Dijkstra with a binary heap (lazy deletion) and stamp-based reset; travel-time matrices over all cores.
#include <algorithm>
#include <functional>
#include <memory>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/core/memory.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/network/cch.hpp>
#include <countyscope/network/ch.hpp>
#include <countyscope/network/routing.hpp>

namespace cs::network {

Dijkstra::Dijkstra(const RoadGraph& g)
    : g_(&g),
      dist_(g.node_count()),
      parent_(g.node_count()),
      stamp_(g.node_count(), 0),
      target_stamp_(g.node_count(), 0) {}

void Dijkstra::run(std::span<const std::pair<NodeId, Weight>> sources, Weight cutoff) {
  run(sources, cutoff, {});
}

void Dijkstra::run(std::span<const std::pair<NodeId, Weight>> sources, Weight cutoff,
                   std::span<const NodeId> stop_after) {
  has_source_snap_ = false;
  if (++round_ == 0) {  // stamps wrapped: reset once every 2^32 runs
    std::fill(stamp_.begin(), stamp_.end(), 0);
    std::fill(target_stamp_.begin(), target_stamp_.end(), 0);
    round_ = 1;
  }
  settled_.clear();
  heap_.clear();
  const RoadGraph& g = *g_;
  auto cmp = std::greater<std::pair<Weight, NodeId>>();
  for (const auto& [v, d] : sources) {
    if (d > cutoff) continue;
    if (stamp_[v] != round_ || d < dist_[v]) {
      stamp_[v] = round_;
      dist_[v] = d;
      parent_[v] = kNoNode;
      heap_.emplace_back(d, v);
      std::push_heap(heap_.begin(), heap_.end(), cmp);
    }
  }
  std::size_t remaining = 0;
  for (NodeId t : stop_after)
    if (target_stamp_[t] != round_) {
      target_stamp_[t] = round_;
      ++remaining;
    }
  const bool stop = !stop_after.empty();
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    const auto [d, u] = heap_.back();
    heap_.pop_back();
    if (d != dist_[u]) continue;  // stale entry
    settled_.push_back(u);
    if (stop && target_stamp_[u] == round_ && --remaining == 0) break;
    for (ArcId a = g.first_out[u], end = g.first_out[u + 1]; a != end; ++a) {
      const NodeId v = g.head[a];
      const Weight nd = sat_add(d, g.weight[a]);
      if (nd > cutoff) continue;
      if (stamp_[v] != round_ || nd < dist_[v]) {
        stamp_[v] = round_;
        dist_[v] = nd;
        parent_[v] = u;
        heap_.emplace_back(nd, v);
        std::push_heap(heap_.begin(), heap_.end(), cmp);
      }
    }
  }
}

void Dijkstra::run_from(const Snap& s, Weight cutoff, std::span<const NodeId> stop_after) {
  const RoadGraph& g = *g_;
  std::pair<NodeId, Weight> src[2];
  std::size_t n = 0;
  if (s.to_from_node != kInfWeight) src[n++] = {g.edge_from[s.edge], sat_add(s.access_ms, s.to_from_node)};
  if (s.to_to_node != kInfWeight) src[n++] = {g.edge_to[s.edge], sat_add(s.access_ms, s.to_to_node)};
  run(std::span<const std::pair<NodeId, Weight>>(src, n), cutoff, stop_after);
  source_snap_ = s;
  has_source_snap_ = true;
}

Weight Dijkstra::dist_to(const Snap& t) const noexcept {
  const RoadGraph& g = *g_;
  Weight best = kInfWeight;
  if (t.from_from_node != kInfWeight)
    best = std::min(best, sat_add(dist(g.edge_from[t.edge]), t.from_from_node));
  if (t.from_to_node != kInfWeight) best = std::min(best, sat_add(dist(g.edge_to[t.edge]), t.from_to_node));
  if (has_source_snap_) best = std::min(best, detail::direct_along_edge(source_snap_, t));
  return sat_add(best, t.access_ms);
}

namespace detail {
Weight direct_along_edge(const Snap& s, const Snap& t) noexcept {
  if (s.edge != t.edge) return kInfWeight;
  Weight best = kInfWeight;
  // Directly along the shared edge, without passing through an end node.
  if (s.to_to_node != kInfWeight && t.from_from_node != kInfWeight && t.frac >= s.frac &&
      t.from_from_node >= s.from_from_node)
    best = std::min(best, sat_add(s.access_ms, t.from_from_node - s.from_from_node));
  if (s.to_from_node != kInfWeight && t.from_to_node != kInfWeight && t.frac <= s.frac &&
      t.from_to_node >= s.from_to_node)
    best = std::min(best, sat_add(s.access_ms, t.from_to_node - s.from_to_node));
  return best;
}
}  // namespace detail

std::vector<NodeId> snap_target_nodes(const RoadGraph& g, std::span<const Snap> targets) {
  std::vector<NodeId> out;
  out.reserve(2 * targets.size());
  for (const Snap& t : targets) {
    if (t.from_from_node != kInfWeight) out.push_back(g.edge_from[t.edge]);
    if (t.from_to_node != kInfWeight) out.push_back(g.edge_to[t.edge]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace detail {
TimeMatrix dijkstra_matrix(const RoadGraph& g, std::span<const Snap> from, std::span<const Snap> to,
                           const MatrixOptions& opt, Context& ctx) {
  check_matrix_memory(ctx, from.size(), to.size());
  TimeMatrix m(from.size(), to.size(), kUnreachable);
  if (from.empty() || to.empty()) return m;
  const Weight cutoff = opt.cutoff_s ? from_seconds(*opt.cutoff_s) : kInfWeight;
  std::vector<Snap> src(from.begin(), from.end()), dst(to.begin(), to.end());
  if (!opt.include_access) {
    for (auto& s : src) s.access_ms = 0;
    for (auto& s : dst) s.access_ms = 0;
  }
  const std::size_t searches = std::min(src.size(), dst.size());
  const int threads = std::max(1, std::min<int>(ctx.thread_count(), static_cast<int>(searches)));
  if (dst.size() >= src.size()) {
    // One forward search per origin, stopping once every target's edge ends are settled.
    const std::vector<NodeId> targets = snap_target_nodes(g, dst);
    std::vector<std::unique_ptr<Dijkstra>> q(static_cast<std::size_t>(threads));
    parallel_for(src.size(), threads, [&](std::size_t i, int t) {
      auto& d = q[static_cast<std::size_t>(t)];
      if (!d) d = std::make_unique<Dijkstra>(g);
      d->run_from(src[i], cutoff, targets);
      auto row = m.row(i);
      for (std::size_t j = 0; j < dst.size(); ++j) {
        const Weight w = d->dist_to(dst[j]);
        row[j] = w <= cutoff ? to_seconds(w) : kUnreachable;
      }
    });
    return m;
  }
  // Fewer targets than origins: one backward search per target on the transposed arcs.
  RoadGraph r;
  {
    const RoadGraph full = reverse_graph(g);
    r.node_coord.resize(g.node_count());
    r.first_out = full.first_out;
    r.head = full.head;
    r.weight = full.weight;
  }
  std::vector<NodeId> origins;
  origins.reserve(2 * src.size());
  for (const Snap& s : src) {
    if (s.to_from_node != kInfWeight) origins.push_back(g.edge_from[s.edge]);
    if (s.to_to_node != kInfWeight) origins.push_back(g.edge_to[s.edge]);
  }
  std::sort(origins.begin(), origins.end());
  origins.erase(std::unique(origins.begin(), origins.end()), origins.end());
  std::vector<std::unique_ptr<Dijkstra>> q(static_cast<std::size_t>(threads));
  parallel_for(dst.size(), threads, [&](std::size_t j, int t) {
    auto& d = q[static_cast<std::size_t>(t)];
    if (!d) d = std::make_unique<Dijkstra>(r);
    const Snap& tg = dst[j];
    std::pair<NodeId, Weight> seeds[2];
    std::size_t k = 0;
    if (tg.from_from_node != kInfWeight) seeds[k++] = {g.edge_from[tg.edge], tg.from_from_node};
    if (tg.from_to_node != kInfWeight) seeds[k++] = {g.edge_to[tg.edge], tg.from_to_node};
    d->run({seeds, k}, cutoff, origins);
    for (std::size_t i = 0; i < src.size(); ++i) {
      const Snap& s = src[i];
      Weight best = kInfWeight;
      if (s.to_from_node != kInfWeight)
        best = std::min(best, sat_add(s.to_from_node, d->dist(g.edge_from[s.edge])));
      if (s.to_to_node != kInfWeight)
        best = std::min(best, sat_add(s.to_to_node, d->dist(g.edge_to[s.edge])));
      best = sat_add(best, s.access_ms);
      best = std::min(best, detail::direct_along_edge(s, tg));
      const Weight w = sat_add(best, tg.access_ms);
      m(i, j) = w <= cutoff ? to_seconds(w) : kUnreachable;
    }
  });
  return m;
}
}  // namespace detail

namespace {
// A given cutoff is a positive time of at most a week; a negative one would silently make every pair
// unreachable.
void check_cutoff(const MatrixOptions& opt) {
  if (opt.cutoff_s)
    if (auto msg = range_problem(*opt.cutoff_s, limits::kCutoffS)) throw UsageError("matrix cutoff: " + *msg);
}

// A snap names an edge of the graph it was made on; one made on another graph would index past this one's
// arrays.
void check_snaps(const RoadGraph& g, std::span<const Snap> points, const char* which) {
  for (std::size_t i = 0; i < points.size(); ++i)
    if (points[i].edge >= g.edge_count())
      throw UsageError(std::string("matrix: ") + which + " point " + std::to_string(i) + " names edge " +
                       std::to_string(points[i].edge) + " of a graph with " + std::to_string(g.edge_count()) +
                       " edges; it was snapped onto another network");
}
}  // namespace

TimeMatrix travel_time_matrix(const RoadGraph& g, std::span<const Snap> from, std::span<const Snap> to,
                              const MatrixOptions& opt, Context& ctx) {
  check_cutoff(opt);
  check_snaps(g, from, "origin");
  check_snaps(g, to, "destination");
  const bool use_ch = opt.algorithm == MatrixAlgorithm::kCH ||
                      (opt.algorithm == MatrixAlgorithm::kAuto && g.node_count() >= kAutoCHMinNodes &&
                       std::min(from.size(), to.size()) >= kAutoCHMinSearches);
  if (!use_ch) return detail::dijkstra_matrix(g, from, to, opt, ctx);
  const ContractionHierarchy ch = timed(ctx, "matrix: build routing index",
                                        [&] { return ContractionHierarchy::build(g, CHConfig{}, ctx); });
  return ch_matrix(ch, g, from, to, opt, ctx);
}

TimeMatrix travel_time_matrix(const RoadGraph& g, const ContractionHierarchy& ch, std::span<const Snap> from,
                              std::span<const Snap> to, const MatrixOptions& opt, Context& ctx) {
  check_cutoff(opt);
  check_snaps(g, from, "origin");
  check_snaps(g, to, "destination");
  if (opt.algorithm == MatrixAlgorithm::kDijkstra) return detail::dijkstra_matrix(g, from, to, opt, ctx);
  return ch_matrix(ch, g, from, to, opt, ctx);
}

TimeMatrix travel_time_matrix(const RoadGraph& g, const CustomizableCH& cch, std::span<const Snap> from,
                              std::span<const Snap> to, const MatrixOptions& opt, Context& ctx) {
  check_cutoff(opt);
  check_snaps(g, from, "origin");
  check_snaps(g, to, "destination");
  if (opt.algorithm == MatrixAlgorithm::kDijkstra) return detail::dijkstra_matrix(g, from, to, opt, ctx);
  return cch_matrix(cch, g, from, to, opt, ctx);
}

}  // namespace cs::network
