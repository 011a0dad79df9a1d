#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/core/toml_text.hpp>

namespace cs {

std::string format_input_message(std::string_view file, std::string_view where, std::string_view field,
                                 std::string_view message) {
  std::string s;
  if (!file.empty()) s.append(file).append(": ");
  if (!where.empty()) s.append(where);
  if (!field.empty()) {
    if (!where.empty()) s.append(", ");
    s.append("field '").append(field).append("'");
  }
  if (!where.empty() || !field.empty()) s.append(": ");
  s.append(message);
  return s;
}

UsageError unknown_value(std::string_view what, std::string_view value,
                         const std::vector<std::string>& valid) {
  std::string s = "unknown ";
  s.append(what).append(" '").append(value).append("'; expected one of: ");
  for (std::size_t i = 0; i < valid.size(); ++i) {
    if (i) s.append(", ");
    s.append(valid[i]);
  }
  return UsageError(s);
}

void throw_if_problems(const std::vector<Problem>& problems, std::string_view where) {
  if (problems.empty()) return;
  std::string s;
  if (!where.empty()) s.append(where).append(": ");
  s.append("option '").append(problems.front().option).append("': ").append(problems.front().message);
  if (problems.size() > 1)
    s.append(" (and ").append(std::to_string(problems.size() - 1)).append(" more problems)");
  throw UsageError(s);
}

namespace {

bool bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// toml++ 3.3 reads a value of ten digits and dashes with dashes at 4 and 7 (a date), a space and one digit as
// a possible date-time, and scans on after that digit with `TOML_ASSERT_ASSUME(!is_value_terminator(*cp))`: a
// space, tab, line end, ',', ']', '}' or '#' there (`d = 1979-05-05 5 x`, `[1979-05-05 5]`) breaks the
// assumption. True when the value starting at text[i] is such a date, space, digit and terminator.
bool date_space_digit_terminator(std::string_view text, std::size_t i) {
  std::string chars;  // the value's characters as toml++ keeps them (underscores dropped)
  std::size_t j = i;
  for (; j < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == '_');
       ++j)
    if (text[j] != '_') chars.push_back(text[j]);
  if (chars.size() != 10 || chars[4] != '-' || chars[7] != '-') return false;
  if (j + 2 >= text.size() || text[j] != ' ' || !std::isdigit(static_cast<unsigned char>(text[j + 1])))
    return false;
  return std::string_view(" \t\n\v\f\r,]}#").find(text[j + 2]) != std::string_view::npos;
}

// A table header `[name]` or `[[name]]` at text[i]: toml++ 3.3 asserts (a debug build aborts, a release build
// assumes) that the name starts with a bare-key character or a quote, without checking it (parse_table_header
// calls parse_key; found by fuzz/toml with `[:`). An empty header `[]` and the end of the text it reports
// itself.
template <class Fail>
void check_table_header(std::string_view text, std::size_t i, const Fail& fail) {
  std::size_t j = i + 1;
  auto blanks = [&] {
    const std::size_t from = j;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    return j > from;
  };
  bool array = false;
  if (blanks() && j < text.size() && text[j] == '[') return;  // `[ [`: toml++ reports it
  if (j < text.size() && text[j] == '[') {
    array = true;
    ++j;
    blanks();
  }
  if (j >= text.size()) return;
  const char c = text[j];
  if (bare_key_char(c) || c == '"' || c == '\'' || c == ']') return;
  std::string got;
  if (c == '\n' || c == '\r')
    got = "the end of the line";
  else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
    got = "a byte 0x" + std::string(1, "0123456789abcdef"[(static_cast<unsigned char>(c) >> 4) & 15]) +
          std::string(1, "0123456789abcdef"[static_cast<unsigned char>(c) & 15]);
  else
    got = std::string("'") + c + "'";
  fail(std::string("a table header needs a name after '") + (array ? "[[" : "[") +
       "' (letters, digits, '_' or '-', or a quoted name), got " + got);
}

}  // namespace

