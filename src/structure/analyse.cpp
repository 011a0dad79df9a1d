#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>

#include <countyscope/core/parallel.hpp>
#include <countyscope/locate/problem.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/structure/structure.hpp>

#include "geometry.hpp"

namespace cs::structure {

std::string_view polygon_sources_name(PolygonSources p) {
  switch (p) {
    case PolygonSources::kNone:
      return "none";
    case PolygonSources::kSeat:
      return "seat";
    case PolygonSources::kCentres:
      return "centres";
    case PolygonSources::kAll:
      return "all";
  }
  return "";
}
std::string_view pattern_candidates_name(PatternCandidates p) {
  return p == PatternCandidates::kTowns ? "towns" : "settlements";
}
std::string_view source_kind_name(SourceKind k) {
  switch (k) {
    case SourceKind::kSeat:
      return "seat";
    case SourceKind::kTown:
      return "town";
    case SourceKind::kVillage:
      return "village";
    case SourceKind::kFacility:
      return "facility";
  }
  return "";
}

std::vector<Problem> validate(const StructureConfig& cfg) {
  std::vector<Problem> p = validate(cfg.iso);
  auto a = validate(cfg.areas);
  p.insert(p.end(), a.begin(), a.end());
  auto h = validate(cfg.hierarchy);
  p.insert(p.end(), h.begin(), h.end());
  auto pa = validate(cfg.pattern);
  p.insert(p.end(), pa.begin(), pa.end());
  if (!(cfg.village_gap_s > 0.0) || !std::isfinite(cfg.village_gap_s))
    p.push_back({"village_gap_s", "must be > 0"});
  return p;
}

namespace {

// A settlement's one population (county.hpp): the same figure the access, siting and flows tables show.
double settlement_pop(const Settlement& s) { return s.population_est; }

TimeMatrix select_columns(const TimeMatrix& m, std::span<const std::uint32_t> cols) {
  TimeMatrix out(m.rows(), cols.size());
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j) out(i, j) = m(i, cols[j]);
  return out;
}

struct Source {
  network::Profile profile;
  SourceKind kind;
  std::uint32_t index;
  const network::Snap* snap;
  bool polygons;
};

// Node -> centre times on the reverse graph, each node owned by its fastest centre (first on ties); every
// edge goes to the owner of its ends, split halfway when the ends have different owners; the pieces of each
// centre are buffered (polygon_jobs).
std::vector<std::vector<EdgePiece>> area_pieces(const network::RoadGraph& g,
                                                std::span<const network::Snap> centre_snaps) {
  const network::RoadGraph rev = network::reverse_graph(g);
  const std::size_t n = g.node_count(), nc = centre_snaps.size();
  std::vector<Weight> best(n, kInfWeight);
  std::vector<std::int32_t> owner(n, -1);
  network::Dijkstra d(rev);
  for (std::size_t c = 0; c < nc; ++c) {
    const network::Snap& s = centre_snaps[c];
    std::vector<std::pair<NodeId, Weight>> src;
    if (s.from_from_node != kInfWeight)
      src.emplace_back(g.edge_from[s.edge], sat_add(s.access_ms, s.from_from_node));
    if (s.from_to_node != kInfWeight)
      src.emplace_back(g.edge_to[s.edge], sat_add(s.access_ms, s.from_to_node));
    d.run(src);
    for (NodeId v : d.settled()) {
      const Weight t = d.dist(v);
      if (t < best[v]) best[v] = t, owner[v] = static_cast<std::int32_t>(c);
    }
  }
  std::vector<std::vector<EdgePiece>> pieces(nc);
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const std::int32_t a = owner[g.edge_from[e]], b = owner[g.edge_to[e]];
    if (a >= 0 && a == b) {
      pieces[static_cast<std::size_t>(a)].push_back({e, 0.0f, 1.0f});
    } else {
      if (a >= 0) pieces[static_cast<std::size_t>(a)].push_back({e, 0.0f, 0.5f});
      if (b >= 0) pieces[static_cast<std::size_t>(b)].push_back({e, 0.5f, 1.0f});
    }
  }
  return pieces;
}

// One polygon to build: the pieces of a circle's cutoff or of a service area, and where the result goes.
struct PolygonJob {
  const network::RoadGraph* graph;
  std::vector<EdgePiece> pieces;
  IsoPolygon* out;
};

