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
      if (block_ > 1) string_tables(blob_data(blob, block));
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

  // Every string-table entry of a PrimitiveBlock: no NUL byte inside (libosmium stores them NUL-terminated).
  void string_tables(protozero::data_view data) const {
    try {
      protozero::pbf_reader block(data);
      while (block.next()) {
        if (block.tag() != 1 || block.wire_type() != protozero::pbf_wire_type::length_delimited) {
          block.skip();
          continue;
        }
        protozero::pbf_reader table(block.get_view());
        std::size_t index = 0;
        while (table.next(1, protozero::pbf_wire_type::length_delimited)) {
          const protozero::data_view s = table.get_view();
          if (std::memchr(s.data(), '\0', s.size()) != nullptr)
            fail("string table entry " + std::to_string(index) + " contains a NUL byte");
          ++index;
        }
      }
    } catch (const protozero::exception& e) {
      fail(std::string("malformed data block (") + e.what() + ")");
    }
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
