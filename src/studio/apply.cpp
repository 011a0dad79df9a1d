// The studio's apply(): the edited model as cs::apply gives it, with the base model's snaps and matrix
// entries kept for every point the edit did not move (session.hpp, docs/studio.md "What an edit recomputes").
#include <bit>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include <countyscope/network/cch.hpp>
#include <countyscope/studio/session.hpp>

namespace cs::studio {

namespace {

using PosKey = std::pair<std::uint64_t, std::uint64_t>;
PosKey key(LonLat p) { return {std::bit_cast<std::uint64_t>(p.lon), std::bit_cast<std::uint64_t>(p.lat)}; }

// For each item of `now`, the index of an item of `was` at the same position (bit for bit), or -1.
template <class Items>
std::vector<std::int64_t> twins(const Items& was, const Items& now) {
  std::map<PosKey, std::int64_t> at;
  for (std::size_t i = 0; i < was.size(); ++i) at.emplace(key(was[i].pos), static_cast<std::int64_t>(i));
  std::vector<std::int64_t> t(now.size(), -1);
  for (std::size_t i = 0; i < now.size(); ++i)
    if (const auto it = at.find(key(now[i].pos)); it != at.end()) t[i] = it->second;
  return t;
}

template <class Items>
bool same_positions(const Items& a, const Items& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (key(a[i].pos) != key(b[i].pos)) return false;
  return true;
}

// The matrix between `from` and `to` of the edited model: entries whose two points have twins in the base
// (from_twin, to_twin; -1 = new) are copied from `was`, the new rows and columns computed on the model's
// graph.
TimeMatrix reuse(const CountyModel& m, const TimeMatrix& was, std::span<const network::Snap> from,
                 const std::vector<std::int64_t>& from_twin, std::span<const network::Snap> to,
                 const std::vector<std::int64_t>& to_twin, const network::MatrixOptions& opt, Context& ctx) {
  TimeMatrix out(from.size(), to.size(), kUnreachable);
  std::vector<std::size_t> new_rows, new_cols, old_rows;
  std::vector<network::Snap> new_from, new_to, old_from;
  for (std::size_t i = 0; i < from.size(); ++i) {
    if (from_twin[i] < 0) {
      new_rows.push_back(i);
      new_from.push_back(from[i]);
    } else {
      old_rows.push_back(i);
      old_from.push_back(from[i]);
    }
  }
  for (std::size_t j = 0; j < to.size(); ++j)
    if (to_twin[j] < 0) {
      new_cols.push_back(j);
      new_to.push_back(to[j]);
    }
  for (std::size_t i : old_rows) {
    const auto wr = was.row(static_cast<std::size_t>(from_twin[i]));
    auto orow = out.row(i);
    for (std::size_t j = 0; j < to.size(); ++j)
      if (to_twin[j] >= 0) orow[j] = wr[static_cast<std::size_t>(to_twin[j])];
  }
  if (!new_from.empty() && !to.empty()) {  // new rows x every column
    const TimeMatrix r = model_matrix(m, new_from, to, opt, ctx);
    for (std::size_t k = 0; k < new_rows.size(); ++k)
      std::copy(r.row(k).begin(), r.row(k).end(), out.row(new_rows[k]).begin());
  }
  if (!old_from.empty() && !new_to.empty()) {  // kept rows x new columns
    const TimeMatrix c = model_matrix(m, old_from, new_to, opt, ctx);
    for (std::size_t k = 0; k < old_rows.size(); ++k)
      for (std::size_t c2 = 0; c2 < new_cols.size(); ++c2) out(old_rows[k], new_cols[c2]) = c(k, c2);
  }
  return out;
}

}  // namespace

ModelEdit apply_kept(const flows::Scenario& sc, const CountyModel& m, const network::SnapOptions& snap,
                     const network::MatrixOptions& matrix, Context& ctx) {
  // Network edits (a new graph: every snap and entry may change) and a walk network (its snaps are
  // recomputed too) go the general way.
  if (sc.changes_network() || m.walk) return apply(sc, m, snap, matrix, ctx);
  ModelEdit e{m, {}, {}, {}};
  CountyModel& after = e.model;
  if (sc.changes_places()) after.county = flows::apply_place_changes(m.county, sc, &e.jobs);
  if (sc.facilities.empty()) return e;
  if (!same_positions(m.county.demand, after.county.demand) ||
      !same_positions(m.county.settlements, after.county.settlements))
    return apply(sc, m, snap, matrix, ctx);
  e.recomputed = {"snap", "matrices"};  // what apply() says: the same model
  const std::vector<std::int64_t> tw = twins(m.county.facilities, after.county.facilities);
  timed(ctx, "scenarios/snap", [&] {
    std::optional<network::SnapIndex> index;
    after.facility_snaps.clear();
    for (std::size_t j = 0; j < tw.size(); ++j) {
      if (tw[j] >= 0) {
        after.facility_snaps.push_back(m.facility_snaps[static_cast<std::size_t>(tw[j])]);
        continue;
      }
      if (!index) index.emplace(after.car.graph);
      after.facility_snaps.push_back(index->snap(after.county.facilities[j].pos, snap));
    }
    // The warning snap_places gives, over every snap of the edited model.
    std::size_t far = 0;
    for (const auto* v : {&after.demand_snaps, &after.facility_snaps, &after.settlement_snaps})
      for (const auto& s : *v) far += s.far ? 1 : 0;
    if (far)
      ctx.warn(std::to_string(far) + " points lie more than " +
               std::to_string(static_cast<int>(snap.far_threshold_m)) +
               " m from a road (flagged 'far', kept)");
  });
  timed(ctx, "scenarios/matrices", [&] {
    std::vector<std::int64_t> same_d(after.demand_snaps.size()), same_s(after.settlement_snaps.size());
    for (std::size_t i = 0; i < same_d.size(); ++i) same_d[i] = static_cast<std::int64_t>(i);
    for (std::size_t i = 0; i < same_s.size(); ++i) same_s[i] = static_cast<std::int64_t>(i);
    after.demand_to_facility =
        reuse(after, m.demand_to_facility, after.demand_snaps, same_d, after.facility_snaps, tw, matrix, ctx);
    after.settlement_to_facility = reuse(after, m.settlement_to_facility, after.settlement_snaps, same_s,
                                         after.facility_snaps, tw, matrix, ctx);
    after.facility_to_facility =
        reuse(after, m.facility_to_facility, after.facility_snaps, tw, after.facility_snaps, tw, matrix, ctx);
  });
  return e;
}

namespace {

// Edge e of the edited graph is edge kept[e] of the base graph (apply_network_changes keeps the base edges in
// order, leaving out closed ones, and appends new roads); empty when that does not hold.
std::vector<std::uint32_t> kept_edges(const network::RoadGraph& was, const network::RoadGraph& now,
                                      std::size_t links) {
  std::vector<std::uint32_t> kept;
  if (now.node_count() != was.node_count() || now.edge_count() < links) return {};
  const std::size_t n = now.edge_count() - links;
  kept.reserve(n);
  std::uint32_t e = 0;
  for (std::size_t k = 0; k < n; ++k) {
    while (e < was.edge_count() &&
           !(was.edge_from[e] == now.edge_from[k] && was.edge_to[e] == now.edge_to[k] &&
             was.edge_way[e] == now.edge_way[k] && was.edge_length_m[e] == now.edge_length_m[k]))
      ++e;
    if (e == was.edge_count()) return {};
    kept.push_back(e++);
  }
  return kept;
}

// The edited graph's arc times on the base graph's arcs (ms; kInfWeight for the arcs of closed roads).
std::vector<Weight> base_arc_weights(const network::RoadGraph& was, const network::RoadGraph& now,
                                     const std::vector<std::uint32_t>& kept) {
  std::vector<std::int64_t> now_of(was.edge_count(), -1);
  for (std::size_t k = 0; k < kept.size(); ++k) now_of[kept[k]] = static_cast<std::int64_t>(k);
  std::vector<Weight> w2(2 * now.edge_count(), kInfWeight);  // per edited edge and direction flag
  for (std::size_t a = 0; a < now.arc_count(); ++a)
    w2[2 * static_cast<std::size_t>(now.arc_edge[a]) + (now.arc_forward[a] ? 1 : 0)] = now.weight[a];
  std::vector<Weight> w(was.arc_count(), kInfWeight);
  for (std::size_t a = 0; a < was.arc_count(); ++a) {
    const std::int64_t k = now_of[was.arc_edge[a]];
    if (k >= 0) w[a] = w2[2 * static_cast<std::size_t>(k) + (was.arc_forward[a] ? 1 : 0)];
  }
  return w;
}

}  // namespace

ModelEdit apply_network(const flows::Scenario& sc, const CountyModel& m, network::CustomizableCH& cch,
                        const network::SnapOptions& snap, const network::MatrixOptions& matrix,
                        Context& ctx) {
  if (!sc.changes_network() || sc.changes_places() || m.walk || !cch.matches(m.car.graph))
    return apply(sc, m, snap, matrix, ctx);
  ModelEdit e{m, {}, {}, {}};
  CountyModel& after = e.model;
  timed(ctx, "scenarios/graph", [&] {
    after.car.graph = flows::apply_network_changes(m.car.graph, sc, &e.network);
    after.car_index = std::make_shared<RoutingIndex>();
  });
  e.recomputed = {"graph", "snap", "matrices"};
  timed(ctx, "scenarios/snap", [&] { snap_places(after, snap, ctx); });
  const network::RoadGraph& g = after.car.graph;
  const std::vector<std::uint32_t> kept = kept_edges(m.car.graph, g, sc.links.size());
  // Without new roads the base index answers, re-customised where the weights changed (closed roads are
  // arcs of infinite time; snaps move to the base graph's edge numbers); a new road changes the topology:
  // a new index for the edited graph.
  std::optional<network::CustomizableCH> fresh;
  const network::CustomizableCH* index = &cch;
  const network::RoadGraph* on = &m.car.graph;
  std::vector<network::Snap> dem = after.demand_snaps, fac = after.facility_snaps,
                             set = after.settlement_snaps;
  if (sc.links.empty() && kept.size() == g.edge_count()) {
    timed(ctx, "studio/customize", [&] {
      const std::vector<Weight> w = base_arc_weights(m.car.graph, g, kept);
      std::vector<network::ArcTime> changes;
      for (std::size_t a = 0; a < w.size(); ++a)
        if (w[a] != cch.arc_weight[a])
          changes.push_back({static_cast<ArcId>(a),
                             w[a] == kInfWeight ? std::numeric_limits<double>::infinity() : w[a] / 1000.0});
      cch.update(changes);
    });
    for (auto* v : {&dem, &fac, &set})
      for (network::Snap& s : *v) s.edge = kept[s.edge];
  } else {
    fresh = timed(ctx, "studio/cch", [&] { return network::CustomizableCH::build(g, {}, ctx); });
    index = &*fresh;
    on = &g;
  }
  timed(ctx, "scenarios/matrices", [&] {
    after.demand_to_facility = network::cch_matrix(*index, *on, dem, fac, matrix, ctx);
    after.demand_to_settlement = network::cch_matrix(*index, *on, dem, set, matrix, ctx);
    after.settlement_to_settlement = network::cch_matrix(*index, *on, set, set, matrix, ctx);
    after.settlement_to_facility = network::cch_matrix(*index, *on, set, fac, matrix, ctx);
    after.facility_to_facility = network::cch_matrix(*index, *on, fac, fac, matrix, ctx);
  });
  return e;
}

}  // namespace cs::studio
