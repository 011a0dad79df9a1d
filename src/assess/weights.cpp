// Spatial weights: great-circle distances, k nearest neighbours, distance bands and inverse distance (CSR),
// lattices for the published checks, and the spatial lag.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <type_traits>
#include <vector>

#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

namespace {
constexpr double kEarthKm = 6371.0088;
}  // namespace

double great_circle_km(LonLat a, LonLat b) {
  const double d2r = M_PI / 180.0;
  const double dlat = (b.lat - a.lat) * d2r, dlon = (b.lon - a.lon) * d2r;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * d2r) * std::cos(b.lat * d2r) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(h)));
}

WeightsSpec parse_weights_spec(std::string_view s) {
  WeightsSpec w;
  auto bad = [&] {
    return unknown_value("spatial weights", s, {"knn:K", "band", "band:KM", "idw", "idw:KM"});
  };
  auto colon = s.find(':');
  const std::string_view kind = s.substr(0, colon);
  const std::string_view arg = colon == std::string_view::npos ? std::string_view{} : s.substr(colon + 1);
  if (kind == "knn") {
    w.kind = WeightsKind::kKnn;
    if (!arg.empty()) {
      auto v = parse_double(arg);
      if (!v || *v < 1 || *v != std::floor(*v)) throw bad();
      w.k = static_cast<int>(*v);
    }
  } else if (kind == "band" || kind == "idw") {
    w.kind = kind == "band" ? WeightsKind::kBand : WeightsKind::kIdw;
    if (!arg.empty()) {
      auto v = parse_double(arg);
      if (!v || *v <= 0) throw bad();
      w.band_km = *v;
    }
  } else {
    throw bad();
  }
  return w;
}

std::string to_string(const WeightsSpec& s) {
  switch (s.kind) {
    case WeightsKind::kKnn:
      return "knn:" + std::to_string(s.k);
    case WeightsKind::kBand:
      return s.band_km > 0 ? "band:" + format_number(s.band_km) : "band";
    case WeightsKind::kIdw:
      return s.band_km > 0 ? "idw:" + format_number(s.band_km) : "idw";
  }
  return "";
}

namespace {
void finish(Weights& w, bool row_std) {
  w.islands = 0;
  for (std::size_t i = 0; i < w.n; ++i) {
    double s = 0;
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) s += w.w[a];
    if (w.first[i] == w.first[i + 1]) ++w.islands;
    if (row_std && s > 0)
      for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) w.w[a] /= s;
  }
}

// The k-th smallest chord^2 from each of kLanes query points (x[kLanes], y[kLanes], z[kLanes] in q) to m
// points (px, py, pz), counting the query itself if it is among them: top holds k1 sorted lanes of kLanes (k1
// = k + 1 with the query among the points), d[b * kLanes + l] the chord^2 from query l to point b. The
// queries are the lanes (one vector operation serves all of a leaf's queries), the smallest k1 kept per lane
// by a min/max network. chord^2 is summed x, y, z in separate statements (no contraction: -ffp-contract=off
// for this file), so every lane gives the bits the scalar code gives. Compiled for AVX-512, AVX2 and the
// baseline, chosen at load time; the same bits in each (no FMA, exact min/max).
constexpr std::size_t kLanes = 12;
constexpr std::size_t kMaxK1 = 33;  // k + 1 for the largest k served this way
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__SANITIZE_THREAD__)
#define CS_KNN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CS_KNN_CLONES
#endif
using Vec4 = double __attribute__((vector_size(32)));  // GCC / Clang vectors: AVX registers or SSE2 pairs
constexpr std::size_t kVecs = kLanes / 4;
CS_KNN_CLONES void lane_distances(const double* px, const double* py, const double* pz, std::size_t m,
                                  const double* q, std::size_t k1, double* top, double* d) {
  Vec4 qx[kVecs], qy[kVecs], qz[kVecs], t[kMaxK1][kVecs];
  std::memcpy(qx, q, sizeof qx);
  std::memcpy(qy, q + kLanes, sizeof qy);
  std::memcpy(qz, q + 2 * kLanes, sizeof qz);
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t s = 0; s < k1; ++s)
    for (std::size_t v = 0; v < kVecs; ++v) t[s][v] = Vec4{inf, inf, inf, inf};
  for (std::size_t b = 0; b < m; ++b) {
    Vec4 c[kVecs];
    for (std::size_t v = 0; v < kVecs; ++v) {
      const Vec4 dx = qx[v] - px[b];
      Vec4 s2 = dx * dx;
      const Vec4 dy = qy[v] - py[b];
      s2 += dy * dy;
      const Vec4 dz = qz[v] - pz[b];
      s2 += dz * dz;
      c[v] = s2;
      std::memcpy(d + b * kLanes + 4 * v, &s2, sizeof s2);
    }
    for (std::size_t s = 0; s < k1; ++s)
      for (std::size_t v = 0; v < kVecs; ++v) {
        const Vec4 a = t[s][v], x = c[v];
        const auto lt = a < x;
        t[s][v] = lt ? a : x;
        c[v] = lt ? x : a;
      }
  }
  for (std::size_t s = 0; s < k1; ++s) std::memcpy(top + s * kLanes, t[s], sizeof t[s]);
}

