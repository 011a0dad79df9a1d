// The locate pass: proposes new sites for chosen service types on the plan's county and shows what changes
// (docs/locate.md, "In the plan"). Candidates are the county's settlements (places) plus the existing
// facilities of the type, which stay open; demand is every residential building weighted by its population.
// Both solvers run (heuristic with its bound, exact MIP through CBC) on the same problem, and the
// before/after access and equity measures come from the services layer. Reads [locate] from the plan TOML.
//
// Outputs (one cs::Outputs merged by the plan): sections.locate, layers.locate_sites (existing and proposed
// sites), layers.locate_settlements (per service and settlement: mean time before/after), GeoPackage layers
// of the same names, locate_sites.csv and locate_settlements.csv, each table from one row source.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <countyscope/core/limits.hpp>
#include <countyscope/locate/compare.hpp>
#include <countyscope/locate/problem.hpp>
#include <countyscope/locate/study.hpp>
#include <countyscope/plan/model_passes.hpp>

#include "passes.hpp"

namespace cs::detail {

namespace {

// [locate] in the plan file: the locate study's options (locate_options(), docs/options.md) and the service
// types the pass sites.
struct LocatePassConfig {
  std::vector<std::string> services = {"clinic", "elderly_care"};
  bool write_problem = false;
  locate::LocateConfig locate;
};

const opt::Table<LocatePassConfig>& plan_locate_options() {
  static const auto t =
      opt::Table<LocatePassConfig>("locate", "Siting in the plan (besides the [locate] options)")
          .texts("services", &LocatePassConfig::services,
                 "service types the plan's locate pass sites (types of the service table)")
          .flag("write_problem", &LocatePassConfig::write_problem,
                "also write each service's problem as the three CSV files `countyscope locate` "
                "reads (locate_SERVICE_matrix/demand/candidates.csv)")
          .plan_file_only();
  return t;
}

// Every service [locate] works on (the defaults too) must be a type of the service table in use: one line
// naming the service and the file that lacks it, before any work.
void check_services(const LocatePassConfig& cfg, const std::vector<ServiceType>& types, const PlanConfig& pc,
                    const TomlSection* given) {
  std::vector<std::string> names;
  for (const auto& ty : types) names.push_back(ty.name);
  for (const auto& s : cfg.services) {
    if (std::find(names.begin(), names.end(), s) != names.end()) continue;
    if (given) throw given->error("services", "unknown service type '" + s + "'; valid: " + opt::join(names));
    const std::string table =
        pc.county.service_table.empty() ? "services.toml (built in)" : pc.county.service_table;
    throw InputError(table, "", "",
                     "no service type '" + s +
                         "', which [locate] services uses by default; types in this table: " +
                         opt::join(names) + " (set [locate] services in the plan file, or skip locate)");
  }
}

LocatePassConfig read_config(const PlanConfig& pc, const std::vector<ServiceType>& types) {
  LocatePassConfig cfg;
  const TomlSection t = pc.section("locate");
  locate::locate_options().read(t, cfg.locate, plan_locate_options().names());
  plan_locate_options().read(t, cfg, locate::locate_options().names());
  if (t.has("p") && t.has("new"))
    throw t.error("p", "give either p (total open) or new (sites to add), not both");
  check_services(cfg, types, pc, t.has("services") ? &t : nullptr);
  return cfg;
}

Json config_json(const LocatePassConfig& c) {
  Json j = locate::locate_options().to_json(c.locate);
  j["services"] = c.services;
  j["candidates"] = "settlements (place=*) and the existing facilities of the type (kept open)";
  j["demand"] = "residential buildings weighted by population (the county model)";
  return j;
}

// The problem as `countyscope locate` reads it (ids as in the problem's names), for other tools and for
// checking that the CLI gives the plan's answer: three CSV-only tables.
void add_problem_tables(const locate::LocateProblem& pb, const std::vector<LonLat>& demand_pos,
                        const std::vector<LonLat>& cand_pos, const std::string& service, Outputs& o) {
  Table& mat = o.add(Table("locate_" + service + "_matrix", {{"demand_id", FieldType::kString},
                                                             {"candidate_id", FieldType::kString},
                                                             {"time_min", FieldType::kReal, "min"}}));
  for (std::size_t i = 0; i < pb.demand_count(); ++i)
    for (std::size_t k = 0; k < pb.candidate_count(); ++k)
      if (std::isfinite(pb.cost(i, k)))
        mat.add(
            {pb.demand_names[i], pb.candidate_names[k],
             static_cast<double>(pb.cost(i, k)) / 60.0});  // unrounded: locate reads the same seconds back
  Table& dem = o.add(Table("locate_" + service + "_demand", {{"id", FieldType::kString},
                                                             {"population", FieldType::kReal, "persons"},
                                                             {"lon", FieldType::kReal, "degrees"},
                                                             {"lat", FieldType::kReal, "degrees"}}));
  for (std::size_t i = 0; i < pb.demand_count(); ++i)
    dem.add({pb.demand_names[i], pb.w(i), demand_pos[i].lon, demand_pos[i].lat});
  std::vector<Column> cols = {{"id", FieldType::kString},
                              {"existing", FieldType::kInteger},
                              {"service", FieldType::kString},
                              {"lon", FieldType::kReal, "degrees"},
                              {"lat", FieldType::kReal, "degrees"}};
  if (pb.capacitated()) cols.emplace_back("capacity", FieldType::kReal, "persons");
  Table& cand = o.add(Table("locate_" + service + "_candidates", std::move(cols)));
  for (std::size_t k = 0; k < pb.candidate_count(); ++k) {
    const bool fixed = std::find(pb.fixed.begin(), pb.fixed.end(), k) != pb.fixed.end();
    std::vector<FieldValue> row = {pb.candidate_names[k], std::int64_t{fixed ? 1 : 0}, service,
                                   cand_pos[k].lon, cand_pos[k].lat};
    if (pb.capacitated()) row.emplace_back(pb.capacity[k]);
    cand.add(std::move(row));
  }
}

// The two map layers of the pass, each with its CSV file: sites (existing and proposed) and settlements
// (population-weighted mean time before / after, minutes).
Table sites_table() {
  constexpr unsigned kMap = kToJson | kToGpkg;
  Table t("locate_sites", GeomType::kPoint,
          {{"service", FieldType::kString},
           {"status", FieldType::kString},
           {"name", FieldType::kString},
           {"name_zh", FieldType::kString, "", kMap},
           {"lon", FieldType::kReal, "degrees", kToCsv},
           {"lat", FieldType::kReal, "degrees", kToCsv},
           {"assigned_population", FieldType::kReal, "persons"},
           {"assigned_population_before", FieldType::kReal, "persons"}});
  t.csv_order = {
      "service", "status", "name", "lon", "lat", "assigned_population_before", "assigned_population"};
  return t;
}
Table settlements_table() {
  constexpr unsigned kMap = kToJson | kToGpkg;
  Table t("locate_settlements", GeomType::kPoint,
          {{"service", FieldType::kString},
           {"name", FieldType::kString, "", kMap},
           {"settlement", FieldType::kString, "", kToCsv},
           {"name_zh", FieldType::kString, "", kMap},
           {"tier", FieldType::kString},
           {"population", FieldType::kReal, "persons"},
           {"mean_before_min", FieldType::kReal, "min"},
           {"mean_after_min", FieldType::kReal, "min"},
           {"saved_min", FieldType::kReal, "min"}});
  return t;
}

// One candidate column: an existing facility (index into County::facilities) or a settlement.
struct Candidate {
  bool existing = false;
  std::size_t index = 0;
};

// One service's problem: demand rows (every demand point, weighted by population) x candidate columns (the
// existing facilities of the type first, kept open, then every settlement).
struct ServiceProblem {
  locate::LocateProblem pb;
  std::vector<Candidate> cand;
  std::vector<LonLat> cand_pos;
  std::size_t existing = 0;
};

ServiceProblem build_problem(const PlanState& st, std::uint16_t sid, const std::string& service,
                             const locate::LocateConfig& cfg) {
  const County& c = st.county;
  const std::size_t n = c.demand.size();
  ServiceProblem sp;
  std::vector<Candidate>& cand = sp.cand;
  for (std::size_t j = 0; j < c.facilities.size(); ++j)
    if (c.facilities[j].service == sid) cand.push_back({true, j});
  const std::size_t existing = sp.existing = cand.size();
  for (std::size_t s = 0; s < c.settlements.size(); ++s) cand.push_back({false, s});

  locate::LocateProblem& pb = sp.pb;
  pb.label = service;
  pb.cost = TimeMatrix(n, cand.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < cand.size(); ++k)
      pb.cost(i, k) = cand[k].existing ? st.demand_to_facility(i, cand[k].index)
                                       : st.demand_to_settlement(i, cand[k].index);
  for (const DemandPoint& d : c.demand) {
    pb.weight.push_back(d.population);
    pb.demand_names.push_back(osm_ref(d.osm_type, d.osm_id));
  }
  // Candidates are named by their OSM element (a place that is also an existing facility gets "-place").
  for (const Candidate& cd : cand) {
    const LonLat pos = cd.existing ? c.facilities[cd.index].pos : c.settlements[cd.index].pos;
    std::string id = cd.existing ? osm_ref(c.facilities[cd.index].osm_type, c.facilities[cd.index].osm_id)
                                 : osm_ref(c.settlements[cd.index].osm_type, c.settlements[cd.index].osm_id);
    if (!cd.existing &&
        std::find(pb.candidate_names.begin(), pb.candidate_names.begin() + static_cast<long>(existing), id) !=
            pb.candidate_names.begin() + static_cast<long>(existing))
      id += "-place";
    pb.candidate_names.push_back(std::move(id));
    sp.cand_pos.push_back(pos);
  }
  for (std::size_t k = 0; k < existing; ++k) pb.fixed.push_back(static_cast<std::uint32_t>(k));
  locate::apply_config(cfg, pb);
  return sp;
}

// The sites the chosen answer opens, into the sites layer; returns the new ones (the section's new_sites).
Json add_sites(const County& c, const ServiceProblem& sp, const locate::LocateStudy& study,
               const locate::LocateResult& best, const std::string& service, Table& sites) {
  const std::vector<double>&served = study.served_after, &served_before = study.served_before;
  Json new_sites = Json::array();
  for (const std::uint32_t k : best.open) {
    const Candidate& cd = sp.cand[k];
    const std::string status = cd.existing ? "existing" : "new";
    const LonLat pos = cd.existing ? c.facilities[cd.index].pos : c.settlements[cd.index].pos;
    const std::string name = cd.existing ? c.facilities[cd.index].name : c.settlements[cd.index].name;
    const std::string name_zh = cd.existing ? std::string() : c.settlements[cd.index].name_zh;
    sites.add(Shape::point(pos),
              {service, status, name, name_zh, pos.lon, pos.lat, served[k], served_before[k]});
    if (!cd.existing)
      new_sites.push_back({{"id", sp.pb.candidate_names[k]},
                           {"name", name},
                           {"name_zh", name_zh},
                           {"tier", std::string(tier_name(c.settlements[cd.index].tier))},
                           {"lon", pos.lon},
                           {"lat", pos.lat},
                           {"assigned_population", served[k]}});
  }
  return new_sites;
}

// Per settlement (the demand points nearest to it): population-weighted mean time before and after, into the
// settlements layer; returns the ten settlements that gain most (the section's most_improved).
Json add_settlement_changes(const County& c, const locate::LocateProblem& pb, const locate::BeforeAfter& ba,
                            const std::string& service, Table& places) {
  const std::size_t n = c.demand.size();
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
    places.add(Shape::point(x.pos),
               {service, x.name, x.name, x.name_zh, std::string(tier_name(x.tier)), pop[s],
                output_minutes(mb), output_minutes(ma), output_minutes(mb - ma)});
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
                        {"mean_before_min", output_minutes(tb[s] / reached[s])},
                        {"mean_after_min", output_minutes(ta[s] / reached[s])}});
  return improved;
}

