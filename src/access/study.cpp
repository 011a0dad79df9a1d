// The public-services study: measures per service type, aggregation, equity, audit, capacity, and their
// rendering into the results section, map layers, GeoPackage layers and CSV tables.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include <countyscope/access/equity.hpp>
#include <countyscope/access/study.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/core/toml_text.hpp>

// GCC 12 reports a false "maybe-uninitialized" inside std::variant<..., std::string> built from initializer
// lists (GCC bug 105593 family); the values are always initialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace cs {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kTiers{"seat", "town", "village"};

Json num(double x) { return number_or_null(x); }

Measure measure_at(int m) { return static_cast<Measure>(m); }

// Column / property name of a measure for one service type: "<service>_<measure>".
std::string col(const std::string& svc, Measure m) { return svc + "_" + std::string(measure_name(m)); }

int tier_index(const std::string& t) {
  for (std::size_t k = 0; k < kTiers.size(); ++k)
    if (kTiers[k] == t) return static_cast<int>(k);
  return -1;
}

Json group_stats_json(const std::vector<GroupStats>& g, const std::vector<std::string>& names) {
  Json a = Json::array();
  for (std::size_t k = 0; k < g.size(); ++k) {
    if (g[k].points == 0) continue;
    a.push_back({{"group", names[k]},
                 {"population", num(g[k].population)},
                 {"reached_population", num(g[k].reached_population)},
                 {"mean", num(g[k].mean)},
                 {"points", g[k].points}});
  }
  return a;
}

Json decomposition_json(const Equity& e) {
  Json t = {
      {"total", num(e.theil.total)}, {"within", num(e.theil.within)}, {"between", num(e.theil.between)}};
  Json tg = Json::array();
  for (const auto& g : e.theil.groups)
    tg.push_back({{"group", g.name},
                  {"population", num(g.population)},
                  {"pop_share", num(g.pop_share)},
                  {"value_share", num(g.value_share)},
                  {"mean", num(g.mean)},
                  {"theil", num(g.theil)}});
  t["groups"] = tg;
  Json d = {{"gw", num(e.dagum.gw)},
            {"gnb", num(e.dagum.gnb)},
            {"gt", num(e.dagum.gt)},
            {"gini", num(e.gini)},
            {"order", "groups by mean, descending"}};
  Json dg = Json::array();
  for (const auto& g : e.dagum.groups)
    dg.push_back(
        {{"group", g.name}, {"population", num(g.population)}, {"mean", num(g.mean)}, {"gini", num(g.gini)}});
  d["groups"] = dg;
  Json between = Json::array();
  for (const auto& row : e.dagum.between) {
    Json r = Json::array();
    for (double x : row) r.push_back(num(x));
    between.push_back(r);
  }
  d["between"] = between;
  return {{"theil", t}, {"dagum", d}};
}

std::string supply_note(std::size_t known, std::size_t n, const std::string& unit) {
  if (n > 0 && known == n) return unit.empty() ? std::string("capacity") : "capacity (" + unit + ")";
  return "1 per facility (capacity known for " + std::to_string(known) + " of " + std::to_string(n) + ")";
}

}  // namespace

std::vector<Problem> validate(const AccessStudyConfig& cfg) {
  std::vector<Problem> p = validate(cfg.access);
  if (cfg.lorenz_points < 2) p.push_back({"lorenz_points", "must be >= 2"});
  for (const auto& [svc, norm] : cfg.capacity_norms_per_1000)
    if (!(norm > 0.0) || !std::isfinite(norm)) p.push_back({"capacity_norms." + svc, "must be > 0"});
  return p;
}

Json access_config_json(const AccessStudyConfig& c) {
  const AccessConfig& a = c.access;
  auto mins = [](const std::vector<double>& v) {
    Json j = Json::array();
    for (double x : v) j.push_back(x / 60.0);
    return j;
  };
  Json norms = Json::object();
  for (const auto& [k, v] : c.capacity_norms_per_1000) norms[k] = v;
  return {{"cutoff_min", a.cutoff_s / 60.0},
          {"catchment", catchment_name(a.catchment)},
          {"k", a.k},
          {"gravity_decay", decay_name(a.gravity_decay)},
          {"gravity_beta", a.gravity_beta},
          {"gravity_scale_min", a.gravity_scale_s / 60.0},
          {"gravity_min_time_min", a.gravity_min_s / 60.0},
          {"gravity_sigma_min", a.gravity_sigma_s / 60.0},
          {"gravity_cut", a.gravity_cut},
          {"zones_min", mins(a.zones_s)},
          {"zone_weights", a.zone_weights},
          {"sfca3_zones_min", mins(a.sfca3_zones_s)},
          {"sfca3_weights", a.sfca3_weights},
          {"gaussian", gaussian_form_name(a.gaussian)},
          {"gaussian_sigma_min", a.gaussian_sigma_s / 60.0},
          {"sfca3_base", selection_base_name(a.sfca3_base)},
          {"unreached", unreached_name(a.unreached)},
          {"worst_n", c.worst_n},
          {"lorenz_points", c.lorenz_points},
          {"capacity_norms_per_1000", norms},
          {"direction", "demand -> facility travel times in both floating-catchment steps"}};
}

