// The option registry and the one TOML reader: every door (TOML, CLI text, a typed value) is checked the same
// way, renamed options name their new name, defaults come from the config struct, and the docs table lists
// every option.
#include <cmath>
#include <limits>
#include <optional>

#include <gtest/gtest.h>

#include <countyscope/core/options.hpp>

namespace {

enum class Kind { kA, kB };
struct Cfg {
  double standard_min = 15;
  std::optional<double> budget;
  std::uint32_t count = 2;
  bool flag = false;
  std::string label = "x";
  std::vector<std::string> services = {"clinic", "school"};
  Kind kind = Kind::kA;
};

const cs::opt::Table<Cfg>& table() {
  static const auto t =
      cs::opt::Table<Cfg>("demo", "A test stage")
          .number("standard_min", &Cfg::standard_min, cs::limits::kCutoffMin, "a standard")
          .optional_number("budget", &Cfg::budget, cs::limits::kCost, "a budget")
          .integer("count", &Cfg::count, 0, 1000, "facilities", "how many")
          .flag("flag", &Cfg::flag, "a flag")
          .text("label", &Cfg::label, "a label")
          .texts("services", &Cfg::services, "service types")
          .choice("kind", &Cfg::kind, {{"a", Kind::kA}, {"b", Kind::kB}, {"bee", Kind::kB}}, "a kind")
          .renamed("standard", "standard_min", "now in minutes")
          .extra("nested");
  return t;
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const cs::Error& e) {
    return e.what();
  }
  return "";
}

TEST(Options, DefaultsComeFromTheStruct) {
  EXPECT_EQ(table().default_text("standard_min"), "15");
  EXPECT_EQ(table().default_text("count"), "2");
  EXPECT_EQ(table().default_text("services"), "clinic, school");
  EXPECT_EQ(table().default_text("kind"), "a");
  EXPECT_FALSE(table().default_value("budget").has_value());
  EXPECT_EQ(table().spec("standard_min").cli_name(), "--standard-min");
  EXPECT_EQ(table().spec("standard_min").unit, "minutes");
}

TEST(Options, TomlReadsEveryTypeAndKeepsAbsentKeys) {
  const auto doc = cs::TomlDocument::parse(
      "[demo]\nstandard_min = 20\ncount = 5\nflag = true\nservices = [\"school\"]\nkind = \"bee\"\n"
      "nested = { a = 1 }\n",
      "plan.toml");
  Cfg c;
  table().read(doc.section("demo"), c);
  EXPECT_EQ(c.standard_min, 20);
  EXPECT_EQ(c.count, 5u);
  EXPECT_TRUE(c.flag);
  EXPECT_EQ(c.label, "x");
  EXPECT_EQ(c.services, std::vector<std::string>{"school"});
  EXPECT_EQ(c.kind, Kind::kB);
  EXPECT_FALSE(c.budget.has_value());
  EXPECT_EQ(table().to_json(c)["kind"], "b");  // the canonical name
  EXPECT_TRUE(table().to_json(c)["budget"].is_null());
}

TEST(Options, TomlErrorsNameFileLineAndKey) {
  auto read = [](const char* text) {
    return error_of([&] {
      Cfg c;
      table().read(cs::TomlDocument::parse(text, "plan.toml").section("demo"), c);
    });
  };
  EXPECT_EQ(read("[demo]\n\nstandard_min = nan\n"),
            "plan.toml: line 3, field 'demo.standard_min': expected a time in (0, 10080] minutes, got nan");
  EXPECT_EQ(read("[demo]\nstandard = 900\n"),
            "plan.toml: line 2, field 'demo.standard': renamed to 'standard_min' (now in minutes)");
  EXPECT_EQ(read("[demo]\ncount = 2.5\n"), "plan.toml: line 2, field 'demo.count': expected an integer");
  EXPECT_EQ(read("[demo]\ncount = 1001\n"),
            "plan.toml: line 2, field 'demo.count': expected an integer in [0, 1000] facilities, got 1001");
  EXPECT_EQ(read("[demo]\nkind = \"c\"\n"),
            "plan.toml: line 2, field 'demo.kind': unknown kind 'c'; expected one of: a, b, bee");
  EXPECT_NE(read("[demo]\nbogus = 1\n").find("unknown key; valid keys in [demo]: standard_min, budget"),
            std::string::npos);
  EXPECT_EQ(read("[demo]\nflag = 1\n"), "plan.toml: line 2, field 'demo.flag': expected true or false");
  EXPECT_EQ(read("[demo\n").substr(0, 30), "plan.toml: line 1: invalid TOM");
}

