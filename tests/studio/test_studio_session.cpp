// The studio session on a small real extract (Andorra, La Massana; data/fixtures/osm). Oracles: every
// answer equals a from-scratch computation on the edited model — the plan run with the saved scenario TOML
// (the scenario tables, byte for byte) and the access study on apply(scenario, model) of that run; undo /
// redo give byte-identical answers; a bad edit is one line and changes nothing; a standard's threshold moves
// the audit the way the threshold says.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/access/study.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/model/county_model.hpp>
#include <countyscope/network/cch.hpp>
#include <countyscope/plan/flows_pass.hpp>
#include <countyscope/plan/model_passes.hpp>
#include <countyscope/report/report.hpp>
#include <countyscope/studio/session.hpp>

#include "test_support.hpp"

namespace cs::studio {
namespace {

PlanConfig andorra_config() {
  PlanConfig cfg;
  cfg.osm_path = test::source_path("data/fixtures/osm/andorra-2013-05-28.osm.pbf").string();
  cfg.county.total_population = 5000;  // a control total above the siting floor (the extract has 250 people)
  cfg.county.unit_admin_level = 7;     // the parishes as units (the whole extract is then the county)
  return cfg;
}

Session& session() {  // one base model for the whole file (built in seconds)
  static Context ctx;
  static Session s(andorra_config(), ctx);
  return s;
}

// The oracle: the batch path from scratch — the plan with [scenarios] file = the saved TOML (its scenario
// CSV files), then the access study on apply(scenario) of that run's model.
std::map<std::string, std::string> batch_csv(const std::string& toml) {
  test::TempDir dir;
  const std::string file = (dir / "scenario.toml").string();
  write_file(file, toml);
  PlanConfig cfg = andorra_config();
  cfg.scenarios.file = file;
  cfg.skip = {"locate", "structure"};
  Context ctx;
  PlanState st = run_plan(cfg, ctx);
  std::map<std::string, std::string> out;
  for (const auto& [name, text] : st.csv)
    if (name.rfind("scenario_", 0) == 0) out[name] = text;
  // The batch's after-state access tables (scenario_after_access_*.csv) and, computed here, the whole
  // study on apply(scenario) with the scenario's standards (the demand points' table too).
  EXPECT_TRUE(out.count("scenario_after_access_audit.csv") &&
              out.count("scenario_after_access_settlements.csv"));
  const flows::Scenario sc = flows::load_scenario(file);
  const ModelEdit e = apply(sc, st, cfg.snap, plan_matrix_options(cfg), ctx);
  const access::AccessStudyConfig acfg = scenario_access_config(cfg.access, sc);
  const access::AccessStudy a = access::run_access_study(access_inputs(e.model), acfg, ctx);
  for (auto& [name, text] : csv_files(a.outputs)) out[name] = text;
  return out;
}

// `toml` is the test's own scenario file of the edits made so far (written here, not by the session).
void expect_answer_equals_batch(const Session& s, const std::string& toml) {
  const auto want = batch_csv(toml);
  const Answer& a = s.answer();
  ASSERT_TRUE(want.count("scenario_access.csv") && want.count("scenario_balance.csv") &&
              want.count("access_settlements.csv") && want.count("access_audit.csv"));
  for (const auto& [name, text] : want) {
    const std::optional<std::string> got = a.csv_file(name);
    ASSERT_TRUE(got) << name;
    EXPECT_EQ(*got, text) << name << " differs from the batch run after " << s.edits().size() << " edits";
  }
  EXPECT_EQ(a.csv_names().size(), want.size());
  EXPECT_FALSE(a.csv_file("no_such.csv"));
}

Json edit_json(const std::string& text) { return Json::parse(text); }

TEST(StudioSession, EveryEditEqualsTheBatchRunOfItsSavedScenario) {
  Session& s = session();
  Context ctx;
  while (s.undo(ctx)) {
  }
  const County& c = s.base().county;
  ASSERT_GT(c.settlements.size(), 1u);
  ASSERT_GT(c.facilities.size(), 1u);
  std::string toml = "name = \"oracle\"\n";
  expect_answer_equals_batch(s, toml);  // no edit: the baseline equals a no-op scenario

  const std::string service = c.services.types[c.facilities[0].service].name;
  const LonLat at = c.settlements[1].pos;
  s.edit(parse_edit(edit_json(R"({"kind":"facility","action":"open","service":")" + service +
                              R"(","name":"Studio clinic","at":[)" + number_text(at.lon) + "," +
                              number_text(at.lat) + "]}"),
                    s.current_county()),
         ctx);
  EXPECT_EQ(s.answer().recomputed, (std::vector<std::string>{"snap", "matrices"}));
  const std::string open_clinic = "[[facility]]\naction = \"open\"\nservice = \"" + service +
                                  "\"\nname = \"Studio clinic\"\nat = [" + number_text(at.lon) + ", " +
                                  number_text(at.lat) + "]\n";
  toml += open_clinic;
  expect_answer_equals_batch(s, toml);

