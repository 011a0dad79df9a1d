// cut_osm_extract: the county cut out of a larger extract with libosmium (see the header). Two reads of the
// big file for a polygon (which nodes lie inside and which ways and relations they keep; then the writing),
// three more for a relation (the relation, its ways, their nodes) before them. Memory grows with the county,
// not the file: only the ids of kept objects are held.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include <osmium/io/any_input.hpp>
#include <osmium/io/any_output.hpp>
#include <osmium/osm/box.hpp>
#include <osmium/visitor.hpp>

#include <countyscope/core/error.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/county/geometry.hpp>
#include <countyscope/sources/osm_cut.hpp>
#include <countyscope/sources/osm_pbf_check.hpp>

#include "user_layers.hpp"

namespace cs {
namespace {
namespace fs = std::filesystem;

std::string with_commas(std::size_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

using detail::BBox;

std::string box_text(const BBox& b) {
  if (b.empty()) return "nothing";
  char t[160];
  std::snprintf(t, sizeof t, "lon %.4f..%.4f, lat %.4f..%.4f", b.min_lon, b.max_lon, b.min_lat, b.max_lat);
  return t;
}

}  // namespace

// ---- point in polygon by latitude bands
// ----------------------------------------------------------------------

PolygonBands::PolygonBands(const CutPolygon& mp) {
  std::size_t n_edges = 0;
  for (const auto& poly : mp)
    for (const auto& ring : poly) n_edges += ring.size();
  const BBox box = detail::bbox_of(mp);
  if (box.empty()) return;
  min_lon_ = box.min_lon;
  max_lon_ = box.max_lon;
  min_lat_ = box.min_lat;
  max_lat_ = box.max_lat;
  bands_ = std::clamp<std::size_t>(n_edges / 4, 1, 8192);
  height_ = (max_lat_ - min_lat_) / static_cast<double>(bands_);
  if (!(height_ > 0)) height_ = 1.0;
  std::vector<std::vector<Edge>> per(bands_);
  for (const auto& poly : mp)
    for (const auto& ring : poly)
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const LonLat a = ring[i], b = ring[(i + 1) % ring.size()];
        if (a.lat == b.lat) continue;  // a horizontal edge is never crossed by the horizontal ray
        const std::size_t lo = band(std::min(a.lat, b.lat)), hi = band(std::max(a.lat, b.lat));
        for (std::size_t k = lo; k <= hi; ++k) per[k].push_back({a, b});
      }
  first_.assign(bands_ + 1, 0);
  for (std::size_t k = 0; k < bands_; ++k) first_[k + 1] = first_[k] + per[k].size();
  edges_.reserve(first_[bands_]);
  for (auto& v : per) edges_.insert(edges_.end(), v.begin(), v.end());
}

std::size_t PolygonBands::band(double lat) const noexcept {
  const double k = std::floor((lat - min_lat_) / height_);
  if (!(k > 0)) return 0;
  return std::min(static_cast<std::size_t>(k), bands_ - 1);
}

bool PolygonBands::contains(LonLat p) const noexcept {
  if (bands_ == 0 || p.lon < min_lon_ || p.lon > max_lon_ || p.lat < min_lat_ || p.lat > max_lat_)
    return false;
  const std::size_t k = band(p.lat);
  bool in = false;
  for (std::size_t i = first_[k]; i < first_[k + 1]; ++i) {
    const LonLat a = edges_[i].a, b = edges_[i].b;
    // The crossing rule of point_in_ring (county/geometry): the ray from p towards +lon crosses edge a-b.
    if ((a.lat > p.lat) != (b.lat > p.lat) &&
        p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
      in = !in;
  }
  return in;
}

// ---- rings from ways
// -----------------------------------------------------------------------------------------

CutPolygon assemble_rings(const std::vector<CutWay>& ways, const std::string& where) {
  std::vector<std::pair<std::vector<LonLat>, bool>> rings;  // coordinates, inner
  for (const bool inner : {false, true}) {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < ways.size(); ++i)
      if (ways[i].inner == inner && ways[i].nodes.size() >= 2) todo.push_back(i);
    std::vector<bool> used(ways.size(), false);
    // End node -> ways ending there, in member order.
    std::multimap<std::int64_t, std::size_t> ends;
    for (std::size_t i : todo) {
      ends.emplace(ways[i].nodes.front(), i);
      ends.emplace(ways[i].nodes.back(), i);
    }
    for (std::size_t start : todo) {
      if (used[start]) continue;
      used[start] = true;
      std::vector<std::int64_t> ids = ways[start].nodes;
      std::vector<LonLat> pts = ways[start].coords;
      std::int64_t last_way = ways[start].id;
      while (ids.back() != ids.front()) {
        std::size_t next = SIZE_MAX;
        auto [lo, hi] = ends.equal_range(ids.back());
        for (auto it = lo; it != hi; ++it)
          if (!used[it->second] && (next == SIZE_MAX || it->second < next)) next = it->second;
        if (next == SIZE_MAX)
          throw InputError(where, "way " + std::to_string(last_way), "--boundary",
                           "the boundary's " + std::string(inner ? "inner" : "outer") +
                               " ring stops at node " + std::to_string(ids.back()) +
                               ": no member way continues it (the extract does not hold the whole boundary, "
                               "or the relation is broken)");
        used[next] = true;
        const CutWay& w = ways[next];
        const bool forward = w.nodes.front() == ids.back();
        for (std::size_t j = 1; j < w.nodes.size(); ++j) {
          const std::size_t k = forward ? j : w.nodes.size() - 1 - j;
          ids.push_back(w.nodes[k]);
          pts.push_back(w.coords[k]);
        }
        last_way = w.id;
      }
      pts.pop_back();  // the closing point repeats the first
      if (pts.size() >= 3) rings.emplace_back(std::move(pts), inner);
    }
  }
  CutPolygon out;
  for (auto& [pts, inner] : rings)
    if (!inner) out.push_back({std::move(pts)});
  for (auto& [pts, inner] : rings) {
    if (!inner) continue;
    for (auto& poly : out)
      if (point_in_multipolygon(pts.front(), CutPolygon{{poly.front()}})) {
        poly.push_back(std::move(pts));
        break;
      }
  }
  return out;
}

// ---- the spec
// --------------------------------------------------------------------------------------------------

CutSpec CutSpec::parse(const std::string& value) {
  if (value.empty()) throw UsageError("--boundary: give a boundary file or an OSM relation id");
  CutSpec s;
  s.as_written = value;
  std::string digits = value;
  for (const char* prefix : {"relation/", "relation:", "r"})
    if (digits.rfind(prefix, 0) == 0) {
      digits = digits.substr(std::char_traits<char>::length(prefix));
      break;
    }
  const bool numeric = !digits.empty() && digits.size() <= 18 &&
                       std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (numeric && !fs::exists(value)) {
    s.relation = std::stoll(digits);
    if (s.relation <= 0) throw UsageError("--boundary " + value + ": a relation id is positive");
  } else {
    s.file = value;
  }
  return s;
}

// ---- the cut file
// ----------------------------------------------------------------------------------------------

OsmCut::OsmCut(OsmCut&& o) noexcept { *this = std::move(o); }

OsmCut& OsmCut::operator=(OsmCut&& o) noexcept {
  if (this != &o) {
    remove();
    polygon = std::move(o.polygon);
    relation = o.relation;
    boundary_name = std::move(o.boundary_name);
    admin_level = o.admin_level;
    nodes = o.nodes;
    ways = o.ways;
    relations = o.relations;
    extract_min = o.extract_min;
    extract_max = o.extract_max;
    description = std::move(o.description);
    dir_ = std::move(o.dir_);
    path_ = std::move(o.path_);
    o.dir_.clear();
    o.path_.clear();
  }
  return *this;
}

OsmCut::~OsmCut() { remove(); }

void OsmCut::remove() noexcept {
  if (dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
  dir_.clear();
}

namespace {

// The relation's member ways (outer or inner) and their nodes' positions, from three reads of the file.
struct RelationBoundary {
  std::vector<CutWay> ways;
  std::string name;
  int admin_level = 0;
};

RelationBoundary read_relation(const osmium::io::File& file, const std::string& shown, std::int64_t id) {
  RelationBoundary rb;
  const std::string rel = "relation " + std::to_string(id);
  bool found = false;
  {
    osmium::io::Reader reader{file, osmium::osm_entity_bits::relation, osmium::io::read_meta::no};
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (const auto& r : buffer.select<osmium::Relation>()) {
        if (r.id() != id) continue;
        found = true;
        if (const char* n = r.tags()["name"]) rb.name = n;
        if (const char* l = r.tags()["admin_level"]) rb.admin_level = std::atoi(l);
        for (const auto& m : r.members()) {
          if (m.type() != osmium::item_type::way) continue;
          const std::string role = m.role();
          if (!role.empty() && role != "outer" && role != "inner") continue;  // admin_centre, label, subarea
          CutWay w;
          w.id = m.ref();
          w.inner = role == "inner";
          rb.ways.push_back(std::move(w));
        }
      }
    }
    reader.close();
  }
  if (!found)
    throw InputError(shown, rel, "--boundary",
                     "the extract holds no such relation (give the county boundary's relation id as "
                     "openstreetmap.org shows it, or a boundary file)");
  if (rb.ways.empty()) throw InputError(shown, rel, "--boundary", "the relation has no outer or inner ways");
  std::unordered_map<std::int64_t, std::vector<std::size_t>> way_at;
  for (std::size_t i = 0; i < rb.ways.size(); ++i) way_at[rb.ways[i].id].push_back(i);
  std::unordered_map<std::int64_t, LonLat> node_pos;
  {
    osmium::io::Reader reader{file, osmium::osm_entity_bits::way, osmium::io::read_meta::no};
    while (osmium::memory::Buffer buffer = reader.read())
      for (const auto& w : buffer.select<osmium::Way>()) {
        const auto it = way_at.find(w.id());
        if (it == way_at.end()) continue;
        for (std::size_t i : it->second)
          for (const auto& nr : w.nodes()) rb.ways[i].nodes.push_back(nr.ref());
        for (const auto& nr : w.nodes()) node_pos.emplace(nr.ref(), LonLat{NAN, NAN});
      }
    reader.close();
  }
  for (const auto& w : rb.ways)
    if (w.nodes.empty())
      throw InputError(shown, rel, "--boundary",
                       "member way " + std::to_string(w.id) +
                           " is not in the extract: the extract does not hold the whole boundary");
  {
    osmium::io::Reader reader{file, osmium::osm_entity_bits::node, osmium::io::read_meta::no};
    while (osmium::memory::Buffer buffer = reader.read())
      for (const auto& n : buffer.select<osmium::Node>()) {
        const auto it = node_pos.find(n.id());
        if (it != node_pos.end() && n.location().valid())
          it->second = LonLat{n.location().lon(), n.location().lat()};
      }
    reader.close();
  }
  for (auto& w : rb.ways)
    for (std::int64_t n : w.nodes) {
      const LonLat p = node_pos.at(n);
      if (std::isnan(p.lon))
        throw InputError(shown, rel, "--boundary",
                         "node " + std::to_string(n) + " of member way " + std::to_string(w.id) +
                             " is not in the extract: the extract does not hold the whole boundary");
      w.coords.push_back(p);
    }
  return rb;
}

// The first read: which nodes lie inside, which ways and relations they keep.
struct Selection {
  std::unordered_set<std::int64_t> nodes, ways, relations;
  BBox extract;
};

class SelectHandler : public osmium::handler::Handler {
 public:
  SelectHandler(const PolygonBands& bands, Selection& s, std::unordered_set<std::int64_t>& inside,
                std::int64_t relation)
      : bands_(bands), s_(s), inside_(inside), relation_(relation) {}

  void node(const osmium::Node& n) {
    if (!n.location().valid()) return;
    const LonLat p{n.location().lon(), n.location().lat()};
    s_.extract.add(p);
    if (bands_.contains(p)) inside_.insert(n.id());
  }
  void way(const osmium::Way& w) {
    bool keep = s_.ways.count(w.id()) > 0;
    for (auto it = w.nodes().begin(); !keep && it != w.nodes().end(); ++it)
      keep = inside_.count(it->ref()) > 0;
    if (!keep) return;
    s_.ways.insert(w.id());
    for (const auto& nr : w.nodes()) s_.nodes.insert(nr.ref());
  }
  void relation(const osmium::Relation& r) {
    bool keep = r.id() == relation_;
    for (const auto& m : r.members()) {
      if (keep) break;
      if (m.type() == osmium::item_type::node) keep = s_.nodes.count(m.ref()) || inside_.count(m.ref());
      if (m.type() == osmium::item_type::way) keep = s_.ways.count(m.ref()) > 0;
    }
    if (keep) s_.relations.insert(r.id());
  }

 private:
  const PolygonBands& bands_;
  Selection& s_;
  std::unordered_set<std::int64_t>& inside_;
  std::int64_t relation_;
};

}  // namespace

OsmCut cut_osm_extract(const std::string& osm_path, const CutSpec& spec, const CutPolygon& polygon,
                       Context& ctx) {
  check_osm_file(osm_path);
  const std::string shown = fs::path(osm_path).filename().string();
  const osmium::io::File file{osm_path};
  OsmCut out;
  Selection sel;
  try {
    if (spec.relation > 0) {
      RelationBoundary rb = read_relation(file, shown, spec.relation);
      out.polygon = assemble_rings(rb.ways, shown);
      if (out.polygon.empty())
        throw InputError(shown, "relation " + std::to_string(spec.relation), "--boundary",
                         "the relation's outer ways close into no ring");
      out.relation = spec.relation;
      out.boundary_name = rb.name;
      out.admin_level = rb.admin_level;
      for (const auto& w : rb.ways) {  // the boundary relation stays whole in the cut
        sel.ways.insert(w.id);
        sel.nodes.insert(w.nodes.begin(), w.nodes.end());
      }
    } else {
      out.polygon = polygon;
      out.boundary_name = fs::path(spec.file).filename().string();
    }
    ctx.report("cut: boundary", 0.1);
    const PolygonBands bands(out.polygon);
    std::unordered_set<std::int64_t> inside;
    {
      SelectHandler h(bands, sel, inside, spec.relation);
      osmium::io::Reader reader{file, osmium::osm_entity_bits::nwr, osmium::io::read_meta::no};
      osmium::apply(reader, h);
      reader.close();
    }
    const BBox box = detail::bbox_of(out.polygon);
    if (inside.empty()) {
      throw InputError(shown, "", "--boundary",
                       "nothing in the extract lies inside the boundary " + spec.as_written +
                           " (the boundary spans " + box_text(box) + ", the extract " +
                           box_text(sel.extract) +
                           "): is it the right extract, and the boundary's CRS right?");
    }
    sel.nodes.insert(inside.begin(), inside.end());
    out.extract_min = {sel.extract.min_lon, sel.extract.min_lat};
    out.extract_max = {sel.extract.max_lon, sel.extract.max_lat};
    ctx.report("cut: selected", 0.6);

    // The private folder and the cut file.
    std::string tmpl = (fs::temp_directory_path() / "countyscope-cut-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
      throw IoError("cannot create a temporary folder for the cut extract in " +
                    fs::temp_directory_path().string());
    out.dir_ = tmpl;
    out.path_ = (out.dir_ / (fs::path(osm_path).stem().stem().string() + "-cut.osm.pbf")).string();
    osmium::io::Header header;
    header.set("generator", "countyscope cut");
    header.add_box(osmium::Box{box.min_lon, box.min_lat, box.max_lon, box.max_lat});
    osmium::io::Writer writer{osmium::io::File{out.path_, "pbf"}, header, osmium::io::overwrite::allow};
    osmium::io::Reader reader{file, osmium::osm_entity_bits::nwr, osmium::io::read_meta::no};
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (const auto& obj : buffer.select<osmium::OSMObject>()) {
        bool keep = false;
        switch (obj.type()) {
          case osmium::item_type::node:
            keep = sel.nodes.count(obj.id()) > 0;
            out.nodes += keep;
            break;
          case osmium::item_type::way:
            keep = sel.ways.count(obj.id()) > 0;
            out.ways += keep;
            break;
          case osmium::item_type::relation:
            keep = sel.relations.count(obj.id()) > 0;
            out.relations += keep;
            break;
          default:
            break;
        }
        if (keep) writer(obj);
      }
    }
    reader.close();
    writer.close();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_osm_error(osm_path, e);
  }
  out.description = shown + " cut by " +
                    (out.relation ? "relation " + std::to_string(out.relation) +
                                        (out.boundary_name.empty() ? "" : " (" + out.boundary_name + ")")
                                  : spec.as_written) +
                    ": " + with_commas(out.nodes) + " nodes, " + with_commas(out.ways) + " ways, " +
                    with_commas(out.relations) + " relations kept";
  ctx.report("cut", 1.0);
  return out;
}

CutPolygon read_boundary_polygon(const std::string& file) {
  CountyConfig cfg;
  LayerSpec spec;
  spec.kind = "boundary";
  spec.source = file;
  spec.where = "--boundary " + file;
  cfg.layers.push_back(spec);
  sources_detail::UserLayers L = sources_detail::read_user_layers(cfg, ServiceTable{});
  return std::move(*L.boundary);
}

OsmCut cut_county_extract(const std::string& osm_path, const std::string& boundary, Context& ctx) {
  const CutSpec spec = CutSpec::parse(boundary);
  CutPolygon poly;
  if (spec.relation == 0) {
    if (!fs::exists(spec.file))
      throw IoError(boundary + ": cannot open: no such file (--boundary), and not an OSM relation id");
    poly = read_boundary_polygon(spec.file);
  }
  return cut_osm_extract(osm_path, spec, poly, ctx);
}

}  // namespace cs
