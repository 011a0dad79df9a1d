// load_county_osm: the county model from an OSM file with libosmium (the one translation unit that includes
// it).
//
// Two passes over the file: (1) relations, so the multipolygon manager knows which ways build which areas and
// we know each admin boundary's admin_centre; (2) everything, with node locations, producing settlements
// (place nodes), facility candidates (nodes and areas through the service table), building footprints,
// landuse areas and admin boundaries. Classification that needs the whole picture (dwellings, the county
// boundary, the seat, duplicate facilities) happens after reading.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <osmium/area/assembler.hpp>
#include <osmium/area/multipolygon_manager.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/tags/tags_filter.hpp>
#include <osmium/visitor.hpp>

#include <countyscope/core/error.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/county/geometry.hpp>
#include <countyscope/county/service_rules.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_pbf_check.hpp>

#include "county_seat.hpp"
#include "user_layers.hpp"

namespace cs {
namespace {

using detail::MultiPolygon;
using sources_detail::parse_level;
namespace fs = std::filesystem;

// Building values that are dwellings whatever their surroundings (docs/county.md, "demand rule").
const std::set<std::string, std::less<>> kResidentialBuildings = {
    "house", "residential",        "apartments", "detached", "terrace",
    "farm",  "semidetached_house", "dormitory",  "bungalow"};
// A building=yes with any of these keys has another use and is not a dwelling.
const std::vector<const char*> kOtherUseKeys = {
    "amenity",  "shop",     "office",           "craft",     "industrial", "tourism",   "leisure",
    "man_made", "historic", "public_transport", "railway",   "aeroway",    "power",     "healthcare",
    "religion", "sport",    "military",         "emergency", "club",       "government"};
// Landuse values where an untagged building=yes is not a dwelling.
const std::set<std::string, std::less<>> kNonResidentialLanduse = {"industrial",
                                                                   "commercial",
                                                                   "retail",
                                                                   "military",
                                                                   "railway",
                                                                   "cemetery",
                                                                   "religious",
                                                                   "education",
                                                                   "construction",
                                                                   "quarry",
                                                                   "landfill",
                                                                   "garages",
                                                                   "depot",
                                                                   "port",
                                                                   "brownfield",
                                                                   "farmyard",
                                                                   "greenhouse_horticulture",
                                                                   "allotments",
                                                                   "institutional",
                                                                   "civic_admin",
                                                                   "aquaculture"};

enum class BuildingKind : std::uint8_t { kResidential, kPlainYes, kOther };

struct BuildingCand {
  LonLat pos;
  double footprint = 0;
  double levels = 0;  // 0 = untagged
  std::int64_t id = 0;
  char type = 'w';
  BuildingKind kind = BuildingKind::kOther;
};

struct AdminArea {
  std::int64_t id = 0;
  char type = 'r';
  int level = 0;
  std::string name, name_zh, name_en, code;
  double population = kUnknown;
  MultiPolygon mp;
  std::int64_t admin_centre = 0;  // node id
  std::size_t settlements_inside = 0;
  double area_m2 = 0;
};

struct FacilityCand {
  Facility f;
  double area_m2 = 0;           // 0 for nodes
  std::size_t poly = SIZE_MAX;  // index into facility polygons for areas
};

// Leading number of a tag value ("5229", "5,229", "1 234", "2.5", "3;4" -> 3); NaN when none.
double parse_number_tag(const char* v) {
  if (!v) return kUnknown;
  std::string digits;
  bool dot = false;
  for (const char* p = v; *p; ++p) {
    const char ch = *p;
    if (std::isdigit(static_cast<unsigned char>(ch)))
      digits.push_back(ch);
    else if ((ch == ',' || ch == ' ' || ch == '\'') && !digits.empty() && !dot &&
             std::isdigit(static_cast<unsigned char>(p[1])))
      continue;
    else if (ch == '.' && !dot && !digits.empty()) {
      dot = true;
      digits.push_back('.');
    } else
      break;
  }
  if (digits.empty() || digits == ".") return kUnknown;
  return std::strtod(digits.c_str(), nullptr);
}

MultiPolygon to_multipolygon(const osmium::Area& area) {
  MultiPolygon mp;
  for (const auto& outer : area.outer_rings()) {
    detail::Polygon poly;
    detail::Ring r;
    for (const auto& nr : outer) r.push_back({nr.location().lon(), nr.location().lat()});
    poly.push_back(std::move(r));
    for (const auto& inner : area.inner_rings(outer)) {
      detail::Ring h;
      for (const auto& nr : inner) h.push_back({nr.location().lon(), nr.location().lat()});
      poly.push_back(std::move(h));
    }
    mp.push_back(std::move(poly));
  }
  return mp;
}

struct RelationPass : osmium::handler::Handler {
  std::unordered_map<std::int64_t, std::int64_t> admin_centre;  // relation id -> node id
  std::unordered_set<std::int64_t> centre_nodes;
  void relation(const osmium::Relation& r) {
    const char* b = r.tags()["boundary"];
    if (!b || std::strcmp(b, "administrative") != 0) return;
    for (const auto& m : r.members()) {
      if (m.type() == osmium::item_type::node && std::strcmp(m.role(), "admin_centre") == 0) {
        admin_centre[r.id()] = m.ref();
        centre_nodes.insert(m.ref());
        break;
      }
    }
  }
};

struct MainPass : osmium::handler::Handler {
  const detail::CompiledServices& services;
  const ServiceTable& table;
  const std::unordered_set<std::int64_t>& centre_nodes;

