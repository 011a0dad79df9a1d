// OSM -> RoadGraph (the only translation unit that includes libosmium: it compiles slowly).
//
// Two passes over the file for any number of profiles: ways first (filter by each profile, collect node
// references), then the nodes those ways use (locations). Ways are split where a referenced node is missing
// from the extract, compressed to junctions (a node used by two or more routable ways, twice by one way, or a
// way's end), and the largest strongly connected component is kept.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <osmium/io/any_input.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/way.hpp>

#include <countyscope/core/error.hpp>
#include <countyscope/sources/osm_network.hpp>
#include <countyscope/sources/osm_pbf_check.hpp>

namespace cs {
namespace {

constexpr std::size_t kClasses = static_cast<std::size_t>(network::RoadClass::kCount);

struct HighwayClass {
  network::RoadClass cls;
  bool link;
};

bool classify(std::string_view h, HighwayClass& out) {
  struct Entry {
    std::string_view tag;
    network::RoadClass cls;
    bool link;
  };
  static constexpr Entry kTable[] = {
      {"motorway", network::RoadClass::kMotorway, false},
      {"motorway_link", network::RoadClass::kMotorway, true},
      {"trunk", network::RoadClass::kTrunk, false},
      {"trunk_link", network::RoadClass::kTrunk, true},
      {"primary", network::RoadClass::kPrimary, false},
      {"primary_link", network::RoadClass::kPrimary, true},
      {"secondary", network::RoadClass::kSecondary, false},
      {"secondary_link", network::RoadClass::kSecondary, true},
      {"tertiary", network::RoadClass::kTertiary, false},
      {"tertiary_link", network::RoadClass::kTertiary, true},
      {"unclassified", network::RoadClass::kUnclassified, false},
      {"residential", network::RoadClass::kResidential, false},
      {"living_street", network::RoadClass::kLivingStreet, false},
      {"service", network::RoadClass::kService, false},
      {"track", network::RoadClass::kTrack, false},
      {"pedestrian", network::RoadClass::kPedestrian, false},
      {"footway", network::RoadClass::kFootway, false},
      {"path", network::RoadClass::kPath, false},
      {"cycleway", network::RoadClass::kPath, false},
      {"bridleway", network::RoadClass::kPath, false},
      {"steps", network::RoadClass::kSteps, false},
      {"road", network::RoadClass::kOther, false},
      {"busway", network::RoadClass::kOther, false},
  };
  for (const auto& e : kTable)
    if (e.tag == h) {
      out = {e.cls, e.link};
      return true;
    }
  return false;
}

std::string_view tag(const osmium::TagList& tags, const char* key) {
  const char* v = tags.get_value_by_key(key);
  return v ? std::string_view(v) : std::string_view();
}

// Country/zone maxspeed codes ("CH:urban", "DE:zone30", "AT:motorway"). Returns < 0 for "no limit / unknown".
double implicit_maxspeed(std::string_view country, std::string_view kind) {
  struct Entry {
    std::string_view country, kind;
    double kmh;
  };
  static constexpr Entry kTable[] = {
      {"AT", "rural", 100},       {"AT", "motorway", 130},    {"AT", "trunk", 100},
      {"CH", "rural", 80},        {"CH", "motorway", 120},    {"CH", "trunk", 100},
      {"DE", "rural", 100},       {"DE", "motorway", -1},     {"DE", "trunk", -1},
      {"FR", "rural", 80},        {"FR", "motorway", 130},    {"IT", "rural", 90},
      {"IT", "motorway", 130},    {"IT", "trunk", 110},       {"LI", "rural", 80},
      {"PT", "rural", 90},        {"PT", "motorway", 120},    {"PT", "trunk", 100},
      {"ES", "rural", 90},        {"ES", "motorway", 120},    {"CN", "rural", 70},
      {"CN", "motorway", 120},    {"CN", "urban", 40},        {"GB", "nsl_single", 96.56},
      {"GB", "nsl_dual", 112.65}, {"GB", "motorway", 112.65}, {"GB", "nsl_restricted", 48.28},
  };
  for (const auto& e : kTable)
    if (e.country == country && e.kind == kind) return e.kmh;
  if (kind == "urban") return 50;
  if (kind == "rural") return 90;
  if (kind == "motorway") return 120;
  if (kind == "trunk") return 100;
  if (kind == "living_street") return 10;
  if (kind == "bicycle_road" || kind == "cyclestreet") return 30;
  if (kind == "walk") return 5;
  // zone30, zone:30, zone 30
  if (kind.starts_with("zone")) {
    std::string_view d = kind.substr(4);
    while (!d.empty() && !std::isdigit(static_cast<unsigned char>(d.front()))) d.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
    if (ec == std::errc() && v > 0) return v;
  }
  return -1;
}

}  // namespace

namespace detail {
WayLanes parse_lanes(std::string_view lanes, std::string_view forward, std::string_view backward,
                     std::uint8_t dirs) {
  auto whole = [](std::string_view v) -> int {
    int x = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    return ec == std::errc() && p == v.data() + v.size() && x >= 1 && x <= 20 ? x : 0;
  };
  const int n = whole(lanes), f = whole(forward), b = whole(backward);
  WayLanes out;
  if (dirs == 1) {
    out.forward = static_cast<float>(f ? f : n);
  } else if (dirs == 2) {
    out.backward = static_cast<float>(b ? b : n);
  } else {
    // Two-way: the tagged direction, else what the total leaves, else half the total.
    out.forward = static_cast<float>(f ? f : (n && b && n > b) ? n - b : 0);
    out.backward = static_cast<float>(b ? b : (n && f && n > f) ? n - f : 0);
    if (!f && !b && n >= 2) out.forward = out.backward = static_cast<float>(n) / 2;
  }
  return out;
}

// Parses an OSM maxspeed value to km/h; returns < 0 when there is no usable limit ("none", "signals",
// garbage).
double parse_maxspeed(std::string_view v) {
  if (auto semi = v.find(';'); semi != std::string_view::npos) v = v.substr(0, semi);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty() || v == "none" || v == "signals" || v == "variable" || v == "unposted") return -1;
  if (v == "walk") return 5;
  if (auto colon = v.find(':');
      colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(v.front())))
    return implicit_maxspeed(v.substr(0, colon), v.substr(colon + 1));
  double x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || !(x > 0)) return -1;
  std::string_view unit(p, static_cast<std::size_t>(v.data() + v.size() - p));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return x;
  if (unit == "mph") return x * 1.609344;
  if (unit == "knots") return x * 1.852;
  return -1;
}
}  // namespace detail

