#include <algorithm>
#include <cmath>
#include <string>

#include <countyscope/structure/isochrone.hpp>

#include "geometry.hpp"

namespace cs::structure {

std::vector<Problem> validate(const IsochroneConfig& cfg) {
  std::vector<Problem> p;
  if (cfg.cutoffs_s.empty()) p.push_back({"cutoffs", "need at least one cutoff"});
  for (std::size_t i = 0; i < cfg.cutoffs_s.size(); ++i) {
    const double c = cfg.cutoffs_s[i];
    if (!(c > 0.0) || !std::isfinite(c)) {
      p.push_back({"cutoffs", "cutoff " + std::to_string(i + 1) + " is not a positive number of minutes"});
    } else if (i > 0 && !(c > cfg.cutoffs_s[i - 1])) {
      p.push_back({"cutoffs", "cutoffs must be strictly increasing (cutoff " + std::to_string(i + 1) +
                                  " is not larger than the one before)"});
    }
  }
  if (!(cfg.buffer_m > 0.0) || !std::isfinite(cfg.buffer_m)) p.push_back({"buffer_m", "must be > 0"});
  if (!(cfg.simplify_m >= 0.0) || !std::isfinite(cfg.simplify_m)) p.push_back({"simplify_m", "must be >= 0"});
  if (cfg.quad_segs < 1) p.push_back({"quad_segs", "must be >= 1"});
  if (!(cfg.cell_m >= 0.0) || !(cfg.cell_m <= cfg.buffer_m))
    p.push_back({"cell_m", "must be in [0, buffer_m] (0 = buffer_m / 3)"});
  return p;
}

PolygonMethod parse_polygon_method(std::string_view s) {
  if (s == "raster") return PolygonMethod::kRaster;
  if (s == "geos") return PolygonMethod::kGeos;
  throw unknown_value("polygon construction", s, {"raster", "geos"});
}
std::string_view polygon_method_name(PolygonMethod m) {
  return m == PolygonMethod::kGeos ? "geos" : "raster";
}

std::vector<double> parse_cutoffs_min(std::string_view text) {
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string item(text.substr(pos, comma - pos));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v))
      throw UsageError("cutoffs '" + std::string(text) + "': '" + item +
                       "' is not a number of minutes (expected e.g. 5,10,15,30,60)");
    if (!(v > 0.0)) throw UsageError("cutoffs '" + std::string(text) + "': " + item + " is not positive");
    if (!out.empty() && !(v * 60.0 > out.back()))
      throw UsageError("cutoffs '" + std::string(text) + "': must be strictly increasing (" + item +
                       " follows a cutoff at least as large)");
    out.push_back(v * 60.0);
    pos = comma + 1;
  }
  return out;
}

std::size_t Isochrone::reached_nodes(std::size_t c) const {
  const Weight cut = from_seconds(cutoffs_s.at(c));
  return static_cast<std::size_t>(std::upper_bound(nodes.begin(), nodes.end(), cut,
                                                   [](Weight w, const auto& n) { return w < n.second; }) -
                                  nodes.begin());
}

double Isochrone::reached_km(const network::RoadGraph& g, std::size_t c) const {
  double m = 0.0;
  for (const EdgePiece& p : pieces.at(c)) m += static_cast<double>(p.to - p.from) * g.edge_length_m[p.edge];
  return m / 1000.0;
}

IsochroneBuilder::IsochroneBuilder(const network::RoadGraph& g)
    : g_(&g),
      d_(g),
      w_fwd_(g.edge_count(), kInfWeight),
      w_bwd_(g.edge_count(), kInfWeight),
      edge_stamp_(g.edge_count(), 0) {
  for (ArcId a = 0; a < g.arc_count(); ++a) {
    Weight& w = (g.arc_forward[a] ? w_fwd_ : w_bwd_)[g.arc_edge[a]];
    w = std::min(w, g.weight[a]);
  }
}

