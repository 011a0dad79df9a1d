// The structure pass: life circles, town service areas, hierarchy and pattern optimisation on the plan's
// county, car network, snaps and matrices (docs/structure.md). Reads [structure] from the plan TOML.
#include <algorithm>
#include <cmath>
#include <string>

#include <toml++/toml.h>

#include <countyscope/structure/structure.hpp>

#include "passes.hpp"

namespace cs::detail {

namespace {

const std::vector<std::string> kKeys = {
    "cutoffs_min",         "buffer_m",     "polygons",   "polygon_method", "walk",
    "facility_circles",    "assignment",   "huff_alpha", "huff_beta",      "k",
    "within_min",          "candidates",   "gap_min",    "reach_min",      "town_score",
    "exclude_off_network", "area_polygons"};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s.append(s.empty() ? "" : ", ").append(x);
  return s;
}

StructureConfig read_config(const PlanConfig& pc) {
  StructureConfig cfg;
  cfg.exclude_off_network = true;  // a whole-county plan lists far hamlets instead of stopping
  if (pc.config_text.empty()) return cfg;
  const std::string file = pc.config_path.empty() ? "plan.toml" : pc.config_path;
  toml::table root;
  try {
    root = toml::parse(pc.config_text, file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, "line " + std::to_string(e.source().begin.line), "", std::string(e.description()));
  }
  const toml::table* t = root["structure"].as_table();
  if (!t) return cfg;
  for (const auto& [k, v] : *t)
    if (std::find(kKeys.begin(), kKeys.end(), k.str()) == kKeys.end())
      throw InputError(file, "line " + std::to_string(k.source().begin.line),
                       "structure." + std::string(k.str()), "unknown key; valid keys: " + join(kKeys));
  auto where = [&](const char* key) {
    const auto* n = t->get(key);
    return n ? "line " + std::to_string(n->source().begin.line) : std::string();
  };
  auto num = [&](const char* key, double& out) {
    if (const auto* n = t->get(key)) {
      const auto v = n->value<double>();
      if (!v || !std::isfinite(*v))
        throw InputError(file, where(key), std::string("structure.") + key, "expected a finite number");
      out = *v;
    }
  };
  auto str = [&](const char* key, std::string& out) {
    if (const auto* n = t->get(key)) {
      const auto v = n->value<std::string>();
      if (!v) throw InputError(file, where(key), std::string("structure.") + key, "expected a string");
      out = *v;
    }
  };
  auto flag = [&](const char* key, bool& out) {
    if (const auto* n = t->get(key)) {
      const auto v = n->value<bool>();
      if (!v) throw InputError(file, where(key), std::string("structure.") + key, "expected true or false");
      out = *v;
    }
  };
  auto wrap = [&](const char* key, auto&& fn) {
    try {
      fn();
    } catch (const UsageError& e) {
      throw InputError(file, where(key), std::string("structure.") + key, e.what());
    }
  };
  if (const auto* n = t->get("cutoffs_min")) {
    const auto* arr = n->as_array();
    if (!arr)
      throw InputError(file, where("cutoffs_min"), "structure.cutoffs_min", "expected an array of minutes");
    std::string text;
    for (const auto& x : *arr) {
      const auto v = x.value<double>();
      if (!v || !std::isfinite(*v))
        throw InputError(file, where("cutoffs_min"), "structure.cutoffs_min", "expected finite numbers");
      text += (text.empty() ? "" : ",") + std::to_string(*v);
    }
    wrap("cutoffs_min", [&] { cfg.iso.cutoffs_s = parse_cutoffs_min(text); });
  }
  num("buffer_m", cfg.iso.buffer_m);
  std::string s;
  if (s.clear(), str("polygons", s), !s.empty())
    wrap("polygons", [&] { cfg.polygons = parse_polygon_sources(s); });
  if (s.clear(), str("polygon_method", s), !s.empty())
    wrap("polygon_method", [&] { cfg.iso.method = parse_polygon_method(s); });
  if (s.clear(), str("assignment", s), !s.empty())
    wrap("assignment", [&] { cfg.areas.mode = parse_assign_mode(s); });
  if (s.clear(), str("candidates", s), !s.empty())
    wrap("candidates", [&] { cfg.candidates = parse_pattern_candidates(s); });
  flag("walk", cfg.walk);
  flag("facility_circles", cfg.facility_circles);
  flag("exclude_off_network", cfg.exclude_off_network);
  flag("area_polygons", cfg.area_polygons);
  num("huff_alpha", cfg.areas.huff_alpha);
  num("huff_beta", cfg.areas.huff_beta);
  double k = cfg.pattern.k, within = cfg.pattern.within_s / 60, gap = cfg.village_gap_s / 60,
         reach = cfg.hierarchy.reach_s / 60;
  num("k", k);
  num("within_min", within);
  num("gap_min", gap);
  num("reach_min", reach);
  num("town_score", cfg.hierarchy.town_score);
  if (!(k >= 1 && k <= 1000 && k == static_cast<double>(static_cast<int>(k))))
    throw InputError(file, where("k"), "structure.k", "must be a whole number in [1, 1000]");
  cfg.pattern.k = static_cast<std::uint32_t>(k);
  cfg.pattern.within_s = within * 60, cfg.village_gap_s = gap * 60, cfg.hierarchy.reach_s = reach * 60;
  const auto problems = validate(cfg);
  if (!problems.empty())
    throw InputError(file, "", "structure." + problems.front().option, problems.front().message);
  return cfg;
}

}  // namespace

void check_structure_config(const PlanConfig& cfg) { (void)read_config(cfg); }

bool structure_needs_walk(const PlanConfig& cfg) {
  return std::find(cfg.skip.begin(), cfg.skip.end(), "structure") == cfg.skip.end() && read_config(cfg).walk;
}

void pass_structure(PlanState& st, Context& ctx) {
  const StructureConfig cfg = read_config(st.cfg);
  StructureInput in;
  in.county = &st.county;
  in.car = &st.car.graph;
  in.car_settlements = st.settlement_snaps, in.car_demand = st.demand_snaps,
  in.car_facilities = st.facility_snaps;
  in.demand_to_settlement = &st.demand_to_settlement;
  in.settlement_to_settlement = &st.settlement_to_settlement;
  in.snap_threshold_m = st.cfg.snap.far_threshold_m;
  // The structure pass ranks on uncut settlement -> facility times: the model's matrix when it has no cutoff,
  // else one more matrix from the model's kept index.
  TimeMatrix s2f_uncut;
  if (st.cfg.matrix_cutoff_s() > 0)
    s2f_uncut = model_matrix(st, st.settlement_snaps, st.facility_snaps, MatrixOptions{}, ctx);
  in.settlement_to_facility = st.cfg.matrix_cutoff_s() > 0 ? &s2f_uncut : &st.settlement_to_facility;
  // Walk circles: the walk network and snaps of the model (built with the car graph, pass_build_network).
  if (cfg.walk) {
    if (!st.walk) throw Error(ErrorKind::kInternal, "structure: the model has no walk network");
    in.walk = &st.walk->net.graph;
    in.walk_settlements = st.walk->settlements, in.walk_demand = st.walk->demand,
    in.walk_facilities = st.walk->facilities;
  }
  const StructureResult r = analyse_structure(in, cfg, ctx);
  merge(st, "structure", structure_outputs(r, in));
}

}  // namespace cs::detail
