// Static user-equilibrium assignment (include/countyscope/assign/assign.hpp, docs/assign.md).
#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <countyscope/assign/assign.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>

namespace cs::assign {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Link cost and its derivative at flow v.
inline void bpr(const Link& l, double v, double& t, double& dt) {
  if (v < 0) v = 0;
  const double r = v / l.capacity;
  if (l.power == 4) {
    const double r2 = r * r;
    t = l.free_flow_time * (1 + l.b * r2 * r2);
    dt = l.free_flow_time * l.b * 4 * r2 * r / l.capacity;
  } else if (l.power == 1) {
    t = l.free_flow_time * (1 + l.b * r);
    dt = l.free_flow_time * l.b / l.capacity;
  } else if (l.power == 0) {
    t = l.free_flow_time * (1 + l.b);
    dt = 0;
  } else {
    const double rp1 = std::pow(r, l.power - 1);
    t = l.free_flow_time * (1 + l.b * rp1 * r);
    dt = l.free_flow_time * l.b * l.power * rp1 / l.capacity;
  }
}

// Forward star of the links (0-based nodes), origins in fixed blocks.
struct Graph {
  std::int32_t n = 0, zones = 0, first_thru = 0;  // nodes below first_thru (0-based) are not passed through
  std::vector<std::int32_t> first, arc_link, arc_head, tail, head;  // tail, head: per link
  std::size_t blocks = 0, block_size = 1;

  explicit Graph(const Network& net) {
    n = net.nodes;
    zones = net.zones;
    first_thru = net.first_thru_node - 1;
    tail.resize(net.links.size());
    head.resize(net.links.size());
    arc_link.resize(net.links.size());
    arc_head.resize(net.links.size());
    first.assign(static_cast<std::size_t>(n) + 1, 0);
    for (const Link& l : net.links) ++first[static_cast<std::size_t>(l.from)];
    for (std::size_t v = 0; v < static_cast<std::size_t>(n); ++v) first[v + 1] += first[v];
    std::vector<std::int32_t> pos(first.begin(), first.end() - 1);
    for (std::size_t i = 0; i < net.links.size(); ++i) {  // each node's arcs in file order
      const auto v = static_cast<std::size_t>(net.links[i].from - 1);
      const auto k = static_cast<std::size_t>(pos[v]++);
      arc_link[k] = static_cast<std::int32_t>(i);
      arc_head[k] = net.links[i].to - 1;
      tail[i] = net.links[i].from - 1;
      head[i] = net.links[i].to - 1;
    }
    // At most 64 blocks of origins, whatever the thread count: block sums are added in block order.
    block_size = (static_cast<std::size_t>(zones) + 63) / 64;
    blocks = (static_cast<std::size_t>(zones) + block_size - 1) / block_size;
  }
};

// An arc of the forward star with its current cost: what a search reads per arc, in one place.
struct Arc {
  double cost;
  std::int32_t head, link;
};

// Dijkstra from one origin on the forward star (arcs with their costs, contiguous) and a radix heap
// (Ahuja, Mehlhorn, Orlin & Tarjan 1990) on the bits of the distances: a non-negative double's bits order as
// the double does, and Dijkstra pops keys in non-decreasing order, so an entry goes to the bucket of the
// highest bit where it differs from the last key popped; an entry left behind by a shorter distance is
// skipped when it comes up. Keeps distances, predecessor links and the settle order. Nodes at the same
// distance settle smallest id first (as a heap ordered by distance, then id): ties matter where free-flow
// times are whole numbers (Sioux Falls takes 60 iterations to 1e-10 with last-pushed-first, 29 with this).
// The arrays are reused from one origin to the next (no allocation once they have grown).
struct Search {
  struct Entry {
    std::uint64_t key;  // bits of the distance
    std::int32_t v;
  };
  std::vector<double> dist;
  std::vector<std::int32_t> pred, order;
  std::array<std::vector<Entry>, 65> buckets;  // bucket 0: keys equal to last; b: highest differing bit b - 1
  std::uint64_t last = 0;
  std::uint64_t filled = 0;  // bit b - 1: bucket b (1..64) is not empty
  std::size_t queued = 0;
  std::vector<double> node_flow;

  static std::uint64_t key_of(double d) { return std::bit_cast<std::uint64_t>(d); }
  std::size_t bucket_of(std::uint64_t k) const {
    return k == last ? 0 : static_cast<std::size_t>(64 - std::countl_zero(k ^ last));
  }
  void push(double d, std::int32_t v) {
    const std::uint64_t k = key_of(d);
    const std::size_t b = bucket_of(k);
    buckets[b].push_back({k, v});
    if (b > 0) filled |= std::uint64_t{1} << (b - 1);
    ++queued;
  }
  Entry pop() {
    if (buckets[0].empty()) {
      const auto i = static_cast<std::size_t>(std::countr_zero(filled)) + 1;
      std::vector<Entry>& b = buckets[i];
      std::uint64_t lo = b[0].key;
      for (const Entry& e : b) lo = std::min(lo, e.key);
      last = lo;
      filled &= ~(std::uint64_t{1} << (i - 1));
      for (const Entry& e : b) {  // all to lower buckets
        const std::size_t j = bucket_of(e.key);
        buckets[j].push_back(e);
        if (j > 0) filled |= std::uint64_t{1} << (j - 1);
      }
      b.clear();
    }
    // Bucket 0 holds the entries at the current distance (usually one): the smallest node id goes first.
    std::vector<Entry>& b0 = buckets[0];
    std::size_t best = b0.size() - 1;
    for (std::size_t j = best; j-- > 0;)
      if (b0[j].v < b0[best].v) best = j;
    const Entry e = b0[best];
    b0[best] = b0.back();
    b0.pop_back();
    --queued;
    return e;
  }

