#include "test_support.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include <countyscope/core/context.hpp>

namespace cs::test {
namespace fs = std::filesystem;

std::uint64_t seed(std::uint64_t fallback) {
  if (const char* s = std::getenv("CS_TEST_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
  return fallback;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("countyscope-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path source_path(const std::string& relative) { return fs::path(cs::resource_path(relative)); }

}  // namespace cs::test
