#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include <countyscope/core/parallel.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/structure/service_areas.hpp>

namespace cs::structure {

AssignMode parse_assign_mode(std::string_view s) {
  if (s == "nearest") return AssignMode::kNearest;
  if (s == "huff") return AssignMode::kHuff;
  throw unknown_value("service-area assignment", s, {"nearest", "huff"});
}

std::string_view assign_mode_name(AssignMode m) { return m == AssignMode::kHuff ? "huff" : "nearest"; }

std::vector<Problem> validate(const ServiceAreaConfig& cfg) {
  std::vector<Problem> p;
  if (!(cfg.huff_alpha >= 0.0) || !std::isfinite(cfg.huff_alpha)) p.push_back({"huff_alpha", "must be >= 0"});
  if (!(cfg.huff_beta >= 0.0) || !std::isfinite(cfg.huff_beta)) p.push_back({"huff_beta", "must be >= 0"});
  if (!(cfg.min_time_s > 0.0) || !std::isfinite(cfg.min_time_s)) p.push_back({"min_time_s", "must be > 0"});
  if (!(cfg.max_time_s >= 0.0) || !std::isfinite(cfg.max_time_s))
    p.push_back({"max_time_s", "must be >= 0 (0 = no limit)"});
  return p;
}

namespace {

// Column of the smallest finite time (first on ties), or -1.
std::int32_t argmin_row(std::span<const float> row, double max_time_s, float& best) {
  std::int32_t arg = -1;
  best = kUnreachable;
  for (std::size_t j = 0; j < row.size(); ++j) {
    if (row[j] < best) {
      best = row[j];
      arg = static_cast<std::int32_t>(j);
    }
  }
  if (arg >= 0 && max_time_s > 0.0 && best > max_time_s) {
    arg = -1;
    best = kUnreachable;
  }
  return arg;
}

}  // namespace

ServiceAreas assign_service_areas(const TimeMatrix& demand_to_centre, std::span<const double> demand_pop,
                                  const TimeMatrix& village_to_centre, std::span<const double> attractiveness,
                                  const ServiceAreaConfig& cfg) {
  throw_if_problems(validate(cfg), "service areas");
  const std::size_t nd = demand_to_centre.rows(), nc = demand_to_centre.cols();
  if (demand_pop.size() != nd)
    throw InputError("", "", "population",
                     "demand population has " + std::to_string(demand_pop.size()) + " entries for " +
                         std::to_string(nd) + " matrix rows");
  if (village_to_centre.rows() > 0 && village_to_centre.cols() != nc)
    throw InputError(
        "", "", "village_to_centre",
        "has " + std::to_string(village_to_centre.cols()) + " centres, expected " + std::to_string(nc));
  if (cfg.mode == AssignMode::kHuff && attractiveness.size() != nc)
    throw InputError(
        "", "", "attractiveness",
        "has " + std::to_string(attractiveness.size()) + " entries for " + std::to_string(nc) + " centres");
  ServiceAreas sa;
  sa.centres.assign(nc, CentreArea{});
  sa.demand_centre.assign(nd, -1);
  sa.demand_time_s.assign(nd, kUnreachable);
  std::vector<double> weighted_time(nc, 0.0);
  for (std::size_t i = 0; i < nd; ++i) {
    const double pop = demand_pop[i];
    if (!(pop >= 0.0) || !std::isfinite(pop))
      throw InputError("", "index " + std::to_string(i) + " (from 0)", "demand_pop",
                       "must be a finite value >= 0");  // callers with ids check first (analyse_structure)
    float t = 0;
    const std::int32_t c = argmin_row(demand_to_centre.row(i), cfg.max_time_s, t);
    sa.demand_centre[i] = c;
    sa.demand_time_s[i] = t;
    if (c < 0) {
      sa.unassigned_population += pop;
      ++sa.unassigned_demand_points;
      continue;
    }
    CentreArea& a = sa.centres[static_cast<std::size_t>(c)];
    a.population += pop;
    ++a.demand_points;
    weighted_time[static_cast<std::size_t>(c)] += pop * t;
    a.max_time_s = a.demand_points == 1 ? t : std::max(a.max_time_s, static_cast<double>(t));
  }
  for (std::size_t c = 0; c < nc; ++c) {
    CentreArea& a = sa.centres[c];
    if (a.demand_points == 0) {
      a.mean_time_s = a.max_time_s = std::numeric_limits<double>::quiet_NaN();
    } else {
      a.mean_time_s = a.population > 0 ? weighted_time[c] / a.population : 0.0;
    }
  }
  const std::size_t nv = village_to_centre.rows();
  sa.village_centre.assign(nv, -1);
  sa.village_time_s.assign(nv, kUnreachable);
  for (std::size_t v = 0; v < nv; ++v) {
    float t = 0;
    const std::int32_t c = argmin_row(village_to_centre.row(v), cfg.max_time_s, t);
    sa.village_centre[v] = c;
    sa.village_time_s[v] = t;
    if (c < 0)
      ++sa.unassigned_villages;
    else
      ++sa.centres[static_cast<std::size_t>(c)].villages;
  }
  if (cfg.mode == AssignMode::kHuff) {
    sa.huff = Matrix<float>(nd, nc, 0.0f);
    std::vector<double> u(nc);
    for (std::size_t i = 0; i < nd; ++i) {
      double sum = 0.0;
      for (std::size_t j = 0; j < nc; ++j) {
        const double t = demand_to_centre(i, j);
        const bool ok =
            std::isfinite(t) && (cfg.max_time_s <= 0.0 || t <= cfg.max_time_s) && attractiveness[j] > 0;
        u[j] = ok ? std::pow(attractiveness[j], cfg.huff_alpha) *
                        std::pow(std::max(t, cfg.min_time_s), -cfg.huff_beta)
                  : 0.0;
        sum += u[j];
      }
      if (!(sum > 0.0)) continue;
      for (std::size_t j = 0; j < nc; ++j) {
        const double p = u[j] / sum;
        sa.huff(i, j) = static_cast<float>(p);
        sa.centres[j].huff_population += demand_pop[i] * p;
      }
    }
  }
  return sa;
}

TimeMatrix times_to_targets(const network::RoadGraph& g, std::span<const network::Snap> points,
                            std::span<const network::Snap> targets, Context& ctx) {
  const network::RoadGraph rev = network::reverse_graph(g);
  TimeMatrix m(points.size(), targets.size(), kUnreachable);
  const int threads = std::max(1, std::min<int>(ctx.thread_count(), static_cast<int>(targets.size())));
  std::vector<std::unique_ptr<network::Dijkstra>> q(static_cast<std::size_t>(threads));
  parallel_for(targets.size(), threads, [&](std::size_t j, int th) {
    auto& d = q[static_cast<std::size_t>(th)];
    if (!d) d = std::make_unique<network::Dijkstra>(rev);
    const network::Snap& t = targets[j];
    std::pair<NodeId, Weight> src[2];
    std::size_t n = 0;
    // Backward: reaching edge_from (edge_to) in the reverse graph = from that node to the target point.
    if (t.from_from_node != kInfWeight)
      src[n++] = {g.edge_from[t.edge], sat_add(t.access_ms, t.from_from_node)};
    if (t.from_to_node != kInfWeight) src[n++] = {g.edge_to[t.edge], sat_add(t.access_ms, t.from_to_node)};
    d->run(std::span<const std::pair<NodeId, Weight>>(src, n));
    for (std::size_t i = 0; i < points.size(); ++i) {
      const network::Snap& p = points[i];
      Weight best = kInfWeight;
      if (p.to_from_node != kInfWeight)
        best = std::min(best, sat_add(p.to_from_node, d->dist(g.edge_from[p.edge])));
      if (p.to_to_node != kInfWeight)
        best = std::min(best, sat_add(p.to_to_node, d->dist(g.edge_to[p.edge])));
      if (p.edge == t.edge) {  // directly along the shared edge (as Dijkstra::dist_to)
        if (p.to_to_node != kInfWeight && t.from_from_node != kInfWeight && t.frac >= p.frac &&
            t.from_from_node >= p.from_from_node)
          best = std::min(best, sat_add(t.from_from_node - p.from_from_node, t.access_ms));
        if (p.to_from_node != kInfWeight && t.from_to_node != kInfWeight && t.frac <= p.frac &&
            t.from_to_node >= p.from_to_node)
          best = std::min(best, sat_add(t.from_to_node - p.from_to_node, t.access_ms));
      }
      m(i, j) = to_seconds(sat_add(best, p.access_ms));
    }
  });
  return m;
}

}  // namespace cs::structure
