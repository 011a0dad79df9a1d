// Lines in a planner's layer (io/vector_source.hpp): taken, with their coordinates, only when the caller
// accepts them (a boundary file); refused in one line naming the feature otherwise (settlements, facilities,
// ...).
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/vector_source.hpp>

#include "test_support.hpp"

namespace {

const char* kLines = R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}},
 {"type": "Feature", "properties": {"name": "b"}, "geometry": {"type": "MultiLineString",
  "coordinates": [[[5, 6], [7, 8], [9, 10]], [[11, 12], [13, 14]]]}}]})";

TEST(VectorSourceLines, TakenWhenAccepted) {
  cs::test::TempDir dir;
  std::ofstream(dir / "lines.geojson") << kLines;
  cs::VectorSourceSpec spec;
  spec.source = (dir / "lines.geojson").string();
  spec.accept_lines = true;
  const cs::VectorTable t = cs::read_vector_source(spec);
  ASSERT_EQ(t.features.size(), 2U);
  ASSERT_EQ(t.features[0].lines.size(), 1U);
  ASSERT_EQ(t.features[1].lines.size(), 2U);  // a multiline: its parts
  EXPECT_TRUE(t.features[1].polygons.empty());
  const auto& l = t.features[1].lines[0];
  ASSERT_EQ(l.size(), 3U);
  EXPECT_DOUBLE_EQ(l[2].lon, 9);
  EXPECT_DOUBLE_EQ(l[2].lat, 10);
  EXPECT_DOUBLE_EQ(t.features[1].lines[1][1].lon, 13);
}

TEST(VectorSourceLines, RefusedOtherwise) {
  cs::test::TempDir dir;
  std::ofstream(dir / "lines.geojson") << kLines;
  cs::VectorSourceSpec spec;
  spec.source = (dir / "lines.geojson").string();
  spec.label = "layers.settlements";
  try {
    (void)cs::read_vector_source(spec);
    FAIL() << "a layer of lines was read as points";
  } catch (const cs::InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(
        m.find("layers.settlements (lines.geojson): feature 0, field 'geometry': a Line String; points or "
               "polygons are expected"),
        std::string::npos)
        << m;
  }
}

}  // namespace
