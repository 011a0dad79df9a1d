#include <countyscope/core/context.hpp>

#include <cstdlib>
#include <filesystem>
#include <thread>

#ifndef CS_SOURCE_HOME
#define CS_SOURCE_HOME ""
#endif

namespace cs {

int Context::thread_count() const {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

std::string resource_path(std::string_view relative) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("COUNTYSCOPE_HOME"); env && *env) return (fs::path(env) / relative).string();
  const fs::path source = CS_SOURCE_HOME;
  if (!source.empty() && fs::exists(source / relative)) return (source / relative).string();
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path share = exe.parent_path().parent_path() / "share" / "countyscope" / relative;
    if (fs::exists(share)) return share.string();
  }
  return (source / relative).string();
}

}  // namespace cs
