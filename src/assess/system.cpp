// Indicator systems (TOML), formulas over columns and table reading (plain or gzip CSV).
#include <cmath>
#include <limits>
#include <set>
#include <zlib.h>

#include <toml++/toml.h>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/core/toml_text.hpp>

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

// ---- TOML ----

IndicatorSystem parse_indicator_system(std::string_view text, const std::string& file) {
  toml::table tbl;
  check_toml_text(text, file);  // before toml++ (see error.hpp)
  try {
    tbl = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, "line " + std::to_string(e.source().begin.line), "", std::string(e.description()));
  }
  IndicatorSystem sys;
  sys.file = file;
  auto str = [&](const toml::table& t, const char* key, const std::string& where,
                 bool required) -> std::string {
    const auto* node = t.get(key);
    if (!node) {
      if (required) throw InputError(file, where, key, "missing key");
      return {};
    }
    if (auto v = node->value<std::string>()) return *v;
    throw InputError(file, where, key, "must be a string");
  };
  auto num = [&](const toml::table& t, const char* key, const std::string& where) -> std::optional<double> {
    const auto* node = t.get(key);
    if (!node) return std::nullopt;
    if (auto v = node->value<double>(); v && std::isfinite(*v)) return *v;
    throw InputError(file, where, key, "must be a finite number");
  };
  sys.name = str(tbl, "name", "top level", true);
  sys.description = str(tbl, "description", "top level", false);
  if (auto k = str(tbl, "key", "top level", false); !k.empty()) sys.key = k;
  if (auto k = str(tbl, "name_column", "top level", false); !k.empty()) sys.name_column = k;
  if (auto k = str(tbl, "province_column", "top level", false); !k.empty()) sys.province_column = k;
  if (const auto* ty = tbl["typing"].as_table()) {
    auto set = [&](const char* key, std::string& field) {
      if (auto v = str(*ty, key, "[typing]", false); !v.empty()) field = v;
    };
    set("pop_now", sys.typing.pop_now);
    set("pop_before", sys.typing.pop_before);
    set("urban_pop", sys.typing.urban_pop);
    set("agri_share", sys.typing.agri_share);
    set("manuf_share", sys.typing.manuf_share);
    set("city", sys.typing.city);
  }
  const auto* dims = tbl["dimension"].as_array();
  if (!dims || dims->empty()) throw InputError(file, "top level", "dimension", "no [[dimension]] tables");
  std::set<std::string> ids;
  for (std::size_t d = 0; d < dims->size(); ++d) {
    const auto* dt = (*dims)[d].as_table();
    const std::string where = "[[dimension]] #" + std::to_string(d + 1);
    if (!dt) throw InputError(file, where, "", "must be a table");
    Dimension dim;
    dim.id = str(*dt, "id", where, true);
    dim.name = str(*dt, "name", where, false);
    if (dim.name.empty()) dim.name = dim.id;
    if (auto a = num(*dt, "alpha", where)) {
      if (*a <= 0) throw InputError(file, where, "alpha", "must be > 0");
      dim.alpha = *a;
    }
    const auto* inds = (*dt)["indicator"].as_array();
    if (!inds || inds->empty())
      throw InputError(file, where, "indicator", "dimension '" + dim.id + "' has no [[dimension.indicator]]");
    for (std::size_t k = 0; k < inds->size(); ++k) {
      const auto* it = (*inds)[k].as_table();
      const std::string iw = where + " indicator #" + std::to_string(k + 1);
      if (!it) throw InputError(file, iw, "", "must be a table");
      Indicator ind;
      ind.id = str(*it, "id", iw, true);
      if (!ids.insert(ind.id).second)
        throw InputError(file, iw, "id", "duplicate indicator id '" + ind.id + "'");
      ind.name = str(*it, "name", iw, false);
      if (ind.name.empty()) ind.name = ind.id;
      ind.dimension = dim.id;
      ind.why = str(*it, "why", iw, false);
      ind.unit = str(*it, "unit", iw, false);
      const std::string col = str(*it, "column", iw, false);
      ind.formula_text = str(*it, "formula", iw, false);
      if (col.empty() == ind.formula_text.empty())
        throw InputError(file, iw, "formula", "give exactly one of 'column' or 'formula'");
      if (!col.empty()) ind.formula_text = "\"" + col + "\"";
      ind.formula_2010_text = str(*it, "formula_2010", iw, false);
      const std::string dir = str(*it, "direction", iw, false);
      if (dir == "+" || dir.empty() || dir == "positive")
        ind.direction = 1;
      else if (dir == "-" || dir == "negative")
        ind.direction = -1;
      else
        throw InputError(file, iw, "direction", "'" + dir + "'; expected one of: +, -");
      if (auto w = num(*it, "weight", iw)) {
        if (*w <= 0) throw InputError(file, iw, "weight", "must be > 0");
        ind.weight = *w;
      }
      // Parse now so syntax errors name the indicator.
      (void)Formula::parse(ind.formula_text, file + ": indicator '" + ind.id + "'");
      if (!ind.formula_2010_text.empty())
        (void)Formula::parse(ind.formula_2010_text, file + ": indicator '" + ind.id + "'");
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

MissingPolicy parse_missing_policy(std::string_view s) {
  if (s == "drop") return MissingPolicy::kDrop;
  if (s == "impute-median") return MissingPolicy::kImputeMedian;
  if (s == "error") return MissingPolicy::kError;
  throw unknown_value("missing-value policy", s, {"drop", "impute-median", "error"});
}
std::string_view to_string(MissingPolicy p) {
  return p == MissingPolicy::kDrop ? "drop" : p == MissingPolicy::kImputeMedian ? "impute-median" : "error";
}
EntropyMode parse_entropy_mode(std::string_view s) {
  if (s == "cross") return EntropyMode::kCross;
  if (s == "panel") return EntropyMode::kPanel;
  throw unknown_value("entropy mode", s, {"cross", "panel"});
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
