// The flows pass (the county flows study, flows/study.hpp) and the scenarios pass (a what-if file applied to
// the plan's model, model/county_model.hpp, then the same passes run before and after, with before / after
// tables and a map of changes). docs/flows.md.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <countyscope/access/audit.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/flows/study.hpp>
#include <countyscope/plan/flows_pass.hpp>
#include <countyscope/plan/model_passes.hpp>

#include "passes.hpp"

namespace cs {
namespace {

using flows::FlowsRun;
using flows::round6;

// Population-weighted accessibility per service type from the demand x facility matrix.
struct AccessRow {
  std::string service;
  double mean_s = 0, within15 = 0, within30 = 0, unreachable_pop = 0;
};
std::vector<AccessRow> access_summary(const CountyModel& m) {
  const County& c = m.county;
  std::vector<AccessRow> rows;
  const TimeMatrix& t = m.demand_to_facility;
  for (std::size_t s = 0; s < c.services.types.size(); ++s) {
    std::vector<std::size_t> cols;
    for (std::size_t j = 0; j < c.facilities.size(); ++j)
      if (c.facilities[j].service == s) cols.push_back(j);
    if (cols.empty()) continue;
    AccessRow a;
    a.service = c.services.types[s].name;
    double pop = 0, wsum = 0;
    for (std::size_t d = 0; d < c.demand.size() && d < t.rows(); ++d) {
      float best = kUnreachable;
      for (std::size_t j : cols) best = std::min(best, t(d, j));
      const double p = c.demand[d].population;
      if (!std::isfinite(best)) {
        a.unreachable_pop += p;
        continue;
      }
      pop += p;
      wsum += p * best;
      if (best <= 900) a.within15 += p;
      if (best <= 1800) a.within30 += p;
    }
    const double all = pop + a.unreachable_pop;
    a.mean_s = pop > 0 ? wsum / pop : std::nan("");
    a.within15 = all > 0 ? a.within15 / all : std::nan("");
    a.within30 = all > 0 ? a.within30 / all : std::nan("");
    rows.push_back(a);
  }
  return rows;
}

// What the scenario compares: the passes that read the model, run on the model before and after the edit.
struct ScenarioPasses {
  FlowsRun flows;
  std::vector<AccessRow> access;
};
const std::vector<std::string> kScenarioPasses = {"flows", "accessibility"};
ScenarioPasses run_passes(const CountyModel& m, const flows::FlowsConfig& cfg,
                          const std::vector<double>* jobs) {
  return {flows::compute_flows(m.county, m.settlement_to_settlement, cfg, jobs), access_summary(m)};
}

double labour_inflow(const FlowsRun& r, std::size_t j, std::size_t n) {
  double s = 0;
  if (!r.flows.empty() && r.flows[0].rows() == n)
    for (std::size_t i = 0; i < n; ++i) s += r.flows[0](i, j);
  return s;
}

double mean_to_others(const TimeMatrix& m, std::size_t i) {
  double s = 0;
  std::size_t k = 0;
  for (std::size_t j = 0; j < m.cols(); ++j)
    if (j != i && std::isfinite(m(i, j))) {
      s += m(i, j);
      ++k;
    }
  return k ? s / static_cast<double>(k) : std::nan("");
}

// Per settlement: time to the seat, mean time to the others, labour inflow and population before / after
// (scenario_settlements.csv, every settlement) and the settlements that changed (the map layer).
Table settlements_table(const CountyModel& before, const CountyModel& after, const ScenarioPasses& b,
                        const ScenarioPasses& a, Json& sec) {
  constexpr unsigned kMap = kToJson | kToGpkg;
  Table t("scenario_settlements", GeomType::kPoint,
          {{"settlement", FieldType::kString, "", kToCsv},
           {"name", FieldType::kString, "", kMap},
           {"tier", FieldType::kString},
           {"time_to_seat_before_min", FieldType::kReal, "min", kToCsv},
           {"time_to_seat_after_min", FieldType::kReal, "min", kToCsv},
           {"time_change_min", FieldType::kReal, "min", kToCsv},
           {"time_to_seat_change_min", FieldType::kReal, "min", kMap},
           {"mean_time_to_others_before_min", FieldType::kReal, "min", kToCsv},
           {"mean_time_to_others_after_min", FieldType::kReal, "min", kToCsv},
           {"labour_inflow_before", FieldType::kReal, "persons", kToCsv},
           {"labour_inflow_after", FieldType::kReal, "persons", kToCsv},
           {"labour_inflow_change", FieldType::kReal, "persons", kMap},
           {"population_before", FieldType::kReal, "persons", kToCsv},
           {"population_after", FieldType::kReal, "persons", kToCsv}});
  const auto& ss = before.county.settlements;
  const std::size_t n = ss.size();
  const auto seat = static_cast<std::size_t>(std::max(0, before.county.seat));
  double sum_before = 0, sum_after = 0;
  std::size_t counted = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double tb = before.settlement_to_settlement(i, seat), ta = after.settlement_to_settlement(i, seat);
    const bool reached = std::isfinite(ta) && std::isfinite(tb);
    if (reached && i != seat) {
      sum_before += tb;
      sum_after += ta;
      ++counted;
    }
    const double in_b = labour_inflow(b.flows, i, n), in_a = labour_inflow(a.flows, i, n);
    const bool changed = (reached && std::abs(ta - tb) >= 1.0) || std::abs(in_a - in_b) > 1e-6;
    const std::string tier(tier_name(ss[i].tier));
    t.add(Shape::point(ss[i].pos),
          {ss[i].name, ss[i].name, tier, output_minutes(tb), output_minutes(ta), output_minutes(ta - tb),
           output_minutes(ta - tb), output_minutes(mean_to_others(before.settlement_to_settlement, i)),
           output_minutes(mean_to_others(after.settlement_to_settlement, i)), round6(in_b), round6(in_a),
           round6(in_a - in_b), round6(b.flows.masses.population[i]), round6(a.flows.masses.population[i])},
          changed ? kToAll : kToCsv);
  }
  const double nan = std::nan("");
  sec["mean_time_to_seat_before_min"] =
      number_or_null(counted ? output_minutes(sum_before / double(counted)) : nan);
  sec["mean_time_to_seat_after_min"] =
      number_or_null(counted ? output_minutes(sum_after / double(counted)) : nan);
  return t;
}

// Changed road edges (upgrades, closures, new links) with their speeds: the scenario_changes map layer.
Table changes_table(const CountyModel& before, const ModelEdit& edit, const flows::Scenario& sc) {
  Table t("scenario_changes", GeomType::kLineString,
          {{"kind", FieldType::kString},
           {"name", FieldType::kString},
           {"speed_before_kmh", FieldType::kReal, "km/h"},
           {"speed_after_kmh", FieldType::kReal, "km/h"}});
  t.csv_file.clear();
  const network::RoadGraph& g0 = before.car.graph;
  const network::RoadGraph& g2 = edit.model.car.graph;
  for (std::uint32_t e : edit.network.changed_edges) {
    const auto shp = g2.edge_shape(e);
    const bool link = g2.edge_way[e] < 0;
    double before_speed = std::nan("");
    if (!link)
      for (std::size_t k = 0; k < g0.edge_count(); ++k)
        if (g0.edge_way[k] == g2.edge_way[e] && g0.edge_from[k] == g2.edge_from[e] &&
            g0.edge_to[k] == g2.edge_to[e]) {
          before_speed = g0.edge_speed_kmh[k];
          break;
        }
    const std::string name = link ? sc.links[static_cast<std::size_t>(-g2.edge_way[e] - 1)].name
                                  : "way " + std::to_string(g2.edge_way[e]);
    t.add(Shape::line({shp.begin(), shp.end()}),
          {std::string(link ? "new_link" : "upgrade"), name, real_or_null(before_speed),
           real_or_null(g2.edge_speed_kmh[e])});
  }
  return t;
}

// Flows per pair and factor before / after (scenario_flows.csv) and the factor totals (the section).
Table flows_table(const County& c, const FlowsRun& b, const FlowsRun& a, Json& totals) {
  Table t("scenario_flows", {{"factor", FieldType::kString},
                             {"origin", FieldType::kString},
                             {"destination", FieldType::kString},
                             {"flow_before", FieldType::kReal, "persons"},
                             {"flow_after", FieldType::kReal, "persons"},
                             {"change", FieldType::kReal, "persons"}});
  const auto& ss = c.settlements;
  const std::size_t n = ss.size();
  totals = Json::array();
  for (std::size_t f = 0; f < b.factors.size(); ++f) {
    const auto& tb = b.flows[f];
    const auto& ta = a.flows[f];
    if (tb.rows() != n || ta.rows() != n) continue;
    double sb = 0, sa = 0, moved = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        sb += tb(i, j);
        sa += ta(i, j);
        moved += std::abs(ta(i, j) - tb(i, j));
        if (tb(i, j) > 0 || ta(i, j) > 0)
          t.add({b.factors[f].name, ss[i].name, ss[j].name, round6(tb(i, j)), round6(ta(i, j)),
                 round6(ta(i, j) - tb(i, j))});
      }
    totals.push_back({{"factor", b.factors[f].name},
                      {"total_before", round6(sb)},
                      {"total_after", round6(sa)},
                      {"redistributed", round6(moved / 2)}});
  }
  return t;
}