NetworkConfig default_network_config(network::Profile p) {
  NetworkConfig c;
  c.profile = p;
  auto set = [&](network::RoadClass k, float v) { c.speed_kmh[static_cast<std::size_t>(k)] = v; };
  if (p == network::Profile::kCar) {
    set(network::RoadClass::kMotorway, 110);
    set(network::RoadClass::kTrunk, 90);
    set(network::RoadClass::kPrimary, 70);
    set(network::RoadClass::kSecondary, 60);
    set(network::RoadClass::kTertiary, 50);
    set(network::RoadClass::kUnclassified, 40);
    set(network::RoadClass::kResidential, 30);
    set(network::RoadClass::kLivingStreet, 10);
    set(network::RoadClass::kService, 15);
    set(network::RoadClass::kOther, 20);
    // track, pedestrian, footway, path, steps: 0 = not routable by car.
  } else {
    for (std::size_t k = 0; k < kClasses; ++k) c.speed_kmh[k] = 5.0f;
    set(network::RoadClass::kMotorway, 0);
    set(network::RoadClass::kSteps, 2.5f);
  }
  return c;
}

namespace {

struct WayRec {
  std::int64_t id;
  network::RoadClass cls;
  float speed;
  std::uint8_t dirs;
  std::uint32_t first, last;  // range in refs
  WayLanes lanes;
};

bool restricted(std::string_view v) {
  return v == "no" || v == "private" || v == "agricultural" || v == "forestry" || v == "emergency" ||
         v == "psv" || v == "bus" || v == "military" || v == "use_sidepath" || v == "discouraged";
}

// Returns false if the way is not routable for the profile; counts access exclusions.
bool way_profile(const osmium::Way& w, const NetworkConfig& cfg, WayRec& out, NetworkStats& st) {
  const auto& tags = w.tags();
  const std::string_view hw = tag(tags, "highway");
  if (hw.empty()) return false;
  HighwayClass hc{};
  if (!classify(hw, hc)) return false;
  double speed = cfg.speed_kmh[static_cast<std::size_t>(hc.cls)];
  if (!(speed > 0)) return false;
  if (tag(tags, "area") == "yes" && cfg.profile == network::Profile::kCar) return false;
  if (tag(tags, "impassable") == "yes" || tag(tags, "status") == "impassable") {
    ++st.ways_skipped_access;
    return false;
  }
  // Access: the most specific tag present wins.
  std::string_view acc;
  if (cfg.profile == network::Profile::kCar) {
    for (const char* k : {"motorcar", "motor_vehicle", "vehicle", "access"})
      if (acc = tag(tags, k); !acc.empty()) break;
  } else {
    for (const char* k : {"foot", "access"})
      if (acc = tag(tags, k); !acc.empty()) break;
    if (tag(tags, "motorroad") == "yes" && tag(tags, "foot") != "yes" && tag(tags, "foot") != "designated") {
      ++st.ways_skipped_access;
      return false;
    }
  }
  if (restricted(acc)) {
    ++st.ways_skipped_access;
    return false;
  }
  std::uint8_t dirs = 3;
  if (cfg.profile == network::Profile::kCar) {
    const std::string_view ow = tag(tags, "oneway");
    const std::string_view jn = tag(tags, "junction");
    if (ow == "yes" || ow == "true" || ow == "1") {
      dirs = 1;
    } else if (ow == "-1" || ow == "reverse") {
      dirs = 2;
    } else if (ow == "reversible" || ow == "alternating") {
      ++st.ways_skipped_oneway;
      return false;
    } else if (ow.empty() &&
               (jn == "roundabout" || jn == "circular" || hc.cls == network::RoadClass::kMotorway)) {
      dirs = 1;
    }
    if (hc.link) speed *= 0.6;
    if (cfg.use_maxspeed) {
      const std::string_view ms = tag(tags, "maxspeed");
      if (!ms.empty()) {
        const double v = detail::parse_maxspeed(ms);
        if (v > 0) speed = std::min(speed, v);
      }
    }
  }
  if (cfg.profile == network::Profile::kCar)
    out.lanes = detail::parse_lanes(tag(tags, "lanes"), tag(tags, "lanes:forward"),
                                    tag(tags, "lanes:backward"), dirs);
  out.id = w.id();
  out.cls = hc.cls;
  out.speed = static_cast<float>(speed);
  out.dirs = dirs;
  return true;
}

// True when the file holds at least one node, way or relation (read only on the error path).
bool has_osm_objects(const std::string& osm_path) {
  try {
    osmium::io::Reader reader(osmium::io::File(osm_path), osmium::osm_entity_bits::nwr,
                              osmium::io::read_meta::no);
    while (osmium::memory::Buffer buffer = reader.read()) {
      const auto objects = buffer.select<osmium::OSMObject>();
      if (objects.begin() != objects.end()) return true;
    }
    reader.close();
  } catch (const std::exception& e) {
    rethrow_osm_error(osm_path, e);
  }
  return false;
}

// One profile's ways while the file is read: the routable ways and their node references.
struct ProfileWays {
  NetworkConfig cfg;
  NetworkBuild nb;
  std::vector<WayRec> ways;
  std::vector<std::int64_t> refs;
};

// Pass 1: the ways of every profile, from one read of the file.
void read_ways(const std::string& osm_path, std::vector<ProfileWays>& ps, Context& ctx) {
  std::size_t ways_read = 0;
  ctx.report("network: reading ways", 0.0);
  try {
    osmium::io::File file(osm_path);
    osmium::io::Reader reader(file, osmium::osm_entity_bits::way, osmium::io::read_meta::no);
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (const auto& w : buffer.select<osmium::Way>()) {
        ++ways_read;
        for (auto& p : ps) {
          WayRec r{};
          if (!way_profile(w, p.cfg, r, p.nb.stats)) continue;
          if (w.nodes().size() < 2) continue;
          r.first = static_cast<std::uint32_t>(p.refs.size());
          for (const auto& nr : w.nodes()) p.refs.push_back(nr.ref());
          r.last = static_cast<std::uint32_t>(p.refs.size());
          if (r.lanes.forward > 0 || r.lanes.backward > 0) p.nb.lanes[r.id] = r.lanes;
          p.ways.push_back(r);
        }
      }
    }
    reader.close();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_osm_error(osm_path, e);
  }
  // Without a way, name a file without any object the way the county reader does (same words everywhere).
  if (ways_read == 0 && !has_osm_objects(osm_path)) throw_no_osm_objects(osm_path);
  for (auto& p : ps) {
    p.nb.stats.ways_used = p.ways.size();
    if (p.ways.empty())
      throw InputError(osm_path, "", "",
                       "no routable road for the " + std::string(network::profile_name(p.cfg.profile)) +
                           " profile (" + std::to_string(ways_read) + " ways read)");
  }
}

