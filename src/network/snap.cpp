// Snapping onto edge segments through a uniform grid (segments are registered in every cell their bounding
// box touches) searched in expanding square rings; distances in a local equirectangular metric centred on the
// query.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/network/snap.hpp>

namespace cs::network {
namespace {
constexpr double kMetresPerDegree = 6371008.8 * 3.14159265358979323846 / 180.0;
constexpr double kRad = 3.14159265358979323846 / 180.0;

Weight scaled(Weight w, double f) {
  if (w == kInfWeight) return kInfWeight;
  return static_cast<Weight>(std::llround(static_cast<double>(w) * std::clamp(f, 0.0, 1.0)));
}
}  // namespace

SnapIndex::SnapIndex(const RoadGraph& g) : g_(&g) {
  const std::size_t ne = g.edge_count();
  if (ne == 0) throw InputError("cannot snap: the road graph has no edge");
  edge_w_fwd_.assign(ne, kInfWeight);
  edge_w_bwd_.assign(ne, kInfWeight);
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    auto& w = (g.arc_forward[a] ? edge_w_fwd_ : edge_w_bwd_)[g.arc_edge[a]];
    w = std::min(w, g.weight[a]);
  }
  double max_lon = -1e300, max_lat = -1e300;
  min_lon_ = min_lat_ = 1e300;
  for (const LonLat& p : g.shape) {
    min_lon_ = std::min(min_lon_, p.lon);
    min_lat_ = std::min(min_lat_, p.lat);
    max_lon = std::max(max_lon, p.lon);
    max_lat = std::max(max_lat, p.lat);
  }
  max_lon_ = max_lon;
  max_lat_ = max_lat;
  for (std::uint32_t e = 0; e < ne; ++e)
    for (std::uint32_t i = g.shape_first[e]; i + 1 < g.shape_first[e + 1]; ++i) {
      seg_edge_.push_back(e);
      seg_index_.push_back(i - g.shape_first[e]);
    }
  const std::size_t nseg = seg_edge_.size();
  const double w = std::max(max_lon - min_lon_, 1e-9), h = std::max(max_lat - min_lat_, 1e-9);
  cell_deg_ = std::sqrt(w * h / std::max<double>(1.0, static_cast<double>(nseg) / 2.0));
  cell_deg_ = std::max(cell_deg_, 2e-4);
  for (;;) {
    nx_ = static_cast<std::uint32_t>(w / cell_deg_) + 1;
    ny_ = static_cast<std::uint32_t>(h / cell_deg_) + 1;
    if (static_cast<double>(nx_) * ny_ <= 4.0 * static_cast<double>(nseg) + 64.0) break;
    cell_deg_ *= 1.5;
  }
  auto cell_range = [&](std::size_t s, std::uint32_t& x0, std::uint32_t& x1, std::uint32_t& y0,
                        std::uint32_t& y1) {
    const LonLat a = g.shape[g.shape_first[seg_edge_[s]] + seg_index_[s]];
    const LonLat b = g.shape[g.shape_first[seg_edge_[s]] + seg_index_[s] + 1];
    auto cx = [&](double lon) {
      return std::min(nx_ - 1, static_cast<std::uint32_t>(std::max(0.0, (lon - min_lon_) / cell_deg_)));
    };
    auto cy = [&](double lat) {
      return std::min(ny_ - 1, static_cast<std::uint32_t>(std::max(0.0, (lat - min_lat_) / cell_deg_)));
    };
    x0 = cx(std::min(a.lon, b.lon));
    x1 = cx(std::max(a.lon, b.lon));
    y0 = cy(std::min(a.lat, b.lat));
    y1 = cy(std::max(a.lat, b.lat));
  };
  cell_first_.assign(static_cast<std::size_t>(nx_) * ny_ + 1, 0);
  for (std::size_t s = 0; s < nseg; ++s) {
    std::uint32_t x0, x1, y0, y1;
    cell_range(s, x0, x1, y0, y1);
    for (auto y = y0; y <= y1; ++y)
      for (auto x = x0; x <= x1; ++x) ++cell_first_[static_cast<std::size_t>(y) * nx_ + x + 1];
  }
  for (std::size_t c = 1; c < cell_first_.size(); ++c) cell_first_[c] += cell_first_[c - 1];
  cell_items_.resize(cell_first_.back());
  std::vector<std::uint32_t> fill(cell_first_.begin(), cell_first_.end() - 1);
  for (std::size_t s = 0; s < nseg; ++s) {
    std::uint32_t x0, x1, y0, y1;
    cell_range(s, x0, x1, y0, y1);
    for (auto y = y0; y <= y1; ++y)
      for (auto x = x0; x <= x1; ++x)
        cell_items_[fill[static_cast<std::size_t>(y) * nx_ + x]++] = static_cast<std::uint32_t>(s);
  }
}

