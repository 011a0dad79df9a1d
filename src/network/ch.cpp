// Contraction hierarchies: build (independent-set rounds, parallel witness searches), file format, upward
// searches with stall-on-demand, bucket many-to-many and PHAST one-to-all.
//
// Parallel contraction stays exact: in each round the nodes contracted together form an independent set
// (strict local minima of the priority among their neighbours), and their witness searches avoid *every* node
// of the set, so a witness path found in the round still exists after it.
#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/core/hash.hpp>
#include <countyscope/core/memory.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/network/ch.hpp>

namespace cs::network {
namespace {

struct WArc {
  NodeId v;
  Weight w;
  std::uint32_t hops;  // original arcs this arc stands for
};

struct Shortcut {
  NodeId a, b;
  Weight w;
  std::uint32_t hops;
};

void add_or_min(std::vector<WArc>& list, NodeId v, Weight w, std::uint32_t hops) {
  for (auto& a : list)
    if (a.v == v) {
      if (w < a.w) a.w = w, a.hops = hops;
      return;
    }
  list.push_back({v, w, hops});
}

void remove_node(std::vector<WArc>& list, NodeId v) {
  std::erase_if(list, [v](const WArc& a) { return a.v == v; });
}

std::uint64_t mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint32_t kNotInSet = 0xffffffffu;

// Bounded one-to-many Dijkstra on the remaining graph with a 4-ary decrease-key heap (no stale entries).
// Skips the node being contracted and every node x with set_pos[x] < before (the nodes of the current round
// contracted ahead of it).
class Witness {
 public:
  explicit Witness(std::size_t n) : dist_(n), stamp_(n, 0), target_(n, 0), pos_(n) {}
  // Stops once every node of `targets` is settled, past max_d, or after `limit` settled nodes.
  void run(const std::vector<std::vector<WArc>>& out, NodeId s, Weight max_d, std::uint32_t limit,
           const std::vector<std::uint32_t>& set_pos, std::uint32_t before, NodeId skip,
           const std::vector<WArc>& targets) {
    if (++round_ == 0) {
      std::fill(stamp_.begin(), stamp_.end(), 0);
      std::fill(target_.begin(), target_.end(), 0);
      round_ = 1;
    }
    std::size_t left = 0;
    for (const WArc& t : targets)
      if (t.v != s && target_[t.v] != round_) target_[t.v] = round_, ++left;
    if (left == 0) return;
    heap_.clear();
    stamp_[s] = round_;
    dist_[s] = 0;
    push(s);
    std::uint32_t settled = 0;
    while (!heap_.empty()) {
      const NodeId u = pop();
      const Weight d = dist_[u];
      if (d > max_d || ++settled > limit) break;
      if (target_[u] == round_ && --left == 0) break;
      for (const WArc& a : out[u]) {
        if (a.v == skip || set_pos[a.v] < before) continue;
        const Weight nd = sat_add(d, a.w);
        if (nd > max_d) continue;
        if (stamp_[a.v] != round_) {
          stamp_[a.v] = round_;
          dist_[a.v] = nd;
          push(a.v);
        } else if (nd < dist_[a.v]) {
          dist_[a.v] = nd;
          if (pos_[a.v] != kSettled) up(pos_[a.v]);
        }
      }
    }
  }
  [[nodiscard]] Weight get(NodeId v) const { return stamp_[v] == round_ ? dist_[v] : kInfWeight; }

 private:
  static constexpr std::uint32_t kSettled = 0xffffffffu;
  void push(NodeId v) {
    heap_.push_back(v);
    up(static_cast<std::uint32_t>(heap_.size() - 1));
  }
  NodeId pop() {
    const NodeId top = heap_.front();
    pos_[top] = kSettled;
    const NodeId last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) {
      heap_[0] = last;
      pos_[last] = 0;
      down(0);
    }
    return top;
  }
  // Ties broken by node id so the search is the same whatever the thread.
  [[nodiscard]] bool before(NodeId a, NodeId b) const {
    return dist_[a] != dist_[b] ? dist_[a] < dist_[b] : a < b;
  }
  void up(std::uint32_t i) {
    const NodeId v = heap_[i];
    while (i > 0) {
      const std::uint32_t p = (i - 1) / 4;
      if (!before(v, heap_[p])) break;
      heap_[i] = heap_[p];
      pos_[heap_[i]] = i;
      i = p;
    }
    heap_[i] = v;
    pos_[v] = i;
  }
  void down(std::uint32_t i) {
    const NodeId v = heap_[i];
    const auto size = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
      const std::uint32_t c0 = 4 * i + 1;
      if (c0 >= size) break;
      std::uint32_t best = c0;
      for (std::uint32_t c = c0 + 1; c < std::min(c0 + 4, size); ++c)
        if (before(heap_[c], heap_[best])) best = c;
      if (!before(heap_[best], v)) break;
      heap_[i] = heap_[best];
      pos_[heap_[i]] = i;
      i = best;
    }
    heap_[i] = v;
    pos_[v] = i;
  }