Table balance_table(const flows::Balance& b, const flows::Balance& a) {
  Table t("scenario_balance", {{"factor", FieldType::kString},
                               {"from_tier", FieldType::kString, "", kToAll, "from"},
                               {"to_tier", FieldType::kString, "", kToAll, "to"},
                               {"flow_before", FieldType::kReal, "persons"},
                               {"flow_after", FieldType::kReal, "persons"},
                               {"net_before", FieldType::kReal, "persons"},
                               {"net_after", FieldType::kReal, "persons"}});
  t.json = JsonPlace::kSection;
  t.json_key = "/balance";
  for (std::size_t k = 0; k < b.tiers.size() && k < a.tiers.size(); ++k) {
    const auto& x = b.tiers[k];
    const auto& y = a.tiers[k];
    t.add({x.factor, std::string(tier_name(x.from)), std::string(tier_name(x.to)), round6(x.flow),
           round6(y.flow), round6(x.net), round6(y.net)});
  }
  return t;
}

Table access_table(const std::vector<AccessRow>& before, const std::vector<AccessRow>& after) {
  Table t("scenario_access",
          {{"service", FieldType::kString},
           {"mean_time_before_min", FieldType::kReal, "min"},
           {"mean_time_after_min", FieldType::kReal, "min"},
           {"share_within_15min_before", FieldType::kReal, "share", kToAll, "within_15min_before"},
           {"share_within_15min_after", FieldType::kReal, "share", kToAll, "within_15min_after"},
           {"share_within_30min_before", FieldType::kReal, "share", kToCsv},
           {"share_within_30min_after", FieldType::kReal, "share", kToCsv}});
  t.json = JsonPlace::kSection;
  t.json_key = "/access";
  for (const auto& b : before) {
    const auto it =
        std::find_if(after.begin(), after.end(), [&](const AccessRow& x) { return x.service == b.service; });
    const AccessRow a = it == after.end() ? AccessRow{b.service, std::nan(""), 0, 0, 0} : *it;
    t.add({b.service, output_minutes(b.mean_s), output_minutes(a.mean_s), round6(b.within15),
           round6(a.within15), round6(b.within30), round6(a.within30)});
  }
  for (const auto& a : after)  // services that only exist after (a facility of a new type opened)
    if (std::none_of(before.begin(), before.end(),
                     [&](const AccessRow& x) { return x.service == a.service; }))
      t.add({a.service, {}, output_minutes(a.mean_s), 0.0, round6(a.within15), {}, {}}, kToJson);
  return t;
}

}  // namespace

