#include <countyscope/core/error.hpp>

namespace cs {

std::string format_input_message(std::string_view file, std::string_view where, std::string_view field,
                                 std::string_view message) {
  std::string s;
  if (!file.empty()) s.append(file).append(": ");
  if (!where.empty()) s.append(where);
  if (!field.empty()) {
    if (!where.empty()) s.append(", ");
    s.append("field '").append(field).append("'");
  }
  if (!where.empty() || !field.empty()) s.append(": ");
  s.append(message);
  return s;
}

UsageError unknown_value(std::string_view what, std::string_view value, const std::vector<std::string>& valid) {
  std::string s = "unknown ";
  s.append(what).append(" '").append(value).append("'; expected one of: ");
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (i) s.append(", ");
    s.append(valid[i]);
  }
  return UsageError(s);
}

void throw_if_problems(const std::vector<Problem>& problems, std::string_view where) {
  if (problems.empty()) return;
  std::string s;
  if (!where.empty()) s.append(where).append(": ");
  s.append("option '").append(problems.front().option).append("': ").append(problems.front().message);
  if (problems.size() > 1) s.append(" (and ").append(std::to_string(problems.size() - 1)).append(" more problems)");
  throw UsageError(s);
}

}  // namespace cs
