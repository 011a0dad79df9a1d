#include <charconv>
#include <cmath>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>

namespace cs {

bool in_range(double x, const Range& r) noexcept {
  if (!std::isfinite(x)) return false;
  return (r.lo_open ? x > r.lo : x >= r.lo) && x <= r.hi;
}

std::string number_text(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc() ? std::string(buf, p) : std::string("?");
}

std::optional<std::string> range_problem(double x, const Range& r) {
  if (in_range(x, r)) return std::nullopt;
  std::string s = "expected ";
  if (!r.what.empty()) s.append("a ").append(r.what).append(" in ");
  s.append(r.lo_open ? "(" : "[")
      .append(number_text(r.lo))
      .append(", ")
      .append(number_text(r.hi))
      .append("]");
  if (!r.unit.empty()) s.append(" ").append(r.unit);
  s.append(", got ").append(number_text(x));
  return s;
}

double check_range(double x, const Range& r, std::string_view file, std::string_view where,
                   std::string_view field) {
  if (auto msg = range_problem(x, r)) throw InputError(file, where, field, *msg);
  return x;
}

}  // namespace cs
