// The flows pass (factor flows between settlements and their two-way balance) and the scenarios pass (a
// what-if file re-run through the affected passes, with before / after tables and a map of changes).
// docs/flows.md.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include <toml++/toml.h>

#include <countyscope/core/limits.hpp>
#include <countyscope/flows/balance.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/plan/flows_pass.hpp>

#include "passes.hpp"

namespace cs {
namespace {

using flows::Balance;
using flows::FactorMasses;
using flows::FactorModel;

struct FlowsConfig {
  double jobs_per_facility = 20.0, jobs_per_resident = 0.1;
  std::string capital;                 // CSV: name, capital_out, capital_in
  std::map<std::string, double> beta;  // factor -> beta per minute (overrides the assumed default)
  std::size_t max_lines = 150;         // flow lines per factor in the results document (GeoPackage keeps all)
  std::string scenario;                // [scenarios] file
};

std::string config_file(const PlanConfig& pc) {
  return pc.config_path.empty() ? "plan config" : pc.config_path;
}

FlowsConfig read_config(const PlanConfig& pc) {
  FlowsConfig c;
  if (pc.config_text.empty()) return c;
  const std::string file = config_file(pc);
  toml::table root;
  try {
    root = toml::parse(pc.config_text, file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, "", "", std::string(e.description()));
  }
  auto number = [&](const toml::table& t, const std::string& sec, const char* k, double lo, double hi,
                    double& out) {
    if (const toml::node* n = t.get(k)) {
      const auto v = n->value<double>();
      if (!v || !(*v >= lo && *v <= hi))  // NaN fails both comparisons: never replaced by a default
        throw InputError(file, "line " + std::to_string(n->source().begin.line), sec + "." + k,
                         "must be a finite number in [" + format_number(lo) + ", " + format_number(hi) + "]" +
                             (v ? ", got " + number_text(*v) : std::string()));
      out = *v;
    }
  };
  auto keys = [&](const toml::table& t, const std::string& sec, const std::vector<std::string>& valid) {
    for (const auto& [k, v] : t)
      if (std::find(valid.begin(), valid.end(), std::string(k.str())) == valid.end()) {
        std::string list;
        for (const auto& s : valid) list += (list.empty() ? "" : ", ") + s;
        throw InputError(file, "", sec + "." + std::string(k.str()),
                         "unknown key; valid keys in [" + sec + "]: " + list);
      }
  };
  const std::filesystem::path base =
      pc.config_path.empty() ? std::filesystem::path() : std::filesystem::path(pc.config_path).parent_path();
  auto path = [&](const std::string& p) {
    return std::filesystem::path(p).is_absolute() || base.empty() ? p : (base / p).string();
  };
  if (const toml::table* t = root["flows"].as_table()) {
    keys(*t, "flows",
         {"jobs_per_facility", "jobs_per_resident", "capital", "beta_labour", "beta_consumption",
          "beta_services", "beta_capital", "max_lines"});
    number(*t, "flows", "jobs_per_facility", 0, 1e6, c.jobs_per_facility);
    number(*t, "flows", "jobs_per_resident", 0, 10, c.jobs_per_resident);
    for (const char* f : {"labour", "consumption", "services", "capital"}) {
      double b = std::nan("");
      number(*t, "flows", ("beta_" + std::string(f)).c_str(), 0, 10, b);
      if (!std::isnan(b)) c.beta[f] = b;
    }
    double ml = static_cast<double>(c.max_lines);
    number(*t, "flows", "max_lines", 0, 1e6, ml);
    c.max_lines = static_cast<std::size_t>(ml);
    if (const toml::node* n = t->get("capital")) {
      const auto v = n->value<std::string>();
      if (!v)
        throw InputError(file, "", "flows.capital",
                         "must be a path to a CSV (name, capital_out, capital_in)");
      c.capital = path(*v);
    }
  }
  if (const toml::table* t = root["scenarios"].as_table()) {
    keys(*t, "scenarios", {"file"});
    if (const toml::node* n = t->get("file")) {
      const auto v = n->value<std::string>();
      if (!v) throw InputError(file, "", "scenarios.file", "must be a path to a scenario TOML");
      c.scenario = path(*v);
    }
  }
  return c;
}

// Everything the flows pass derives from a county and its settlement matrix; computed identically before and
// after a scenario so that an unchanged input gives byte-identical tables.
struct FlowsRun {
  std::vector<FactorModel> factors;
  FactorMasses masses;
  Matrix<double> minutes;
  std::vector<Matrix<double>> flows;
  Balance balance;
};

FlowsRun compute(const CountyModel& st, const FlowsConfig& fc, const std::vector<double>* jobs_override) {
  FlowsRun r;
  const County& c = st.county;
  const std::size_t n = c.settlements.size();
  r.masses = flows::county_masses(c, fc.jobs_per_facility, fc.jobs_per_resident);
  if (jobs_override)
    for (std::size_t i = 0; i < n && i < jobs_override->size(); ++i)
      if (!std::isnan((*jobs_override)[i])) r.masses.jobs[i] = (*jobs_override)[i];
  if (!fc.capital.empty()) {
    const CsvTable t = read_csv(fc.capital);
    const std::size_t cn = t.column("name"), co = t.column("capital_out"), ci = t.column("capital_in");
    r.masses.capital_out.assign(n, 0.0);
    r.masses.capital_in.assign(n, 0.0);
    (void)t.unique_index(cn);  // one row per settlement
    for (std::size_t k = 0; k < t.rows(); ++k) {
      const auto it = std::find_if(c.settlements.begin(), c.settlements.end(),
                                   [&](const Settlement& s) { return s.name == t.text(k, cn); });
      if (it == c.settlements.end())
        throw InputError(fc.capital, t.where(k), "name", "no settlement named '" + t.text(k, cn) + "'");
      const auto i = static_cast<std::size_t>(it - c.settlements.begin());
      r.masses.capital_out[i] = t.number(k, co, limits::kMass);
      r.masses.capital_in[i] = t.number(k, ci, limits::kMass);
    }
  }
  r.factors = flows::default_factors();
  for (auto& f : r.factors)
    if (const auto it = fc.beta.find(f.name); it != fc.beta.end()) {
      f.beta_per_min = it->second;
      f.assumed = false;
    }
  if (fc.capital.empty()) r.factors.pop_back();  // capital only with user masses
  const TimeMatrix& s2s = st.settlement_to_settlement;
  r.minutes = Matrix<double>(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) r.minutes(i, j) = static_cast<double>(s2s(i, j)) / 60.0;
  r.flows = flows::factor_flows(r.factors, r.masses, r.minutes);
  std::vector<Tier> tiers;
  for (const auto& s : c.settlements) tiers.push_back(s.tier);
  r.balance = flows::two_way_balance(tiers, r.minutes, r.factors, r.flows, r.masses.population);
  return r;
}

double r6(double x) { return std::isfinite(x) ? std::round(x * 1e6) / 1e6 : x; }

std::vector<std::string> names_of(const County& c) {
  std::vector<std::string> v;
  for (const auto& s : c.settlements) v.push_back(s.name);
  return v;
}

std::string flows_csv(const CountyModel& st, const FlowsRun& r) {
  CsvWriter w({"factor", "origin", "destination", "origin_tier", "dest_tier", "flow", "time_s"});
  const auto& ss = st.county.settlements;
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& t = r.flows[f];
    if (t.rows() == 0) continue;
    for (std::size_t i = 0; i < t.rows(); ++i)
      for (std::size_t j = 0; j < t.cols(); ++j) {
        if (!(t(i, j) > 0)) continue;
        w.cell(r.factors[f].name)
            .cell(ss[i].name)
            .cell(ss[j].name)
            .cell(tier_name(ss[i].tier))
            .cell(tier_name(ss[j].tier))
            .cell(r6(t(i, j)))
            .cell(std::round(r.minutes(i, j) * 600.0) / 10.0)
            .end_row();
      }
  }
  return w.str();
}

std::string masses_csv(const PlanState& st, const FlowsRun& r) {
  CsvWriter w({"settlement", "tier", "population", "facilities", "jobs_proxy", "hinterland_of"});
  const auto& ss = st.county.settlements;
  for (std::size_t i = 0; i < ss.size(); ++i) {
    w.cell(ss[i].name)
        .cell(tier_name(ss[i].tier))
        .cell(r6(r.masses.population[i]))
        .cell(r.masses.facilities[i])
        .cell(r6(r.masses.jobs[i]));
    const int h = r.balance.hinterland_of[i];
    if (h >= 0)
      w.cell(ss[static_cast<std::size_t>(h)].name);
    else
      w.null();
    w.end_row();
  }
  return w.str();
}

Json factors_json(const FlowsRun& r) {
  Json a = Json::array();
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& x = r.factors[f];
    double total = 0;
    for (double v : r.flows[f].storage()) total += v;
    a.push_back({{"name", x.name},
                 {"unit", x.unit},
                 {"model", flows::form_name(x.form)},
                 {"decay", flows::decay_name(x.decay)},
                 {"beta_per_min", x.beta_per_min},
                 {"rate", x.rate},
                 {"origin_mass", flows::mass_name(x.origin)},
                 {"dest_mass", flows::mass_name(x.dest)},
                 {"parameters_source", x.assumed ? "assumed" : "given"},
                 {"total", r6(total)},
                 {"computed", r.flows[f].rows() > 0}});
  }
  return a;
}

