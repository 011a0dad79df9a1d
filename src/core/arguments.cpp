#include <cmath>

#include <countyscope/core/arguments.hpp>
#include <countyscope/core/error.hpp>

namespace cs::args {

namespace {
std::string text(std::string_view func, std::string_view name, std::string_view message) {
  std::string s(func);
  s.append("(): argument '").append(name).append("'");
  if (!message.empty() && message.front() != ',') s.append(": ");
  s.append(message);
  return s;
}
}  // namespace

void fail(std::string_view func, std::string_view name, std::string_view message) {
  throw UsageError(text(func, name, message));
}

void fail_value(std::string_view func, std::string_view name, std::string_view message) {
  throw InputError(text(func, name, message));
}

void check_shape(std::string_view func, std::string_view name, std::size_t ndim, std::size_t want_ndim,
                 std::string_view what) {
  if (ndim == want_ndim) return;
  std::string m = "expected a " + std::to_string(want_ndim) + "-D array";
  if (!what.empty()) m.append(" (").append(what).append(")");
  fail(func, name, m + ", got " + std::to_string(ndim) + "-D");
}

void check_length(std::string_view func, std::string_view name, std::size_t got, std::size_t want,
                  std::string_view of) {
  if (got == want) return;
  fail(func, name,
       "expected " + std::to_string(want) + " values (" + std::string(of) + "), got " + std::to_string(got));
}

void check_dtype(std::string_view func, std::string_view name, char kind, std::string_view dtype_name,
                 bool integers_only) {
  const bool ok = integers_only ? (kind == 'i' || kind == 'u') : (kind == 'f' || kind == 'i' || kind == 'u');
  if (ok) return;
  fail(func, name,
       std::string(integers_only ? "expected an integer array"
                                 : "expected a real-valued array (float or integer)") +
           ", got dtype " + std::string(dtype_name));
}

namespace {
template <class T>
void values(std::string_view func, std::string_view name, std::span<const T> v, const Range& r,
            bool pos_inf) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double x = static_cast<double>(v[i]);
    if (pos_inf && std::isinf(x) && x > 0) continue;
    if (auto msg = range_problem(x, r))
      fail_value(func, name,
                 ", index " + std::to_string(i) + ": " + *msg + (pos_inf ? " (or inf for no path)" : ""));
  }
}
}  // namespace

void check_values(std::string_view func, std::string_view name, std::span<const double> v, const Range& r,
                  bool allow_pos_inf) {
  values(func, name, v, r, allow_pos_inf);
}
void check_values(std::string_view func, std::string_view name, std::span<const float> v, const Range& r,
                  bool allow_pos_inf) {
  values(func, name, v, r, allow_pos_inf);
}

void check_scalar(std::string_view func, std::string_view name, double x, const Range& r) {
  if (auto msg = range_problem(x, r)) fail(func, name, *msg);
}

}  // namespace cs::args