// Exact neighbour search over unit vectors (chord^2 = |a - b|^2 orders like the great-circle distance): a
// KD-tree with median splits on the widest axis, small leaves and the tight bounding box of every node.
// Points are ranked by (chord^2, index), the chord^2 computed as (q - p)^2 summed over x, y, z in that order
// for every candidate, so the result depends neither on the tree nor on the visiting order. Pruning is exact
// in floating point: for a point p inside a box and q outside it on axis c, |q_c - p_c| >= the distance from
// q_c to the box's face as computed (rounding is monotone; likewise from any point of another box), and the
// bounds sum the three squares like chord^2 does, so they are <= the chord^2 of every point inside. A box is
// skipped only when its bound is strictly above the radius searched.
//
// k nearest, a leaf's points at a time (tree order, nearby memory), each from its own leaf up: no descent
// from the root, and the best k kept sorted by a fixed merge (no branch on where a candidate lands).
class KdTree {
 public:
  using Cand = std::pair<double, std::uint32_t>;  // (chord^2, index)
  struct Scratch {
    std::vector<Cand> cand;
    std::vector<double> d;
    std::vector<std::uint32_t> j;
    std::vector<double> top, dm, cd;    // knn_of_leaf: lane bounds, lane distances, candidates
    std::vector<std::uint32_t> cj, ej;  // candidates' indices, those at the k-th value
  };

