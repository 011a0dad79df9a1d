// Source (sources/): the county cut out of a larger OSM extract (`plan --osm BIG.pbf --boundary
// FILE|relation-id`, docs/your-county.md "A county from a province's extract"), with libosmium: no `osmium`
// tool needed.
//
// The cut keeps what `osmium extract --strategy complete_ways` keeps: every node inside the boundary, every
// way with at least one node inside (with all its nodes, so roads leaving the county stay whole up to their
// next junction outside), and every relation with a kept member. Cut by a relation, the relation itself is
// kept whole (all its member ways and their nodes), so the county boundary is that relation.
//
// Example:
//   cs::OsmCut cut = cs::cut_osm_extract("province.osm.pbf", cs::CutSpec::parse("1155955"), {}, ctx);
//   cs::County c = cs::load_county_osm(cut.path(), cfg, ctx);   // cut's file is removed with `cut`
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/types.hpp>

namespace cs {

// What `--boundary` names: an OSM relation id ("1155955", "r1155955", "relation/1155955") or a polygon file
// (any GDAL vector source; read by the caller into `polygon`).
struct CutSpec {
  std::int64_t relation = 0;  // > 0: cut by this relation of the big extract
  std::string file;           // else: a polygon file
  std::string as_written;     // for messages
  // Throws UsageError for an empty value.
  static CutSpec parse(const std::string& value);
};

using CutPolygon = std::vector<std::vector<std::vector<LonLat>>>;  // polygons of rings, outer first

// The cut extract: a PBF in a private temporary folder, removed when the object is destroyed.
class OsmCut {
 public:
  OsmCut() = default;
  OsmCut(const OsmCut&) = delete;
  OsmCut& operator=(const OsmCut&) = delete;
  OsmCut(OsmCut&& o) noexcept;
  OsmCut& operator=(OsmCut&& o) noexcept;
  ~OsmCut();

  [[nodiscard]] const std::string& path() const { return path_; }

  CutPolygon polygon;                              // the boundary cut by (WGS84)
  std::int64_t relation = 0;                       // the relation cut by (0: a file)
  std::string boundary_name;                       // the relation's name tag (a file: its name)
  int admin_level = 0;                             // the relation's admin_level (0: none)
  std::size_t nodes = 0, ways = 0, relations = 0;  // objects kept
  LonLat extract_min, extract_max;                 // the bounding box of the big extract's nodes
  std::string description;  // "province.osm.pbf cut by relation 1155955 (Liechtenstein): 48,112 nodes, ..."

 private:
  friend OsmCut cut_osm_extract(const std::string&, const CutSpec&, const CutPolygon&, Context&);
  void remove() noexcept;
  std::filesystem::path dir_;
  std::string path_;
};

// Cuts `osm_path` (PBF or XML) by the relation of `spec`, or by `polygon` (WGS84) when spec names a file.
// Throws InputError naming the file and the boundary: a relation the extract does not hold, a relation whose
// ways do not close into rings (naming the way and node where a ring stops), and a boundary that nothing in
// the extract lies inside (both bounding boxes given, to spot a wrong CRS or extract). IoError when the
// temporary file cannot be written.
OsmCut cut_osm_extract(const std::string& osm_path, const CutSpec& spec, const CutPolygon& polygon,
                       Context& ctx);

// Closes ways (each a list of node ids with their positions) into rings by shared end nodes, reversing ways
// as needed; ways that close on themselves are rings alone. Throws InputError(where, ...) naming the way and
// node where a ring stays open. Exposed for tests.
struct CutWay {
  std::int64_t id = 0;
  std::vector<std::int64_t> nodes;
  std::vector<LonLat> coords;
  bool inner = false;
};
CutPolygon assemble_rings(const std::vector<CutWay>& ways, const std::string& where);

// Reads a boundary file (any GDAL polygon source, in its own CRS) as WGS84 polygons. InputError naming the
// file for no polygon.
CutPolygon read_boundary_polygon(const std::string& file);

// parse, read_boundary_polygon when a file is named, then cut_osm_extract.
OsmCut cut_county_extract(const std::string& osm_path, const std::string& boundary, Context& ctx);

// Point in a multipolygon (even-odd over all rings, the rule of point_in_multipolygon) in time proportional
// to the edges of one latitude band: the big file's nodes are tested against a county boundary of thousands
// of vertices. Exposed for tests.
class PolygonBands {
 public:
  explicit PolygonBands(const CutPolygon& mp);
  [[nodiscard]] bool contains(LonLat p) const noexcept;

 private:
  struct Edge {
    LonLat a, b;
  };
  [[nodiscard]] std::size_t band(double lat) const noexcept;
  double min_lon_ = 1e300, max_lon_ = -1e300, min_lat_ = 1e300, max_lat_ = -1e300, height_ = 1.0;
  std::size_t bands_ = 0;
  std::vector<std::size_t> first_;
  std::vector<Edge> edges_;
};

}  // namespace cs
