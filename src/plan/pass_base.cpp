// The spine passes: they build the run's county model (model/county_model.hpp) — places, graphs with their
// kept routing index, snaps and matrices.
#include <countyscope/model/county_model.hpp>
#include <countyscope/plan/model_passes.hpp>

#include "passes.hpp"

namespace cs {

#ifndef CS_HAVE_LOCATE
void run_locate_pass(PlanState&, Context&) { throw UsageError("siting: this build has no locate layer"); }
#endif

network::MatrixOptions plan_matrix_options(const PlanConfig& cfg) {
  network::MatrixOptions opt;
  if (cfg.matrix_cutoff_s() > 0) opt.cutoff_s = cfg.matrix_cutoff_s();
  return opt;
}

}  // namespace cs

namespace cs::detail {

void pass_load_county(PlanState& st, Context& ctx) {
  const CountyConfig county = cut_county(st, st.cfg.osm_path, st.cfg.county, ctx);
  if (st.cfg.given_county)
    use_county(st, st.cfg.osm_path, *st.cfg.given_county, st.cfg.service_types);
  else
    build_places(st, st.cfg.osm_path, county, st.cfg.service_types, ctx);
}

void pass_build_network(PlanState& st, Context& ctx) {
  bool walk = false;  // the walk graph is read with the car graph when the structure pass draws walk circles
#ifdef CS_HAVE_STRUCTURE
  walk = structure_needs_walk(st.cfg);
#endif
  build_networks(st, st.cfg.osm_path, st.cfg.network, walk, ctx);
}

void pass_snap(PlanState& st, Context& ctx) { snap_places(st, st.cfg.snap, ctx); }

network::MatrixOptions matrix_options(const PlanConfig& cfg) { return plan_matrix_options(cfg); }

void pass_matrices(PlanState& st, Context& ctx) { compute_matrices(st, matrix_options(st.cfg), ctx); }

}  // namespace cs::detail
