// OSM PBF structure check before libosmium decodes a file (see the header). The limits and the order in which
// a Blob's fields are read mirror libosmium 2.19's pbf_input_format.hpp / pbf_decoder.hpp, so a file
// libosmium reads correctly is never refused.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <protozero/exception.hpp>
#include <protozero/pbf_reader.hpp>
#include <string>
#include <zlib.h>

#include <osmium/io/file.hpp>

#include <countyscope/core/error.hpp>
#include <countyscope/sources/osm_pbf_check.hpp>

namespace cs {

namespace {

constexpr std::uint32_t kMaxBlobHeaderSize = 64U * 1024U;  // libosmium max_blob_header_size
constexpr std::uint32_t kMaxUncompressedBlobSize =
    32U * 1024U * 1024U;  // libosmium max_uncompressed_blob_size

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

class PbfChecker {
 public:
  explicit PbfChecker(const std::string& path) : path_(path) {}

  void run() {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path_.c_str(), "rb"));
    if (!f) throw IoError(path_ + ": cannot open: " + std::strerror(errno));
    f_ = f.get();
    std::string header, blob, block;
    for (block_ = 1;; ++block_) {
      offset_ = static_cast<long long>(std::ftell(f_));
      unsigned char len4[4];
      const std::size_t got = std::fread(len4, 1, 4, f_);
      if (got == 0 && std::feof(f_)) break;  // end of file between blocks
      if (got != 4) fail_read("the size of the block header");
      const std::uint32_t header_size = (std::uint32_t{len4[0]} << 24U) | (std::uint32_t{len4[1]} << 16U) |
                                        (std::uint32_t{len4[2]} << 8U) | std::uint32_t{len4[3]};
      if (header_size == 0) {  // libosmium reads a zero size as the end of the file
        if (block_ == 1) fail("no OSMHeader block");
        break;
      }
      if (header_size > kMaxBlobHeaderSize)
        fail("block header of " + std::to_string(header_size) + " bytes (at most 65536)");
      read_exactly(header, header_size, "the block header");
      const char* expected = block_ == 1 ? "OSMHeader" : "OSMData";
      const std::uint32_t data_size = blob_header(header, expected);
      read_exactly(blob, data_size, "the block");
      if (block_ > 1) data_block(blob_data(blob, block));
    }
    if (block_ == 1) fail("no OSMHeader block");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path_, "", "",
                     "not a readable OSM file: PBF error: block " + std::to_string(block_) + " (at byte " +
                         std::to_string(offset_) + "): " + what);
  }

  void fail_read(const std::string& what) const {
    if (std::ferror(f_)) throw IoError(path_ + ": cannot read: " + std::strerror(errno));
    fail("the file ends inside " + what + " (truncated?)");
  }

  void read_exactly(std::string& buf, std::uint32_t n, const std::string& what) {
    buf.resize(n);
    if (std::fread(buf.data(), 1, n, f_) != n) fail_read(what);
  }

  // Returns the Blob's size; refuses what decode_blob_header would refuse, and a missing or different type.
  std::uint32_t blob_header(const std::string& header, const char* expected) const {
    bool has_type = false;
    std::string type;
    std::int64_t data_size = 0;
    try {
      protozero::pbf_reader msg(header.data(), header.size());
      while (msg.next()) {
        if (msg.tag() == 1 && msg.wire_type() == protozero::pbf_wire_type::length_delimited) {
          has_type = true;
          type = msg.get_string();
        } else if (msg.tag() == 3 && msg.wire_type() == protozero::pbf_wire_type::varint) {
          data_size = msg.get_int32();
        } else {
          msg.skip();
        }
      }
    } catch (const protozero::exception& e) {
      fail(std::string("malformed block header (") + e.what() + ")");
    }
    if (!has_type) fail(std::string("block header without a type (expected '") + expected + "')");
    if (type != expected) fail("block of type '" + printable(type) + "', expected '" + expected + "'");
    if (data_size <= 0) fail("block header without a data size");
    if (data_size > kMaxUncompressedBlobSize)
      fail("block of " + std::to_string(data_size) + " bytes (at most 33554432)");
    return static_cast<std::uint32_t>(data_size);
  }

  // The block's bytes as libosmium's decode_blob reads them (raw, or zlib inflated to raw_size).
  protozero::data_view blob_data(const std::string& blob, std::string& out) const {
    std::int32_t raw_size = 0;
    protozero::data_view zlib;
    bool has_zlib = false;
    try {
      protozero::pbf_reader msg(blob.data(), blob.size());
      while (msg.next()) {
        const auto wt = msg.wire_type();
        switch (msg.tag()) {
          case 1:  // raw: used as it is, as soon as it is seen
            if (wt != protozero::pbf_wire_type::length_delimited) fail("malformed block (field 'raw')");
            return msg.get_view();
          case 2:  // raw_size
            if (wt != protozero::pbf_wire_type::varint) fail("malformed block (field 'raw_size')");
            raw_size = msg.get_int32();
            if (raw_size <= 0 || static_cast<std::uint32_t>(raw_size) > kMaxUncompressedBlobSize)
              fail("uncompressed size " + std::to_string(raw_size) + " out of range (1 to 33554432 bytes)");
            break;
          case 3:  // zlib_data
            if (wt != protozero::pbf_wire_type::length_delimited) fail("malformed block (field 'zlib_data')");
            zlib = msg.get_view();
            has_zlib = true;
            break;
          case 4:
            fail("lzma-compressed blocks are not supported");
          case 6:
            fail("lz4-compressed blocks are not supported");
          case 7:
            fail("zstd-compressed blocks are not supported");
          default:
            fail("unknown compression (field " + std::to_string(msg.tag()) + ")");
        }
      }
    } catch (const protozero::exception& e) {
      fail(std::string("malformed block (") + e.what() + ")");
    }
    if (!has_zlib || zlib.empty() || raw_size == 0) fail("block without data");
    out.assign(static_cast<std::size_t>(raw_size), '\0');
    uLongf n = static_cast<uLongf>(raw_size);
    const int rc = ::uncompress(reinterpret_cast<Bytef*>(out.data()), &n,
                                reinterpret_cast<const Bytef*>(zlib.data()), static_cast<uLong>(zlib.size()));
    if (rc != Z_OK) fail(std::string("cannot inflate the block: ") + zError(rc));
    return {out.data(), out.size()};
  }

  // An OSMData block: every string-table entry without a NUL byte (libosmium stores them NUL-terminated), and
  // every coordinate and delta-coded id computable in 64 bits (libosmium sums deltas and scales coordinates,
  // c * granularity + offset, in int64_t without a check: an overflow there is undefined behaviour).
  void data_block(protozero::data_view data) const {
    using protozero::pbf_wire_type;
    try {
      std::int64_t granularity = 100, lat_offset = 0, lon_offset = 0;  // the last value wins, as in libosmium
      {
        protozero::pbf_reader block(data);
        while (block.next()) {
          if (block.tag() == 1 && block.wire_type() == pbf_wire_type::length_delimited) {
            string_table(block.get_view());
          } else if (block.tag() == 17 && block.wire_type() == pbf_wire_type::varint) {
            granularity = block.get_int32();
          } else if (block.tag() == 19 && block.wire_type() == pbf_wire_type::varint) {
            lat_offset = block.get_int64();
          } else if (block.tag() == 20 && block.wire_type() == pbf_wire_type::varint) {
            lon_offset = block.get_int64();
          } else {
            block.skip();
          }
        }
      }
      entities(data, Scale{granularity, lat_offset}, Scale{granularity, lon_offset});
    } catch (const protozero::exception& e) {
      fail(std::string("malformed data block (") + e.what() + ")");
    }
  }

  struct Scale {
    std::int64_t granularity, offset;
  };

  // The block's nodes, ways and relations. Malformed protobuf inside them is left to libosmium, which reports
  // it when it decodes them (a reader of ways only skips the nodes, so a bad node must not hide a way);
  // only what libosmium would compute with undefined behaviour is refused here.
  void entities(protozero::data_view data, const Scale& lat, const Scale& lon) const {
    using protozero::pbf_wire_type;
    try {
      protozero::pbf_reader block(data);
      while (block.next(2, pbf_wire_type::length_delimited)) {
        protozero::pbf_reader group(block.get_view());
        while (group.next()) {
          if (group.wire_type() != pbf_wire_type::length_delimited) {
            group.skip();
            continue;
          }
          const std::uint32_t tag = group.tag();
          const protozero::data_view m = group.get_view();
          try {
            if (tag == 1) node(m, lat, lon);
            if (tag == 2) dense_nodes(m, lat, lon);
            if (tag == 3) way(m, lat, lon);
            if (tag == 4) relation(m);
          } catch (const protozero::exception&) {  // this entity: libosmium's to report
          }
        }
      }
    } catch (const protozero::exception&) {  // the block's framing: libosmium's to report
    }
  }

  void string_table(protozero::data_view data) const {
    protozero::pbf_reader table(data);
    std::size_t index = 0;
    while (table.next(1, protozero::pbf_wire_type::length_delimited)) {
      const protozero::data_view s = table.get_view();
      if (std::memchr(s.data(), '\0', s.size()) != nullptr)
        fail("string table entry " + std::to_string(index) + " contains a NUL byte");
      ++index;
    }
  }

  // A coordinate as libosmium converts it: c * granularity + offset must not overflow.
  void coordinate(std::int64_t c, const Scale& s, const char* what) const {
    std::int64_t t = 0;
    if (__builtin_mul_overflow(c, s.granularity, &t) || __builtin_add_overflow(t, s.offset, &t))
      fail(std::string(what) + " " + std::to_string(c) + " out of range (granularity " +
           std::to_string(s.granularity) + ", offset " + std::to_string(s.offset) + ")");
  }

  // A delta-coded value's running sum.
  void add_delta(std::int64_t& sum, std::int64_t delta, const char* what) const {
    if (__builtin_add_overflow(sum, delta, &sum)) fail(std::string("delta-coded ") + what + " out of range");
  }

  void node(protozero::data_view data, const Scale& lat, const Scale& lon) const {
    protozero::pbf_reader n(data);
    while (n.next()) {
      if (n.tag() == 8 && n.wire_type() == protozero::pbf_wire_type::varint)
        coordinate(n.get_sint64(), lat, "node latitude");
      else if (n.tag() == 9 && n.wire_type() == protozero::pbf_wire_type::varint)
        coordinate(n.get_sint64(), lon, "node longitude");
      else
        n.skip();
    }
  }

  // Packed sint64 fields of one message, by tag (the last of each wins, as in libosmium).
  static void packed_fields(
      protozero::data_view data, std::uint32_t (&tags)[3],
      protozero::iterator_range<protozero::const_svarint_iterator<std::int64_t>> (&out)[3]) {
    protozero::pbf_reader m(data);
    while (m.next()) {
      bool used = false;
      for (int i = 0; i < 3; ++i) {
        if (m.tag() == tags[i] && m.wire_type() == protozero::pbf_wire_type::length_delimited) {
          out[i] = m.get_packed_sint64();
          used = true;
          break;
        }
      }
      if (!used) m.skip();
    }
  }

  void dense_nodes(protozero::data_view data, const Scale& lat, const Scale& lon) const {
    std::uint32_t tags[3] = {1, 8, 9};  // id, lat, lon
    protozero::iterator_range<protozero::const_svarint_iterator<std::int64_t>> f[3];
    packed_fields(data, tags, f);
    std::int64_t id = 0, la = 0, lo = 0;
    // In step, as libosmium decodes them (it stops with an error when latitudes or longitudes run out).
    for (auto i = f[0].begin(), a = f[1].begin(), o = f[2].begin();
         i != f[0].end() && a != f[1].end() && o != f[2].end(); ++i, ++a, ++o) {
      add_delta(id, *i, "node id");
      add_delta(lo, *o, "node longitude");
      add_delta(la, *a, "node latitude");
      coordinate(lo, lon, "node longitude");
      coordinate(la, lat, "node latitude");
    }
  }

  void way(protozero::data_view data, const Scale& lat, const Scale& lon) const {
    std::uint32_t tags[3] = {8, 9, 10};  // refs, lat, lon
    protozero::iterator_range<protozero::const_svarint_iterator<std::int64_t>> f[3];
    packed_fields(data, tags, f);
    std::int64_t ref = 0, la = 0, lo = 0;
    if (f[1].empty()) {
      for (const std::int64_t d : f[0]) add_delta(ref, d, "way node id");
      return;
    }
    for (auto r = f[0].begin(), a = f[1].begin(), o = f[2].begin();
         r != f[0].end() && a != f[1].end() && o != f[2].end(); ++r, ++a, ++o) {
      add_delta(ref, *r, "way node id");
      add_delta(lo, *o, "way node longitude");
      add_delta(la, *a, "way node latitude");
      coordinate(lo, lon, "way node longitude");
      coordinate(la, lat, "way node latitude");
    }
  }

  void relation(protozero::data_view data) const {
    std::uint32_t tags[3] = {9, 0, 0};  // memids
    protozero::iterator_range<protozero::const_svarint_iterator<std::int64_t>> f[3];
    packed_fields(data, tags, f);
    std::int64_t ref = 0;
    for (const std::int64_t d : f[0]) add_delta(ref, d, "relation member id");
  }

  static std::string printable(const std::string& s) {
    std::string r;
    for (char ch : s.substr(0, 40)) r += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
    return r;
  }

  const std::string path_;
  std::FILE* f_ = nullptr;
  std::size_t block_ = 0;
  long long offset_ = 0;  // of the block being checked (for messages)
};

}  // namespace