  explicit KdTree(const std::vector<double>& xyz) : q_(xyz) {
    const std::size_t n = xyz.size() / 3;
    std::vector<P> pts(n);
    for (std::size_t i = 0; i < n; ++i)
      pts[i] = {{xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]}, static_cast<std::uint32_t>(i)};
    nodes_.reserve(2 * (n / (kLeaf / 2) + 1));
    if (n > 0) build(pts, 0, static_cast<std::uint32_t>(n), 0);
    id_.resize(n);
    for (std::size_t c = 0; c < 3; ++c) p_[c].resize(n);
    for (std::size_t a = 0; a < n; ++a) {
      id_[a] = pts[a].id;
      for (std::size_t c = 0; c < 3; ++c) p_[c][a] = pts[a].x[c];
    }
  }

  std::size_t size() const { return id_.size(); }
  std::size_t leaf_count() const { return leaves_.size(); }

  // The k nearest points (itself excluded; k < size()) of every point of leaf l by (chord^2, index),
  // ascending: out(i, best) with best[0, k) for point i. From the point's own leaf up: at each ancestor the
  // other child is searched if its box is within the k-th best, and the climb stops once the k-th best is
  // strictly below the distance to every face of the ancestor's box (every point outside the subtree is
  // beyond one of its faces). Used for k > kBatchK (knn_of_leaf below for the rest).
  template <class Out>
  void nearest_of_leaf(std::size_t l, std::size_t k, Scratch& s, Out&& out) const {
    const std::uint32_t leaf = leaves_[l];
    const Node& lf = nodes_[leaf];
    s.d.resize(k);
    s.j.resize(k);
    for (std::uint32_t a = lf.lo; a < lf.hi; ++a) {
      const double q[3] = {p_[0][a], p_[1][a], p_[2][a]};
      Top top(k, id_[a], s.d.data(), s.j.data());
      scan(q, lf, top);
      for (std::uint32_t node = leaf; node != 0;) {
        const std::uint32_t parent = nodes_[node].parent;
        const Node& up = nodes_[parent];
        const std::uint32_t other = up.left == node ? up.right : up.left;
        if (box(q, nodes_[other]) <= top.worst) down(q, other, top);
        node = parent;
        if (inside(q, up) > top.worst) break;
      }
      out(id_[a], top.d, top.j);
    }
  }

  // The k nearest points (itself excluded; k < size(), k <= kBatchK) of every point of leaf l by (chord^2,
  // index), in no particular order: out(i, dist, ids) with k of each. All of the leaf's points at once: A,
  // the leaf's lowest ancestor with at least `seed` points (>= k + 1), gives every query its k smallest
  // chord^2 to the other points of A (lane_distances: the leaf's points are the lanes), the k-th of them an
  // upper bound r of the k-th nearest. Then per query: the candidates are A's points within r (chord^2
  // already computed) and the points within r of the subtrees met climbing from A whose box is within r (the
  // climb stops once r is strictly below the distance to every face of the node reached, as in
  // nearest_of_leaf); each point found outside A is merged into the k smallest values and r follows the k-th.
  // At the end r = t, the k-th smallest chord^2 of all (every point within t was met: it lies in A or in a
  // subtree whose box is within t <= r), and the k nearest are the candidates below t, then those at t by
  // index.
  template <class Out>
  void knn_of_leaf(std::size_t l, std::size_t k, std::size_t seed, Scratch& s, Out&& out) const {
    const std::uint32_t leaf = leaves_[l];
    const Node& lf = nodes_[leaf];
    std::uint32_t anc = leaf;
    while (anc != 0 && nodes_[anc].hi - nodes_[anc].lo < seed) anc = nodes_[anc].parent;
    const Node& A = nodes_[anc];
    const std::size_t m = A.hi - A.lo, nq = lf.hi - lf.lo;
    double q[3 * kLanes];
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t a = 0; a < kLanes; ++a) q[c * kLanes + a] = p_[c][lf.lo + std::min(a, nq - 1)];
    s.top.resize((k + 1) * kLanes);
    s.dm.resize(m * kLanes);
    lane_distances(p_[0].data() + A.lo, p_[1].data() + A.lo, p_[2].data() + A.lo, m, q, k + 1, s.top.data(),
                   s.dm.data());
    if (s.cd.size() < m) {
      s.cd.resize(m);
      s.cj.resize(m);
    }
    s.d.resize(k);
    s.j.resize(k);
    for (std::size_t lane = 0; lane < nq; ++lane) {
      // best[0, k): the k smallest chord^2 met so far, ascending (values only); r = best[k - 1].
      double best[kMaxK1];
      for (std::size_t a = 0; a < k; ++a) best[a] = s.top[(a + 1) * kLanes + lane];
      double r = best[k - 1];
      const std::uint32_t self = lf.lo + static_cast<std::uint32_t>(lane);
      const double qq[3] = {q[lane], q[kLanes + lane], q[2 * kLanes + lane]};
      std::size_t c = 0;
      const double* dl = s.dm.data() + lane;
      for (std::size_t b = 0; b < m; ++b) {
        s.cd[c] = dl[b * kLanes];
        s.cj[c] = id_[A.lo + b];
        c += static_cast<std::size_t>(dl[b * kLanes] <= r) & static_cast<std::size_t>(A.lo + b != self);
      }
      for (std::uint32_t node = anc; node != 0 && inside(qq, nodes_[node]) <= r;) {
        const std::uint32_t parent = nodes_[node].parent;
        const Node& up = nodes_[parent];
        const std::uint32_t other = up.left == node ? up.right : up.left;
        collect(qq, other, k, best, r, s, c);
        node = parent;
      }
      // The k nearest: every candidate below the k-th smallest value t (at most k - 1 of them), then those at
      // t by index.
      const double t = best[k - 1];
      if (s.ej.size() < c) s.ej.resize(s.cd.size());
      std::size_t less = 0, at_t = 0;
      for (std::size_t a = 0; a < c; ++a) {
        s.d[less] = s.cd[a];
        s.j[less] = s.cj[a];
        less += static_cast<std::size_t>(s.cd[a] < t);
        s.ej[at_t] = s.cj[a];
        at_t += static_cast<std::size_t>(s.cd[a] == t);
      }
      const std::size_t tied = k - less;  // 1 <= tied <= at_t
      if (at_t > tied)
        std::nth_element(s.ej.begin(), s.ej.begin() + static_cast<std::ptrdiff_t>(tied - 1),
                         s.ej.begin() + static_cast<std::ptrdiff_t>(at_t));
      for (std::size_t a = 0; a < tied; ++a) {
        s.d[less + a] = t;
        s.j[less + a] = s.ej[a];
      }
      out(id_[self], s.d.data(), s.j.data());
    }
  }

  // All points j != i with chord^2 <= limit, as (chord^2, j) in no particular order, into out.
  void within(std::size_t i, double limit, std::vector<Cand>& out) const {
    out.clear();
    if (nodes_.empty()) return;
    const double* q = &q_[3 * i];
    const auto self = static_cast<std::uint32_t>(i);
    std::uint32_t stack[kMaxDepth];
    std::size_t top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const Node& nd = nodes_[stack[--top]];
      if (nd.left == 0) {
        double d[kLeaf];
        const std::uint32_t m = nd.hi - nd.lo;
        const double* px = p_[0].data() + nd.lo;
        const double* py = p_[1].data() + nd.lo;
        const double* pz = p_[2].data() + nd.lo;
        for (std::uint32_t b = 0; b < m; ++b) {
          const double dx = q[0] - px[b], dy = q[1] - py[b], dz = q[2] - pz[b];
          d[b] = dx * dx + dy * dy + dz * dz;
        }
        for (std::uint32_t b = 0; b < m; ++b)
          if (d[b] <= limit && id_[nd.lo + b] != self) out.emplace_back(d[b], id_[nd.lo + b]);
        continue;
      }
      if (box(q, nodes_[nd.right]) <= limit) stack[top++] = nd.right;
      if (box(q, nodes_[nd.left]) <= limit) stack[top++] = nd.left;
    }
  }

  // The point at place a in tree order (band queries in this order touch nearby memory).
  std::uint32_t at(std::size_t a) const { return id_[a]; }

 private:
  struct P {
    double x[3];
    std::uint32_t id;
  };
  struct Node {
    double lo_x[3], hi_x[3];    // tight bounding box of the node's points
    std::uint32_t lo, hi;       // points [lo, hi) in tree order
    std::uint32_t left, right;  // children; left == 0: a leaf (the root is nobody's child)
    std::uint32_t parent;
  };
  static constexpr std::uint32_t kLeaf = 12;
  static_assert(kLeaf <= kLanes, "knn_of_leaf serves a leaf's queries as the lanes of lane_distances");

  // The best k so far, ascending by (chord^2, index), padded with (infinity, max index), in the caller's
  // arrays; worst: the k-th chord^2. Written without data-dependent branches where the outcome is a coin toss
  // (a leaf's points are filtered into a list first, then merged one by one keeping the smaller at each
  // place).
  struct Top {
    std::size_t k;
    std::uint32_t self;
    double* d;
    std::uint32_t* j;
    double worst = std::numeric_limits<double>::infinity();
    Top(std::size_t k_, std::uint32_t self_, double* d_, std::uint32_t* j_)
        : k(k_), self(self_), d(d_), j(j_) {
      for (std::size_t s = 0; s < k; ++s) {
        d[s] = std::numeric_limits<double>::infinity();
        j[s] = ~0u;
      }
    }
    void insert(double cd, std::uint32_t cj) {
      for (std::size_t s = 0; s < k; ++s) {
        const double bd = d[s];
        const std::uint32_t bj = j[s];
        const bool keep = (bd < cd) | ((bd == cd) & (bj < cj));
        d[s] = keep ? bd : cd;
        j[s] = keep ? bj : cj;
        cd = keep ? cd : bd;
        cj = keep ? cj : bj;
      }
      worst = d[k - 1];
    }
  };
  template <class T>
  void scan(const double* q, const Node& nd, T& top) const {
    double d[kLeaf];
    std::uint32_t pass[kLeaf];
    const std::uint32_t m = nd.hi - nd.lo;
    const double* px = p_[0].data() + nd.lo;
    const double* py = p_[1].data() + nd.lo;
    const double* pz = p_[2].data() + nd.lo;
    for (std::uint32_t b = 0; b < m; ++b) {
      const double dx = q[0] - px[b], dy = q[1] - py[b], dz = q[2] - pz[b];
      d[b] = dx * dx + dy * dy + dz * dz;
    }
    std::uint32_t np = 0;
    const double worst = top.worst;
    for (std::uint32_t b = 0; b < m; ++b) {
      pass[np] = b;
      np +=
          static_cast<std::uint32_t>(d[b] <= worst) & static_cast<std::uint32_t>(id_[nd.lo + b] != top.self);
    }
    for (std::uint32_t e = 0; e < np; ++e) top.insert(d[pass[e]], id_[nd.lo + pass[e]]);
  }
  // Appends every point below node with chord^2 <= r to the candidates (s.cd, s.cj from place c on), each
  // merged into best[0, k) (ascending values); r follows best[k - 1] after every leaf, and every node's box
  // (node's too) is tested against the r of the moment it is taken off the stack.
  void collect(const double* q, std::uint32_t node, std::size_t k, double* best, double& r, Scratch& s,
               std::size_t& c) const {
    std::uint32_t stack[kMaxDepth];
    std::size_t top = 0;
    stack[top++] = node;
    while (top > 0) {
      const Node& nd = nodes_[stack[--top]];
      if (box(q, nd) > r) continue;
      if (nd.left == 0) {
        const std::uint32_t m = nd.hi - nd.lo;
        if (s.cd.size() < c + m) {
          s.cd.resize(2 * (c + m));
          s.cj.resize(2 * (c + m));
        }
        const double* px = p_[0].data() + nd.lo;
        const double* py = p_[1].data() + nd.lo;
        const double* pz = p_[2].data() + nd.lo;
        const std::size_t c0 = c;
        for (std::uint32_t b = 0; b < m; ++b) {
          const double dx = q[0] - px[b];
          double d = dx * dx;
          const double dy = q[1] - py[b];
          d += dy * dy;
          const double dz = q[2] - pz[b];
          d += dz * dz;
          s.cd[c] = d;
          s.cj[c] = id_[nd.lo + b];
          c += static_cast<std::size_t>(d <= r);
        }
        for (std::size_t a = c0; a < c; ++a) {
          double x = s.cd[a];
          for (std::size_t e = 0; e < k; ++e) {
            const double b = best[e];
            best[e] = std::min(b, x);
            x = std::max(b, x);
          }
        }
        r = best[k - 1];
        continue;
      }
      stack[top++] = nd.right;
      stack[top++] = nd.left;
    }
  }
  // Depth-first below node, the nearer child first.
  template <class T>
  void down(const double* q, std::uint32_t node, T& top) const {
    struct Pending {
      double bound;
      std::uint32_t node;
    };
    Pending stack[kMaxDepth];
    std::size_t n = 0;
    for (;;) {
      const Node& nd = nodes_[node];
      if (nd.left == 0) {
        scan(q, nd, top);
      } else {
        const double bl = box(q, nodes_[nd.left]), br = box(q, nodes_[nd.right]);
        const bool left_first = bl <= br;
        const double near = left_first ? bl : br, far = left_first ? br : bl;
        if (far <= top.worst) stack[n++] = Pending{far, left_first ? nd.right : nd.left};
        if (near <= top.worst) {
          node = left_first ? nd.left : nd.right;
          continue;
        }
      }
      for (;;) {
        if (n == 0) return;
        const Pending p = stack[--n];
        if (p.bound <= top.worst) {
          node = p.node;
          break;
        }
      }
    }
  }
  // The squared distance from q (inside the box) to the box's nearest face.
  static double inside(const double* q, const Node& nd) {
    double m = std::numeric_limits<double>::infinity();
    for (int c = 0; c < 3; ++c) {
      const double lo = q[c] - nd.lo_x[c], hi = nd.hi_x[c] - q[c];
      m = std::min(m, std::min(lo * lo, hi * hi));
    }
    return m;
  }
  // Median splits halve the points, so the depth stays below 2 + log2(n) <= 34 for 32-bit indices; each level
  // leaves at most one node on a stack.
  static constexpr std::size_t kMaxDepth = 64;

  std::uint32_t build(std::vector<P>& pts, std::uint32_t lo, std::uint32_t hi, std::uint32_t parent) {
    const auto at = static_cast<std::uint32_t>(nodes_.size());
    Node nd{{1e300, 1e300, 1e300}, {-1e300, -1e300, -1e300}, lo, hi, 0, 0, parent};
    for (std::uint32_t a = lo; a < hi; ++a)
      for (int c = 0; c < 3; ++c) {
        nd.lo_x[c] = std::min(nd.lo_x[c], pts[a].x[c]);
        nd.hi_x[c] = std::max(nd.hi_x[c], pts[a].x[c]);
      }
    nodes_.push_back(nd);
    if (hi - lo <= kLeaf) {
      leaves_.push_back(at);
      return at;
    }
    int axis = 0;
    for (int c = 1; c < 3; ++c)
      if (nd.hi_x[c] - nd.lo_x[c] > nd.hi_x[axis] - nd.lo_x[axis]) axis = c;
    const std::uint32_t mid = lo + (hi - lo) / 2;
    // By the coordinate alone: equal values may go to either half (the split still separates the halves'
    // boxes, which may touch; the tree's shape never changes a result, ranked by (chord^2, index)). All
    // duplicates: halves as they are.
    if (nd.hi_x[axis] > nd.lo_x[axis])
      std::nth_element(pts.begin() + lo, pts.begin() + mid, pts.begin() + hi,
                       [axis](const P& x, const P& y) { return x.x[axis] < y.x[axis]; });
    const std::uint32_t l = build(pts, lo, mid, at), r = build(pts, mid, hi, at);
    nodes_[at].left = l;
    nodes_[at].right = r;
    return at;
  }

  // Lower bound of chord^2 from q to any point of the node's box (0 inside), summed like chord2 sums. Below
  // the box: lo - q > 0 and q - hi < 0 (the other way above); inside: both <= 0.
  static double box(const double* q, const Node& nd) {
    double s = 0;
    for (int c = 0; c < 3; ++c) {
      const double below = nd.lo_x[c] - q[c], above = q[c] - nd.hi_x[c];
      const double e = (below > 0.0 ? below : 0.0) + (above > 0.0 ? above : 0.0);  // maxsd, no branch
      s += e * e;
    }
    return s;
  }
  double chord2(const double* q, std::uint32_t a) const {
    const double dx = q[0] - p_[0][a], dy = q[1] - p_[1][a], dz = q[2] - p_[2][a];
    return dx * dx + dy * dy + dz * dz;
  }

  const std::vector<double>& q_;          // xyz by point index
  std::array<std::vector<double>, 3> p_;  // x, y, z in tree order
  std::vector<std::uint32_t> id_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> leaves_;  // leaf nodes in tree order
};
}  // namespace