  s.edit(parse_edit(edit_json(R"({"kind":"place","name":")" + c.settlements[0].name +
                              R"(","population":2500,"jobs":900})"),
                    s.current_county()),
         ctx);
  toml += "[[place]]\nname = \"" + c.settlements[0].name + "\"\npopulation = 2500\njobs = 900\n";
  expect_answer_equals_batch(s, toml);

  // A road: the way of the busiest edge class near the first settlement is slowed to 20 km/h.
  const network::RoadGraph& g = s.base().car.graph;
  std::int64_t way = -1;
  for (std::size_t e = 0; e < g.edge_count() && way < 0; ++e)
    if (g.edge_way[e] > 0 && g.edge_class[e] <= network::RoadClass::kSecondary) way = g.edge_way[e];
  ASSERT_GT(way, 0);
  s.edit(parse_edit(edit_json(R"({"kind":"road","ways":[)" + std::to_string(way) + R"(],"speed_kmh":20})"),
                    s.current_county()),
         ctx);
  EXPECT_EQ(s.answer().recomputed.front(), "graph");
  toml += "[[upgrade]]\nways = [" + std::to_string(way) + "]\nspeed_kmh = 20\n";
  expect_answer_equals_batch(s, toml);

  s.edit(parse_edit(edit_json(R"({"kind":"facility","action":"move","name":"Studio clinic","to":[)" +
                              number_text(c.settlements[0].pos.lon) + "," +
                              number_text(c.settlements[0].pos.lat) + "]}"),
                    s.current_county()),
         ctx);
  toml +=
      "[[facility]]\naction = \"close\"\nname = \"Studio clinic\"\n[[facility]]\naction = \"open\"\nservice "
      "= \"" +
      service + "\"\nname = \"Studio clinic\"\nat = [" + number_text(c.settlements[0].pos.lon) + ", " +
      number_text(c.settlements[0].pos.lat) + "]\n";
  expect_answer_equals_batch(s, toml);

  // A unit's population and jobs: its demand points and settlements scaled, its jobs shared out.
  const AdminUnit* unit = nullptr;
  for (const AdminUnit& u : c.units)
    if (u.population_est > 0 && (!unit || u.population_est > unit->population_est)) unit = &u;
  ASSERT_TRUE(unit) << "the extract has no administrative unit with residents";
  const double unit_pop = std::round(unit->population_est * 1.5);
  s.edit(parse_edit(edit_json(R"({"kind":"unit","name":")" + unit->name + R"(","population":)" +
                              number_text(unit_pop) + R"(,"jobs":700})"),
                    s.current_county()),
         ctx);
  const std::string unit_toml =
      "[[unit]]\nname = \"" + unit->name + "\"\npopulation = " + number_text(unit_pop) + "\njobs = 700\n";
  toml += unit_toml;
  expect_answer_equals_batch(s, toml);
  double after_pop = 0;
  const int unit_index = static_cast<int>(unit - c.units.data());
  for (const DemandPoint& d : s.current_county().demand)
    if (d.unit == unit_index) after_pop += d.population;
  EXPECT_NEAR(after_pop, unit_pop, 1e-6 * unit_pop);

  // A standard's threshold: the batch audits with it too.
  std::string id;
  for (const Json& r : s.answer().headline["audit"])
    if (r["direction"] == "max") id = r["standard"].get<std::string>();
  ASSERT_FALSE(id.empty());
  const std::string before_audit = *s.answer().csv_file("access_audit.csv");
  s.edit(
      parse_edit(edit_json(R"({"kind":"standard","id":")" + id + R"(","threshold":1})"), s.current_county()),
      ctx);
  toml += "[[standard]]\nid = \"" + id + "\"\nthreshold = 1\n";
  expect_answer_equals_batch(s, toml);
  EXPECT_NE(*s.answer().csv_file("access_audit.csv"), before_audit);
  EXPECT_EQ(s.edits().size(), 6u);
  // The session's own saved file is the same scenario (the test's text above is the oracle's input).
  EXPECT_EQ(scenario_toml(flows::parse_scenario(scenario_toml(s.scenario("oracle")), "saved.toml")),
            scenario_toml(flows::parse_scenario("name = \"oracle\"\n" + toml.substr(toml.find('\n') + 1),
                                                "oracle.toml")));
}