TEST(Options, CliTextAndTypedValuesAreCheckedTheSameWay) {
  Cfg c;
  table().set_text(c, "standard_min", "30", "--standard-min: ");
  EXPECT_EQ(c.standard_min, 30);
  table().set_text(c, "services", "a,b", "--services: ");
  EXPECT_EQ(c.services, (std::vector<std::string>{"a", "b"}));
  table().set(c, "count", cs::opt::Value(7.0),
              "locate(): argument 'count': ");  // a whole float is an integer
  EXPECT_EQ(c.count, 7u);
  EXPECT_EQ(error_of([&] { table().set_text(c, "standard_min", "nan", "--standard-min: "); }),
            "--standard-min: expected a time in (0, 10080] minutes, got nan");
  EXPECT_EQ(error_of([&] { table().set_text(c, "standard_min", "0", "--standard-min: "); }),
            "--standard-min: expected a time in (0, 10080] minutes, got 0");
  EXPECT_EQ(error_of([&] { table().set_text(c, "count", "3x", "--count: "); }),
            "--count: expected an integer, got '3x'");
  EXPECT_EQ(error_of([&] { table().set(c, "count", cs::opt::Value(2.5), "f(): argument 'count': "); }),
            "f(): argument 'count': expected an integer, got 2.5");
  EXPECT_EQ(error_of([&] { table().set_text(c, "standard", "900", "--standard: "); }),
            "--standard: renamed to 'standard_min' (now in minutes)");
  EXPECT_EQ(error_of([&] { table().set_text(c, "budget", "-1", "--budget: "); }).substr(0, 28),
            "--budget: expected a cost in");
  EXPECT_EQ(c.standard_min, 30);  // a refused value leaves the config alone
}

TEST(Options, MarkdownListsEveryOptionWithItsDefaultAndRange) {
  const std::string md = cs::opt::options_markdown({&table()});
  for (const auto& s : table().specs()) EXPECT_NE(md.find("`" + s.name + "`"), std::string::npos) << s.name;
  EXPECT_NE(md.find("| `standard_min` | `--standard-min` | number | minutes | 15 | (0, 10080] |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("`standard` → `standard_min` (now in minutes)"), std::string::npos);
}

TEST(Options, SectionsTablesAndArrays) {
  const auto doc = cs::TomlDocument::parse(
      "[a]\nx = [1, 2.5]\n[[a.item]]\nname = \"p\"\n[[a.item]]\nname = \"q\"\n[a.sub]\ny = 1\n", "f.toml");
  EXPECT_THROW(doc.check_sections({"b"}), cs::InputError);
  const auto a = doc.section("a");
  std::vector<double> x;
  a.numbers("x", x, cs::limits::kMass);
  EXPECT_EQ(x, (std::vector<double>{1, 2.5}));
  const auto items = a.tables("item");
  ASSERT_EQ(items.size(), 2u);
  std::string name;
  items[1].text("name", name);
  EXPECT_EQ(name, "q");
  EXPECT_EQ(items[1].error("name", "bad").what(), std::string("f.toml: line 6, field 'a.item[2].name': bad"));
  ASSERT_TRUE(a.table("sub").has_value());
  EXPECT_EQ(a.table("sub")->keys(), std::vector<std::string>{"y"});
  EXPECT_TRUE(doc.section("absent").empty());
}

}  // namespace

namespace {
struct Lists {
  std::vector<double> cutoffs_min = {5, 10};
};
const cs::opt::Table<Lists>& lists() {
  static const auto t = cs::opt::Table<Lists>("lists", "Lists of numbers")
                            .numbers("cutoffs_min", &Lists::cutoffs_min, cs::limits::kCutoffMin, "cutoffs");
  return t;
}
}  // namespace

TEST(Options, ListsOfNumbersFromEveryDoor) {
  EXPECT_EQ(lists().default_text("cutoffs_min"), "5,10");
  Lists l;
  lists().set_text(l, "cutoffs_min", "5, 7.5,30", "--cutoffs-min: ");
  EXPECT_EQ(l.cutoffs_min, (std::vector<double>{5, 7.5, 30}));
  lists().set(l, "cutoffs_min", cs::opt::Value(20.0), "f(): ");
  EXPECT_EQ(l.cutoffs_min, (std::vector<double>{20}));
  EXPECT_EQ(error_of([&] { lists().set_text(l, "cutoffs_min", "5,ten", "--cutoffs-min: "); }),
            "--cutoffs-min: expected numbers separated by commas, got '5,ten'");
  EXPECT_EQ(error_of([&] { lists().set_text(l, "cutoffs_min", "5,nan", "--cutoffs-min: "); }),
            "--cutoffs-min: element 2: expected a time in (0, 10080] minutes, got nan");
  const auto doc = cs::TomlDocument::parse("[lists]\ncutoffs_min = [1, 2.5]\n", "p.toml");
  lists().read(doc.section("lists"), l);
  EXPECT_EQ(l.cutoffs_min, (std::vector<double>{1, 2.5}));
  const auto bad = cs::TomlDocument::parse("[lists]\ncutoffs_min = [1, 0]\n", "p.toml");
  EXPECT_EQ(
      error_of([&] { lists().read(bad.section("lists"), l); }),
      "p.toml: line 2, field 'lists.cutoffs_min': element 2: expected a time in (0, 10080] minutes, got 0");
  EXPECT_NE(
      lists().markdown().find("| `cutoffs_min` | `--cutoffs-min` | list of numbers | minutes | 5,10 | (0, "
                              "10080] |"),
      std::string::npos)
      << lists().markdown();
}