void parse_access_toml(std::string_view text, const std::string& file, AccessStudyConfig& cfg) {
  toml::table root;
  check_toml_text(text, file);  // before toml++ (see error.hpp)
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, "line " + std::to_string(e.source().begin.line), "", std::string(e.description()));
  }
  const toml::table* t = root["access"].as_table();
  if (!t) return;
  static const std::vector<std::string> kKeys{"cutoff_min",
                                              "catchment",
                                              "k",
                                              "gravity_decay",
                                              "gravity_beta",
                                              "gravity_scale_min",
                                              "gravity_min_time_min",
                                              "gravity_sigma_min",
                                              "gravity_cut",
                                              "zones_min",
                                              "zone_weights",
                                              "sfca3_zones_min",
                                              "sfca3_weights",
                                              "gaussian",
                                              "gaussian_sigma_min",
                                              "sfca3_base",
                                              "unreached",
                                              "services",
                                              "standards",
                                              "worst_n",
                                              "lorenz_points",
                                              "capacity_norms"};
  std::string valid;
  for (const auto& k : kKeys) valid += (valid.empty() ? "" : ", ") + k;
  const std::string where = "[access]";
  auto bad = [&](std::string_view key, const std::string& msg) {
    return InputError(file, where, "access." + std::string(key), msg);
  };
  for (auto&& [k, v] : *t)
    if (std::find(kKeys.begin(), kKeys.end(), k.str()) == kKeys.end())
      throw bad(k.str(), "unknown key; valid keys are: " + valid);
  auto number = [&](const char* key, double& out, double scale) {
    if (const toml::node* n = t->get(key)) {
      auto v = n->value<double>();
      if (!v || !std::isfinite(*v)) throw bad(key, "must be a finite number");
      out = *v * scale;
    }
  };
  auto text_enum = [&](const char* key, auto parse, auto& out) {
    if (const toml::node* n = t->get(key)) {
      auto v = n->value<std::string>();
      if (!v) throw bad(key, "must be a string");
      try {
        out = parse(*v);
      } catch (const UsageError& e) {
        throw bad(key, e.what());
      }
    }
  };
  auto list = [&](const char* key, std::vector<double>& out, double scale) {
    if (const toml::node* n = t->get(key)) {
      const toml::array* a = n->as_array();
      if (!a) throw bad(key, "must be an array of numbers");
      out.clear();
      for (const auto& x : *a) {
        auto v = x.value<double>();
        if (!v || !std::isfinite(*v)) throw bad(key, "must be an array of finite numbers");
        out.push_back(*v * scale);
      }
    }
  };
  AccessConfig& a = cfg.access;
  number("cutoff_min", a.cutoff_s, 60.0);
  double k = a.k;
  number("k", k, 1.0);
  a.k = static_cast<int>(k);
  text_enum("catchment", parse_catchment, a.catchment);
  text_enum("gravity_decay", parse_decay, a.gravity_decay);
  number("gravity_beta", a.gravity_beta, 1.0);
  number("gravity_scale_min", a.gravity_scale_s, 60.0);
  number("gravity_min_time_min", a.gravity_min_s, 60.0);
  number("gravity_sigma_min", a.gravity_sigma_s, 60.0);
  if (const toml::node* n = t->get("gravity_cut")) {
    auto v = n->value<bool>();
    if (!v) throw bad("gravity_cut", "must be true or false");
    a.gravity_cut = *v;
  }
  list("zones_min", a.zones_s, 60.0);
  list("zone_weights", a.zone_weights, 1.0);
  list("sfca3_zones_min", a.sfca3_zones_s, 60.0);
  list("sfca3_weights", a.sfca3_weights, 1.0);
  text_enum("gaussian", parse_gaussian_form, a.gaussian);
  number("gaussian_sigma_min", a.gaussian_sigma_s, 60.0);
  text_enum("sfca3_base", parse_selection_base, a.sfca3_base);
  text_enum("unreached", parse_unreached, a.unreached);
  if (const toml::node* n = t->get("services")) {
    const toml::array* arr = n->as_array();
    if (!arr) throw bad("services", "must be an array of service type names");
    cfg.services.clear();
    for (const auto& x : *arr) {
      auto v = x.value<std::string>();
      if (!v) throw bad("services", "must be an array of service type names");
      cfg.services.push_back(*v);
    }
  }
  if (const toml::node* n = t->get("standards")) {
    auto v = n->value<std::string>();
    if (!v) throw bad("standards", "must be a path");
    cfg.standards = load_standards(*v);
  }
  double w = static_cast<double>(cfg.worst_n), l = static_cast<double>(cfg.lorenz_points);
  number("worst_n", w, 1.0);
  number("lorenz_points", l, 1.0);
  if (w < 0 || l < 0) throw bad(w < 0 ? "worst_n" : "lorenz_points", "must be >= 0");
  cfg.worst_n = static_cast<std::size_t>(w);
  cfg.lorenz_points = static_cast<std::size_t>(l);
  if (const toml::node* n = t->get("capacity_norms")) {
    const toml::table* nt = n->as_table();
    if (!nt) throw bad("capacity_norms", "must be a table: service = per 1,000 residents");
    cfg.capacity_norms_per_1000.clear();
    for (auto&& [kk, vv] : *nt) {
      auto v = vv.value<double>();
      if (!v || !std::isfinite(*v))
        throw bad("capacity_norms." + std::string(kk.str()), "must be a finite number");
      cfg.capacity_norms_per_1000[std::string(kk.str())] = *v;
    }
  }
  std::vector<Problem> p = validate(cfg);
  if (!p.empty()) throw bad(p.front().option, p.front().message);
}