// The exported report's document is the batch plan's document of the saved scenario: sections.scenario and
// the scenario layers equal, the rest the base plan's; it renders.
TEST(StudioSession, ReportDocumentIsTheBatchRunOfTheSavedScenario) {
  Session& s = session();
  Context ctx;
  while (s.undo(ctx)) {
  }
  const County& c = s.base().county;
  s.edit(parse_edit(edit_json(R"({"kind":"facility","action":"close","osm_id":)" +
                              std::to_string(c.facilities[0].osm_id) + "}"),
                    s.current_county()),
         ctx);
  s.edit(parse_edit(edit_json(R"({"kind":"place","name":")" + c.settlements[0].name + R"(","jobs":300})"),
                    s.current_county()),
         ctx);
  test::TempDir dir;
  const std::string file = (dir / "studio").string();  // the studio's scenario names itself "studio"
  write_file(file, scenario_toml(s.scenario()));
  PlanConfig cfg = andorra_config();
  cfg.scenarios.file = file;
  cfg.skip = {"locate", "structure"};
  Context bctx;
  const PlanState st = run_plan(cfg, bctx);
  const Json doc = s.report_document();
  ASSERT_TRUE(doc["sections"].contains("scenario"));
  EXPECT_EQ(doc["sections"]["scenario"].dump(), st.doc["sections"]["scenario"].dump());
  std::size_t layers = 0;
  for (const auto& [name, layer] : st.doc["layers"].items())
    if (name.rfind("scenario", 0) == 0) {
      ++layers;
      ASSERT_TRUE(doc["layers"].contains(name)) << name;
      EXPECT_EQ(doc["layers"][name].dump(), layer.dump()) << name;
    }
  EXPECT_GE(layers, 1u);
  EXPECT_EQ(doc["sections"]["access"].dump(), s.base().doc["sections"]["access"].dump());
  const std::string html = render_report(doc);
  EXPECT_NE(html.find("<html"), std::string::npos);
  while (s.undo(ctx)) {
  }
}

TEST(StudioSession, UndoAndRedoGiveByteIdenticalAnswers) {
  Session& s = session();
  Context ctx;
  while (s.undo(ctx)) {
  }
  const County& c = s.base().county;
  std::vector<std::string> seen = {s.answer_json().dump()};
  EXPECT_EQ(seen[0], s.answer_json().dump());
  for (std::size_t i = 0; i < 3; ++i) {
    s.edit(parse_edit(edit_json(R"({"kind":"place","name":")" + c.settlements[i].name + R"(","population":)" +
                                std::to_string(1000 * (i + 1)) + "}"),
                      s.current_county()),
           ctx);
    seen.push_back(s.answer_json().dump());
  }
  EXPECT_NE(seen[0], seen[3]);
  for (std::size_t i = 3; i > 0; --i) {
    ASSERT_TRUE(s.undo(ctx));
    // The redo count is part of the JSON; compare the answer's figures and tables.
    Json now = s.answer_json(), then = Json::parse(seen[i - 1]);
    now.erase("redo");
    then.erase("redo");
    EXPECT_EQ(now.dump(), then.dump()) << "after undo to " << i - 1 << " edits";
  }
  EXPECT_FALSE(s.undo(ctx));
  for (std::size_t i = 1; i <= 3; ++i) {
    ASSERT_TRUE(s.redo(ctx));
    Json now = s.answer_json(), then = Json::parse(seen[i]);
    now.erase("redo");
    then.erase("redo");
    EXPECT_EQ(now.dump(), then.dump()) << "after redo to " << i << " edits";
  }
  EXPECT_FALSE(s.redo(ctx));
}

