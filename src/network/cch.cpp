// Customizable contraction hierarchies: metric-independent preprocessing, (partial) customisation,
// elimination-tree queries and matrices. The order comes from nested_dissection.cpp.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/core/hash.hpp>
#include <countyscope/core/memory.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/network/cch.hpp>

namespace cs::network {

namespace {

std::uint64_t topology_checksum_of(const RoadGraph& g) noexcept {
  const std::uint64_t n = g.node_count();
  std::uint64_t h = fnv1a64(&n, sizeof n);
  h = fnv1a64(g.first_out.data(), g.first_out.size() * sizeof(ArcId), h);
  return fnv1a64(g.head.data(), g.head.size() * sizeof(NodeId), h);
}

// Index of arc (lo, hi) among the upward arcs of lo (it must exist: the supergraph is chordal).
std::uint32_t find_arc(const CustomizableCH& c, NodeId lo, NodeId hi) noexcept {
  const auto b = c.up_head.begin() + c.up_first[lo], e = c.up_head.begin() + c.up_first[lo + 1];
  return static_cast<std::uint32_t>(std::lower_bound(b, e, hi) - c.up_head.begin());
}

}  // namespace

std::size_t CustomizableCH::memory_bytes() const noexcept {
  auto b = [](const auto& v) { return v.size() * sizeof(typename std::decay_t<decltype(v)>::value_type); };
  return b(rank) + b(node_of_rank) + b(parent) + b(up_first) + b(up_head) + b(up_tail) + b(weight) +
         b(tri_first) + b(tri_arc) + b(arc_ch) + b(arc_up) + b(in_first) + b(in_arc) + b(arc_weight) +
         b(level_first) + b(level_arc);
}

bool CustomizableCH::matches(const RoadGraph& g) const noexcept {
  return g.node_count() == rank.size() && g.arc_count() == arc_ch.size() &&
         topology_checksum_of(g) == topology_checksum;
}

CustomizableCH CustomizableCH::build(const RoadGraph& g, const CCHConfig& cfg, Context& ctx) {
  const std::vector<NodeId> order = nested_dissection_order(g, cfg.metis_seed);
  CustomizableCH c = prepare(g, order);
  c.customize(g.weight, cfg.threads > 0 ? cfg.threads : ctx.thread_count());
  ctx.info("cch: " + std::to_string(c.node_count()) + " nodes, " + std::to_string(c.arc_count()) +
           " hierarchy arcs, " + std::to_string(c.triangle_count()) + " triangles, elimination tree of " +
           std::to_string(c.level_first.empty() ? 0 : c.level_first.size() - 1) + " levels");
  return c;
}

CustomizableCH CustomizableCH::prepare(const RoadGraph& g, std::span<const NodeId> order) {
  const std::size_t n = g.node_count();
  if (order.size() != n)
    throw InputError("CCH order: " + std::to_string(order.size()) + " nodes given for a graph of " +
                     std::to_string(n));
  CustomizableCH c;
  c.node_of_rank.assign(order.begin(), order.end());
  c.rank.assign(n, kNoNode);
  for (std::size_t r = 0; r < n; ++r) {
    const NodeId v = order[r];
    if (v >= n) throw InputError("CCH order: node " + std::to_string(v) + " out of range");
    if (c.rank[v] != kNoNode) throw InputError("CCH order: node " + std::to_string(v) + " given twice");
    c.rank[v] = static_cast<NodeId>(r);
  }
  // Chordal completion through the elimination tree: eliminating r makes its upper neighbours a clique; it
  // is enough to hand them to the lowest of them (the parent), which passes them on when eliminated.
  std::vector<std::vector<NodeId>> up(n);
  for (NodeId u = 0; u < n; ++u)
    for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
      const NodeId ru = c.rank[u], rv = c.rank[g.head[a]];
      if (ru != rv) up[std::min(ru, rv)].push_back(std::max(ru, rv));
    }
  c.parent.assign(n, kNoNode);
  c.up_first.assign(n + 1, 0);
  for (NodeId r = 0; r < n; ++r) {
    auto& u = up[r];
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    u.shrink_to_fit();
    if (!u.empty()) {
      c.parent[r] = u.front();
      auto& p = up[u.front()];
      p.insert(p.end(), u.begin() + 1, u.end());
    }
    c.up_first[r + 1] = c.up_first[r] + static_cast<std::uint32_t>(u.size());
  }
  c.up_head.reserve(c.up_first[n]);
  for (auto& u : up) {
    c.up_head.insert(c.up_head.end(), u.begin(), u.end());
    std::vector<NodeId>().swap(u);
  }
  const std::size_t m = c.up_head.size();
  // Input arcs -> hierarchy arcs, and back (CSR).
  c.arc_ch.assign(g.arc_count(), kNoArc);
  c.arc_up.assign(g.arc_count(), 0);
  c.in_first.assign(m + 1, 0);
  for (NodeId u = 0; u < n; ++u)
    for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
      const NodeId ru = c.rank[u], rv = c.rank[g.head[a]];
      if (ru == rv) continue;
      c.arc_ch[a] = find_arc(c, std::min(ru, rv), std::max(ru, rv));
      c.arc_up[a] = ru < rv ? 1 : 0;
      ++c.in_first[c.arc_ch[a] + 1];
    }
  for (std::size_t e = 0; e < m; ++e) c.in_first[e + 1] += c.in_first[e];
  c.in_arc.resize(c.in_first[m]);
  {
    std::vector<std::uint32_t> fill(c.in_first.begin(), c.in_first.end() - 1);
    for (ArcId a = 0; a < g.arc_count(); ++a)
      if (c.arc_ch[a] != kNoArc) c.in_arc[fill[c.arc_ch[a]]++] = a;
  }
  // Lower triangles: for arc e = (u, v), every w below u with arcs (w, u) and (w, v). The arcs into u from
  // below, by increasing w; then for each such arc a = (w, u), the arcs b = (w, v) after it in w's list
  // (heads above u) each close a triangle with e = (u, v).
  std::vector<std::uint32_t> down_first(n + 1, 0), down_arc(m);
  for (std::size_t e = 0; e < m; ++e) ++down_first[c.up_head[e] + 1];
  for (std::size_t r = 0; r < n; ++r) down_first[r + 1] += down_first[r];
  {
    std::vector<std::uint32_t> fill(down_first.begin(), down_first.end() - 1);
    for (std::size_t e = 0; e < m; ++e) down_arc[fill[c.up_head[e]]++] = static_cast<std::uint32_t>(e);
  }
  c.up_tail.resize(m);
  for (NodeId r = 0; r < n; ++r)
    for (auto e = c.up_first[r]; e < c.up_first[r + 1]; ++e) c.up_tail[e] = r;
  const std::vector<NodeId>& tail = c.up_tail;
  std::vector<std::uint32_t> pos(n, kNoArc);
  c.tri_first.assign(m + 1, 0);
  auto for_each_triangle = [&](NodeId u, auto&& f) {
    for (auto e = c.up_first[u]; e < c.up_first[u + 1]; ++e) pos[c.up_head[e]] = e;
    for (auto k = down_first[u]; k < down_first[u + 1]; ++k) {
      const std::uint32_t a = down_arc[k];
      for (auto b = a + 1; b < c.up_first[tail[a] + 1]; ++b) f(pos[c.up_head[b]], a, b);
    }
    for (auto e = c.up_first[u]; e < c.up_first[u + 1]; ++e) pos[c.up_head[e]] = kNoArc;
  };
  for (NodeId u = 0; u < n; ++u)
    for_each_triangle(u, [&](std::uint32_t e, std::uint32_t, std::uint32_t) { ++c.tri_first[e + 1]; });
  for (std::size_t e = 0; e < m; ++e) c.tri_first[e + 1] += c.tri_first[e];
  c.tri_arc.resize(2 * c.tri_first[m]);
  {
    std::vector<std::uint64_t> fill(c.tri_first.begin(), c.tri_first.end() - 1);
    for (NodeId u = 0; u < n; ++u)
      for_each_triangle(u, [&](std::uint32_t e, std::uint32_t a, std::uint32_t b) {
        const std::uint64_t k = fill[e]++;
        c.tri_arc[2 * k] = a;
        c.tri_arc[2 * k + 1] = b;
      });
  }
  // Levels: a node's height in the elimination tree (leaves 0); nodes of one height are not ancestors of
  // each other, so their arcs do not depend on each other.
  std::vector<std::uint32_t> height(n, 0);
  std::uint32_t levels = n ? 1 : 0;
  for (NodeId r = 0; r < n; ++r)
    if (c.parent[r] != kNoNode) {
      height[c.parent[r]] = std::max(height[c.parent[r]], height[r] + 1);
      levels = std::max(levels, height[c.parent[r]] + 1);
    }
  c.level_first.assign(levels + 1, 0);
  for (NodeId r = 0; r < n; ++r) c.level_first[height[r] + 1] += c.up_first[r + 1] - c.up_first[r];
  for (std::uint32_t k = 0; k < levels; ++k) c.level_first[k + 1] += c.level_first[k];
  c.level_arc.resize(m);
  {
    std::vector<std::uint32_t> fill(c.level_first.begin(), c.level_first.end() - 1);
    for (NodeId r = 0; r < n; ++r)
      for (auto e = c.up_first[r]; e < c.up_first[r + 1]; ++e) c.level_arc[fill[height[r]]++] = e;
  }
  c.weight.assign(2 * m, kInfWeight);
  c.arc_weight.assign(g.arc_count(), kInfWeight);
  c.topology_checksum = topology_checksum_of(g);
  return c;
}