void add_flow_lines(PlanState& st, const FlowsRun& r, std::size_t max_lines) {
  const auto& ss = st.county.settlements;
  detail::DualLayer all("flow_lines", GeomType::kLineString,
                        {{"factor", FieldType::kString},
                         {"origin", FieldType::kString},
                         {"destination", FieldType::kString},
                         {"flow", FieldType::kReal},
                         {"rank", FieldType::kInteger}});
  // Per factor: the positive pairs, strongest first (ties by pair index), as (-flow, row-major pair index).
  std::vector<std::vector<std::pair<double, std::size_t>>> ranked(r.factors.size());
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& t = r.flows[f];
    for (std::size_t k = 0; k < t.storage().size(); ++k)
      if (t.storage()[k] > 0) ranked[f].push_back({-t.storage()[k], k});
    std::sort(ranked[f].begin(), ranked[f].end());
  }
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& t = r.flows[f];
    if (t.rows() == 0) continue;
    const auto& order = ranked[f];
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
      const std::size_t i = order[rank].second / t.cols(), j = order[rank].second % t.cols();
      all.add_line({ss[i].pos, ss[j].pos}, {r.factors[f].name, ss[i].name, ss[j].name, r6(-order[rank].first),
                                            static_cast<std::int64_t>(rank + 1)});
    }
  }
  // The GeoPackage keeps every pair; the results document (the report's map) only the strongest per factor.
  all.finish(st, false);
  Json layer = Json::array();
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& t = r.flows[f];
    if (t.rows() == 0) continue;
    const auto& order = ranked[f];
    for (std::size_t rank = 0; rank < order.size() && rank < max_lines; ++rank) {
      const std::size_t i = order[rank].second / t.cols(), j = order[rank].second % t.cols();
      layer.push_back({{"type", "Feature"},
                       {"geometry",
                        {{"type", "LineString"},
                         {"coordinates", {detail::coord_json(ss[i].pos), detail::coord_json(ss[j].pos)}}}},
                       {"properties",
                        {{"factor", r.factors[f].name},
                         {"origin", ss[i].name},
                         {"destination", ss[j].name},
                         {"flow", r6(-order[rank].first)},
                         {"rank", rank + 1}}}});
    }
  }
  st.doc["layers"]["flow_lines"] = {{"type", "FeatureCollection"}, {"features", std::move(layer)}};
}