TEST(StudioSession, BadEditsAreOneLineAndChangeNothing) {
  Session& s = session();
  Context ctx;
  const std::string before = s.answer_json().dump();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"kind":"place","name":"Atlantis","population":10})", "no settlement named 'Atlantis'"},
      {R"({"kind":"facility","action":"close","name":"Nowhere"})", "no facility named 'Nowhere' to close"},
      {R"({"kind":"facility","action":"open","service":"clinic","at":[200,47]})", "field 'at'"},
      {R"({"kind":"facility","action":"open","service":"nope","at":[1.5,42.5]})",
       "unknown service type 'nope'"},
      {R"({"kind":"place","name":"x","population":-5})", "field 'population'"},
      {R"({"kind":"place","name":"x","population":"many"})", "must be a number"},
      {R"({"kind":"road","ways":[1],"speed_kmh":500})", "field 'speed_kmh'"},
      {R"({"kind":"road","ways":[999999999999],"speed_kmh":50})", "999999999999"},
      {R"({"kind":"road","ways":[1],"speed_kmh":5,"lanes":2})", "unknown key"},
      {R"({"kind":"teleport"})", "unknown value 'teleport'"},
      {R"({"kind":"standard","id":"no_such","threshold":10})", "no_such"},
      {R"({"kind":"standard","id":"x","threshold":-1})", "field 'threshold'"},
      {R"({"kind":"standard","id":"x"})", "field 'threshold': missing"},
      {R"({"kind":"unit","name":"Atlantis","population":10})", "no administrative unit named 'Atlantis'"},
      {R"({"kind":"unit","name":"x"})", "give population and/or jobs"},
      {R"({"kind":"facility","action":"open","service":{"a":1}})", "must not be an object"},
      {R"([1,2])", "JSON object"},
  };
  for (const auto& [body, needle] : cases) {
    try {
      s.edit(parse_edit(edit_json(body), s.current_county()), ctx);
      ADD_FAILURE() << body << " was accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(needle), std::string::npos) << body << " -> " << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
    EXPECT_EQ(s.answer_json().dump(), before) << body;
  }
}

TEST(StudioSession, StandardThresholdMovesTheAudit) {
  Session& s = session();
  Context ctx;
  while (s.undo(ctx)) {
  }
  // A nearest-time standard (max minutes): threshold 0 puts every reached person beyond it.
  const Json& audit = s.answer().headline["audit"];
  std::string id;
  for (const Json& r : audit)
    if (r["direction"] == "max" && r["population_beyond"].is_number() &&
        r["pop_share_beyond"].get<double>() < 1)
      id = r["standard"].get<std::string>();
  ASSERT_FALSE(id.empty()) << audit.dump();
  s.edit(
      parse_edit(edit_json(R"({"kind":"standard","id":")" + id + R"(","threshold":0})"), s.current_county()),
      ctx);
  for (const Json& r : s.answer().headline["audit"])
    if (r["standard"] == id) {
      EXPECT_EQ(r["threshold"].get<double>(), 0.0);
      EXPECT_EQ(r["pop_share_beyond"].get<double>(), 1.0);
    }
  const Json d = headline_difference(s.answer().headline, s.baseline().headline);
  bool moved = false;
  for (const Json& r : d["audit"])
    if (r["standard"] == id) moved = r["pop_share_beyond"].get<double>() > 0;
  EXPECT_TRUE(moved) << d["audit"].dump();
  ASSERT_TRUE(s.undo(ctx));
}

TEST(StudioSession, SavedScenarioTomlReadsBackToItself) {
  Session& s = session();
  Context ctx;
  while (s.undo(ctx)) {
  }
  const County& c = s.base().county;
  s.edit(
      parse_edit(edit_json(R"({"kind":"link","name":"A \"quoted\" road\\","from":[1.5123456789012345,42.55],)"
                           R"("to":[1.53,42.57],"speed_kmh":33.3})"),
                 s.current_county()),
      ctx);
  s.edit(parse_edit(edit_json(R"({"kind":"facility","action":"close","osm_id":)" +
                              std::to_string(c.facilities[0].osm_id) + "}"),
                    s.current_county()),
         ctx);
  const std::string toml = s.save("round-trip_1");
  const flows::Scenario back = flows::parse_scenario(toml, "saved.toml");
  EXPECT_EQ(scenario_toml(back), scenario_toml(s.scenario("round-trip_1")));
  ASSERT_EQ(back.links.size(), 1u);
  EXPECT_EQ(back.links[0].name, "A \"quoted\" road\\");
  EXPECT_EQ(back.links[0].from.lon, 1.5123456789012345);
  EXPECT_EQ(back.links[0].speed_kmh, 33.3);
  EXPECT_EQ(s.saved().size(), 1u);
  EXPECT_THROW(s.save("../etc/passwd"), UsageError);
  EXPECT_THROW(s.save(""), UsageError);
  // Against the saved scenario the current answer differs by nothing.
  const Json vs = s.answer_json()["vs_saved"][0]["difference"];
  for (const Json& r : vs["services"])
    EXPECT_EQ(r["mean_min"].is_null() ? 0.0 : r["mean_min"].get<double>(), 0.0);
  while (s.undo(ctx)) {
  }
}