bool same_pieces(const PolygonJob& a, const PolygonJob& b) {
  if (a.graph != b.graph || a.pieces.size() != b.pieces.size()) return false;
  for (std::size_t i = 0; i < a.pieces.size(); ++i) {
    const EdgePiece &p = a.pieces[i], &q = b.pieces[i];
    if (p.edge != q.edge || p.from != q.from || p.to != q.to) return false;
  }
  return true;
}

// Every polygon of the run (life circles of all sources and cutoffs, service areas) in one parallel loop,
// largest first so that the few large ones (long car cutoffs, a seat's whole area) start at once on
// different threads. Each polygon is built exactly as on its own: the order changes no result. Jobs with the
// same pieces on the same graph (a long cutoff that reaches the whole network and the one centre's service
// area, or two cutoffs beyond the farthest road) have the same polygon: it is built once and copied.
void build_polygons(std::vector<PolygonJob>& jobs, const IsochroneConfig& iso, Context& ctx) {
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return jobs[a].pieces.size() > jobs[b].pieces.size();
  });
  std::vector<std::size_t> unique;                          // indices into jobs, in `order`
  std::vector<std::pair<std::size_t, std::size_t>> copies;  // (job, job with the same pieces)
  for (std::size_t k : order) {
    const auto same = std::find_if(unique.begin(), unique.end(),
                                   [&](std::size_t u) { return same_pieces(jobs[u], jobs[k]); });
    if (same == unique.end())
      unique.push_back(k);
    else
      copies.emplace_back(k, *same);
  }
  parallel_for(unique.size(), ctx.thread_count(), [&](std::size_t k, int) {
    PolygonJob& j = jobs[unique[k]];
    *j.out = reached_polygon(*j.graph, j.pieces, iso);
  });
  for (const auto& [k, from] : copies) *jobs[k].out = *jobs[from].out;
}

// Too many subsets to enumerate: the siting layer's MCLP (CBC MIP) gives the optimum or a bound; the greedy
// answer is kept when the MIP does not improve on it (e.g. time limit) and the better bound is reported.
PatternResult mclp_with_siting_solver(const TimeMatrix& d2s, const std::vector<double>& pop,
                                      const std::vector<std::uint32_t>& existing, const StructureResult& r,
                                      const StructureConfig& cfg, Context& ctx) {
  PatternResult greedy = r.pattern;
  std::vector<std::uint32_t> cols = existing;
  cols.insert(cols.end(), r.candidates.begin(), r.candidates.end());
  locate::LocateProblem pb;
  pb.kind = locate::ProblemKind::kMclp;
  pb.cost = select_columns(d2s, cols);
  pb.weight = pop;
  pb.standard_s = cfg.pattern.within_s;
  pb.p = static_cast<std::uint32_t>(std::min<std::size_t>(existing.size() + cfg.pattern.k, cols.size()));
  for (std::uint32_t j = 0; j < existing.size(); ++j) pb.fixed.push_back(j);
  pb.label = "structure pattern";
  try {
    const locate::LocateResult lr = locate::solve_mip(pb, locate::MipSolveOptions{}, ctx);
    greedy.upper_bound = std::min(greedy.upper_bound, std::max(lr.bound, greedy.covered));
    if (lr.outcome == locate::Outcome::kOptimal || lr.outcome == locate::Outcome::kFeasibleGapOpen) {
      if (lr.objective > greedy.covered + 1e-9 || lr.outcome == locate::Outcome::kOptimal) {
        PatternResult m = greedy;
        m.method = lr.outcome == locate::Outcome::kOptimal ? "mip (CBC, optimal)" : "mip (CBC, gap open)";
        m.chosen.clear();
        m.step_covered.clear();
        std::vector<std::uint32_t> open;
        for (std::uint32_t j : lr.open)
          if (j >= existing.size()) {
            m.chosen.push_back(cols[j]);
            open.push_back(j);
          }
        std::vector<std::uint32_t> sofar(pb.fixed);
        for (std::uint32_t j : open) {
          sofar.push_back(j);
          m.step_covered.push_back(locate::evaluate(pb, sofar));
        }
        m.covered = locate::evaluate(pb, lr.open);
        m.upper_bound = lr.outcome == locate::Outcome::kOptimal ? m.covered : std::max(lr.bound, m.covered);
        return m;
      }
    }
  } catch (const Error& e) {
    ctx.warn(std::string("structure: MCLP solver unavailable (") + e.what() + "); greedy answer kept");
  }
  return greedy;
}

