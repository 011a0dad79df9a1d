// Shared test helpers: a seed that CS_TEST_SEED can override (printed on failure), temporary directories,
// and paths to bundled data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace cs::test {

// The seed for randomised tests: CS_TEST_SEED if set, else the given default.
std::uint64_t seed(std::uint64_t fallback = 20260101);

// A fresh empty directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Absolute path of a file in the source tree (COUNTYSCOPE_HOME is set by CTest).
std::filesystem::path source_path(const std::string& relative);

}  // namespace cs::test