  std::vector<Weight> dist_;
  std::vector<std::uint32_t> stamp_, target_, pos_;
  std::uint32_t round_ = 0;
  std::vector<NodeId> heap_;
};

// The shortcuts contracting u needs: for each in-neighbour a, one witness search to all out-neighbours.
// Returns the number of witness searches' settled nodes in `settled` if non-null.
void shortcuts_of(const std::vector<std::vector<WArc>>& out, const std::vector<std::vector<WArc>>& in,
                  NodeId u, const std::vector<std::uint32_t>& set_pos, std::uint32_t before,
                  std::uint32_t limit, Witness& ws, std::vector<Shortcut>& res) {
  res.clear();
  for (const WArc& ia : in[u]) {
    const NodeId a = ia.v;
    Weight max_d = 0;
    bool any = false;
    for (const WArc& oa : out[u])
      if (oa.v != a) {
        max_d = std::max(max_d, sat_add(ia.w, oa.w));
        any = true;
      }
    if (!any) continue;
    ws.run(out, a, max_d, limit, set_pos, before, u, out[u]);
    for (const WArc& oa : out[u]) {
      if (oa.v == a) continue;
      const Weight via = sat_add(ia.w, oa.w);
      if (ws.get(oa.v) > via) res.push_back({a, oa.v, via, ia.hops + oa.hops});
    }
  }
}

}  // namespace

std::uint64_t graph_checksum(const RoadGraph& g) noexcept {
  std::uint64_t h = fnv1a64(g.first_out.data(), g.first_out.size() * sizeof(ArcId));
  h = fnv1a64(g.head.data(), g.head.size() * sizeof(NodeId), h);
  return fnv1a64(g.weight.data(), g.weight.size() * sizeof(Weight), h);
}

bool ContractionHierarchy::matches(const RoadGraph& g) const noexcept {
  return g.node_count() == rank.size() && cs::network::graph_checksum(g) == graph_checksum;
}

std::size_t ContractionHierarchy::memory_bytes() const noexcept {
  auto b = [](const auto& v) { return v.size() * sizeof(typename std::decay_t<decltype(v)>::value_type); };
  return b(rank) + b(node_of_rank) + b(up_first) + b(up_head) + b(up_weight) + b(down_first) + b(down_head) +
         b(down_weight);
}

