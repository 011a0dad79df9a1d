// The county flows study (include/countyscope/flows/study.hpp): the [flows] / [scenarios] option tables and
// the one orchestration of factor flows, balance and their outputs.
#include <algorithm>
#include <cmath>

#include <countyscope/core/limits.hpp>
#include <countyscope/flows/study.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::flows {

const opt::Table<FlowsConfig>& flows_options() {
  static const auto t =
      opt::Table<FlowsConfig>("flows",
                              "County flows between settlements (the plan's flows pass, `countyscope flows "
                              "--osm`, `plan` / `demo`)")
          .number("jobs_per_facility", &FlowsConfig::jobs_per_facility, limits::kJobsPerFacility,
                  "jobs proxy: jobs per facility (plus jobs_per_resident x population)")
          .number("jobs_per_resident", &FlowsConfig::jobs_per_resident, limits::kJobsPerResident,
                  "jobs proxy: jobs per resident")
          .text("capital", &FlowsConfig::capital,
                "CSV (name, capital_out, capital_in) of capital masses; enables the capital factor (relative "
                "to the plan file)")
          .optional_number("beta_labour", &FlowsConfig::beta_labour, limits::kDecayPerMin,
                           "decay of labour flows (unset: the assumed value, docs/flows.md)")
          .optional_number("beta_consumption", &FlowsConfig::beta_consumption, limits::kDecayPerMin,
                           "decay of consumption flows (unset: assumed)")
          .optional_number("beta_services", &FlowsConfig::beta_services, limits::kDecayPerMin,
                           "decay of service-use flows (unset: assumed)")
          .optional_number("beta_capital", &FlowsConfig::beta_capital, limits::kDecayPerMin,
                           "decay of capital flows (unset: assumed)")
          .integer("max_lines", &FlowsConfig::max_lines, 0, 1000000, "lines",
                   "flow lines per factor drawn in the report (the GeoPackage keeps every pair)");
  return t;
}

const opt::Table<ScenariosConfig>& scenarios_options() {
  static const auto t =
      opt::Table<ScenariosConfig>("scenarios", "The plan's what-if scenario")
          .text("file", &ScenariosConfig::file,
                "scenario TOML run before / after on the plan's model (relative to the plan "
                "file; docs/flows.md)")
          .plan_file_only();
  return t;
}

double round6(double x) { return std::isfinite(x) ? std::round(x * 1e6) / 1e6 : x; }

namespace {

void read_capital(const County& c, const std::string& file, FactorMasses& m) {
  const std::size_t n = c.settlements.size();
  const CsvTable t = read_csv(file);
  const std::size_t cn = t.column("name"), co = t.column("capital_out"), ci = t.column("capital_in");
  m.capital_out.assign(n, 0.0);
  m.capital_in.assign(n, 0.0);
  (void)t.unique_index(cn);  // one row per settlement
  for (std::size_t k = 0; k < t.rows(); ++k) {
    const auto it = std::find_if(c.settlements.begin(), c.settlements.end(),
                                 [&](const Settlement& s) { return s.name == t.text(k, cn); });
    if (it == c.settlements.end())
      throw InputError(file, t.where(k), "name", "no settlement named '" + t.text(k, cn) + "'");
    const auto i = static_cast<std::size_t>(it - c.settlements.begin());
    m.capital_out[i] = t.number(k, co, limits::kMass);
    m.capital_in[i] = t.number(k, ci, limits::kMass);
  }
}

}  // namespace