  std::vector<Settlement> settlements;
  std::vector<std::string> settlement_capital;
  std::vector<FacilityCand> facilities;
  std::vector<MultiPolygon> facility_polys;
  std::vector<BuildingCand> buildings;
  std::vector<MultiPolygon> landuse_res, landuse_other;
  std::vector<County::LandUse> landuse;  // every landuse area (class, area, centroid)
  std::vector<AdminArea> admin;
  std::unordered_map<std::int64_t, LonLat> centre_locations;
  std::size_t objects = 0;
  std::vector<std::uint16_t> match_scratch;

  MainPass(const detail::CompiledServices& s, const ServiceTable& t,
           const std::unordered_set<std::int64_t>& c)
      : services(s), table(t), centre_nodes(c) {}

  void add_facilities(const osmium::TagList& tags, LonLat pos, std::int64_t id, char type,
                      const MultiPolygon* mp, double area) {
    services.match([&](std::string_view k) { return tags[k.data()]; },
                   match_scratch);  // keys are std::strings
    if (match_scratch.empty()) return;
    std::size_t poly = SIZE_MAX;
    if (mp) {
      poly = facility_polys.size();
      facility_polys.push_back(*mp);
    }
    for (std::uint16_t s : match_scratch) {
      FacilityCand c;
      c.f.pos = pos;
      c.f.service = s;
      const char* name = tags["name"];
      if (!name) name = tags["name:zh"];
      c.f.name = name ? name : "";
      const auto& cap = table.types[s].capacity_tag;
      if (!cap.empty()) c.f.capacity = parse_number_tag(tags[cap.c_str()]);
      c.f.osm_id = id;
      c.f.osm_type = type;
      c.area_m2 = area;
      c.poly = poly;
      facilities.push_back(std::move(c));
    }
  }

  void node(const osmium::Node& n) {
    ++objects;
    if (centre_nodes.count(n.id()) && n.location().valid())
      centre_locations[n.id()] = {n.location().lon(), n.location().lat()};
    const auto& tags = n.tags();
    if (tags.empty() || !n.location().valid()) return;
    const LonLat pos{n.location().lon(), n.location().lat()};
    if (const char* place = tags["place"]) {
      const std::string_view p = place;
      const bool town = p == "city" || p == "town";
      const bool village = p == "village" || p == "hamlet" || p == "isolated_dwelling";
      if (town || village) {
        Settlement s;
        const char* name = tags["name"];
        s.name = name ? name : "";
        if (const char* zh = tags["name:zh"]) s.name_zh = zh;
        if (const char* en = tags["name:en"]) s.name_en = en;
        if (s.name.empty()) s.name = s.name_zh;
        s.pos = pos;
        s.tier = town ? Tier::kTown : Tier::kVillage;
        s.place = std::string(p);
        s.population = parse_number_tag(tags["population"]);
        s.osm_id = n.id();
        s.osm_type = 'n';
        settlements.push_back(std::move(s));
        const char* cap = tags["capital"];
        settlement_capital.emplace_back(cap ? cap : "");
      }
    }
    add_facilities(tags, pos, n.id(), 'n', nullptr, 0.0);
  }

  void way(const osmium::Way&) { ++objects; }
  void relation(const osmium::Relation&) { ++objects; }