bool is_osm_pbf_path(const std::string& path) {
  try {
    return osmium::io::File(path).format() == osmium::io::file_format::pbf;
  } catch (const std::exception&) {
    return false;
  }
}

void check_osm_pbf(const std::string& path) { PbfChecker(path).run(); }

void check_osm_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (!fs::exists(st)) throw IoError(path + ": cannot open: " + std::strerror(ENOENT));
  if (fs::is_directory(st)) throw IoError(path + ": is a folder, expected an OSM file");
  if (fs::file_size(path, ec) == 0 && !ec)
    throw InputError(path, "", "", "empty file, expected OSM data (.osm.pbf or .osm)");
  if (is_osm_pbf_path(path)) check_osm_pbf(path);  // before libosmium decodes it
}

void throw_no_osm_objects(const std::string& path) {
  throw InputError(path, "", "", "no OSM objects in the file (not OSM data, or empty)");
}

void rethrow_osm_error(const std::string& path, const std::exception& e) {
  const std::string what = e.what();
  if (what.find("Could not detect file format") != std::string::npos || what.find("format") == 0)
    throw InputError(path, "", "",
                     "not an OSM file: could not detect its format from the name (expected .osm.pbf, .pbf, "
                     ".osm, .osm.gz or .osm.bz2)");
  throw InputError(path, "", "", "not a readable OSM file (truncated or corrupt?): " + what);
}

}  // namespace cs
