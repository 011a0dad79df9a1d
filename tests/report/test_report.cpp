// The offline HTML report: one self-contained file, no external URLs, deterministic bytes, the document
// embedded safely and recoverable, bad documents rejected with one line.
#include <cmath>
#include <regex>
#include <string>
#include <test_support.hpp>
#include <utility>
#include <vector>

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
  // Everything but the map layers is embedded as it is; the layers come back through the report's decoder.
  cs::Json back = cs::Json::parse(embedded);
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key() != "layers") {
      EXPECT_EQ(back[it.key()], it.value()) << it.key();
    }
  EXPECT_EQ(back["layers"].size(), doc["layers"].size());
  EXPECT_EQ(count(html, "<script"), count(html, "</script>"));
}

// The decoder of report/app.js (decodeLayers), in C++: [x0, y0, dx1, dy1, ...] / scale back to positions.
std::vector<std::pair<double, double>> decode_line(const cs::Json& a, double scale) {
  std::vector<std::pair<double, double>> out;
  long long x = 0, y = 0;
  for (std::size_t i = 0; i + 1 < a.size(); i += 2) {
    x += a[i].get<long long>();
    y += a[i + 1].get<long long>();
    out.emplace_back(x / scale, y / scale);
  }
  return out;
}

TEST(Report, LayersQuantisedWithinAMetre) {
  const cs::Json doc = fixture();
  const cs::Json back = cs::Json::parse(embedded_json(cs::render_report(doc)));
  // Points: one feature each, the same properties but the OSM id, the position within 1e-5 degrees.
  const cs::Json& in = doc["layers"]["settlements"];
  const cs::Json& out = back["layers"]["settlements"];
  ASSERT_TRUE(out.contains("cs_quantized"));
  const double scale = out["cs_quantized"]["scale"].get<double>();
  ASSERT_EQ(out["features"].size(), in["features"].size());
  ASSERT_GT(in["features"].size(), 0u);
  for (std::size_t i = 0; i < in["features"].size(); ++i) {
    const cs::Json& g = in["features"][i]["geometry"];
    const cs::Json& e = out["features"][i]["geometry"]["coordinates"];
    cs::Json props = in["features"][i]["properties"];
    props.erase("osm_id");  // OSM ids stay in results.json and county.gpkg
    EXPECT_EQ(out["features"][i]["properties"], props);
    EXPECT_NEAR(e[0].get<double>() / scale, g["coordinates"][0].get<double>(), 1e-5);
    EXPECT_NEAR(e[1].get<double>() / scale, g["coordinates"][1].get<double>(), 1e-5);
  }
  // Roads (fewer than the thinning threshold): every segment is kept, merged by class, name, speed and
  // direction into MultiLineStrings; each line keeps its ends, and every kept vertex is one of its own
  // (simplified, not moved).
  const cs::Json& rin = doc["layers"]["roads"]["features"];
  const cs::Json& rout = back["layers"]["roads"];
  EXPECT_FALSE(rout.contains("cs_thinned"));
  EXPECT_EQ(rout["cs_segments"], rin.size());
  std::vector<std::vector<std::pair<double, double>>> lines;
  for (const cs::Json& f : rout["features"]) {
    ASSERT_EQ(f["geometry"]["type"], "MultiLineString");
    for (const cs::Json& l : f["geometry"]["coordinates"]) lines.push_back(decode_line(l, scale));
  }
  ASSERT_EQ(lines.size(), rin.size());
  std::size_t vertices_in = 0, vertices_out = 0;
  std::size_t matched = 0;
  for (const cs::Json& f : rin) {
    const cs::Json& c = f["geometry"]["coordinates"];
    vertices_in += c.size();
    auto near = [](const cs::Json& v, const std::pair<double, double>& p) {
      return std::abs(v[0].get<double>() - p.first) <= 1e-5 &&
             std::abs(v[1].get<double>() - p.second) <= 1e-5;
    };
    for (const auto& pts : lines) {
      if (pts.size() < 2 || !near(c.front(), pts.front()) || !near(c.back(), pts.back())) continue;
      bool all = true;
      for (const auto& p : pts) {
        bool found = false;
        for (const auto& v : c) found = found || near(v, p);
        all = all && found;
      }
      if (all) {
        ++matched;
        vertices_out += pts.size();
        break;
      }
    }
  }
  EXPECT_EQ(matched, rin.size()) << "every road segment is drawn";
  EXPECT_LT(vertices_out, vertices_in) << "roads are simplified";
}

