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
#include <countyscope/core/toml_text.hpp>
#include <countyscope/io/outputs.hpp>

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

namespace {

// One study: inputs, configuration and the groupings of demand points, shared by the steps below.
struct Study {
  Study(const AccessInputs& inputs, const AccessStudyConfig& config) : in(inputs), cfg(config) {}
  const AccessInputs& in;
  const AccessStudyConfig& cfg;
  std::size_t D = 0, F = 0, NP = 0, NU = 0;
  std::vector<std::vector<std::uint32_t>> cols_of;  // facilities (matrix columns) of each service type
  std::vector<std::size_t> study;                   // service types studied
  std::vector<Standard> standards;
  std::vector<int> place, tier, urban, unit;  // per demand point; -1 none
  double total_pop = 0.0;

  [[nodiscard]] std::string facility_id(std::size_t j) const {
    return in.facility_id.empty() ? std::to_string(j) : in.facility_id[j];
  }
  [[nodiscard]] std::string facility_name(std::size_t j) const {
    return in.facility_name.empty() ? std::string() : in.facility_name[j];
  }
};

Study prepare(const AccessInputs& in, const AccessStudyConfig& cfg) {
  throw_if_problems(validate(cfg), "access");
  if (!in.times) throw UsageError("access: no travel-time matrix");
  Study st(in, cfg);
  const TimeMatrix& T = *in.times;
  st.D = T.rows(), st.F = T.cols();
  if (in.population.size() != st.D)
    throw InputError(
        "", "", "population",
        std::to_string(in.population.size()) + " demand points for " + std::to_string(st.D) + " matrix rows");
  if (in.facility_service.size() != st.F)
    throw InputError("", "", "service",
                     std::to_string(in.facility_service.size()) + " facilities for " + std::to_string(st.F) +
                         " matrix columns");
  const std::size_t NS = in.service_names.size();
  st.cols_of.resize(NS);
  for (std::size_t j = 0; j < st.F; ++j) {
    if (in.facility_service[j] >= NS)
      throw InputError("", "facility " + std::to_string(j), "service", "out of range");
    st.cols_of[in.facility_service[j]].push_back(static_cast<std::uint32_t>(j));
  }
  if (cfg.services.empty()) {
    for (std::size_t s = 0; s < NS; ++s)
      if (!st.cols_of[s].empty()) st.study.push_back(s);
  } else {
    for (const auto& name : cfg.services) {
      auto it = std::find(in.service_names.begin(), in.service_names.end(), name);
      if (it == in.service_names.end()) throw unknown_value("service type", name, in.service_names);
      const auto s = static_cast<std::size_t>(it - in.service_names.begin());
      if (st.cols_of[s].empty())
        throw InputError("", "service '" + name + "'", "service", "no facilities of this service type");
      st.study.push_back(s);
    }
  }
  if (st.study.empty()) throw InputError("", "", "facilities", "no facilities of any service type");
  st.standards = cfg.standards ? *cfg.standards : default_standards();

  // Groupings of demand points: settlement, tier, urban/rural, township.
  st.NP = in.places.size(), st.NU = in.unit_names.size();
  st.place.assign(st.D, -1), st.tier.assign(st.D, -1), st.urban.assign(st.D, -1), st.unit.assign(st.D, -1);
  for (std::size_t i = 0; i < st.D; ++i) {
    if (!in.demand_place.empty() && in.demand_place[i] >= 0 &&
        static_cast<std::size_t>(in.demand_place[i]) < st.NP) {
      st.place[i] = in.demand_place[i];
      st.tier[i] = tier_index(in.places[static_cast<std::size_t>(st.place[i])].tier);
      st.urban[i] = st.tier[i] < 0 ? -1 : (st.tier[i] == 2 ? 1 : 0);
    }
    if (!in.demand_unit.empty() && in.demand_unit[i] >= 0 &&
        static_cast<std::size_t>(in.demand_unit[i]) < st.NU)
      st.unit[i] = in.demand_unit[i];
  }
  for (double p : in.population) st.total_pop += p;
  return st;
}

// The study's CSV tables (and the facilities layer), filled service by service.
struct Tables {
  explicit Tables(const std::string& prefix)
      : equity(prefix + "_equity", {{"service", FieldType::kString},
                                    {"measure", FieldType::kString},
                                    {"grouping", FieldType::kString},
                                    {"units", FieldType::kInteger},
                                    {"dropped_zero_population", FieldType::kInteger},
                                    {"dropped_unreached", FieldType::kInteger},
                                    {"mean", FieldType::kReal},
                                    {"gini", FieldType::kReal},
                                    {"theil_t", FieldType::kReal},
                                    {"theil_within", FieldType::kReal},
                                    {"theil_between", FieldType::kReal},
                                    {"dagum_gw", FieldType::kReal},
                                    {"dagum_gnb", FieldType::kReal},
                                    {"dagum_gt", FieldType::kReal},
                                    {"village_seat_ratio", FieldType::kReal}}),
        audit(prefix + "_audit", {{"standard", FieldType::kString},
                                  {"service", FieldType::kString},
                                  {"measure", FieldType::kString},
                                  {"threshold", FieldType::kReal},
                                  {"direction", FieldType::kString},
                                  {"grouping", FieldType::kString},
                                  {"group", FieldType::kString},
                                  {"population", FieldType::kReal, "persons"},
                                  {"population_beyond", FieldType::kReal, "persons"},
                                  {"pop_share_beyond", FieldType::kReal, "share"},
                                  {"places", FieldType::kInteger},
                                  {"places_beyond", FieldType::kInteger},
                                  {"place_share_beyond", FieldType::kReal, "share"},
                                  {"source", FieldType::kString}}),
        worst(prefix + "_audit_worst", {{"standard", FieldType::kString},
                                        {"rank", FieldType::kInteger},
                                        {"place", FieldType::kString},
                                        {"tier", FieldType::kString},
                                        {"unit", FieldType::kString},
                                        {"value", FieldType::kReal},
                                        {"population", FieldType::kReal, "persons"},
                                        {"population_beyond", FieldType::kReal, "persons"}}),
        facilities(prefix + "_facilities", GeomType::kPoint,
                   {{"service", FieldType::kString},
                    {"facility_id", FieldType::kString},
                    {"name", FieldType::kString},
                    {"supply", FieldType::kReal},
                    {"capacity", FieldType::kReal, "", kToCsv},
                    {"demand_in_catchment_pop", FieldType::kReal, "persons"},
                    {"ratio_2sfca", FieldType::kReal},
                    {"no_demand_in_reach", FieldType::kInteger}}),
        capacity(prefix + "_capacity", {{"service", FieldType::kString},
                                        {"facility_id", FieldType::kString},
                                        {"name", FieldType::kString},
                                        {"capacity", FieldType::kReal},
                                        {"demand_in_catchment_pop", FieldType::kReal, "persons"},
                                        {"per_1000", FieldType::kReal},
                                        {"norm_per_1000", FieldType::kReal},
                                        {"needed", FieldType::kReal},
                                        {"shortfall", FieldType::kReal}}) {
    facilities.json = JsonPlace::kNone;
    facilities.gpkg_order = {
        "facility_id",       "name", "service", "supply", "demand_in_catchment_pop", "ratio_2sfca",
        "no_demand_in_reach"};
  }
  Table equity, audit, worst, facilities, capacity;
};

FieldValue count(std::size_t n) { return FieldValue{static_cast<std::int64_t>(n)}; }

void add_equity_row(Table& t, const std::string& svc, Measure m, const char* grouping, const Equity& e,
                    bool decomposed, double ratio) {
  t.add({svc, std::string(measure_name(m)), std::string(grouping), count(e.units),
         count(e.dropped_zero_population), count(e.dropped_no_value), e.mean, e.gini, e.theil_t,
         decomposed ? FieldValue{e.theil.within} : FieldValue{},
         decomposed ? FieldValue{e.theil.between} : FieldValue{},
         decomposed ? FieldValue{e.dagum.gw} : FieldValue{},
         decomposed ? FieldValue{e.dagum.gnb} : FieldValue{},
         decomposed ? FieldValue{e.dagum.gt} : FieldValue{}, ratio});
}

// One measure of one service type: summary, groups, equity with its decompositions (JSON and equity rows) and
// the mean per settlement (place_mean).
Json measure_json(const Study& st, const std::string& svc, Measure m, const std::vector<double>& v,
                  Table& equity_rows, std::vector<double>& place_mean) {
  const auto& in = st.in;
  Json mj;
  double lo = INFINITY, hi = -INFINITY;
  for (double x : v)
    if (std::isfinite(x)) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  const auto all = aggregate_by_group(v, in.population, std::vector<int>(st.D, 0), 1);
  mj["mean"] = num(all[0].mean);
  mj["min"] = num(lo);
  mj["max"] = num(hi);
  mj["reached_population"] = num(all[0].reached_population);
  const auto by_tier = aggregate_by_group(v, in.population, st.tier, kTiers.size());
  const auto by_unit = aggregate_by_group(v, in.population, st.unit, st.NU);
  const auto by_place = aggregate_by_group(v, in.population, st.place, st.NP);
  for (std::size_t p = 0; p < st.NP; ++p) place_mean[p] = by_place[p].mean;
  mj["by_tier"] = group_stats_json(by_tier, kTiers);
  mj["by_unit"] = group_stats_json(by_unit, in.unit_names);
  const double ratio =
      by_tier[0].mean > 0 && std::isfinite(by_tier[2].mean) ? by_tier[2].mean / by_tier[0].mean : kNaN;
  mj["village_seat_ratio"] = num(ratio);
  const Equity e = equity({v, in.population, {}, {}}, st.cfg.lorenz_points);
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
  const std::vector<Grouping> groupings{{"tier", &st.tier, kTiers},
                                        {"urban_rural", &st.urban, {"urban", "rural"}},
                                        {"unit", &st.unit, in.unit_names}};
  for (const auto& gr : groupings) {
    bool any = false;
    for (int g : *gr.g) any = any || g >= 0;
    if (!any) continue;
    const Equity eg = equity({v, in.population, *gr.g, gr.names}, 2);
    dec[gr.name] = decomposition_json(eg);
    add_equity_row(equity_rows, svc, m, gr.name, eg, true, ratio);
  }
  mj["decomposition"] = dec;
  add_equity_row(equity_rows, svc, m, "none", e, false, ratio);
  return mj;
}

Json share_json(const AuditShare& g) {
  return Json{{"group", g.group},
              {"population", num(g.population)},
              {"population_beyond", num(g.population_beyond)},
              {"pop_share_beyond", num(g.pop_share())},
              {"places", g.places},
              {"places_beyond", g.places_beyond},
              {"place_share_beyond", num(g.place_share())}};
}

Json standard_json(const Standard& st) {
  return {{"id", st.id},
          {"service", st.service},
          {"measure", audit_measure_name(st.measure)},
          {"threshold", num(st.max ? *st.max : *st.min)},
          {"direction", st.max ? "max" : "min"},
          {"source", st.source},
          {"note", st.note}};
}

// The audit of one standard: its JSON and its rows (audit, worst places).
Json audit_json(const Standard& std_, const AuditResult& a, Tables& t) {
  Json aj = standard_json(std_);
  aj["applicable"] = a.applicable;
  aj["reason"] = a.reason;
  if (!a.applicable) return aj;
  auto row = [&](const char* grouping, const AuditShare& g) {
    t.audit.add({std_.id, std_.service, std::string(audit_measure_name(std_.measure)),
                 std_.max ? *std_.max : *std_.min, std::string(std_.max ? "max" : "min"),
                 std::string(grouping), g.group, g.population, g.population_beyond, g.pop_share(),
                 count(g.places), count(g.places_beyond), g.place_share(), std_.source});
  };
  aj["county"] = share_json(a.county);
  row("county", a.county);
  if (audit_measure_is_county_level(std_.measure)) {
    aj["county_value"] = num(a.county_value);
    aj["county_beyond"] = a.county_beyond;
    return aj;
  }
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
    t.worst.add({std_.id, count(++rank), p.name, p.tier, p.unit, p.value, p.population, p.population_beyond});
  }
  aj["by_tier"] = bt;
  aj["by_unit"] = bu;
  aj["worst"] = w;
  return aj;
}

