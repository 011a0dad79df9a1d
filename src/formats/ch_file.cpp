// The CH index file (see formats/ch_file.hpp).
#include <cstdint>
#include <cstring>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/core/hash.hpp>
#include <countyscope/formats/ch_file.hpp>
#include <countyscope/io/output.hpp>

#include "binary.hpp"

namespace cs {
namespace {
constexpr char kMagic[8] = {'C', 'S', 'C', 'H', 'I', 'D', 'X', '\0'};
constexpr std::uint32_t kVersion = 1;
using formats_detail::put_array;
}  // namespace

void save_ch(const network::ContractionHierarchy& ch, const std::filesystem::path& path) {
  std::string out(kMagic, sizeof kMagic);
  out.append(reinterpret_cast<const char*>(&kVersion), 4);
  out.append(reinterpret_cast<const char*>(&ch.graph_checksum), 8);
  const std::uint64_t sc = ch.shortcuts;
  out.append(reinterpret_cast<const char*>(&sc), 8);
  put_array(out, ch.rank);
  put_array(out, ch.node_of_rank);
  put_array(out, ch.up_first);
  put_array(out, ch.up_head);
  put_array(out, ch.up_weight);
  put_array(out, ch.down_first);
  put_array(out, ch.down_head);
  put_array(out, ch.down_weight);
  const std::uint64_t h = fnv1a64(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&h), 8);
  write_file_atomic(path, out);
}

network::ContractionHierarchy load_ch(const std::filesystem::path& path, const network::RoadGraph* g) {
  const std::string file = path.string();
  const std::string buf = read_file(path);
  auto bad = [&](const std::string& m) { return InputError(file, "", "", m); };
  if (buf.size() < 36 || std::memcmp(buf.data(), kMagic, 8) != 0)
    throw bad("not a countyscope CH index (bad magic)");
  std::uint32_t version;
  std::memcpy(&version, buf.data() + 8, 4);
  if (version != kVersion)
    throw bad("CH index version " + std::to_string(version) + ", expected " + std::to_string(kVersion));
  std::uint64_t stored;
  std::memcpy(&stored, buf.data() + buf.size() - 8, 8);
  if (fnv1a64(buf.data(), buf.size() - 8) != stored)
    throw bad("checksum mismatch (the CH index is corrupt or truncated)");
  network::ContractionHierarchy ch;
  std::memcpy(&ch.graph_checksum, buf.data() + 12, 8);
  std::uint64_t sc;
  std::memcpy(&sc, buf.data() + 20, 8);
  ch.shortcuts = sc;
  const std::size_t end = buf.size() - 8;
  formats_detail::ArrayReader in{buf, 28, end, file, "CH index"};
  in.get(ch.rank, "rank");
  in.get(ch.node_of_rank, "node_of_rank");
  in.get(ch.up_first, "up_first");
  in.get(ch.up_head, "up_head");
  in.get(ch.up_weight, "up_weight");
  in.get(ch.down_first, "down_first");
  in.get(ch.down_head, "down_head");
  in.get(ch.down_weight, "down_weight");
  const std::size_t n = ch.rank.size();
  bool ok = in.pos == end && ch.node_of_rank.size() == n && ch.up_first.size() == n + 1 &&
            ch.down_first.size() == n + 1 && ch.up_first.front() == 0 && ch.down_first.front() == 0 &&
            ch.up_first.back() == ch.up_head.size() && ch.down_first.back() == ch.down_head.size() &&
            ch.up_weight.size() == ch.up_head.size() && ch.down_weight.size() == ch.down_head.size();
  for (std::size_t v = 0; ok && v < n; ++v) ok = ch.rank[v] < n && ch.node_of_rank[ch.rank[v]] == v;
  for (std::size_t r = 0; ok && r < n; ++r) {
    ok = ch.up_first[r] <= ch.up_first[r + 1] && ch.down_first[r] <= ch.down_first[r + 1];
    for (auto a = ch.up_first[r]; ok && a < ch.up_first[r + 1]; ++a)
      ok = ch.up_head[a] > r && ch.up_head[a] < n;
    for (auto a = ch.down_first[r]; ok && a < ch.down_first[r + 1]; ++a)
      ok = ch.down_head[a] > r && ch.down_head[a] < n;
  }
  if (!ok) throw bad("inconsistent CH index arrays");
  if (g && !ch.matches(*g)) throw bad("the CH index was built for another graph (rebuild it)");
  return ch;
}

}  // namespace cs
