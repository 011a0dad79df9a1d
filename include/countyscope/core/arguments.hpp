// Checks of array arguments passed to the library from a host language (the Python module), in one message
// style: function, argument name, index, what was expected. Kept free of Python so the checks can be fuzzed
// and reused by an option registry. Shapes, lengths, kinds and scalar options throw UsageError; bad values
// inside an array (data) throw InputError. Both are ValueError in Python.
//
// Example:
//   cs::args::check_length("equity", "population", pop.size(), values.size(), "values");
//   // "equity(): argument 'population': expected 1000 values (the length of 'values'), got 1"
//   cs::args::check_values("equity", "population", pop, cs::limits::kPopulation);
//   // "equity(): argument 'population', index 7: expected a population in [0, 2e+09] persons, got nan"
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <countyscope/core/limits.hpp>

namespace cs::args {

// Throws UsageError "FUNC(): argument 'NAME': MESSAGE".
[[noreturn]] void fail(std::string_view func, std::string_view name, std::string_view message);
// As fail(), but InputError: a bad value inside an array argument.
[[noreturn]] void fail_value(std::string_view func, std::string_view name, std::string_view message);
// The array has `ndim` dimensions (and, when cols > 0, that many columns): "expected a 2-D array (demand x
// facilities), got 1-D".
void check_shape(std::string_view func, std::string_view name, std::size_t ndim, std::size_t want_ndim,
                 std::string_view what = {});
// got == want, where want is the length of another argument (`of`) or a dimension named by `of`.
void check_length(std::string_view func, std::string_view name, std::size_t got, std::size_t want,
                  std::string_view of);
// Element kind of an array: 'f' float, 'i' signed, 'u' unsigned, 'b' bool, anything else (complex, object,
// text) is refused: "expected a real-valued array (float or integer), got dtype complex128".
void check_dtype(std::string_view func, std::string_view name, char kind, std::string_view dtype_name,
                 bool integers_only = false);
// Every element finite and in range (allow_pos_inf: +inf accepted, e.g. "no path" in a time matrix).
void check_values(std::string_view func, std::string_view name, std::span<const double> v, const Range& r,
                  bool allow_pos_inf = false);
void check_values(std::string_view func, std::string_view name, std::span<const float> v, const Range& r,
                  bool allow_pos_inf = false);
// A scalar argument.
void check_scalar(std::string_view func, std::string_view name, double x, const Range& r);

}  // namespace cs::args
