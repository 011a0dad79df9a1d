#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/memory.hpp>

namespace cs {

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return mul_sat(static_cast<std::uint64_t>(pages), static_cast<std::uint64_t>(page));
}

std::uint64_t default_memory_limit() {
  const std::uint64_t phys = physical_memory_bytes();
  if (phys == 0) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(static_cast<double>(phys) * kDefaultMemoryShare);
}

std::uint64_t memory_limit(const Context& ctx) {
  return ctx.max_memory ? ctx.max_memory : default_memory_limit();
}

std::uint64_t mul_sat(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a)
    return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}
std::uint64_t add_sat(std::uint64_t a, std::uint64_t b) {
  return b > std::numeric_limits<std::uint64_t>::max() - a ? std::numeric_limits<std::uint64_t>::max()
                                                           : a + b;
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes == std::numeric_limits<std::uint64_t>::max()) return "more than 18 EB";
  static const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000.0 && u < 6) {
    v /= 1000.0;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

void check_memory(const Context& ctx, std::uint64_t bytes, std::string_view what, std::string_view hint) {
  const std::uint64_t limit = memory_limit(ctx);
  if (bytes <= limit) return;
  std::string msg = std::string(what) + " needs " + format_bytes(bytes) + ", more than the memory limit of " +
                    format_bytes(limit) + " (--max-memory; the default is " +
                    std::to_string(static_cast<int>(kDefaultMemoryShare * 100)) + " % of physical memory)";
  if (!hint.empty()) msg.append("; ").append(hint);
  throw ResourceError(msg);
}

void check_matrix_memory(const Context& ctx, std::uint64_t rows, std::uint64_t cols) {
  check_memory(ctx, bytes_for<float>(rows, cols),
               "travel-time matrix of " + std::to_string(rows) + " x " + std::to_string(cols) + " points",
               "use fewer points, or split the origins into several runs");
}

std::optional<std::uint64_t> parse_memory_size(std::string_view text) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  s = s.substr(i);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.')) return std::nullopt;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (...) {
    return std::nullopt;
  }
  if (!std::isfinite(v) || v <= 0) return std::nullopt;
  std::string unit = s.substr(used);
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.front()))) unit.erase(0, 1);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double mult = 0;
  if (unit == "%") {
    if (v > 100) return std::nullopt;
    const std::uint64_t phys = physical_memory_bytes();
    if (phys == 0) return std::nullopt;
    const double b = static_cast<double>(phys) * v / 100.0;
    return b < 1 ? std::nullopt : std::optional<std::uint64_t>(static_cast<std::uint64_t>(b));
  }
  if (unit.empty() || unit == "B")
    mult = 1;
  else if (unit == "K" || unit == "KB")
    mult = 1e3;
  else if (unit == "M" || unit == "MB")
    mult = 1e6;
  else if (unit == "G" || unit == "GB")
    mult = 1e9;
  else if (unit == "T" || unit == "TB")
    mult = 1e12;
  else if (unit == "KIB")
    mult = 1024.0;
  else if (unit == "MIB")
    mult = 1024.0 * 1024;
  else if (unit == "GIB")
    mult = 1024.0 * 1024 * 1024;
  else if (unit == "TIB")
    mult = 1024.0 * 1024 * 1024 * 1024;
  else
    return std::nullopt;
  const double b = v * mult;
  if (b < 1 || b >= 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(b);
}

}  // namespace cs