namespace {
// knn_of_leaf for k up to kBatchK (its bounds cost O(k) per point of the seed subtree), nearest_of_leaf
// above.
constexpr std::size_t kBatchK = kMaxK1 - 1;
// knn_of_leaf's seed subtree: at least 2k points (measured on the county centres and 10^5 random points: 1k
// leaves most queries' bounds loose, 3k costs more in lane_distances than it saves).
std::size_t seed_of(std::size_t k) { return std::max(k + 1, 2 * k); }
}  // namespace

Weights build_weights(const std::vector<LonLat>& pts, const WeightsSpec& spec, int threads,
                      WeightsTimes* times) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point t0 = times ? Clock::now() : Clock::time_point{};
  Weights w;
  const std::size_t n = pts.size();
  w.n = n;
  w.spec = to_string(spec);
  if (spec.kind == WeightsKind::kKnn && n > 0 && static_cast<std::size_t>(spec.k) >= n)
    throw UsageError("spatial weights knn:" + std::to_string(spec.k) + " need more than k points (have " +
                     std::to_string(n) + ")");
  // Distances through unit vectors: the chord length is monotone in the great-circle distance, so neighbours
  // are ranked by chord^2 in a KD-tree (no trigonometry in the search) and only the kept ones are converted
  // to km.
  // Planar: (x, y, 0), chord^2 = the squared Euclidean distance.
  const bool planar = spec.planar;
  std::vector<double> xyz(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    if (planar) {
      xyz[3 * i] = pts[i].lon;
      xyz[3 * i + 1] = pts[i].lat;
      xyz[3 * i + 2] = 0;
      continue;
    }
    const double lo = pts[i].lon * M_PI / 180.0, la = pts[i].lat * M_PI / 180.0;
    xyz[3 * i] = std::cos(la) * std::cos(lo);
    xyz[3 * i + 1] = std::cos(la) * std::sin(lo);
    xyz[3 * i + 2] = std::sin(la);
  }
  auto to_km = [planar](double c2) {
    return planar ? std::sqrt(c2) : 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(c2) / 2));
  };
  const bool knn = spec.kind == WeightsKind::kKnn;
  const KdTree tree(xyz);
  const Clock::time_point t1 = times ? Clock::now() : Clock::time_point{};
  // The search's time on every way out.
  struct Stamp {
    WeightsTimes* times;
    Clock::time_point t0, t1;
    ~Stamp() {
      if (!times) return;
      times->index_s = std::chrono::duration<double>(t1 - t0).count();
      times->search_s = std::chrono::duration<double>(Clock::now() - t1).count();
    }
  } stamp{times, t0, t1};
  // Per-thread scratch: no allocation per query once the buffers have grown.
  const int team = std::max(1, threads);
  std::vector<KdTree::Scratch> scratch(static_cast<std::size_t>(team));
  double band = spec.band_km;
  if (!knn && band <= 0 && n > 1) {
    // The smallest band that gives every point a neighbour: the largest nearest-neighbour distance.
    std::vector<double> nn(n, 0.0);
    parallel_for(
        tree.leaf_count(), team,
        [&](std::size_t l, int t) {
          tree.knn_of_leaf(
              l, 1, seed_of(1), scratch[static_cast<std::size_t>(t)],
              [&](std::uint32_t i, const double* d, const std::uint32_t*) { nn[i] = to_km(d[0]); });
        },
        4);
    for (double d : nn) band = std::max(band, d);
  }
  w.band_km = knn ? 0.0 : band;
  w.first.assign(n + 1, 0);
  if (knn) {
    // Exactly k neighbours per row (k < n): the rows are written in place, binary weights.
    const std::size_t k = static_cast<std::size_t>(spec.k);
    w.nbr.resize(n * k);
    w.w.assign(n * k, 1.0);
    auto row = [&](std::uint32_t i, const double*, const std::uint32_t* j) {
      // The row by index (the ids differ): each id goes to its rank, without a branch per comparison
      // (std::sort for a large k).
      std::uint32_t* r = w.nbr.data() + std::size_t{i} * k;
      if (k > 32) {
        std::copy(j, j + k, r);
        std::sort(r, r + k);
        return;
      }
      for (std::size_t a = 0; a < k; ++a) {
        std::size_t rank = 0;
        for (std::size_t b = 0; b < k; ++b) rank += j[b] < j[a] ? 1u : 0u;
        r[rank] = j[a];
      }
    };
    parallel_for(
        tree.leaf_count(), team,
        [&](std::size_t l, int t) {
          auto& s = scratch[static_cast<std::size_t>(t)];
          if (k <= kBatchK)
            tree.knn_of_leaf(l, k, seed_of(k), s, row);
          else
            tree.nearest_of_leaf(l, k, s, row);
        },
        4);
    for (std::size_t i = 0; i < n; ++i) w.first[i + 1] = (i + 1) * k;
    finish(w, spec.row_standardise);
    return w;
  }
  const double band_c2 = planar
                             ? band * band * (1 + 1e-12)
                             : std::pow(2 * std::sin(std::min(band / kEarthKm, M_PI) / 2), 2) * (1 + 1e-12);
  // to_km is monotone in chord^2, so every chord^2 <= sure_c2 is within the band (checked once here) and
  // only the few candidates between sure_c2 and band_c2 need the arc sine (binary weights); idw needs km.
  double sure_c2 = planar ? std::pow(band * (1 - 1e-9), 2)
                          : std::pow(2 * std::sin(std::min(band * (1 - 1e-9) / kEarthKm, M_PI) / 2), 2);
  if (!(to_km(sure_c2) <= band)) sure_c2 = -1;
  const bool idw = spec.kind == WeightsKind::kIdw;
  // Per point, sorted by j: the neighbours' indices (binary: every weight 1, sorted as plain integers) or
  // (j, weight) pairs (idw).
  std::vector<std::vector<std::uint32_t>> ids(idw ? 0 : n);
  std::vector<std::vector<std::pair<std::uint32_t, double>>> rows(idw ? n : 0);
  parallel_for(
      n, team,
      [&](std::size_t a, int t) {
        const std::size_t i = tree.at(a);
        auto& d = scratch[static_cast<std::size_t>(t)].cand;
        tree.within(i, band_c2, d);
        if (!idw) {
          auto& r = ids[i];
          r.resize(d.size());
          std::size_t m = 0;
          for (const auto& [c2, j] : d) {
            r[m] = j;
            m += static_cast<std::size_t>(c2 <= sure_c2 || to_km(c2) <= band);
          }
          r.resize(m);
          std::sort(r.begin(), r.end());
          return;
        }
        auto& r = rows[i];
        r.reserve(d.size());
        for (const auto& [c2, j] : d) {
          const double km = to_km(c2);
          if (km > band) continue;
          r.emplace_back(j, std::pow(std::max(km, 1e-3), -spec.idw_power));
        }
        std::sort(r.begin(), r.end());
      },
      64);
  for (std::size_t i = 0; i < n; ++i) w.first[i + 1] = w.first[i] + (idw ? rows[i].size() : ids[i].size());
  const std::size_t total = w.first[n];
  w.nbr.resize(total);
  if (idw) {
    w.w.resize(total);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t a = 0; a < rows[i].size(); ++a) {
        w.nbr[w.first[i] + a] = rows[i][a].first;
        w.w[w.first[i] + a] = rows[i][a].second;
      }
  } else {
    w.w.assign(total, 1.0);
    for (std::size_t i = 0; i < n; ++i)
      std::copy(ids[i].begin(), ids[i].end(), w.nbr.begin() + static_cast<std::ptrdiff_t>(w.first[i]));
  }
  finish(w, spec.row_standardise);
  return w;
}

Weights lattice_rook(std::size_t rows, std::size_t cols, bool row_standardise) {
  Weights w;
  w.n = rows * cols;
  w.spec = "rook lattice";
  w.first.assign(w.n + 1, 0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const std::size_t i = r * cols + c;
      if (r > 0) {
        w.nbr.push_back(static_cast<std::uint32_t>(i - cols));
        w.w.push_back(1);
      }
      if (c > 0) {
        w.nbr.push_back(static_cast<std::uint32_t>(i - 1));
        w.w.push_back(1);
      }
      if (c + 1 < cols) {
        w.nbr.push_back(static_cast<std::uint32_t>(i + 1));
        w.w.push_back(1);
      }
      if (r + 1 < rows) {
        w.nbr.push_back(static_cast<std::uint32_t>(i + cols));
        w.w.push_back(1);
      }
      w.first[i + 1] = w.nbr.size();
    }
  finish(w, row_standardise);
  return w;
}

std::vector<double> spatial_lag(const Weights& w, const std::vector<double>& y) {
  std::vector<double> lag(w.n, 0.0);
  for (std::size_t i = 0; i < w.n; ++i)
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) lag[i] += w.w[a] * y[w.nbr[a]];
  return lag;
}

}  // namespace cs::assess
