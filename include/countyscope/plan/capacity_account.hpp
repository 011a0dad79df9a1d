// The county capacity account ([capacity]; docs/capacity.md): land, public services and roads each measured
// against a limit, classed by the ratio (overload / critical / no overload) and combined by the weakest link.
#pragma once

#include <string>
#include <vector>

#include <countyscope/core/options.hpp>

namespace cs {

struct CapacityAccountOptions {
  bool run = true;
  // Land: the share of the county boundary covered by these OSM landuse classes, against land_limit.
  std::vector<std::string> built_up = {"residential", "commercial", "retail", "industrial", "construction"};
  double land_limit = 0.30;
  // Roads: the share of peak-hour vehicle-km on links above the traffic pass's critical V/C, against
  // road_limit.
  double road_limit = 0.20;
  // A ratio (value / limit, or standard / supply) at or above this is critical, at or above 1 overload.
  double critical_ratio = 0.8;
};
[[nodiscard]] const opt::Table<CapacityAccountOptions>& capacity_account_options();

enum class CapacityClass { kNone, kCritical, kOverload };
// The class of a pressure ratio under o (NaN: not assessed is the caller's to say).
[[nodiscard]] CapacityClass capacity_class(double ratio, const CapacityAccountOptions& o);
[[nodiscard]] const char* capacity_class_name(CapacityClass c);  // "no overload" | "critical" | "overload"

}  // namespace cs