// Above 5,000 segments the minor classes go, service roads first, and the report is told which.
TEST(Report, RoadsThinnedByClassAboveTheThreshold) {
  cs::Json doc = cs::new_results_document("plan");
  cs::Json feats = cs::Json::array();
  for (int i = 0; i < 5200; ++i) {
    const double x = 9.5 + 0.001 * (i % 100), y = 47.0 + 0.001 * (i / 100);
    feats.push_back({{"type", "Feature"},
                     {"properties", {{"road_class", i < 4000 ? "primary" : "service"}, {"length_m", 10.0}}},
                     {"geometry", {{"type", "LineString"}, {"coordinates", {{x, y}, {x + 0.0005, y}}}}}});
  }
  doc["layers"]["roads"] = {{"type", "FeatureCollection"}, {"features", feats}};
  const cs::Json back = cs::Json::parse(embedded_json(cs::render_report(doc)));
  const cs::Json& roads = back["layers"]["roads"];
  ASSERT_EQ(roads["features"].size(), 1u);  // one class, no name, no speed: one MultiLineString
  EXPECT_EQ(roads["features"][0]["properties"]["road_class"], "primary");
  EXPECT_EQ(roads["features"][0]["geometry"]["coordinates"].size(), 4000u);
  EXPECT_DOUBLE_EQ(roads["features"][0]["properties"]["length_m"].get<double>(), 40000.0);
  EXPECT_EQ(roads["cs_thinned"], cs::Json::parse(R"([{"class": "service", "segments": 1200}])"));
  EXPECT_EQ(roads["cs_segments"], 5200);
}

TEST(Report, QuantizeLayerSimplifiesAndRefusesMalformedGeometry) {
  auto line = [](cs::Json coords) {
    return cs::Json{
        {"type", "FeatureCollection"},
        {"features", cs::Json::array({{{"type", "Feature"},
                                       {"properties", {{"road_class", "primary"}}},
                                       {"geometry", {{"type", "LineString"}, {"coordinates", coords}}}}})}};
  };
  // Three points on a straight line (about 8 m apart): the middle one goes at a 3 m tolerance.
  auto q = cs::detail::quantize_layer(line(cs::Json::parse("[[9.5,47.1],[9.5001,47.1],[9.5002,47.1]]")), 3.0);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ((*q)["features"][0]["geometry"]["coordinates"], cs::Json::parse("[950000,4710000,20,0]"));
  EXPECT_EQ((*q)["cs_quantized"]["scale"].get<double>(), 1e5);
  // A 50 m kink stays.
  q = cs::detail::quantize_layer(line(cs::Json::parse("[[9.5,47.1],[9.5001,47.1005],[9.5002,47.1]]")), 3.0);
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ((*q)["features"][0]["geometry"]["coordinates"].size(), 6u);
  // Not positions, not finite, not degrees, an unknown type: the layer is embedded as it is.
  EXPECT_FALSE(cs::detail::quantize_layer(line(cs::Json::parse("[[\"a\",1]]")), 3.0).has_value());
  EXPECT_FALSE(cs::detail::quantize_layer(line(cs::Json::parse("[[1e300,1]]")), 3.0).has_value());
  EXPECT_FALSE(cs::detail::quantize_layer(line(cs::Json::parse("[1,2]")), 3.0).has_value());
  cs::Json gc = line(cs::Json::array());
  gc["features"][0]["geometry"]["type"] = "GeometryCollection";
  EXPECT_FALSE(cs::detail::quantize_layer(gc, 3.0).has_value());
  EXPECT_FALSE(cs::detail::quantize_layer(cs::Json::array(), 3.0).has_value());
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
