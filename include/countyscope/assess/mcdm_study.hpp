// Multi-criteria decision making on any table (`countyscope stats mcdm`; docs/stats.md): the normalisations
// min-max, max, sum and vector, criteria weights from entropy, CRITIC, standard deviation, coefficient of
// variation, equal or given, and TOPSIS, in pymcdm's conventions (cost criteria turned within the
// normalisation: min-max (max - x) / (max - min), max 1 - x / max, sum (1/x) / sum(1/x), vector 1 - x /
// ||x||).
//
// Example:
//   cs::assess::McdmInputs in;
//   in.table = "alternatives.csv"; in.criteria = {"price", "quality"}; in.cost = {"price"};
//   in.weights = "entropy";
//   const cs::Outputs o = cs::assess::run_mcdm_study(in, ctx);  // weights, scores (TOPSIS), normalised
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::assess {

enum class McdmNormalization { kMinMax, kMax, kSum, kVector };
enum class McdmWeighting { kEntropy, kCritic, kStd, kCv, kEqual, kGiven };

// One criterion's column normalised (cost = true: a cost criterion, turned so that larger is better).
// Throws InputError for sum with a value <= 0 and for max / vector with a column of zeros.
[[nodiscard]] std::vector<double> mcdm_normalize(const std::vector<double>& x, McdmNormalization how,
                                                 bool cost);
// Criteria weights (sum 1) from the raw columns cols[j][i] (criterion j, alternative i), pymcdm's formulas:
// entropy on sum-normalised columns (values >= 0; 0 ln 0 = 0); CRITIC on min-max-normalised columns (sample
// sd times the sum of 1 - Pearson r); std: sample sd; cv: sample sd / mean (not in pymcdm); equal: 1/n.
[[nodiscard]] std::vector<double> mcdm_weights(const std::vector<std::vector<double>>& cols,
                                               McdmWeighting how);
// TOPSIS on normalised columns: weighted, the ideal and anti-ideal the column max and min (min and max where
// up[j] is false; up empty: every column up), closeness d- / (d+ + d-), through topsis_distances
// (methods.hpp, the national assessment's). Returns (closeness, d+, d-) per alternative.
struct TopsisScores {
  std::vector<double> score, d_plus, d_minus;
};
[[nodiscard]] TopsisScores topsis_scores(const std::vector<std::vector<double>>& normalized,
                                         const std::vector<double>& weights,
                                         const std::vector<bool>& up = {});

struct McdmInputs {
  std::string table, layer;
  std::vector<std::string> criteria;     // numeric columns
  std::vector<std::string> cost;         // of those, the cost criteria (smaller is better)
  std::string normalization = "minmax";  // minmax | max | sum | vector
  std::string weights = "entropy";       // entropy | critic | std | cv | equal | given
  std::vector<double> given;             // --given-weights, one per criterion (scaled to sum 1)
  std::string id;                        // id column of the output rows (default: the row)
  // Cost criteria: "invert" (pymcdm: turned by the normalisation, the ideal is every column's maximum) or
  // "ideal" (normalised like benefit criteria, the ideal is their minimum: Hwang & Yoon's TOPSIS and the
  // national assessment's, whose TOPSIS is --normalization vector --cost-rule ideal).
  std::string cost_rule = "invert";
  // Entropy weights on "raw" columns (pymcdm) or on "minmax" ones, min-max normalised and cost-turned (the
  // national assessment's entropy weights, without its shift).
  std::string entropy_on = "raw";
};
// Throws InputError (a missing column, a value that is not a finite number: one line naming file, row and
// field) or UsageError (an unknown method, a cost criterion that is not a criterion, given weights that do
// not match the criteria).
[[nodiscard]] Outputs run_mcdm_study(const McdmInputs& in, const Context& ctx);

}  // namespace cs::assess
