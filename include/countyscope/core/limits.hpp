// The documented physical ranges of user inputs (docs/reliability.md, "Input contract"), in one table, and
// the checks every reader (CSV cells, TOML values, CLI options, Python arguments) calls before any work, so
// that the kernels and the MIP only ever see sane magnitudes. NaN and +-inf are outside every range.
//
// Example:
//   cs::check_range(pop, cs::limits::kPopulation, "villages.csv", "line 7", "population");
//   // InputError "villages.csv: line 7, field 'population': expected a population in [0, 2e+09] persons, got
//   1e+308" if (auto msg = cs::range_problem(x, cs::limits::kLongitude)) ...   // std::nullopt when in range
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cs {

struct Range {
  std::string_view what;  // "population": the quantity, for messages
  double lo = 0, hi = 0;
  std::string_view unit;  // "persons", "minutes", ... ("" = none)
  bool lo_open = false;   // (lo, hi] instead of [lo, hi]
};

namespace limits {
inline constexpr Range kLongitude{"longitude", -180, 180, "degrees"};
inline constexpr Range kLatitude{"latitude", -90, 90, "degrees"};
// People (or any demand weight in people-equivalents): up to the population of a large country.
inline constexpr Range kPopulation{"population", 0, 2e9, "persons"};
// Masses and flows of interaction models (people, jobs, trips or money): any count or amount up to 1e15.
inline constexpr Range kMass{"mass", 0, 1e15, ""};
// Facility capacity, in the demand's units (persons, beds, seats).
inline constexpr Range kCapacity{"capacity", 0, 2e9, "persons"};
// Opening costs and budgets, in any currency unit.
inline constexpr Range kCost{"cost", 0, 1e15, ""};
// Travel times: one week at most (tables in seconds, options in minutes).
inline constexpr Range kTimeS{"travel time", 0, 604800, "seconds"};
inline constexpr Range kTimeMin{"travel time", 0, 10080, "minutes"};
// Standards, cutoffs and catchments: strictly positive travel times.
inline constexpr Range kCutoffMin{"time", 0, 10080, "minutes", true};
inline constexpr Range kCutoffS{"time", 0, 604800, "seconds", true};
inline constexpr Range kDistanceM{"distance", 0, 2e7, "metres"};
inline constexpr Range kSpeedKmh{"speed", 0, 200, "km/h"};
inline constexpr Range kShare{"share", 0, 1, ""};
// Distance-decay parameters (gravity beta) and the weights of catchment zones (E2SFCA, 3SFCA).
inline constexpr Range kDecayBeta{"decay parameter", 0, 100, "", true};
inline constexpr Range kWeight{"weight", 0, 1e6, ""};
// Interaction models: decay per minute of travel time; the county flows' jobs proxy.
inline constexpr Range kDecayPerMin{"decay parameter", 0, 10, "per minute"};
inline constexpr Range kJobsPerFacility{"jobs per facility", 0, 1e6, "jobs"};
inline constexpr Range kJobsPerResident{"jobs per resident", 0, 10, "jobs"};
// Worker threads of one run (0 = all cores): more would only spend memory (one search state per thread).
inline constexpr Range kThreads{"thread count", 0, 1024, "threads"};
// Wall-clock limits of solvers.
inline constexpr Range kSolverSeconds{"time limit", 0, 1e7, "seconds", true};
// The data-quality gate's floor for a county's population (docs/county.md "Data-quality gate"): the smallest
// county-level units hold several thousand people; an extract whose buildings and tags give fewer than this
// cannot stand for a county, and the plan's siting refuses to site facilities for it.
inline constexpr double kMinCountyPopulation = 1000;
}  // namespace limits

// True iff x is finite and inside r.
[[nodiscard]] bool in_range(double x, const Range& r) noexcept;
// "expected a population in [0, 2e+09] persons, got 1e+308"; std::nullopt when x is in range.
[[nodiscard]] std::optional<std::string> range_problem(double x, const Range& r);
// Throws InputError(file, where, field, range_problem) unless x is in range; returns x.
double check_range(double x, const Range& r, std::string_view file, std::string_view where,
                   std::string_view field);
// Text of a number for messages: shortest round-trip form, "nan", "inf", "-inf".
[[nodiscard]] std::string number_text(double x);

}  // namespace cs
