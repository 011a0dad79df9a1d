// The planning studio's session (docs/studio.md): the base county model built once as `countyscope plan`
// builds it, an edit list that is a flows::Scenario (the project's one edit language), undo / redo, saved
// scenarios with their headline figures, and the answer to the current edit list: the scenario tables of the
// plan's scenarios pass (the same function, so a saved scenario run through `countyscope plan` gives the same
// CSV bytes), the access study (per-settlement accessibility, equity, standards audit) on the edited model,
// and headline figures with their difference against the baseline and each saved scenario.
//
// Example:
//   cs::PlanConfig cfg;  cfg.osm_path = "county.osm.pbf";            // as `plan --config ... --osm ...`
//   cs::studio::Session s(cfg, ctx);                                // builds the model once (seconds)
//   s.edit(cs::studio::parse_edit(cs::Json::parse(R"({"kind":"facility","action":"open",
//          "service":"clinic","name":"New clinic","at":[9.52,47.15]})")), ctx);
//   const cs::studio::Answer& a = s.answer();                // a.headline, a.tables, a.csv_file("x.csv")
//   std::string toml = cs::studio::scenario_toml(s.scenario());        // what `plan` reads in [scenarios]
//   s.undo(ctx);
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <countyscope/access/audit.hpp>
#include <countyscope/access/study.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/model/county_model.hpp>
#include <countyscope/network/cch.hpp>
#include <countyscope/plan/flows_pass.hpp>
#include <countyscope/plan/plan.hpp>

namespace cs::studio {

// One edit: a scenario fragment (one [[facility]], [[place]], [[unit]], [[upgrade]], [[link]] or [[standard]]
// entry, or two for a move: close + open). `label` says it in one line for the edit list.
struct Edit {
  std::string kind;  // facility, place, unit, road, link, standard
  flows::Scenario change;
  std::string label;
};

// An edit from its JSON form (docs/studio.md "API"). Fields are checked by the scenario file's own parser
// (flows::parse_scenario), so an error is the CLI's one line ("edit: facility[1], field 'at': give [lon, lat]
// in WGS-84 degrees"); a bad JSON type or an unknown kind is a UsageError naming the field.
// A move needs the current county (it closes the named facility and opens it again, same service and
// capacity, at `to`).
Edit parse_edit(const Json& j, const County& current);

// The scenario as the TOML file `countyscope plan` reads in [scenarios] file (and `flows --scenario`):
// numbers printed shortest round-trip, so the file parses back to the same values.
std::string scenario_toml(const flows::Scenario& sc);

// The answer to the current edit list.
struct Answer {
  std::size_t edits = 0;                   // edits applied
  std::vector<std::string> recomputed;     // what apply() rebuilt ("graph", "snap", "matrices")
  Json headline;                           // services, equity, audit, balance (see headline())
  std::vector<Table> tables;               // the tables the studio shows (typed_tables())
  std::map<std::string, std::string> csv;  // the scenarios pass's CSV files as the batch writes them
  std::shared_ptr<const Outputs> access;   // the access study's tables: their CSV files are made when asked
  // The demand points' table (every point x every measure) is computed only when its CSV file is asked for.
  std::string demand_csv_name;
  std::function<std::string()> demand_csv;
  // Every CSV file of the answer (sorted), and one as the batch writes it (nullopt: no such file).
  [[nodiscard]] std::vector<std::string> csv_names() const;
  [[nodiscard]] std::optional<std::string> csv_file(const std::string& name) const;
  Json scenario_section;  // sections.scenario of the batch run
  Json scenario_layers;   // its map layers (scenario_changes, scenario_settlements), for the report
};

// Headline figures of an answer: per service the population-weighted mean time to the nearest facility
// (minutes) and the shares within 15 / 30 minutes (scenario_access, after); Gini and Theil T of the
// time to the nearest facility across settlements by tier (access_equity); the county rows of the standards
// audit; the flow balance by tier (scenario_balance, after).
// The difference a - b of two headlines: rows matched by their text fields, numbers subtracted (a row only in
// one of them keeps its numbers and gets "only": "a" or "b").
Json headline_difference(const Json& a, const Json& b);

// A siting question on the current edited model: new sites of one service, by the plan's locate pass with the
// [locate] defaults and these values. exact = false: the heuristic with its bound only (at once); true: the
// heuristic, then the exact MIP (CBC) within time_limit_s; the answer says which solver's sites it keeps and
// the MIP's outcome (optimal, or stopped at the limit with its gap).
struct SitesRequest {
  std::string service;
  std::int64_t new_sites = 1;
  bool exact = false;
  double time_limit_s = 5;
};
// From JSON {"service": "clinic", "new": 2, "exact": false, "time_limit_s": 5}; UsageError naming the field.
SitesRequest parse_sites(const Json& j, const County& current);

// cs::apply (model/county_model.hpp) for the studio: the same edited model, bit for bit, but when the graph
// stays as it is (no road edit) the snaps and matrix entries of every point the base model has at the same
// position are copied from it, so opening, closing or moving a facility computes only that facility's
// rows and columns on the kept routing index. Road edits, and models with a walk network, go through apply().
ModelEdit apply_kept(const flows::Scenario& sc, const CountyModel& m, const network::SnapOptions& snap,
                     const network::MatrixOptions& matrix, Context& ctx);

// cs::apply for a scenario that only changes roads (speeds, closures, new roads): the same edited model, bit
// for bit, with the matrices answered by a customizable index. Without a new road `cch` (prepared for m's
// graph) is re-customised where the arc times changed (a closed road's arcs get an infinite time) and
// answers on the base graph's topology; a new road gets a new index for the edited graph. Other scenarios,
// a model with a walk network, or a `cch` of another graph go through apply().
ModelEdit apply_network(const flows::Scenario& sc, const CountyModel& m, network::CustomizableCH& cch,
                        const network::SnapOptions& snap, const network::MatrixOptions& matrix, Context& ctx);

struct Saved {
  std::string name;
  flows::Scenario scenario;
  Json headline;
};

class Session {
 public:
  // Builds the base model (the plan's spine and passes over cfg: run_plan with locate, structure and the
  // scenarios pass skipped) and the baseline answer. cfg.osm_path must be set.
  Session(const PlanConfig& cfg, Context& ctx);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Applies one more edit and answers. A bad edit (unknown name, way id, standard) throws the CLI's one line
  // and leaves the session as it was. Clears the redo list.
  const Answer& edit(Edit e, Context& ctx);
  // Undo / redo one edit (false when there is nothing to undo / redo); the answer is recomputed and equals
  // the answer the session gave at that point, byte for byte.
  bool undo(Context& ctx);
  bool redo(Context& ctx);
  // Saves the current edit list under a name ([A-Za-z0-9_-], 1-64 characters; UsageError otherwise) with its
  // headline figures; saving under an existing name replaces it. Returns the scenario TOML.
  std::string save(const std::string& name);
  // New sites on the current edited model (SitesRequest): {"locate": the plan's sections.locate, "sites": the
  // locate_sites layer (GeoJSON, existing and proposed)}. Not an edit: nothing is added to the edit list.
  [[nodiscard]] Json sites(const SitesRequest& r, Context& ctx) const;

