// What the passes of run_assess share besides the result (src/assess only): the county table, the kept rows,
// the panel and the indicators that enter the score. run.cpp holds passes 1-9, typing.cpp pass 10.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct RunState {
  RunState(const AssessConfig& c, Context& x, AssessResult& res) : cfg(c), ctx(x), r(res) {}
  const AssessConfig& cfg;
  Context& ctx;
  AssessResult& r;
  CsvTable t;  // the county table (2020)
  std::size_t key_col = 0;
  std::optional<std::size_t> name_col;
  std::vector<std::string> names;                // indicator ids
  std::vector<int> dir;                          // indicator directions
  std::vector<std::size_t> keep;                 // rows of t kept (the scored counties, in order)
  std::size_t m = 0, n = 0;                      // indicators, kept counties
  Columns panel0, panel1;                        // raw values of matched counties, panel indicators only
  std::vector<std::size_t> panel_j, panel_rows;  // indicator indices; kept-county indices matched to 2010
  Columns pooled_norm0, pooled_norm1;            // pooled min-max values of the panel, 2010 and 2020
  std::vector<std::size_t> scored;               // indicators that enter the score
  std::vector<LonLat> pts;                       // centres of the located counties
  std::unordered_map<std::string, LonLat> centre_of;  // centres of every unit of the centres table
};

// Pass 10: county-town typing (typing.cpp).
void type_counties(RunState& x);

}  // namespace cs::assess
