// The spine passes: county, network, snapping, matrices.
#include <cmath>

#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

#include "passes.hpp"

namespace cs::detail {

void pass_load_county(PlanState& st, Context& ctx) {
  st.county = load_county_osm(st.cfg.osm_path, st.cfg.county, ctx);
  st.service_types.clear();
  if (st.cfg.service_types.empty()) {
    for (std::size_t i = 0; i < st.county.services.types.size(); ++i)
      st.service_types.push_back(static_cast<std::uint16_t>(i));
  } else {
    for (const auto& name : st.cfg.service_types) st.service_types.push_back(st.county.services.index(name));
  }
}

void pass_build_network(PlanState& st, Context& ctx) {
  st.car = build_network(st.cfg.osm_path, st.cfg.network, ctx);
}

void pass_snap(PlanState& st, Context& ctx) {
  const SnapIndex index(st.car.graph);
  auto snap = [&](const auto& items) {
    std::vector<LonLat> pts;
    pts.reserve(items.size());
    for (const auto& x : items) pts.push_back(x.pos);
    return index.snap_all(pts, st.cfg.snap, ctx.thread_count());
  };
  st.demand_snaps = snap(st.county.demand);
  st.facility_snaps = snap(st.county.facilities);
  st.settlement_snaps = snap(st.county.settlements);
  std::size_t far = 0;
  for (const auto* v : {&st.demand_snaps, &st.facility_snaps, &st.settlement_snaps})
    for (const auto& s : *v) far += s.far ? 1 : 0;
  if (far)
    ctx.warn(std::to_string(far) + " points lie more than " +
             std::to_string(static_cast<int>(st.cfg.snap.far_threshold_m)) +
             " m from a road (flagged 'far', kept)");
}

void pass_matrices(PlanState& st, Context& ctx) {
  MatrixOptions opt;
  if (st.cfg.matrix_cutoff_s > 0) opt.cutoff_s = st.cfg.matrix_cutoff_s;
  const RoadGraph& g = st.car.graph;
  st.demand_to_facility = travel_time_matrix(g, st.demand_snaps, st.facility_snaps, opt, ctx);
  st.demand_to_settlement = travel_time_matrix(g, st.demand_snaps, st.settlement_snaps, opt, ctx);
  st.settlement_to_settlement = travel_time_matrix(g, st.settlement_snaps, st.settlement_snaps, opt, ctx);
  st.settlement_to_facility = travel_time_matrix(g, st.settlement_snaps, st.facility_snaps, opt, ctx);
  st.facility_to_facility = travel_time_matrix(g, st.facility_snaps, st.facility_snaps, opt, ctx);
}

}  // namespace cs::detail