std::pair<Weight, Weight> CustomizableCH::recompute(std::uint32_t e) const noexcept {
  Weight up = kInfWeight, down = kInfWeight;
  for (auto i = in_first[e]; i < in_first[e + 1]; ++i) {
    const ArcId a = in_arc[i];
    Weight& w = arc_up[a] ? up : down;
    w = std::min(w, arc_weight[a]);
  }
  const std::uint32_t* t = tri_arc.data() + 2 * tri_first[e];
  const std::uint32_t* end = tri_arc.data() + 2 * tri_first[e + 1];
  for (; t != end; t += 2) {
    const Weight* wa = weight.data() + 2 * static_cast<std::size_t>(t[0]);  // (w, u)
    const Weight* wb = weight.data() + 2 * static_cast<std::size_t>(t[1]);  // (w, v)
    up = std::min(up, sat_add(wa[1], wb[0]));                               // u -> w -> v
    down = std::min(down, sat_add(wb[1], wa[0]));                           // v -> w -> u
  }
  return {up, down};
}

void CustomizableCH::customize(std::span<const Weight> w, int threads) {
  if (w.size() != arc_weight.size())
    throw InputError("CCH customisation: " + std::to_string(w.size()) + " arc weights for a graph of " +
                     std::to_string(arc_weight.size()) + " arcs");
  arc_weight.assign(w.begin(), w.end());
  const std::size_t m = arc_count();
  auto set = [&](std::uint32_t e) {
    const auto [up, down] = recompute(e);
    weight[2 * static_cast<std::size_t>(e)] = up;
    weight[2 * static_cast<std::size_t>(e) + 1] = down;
  };
  if (threads <= 1 || m < 4096) {
    // Arcs are numbered by the rank of their lower end: every triangle's lower arcs come first.
    for (std::uint32_t e = 0; e < m; ++e) set(e);
    return;
  }
  const std::size_t levels = level_first.size() - 1;
  std::vector<std::atomic<std::uint32_t>> next(levels);
  for (std::size_t k = 0; k < levels; ++k) next[k].store(level_first[k], std::memory_order_relaxed);
  SpinBarrier barrier(threads);
  parallel_team(threads, [&](int, int team) {
    for (std::size_t k = 0; k < levels; ++k) {
      const std::uint32_t end = level_first[k + 1];
      const std::uint32_t chunk =
          std::clamp<std::uint32_t>((end - level_first[k]) / (8 * static_cast<std::uint32_t>(team)), 1, 256);
      for (;;) {
        const std::uint32_t b = next[k].fetch_add(chunk, std::memory_order_relaxed);
        if (b >= end) break;
        for (std::uint32_t i = b; i < std::min(end, b + chunk); ++i) set(level_arc[i]);
      }
      barrier.arrive_and_wait();
    }
  });
}