  void area(const osmium::Area& a) {
    const auto& tags = a.tags();
    const char type = a.from_way() ? 'w' : 'r';
    const std::int64_t id = a.orig_id();
    MultiPolygon mp = to_multipolygon(a);
    if (mp.empty()) return;
    const char* boundary = tags["boundary"];
    if (boundary && std::strcmp(boundary, "administrative") == 0) {
      // Closed ways count only when named: unnamed ones are pieces of boundary relations (exclave rings).
      const int level = parse_level(tags["admin_level"]);
      if (level > 0 && (type == 'r' || tags["name"] || tags["name:zh"])) {
        AdminArea ad;
        ad.id = id;
        ad.type = type;
        ad.level = level;
        if (const char* v = tags["name"]) ad.name = v;
        if (const char* v = tags["name:zh"]) ad.name_zh = v;
        if (const char* v = tags["name:en"]) ad.name_en = v;
        if (ad.name.empty()) ad.name = ad.name_zh;
        for (const char* k : {"ref", "ISO3166-2", "ISO3166-1"})
          if (const char* v = tags[k]; v && ad.code.empty()) ad.code = v;
        ad.population = parse_number_tag(tags["population"]);
        ad.area_m2 = detail::multipolygon_area_m2(mp);
        ad.mp = std::move(mp);
        admin.push_back(std::move(ad));
        return;
      }
    }
    if (const char* lu = tags["landuse"]) {
      if (std::strcmp(lu, "residential") == 0)
        landuse_res.push_back(mp);
      else if (kNonResidentialLanduse.count(std::string_view(lu)))
        landuse_other.push_back(mp);
    }
    const LonLat c = detail::multipolygon_centroid(mp);
    const double area = detail::multipolygon_area_m2(mp);
    if (const char* lu = tags["landuse"]; lu && *lu) landuse.push_back({lu, area, c});
    if (const char* b = tags["building"]; b && std::strcmp(b, "no") != 0) {
      BuildingCand bc;
      bc.pos = c;
      bc.footprint = area;
      bc.id = id;
      bc.type = type;
      const double lv = parse_number_tag(tags["building:levels"]);
      bc.levels = (std::isfinite(lv) && lv >= 1 && lv <= 200) ? lv : 0.0;
      if (kResidentialBuildings.count(std::string_view(b))) {
        bc.kind = BuildingKind::kResidential;
      } else if (std::strcmp(b, "yes") == 0) {
        bool other = false;
        for (const char* k : kOtherUseKeys) other = other || tags.has_key(k);
        bc.kind = other ? BuildingKind::kOther : BuildingKind::kPlainYes;
      }
      buildings.push_back(bc);
    }
    add_facilities(tags, c, id, type, &mp, area);
  }
};

void read_osm(const std::string& path, RelationPass& rel, MainPass& main_pass,
              const detail::CompiledServices& services) {
  const osmium::io::File file{path};
  osmium::area::Assembler::config_type acfg;
  acfg.create_empty_areas = false;
  osmium::TagsFilter filter{false};
  for (const char* k : {"building", "landuse", "boundary"}) filter.add_rule(true, osmium::TagMatcher{k});
  for (const auto& k : services.keys()) filter.add_rule(true, osmium::TagMatcher{k});
  osmium::area::MultipolygonManager<osmium::area::Assembler> mp_manager{acfg, filter};
  {
    osmium::io::Reader reader{file, osmium::osm_entity_bits::relation, osmium::io::read_meta::no};
    osmium::apply(reader, mp_manager, rel);
    reader.close();
    mp_manager.prepare_for_lookup();
  }
  using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
  Index index;
  osmium::handler::NodeLocationsForWays<Index> locations{index};
  locations.ignore_errors();  // extracts cut ways at the border
  osmium::io::Reader reader{file, osmium::io::read_meta::no};
  osmium::apply(reader, locations, main_pass,
                mp_manager.handler(
                    [&main_pass](osmium::memory::Buffer&& buffer) { osmium::apply(buffer, main_pass); }));
  reader.close();
}

// The county boundary: the configured admin_level, or detected as the complete boundary below the unit
// level that contains the most settlements (ties: the smaller, i.e. the higher admin_level, then the
// smaller area).
const AdminArea* choose_boundary(MainPass& mp, const CountyConfig& cfg, Context& ctx) {
  for (auto& a : mp.admin)
    for (const auto& s : mp.settlements) a.settlements_inside += point_in_multipolygon(s.pos, a.mp) ? 1 : 0;
  const AdminArea* boundary = nullptr;
  if (cfg.boundary_relation > 0) {  // the extract was cut by this relation (sources/osm_cut.hpp)
    for (const auto& a : mp.admin)
      if (a.type == 'r' && a.id == cfg.boundary_relation) return &a;
    throw InputError(
        "--boundary", "relation " + std::to_string(cfg.boundary_relation), "boundary",
        "not an administrative boundary with an admin_level (boundary=administrative) that closes "
        "into rings: give the county's boundary as a file instead");
  }
  if (!cfg.county_name.empty()) {
    std::vector<std::string> names;
    for (const auto& a : mp.admin) {
      if (a.level >= cfg.unit_admin_level || a.settlements_inside == 0 || a.name.empty()) continue;
      names.push_back(a.name + " (admin_level " + std::to_string(a.level) + ")");
      if (a.name == cfg.county_name && (!boundary || a.settlements_inside > boundary->settlements_inside))
        boundary = &a;
    }
    if (!boundary)
      for (const auto& a : mp.admin)
        if (a.level < cfg.unit_admin_level && a.settlements_inside > 0 &&
            sources_detail::lower_ascii(a.name) == sources_detail::lower_ascii(cfg.county_name))
          boundary = &a;
    if (!boundary) {
      std::sort(names.begin(), names.end());
      std::string list;
      for (std::size_t i = 0; i < names.size() && i < 20; ++i) list += (i ? ", " : "") + names[i];
      throw UsageError("boundary_name '" + cfg.county_name +
                       "': no complete boundary of that name around the extract's "
                       "settlements; boundaries: " +
                       (list.empty() ? std::string("none") : list));
    }
    return boundary;
  }
  if (cfg.county_admin_level >= 0) {
    for (const auto& a : mp.admin) {
      const bool level_ok =
          cfg.county_admin_level > 0 ? a.level == cfg.county_admin_level : a.level < cfg.unit_admin_level;
      if (!level_ok || a.settlements_inside == 0) continue;
      if (!boundary || a.settlements_inside > boundary->settlements_inside ||
          (a.settlements_inside == boundary->settlements_inside &&
           (a.level > boundary->level || (a.level == boundary->level && a.area_m2 < boundary->area_m2))))
        boundary = &a;
    }
    if (!boundary && cfg.county_admin_level > 0)
      ctx.warn("no complete boundary with admin_level=" + std::to_string(cfg.county_admin_level) +
               " around any settlement; using the whole extract");
  }
  return boundary;
}

// Whether a point belongs to the county: inside its boundary when one was found and clipping is on.
struct Clip {
  const AdminArea* boundary = nullptr;
  bool clip = true;
  bool operator()(LonLat p) const { return !boundary || !clip || point_in_multipolygon(p, boundary->mp); }
};

// Settlements inside the county; `capital` gets each kept settlement's capital tag.
void take_settlements(County& c, MainPass& mp, const Clip& inside, const std::string& osm_path,
                      std::vector<std::string>& capital) {
  for (std::size_t i = 0; i < mp.settlements.size(); ++i) {
    if (!inside(mp.settlements[i].pos)) {
      ++c.dropped_outside;
      continue;
    }
    c.settlements.push_back(std::move(mp.settlements[i]));
    capital.push_back(mp.settlement_capital[i]);
  }
  if (c.settlements.empty())
    throw InputError(osm_path, "", "place", "no settlements inside the county boundary '" + c.name + "'");
}

// Units: boundaries at the unit level whose centroid lies in the county, ordered by name then id.
void take_units(County& c, const MainPass& mp, const CountyConfig& cfg, const AdminArea* boundary) {
  for (const auto& a : mp.admin) {
    if (a.level != cfg.unit_admin_level) continue;
    if (boundary && !point_in_multipolygon(detail::multipolygon_centroid(a.mp), boundary->mp)) continue;
    AdminUnit u;
    u.name = a.name.empty() ? "unit " + std::to_string(a.id) : a.name;
    u.code = a.code;
    u.admin_level = a.level;
    u.population = a.population;
    u.polygons = a.mp;
    u.osm_id = a.id;
    c.units.push_back(std::move(u));
  }
  std::sort(c.units.begin(), c.units.end(), [](const AdminUnit& a, const AdminUnit& b) {
    return std::tie(a.name, a.osm_id) < std::tie(b.name, b.osm_id);
  });
}

// Facilities: inside the county; one per (object, service); a node or smaller area lying inside a larger
// area of the same service is the same facility mapped twice (keep the larger, borrow a missing
// name/capacity).
void take_facilities(County& c, MainPass& mp, const Clip& inside) {
  std::vector<FacilityCand> fc;
  for (auto& f : mp.facilities) {
    if (!inside(f.f.pos)) {
      ++c.dropped_outside;
      continue;
    }
    fc.push_back(std::move(f));
  }
  std::vector<std::size_t> order(fc.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return fc[a].area_m2 > fc[b].area_m2; });
  std::vector<char> dropped(fc.size(), 0);
  for (std::size_t oi = 0; oi < order.size(); ++oi) {
    const FacilityCand& big = fc[order[oi]];
    if (dropped[order[oi]] || big.poly == SIZE_MAX) continue;
    for (std::size_t oj = oi + 1; oj < order.size(); ++oj) {
      FacilityCand& small = fc[order[oj]];
      if (dropped[order[oj]] || small.f.service != big.f.service) continue;
      if (!point_in_multipolygon(small.f.pos, mp.facility_polys[big.poly])) continue;
      dropped[order[oj]] = 1;
      FacilityCand& keep = fc[order[oi]];
      if (keep.f.name.empty()) keep.f.name = small.f.name;
      if (!std::isfinite(keep.f.capacity)) keep.f.capacity = small.f.capacity;
    }
  }
  for (std::size_t i = 0; i < fc.size(); ++i)
    if (!dropped[i]) c.facilities.push_back(std::move(fc[i].f));
  std::sort(c.facilities.begin(), c.facilities.end(), [](const Facility& a, const Facility& b) {
    return std::tie(a.service, a.osm_type, a.osm_id) < std::tie(b.service, b.osm_type, b.osm_id);
  });
}

// Dwellings (docs/county.md, "demand rule").
void take_dwellings(County& c, const MainPass& mp, const CountyConfig& cfg, const Clip& inside) {
  std::vector<const MultiPolygon*> res_ptrs, other_ptrs;
  for (const auto& m : mp.landuse_res) res_ptrs.push_back(&m);
  for (const auto& m : mp.landuse_other) other_ptrs.push_back(&m);
  const detail::PolygonGrid res_grid(res_ptrs), other_grid(other_ptrs);
  c.buildings_total = mp.buildings.size();
  for (const auto& b : mp.buildings) {
    if (!inside(b.pos)) {
      ++c.dropped_outside;
      continue;
    }
    bool dwelling = false;
    if (b.kind == BuildingKind::kResidential) {
      dwelling = b.footprint > 0;
    } else if (b.kind == BuildingKind::kPlainYes && b.footprint >= cfg.min_footprint_m2) {
      dwelling = res_grid.any_containing(b.pos) || !other_grid.any_containing(b.pos);
    }
    if (!dwelling) continue;
    DemandPoint d;
    d.pos = b.pos;
    d.footprint_m2 = b.footprint;
    d.levels = b.levels > 0 ? b.levels : cfg.default_levels;
    d.floor_area_m2 = b.footprint * d.levels;
    d.osm_id = b.id;
    d.osm_type = b.type;
    c.demand.push_back(d);
  }
  std::sort(c.demand.begin(), c.demand.end(), [](const DemandPoint& a, const DemandPoint& b) {
    return std::tie(a.osm_type, a.osm_id) < std::tie(b.osm_type, b.osm_id);
  });
  c.buildings_residential = c.demand.size();
}

}  // namespace