// One service sited: its problem, the study, its rows of the two layers (and the problem tables when asked);
// returns its entry of the section's services.
Json site_service(const PlanState& st, const LocatePassConfig& cfg, const std::string& service, Table& sites,
                  Table& places, Outputs& o, Context& ctx) {
  const County& c = st.county;
  const std::size_t n = c.demand.size();
  const auto sid =
      static_cast<std::uint16_t>(std::find_if(c.services.types.begin(), c.services.types.end(),
                                              [&](const ServiceType& t) { return t.name == service; }) -
                                 c.services.types.begin());
  const ServiceType& type = c.services.types[sid];
  const ServiceProblem sp = build_problem(st, sid, service, cfg.locate);
  const locate::LocateProblem& pb = sp.pb;
  if (cfg.write_problem) {
    std::vector<LonLat> demand_pos;
    for (const DemandPoint& d : c.demand) demand_pos.push_back(d.pos);
    add_problem_tables(pb, demand_pos, sp.cand_pos, service, o);
  }

  Json js = {{"service", service}, {"label_en", type.label_en},    {"label_zh", type.label_zh},
             {"demand_points", n}, {"candidates", sp.cand.size()}, {"existing", sp.existing},
             {"p", pb.p}};
  if (const auto problems = validate(pb); !problems.empty()) {
    js["outcome"] = "not solved";
    js["note"] = problems.front().message;
    ctx.warn("locate[" + service + "]: not solved: " + problems.front().message);
    return js;
  }
  const locate::LocateStudy study = locate::run_locate(pb, cfg.locate, ctx);
  const locate::LocateResult* best = study.best();
  js["results"] = Json::array();
  for (const auto& r : study.results) {
    Json rj = to_json(r, pb.kind);
    rj.erase("message");
    rj.erase("open");
    if (st.cfg.timings) rj["seconds"] = r.seconds;
    js["results"].push_back(std::move(rj));
  }
  if (study.agree) js["agree"] = *study.agree;
  if (!best) {
    js["outcome"] = std::string(locate::outcome_name(study.results.back().outcome));
    return js;
  }
  js["outcome"] = std::string(locate::outcome_name(best->outcome));
  js["chosen"] = std::string(locate::solver_name(best->solver));
  js["before"] = to_json(study.before_after.before);
  js["after"] = to_json(study.before_after.after);
  js["new_sites"] = add_sites(c, sp, study, *best, service, sites);
  js["most_improved"] = add_settlement_changes(c, pb, study.before_after, service, places);
  return js;
}

}  // namespace

