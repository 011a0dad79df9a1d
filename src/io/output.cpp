#include <countyscope/core/error.hpp>
#include <countyscope/io/output.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace cs {
namespace fs = std::filesystem;

void write_file(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw IoError(path.string() + ": cannot open for writing: " + std::strerror(errno));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) throw IoError(path.string() + ": write failed");
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
  try {
    write_file(tmp, bytes);
    fs::rename(tmp, path);
  } catch (const fs::filesystem_error& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw IoError(path.string() + ": cannot replace: " + e.code().message());
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw IoError(path.string() + ": is a directory, expected a file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IoError(path.string() + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

OutputDir::OutputDir(fs::path final_dir) : final_(std::move(final_dir)) {
  if (final_.empty()) throw UsageError("output directory must not be empty");
  std::error_code ec;
  const fs::path parent = fs::absolute(final_).parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw IoError(parent.string() + ": cannot create: " + ec.message());
  staging_ = parent / ("." + fs::absolute(final_).filename().string() + ".staging-" + std::to_string(::getpid()));
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_, ec);
  if (ec) throw IoError(staging_.string() + ": cannot create: " + ec.message());
}

OutputDir::~OutputDir() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

fs::path OutputDir::path(std::string_view name) const {
  fs::path p = staging_ / name;
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  return p;
}

void OutputDir::commit() {
  std::error_code ec;
  fs::create_directories(final_, ec);
  if (ec) throw IoError(final_.string() + ": cannot create: " + ec.message());
  for (auto it = fs::recursive_directory_iterator(staging_); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path rel = fs::relative(it->path(), staging_);
    const fs::path dst = final_ / rel;
    if (it->is_directory()) {
      fs::create_directories(dst, ec);
    } else {
      fs::rename(it->path(), dst, ec);
      if (ec) throw IoError(dst.string() + ": cannot move into place: " + ec.message());
    }
  }
  fs::remove_all(staging_, ec);
  committed_ = true;
}

}  // namespace cs