FlowsRun compute_flows(const County& c, const TimeMatrix& s2s, const FlowsConfig& cfg,
                       const std::vector<double>* jobs_override) {
  FlowsRun r;
  const std::size_t n = c.settlements.size();
  r.masses = county_masses(c, cfg.jobs_per_facility, cfg.jobs_per_resident);
  if (jobs_override)
    for (std::size_t i = 0; i < n && i < jobs_override->size(); ++i)
      if (!std::isnan((*jobs_override)[i])) r.masses.jobs[i] = (*jobs_override)[i];
  if (!cfg.capital.empty()) read_capital(c, cfg.capital, r.masses);
  r.factors = default_factors();
  for (auto& f : r.factors) {
    const std::optional<double> beta = f.name == "labour"        ? cfg.beta_labour
                                       : f.name == "consumption" ? cfg.beta_consumption
                                       : f.name == "services"    ? cfg.beta_services
                                       : f.name == "capital"     ? cfg.beta_capital
                                                                 : std::nullopt;
    if (beta) {
      f.beta_per_min = *beta;
      f.assumed = false;
    }
  }
  if (cfg.capital.empty()) r.factors.pop_back();  // capital only with user masses
  r.minutes = Matrix<double>(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) r.minutes(i, j) = static_cast<double>(s2s(i, j)) / 60.0;
  r.flows = factor_flows(r.factors, r.masses, r.minutes);
  std::vector<Tier> tiers;
  for (const auto& s : c.settlements) tiers.push_back(s.tier);
  r.balance = two_way_balance(tiers, r.minutes, r.factors, r.flows, r.masses.population);
  return r;
}

namespace {

Json factors_json(const FlowsRun& r) {
  Json a = Json::array();
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& x = r.factors[f];
    double total = 0;
    for (double v : r.flows[f].storage()) total += v;
    a.push_back({{"name", x.name},
                 {"unit", x.unit},
                 {"model", form_name(x.form)},
                 {"decay", flows::decay_name(x.decay)},
                 {"beta_per_min", x.beta_per_min},
                 {"rate", x.rate},
                 {"origin_mass", mass_name(x.origin)},
                 {"dest_mass", mass_name(x.dest)},
                 {"parameters_source", x.assumed ? "assumed" : "given"},
                 {"total", round6(total)},
                 {"computed", r.flows[f].rows() > 0}});
  }
  return a;
}

Table settlement_flows(const County& c, const FlowsRun& r) {
  Table t("flows_settlements", {{"factor", FieldType::kString},
                                {"origin", FieldType::kString},
                                {"destination", FieldType::kString},
                                {"origin_tier", FieldType::kString},
                                {"dest_tier", FieldType::kString},
                                {"flow", FieldType::kReal, "persons"},
                                {"time_min", FieldType::kReal, "min"}});
  const auto& ss = c.settlements;
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& m = r.flows[f];
    for (std::size_t i = 0; i < m.rows(); ++i)
      for (std::size_t j = 0; j < m.cols(); ++j)
        if (m(i, j) > 0)
          t.add({r.factors[f].name, ss[i].name, ss[j].name, std::string(tier_name(ss[i].tier)),
                 std::string(tier_name(ss[j].tier)), round6(m(i, j)),
                 output_minutes(r.minutes(i, j) * 60.0)});
  }
  return t;
}

Table balance_tiers(const Balance& b) {
  Table t("flows_balance_tiers", {{"factor", FieldType::kString},
                                  {"from_tier", FieldType::kString, "", kToAll, "from"},
                                  {"to_tier", FieldType::kString, "", kToAll, "to"},
                                  {"flow", FieldType::kReal, "persons"},
                                  {"reverse_flow", FieldType::kReal, "persons", kToAll, "reverse"},
                                  {"net", FieldType::kReal, "persons"}});
  t.json = JsonPlace::kSection;
  t.json_key = "/balance/tiers";
  for (const auto& x : b.tiers)
    t.add({x.factor, std::string(tier_name(x.from)), std::string(tier_name(x.to)), x.flow, x.reverse, x.net});
  return t;
}

Table balance_centres(const Balance& b, const County& c) {
  Table t("flows_balance_centres",
          {{"factor", FieldType::kString},
           {"centre", FieldType::kString},
           {"hinterland_places", FieldType::kInteger},
           {"hinterland_pop", FieldType::kReal, "persons", kToAll, "hinterland_population"},
           {"inbound_from_hinterland", FieldType::kReal, "persons"},
           {"hinterland_outflow", FieldType::kReal, "persons"},
           {"share_captured", FieldType::kReal, "share", kToAll, "share"},
           {"inbound_total", FieldType::kReal, "persons"},
           {"outbound_to_hinterland", FieldType::kReal, "persons"}});
  t.json = JsonPlace::kSection;
  t.json_key = "/balance/centres";
  for (const auto& x : b.centres)
    t.add({x.factor, c.settlements[static_cast<std::size_t>(x.centre)].name,
           static_cast<std::int64_t>(x.hinterland_places), x.hinterland_population, x.inbound_from_hinterland,
           x.hinterland_outflow, x.share, x.inbound_total, x.outbound_to_hinterland});
  return t;
}

