#include "support.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace cs::fuzz {

namespace {
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    const char* t = std::getenv("TMPDIR");
    dir = std::filesystem::path(t && *t ? t : "/tmp") / ("countyscope-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};
}  // namespace

const std::filesystem::path& scratch() {
  static Scratch s;
  return s.dir;
}

std::string write_scratch(const std::string& name, std::string_view bytes) {
  const std::filesystem::path p = scratch() / name;
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) std::abort();  // the harness's own failure, not the engine's
  return p.string();
}

int close_leaked_fds(const std::string& path) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::error_code ec2;
    if (std::filesystem::read_symlink(e.path(), ec2) == std::filesystem::path(path)) {
      ::close(std::stoi(e.path().filename().string()));
      ++n;
    }
  }
  return n;
}

std::filesystem::path source_dir() { return CS_FUZZ_SOURCE_DIR; }

std::uint32_t Bytes::u32() {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
  return v;
}

double Bytes::f64() {
  std::uint64_t b = 0;
  for (int i = 0; i < 8; ++i) b = (b << 8) | byte();
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

double Bytes::number() {
  const std::uint8_t k = byte();
  switch (k % 8) {
    case 0:
      return f64();
    case 1:
      return -static_cast<double>(byte());
    default:
      return static_cast<double>(byte()) + static_cast<double>(byte()) / 256.0;
  }
}

}  // namespace cs::fuzz
