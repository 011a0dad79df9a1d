// The document as the report embeds it: the same sections and meta, and map layers made light enough to load
// fast (docs/report.md, "Size"). Geometry is simplified (Douglas-Peucker, a tolerance in metres) and
// quantised to 1e-5 degrees (about 1 m) as integer deltas; the report's boot step (report/app.js,
// decodeLayers) turns them back into GeoJSON before any section reads them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <countyscope/report/report.hpp>

namespace cs::detail {

namespace {

constexpr double kScale = 1e5;                // 1e-5 degrees: 1.1 m of latitude
constexpr double kMetresPerDegree = 111'320;  // on a sphere of the WGS-84 equatorial radius
constexpr double kPi = 3.14159265358979323846;

struct Pt {
  double lon, lat;
};

// A coordinate array [[lon, lat], ...] as points; nullopt when it is anything else or holds a number that is
// not a plausible degree (the layer is then embedded as it is).
std::optional<std::vector<Pt>> read_points(const Json& a) {
  if (!a.is_array()) return std::nullopt;
  std::vector<Pt> out;
  out.reserve(a.size());
  for (const Json& c : a) {
    if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) return std::nullopt;
    const double lon = c[0].get<double>(), lat = c[1].get<double>();
    if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lon) > 360 || std::abs(lat) > 90)
      return std::nullopt;
    out.push_back({lon, lat});
  }
  return out;
}

// Douglas-Peucker on a local equirectangular projection (metres); the first and last points always stay.
std::vector<Pt> simplify(const std::vector<Pt>& p, double tolerance_m) {
  if (tolerance_m <= 0 || p.size() < 3) return p;
  const double kx = std::cos(p.front().lat * kPi / 180) * kMetresPerDegree;
  const double ky = kMetresPerDegree;
  std::vector<char> keep(p.size(), 0);
  keep.front() = keep.back() = 1;
  const double tol2 = tolerance_m * tolerance_m;
  std::vector<std::pair<std::size_t, std::size_t>> stack{{0, p.size() - 1}};
  while (!stack.empty()) {
    const auto [i, j] = stack.back();
    stack.pop_back();
    if (j <= i + 1) continue;
    const double ax = p[i].lon * kx, ay = p[i].lat * ky;
    const double dx = p[j].lon * kx - ax, dy = p[j].lat * ky - ay;
    const double len2 = dx * dx + dy * dy;
    double worst = -1;
    std::size_t at = i;
    for (std::size_t k = i + 1; k < j; ++k) {
      const double px = p[k].lon * kx - ax, py = p[k].lat * ky - ay;
      double d2;
      if (len2 == 0) {
        d2 = px * px + py * py;
      } else {
        const double u = std::clamp((px * dx + py * dy) / len2, 0.0, 1.0);
        const double ex = px - u * dx, ey = py - u * dy;
        d2 = ex * ex + ey * ey;
      }
      if (d2 > worst) {
        worst = d2;
        at = k;
      }
    }
    if (worst > tol2) {
      keep[at] = 1;
      stack.emplace_back(i, at);
      stack.emplace_back(at, j);
    }
  }
  std::vector<Pt> out;
  for (std::size_t k = 0; k < p.size(); ++k)
    if (keep[k]) out.push_back(p[k]);
  // A ring keeps at least four points (three distinct and the closing one).
  if (p.size() >= 4 && out.size() < 4 && p.front().lon == p.back().lon && p.front().lat == p.back().lat)
    return p;
  return out;
}

std::int64_t q(double deg) { return static_cast<std::int64_t>(std::llround(deg * kScale)); }

// [x0, y0, dx1, dy1, ...] in 1e-5 degrees; repeated points (after rounding) are dropped.
Json encode_line(const std::vector<Pt>& pts) {
  Json out = Json::array();
  std::int64_t px = 0, py = 0;
  bool first = true;
  for (const Pt& p : pts) {
    const std::int64_t x = q(p.lon), y = q(p.lat);
    if (!first && x == px && y == py) continue;
    out.push_back(x - px);
    out.push_back(y - py);
    px = x;
    py = y;
    first = false;
  }
  return out;
}

