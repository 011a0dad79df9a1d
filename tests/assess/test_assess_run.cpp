// Golden / end-to-end tests of the national assessment: the library driver on small tables, bad inputs (one
// clear line naming file, row and field), and the CLI on the bundled national data (seconds, deterministic).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/output.hpp>

#include "test_support.hpp"

namespace a = cs::assess;
namespace fs = std::filesystem;

namespace {
std::string bad(const std::string& f) { return cs::test::source_path("tests/assess/data/bad/" + f).string(); }

a::AssessConfig mini(const std::string& table) {
  a::AssessConfig c;
  c.counties = bad(table);
  c.indicators = bad("mini.toml");
  c.units = a::UnitFilter::kAll;  // the mini tables name their units a, b, ...
  c.permutations = 0;
  return c;
}

std::string error_of(const a::AssessConfig& c) {
  cs::Context ctx;
  try {
    (void)a::run_assess(c, ctx);
  } catch (const cs::Error& e) {
    return e.what();
  }
  return "";
}

int run_cli(const std::string& args, std::string* err = nullptr) {
  const fs::path log = fs::temp_directory_path() / ("cs_assess_err_" + std::to_string(::getpid()));
  const int rc = std::system((std::string(CS_CLI) + " -q " + args + " 2>" + log.string()).c_str());
  if (err) *err = cs::read_file(log);
  fs::remove(log);
  return WEXITSTATUS(rc);
}
}  // namespace

TEST(AssessRun, MiniTableScoresEveryCounty) {
  cs::Context ctx;
  const auto r = a::run_assess(mini("ok.csv"), ctx);
  ASSERT_EQ(r.code.size(), 5u);
  EXPECT_EQ(r.region[0], "east");
  EXPECT_EQ(r.region[2], "central");
  for (double s : r.score) {
    EXPECT_GE(s, 0);
    EXPECT_LE(s, 1);
  }
  double ws = 0;
  for (double w : r.weight) ws += w;
  EXPECT_NEAR(ws, 1, 1e-12);
  for (const auto& o : r.obstacle) {
    double s = 0;
    for (double v : o) s += v;
    if (s > 0) {
      EXPECT_NEAR(s, 1, 1e-12);
    }
  }
  // The 'ratio' indicator y/z is negative: the county with the smallest ratio gets the best normalised value.
  // Ratios {0.5, 0.75, 0.5, 1, 0.25}: the last is best (1), the fourth worst (0).
  EXPECT_NEAR(r.norm[1][4], 1.0, 1e-12);
  EXPECT_NEAR(r.norm[1][3], 0.0, 1e-12);
}

