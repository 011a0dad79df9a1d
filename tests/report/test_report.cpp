// The offline HTML report: one self-contained file, no external URLs, deterministic bytes, the document
// embedded safely and recoverable, bad documents rejected with one line.
#include <regex>
#include <string>
#include <test_support.hpp>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/report/report.hpp>

namespace {

cs::Json fixture() {
  return cs::parse_results(cs::read_file(cs::test::source_path("tests/fixtures/results_min.json")),
                           "results_min.json");
}

// The text of <script type="application/json" id="cs-data">...</script>.
std::string embedded_json(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"cs-data\">";
  const auto a = html.find(open);
  EXPECT_NE(a, std::string::npos);
  const auto b = html.find("</script>", a);
  EXPECT_NE(b, std::string::npos);
  return html.substr(a + open.size(), b - a - open.size());
}

std::size_t count(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(Report, SelfContainedNoExternalResources) {
  const std::string html = cs::render_report(fixture());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("src='http"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos) << "no external stylesheets";
  EXPECT_EQ(html.find("url(http"), std::string::npos);
  EXPECT_EQ(html.find("url(images/"), std::string::npos) << "Leaflet's CSS images must be inlined";
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("sourceMappingURL"), std::string::npos);
  // Anchors to the web are attribution links only (never fetched): OSM copyright, the ODbL, Leaflet's own
  // credit.
  const std::regex href(R"(href=\\?["']https?://([^"'\\]*))");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    const std::string target = (*it)[1];
    const bool allowed = target.starts_with("www.openstreetmap.org/copyright") ||
                         target.starts_with("opendatacommons.org/licenses/odbl") ||
                         target.starts_with("leafletjs.com");
    EXPECT_TRUE(allowed) << "external link: " << target;
  }
  // The whole framework and both libraries are inside; every section file too, in name order.
  EXPECT_NE(html.find("CS.boot();"), std::string::npos);
  EXPECT_NE(html.find("echarts"), std::string::npos);
  EXPECT_NE(html.find("Leaflet 1.9.4"), std::string::npos);
  const auto overview = html.find("/* sections/10-overview.js */");
  const auto map = html.find("/* sections/20-county-map.js */");
  ASSERT_NE(overview, std::string::npos);
  ASSERT_NE(map, std::string::npos);
  EXPECT_LT(overview, map);
  // Exactly one closing tag per opened script (nothing inside a script closes it early).
  EXPECT_EQ(count(html, "<script"), count(html, "</script>"));
}

TEST(Report, DeterministicBytes) {
  const cs::Json doc = fixture();
  EXPECT_EQ(cs::render_report(doc), cs::render_report(doc));
  cs::test::TempDir dir;
  cs::write_report(doc, dir / "a" / "report.html");
  cs::write_report(cs::Json::parse(doc.dump()), dir / "b.html");
  EXPECT_EQ(cs::read_file(dir / "a" / "report.html"), cs::read_file(dir / "b.html"));
}

TEST(Report, JsonEmbeddedSafelyAndRecoverable) {
  cs::Json doc = fixture();
  // Hostile strings: a closing script tag, an HTML comment, line separators, non-ASCII text.
  doc["meta"]["note"] = "</script><script>alert(1)</script> <!-- x --> a\u2028b\u2029c & 县城 <b>";
  const std::string html = cs::render_report(doc);
  const std::string embedded = embedded_json(html);
  EXPECT_EQ(embedded.find('<'), std::string::npos);
  EXPECT_EQ(embedded.find('>'), std::string::npos);
  EXPECT_EQ(embedded.find("\u2028"), std::string::npos);
  EXPECT_EQ(cs::Json::parse(embedded), doc);
  EXPECT_EQ(count(html, "<script"), count(html, "</script>"));
}

TEST(Report, EscapeHelpers) {
  EXPECT_EQ(cs::detail::escape_script("a</script>b</SCRIPT x<!--c"), "a<\\/script>b<\\/SCRIPT x<\\!--c");
  EXPECT_EQ(cs::detail::escape_script("x < y && y </style>"), "x < y && y <\\/style>");
  EXPECT_EQ(cs::detail::escape_json_for_html(R"({"a":"<&>"})"), R"({"a":"\u003c\u0026\u003e"})");
  EXPECT_EQ(cs::detail::base64(""), "");
  EXPECT_EQ(cs::detail::base64("f"), "Zg==");
  EXPECT_EQ(cs::detail::base64("fo"), "Zm8=");
  EXPECT_EQ(cs::detail::base64("foo"), "Zm9v");
  EXPECT_EQ(cs::detail::base64("foobar"), "Zm9vYmFy");
}

TEST(Report, RejectsNonDocuments) {
  EXPECT_THROW((void)cs::render_report(cs::Json::array()), cs::InputError);
  EXPECT_THROW((void)cs::render_report(cs::Json{{"kind", "weather"}}), cs::InputError);
  try {
    (void)cs::render_report(cs::Json{{"kind", "weather"}});
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("plan, assess"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)cs::render_report(cs::Json{{"kind", "plan"}, {"layers", 3}}), cs::InputError);
  try {
    (void)cs::parse_results("{\"kind\": \"plan\",\n \"x\": }", "bad.json");
    FAIL() << "expected a parse error";
  } catch (const cs::InputError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos);
    EXPECT_EQ(m.rfind("bad.json: not valid JSON: line 2", 0), 0u) << m;
  }
}

TEST(Report, MinimalDocumentsOfBothKinds) {
  const std::string plan = cs::render_report(cs::new_results_document("plan"));
  const std::string assess = cs::render_report(cs::new_results_document("assess"));
  EXPECT_NE(embedded_json(plan).find("\"kind\":\"plan\""), std::string::npos);
  EXPECT_NE(embedded_json(assess).find("\"kind\":\"assess\""), std::string::npos);
}

}  // namespace

// The plan serialises its document once (results.json) and the report embeds that text compacted: it must be
// the compact dump byte for byte, whatever the strings hold.
TEST(Report, CompactJsonOfTheIndentedTextIsTheCompactDump) {
  cs::Json doc = cs::Json::parse(R"({"kind": "plan", "a": [], "b": {}, "c": [1, 2.5, -3e-07, null, true],
    "s": ["two  spaces", "quote \" and \\ backslash", "tab\t and newline\n", "\\\"", "</script> & <!--",
          "中文 \u2028 line", "{\"x\": [1, 2]}", " "], "nested": {"z": {"y": [[], [{}], {"k": "v v"}]}}})");
  EXPECT_EQ(cs::detail::compact_json(cs::dump_results(doc)),
            doc.dump(-1, ' ', false, cs::Json::error_handler_t::replace));
  EXPECT_EQ(cs::render_report(doc, cs::dump_results(doc)), cs::render_report(doc));
}