// Coordinates of one geometry, encoded; nullopt when they do not have the shape their type says.
std::optional<Json> encode_coordinates(const std::string& type, const Json& c, double tolerance_m) {
  // depth: 0 a position, 1 a list of positions, 2 a list of lists, 3 a list of lists of lists.
  int depth;
  if (type == "Point")
    depth = 0;
  else if (type == "MultiPoint" || type == "LineString")
    depth = 1;
  else if (type == "MultiLineString" || type == "Polygon")
    depth = 2;
  else if (type == "MultiPolygon")
    depth = 3;
  else
    return std::nullopt;
  const double tol = type == "MultiPoint" ? 0 : tolerance_m;
  auto line = [&](const Json& a) -> std::optional<Json> {
    auto pts = read_points(a);
    if (!pts) return std::nullopt;
    return encode_line(simplify(*pts, tol));
  };
  auto lines = [&](const Json& a) -> std::optional<Json> {
    if (!a.is_array()) return std::nullopt;
    Json out = Json::array();
    for (const Json& l : a) {
      auto e = line(l);
      if (!e) return std::nullopt;
      out.push_back(std::move(*e));
    }
    return out;
  };
  if (depth == 0) {
    auto pts = read_points(Json::array({c}));
    if (!pts) return std::nullopt;
    return Json::array({q(pts->front().lon), q(pts->front().lat)});
  }
  if (depth == 1) return line(c);
  if (depth == 2) return lines(c);
  if (!c.is_array()) return std::nullopt;
  Json out = Json::array();
  for (const Json& poly : c) {
    auto e = lines(poly);
    if (!e) return std::nullopt;
    out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

std::optional<Json> quantize_layer(const Json& fc, double tolerance_m) {
  if (!fc.is_object()) return std::nullopt;
  const auto feats = fc.find("features");
  if (feats == fc.end() || !feats->is_array()) return std::nullopt;
  Json out = Json::object();
  for (auto it = fc.begin(); it != fc.end(); ++it)
    if (it.key() != "features") out[it.key()] = it.value();
  Json& features = out["features"] = Json::array();
  for (const Json& f : *feats) {
    if (!f.is_object()) return std::nullopt;
    Json g = f.value("geometry", Json());
    if (!g.is_null()) {
      if (!g.is_object() || !g.contains("type") || !g["type"].is_string() || !g.contains("coordinates"))
        return std::nullopt;
      auto e = encode_coordinates(g["type"].get<std::string>(), g["coordinates"], tolerance_m);
      if (!e) return std::nullopt;
      g["coordinates"] = std::move(*e);
    }
    Json nf = f;
    nf["geometry"] = std::move(g);
    features.push_back(std::move(nf));
  }
  out["cs_quantized"] = Json{{"scale", kScale}};
  return out;
}

double layer_tolerance_m(std::string_view layer) {
  // Roads, flow lines and township polygons: 3 m is below a pixel at the zoom that shows a county. Life
  // circles and service areas (isochrones, traced along every road) at 10 m: their edges are approximate
  // anyway.
  // A national boundary file: 200 m, a tenth of a pixel at the zoom that shows a province.
  if (layer.starts_with("national_boundar")) return 200.0;
  return layer.starts_with("structure_") ? 10.0 : 3.0;
}

namespace {

bool osm_reference(const Json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return s.starts_with("node/") || s.starts_with("way/") || s.starts_with("relation/");
}

// Properties as the report reads them: OSM ids and references left out (county.gpkg keeps them).
Json slim_properties(const Json& p) {
  if (!p.is_object()) return p;
  Json out = Json::object();
  for (auto it = p.begin(); it != p.end(); ++it) {
    const std::string& k = it.key();
    if (k == "osm_id" || k == "osm_type" || (k == "origin" && osm_reference(*it))) continue;
    out[k] = *it;
  }
  return out;
}

const Json& features_of(const Json& fc) {
  static const Json kEmpty = Json::array();
  if (!fc.is_object()) return kEmpty;
  const auto f = fc.find("features");
  return f != fc.end() && f->is_array() ? *f : kEmpty;
}

bool is_point(const Json& f) {
  if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object()) return false;
  const Json& g = f["geometry"];
  return g.value("type", std::string()) == "Point" && g.contains("coordinates") &&
         g["coordinates"].is_array() && g["coordinates"].size() >= 2 && g["coordinates"][0].is_number() &&
         g["coordinates"][1].is_number();
}

// Demand points (one per dwelling) grouped in cells of kDemandCellDeg: the centre of mass, the population,
// the floor area and the number of points, as the plan does for a county too large for its layer.
constexpr std::size_t kDemandPointsMax = 2000;
constexpr double kDemandCellDeg = 0.0025;  // about 280 x 190 m at 47 degrees north

std::optional<Json> aggregate_demand(const Json& fc) {
  const Json& feats = features_of(fc);
  if (feats.size() <= kDemandPointsMax || fc.contains("aggregated_cell_deg")) return std::nullopt;
  struct Cell {
    double pop = 0, fa = 0, x = 0, y = 0;
    long long n = 0;
  };
  std::map<std::pair<long long, long long>, Cell> cells;
  for (const Json& f : feats) {
    if (!is_point(f)) return std::nullopt;
    const double x = f["geometry"]["coordinates"][0].get<double>(),
                 y = f["geometry"]["coordinates"][1].get<double>();
    if (!std::isfinite(x) || !std::isfinite(y) || std::abs(x) > 360 || std::abs(y) > 90) return std::nullopt;
    const Json& p = f.value("properties", Json::object());
    Cell& c = cells[{static_cast<long long>(std::floor(x / kDemandCellDeg)),
                     static_cast<long long>(std::floor(y / kDemandCellDeg))}];
    if (p.is_object() && p.contains("population") && p["population"].is_number())
      c.pop += p["population"].get<double>();
    if (p.is_object() && p.contains("floor_area_m2") && p["floor_area_m2"].is_number())
      c.fa += p["floor_area_m2"].get<double>();
    c.x += x;
    c.y += y;
    ++c.n;
  }
  Json out = Json::array();
  for (const auto& [key, c] : cells) {
    const double n = static_cast<double>(c.n);
    out.push_back({{"type", "Feature"},
                   {"geometry", {{"type", "Point"}, {"coordinates", {c.x / n, c.y / n}}}},
                   {"properties",
                    {{"population", std::round(c.pop * 100) / 100},
                     {"floor_area_m2", std::round(c.fa)},
                     {"points", c.n}}}});
  }
  Json agg = Json::object();
  for (auto it = fc.begin(); it != fc.end(); ++it)
    if (it.key() != "features") agg[it.key()] = *it;
  agg["features"] = std::move(out);
  agg["aggregated_cell_deg"] = kDemandCellDeg;
  return agg;
}

// Roads for the overview: the minor classes left out, group by group, until at most kRoadSegmentsMax segments
// remain; then the segments of one class, name, speed and direction merged into one MultiLineString (its
// length the sum). The collection lists what it left out in "cs_thinned" (the report says so under the map).
constexpr std::size_t kRoadSegmentsMax = 5000;

std::string road_class(const Json& f) {
  const Json& p = f.is_object() ? f.value("properties", Json::object()) : Json::object();
  for (const char* k : {"road_class", "highway", "class"})
    if (p.is_object() && p.contains(k) && p[k].is_string()) return p[k].get<std::string>();
  return "road";
}

std::optional<Json> thin_roads(const Json& fc) {
  const Json& feats = features_of(fc);
  if (feats.empty()) return std::nullopt;
  for (const Json& f : feats) {
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object()) return std::nullopt;
    const std::string t = f["geometry"].value("type", std::string());
    if (t != "LineString" && t != "MultiLineString") return std::nullopt;
    if (!f["geometry"].contains("coordinates") || !f["geometry"]["coordinates"].is_array())
      return std::nullopt;
  }
  static const std::vector<std::vector<std::string>> kDropOrder = {
      {"service", "track", "path", "footway", "cycleway", "bridleway", "steps", "pedestrian", "construction",
       "busway", "bus_guideway", "raceway", "escape", "corridor"},
      {"living_street", "residential", "road"},
      {"unclassified"},
      {"tertiary_link", "tertiary"},
  };
  std::map<std::string, std::size_t> by_class;
  for (const Json& f : feats) ++by_class[road_class(f)];
  std::set<std::string> dropped;
  std::size_t kept = feats.size();
  for (const auto& group : kDropOrder) {
    if (kept <= kRoadSegmentsMax) break;
    for (const std::string& c : group) {
      const auto it = by_class.find(c);
      if (it == by_class.end()) continue;
      kept -= it->second;
      dropped.insert(c);
    }
  }
  // Merge: key (class, name, speed, oneway) in order of first appearance.
  std::map<std::string, std::size_t> index;
  Json merged = Json::array();
  std::vector<double> lengths;
  for (const Json& f : feats) {
    const std::string cls = road_class(f);
    if (dropped.count(cls)) continue;
    const Json& p = f.value("properties", Json::object());
    auto get = [&](const char* k) { return p.is_object() && p.contains(k) ? p[k] : Json(); };
    const Json key = Json::array({cls, get("name"), get("speed_kmh"), get("oneway")});
    const std::string ks = key.dump();
    auto [it, fresh] = index.emplace(ks, merged.size());
    if (fresh) {
      Json props = {{"road_class", cls}};
      for (const char* k : {"name", "speed_kmh", "oneway"})
        if (!get(k).is_null()) props[k] = get(k);
      merged.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "MultiLineString"}, {"coordinates", Json::array()}}},
                        {"properties", std::move(props)}});
      lengths.push_back(0);
    }
    Json& lines = merged[it->second]["geometry"]["coordinates"];
    const Json& g = f["geometry"];
    if (g["type"] == "LineString")
      lines.push_back(g["coordinates"]);
    else
      for (const Json& l : g["coordinates"]) lines.push_back(l);
    const Json len = get("length_m");
    if (len.is_number()) lengths[it->second] += len.get<double>();
  }
  for (std::size_t i = 0; i < merged.size(); ++i)
    if (lengths[i] > 0) merged[i]["properties"]["length_m"] = std::round(lengths[i] * 10) / 10;
  Json out = Json::object();
  for (auto it = fc.begin(); it != fc.end(); ++it)
    if (it.key() != "features") out[it.key()] = *it;
  out["features"] = std::move(merged);
  out["cs_segments"] = feats.size();
  if (!dropped.empty()) {
    Json d = Json::array();
    for (const std::string& c : dropped) d.push_back({{"class", c}, {"segments", by_class[c]}});
    out["cs_thinned"] = std::move(d);
  }
  return out;
}