// Sites on the baseline equal the plan's locate pass run from a plan file with the same [locate] values; the
// exact run marks which solver's answer it keeps.
TEST(StudioSession, SitesEqualThePlansLocatePass) {
  Session& s = session();
  Context ctx;
  while (s.undo(ctx)) {
  }
  const County& c = s.base().county;
  const std::string service = c.services.types[c.facilities[0].service].name;
  const Json got = s.sites(parse_sites(Json{{"service", service}, {"new", 2}}, s.current_county()), ctx);
  PlanConfig cfg = andorra_config();
  parse_plan_config(
      "[locate]\nservices = [\"" + service + "\"]\nnew = 2\nsolver = \"heuristic\"\ntime_limit_s = 5\n",
      "oracle.toml", cfg);
  cfg.skip = {"structure", "scenarios", "flows"};
  Context ctx2;
  const PlanState st = run_plan(cfg, ctx2);
  EXPECT_EQ(got["locate"].dump(), st.doc["sections"]["locate"].dump());
  EXPECT_EQ(got["sites"].dump(), st.doc["layers"]["locate_sites"].dump());
  const Json exact =
      s.sites(parse_sites(Json{{"service", service}, {"new", 1}, {"exact", true}, {"time_limit_s", 10}},
                          s.current_county()),
              ctx);
  ASSERT_FALSE(got["locate"].contains("refused")) << got["locate"].dump();
  ASSERT_EQ(exact["locate"]["services"].size(), 1u) << exact.dump();
  const Json& sv = exact["locate"]["services"][0];
  ASSERT_TRUE(sv.contains("results")) << sv.dump();
  EXPECT_EQ(sv["results"].size(), 2u) << sv.dump();  // the heuristic, then the MIP
  EXPECT_TRUE(sv.contains("chosen")) << sv.dump();
  EXPECT_THROW((void)parse_sites(Json{{"service", "nope"}}, s.current_county()), UsageError);
  EXPECT_THROW((void)parse_sites(Json{{"service", service}, {"new", 0}}, s.current_county()), UsageError);
  EXPECT_THROW((void)parse_sites(Json{{"service", service}, {"time_limit_s", 1e9}}, s.current_county()),
               UsageError);
}

TEST(StudioSession, TypedTablesCarryEveryValue) {
  Session& s = session();
  const Json j = s.answer_json();
  ASSERT_FALSE(j["tables"].empty());
  for (const Json& t : j["tables"]) {
    const std::size_t rows = t["rows"].get<std::size_t>();
    for (std::size_t c = 0; c < t["columns"].size(); ++c) {
      const Json& col = t["data"][c];
      if (t["columns"][c]["type"] == "string")
        EXPECT_EQ(col.size(), rows);
      else
        EXPECT_EQ(col["f8"].get<std::string>().size(), (rows * 8 + 2) / 3 * 4) << t["name"];
    }
  }
}

void expect_same_snaps(const std::vector<network::Snap>& a, const std::vector<network::Snap>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].edge, b[i].edge) << i;
    EXPECT_EQ(a[i].frac, b[i].frac) << i;
    EXPECT_EQ(a[i].on_edge, b[i].on_edge) << i;
    EXPECT_EQ(a[i].dist_m, b[i].dist_m) << i;
    EXPECT_EQ(a[i].access_ms, b[i].access_ms) << i;
    EXPECT_EQ(a[i].to_from_node, b[i].to_from_node) << i;
    EXPECT_EQ(a[i].to_to_node, b[i].to_to_node) << i;
    EXPECT_EQ(a[i].from_from_node, b[i].from_from_node) << i;
    EXPECT_EQ(a[i].from_to_node, b[i].from_to_node) << i;
    EXPECT_EQ(a[i].far, b[i].far) << i;
  }
}

