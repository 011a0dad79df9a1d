// apply(scenario, model): the edited model, recomputing only what the edit touches.
#include <countyscope/model/county_model.hpp>

namespace cs {

ModelEdit apply(const flows::Scenario& sc, const CountyModel& m, const network::SnapOptions& snap,
                const network::MatrixOptions& matrix, Context& ctx) {
  ModelEdit e{m, {}, {}, {}};  // shares the indexes and the walk network; copies places, graph and matrices
  CountyModel& after = e.model;
  if (sc.changes_places()) after.county = flows::apply_place_changes(m.county, sc, &e.jobs);
  if (sc.changes_network()) {
    timed(ctx, "scenarios/graph", [&] {
      after.car.graph = flows::apply_network_changes(m.car.graph, sc, &e.network);
      after.car_index = std::make_shared<RoutingIndex>();  // a new graph: its index is built when needed
    });
    e.recomputed.push_back("graph");
  }
  if (sc.changes_network() || !sc.facilities.empty()) {
    timed(ctx, "scenarios/snap", [&] { snap_places(after, snap, ctx); });
    timed(ctx, "scenarios/matrices", [&] { compute_matrices(after, matrix, ctx); });
    e.recomputed.insert(e.recomputed.end(), {"snap", "matrices"});
  }
  return e;
}

}  // namespace cs