// Traffic link volumes as the report draws them: links of the same way, direction, class and capacity
// carrying the same whole number of vehicles per hour merged into one multi-line; V/C to 2 decimals, the
// free-flow and congested minutes of the merged stretch added up. (traffic_links.csv and county.gpkg keep
// every link.)
std::optional<Json> merge_traffic(const Json& fc) {
  const Json& feats = features_of(fc);
  if (feats.empty()) return std::nullopt;
  for (const Json& f : feats)
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object() ||
        f["geometry"].value("type", std::string()) != "LineString" || !f.contains("properties") ||
        !f["properties"].is_object())
      return std::nullopt;
  std::map<std::string, std::size_t> index;
  Json merged = Json::array();
  auto num = [](const Json& p, const char* k) {
    return p.contains(k) && p[k].is_number() ? p[k].get<double>() : 0.0;
  };
  for (const Json& f : feats) {
    const Json& p = f["properties"];
    const double flow = std::round(num(p, "flow_veh_h")), cap = num(p, "capacity_veh_h");
    const Json key = Json::array(
        {p.value("way", Json()), p.value("direction", Json()), p.value("road_class", Json()), cap, flow});
    auto [it, fresh] = index.emplace(key.dump(), merged.size());
    if (fresh) {
      merged.push_back({{"type", "Feature"},
                        {"properties",
                         {{"road_class", p.value("road_class", Json())},
                          {"flow_veh_h", flow},
                          {"capacity_veh_h", cap},
                          {"voc", cap > 0 ? std::round(flow / cap * 100) / 100 : 0.0},
                          {"free_flow_min", 0.0},
                          {"congested_min", 0.0}}},
                        {"geometry", {{"type", "MultiLineString"}, {"coordinates", Json::array()}}}});
    }
    Json& m = merged[it->second];
    m["geometry"]["coordinates"].push_back(f["geometry"]["coordinates"]);
    for (const char* k : {"free_flow_min", "congested_min"})
      m["properties"][k] = m["properties"][k].get<double>() + num(p, k);
  }
  for (Json& m : merged)
    for (const char* k : {"free_flow_min", "congested_min"})
      m["properties"][k] = std::round(m["properties"][k].get<double>() * 100) / 100;
  Json out = Json::object();
  for (auto it = fc.begin(); it != fc.end(); ++it)
    if (it.key() != "features") out[it.key()] = *it;
  out["features"] = std::move(merged);
  out["cs_links"] = feats.size();
  return out;
}