  // arcs[k]: arc k of the forward star with its link's time. With a demand row (the
  // origin's trips to each zone), the search stops once every zone with trips is settled: the tree is then
  // final for those zones and their paths, and nodes not settled keep distance infinity and no predecessor.
  void run(const Graph& g, std::int32_t origin, const Arc* arcs, const double* demand = nullptr) {
    const auto n = static_cast<std::size_t>(g.n);
    dist.assign(n, kInf);
    pred.assign(n, -1);
    order.clear();
    for (std::vector<Entry>& b : buckets) b.clear();
    queued = 0;
    last = 0;
    filled = 0;
    dist[static_cast<std::size_t>(origin)] = 0;
    push(0.0, origin);
    std::int64_t left = -1;  // zones with trips not settled yet (-1: settle everything)
    if (demand != nullptr) {
      left = 0;
      for (std::int32_t d = 0; d < g.zones; ++d) left += d != origin && demand[d] > 0;
      if (left == 0) return;
    }
    const std::int32_t* first = g.first.data();
    while (queued > 0) {
      const Entry top = pop();
      const auto v = static_cast<std::size_t>(top.v);
      if (top.key != key_of(dist[v])) continue;  // left behind by a shorter distance
      order.push_back(top.v);
      if (left > 0 && top.v < g.zones && top.v != origin && demand[v] > 0 && --left == 0) break;
      if (top.v != origin && top.v < g.first_thru)
        continue;  // a zone below FIRST THRU NODE: no passing through
      const double d = dist[v];
      const auto end = static_cast<std::size_t>(first[v + 1]);
      for (auto k = static_cast<std::size_t>(first[v]); k < end; ++k) {
        const Arc& a = arcs[k];
        const auto w = static_cast<std::size_t>(a.head);
        const double nd = d + a.cost;
        if (nd < dist[w]) {  // never true for a settled node: costs are not negative
          dist[w] = nd;
          pred[w] = a.link;
          push(nd, static_cast<std::int32_t>(w));
        }
      }
    }
  }

  // Adds origin o's demand along the tree to y (unless null); returns the demand's shortest-path cost.
  double load(const Graph& g, const Trips& trips, std::int32_t o, std::vector<double>* y) {
    if (y != nullptr) node_flow.assign(static_cast<std::size_t>(g.n), 0.0);
    const auto z = static_cast<std::size_t>(g.zones);
    double sptt = 0;
    for (std::size_t d = 0; d < z; ++d) {
      const double q = trips.demand[static_cast<std::size_t>(o) * z + d];
      if (q <= 0 || d == static_cast<std::size_t>(o)) continue;
      if (dist[d] == kInf)
        throw InputError(trips.file, "Origin " + std::to_string(o + 1), "destination",
                         "zone " + std::to_string(d + 1) + " has trips but no path from zone " +
                             std::to_string(o + 1) + " in the network");
      if (y != nullptr) node_flow[d] = q;
      sptt += q * dist[d];
    }
    if (y == nullptr) return sptt;
    for (std::size_t i = order.size(); i-- > 1;) {  // order[0] is the origin
      const auto v = static_cast<std::size_t>(order[i]);
      const double f = node_flow[v];
      if (f == 0) continue;
      const auto l = static_cast<std::size_t>(pred[v]);
      (*y)[l] += f;
      node_flow[static_cast<std::size_t>(g.tail[l])] += f;
    }
    return sptt;
  }
};

// Bush-based Algorithm B (Dial 2006): per origin an acyclic subnetwork (its bush) carrying all of the
// origin's trips, with the flow of each of its links. A bush update drops the links without flow (except the
// bush's own shortest-path tree) and adds every link (i, j) that is a shortcut, L_i + t_ij < L_j (L: the
// shortest cost from the origin within the bush), and keeps the bush acyclic, U_i < U_j (U: the longest cost
// within the bush before the update: every remaining link has U_i + t_ij <= U_j, every added link U_i < U_j,
// so U still orders the bush and no cycle can form, zero-cost links included). A bush is equilibrated node by
// node in reverse topological order: the longest used path into node j and the shortest path into j part at
// their last common node; flow moves from the longest segment to the shortest by a Newton step (cost
// difference / sum of t' over both segments), at most the least flow on the longest segment, and link times
// follow at once. Origins are processed one after the other in a fixed order (each sees the times the ones
// before it left), so the result does not depend on the thread count. Labels come from the bush's
// topological order: no heap. The first bushes are shortest-path trees (Dijkstra), origin after origin at the
// times the ones before left. The gap's shortest costs start from each bush's own shortest costs and are
// corrected over the whole network until no link is a shortcut (label correcting, exact; origins in
// parallel, summed in a fixed order).
struct Bush {
  std::vector<std::int32_t> order;              // the bush's nodes in topological order, the origin first
  std::vector<std::int32_t> in_start, in_link;  // per position in order: the bush links into that node
  std::vector<double> in_flow;                  // the origin's flow on in_link[k] (compact: read in order)
  double excess = kInf;  // at the last equilibration: max over nodes of (longest used - shortest) / longest
};

// Per-thread work arrays of the bush-based algorithm (per node).
struct BushScratch {
  std::vector<double> lmin, lmax;
  std::vector<std::int32_t> pmin, pmax, pos, queue, indeg;
  std::vector<std::uint32_t> mark;  // == token: the node is in the bush being looked at
  std::vector<std::uint8_t> queued;
  std::vector<std::int32_t> cand;  // labels over the used links: the positions where pmax != -1, pmin
  std::size_t ncand = 0;
  std::uint32_t token = 0;
  void size(std::size_t n) {
    cand.assign(n, 0);
    lmin.assign(n, kInf);
    lmax.assign(n, 0);
    pmin.assign(n, -1);
    pmax.assign(n, -1);
    pos.assign(n, 0);
    indeg.assign(n, 0);
    mark.assign(n, 0);
    queued.assign(n, 0);
  }
};

// Each iteration (the gap, then the bushes) sweeps the origins twice, each bush updated and then
// equilibrated once per sweep, then up to two more rounds of equilibration (no bush change) over the bushes
// whose own excess is above the iteration's gap. Chosen on Sioux Falls, Anaheim and Chicago Sketch together
// (iterations to 1e-10: 42, 37; Chicago Sketch to 1e-4 and 1e-6: 4 and 7; one sweep and one round: 164, 74,
// 6 and 12 iterations).
constexpr int kBushSweeps = 2;
constexpr int kBushRounds = 2;
// Flows at or below this (vehicles) count as unused: what rounding leaves behind on a link whose flow all
// moved along another way; a bush update drops such links and their residue (conservation holds to 1e-9).
constexpr double kFlowEps = 1e-12;

struct AllOrNothing {
  std::vector<double> y;  // link flows
  double sptt = 0;
};

class Solver {
 public:
  Solver(const Network& net, const Trips& trips, const AssignOptions& opt, const Context& ctx)
      : net_(net), trips_(trips), opt_(opt), g_(net), threads_(std::max(1, ctx.thread_count())), ctx_(ctx) {
    const std::size_t m = net.links.size();
    t_.resize(m);
    dt_.resize(m);
    searches_.resize(static_cast<std::size_t>(threads_));
    block_flow_.assign(g_.blocks, std::vector<double>());
    block_sptt_.assign(g_.blocks, 0.0);
    start_ = Clock::now();
  }

  void set_times(const std::vector<double>& x) {
    for (std::size_t i = 0; i < x.size(); ++i) bpr(net_.links[i], x[i], t_[i], dt_[i]);
  }

