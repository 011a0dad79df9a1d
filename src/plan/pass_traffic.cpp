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
#include <countyscope/network/routing.hpp>

#include "passes.hpp"

namespace cs::detail {

namespace {

double round3(double x) { return std::isfinite(x) ? std::round(x * 1000) / 1000 : x; }

// Peak-hour car trips between settlements (vehicles per hour), from the flows model's factors.
struct PeakOd {
  std::vector<double> veh;       // settlements x settlements
  double labour = 0, other = 0;  // vehicles per hour from each part
};
PeakOd peak_od(const County& county, const TimeMatrix& times, const flows::FlowsConfig& fc,
               const assign::CountyTrafficOptions& o) {
  const std::size_t n = county.settlements.size();
  const flows::FlowsRun r = flows::compute_flows(county, times, fc);
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
        if (i == j || !std::isfinite(times(i, j))) continue;  // no path: no trip
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
  PeakOd od = timed(ctx, "traffic/od",
                    [&] { return peak_od(st.county, st.settlement_to_settlement, st.cfg.flows, o); });
  // Capacities from the OSM lanes where the way tags them (the class's capacity per lane), else the class's.
  std::vector<double> cap(g.arc_count(), std::nan(""));
  std::vector<double> lanes(g.arc_count(), std::nan(""));
  std::size_t arcs_with_lanes = 0;
  if (o.use_lanes)
    for (std::size_t a = 0; a < g.arc_count(); ++a) {
      const std::uint32_t e = g.arc_edge[a];
      const auto it = st.car.lanes.find(g.edge_way[e]);
      if (it == st.car.lanes.end()) continue;
      const double l = g.arc_forward[a] ? it->second.forward : it->second.backward;
      if (!(l > 0)) continue;
      lanes[a] = l;
      cap[a] = l * assign::lane_capacity(g.edge_class[e], o);
      ++arcs_with_lanes;
    }
  assign::CountyTraffic t = timed(ctx, "traffic/assign", [&] {
    return assign::assign_county(g, st.settlement_snaps, od.veh, o, ctx, cap);
  });
  // The combined model: congested link times -> settlement times -> flows -> trips, averaged with the trips
  // so far (MSA), assigned again. Each round is recorded; the links written are the last round's.
  const std::size_t n = st.county.settlements.size();
  TimeMatrix times = st.settlement_to_settlement;
  Json rounds = Json::array();
  auto seat_minutes = [&](const TimeMatrix& m) {  // population-weighted mean time to the seat, minutes
    const int seat = st.county.seat;
    double w = 0, sum = 0;
    if (seat < 0) return std::nan("");
    for (std::size_t i = 0; i < n; ++i) {
      const double p = st.county.settlements[i].population_est, x = m(i, static_cast<std::size_t>(seat));
      if (!std::isfinite(x) || !(p > 0)) continue;
      w += p;
      sum += p * x / 60.0;
    }
    return w > 0 ? sum / w : std::nan("");
  };
  const double seat_free = seat_minutes(times);
  for (std::int64_t k = 1; k <= o.feedback; ++k) {
    timed(ctx, "traffic/feedback", [&] {
      network::RoadGraph cg = g;
      for (std::size_t l = 0; l < t.net.links.size(); ++l)
        if (t.link_arc[l] >= 0)
          cg.weight[static_cast<std::size_t>(t.link_arc[l])] =
              static_cast<Weight>(std::max(1.0, std::round(t.result.time[l] * 60000.0)));
      times = network::travel_time_matrix(cg, st.settlement_snaps, st.settlement_snaps,
                                          matrix_options(st.cfg), ctx);
      const PeakOd fresh = peak_od(st.county, times, st.cfg.flows, o);
      double change = 0, total = 0;
      const double step = 1.0 / static_cast<double>(k + 1);
      for (std::size_t x = 0; x < od.veh.size(); ++x) {
        change += std::abs(fresh.veh[x] - od.veh[x]);
        total += od.veh[x];
        od.veh[x] += step * (fresh.veh[x] - od.veh[x]);
      }
      od.labour += step * (fresh.labour - od.labour);
      od.other += step * (fresh.other - od.other);
      t = assign::assign_county(g, st.settlement_snaps, od.veh, o, ctx, cap);
      double max_voc = 0;
      for (std::size_t l = 0; l < t.net.links.size(); ++l)
        if (t.link_arc[l] >= 0) max_voc = std::max(max_voc, t.result.flow[l] / t.net.links[l].capacity);
      rounds.push_back(
          {{"round", k},
           {"trips_change", total > 0 ? change / total : 0.0},
           {"vehicle_trips_h", round3(t.trips.total)},
           {"max_voc", round3(max_voc)},
           {"seat_minutes", round3(seat_minutes(times))},
           {"relative_gap", t.result.iterations.empty() ? 0.0 : t.result.iterations.back().gap}});
    });
  }
  const assign::AssignResult& r = t.result;

  Outputs out;
  Table links("traffic_links", GeomType::kLineString,
              {{"way", FieldType::kInteger},
               {"road_class", FieldType::kString},
               {"direction", FieldType::kString},
               {"flow_veh_h", FieldType::kReal, "vehicles/h"},
               {"capacity_veh_h", FieldType::kReal, "vehicles/h"},
               {"lanes", FieldType::kReal, "lanes"},
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
    links.add(
        Shape::line(std::move(pts)),
        {integer(g.edge_way[e]), std::string(network::road_class_name(g.edge_class[e])),
         std::string(fwd ? "forward" : "backward"), round3(r.flow[l]), lk.capacity, real_or_null(lanes[arc]),
         round3(voc), round3(lk.free_flow_time), round3(r.time[l]), std::round(lk.length * 10) / 10});
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
      {"arcs_with_lanes", arcs_with_lanes},
      {"arcs", g.arc_count()},
      {"max_voc", round3(max_voc)},
      {"voc_critical", o.voc_critical},
      {"capacity_veh_h", caps},
      {"assumptions", assign::county_traffic_options().to_json(o)},
      {"note",
       "peak-hour car trips between settlements from the flows model (assumed shares); through traffic "
       "and trips within a settlement are not in it, so V/C is a lower bound"}};
  if (o.feedback > 0) {
    out.section["feedback"] = {
        {"rounds", rounds},
        {"seat_minutes_free_flow", round3(seat_free)},
        {"note",
         "combined model: congested times give the flows model new trips, averaged with the previous rounds' "
         "(MSA) and assigned again; seat_minutes is the population-weighted mean car time to the seat"}};
    // Each settlement's car time to the seat, free-flow and at the last round's congested times.
    Table ts("traffic_settlements", {{"settlement", FieldType::kInteger},
                                     {"name", FieldType::kString},
                                     {"to_seat_free_min", FieldType::kReal, "min"},
                                     {"to_seat_congested_min", FieldType::kReal, "min"}});
    ts.csv_file = "traffic_settlements.csv";
    ts.json = JsonPlace::kSection;
    ts.json_key = "/feedback/settlements";
    const int seat = st.county.seat;
    for (std::size_t i = 0; i < n && seat >= 0; ++i) {
      const auto s = static_cast<std::size_t>(seat);
      ts.add({integer(static_cast<std::int64_t>(i)), st.county.settlements[i].name,
              real_or_null(round3(st.settlement_to_settlement(i, s) / 60.0)),
              real_or_null(round3(times(i, s) / 60.0))});
    }
    out.add(std::move(ts));
  }
  out.add(std::move(links));
  out.add(std::move(conv));
  merge(st, "traffic", out);
  ctx.info("traffic: " + std::to_string(static_cast<long long>(std::round(t.trips.total))) +
           " car trips in the peak hour on " + std::to_string(loaded) + " road links; " +
           std::to_string(critical) + " above V/C " + std::to_string(o.voc_critical).substr(0, 4));
}

}  // namespace cs::detail
