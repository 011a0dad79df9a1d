// Unit tests of the assessment's parsing layer: formulas over columns and the TOML indicator system.
#include <cmath>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include <countyscope/assess/assess.hpp>

#include "test_support.hpp"

namespace a = cs::assess;

TEST(AssessFormula, ParsesAndEvaluates) {
  const auto f = a::Formula::parse("1 - a / (b + \"c d\") * 2", "test");
  ASSERT_EQ(f.columns().size(), 3u);
  const double v[3] = {3, 1, 2};
  EXPECT_NEAR(f.eval(v), 1 - 3.0 / 3.0 * 2, 1e-15);
  const double z[3] = {1, 0, 0};
  EXPECT_TRUE(std::isnan(f.eval(z)));  // division by zero is a missing value
  EXPECT_THROW((void)a::Formula::parse("a +", "test"), cs::InputError);
  EXPECT_THROW((void)a::Formula::parse("(a", "test"), cs::InputError);
  EXPECT_NEAR(a::Formula::parse("-x*-2", "t").eval(v), 6, 1e-15);
}

TEST(AssessSystem, DefaultSystemLoadsAndRegionsCoverAllProvinces) {
  const auto sys = a::load_indicator_system(cs::test::source_path("data/config/integration.toml").string());
  EXPECT_EQ(sys.dimensions.size(), 5u);  // with the industrial structure (issue 19)
  EXPECT_EQ(sys.indicators.size(), 17u);
  for (const auto& i : sys.indicators) EXPECT_FALSE(i.why.empty()) << i.id;
  for (const char* p :
       {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
        "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"})
    EXPECT_NE(a::region_of(std::string(p) + "0101"), "unknown") << p;
  EXPECT_EQ(a::region_of("210102"), "north-east");
  EXPECT_THROW((void)a::parse_indicator_system("name='x'\n[[dimension]]\nid='a'\n", "t.toml"),
               cs::InputError);
}

// The registry's [assess] options default to the methods' defaults; metres become the methods' km.
TEST(AssessOptions, DefaultsAreTheConfigsAndMetresBecomeKilometres) {
  const a::AssessConfig d;
  const a::AssessConfig c = a::assess_config({}, a::AssessOptions{});
  EXPECT_EQ(c.units, d.units);
  EXPECT_EQ(c.weighting, d.weighting);
  EXPECT_EQ(c.transform, d.transform);
  EXPECT_EQ(c.winsor, d.winsor);
  EXPECT_EQ(c.weight_cap, d.weight_cap);
  EXPECT_EQ(c.missing, d.missing);
  EXPECT_EQ(a::to_string(c.shift), a::to_string(d.shift));
  EXPECT_EQ(c.shift.epsilon, d.shift.epsilon);
  EXPECT_EQ(c.shift.a, d.shift.a);
  EXPECT_EQ(c.shift.b, d.shift.b);
  EXPECT_EQ(c.entropy, d.entropy);
  EXPECT_EQ(c.topsis_norm, d.topsis_norm);
  EXPECT_EQ(c.coupling, d.coupling);
  EXPECT_EQ(a::to_string(c.weights), a::to_string(d.weights));
  EXPECT_EQ(c.weights.band_km, d.weights.band_km);
  EXPECT_EQ(c.weights.row_standardise, d.weights.row_standardise);
  EXPECT_EQ(c.permutations, d.permutations);
  EXPECT_EQ(c.lisa_variance, d.lisa_variance);
  EXPECT_EQ(c.alpha, d.alpha);
  EXPECT_EQ(c.markov_classes, d.markov_classes);
  EXPECT_EQ(c.geodetector_classes, d.geodetector_classes);
  EXPECT_EQ(c.typing.satellite_km, d.typing.satellite_km);
  EXPECT_EQ(c.typing.large_city_pop, d.typing.large_city_pop);
  EXPECT_EQ(c.typing.losing_change, d.typing.losing_change);
  EXPECT_EQ(c.typing.agri_share, d.typing.agri_share);
  EXPECT_EQ(c.typing.specialised_manuf, d.typing.specialised_manuf);

  a::AssessOptions o;
  const auto& t = a::assess_options();
  t.set_text(o, "weights", "band", "--weights: ");
  t.set_text(o, "band_m", "150000", "--band-m: ");
  t.set_text(o, "satellite_m", "40000", "--satellite-m: ");
  t.set_text(o, "shift", "eps", "--shift: ");
  t.set_text(o, "shift_eps", "0.05", "--shift-eps: ");
  const a::AssessConfig e = a::assess_config({}, o);
  EXPECT_EQ(a::to_string(e.weights), a::to_string(a::parse_weights_spec("band:150")));
  EXPECT_EQ(e.weights.band_km, a::parse_weights_spec("band:150").band_km);
  EXPECT_EQ(e.typing.satellite_km, 40.0);
  EXPECT_EQ(a::to_string(e.shift), "eps:0.05");
  EXPECT_THROW(t.set_text(o, "satellite_km", "40", "--satellite-km: "), cs::UsageError);
}