  // All-or-nothing at the current times t_: SPTT, and with link_loads the link flows y; with keep_trees the
  // predecessor links of every origin (final for the zones it has trips to).
  AllOrNothing all_or_nothing(bool keep_trees = false, bool link_loads = true) {
    const std::size_t m = net_.links.size();
    const auto z = static_cast<std::size_t>(g_.zones);
    if (keep_trees) trees_.resize(z * static_cast<std::size_t>(g_.n));
    arcs_.resize(m);
    for (std::size_t k = 0; k < m; ++k)
      arcs_[k] = {t_[static_cast<std::size_t>(g_.arc_link[k])], g_.arc_head[k], g_.arc_link[k]};
    cs::parallel_for(g_.blocks, threads_, [&](std::size_t b, int t) {
      Search& s = searches_[static_cast<std::size_t>(t)];
      std::vector<double>& y = block_flow_[b];
      y.assign(link_loads ? m : 0, 0.0);
      double sptt = 0;
      const std::size_t end = std::min(z, (b + 1) * g_.block_size);
      for (std::size_t o = b * g_.block_size; o < end; ++o) {
        const double* row = trips_.demand.data() + o * z;
        s.run(g_, static_cast<std::int32_t>(o), arcs_.data(), row);
        sptt += s.load(g_, trips_, static_cast<std::int32_t>(o), link_loads ? &y : nullptr);
        if (keep_trees)
          std::copy(s.pred.begin(), s.pred.end(),
                    trees_.begin() + static_cast<std::ptrdiff_t>(o * s.pred.size()));
      }
      block_sptt_[b] = sptt;
    });
    AllOrNothing r;
    r.y.assign(link_loads ? m : 0, 0.0);
    for (std::size_t b = 0; b < g_.blocks; ++b) {
      r.sptt += block_sptt_[b];
      if (link_loads)
        for (std::size_t i = 0; i < m; ++i) r.y[i] += block_flow_[b][i];
    }
    return r;
  }

  double tstt(const std::vector<double>& x) const {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += x[i] * t_[i];
    return s;
  }

  // Records the gap of x (times t_ must be those of x); true when the run should stop.
  bool record(std::int64_t k, const std::vector<double>& x, double sptt, AssignResult& r) {
    Iteration it;
    it.iteration = k;
    it.tstt = tstt(x);
    it.sptt = sptt;
    it.gap = it.tstt > 0 ? (it.tstt - sptt) / it.tstt : 0.0;
    it.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    r.iterations.push_back(it);
    if (it.gap <= opt_.gap) {
      r.converged = true;
      return true;
    }
    if (k >= opt_.max_iter) return true;
    if (opt_.time_limit_s > 0 && it.seconds >= opt_.time_limit_s) return true;
    ctx_.report("assign", static_cast<double>(k) / static_cast<double>(opt_.max_iter));
    return false;
  }

  AssignResult run_link_based();
  AssignResult run_gradient_projection();
  AssignResult run_bush_based();

 private:
  double line_search(const std::vector<double>& x, const std::vector<double>& d) const;

  const Network& net_;
  const Trips& trips_;
  AssignOptions opt_;
  Graph g_;
  int threads_;
  const Context& ctx_;
  std::vector<double> t_, dt_;
  std::vector<Arc> arcs_;  // the forward star with t_
  std::vector<Search> searches_;
  std::vector<std::vector<double>> block_flow_;
  std::vector<double> block_sptt_;
  std::vector<std::int32_t> trees_;  // zones x nodes predecessor links (GP)
  std::vector<double> x_;            // link flows (bush-based)
  Clock::time_point start_;
};

// argmin over tau in [0, 1] of the Beckmann objective along x + tau d: its derivative sum_a d_a t_a(x_a + tau
// d_a) is increasing; Newton steps inside a shrinking bracket, bisection when Newton leaves it.
double Solver::line_search(const std::vector<double>& x, const std::vector<double>& d) const {
  const auto deriv = [&](double tau, double& g, double& h) {
    g = 0;
    h = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (d[i] == 0) continue;
      double t = 0, dt = 0;
      bpr(net_.links[i], x[i] + tau * d[i], t, dt);
      g += d[i] * t;
      h += d[i] * d[i] * dt;
    }
  };
  double g = 0, h = 0;
  deriv(1.0, g, h);
  if (g <= 0) return 1.0;
  double lo = 0, hi = 1, tau = 0;
  deriv(0.0, g, h);
  if (g >= 0) return 0.0;
  for (int it = 0; it < 100; ++it) {
    double next = h > 0 ? tau - g / h : -1;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    tau = next;
    deriv(tau, g, h);
    if (g == 0) return tau;
    (g < 0 ? lo : hi) = tau;
    if (hi - lo <= 1e-15 * std::max(1.0, hi)) break;
  }
  return tau;
}

AssignResult Solver::run_link_based() {
  const std::size_t m = net_.links.size();
  AssignResult r;
  std::vector<double> x(m, 0.0);
  set_times(x);
  x = all_or_nothing().y;
  std::vector<double> s(m), s1, s2, d(m), hess(m);  // s1, s2: targets of the last two iterations
  double tau1 = 0;
  for (std::int64_t k = 1;; ++k) {
    set_times(x);
    const AllOrNothing aon = all_or_nothing();
    if (record(k, x, aon.sptt, r)) break;
    const std::vector<double>& y = aon.y;
    bool done = false;
    if (opt_.algorithm == Algorithm::kBfw && !s1.empty() && !s2.empty() && tau1 < 1) {
      // Conjugate to both previous directions: d = (y-x) + b1 (s1-y) + b2 (s2-y) with (s1-x)' H d = 0 and
      // (s2-x)' H d = 0 (H = diag t'(x)); equivalent to Mitradjieva & Lindberg's conditions when tau1 < 1.
      double m11 = 0, m12 = 0, m21 = 0, m22 = 0, r1 = 0, r2 = 0;
      for (std::size_t i = 0; i < m; ++i) {
        const double h = dt_[i], a = y[i] - x[i], b = s1[i] - x[i], c = s2[i] - x[i];
        m11 += b * h * (b - a);
        m12 += b * h * (c - a);
        m21 += c * h * (b - a);
        m22 += c * h * (c - a);
        r1 -= b * h * a;
        r2 -= c * h * a;
      }
      const double det = m11 * m22 - m12 * m21;
      if (det != 0 && std::isfinite(det)) {
        const double b1 = (r1 * m22 - m12 * r2) / det, b2 = (m11 * r2 - m21 * r1) / det;
        if (b1 >= 0 && b2 >= 0 && b1 + b2 <= 1 - 1e-6) {
          for (std::size_t i = 0; i < m; ++i) s[i] = (1 - b1 - b2) * y[i] + b1 * s1[i] + b2 * s2[i];
          done = true;
        }
      }
    }
    if (!done && opt_.algorithm != Algorithm::kFw && !s1.empty() && tau1 < 1) {
      // Conjugate to the previous direction: s = alpha s1 + (1 - alpha) y with (s1-x)' H (s-x) = 0.
      double num = 0, den = 0;
      for (std::size_t i = 0; i < m; ++i) {
        const double b = s1[i] - x[i];
        num += b * dt_[i] * (y[i] - x[i]);
        den += b * dt_[i] * (y[i] - s1[i]);
      }
      double alpha = den != 0 ? num / den : 0;
      if (!(alpha >= 0)) alpha = 0;
      if (alpha > 1 - 1e-6) alpha = 1 - 1e-6;
      for (std::size_t i = 0; i < m; ++i) s[i] = alpha * s1[i] + (1 - alpha) * y[i];
      done = true;
    }
    if (!done) s = y;
    for (std::size_t i = 0; i < m; ++i) d[i] = s[i] - x[i];
    const double tau = line_search(x, d);
    for (std::size_t i = 0; i < m; ++i) x[i] = std::max(0.0, x[i] + tau * d[i]);
    s2.swap(s1);
    s1 = s;
    tau1 = tau;
  }
  r.flow = x;
  set_times(x);
  r.time = t_;
  return r;
}

