// The output contract: one table, three outputs that agree cell by cell.
#include <cmath>
#include <filesystem>
#include <limits>

#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/outputs.hpp>

#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

cs::Table villages() {
  cs::Table t("villages", cs::GeomType::kPoint,
              {{"id", cs::FieldType::kInteger},
               {"name", cs::FieldType::kString},
               {"pop", cs::FieldType::kReal, "persons"},
               {"lon", cs::FieldType::kReal, "deg", cs::kToCsv},
               {"time_s", cs::FieldType::kReal, "s", cs::kToCsv | cs::kToGpkg},
               {"note", cs::FieldType::kString, "", cs::kToAll, "remark"}});
  t.add(cs::Shape::point({9.52, 47.14}),
        {cs::integer(1), std::string("Vaduz, FL"), 5696.5, 9.52, 312.25, std::string("seat")});
  t.add(cs::Shape::point({9.51, 47.16}), {cs::integer(2), std::string("Schaan"), kNaN, 9.51, kNaN, {}});
  t.add(cs::Shape::point({9.50, 47.10}), {cs::integer(3), std::string("Hidden"), 1.0, 9.5, 1.0, {}},
        cs::kToCsv);
  return t;
}

}  // namespace

TEST(Outputs, CsvHasItsColumnsAndRowsWithNonFiniteEmpty) {
  const cs::Table t = villages();
  EXPECT_EQ(t.csv_text(),
            "id,name,pop,lon,time_s,note\n"
            "1,\"Vaduz, FL\",5696.5,9.52,312.25,seat\n"
            "2,Schaan,,9.51,,\n"
            "3,Hidden,1,9.5,1,\n");
  cs::Table u = villages();
  u.csv_order = {"name", "id"};
  EXPECT_EQ(u.csv_text(), "name,id\n\"Vaduz, FL\",1\nSchaan,2\nHidden,3\n");
  // The CSV reads back to the values that went in (format_number round-trips).
  const auto back = cs::parse_csv(t.csv_text(), "v.csv");
  EXPECT_EQ(back.number(0, back.column("pop")), 5696.5);
  EXPECT_FALSE(back.optional_number(1, back.column("pop")).has_value());
}

TEST(Outputs, JsonFeaturesCarryJsonColumnsUnderTheirKeys) {
  const cs::Table t = villages();
  const cs::Json fc = t.feature_collection();
  ASSERT_EQ(fc["features"].size(), 2u);  // the third row is CSV only
  const cs::Json& p0 = fc["features"][0]["properties"];
  EXPECT_EQ(p0, (cs::Json{{"id", 1}, {"name", "Vaduz, FL"}, {"pop", 5696.5}, {"remark", "seat"}}));
  EXPECT_TRUE(fc["features"][1]["properties"]["pop"].is_null());
  EXPECT_TRUE(fc["features"][1]["properties"]["remark"].is_null());
  EXPECT_EQ(fc["features"][0]["geometry"], (cs::Json{{"type", "Point"}, {"coordinates", {9.52, 47.14}}}));
  EXPECT_EQ(t.json_rows().size(), 2u);
}

TEST(Outputs, GeoPackageLayerHasGpkgColumnsInItsOrder) {
  cs::Table t = villages();
  t.gpkg_order = {"time_s", "id", "name", "pop", "note"};
  const cs::VectorLayer l = t.vector_layer();
  ASSERT_EQ(l.fields.size(), 5u);
  EXPECT_EQ(l.fields[0].name, "time_s");
  EXPECT_EQ(l.fields[1].type, cs::FieldType::kInteger);
  ASSERT_EQ(l.values.size(), 2u);
  EXPECT_EQ(std::get<double>(l.values[0][0]), 312.25);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(l.values[1][0]));  // NaN -> null
  EXPECT_EQ(l.feature_wkt(0), "POINT (9.5200000 47.1400000)");
  t.gpkg_order = {"lon"};  // a CSV-only column cannot be put into the GeoPackage
  EXPECT_THROW((void)t.vector_layer(), cs::Error);
}

