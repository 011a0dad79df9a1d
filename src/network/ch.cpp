// Contraction hierarchies: build (independent-set rounds, parallel witness searches), file format, upward
// searches with stall-on-demand, bucket many-to-many and PHAST one-to-all.
//
// Parallel contraction stays exact and deterministic: in each round the nodes contracted together are
// pairwise at least three arcs apart (each comes first by priority among the nodes within two arcs), sorted
// by priority, and set[i]'s witness searches avoid set[0..i): the round is then the same as contracting
// set[0], set[1], ... one after the other, except that set[i] does not see the shortcuts of the ones before
// it (which can only add shortcuts, never drop a needed one). Nothing in a round depends on the thread that
// ran a search. The rounds' loops run on one team of threads kept for the whole build (Team below).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>

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

// Helper threads kept for the whole build, for its three parallel loops per round (hundreds of rounds).
// Unlike parallel_for, a loop neither starts threads nor waits for a helper that has not come to it: items
// are claimed in chunks from a ticket (loop generation << 32 | next item), the caller claims too, and it
// waits only for the chunks a helper did claim. A helper that gets no core (a shared machine) then costs a
// loop nothing, though one descheduled inside a chunk still holds the loop up. Results are written per
// item, so they do not depend on who ran it.
class Team {
 public:
  explicit Team(int threads) {
    for (int t = 1; t < threads; ++t) {
      try {
        pool_.emplace_back([this, t] { help(t); });
      } catch (const std::system_error&) {
        break;  // fewer helpers: the caller claims what they would have
      } catch (const std::bad_alloc&) {
        break;
      }
    }
  }
  Team(const Team&) = delete;
  Team& operator=(const Team&) = delete;
  ~Team() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_.store(true);
    }
    wake_.notify_all();
    for (auto& th : pool_) th.join();
  }

  // fn(i, t) for i in [0, n), t = the thread's index (0 = the caller); returns when all have run. The first
  // exception thrown by fn is rethrown here (the other items still run).
  template <class F>
  void run(std::size_t n, std::size_t chunk, F&& fn) {
    if (n == 0) return;
    if (pool_.empty() || n <= chunk || n >= kClosed) {
      for (std::size_t i = 0; i < n; ++i) fn(i, 0);
      return;
    }
    using Fn = std::remove_reference_t<F>;
    // Closed while the loop is described: a late helper's claim on the previous loop cannot succeed.
    ++gen_;
    ticket_.store(gen_ << 32 | kClosed);
    done_.store(0);
    error_ = nullptr;
    n_.store(n, std::memory_order_relaxed);
    chunk_.store(std::max<std::size_t>(chunk, 1), std::memory_order_relaxed);
    ctx_.store(const_cast<void*>(static_cast<const void*>(&fn)), std::memory_order_relaxed);
    call_.store([](void* c, std::size_t i, int t) { (*static_cast<Fn*>(c))(i, t); },
                std::memory_order_relaxed);
    ticket_.store(gen_ << 32);
    if (sleeping_.load() > 0) {
      { std::lock_guard<std::mutex> lock(mutex_); }
      wake_.notify_all();
    }
    work(0);
    for (int spin = 0; done_.load(std::memory_order_acquire) < n; ++spin)
      if (spin < kSpins)
        cpu_relax();
      else
        std::this_thread::yield();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static constexpr std::uint64_t kClosed = 0xffffffffu;
  // Polls before a helper sleeps (about 0.1-0.5 ms): the serial steps between two loops of a round are
  // shorter, so a helper that has a core stays awake through a round without taking it from the caller.
  static constexpr int kSpins = 4000;
  static void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
  }

  // Claims and runs chunks of the open loop until none is left.
  void work(int t) {
    for (;;) {
      std::uint64_t tk = ticket_.load(std::memory_order_acquire);
      const std::uint64_t next = tk & kClosed;
      if (next == kClosed) return;
      // The loop's description is the current one unless the claim below fails (it is only rewritten once the
      // ticket is closed).
      const std::size_t n = n_.load(std::memory_order_relaxed);
      if (next >= n) return;
      const std::size_t end = std::min<std::size_t>(next + chunk_.load(std::memory_order_relaxed), n);
      void* ctx = ctx_.load(std::memory_order_relaxed);
      auto* call = call_.load(std::memory_order_relaxed);
      if (!ticket_.compare_exchange_weak(tk, (tk & ~kClosed) | end, std::memory_order_acq_rel)) continue;
      for (std::size_t i = next; i < end; ++i) {
        try {
          call(ctx, i, t);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!error_) error_ = std::current_exception();
        }
      }
      done_.fetch_add(end - next, std::memory_order_release);
    }
  }

  void help(int t) {
    std::uint64_t seen = 0;
    auto ready = [&](std::uint64_t tk) { return (tk >> 32) != seen && (tk & kClosed) != kClosed; };
    for (;;) {
      std::uint64_t tk = 0;
      for (int spin = 0;; ++spin) {
        tk = ticket_.load();
        if (stop_.load() || ready(tk)) break;
        if (spin < kSpins) {
          cpu_relax();
          continue;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        sleeping_.fetch_add(1);
        wake_.wait(lock, [&] {
          tk = ticket_.load();
          return stop_.load() || ready(tk);
        });
        sleeping_.fetch_sub(1);
        break;
      }
      if (stop_.load()) return;
      seen = tk >> 32;
      work(t);
    }
  }

  std::vector<std::thread> pool_;
  std::atomic<std::uint64_t> ticket_{kClosed};
  std::uint64_t gen_ = 0;  // the caller's
  std::atomic<std::size_t> n_{0}, chunk_{1}, done_{0};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<void (*)(void*, std::size_t, int)> call_{nullptr};
  std::atomic<int> sleeping_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::exception_ptr error_;
};

