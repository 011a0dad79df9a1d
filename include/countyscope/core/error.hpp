// Error tiers (STYLE P6): programming errors are asserts; bad input and I/O raise cs::Error subtypes carrying a
// message of one line that names file, place (row / feature) and field; library code never prints or exits.
//
// Example:
//   throw cs::InputError("villages.csv", "line 12", "population", "negative value -3");
//   // what(): "villages.csv: line 12, field 'population': negative value -3"
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

enum class ErrorKind {
  kInput,       // malformed or inconsistent user data
  kIo,          // a file could not be read or written
  kUsage,       // an invalid option or option value (CLI exit code 2)
  kInfeasible,  // a well-formed problem with no solution (e.g. budget too small)
  kInternal,    // a bug surfaced as an exception
  kResource,    // the run needs more memory (or other resource) than allowed
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] ErrorKind kind() const noexcept { return kind_; }
  // Process exit code the CLI uses for this error: 2 for usage errors, 1 otherwise.
  [[nodiscard]] int exit_code() const noexcept { return kind_ == ErrorKind::kUsage ? 2 : 1; }

 private:
  ErrorKind kind_;
};

// "FILE: WHERE, field 'FIELD': MESSAGE" — any of file/where/field may be empty and is then left out.
std::string format_input_message(std::string_view file, std::string_view where, std::string_view field,
                                 std::string_view message);

class InputError : public Error {
 public:
  InputError(std::string_view file, std::string_view where, std::string_view field, std::string_view message)
      : Error(ErrorKind::kInput, format_input_message(file, where, field, message)) {}
  explicit InputError(const std::string& message) : Error(ErrorKind::kInput, message) {}
};

class IoError : public Error {
 public:
  explicit IoError(const std::string& message) : Error(ErrorKind::kIo, message) {}
};

// A run that would need more memory than --max-memory allows (exit code 1).
class ResourceError : public Error {
 public:
  explicit ResourceError(const std::string& message) : Error(ErrorKind::kResource, message) {}
};

class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ErrorKind::kUsage, message) {}
};

// "unknown decay 'exp2'; expected one of: flat, linear, exponential, gaussian"
[[nodiscard]] UsageError unknown_value(std::string_view what, std::string_view value,
                                       const std::vector<std::string>& valid);

// One problem found while validating a configuration: the option's name and what is wrong with it.
struct Problem {
  std::string option;
  std::string message;
};
// Throws UsageError naming the first problem (and how many more), if any.
void throw_if_problems(const std::vector<Problem>& problems, std::string_view where = {});

}  // namespace cs
