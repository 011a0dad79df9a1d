// Memory limits: every large allocation (travel-time matrices, OD designs, MIP models) is estimated first and
// refused beyond the run's limit, with the size needed and the option that changes the limit, instead of
// ending in an out-of-memory failure part-way.
//
// Example:
//   cs::check_memory(ctx, cs::bytes_for<float>(rows, cols), "travel-time matrix of 1000 x 200000 pairs");
//   // throws ResourceError "travel-time matrix of 1000 x 200000 pairs needs 800 MB, more than the memory
//   //   limit of 512 MB (--max-memory; the default is 75 % of physical memory)"
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <countyscope/core/context.hpp>

namespace cs {

// Physical memory of this machine in bytes (sysconf(_SC_PHYS_PAGES) * page size; 0 if unknown).
[[nodiscard]] std::uint64_t physical_memory_bytes();
// The default limit: 75 % of physical memory (no limit if the machine does not say).
inline constexpr double kDefaultMemoryShare = 0.75;
[[nodiscard]] std::uint64_t default_memory_limit();
// The limit in force for a run: ctx.max_memory if set, else the default.
[[nodiscard]] std::uint64_t memory_limit(const Context& ctx);

// a * b * c saturating at UINT64_MAX (sizes from user data must not wrap around).
[[nodiscard]] std::uint64_t mul_sat(std::uint64_t a, std::uint64_t b);
[[nodiscard]] std::uint64_t add_sat(std::uint64_t a, std::uint64_t b);
template <class T>
[[nodiscard]] std::uint64_t bytes_for(std::uint64_t rows, std::uint64_t cols = 1) {
  return mul_sat(mul_sat(rows, cols), sizeof(T));
}

// Throws ResourceError when `bytes` exceeds the run's memory limit; `what` names the allocation as a user
// would ("OD design of 100000 x 100000 place pairs"), `hint` says how to make the problem smaller.
void check_memory(const Context& ctx, std::uint64_t bytes, std::string_view what, std::string_view hint = {});

// check_memory for a travel-time matrix of rows x cols points (4 bytes a pair).
void check_matrix_memory(const Context& ctx, std::uint64_t rows, std::uint64_t cols);

// "1.5 GB", "800 MB", "12 kB" (powers of 1000, as a user reads them).
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);
// Parses a --max-memory value: a size with an optional unit (B, K/KB, M/MB, G/GB, T/TB; powers of 1000,
// KiB/MiB/ GiB/TiB powers of 1024) or a share of physical memory ("50%"). Returns nullopt when malformed.
[[nodiscard]] std::optional<std::uint64_t> parse_memory_size(std::string_view text);

}  // namespace cs