namespace {

double share(Weight rem, Weight w) {
  return w == 0 ? 1.0 : std::min(1.0, static_cast<double>(rem) / static_cast<double>(w));
}

// Appends the merged pieces of one edge (at most three raw intervals: from each end and from the source).
void edge_pieces(std::uint32_t e, EdgePiece* raw, int n, std::vector<EdgePiece>& out) {
  // Insertion sort of <= 3 pieces (std::sort on a tiny array trips GCC 12's -Warray-bounds).
  const auto less = [](const EdgePiece& a, const EdgePiece& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  };
  for (int i = 1; i < n; ++i)
    for (int j = i; j > 0 && less(raw[j], raw[j - 1]); --j) std::swap(raw[j], raw[j - 1]);
  const std::size_t first = out.size();
  for (int i = 0; i < n; ++i) {
    const EdgePiece& p = raw[i];
    if (!(p.to > p.from)) continue;
    if (out.size() > first && p.from <= out.back().to)
      out.back().to = std::max(out.back().to, p.to);
    else
      out.push_back({e, p.from, p.to});
  }
}

// The source's own edge: from the snapped point in each allowed direction.
bool source_piece(const network::Snap& s, Weight cutoff, EdgePiece& p) {
  if (s.access_ms > cutoff) return false;
  const Weight rem = cutoff - s.access_ms;
  const double x = std::clamp(s.frac, 0.0, 1.0);
  double lo = x, hi = x;
  if (s.to_to_node != kInfWeight) hi = x + (1.0 - x) * share(rem, s.to_to_node);
  if (s.to_from_node != kInfWeight) lo = x - x * share(rem, s.to_from_node);
  p = {s.edge, static_cast<float>(lo), static_cast<float>(hi)};
  return hi > lo;
}

}  // namespace

Isochrone IsochroneBuilder::run(const network::Snap& source, std::span<const double> cutoffs_s) {
  const network::RoadGraph& g = *g_;
  Isochrone iso;
  iso.cutoffs_s.assign(cutoffs_s.begin(), cutoffs_s.end());
  const Weight max_cut = cutoffs_s.empty() ? 0 : from_seconds(cutoffs_s.back());
  d_.run_from(source, max_cut);
  if (++round_ == 0) {
    std::fill(edge_stamp_.begin(), edge_stamp_.end(), 0);
    round_ = 1;
  }
  touched_.clear();
  auto touch = [&](std::uint32_t e) {
    if (edge_stamp_[e] != round_) edge_stamp_[e] = round_, touched_.push_back(e);
  };
  for (NodeId v : d_.settled()) {
    const Weight t = d_.dist(v);
    if (t > max_cut) continue;
    iso.nodes.emplace_back(v, t);
    for (ArcId a = g.first_out[v]; a != g.first_out[v + 1]; ++a) touch(g.arc_edge[a]);
  }
  if (source.edge < g.edge_count()) touch(source.edge);
  // Settle order is non-decreasing in time; a stable sort keeps it robust to implementations that differ.
  const auto by_time = [](const auto& a, const auto& b) { return a.second < b.second; };
  if (!std::is_sorted(iso.nodes.begin(), iso.nodes.end(), by_time))
    std::stable_sort(iso.nodes.begin(), iso.nodes.end(), by_time);
  // Edge order: a scan of the stamps when the isochrone covers much of the graph, else a sort.
  if (touched_.size() > edge_stamp_.size() / 16) {
    touched_.clear();
    for (std::uint32_t e = 0; e < edge_stamp_.size(); ++e)
      if (edge_stamp_[e] == round_) touched_.push_back(e);
  } else {
    std::sort(touched_.begin(), touched_.end());
  }
  // Edge by edge (already in edge order, so no sort of pieces): the same pieces as reached_pieces().
  iso.pieces.resize(cutoffs_s.size());
  for (std::size_t c = 0; c < cutoffs_s.size(); ++c) {
    const Weight cut = from_seconds(cutoffs_s[c]);
    auto& out = iso.pieces[c];
    for (std::uint32_t e : touched_) {
      EdgePiece raw[3];
      int n = 0;
      const Weight df = d_.dist(g.edge_from[e]), dt = d_.dist(g.edge_to[e]);
      if (w_fwd_[e] != kInfWeight && df <= cut)
        raw[n++] = {e, 0.0f, static_cast<float>(share(cut - df, w_fwd_[e]))};
      if (w_bwd_[e] != kInfWeight && dt <= cut)
        raw[n++] = {e, 1.0f - static_cast<float>(share(cut - dt, w_bwd_[e])), 1.0f};
      if (e == source.edge && source_piece(source, cut, raw[n])) ++n;
      if (n) edge_pieces(e, raw, n, out);
    }
  }
  return iso;
}