std::size_t CustomizableCH::update(std::span<const ArcTime> changes) {
  std::vector<Weight> ms(changes.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const ArcTime& c = changes[i];
    if (c.arc >= arc_weight.size())
      throw InputError("arc " + std::to_string(c.arc) + ": out of range (the graph has " +
                       std::to_string(arc_weight.size()) + " arcs)");
    if (std::isnan(c.seconds) || c.seconds < 0)
      throw InputError("arc " + std::to_string(c.arc) + ": travel time " + std::to_string(c.seconds) +
                       " s is not a non-negative number (use +inf to close it)");
    ms[i] = std::isinf(c.seconds) ? kInfWeight : from_seconds(c.seconds);
  }
  // Min-heap of hierarchy arcs by id (= by rank of the lower end): an arc is recomputed after every arc it
  // depends on.
  std::vector<std::uint32_t> heap;
  auto push = [&](std::uint32_t e) {
    heap.push_back(e);
    std::push_heap(heap.begin(), heap.end(), std::greater<>());
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    arc_weight[changes[i].arc] = ms[i];
    if (arc_ch[changes[i].arc] != kNoArc) push(arc_ch[changes[i].arc]);
  }
  std::size_t recomputed = 0;
  std::uint32_t last = kNoArc;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>());
    const std::uint32_t e = heap.back();
    heap.pop_back();
    if (e == last) continue;
    last = e;
    ++recomputed;
    const auto [up, down] = recompute(e);
    Weight* we = weight.data() + 2 * static_cast<std::size_t>(e);
    const Weight old_up = we[0], old_down = we[1];
    if (old_up == up && old_down == down) continue;
    we[0] = up;
    we[1] = down;
    // e = (w, x) is a lower arc of the triangle (w, x, y) for every other upper neighbour y of w; its top arc
    // (x, y) can change only if the old path through w was its value or the new one is shorter.
    const NodeId w = up_tail[e], x = up_head[e];
    auto maybe_push = [&](std::uint32_t t, Weight old_t_up, Weight new_t_up, Weight old_t_down,
                          Weight new_t_down) {
      const Weight* wt = weight.data() + 2 * static_cast<std::size_t>(t);
      if ((old_t_up == wt[0] && new_t_up != old_t_up) || new_t_up < wt[0] ||
          (old_t_down == wt[1] && new_t_down != old_t_down) || new_t_down < wt[1])
        push(t);
    };
    std::uint32_t xe = up_first[x];  // merge pointer over x's upward arcs
    for (auto b = up_first[w]; b < up_first[w + 1]; ++b) {
      const NodeId y = up_head[b];
      if (y == x) continue;
      const Weight* wo = weight.data() + 2 * static_cast<std::size_t>(b);  // the other lower arc (w, y)
      if (y < x) {  // top arc (y, x): up = (w,y) down + e up; down = e down + (w,y) up
        const std::uint32_t t = find_arc(*this, y, x);
        maybe_push(t, sat_add(wo[1], old_up), sat_add(wo[1], up), sat_add(old_down, wo[0]),
                   sat_add(down, wo[0]));
      } else {  // top arc (x, y): up = e down + (w,y) up; down = (w,y) down + e up
        while (up_head[xe] < y) ++xe;
        maybe_push(xe, sat_add(old_down, wo[0]), sat_add(down, wo[0]), sat_add(wo[1], old_up),
                   sat_add(wo[1], up));
      }
    }
  }
  return recomputed;
}