// The indicator system is read through the one TOML reader: errors name the file, line and field.
TEST(AssessSystem, ErrorsNameFileLineAndField) {
  auto error_of = [](const std::string& text) {
    try {
      (void)a::parse_indicator_system(text, "t.toml");
    } catch (const cs::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string ind = "name='x'\n[[dimension]]\nid='a'\n[[dimension.indicator]]\nid='i'\ncolumn='c'\n";
  EXPECT_EQ(error_of(ind), "");
  EXPECT_EQ(
      error_of(ind + "weight = nan\n"),
      "t.toml: line 7, field 'dimension[1].indicator[1].weight': expected a value in (0, 1e+15], got nan");
  EXPECT_EQ(error_of(ind + "colour = 'red'\n"),
            "t.toml: line 7, field 'dimension[1].indicator[1].colour': unknown key; valid keys in "
            "[dimension[1].indicator[1]]: id, name, name_zh, why, why_zh, unit, column, formula, "
            "formula_2010, direction, "
            "weight");
  EXPECT_EQ(error_of(ind + "direction = 'up'\n"),
            "t.toml: line 7, field 'dimension[1].indicator[1].direction': 'up'; expected one of: +, -");
}

// Unit types by hand from the rules (docs/assess.md, Units): real 2020 census rows of each kind.
TEST(AssessUnits, TypesFromCodeAndNameSuffix) {
  using U = a::UnitType;
  const std::vector<std::tuple<const char*, const char*, const char*, U>> cases = {
      {"110101", "东城区", "北京市", U::kDistrict},
      {"610103", "碑林区", "西安市", U::kDistrict},  // ends in 林区 but not under PP90xx
      {"429021", "神农架林区", "神农架林区", U::kForestryDistrict},
      {"520203", "六枝特区", "六盘水市", U::kSpecialDistrict},
      {"130181", "辛集市", "石家庄市", U::kCity},
      {"152201", "乌兰浩特市", "兴安盟", U::kCity},  // city code 01 in a league: the suffix decides
      {"130121", "井陉县", "石家庄市", U::kCounty},
      {"130321", "青龙满族自治县", "秦皇岛市", U::kAutonomousCounty},
      {"150121", "土默特左旗", "呼和浩特市", U::kBanner},
      {"150723", "鄂伦春自治旗", "呼伦贝尔市", U::kAutonomousBanner},
      {"340210", "芜湖县", "芜湖市", U::kDistrict},  // renamed 湾沚区 in 2020: the code decides
      {"421088", "监利县", "荆州市", U::kCity},      // renamed 监利市 in 2020
      {"130171", "石家庄高新技术产业开发区", "石家庄市", U::kZone},      // NBS code 71-79
      {"632857", "大柴旦行政委员会", "海西蒙古族藏族自治州", U::kZone},  // no administrative suffix
      {"110101", "", "", U::kDistrict},                                  // no name: the code class
      {"130121", "", "", U::kCounty},
      {"130181", "", "", U::kCity},
      {"320614", "海门市", "南通市", U::kDistrict},  // renamed 海门区 in 2020: district code under a 地级市
      {"632301", "同仁县", "黄南藏族自治州",
       U::kCity},                                // renamed 同仁市: code 01 in an autonomous prefecture
      {"429004", "仙桃市", "仙桃市", U::kCity},  // province-administered (PP90xx)
      {"659001", "石河子市", "石河子市", U::kCity}};
  for (const auto& [code, name, pref, want] : cases)
    EXPECT_EQ(a::type_unit(code, name, pref).type, want) << code << " " << name;
  using F = a::UnitFilter;
  for (std::size_t k = 0; k < a::kUnitTypes; ++k) {
    const auto t = static_cast<U>(k);
    const bool county =
        t == U::kCounty || t == U::kAutonomousCounty || t == U::kBanner || t == U::kAutonomousBanner;
    EXPECT_EQ(a::selects(F::kCounties, t), county) << k;
    EXPECT_EQ(a::selects(F::kCountiesCities, t), county || t == U::kCity) << k;
    EXPECT_EQ(a::selects(F::kDistricts, t), t == U::kDistrict) << k;
    EXPECT_TRUE(a::selects(F::kAll, t));
  }
  // The official 2020 counts add up to the 2,844 county-level units of the year-end statistics.
  const auto off = a::official_unit_counts(2020);
  ASSERT_TRUE(off.has_value());
  std::size_t total = 0;
  for (auto v : *off) total += v;
  EXPECT_EQ(total, 2844u);
  EXPECT_FALSE(a::official_unit_counts(2010).has_value());
}
