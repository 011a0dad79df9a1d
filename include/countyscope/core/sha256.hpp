// SHA-256 (FIPS 180-4) of bytes or of a file, as 64 lower-case hex digits: the checksums of output manifests.
//
// Example:
//   cs::sha256_hex("abc");  // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace cs {

// kAuto: the x86 SHA extensions (SHA-NI) when the CPU has them, else the portable code; the digests are
// equal (tests compare both paths on the published vectors and on long random input).
enum class Sha256Impl { kAuto, kPortable, kShaNi };
// Whether this CPU has the SHA extensions (checked once with CPUID).
[[nodiscard]] bool sha256_hardware_available();

class Sha256 {
 public:
  // kShaNi on a CPU without the extensions is an internal error (tests skip that case).
  explicit Sha256(Sha256Impl impl = Sha256Impl::kAuto);
  void update(const void* data, std::size_t n);
  // The digest as hex; the object must not be updated afterwards.
  [[nodiscard]] std::string hex();

 private:
  void blocks(const unsigned char* p, std::size_t n);  // n whole 64-byte blocks
  std::uint32_t h_[8];
  unsigned char buf_[64];
  std::size_t fill_ = 0;
  std::uint64_t bytes_ = 0;
  bool hw_ = false;
};

[[nodiscard]] std::string sha256_hex(std::string_view bytes);
// Hash and size of a file. Throws IoError naming the file.
struct FileDigest {
  std::string sha256;
  std::uint64_t size = 0;
};
[[nodiscard]] FileDigest sha256_file(const std::filesystem::path& path);
// Reads a file in 64 kB chunks, passing each to `chunk`; IoError naming the file if it cannot be opened or
// read.
void read_file_chunks(const std::filesystem::path& path,
                      const std::function<void(const unsigned char*, std::size_t)>& chunk);

}  // namespace cs