// Bounded one-to-many Dijkstra on the remaining graph with a 4-ary decrease-key heap (no stale entries).
// Skips the node being contracted and every node x with set_pos[x] < before (the nodes of the current round
// contracted ahead of it).
class Witness {
 public:
  explicit Witness(std::size_t n) : slot_(n) {}
  // Looks for paths s -> t of at most base + t.w for every t in `targets` (t.v != s). A target is done once
  // such a path is known (even before it is settled) or once it is settled above its bound; the search stops
  // when every target is done, when the next node lies beyond every open target's bound, or after `limit`
  // settled nodes. get(t.v) <= base + t.w then says a witness exists. kInRound: skip nodes with set_pos[x] <
  // before (the priority simulation has no round to avoid).
  template <bool kInRound>
  void run(const std::vector<std::vector<WArc>>& out, NodeId s, Weight base, const std::vector<WArc>& targets,
           std::uint32_t limit, const std::vector<std::uint32_t>& set_pos, std::uint32_t before,
           NodeId skip) {
    if (++round_ == 0) {
      for (Slot& x : slot_) x.stamp = x.target = 0;
      round_ = 1;
    }
    open_.assign(targets.size(), 0);
    std::size_t left = 0;
    for (std::size_t k = 0; k < targets.size(); ++k)
      if (targets[k].v != s) {
        Slot& x = slot_[targets[k].v];
        x.target = round_;
        x.index = static_cast<std::uint32_t>(k);
        open_[k] = 1;
        ++left;
      }
    if (left == 0) return;
    Weight max_d = 0;
    auto bound = [&] {
      max_d = 0;
      for (std::size_t k = 0; k < targets.size(); ++k)
        if (open_[k]) max_d = std::max(max_d, sat_add(base, targets[k].w));
    };
    bound();
    // Closes target x if a path of x.dist meets its bound or x is settled; true once no target is open.
    auto reached = [&](const Slot& x, bool settled_now) {
      if (x.target != round_ || !open_[x.index]) return false;
      if (!settled_now && x.dist > sat_add(base, targets[x.index].w)) return false;
      open_[x.index] = 0;
      if (--left == 0) return true;
      bound();
      return false;
    };
    heap_.clear();
    slot_[s].stamp = round_;
    slot_[s].dist = 0;
    push(s, 0);
    std::uint32_t settled = 0;
    while (!heap_.empty()) {
      const auto [d, u] = pop();
      if (d > max_d || ++settled > limit) break;
      ++settled_total;
      if (reached(slot_[u], true)) break;
      for (const WArc& a : out[u]) {
        if (a.v == skip) continue;
        if constexpr (kInRound)
          if (set_pos[a.v] < before) continue;
        const Weight nd = sat_add(d, a.w);
        if (nd > max_d) continue;
        Slot& x = slot_[a.v];
        if (x.stamp != round_) {
          x.stamp = round_;
          x.dist = nd;
          push(a.v, nd);
        } else if (nd < x.dist) {
          x.dist = nd;
          if (x.pos == kSettled) continue;  // cannot happen (weights >= 0); kept for safety
          up(x.pos, {nd, a.v});
        } else {
          continue;
        }
        if (reached(x, false)) return;
      }
    }
  }
  [[nodiscard]] Weight get(NodeId v) const { return slot_[v].stamp == round_ ? slot_[v].dist : kInfWeight; }
  std::uint64_t settled_total = 0;  // over every search of this object (a build statistic)