Json capacity_json(const Study& st, const std::string& svc, const std::vector<std::uint32_t>& J,
                   const std::vector<double>& cap, const AccessResult& r, double norm,
                   const std::string& unit_label, Table& rows_out) {
  const Capacity c = carrying_capacity(cap, r.demand_2sfca, st.total_pop, norm);
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
    rows.push_back({{"id", st.facility_id(j)},
                    {"name", st.facility_name(j)},
                    {"capacity", num(row.capacity)},
                    {"demand_in_catchment", num(row.demand_in_catchment)},
                    {"per_1000", num(row.per_1000)},
                    {"needed", num(row.needed)},
                    {"shortfall", num(row.shortfall)}});
    rows_out.add({svc, st.facility_id(j), st.facility_name(j), row.capacity, row.demand_in_catchment,
                  row.per_1000, c.norm_per_1000, row.needed, row.shortfall});
  }
  cj["rows"] = rows;
  return cj;
}

// One service type: its measures, facilities, audit and capacity (JSON and table rows); r and place_vals are
// filled for the point tables.
Json service_json(const Study& st, std::size_t s, Tables& t, Json& audit_rows, AccessResult& r,
                  std::vector<std::vector<double>>& place_vals, Context& ctx) {
  const auto& in = st.in;
  const std::string& svc = in.service_names[s];
  const auto& J = st.cols_of[s];
  const TimeMatrix& T = *in.times;
  TimeMatrix sub(st.D, J.size());
  for (std::size_t i = 0; i < st.D; ++i) {
    const float* row = T.data() + i * st.F;
    float* o = sub.data() + i * J.size();
    for (std::size_t c = 0; c < J.size(); ++c) o[c] = row[J[c]];
  }
  std::size_t known = 0;
  std::vector<double> cap(J.size()), supply(J.size(), 1.0);
  for (std::size_t c = 0; c < J.size(); ++c) {
    cap[c] = in.facility_capacity.empty() ? kNaN : in.facility_capacity[J[c]];
    if (std::isfinite(cap[c])) {
      if (cap[c] < 0) throw InputError("", "facility " + st.facility_id(J[c]), "capacity", "must be >= 0");
      ++known;
    }
  }
  const bool use_cap = known == J.size();
  if (use_cap) supply = cap;
  const std::string unit_label = s < in.service_capacity_unit.size() ? in.service_capacity_unit[s] : "";
  r = compute_access(sub, in.population, supply, st.cfg.access, ctx, in.demand_id);

  Json sj;
  sj["facilities"] = J.size();
  sj["supply"] = supply_note(known, J.size(), unit_label);
  sj["supply_from_capacity"] = use_cap;
  double tot_supply = 0.0;
  for (double x : supply) tot_supply += x;
  sj["total_supply"] = num(tot_supply);
  Json nod = Json::array();
  for (std::uint32_t c : r.facilities_without_demand)
    nod.push_back({{"id", st.facility_id(J[c])}, {"name", st.facility_name(J[c])}});
  sj["facilities_without_demand"] = nod;
  double unreached_pop = 0.0;
  for (std::uint32_t i : r.demand_unreached) unreached_pop += in.population[i];
  sj["unreached_points"] = r.demand_unreached.size();
  sj["unreached_population"] = num(unreached_pop);

  Json measures = Json::object();
  place_vals.assign(kMeasureCount, std::vector<double>(st.NP, kNaN));
  for (int mi = 0; mi < kMeasureCount; ++mi) {
    const Measure m = measure_at(mi);
    measures[std::string(measure_name(m))] =
        measure_json(st, svc, m, r.values(m), t.equity, place_vals[static_cast<std::size_t>(mi)]);
  }
  sj["measures"] = measures;

  for (std::size_t c = 0; c < J.size(); ++c) {
    const std::size_t j = J[c];
    std::vector<FieldValue> row{
        svc,    st.facility_id(j), st.facility_name(j), supply[c],
        cap[c], r.demand_2sfca[c], r.ratio_2sfca[c],    count(r.demand_2sfca[c] > 0 ? 0 : 1)};
    if (t.facilities.geom)
      t.facilities.add(Shape::point(in.facility_pos[j]), std::move(row));
    else
      t.facilities.add(std::move(row));
  }

  Json audits = Json::array();
  for (const auto& std_ : st.standards) {
    if (std_.service != svc) continue;
    AuditResult a;
    if (audit_measure_is_county_level(std_.measure)) {
      if (std_.measure == AuditMeasure::kSupplyPer1000 && !use_cap) {
        a.standard = std_;
        a.applicable = false;
        a.reason = "capacity unknown for " + std::to_string(J.size() - known) + " of " +
                   std::to_string(J.size()) + " facilities";
      } else {
        a = audit_county(std_, tot_supply, static_cast<double>(J.size()), st.total_pop);
      }
    } else {
      std::vector<double> v = r.values(*audit_access_measure(std_.measure));
      if (measure_is_time(*audit_access_measure(std_.measure)))
        for (double& x : v) x /= 60.0;
      a = audit_points(std_, v, in.population, st.place, in.places, st.cfg.worst_n);
    }
    const Json aj = audit_json(std_, a, t);
    audits.push_back(aj);
    audit_rows.push_back(aj);
  }
  sj["audit"] = audits;

  if (auto it = st.cfg.capacity_norms_per_1000.find(svc); it != st.cfg.capacity_norms_per_1000.end())
    sj["capacity"] = capacity_json(st, svc, J, cap, r, it->second, unit_label, t.capacity);
  return sj;
}