ContractionHierarchy ContractionHierarchy::build(const RoadGraph& g, const CHConfig& cfg, Context& ctx) {
  const std::size_t n = g.node_count();
  const int threads = std::max(1, cfg.threads > 0 ? cfg.threads : ctx.thread_count());
  std::vector<std::vector<WArc>> out(n), in(n);
  for (NodeId u = 0; u < n; ++u)
    for (ArcId a = g.first_out[u]; a < g.first_out[u + 1]; ++a) {
      const NodeId v = g.head[a];
      if (v == u) continue;
      add_or_min(out[u], v, g.weight[a], 1);
      add_or_min(in[v], u, g.weight[a], 1);
    }
  // Position of a node in the current round's set (kNotInSet otherwise): node set[i]'s witness searches avoid
  // set[0..i), as if the set were contracted one node after the other.
  std::vector<std::uint32_t> set_pos(n, kNotInSet);
  std::vector<std::int64_t> prio(n, 0);
  std::vector<std::uint32_t> level(n, 0);
  std::vector<std::unique_ptr<Witness>> ws(static_cast<std::size_t>(threads));
  std::vector<std::vector<Shortcut>> scratch(static_cast<std::size_t>(threads));
  auto witness = [&](int t) -> Witness& {
    auto& p = ws[static_cast<std::size_t>(t)];
    if (!p) p = std::make_unique<Witness>(n);
    return *p;
  };
  // Priority: level (hierarchy depth) plus the arcs and the original arcs (hops) contraction would add, each
  // as a ratio of those it removes (Abraham et al. 2011's edge and hop quotients).
  auto compute_prio = [&](NodeId u, int t) {
    auto& sc = scratch[static_cast<std::size_t>(t)];
    shortcuts_of(out, in, u, set_pos, 0, cfg.witness_settle_limit, witness(t), sc);
    std::int64_t removed = 1 + static_cast<std::int64_t>(in[u].size() + out[u].size()), removed_hops = 1;
    for (const WArc& a : in[u]) removed_hops += a.hops;
    for (const WArc& a : out[u]) removed_hops += a.hops;
    std::int64_t added_hops = 0;
    for (const Shortcut& s : sc) added_hops += s.hops;
    prio[u] = 1000 * static_cast<std::int64_t>(level[u]) +
              1000 * static_cast<std::int64_t>(sc.size()) / removed + 1000 * added_hops / removed_hops;
  };
  parallel_for(
      n, threads, [&](std::size_t u, int t) { compute_prio(static_cast<NodeId>(u), t); }, 64);

  ContractionHierarchy ch;
  ch.rank.assign(n, kNoNode);
  ch.node_of_rank.assign(n, kNoNode);
  std::vector<std::vector<WArc>> up_out(n), up_in(n);
  std::vector<NodeId> remaining(n), set, dirty;
  for (NodeId v = 0; v < n; ++v) remaining[v] = v;
  std::vector<std::uint8_t> is_dirty(n, 0), contracted(n, 0);
  auto less = [&](NodeId a, NodeId b) {
    if (prio[a] != prio[b]) return prio[a] < prio[b];
    const auto ha = mix(a), hb = mix(b);
    return ha != hb ? ha < hb : a < b;
  };
  NodeId next_rank = 0;
  std::vector<std::vector<Shortcut>> set_sc;
  while (!remaining.empty()) {
    set.clear();
    for (NodeId u : remaining) {
      bool min = true;
      for (const WArc& a : out[u])
        if (less(a.v, u)) {
          min = false;
          break;
        }
      if (min)
        for (const WArc& a : in[u])
          if (less(a.v, u)) {
            min = false;
            break;
          }
      if (min) set.push_back(u);
    }
    std::sort(set.begin(), set.end(), less);
    for (std::size_t i = 0; i < set.size(); ++i) set_pos[set[i]] = static_cast<std::uint32_t>(i);
    set_sc.resize(set.size());
    parallel_for(
        set.size(), threads,
        [&](std::size_t i, int t) {
          shortcuts_of(out, in, set[i], set_pos, static_cast<std::uint32_t>(i), cfg.witness_settle_limit,
                       witness(t), set_sc[i]);
        },
        16);
    dirty.clear();
    for (std::size_t i = 0; i < set.size(); ++i) {
      const NodeId u = set[i];
      ch.rank[u] = next_rank;
      ch.node_of_rank[next_rank] = u;
      ++next_rank;
      for (const WArc& a : in[u]) {
        remove_node(out[a.v], u);
        level[a.v] = std::max(level[a.v], level[u] + 1);
        if (!is_dirty[a.v]) is_dirty[a.v] = 1, dirty.push_back(a.v);
      }
      for (const WArc& a : out[u]) {
        remove_node(in[a.v], u);
        level[a.v] = std::max(level[a.v], level[u] + 1);
        if (!is_dirty[a.v]) is_dirty[a.v] = 1, dirty.push_back(a.v);
      }
      up_out[u] = std::move(out[u]);
      up_in[u] = std::move(in[u]);
      out[u].clear();
      in[u].clear();
      contracted[u] = 1;
      for (const Shortcut& s : set_sc[i]) {
        add_or_min(out[s.a], s.b, s.w, s.hops);
        add_or_min(in[s.b], s.a, s.w, s.hops);
        ++ch.shortcuts;
      }
    }
    for (NodeId u : set) set_pos[u] = kNotInSet;
    std::erase_if(remaining, [&](NodeId v) { return contracted[v] != 0; });
    std::sort(dirty.begin(), dirty.end());
    parallel_for(
        dirty.size(), threads,
        [&](std::size_t i, int t) {
          if (!contracted[dirty[i]]) compute_prio(dirty[i], t);
        },
        16);
    for (NodeId v : dirty) is_dirty[v] = 0;
    ctx.report("ch: contracting",
               static_cast<double>(next_rank) / static_cast<double>(std::max<std::size_t>(n, 1)));
  }

  // Arrays in rank space, allocated to their exact sizes.
  ch.up_first.assign(n + 1, 0);
  ch.down_first.assign(n + 1, 0);
  for (NodeId r = 0; r < n; ++r) {
    const NodeId u = ch.node_of_rank[r];
    ch.up_first[r + 1] = ch.up_first[r] + static_cast<std::uint32_t>(up_out[u].size());
    ch.down_first[r + 1] = ch.down_first[r] + static_cast<std::uint32_t>(up_in[u].size());
  }
  ch.up_head.resize(ch.up_first[n]);
  ch.up_weight.resize(ch.up_first[n]);
  ch.down_head.resize(ch.down_first[n]);
  ch.down_weight.resize(ch.down_first[n]);
  for (NodeId r = 0; r < n; ++r) {
    const NodeId u = ch.node_of_rank[r];
    auto& uo = up_out[u];
    auto& ui = up_in[u];
    auto by_rank = [&](const WArc& a, const WArc& b) { return ch.rank[a.v] < ch.rank[b.v]; };
    std::sort(uo.begin(), uo.end(), by_rank);
    std::sort(ui.begin(), ui.end(), by_rank);
    for (std::size_t k = 0; k < uo.size(); ++k) {
      ch.up_head[ch.up_first[r] + k] = ch.rank[uo[k].v];
      ch.up_weight[ch.up_first[r] + k] = uo[k].w;
    }
    for (std::size_t k = 0; k < ui.size(); ++k) {
      ch.down_head[ch.down_first[r] + k] = ch.rank[ui[k].v];
      ch.down_weight[ch.down_first[r] + k] = ui[k].w;
    }
    std::vector<WArc>().swap(uo);
    std::vector<WArc>().swap(ui);
  }
  ch.graph_checksum = cs::network::graph_checksum(g);
  ctx.info("ch: " + std::to_string(n) + " nodes, " + std::to_string(ch.shortcuts) + " shortcuts, " +
           std::to_string(ch.up_head.size() + ch.down_head.size()) + " hierarchy arcs");
  return ch;
}

