// plan.toml parsing: effective values, and errors that name file, line and key and list the valid keys.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include <countyscope/core/error.hpp>
#include <countyscope/plan/plan.hpp>

namespace {

std::string error_of(std::string_view text) {
  cs::PlanConfig cfg;
  try {
    cs::parse_plan_config(text, "dir/plan.toml", cfg);
  } catch (const cs::Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    return e.what();
  }
  return "no error";
}

TEST(PlanConfig, DefaultsAndOverrides) {
  cs::PlanConfig cfg;
  EXPECT_EQ(cfg.network.profile, cs::network::Profile::kCar);
  EXPECT_GT(cfg.network.speed_kmh[static_cast<std::size_t>(cs::network::RoadClass::kPrimary)], 0.0f);
  cs::parse_plan_config(R"(
[plan]
skip = ["report"]
timings = true
service_types = ["hospital", "primary_school"]
[network]
profile = "walk"
[network.speed_kmh]
footway = 4.5
[county]
seat = "Schaan"
unit_admin_level = 7
total_population = 39000
services = "my-services.toml"
[snap]
far_threshold_m = 250
[matrix]
cutoff_min = 60
[access]
cutoff_min = 20
zones_min = [5, 10, 20]
[locate]
anything = "belongs to the locate pass"
)",
                        "dir/plan.toml", cfg);
  EXPECT_EQ(cfg.skip, std::vector<std::string>{"report"});
  EXPECT_TRUE(cfg.timings);
  EXPECT_EQ(cfg.service_types.size(), 2u);
  EXPECT_EQ(cfg.network.profile, cs::network::Profile::kWalk);
  EXPECT_FLOAT_EQ(cfg.network.speed_kmh[static_cast<std::size_t>(cs::network::RoadClass::kFootway)], 4.5f);
  EXPECT_EQ(cfg.county.seat, "Schaan");
  EXPECT_EQ(cfg.county.unit_admin_level, 7);
  EXPECT_EQ(cfg.county.total_population, 39000.0);
  EXPECT_EQ(cfg.county.service_table, "dir/my-services.toml");  // relative to the TOML file
  EXPECT_EQ(cfg.snap.far_threshold_m, 250.0);
  EXPECT_EQ(cfg.matrix_cutoff_s(), 3600.0);
  EXPECT_NE(cfg.config_text.find("[locate]"), std::string::npos);
  EXPECT_EQ(cfg.access.options.cutoff_min, 20.0);  // [access] is read through its registry table
  EXPECT_EQ(cfg.access.options.zones_min, (std::vector<double>{5, 10, 20}));
  EXPECT_TRUE(validate(cfg).empty());
}

TEST(PlanConfig, LayersAreReadWithPathsRelativeToThePlanFile) {
  cs::PlanConfig cfg;
  cs::parse_plan_config(
      "[layers.census]\nsource = 'census.csv'\nfields = { name = 'gemeinde', population = 'pop' }\n"
      "[layers.units]\nsource = 'PG:dbname=county'\nlayer = 'register.units'\n",
      "dir/plan.toml", cfg);
  ASSERT_EQ(cfg.county.layers.size(), 2u);
  EXPECT_EQ(cfg.county.layers[0].kind, "census");
  EXPECT_EQ(cfg.county.layers[0].source, "dir/census.csv");
  ASSERT_NE(cfg.county.layers[0].field("population"), nullptr);
  EXPECT_EQ(*cfg.county.layers[0].field("population"), "pop");
  EXPECT_EQ(cfg.county.layers[0].field("code"), nullptr);
  EXPECT_EQ(cfg.county.layers[1].source, "PG:dbname=county");  // a connection string is no path
  EXPECT_EQ(cfg.county.layers[1].layer, "register.units");
  EXPECT_NE(
      error_of("[layers.villages]\nsource = 'v.csv'\n")
          .find("field 'layers.villages': unknown key; valid keys in [layers]: settlements, facilities"),
      std::string::npos)
      << error_of("[layers.villages]\nsource = 'v.csv'\n");
  EXPECT_NE(error_of("[layers.census]\nfields = { name = 'x' }\n").find("field 'layers.census.source'"),
            std::string::npos)
      << error_of("[layers.census]\nfields = { name = 'x' }\n");
  EXPECT_NE(error_of("[layers.units]\nsource = 'u.shp'\nservice = 'clinic'\n")
                .find("only a facilities layer has a service"),
            std::string::npos);
}

