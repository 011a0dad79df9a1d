#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>
#include "test_support.hpp"

namespace fs = std::filesystem;

TEST(Csv, ParsesQuotesBomAndCrlf) {
  auto t = cs::parse_csv("\xEF\xBB\xBFname,pop\r\n\"Vaduz, FL\",5696\r\n\"a \"\"b\"\"\",1e3\n", "x.csv");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.text(0, 0), "Vaduz, FL");
  EXPECT_EQ(t.text(1, 0), "a \"b\"");
  EXPECT_DOUBLE_EQ(t.number(1, t.column("pop")), 1000.0);
  EXPECT_EQ(t.line[1], 3u);
}

TEST(Csv, ErrorsNameFileLineAndField) {
  auto t = cs::parse_csv("name,pop\nA,12\nB,abc\n", "v.csv");
  try {
    (void)t.number(1, 1);
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(e.what(), "v.csv: line 3, field 'pop': not a number: 'abc'");
  }
  EXPECT_THROW((void)t.column("population"), cs::InputError);
  EXPECT_THROW(cs::parse_csv("a,b\n1\n", "bad.csv"), cs::InputError);
  EXPECT_THROW(cs::parse_csv("", "empty.csv"), cs::InputError);
}

TEST(Csv, NumbersRoundTripAndNonFiniteIsEmpty) {
  for (double x : {0.1, 1.0 / 3.0, 1e-300, 123456789.125, -2.5}) EXPECT_EQ(*cs::parse_double(cs::format_number(x)), x);
  EXPECT_EQ(cs::format_number(std::numeric_limits<double>::infinity()), "");
  cs::CsvWriter w({"a", "b"});
  w.cell("x,y").cell(1.5);
  w.end_row();
  EXPECT_EQ(w.str(), "a,b\n\"x,y\",1.5\n");
}

TEST(Output, StagedDirectoryLeavesNothingWithoutCommit) {
  cs::test::TempDir tmp;
  {
    cs::OutputDir out(tmp / "run");
    cs::write_file(out.path("a.txt"), "x");
  }
  EXPECT_FALSE(fs::exists(tmp / "run"));
  EXPECT_TRUE(fs::is_empty(tmp.path()));
  {
    cs::OutputDir out(tmp / "run");
    cs::write_file(out.path("sub/a.txt"), "x");
    out.commit();
  }
  EXPECT_EQ(cs::read_file(tmp / "run/sub/a.txt"), "x");
}

TEST(Results, DeterministicAndNullForNonFinite) {
  auto doc = cs::new_results_document("plan");
  doc["sections"]["x"] = {{"b", 1}, {"a", cs::number_or_null(std::nan(""))}};
  const std::string s = cs::dump_results(doc);
  EXPECT_NE(s.find("\"a\": null"), std::string::npos);
  EXPECT_LT(s.find("\"a\""), s.find("\"b\""));
  EXPECT_EQ(s, cs::dump_results(doc));
}

TEST(GeoPackage, WritesLayersThatGdalReadsBackByteIdentically) {
  cs::test::TempDir tmp;
  cs::VectorLayer pts{"places", cs::GeomType::kPoint, {{"name", cs::FieldType::kString}, {"pop", cs::FieldType::kReal}}};
  pts.add(cs::wkt_point({9.52, 47.14}), {std::string("Vaduz"), 5696.0});
  pts.add(cs::wkt_point({9.51, 47.16}), {std::string("Schaan"), std::monostate{}});
  cs::VectorLayer poly{"areas", cs::GeomType::kPolygon, {{"id", cs::FieldType::kInteger}}};
  poly.add(cs::wkt_polygon({{{0, 0}, {1, 0}, {1, 1}}}), {std::int64_t{1}});
  cs::write_geopackage(tmp / "a.gpkg", {pts, poly});
  cs::write_geopackage(tmp / "b.gpkg", {pts, poly});
  EXPECT_EQ(cs::read_file(tmp / "a.gpkg"), cs::read_file(tmp / "b.gpkg"));
  cs::write_geojson(tmp / "p.geojson", pts);
  const std::string gj = cs::read_file(tmp / "p.geojson");
  EXPECT_NE(gj.find("Schaan"), std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator{}), 3);
}
