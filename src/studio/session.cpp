// The studio session: the base model built by the plan's passes, edits as a flows::Scenario, answers from
// the plan's scenarios pass and the access study on the edited model (session.hpp, docs/studio.md).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include <countyscope/access/study.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/model/county_model.hpp>
#include <countyscope/network/cch.hpp>
#include <countyscope/plan/flows_pass.hpp>
#include <countyscope/plan/model_passes.hpp>
#include <countyscope/report/report.hpp>
#include <countyscope/studio/session.hpp>

namespace cs::studio {

namespace {

// The tables an answer carries as typed columns (the access study's; the scenario tables travel as their
// section and CSV files).
const std::vector<std::string> kTypedTables = {"access_settlements", "access_equity", "access_audit"};

flows::Scenario merged(const std::vector<Edit>& edits, const std::string& name) {
  flows::Scenario sc;
  sc.file = "studio";
  sc.name = name;
  for (const Edit& e : edits) {
    const flows::Scenario& c = e.change;
    sc.upgrades.insert(sc.upgrades.end(), c.upgrades.begin(), c.upgrades.end());
    sc.links.insert(sc.links.end(), c.links.begin(), c.links.end());
    sc.facilities.insert(sc.facilities.end(), c.facilities.begin(), c.facilities.end());
    sc.places.insert(sc.places.end(), c.places.begin(), c.places.end());
    sc.units.insert(sc.units.end(), c.units.begin(), c.units.end());
    sc.standards.insert(sc.standards.end(), c.standards.begin(), c.standards.end());
  }
  return sc;
}

// The access study's tables as the batch names them after a scenario (add_scenario_after_access).
constexpr std::string_view kAfter = "scenario_after_";

Json value(const Table& t, std::size_t r, std::string_view col) {
  return field_json(t.row(r)[t.column(col)]);
}

double number(const Json& j) { return j.is_number() ? j.get<double>() : std::nan(""); }

Json make_headline(const Json& scenario_section, const Outputs& access) {
  Json h = {{"services", Json::array()},
            {"equity", Json::array()},
            {"audit", Json::array()},
            {"balance", Json::array()}};
  if (scenario_section.contains("access"))
    for (const Json& r : scenario_section["access"]) {
      const double mean_min = number(r["mean_time_after_min"]);
      h["services"].push_back({{"service", r["service"]},
                               {"mean_min", std::isfinite(mean_min) ? Json(mean_min) : Json()},
                               {"within_15min", r["within_15min_after"]}});
    }
  if (const Table* t = access.find("access_equity"))
    for (std::size_t r = 0; r < t->rows(); ++r)
      if (value(*t, r, "measure") == "nearest_min" && value(*t, r, "grouping") == "tier")
        h["equity"].push_back({{"service", value(*t, r, "service")},
                               {"gini", value(*t, r, "gini")},
                               {"theil", value(*t, r, "theil_t")}});
  if (const Table* t = access.find("access_audit"))
    for (std::size_t r = 0; r < t->rows(); ++r)
      if (value(*t, r, "grouping") == "county")
        h["audit"].push_back({{"standard", value(*t, r, "standard")},
                              {"service", value(*t, r, "service")},
                              {"threshold", value(*t, r, "threshold")},
                              {"direction", value(*t, r, "direction")},
                              {"population_beyond", value(*t, r, "population_beyond")},
                              {"pop_share_beyond", value(*t, r, "pop_share_beyond")}});
  if (scenario_section.contains("balance"))
    for (const Json& r : scenario_section["balance"])
      h["balance"].push_back({{"factor", r["factor"]},
                              {"from", r["from"]},
                              {"to", r["to"]},
                              {"flow", r["flow_after"]},
                              {"net", r["net_after"]}});
  return h;
}

std::string row_key(const Json& row) {
  std::string k;
  for (const auto& [name, v] : row.items())
    if (v.is_string()) k += name + "=" + v.get<std::string>() + ";";
  return k;
}

}  // namespace

Json headline_difference(const Json& a, const Json& b) {
  Json out = Json::object();
  for (const auto& [group, rows_a] : a.items()) {
    const Json rows_b = b.contains(group) ? b[group] : Json::array();
    Json d = Json::array();
    for (const Json& ra : rows_a) {
      const std::string key = row_key(ra);
      const auto it =
          std::find_if(rows_b.begin(), rows_b.end(), [&](const Json& x) { return row_key(x) == key; });
      Json row = ra;
      if (it == rows_b.end()) {
        row["only"] = "a";
      } else {
        for (const auto& [name, v] : ra.items())
          if (v.is_number() || v.is_null()) {
            const Json& w = (*it).contains(name) ? (*it)[name] : Json();
            const double x = number(v) - number(w);
            row[name] = std::isfinite(x) ? Json(x) : Json();
          }
      }
      d.push_back(std::move(row));
    }
    for (const Json& rb : rows_b)
      if (std::none_of(rows_a.begin(), rows_a.end(),
                       [&](const Json& x) { return row_key(x) == row_key(rb); })) {
        Json row = rb;
        row["only"] = "b";
        d.push_back(std::move(row));
      }
    out[group] = std::move(d);
  }
  return out;
}

Json typed_table(const Table& t) {
  Json cols = Json::array(), data = Json::array();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const Column& col = t.columns[c];
    cols.push_back({{"name", col.name},
                    {"type", col.type == FieldType::kString    ? "string"
                             : col.type == FieldType::kInteger ? "integer"
                                                               : "real"},
                    {"unit", col.unit}});
    if (col.type == FieldType::kString) {
      Json a = Json::array();
      for (std::size_t r = 0; r < t.rows(); ++r) a.push_back(field_json(t.row(r)[c]));
      data.push_back(std::move(a));
      continue;
    }
    std::string bytes(t.rows() * 8, '\0');
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const FieldValue& v = t.row(r)[c];
      double x = std::nan("");
      if (const auto* d = std::get_if<double>(&v)) x = *d;
      if (const auto* i = std::get_if<std::int64_t>(&v)) x = static_cast<double>(*i);
      static_assert(std::endian::native == std::endian::little, "typed arrays are little-endian");
      std::memcpy(bytes.data() + r * 8, &x, 8);
    }
    data.push_back({{"f8", detail::base64(bytes)}});
  }
  return {{"name", t.name}, {"rows", t.rows()}, {"columns", std::move(cols)}, {"data", std::move(data)}};
}

