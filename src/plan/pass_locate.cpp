// The locate pass: proposes new sites for chosen service types on the plan's county and shows what changes
// (docs/locate.md, "In the plan"). Candidates are the county's settlements (places) plus the existing
// facilities of the type, which stay open; demand is every residential building weighted by its population.
// Both solvers run (heuristic with its bound, exact MIP through CBC) on the same problem, and the
// before/after access and equity measures come from the services layer. Reads [locate] from the plan TOML.
//
// Outputs: sections.locate, layers.locate_sites (existing and proposed sites), layers.locate_settlements
// (per service and settlement: mean time before/after), GeoPackage layers of the same names, locate_sites.csv
// and locate_settlements.csv.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <countyscope/io/csv.hpp>
#include <countyscope/locate/compare.hpp>
#include <countyscope/locate/problem.hpp>

#include "passes.hpp"
#include "toml_reader.hpp"

namespace cs::detail {

namespace {

struct LocatePassConfig {
  std::vector<std::string> services = {"clinic", "elderly_care"};
  std::string problem = "p-median";
  int new_sites = 2;
  double standard_min = 15;
  std::string solver = "both";
  double time_limit_s = 120;
};

// Every service [locate] works on (the defaults too) must be a type of the service table in use: one line
// naming the service and the file that lacks it, before any work.
void check_services(const LocatePassConfig& cfg, const std::vector<ServiceType>& types, const PlanConfig& pc,
                    const Reader* r) {
  std::vector<std::string> names;
  for (const auto& ty : types) names.push_back(ty.name);
  for (const auto& s : cfg.services) {
    if (std::find(names.begin(), names.end(), s) != names.end()) continue;
    if (r) throw r->error("services", "unknown service type '" + s + "'; valid: " + join(names));
    const std::string table =
        pc.county.service_table.empty() ? "services.toml (built in)" : pc.county.service_table;
    throw InputError(table, "", "",
                     "no service type '" + s +
                         "', which [locate] services uses by default; types in this table: " + join(names) +
                         " (set [locate] services in the plan file, or skip locate)");
  }
}

LocatePassConfig read_config(const PlanConfig& pc, const std::vector<ServiceType>& types) {
  LocatePassConfig cfg;
  const toml::table root =
      pc.config_text.empty()
          ? toml::table()
          : parse_plan_toml(pc.config_text, pc.config_path.empty() ? "plan.toml" : pc.config_path);
  const toml::table* t = root["locate"].as_table();
  if (!t) {
    check_services(cfg, types, pc, nullptr);
    return cfg;
  }
  const std::string file = pc.config_path.empty() ? "plan.toml" : pc.config_path;
  const Reader r(*t, file, "locate",
                 {"services", "problem", "new", "standard_min", "solver", "time_limit_s"});
  const bool given = t->contains("services");
  r.strings("services", cfg.services);
  r.string("problem", cfg.problem);
  r.integer("new", cfg.new_sites, 0, 1000);
  r.number("standard_min", cfg.standard_min, 0, 24 * 60);
  r.string("solver", cfg.solver);
  r.number("time_limit_s", cfg.time_limit_s, 1e-3, 1e7);
  try {
    (void)parse_problem(cfg.problem);
  } catch (const UsageError& e) {
    throw r.error("problem", e.what());
  }
  if (cfg.solver != "mip" && cfg.solver != "heuristic" && cfg.solver != "both")
    throw r.error("solver", "unknown solver '" + cfg.solver + "'; valid: mip, heuristic, both");
  check_services(cfg, types, pc, given ? &r : nullptr);
  return cfg;
}

Json config_json(const LocatePassConfig& c) {
  return Json{{"services", c.services},
              {"problem", c.problem},
              {"new", c.new_sites},
              {"standard_min", c.standard_min},
              {"solver", c.solver},
              {"time_limit_s", c.time_limit_s},
              {"candidates", "settlements (place=*) and the existing facilities of the type (kept open)"},
              {"demand", "residential buildings weighted by population (the county model)"}};
}

// One candidate column: an existing facility (index into County::facilities) or a settlement.
struct Candidate {
  bool existing = false;
  std::size_t index = 0;
};

}  // namespace

void check_locate_config(const PlanConfig& cfg) {
  const ServiceTable table = cfg.county.service_table.empty() ? default_service_table()
                                                              : load_service_table(cfg.county.service_table);
  (void)read_config(cfg, table.types);
}

void pass_locate(PlanState& st, Context& ctx) {
  const County& c = st.county;
  const LocatePassConfig cfg = read_config(st.cfg, c.services.types);
  const ProblemKind kind = parse_problem(cfg.problem);
  Json section = {{"config", config_json(cfg)}, {"services", Json::array()}};
  DualLayer sites("locate_sites", GeomType::kPoint,
                  {{"service", FieldType::kString},
                   {"status", FieldType::kString},
                   {"name", FieldType::kString},
                   {"name_zh", FieldType::kString},
                   {"assigned_population", FieldType::kReal},
                   {"assigned_population_before", FieldType::kReal}});
  DualLayer places("locate_settlements", GeomType::kPoint,
                   {{"service", FieldType::kString},
                    {"name", FieldType::kString},
                    {"name_zh", FieldType::kString},
                    {"tier", FieldType::kString},
                    {"population", FieldType::kReal},
                    {"mean_before_s", FieldType::kReal},
                    {"mean_after_s", FieldType::kReal},
                    {"saved_s", FieldType::kReal}});
  CsvWriter sites_csv(
      {"service", "status", "name", "lon", "lat", "assigned_population_before", "assigned_population"});
  CsvWriter places_csv(
      {"service", "settlement", "tier", "population", "mean_before_min", "mean_after_min", "saved_min"});
  const std::size_t n = c.demand.size();

  for (const std::string& service : cfg.services) {
    const auto sid =
        static_cast<std::uint16_t>(std::find_if(c.services.types.begin(), c.services.types.end(),
                                                [&](const ServiceType& t) { return t.name == service; }) -
                                   c.services.types.begin());
    const ServiceType& type = c.services.types[sid];
    std::vector<Candidate> cand;
    for (std::size_t j = 0; j < c.facilities.size(); ++j)
      if (c.facilities[j].service == sid) cand.push_back({true, j});
    const std::size_t existing = cand.size();
    for (std::size_t s = 0; s < c.settlements.size(); ++s) cand.push_back({false, s});

    LocateProblem pb;
    pb.kind = kind;
    pb.label = service;
    pb.cost = TimeMatrix(n, cand.size());
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < cand.size(); ++k)
        pb.cost(i, k) = cand[k].existing ? st.demand_to_facility(i, cand[k].index)
                                         : st.demand_to_settlement(i, cand[k].index);
    for (const DemandPoint& d : c.demand) pb.weight.push_back(d.population);
    for (std::size_t k = 0; k < existing; ++k) pb.fixed.push_back(static_cast<std::uint32_t>(k));
    pb.standard_s = cfg.standard_min * 60;
    pb.p = kind == ProblemKind::kLscp ? 0 : static_cast<std::uint32_t>(existing + cfg.new_sites);

    Json js = {{"service", service}, {"label_en", type.label_en}, {"label_zh", type.label_zh},
               {"demand_points", n}, {"candidates", cand.size()}, {"existing", existing},
               {"p", pb.p}};
    if (const auto problems = validate(pb); !problems.empty()) {
      js["outcome"] = "not solved";
      js["note"] = problems.front().message;
      ctx.warn("locate[" + service + "]: not solved: " + problems.front().message);
      section["services"].push_back(std::move(js));
      continue;
    }
    std::vector<LocateResult> results;
    if (cfg.solver != "mip") results.push_back(solve_heuristic(pb, {}, ctx));
    if (cfg.solver != "heuristic")
      results.push_back(solve_mip(pb, {.time_limit_s = cfg.time_limit_s, .threads = 1}, ctx));
    // The answer: the better one; the MIP (later) wins ties since it carries the proof.
    const LocateResult* best = nullptr;
    js["results"] = Json::array();
    for (const auto& r : results) {
      Json rj = to_json(r);
      rj.erase("message");
      rj.erase("open");
      if (st.cfg.timings) rj["seconds"] = r.seconds;
      js["results"].push_back(std::move(rj));
      ctx.info("locate[" + service + "]: " + std::string(solver_name(r.solver)) + " " +
               std::string(outcome_name(r.outcome)) + " objective " + format_number(r.objective) + " gap " +
               format_number(r.gap * 100) + " % in " + format_number(r.seconds) + " s");
      if (r.outcome != Outcome::kOptimal && r.outcome != Outcome::kFeasibleGapOpen) continue;
      if (!best || (maximises(kind) ? r.objective >= best->objective : r.objective <= best->objective))
        best = &r;
    }
    if (results.size() == 2 && best)
      js["agree"] = std::abs(results[0].objective - results[1].objective) <=
                    1e-6 * std::max(1.0, std::abs(results[1].objective));
    if (!best) {
      js["outcome"] = std::string(outcome_name(results.back().outcome));
      section["services"].push_back(std::move(js));
      continue;
    }
    js["outcome"] = std::string(outcome_name(best->outcome));
    js["chosen"] = std::string(solver_name(best->solver));
    const BeforeAfter ba = before_after(pb, pb.fixed, best->open, pb.standard_s, ctx);
    js["before"] = to_json(ba.before);
    js["after"] = to_json(ba.after);

    // Who each open site serves, before (existing only) and after.
    std::vector<double> served(cand.size(), 0.0), served_before(cand.size(), 0.0);
    const auto before_assign = nearest_assignment(pb, pb.fixed);
    const auto after_assign = nearest_assignment(pb, best->open);
    for (std::size_t i = 0; i < n; ++i) {
      if (before_assign[i] != kNoFacility) served_before[before_assign[i]] += pb.w(i);
      if (after_assign[i] != kNoFacility) served[after_assign[i]] += pb.w(i);
    }
    Json new_sites = Json::array();
    for (const std::uint32_t k : best->open) {
      const Candidate& cd = cand[k];
      const std::string status = cd.existing ? "existing" : "new";
      const LonLat pos = cd.existing ? c.facilities[cd.index].pos : c.settlements[cd.index].pos;
      const std::string name = cd.existing ? c.facilities[cd.index].name : c.settlements[cd.index].name;
      const std::string name_zh = cd.existing ? std::string() : c.settlements[cd.index].name_zh;
      sites.add_point(pos, {service, status, name, name_zh, served[k], served_before[k]});
      sites_csv.cell(service)
          .cell(status)
          .cell(name)
          .cell(pos.lon)
          .cell(pos.lat)
          .cell(served_before[k])
          .cell(served[k]);
      sites_csv.end_row();
      if (!cd.existing)
        new_sites.push_back({{"name", name},
                             {"name_zh", name_zh},
                             {"tier", std::string(tier_name(c.settlements[cd.index].tier))},
                             {"lon", pos.lon},
                             {"lat", pos.lat},
                             {"assigned_population", served[k]}});
    }
    js["new_sites"] = std::move(new_sites);

    // Per settlement (the demand points nearest to it): population-weighted mean time before and after.
    std::vector<double> pop(c.settlements.size(), 0.0), tb(c.settlements.size(), 0.0),
        ta(c.settlements.size(), 0.0), reached(c.settlements.size(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const int s = c.demand[i].settlement;
      if (s < 0 || pb.w(i) <= 0) continue;
      const auto u = static_cast<std::size_t>(s);
      pop[u] += pb.w(i);
      if (std::isfinite(ba.nearest_before[i]) && std::isfinite(ba.nearest_after[i])) {
        reached[u] += pb.w(i);
        tb[u] += pb.w(i) * ba.nearest_before[i];
        ta[u] += pb.w(i) * ba.nearest_after[i];
      }
    }
    Json improved = Json::array();
    std::vector<std::size_t> order;
    for (std::size_t s = 0; s < c.settlements.size(); ++s) {
      if (pop[s] <= 0) continue;
      const Settlement& x = c.settlements[s];
      const double nan = std::numeric_limits<double>::quiet_NaN();
      const double mb = reached[s] > 0 ? tb[s] / reached[s] : nan,
                   ma = reached[s] > 0 ? ta[s] / reached[s] : nan;
      places.add_point(x.pos,
                       {service, x.name, x.name_zh, std::string(tier_name(x.tier)), pop[s], mb, ma, mb - ma});
      places_csv.cell(service)
          .cell(x.name)
          .cell(tier_name(x.tier))
          .cell(pop[s])
          .cell(mb / 60)
          .cell(ma / 60)
          .cell((mb - ma) / 60);
      places_csv.end_row();
      if (reached[s] > 0 && mb - ma > 0) order.push_back(s);
    }
    // The ten settlements that gain most (person-minutes saved), ties by name.
    auto saved = [&](std::size_t s) { return tb[s] - ta[s]; };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return saved(a) != saved(b) ? saved(a) > saved(b) : c.settlements[a].name < c.settlements[b].name;
    });
    if (order.size() > 10) order.resize(10);
    for (const std::size_t s : order)
      improved.push_back({{"name", c.settlements[s].name},
                          {"name_zh", c.settlements[s].name_zh},
                          {"tier", std::string(tier_name(c.settlements[s].tier))},
                          {"population", pop[s]},
                          {"mean_before_s", tb[s] / reached[s]},
                          {"mean_after_s", ta[s] / reached[s]}});
    js["most_improved"] = std::move(improved);
    section["services"].push_back(std::move(js));
  }
  sites.finish(st);
  places.finish(st);
  st.csv["locate_sites.csv"] = sites_csv.str();
  st.csv["locate_settlements.csv"] = places_csv.str();
  st.doc["sections"]["locate"] = std::move(section);
}

}  // namespace cs::detail