// The studio's apply (kept snaps and matrix columns, new facilities' own columns only) equals apply() on
// the same scenario: every snap and every matrix entry, for opening, closing, moving facilities (also onto
// an existing facility's position) and place edits; the access study through the cache gives the same CSV
// bytes as without it, on any thread count, and takes the unchanged service types from the cache.
TEST(StudioSession, KeptColumnsEqualApplyAndTheCacheChangesNoByte) {
  Session& s = session();
  const PlanState& base = s.base();
  const County& c = base.county;
  ASSERT_GT(c.facilities.size(), 2u);
  const Facility& f0 = c.facilities[0];
  const Facility& f1 = c.facilities[1];
  const std::string svc0 = c.services.types[f0.service].name;
  auto at = [](LonLat p) { return "[" + number_text(p.lon) + ", " + number_text(p.lat) + "]"; };
  const std::string open = "[[facility]]\naction = \"open\"\nservice = \"" + svc0 +
                           "\"\nname = \"New\"\nat = " + at(c.settlements[1].pos) + "\n";
  const std::string close = "[[facility]]\naction = \"close\"\nosm_id = " + std::to_string(f1.osm_id) + "\n";
  const std::string onto = "[[facility]]\naction = \"open\"\nservice = \"" + svc0 +
                           "\"\nname = \"Twin\"\nat = " + at(f0.pos) + "\n";
  const std::string place = "[[place]]\nname = \"" + c.settlements[0].name + "\"\npopulation = 1234\n";
  access::AccessStudyCache cache;
  Context ctx;
  std::string previous = "-";
  for (const std::string& toml :
       {open, close, close, open + close, onto, place, place + open, std::string()}) {
    const flows::Scenario sc = flows::parse_scenario("name = \"t\"\n" + toml, "t.toml");
    const ModelEdit want = apply(sc, base, base.cfg.snap, plan_matrix_options(base.cfg), ctx);
    const ModelEdit got = apply_kept(sc, base, base.cfg.snap, plan_matrix_options(base.cfg), ctx);
    EXPECT_EQ(got.recomputed, want.recomputed) << toml;
    EXPECT_EQ(got.model.county.facilities.size(), want.model.county.facilities.size()) << toml;
    expect_same_snaps(got.model.facility_snaps, want.model.facility_snaps);
    expect_same_snaps(got.model.demand_snaps, want.model.demand_snaps);
    expect_same_snaps(got.model.settlement_snaps, want.model.settlement_snaps);
    EXPECT_TRUE(got.model.demand_to_facility == want.model.demand_to_facility) << toml;
    EXPECT_TRUE(got.model.settlement_to_facility == want.model.settlement_to_facility) << toml;
    EXPECT_TRUE(got.model.facility_to_facility == want.model.facility_to_facility) << toml;
    EXPECT_TRUE(got.model.demand_to_settlement == want.model.demand_to_settlement) << toml;
    EXPECT_TRUE(got.model.settlement_to_settlement == want.model.settlement_to_settlement) << toml;
    EXPECT_EQ(got.jobs.size(), want.jobs.size());
    const auto plain = access::run_access_study(access_inputs(want.model), base.cfg.access, ctx);
    const std::size_t hits = cache.hits(), misses = cache.misses();
    const auto kept = access::run_access_study(access_inputs(got.model), base.cfg.access, ctx, &cache);
    EXPECT_EQ(csv_files(kept.outputs), csv_files(plain.outputs)) << toml;
    EXPECT_EQ(kept.outputs.section.dump(), plain.outputs.section.dump()) << toml;
    // Service types computed on one thread or several (a fresh cache computes all of them): the same bytes.
    for (int threads : {1, 3}) {
      access::AccessStudyCache fresh;
      Context one;
      one.threads = threads;
      const auto a = access::run_access_study(access_inputs(got.model), base.cfg.access, one, &fresh);
      EXPECT_EQ(csv_files(a.outputs), csv_files(plain.outputs)) << toml << " on " << threads << " threads";
      EXPECT_EQ(a.outputs.section.dump(), plain.outputs.section.dump()) << toml;
    }
    if (toml == previous) {  // nothing changed: every service type comes from the cache
      EXPECT_GT(cache.hits(), hits);
      EXPECT_EQ(cache.misses(), misses);
    }
    previous = toml;
  }
  EXPECT_GT(cache.misses(), 0u);
}