AccessStudy run_access_study(const AccessInputs& in, const AccessStudyConfig& cfg, Context& ctx) {
  throw_if_problems(validate(cfg), "access");
  if (!in.times) throw UsageError("access: no travel-time matrix");
  const TimeMatrix& T = *in.times;
  const std::size_t D = T.rows(), F = T.cols();
  if (in.population.size() != D)
    throw InputError(
        "", "", "population",
        std::to_string(in.population.size()) + " demand points for " + std::to_string(D) + " matrix rows");
  if (in.facility_service.size() != F)
    throw InputError("", "", "service",
                     std::to_string(in.facility_service.size()) + " facilities for " + std::to_string(F) +
                         " matrix columns");
  const std::size_t NS = in.service_names.size();
  std::vector<std::vector<std::uint32_t>> cols_of(NS);
  for (std::size_t j = 0; j < F; ++j) {
    if (in.facility_service[j] >= NS)
      throw InputError("", "facility " + std::to_string(j), "service", "out of range");
    cols_of[in.facility_service[j]].push_back(static_cast<std::uint32_t>(j));
  }
  std::vector<std::size_t> study;
  if (cfg.services.empty()) {
    for (std::size_t s = 0; s < NS; ++s)
      if (!cols_of[s].empty()) study.push_back(s);
  } else {
    for (const auto& name : cfg.services) {
      auto it = std::find(in.service_names.begin(), in.service_names.end(), name);
      if (it == in.service_names.end()) throw unknown_value("service type", name, in.service_names);
      const auto s = static_cast<std::size_t>(it - in.service_names.begin());
      if (cols_of[s].empty())
        throw InputError("", "service '" + name + "'", "service", "no facilities of this service type");
      study.push_back(s);
    }
  }
  if (study.empty()) throw InputError("", "", "facilities", "no facilities of any service type");
  const std::vector<Standard> standards = cfg.standards ? *cfg.standards : default_standards();

  // Groupings of demand points: settlement, tier, urban/rural, township.
  const std::size_t NP = in.places.size(), NU = in.unit_names.size();
  std::vector<int> place(D, -1), tier(D, -1), urban(D, -1), unit(D, -1);
  for (std::size_t i = 0; i < D; ++i) {
    if (!in.demand_place.empty() && in.demand_place[i] >= 0 &&
        static_cast<std::size_t>(in.demand_place[i]) < NP) {
      place[i] = in.demand_place[i];
      tier[i] = tier_index(in.places[static_cast<std::size_t>(place[i])].tier);
      urban[i] = tier[i] < 0 ? -1 : (tier[i] == 2 ? 1 : 0);
    }
    if (!in.demand_unit.empty() && in.demand_unit[i] >= 0 && static_cast<std::size_t>(in.demand_unit[i]) < NU)
      unit[i] = in.demand_unit[i];
  }
  std::vector<std::string> place_names;
  for (const auto& p : in.places) place_names.push_back(p.name);
  double total_pop = 0.0;
  for (double p : in.population) total_pop += p;

  AccessStudy out;
  Json& sec = out.section;
  sec["config"] = access_config_json(cfg);
  sec["matrix"] = {{"demand_points", D}, {"facilities", F}, {"times", in.times_label}};
  sec["demand"] = {{"points", D}, {"population", num(total_pop)}, {"source", in.demand_source}};
  Json services = Json::object();
  Json audit_rows = Json::array();
  Json std_json = Json::array();
  for (const auto& s : standards)
    std_json.push_back({{"id", s.id},
                        {"service", s.service},
                        {"measure", audit_measure_name(s.measure)},
                        {"max", s.max ? num(*s.max) : Json()},
                        {"min", s.min ? num(*s.min) : Json()},
                        {"source", s.source},
                        {"note", s.note}});
  sec["standards"] = std_json;

  // Per-point and per-place values for the layers.
  std::vector<std::string> svc_names;
  std::map<std::string, std::vector<std::vector<double>>> place_vals;  // svc -> measure -> place mean
  std::vector<double> place_pop(NP, 0.0);
  for (std::size_t i = 0; i < D; ++i)
    if (place[i] >= 0) place_pop[static_cast<std::size_t>(place[i])] += in.population[i];

  CsvWriter eq_csv({"service", "measure", "grouping", "units", "dropped_zero_population", "dropped_unreached",
                    "mean", "gini", "theil_t", "theil_within", "theil_between", "dagum_gw", "dagum_gnb",
                    "dagum_gt", "village_seat_ratio"});
  CsvWriter audit_csv({"standard", "service", "measure", "threshold", "direction", "grouping", "group",
                       "population", "population_beyond", "pop_share_beyond", "places", "places_beyond",
                       "place_share_beyond", "source"});
  CsvWriter worst_csv(
      {"standard", "rank", "place", "tier", "unit", "value", "population", "population_beyond"});
  CsvWriter fac_csv({"service", "facility_id", "name", "supply", "capacity", "demand_in_catchment_pop",
                     "ratio_2sfca", "no_demand_in_reach"});
  CsvWriter cap_csv({"service", "facility_id", "name", "capacity", "demand_in_catchment_pop", "per_1000",
                     "norm_per_1000", "needed", "shortfall"});

  for (std::size_t si = 0; si < study.size(); ++si) {
    const std::size_t s = study[si];
    const std::string& svc = in.service_names[s];
    svc_names.push_back(svc);
    const auto& J = cols_of[s];
    TimeMatrix sub(D, J.size());
    for (std::size_t i = 0; i < D; ++i) {
      const float* row = T.data() + i * F;
      float* o = sub.data() + i * J.size();
      for (std::size_t c = 0; c < J.size(); ++c) o[c] = row[J[c]];
    }
    std::size_t known = 0;
    std::vector<double> cap(J.size()), supply(J.size(), 1.0);
    for (std::size_t c = 0; c < J.size(); ++c) {
      cap[c] = in.facility_capacity.empty() ? kNaN : in.facility_capacity[J[c]];
      if (std::isfinite(cap[c])) {
        if (cap[c] < 0)
          throw InputError(
              "", "facility " + (in.facility_id.empty() ? std::to_string(J[c]) : in.facility_id[J[c]]),
              "capacity", "must be >= 0");
        ++known;
      }
    }
    const bool use_cap = known == J.size();
    if (use_cap) supply = cap;
    const std::string unit_label = s < in.service_capacity_unit.size() ? in.service_capacity_unit[s] : "";
    AccessResult r = compute_access(sub, in.population, supply, cfg.access, ctx, in.demand_id);

    Json sj;
    sj["facilities"] = J.size();
    sj["supply"] = supply_note(known, J.size(), unit_label);
    sj["supply_from_capacity"] = use_cap;
    double tot_supply = 0.0;
    for (double x : supply) tot_supply += x;
    sj["total_supply"] = num(tot_supply);
    Json nod = Json::array();
    for (std::uint32_t c : r.facilities_without_demand) {
      const std::size_t j = J[c];
      nod.push_back({{"id", in.facility_id.empty() ? std::to_string(j) : in.facility_id[j]},
                     {"name", in.facility_name.empty() ? std::string() : in.facility_name[j]}});
    }
    sj["facilities_without_demand"] = nod;
    double unreached_pop = 0.0;
    for (std::uint32_t i : r.demand_unreached) unreached_pop += in.population[i];
    sj["unreached_points"] = r.demand_unreached.size();
    sj["unreached_population"] = num(unreached_pop);

    Json measures = Json::object();
    auto& pv = place_vals[svc];
    pv.assign(kMeasureCount, std::vector<double>(NP, kNaN));
    for (int mi = 0; mi < kMeasureCount; ++mi) {
      const Measure m = measure_at(mi);
      const std::vector<double> v = r.values(m);
      Json mj;
      double lo = INFINITY, hi = -INFINITY;
      for (double x : v)
        if (std::isfinite(x)) {
          lo = std::min(lo, x);
          hi = std::max(hi, x);
        }
      const auto all = aggregate_by_group(v, in.population, std::vector<int>(D, 0), 1);
      mj["mean"] = num(all[0].mean);
      mj["min"] = num(lo);
      mj["max"] = num(hi);
      mj["reached_population"] = num(all[0].reached_population);
      const auto by_tier = aggregate_by_group(v, in.population, tier, kTiers.size());
      const auto by_unit = aggregate_by_group(v, in.population, unit, NU);
      const auto by_place = aggregate_by_group(v, in.population, place, NP);
      for (std::size_t p = 0; p < NP; ++p) pv[static_cast<std::size_t>(mi)][p] = by_place[p].mean;
      mj["by_tier"] = group_stats_json(by_tier, kTiers);
      mj["by_unit"] = group_stats_json(by_unit, in.unit_names);
      const double ratio =
          by_tier[0].mean > 0 && std::isfinite(by_tier[2].mean) ? by_tier[2].mean / by_tier[0].mean : kNaN;
      mj["village_seat_ratio"] = num(ratio);
      const Equity e = equity({v, in.population, {}, {}}, cfg.lorenz_points);
      mj["gini"] = num(e.gini);
      mj["theil_t"] = num(e.theil_t);
      mj["units"] = e.units;
      mj["dropped_zero_population"] = e.dropped_zero_population;
      mj["dropped_unreached"] = e.dropped_no_value;
      mj["dropped_unreached_population"] = num(e.dropped_population);
      Json lz = Json::array();
      for (const auto& p : e.lorenz) lz.push_back({num(p.pop_share), num(p.value_share)});
      mj["lorenz"] = lz;
      Json dec = Json::object();
      struct Grouping {
        const char* name;
        const std::vector<int>* g;
        std::vector<std::string> names;
      };
      const std::vector<Grouping> groupings{{"tier", &tier, kTiers},
                                            {"urban_rural", &urban, {"urban", "rural"}},
                                            {"unit", &unit, in.unit_names}};
      for (const auto& gr : groupings) {
        bool any = false;
        for (int g : *gr.g) any = any || g >= 0;
        if (!any) continue;
        const Equity eg = equity({v, in.population, *gr.g, gr.names}, 2);
        dec[gr.name] = decomposition_json(eg);
        eq_csv.cell(svc)
            .cell(measure_name(m))
            .cell(gr.name)
            .cell(eg.units)
            .cell(eg.dropped_zero_population)
            .cell(eg.dropped_no_value)
            .cell(eg.mean)
            .cell(eg.gini)
            .cell(eg.theil_t)
            .cell(eg.theil.within)
            .cell(eg.theil.between)
            .cell(eg.dagum.gw)
            .cell(eg.dagum.gnb)
            .cell(eg.dagum.gt)
            .cell(ratio);
        eq_csv.end_row();
      }
      mj["decomposition"] = dec;
      eq_csv.cell(svc)
          .cell(measure_name(m))
          .cell("none")
          .cell(e.units)
          .cell(e.dropped_zero_population)
          .cell(e.dropped_no_value)
          .cell(e.mean)
          .cell(e.gini)
          .cell(e.theil_t)
          .null()
          .null()
          .null()
          .null()
          .null()
          .cell(ratio);
      eq_csv.end_row();
      measures[std::string(measure_name(m))] = mj;
    }
    sj["measures"] = measures;

    // Facilities table.
    Json fac = Json::array();
    for (std::size_t c = 0; c < J.size(); ++c) {
      const std::size_t j = J[c];
      const std::string id = in.facility_id.empty() ? std::to_string(j) : in.facility_id[j];
      const std::string name = in.facility_name.empty() ? std::string() : in.facility_name[j];
      fac_csv.cell(svc)
          .cell(id)
          .cell(name)
          .cell(supply[c])
          .cell(cap[c])
          .cell(r.demand_2sfca[c])
          .cell(r.ratio_2sfca[c])
          .cell(r.demand_2sfca[c] > 0 ? 0 : 1);
      fac_csv.end_row();
    }

    // Audit.
    Json audits = Json::array();
    for (const auto& st : standards) {
      if (st.service != svc) continue;
      AuditResult a;
      if (audit_measure_is_county_level(st.measure)) {
        if (st.measure == AuditMeasure::kSupplyPer1000 && !use_cap) {
          a.standard = st;
          a.applicable = false;
          a.reason = "capacity unknown for " + std::to_string(J.size() - known) + " of " +
                     std::to_string(J.size()) + " facilities";
        } else {
          a = audit_county(st, tot_supply, static_cast<double>(J.size()), total_pop);
        }
      } else {
        std::vector<double> v = r.values(*audit_access_measure(st.measure));
        if (measure_is_time(*audit_access_measure(st.measure)))
          for (double& x : v) x /= 60.0;
        a = audit_points(st, v, in.population, place, in.places, cfg.worst_n);
      }
      Json aj = {{"id", st.id},
                 {"service", st.service},
                 {"measure", audit_measure_name(st.measure)},
                 {"threshold", num(st.max ? *st.max : *st.min)},
                 {"direction", st.max ? "max" : "min"},
                 {"source", st.source},
                 {"note", st.note},
                 {"applicable", a.applicable},
                 {"reason", a.reason}};
      if (a.applicable) {
        auto share_json = [](const AuditShare& g) {
          return Json{{"group", g.group},
                      {"population", num(g.population)},
                      {"population_beyond", num(g.population_beyond)},
                      {"pop_share_beyond", num(g.pop_share())},
                      {"places", g.places},
                      {"places_beyond", g.places_beyond},
                      {"place_share_beyond", num(g.place_share())}};
        };
        auto row = [&](const char* grouping, const AuditShare& g) {
          audit_csv.cell(st.id)
              .cell(st.service)
              .cell(audit_measure_name(st.measure))
              .cell(st.max ? *st.max : *st.min)
              .cell(st.max ? "max" : "min")
              .cell(grouping)
              .cell(g.group)
              .cell(g.population)
              .cell(g.population_beyond)
              .cell(g.pop_share())
              .cell(g.places)
              .cell(g.places_beyond)
              .cell(g.place_share())
              .cell(st.source);
          audit_csv.end_row();
        };
        aj["county"] = share_json(a.county);
        row("county", a.county);
        if (audit_measure_is_county_level(st.measure)) {
          aj["county_value"] = num(a.county_value);
          aj["county_beyond"] = a.county_beyond;
        } else {
          Json bt = Json::array(), bu = Json::array(), w = Json::array();
          for (const auto& g : a.by_tier) {
            bt.push_back(share_json(g));
            row("tier", g);
          }
          for (const auto& g : a.by_unit) {
            bu.push_back(share_json(g));
            row("unit", g);
          }
          std::size_t rank = 0;
          for (const auto& p : a.worst) {
            w.push_back({{"place", p.name},
                         {"tier", p.tier},
                         {"unit", p.unit},
                         {"value", num(p.value)},
                         {"population", num(p.population)},
                         {"population_beyond", num(p.population_beyond)}});
            worst_csv.cell(st.id)
                .cell(++rank)
                .cell(p.name)
                .cell(p.tier)
                .cell(p.unit)
                .cell(p.value)
                .cell(p.population)
                .cell(p.population_beyond);
            worst_csv.end_row();
          }
          aj["by_tier"] = bt;
          aj["by_unit"] = bu;
          aj["worst"] = w;
        }
      }
      audits.push_back(aj);
      audit_rows.push_back(aj);
    }
    sj["audit"] = audits;

    // Carrying capacity.
    if (auto it = cfg.capacity_norms_per_1000.find(svc); it != cfg.capacity_norms_per_1000.end()) {
      const Capacity c = carrying_capacity(cap, r.demand_2sfca, total_pop, it->second);
      Json cj = {{"norm_per_1000", c.norm_per_1000},
                 {"facilities", c.facilities},
                 {"capacity_known", c.known},
                 {"total_capacity", num(c.total_capacity)},
                 {"population", num(c.population)},
                 {"per_1000", num(c.per_1000)},
                 {"shortfall", num(c.shortfall)},
                 {"unit", unit_label},
                 {"catchment", "2SFCA catchment (population within the cutoff)"}};
      Json rows = Json::array();
      for (const auto& row : c.rows) {
        const std::size_t j = J[row.facility];
        const std::string id = in.facility_id.empty() ? std::to_string(j) : in.facility_id[j];
        const std::string name = in.facility_name.empty() ? std::string() : in.facility_name[j];
        rows.push_back({{"id", id},
                        {"name", name},
                        {"capacity", num(row.capacity)},
                        {"demand_in_catchment", num(row.demand_in_catchment)},
                        {"per_1000", num(row.per_1000)},
                        {"needed", num(row.needed)},
                        {"shortfall", num(row.shortfall)}});
        cap_csv.cell(svc)
            .cell(id)
            .cell(name)
            .cell(row.capacity)
            .cell(row.demand_in_catchment)
            .cell(row.per_1000)
            .cell(c.norm_per_1000)
            .cell(row.needed)
            .cell(row.shortfall);
        cap_csv.end_row();
      }
      cj["rows"] = rows;
      sj["capacity"] = cj;
    }
    services[svc] = sj;
    out.results.emplace(svc, std::move(r));
  }
  // Standards of service types without facilities are listed as not applicable (never silently dropped).
  for (const auto& st : standards) {
    if (std::find(svc_names.begin(), svc_names.end(), st.service) != svc_names.end()) continue;
    audit_rows.push_back({{"id", st.id},
                          {"service", st.service},
                          {"measure", audit_measure_name(st.measure)},
                          {"threshold", num(st.max ? *st.max : *st.min)},
                          {"direction", st.max ? "max" : "min"},
                          {"source", st.source},
                          {"note", st.note},
                          {"applicable", false},
                          {"reason", "no facilities of service type '" + st.service + "' were studied"}});
  }
  sec["services"] = services;
  sec["audit"] = audit_rows;
  sec["service_order"] = svc_names;

  // Tables and layers: demand points, settlements, facilities.
  std::vector<std::string> hdr{"id", "pop", "settlement", "tier", "unit"};
  std::vector<FieldDef> fields{{"id", FieldType::kString},
                               {"pop", FieldType::kReal},
                               {"settlement", FieldType::kString},
                               {"tier", FieldType::kString},
                               {"unit", FieldType::kString}};
  for (const auto& svc : svc_names)
    for (int mi = 0; mi < kMeasureCount; ++mi) {
      hdr.push_back(col(svc, measure_at(mi)));
      fields.push_back({col(svc, measure_at(mi)), FieldType::kReal});
    }
  CsvWriter dem_csv(hdr);
  VectorLayer dem_layer(cfg.layer_prefix + "_demand", GeomType::kPoint, fields);
  const bool dem_geo = in.demand_pos.size() == D;
  for (std::size_t i = 0; i < D; ++i) {
    const std::string id = in.demand_id.empty() ? std::to_string(i) : in.demand_id[i];
    const std::string pn = place[i] >= 0 ? in.places[static_cast<std::size_t>(place[i])].name : "";
    const std::string tn = tier[i] >= 0 ? kTiers[static_cast<std::size_t>(tier[i])] : "";
    const std::string un = unit[i] >= 0 ? in.unit_names[static_cast<std::size_t>(unit[i])] : "";
    dem_csv.cell(id).cell(in.population[i]).cell(pn).cell(tn).cell(un);
    std::vector<FieldValue> row{id, in.population[i], pn, tn, un};
    for (const auto& svc : svc_names) {
      const AccessResult& r = out.results.at(svc);
      for (int mi = 0; mi < kMeasureCount; ++mi) {
        const Measure m = measure_at(mi);
        double x = kNaN;
        switch (m) {
          case Measure::kNearest:
            x = r.nearest_s[i];
            break;
          case Measure::kKthNearest:
            x = r.kth_nearest_s[i];
            break;
          case Measure::kCumulative:
            x = r.cumulative[i];
            break;
          case Measure::kGravity:
            x = r.gravity[i];
            break;
          case Measure::k2SFCA:
            x = r.sfca2[i];
            break;
          case Measure::kE2SFCA:
            x = r.e2sfca[i];
            break;
          case Measure::kG2SFCA:
            x = r.g2sfca[i];
            break;
          case Measure::k3SFCA:
            x = r.sfca3[i];
            break;
        }
        dem_csv.cell(x);
        row.push_back(std::isfinite(x) ? FieldValue(x) : FieldValue(std::monostate{}));
      }
    }
    dem_csv.end_row();
    if (dem_geo) dem_layer.add(wkt_point(in.demand_pos[i]), std::move(row));
  }
  out.csv[cfg.layer_prefix + "_demand.csv"] = dem_csv.str();
  if (dem_geo) out.layers.push_back(std::move(dem_layer));

  if (NP > 0) {
    std::vector<std::string> sh{"settlement", "tier", "unit", "pop"};
    std::vector<FieldDef> sf{{"settlement", FieldType::kString},
                             {"tier", FieldType::kString},
                             {"unit", FieldType::kString},
                             {"pop", FieldType::kReal}};
    for (std::size_t k = 5; k < hdr.size(); ++k) {
      sh.push_back(hdr[k]);
      sf.push_back({hdr[k], FieldType::kReal});
    }
    CsvWriter set_csv(sh);
    VectorLayer set_layer(cfg.layer_prefix + "_settlements", GeomType::kPoint, sf);
    Json features = Json::array();
    const bool set_geo = in.place_pos.size() == NP;
    for (std::size_t p = 0; p < NP; ++p) {
      const AuditPlace& pl = in.places[p];
      set_csv.cell(pl.name).cell(pl.tier).cell(pl.unit).cell(place_pop[p]);
      std::vector<FieldValue> row{pl.name, pl.tier, pl.unit, place_pop[p]};
      Json props = {
          {"settlement", pl.name}, {"tier", pl.tier}, {"unit", pl.unit}, {"pop", num(place_pop[p])}};
      for (const auto& svc : svc_names)
        for (int mi = 0; mi < kMeasureCount; ++mi) {
          const double x = place_vals[svc][static_cast<std::size_t>(mi)][p];
          set_csv.cell(x);
          row.push_back(std::isfinite(x) ? FieldValue(x) : FieldValue(std::monostate{}));
          props[col(svc, measure_at(mi))] = num(x);
        }
      set_csv.end_row();
      if (set_geo) {
        set_layer.add(wkt_point(in.place_pos[p]), std::move(row));
        features.push_back(
            {{"type", "Feature"},
             {"geometry", {{"type", "Point"}, {"coordinates", {in.place_pos[p].lon, in.place_pos[p].lat}}}},
             {"properties", props}});
      }
    }
    out.csv[cfg.layer_prefix + "_settlements.csv"] = set_csv.str();
    if (set_geo) {
      out.layers.push_back(std::move(set_layer));
      out.map_layers[cfg.layer_prefix + "_settlements"] = {{"type", "FeatureCollection"},
                                                           {"features", features}};
    }
  }
  if (in.facility_pos.size() == F) {
    VectorLayer fl(cfg.layer_prefix + "_facilities", GeomType::kPoint,
                   {{"facility_id", FieldType::kString},
                    {"name", FieldType::kString},
                    {"service", FieldType::kString},
                    {"supply", FieldType::kReal},
                    {"demand_in_catchment_pop", FieldType::kReal},
                    {"ratio_2sfca", FieldType::kReal},
                    {"no_demand_in_reach", FieldType::kInteger}});
    for (const auto& svc : svc_names) {
      const std::size_t s = static_cast<std::size_t>(
          std::find(in.service_names.begin(), in.service_names.end(), svc) - in.service_names.begin());
      const AccessResult& r = out.results.at(svc);
      for (std::size_t c = 0; c < cols_of[s].size(); ++c) {
        const std::size_t j = cols_of[s][c];
        fl.add(wkt_point(in.facility_pos[j]), {in.facility_id.empty() ? std::to_string(j) : in.facility_id[j],
                                               in.facility_name.empty() ? std::string() : in.facility_name[j],
                                               svc, r.supply[c], r.demand_2sfca[c], r.ratio_2sfca[c],
                                               static_cast<std::int64_t>(r.demand_2sfca[c] > 0 ? 0 : 1)});
      }
    }
    out.layers.push_back(std::move(fl));
  }
  out.csv[cfg.layer_prefix + "_facilities.csv"] = fac_csv.str();
  out.csv[cfg.layer_prefix + "_equity.csv"] = eq_csv.str();
  out.csv[cfg.layer_prefix + "_audit.csv"] = audit_csv.str();
  out.csv[cfg.layer_prefix + "_audit_worst.csv"] = worst_csv.str();
  out.csv[cfg.layer_prefix + "_capacity.csv"] = cap_csv.str();
  return out;
}

}  // namespace cs