 private:
  static constexpr std::uint32_t kSettled = 0xffffffffu;
  struct Slot {
    Weight dist;
    std::uint32_t stamp = 0, target = 0, pos, index;
  };
  struct Entry {
    Weight d;
    NodeId v;
    // Ties broken by node id so the search is the same whatever the thread.
    bool operator<(const Entry& o) const { return d != o.d ? d < o.d : v < o.v; }
  };
  void push(NodeId v, Weight d) {
    heap_.push_back({d, v});
    up(static_cast<std::uint32_t>(heap_.size() - 1), {d, v});
  }
  Entry pop() {
    const Entry top = heap_.front();
    slot_[top.v].pos = kSettled;
    const Entry last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) down(last);
    return top;
  }
  void up(std::uint32_t i, Entry e) {
    while (i > 0) {
      const std::uint32_t p = (i - 1) / 4;
      if (!(e < heap_[p])) break;
      heap_[i] = heap_[p];
      slot_[heap_[i].v].pos = i;
      i = p;
    }
    heap_[i] = e;
    slot_[e.v].pos = i;
  }
  // Places e from the root down.
  void down(Entry e) {
    std::uint32_t i = 0;
    const auto size = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
      const std::uint32_t c0 = 4 * i + 1;
      if (c0 >= size) break;
      std::uint32_t best = c0;
      const std::uint32_t end = std::min(c0 + 4, size);
      for (std::uint32_t c = c0 + 1; c < end; ++c)
        if (heap_[c] < heap_[best]) best = c;
      if (!(heap_[best] < e)) break;
      heap_[i] = heap_[best];
      slot_[heap_[i].v].pos = i;
      i = best;
    }
    heap_[i] = e;
    slot_[e.v].pos = i;
  }

  std::vector<Slot> slot_;
  std::vector<Entry> heap_;
  std::vector<std::uint8_t> open_;
  std::uint32_t round_ = 0;
};