// ---- queries
// --------------------------------------------------------------------------------------------------

CHQuery::CHQuery(const ContractionHierarchy& ch)
    : ch_(&ch), dist_(ch.node_count()), stamp_(ch.node_count(), 0) {}

void CHQuery::upward(std::span<const std::pair<NodeId, Weight>> seeds, bool forward, Weight cutoff) {
  const ContractionHierarchy& ch = *ch_;
  if (++round_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    round_ = 1;
  }
  space_.clear();
  heap_.clear();
  auto cmp = std::greater<std::pair<Weight, NodeId>>();
  for (const auto& [r, w] : seeds) {
    if (w > cutoff) continue;
    if (stamp_[r] != round_ || w < dist_[r]) {
      stamp_[r] = round_;
      dist_[r] = w;
      heap_.emplace_back(w, r);
      std::push_heap(heap_.begin(), heap_.end(), cmp);
    }
  }
  const auto& rf = forward ? ch.up_first : ch.down_first;
  const auto& rh = forward ? ch.up_head : ch.down_head;
  const auto& rw = forward ? ch.up_weight : ch.down_weight;
  const auto& sf = forward ? ch.down_first : ch.up_first;
  const auto& sh = forward ? ch.down_head : ch.up_head;
  const auto& sw = forward ? ch.down_weight : ch.up_weight;
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    const auto [d, r] = heap_.back();
    heap_.pop_back();
    if (d != dist_[r]) continue;
    // Stall-on-demand: a higher node already offers a shorter way to r.
    bool stalled = false;
    for (auto a = sf[r]; a < sf[r + 1]; ++a) {
      const NodeId x = sh[a];
      if (stamp_[x] == round_ && sat_add(dist_[x], sw[a]) < d) {
        stalled = true;
        break;
      }
    }
    if (stalled) continue;
    space_.push_back(r);
    for (auto a = rf[r]; a < rf[r + 1]; ++a) {
      const NodeId h = rh[a];
      const Weight nd = sat_add(d, rw[a]);
      if (nd > cutoff) continue;
      if (stamp_[h] != round_ || nd < dist_[h]) {
        stamp_[h] = round_;
        dist_[h] = nd;
        heap_.emplace_back(nd, h);
        std::push_heap(heap_.begin(), heap_.end(), cmp);
      }
    }
  }
}