// Measure columns "<service>_<measure>" of the studied service types.
std::vector<Column> measure_columns(const std::vector<std::string>& svc_names) {
  std::vector<Column> cols;
  for (const auto& svc : svc_names)
    for (int mi = 0; mi < kMeasureCount; ++mi) cols.emplace_back(col(svc, measure_at(mi)), FieldType::kReal);
  return cols;
}

double measure_value(const AccessResult& r, Measure m, std::size_t i) {
  switch (m) {
    case Measure::kNearest:
      return r.nearest_s[i];
    case Measure::kKthNearest:
      return r.kth_nearest_s[i];
    case Measure::kCumulative:
      return r.cumulative[i];
    case Measure::kGravity:
      return r.gravity[i];
    case Measure::k2SFCA:
      return r.sfca2[i];
    case Measure::kE2SFCA:
      return r.e2sfca[i];
    case Measure::kG2SFCA:
      return r.g2sfca[i];
    case Measure::k3SFCA:
      return r.sfca3[i];
  }
  return kNaN;
}

// Demand points with every measure of every studied service (CSV; GeoPackage layer with positions).
Table demand_table(const Study& st, const std::vector<std::string>& svc_names,
                   const std::map<std::string, AccessResult>& results) {
  const auto& in = st.in;
  std::vector<Column> cols{{"id", FieldType::kString},
                           {"pop", FieldType::kReal, "persons"},
                           {"settlement", FieldType::kString},
                           {"tier", FieldType::kString},
                           {"unit", FieldType::kString}};
  for (auto& c : measure_columns(svc_names)) cols.push_back(std::move(c));
  Table t(st.cfg.layer_prefix + "_demand", GeomType::kPoint, std::move(cols));
  t.json = JsonPlace::kNone;
  const bool geo = in.demand_pos.size() == st.D;
  if (!geo) t.drop_geometry();
  for (std::size_t i = 0; i < st.D; ++i) {
    std::vector<FieldValue> row{in.demand_id.empty() ? std::to_string(i) : in.demand_id[i], in.population[i],
                                st.place[i] >= 0 ? in.places[static_cast<std::size_t>(st.place[i])].name : "",
                                st.tier[i] >= 0 ? kTiers[static_cast<std::size_t>(st.tier[i])] : "",
                                st.unit[i] >= 0 ? in.unit_names[static_cast<std::size_t>(st.unit[i])] : ""};
    for (const auto& svc : svc_names)
      for (int mi = 0; mi < kMeasureCount; ++mi)
        row.emplace_back(measure_value(results.at(svc), measure_at(mi), i));
    if (geo)
      t.add(Shape::point(in.demand_pos[i]), std::move(row));
    else
      t.add(std::move(row));
  }
  return t;
}