std::vector<EdgePiece> reached_pieces(const network::RoadGraph& g,
                                      std::span<const std::pair<NodeId, Weight>> nodes,
                                      const network::Snap& s, Weight cutoff) {
  std::vector<EdgePiece> raw;
  for (const auto& [u, t] : nodes) {
    if (t > cutoff) continue;
    const Weight rem = cutoff - t;
    for (ArcId a = g.first_out[u]; a != g.first_out[u + 1]; ++a) {
      const auto f = static_cast<float>(share(rem, g.weight[a]));
      if (g.arc_forward[a])
        raw.push_back({g.arc_edge[a], 0.0f, f});
      else
        raw.push_back({g.arc_edge[a], 1.0f - f, 1.0f});
    }
  }
  EdgePiece sp;
  if (s.edge < g.edge_count() && source_piece(s, cutoff, sp)) raw.push_back(sp);
  std::sort(raw.begin(), raw.end(), [](const EdgePiece& a, const EdgePiece& b) {
    return a.edge != b.edge ? a.edge < b.edge : (a.from != b.from ? a.from < b.from : a.to < b.to);
  });
  std::vector<EdgePiece> out;
  for (const EdgePiece& p : raw) {
    if (!(p.to > p.from)) continue;
    if (!out.empty() && out.back().edge == p.edge && p.from <= out.back().to)
      out.back().to = std::max(out.back().to, p.to);
    else
      out.push_back(p);
  }
  return out;
}

std::vector<LonLat> edge_sub_shape(const network::RoadGraph& g, std::uint32_t edge, double from, double to) {
  const auto shape = g.edge_shape(edge);
  std::vector<LonLat> out;
  if (shape.size() < 2) return out;
  std::vector<double> cum(shape.size(), 0.0);
  for (std::size_t i = 1; i < shape.size(); ++i)
    cum[i] = cum[i - 1] + network::haversine_m(shape[i - 1], shape[i]);
  const double len = cum.back();
  auto at = [&](double f) {
    if (len <= 0.0) return shape.front();
    const double d = std::clamp(f, 0.0, 1.0) * len;
    std::size_t i = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), d) - cum.begin());
    i = std::clamp<std::size_t>(i, 1, shape.size() - 1);
    const double seg = cum[i] - cum[i - 1];
    const double r = seg > 0 ? (d - cum[i - 1]) / seg : 0.0;
    return LonLat{shape[i - 1].lon + r * (shape[i].lon - shape[i - 1].lon),
                  shape[i - 1].lat + r * (shape[i].lat - shape[i - 1].lat)};
  };
  out.push_back(at(from));
  for (std::size_t i = 1; i + 1 < shape.size(); ++i)
    if (cum[i] > from * len && cum[i] < to * len) out.push_back(shape[i]);
  out.push_back(at(to));
  return out;
}

IsoPolygon reached_polygon(const network::RoadGraph& g, std::span<const EdgePiece> pieces,
                           const IsochroneConfig& cfg) {
  std::vector<std::vector<LonLat>> lines;
  lines.reserve(pieces.size());
  for (const EdgePiece& p : pieces) {
    auto l = edge_sub_shape(g, p.edge, p.from, p.to);
    if (l.size() >= 2) lines.push_back(std::move(l));
  }
  IsoPolygon out;
  if (cfg.method == PolygonMethod::kGeos)
    out.polygons = detail::buffer_lines(lines, cfg.buffer_m, cfg.quad_segs, cfg.simplify_m, &out.area_km2);
  else
    out.polygons = detail::raster_buffer_lines(
        lines, cfg.buffer_m, cfg.cell_m > 0 ? cfg.cell_m : cfg.buffer_m / 3, cfg.simplify_m, &out.area_km2);
  return out;
}

}  // namespace cs::structure
