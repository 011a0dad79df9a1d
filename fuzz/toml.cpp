// Target toml: every TOML schema a user writes, chosen by the first byte: plan (with its capability sections
// read by the passes' validators), services, standards, indicators (assess), scenarios (flows) and the access
// study. Each is parsed and validated as the commands do; a cs::Error is the expected answer to bad text.
#include <countyscope/access/audit.hpp>
#include <countyscope/access/study.hpp>
#include <countyscope/assess/assess.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/plan/plan.hpp>

#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cs::fuzz::Bytes in(data, size);
  const std::uint8_t schema = in.byte();
  const std::string_view text = in.rest();
  cs::fuzz::expect_errors([&] {
    switch (schema % 6) {
      case 0: {
        cs::PlanConfig cfg;
        cs::parse_plan_config(text, "plan.toml", cfg);
        cs::throw_if_problems(validate(cfg), "plan");
        break;
      }
      case 1: {
        const cs::ServiceTable t = cs::parse_service_table(text, "services.toml");
        (void)t;
        break;
      }
      case 2:
        (void)cs::access::parse_standards(text, "standards.toml");
        break;
      case 3:
        (void)cs::assess::parse_indicator_system(text, "indicators.toml");
        break;
      case 4: {
        const cs::flows::Scenario s = cs::flows::parse_scenario(text, "scenario.toml");
        (void)cs::flows::scenario_to_json(s).dump();
        break;
      }
      case 5: {
        cs::access::AccessStudyConfig cfg;
        cs::access::parse_access_toml(text, "access.toml", cfg);
        cs::throw_if_problems(cs::access::validate(cfg), "access");
        (void)cs::access::access_config_json(cfg).dump();
        break;
      }
    }
  });
  return 0;
}
