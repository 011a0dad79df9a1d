// Shared helpers of the fuzz targets (fuzz/README.md). A target turns bytes into one input of the engine,
// runs the code a user's file reaches, and lets anything but cs::Error escape: a crash, a sanitizer report,
// or an exception of another type (std::bad_alloc, std::out_of_range, ...) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/error.hpp>

namespace cs::fuzz {

// This process's scratch directory (created on first use, removed at exit).
const std::filesystem::path& scratch();
// Writes bytes to scratch()/name and returns the path.
std::string write_scratch(const std::string& name, std::string_view bytes);
// Closes descriptors still open on `path` and returns how many there were. libosmium 2.18's Reader keeps the
// file open after a PBF parse error (one descriptor per failed read; docs/reliability.md, open findings);
// without this a long fuzz run ends at the descriptor limit.
int close_leaked_fds(const std::string& path);
// The source tree (fixtures, report assets).
std::filesystem::path source_dir();

// Runs f; a cs::Error (bad input, reported to the user as one line) is the expected outcome of most inputs.
template <class F>
void expect_errors(F&& f) {
  try {
    f();
  } catch (const cs::Error&) {
  }
}

// Reads little pieces of the input in order (numbers and lengths for the argument targets).
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  [[nodiscard]] bool empty() const noexcept { return n_ == 0; }
  std::uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  std::uint32_t u32();
  double f64();  // raw bits: NaN, inf, denormals and huge values included
  // Mostly small "ordinary" values, sometimes raw bits.
  double number();
  std::string_view rest() {
    std::string_view s(reinterpret_cast<const char*>(p_), n_);
    p_ += n_;
    n_ = 0;
    return s;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

}  // namespace cs::fuzz