// Path-based gradient projection (Jayakrishnan et al. 1994): per OD pair a set of paths; each iteration adds
// the shortest path of every pair (trees of all origins at the iteration's start, in parallel) and moves flow
// from every costlier path to the cheapest by a Newton step (cost difference / sum of t' over the links the
// two paths do not share), updating link times at once. Pairs are processed in a fixed order, so the result
// does not depend on the thread count.
// Sweeps over every pair's known paths after each iteration's new paths (no shortest-path search): 4 took
// Sioux Falls to 1e-10 in 29 iterations instead of 101 with 2, at about the same time per 1e-6 on Chicago
// Sketch.
constexpr int kExtraSweeps = 4;

AssignResult Solver::run_gradient_projection() {
  struct Path {
    std::vector<std::int32_t> links;
    double flow = 0;
  };
  struct Od {
    std::int32_t origin = 0, dest = 0;
    double demand = 0;
    std::vector<Path> paths;
  };
  const std::size_t m = net_.links.size();
  const auto z = static_cast<std::size_t>(g_.zones);
  const auto n = static_cast<std::size_t>(g_.n);
  std::vector<Od> ods;
  for (std::size_t o = 0; o < z; ++o)
    for (std::size_t d = 0; d < z; ++d)
      if (o != d && trips_.demand[o * z + d] > 0)
        ods.push_back(
            {static_cast<std::int32_t>(o), static_cast<std::int32_t>(d), trips_.demand[o * z + d], {}});
  const auto tree_path = [&](const Od& od, std::vector<std::int32_t>& p) {
    p.clear();
    const std::int32_t* pred = trees_.data() + static_cast<std::size_t>(od.origin) * n;
    for (std::int32_t v = od.dest; v != od.origin;) {
      const std::int32_t l = pred[static_cast<std::size_t>(v)];
      p.push_back(l);
      v = g_.tail[static_cast<std::size_t>(l)];
    }
    std::reverse(p.begin(), p.end());
  };
  std::vector<double> x(m, 0.0);
  const auto link_flows = [&] {
    std::fill(x.begin(), x.end(), 0.0);
    for (const Od& od : ods)
      for (const Path& p : od.paths)
        for (const std::int32_t a : p.links) x[static_cast<std::size_t>(a)] += p.flow;
  };
  AssignResult r;
  set_times(x);
  (void)all_or_nothing(true, false);
  const std::size_t od_block = std::max<std::size_t>(1, (ods.size() + 63) / 64);
  const std::size_t od_blocks = (ods.size() + od_block - 1) / od_block;
  std::vector<std::uint8_t> is_new(ods.size());
  std::vector<std::size_t> multi;  // pairs with more than one path after the new paths
  std::vector<std::int32_t> sp;
  std::vector<std::vector<std::int32_t>> scratch(static_cast<std::size_t>(threads_));
  cs::parallel_for(od_blocks, threads_, [&](std::size_t b, int t) {  // each pair's first path, all its trips
    std::vector<std::int32_t>& path = scratch[static_cast<std::size_t>(t)];
    for (std::size_t i = b * od_block; i < std::min(ods.size(), (b + 1) * od_block); ++i) {
      tree_path(ods[i], path);
      ods[i].paths.push_back({path, ods[i].demand});
    }
  });
  link_flows();
  std::vector<std::uint32_t> mark_min(m, 0), mark_p(m, 0);
  std::uint32_t token = 0;
  const auto shift = [&](std::int32_t a, double delta) {
    const auto i = static_cast<std::size_t>(a);
    x[i] = std::max(0.0, x[i] + delta);
    bpr(net_.links[i], x[i], t_[i], dt_[i]);
  };
  const auto cost = [&](const std::vector<std::int32_t>& links) {
    double c = 0;
    for (const std::int32_t a : links) c += t_[static_cast<std::size_t>(a)];
    return c;
  };
  // Equalises the costs of one pair's paths.
  std::vector<double> path_cost;
  std::vector<std::vector<std::int32_t>> spare;  // link arrays of removed paths
  const auto equilibrate = [&](Od& od) {
    if (od.paths.size() < 2) return;
    std::size_t best = 0;
    double best_cost = kInf;
    path_cost.resize(od.paths.size());
    for (std::size_t q = 0; q < od.paths.size(); ++q) {
      const double c = path_cost[q] = cost(od.paths[q].links);
      if (c < best_cost) best_cost = c, best = q;
    }
    Path& bp = od.paths[best];
    bool moved = false;  // the costs above hold until flow moves
    for (std::size_t q = 0; q < od.paths.size(); ++q) {
      if (q == best) continue;
      Path& p = od.paths[q];
      const double cp = moved ? cost(p.links) : path_cost[q], cb = moved ? cost(bp.links) : best_cost;
      if (cp <= cb) continue;
      ++token;
      double denom = 0;
      for (const std::int32_t a : bp.links) mark_min[static_cast<std::size_t>(a)] = token;
      for (const std::int32_t a : p.links) {
        mark_p[static_cast<std::size_t>(a)] = token;
        if (mark_min[static_cast<std::size_t>(a)] != token) denom += dt_[static_cast<std::size_t>(a)];
      }
      for (const std::int32_t a : bp.links)
        if (mark_p[static_cast<std::size_t>(a)] != token) denom += dt_[static_cast<std::size_t>(a)];
      double delta = denom > 0 ? (cp - cb) / denom : p.flow;
      if (delta >= p.flow) delta = p.flow;
      if (delta <= 0) continue;
      p.flow -= delta;  // exactly 0 when all of it moves
      bp.flow += delta;
      moved = true;
      for (const std::int32_t a : p.links)
        if (mark_min[static_cast<std::size_t>(a)] != token) shift(a, -delta);
      for (const std::int32_t a : bp.links)
        if (mark_p[static_cast<std::size_t>(a)] != token) shift(a, delta);
    }
    // Paths left without flow go; their link arrays are kept for new paths (no allocation per new path).
    std::size_t kept = 0;
    for (std::size_t q = 0; q < od.paths.size(); ++q) {
      if (od.paths[q].flow > 0) {
        if (kept != q) std::swap(od.paths[kept], od.paths[q]);
        ++kept;
      }
    }
    for (std::size_t q = kept; q < od.paths.size(); ++q) spare.push_back(std::move(od.paths[q].links));
    od.paths.resize(kept);
  };
  for (std::int64_t k = 1;; ++k) {
    set_times(x);
    const AllOrNothing aon = all_or_nothing(true, false);
    if (record(k, x, aon.sptt, r)) break;
    // A pair's tree path is new unless a known path has every link as its head's predecessor in the origin's
    // tree. With more than one thread, which pairs have a new path is found first, in parallel (it depends on
    // the trees and the pair's own paths only); then, in the pairs' fixed order, a new path joins its pair
    // and the pair is equilibrated.
    const auto tree_path_is_new = [&](const Od& od) {
      const std::int32_t* pred = trees_.data() + static_cast<std::size_t>(od.origin) * n;
      return std::none_of(od.paths.begin(), od.paths.end(), [&](const Path& p) {
        for (const std::int32_t a : p.links)
          if (pred[static_cast<std::size_t>(g_.head[static_cast<std::size_t>(a)])] != a) return false;
        return true;
      });
    };
    if (threads_ > 1)
      cs::parallel_for(od_blocks, threads_, [&](std::size_t b, int) {
        for (std::size_t i = b * od_block; i < std::min(ods.size(), (b + 1) * od_block); ++i)
          is_new[i] = tree_path_is_new(ods[i]) ? 1 : 0;
      });
    multi.clear();
    for (std::size_t i = 0; i < ods.size(); ++i) {
      if (threads_ > 1 ? is_new[i] != 0 : tree_path_is_new(ods[i])) {
        tree_path(ods[i], sp);
        Path p;
        if (!spare.empty()) {
          p.links = std::move(spare.back());
          spare.pop_back();
        }
        p.links.assign(sp.begin(), sp.end());
        ods[i].paths.push_back(std::move(p));
      }
      equilibrate(ods[i]);
      if (ods[i].paths.size() > 1) multi.push_back(i);
    }
    // The sweeps visit the pairs with more than one path only (a pair never gains a path in a sweep).
    for (int sweep = 0; sweep < kExtraSweeps; ++sweep)
      for (const std::size_t i : multi) equilibrate(ods[i]);
    link_flows();
  }
  r.flow = x;
  r.time = t_;
  std::size_t used = 0;
  for (const Od& od : ods) used += od.paths.size();
  r.paths.reserve(used);
  for (Od& od : ods)
    for (Path& p : od.paths) r.paths.push_back({od.origin + 1, od.dest + 1, std::move(p.links), p.flow});
  return r;
}

