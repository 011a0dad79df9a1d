// Basic vocabulary shared by every layer: dense ids, travel-time weights, coordinates, sentinels.
//
// Example:
//   cs::Weight t = cs::sat_add(a, b);           // saturates at kInfWeight instead of wrapping
//   float s = cs::to_seconds(t);                // +inf for kInfWeight ("no path")
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace cs {

// Dense 32-bit ids inside the engine; external ids (OSM ids, admin codes) are mapped at the boundary only.
using NodeId = std::uint32_t;
using ArcId = std::uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
inline constexpr ArcId kNoArc = std::numeric_limits<ArcId>::max();

// Travel time on arcs and inside searches, in integer milliseconds: exact sums (so results can be compared
// with other tools bit for bit) and 49 days of range.
using Weight = std::uint32_t;
inline constexpr Weight kInfWeight = std::numeric_limits<Weight>::max();
static_assert(kInfWeight > 3'600'000u * 24u * 40u, "weight range must cover weeks of travel");

constexpr Weight sat_add(Weight a, Weight b) noexcept {
  const Weight s = a + b;
  return s < a ? kInfWeight : s;
}

// Matrices carry seconds as float; unreachable is +infinity in memory and null/empty in files, never a large
// sentinel number. Users see travel times in minutes only (output_minutes).
inline constexpr float kUnreachable = std::numeric_limits<float>::infinity();
constexpr float to_seconds(Weight w) noexcept {
  return w == kInfWeight ? kUnreachable : static_cast<float>(static_cast<double>(w) / 1000.0);
}
constexpr Weight from_seconds(double s) noexcept {
  if (!(s >= 0.0)) return 0;
  const double ms = s * 1000.0 + 0.5;
  return ms >= static_cast<double>(kInfWeight) ? kInfWeight - 1 : static_cast<Weight>(ms);
}

// A travel time for users: seconds -> minutes rounded to 0.001 min (0.06 s, finer than the 1 ms weights'
// sums need); NaN and infinity stay (null / empty in files). Every output column, JSON key and report field
// of a travel time is in minutes and named *_min; seconds stay inside the engine.
inline double output_minutes(double seconds) noexcept {
  return std::isfinite(seconds) ? std::round(seconds / 60.0 * 1000.0) / 1000.0 : seconds;
}

// WGS-84 degrees.
struct LonLat {
  double lon = 0.0;
  double lat = 0.0;
  friend bool operator==(const LonLat&, const LonLat&) = default;
};

}  // namespace cs
