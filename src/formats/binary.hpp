// Private to formats/: the array layout both binary files share (a uint64 element count, then the raw
// elements in host byte order) and a bounds-checked reader for it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <countyscope/core/error.hpp>

namespace cs::formats_detail {

template <class T>
void put_array(std::string& out, const std::vector<T>& v) {
  const std::uint64_t n = v.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  if (n) out.append(reinterpret_cast<const char*>(v.data()), n * sizeof(T));
}

// Reads arrays from buf[pos, end); a short count or array throws InputError naming the file, the kind of
// file ("CH index", "graph file") and the array.
struct ArrayReader {
  const std::string& buf;
  std::size_t pos;
  std::size_t end;
  std::string file;
  const char* kind;

  template <class T>
  void get(std::vector<T>& v, const char* what) {
    std::uint64_t n;
    if (end - pos < sizeof n) truncated(what);
    std::memcpy(&n, buf.data() + pos, sizeof n);
    pos += sizeof n;
    if (n > (end - pos) / sizeof(T)) truncated(what);
    v.resize(n);
    if (n) std::memcpy(v.data(), buf.data() + pos, n * sizeof(T));
    pos += n * sizeof(T);
  }
  [[noreturn]] void truncated(const char* what) const {
    throw InputError(file, "", "", std::string("truncated ") + kind + " (array " + what + ")");
  }
};

}  // namespace cs::formats_detail
