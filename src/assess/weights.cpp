// Spatial weights: great-circle distances, k nearest neighbours, distance bands and inverse distance (CSR),
// lattices for the published checks, and the spatial lag.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
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
// KD-tree with median splits on the widest axis and small leaves. Neighbours are ranked by (chord^2, index),
// the chord^2 computed as (q - p)^2 summed over x, y, z in that order for every candidate, so the result
// depends neither on the tree nor on the visiting order. Pruning is exact in floating point: a point beyond a
// split plane has |q_c - p_c| >= |q_c - split|, so (q_c - split)^2 <= (q_c - p_c)^2 as computed (rounding is
// monotone); the bound of a subtree keeps the nearest plane per axis (0 where none) and sums the three like
// chord^2 does, so it is <= the chord^2 of every point inside. A subtree is skipped only when that bound is
// strictly above the current k-th best (ties at the k-th place are still visited, the lower index wins).
class KdTree {
 public:
  explicit KdTree(const std::vector<double>& xyz) : q_(xyz) {
    const std::size_t n = xyz.size() / 3;
    id_.resize(n);
    std::iota(id_.begin(), id_.end(), 0u);
    if (n > 0) build(0, static_cast<std::uint32_t>(n));
    for (std::size_t c = 0; c < 3; ++c) {
      p_[c].resize(n);
      for (std::size_t a = 0; a < n; ++a) p_[c][a] = xyz[3 * id_[a] + c];
    }
  }

  std::size_t size() const { return id_.size(); }
  // The point at place a in tree order (queries in this order touch nearby memory).
  std::uint32_t at(std::size_t a) const { return id_[a]; }

  // The k nearest points of point i (itself excluded) by (chord^2, index), ascending, into out.
  void nearest(std::size_t i, std::size_t k, std::vector<std::pair<double, std::uint32_t>>& out) const {
    out.clear();
    if (nodes_.empty() || k == 0) return;
    Knn s{&q_[3 * i], static_cast<std::uint32_t>(i), k, out};
    knn(0, s, {0.0, 0.0, 0.0});
    std::sort_heap(out.begin(), out.end());
  }

  // All points j != i with chord^2 <= limit, as (chord^2, j) in no particular order, into out.
  void within(std::size_t i, double limit, std::vector<std::pair<double, std::uint32_t>>& out) const {
    out.clear();
    if (!nodes_.empty()) band(0, &q_[3 * i], static_cast<std::uint32_t>(i), limit, {0.0, 0.0, 0.0}, out);
  }

 private:
  struct Node {
    std::uint32_t lo, hi;  // points [lo, hi) in tree order
    int axis;              // -1: leaf
    double split;          // left: coordinate <= split, right: >= split
    std::uint32_t left, right;
  };
  struct Knn {
    const double* q;
    std::uint32_t self;
    std::size_t k;
    std::vector<std::pair<double, std::uint32_t>>& heap;  // max-heap of the best k so far
    double worst = 1e300;                                 // heap.front().first once the heap holds k
  };
  static constexpr std::uint32_t kLeaf = 16;

  std::uint32_t build(std::uint32_t lo, std::uint32_t hi) {
    const auto at = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back({lo, hi, -1, 0.0, 0, 0});
    if (hi - lo <= kLeaf) return at;
    double mn[3] = {1e300, 1e300, 1e300}, mx[3] = {-1e300, -1e300, -1e300};
    for (std::uint32_t a = lo; a < hi; ++a)
      for (int c = 0; c < 3; ++c) {
        mn[c] = std::min(mn[c], q_[3 * id_[a] + c]);
        mx[c] = std::max(mx[c], q_[3 * id_[a] + c]);
      }
    int axis = 0;
    for (int c = 1; c < 3; ++c)
      if (mx[c] - mn[c] > mx[axis] - mn[axis]) axis = c;
    if (!(mx[axis] > mn[axis])) return at;  // all duplicates: one leaf
    const std::uint32_t mid = lo + (hi - lo) / 2;
    std::nth_element(id_.begin() + lo, id_.begin() + mid, id_.begin() + hi,
                     [&](std::uint32_t x, std::uint32_t y) {
                       const double cx = q_[3 * x + axis], cy = q_[3 * y + axis];
                       return cx != cy ? cx < cy : x < y;
                     });
    const double split = q_[3 * id_[mid] + axis];
    const std::uint32_t l = build(lo, mid), r = build(mid, hi);
    nodes_[at].axis = axis;
    nodes_[at].split = split;
    nodes_[at].left = l;
    nodes_[at].right = r;
    return at;
  }

  // chord^2 from q to the m <= kLeaf points from place a0 on, into d (a loop the compiler vectorises).
  void chord2(const double* q, std::uint32_t a0, std::uint32_t m, double* d) const {
    const double* px = p_[0].data() + a0;
    const double* py = p_[1].data() + a0;
    const double* pz = p_[2].data() + a0;
    for (std::uint32_t b = 0; b < m; ++b) {
      const double dx = q[0] - px[b], dy = q[1] - py[b], dz = q[2] - pz[b];
      d[b] = dx * dx + dy * dy + dz * dz;
    }
  }

