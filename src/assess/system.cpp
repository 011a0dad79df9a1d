// Indicator systems (TOML, through core/options.hpp's TomlDocument), formulas over columns and table
// reading (plain or gzip CSV).
#include <cmath>
#include <limits>
#include <set>
#include <zlib.h>

#include <countyscope/assess/assess.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/io/output.hpp>

namespace cs::assess {

CsvTable read_table(const std::string& path) {
  const bool gz_name = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  std::string head = read_file(path);  // IoError names the file
  const bool gz_magic = head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
                        static_cast<unsigned char>(head[1]) == 0x8b;
  if (!gz_name && !gz_magic) return parse_csv(head, path);
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw IoError(path + ": cannot open gzip file");
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const int got = gzread(f, buf, sizeof buf);
    if (got < 0) {
      int err = 0;
      std::string msg = gzerror(f, &err);
      gzclose(f);
      throw IoError(path + ": gzip read error: " + msg);
    }
    if (got == 0) break;
    text.append(buf, static_cast<std::size_t>(got));
  }
  gzclose(f);
  return parse_csv(text, path);
}

// ---- formulas: shunting-yard to RPN ----

Formula Formula::parse(std::string_view text, std::string_view where) {
  Formula f;
  f.text_ = std::string(text);
  auto fail = [&](const std::string& msg) {
    return InputError(std::string(where) + ": formula '" + std::string(text) + "': " + msg);
  };
  std::vector<char> ops;
  auto prec = [](char c) { return c == 'u' ? 3 : (c == '*' || c == '/') ? 2 : 1; };
  auto pop_op = [&] {
    f.rpn_.push_back({ops.back(), 0, 0});
    ops.pop_back();
  };
  auto add_column = [&](std::string name) {
    std::size_t idx = 0;
    while (idx < f.columns_.size() && f.columns_[idx] != name) ++idx;
    if (idx == f.columns_.size()) f.columns_.push_back(std::move(name));
    f.rpn_.push_back({'c', 0, idx});
  };
  bool expect_operand = true;
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (expect_operand) {
      if (c == '(') {
        ops.push_back('(');
        ++i;
        continue;
      }
      if (c == '-' || c == '+') {
        if (c == '-') ops.push_back('u');
        ++i;
        continue;
      }
      if (std::isdigit(c) || c == '.') {
        std::size_t j = i;
        while (j < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.' || text[j] == 'e' ||
                text[j] == 'E' ||
                ((text[j] == '-' || text[j] == '+') && j > i && (text[j - 1] == 'e' || text[j - 1] == 'E'))))
          ++j;
        auto v = parse_double(text.substr(i, j - i));
        if (!v) throw fail("bad number '" + std::string(text.substr(i, j - i)) + "'");
        f.rpn_.push_back({'n', *v, 0});
        i = j;
        expect_operand = false;
        continue;
      }
      if (c == '"') {
        const auto end = text.find('"', i + 1);
        if (end == std::string_view::npos) throw fail("unterminated quoted column name");
        add_column(std::string(text.substr(i + 1, end - i - 1)));
        i = end + 1;
        expect_operand = false;
        continue;
      }
      if (std::isalpha(c) || c == '_' || c >= 0x80) {
        std::size_t j = i;
        while (j < text.size()) {
          const unsigned char d = static_cast<unsigned char>(text[j]);
          if (!(std::isalnum(d) || d == '_' || d >= 0x80)) break;
          ++j;
        }
        add_column(std::string(text.substr(i, j - i)));
        i = j;
        expect_operand = false;
        continue;
      }
      throw fail(std::string("unexpected '") + static_cast<char>(c) + "' (expected a number, column or '(')");
    }
    if (c == ')') {
      while (!ops.empty() && ops.back() != '(') pop_op();
      if (ops.empty()) throw fail("unbalanced ')'");
      ops.pop_back();
      ++i;
      continue;
    }
    if (c == '+' || c == '-' || c == '*' || c == '/') {
      while (!ops.empty() && ops.back() != '(' && prec(ops.back()) >= prec(static_cast<char>(c))) pop_op();
      ops.push_back(static_cast<char>(c));
      ++i;
      expect_operand = true;
      continue;
    }
    throw fail(std::string("unexpected '") + static_cast<char>(c) + "' (expected an operator or ')')");
  }
  if (expect_operand) throw fail("incomplete expression");
  while (!ops.empty()) {
    if (ops.back() == '(') throw fail("unbalanced '('");
    pop_op();
  }
  return f;
}