// ---- queries
// --------------------------------------------------------------------------------------------------

CCHQuery::CCHQuery(const CustomizableCH& cch) : cch_(&cch), dist_(cch.node_count(), kInfWeight) {}

void CCHQuery::walk(std::span<const std::pair<NodeId, Weight>> seeds, bool forward) {
  const CustomizableCH& c = *cch_;
  for (NodeId r : path_) dist_[r] = kInfWeight;
  path_.clear();
  // The union of the seeds' ancestor chains in increasing rank: repeatedly the lowest current node.
  NodeId cur[4];
  const std::size_t k = std::min<std::size_t>(seeds.size(), 4);
  for (std::size_t i = 0; i < k; ++i) cur[i] = seeds[i].first;
  for (;;) {
    NodeId low = kNoNode;
    for (std::size_t i = 0; i < k; ++i) low = std::min(low, cur[i]);
    if (low == kNoNode) break;
    path_.push_back(low);
    for (std::size_t i = 0; i < k; ++i)
      if (cur[i] == low) cur[i] = c.parent[low];
  }
  for (std::size_t i = 0; i < k; ++i)
    dist_[seeds[i].first] = std::min(dist_[seeds[i].first], seeds[i].second);
  const std::size_t dir = forward ? 0 : 1;
  for (NodeId r : path_) {
    const Weight d = dist_[r];
    if (d == kInfWeight) continue;
    for (auto e = c.up_first[r]; e < c.up_first[r + 1]; ++e) {
      const Weight nd = sat_add(d, c.weight[2 * static_cast<std::size_t>(e) + dir]);
      Weight& dh = dist_[c.up_head[e]];
      if (nd < dh) dh = nd;
    }
  }
  // Stalling: a reached node with a higher neighbour that offers a strictly shorter way to it is no meeting
  // node of any shortest path (that neighbour, an ancestor, is on every walk this node is on, and its label
  // already covers the way through it); the top node of a shortest up-down path is never stalled.
  space_.clear();
  for (NodeId r : path_) {
    const Weight d = dist_[r];
    if (d == kInfWeight) continue;
    bool stalled = false;
    for (auto e = c.up_first[r]; e < c.up_first[r + 1] && !stalled; ++e)
      stalled = sat_add(dist_[c.up_head[e]], c.weight[2 * static_cast<std::size_t>(e) + (1 - dir)]) < d;
    if (!stalled) space_.push_back(r);
  }
}