// One layer as the report embeds it.
Json slim_layer(std::string_view name, const Json& fc) {
  std::optional<Json> shaped;
  if (name == "demand") shaped = aggregate_demand(fc);
  if (name == "roads") shaped = thin_roads(fc);
  if (name == "traffic_links") shaped = merge_traffic(fc);
  const Json& src = shaped ? *shaped : fc;
  std::optional<Json> q = quantize_layer(src, layer_tolerance_m(name));
  if (!q) return src;
  for (Json& f : (*q)["features"])
    if (f.contains("properties")) f["properties"] = slim_properties(f["properties"]);
  return std::move(*q);
}

// sections.access as the report reads it: the measures it draws (time to the nearest facility, 2SFCA), and of
// their inequality decompositions the summary figures, not the group-by-group matrices.
Json slim_access(const Json& access) {
  if (!access.is_object() || !access.contains("services") || !access["services"].is_object()) return access;
  Json out = access;
  for (auto& [svc, v] : out["services"].items()) {
    if (!v.is_object() || !v.contains("measures") || !v["measures"].is_object()) continue;
    Json kept = Json::object();
    for (const char* m : {"nearest_min", "sfca2"}) {
      if (!v["measures"].contains(m)) continue;
      Json mm = v["measures"][m];
      if (mm.is_object() && mm.contains("decomposition") && mm["decomposition"].is_object()) {
        for (auto& [g, d] : mm["decomposition"].items()) {
          if (!d.is_object()) continue;
          for (auto& [kind, x] : d.items())
            if (x.is_object()) {
              x.erase("between_matrix");
              if (x.contains("between") && x["between"].is_array()) x.erase("between");
              x.erase("groups");
            }
        }
      }
      kept[m] = std::move(mm);
    }
    v["measures"] = std::move(kept);
  }
  return out;
}

}  // namespace

std::string report_json(const Json& doc) {
  auto dump = [](const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
  if (!doc.is_object()) return dump(doc);
  std::string out = "{";
  bool first = true;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (!first) out += ',';
    first = false;
    out += dump(Json(it.key()));
    out += ':';
    if (it.key() == "sections" && it->is_object()) {
      out += '{';
      bool first_section = true;
      for (auto s = it->begin(); s != it->end(); ++s) {
        if (!first_section) out += ',';
        first_section = false;
        out += dump(Json(s.key())) + ':' + dump(s.key() == "access" ? slim_access(*s) : *s);
      }
      out += '}';
      continue;
    }
    if (it.key() != "layers" || !it->is_object()) {
      out += dump(*it);
      continue;
    }
    out += '{';
    bool first_layer = true;
    for (auto l = it->begin(); l != it->end(); ++l) {
      if (!first_layer) out += ',';
      first_layer = false;
      out += dump(Json(l.key())) + ':' + dump(slim_layer(l.key(), *l));
    }
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace cs::detail