TEST(Outputs, AddChecksTypesAndWidth) {
  cs::Table t("t", {{"a", cs::FieldType::kInteger}, {"b", cs::FieldType::kReal}});
  EXPECT_THROW(t.add({1.0, 2.0}), cs::Error);  // a real in an integer column
  EXPECT_THROW(t.add({cs::integer(1)}), cs::Error);
  EXPECT_THROW(t.add(cs::Shape::point({0, 0}), {cs::integer(1), 2.0}), cs::Error);  // no geometry
  try {
    t.add({cs::integer(1), std::string("x")});
    FAIL();
  } catch (const cs::Error& e) {
    EXPECT_EQ(e.kind(), cs::ErrorKind::kInternal);
    EXPECT_NE(std::string(e.what()).find("column 'b'"), std::string::npos);
  }
  t.add({cs::integer(1), {}});
  EXPECT_EQ(t.rows(), 1u);
}

TEST(Outputs, SectionRowsAndDocumentLayers) {
  cs::Outputs o;
  o.section = {{"count", 3}};
  cs::Table& rows = o.add(cs::Table("balance", {{"factor", cs::FieldType::kString},
                                                {"from_tier", cs::FieldType::kString, "", cs::kToAll, "from"},
                                                {"flow", cs::FieldType::kReal, "persons"}}));
  rows.json = cs::JsonPlace::kSection;
  rows.json_key = "/tiers/rows";
  rows.add({std::string("labour"), std::string("village"), 2.5});
  o.add(villages());
  o.layers["grid"] = {{"type", "FeatureCollection"}, {"features", cs::Json::array()}};

  const cs::Json s = cs::section_json(o);
  EXPECT_EQ(s["count"], 3);
  EXPECT_EQ(s["tiers"]["rows"],
            (cs::Json::array({{{"factor", "labour"}, {"from", "village"}, {"flow", 2.5}}})));
  cs::Json doc = cs::new_results_document("test");
  cs::add_to_document(doc, "stage", o);
  EXPECT_EQ(doc["sections"]["stage"], s);
  EXPECT_EQ(doc["layers"]["villages"], o.tables[1].feature_collection());
  EXPECT_TRUE(doc["layers"].contains("grid"));
  EXPECT_FALSE(doc["layers"].contains("balance"));

  const auto files = cs::csv_files(o);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files.at("balance.csv"), "factor,from_tier,flow\nlabour,village,2.5\n");
  EXPECT_EQ(cs::gpkg_layers(o).size(), 1u);
  o.tables[1].csv_file = "balance.csv";
  EXPECT_THROW((void)cs::csv_files(o), cs::Error);
}

TEST(Outputs, ShapesGiveTheSameGeometryInWktAndGeoJson) {
  const auto mp = cs::Shape::multipolygon({{{{0, 0}, {1, 0}, {1, 1}}}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}});
  EXPECT_EQ(cs::shape_wkt(cs::GeomType::kMultiPolygon, mp),
            cs::wkt_multipolygon({{{{0, 0}, {1, 0}, {1, 1}}}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}));
  const cs::Json g = cs::geojson_geometry(cs::GeomType::kMultiPolygon, mp);
  ASSERT_EQ(g["coordinates"].size(), 2u);
  EXPECT_EQ(g["coordinates"][0][0].size(), 4u);  // closed like the WKT
  EXPECT_EQ(g["coordinates"][1][0].size(), 4u);
  const auto line = cs::Shape::line({{0.123456789, 1}, {2, 3}});
  EXPECT_EQ(cs::geojson_geometry(cs::GeomType::kLineString, line)["coordinates"][0][0], 0.1234568);
  EXPECT_EQ(cs::geojson_geometry(cs::GeomType::kLineString, line, false)["coordinates"][0][0], 0.123456789);
  EXPECT_EQ(cs::geojson_geometry(cs::GeomType::kLineString, line, true, 6)["coordinates"][0][0], 0.123457);
}