  using Off = std::array<double, 3>;  // per axis: squared distance to the nearest plane bounding the subtree
  static double bound(const Off& o) { return o[0] + o[1] + o[2]; }

  // Replaces the largest of a max-heap by a smaller c: one sift down.
  static void replace_top(std::vector<std::pair<double, std::uint32_t>>& h,
                          std::pair<double, std::uint32_t> c) {
    const std::size_t n = h.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t l = 2 * i + 1;
      if (l >= n) break;
      const std::size_t m = l + 1 < n && h[l] < h[l + 1] ? l + 1 : l;
      if (!(c < h[m])) break;
      h[i] = h[m];
      i = m;
    }
    h[i] = c;
  }

  void knn(std::uint32_t node, Knn& s, Off off) const {
    const Node& nd = nodes_[node];
    if (nd.axis < 0) {
      double d[kLeaf];
      for (std::uint32_t a0 = nd.lo; a0 < nd.hi; a0 += kLeaf) {
        const std::uint32_t m = std::min(kLeaf, nd.hi - a0);
        chord2(s.q, a0, m, d);
        for (std::uint32_t b = 0; b < m; ++b) {
          if (d[b] > s.worst) continue;
          const std::pair<double, std::uint32_t> c{d[b], id_[a0 + b]};
          if (c.second == s.self) continue;
          if (s.heap.size() < s.k) {
            s.heap.push_back(c);
            std::push_heap(s.heap.begin(), s.heap.end());
            if (s.heap.size() == s.k) s.worst = s.heap.front().first;
          } else if (c < s.heap.front()) {
            replace_top(s.heap, c);
            s.worst = s.heap.front().first;
          }
        }
      }
      return;
    }
    const double diff = s.q[nd.axis] - nd.split;
    knn(diff < 0 ? nd.left : nd.right, s, off);
    off[static_cast<std::size_t>(nd.axis)] = diff * diff;
    if (bound(off) <= s.worst) knn(diff < 0 ? nd.right : nd.left, s, off);
  }

  void band(std::uint32_t node, const double* q, std::uint32_t self, double limit, Off off,
            std::vector<std::pair<double, std::uint32_t>>& out) const {
    const Node& nd = nodes_[node];
    if (nd.axis < 0) {
      double d[kLeaf];
      for (std::uint32_t a0 = nd.lo; a0 < nd.hi; a0 += kLeaf) {
        const std::uint32_t m = std::min(kLeaf, nd.hi - a0);
        chord2(q, a0, m, d);
        for (std::uint32_t b = 0; b < m; ++b)
          if (d[b] <= limit && id_[a0 + b] != self) out.emplace_back(d[b], id_[a0 + b]);
      }
      return;
    }
    const double diff = q[nd.axis] - nd.split;
    band(diff < 0 ? nd.left : nd.right, q, self, limit, off, out);
    off[static_cast<std::size_t>(nd.axis)] = diff * diff;
    if (bound(off) <= limit) band(diff < 0 ? nd.right : nd.left, q, self, limit, off, out);
  }

  const std::vector<double>& q_;          // xyz by point index
  std::array<std::vector<double>, 3> p_;  // x, y, z in tree order
  std::vector<std::uint32_t> id_;
  std::vector<Node> nodes_;
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
  std::vector<std::vector<std::pair<double, std::uint32_t>>> scratch(static_cast<std::size_t>(team));
  double band = spec.band_km;
  if (!knn && band <= 0) {
    // The smallest band that gives every point a neighbour: the largest nearest-neighbour distance.
    std::vector<double> nn(n, 0.0);
    parallel_for(
        n, team,
        [&](std::size_t i, int t) {
          auto& b1 = scratch[static_cast<std::size_t>(t)];
          tree.nearest(i, 1, b1);
          nn[i] = b1.empty() ? 0.0 : to_km(b1.front().first);
        },
        64);
    for (double d : nn) band = std::max(band, d);
  }
  w.band_km = knn ? 0.0 : band;
  w.first.assign(n + 1, 0);
  if (knn) {
    // Exactly k neighbours per row (k < n): the rows are written in place, binary weights.
    const std::size_t k = static_cast<std::size_t>(spec.k);
    w.nbr.resize(n * k);
    w.w.assign(n * k, 1.0);
    parallel_for(
        n, team,
        [&](std::size_t a, int t) {
          const std::size_t i = tree.at(a);
          auto& d = scratch[static_cast<std::size_t>(t)];
          tree.nearest(i, k, d);
          std::uint32_t* row = w.nbr.data() + i * k;
          for (std::size_t a = 0; a < k; ++a) row[a] = d[a].second;
          std::sort(row, row + k);
        },
        64);
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
        auto& d = scratch[static_cast<std::size_t>(t)];
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