void check_toml_text(std::string_view text, std::string_view file) {
  enum class St { kNormal, kComment, kBasic, kLiteral, kMlBasic, kMlLiteral } st = St::kNormal;
  std::size_t line = 1;
  auto fail = [&](std::string_view what) {
    throw InputError(file, "line " + std::to_string(line), "", std::string(what));
  };
  // toml++ 3.3 reaches TOML_UNREACHABLE (undefined behaviour) in is_non_ascii_horizontal_whitespace for the
  // code points U+FB96..U+FEFE (its lookup table's last block): refuse them before it sees the text.
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if (text[i] == '\n') ++line;
    if (static_cast<unsigned char>(text[i]) != 0xEF) continue;
    const auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) continue;
    const unsigned cp = (0xFu << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
    if (cp >= 0xFB96 && cp <= 0xFEFE) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%04X", cp);
      fail(std::string("character U+") + hex +
           " (Arabic presentation or CJK compatibility form) is not supported in TOML files; use its plain "
           "form");
    }
  }
  line = 1;
  auto run = [&](std::size_t i, char q) {  // quotes at i
    std::size_t n = 0;
    while (i + n < text.size() && text[i + n] == q) ++n;
    return n;
  };
  // A quote opens a string only where one can start (a key or a value): after a line start, '=', '[', ',',
  // '{' or '.'. Elsewhere (e.g. `x = -"...`) toml++ scans it as part of a bare value, so it opens nothing
  // here.
  char last = '\n';  // the last character outside strings that is not a space or tab
  // Brackets and braces open outside strings: a '[' at a line start with none open is a table header (else it
  // is an array value continued on a new line).
  // toml++ 3.3's parse_array calls parse_value on a '}' where a value or ']' is due (`a = [}`, `[1, }`),
  // which asserts `!is_value_terminator(*cp)` (an assumption, i.e. undefined behaviour, in release builds;
  // found by the ASan build's replay of the fuzz corpus): a '}' whose innermost open bracket is '[' is
  // refused here.
  std::string open;  // the brackets and braces open here, innermost last ('h' for a table header's)
  // A bare value (one that starts with neither a quote nor a bracket, e.g. `x = -"a=\"\"\"..."`) runs, as
  // toml++ scans it, to the next space, line end, ',', ']', '}' or '#': nothing inside it opens a string, and
  // a non-ASCII character there reaches toml++'s Unicode whitespace test (found by fuzz/toml with a '=' and
  // '"""' inside such a value, which opened a string here).
  bool bare = false;
  auto value_position = [&] {
    return last == '=' ||
           ((last == '[' || last == ',' || last == '\n') && !open.empty() && open.back() == '[');
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    switch (st) {
      case St::kNormal:
        if (bare) {
          if (std::string_view(" \t\n\v\f\r,]}#").find(c) == std::string_view::npos) {
            if (static_cast<unsigned char>(c) >= 0x80)
              fail("non-ASCII character outside a string or comment");
            last = c;
            break;
          }
          bare = false;  // the terminator is read as usual below
        }
        if (c == '[' && last == '\n' && open.empty()) {
          check_table_header(text, i, fail);
          open.push_back('h');
        } else if (c == '[' && open == "h" && i > 0 && text[i - 1] == '[') {
          open.push_back('h');  // `[[name]]`
        } else if (c == '[' || c == '{') {
          open.push_back(c);
        } else if (c == '}' && !open.empty() && open.back() == '[') {
          fail("a '}' inside an array (an array closes with ']', an inline table with '}')");
        } else if ((c == ']' || c == '}') && !open.empty()) {
          open.pop_back();
        }
        if (c == '#') {
          st = St::kComment;
        } else if ((c == '"' || c == '\'') &&
                   std::string_view("\n=[,{.").find(last) != std::string_view::npos) {
          const bool ml = run(i, c) >= 3;
          st = c == '"' ? (ml ? St::kMlBasic : St::kBasic) : (ml ? St::kMlLiteral : St::kLiteral);
          if (ml) i += 2;
          last = c;
        } else if (std::isdigit(static_cast<unsigned char>(c)) &&
                   (std::string_view("=[,").find(last) != std::string_view::npos ||
                    (last == '\n' && !open.empty())) &&
                   date_space_digit_terminator(text, i)) {
          fail(
              "a date followed by a space and a single digit (write a date-time as 1979-05-27 07:32:00, or "
              "quote the text)");
        } else if (static_cast<unsigned char>(c) >= 0x80) {
          fail("non-ASCII character outside a string or comment");
        } else if (c != ' ' && c != '\t' && c != '\r') {
          if (value_position() && std::string_view("[]{},#=\n").find(c) == std::string_view::npos)
            bare = true;
          last = c;
        }
        break;
      case St::kComment:
        if (c == '\n') st = St::kNormal, last = '\n';
        break;
      case St::kBasic:
        if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n')
          ++i;
        else if (c == '"' || c == '\n')
          st = St::kNormal, last = c;
        break;
      case St::kLiteral:
        if (c == '\'' || c == '\n') st = St::kNormal, last = c;
        break;
      case St::kMlBasic:
        if (c == '\\') {
          std::size_t j = i + 1;
          while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
          if (j < text.size() && text[j] == '\n') {  // line-ending backslash: whitespace up to the next text
            for (;
                 j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n');
                 ++j)
              if (text[j] == '\n') ++line;
            if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80)
              fail(
                  "a non-ASCII character right after a line-ending backslash (write it on the line before, "
                  "or as \\uXXXX)");
            i = j - 1;
          } else if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80) {
            fail("a backslash before a non-ASCII character (not an escape; write \\\\ or \\uXXXX)");
          } else {
            ++i;  // an escape: the next character is not a delimiter
          }
        } else if (c == '"' && run(i, '"') >= 3) {
          i += std::min<std::size_t>(run(i, '"'), 5) - 1;
          st = St::kNormal, last = c;
        }
        break;
      case St::kMlLiteral:
        if (c == '\'' && run(i, '\'') >= 3) {
          i += std::min<std::size_t>(run(i, '\''), 5) - 1;
          st = St::kNormal, last = c;
        }
        break;
    }
  }
}

}  // namespace cs