// Settlements with the population-weighted mean of every measure (CSV; GeoPackage and map layer with
// positions).
Table settlements_table(const Study& st, const std::vector<std::string>& svc_names,
                        const std::map<std::string, std::vector<std::vector<double>>>& place_vals) {
  const auto& in = st.in;
  std::vector<double> place_pop(st.NP, 0.0);
  for (std::size_t i = 0; i < st.D; ++i)
    if (st.place[i] >= 0) place_pop[static_cast<std::size_t>(st.place[i])] += in.population[i];
  std::vector<Column> cols{{"settlement", FieldType::kString},
                           {"tier", FieldType::kString},
                           {"unit", FieldType::kString},
                           {"pop", FieldType::kReal, "persons"}};
  for (auto& c : measure_columns(svc_names)) cols.push_back(std::move(c));
  Table t(st.cfg.layer_prefix + "_settlements", GeomType::kPoint, std::move(cols));
  t.round_json_coordinates = false;
  const bool geo = in.place_pos.size() == st.NP;
  if (!geo) t.drop_geometry();
  for (std::size_t p = 0; p < st.NP; ++p) {
    const AuditPlace& pl = in.places[p];
    std::vector<FieldValue> row{pl.name, pl.tier, pl.unit, place_pop[p]};
    for (const auto& svc : svc_names)
      for (int mi = 0; mi < kMeasureCount; ++mi)
        row.emplace_back(place_vals.at(svc)[static_cast<std::size_t>(mi)][p]);
    if (geo)
      t.add(Shape::point(in.place_pos[p]), std::move(row));
    else
      t.add(std::move(row));
  }
  return t;
}

}  // namespace