Snap SnapIndex::snap(LonLat p, const SnapOptions& opt) const {
  const RoadGraph& g = *g_;
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::abs(p.lat) > 90.0)
    throw InputError("cannot snap a point with invalid coordinates (" + std::to_string(p.lon) + ", " +
                     std::to_string(p.lat) + ")");
  const double coslat = std::max(1e-6, std::cos(p.lat * kRad));
  const double kx = coslat * kMetresPerDegree, ky = kMetresPerDegree;
  const double side = cell_deg_ * std::min(kx, ky);
  const auto clampi = [](double v, std::uint32_t n) {
    if (!(v > 0)) return std::int64_t{0};
    return std::min<std::int64_t>(static_cast<std::int64_t>(v), static_cast<std::int64_t>(n) - 1);
  };
  const std::int64_t cx = clampi((p.lon - min_lon_) / cell_deg_, nx_);
  const std::int64_t cy = clampi((p.lat - min_lat_) / cell_deg_, ny_);
  double best_d2 = std::numeric_limits<double>::infinity(), best_t = 0;
  std::uint32_t best = std::numeric_limits<std::uint32_t>::max();
  auto visit = [&](std::int64_t x, std::int64_t y) {
    if (x < 0 || y < 0 || x >= nx_ || y >= ny_) return;
    const std::size_t c = static_cast<std::size_t>(y) * nx_ + static_cast<std::size_t>(x);
    for (std::uint32_t k = cell_first_[c]; k < cell_first_[c + 1]; ++k) {
      const std::uint32_t s = cell_items_[k];
      const std::uint32_t base = g.shape_first[seg_edge_[s]] + seg_index_[s];
      const LonLat a = g.shape[base], b = g.shape[base + 1];
      const double ax = (a.lon - p.lon) * kx, ay = (a.lat - p.lat) * ky;
      const double dx = (b.lon - a.lon) * kx, dy = (b.lat - a.lat) * ky;
      const double len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0.0;
      t = std::clamp(t, 0.0, 1.0);
      const double qx = ax + t * dx, qy = ay + t * dy;
      const double d2 = qx * qx + qy * qy;
      if (d2 < best_d2 || (d2 == best_d2 && s < best)) {
        best_d2 = d2;
        best = s;
        best_t = t;
      }
    }
  };
  const std::int64_t max_r = std::max<std::int64_t>(nx_, ny_);
  for (std::int64_t r = 0; r <= max_r; ++r) {
    if (r == 0) {
      visit(cx, cy);
    } else {
      for (std::int64_t x = cx - r; x <= cx + r; ++x) {
        visit(x, cy - r);
        visit(x, cy + r);
      }
      for (std::int64_t y = cy - r + 1; y <= cy + r - 1; ++y) {
        visit(cx - r, y);
        visit(cx + r, y);
      }
    }
    if (best != std::numeric_limits<std::uint32_t>::max() &&
        std::sqrt(best_d2) <= static_cast<double>(r) * side)
      break;
  }

  Snap out;
  const std::uint32_t e = seg_edge_[best];
  const auto shp = g.edge_shape(e);
  const std::uint32_t i = seg_index_[best];
  double before = 0, total = 0;
  for (std::size_t k = 0; k + 1 < shp.size(); ++k) {
    const double l = haversine_m(shp[k], shp[k + 1]);
    if (k < i) before += l;
    if (k == i) before += best_t * l;
    total += l;
  }
  out.edge = e;
  out.frac = total > 0 ? std::clamp(before / total, 0.0, 1.0) : 0.0;
  out.on_edge = LonLat{shp[i].lon + best_t * (shp[i + 1].lon - shp[i].lon),
                       shp[i].lat + best_t * (shp[i + 1].lat - shp[i].lat)};
  const double d = haversine_m(p, out.on_edge);
  out.dist_m = static_cast<float>(d);
  out.access_ms =
      opt.connector_speed_kmh > 0 ? from_seconds(d / (opt.connector_speed_kmh / 3.6)) : kInfWeight;
  const Weight wf = edge_w_fwd_[e], wb = edge_w_bwd_[e];
  out.to_to_node = scaled(wf, 1.0 - out.frac);
  out.from_from_node = scaled(wf, out.frac);
  out.to_from_node = scaled(wb, out.frac);
  out.from_to_node = scaled(wb, 1.0 - out.frac);
  // A point exactly at an end node is that node, whatever the edge's direction.
  if (out.frac == 0.0) out.to_from_node = out.from_from_node = 0;
  if (out.frac == 1.0) out.to_to_node = out.from_to_node = 0;
  out.far = d > opt.far_threshold_m;
  return out;
}

std::vector<Snap> SnapIndex::snap_all(std::span<const LonLat> pts, const SnapOptions& opt,
                                      int threads) const {
  std::vector<Snap> out(pts.size());
  parallel_for(
      pts.size(), threads, [&](std::size_t i, int) { out[i] = snap(pts[i], opt); }, 256);
  return out;
}

std::optional<std::size_t> SnapIndex::first_outside(std::span<const LonLat> pts, double margin_m) const {
  const double dlat = margin_m / kMetresPerDegree;
  const double coslat =
      std::max(0.01, std::cos(0.5 * (min_lat_ + max_lat_) * 3.14159265358979323846 / 180.0));
  const double dlon = dlat / coslat;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const LonLat p = pts[i];
    if (!(p.lon >= min_lon_ - dlon && p.lon <= max_lon_ + dlon && p.lat >= min_lat_ - dlat &&
          p.lat <= max_lat_ + dlat))
      return i;
  }
  return std::nullopt;
}

std::string SnapIndex::extent_text(double margin_m) const {
  auto f = [](double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.4f", x);
    return std::string(b);
  };
  char m[32];
  std::snprintf(m, sizeof m, "%g", margin_m / 1000.0);
  return "lon " + f(min_lon_) + ".." + f(max_lon_) + ", lat " + f(min_lat_) + ".." + f(max_lat_) + " (plus " +
         m + " km)";
}

}  // namespace cs::network
