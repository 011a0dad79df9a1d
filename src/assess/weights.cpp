// Spatial weights: great-circle distances, k nearest neighbours, distance bands and inverse distance (CSR),
// lattices for the published checks, and the spatial lag.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
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
  // beyond one of its faces). K > 0: compiled for k == K (fixed-length merges); K == 0: any k.
  template <std::size_t K, class Out>
  void nearest_of_leaf(std::size_t l, std::size_t k, Scratch& s, Out&& out) const {
    const std::uint32_t leaf = leaves_[l];
    const Node& lf = nodes_[leaf];
    s.d.resize(k);
    s.j.resize(k);
    for (std::uint32_t a = lf.lo; a < lf.hi; ++a) {
      const double q[3] = {p_[0][a], p_[1][a], p_[2][a]};
      Top<K> top(k, id_[a], s.d.data(), s.j.data());
      scan(q, lf, top);
      for (std::uint32_t node = leaf; node != 0;) {
        const std::uint32_t parent = nodes_[node].parent;
        const Node& up = nodes_[parent];
        const std::uint32_t other = up.left == node ? up.right : up.left;
        if (box(q, nodes_[other]) <= top.worst) down(q, other, top);
        node = parent;
        if (inside(q, up) > top.worst) break;
      }
      out(id_[a], top.dist(), top.ids());
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

  // The best k so far, ascending by (chord^2, index), padded with (infinity, max index); worst: the k-th
  // chord^2. Written without data-dependent branches where the outcome is a coin toss (a leaf's points are
  // filtered into a list first, then merged one by one keeping the smaller at each place). K > 0: k == K, the
  // arrays are the object's own; K == 0: the caller's arrays of k.
  template <std::size_t K>
  struct Top {
    static constexpr std::size_t kN = K > 0 ? K : 1;
    std::size_t k;
    std::uint32_t self;
    double* d;
    std::uint32_t* j;
    double own_d[kN];
    std::uint32_t own_j[kN];
    double worst = std::numeric_limits<double>::infinity();
    Top(std::size_t k_, std::uint32_t self_, double* d_, std::uint32_t* j_)
        : k(K > 0 ? K : k_), self(self_), d(K > 0 ? own_d : d_), j(K > 0 ? own_j : j_) {
      for (std::size_t s = 0; s < k; ++s) {
        d[s] = std::numeric_limits<double>::infinity();
        j[s] = ~0u;
      }
    }
    const double* dist() const { return d; }
    const std::uint32_t* ids() const { return j; }
    void insert(double cd, std::uint32_t cj) {
      const std::size_t n = K > 0 ? K : k;
      for (std::size_t s = 0; s < n; ++s) {
        const double bd = d[s];
        const std::uint32_t bj = j[s];
        const bool keep = (bd < cd) | ((bd == cd) & (bj < cj));
        d[s] = keep ? bd : cd;
        j[s] = keep ? bj : cj;
        cd = keep ? cd : bd;
        cj = keep ? cj : bj;
      }
      worst = d[n - 1];
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
    // All duplicates: halves in any order (their boxes are one point; the ranking is by index anyway).
    if (nd.hi_x[axis] > nd.lo_x[axis])
      std::nth_element(pts.begin() + lo, pts.begin() + mid, pts.begin() + hi, [axis](const P& x, const P& y) {
        return x.x[axis] != y.x[axis] ? x.x[axis] < y.x[axis] : x.id < y.id;
      });
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
      const double e = std::max(nd.lo_x[c] - q[c], 0.0) + std::max(q[c] - nd.hi_x[c], 0.0);
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

Weights build_weights(const std::vector<LonLat>& pts, const WeightsSpec& spec, int threads) {
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
          tree.nearest_of_leaf<1>(
              l, 1, scratch[static_cast<std::size_t>(t)],
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
    auto rows = [&](auto kk) {
      constexpr std::size_t K = decltype(kk)::value;
      parallel_for(
          tree.leaf_count(), team,
          [&](std::size_t l, int t) {
            tree.nearest_of_leaf<K>(l, k, scratch[static_cast<std::size_t>(t)],
                                    [&](std::uint32_t i, const double*, const std::uint32_t* j) {
                                      // The row by index (the ids differ): each id goes to its rank, without
                                      // a branch per comparison (std::sort for a large k).
                                      std::uint32_t* row = w.nbr.data() + std::size_t{i} * k;
                                      if (k > 32) {
                                        std::copy(j, j + k, row);
                                        std::sort(row, row + k);
                                        return;
                                      }
                                      for (std::size_t a = 0; a < k; ++a) {
                                        std::size_t rank = 0;
                                        for (std::size_t b = 0; b < k; ++b) rank += j[b] < j[a] ? 1u : 0u;
                                        row[rank] = j[a];
                                      }
                                    });
          },
          4);
    };
    // The common small k compiled for their k (fixed-length merges the compiler unrolls).
    switch (k) {
      case 4:
        rows(std::integral_constant<std::size_t, 4>{});
        break;
      case 5:
        rows(std::integral_constant<std::size_t, 5>{});
        break;
      case 6:
        rows(std::integral_constant<std::size_t, 6>{});
        break;
      case 8:
        rows(std::integral_constant<std::size_t, 8>{});
        break;
      case 10:
        rows(std::integral_constant<std::size_t, 10>{});
        break;
      default:
        rows(std::integral_constant<std::size_t, 0>{});
    }
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
  // (j, weight) per point, sorted by j.
  std::vector<std::vector<std::pair<std::uint32_t, double>>> rows(n);
  parallel_for(
      n, team,
      [&](std::size_t a, int t) {
        const std::size_t i = tree.at(a);
        auto& d = scratch[static_cast<std::size_t>(t)].cand;
        tree.within(i, band_c2, d);
        auto& r = rows[i];
        r.reserve(d.size());
        for (const auto& [c2, j] : d) {
          if (!idw && c2 <= sure_c2) {
            r.emplace_back(j, 1.0);
            continue;
          }
          const double km = to_km(c2);
          if (km > band) continue;
          r.emplace_back(j, idw ? std::pow(std::max(km, 1e-3), -spec.idw_power) : 1.0);
        }
        std::sort(r.begin(), r.end());
      },
      64);
  std::size_t total = 0;
  for (const auto& r : rows) total += r.size();
  w.nbr.reserve(total);
  w.w.reserve(total);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto [j, wt] : rows[i]) {
      w.nbr.push_back(j);
      w.w.push_back(wt);
    }
    w.first[i + 1] = w.nbr.size();
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