AccessStudy run_access_study(const AccessInputs& in, const AccessStudyConfig& cfg, Context& ctx) {
  const Study st = prepare(in, cfg);
  AccessStudy out;
  Json& sec = out.outputs.section;
  sec["config"] = access_config_json(cfg);
  sec["matrix"] = {{"demand_points", st.D}, {"facilities", st.F}, {"times", in.times_label}};
  sec["demand"] = {{"points", st.D}, {"population", num(st.total_pop)}, {"source", in.demand_source}};
  Json std_json = Json::array();
  for (const auto& s : st.standards) {
    Json j = standard_json(s);
    j.erase("threshold");
    j.erase("direction");
    j["max"] = s.max ? num(*s.max) : Json();
    j["min"] = s.min ? num(*s.min) : Json();
    std_json.push_back(std::move(j));
  }
  sec["standards"] = std_json;

  Tables t(cfg.layer_prefix);
  if (in.facility_pos.size() != st.F) t.facilities.drop_geometry();
  Json services = Json::object(), audit_rows = Json::array();
  std::vector<std::string> svc_names;
  std::map<std::string, std::vector<std::vector<double>>> place_vals;  // svc -> measure -> place mean
  for (const std::size_t s : st.study) {
    const std::string& svc = in.service_names[s];
    svc_names.push_back(svc);
    AccessResult r;
    services[svc] = service_json(st, s, t, audit_rows, r, place_vals[svc], ctx);
    out.results.emplace(svc, std::move(r));
  }
  // Standards of service types without facilities are listed as not applicable (never silently dropped).
  for (const auto& s : st.standards) {
    if (std::find(svc_names.begin(), svc_names.end(), s.service) != svc_names.end()) continue;
    Json j = standard_json(s);
    j["applicable"] = false;
    j["reason"] = "no facilities of service type '" + s.service + "' were studied";
    audit_rows.push_back(std::move(j));
  }
  sec["services"] = services;
  sec["audit"] = audit_rows;
  sec["service_order"] = svc_names;

  // Tables and layers, in the GeoPackage's order: demand points, settlements, facilities.
  out.outputs.add(demand_table(st, svc_names, out.results));
  if (st.NP > 0) out.outputs.add(settlements_table(st, svc_names, place_vals));
  out.outputs.add(std::move(t.facilities));
  out.outputs.add(std::move(t.equity));
  out.outputs.add(std::move(t.audit));
  out.outputs.add(std::move(t.worst));
  out.outputs.add(std::move(t.capacity));
  return out;
}

}  // namespace cs