Session::Session(const PlanConfig& cfg, Context& ctx) {
  PlanConfig c = cfg;
  for (const char* p : {"locate", "structure", "scenarios", "industry"})
    if (std::find(c.skip.begin(), c.skip.end(), p) == c.skip.end()) c.skip.push_back(p);
  base_ = std::make_unique<PlanState>(run_plan(c, ctx));
  before_ = timed(ctx, "studio/baseline", [&] { return scenario_baseline(*base_, base_->cfg.flows); });
  if (base_->car.graph.edge_count() > 0)
    cch_ = timed(ctx, "studio/cch", [&] {
      return std::make_unique<network::CustomizableCH>(
          network::CustomizableCH::build(base_->car.graph, network::CCHConfig{}, ctx));
    });
  answer_ = compute({}, ctx, &current_);
  baseline_ = answer_;
  baseline_.access.reset();  // only the current answer's CSV files are served
  baseline_.demand_csv = nullptr;
}

std::vector<std::string> Answer::csv_names() const {
  std::vector<std::string> names;
  for (const auto& [file, text] : csv) names.push_back(file);
  if (access)
    for (const Table& t : access->tables)
      if (!t.csv_file.empty()) {
        names.push_back(t.csv_file);
        names.push_back(std::string(kAfter) + t.csv_file);
      }
  if (demand_csv) names.push_back(demand_csv_name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::optional<std::string> Answer::csv_file(const std::string& name) const {
  if (const auto it = csv.find(name); it != csv.end()) return it->second;
  if (access) {
    const std::string_view file =
        std::string_view(name).starts_with(kAfter) ? std::string_view(name).substr(kAfter.size()) : name;
    for (const Table& t : access->tables)
      if (!t.csv_file.empty() && t.csv_file == file) return t.csv_text();
  }
  if (demand_csv && name == demand_csv_name) return demand_csv();
  return std::nullopt;
}

Session::~Session() = default;

flows::Scenario Session::scenario(const std::string& name) const { return merged(edits_, name); }

Answer Session::compute(const std::vector<Edit>& edits, Context& ctx,
                        std::shared_ptr<const CountyModel>* after) const {
  const PlanState& base = *base_;
  const flows::Scenario sc = merged(edits, "studio");
  const network::MatrixOptions mopt = plan_matrix_options(base.cfg);
  ModelEdit e = timed(ctx, "studio/apply", [&] {
    if (!sc.changes_network() || !cch_) return apply_kept(sc, base, base.cfg.snap, mopt, ctx);
    // The road edits first (kept while the edit list's road edits stay the same), then the place and
    // facility edits on that model: the same model as apply(sc, base).
    flows::Scenario roads = sc, places = sc;
    roads.facilities.clear();
    roads.places.clear();
    roads.units.clear();
    roads.standards.clear();
    places.upgrades.clear();
    places.links.clear();
    const std::string key = scenario_toml(roads);
    if (!net_ || key != net_key_) {
      net_.reset();
      net_ = std::make_shared<const ModelEdit>(apply_network(roads, base, *cch_, base.cfg.snap, mopt, ctx));
      net_key_ = key;
    }
    ModelEdit both = apply_kept(places, net_->model, base.cfg.snap, mopt, ctx);
    both.recomputed = net_->recomputed;
    both.network = net_->network;
    return both;
  });
  Answer a;
  a.edits = edits.size();
  a.recomputed = e.recomputed;
  // The scenarios pass as the batch runs it, on a plan state holding only the base model and the config
  // (made once: the pass adds its section, layers and CSV files to it, which are taken out each time).
  if (!shell_) {
    shell_ = std::make_unique<PlanState>();
    static_cast<CountyModel&>(*shell_) = base;
    shell_->cfg = base.cfg;
  }
  PlanState& shell = *shell_;
  shell.doc = new_results_document("plan");
  shell.layers.clear();
  shell.csv.clear();
  timed(ctx, "studio/scenario", [&] { run_flows_scenario(shell, sc, e, ctx, before_.get()); });
  a.scenario_section = std::move(shell.doc["sections"]["scenario"]);
  a.scenario_layers = Json::object();
  if (shell.doc.contains("layers"))
    for (auto& [name, layer] : shell.doc["layers"].items()) a.scenario_layers[name] = std::move(layer);
  a.csv = std::move(shell.csv);
  shell.csv.clear();
  shell.layers.clear();
  access::AccessStudyConfig acfg = scenario_access_config(base.cfg.access, sc);
  acfg.demand_table = false;  // made when its CSV file is asked for (Answer::csv_file)
  access::AccessStudy study = timed(ctx, "studio/access", [&] {
    return access::run_access_study(access_inputs(e.model), acfg, ctx, access_cache_.get());
  });
  timed(ctx, "studio/answer", [&] {
    a.headline = make_headline(a.scenario_section, study.outputs);
    for (const std::string& name : kTypedTables)
      if (const Table* t = study.outputs.find(name)) a.tables.push_back(*t);
    // The CSV files (the demand points' above all) are written when asked for (GET /api/csv/).
    a.access = std::make_shared<const Outputs>(std::move(study.outputs));
    auto model = std::make_shared<const CountyModel>(std::move(e.model));
    acfg.demand_table = true;
    a.demand_csv_name = acfg.layer_prefix + "_demand.csv";
    a.demand_csv = [model, acfg] {
      Context c;
      const access::AccessStudy whole = access::run_access_study(access_inputs(*model), acfg, c);
      const Table* t = whole.outputs.find(acfg.layer_prefix + "_demand");
      return t ? t->csv_text() : std::string();
    };
    if (after) *after = std::move(model);
  });
  return a;
}

const Answer& Session::edit(Edit e, Context& ctx) {
  if (!e.change.standards.empty()) (void)scenario_access_config(base_->cfg.access, e.change);
  // Names and way ids are checked on the fragment alone first, so an error names this edit's entry.
  if (e.change.changes_places()) (void)flows::apply_place_changes(current_->county, e.change, nullptr);
  if (e.change.changes_network()) (void)flows::apply_network_changes(base_->car.graph, e.change, nullptr);
  std::vector<Edit> next = edits_;
  next.push_back(std::move(e));
  std::shared_ptr<const CountyModel> after;
  Answer a = compute(next, ctx, &after);
  edits_ = std::move(next);
  redo_.clear();
  answer_ = std::move(a);
  current_ = std::move(after);
  return answer_;
}

bool Session::undo(Context& ctx) {
  if (edits_.empty()) return false;
  std::vector<Edit> next(edits_.begin(), edits_.end() - 1);
  std::shared_ptr<const CountyModel> after;
  Answer a = compute(next, ctx, &after);
  redo_.push_back(edits_.back());
  edits_ = std::move(next);
  answer_ = std::move(a);
  current_ = std::move(after);
  return true;
}

bool Session::redo(Context& ctx) {
  if (redo_.empty()) return false;
  std::vector<Edit> next = edits_;
  next.push_back(redo_.back());
  std::shared_ptr<const CountyModel> after;
  Answer a = compute(next, ctx, &after);
  redo_.pop_back();
  edits_ = std::move(next);
  answer_ = std::move(a);
  current_ = std::move(after);
  return true;
}

std::string Session::save(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-';
  });
  if (!ok) throw UsageError("save: field 'name': give 1-64 characters of A-Z, a-z, 0-9, _ and -");
  Saved s{name, scenario(name), answer_.headline};
  std::string toml = scenario_toml(s.scenario);
  const auto it = std::find_if(saved_.begin(), saved_.end(), [&](const Saved& x) { return x.name == name; });
  if (it != saved_.end())
    *it = std::move(s);
  else
    saved_.push_back(std::move(s));
  return toml;
}