  [[nodiscard]] const Answer& answer() const { return answer_; }
  [[nodiscard]] const Answer& baseline() const { return baseline_; }
  [[nodiscard]] flows::Scenario scenario(const std::string& name = "studio") const;  // the edits merged
  [[nodiscard]] const std::vector<Edit>& edits() const { return edits_; }
  [[nodiscard]] std::size_t redo_count() const { return redo_.size(); }
  [[nodiscard]] const std::vector<Saved>& saved() const { return saved_; }
  [[nodiscard]] const PlanState& base() const { return *base_; }
  // The county after the current edits (for checks of the next edit).
  [[nodiscard]] const County& current_county() const { return current_->county; }
  // The answer as JSON: headline, difference against the baseline and each saved scenario, the edit list,
  // and the tables as typed columns (real columns as base64 little-endian float64, text as arrays).
  [[nodiscard]] Json answer_json() const;
  // The results document of the current state, for the static report (render_report): the base plan's
  // document (the studio's passes: locate and structure skipped) with sections.scenario and the scenario
  // layers of the current edit list, as the batch run of the saved scenario writes them.
  [[nodiscard]] Json report_document() const;

 private:
  Answer compute(const std::vector<Edit>& edits, Context& ctx,
                 std::shared_ptr<const CountyModel>* after) const;
  std::unique_ptr<PlanState> base_;
  // The scenarios pass's passes over the base model (its "before" columns), computed once.
  std::shared_ptr<const ScenarioBaseline> before_;
  std::vector<Edit> edits_, redo_;
  std::vector<Saved> saved_;
  Answer baseline_, answer_;
  std::shared_ptr<const CountyModel> current_;  // the model after the current edits
  // The access study's figures per service type, kept across answers (a service type whose inputs did not
  // change is not computed again).
  std::unique_ptr<access::AccessStudyCache> access_cache_ = std::make_unique<access::AccessStudyCache>();
  // The customizable index of the base graph (its metric: the last road edits answered) and the model after
  // the road edits of the edit list (net_key_: their scenario text), kept while they stay the same.
  std::unique_ptr<network::CustomizableCH> cch_;
  mutable std::string net_key_;
  mutable std::shared_ptr<const ModelEdit> net_;
  mutable std::unique_ptr<PlanState> shell_;  // the base model and config the scenarios pass runs on
};

// A table as typed columns: {"name", "rows", "columns": [{name, type, unit}], "data": [column...]} with a
// real or integer column as {"f8": base64 of little-endian float64 (NaN = null)} and a text column as an
// array of strings (null for none).
Json typed_table(const Table& t);

}  // namespace cs::studio