// Population-weighted accessibility per service type from the demand x facility matrix.
struct AccessRow {
  std::string service;
  double mean_s = 0, within15 = 0, within30 = 0, unreachable_pop = 0;
};
std::vector<AccessRow> access_summary(const CountyModel& st) {
  const County& c = st.county;
  std::vector<AccessRow> rows;
  const TimeMatrix& m = st.demand_to_facility;
  for (std::size_t s = 0; s < c.services.types.size(); ++s) {
    std::vector<std::size_t> cols;
    for (std::size_t j = 0; j < c.facilities.size(); ++j)
      if (c.facilities[j].service == s) cols.push_back(j);
    if (cols.empty()) continue;
    AccessRow a;
    a.service = c.services.types[s].name;
    double pop = 0, wsum = 0;
    for (std::size_t d = 0; d < c.demand.size() && d < m.rows(); ++d) {
      float best = kUnreachable;
      for (std::size_t j : cols) best = std::min(best, m(d, j));
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

}  // namespace

namespace detail {

void pass_flows(PlanState& st, Context& ctx) {
  const FlowsConfig fc = read_config(st.cfg);
  const FlowsRun r = compute(st, fc, nullptr);
  const auto names = names_of(st.county);
  Json sec;
  sec["factors"] = factors_json(r);
  sec["balance"] = flows::balance_to_json(r.balance, names);
  sec["masses"] = {
      {"population", "dasymetric estimate per settlement (population_est)"},
      {"facilities", "facilities whose nearest settlement (great circle) it is"},
      {"jobs_proxy", "facilities x " + format_number(fc.jobs_per_facility) + " + population x " +
                         format_number(fc.jobs_per_resident) + " (crude proxy; override in a scenario)"}};
  sec["cost"] = "car travel time between settlements (minutes); unreachable pairs carry no flow";
  sec["note"] =
      "Parameters marked 'assumed' are documented defaults (docs/flows.md), not calibrated; calibrate "
      "with `countyscope flows --od` when an observed OD table exists.";
  st.doc["sections"]["flows"] = std::move(sec);
  st.csv["flows_settlements.csv"] = flows_csv(st, r);
  st.csv["flows_balance_tiers.csv"] = flows::balance_tiers_csv(r.balance);
  st.csv["flows_balance_centres.csv"] = flows::balance_centres_csv(r.balance, names);
  st.csv["flows_masses.csv"] = masses_csv(st, r);
  add_flow_lines(st, r, fc.max_lines);
  ctx.info("flows: " + std::to_string(r.factors.size()) + " factors between " + std::to_string(names.size()) +
           " settlements (assumed parameters unless configured)");
}

void check_flows_config(const PlanConfig& cfg, bool scenarios) {
  const FlowsConfig fc = read_config(cfg);
  if (scenarios && !fc.scenario.empty()) (void)flows::load_scenario(fc.scenario);
}

void pass_scenarios(PlanState& st, Context& ctx) {
  const FlowsConfig fc = read_config(st.cfg);
  if (fc.scenario.empty()) return;
  run_flows_scenario(st, flows::load_scenario(fc.scenario), ctx);
}

}  // namespace detail

void run_flows_scenario(PlanState& st, const flows::Scenario& sc, Context& ctx) {
  const FlowsConfig fc = read_config(st.cfg);
  const FlowsRun before = compute(st, fc, nullptr);
  const std::vector<AccessRow> acc_before = access_summary(st);

  // The edited model: apply() shares or copies what the scenario does not touch and rebuilds the rest with
  // the functions the spine passes use (model/county_model.hpp).
  ModelEdit edit = apply(sc, st, st.cfg.snap, detail::matrix_options(st.cfg), ctx);
  const CountyModel& after = edit.model;
  const std::vector<double>& jobs = edit.jobs;
  std::vector<std::string> reran = edit.recomputed;
  const flows::NetworkChangeReport& nrep = edit.network;
  const bool fac_change = !sc.facilities.empty();
  const FlowsRun aft =
      timed(ctx, "scenarios/flows", [&] { return compute(after, fc, jobs.empty() ? nullptr : &jobs); });
  reran.push_back("flows");
  std::vector<AccessRow> acc_after = acc_before;
  if (sc.changes_network() || fac_change) {
    acc_after = access_summary(after);
    reran.push_back("accessibility");
  }

  const auto& ss = st.county.settlements;
  const std::size_t n = ss.size();
  const auto seat = static_cast<std::size_t>(std::max(0, st.county.seat));
  // Settlements: time to the seat and labour inflow, before / after.
  CsvWriter sw({"settlement", "tier", "time_to_seat_before_s", "time_to_seat_after_s", "time_change_s",
                "mean_time_to_others_before_s", "mean_time_to_others_after_s", "labour_inflow_before",
                "labour_inflow_after", "population_before", "population_after"});
  auto mean_other = [&](const TimeMatrix& m, std::size_t i) {
    double s = 0;
    std::size_t k = 0;
    for (std::size_t j = 0; j < n; ++j)
      if (j != i && std::isfinite(m(i, j))) {
        s += m(i, j);
        ++k;
      }
    return k ? s / static_cast<double>(k) : std::nan("");
  };
  auto inflow = [&](const FlowsRun& r, std::size_t j) {
    double s = 0;
    if (!r.flows.empty() && r.flows[0].rows() == n)
      for (std::size_t i = 0; i < n; ++i) s += r.flows[0](i, j);
    return s;
  };
  auto t1 = [](double x) { return std::isfinite(x) ? std::round(x * 10) / 10 : x; };
  double sum_before = 0, sum_after = 0;
  std::size_t counted = 0;
  detail::DualLayer changes("scenario_changes", GeomType::kLineString,
                            {{"kind", FieldType::kString},
                             {"name", FieldType::kString},
                             {"speed_before_kmh", FieldType::kReal},
                             {"speed_after_kmh", FieldType::kReal}});
  detail::DualLayer moved("scenario_settlements", GeomType::kPoint,
                          {{"name", FieldType::kString},
                           {"tier", FieldType::kString},
                           {"time_to_seat_change_s", FieldType::kReal},
                           {"labour_inflow_change", FieldType::kReal}});
  for (std::size_t i = 0; i < n; ++i) {
    const double b = st.settlement_to_settlement(i, seat), a = after.settlement_to_settlement(i, seat);
    if (std::isfinite(a) && std::isfinite(b) && i != seat) {
      sum_before += b;
      sum_after += a;
      ++counted;
    }
    sw.cell(ss[i].name)
        .cell(tier_name(ss[i].tier))
        .cell(t1(b))
        .cell(t1(a))
        .cell(t1(a - b))
        .cell(t1(mean_other(st.settlement_to_settlement, i)))
        .cell(t1(mean_other(after.settlement_to_settlement, i)))
        .cell(r6(inflow(before, i)))
        .cell(r6(inflow(aft, i)))
        .cell(r6(before.masses.population[i]))
        .cell(r6(aft.masses.population[i]))
        .end_row();
    const double dflow = inflow(aft, i) - inflow(before, i);
    if ((std::isfinite(a) && std::isfinite(b) && std::abs(a - b) >= 1.0) || std::abs(dflow) > 1e-6)
      moved.add_point(ss[i].pos, {ss[i].name, std::string(tier_name(ss[i].tier)),
                                  detail::real_or_null(t1(a - b)), r6(dflow)});
  }
  // Changed road edges (upgrades, closures, new links) with their speeds.
  const RoadGraph& g2 = after.car.graph;
  for (std::uint32_t e : nrep.changed_edges) {
    const auto shp = g2.edge_shape(e);
    const std::vector<LonLat> pts(shp.begin(), shp.end());
    const bool link = g2.edge_way[e] < 0;
    double before_speed = std::nan("");
    if (!link)
      for (std::size_t k = 0; k < st.car.graph.edge_count(); ++k)
        if (st.car.graph.edge_way[k] == g2.edge_way[e] && st.car.graph.edge_from[k] == g2.edge_from[e] &&
            st.car.graph.edge_to[k] == g2.edge_to[e]) {
          before_speed = st.car.graph.edge_speed_kmh[k];
          break;
        }
    const std::string name = link ? sc.links[static_cast<std::size_t>(-g2.edge_way[e] - 1)].name
                                  : "way " + std::to_string(g2.edge_way[e]);
    changes.add_line(pts, {std::string(link ? "new_link" : "upgrade"), name,
                           detail::real_or_null(before_speed), detail::real_or_null(g2.edge_speed_kmh[e])});
  }
  changes.finish(st);
  moved.finish(st);

  // Flows, balance and access before / after: one table each, its rows written to CSV and the section.
  Outputs o;
  Table fw("scenario_flows", {{"factor", FieldType::kString},
                              {"origin", FieldType::kString},
                              {"destination", FieldType::kString},
                              {"flow_before", FieldType::kReal, "persons"},
                              {"flow_after", FieldType::kReal, "persons"},
                              {"change", FieldType::kReal, "persons"}});
  Json factor_totals = Json::array();
  for (std::size_t f = 0; f < before.factors.size(); ++f) {
    const auto& tb = before.flows[f];
    const auto& ta = aft.flows[f];
    if (tb.rows() != n || ta.rows() != n) continue;
    double sb = 0, sa = 0, moved = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        sb += tb(i, j);
        sa += ta(i, j);
        moved += std::abs(ta(i, j) - tb(i, j));
        if (tb(i, j) > 0 || ta(i, j) > 0)
          fw.add({before.factors[f].name, ss[i].name, ss[j].name, r6(tb(i, j)), r6(ta(i, j)),
                  r6(ta(i, j) - tb(i, j))});
      }
    factor_totals.push_back({{"factor", before.factors[f].name},
                             {"total_before", r6(sb)},
                             {"total_after", r6(sa)},
                             {"redistributed", r6(moved / 2)}});
  }
  Table bw("scenario_balance", {{"factor", FieldType::kString},
                                {"from_tier", FieldType::kString, "", kToAll, "from"},
                                {"to_tier", FieldType::kString, "", kToAll, "to"},
                                {"flow_before", FieldType::kReal, "persons"},
                                {"flow_after", FieldType::kReal, "persons"},
                                {"net_before", FieldType::kReal, "persons"},
                                {"net_after", FieldType::kReal, "persons"}});
  bw.json = JsonPlace::kSection;
  bw.json_key = "/balance";
  for (std::size_t k = 0; k < before.balance.tiers.size() && k < aft.balance.tiers.size(); ++k) {
    const auto& b = before.balance.tiers[k];
    const auto& a = aft.balance.tiers[k];
    bw.add({b.factor, std::string(tier_name(b.from)), std::string(tier_name(b.to)), r6(b.flow), r6(a.flow),
            r6(b.net), r6(a.net)});
  }
  Table aw("scenario_access",
           {{"service", FieldType::kString},
            {"mean_time_before_s", FieldType::kReal, "s"},
            {"mean_time_after_s", FieldType::kReal, "s"},
            {"share_within_15min_before", FieldType::kReal, "share", kToAll, "within_15min_before"},
            {"share_within_15min_after", FieldType::kReal, "share", kToAll, "within_15min_after"},
            {"share_within_30min_before", FieldType::kReal, "share", kToCsv},
            {"share_within_30min_after", FieldType::kReal, "share", kToCsv}});
  aw.json = JsonPlace::kSection;
  aw.json_key = "/access";
  for (const auto& b : acc_before) {
    const auto it = std::find_if(acc_after.begin(), acc_after.end(),
                                 [&](const AccessRow& x) { return x.service == b.service; });
    const AccessRow a = it == acc_after.end() ? AccessRow{b.service, std::nan(""), 0, 0, 0} : *it;
    aw.add({b.service, t1(b.mean_s), t1(a.mean_s), r6(b.within15), r6(a.within15), r6(b.within30),
            r6(a.within30)});
  }
  for (const auto& a : acc_after)  // services that only exist after (a facility of a new type opened)
    if (std::none_of(acc_before.begin(), acc_before.end(),
                     [&](const AccessRow& x) { return x.service == a.service; }))
      aw.add({a.service, {}, t1(a.mean_s), 0.0, r6(a.within15), {}, {}}, kToJson);
  o.add(std::move(fw));
  o.add(std::move(bw));
  o.add(std::move(aw));

  st.csv["scenario_settlements.csv"] = sw.str();
  // The after state in the baseline tables' own format: equal bytes when the scenario changes nothing.
  st.csv["scenario_after_flows_settlements.csv"] = flows_csv(after, aft);
  st.csv["scenario_after_flows_balance_tiers.csv"] = flows::balance_tiers_csv(aft.balance);

  Json sec = flows::scenario_to_json(sc);
  sec["file"] = std::filesystem::path(sc.file).filename().string();
  sec["reran"] = reran;
  sec["network"] = {{"edges_changed", nrep.edges_changed},
                    {"edges_closed", nrep.edges_closed},
                    {"links_added", nrep.links_added}};
  sec["mean_time_to_seat_before_s"] =
      number_or_null(counted ? t1(sum_before / static_cast<double>(counted)) : std::nan(""));
  sec["mean_time_to_seat_after_s"] =
      number_or_null(counted ? t1(sum_after / static_cast<double>(counted)) : std::nan(""));
  sec["factors"] = factor_totals;
  o.section = std::move(sec);
  detail::merge(st, "scenario", o);
  ctx.info("scenario '" + sc.name + "': re-ran " + std::to_string(reran.size()) + " passes");
}

}  // namespace cs