// Road edits through the customizable index equal apply(): every snap and matrix entry after slowing,
// closing and reopening roads (the index re-customised back and forth) and after drawing a new road (a new
// index); the index's metric then equals a full customisation of the edited weights.
TEST(StudioSession, RoadEditsThroughTheCustomizableIndexEqualApply) {
  Session& s = session();
  const PlanState& base = s.base();
  const network::RoadGraph& g = base.car.graph;
  Context ctx;
  network::CustomizableCH cch = network::CustomizableCH::build(g, {}, ctx);
  std::vector<std::int64_t> ways;
  for (std::size_t e = 0; e < g.edge_count() && ways.size() < 6; ++e)
    if (g.edge_way[e] > 0 && g.edge_class[e] <= network::RoadClass::kTertiary &&
        std::find(ways.begin(), ways.end(), g.edge_way[e]) == ways.end())
      ways.push_back(g.edge_way[e]);
  ASSERT_GE(ways.size(), 4u);
  const County& c = base.county;
  auto up = [](std::int64_t w, double kmh) {
    return "[[upgrade]]\nways = [" + std::to_string(w) + "]\nspeed_kmh = " + number_text(kmh) + "\n";
  };
  const std::string link = "[[link]]\nname = \"new\"\nfrom = [" + number_text(c.settlements[0].pos.lon) +
                           ", " + number_text(c.settlements[0].pos.lat) + "]\nto = [" +
                           number_text(c.settlements[1].pos.lon) + ", " +
                           number_text(c.settlements[1].pos.lat) + "]\nspeed_kmh = 70\n";
  const std::vector<std::string> cases = {
      up(ways[0], 20),                                    // slower
      up(ways[0], 20) + up(ways[1], 0),                   // and a closure
      up(ways[2], 0) + up(ways[3], 0) + up(ways[1], 90),  // others closed, one faster
      up(ways[0], 120),                                   // reopened, faster
      link,                                               // a new road: a new index
      up(ways[1], 0) + link,
      up(ways[0], 20)};  // back to the base index after the new roads
  bool changed = false;
  for (const std::string& toml : cases) {
    const flows::Scenario sc = flows::parse_scenario("name = \"r\"\n" + toml, "r.toml");
    const ModelEdit want = apply(sc, base, base.cfg.snap, plan_matrix_options(base.cfg), ctx);
    const ModelEdit got = apply_network(sc, base, cch, base.cfg.snap, plan_matrix_options(base.cfg), ctx);
    EXPECT_EQ(got.recomputed, want.recomputed) << toml;
    EXPECT_EQ(got.network.edges_changed, want.network.edges_changed) << toml;
    EXPECT_EQ(got.network.edges_closed, want.network.edges_closed) << toml;
    EXPECT_EQ(got.network.links_added, want.network.links_added) << toml;
    EXPECT_EQ(got.model.car.graph.edge_count(), want.model.car.graph.edge_count()) << toml;
    expect_same_snaps(got.model.facility_snaps, want.model.facility_snaps);
    expect_same_snaps(got.model.demand_snaps, want.model.demand_snaps);
    expect_same_snaps(got.model.settlement_snaps, want.model.settlement_snaps);
    EXPECT_TRUE(got.model.demand_to_facility == want.model.demand_to_facility) << toml;
    EXPECT_TRUE(got.model.settlement_to_facility == want.model.settlement_to_facility) << toml;
    EXPECT_TRUE(got.model.facility_to_facility == want.model.facility_to_facility) << toml;
    EXPECT_TRUE(got.model.demand_to_settlement == want.model.demand_to_settlement) << toml;
    EXPECT_TRUE(got.model.settlement_to_settlement == want.model.settlement_to_settlement) << toml;
    changed = changed || !(got.model.demand_to_settlement == base.demand_to_settlement) ||
              !(got.model.demand_to_facility == base.demand_to_facility);
    network::CustomizableCH full = cch;
    full.customize(full.arc_weight, 1);
    EXPECT_EQ(full.weight, cch.weight) << "partial re-customisation after " << toml;
  }
  EXPECT_TRUE(changed) << "no road edit changed a travel time: the comparison would be vacuous";
}

}  // namespace
}  // namespace cs::studio