// Pass 2: the locations of the nodes `ids` (sorted, unique), NaN where the extract lacks the node.
std::vector<LonLat> read_locations(const std::string& osm_path, const std::vector<std::int64_t>& ids,
                                   Context& ctx) {
  ctx.report("network: reading nodes", 0.3);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<LonLat> loc(ids.size(), LonLat{kNaN, kNaN});
  try {
    osmium::io::File file(osm_path);
    osmium::io::Reader reader(file, osmium::osm_entity_bits::node, osmium::io::read_meta::no);
    std::size_t hint = 0;
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (const auto& n : buffer.select<osmium::Node>()) {
        const std::int64_t id = n.id();
        std::size_t i;
        if (hint < ids.size() && ids[hint] == id) {
          i = hint;
        } else {
          auto it = (hint < ids.size() && ids[hint] < id)
                        ? std::lower_bound(ids.begin() + hint, ids.end(), id)
                        : std::lower_bound(ids.begin(), ids.end(), id);
          if (it == ids.end() || *it != id) continue;
          i = static_cast<std::size_t>(it - ids.begin());
        }
        hint = i + 1;
        const auto l = n.location();
        if (l.valid()) loc[i] = LonLat{l.lon(), l.lat()};
      }
    }
    reader.close();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_osm_error(osm_path, e);
  }
  return loc;
}

