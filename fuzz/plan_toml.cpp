// Target plan_toml: a plan TOML run through the plan driver on a tiny county (fuzz/fixtures/plan-county.osm:
// tiny-county.osm plus a road grid), so that the capability sections the passes read at run time ([access],
// [structure], [locate], [flows], [scenarios]) meet the bytes too. Outputs are not written.
#include <countyscope/plan/plan.hpp>

#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cs::Context ctx;
  ctx.threads = 1;
  cs::fuzz::expect_errors([&] {
    cs::PlanConfig cfg;
    cfg.osm_path = (cs::fuzz::source_dir() / "fuzz/fixtures/plan-county.osm").string();
    // Relative paths in the TOML ([scenarios] file) resolve against the label's folder: data/config/.
    cs::parse_plan_config(text, (cs::fuzz::source_dir() / "data/config/plan.toml").string(), cfg);
    cs::throw_if_problems(validate(cfg), "plan");
    const cs::PlanState st = cs::run_plan(cfg, ctx);
    (void)cs::dump_results(st.doc);
  });
  return 0;
}