// Life circles, all sources in parallel; one isochrone builder per thread and profile. The reached pieces of
// the circles that get polygons are kept for build_polygons (one job per source and cutoff).
std::vector<LifeCircle> life_circles(const StructureInput& in, const StructureConfig& cfg, bool walk,
                                     const std::vector<bool>& off, const std::vector<std::uint32_t>& villages,
                                     const std::vector<double>& demand_pop, std::vector<PolygonJob>& jobs,
                                     Context& ctx) {
  const County& county = *in.county;
  const network::RoadGraph& car = *in.car;
  const std::size_t ns = county.settlements.size(), nd = county.demand.size(), nf = county.facilities.size();
  std::vector<Source> sources;
  auto add_sources = [&](network::Profile p, std::span<const network::Snap> ss,
                         std::span<const network::Snap> fs) {
    for (std::size_t s = 0; s < ns; ++s) {
      if (off[s]) continue;
      const bool seat = static_cast<int>(s) == county.seat;
      const Tier t = county.settlements[s].tier;
      const SourceKind k =
          seat ? SourceKind::kSeat : (t == Tier::kVillage ? SourceKind::kVillage : SourceKind::kTown);
      const bool poly = cfg.polygons == PolygonSources::kAll ||
                        (cfg.polygons == PolygonSources::kCentres && k != SourceKind::kVillage) ||
                        (cfg.polygons == PolygonSources::kSeat && seat);
      sources.push_back({p, k, static_cast<std::uint32_t>(s), &ss[s], poly});
    }
    if (cfg.facility_circles)
      for (std::size_t j = 0; j < nf; ++j)
        sources.push_back({p, SourceKind::kFacility, static_cast<std::uint32_t>(j), &fs[j],
                           cfg.polygons == PolygonSources::kAll});
  };
  add_sources(network::Profile::kCar, in.car_settlements, in.car_facilities);
  if (walk) add_sources(network::Profile::kWalk, in.walk_settlements, in.walk_facilities);
  const int threads = ctx.thread_count();
  std::vector<std::unique_ptr<IsochroneBuilder>> car_b(static_cast<std::size_t>(threads)),
      walk_b(static_cast<std::size_t>(threads));
  std::vector<LifeCircle> circles(sources.size());
  std::vector<std::vector<std::vector<EdgePiece>>> pieces(sources.size());
  const auto& cut = cfg.iso.cutoffs_s;
  std::vector<Weight> cut_ms;
  for (double c : cut) cut_ms.push_back(from_seconds(c));
  parallel_for(sources.size(), threads, [&](std::size_t i, int t) {
    const Source& src = sources[i];
    const bool is_walk = src.profile == network::Profile::kWalk;
    auto& slot = (is_walk ? walk_b : car_b)[static_cast<std::size_t>(t)];
    const network::RoadGraph& g = is_walk ? *in.walk : car;
    if (!slot) slot = std::make_unique<IsochroneBuilder>(g);
    Isochrone iso = slot->run(*src.snap, cut);
    LifeCircle& lc = circles[i];
    lc.profile = src.profile, lc.kind = src.kind, lc.index = src.index;
    lc.cutoffs.resize(cut.size());
    for (std::size_t c = 0; c < cut.size(); ++c) {
      lc.cutoffs[c].cutoff_s = cut[c];
      lc.cutoffs[c].nodes = iso.reached_nodes(c);
      lc.cutoffs[c].km = iso.reached_km(g, c);
    }
    auto first_within = [&](Weight w) {
      return static_cast<std::size_t>(std::lower_bound(cut_ms.begin(), cut_ms.end(), w) - cut_ms.begin());
    };
    const auto dsnaps = is_walk ? in.walk_demand : in.car_demand;
    for (std::size_t d = 0; d < nd; ++d) {
      const std::size_t c0 = first_within(slot->time_to(dsnaps[d]));
      for (std::size_t c = c0; c < cut.size(); ++c) lc.cutoffs[c].population += demand_pop[d];
    }
    const auto ssnaps = is_walk ? in.walk_settlements : in.car_settlements;
    for (std::uint32_t v : villages) {
      const std::size_t c0 = first_within(slot->time_to(ssnaps[v]));
      for (std::size_t c = c0; c < cut.size(); ++c) lc.cutoffs[c].villages.push_back(v);
    }
    if (src.polygons) pieces[i] = std::move(iso.pieces);
  });
  for (std::size_t i = 0; i < sources.size(); ++i)
    for (std::size_t c = 0; c < pieces[i].size(); ++c)
      jobs.push_back({sources[i].profile == network::Profile::kWalk ? in.walk : &car, std::move(pieces[i][c]),
                      &circles[i].cutoffs[c].polygon});
  return circles;
}

}  // namespace