Table masses(const County& c, const FlowsRun& r) {
  Table t("flows_masses", {{"settlement", FieldType::kString},
                           {"tier", FieldType::kString},
                           {"population", FieldType::kReal, "persons"},
                           {"facilities", FieldType::kReal},
                           {"jobs_proxy", FieldType::kReal, "jobs"},
                           {"hinterland_of", FieldType::kString}});
  const auto& ss = c.settlements;
  for (std::size_t i = 0; i < ss.size(); ++i) {
    const int h = r.balance.hinterland_of[i];
    t.add({ss[i].name, std::string(tier_name(ss[i].tier)), round6(r.masses.population[i]),
           r.masses.facilities[i], round6(r.masses.jobs[i]),
           h >= 0 ? FieldValue(ss[static_cast<std::size_t>(h)].name) : FieldValue()});
  }
  return t;
}

// Every positive pair per factor, strongest first (ties by pair index); the results document keeps the
// max_lines strongest of each factor, the GeoPackage all of them.
Table flow_lines(const County& c, const FlowsRun& r, std::size_t max_lines) {
  Table t("flow_lines", GeomType::kLineString,
          {{"factor", FieldType::kString},
           {"origin", FieldType::kString},
           {"destination", FieldType::kString},
           {"flow", FieldType::kReal},
           {"rank", FieldType::kInteger}});
  t.csv_file.clear();
  t.json = JsonPlace::kFeatures;
  t.gpkg = true;
  const auto& ss = c.settlements;
  for (std::size_t f = 0; f < r.factors.size(); ++f) {
    const auto& m = r.flows[f];
    if (m.rows() == 0) continue;
    std::vector<std::pair<double, std::size_t>> order;  // (-flow, row-major pair index)
    for (std::size_t k = 0; k < m.storage().size(); ++k)
      if (m.storage()[k] > 0) order.push_back({-m.storage()[k], k});
    std::sort(order.begin(), order.end());
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
      const std::size_t i = order[rank].second / m.cols(), j = order[rank].second % m.cols();
      t.add(Shape::line({ss[i].pos, ss[j].pos}),
            {r.factors[f].name, ss[i].name, ss[j].name, round6(-order[rank].first),
             static_cast<std::int64_t>(rank + 1)},
            rank < max_lines ? kToAll : kToGpkg);
    }
  }
  return t;
}

}  // namespace

Outputs flows_outputs(const County& c, const FlowsRun& r, const FlowsConfig& cfg) {
  Outputs o;
  Json& sec = o.section;
  sec["factors"] = factors_json(r);
  sec["balance"] = {
      {"hinterland_rule", "each village belongs to the seat or town it reaches fastest by car"}};
  sec["masses"] = {
      {"population", "dasymetric estimate per settlement (population_est)"},
      {"facilities", "facilities whose nearest settlement (great circle) it is"},
      {"jobs_proxy", "facilities x " + format_number(cfg.jobs_per_facility) + " + population x " +
                         format_number(cfg.jobs_per_resident) + " (crude proxy; override in a scenario)"}};
  sec["cost"] = "car travel time between settlements (minutes); unreachable pairs carry no flow";
  sec["note"] =
      "Parameters marked 'assumed' are documented defaults (docs/flows.md), not calibrated; calibrate "
      "with `countyscope flows --od` when an observed OD table exists.";
  o.add(settlement_flows(c, r));
  o.add(balance_tiers(r.balance));
  o.add(balance_centres(r.balance, c));
  o.add(masses(c, r));
  o.add(flow_lines(c, r, cfg.max_lines));
  return o;
}

Outputs run_flows(const County& c, const TimeMatrix& s2s, const FlowsConfig& cfg) {
  return flows_outputs(c, compute_flows(c, s2s, cfg), cfg);
}

}  // namespace cs::flows