// The full graph of one profile from its ways and the located nodes `ids` / `loc` (shared by all profiles; a
// node id the profile does not use is simply never a junction of it, so node numbering equals a build of
// this profile alone).
network::RoadGraph profile_graph(const std::string& osm_path, ProfileWays& p,
                                 const std::vector<std::int64_t>& ids, const std::vector<LonLat>& loc) {
  // Pieces: runs of consecutive located nodes (consecutive duplicates removed).
  auto index_of = [&](std::int64_t id) {
    return static_cast<std::uint32_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  };
  struct Piece {
    std::uint32_t way, first, last;  // range in piece_nodes
  };
  std::vector<Piece> pieces;
  std::vector<std::uint32_t> piece_nodes;
  piece_nodes.reserve(p.refs.size());
  std::vector<std::uint32_t> use(ids.size(), 0);
  for (std::uint32_t wi = 0; wi < p.ways.size(); ++wi) {
    const WayRec& w = p.ways[wi];
    auto close = [&](std::uint32_t start) {
      const auto end = static_cast<std::uint32_t>(piece_nodes.size());
      if (end - start >= 2) {
        pieces.push_back({wi, start, end});
        for (auto k = start; k < end; ++k) ++use[piece_nodes[k]];
        ++use[piece_nodes[start]];
        ++use[piece_nodes[end - 1]];
      } else {
        piece_nodes.resize(start);
      }
    };
    auto start = static_cast<std::uint32_t>(piece_nodes.size());
    for (auto k = w.first; k < w.last; ++k) {
      const std::uint32_t i = index_of(p.refs[k]);
      if (std::isnan(loc[i].lon)) {
        close(start);
        start = static_cast<std::uint32_t>(piece_nodes.size());
        continue;
      }
      if (piece_nodes.size() > start && piece_nodes.back() == i) continue;
      piece_nodes.push_back(i);
    }
    close(start);
  }
  p.refs.clear();
  p.refs.shrink_to_fit();

  network::GraphBuilder b(p.cfg.profile);
  std::vector<NodeId> node_of(ids.size(), kNoNode);
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (use[i] >= 2) node_of[i] = b.add_node(loc[i], ids[i]);
  std::vector<LonLat> shape;
  for (const Piece& pc : pieces) {
    const WayRec& w = p.ways[pc.way];
    shape.clear();
    shape.push_back(loc[piece_nodes[pc.first]]);
    NodeId from = node_of[piece_nodes[pc.first]];
    double len = 0;
    for (auto k = pc.first + 1; k < pc.last; ++k) {
      const std::uint32_t i = piece_nodes[k];
      len += network::haversine_m(shape.back(), loc[i]);
      shape.push_back(loc[i]);
      if (node_of[i] == kNoNode) continue;
      const Weight t = network::travel_ms(len, w.speed);
      b.add_edge(from, node_of[i], shape, w.cls, w.speed, w.id, w.dirs, t, t, len);
      from = node_of[i];
      shape.clear();
      shape.push_back(loc[i]);
      len = 0;
    }
  }
  if (b.edge_count() == 0)
    throw InputError(osm_path, "", "",
                     "no routable road with located nodes for the " +
                         std::string(network::profile_name(p.cfg.profile)) + " profile");
  return std::move(b).finish();
}

