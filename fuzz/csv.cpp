// Target csv: io/csv's parser on any bytes (first byte: delimiter), every cell through number() and
// optional_number(), and two oracles: a number read back from format_number() is the same double, and a
// comma-separated table written by CsvWriter parses back to the same header and cells.
#include <cstdlib>

#include <countyscope/io/csv.hpp>

#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cs::fuzz::Bytes in(data, size);
  static constexpr char kDelims[] = {',', ';', '\t', '|'};
  const char delim = kDelims[in.byte() % 4];
  const std::string_view text = in.rest();
  cs::fuzz::expect_errors([&] {
    const cs::CsvTable t = cs::parse_csv(text, "fuzz.csv", delim);
    for (std::size_t r = 0; r < t.rows(); ++r) {
      if (t.cells[r].size() != t.header.size()) std::abort();
      (void)t.where(r);
      for (std::size_t c = 0; c < t.header.size(); ++c) {
        if (const auto v = cs::parse_double(t.text(r, c))) {
          const auto back = cs::parse_double(cs::format_number(*v));
          if (!back || *back != *v) std::abort();
        }
        cs::fuzz::expect_errors([&] { (void)t.optional_number(r, c); });
        cs::fuzz::expect_errors([&] { (void)t.number(r, c); });
      }
    }
    cs::fuzz::expect_errors([&] { (void)t.column("population"); });
    // Round trip through the writer (comma tables; a one-column table cannot tell an empty cell from a blank
    // line, and a leading byte-order mark is dropped by design).
    if (delim == ',' && t.header.size() > 1 && !t.header[0].starts_with("\xEF\xBB\xBF")) {
      cs::CsvWriter w(t.header);
      for (const auto& row : t.cells) {
        for (const auto& cell : row) w.cell(std::string_view(cell));
        w.end_row();
      }
      const cs::CsvTable u = cs::parse_csv(w.str(), "roundtrip.csv");
      if (u.header != t.header || u.cells != t.cells) std::abort();
    }
  });
  return 0;
}