const opt::TableBase& plan_locate_option_table() { return plan_locate_options(); }

void check_locate_config(const PlanConfig& cfg) {
  const ServiceTable table = cfg.county.service_table.empty() ? default_service_table()
                                                              : load_service_table(cfg.county.service_table);
  (void)read_config(cfg, table.types);
}

void pass_locate(PlanState& st, Context& ctx) {
  const LocatePassConfig cfg = read_config(st.cfg, st.county.services.types);
  Outputs o;
  o.section = {{"config", config_json(cfg)}, {"services", Json::array()}};
  Table sites = sites_table(), places = settlements_table();
  // Sites "optimal" for a handful of people are noise: below the county population floor nothing is sited.
  const bool refused = st.county.total_population < limits::kMinCountyPopulation;
  if (refused) {
    o.section["refused"] = "total demand " + number_text(std::round(st.county.total_population)) +
                           " persons is below the floor of " + number_text(limits::kMinCountyPopulation) +
                           " (data-quality gate): no site is proposed";
    ctx.warn("locate: " + o.section["refused"].get<std::string>());
  }
  for (const std::string& service : refused ? std::vector<std::string>{} : cfg.services) {
    Json js = site_service(st, cfg, service, sites, places, o, ctx);
    o.section["services"].push_back(std::move(js));
  }
  // The layers first (GeoPackage order), then the problem tables.
  o.tables.insert(o.tables.begin(), {std::move(sites), std::move(places)});
  merge(st, "locate", o);
}

}  // namespace cs::detail

namespace cs {
void run_locate_pass(PlanState& st, Context& ctx) { detail::pass_locate(st, ctx); }
}  // namespace cs
