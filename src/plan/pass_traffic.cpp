// The traffic pass ([traffic] run = true; docs/assign.md, "A county's roads"): the flows model's daily and
// weekly flows between settlements turned into a peak-hour car OD table, assigned to the car graph
// (assign/county.hpp); link volumes, V/C and congested times as the layer traffic_links, the convergence, and
// the share of vehicle-kilometres on links above the critical V/C (the road part of the county's carrying
// capacity).
#include <algorithm>
#include <cmath>
#include <string>

#include <countyscope/assign/county.hpp>
#include <countyscope/flows/study.hpp>

#include "passes.hpp"

namespace cs::detail {

namespace {

double round3(double x) { return std::isfinite(x) ? std::round(x * 1000) / 1000 : x; }

// Peak-hour car trips between settlements (vehicles per hour), from the flows model's factors.
struct PeakOd {
  std::vector<double> veh;       // settlements x settlements
  double labour = 0, other = 0;  // vehicles per hour from each part
};
PeakOd peak_od(const CountyModel& m, const flows::FlowsConfig& fc, const assign::CountyTrafficOptions& o) {
  const std::size_t n = m.county.settlements.size();
  const flows::FlowsRun r = flows::compute_flows(m.county, m.settlement_to_settlement, fc);
  PeakOd p;
  p.veh.assign(n * n, 0.0);
  const double per_car = o.car_share / o.occupancy;
  for (std::size_t f = 0; f < r.factors.size() && f < r.flows.size(); ++f) {
    const std::string& name = r.factors[f].name;
    double k = 0;  // persons per hour in the peak per unit of the factor's flow
    if (name == "labour") k = o.peak_share_labour;                                // commuters/day
    if (name == "consumption" || name == "services") k = o.peak_share_other / 7;  // trips/week
    if (k == 0 || r.flows[f].rows() != n) continue;
    double& part = name == "labour" ? p.labour : p.other;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        if (i == j || !std::isfinite(m.settlement_to_settlement(i, j))) continue;  // no path: no trip
        const double v = r.flows[f](i, j) * k * per_car;
        if (!(v > 0)) continue;
        p.veh[i * n + j] += v;
        part += v;
      }
  }
  return p;
}

}  // namespace

void pass_traffic(PlanState& st, Context& ctx) {
  const assign::CountyTrafficOptions& o = st.cfg.traffic;
  if (!o.run) return;
  const network::RoadGraph& g = st.car.graph;
  const PeakOd od = timed(ctx, "traffic/od", [&] { return peak_od(st, st.cfg.flows, o); });
  const assign::CountyTraffic t = timed(
      ctx, "traffic/assign", [&] { return assign::assign_county(g, st.settlement_snaps, od.veh, o, ctx); });
  const assign::AssignResult& r = t.result;

  Outputs out;
  Table links("traffic_links", GeomType::kLineString,
              {{"way", FieldType::kInteger},
               {"road_class", FieldType::kString},
               {"direction", FieldType::kString},
               {"flow_veh_h", FieldType::kReal, "vehicles/h"},
               {"capacity_veh_h", FieldType::kReal, "vehicles/h"},
               {"voc", FieldType::kReal, "share"},
               {"free_flow_min", FieldType::kReal, "min"},
               {"congested_min", FieldType::kReal, "min"},
               {"length_m", FieldType::kReal, "m"}});
  links.csv_file = "traffic_links.csv";
  links.json_decimals = 6;
  double vkm = 0, vkm_critical = 0, max_voc = 0;
  std::size_t loaded = 0, critical = 0;
  for (std::size_t l = 0; l < t.net.links.size(); ++l) {
    const std::int32_t a = t.link_arc[l];
    if (a < 0 || !(r.flow[l] > 1e-9)) continue;  // connectors and unloaded arcs are not written
    const assign::Link& lk = t.net.links[l];
    const auto arc = static_cast<ArcId>(a);
    const std::uint32_t e = g.arc_edge[arc];
    const bool fwd = g.arc_forward[arc] != 0;
    const auto sh = g.edge_shape(e);
    std::vector<LonLat> pts(sh.begin(), sh.end());
    if (!fwd) std::reverse(pts.begin(), pts.end());
    const double voc = r.flow[l] / lk.capacity, km = lk.length / 1000;
    ++loaded;
    vkm += r.flow[l] * km;
    max_voc = std::max(max_voc, voc);
    if (voc > o.voc_critical) {
      ++critical;
      vkm_critical += r.flow[l] * km;
    }
    links.add(Shape::line(std::move(pts)),
              {integer(g.edge_way[e]), std::string(network::road_class_name(g.edge_class[e])),
               std::string(fwd ? "forward" : "backward"), round3(r.flow[l]), lk.capacity, round3(voc),
               round3(lk.free_flow_time), round3(r.time[l]), std::round(lk.length * 10) / 10});
  }
  Table conv("traffic_convergence", {{"iteration", FieldType::kInteger},
                                     {"relative_gap", FieldType::kReal, "share"},
                                     {"tstt_veh_min", FieldType::kReal, "vehicle-minutes"}});
  conv.csv_file = "traffic_convergence.csv";
  conv.json = JsonPlace::kSection;
  conv.json_key = "/convergence";
  for (const assign::Iteration& it : r.iterations) conv.add({integer(it.iteration), it.gap, it.tstt});
  Json caps = Json::object();
  for (auto c : {network::RoadClass::kMotorway, network::RoadClass::kTrunk, network::RoadClass::kPrimary,
                 network::RoadClass::kSecondary, network::RoadClass::kTertiary})
    caps[std::string(network::road_class_name(c))] = assign::class_capacity(c, o);
  caps["other"] = o.cap_minor;
  const bool any = !r.iterations.empty();
  out.section = {
      {"zones", t.net.zones},
      {"vehicle_trips_h", round3(t.trips.total)},
      {"vehicle_trips_labour_h", round3(od.labour)},
      {"vehicle_trips_other_h", round3(od.other)},
      {"algorithm", assign::county_traffic_options().to_json(o)["algorithm"]},
      {"iterations", any ? r.iterations.back().iteration : 0},
      {"relative_gap", any ? Json(r.iterations.back().gap) : Json(0.0)},
      {"converged", r.converged},
      {"tstt_veh_min", any ? Json(r.iterations.back().tstt) : Json(0.0)},
      {"vehicle_km", round3(vkm)},
      {"vehicle_km_critical_share", vkm > 0 ? round3(vkm_critical / vkm) : 0.0},
      {"links_loaded", loaded},
      {"links_critical", critical},
      {"max_voc", round3(max_voc)},
      {"voc_critical", o.voc_critical},
      {"capacity_veh_h", caps},
      {"assumptions", assign::county_traffic_options().to_json(o)},
      {"note",
       "peak-hour car trips between settlements from the flows model (assumed shares); through traffic "
       "and trips within a settlement are not in it, so V/C is a lower bound"}};
  out.add(std::move(links));
  out.add(std::move(conv));
  merge(st, "traffic", out);
  ctx.info("traffic: " + std::to_string(static_cast<long long>(std::round(t.trips.total))) +
           " car trips in the peak hour on " + std::to_string(loaded) + " road links; " +
           std::to_string(critical) + " above V/C " + std::to_string(o.voc_critical).substr(0, 4));
}

}  // namespace cs::detail