double Formula::eval(const double* values) const {
  double stack[64];
  int sp = 0;
  for (const Op& op : rpn_) {
    switch (op.kind) {
      case 'n':
        stack[sp++] = op.value;
        break;
      case 'c':
        stack[sp++] = values[op.column];
        break;
      case 'u':
        stack[sp - 1] = -stack[sp - 1];
        break;
      default: {
        const double b = stack[--sp], a = stack[sp - 1];
        double r = 0;
        if (op.kind == '+')
          r = a + b;
        else if (op.kind == '-')
          r = a - b;
        else if (op.kind == '*')
          r = a * b;
        else
          r = b == 0 ? std::numeric_limits<double>::quiet_NaN() : a / b;
        stack[sp - 1] = r;
      }
    }
    if (sp >= 63) return std::numeric_limits<double>::quiet_NaN();
  }
  return sp == 1 && std::isfinite(stack[0]) ? stack[0] : std::numeric_limits<double>::quiet_NaN();
}

// ---- the indicator system: read through the one TOML reader (core/options.hpp) ----

namespace {

// A string key of a table: required ones must be present; errors name file, line and field.
std::string text_of(const TomlSection& t, const char* key, bool required) {
  std::string v;
  if (required && !t.has(key)) throw t.error("", "missing key '" + std::string(key) + "'");
  t.text(key, v);
  return v;
}

// A positive optional number (weight, alpha): finite and > 0.
std::optional<double> positive_of(const TomlSection& t, const char* key) {
  if (!t.has(key)) return std::nullopt;
  double v = 0;
  t.number(key, v, Range{"value", 0, 1e15, "", true});
  return v;
}

Indicator read_indicator(const TomlSection& it, const Dimension& dim, const std::string& file) {
  it.check_keys({"id", "name", "name_zh", "why", "why_zh", "unit", "column", "formula", "formula_2010",
                 "direction", "weight"});
  Indicator ind;
  ind.id = text_of(it, "id", true);
  ind.name = text_of(it, "name", false);
  if (ind.name.empty()) ind.name = ind.id;
  ind.dimension = dim.id;
  ind.why = text_of(it, "why", false);
  ind.name_zh = text_of(it, "name_zh", false);
  ind.why_zh = text_of(it, "why_zh", false);
  ind.unit = text_of(it, "unit", false);
  const std::string col = text_of(it, "column", false);
  ind.formula_text = text_of(it, "formula", false);
  if (col.empty() == ind.formula_text.empty())
    throw it.error(col.empty() ? "" : "formula", "give exactly one of 'column' or 'formula'");
  if (!col.empty()) ind.formula_text = "\"" + col + "\"";
  ind.formula_2010_text = text_of(it, "formula_2010", false);
  const std::string dir = text_of(it, "direction", false);
  if (dir == "+" || dir.empty() || dir == "positive")
    ind.direction = 1;
  else if (dir == "-" || dir == "negative")
    ind.direction = -1;
  else
    throw it.error("direction", "'" + dir + "'; expected one of: +, -");
  ind.weight = positive_of(it, "weight");
  // Parse now so syntax errors name the indicator.
  (void)Formula::parse(ind.formula_text, file + ": indicator '" + ind.id + "'");
  if (!ind.formula_2010_text.empty())
    (void)Formula::parse(ind.formula_2010_text, file + ": indicator '" + ind.id + "'");
  return ind;
}

}  // namespace