Weight CCHQuery::distance(NodeId s, NodeId t) {
  const CustomizableCH& c = *cch_;
  const std::pair<NodeId, Weight> fs{c.rank[s], 0}, bt{c.rank[t], 0};
  walk({&fs, 1}, true);
  std::vector<std::pair<NodeId, Weight>> fwd;
  fwd.reserve(path_.size());
  for (NodeId r : path_) fwd.emplace_back(r, dist_[r]);
  walk({&bt, 1}, false);
  Weight best = kInfWeight;
  for (const auto& [r, d] : fwd) best = std::min(best, sat_add(d, dist_[r]));
  return best;
}

namespace {

// kSweep: per target, the backward walk, then every node's time to the target from the top rank down (a
// node's time is the best of its walk label and its upward arcs' times plus their heads' times: every
// shortest path goes up, then down), read at the origins' seeds.
void sweep_matrix(const CustomizableCH& cch, const RoadGraph& g, const std::vector<Snap>& src,
                  const std::vector<Snap>& dst, Weight cutoff, int threads, TimeMatrix& m) {
  const std::size_t n = cch.node_count();
  // The origins' seeds by rank, with the access leg and the along-edge time to the node.
  struct Seed {
    NodeId r[2];
    Weight w[2];
  };
  std::vector<Seed> seeds(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) {
    const Snap& s = src[i];
    Seed& x = seeds[i];
    x.r[0] = x.r[1] = 0;
    x.w[0] = x.w[1] = kInfWeight;
    if (s.to_from_node != kInfWeight) {
      x.r[0] = cch.rank[g.edge_from[s.edge]];
      x.w[0] = sat_add(s.access_ms, s.to_from_node);
    }
    if (s.to_to_node != kInfWeight) {
      x.r[1] = cch.rank[g.edge_to[s.edge]];
      x.w[1] = sat_add(s.access_ms, s.to_to_node);
    }
  }
  std::vector<std::unique_ptr<CCHQuery>> q(static_cast<std::size_t>(threads));
  std::vector<std::vector<Weight>> dist(static_cast<std::size_t>(threads));
  parallel_for(
      dst.size(), threads,
      [&](std::size_t j, int t) {
        auto& qp = q[static_cast<std::size_t>(t)];
        if (!qp) qp = std::make_unique<CCHQuery>(cch);
        std::vector<Weight>& d = dist[static_cast<std::size_t>(t)];
        d.assign(n, kInfWeight);
        const Snap& s = dst[j];
        std::pair<NodeId, Weight> sd[2];
        std::size_t k = 0;
        if (s.from_from_node != kInfWeight) sd[k++] = {cch.rank[g.edge_from[s.edge]], s.from_from_node};
        if (s.from_to_node != kInfWeight) sd[k++] = {cch.rank[g.edge_to[s.edge]], s.from_to_node};
        qp->walk({sd, k}, false);
        for (NodeId r : qp->path()) d[r] = qp->d(r);
        for (std::size_t r = n; r-- > 0;) {
          Weight best = d[r];
          for (auto e = cch.up_first[r]; e < cch.up_first[r + 1]; ++e)
            best = std::min(best, sat_add(cch.weight[2 * static_cast<std::size_t>(e)], d[cch.up_head[e]]));
          d[r] = best;
        }
        for (std::size_t i = 0; i < src.size(); ++i) {
          const Seed& x = seeds[i];
          const Weight b = std::min(sat_add(x.w[0], d[x.r[0]]), sat_add(x.w[1], d[x.r[1]]));
          const Weight w = sat_add(std::min(b, detail::direct_along_edge(src[i], s)), s.access_ms);
          m(i, j) = w <= cutoff ? to_seconds(w) : kUnreachable;
        }
      },
      1);
}

}  // namespace

