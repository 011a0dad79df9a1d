#include <algorithm>
#include <cmath>

#include <countyscope/county/county.hpp>
#include <countyscope/county/geometry.hpp>

namespace cs {
namespace detail {

namespace {
constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
}

void BBox::add(LonLat p) noexcept {
  min_lon = std::min(min_lon, p.lon);
  min_lat = std::min(min_lat, p.lat);
  max_lon = std::max(max_lon, p.lon);
  max_lat = std::max(max_lat, p.lat);
}

BBox bbox_of(const MultiPolygon& mp) noexcept {
  BBox b;
  for (const auto& poly : mp)
    if (!poly.empty())
      for (const auto& p : poly.front()) b.add(p);
  return b;
}

double ring_signed_area_m2(const Ring& r) noexcept {
  if (r.size() < 3) return 0.0;
  const LonLat o = r.front();
  const double kx = std::cos(o.lat * kDegToRad) * kDegToRad * kEarthRadiusM;
  const double ky = kDegToRad * kEarthRadiusM;
  double s = 0.0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const LonLat& a = r[i];
    const LonLat& b = r[(i + 1) % r.size()];
    const double ax = (a.lon - o.lon) * kx, ay = (a.lat - o.lat) * ky;
    const double bx = (b.lon - o.lon) * kx, by = (b.lat - o.lat) * ky;
    s += ax * by - bx * ay;
  }
  return 0.5 * s;
}

double multipolygon_area_m2(const MultiPolygon& mp) noexcept {
  double a = 0.0;
  for (const auto& poly : mp)
    for (std::size_t k = 0; k < poly.size(); ++k) {
      const double r = std::abs(ring_signed_area_m2(poly[k]));
      a += k == 0 ? r : -r;
    }
  return std::max(a, 0.0);
}

LonLat multipolygon_centroid(const MultiPolygon& mp) noexcept {
  // Centroid in a local projection around the first vertex, weighted by signed ring areas (holes subtract).
  LonLat o{};
  bool have_origin = false;
  double sx = 0, sy = 0, sa = 0, mx = 0, my = 0;
  std::size_t nv = 0;
  for (const auto& poly : mp)
    for (std::size_t k = 0; k < poly.size(); ++k) {
      const Ring& r = poly[k];
      if (r.empty()) continue;
      if (!have_origin) {
        o = r.front();
        have_origin = true;
      }
      const double kx = std::cos(o.lat * kDegToRad);
      double a2 = 0, cx = 0, cy = 0;
      for (std::size_t i = 0; i < r.size(); ++i) {
        const double ax = (r[i].lon - o.lon) * kx, ay = r[i].lat - o.lat;
        const LonLat& b = r[(i + 1) % r.size()];
        const double bx = (b.lon - o.lon) * kx, by = b.lat - o.lat;
        const double cr = ax * by - bx * ay;
        a2 += cr;
        cx += (ax + bx) * cr;
        cy += (ay + by) * cr;
        mx += ax;
        my += ay;
        ++nv;
      }
      // Orient: outer rings count positive, holes negative, whatever their winding.
      const double sign = (k == 0) == (a2 >= 0) ? 1.0 : -1.0;
      sa += sign * a2;
      sx += sign * cx;
      sy += sign * cy;
    }
  if (!have_origin) return {};
  const double kx = std::cos(o.lat * kDegToRad);
  if (std::abs(sa) < 1e-18)
    return {o.lon + mx / static_cast<double>(nv) / kx, o.lat + my / static_cast<double>(nv)};
  return {o.lon + sx / (3.0 * sa) / kx, o.lat + sy / (3.0 * sa)};
}

bool point_in_ring(LonLat p, const Ring& r) noexcept {
  bool in = false;
  const std::size_t n = r.size();
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const LonLat& a = r[i];
    const LonLat& b = r[j];
    if ((a.lat > p.lat) != (b.lat > p.lat) &&
        p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
      in = !in;
  }
  return in;
}

double dist2_m2(LonLat a, LonLat b) noexcept {
  const double kx = std::cos(0.5 * (a.lat + b.lat) * kDegToRad);
  const double dx = (a.lon - b.lon) * kx, dy = a.lat - b.lat;
  const double k = kDegToRad * kEarthRadiusM;
  return (dx * dx + dy * dy) * k * k;
}

PolygonGrid::PolygonGrid(const std::vector<const MultiPolygon*>& polys, double cell_deg)
    : polys_(polys), cell_(cell_deg) {
  BBox all;
  boxes_.reserve(polys.size());
  for (const auto* mp : polys) {
    boxes_.push_back(bbox_of(*mp));
    if (!boxes_.back().empty()) {
      all.add({boxes_.back().min_lon, boxes_.back().min_lat});
      all.add({boxes_.back().max_lon, boxes_.back().max_lat});
    }
  }
  if (all.empty()) return;
  min_lon_ = all.min_lon;
  min_lat_ = all.min_lat;
  nx_ = static_cast<std::size_t>((all.max_lon - all.min_lon) / cell_) + 1;
  ny_ = static_cast<std::size_t>((all.max_lat - all.min_lat) / cell_) + 1;
  while (nx_ * ny_ > 4'000'000) {  // keep the grid small for huge extents
    cell_ *= 2;
    nx_ = static_cast<std::size_t>((all.max_lon - all.min_lon) / cell_) + 1;
    ny_ = static_cast<std::size_t>((all.max_lat - all.min_lat) / cell_) + 1;
  }
  std::vector<std::uint32_t> count(nx_ * ny_ + 1, 0);
  auto range = [&](const BBox& b, std::size_t& x0, std::size_t& x1, std::size_t& y0, std::size_t& y1) {
    x0 = static_cast<std::size_t>((b.min_lon - min_lon_) / cell_);
    x1 = std::min(nx_ - 1, static_cast<std::size_t>((b.max_lon - min_lon_) / cell_));
    y0 = static_cast<std::size_t>((b.min_lat - min_lat_) / cell_);
    y1 = std::min(ny_ - 1, static_cast<std::size_t>((b.max_lat - min_lat_) / cell_));
  };
  for (const auto& b : boxes_) {
    if (b.empty()) continue;
    std::size_t x0, x1, y0, y1;
    range(b, x0, x1, y0, y1);
    for (std::size_t y = y0; y <= y1; ++y)
      for (std::size_t x = x0; x <= x1; ++x) ++count[y * nx_ + x + 1];
  }
  for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
  first_ = count;
  items_.resize(first_.back());
  std::vector<std::uint32_t> fill(first_.begin(), first_.end() - 1);
  for (std::uint32_t id = 0; id < boxes_.size(); ++id) {
    const auto& b = boxes_[id];
    if (b.empty()) continue;
    std::size_t x0, x1, y0, y1;
    range(b, x0, x1, y0, y1);
    for (std::size_t y = y0; y <= y1; ++y)
      for (std::size_t x = x0; x <= x1; ++x) items_[fill[y * nx_ + x]++] = id;
  }
}

bool PolygonGrid::cell_of(LonLat p, std::size_t& cell) const noexcept {
  if (nx_ == 0 || p.lon < min_lon_ || p.lat < min_lat_) return false;
  const auto x = static_cast<std::size_t>((p.lon - min_lon_) / cell_);
  const auto y = static_cast<std::size_t>((p.lat - min_lat_) / cell_);
  if (x >= nx_ || y >= ny_) return false;
  cell = y * nx_ + x;
  return true;
}

std::vector<std::uint32_t> PolygonGrid::containing(LonLat p) const {
  std::vector<std::uint32_t> out;
  std::size_t c;
  if (!cell_of(p, c)) return out;
  for (std::uint32_t k = first_[c]; k < first_[c + 1]; ++k) {
    const std::uint32_t id = items_[k];
    if (boxes_[id].contains(p) && point_in_multipolygon(p, *polys_[id])) out.push_back(id);
  }
  return out;
}

bool PolygonGrid::any_containing(LonLat p) const {
  std::size_t c;
  if (!cell_of(p, c)) return false;
  for (std::uint32_t k = first_[c]; k < first_[c + 1]; ++k) {
    const std::uint32_t id = items_[k];
    if (boxes_[id].contains(p) && point_in_multipolygon(p, *polys_[id])) return true;
  }
  return false;
}

}  // namespace detail

bool point_in_multipolygon(LonLat p, const std::vector<std::vector<std::vector<LonLat>>>& mp) noexcept {
  for (const auto& poly : mp) {
    if (poly.empty() || !detail::point_in_ring(p, poly.front())) continue;
    bool in_hole = false;
    for (std::size_t k = 1; k < poly.size() && !in_hole; ++k) in_hole = detail::point_in_ring(p, poly[k]);
    if (!in_hole) return true;
  }
  return false;
}

}  // namespace cs