namespace detail {

void pass_flows(PlanState& st, Context& ctx) {
  const Outputs o = flows::run_flows(st.county, st.settlement_to_settlement, st.cfg.flows);
  merge(st, "flows", o);
  ctx.info("flows: " + std::to_string(o.section["factors"].size()) + " factors between " +
           std::to_string(st.county.settlements.size()) +
           " settlements (assumed parameters unless configured)");
}

void check_flows_config(const PlanConfig& cfg, bool scenarios) {
  if (scenarios && !cfg.scenarios.file.empty())
    (void)scenario_access_config(cfg.access, flows::load_scenario(cfg.scenarios.file));
}

void pass_scenarios(PlanState& st, Context& ctx) {
  if (st.cfg.scenarios.file.empty()) return;
  const flows::Scenario sc = flows::load_scenario(st.cfg.scenarios.file);
  const ModelEdit edit = apply(sc, st, st.cfg.snap, detail::matrix_options(st.cfg), ctx);
  run_flows_scenario(st, sc, edit, ctx);
  if (std::find(st.cfg.skip.begin(), st.cfg.skip.end(), "access") == st.cfg.skip.end())
    timed(ctx, "scenarios/access", [&] { add_scenario_after_access(st, sc, edit, ctx); });
  else if (!sc.standards.empty())
    ctx.warn("scenario '" + sc.name + "': its [[standard]] changes need the access pass, which is skipped");
}

}  // namespace detail