SitesRequest parse_sites(const Json& j, const County& current) {
  const auto bad = [](const std::string& field, const std::string& msg) {
    throw UsageError("sites: field '" + field + "': " + msg);
  };
  if (!j.is_object()) throw UsageError("sites: give a JSON object with a 'service'");
  for (const auto& [key, v] : j.items())
    if (key != "service" && key != "new" && key != "exact" && key != "time_limit_s")
      bad(key, "unknown key; valid keys: service, new, exact, time_limit_s");
  SitesRequest r;
  if (!j.contains("service") || !j["service"].is_string()) bad("service", "must be a string");
  r.service = j["service"].get<std::string>();
  std::vector<std::string> names;
  for (const ServiceType& t : current.services.types) names.push_back(t.name);
  if (std::find(names.begin(), names.end(), r.service) == names.end())
    throw unknown_value("sites: service", r.service, names);
  if (j.contains("new")) {
    if (!j["new"].is_number_integer() || j["new"].get<std::int64_t>() < 1 ||
        j["new"].get<std::int64_t>() > 100)
      bad("new", "must be a whole number in [1, 100]");
    r.new_sites = j["new"].get<std::int64_t>();
  }
  if (j.contains("exact")) {
    if (!j["exact"].is_boolean()) bad("exact", "must be true or false");
    r.exact = j["exact"].get<bool>();
  }
  if (j.contains("time_limit_s")) {
    if (!j["time_limit_s"].is_number()) bad("time_limit_s", "must be a number");
    r.time_limit_s = j["time_limit_s"].get<double>();
    if (!(r.time_limit_s > 0) || r.time_limit_s > 60) bad("time_limit_s", "must be in (0, 60] seconds");
  }
  return r;
}