AssignResult Solver::run_bush_based() {
  using I = std::int32_t;
  const auto at = [](auto i) { return static_cast<std::size_t>(i); };
  const std::size_t m = net_.links.size();
  const auto z = at(g_.zones);
  const auto n = at(g_.n);
  std::vector<BushScratch> scratch(at(threads_));
  for (BushScratch& s : scratch) s.size(n);
  BushScratch& sc = scratch[0];
  std::vector<I> seg_min(n), seg_max(n);  // positions in b.in_link (a path has fewer than n links)
  std::vector<I> lk, ostart, olink;
  std::vector<double> lkf;       // flows of lk
  std::vector<I> astart, alink;  // a bush update's added links by their head's position
  std::vector<I> nstart, nlink;  // a bush's new link lists (swapped with its own)
  std::vector<double> nflow;
  // Builds b.in_start, b.in_link and b.in_flow from the link list lk (flows lkf); b.order holds the bush's
  // nodes in a topological order, the origin first.
  const auto rebuild = [&](Bush& b) {
    std::vector<I>& pos = sc.pos;
    const std::size_t nb = b.order.size();
    for (std::size_t i = 0; i < nb; ++i) pos[at(b.order[i])] = static_cast<I>(i);
    b.in_start.assign(nb + 1, 0);
    for (const I l : lk) ++b.in_start[at(pos[at(g_.head[at(l)])]) + 1];
    for (std::size_t i = 0; i < nb; ++i) b.in_start[i + 1] += b.in_start[i];
    b.in_link.resize(lk.size());
    b.in_flow.resize(lk.size());
    for (std::size_t q = 0; q < lk.size(); ++q) {
      const auto k = at(b.in_start[at(pos[at(g_.head[at(lk[q])])])]++);
      b.in_link[k] = lk[q];
      b.in_flow[k] = lkf[q];
    }
    for (std::size_t i = nb; i-- > 0;) b.in_start[i + 1] = b.in_start[i];
    b.in_start[0] = 0;
  };
  // Shortest (lmin, pmin) and longest (lmax, pmax) costs from the origin within the bush, over every bush
  // link or (used_only) over the links with flow; pmin, pmax: positions in b.in_link; nodes without used
  // inflow: pmax -1, lmax = lmin. Marks the bush's nodes (s.mark == s.token) and their positions in the
  // order.
  const auto labels = [&](const Bush& b, bool used_only, BushScratch& s) {
    ++s.token;
    const auto o = at(b.order[0]);
    s.lmin[o] = s.lmax[o] = 0;
    s.pmin[o] = s.pmax[o] = -1;
    s.pos[o] = 0;
    s.mark[o] = s.token;
    s.ncand = 0;
    const I *order = b.order.data(), *start = b.in_start.data(), *link = b.in_link.data();
    const double* flow = b.in_flow.data();
    const I* tail = g_.tail.data();
    const double* time = t_.data();
    double *lmin = s.lmin.data(), *lmax = s.lmax.data();
    I *pmin = s.pmin.data(), *pmax = s.pmax.data(), *pos = s.pos.data(), *cand = s.cand.data();
    std::uint32_t* mark = s.mark.data();
    const std::uint32_t token = s.token;
    std::size_t ncand = 0;
    for (std::size_t i = 1; i < b.order.size(); ++i) {
      const auto v = at(order[i]);
      double lo = kInf, hi = -kInf;
      I plo = -1, phi = -1;
      for (auto k = at(start[i]); k < at(start[i + 1]); ++k) {
        const auto l = at(link[k]);
        const auto u = at(tail[l]);
        const double c = lmin[u] + time[l];
        if (c < lo) lo = c, plo = static_cast<I>(k);
        if (used_only && !(flow[k] > kFlowEps)) continue;
        const double cu = lmax[u] + time[l];
        if (cu > hi) hi = cu, phi = static_cast<I>(k);
      }
      lmin[v] = lo;
      pmin[v] = plo;
      lmax[v] = phi >= 0 ? hi : lo;
      pmax[v] = phi;
      pos[v] = static_cast<I>(i);
      mark[v] = token;
      cand[ncand] = static_cast<I>(i);
      ncand += static_cast<std::size_t>(phi >= 0 && phi != plo);
    }
    s.ncand = ncand;
  };
  // One pass of flow shifts over the bush's nodes in reverse topological order (fresh: update() has just left
  // the labels over the used links in sc).
  const auto equilibrate = [&](Bush& b, bool fresh) {
    if (!fresh) labels(b, true, sc);
    const I *order = b.order.data(), *link = b.in_link.data(), *cand = sc.cand.data();
    const I *pos = sc.pos.data(), *pmin = sc.pmin.data(), *pmax = sc.pmax.data(), *tail = g_.tail.data();
    const double *lmin = sc.lmin.data(), *lmax = sc.lmax.data();
    double *flow = b.in_flow.data(), *x = x_.data(), *time = t_.data(), *dtime = dt_.data();
    const Link* links = net_.links.data();
    I *smin = seg_min.data(), *smax = seg_max.data();
    const auto tail_of = [&](I k) { return at(tail[at(link[at(k)])]); };
    double excess = 0;
    for (std::size_t q = sc.ncand; q-- > 0;) {  // the nodes with two ways in, in reverse order
      const auto j = at(order[at(cand[q])]);
      const double ex = lmax[j] - lmin[j];
      if (!(ex > 1e-14 * lmax[j])) continue;
      excess = std::max(excess, ex / lmax[j]);
      // The two paths back to their last common node: step back the one further along the order.
      std::size_t nmin = 1, nmax = 1;
      smin[0] = pmin[j];
      smax[0] = pmax[j];
      std::size_t a = tail_of(pmin[j]), c = tail_of(pmax[j]);
      bool broken = false;  // a used path that loses its flow upstream (rounding): no shift here
      while (a != c && !broken) {
        if (pos[a] > pos[c]) {
          smin[nmin++] = pmin[a];
          a = tail_of(pmin[a]);
        } else if (pmax[c] < 0) {
          broken = true;
        } else {
          smax[nmax++] = pmax[c];
          c = tail_of(pmax[c]);
        }
      }
      if (broken) continue;
      double cmin = 0, cmax = 0, denom = 0, cap = kInf;
      for (std::size_t i = 0; i < nmin; ++i) {
        const auto l = at(link[at(smin[i])]);
        cmin += time[l];
        denom += dtime[l];
      }
      for (std::size_t i = 0; i < nmax; ++i) {
        const auto k = at(smax[i]);
        const auto l = at(link[k]);
        cmax += time[l];
        denom += dtime[l];
        cap = std::min(cap, flow[k]);
      }
      if (!(cmax > cmin) || !(cap > kFlowEps)) continue;
      double delta = denom > 0 ? (cmax - cmin) / denom : cap;
      if (delta > cap) delta = cap;
      for (std::size_t i = 0; i < nmax; ++i) {
        const auto k = at(smax[i]);
        const auto l = at(link[k]);
        flow[k] -= delta;  // exactly 0 when all of it moves
        x[l] = std::max(0.0, x[l] - delta);
        bpr(links[l], x[l], time[l], dtime[l]);
      }
      for (std::size_t i = 0; i < nmin; ++i) {
        const auto k = at(smin[i]);
        const auto l = at(link[k]);
        flow[k] += delta;
        x[l] += delta;
        bpr(links[l], x[l], time[l], dtime[l]);
      }
    }
    b.excess = excess;
  };
  // Drops the links without flow (but not the bush's shortest-path tree) and adds the shortcuts that keep it
  // acyclic (see above). The order stays valid when links only go, and when every added link runs forward in
  // it or into a node new to the bush (appended: it has no bush links out); otherwise the bush is re-sorted.
  // True when links were added: the labels over the used links are then in sc (see equilibrate).
  const auto update = [&](Bush& b, I origin) {
    std::fill(sc.lmin.begin(), sc.lmin.end(), kInf);
    labels(b, false, sc);
    std::size_t kept = 0;  // the links that stay, compacted in place (the order stays valid)
    {
      I *start = b.in_start.data(), *link = b.in_link.data();
      double* flow = b.in_flow.data();
      const I *order = b.order.data(), *pmin = sc.pmin.data();
      for (std::size_t i = 1; i < b.order.size(); ++i) {
        const auto first = at(start[i]), end = at(start[i + 1]);
        const auto tree = at(pmin[at(order[i])]);
        start[i] = static_cast<I>(kept);
        for (auto k = first; k < end; ++k) {
          const bool keep = !(flow[k] <= kFlowEps) || k == tree;
          link[kept] = link[k];
          flow[kept] = flow[k];
          kept += static_cast<std::size_t>(keep);
        }
      }
    }
    b.in_start.back() = static_cast<I>(kept);
    b.in_link.resize(kept);
    b.in_flow.resize(kept);
    const std::size_t old_size = b.order.size();
    lk.clear();
    bool resort = false;
    // A bush link is never a shortcut (lmin is the least over the bush's links), nor is a link from a node
    // outside the bush (lmin infinite); a link into a node outside the bush always is.
    const double* lmin = sc.lmin.data();
    const I *tail = g_.tail.data(), *head = g_.head.data();
    const double* time = t_.data();
    for (std::size_t l = 0; l < m; ++l) {
      const auto u = at(tail[l]), v = at(head[l]);
      if (!(lmin[u] + time[l] < lmin[v])) continue;
      if (static_cast<I>(u) != origin && static_cast<I>(u) < g_.first_thru) continue;
      if (sc.mark[v] != sc.token) {  // a node new to the bush: appended once
        if (sc.queued[v] == 0) {
          sc.queued[v] = 1;
          b.order.push_back(static_cast<I>(v));
        }
      } else if (sc.lmax[u] < sc.lmax[v]) {
        resort = resort || sc.pos[u] > sc.pos[v];
      } else {
        continue;
      }
      lk.push_back(static_cast<I>(l));
    }
    for (std::size_t i = old_size; i < b.order.size(); ++i) sc.queued[at(b.order[i])] = 0;
    if (lk.empty()) return false;
    // The new per-node link lists are gathered node by node in the (new) order: the node's added links first,
    // in link order, then its links as they were (the lists a stable counting sort of added + kept would
    // give). labels() set the old nodes' positions; the new nodes are at the end, without links so far.
    const std::size_t added = lk.size(), nb = b.order.size();
    std::vector<I>& pos = sc.pos;
    for (std::size_t i = old_size; i < nb; ++i) pos[at(b.order[i])] = static_cast<I>(i);
    const auto head_pos = [&](I l) { return at(pos[at(g_.head[at(l)])]); };
    const auto tail_pos = [&](I l) { return at(pos[at(g_.tail[at(l)])]); };
    b.in_start.resize(nb + 1, static_cast<I>(kept));
    astart.assign(nb + 1, 0);  // the added links by their head's position
    for (const I l : lk) ++astart[head_pos(l) + 1];
    for (std::size_t i = 0; i < nb; ++i) astart[i + 1] += astart[i];
    alink.resize(added);
    for (const I l : lk) alink[at(astart[head_pos(l)]++)] = l;
    for (std::size_t i = nb; i-- > 0;) astart[i + 1] = astart[i];
    astart[0] = 0;
    std::vector<I>& next = sc.queue;  // old positions, in the new order
    if (resort) {                     // Kahn on the bush's links (added, then kept) from the origin
      std::vector<I>& cnt = sc.indeg;
      ostart.assign(nb + 1, 0);
      std::fill(cnt.begin(), cnt.begin() + static_cast<std::ptrdiff_t>(nb), 0);
      const auto count = [&](I l) {
        ++ostart[tail_pos(l) + 1];
        ++cnt[head_pos(l)];
      };
      for (const I l : lk) count(l);
      for (const I l : b.in_link) count(l);
      for (std::size_t i = 0; i < nb; ++i) ostart[i + 1] += ostart[i];
      olink.resize(kept + added);
      for (const I l : lk) olink[at(ostart[tail_pos(l)]++)] = l;
      for (const I l : b.in_link) olink[at(ostart[tail_pos(l)]++)] = l;
      for (std::size_t i = nb; i-- > 0;) ostart[i + 1] = ostart[i];
      ostart[0] = 0;
      next.assign(1, 0);
      for (std::size_t q = 0; q < next.size(); ++q) {
        const auto p = at(next[q]);
        for (auto k = at(ostart[p]); k < at(ostart[p + 1]); ++k) {
          const auto h = head_pos(olink[k]);
          if (--cnt[h] == 0) next.push_back(static_cast<I>(h));
        }
      }
    }
    nstart.resize(nb + 1);
    nlink.resize(kept + added);
    nflow.resize(kept + added);
    // With each node's lists, its labels over the used links as equilibrate() wants them (the same loop as
    // labels(b, true, sc): the tails come earlier in the order, their labels are the new ones).
    ++sc.token;
    {
      const I *order = b.order.data(), *start = b.in_start.data(), *link = b.in_link.data();
      const I *ast = astart.data(), *alk = alink.data(), *nx = next.data(), *tail = g_.tail.data();
      const double *flow = b.in_flow.data(), *time = t_.data();
      I *nst = nstart.data(), *nlk = nlink.data();
      double* nfl = nflow.data();
      double *lmin = sc.lmin.data(), *lmax = sc.lmax.data();
      I *pmin = sc.pmin.data(), *pmax = sc.pmax.data(), *pos = sc.pos.data(), *cand = sc.cand.data();
      std::uint32_t* mark = sc.mark.data();
      const std::uint32_t token = sc.token;
      std::size_t ncand = 0, w = 0;
      for (std::size_t p = 0; p < nb; ++p) {
        const auto op = resort ? at(nx[p]) : p;
        const auto v = at(order[op]);
        nst[p] = static_cast<I>(w);
        const std::size_t first = w;
        for (auto k = at(ast[op]); k < at(ast[op + 1]); ++k, ++w) {
          nlk[w] = alk[k];
          nfl[w] = 0.0;
        }
        for (auto k = at(start[op]); k < at(start[op + 1]); ++k, ++w) {
          nlk[w] = link[k];
          nfl[w] = flow[k];
        }
        double lo = p == 0 ? 0.0 : kInf, hi = -kInf;
        I plo = -1, phi = -1;
        for (std::size_t k = first; k < w; ++k) {
          const auto l = at(nlk[k]);
          const auto u = at(tail[l]);
          const double c = lmin[u] + time[l];
          if (c < lo) lo = c, plo = static_cast<I>(k);
          if (!(nfl[k] > kFlowEps)) continue;
          const double cu = lmax[u] + time[l];
          if (cu > hi) hi = cu, phi = static_cast<I>(k);
        }
        lmin[v] = lo;
        pmin[v] = plo;
        lmax[v] = phi >= 0 ? hi : lo;
        pmax[v] = phi;
        pos[v] = static_cast<I>(p);
        mark[v] = token;
        cand[ncand] = static_cast<I>(p);
        ncand += static_cast<std::size_t>(phi >= 0 && phi != plo);
      }
      nst[nb] = static_cast<I>(w);
      sc.ncand = ncand;
    }
    b.in_start.swap(nstart);
    b.in_link.swap(nlink);
    b.in_flow.swap(nflow);
    if (resort) {
      for (I& p : next) p = b.order[at(p)];
      b.order.swap(next);
    }
    return true;
  };
  // SPTT of one origin at the current times: shortest costs to every node, by label correcting started from
  // the bush's own shortest costs (each one the cost of a path, so an upper bound): every link that is a
  // shortcut lowers its head, which is then scanned again, until no link is (Bellman's conditions: the costs
  // are then the shortest, as Dijkstra's would be). No path through a zone below FIRST THRU NODE.
  const auto bush_sptt = [&](const Bush& b, I origin, BushScratch& s) {
    std::fill(s.lmin.begin(), s.lmin.end(), kInf);
    labels(b, false, s);
    std::vector<I>& queue = s.queue;
    queue.clear();
    double* lmin = s.lmin.data();
    std::uint8_t* queued = s.queued.data();
    const auto lower = [&](std::size_t w, double d) {
      lmin[w] = d;
      if (queued[w] == 0) {
        queued[w] = 1;
        queue.push_back(static_cast<I>(w));
      }
    };
    const I *tail = g_.tail.data(), *head = g_.head.data(), *first = g_.first.data();
    const double* time = t_.data();
    const Arc* arcs = arcs_.data();
    const I first_thru = g_.first_thru;
    for (std::size_t l = 0; l < m; ++l) {  // every link once, then the heads that were lowered
      const auto u = at(tail[l]), v = at(head[l]);
      const double d = lmin[u] + time[l];
      if (!(d < lmin[v])) continue;
      if (static_cast<I>(u) != origin && static_cast<I>(u) < first_thru) continue;
      lower(v, d);
    }
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const auto v = at(queue[i]);
      queued[v] = 0;
      if (static_cast<I>(v) != origin && static_cast<I>(v) < first_thru) continue;
      const double dv = lmin[v];
      for (auto k = at(first[v]); k < at(first[v + 1]); ++k) {
        const Arc& a = arcs[k];
        if (dv + a.cost < lmin[at(a.head)]) lower(at(a.head), dv + a.cost);
      }
    }
    const double* row = trips_.demand.data() + at(origin) * z;
    double sptt = 0;
    for (std::size_t d = 0; d < z; ++d)
      if (d != at(origin) && row[d] > 0) sptt += row[d] * s.lmin[d];
    return sptt;
  };

  AssignResult r;
  x_.assign(m, 0.0);
  set_times(x_);
  // The first bushes: each origin's shortest-path tree at the times the origins before it left, loaded
  // all-or-nothing (a Gauss-Seidel loading: the first gap is far smaller than with free-flow trees).
  std::vector<I> arc_of(m);
  arcs_.resize(m);
  for (std::size_t a = 0; a < m; ++a) {
    arcs_[a] = {t_[at(g_.arc_link[a])], g_.arc_head[a], g_.arc_link[a]};
    arc_of[at(g_.arc_link[a])] = static_cast<I>(a);
  }
  Search& search = searches_[0];
  std::vector<Bush> bushes(z);
  std::vector<I> active;  // origins with trips
  std::vector<double> node_flow(n);
  for (std::size_t o = 0; o < z; ++o) {
    const double* row = trips_.demand.data() + o * z;
    bool any = false;
    for (std::size_t d = 0; d < z; ++d) any = any || (d != o && row[d] > 0);
    if (!any) continue;
    active.push_back(static_cast<I>(o));
    search.run(g_, static_cast<I>(o), arcs_.data(), row);
    (void)search.load(g_, trips_, static_cast<I>(o), nullptr);  // refuses a zone with trips and no path
    Bush& b = bushes[o];
    b.order.assign(search.order.begin(), search.order.end());  // settled: the origin first, a tree
    lk.clear();
    lkf.clear();
    for (std::size_t i = 1; i < b.order.size(); ++i) {
      const I l = search.pred[at(b.order[i])];
      lk.push_back(l);
      lkf.push_back(0.0);
    }
    rebuild(b);  // the settle order is topological
    std::fill(node_flow.begin(), node_flow.end(), 0.0);
    for (std::size_t d = 0; d < z; ++d)
      if (d != o) node_flow[d] = row[d];
    for (std::size_t i = b.order.size(); i-- > 1;) {  // a tree: one link into each node
      const auto v = at(b.order[i]);
      const auto k = at(b.in_start[i]);
      const auto l = at(b.in_link[k]);
      b.in_flow[k] = node_flow[v];
      node_flow[at(g_.tail[l])] += node_flow[v];
      if (node_flow[v] > 0) {
        x_[l] += node_flow[v];
        bpr(net_.links[l], x_[l], t_[l], dt_[l]);
        arcs_[at(arc_of[l])].cost = t_[l];
      }
    }
  }
  trees_.clear();
  trees_.shrink_to_fit();
  // Link flows from the bushes (in origin order: the same bits for any thread count).
  const auto link_flows = [&] {
    std::fill(x_.begin(), x_.end(), 0.0);
    for (const I o : active) {
      const Bush& b = bushes[at(o)];
      for (std::size_t k = 0; k < b.in_link.size(); ++k) x_[at(b.in_link[k])] += b.in_flow[k];
    }
  };
  link_flows();
  const std::size_t ob = std::max<std::size_t>(1, (active.size() + 63) / 64);
  const std::size_t oblocks = (active.size() + ob - 1) / ob;
  std::vector<double> block_sptt(oblocks);
  arcs_.resize(m);
  for (std::int64_t k = 1;; ++k) {
    set_times(x_);
    for (std::size_t a = 0; a < m; ++a) arcs_[a] = {t_[at(g_.arc_link[a])], g_.arc_head[a], g_.arc_link[a]};
    cs::parallel_for(oblocks, threads_, [&](std::size_t bl, int t) {
      double s = 0;
      for (std::size_t i = bl * ob; i < std::min(active.size(), (bl + 1) * ob); ++i)
        s += bush_sptt(bushes[at(active[i])], active[i], scratch[at(t)]);
      block_sptt[bl] = s;
    });
    double sptt = 0;
    for (const double s : block_sptt) sptt += s;
    if (record(k, x_, sptt, r)) break;
    for (int sweep = 0; sweep < kBushSweeps; ++sweep)
      for (const I o : active) {
        Bush& b = bushes[at(o)];
        equilibrate(b, update(b, o));
      }
    // More equilibration where a bush is still further from its own equilibrium than the flows are from
    // the network's (its excess above the iteration's gap); the others are left as they are.
    const double gap = r.iterations.back().gap;
    for (int round = 0; round < kBushRounds; ++round)
      for (const I o : active)
        if (bushes[at(o)].excess > gap) equilibrate(bushes[at(o)], false);
    link_flows();
  }
  r.flow = x_;
  r.time = t_;
  for (const I o : active) {
    const Bush& b = bushes[at(o)];
    OriginFlow f{o + 1, std::vector<double>(m, 0.0)};
    for (std::size_t k = 0; k < b.in_link.size(); ++k) f.flow[at(b.in_link[k])] = b.in_flow[k];
    r.bushes.push_back(std::move(f));
  }
  return r;
}

}  // namespace

double bpr_time(const Link& l, double v) {
  double t = 0, dt = 0;
  bpr(l, v, t, dt);
  return t;
}

AssignResult assign(const Network& net, const Trips& trips, const AssignOptions& opt, const Context& ctx) {
  Solver s(net, trips, opt, ctx);
  if (opt.algorithm == Algorithm::kBush) return s.run_bush_based();
  return opt.algorithm == Algorithm::kGp ? s.run_gradient_projection() : s.run_link_based();
}

GapReport relative_gap(const Network& net, const Trips& trips, const std::vector<double>& flow, int threads) {
  Context ctx;
  ctx.threads = threads;
  AssignOptions opt;
  Solver s(net, trips, opt, ctx);
  s.set_times(flow);
  const AllOrNothing aon = s.all_or_nothing();
  GapReport g;
  g.tstt = s.tstt(flow);
  g.sptt = aon.sptt;
  g.gap = g.tstt > 0 ? (g.tstt - g.sptt) / g.tstt : 0.0;
  return g;
}

}  // namespace cs::assign