County load_county_osm(const std::string& osm_path, const CountyConfig& cfg, Context& ctx) {
  throw_if_problems(validate(cfg), "county");
  check_osm_file(osm_path);

  County c;
  c.source = fs::path(osm_path).filename().string();
  c.services = cfg.service_table.empty() ? default_service_table() : load_service_table(cfg.service_table);
  const detail::CompiledServices services(c.services);

  // The planner's own layers first: a bad layer fails before the OSM file is read.
  sources_detail::UserLayers user = sources_detail::read_user_layers(cfg, c.services);

  RelationPass rel;
  MainPass mp(services, c.services, rel.centre_nodes);
  ctx.report("read county", 0.0);
  try {
    read_osm(osm_path, rel, mp, services);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_osm_error(osm_path, e);
  }
  ctx.report("read county", 1.0);
  if (mp.objects == 0) throw_no_osm_objects(osm_path);
  if (mp.settlements.empty() && !user.settlements)
    throw InputError(
        osm_path, "", "place",
        "no settlements (nodes with place=city|town|village|hamlet|isolated_dwelling); a county needs at "
        "least its seat");

  const AdminArea* boundary = user.boundary ? nullptr : choose_boundary(mp, cfg, ctx);
  AdminArea user_boundary;
  if (user.boundary) {
    user_boundary.name = user.boundary_name;
    user_boundary.mp = *user.boundary;
    user_boundary.level = cfg.county_admin_level > 0 ? cfg.county_admin_level : 0;
    boundary = &user_boundary;
  }
  const Clip inside{boundary, cfg.clip_to_county};
  if (boundary && !user.boundary) {
    for (const auto& a : mp.admin)
      if (&a != boundary && a.level == boundary->level && a.settlements_inside > 0 && !a.name.empty())
        c.boundary_siblings.push_back(a.name);
    std::sort(c.boundary_siblings.begin(), c.boundary_siblings.end());
  }
  if (boundary) {
    c.name = boundary->name;
    c.name_zh = boundary->name_zh;
    c.name_en = boundary->name_en;
    c.boundary = boundary->mp;
    c.boundary_osm_id = boundary->id;
    c.boundary_admin_level = boundary->level;
  }
  if (c.name.empty()) c.name = fs::path(osm_path).stem().stem().string();
  std::vector<std::string> capital;
  if (user.settlements) {
    c.settlements = std::move(*user.settlements);
    capital.assign(c.settlements.size(), "");
  } else {
    take_settlements(c, mp, inside, osm_path, capital);
  }
  if (user.units) {
    c.units = std::move(*user.units);
    for (auto& u : c.units) u.admin_level = cfg.unit_admin_level;
  } else {
    take_units(c, mp, cfg, user.boundary ? nullptr : boundary);
    if (user.boundary)  // OSM units of the user's county: those whose centroid lies inside its boundary
      std::erase_if(c.units, [&](const AdminUnit& u) {
        return !point_in_multipolygon(detail::multipolygon_centroid(u.polygons), c.boundary);
      });
  }
  if (user.settlements || user.facilities || user.demand) {
    if (user.settlements) user.settlements = std::move(c.settlements);
    sources_detail::check_user_points_inside(user, c);
    if (user.settlements) c.settlements = std::move(*user.settlements);
  }
  sources_detail::SeatClues clues;
  clues.capital = std::move(capital);
  if (boundary) {
    clues.boundary_name = boundary->name;
    clues.boundary_level = boundary->level;
    if (auto it = rel.admin_centre.find(boundary->id); it != rel.admin_centre.end()) {
      clues.centre_node = it->second;
      if (auto loc = mp.centre_locations.find(it->second); loc != mp.centre_locations.end())
        clues.centre_pos = loc->second;
    }
  }
  if (user.settlement_tiers) {
    for (std::size_t i = 0; i < c.settlements.size(); ++i)
      if (c.settlements[i].tier == Tier::kSeat) c.seat = static_cast<int>(i);
    if (c.seat < 0)
      throw InputError(user.settlements_file, "", "tier", "the seat's row lies outside the county boundary");
    c.seat_rule = "the tier column of " + user.settlements_file;
  } else {
    sources_detail::choose_seat(c, cfg, clues, osm_path);
  }
  if (user.facilities)
    c.facilities = std::move(*user.facilities);
  else
    take_facilities(c, mp, inside);
  if (user.demand) {
    c.demand = std::move(*user.demand);
    c.demand_has_population = true;
    c.buildings_total = mp.buildings.size();
  } else {
    take_dwellings(c, mp, cfg, inside);
  }
  c.user_layers = user.summary;
  c.landuse = std::move(mp.landuse);
  sources_detail::join_census(c, user);
  allocate_population(c, cfg, ctx);
  sources_detail::check_settlement_names(c, user);
  ctx.info("county " + c.name + ": " + std::to_string(c.settlements.size()) + " settlements, " +
           std::to_string(c.units.size()) + " units, " + std::to_string(c.facilities.size()) +
           " facilities, " + std::to_string(c.demand.size()) + " demand points; seat " +
           c.settlements[static_cast<std::size_t>(c.seat)].name + " (" + c.seat_rule + "); demand from " +
           c.demand_source);
  return c;
}

}  // namespace cs
