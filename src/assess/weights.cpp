// Spatial weights: great-circle distances, k nearest neighbours, distance bands and inverse distance (CSR),
// lattices for the published checks, and the spatial lag.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

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
  // are ranked by a dot product (no trigonometry in the O(n^2) loop) and only the kept ones are converted to
  // km.
  std::vector<double> xyz(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double lo = pts[i].lon * M_PI / 180.0, la = pts[i].lat * M_PI / 180.0;
    xyz[3 * i] = std::cos(la) * std::cos(lo);
    xyz[3 * i + 1] = std::cos(la) * std::sin(lo);
    xyz[3 * i + 2] = std::sin(la);
  }
  auto to_km = [](double c2) { return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(c2) / 2)); };
  // (km, j) per point, sorted by distance then index.
  std::vector<std::vector<std::pair<double, std::uint32_t>>> near(n);
  const bool knn = spec.kind == WeightsKind::kKnn;
  // Sweep in latitude order: |lat_i - lat_j| bounds the great-circle distance from below, so each search
  // stops once that bound exceeds the current k-th best (kNN) or the band. Exact, and far below O(n^2) on a
  // country.
  std::vector<std::uint32_t> ord(n);
  std::iota(ord.begin(), ord.end(), 0u);
  std::sort(ord.begin(), ord.end(),
            [&](auto x, auto y) { return pts[x].lat != pts[y].lat ? pts[x].lat < pts[y].lat : x < y; });
  std::vector<std::size_t> pos(n);
  for (std::size_t k = 0; k < n; ++k) pos[ord[k]] = k;
  // chord^2 >= (z_i - z_j)^2 with z = sin(lat), which grows with latitude: a lower bound that costs one
  // subtraction (the exact latitude bound needs a sine per candidate). Coordinates in sweep order,
  // contiguous.
  std::vector<double> sxyz(3 * n);
  for (std::size_t p = 0; p < n; ++p)
    for (std::size_t c = 0; c < 3; ++c) sxyz[3 * p + c] = xyz[3 * ord[p] + c];
  auto lat_bound = [&](std::size_t i, std::size_t p) {
    const double dz = xyz[3 * i + 2] - sxyz[3 * p + 2];
    return dz * dz * (1 - 1e-12);
  };
  // Neighbours of i: the k nearest (k > 0) or all with chord^2 <= limit (k == 0); (chord^2, j) sorted.
  auto search = [&](std::size_t i, std::size_t k, double limit) {
    std::vector<std::pair<double, std::uint32_t>> best;
    auto bound = [&] { return k > 0 ? (best.size() < k ? 1e300 : best.back().first) : limit; };
    auto consider = [&](std::size_t p) {
      const double dx = xyz[3 * i] - sxyz[3 * p], dy = xyz[3 * i + 1] - sxyz[3 * p + 1],
                   dz = xyz[3 * i + 2] - sxyz[3 * p + 2];
      const std::pair<double, std::uint32_t> c{dx * dx + dy * dy + dz * dz, ord[p]};
      if (k > 0) {
        if (best.size() == k && !(c < best.back())) return;
        best.insert(std::upper_bound(best.begin(), best.end(), c), c);
        if (best.size() > k) best.pop_back();
      } else if (c.first <= limit) {
        best.push_back(c);
      }
    };
    for (std::size_t p = pos[i] + 1; p < n && lat_bound(i, p) <= bound(); ++p) consider(p);
    for (std::size_t p = pos[i]; p-- > 0 && lat_bound(i, p) <= bound();) consider(p);
    std::sort(best.begin(), best.end());
    return best;
  };
  double band = spec.band_km;
  if (!knn && band <= 0) {
    // The smallest band that gives every point a neighbour: the largest nearest-neighbour distance.
    std::vector<double> nn(n, 0.0);
    parallel_for(
        n, threads,
        [&](std::size_t i, int) {
          const auto b1 = search(i, 1, 0);
          nn[i] = b1.empty() ? 0.0 : to_km(b1.front().first);
        },
        16);
    for (double d : nn) band = std::max(band, d);
  }
  const double band_c2 =
      knn ? 0.0 : std::pow(2 * std::sin(std::min(band / kEarthKm, M_PI) / 2), 2) * (1 + 1e-12);
  parallel_for(
      n, threads,
      [&](std::size_t i, int) {
        auto d = search(i, knn ? static_cast<std::size_t>(spec.k) : 0, band_c2);
        for (auto& e : d) e.first = to_km(e.first);
        if (!knn) {
          while (!d.empty() && d.back().first > band) d.pop_back();
        }
        near[i] = std::move(d);
      },
      16);
  w.band_km = spec.kind == WeightsKind::kKnn ? 0.0 : band;
  w.first.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::pair<std::uint32_t, double>> row;
    for (const auto& [d, j] : near[i]) {
      if (spec.kind != WeightsKind::kKnn && d > band) break;
      double wt = 1.0;
      if (spec.kind == WeightsKind::kIdw) wt = std::pow(std::max(d, 1e-3), -spec.idw_power);
      row.emplace_back(j, wt);
    }
    std::sort(row.begin(), row.end());
    for (auto [j, wt] : row) {
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
