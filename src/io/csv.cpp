#include <charconv>
#include <cmath>
#include <cstdio>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>

namespace cs {

std::optional<std::size_t> CsvTable::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

std::size_t CsvTable::column(std::string_view name) const {
  if (auto c = find_column(name)) return *c;
  std::string cols;
  for (std::size_t i = 0; i < header.size() && i < 40; ++i) cols.append(i ? ", " : "").append(header[i]);
  if (header.size() > 40) cols.append(", ...");
  throw InputError(file, "header", name, "missing column; columns are: " + cols);
}

std::optional<double> parse_double(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

double CsvTable::number(std::size_t row, std::size_t col) const {
  const std::string& s = cells[row][col];
  if (auto v = parse_double(s)) return *v;
  throw InputError(file, where(row), header[col], s.empty() ? "missing value" : "not a number: '" + s + "'");
}

double CsvTable::number(std::size_t row, std::size_t col, const Range& range) const {
  return check_range(number(row, col), range, file, where(row), header[col]);
}

std::optional<double> CsvTable::optional_number(std::size_t row, std::size_t col) const {
  const std::string& s = cells[row][col];
  if (s.empty() || s == "NA" || s == "null" || s == "NULL") return std::nullopt;
  return number(row, col);
}

std::optional<double> CsvTable::optional_number(std::size_t row, std::size_t col, const Range& range) const {
  auto v = optional_number(row, col);
  if (v) check_range(*v, range, file, where(row), header[col]);
  return v;
}

std::map<std::string, std::size_t> CsvTable::unique_index(std::size_t col) const {
  std::map<std::string, std::size_t> index;
  for (std::size_t r = 0; r < rows(); ++r) {
    const std::string& id = cells[r][col];
    if (id.empty()) throw InputError(file, where(r), header[col], "empty id");
    const auto [it, fresh] = index.emplace(id, r);
    if (!fresh)
      throw InputError(file, where(r), header[col],
                       "duplicate id '" + id + "' (also on line " + std::to_string(line[it->second]) + ")");
  }
  return index;
}

CsvTable parse_csv(std::string_view text, std::string file_label, char delim) {
  CsvTable t;
  t.file = std::move(file_label);
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
      static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);
  std::vector<std::string> fields;
  std::string field;
  std::size_t line = 1, row_line = 1;
  bool in_quotes = false, any = false, header_done = false;
  auto end_row = [&] {
    fields.push_back(std::move(field));
    field.clear();
    if (!header_done) {
      t.header = std::move(fields);
      header_done = true;
    } else if (!(fields.size() == 1 && fields[0].empty())) {
      if (fields.size() != t.header.size())
        throw InputError(t.file, "line " + std::to_string(row_line), "",
                         "expected " + std::to_string(t.header.size()) + " fields, found " + std::to_string(fields.size()));
      t.cells.push_back(std::move(fields));
      t.line.push_back(row_line);
    }
    fields.clear();
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') { field.push_back('"'); ++i; }
        else in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty()) { in_quotes = true; any = true; }
    else if (c == delim) { fields.push_back(std::move(field)); field.clear(); any = true; }
    else if (c == '\r') {}
    else if (c == '\n') { end_row(); ++line; row_line = line; }
    else { field.push_back(c); any = true; }
  }
  if (in_quotes) throw InputError(t.file, "line " + std::to_string(row_line), "", "unterminated quoted field");
  if (any || !field.empty() || !fields.empty()) end_row();
  if (!header_done || (t.header.size() == 1 && t.header[0].empty())) throw InputError(t.file, "", "", "empty file (no header row)");
  for (std::size_t i = 0; i < t.header.size(); ++i) {
    if (t.header[i].empty()) continue;  // an unnamed column (e.g. a pandas index) is never looked up
    for (std::size_t j = 0; j < i; ++j)
      if (t.header[j] == t.header[i])
        throw InputError(
            t.file, "header", t.header[i],
            "duplicate column (positions " + std::to_string(j + 1) + " and " + std::to_string(i + 1) + ")");
  }
  return t;
}

CsvTable read_csv(const std::string& path, char delim) { return parse_csv(read_file(path), path, delim); }

std::string format_number(double x) {
  if (!std::isfinite(x)) return {};
  if (x == 0) return "0";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, p);
}

CsvWriter::CsvWriter(const std::vector<std::string>& header) {
  for (const auto& h : header) cell(std::string_view(h));
  end_row();
}
void CsvWriter::sep() {
  if (!first_) out_.push_back(',');
  first_ = false;
}
CsvWriter& CsvWriter::cell(std::string_view s) {
  sep();
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out_.append(s);
  } else {
    out_.push_back('"');
    for (char c : s) {
      if (c == '"') out_.push_back('"');
      out_.push_back(c);
    }
    out_.push_back('"');
  }
  return *this;
}
CsvWriter& CsvWriter::cell(double x) { sep(); out_.append(format_number(x)); return *this; }
CsvWriter& CsvWriter::cell(long long x) { sep(); out_.append(std::to_string(x)); return *this; }
CsvWriter& CsvWriter::null() { sep(); return *this; }
void CsvWriter::end_row() { out_.push_back('\n'); first_ = true; }

}  // namespace cs