StructureResult analyse_structure(const StructureInput& in, const StructureConfig& cfg, Context& ctx) {
  throw_if_problems(validate(cfg), "structure");
  if (!in.county || !in.car)
    throw Error(ErrorKind::kInternal, "analyse_structure: county and car graph are required");
  const County& county = *in.county;
  const network::RoadGraph& car = *in.car;
  const std::size_t ns = county.settlements.size(), nd = county.demand.size(), nf = county.facilities.size();
  if (county.seat < 0 || static_cast<std::size_t>(county.seat) >= ns)
    throw InputError(county.source, "", "seat", "the county has no seat settlement (set [county] seat)");
  if (in.car_settlements.size() != ns || in.car_demand.size() != nd || in.car_facilities.size() != nf)
    throw Error(ErrorKind::kInternal, "analyse_structure: snap counts do not match the county");
  const bool walk = cfg.walk && in.walk != nullptr;
  if (walk &&
      (in.walk_settlements.size() != ns || in.walk_demand.size() != nd || in.walk_facilities.size() != nf))
    throw Error(ErrorKind::kInternal, "analyse_structure: walk snap counts do not match the county");
  // A settlement off the network would silently get the times of a far road: refuse, naming it (or leave it
  // out).
  StructureResult r;
  r.cfg = cfg;
  std::vector<bool> off(ns, false);
  for (std::size_t s = 0; s < ns; ++s) {
    const network::Snap& sn = in.car_settlements[s];
    if (!(sn.dist_m > in.snap_threshold_m)) continue;
    const Settlement& st = county.settlements[s];
    char buf[200];
    std::snprintf(buf, sizeof buf, "is %.0f m from the nearest %s road (snap threshold %.0f m)", sn.dist_m,
                  std::string(network::profile_name(car.profile)).c_str(), in.snap_threshold_m);
    const std::string where =
        "settlement '" + st.name + "' (OSM " + std::string(1, st.osm_type) + std::to_string(st.osm_id) + ")";
    if (!cfg.exclude_off_network || static_cast<int>(s) == county.seat)
      throw InputError(
          county.source, where, "position",
          std::string(buf) + (static_cast<int>(s) == county.seat ? "" : "; or exclude such settlements"));
    ctx.warn("structure: left out " + where + ": " + buf);
    off[s] = true;
    r.off_network.push_back(static_cast<std::uint32_t>(s));
    r.off_network_m.push_back(sn.dist_m);
  }

  r.centres.push_back(static_cast<std::uint32_t>(county.seat));
  for (std::size_t s = 0; s < ns; ++s) {
    if (static_cast<int>(s) == county.seat || off[s]) continue;
    if (county.settlements[s].tier == Tier::kTown || county.settlements[s].tier == Tier::kSeat)
      r.centres.push_back(static_cast<std::uint32_t>(s));
    else
      r.villages.push_back(static_cast<std::uint32_t>(s));
  }
  std::vector<double> demand_pop(nd);
  for (std::size_t i = 0; i < nd; ++i) {
    const DemandPoint& d = county.demand[i];
    demand_pop[i] = d.population;
    if (!(d.population >= 0.0) || !std::isfinite(d.population))  // named as in the OSM file
      throw InputError(county.source,
                       std::string(d.osm_type == 'r' ? "relation " : "way ") + std::to_string(d.osm_id),
                       "population", "building population must be a finite value >= 0");
  }
  for (double p : demand_pop) r.total_population += p;

  // Matrices (car): demand -> settlements, settlements -> settlements, settlements -> facilities.
  network::MatrixOptions mo;
  TimeMatrix d2s_own, s2s_own;
  const TimeMatrix* d2s = in.demand_to_settlement;
  const TimeMatrix* s2s = in.settlement_to_settlement;
  if (!d2s)
    d2s = &(d2s_own = timed(ctx, "structure_demand_matrix",
                            [&] { return times_to_targets(car, in.car_demand, in.car_settlements, ctx); }));
  if (!s2s)
    s2s = &(s2s_own = network::travel_time_matrix(car, in.car_settlements, in.car_settlements, mo, ctx));
  const auto t_matrix = std::chrono::steady_clock::now();
  if (d2s->rows() != nd || d2s->cols() != ns || s2s->rows() != ns || s2s->cols() != ns)
    throw Error(ErrorKind::kInternal, "analyse_structure: matrix sizes do not match the county");
  TimeMatrix s2f_own;
  const TimeMatrix* s2f_in = in.settlement_to_facility;
  if (!s2f_in)
    s2f_in = &(s2f_own = network::travel_time_matrix(car, in.car_settlements, in.car_facilities, mo, ctx));
  if (s2f_in->rows() != ns || s2f_in->cols() != nf)
    throw Error(ErrorKind::kInternal, "analyse_structure: matrix sizes do not match the county");
  const TimeMatrix& s2f = *s2f_in;

  // Service areas: columns = centres.
  {
    const TimeMatrix dc = select_columns(*d2s, r.centres);
    TimeMatrix vc(r.villages.size(), r.centres.size());
    for (std::size_t v = 0; v < r.villages.size(); ++v)
      for (std::size_t c = 0; c < r.centres.size(); ++c) vc(v, c) = (*s2s)(r.villages[v], r.centres[c]);
    std::vector<double> attract;
    for (std::uint32_t c : r.centres) attract.push_back(settlement_pop(county.settlements[c]));
    r.areas = assign_service_areas(dc, demand_pop, vc, attract, cfg.areas);
  }

  // Hierarchy.
  {
    std::vector<double> pop(ns);
    std::vector<Tier> tier(ns);
    for (std::size_t s = 0; s < ns; ++s) {
      pop[s] = settlement_pop(county.settlements[s]);
      tier[s] = county.settlements[s].tier;
    }
    std::vector<std::uint16_t> ftype(nf);
    for (std::size_t j = 0; j < nf; ++j) ftype[j] = county.facilities[j].service;
    r.hierarchy = rank_settlements(pop, tier, *d2s, demand_pop, s2f, ftype, county.services.types.size(),
                                   cfg.hierarchy);
  }

  // Pattern optimisation. Candidates 'settlements': the seat and the towns are centres already; which
  // villages of at least candidate_min_population people (central villages, not hamlets) to add. Candidates
  // 'towns': which towns to strengthen first, from the seat alone.
  {
    const bool villages = cfg.candidates == PatternCandidates::kSettlements;
    std::vector<std::uint32_t>& existing = r.existing;
    existing = {static_cast<std::uint32_t>(county.seat)};
    for (std::size_t s = 0; s < ns; ++s) {
      if (static_cast<int>(s) == county.seat || off[s]) continue;
      const Settlement& st = county.settlements[s];
      if (villages && st.tier == Tier::kTown)
        existing.push_back(static_cast<std::uint32_t>(s));
      else if (villages ? settlement_pop(st) >= cfg.candidate_min_population : st.tier == Tier::kTown)
        r.candidates.push_back(static_cast<std::uint32_t>(s));
    }
    r.pattern = optimise_pattern(*d2s, demand_pop, existing, r.candidates, cfg.pattern);
    if (r.pattern.method == "greedy")
      r.pattern = mclp_with_siting_solver(*d2s, demand_pop, existing, r, cfg, ctx);
  }

  // Villages outside every centre's circle (centre -> village, as the circles).
  for (std::uint32_t v : r.villages) {
    bool inside = false;
    for (std::uint32_t c : r.centres)
      if ((*s2s)(c, v) <= cfg.village_gap_s) inside = true;
    if (!inside) r.villages_outside.push_back(v);
  }

  const auto t_circles = std::chrono::steady_clock::now();
  std::vector<PolygonJob> jobs;
  r.circles = life_circles(in, cfg, walk, off, r.villages, demand_pop, jobs, ctx);
  if (cfg.area_polygons) {
    std::vector<network::Snap> cs;
    for (std::uint32_t c : r.centres) cs.push_back(in.car_settlements[c]);
    auto pieces = area_pieces(car, cs);
    r.area_polygons.resize(pieces.size());
    for (std::size_t c = 0; c < pieces.size(); ++c)
      jobs.push_back({&car, std::move(pieces[c]), &r.area_polygons[c]});
  }
  const auto t_polygons = std::chrono::steady_clock::now();
  build_polygons(jobs, cfg.iso, ctx);
  const auto t_end = std::chrono::steady_clock::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  ctx.debug("structure: analysis " + std::to_string(secs(t_matrix, t_circles)) + " s, circles " +
            std::to_string(secs(t_circles, t_polygons)) + " s, polygons " +
            std::to_string(secs(t_polygons, t_end)) + " s");
  return r;
}

}  // namespace cs::structure