// The largest strongly connected component of the full graph, and the statistics.
void keep_largest_component(ProfileWays& p, network::RoadGraph full, Context& ctx) {
  NetworkStats& st = p.nb.stats;
  st.nodes_before_scc = full.node_count();
  st.arcs_before_scc = full.arc_count();
  st.edges_before_scc = full.edge_count();
  for (std::size_t e = 0; e < full.edge_count(); ++e) st.km_before_scc += full.edge_length_m[e] / 1000.0;

  ctx.report("network: components", 0.8);
  std::size_t ncomp = 0;
  const auto comp = network::strongly_connected_components(full, &ncomp);
  std::vector<std::size_t> size(ncomp, 0);
  for (auto c : comp) ++size[c];
  std::uint32_t best = 0;
  for (std::uint32_t c = 1; c < ncomp; ++c)
    if (size[c] > size[best]) best = c;
  st.components = ncomp;
  st.largest_scc_share = full.node_count() ? static_cast<double>(size[best]) / full.node_count() : 1.0;
  if (p.cfg.keep_largest_scc && ncomp > 1) {
    std::vector<std::uint8_t> keep(full.node_count());
    for (std::size_t v = 0; v < keep.size(); ++v) keep[v] = comp[v] == best;
    p.nb.graph = network::induced_subgraph(full, keep);
  } else {
    p.nb.graph = std::move(full);
  }
  const network::RoadGraph& g = p.nb.graph;
  st.nodes = g.node_count();
  st.arcs = g.arc_count();
  st.edges = g.edge_count();
  for (std::size_t e = 0; e < g.edge_count(); ++e) {
    st.km_by_class[static_cast<std::size_t>(g.edge_class[e])] += g.edge_length_m[e] / 1000.0;
    st.km_total += g.edge_length_m[e] / 1000.0;
  }
  st.km_dropped_scc = std::max(0.0, st.km_before_scc - st.km_total);
  ctx.info("network: " + std::to_string(st.nodes) + " nodes, " + std::to_string(st.arcs) + " arcs, " +
           std::to_string(st.components) + " components, largest holds " +
           std::to_string(st.largest_scc_share * 100.0).substr(0, 5) + " % of nodes");
}

}  // namespace

std::vector<NetworkBuild> build_networks(const std::string& osm_path, std::span<const NetworkConfig> cfgs,
                                         Context& ctx) {
  check_osm_file(osm_path);

  std::vector<ProfileWays> ps(cfgs.size());
  for (std::size_t k = 0; k < cfgs.size(); ++k) {
    // A default-constructed config (all speeds 0) means "the profile's default speeds".
    ps[k].cfg = cfgs[k];
    auto& sp = ps[k].cfg.speed_kmh;
    if (std::all_of(sp.begin(), sp.end(), [](float v) { return v == 0.0f; }))
      sp = default_network_config(ps[k].cfg.profile).speed_kmh;
  }
  read_ways(osm_path, ps, ctx);
  // Node locations for the nodes any profile references.
  std::vector<std::int64_t> ids;
  for (const auto& p : ps) ids.insert(ids.end(), p.refs.begin(), p.refs.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const std::vector<LonLat> loc = read_locations(osm_path, ids, ctx);

  ctx.report("network: compressing", 0.6);
  std::vector<NetworkBuild> out;
  for (auto& p : ps) {
    keep_largest_component(p, profile_graph(osm_path, p, ids, loc), ctx);
    out.push_back(std::move(p.nb));
  }
  ctx.report("network: done", 1.0);
  return out;
}

NetworkBuild build_network(const std::string& osm_path, const NetworkConfig& cfg, Context& ctx) {
  return std::move(build_networks(osm_path, std::span<const NetworkConfig>(&cfg, 1), ctx).front());
}

}  // namespace cs