TEST(Outputs, WrittenFilesAgreeWithTheRows) {
  cs::test::TempDir tmp;
  cs::Outputs o;
  o.add(villages());
  {
    cs::OutputDir out(tmp / "run");
    cs::write_tables(o, out, "v.gpkg");
    cs::write_tables(o, out, "v.gpkg", "national");
    out.commit();
  }
  EXPECT_EQ(cs::read_file(tmp / "run/national/villages.csv"), o.tables[0].csv_text());
  EXPECT_TRUE(fs::exists(tmp / "run/national/v.gpkg"));
  EXPECT_EQ(cs::read_file(tmp / "run/villages.csv"), o.tables[0].csv_text());
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx((tmp / "run/v.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(ds, nullptr);
  OGRLayerH lyr = GDALDatasetGetLayerByName(ds, "villages");
  ASSERT_NE(lyr, nullptr);
  EXPECT_EQ(OGR_L_GetFeatureCount(lyr, TRUE), 2);
  OGR_L_ResetReading(lyr);
  OGRFeatureH f = OGR_L_GetNextFeature(lyr);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "time_s")), 312.25);
  EXPECT_EQ(OGR_F_GetFieldIndex(f, "lon"), -1);
  OGR_F_Destroy(f);
  GDALClose(ds);
}

// The GeoPackage is written from the shapes' coordinates, not from WKT text: the file must be the one the WKT
// route wrote, byte for byte. Coordinates: random, exactly on 7-decimal halves (the text route's rounding),
// and next to them.
TEST(Outputs, GeoPackageFromShapesEqualsTheWktRoute) {
  std::uint64_t x = 12345;
  auto uniform = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return static_cast<double>(x >> 11) / 9007199254740992.0;
  };
  std::vector<double> coords;
  for (int i = 0; i < 3000; ++i) coords.push_back(-180.0 + 360.0 * uniform());
  for (int i = 0; i < 1000; ++i) {
    const double half = (std::floor(-90.0e7 + 180.0e7 * uniform()) + 0.5) / 1e7;
    coords.insert(coords.end(), {half, std::nextafter(half, 1e9), std::nextafter(half, -1e9), -half});
  }
  coords.insert(coords.end(), {0.0, -0.0, -1e-9, 1e-9, 5e-8, -5e-8, 1.5e-7, 179.99999995, -179.99999995});
  cs::VectorLayer lines("lines", cs::GeomType::kLineString, {{"id", cs::FieldType::kInteger}});
  cs::VectorLayer polys("polys", cs::GeomType::kMultiPolygon, {{"id", cs::FieldType::kInteger}});
  for (std::size_t i = 0; i + 4 <= coords.size(); i += 4) {
    const cs::LonLat a{coords[i], coords[i + 1]}, b{coords[i + 2], coords[i + 3]};
    lines.add(cs::Shape::line({a, b, {b.lon, a.lat}}), {std::int64_t(i)});
    // One closed ring and one left open (the writer closes it), in two polygons.
    polys.add(cs::Shape::multipolygon({{{a, b, {b.lon, a.lat}, a}}, {{b, a, {a.lon, b.lat}}}}),
              {std::int64_t(i)});
  }
  auto as_wkt = [](const cs::VectorLayer& l) {
    cs::VectorLayer w(l.name, l.geom, l.fields);
    for (std::size_t i = 0; i < l.size(); ++i) w.add(l.feature_wkt(i), l.values[i]);
    return w;
  };
  cs::test::TempDir tmp;
  cs::write_geopackage(tmp / "shapes.gpkg", {lines, polys});
  cs::write_geopackage(tmp / "wkt.gpkg", {as_wkt(lines), as_wkt(polys)});
  const std::string a = cs::read_file(tmp / "shapes.gpkg"), b = cs::read_file(tmp / "wkt.gpkg");
  EXPECT_GT(a.size(), 100000u);
  EXPECT_TRUE(a == b) << "the GeoPackage written from shapes differs from the one written from WKT";
}
