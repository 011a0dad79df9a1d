// The [access] options in the registry: TOML, CLI text and defaults agree; minutes become the engine's
// seconds; old names and bad values are refused naming the option.
#include <gtest/gtest.h>

#include <countyscope/access/study.hpp>

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(AccessOptions, DefaultsAreTheEnginesInMinutes) {
  const cs::access::AccessConfig engine;  // the kernel's own defaults (seconds)
  const cs::access::AccessConfig from = cs::access::access_config(cs::access::AccessOptions{});
  EXPECT_EQ(from.cutoff_s, engine.cutoff_s);
  EXPECT_EQ(from.k, engine.k);
  EXPECT_EQ(from.gravity_scale_s, engine.gravity_scale_s);
  EXPECT_EQ(from.gravity_min_s, engine.gravity_min_s);
  EXPECT_EQ(from.gravity_sigma_s, engine.gravity_sigma_s);
  EXPECT_EQ(from.zones_s, engine.zones_s);
  EXPECT_EQ(from.zone_weights, engine.zone_weights);
  EXPECT_EQ(from.sfca3_zones_s, engine.sfca3_zones_s);
  EXPECT_EQ(from.sfca3_weights, engine.sfca3_weights);
  EXPECT_EQ(from.gaussian_sigma_s, engine.gaussian_sigma_s);
}

TEST(AccessOptions, TomlAndCliTextGiveTheSameConfig) {
  cs::access::AccessStudyConfig a, b;
  cs::access::parse_access_toml(
      "[access]\ncutoff_min = 20\ncatchment = \"exclusive\"\nk = 2\nzones_min = [5, 15, 20]\n"
      "zone_weights = [1, 0.5, 0.1]\nservices = [\"clinic\"]\ncapacity_norms = {clinic = 2.5}\n",
      "a.toml", a);
  const auto& t = cs::access::access_options();
  t.set_text(b.options, "cutoff_min", "20", "--cutoff-min: ");
  t.set_text(b.options, "catchment", "exclusive", "--catchment: ");
  t.set_text(b.options, "k", "2", "--k: ");
  t.set_text(b.options, "zones_min", "5,15,20", "--zones-min: ");
  t.set_text(b.options, "zone_weights", "1,0.5,0.1", "--zone-weights: ");
  t.set_text(b.options, "services", "clinic", "--services: ");
  EXPECT_EQ(t.to_json(a.options), t.to_json(b.options));
  const cs::access::AccessConfig e = cs::access::access_config(a.options);
  EXPECT_EQ(e.cutoff_s, 1200.0);
  EXPECT_EQ(e.zones_s, (std::vector<double>{300.0, 900.0, 1200.0}));
  EXPECT_EQ(e.catchment, cs::access::Catchment::kExclusive);
  EXPECT_EQ(a.capacity_norms_per_1000, (std::map<std::string, double>{{"clinic", 2.5}}));
  EXPECT_EQ(cs::access::access_config_json(a)["cutoff_min"], 20.0);
}

TEST(AccessOptions, BadAndRenamedOptionsNameTheOption) {
  cs::access::AccessStudyConfig c;
  EXPECT_EQ(error_of([&] { cs::access::parse_access_toml("[access]\ncutoff_s = 1800\n", "a.toml", c); }),
            "a.toml: line 2, field 'access.cutoff_s': renamed to 'cutoff_min' (now in minutes)");
  EXPECT_EQ(
      error_of([&] { cs::access::parse_access_toml("[access]\nzones_min = [10, 5, 30]\n", "a.toml", c); }),
      "a.toml: line 2, field 'access.zones_min': zones must increase (zone 2 is not above zone 1)");
  EXPECT_NE(error_of([&] {
              cs::access::parse_access_toml("[access]\ncutoff_min = nan\n", "a.toml", c);
            }).find("field 'access.cutoff_min': expected a time in (0, 10080] minutes, got nan"),
            std::string::npos);
  EXPECT_EQ(error_of([&] {
              cs::access::access_options().set_text(c.options, "zones_min", "10,x", "--zones-min: ");
            }),
            "--zones-min: expected numbers separated by commas, got '10,x'");
  EXPECT_EQ(
      error_of([&] { cs::access::access_options().set_text(c.options, "cutoff_s", "10", "--cutoff-s: "); }),
      "--cutoff-s: renamed to 'cutoff_min' (now in minutes)");
  EXPECT_NE(error_of([&] {
              cs::access::parse_access_toml("[access]\nbogus = 1\n", "a.toml", c);
            }).find("unknown key"),
            std::string::npos);
}

}  // namespace