Json Session::sites(const SitesRequest& r, Context& ctx) const {
  PlanState shell;
  static_cast<CountyModel&>(shell) = *current_;
  shell.cfg = base_->cfg;
  shell.cfg.timings = false;
  const std::string text = "[locate]\nservices = [" + Json(r.service).dump() +
                           "]\nnew = " + std::to_string(r.new_sites) + "\nsolver = \"" +
                           (r.exact ? "both" : "heuristic") +
                           "\"\ntime_limit_s = " + number_text(r.time_limit_s) + "\n";
  shell.cfg.document = std::make_shared<const TomlDocument>(TomlDocument::parse(text, "sites"));
  shell.doc = new_results_document("plan");
  timed(ctx, "studio/sites", [&] { run_locate_pass(shell, ctx); });
  const Json& layers = shell.doc["layers"];
  return {{"locate", shell.doc["sections"]["locate"]},
          {"sites", layers.contains("locate_sites") ? layers["locate_sites"] : Json()}};
}

Json Session::report_document() const {
  Json doc = base_->doc;
  doc["sections"]["scenario"] = answer_.scenario_section;
  for (const auto& [name, layer] : answer_.scenario_layers.items()) doc["layers"][name] = layer;
  return doc;
}

Json Session::answer_json() const {
  Json edits = Json::array();
  for (const Edit& e : edits_) edits.push_back({{"kind", e.kind}, {"label", e.label}});
  Json vs_saved = Json::array();
  for (const Saved& s : saved_)
    vs_saved.push_back({{"name", s.name},
                        {"headline", s.headline},
                        {"difference", headline_difference(answer_.headline, s.headline)}});
  Json tables = Json::array();
  for (const Table& t : answer_.tables) tables.push_back(typed_table(t));
  Json files = Json::array();
  for (const std::string& file : answer_.csv_names()) files.push_back(file);
  return {{"edits", std::move(edits)},
          {"redo", redo_.size()},
          {"recomputed", answer_.recomputed},
          {"headline", answer_.headline},
          {"baseline", baseline_.headline},
          {"vs_baseline", headline_difference(answer_.headline, baseline_.headline)},
          {"vs_saved", std::move(vs_saved)},
          {"scenario", answer_.scenario_section},
          {"tables", std::move(tables)},
          {"csv_files", std::move(files)}};
}

}  // namespace cs::studio
