// The one distance-decay family of the project: accessibility (gravity measure, E2SFCA/G2SFCA weights;
// access/access.hpp) and spatial interaction (gravity flows; flows/models.hpp) choose from the same enum.
// Flows accept power and exponential only (flows::parse_decay); accessibility all four.
//
// Example:
//   cs::Decay d = cs::Decay::kExponential;   // f(c) = exp(-beta c)
#pragma once

#include <cstdint>

namespace cs {

// f(c) = c^-beta (power), exp(-beta c) (exponential), a Gaussian or a linear fall to the catchment edge.
enum class Decay : std::uint8_t { kPower, kExponential, kGaussian, kLinear };

}  // namespace cs