TEST(AssessRun, BadInputsNameFileRowAndField) {
  auto msg = error_of(mini("nocolumn.csv"));
  EXPECT_NE(msg.find("nocolumn.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'w'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing column"), std::string::npos) << msg;
  msg = error_of(mini("duplicate.csv"));
  EXPECT_NE(msg.find("duplicate code '110101'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("line 5"), std::string::npos) << msg;
  msg = error_of(mini("nonnumeric.csv"));
  EXPECT_NE(msg.find("line 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'x'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("three"), std::string::npos) << msg;
  msg = error_of(mini("constant.csv"));
  EXPECT_NE(msg.find("constant indicator"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'w'"), std::string::npos) << msg;
  auto c = mini("missing.csv");
  c.missing = a::MissingPolicy::kError;
  msg = error_of(c);
  EXPECT_NE(msg.find("line 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("indicator 'x'"), std::string::npos) << msg;
  for (const auto& m : {msg}) EXPECT_EQ(m.find('\n'), std::string::npos);
}

TEST(AssessRun, MissingPolicyIsCountedNeverSilent) {
  cs::Context ctx;
  auto c = mini("missing.csv");
  const auto dropped = a::run_assess(c, ctx);
  EXPECT_EQ(dropped.code.size(), 4u);
  EXPECT_EQ(dropped.dropped, 1u);
  EXPECT_EQ(dropped.missing_per_indicator[0], 1u);
  c.missing = a::MissingPolicy::kImputeMedian;
  const auto imputed = a::run_assess(c, ctx);
  EXPECT_EQ(imputed.code.size(), 5u);
  EXPECT_EQ(imputed.imputed, 1u);
  EXPECT_NEAR(imputed.raw[0][2], 3.0, 1e-12);  // median of {1, 2, 4, 5}
  bool noted = false;
  for (const auto& n : imputed.notes) noted = noted || n.find("imputed") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(AssessCli, NationalRunIsFastCompleteAndDeterministic) {
  cs::test::TempDir tmp;
  const std::string base =
      "assess --counties " + cs::test::source_path("data/china/county_features_2020.csv.gz").string() +
      " --indicators " + cs::test::source_path("data/config/integration.toml").string() + " --centres " +
      cs::test::source_path("data/china/county_centres.csv.gz").string() + " --counties-2010 " +
      cs::test::source_path("data/china/county_features_2010.csv.gz").string() + " --permutations 199 --out ";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_cli(base + (tmp / "a").string()), 0);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 30.0);  // seconds, not minutes (shared 2-core machine; typically ~2 s)
  ASSERT_EQ(run_cli("--threads 1 " + base + (tmp / "b").string()), 0);
  for (const char* f : {"results.json", "scores.csv", "robustness.csv", "obstacles.csv", "lisa.csv",
                        "types.csv", "weights.csv", "counties.gpkg"})
    EXPECT_TRUE(fs::exists(tmp / "a" / f)) << f;
  const std::string ja = cs::read_file(tmp / "a" / "results.json");
  EXPECT_EQ(ja,
            cs::read_file(tmp / "b" / "results.json"));  // same seed, different thread count -> same bytes
  EXPECT_EQ(cs::read_file(tmp / "a" / "scores.csv"), cs::read_file(tmp / "b" / "scores.csv"));
  EXPECT_EQ(cs::read_file(tmp / "a" / "robustness.csv"), cs::read_file(tmp / "b" / "robustness.csv"));
  const auto doc = cs::Json::parse(ja);
  EXPECT_EQ(doc["kind"], "assess");
  const auto& s = doc["sections"]["assess"];
  // National figures pinned (2020 census county table, the counties proper, default system and seed, 199
  // permutations; the LISA counts depend on the seed and are golden values of it). The scores, weights and
  // coupling are checked county by county against an independent NumPy computation in
  // tests/assess/national_reference.py; the weight of urbanisation below is the value it gives.
  EXPECT_EQ(s["counts"]["rows_in"], 2943);
  // Units per type against the official 2020 counts: the differences are the ones docs/assess.md explains
  // unit by unit (districts: +港闸区 +三山区 merged in 2020, +4 大兴安岭 units the ministry does not count,
  // -西沙区 -南沙区 not in the table; counties: -金门县 not enumerated); the default population is the 1,480
  // counties proper.
  std::map<std::string, long long> diff;
  std::size_t selected = 0;
  for (const auto& u : s["units"]["counts"]) {
    diff[u["type"].get<std::string>()] = u["difference"].get<long long>();
    selected += u["selected"].get<std::size_t>();
  }
  EXPECT_EQ(diff, (std::map<std::string, long long>{{"district", 4},
                                                    {"county-level-city", 0},
                                                    {"county", -1},
                                                    {"autonomous-county", 0},
                                                    {"banner", 0},
                                                    {"autonomous-banner", 0},
                                                    {"special-district", 0},
                                                    {"forestry-district", 0},
                                                    {"zone", 96}}));
  EXPECT_EQ(selected, 1480u);
  EXPECT_EQ(s["units"]["recoded"].size(), 6u);
  EXPECT_EQ(s["counts"]["scored"], 1474);
  EXPECT_EQ(s["counts"]["dropped"], 6);
  EXPECT_EQ(s["counts"]["located"], 1458);
  EXPECT_EQ(s["system"]["indicators"][0]["id"], "urbanisation");
  EXPECT_NEAR(s["system"]["indicators"][0]["weight"].get<double>(), 0.044003341035656222, 1e-12);
  EXPECT_NEAR(s["moran"]["score"]["I"].get<double>(), 0.44977536003809815, 1e-9);
  EXPECT_NEAR(s["moran"]["D"]["I"].get<double>(), 0.52114105825696766, 1e-9);
  EXPECT_NEAR(s["dagum"]["region"]["G"].get<double>(), 0.089726792465687641, 1e-9);
  EXPECT_NEAR(s["theil"]["region"]["total"].get<double>(), 0.016051014063469211, 1e-9);
  EXPECT_EQ(s["lisa"]["counts"],
            cs::Json::parse(R"({"HH": 140, "HL": 25, "LH": 18, "LL": 247, "ns": 1028})"));
  EXPECT_EQ(s["typing"]["counts"],
            cs::Json::parse(R"({"agricultural": 117, "population-losing": 843, "satellite": 238,
                                                      "specialised": 30, "unassigned": 246})"));
  EXPECT_EQ(doc["layers"]["counties"]["features"].size(), s["counts"]["located"].get<std::size_t>());
  EXPECT_EQ(s["config"]["coupling"], "corrected");
  // The default weighting (mean of entropy, CRITIC and CV on winsorised, log-transformed-where-skewed data):
  // no indicator above 25 % of the weight (issue 21), weights summing to 1, every method reported.
  double wsum = 0;
  for (const auto& i : s["system"]["indicators"]) {
    EXPECT_LE(i["weight"].get<double>(), 0.25) << i["id"];
    wsum += i["weight"].get<double>();
  }
  EXPECT_NEAR(wsum, 1, 1e-6);
  EXPECT_EQ(s["weights"]["method"], "mean");
  // Robustness: ranks under the five weightings, rho = 1 on the diagonal, the chosen weighting changes no
  // quintile against itself, and every unit's rank median lies in its interval.
  const auto& rb = s["robustness"];
  ASSERT_EQ(rb["methods"].size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(rb["spearman"][k][k], 1.0);
  EXPECT_EQ(rb["quintile_change_vs_chosen"]["mean"], 0.0);
  EXPECT_EQ(rb["perturbation"]["samples"], 200);
  for (std::size_t i = 0; i < rb["perturbation"]["rank_p05"].size(); ++i) {
    EXPECT_LE(rb["perturbation"]["rank_p05"][i].get<double>(),
              rb["perturbation"]["rank_median"][i].get<double>());
    EXPECT_LE(rb["perturbation"]["rank_median"][i].get<double>(),
              rb["perturbation"]["rank_p95"][i].get<double>());
  }
  for (const char* m : {"entropy", "critic", "cv", "equal", "mean"})
    EXPECT_EQ(s["weights"]["methods"][m].size(), s["system"]["indicators"].size()) << m;
  // 2010 -> 2020: the indicators of both years (car ownership is 2020 only), the chosen weights rescaled, and
  // every listed unit's parts adding up to its change.
  const auto& ch = s["change"];
  EXPECT_EQ(ch["excluded"], cs::Json::parse(R"(["car"])"));
  EXPECT_EQ(ch["indicators"].size(), s["system"]["indicators"].size() - 1);  // all but car
  EXPECT_EQ(ch["units"], s["markov"]["matched"]);
  double cw = 0;
  for (const auto& v : ch["weights"]) cw += v.get<double>();
  EXPECT_NEAR(cw, 1, 1e-12);
  EXPECT_LE(ch["max_residual"].get<double>(), 1e-12);
  for (const char* side : {"largest", "smallest"})
    for (const auto& u : ch[side]) {
      double sum = 0;
      for (const auto& p : u["parts"]) sum += p.get<double>();
      EXPECT_NEAR(sum, u["change"].get<double>(), 1e-12) << u["code"];
      EXPECT_NEAR(u["index_2020"].get<double>() - u["index_2010"].get<double>(), u["change"].get<double>(),
                  1e-15);
    }
  EXPECT_GT(ch["largest"][0]["change"].get<double>(), 0);
  EXPECT_LT(ch["smallest"][0]["change"].get<double>(), ch["largest"][0]["change"].get<double>());
  EXPECT_TRUE(fs::exists(tmp / "a" / "change.csv"));
  // Dagum identity on the national scores.
  const auto& dg = s["dagum"]["region"];
  EXPECT_NEAR(dg["Gw"].get<double>() + dg["Gnb"].get<double>() + dg["Gt"].get<double>(),
              dg["G"].get<double>(), 1e-12);
  // Markov rows sum to 1.
  for (const auto& row : s["markov"]["P"]) {
    double sum = 0;
    for (const auto& v : row) sum += v.get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
  // Every scored county has a type with the rule that fired.
  std::size_t typed = 0;
  for (const auto& [k, v] : s["typing"]["counts"].items()) typed += v.get<std::size_t>();
  EXPECT_EQ(typed, s["counts"]["scored"].get<std::size_t>());
  EXPECT_FALSE(s["typing"]["counts"].contains("ecological"));
  // National anchor: urbanisation of the resident population in 2020 ~ 63.89 % (2020 census).
  const auto t = a::read_table(cs::test::source_path("data/china/county_features_2020.csv.gz").string());
  double urban = 0, pop = 0;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    urban += t.number(r, t.column("urban_pop_2020"));
    pop += t.number(r, t.column("pop_2020"));
  }
  EXPECT_NEAR(100 * urban / pop, 63.89, 0.5);
}

TEST(AssessCli, BadInputExitsOneWithoutOutput) {
  cs::test::TempDir tmp;
  std::string err;
  const std::string out = (tmp / "out").string();
  EXPECT_EQ(run_cli("assess --counties " + bad("duplicate.csv") + " --indicators " + bad("mini.toml") +
                        " --out " + out,
                    &err),
            1);
  EXPECT_NE(err.find("duplicate code"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_FALSE(fs::exists(tmp / "out"));
  EXPECT_EQ(run_cli("assess --counties " + bad("constant.csv") + " --indicators " + bad("mini.toml") +
                        " --units all --out " + out,
                    &err),
            1);
  EXPECT_NE(err.find("constant indicator"), std::string::npos) << err;
  // A unit filter that selects nothing (the mini table's units have no administrative name suffix).
  EXPECT_EQ(run_cli("assess --counties " + bad("ok.csv") + " --indicators " + bad("mini.toml") +
                        " --units counties --out " + out,
                    &err),
            1);
  EXPECT_NE(err.find("ok.csv: --units counties selects no row (unit types in the table: zone 5)"),
            std::string::npos)
      << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_FALSE(fs::exists(tmp / "out"));
  // A formula naming a column the table does not have: one line naming the table and the column, exit 1.
  {
    const std::string toml = cs::read_file(bad("mini.toml")), from = "formula = \"y / z\"";
    const auto at = toml.find(from);
    ASSERT_NE(at, std::string::npos);
    cs::write_file(tmp / "absent.toml",
                   toml.substr(0, at) + "formula = \"y / \\\"z 2\\\"\"" + toml.substr(at + from.size()));
    EXPECT_EQ(run_cli("assess --counties " + bad("ok.csv") + " --indicators " +
                          (tmp / "absent.toml").string() + " --units all --out " + out,
                      &err),
              1);
    EXPECT_NE(
        err.find("ok.csv: header, field 'z 2': missing column; columns are: code, name, prov, x, y, z, w"),
        std::string::npos)
        << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_FALSE(fs::exists(tmp / "out"));
  }
  EXPECT_EQ(run_cli("assess --counties " + bad("ok.csv") + " --indicators " + bad("mini.toml") +
                        " --weights queen --out " + out,
                    &err),
            2);
  EXPECT_NE(err.find("expected one of: knn, band, idw"), std::string::npos) << err;
  // A renamed option is refused naming the new one (distances are in metres).
  EXPECT_EQ(run_cli("assess --counties " + bad("ok.csv") + " --indicators " + bad("mini.toml") +
                        " --satellite-km 40 --out " + out,
                    &err),
            2);
  EXPECT_NE(err.find("--satellite-km: renamed to --satellite-m (now in metres)"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(tmp / "out"));
}

// Panel entropy scores only the indicators present in both years: the others get weight 0 but are still
// normalised (obstacles, outputs), and the scored ones take the pooled panel weights.
TEST(AssessRun, PanelModeScoresTheSharedIndicatorsOnly) {
  a::AssessConfig c;
  c.counties = cs::test::source_path("data/china/county_features_2020.csv.gz").string();
  c.counties_2010 = cs::test::source_path("data/china/county_features_2010.csv.gz").string();
  c.indicators = cs::test::source_path("data/config/integration.toml").string();
  c.permutations = 0;
  c.entropy = a::EntropyMode::kPanel;
  cs::Context ctx;
  const auto r = a::run_assess(c, ctx);
  ASSERT_FALSE(r.panel_excluded.empty());
  const auto& ind = r.system.indicators;
  ASSERT_EQ(r.weight.size(), ind.size());
  double sum = 0;
  std::size_t a_ = 0;
  for (std::size_t j = 0; j < ind.size(); ++j) {
    const bool excluded =
        std::find(r.panel_excluded.begin(), r.panel_excluded.end(), ind[j].id) != r.panel_excluded.end();
    if (excluded) {
      EXPECT_EQ(r.weight[j], 0.0) << ind[j].id;
    } else {
      EXPECT_EQ(r.weight[j], r.panel_weight[a_++]) << ind[j].id;
    }
    sum += r.weight[j];
    // Every indicator is normalised, scored or not: min-max of its raw values.
    const auto [lo, hi] = std::minmax_element(r.raw[j].begin(), r.raw[j].end());
    EXPECT_EQ(r.norm[j], a::normalise_column(r.raw[j], ind[j].direction, c.shift, *lo, *hi)) << ind[j].id;
  }
  EXPECT_EQ(a_, r.panel_weight.size());
  EXPECT_NEAR(sum, 1.0, 1e-12);
  for (double s : r.score) {
    EXPECT_GE(s, 0.0);
    EXPECT_LE(s, 1.0);
  }
}