TimeMatrix cch_matrix(const CustomizableCH& cch, const RoadGraph& g, std::span<const Snap> from,
                      std::span<const Snap> to, const MatrixOptions& opt, Context& ctx,
                      CCHMatrixMethod method) {
  if (!cch.matches(g)) throw InputError("the CCH index was prepared for another graph (prepare it again)");
  check_matrix_memory(ctx, from.size(), to.size());
  TimeMatrix m(from.size(), to.size(), kUnreachable);
  if (from.empty() || to.empty()) return m;
  const Weight cutoff = opt.cutoff_s ? from_seconds(*opt.cutoff_s) : kInfWeight;
  std::vector<Snap> src(from.begin(), from.end()), dst(to.begin(), to.end());
  if (!opt.include_access) {
    for (auto& s : src) s.access_ms = 0;
    for (auto& s : dst) s.access_ms = 0;
  }
  const int threads = std::max(1, ctx.thread_count());
  if (method == CCHMatrixMethod::kSweep ||
      (method == CCHMatrixMethod::kAuto && 32 * src.size() >= cch.node_count() + cch.arc_count())) {
    sweep_matrix(cch, g, src, dst, cutoff, threads, m);
    return m;
  }
  std::vector<std::unique_ptr<CCHQuery>> q(static_cast<std::size_t>(threads));
  auto query = [&](int t) -> CCHQuery& {
    auto& p = q[static_cast<std::size_t>(t)];
    if (!p) p = std::make_unique<CCHQuery>(cch);
    return *p;
  };
  // Backward walks of the targets -> buckets (CSR by rank, entries in target order).
  std::vector<std::vector<std::pair<NodeId, Weight>>> spaces(dst.size());
  parallel_for(
      dst.size(), threads,
      [&](std::size_t j, int t) {
        const Snap& s = dst[j];
        std::pair<NodeId, Weight> seeds[2];
        std::size_t k = 0;
        if (s.from_from_node != kInfWeight) seeds[k++] = {cch.rank[g.edge_from[s.edge]], s.from_from_node};
        if (s.from_to_node != kInfWeight) seeds[k++] = {cch.rank[g.edge_to[s.edge]], s.from_to_node};
        CCHQuery& cq = query(t);
        cq.walk({seeds, k}, false);
        auto& sp = spaces[j];
        for (NodeId r : cq.space())
          if (cq.d(r) <= cutoff) sp.emplace_back(r, cq.d(r));
      },
      8);
  const std::size_t n = cch.node_count();
  std::vector<std::uint32_t> bucket_first(n + 1, 0);
  for (const auto& sp : spaces)
    for (const auto& e : sp) ++bucket_first[e.first + 1];
  for (std::size_t r = 0; r < n; ++r) bucket_first[r + 1] += bucket_first[r];
  struct Entry {
    std::uint32_t target;
    Weight d;
  };
  std::vector<Entry> bucket(bucket_first.back());
  {
    std::vector<std::uint32_t> fill(bucket_first.begin(), bucket_first.end() - 1);
    for (std::size_t j = 0; j < spaces.size(); ++j) {
      for (const auto& e : spaces[j]) bucket[fill[e.first]++] = {static_cast<std::uint32_t>(j), e.second};
      std::vector<std::pair<NodeId, Weight>>().swap(spaces[j]);
    }
  }
  std::vector<std::vector<Weight>> best(static_cast<std::size_t>(threads));
  parallel_for(
      src.size(), threads,
      [&](std::size_t i, int t) {
        const Snap& s = src[i];
        std::pair<NodeId, Weight> seeds[2];
        std::size_t k = 0;
        if (s.to_from_node != kInfWeight)
          seeds[k++] = {cch.rank[g.edge_from[s.edge]], sat_add(s.access_ms, s.to_from_node)};
        if (s.to_to_node != kInfWeight)
          seeds[k++] = {cch.rank[g.edge_to[s.edge]], sat_add(s.access_ms, s.to_to_node)};
        CCHQuery& cq = query(t);
        cq.walk({seeds, k}, true);
        auto& b = best[static_cast<std::size_t>(t)];
        b.assign(dst.size(), kInfWeight);
        for (NodeId r : cq.space()) {
          const Weight d = cq.d(r);
          if (d > cutoff) continue;
          for (auto e = bucket_first[r]; e < bucket_first[r + 1]; ++e) {
            const Weight x = sat_add(d, bucket[e].d);
            if (x < b[bucket[e].target]) b[bucket[e].target] = x;
          }
        }
        auto row = m.row(i);
        for (std::size_t j = 0; j < dst.size(); ++j) {
          const Weight w = sat_add(std::min(b[j], detail::direct_along_edge(s, dst[j])), dst[j].access_ms);
          row[j] = w <= cutoff ? to_seconds(w) : kUnreachable;
        }
      },
      4);
  return m;
}

}  // namespace cs::network
