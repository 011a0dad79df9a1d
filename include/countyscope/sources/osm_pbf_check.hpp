// A check of an OSM PBF file's structure before libosmium decodes it (docs/reliability.md, "Fuzzing").
//
// libosmium 2.19 (Debian 12) trusts two things a crafted or corrupt PBF can break:
//   - a string-table entry is copied into an object's tag list as a NUL-terminated string; an entry that
//   itself
//     contains a NUL byte splits into more strings than the tag list's size accounts for, and iterating the
//     tags (TagList::find_key, the multipolygon filter, our tag lookups) then runs past the end of the
//     buffer;
//   - a BlobHeader without a type is compared with strncmp(expected, nullptr, 0);
//   - delta-coded ids and coordinates are summed, and coordinates scaled (c * granularity + offset), in
//     int64_t without an overflow check (undefined behaviour on a crafted file).
// check_osm_pbf reads the file's framing (every BlobHeader and Blob), inflates every OSMData block and
// refuses these, and everything else libosmium would refuse at the same level (sizes beyond its limits, a
// compression it cannot read, a truncated file), with one line naming the file, the block and what is wrong.
// A file that passes is decoded by libosmium as before.
//
// Example:
//   cs::check_osm_pbf("county.osm.pbf");  // throws cs::InputError for a malformed file
#pragma once

#include <exception>
#include <string>

namespace cs {

// Throws InputError (malformed file) or IoError (unreadable). Only for files libosmium reads as PBF
// (is_osm_pbf_path).
void check_osm_pbf(const std::string& path);

// True when libosmium reads `path` as PBF (by its name: .pbf, .osm.pbf).
bool is_osm_pbf_path(const std::string& path);

// What every reader of an OSM file (network, county) checks first, in the same words for every command:
// the file exists, is not a folder, is not empty, and a PBF passes check_osm_pbf. Throws IoError/InputError.
void check_osm_file(const std::string& path);

// A file libosmium read without finding one OSM object (an empty <osm> element, a PBF with a header only).
[[noreturn]] void throw_no_osm_objects(const std::string& path);

// A libosmium exception while reading `path`, as one InputError line (unknown format, or corrupt data).
[[noreturn]] void rethrow_osm_error(const std::string& path, const std::exception& e);

}  // namespace cs
