// Building the county model: places, graphs (one OSM read for all profiles), snaps and matrices from the kept
// routing index.
#include <algorithm>
#include <filesystem>
#include <string>

#include <countyscope/model/county_model.hpp>
#include <countyscope/sources/county_osm.hpp>

namespace cs {

const network::ContractionHierarchy& RoutingIndex::get(const network::RoadGraph& g, Context& ctx) {
  std::lock_guard lock(mu_);
  if (!ch_) {
    ch_ = timed(ctx, "build_index." + std::string(network::profile_name(g.profile)), [&] {
      return std::make_unique<network::ContractionHierarchy>(
          network::ContractionHierarchy::build(g, network::CHConfig{}, ctx));
    });
    ++builds_;
  }
  return *ch_;
}

bool RoutingIndex::built() const {
  std::lock_guard lock(mu_);
  return ch_ != nullptr;
}

std::size_t RoutingIndex::builds() const {
  std::lock_guard lock(mu_);
  return builds_;
}

CountyConfig cut_county(CountyModel& m, const std::string& osm_path, const CountyConfig& cfg, Context& ctx) {
  CountyConfig out = cfg;
  m.cut.reset();
  if (cfg.cut_boundary.empty()) return out;
  auto cut = std::make_shared<OsmCut>(
      timed(ctx, "cut", [&] { return cut_county_extract(osm_path, cfg.cut_boundary, ctx); }));
  ctx.info(cut->description);
  if (cut->relation > 0) {
    out.boundary_relation = cut->relation;
  } else if (std::none_of(cfg.layers.begin(), cfg.layers.end(),
                          [](const LayerSpec& l) { return l.kind == "boundary"; })) {
    LayerSpec b;
    b.kind = "boundary";
    b.source = cfg.cut_boundary;
    b.where = "--boundary " + cfg.cut_boundary;
    out.layers.push_back(std::move(b));
  }
  m.cut = std::move(cut);
  return out;
}

const std::string& osm_read_path(const CountyModel& m, const std::string& osm_path) {
  return m.cut ? m.cut->path() : osm_path;
}

void build_places(CountyModel& m, const std::string& osm_path, const CountyConfig& cfg,
                  const std::vector<std::string>& service_types, Context& ctx) {
  County c = load_county_osm(osm_read_path(m, osm_path), cfg, ctx);
  if (m.cut) {
    c.source = std::filesystem::path(osm_path).filename().string();
    c.cut = m.cut->description;
    c.cut_extent = {m.cut->extract_min, m.cut->extract_max};
  }
  use_county(m, osm_path, std::move(c), service_types);
}

void use_county(CountyModel& m, const std::string& osm_path, County county,
                const std::vector<std::string>& service_types) {
  m.source = osm_path;
  m.county = std::move(county);
  m.service_types.clear();
  if (service_types.empty()) {
    for (std::size_t i = 0; i < m.county.services.types.size(); ++i)
      m.service_types.push_back(static_cast<std::uint16_t>(i));
  } else {
    for (const auto& name : service_types) m.service_types.push_back(m.county.services.index(name));
  }
}

void build_networks(CountyModel& m, const std::string& osm_path, const NetworkConfig& car_cfg, bool walk,
                    Context& ctx) {
  std::vector<NetworkConfig> cfgs{car_cfg};
  if (walk) cfgs.push_back(default_network_config(network::Profile::kWalk));
  std::vector<NetworkBuild> nets = build_networks(osm_read_path(m, osm_path), cfgs, ctx);
  m.car = std::move(nets[0]);
  m.car_index = std::make_shared<RoutingIndex>();
  m.walk.reset();
  if (walk) {
    auto w = std::make_shared<ProfileNetwork>();
    w->net = std::move(nets[1]);
    m.walk = std::move(w);
  }
}

namespace {
template <class Items>
std::vector<network::Snap> snap_items(const network::SnapIndex& index, const Items& items,
                                      const network::SnapOptions& opt, int threads) {
  std::vector<LonLat> pts;
  pts.reserve(items.size());
  for (const auto& x : items) pts.push_back(x.pos);
  return index.snap_all(pts, opt, threads);
}
}  // namespace

void snap_places(CountyModel& m, const network::SnapOptions& opt, Context& ctx) {
  const int threads = ctx.thread_count();
  {
    const network::SnapIndex index(m.car.graph);
    m.demand_snaps = snap_items(index, m.county.demand, opt, threads);
    m.facility_snaps = snap_items(index, m.county.facilities, opt, threads);
    m.settlement_snaps = snap_items(index, m.county.settlements, opt, threads);
  }
  std::size_t far = 0;
  for (const auto* v : {&m.demand_snaps, &m.facility_snaps, &m.settlement_snaps})
    for (const auto& s : *v) far += s.far ? 1 : 0;
  if (far)
    ctx.warn(std::to_string(far) + " points lie more than " +
             std::to_string(static_cast<int>(opt.far_threshold_m)) + " m from a road (flagged 'far', kept)");
  if (m.walk) {  // walk snaps are not warned about: the walk circles report their own far points
    auto w = std::make_shared<ProfileNetwork>(*m.walk);
    const network::SnapIndex index(w->net.graph);
    w->settlements = snap_items(index, m.county.settlements, opt, threads);
    w->demand = snap_items(index, m.county.demand, opt, threads);
    w->facilities = snap_items(index, m.county.facilities, opt, threads);
    m.walk = std::move(w);
  }
}

TimeMatrix model_matrix(const CountyModel& m, std::span<const network::Snap> from,
                        std::span<const network::Snap> to, const network::MatrixOptions& opt, Context& ctx) {
  const network::RoadGraph& g = m.car.graph;
  const bool use_index =
      opt.algorithm == network::MatrixAlgorithm::kCH ||
      (opt.algorithm == network::MatrixAlgorithm::kAuto && g.node_count() >= network::kAutoCHMinNodes &&
       std::min(from.size(), to.size()) >= network::kAutoCHMinSearches);
  if (!use_index) {
    network::MatrixOptions o = opt;
    o.algorithm = network::MatrixAlgorithm::kDijkstra;
    return network::travel_time_matrix(g, from, to, o, ctx);
  }
  // Both answer in exact integer milliseconds, so the choice never changes a number (docs/network.md).
  return network::travel_time_matrix(g, m.car_index->get(g, ctx), from, to, opt, ctx);
}

void compute_matrices(CountyModel& m, const network::MatrixOptions& opt, Context& ctx) {
  m.demand_to_facility = model_matrix(m, m.demand_snaps, m.facility_snaps, opt, ctx);
  m.demand_to_settlement = model_matrix(m, m.demand_snaps, m.settlement_snaps, opt, ctx);
  m.settlement_to_settlement = model_matrix(m, m.settlement_snaps, m.settlement_snaps, opt, ctx);
  m.settlement_to_facility = model_matrix(m, m.settlement_snaps, m.facility_snaps, opt, ctx);
  m.facility_to_facility = model_matrix(m, m.facility_snaps, m.facility_snaps, opt, ctx);
}

}  // namespace cs