// The shortcuts contracting u needs: for each in-neighbour a, one witness search to all out-neighbours,
// avoiding u and the nodes with set_pos < before.
void shortcuts_of(const std::vector<std::vector<WArc>>& out, const std::vector<std::vector<WArc>>& in,
                  NodeId u, const std::vector<std::uint32_t>& set_pos, std::uint32_t before,
                  std::uint32_t limit, Witness& ws, std::vector<Shortcut>& res) {
  res.clear();
  for (const WArc& ia : in[u]) {
    const NodeId a = ia.v;
    if (before == 0)
      ws.run<false>(out, a, ia.w, out[u], limit, set_pos, before, u);
    else
      ws.run<true>(out, a, ia.w, out[u], limit, set_pos, before, u);
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
  Team team(threads);
  // One per thread, each on its own cache line (push_back from two threads into neighbouring vector headers
  // would share one).
  struct alignas(64) Scratch {
    std::vector<Shortcut> sc;
  };
  std::vector<Scratch> scratch(static_cast<std::size_t>(threads));
  auto witness = [&](int t) -> Witness& {
    auto& p = ws[static_cast<std::size_t>(t)];
    if (!p) p = std::make_unique<Witness>(n);
    return *p;
  };
  // Priority (lower = contracted earlier): level (hierarchy depth) plus the arcs and the original arcs (hops)
  // contraction would add, each as a ratio of those it removes (the edge and hop quotients of Abraham et al.
  // 2011), weighted 1 : 2 : 4 (fewest shortcuts on Porto without larger query search spaces; integers, so
  // the order is exact on every machine). Simulated with a short witness search: only the order depends on
  // it.
  auto compute_prio = [&](NodeId u, int t) {
    auto& sc = scratch[static_cast<std::size_t>(t)].sc;
    shortcuts_of(out, in, u, set_pos, 0, cfg.priority_settle_limit, witness(t), sc);
    std::int64_t removed = 1 + static_cast<std::int64_t>(in[u].size() + out[u].size()), removed_hops = 1;
    for (const WArc& a : in[u]) removed_hops += a.hops;
    for (const WArc& a : out[u]) removed_hops += a.hops;
    std::int64_t added_hops = 0;
    for (const Shortcut& s : sc) added_hops += s.hops;
    prio[u] = 500 * static_cast<std::int64_t>(level[u]) +
              1000 * static_cast<std::int64_t>(sc.size()) / removed + 2000 * added_hops / removed_hops;
  };
  team.run(n, 64, [&](std::size_t u, int t) { compute_prio(static_cast<NodeId>(u), t); });

  ContractionHierarchy ch;
  ch.rank.assign(n, kNoNode);
  ch.node_of_rank.assign(n, kNoNode);
  std::vector<std::vector<WArc>> up_out(n), up_in(n);
  std::vector<NodeId> remaining(n), set, dirty;
  for (NodeId v = 0; v < n; ++v) remaining[v] = v;
  std::vector<std::uint8_t> is_dirty(n, 0), contracted(n, 0), chosen;
  auto less = [&](NodeId a, NodeId b) {
    if (prio[a] != prio[b]) return prio[a] < prio[b];
    const auto ha = mix(a), hb = mix(b);
    return ha != hb ? ha < hb : a < b;
  };
  // u goes in a round's set when it comes first (by `less`) among the nodes up to two arcs away, either way:
  // two nodes of a set are then at least three arcs apart, closer to one-at-a-time contraction than one-arc
  // independence (Porto: 5 % fewer shortcuts).
  auto first_within_two = [&](NodeId u) {
    for (const auto* side : {&out[u], &in[u]})
      for (const WArc& a : *side) {
        if (less(a.v, u)) return false;
        for (const WArc& b : out[a.v])
          if (b.v != u && less(b.v, u)) return false;
        for (const WArc& b : in[a.v])
          if (b.v != u && less(b.v, u)) return false;
      }
    return true;
  };
  NodeId next_rank = 0;
  std::vector<std::vector<Shortcut>> set_sc;
  while (!remaining.empty()) {
    chosen.assign(remaining.size(), 0);
    team.run(remaining.size(), 256, [&](std::size_t i, int) { chosen[i] = first_within_two(remaining[i]); });
    set.clear();
    for (std::size_t i = 0; i < remaining.size(); ++i)
      if (chosen[i]) set.push_back(remaining[i]);
    std::sort(set.begin(), set.end(), less);
    for (std::size_t i = 0; i < set.size(); ++i) set_pos[set[i]] = static_cast<std::uint32_t>(i);
    set_sc.resize(set.size());
    team.run(set.size(), 16, [&](std::size_t i, int t) {
      shortcuts_of(out, in, set[i], set_pos, static_cast<std::uint32_t>(i), cfg.witness_settle_limit,
                   witness(t), set_sc[i]);
    });
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
    team.run(dirty.size(), 16, [&](std::size_t i, int t) {
      if (!contracted[dirty[i]]) compute_prio(dirty[i], t);
    });
    for (NodeId v : dirty) is_dirty[v] = 0;
    ctx.report("ch: contracting",
               static_cast<double>(next_rank) / static_cast<double>(std::max<std::size_t>(n, 1)));
  }
  for (const auto& w : ws)
    if (w) ch.witness_settled += w->settled_total;

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
           std::to_string(ch.up_head.size() + ch.down_head.size()) + " hierarchy arcs, " +
           std::to_string(ch.witness_settled) + " nodes settled by witness searches");
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