std::vector<Weight> CHQuery::one_to_all(const RoadGraph& g, const Snap& s) {
  const ContractionHierarchy& ch = *ch_;
  const std::size_t n = ch.node_count();
  std::pair<NodeId, Weight> seeds[2];
  std::size_t k = 0;
  if (s.to_from_node != kInfWeight)
    seeds[k++] = {ch.rank[g.edge_from[s.edge]], sat_add(s.access_ms, s.to_from_node)};
  if (s.to_to_node != kInfWeight)
    seeds[k++] = {ch.rank[g.edge_to[s.edge]], sat_add(s.access_ms, s.to_to_node)};
  upward({seeds, k}, true);
  std::vector<Weight> d(n, kInfWeight);
  for (NodeId r : space_) d[r] = dist_[r];
  // Stalled nodes keep valid upper bounds too.
  for (std::size_t i = 0; i < k; ++i) d[seeds[i].first] = std::min(d[seeds[i].first], seeds[i].second);
  // PHAST sweep: in decreasing rank, pull from higher neighbours through downward arcs.
  for (NodeId r = static_cast<NodeId>(n); r-- > 0;) {
    Weight best = d[r];
    for (auto a = ch.down_first[r]; a < ch.down_first[r + 1]; ++a)
      best = std::min(best, sat_add(d[ch.down_head[a]], ch.down_weight[a]));
    d[r] = best;
  }
  std::vector<Weight> out(n);
  for (NodeId v = 0; v < n; ++v) out[v] = d[ch.rank[v]];
  return out;
}

TimeMatrix ch_matrix(const ContractionHierarchy& ch, const RoadGraph& g, std::span<const Snap> from,
                     std::span<const Snap> to, const MatrixOptions& opt, Context& ctx) {
  if (!ch.matches(g)) throw InputError("the CH index was built for another graph (rebuild it)");
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
  std::vector<std::unique_ptr<CHQuery>> q(static_cast<std::size_t>(threads));
  auto query = [&](int t) -> CHQuery& {
    auto& p = q[static_cast<std::size_t>(t)];
    if (!p) p = std::make_unique<CHQuery>(ch);
    return *p;
  };
  // Backward search spaces of the targets -> buckets (CSR by rank, entries in target order).
  std::vector<std::vector<std::pair<NodeId, Weight>>> spaces(dst.size());
  parallel_for(
      dst.size(), threads,
      [&](std::size_t j, int t) {
        const Snap& s = dst[j];
        std::pair<NodeId, Weight> seeds[2];
        std::size_t k = 0;
        if (s.from_from_node != kInfWeight) seeds[k++] = {ch.rank[g.edge_from[s.edge]], s.from_from_node};
        if (s.from_to_node != kInfWeight) seeds[k++] = {ch.rank[g.edge_to[s.edge]], s.from_to_node};
        CHQuery& cq = query(t);
        cq.upward({seeds, k}, false, cutoff);
        auto& sp = spaces[j];
        sp.reserve(cq.space().size());
        for (NodeId r : cq.space()) sp.emplace_back(r, cq.d(r));
      },
      8);
  const std::size_t n = ch.node_count();
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
          seeds[k++] = {ch.rank[g.edge_from[s.edge]], sat_add(s.access_ms, s.to_from_node)};
        if (s.to_to_node != kInfWeight)
          seeds[k++] = {ch.rank[g.edge_to[s.edge]], sat_add(s.access_ms, s.to_to_node)};
        CHQuery& cq = query(t);
        cq.upward({seeds, k}, true, cutoff);
        auto& b = best[static_cast<std::size_t>(t)];
        b.assign(dst.size(), kInfWeight);
        for (NodeId r : cq.space()) {
          const Weight d = cq.d(r);
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