void run_flows_scenario(PlanState& st, const flows::Scenario& sc, Context& ctx) {
  // The edited model: apply() shares what the scenario does not touch and rebuilds the rest with the
  // functions the spine passes use (model/county_model.hpp); then the same passes run on both models.
  run_flows_scenario(st, sc, apply(sc, st, st.cfg.snap, detail::matrix_options(st.cfg), ctx), ctx);
}

struct ScenarioBaseline {
  ScenarioPasses passes;
};

std::shared_ptr<const ScenarioBaseline> scenario_baseline(const CountyModel& st,
                                                          const flows::FlowsConfig& cfg) {
  return std::make_shared<const ScenarioBaseline>(ScenarioBaseline{run_passes(st, cfg, nullptr)});
}

void run_flows_scenario(PlanState& st, const flows::Scenario& sc, const ModelEdit& edit, Context& ctx,
                        const ScenarioBaseline* baseline) {
  const flows::FlowsConfig& fc = st.cfg.flows;
  std::shared_ptr<const ScenarioBaseline> own;
  if (!baseline) {
    own = scenario_baseline(st, fc);
    baseline = own.get();
  }
  const ScenarioPasses& before = baseline->passes;
  const ScenarioPasses after = timed(ctx, "scenarios/passes", [&] {
    return run_passes(edit.model, fc, edit.jobs.empty() ? nullptr : &edit.jobs);
  });
  std::vector<std::string> reran = edit.recomputed;
  reran.insert(reran.end(), kScenarioPasses.begin(), kScenarioPasses.end());

  Outputs o;
  Json& sec = o.section;
  sec = flows::scenario_to_json(sc);
  sec["file"] = std::filesystem::path(sc.file).filename().string();
  sec["reran"] = reran;
  sec["network"] = {{"edges_changed", edit.network.edges_changed},
                    {"edges_closed", edit.network.edges_closed},
                    {"links_added", edit.network.links_added}};
  o.add(changes_table(st, edit, sc));
  o.add(settlements_table(st, edit.model, before, after, sec));
  o.add(flows_table(st.county, before.flows, after.flows, sec["factors"]));
  o.add(balance_table(before.flows.balance, after.flows.balance));
  o.add(access_table(before.access, after.access));
  // The after state in the baseline tables' own format: equal bytes when the scenario changes nothing.
  Outputs a = flows::flows_outputs(edit.model.county, after.flows, fc);
  for (const char* name : {"flows_settlements", "flows_balance_tiers"}) {
    Table t = *a.find(name);
    t.csv_file = "scenario_after_" + t.csv_file;
    t.json = JsonPlace::kNone;
    o.add(std::move(t));
  }
  detail::merge(st, "scenario", o);
  ctx.info("scenario '" + sc.name + "': re-ran " + std::to_string(reran.size()) + " passes");
}

access::AccessStudyConfig scenario_access_config(const access::AccessStudyConfig& base,
                                                 const flows::Scenario& sc) {
  if (sc.standards.empty()) return base;
  access::AccessStudyConfig cfg = base;
  std::vector<access::Standard> s = base.standards ? *base.standards
                                    : !base.options.standards.empty()
                                        ? access::load_standards(base.options.standards)
                                        : access::default_standards();
  for (std::size_t i = 0; i < sc.standards.size(); ++i) {
    const flows::StandardChange& c = sc.standards[i];
    const auto it = std::find_if(s.begin(), s.end(), [&](const access::Standard& x) { return x.id == c.id; });
    if (it == s.end()) {
      std::string ids;
      for (const access::Standard& x : s) ids += (ids.empty() ? "" : ", ") + x.id;
      throw InputError(sc.file, "standard[" + std::to_string(i + 1) + "]", "id",
                       "unknown standard '" + c.id + "'; expected one of: " + ids);
    }
    if (it->max) it->max = c.threshold;
    if (it->min) it->min = c.threshold;
  }
  cfg.standards = std::move(s);
  return cfg;
}

void add_scenario_after_access(PlanState& st, const flows::Scenario& sc, const ModelEdit& edit,
                               Context& ctx) {
  access::AccessStudyConfig cfg = scenario_access_config(st.cfg.access, sc);
  cfg.demand_table = false;
  const access::AccessStudy a = access::run_access_study(access_inputs(edit.model), cfg, ctx);
  for (auto& [name, text] : csv_files(a.outputs)) st.csv["scenario_after_" + name] = std::move(text);
}

}  // namespace cs
