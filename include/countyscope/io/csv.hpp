// Reading and writing CSV with errors that name file, line and field.
//
// Example:
//   cs::CsvTable t = cs::read_csv("villages.csv");
//   const std::size_t pop = t.column("population");          // InputError lists the columns if missing
//   for (std::size_t r = 0; r < t.rows(); ++r) double p = t.number(r, pop);   // "villages.csv: line 7, field ..."
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

struct Range;

class CsvTable {
 public:
  std::string file;                             // as given, for messages
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells;  // data rows
  std::vector<std::size_t> line;                // 1-based line number of each data row in the file

  [[nodiscard]] std::size_t rows() const noexcept { return cells.size(); }
  [[nodiscard]] std::optional<std::size_t> find_column(std::string_view name) const;
  // Throws InputError "FILE: header, field 'NAME': missing column; columns are: a, b, c".
  [[nodiscard]] std::size_t column(std::string_view name) const;
  [[nodiscard]] const std::string& text(std::size_t row, std::size_t col) const { return cells[row][col]; }
  // Strict parse of a finite number; throws InputError naming line and field. Empty cells are errors here.
  [[nodiscard]] double number(std::size_t row, std::size_t col) const;
  // As number(), also checked against a documented range (core/limits.hpp): "expected a population in ...".
  [[nodiscard]] double number(std::size_t row, std::size_t col, const Range& range) const;
  // As number(), but an empty cell (or NA, null) gives std::nullopt: a missing value where the column allows
  // one. NaN and inf are errors like any other text that is not a finite number.
  [[nodiscard]] std::optional<double> optional_number(std::size_t row, std::size_t col) const;
  [[nodiscard]] std::optional<double> optional_number(std::size_t row, std::size_t col,
                                                      const Range& range) const;
  // Row of each value of the column; an empty value or one seen before throws InputError naming both lines:
  // "FILE: line 9, field 'id': duplicate id 'a' (also on line 4)".
  [[nodiscard]] std::map<std::string, std::size_t> unique_index(std::size_t col) const;
  [[nodiscard]] std::string where(std::size_t row) const { return "line " + std::to_string(line[row]); }
};

// Parses RFC-4180 CSV (quotes, doubled quotes, CRLF, UTF-8 BOM). Throws IoError if unreadable, InputError if
// empty, a header name is repeated ("header, field 'id': duplicate column (positions 1 and 3)") or a row has
// the wrong number of fields.
CsvTable read_csv(const std::string& path, char delimiter = ',');
CsvTable parse_csv(std::string_view text, std::string file_label, char delimiter = ',');

// Parses a whole string as a finite double (no trailing junk). std::nullopt on failure.
std::optional<double> parse_double(std::string_view s);

// Shortest text that reads back to the same double; "" for NaN/inf (no sentinels in files). Deterministic.
std::string format_number(double x);

// Builds CSV text: quoting only when needed, numbers via format_number.
class CsvWriter {
 public:
  explicit CsvWriter(const std::vector<std::string>& header);
  CsvWriter& cell(std::string_view s);
  CsvWriter& cell(double x);
  CsvWriter& cell(long long x);
  CsvWriter& cell(int x) { return cell(static_cast<long long>(x)); }
  CsvWriter& cell(unsigned x) { return cell(static_cast<long long>(x)); }
  CsvWriter& cell(std::size_t x) { return cell(static_cast<long long>(x)); }
  CsvWriter& null();
  void end_row();
  [[nodiscard]] const std::string& str() const noexcept { return out_; }

 private:
  void sep();
  std::string out_;
  bool first_ = true;
};

}  // namespace cs
