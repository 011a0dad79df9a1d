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

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t n);
  // The digest as hex; the object must not be updated afterwards.
  [[nodiscard]] std::string hex();

 private:
  void block(const unsigned char* p);
  std::uint32_t h_[8];
  unsigned char buf_[64];
  std::size_t fill_ = 0;
  std::uint64_t bytes_ = 0;
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
