// FNV-1a 64-bit hash over bytes: the checksum of the graph and CH index files and of a graph's topology.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cs {

inline std::uint64_t fnv1a64(const void* data, std::size_t size,
                             std::uint64_t h = 0xcbf29ce484222325ULL) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace cs