IndicatorSystem parse_indicator_system(std::string_view text, const std::string& file) {
  const TomlDocument doc = TomlDocument::parse(text, file);
  const TomlSection root = doc.root();
  root.check_keys(
      {"name", "description", "key", "name_column", "province_column", "year", "typing", "dimension"});
  IndicatorSystem sys;
  sys.file = file;
  sys.name = text_of(root, "name", true);
  sys.description = text_of(root, "description", false);
  if (auto k = text_of(root, "key", false); !k.empty()) sys.key = k;
  if (auto k = text_of(root, "name_column", false); !k.empty()) sys.name_column = k;
  if (auto k = text_of(root, "province_column", false); !k.empty()) sys.province_column = k;
  if (root.has("year")) {
    std::int64_t y = 0;
    root.integer("year", y, 1949, 2100);
    sys.year = static_cast<int>(y);
  }
  if (const auto ty = root.table("typing")) {
    ty->check_keys({"pop_now", "pop_before", "urban_pop", "agri_share", "manuf_share", "city"});
    auto set = [&](const char* key, std::string& field) {
      if (auto v = text_of(*ty, key, false); !v.empty()) field = v;
    };
    set("pop_now", sys.typing.pop_now);
    set("pop_before", sys.typing.pop_before);
    set("urban_pop", sys.typing.urban_pop);
    set("agri_share", sys.typing.agri_share);
    set("manuf_share", sys.typing.manuf_share);
    set("city", sys.typing.city);
  }
  const std::vector<TomlSection> dims = root.tables("dimension");
  if (dims.empty()) throw root.error("dimension", "no [[dimension]] tables");
  std::set<std::string> ids;
  for (const TomlSection& dt : dims) {
    dt.check_keys({"id", "name", "name_zh", "alpha", "indicator"});
    Dimension dim;
    dim.id = text_of(dt, "id", true);
    dim.name = text_of(dt, "name", false);
    if (dim.name.empty()) dim.name = dim.id;
    dim.name_zh = text_of(dt, "name_zh", false);
    if (auto a = positive_of(dt, "alpha")) dim.alpha = *a;
    const std::vector<TomlSection> inds = dt.tables("indicator");
    if (inds.empty()) throw dt.error("", "dimension '" + dim.id + "' has no [[dimension.indicator]]");
    for (const TomlSection& it : inds) {
      Indicator ind = read_indicator(it, dim, file);
      if (!ids.insert(ind.id).second) throw it.error("id", "duplicate indicator id '" + ind.id + "'");
      sys.indicators.push_back(std::move(ind));
    }
    sys.dimensions.push_back(std::move(dim));
  }
  std::size_t weighted = 0;
  for (const auto& i : sys.indicators) weighted += i.weight ? 1 : 0;
  if (weighted != 0 && weighted != sys.indicators.size())
    throw InputError(file, "indicators", "weight",
                     "give a weight to every indicator or to none (" + std::to_string(weighted) + " of " +
                         std::to_string(sys.indicators.size()) + " have one)");
  std::size_t alphas = 0;
  for (const auto& d : sys.dimensions) alphas += d.alpha > 0 ? 1 : 0;
  if (alphas != 0 && alphas != sys.dimensions.size())
    throw InputError(file, "dimensions", "alpha", "give alpha to every dimension or to none");
  return sys;
}

IndicatorSystem load_indicator_system(const std::string& path) {
  return parse_indicator_system(read_file(path), path);
}

std::string_view to_string(MissingPolicy p) {
  return p == MissingPolicy::kDrop ? "drop" : p == MissingPolicy::kImputeMedian ? "impute-median" : "error";
}
std::string_view to_string(EntropyMode m) { return m == EntropyMode::kCross ? "cross" : "panel"; }

std::string_view region_of(std::string_view adcode) {
  if (adcode.size() < 2) return "unknown";
  const int p = (adcode[0] - '0') * 10 + (adcode[1] - '0');
  switch (p) {
    case 11:
    case 12:
    case 13:
    case 31:
    case 32:
    case 33:
    case 35:
    case 37:
    case 44:
    case 46:
      return "east";
    case 14:
    case 34:
    case 36:
    case 41:
    case 42:
    case 43:
      return "central";
    case 15:
    case 45:
    case 50:
    case 51:
    case 52:
    case 53:
    case 54:
    case 61:
    case 62:
    case 63:
    case 64:
    case 65:
      return "west";
    case 21:
    case 22:
    case 23:
      return "north-east";
    default:
      return "unknown";
  }
}

}  // namespace cs::assess
