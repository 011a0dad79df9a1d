// run_plan and the county model on a small real extract (Andorra, La Massana; data/fixtures/osm): the model's
// invariants (sizes, one routing index per graph built at most once, graphs equal to separate builds) and its
// matrices against a plain Dijkstra oracle; apply(scenario, model) keeps what an edit does not touch.
#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/model/county_model.hpp>
#include <countyscope/network/ch.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/plan/plan.hpp>

#include "test_support.hpp"

namespace cs {
namespace {

std::string andorra() { return test::source_path("data/fixtures/osm/andorra-2013-05-28.osm.pbf").string(); }

std::size_t count_timers(const Context& ctx, const std::string& name) {
  return static_cast<std::size_t>(
      std::count_if(ctx.timers.begin(), ctx.timers.end(), [&](const PassTime& t) { return t.name == name; }));
}

// The oracle: one plain Dijkstra per origin (with its access leg and along-edge times), in seconds.
float oracle(const cs::network::RoadGraph& g, const cs::network::Snap& from, const cs::network::Snap& to) {
  cs::network::Dijkstra d(g);
  d.run_from(from);
  const Weight w = d.dist_to(to);
  return w == kInfWeight ? kUnreachable : to_seconds(w);
}

void expect_matrix_equals_oracle(const cs::network::RoadGraph& g, const TimeMatrix& m,
                                 const std::vector<cs::network::Snap>& from,
                                 const std::vector<cs::network::Snap>& to) {
  ASSERT_EQ(m.rows(), from.size());
  ASSERT_EQ(m.cols(), to.size());
  // A spread of pairs (first, last, and a stride through the rest); exact equality (integer milliseconds).
  for (std::size_t i = 0; i < from.size(); i += std::max<std::size_t>(1, from.size() / 5))
    for (std::size_t j = 0; j < to.size(); j += std::max<std::size_t>(1, to.size() / 5))
      EXPECT_EQ(m(i, j), oracle(g, from[i], to[j])) << "pair " << i << ", " << j;
  EXPECT_EQ(m(from.size() - 1, to.size() - 1), oracle(g, from.back(), to.back()));
}

TEST(RunPlan, ModelInvariantsAndMatricesEqualDijkstra) {
  Context ctx;
  PlanConfig cfg;
  cfg.osm_path = andorra();
  cfg.skip = {"locate", "flows", "scenarios", "report"};
  const PlanState st = run_plan(cfg, ctx);
  const County& c = st.county;
  ASSERT_GT(c.settlements.size(), 2u);
  ASSERT_GT(c.facilities.size(), 0u);
  ASSERT_GT(c.demand.size(), 0u);
  EXPECT_EQ(st.settlement_snaps.size(), c.settlements.size());
  EXPECT_EQ(st.facility_snaps.size(), c.facilities.size());
  EXPECT_EQ(st.demand_snaps.size(), c.demand.size());
  EXPECT_EQ(st.service_types.size(), c.services.types.size());

  const cs::network::RoadGraph& g = st.car.graph;
  expect_matrix_equals_oracle(g, st.demand_to_facility, st.demand_snaps, st.facility_snaps);
  expect_matrix_equals_oracle(g, st.demand_to_settlement, st.demand_snaps, st.settlement_snaps);
  expect_matrix_equals_oracle(g, st.settlement_to_settlement, st.settlement_snaps, st.settlement_snaps);
  expect_matrix_equals_oracle(g, st.settlement_to_facility, st.settlement_snaps, st.facility_snaps);
  expect_matrix_equals_oracle(g, st.facility_to_facility, st.facility_snaps, st.facility_snaps);

  // Each routing index is built at most once, and every build is one "build_index.<profile>" timing.
  EXPECT_LE(st.car_index->builds(), 1u);
  EXPECT_EQ(count_timers(ctx, "build_index.car"), st.car_index->builds());
  // The structure pass's walk circles read the model's walk graph: read with the car graph from one pass over
  // the file, and equal to a separate build.
  ASSERT_TRUE(st.walk);
  EXPECT_EQ(st.walk->settlements.size(), c.settlements.size());
  EXPECT_EQ(count_timers(ctx, "build_index.walk"), st.walk->index->builds());
  Context quiet;
  const NetworkBuild walk =
      build_network(cfg.osm_path, default_network_config(cs::network::Profile::kWalk), quiet);
  const NetworkBuild car = build_network(cfg.osm_path, cfg.network, quiet);
  EXPECT_EQ(cs::network::graph_checksum(st.walk->net.graph), cs::network::graph_checksum(walk.graph));
  EXPECT_EQ(st.walk->net.graph.node_osm_id, walk.graph.node_osm_id);
  EXPECT_EQ(cs::network::graph_checksum(g), cs::network::graph_checksum(car.graph));
  EXPECT_EQ(st.car.stats.ways_used, car.stats.ways_used);
  EXPECT_EQ(st.car.stats.ways_skipped_access, car.stats.ways_skipped_access);
  // The passes ran once each, in order.
  for (const char* pass :
       {"load_county", "build_network", "snap", "matrices", "outputs", "access", "structure"})
    EXPECT_EQ(count_timers(ctx, pass), 1u) << pass;
}

CountyModel andorra_model(Context& ctx) {
  CountyModel m;
  build_places(m, andorra(), CountyConfig{}, {}, ctx);
  build_networks(m, andorra(), default_network_config(cs::network::Profile::kCar), false, ctx);
  snap_places(m, cs::network::SnapOptions{}, ctx);
  return m;
}

TEST(CountyModel, IndexBuiltOnceKeptAndSharedByApply) {
  Context ctx;
  CountyModel m = andorra_model(ctx);
  EXPECT_FALSE(m.walk);
  cs::network::MatrixOptions ch;
  ch.algorithm = cs::network::MatrixAlgorithm::kCH;
  compute_matrices(m, ch, ctx);  // five matrices, one index
  EXPECT_EQ(m.car_index->builds(), 1u);
  const TimeMatrix d2f = m.demand_to_facility, s2s = m.settlement_to_settlement;
  compute_matrices(m, ch, ctx);  // kept: not built again
  EXPECT_EQ(m.car_index->builds(), 1u);
  EXPECT_EQ(count_timers(ctx, "build_index.car"), 1u);
  // The index answers exactly what Dijkstra does.
  cs::network::MatrixOptions dj;
  dj.algorithm = cs::network::MatrixAlgorithm::kDijkstra;
  EXPECT_EQ(model_matrix(m, m.demand_snaps, m.facility_snaps, dj, ctx).storage(), d2f.storage());
  EXPECT_EQ(model_matrix(m, m.settlement_snaps, m.settlement_snaps, dj, ctx).storage(), s2s.storage());

  // A facility edit: new snaps and matrices, same graph, same (shared) index.
  flows::Scenario open;
  open.file = "open.toml";
  flows::FacilityChange f;
  f.open = true;
  f.name = "New post";
  f.service = m.county.services.types.front().name;
  f.at = m.county.settlements.front().pos;
  open.facilities.push_back(f);
  const ModelEdit e1 = apply(open, m, cs::network::SnapOptions{}, ch, ctx);
  EXPECT_EQ(e1.recomputed, (std::vector<std::string>{"snap", "matrices"}));
  EXPECT_EQ(e1.model.car_index, m.car_index);
  EXPECT_EQ(m.car_index->builds(), 1u);
  EXPECT_EQ(e1.model.county.facilities.size(), m.county.facilities.size() + 1);
  EXPECT_EQ(e1.model.demand_to_facility.cols(), m.county.facilities.size() + 1);
  for (std::size_t i = 0; i < m.demand_snaps.size(); ++i)  // old facilities: unchanged times
    for (std::size_t j = 0; j < m.facility_snaps.size(); ++j)
      ASSERT_EQ(e1.model.demand_to_facility(i, j), d2f(i, j));

  // A network edit: a new graph gets its own index; the original model keeps its graph and index.
  flows::Scenario close;
  close.file = "close.toml";
  close.upgrades.push_back({{m.car.graph.edge_way[0]}, 0.0});
  const ModelEdit e2 = apply(close, m, cs::network::SnapOptions{}, ch, ctx);
  EXPECT_EQ(e2.recomputed, (std::vector<std::string>{"graph", "snap", "matrices"}));
  EXPECT_NE(e2.model.car_index, m.car_index);
  EXPECT_EQ(e2.model.car_index->builds(), 1u);
  EXPECT_GT(e2.network.edges_closed, 0u);
  expect_matrix_equals_oracle(e2.model.car.graph, e2.model.settlement_to_settlement,
                              e2.model.settlement_snaps, e2.model.settlement_snaps);
  EXPECT_EQ(m.car_index->builds(), 1u);
}

}  // namespace
}  // namespace cs
