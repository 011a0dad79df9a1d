// run_plan reads as the list of its passes (STYLE P9), each under a scoped timer (the report's run profile).
#include <algorithm>

#include <countyscope/plan/plan.hpp>

#include "passes.hpp"

namespace cs {

namespace {
bool skipped(const PlanConfig& cfg, std::string_view pass) {
  return std::find(cfg.skip.begin(), cfg.skip.end(), pass) != cfg.skip.end();
}
}  // namespace

PlanState run_plan(const PlanConfig& cfg, Context& ctx) {
  throw_if_problems(validate(cfg), "plan config");
  PlanState st;
  st.cfg = cfg;
  st.doc = new_results_document("plan");
  ctx.timers.clear();
  // Capability sections are checked up front: a typo fails in a second, not after the network is built.
#ifdef CS_HAVE_STRUCTURE
  if (!skipped(cfg, "structure")) detail::check_structure_config(cfg);
#endif
#ifdef CS_HAVE_LOCATE
  if (!skipped(cfg, "locate")) detail::check_locate_config(cfg);
#endif
  if (!skipped(cfg, "flows") || !skipped(cfg, "scenarios"))
    detail::check_flows_config(cfg, !skipped(cfg, "scenarios"));

  // The spine: the county (places, facilities, people) on its road network, and travel times between them.
  timed(ctx, "load_county", [&] { detail::pass_load_county(st, ctx); });
  timed(ctx, "build_network", [&] { detail::pass_build_network(st, ctx); });
  timed(ctx, "snap", [&] { detail::pass_snap(st, ctx); });
  timed(ctx, "quality", [&] { detail::pass_quality(st, ctx); });
  timed(ctx, "matrices", [&] { detail::pass_matrices(st, ctx); });
  // sections.network / sections.county, the base map layers and CSV tables.
  timed(ctx, "outputs", [&] { detail::pass_outputs(st, ctx); });

  // Capabilities add their passes here, in this order, each skippable by name:
  if (!skipped(st.cfg, "access")) timed(ctx, "access", [&] { detail::pass_access(st, ctx); });
#ifdef CS_HAVE_STRUCTURE
  if (!skipped(st.cfg, "structure")) timed(ctx, "structure", [&] { detail::pass_structure(st, ctx); });
#endif
#ifdef CS_HAVE_LOCATE
  if (!skipped(st.cfg, "locate")) timed(ctx, "locate", [&] { detail::pass_locate(st, ctx); });
#endif
  if (!skipped(st.cfg, "flows")) timed(ctx, "flows", [&] { detail::pass_flows(st, ctx); });
  if (!skipped(st.cfg, "traffic")) timed(ctx, "traffic", [&] { detail::pass_traffic(st, ctx); });
  if (!skipped(st.cfg, "capacity")) timed(ctx, "capacity", [&] { detail::pass_capacity(st, ctx); });
  if (!skipped(st.cfg, "industry")) timed(ctx, "industry", [&] { detail::pass_industry(st, ctx); });
  if (!skipped(st.cfg, "scenarios")) timed(ctx, "scenarios", [&] { detail::pass_scenarios(st, ctx); });
  return st;
}

}  // namespace cs