TEST(PlanConfig, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(
      error_of("[contry]\nseat = 'x'\n"),
      "dir/plan.toml: line 1, field 'contry': unknown section; valid sections: plan, network, county, snap, "
      "matrix, layers, access, locate, flows, structure, scenarios, traffic, capacity, industry");
  const std::string e1 = error_of("[county]\nseet = 'Vaduz'\n");
  EXPECT_NE(e1.find("dir/plan.toml: line 2, field 'county.seet': unknown key; valid keys in [county]: seat,"),
            std::string::npos)
      << e1;
  const std::string e2 = error_of("[county]\nunit_admin_level = 'eight'\n");
  EXPECT_NE(e2.find("field 'county.unit_admin_level': expected an integer"), std::string::npos) << e2;
  const std::string e3 = error_of("[snap]\nfar_threshold_m = -5\n");
  EXPECT_NE(e3.find("field 'snap.far_threshold_m': expected a distance in [1, 1e+06] metres, got -5"),
            std::string::npos)
      << e3;
  const std::string e4 = error_of("[network]\nprofile = 'bike'\n");
  EXPECT_NE(e4.find("field 'network.profile': unknown profile 'bike'; expected one of: car, walk"),
            std::string::npos)
      << e4;
  const std::string e5 = error_of("[plan]\nskip = ['acess']\n");
  EXPECT_NE(e5.find("unknown pass 'acess'; valid: report, access"), std::string::npos) << e5;
  const std::string e6 = error_of("[network.speed_kmh]\nhighway = 3\n");
  EXPECT_NE(
      e6.find("field 'network.speed_kmh.highway': unknown key; valid keys in [network.speed_kmh]: motorway"),
      std::string::npos)
      << e6;
  const std::string e7 = error_of("[county\n");
  EXPECT_NE(e7.find("dir/plan.toml: line 1"), std::string::npos) << e7;
  const std::string e8 = error_of("county = 3\n");
  EXPECT_NE(e8.find("field 'county': expected a [county] section"), std::string::npos) << e8;
}

TEST(PlanConfig, MissingFileIsIoError) {
  cs::PlanConfig cfg;
  EXPECT_THROW(cs::load_plan_config("/nonexistent/plan.toml", cfg), cs::IoError);
}

TEST(PlanConfig, ValidateListsProblems) {
  cs::PlanConfig cfg;
  cfg.skip = {"nope"};
  cfg.county.default_levels = 0;
  const auto p = validate(cfg);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].option, "county.default_levels");
  EXPECT_EQ(p[1].option, "plan.skip");
}

}  // namespace

// The capacity account's classes (docs/capacity.md): overload from 1, critical from critical_ratio, and the
// [capacity] keys read from the plan file with their ranges checked.
TEST(CapacityAccount, ClassesFollowTheRatio) {
  cs::CapacityAccountOptions o;
  o.critical_ratio = 0.8;
  EXPECT_EQ(cs::capacity_class(0.79, o), cs::CapacityClass::kNone);
  EXPECT_EQ(cs::capacity_class(0.8, o), cs::CapacityClass::kCritical);
  EXPECT_EQ(cs::capacity_class(0.999, o), cs::CapacityClass::kCritical);
  EXPECT_EQ(cs::capacity_class(1.0, o), cs::CapacityClass::kOverload);
  EXPECT_EQ(cs::capacity_class(std::numeric_limits<double>::infinity(), o), cs::CapacityClass::kOverload);
  EXPECT_STREQ(cs::capacity_class_name(cs::CapacityClass::kCritical), "critical");
  cs::PlanConfig cfg;
  cs::parse_plan_config("[capacity]\nland_limit = 0.25\ncritical_ratio = 0.9\n", "dir/plan.toml", cfg);
  EXPECT_EQ(cfg.capacity.land_limit, 0.25);
  EXPECT_EQ(cs::capacity_class(0.85, cfg.capacity), cs::CapacityClass::kNone);
  cs::PlanConfig bad;
  EXPECT_THROW(cs::parse_plan_config("[capacity]\nland_limit = nan\n", "dir/plan.toml", bad), cs::InputError);
  EXPECT_THROW(cs::parse_plan_config("[traffic]\ncar_share = 1.5\n", "dir/plan.toml", bad), cs::InputError);
}
