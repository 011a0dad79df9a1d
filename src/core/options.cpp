// The option registry and the one TOML reader (include/countyscope/core/options.hpp).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <toml++/toml.h>

#include <countyscope/core/options.hpp>
#include <countyscope/core/toml_text.hpp>

namespace cs {
namespace {
using opt::join;

const toml::table& tbl(const void* p) { return *static_cast<const toml::table*>(p); }
std::string line_of(const toml::source_region& r) {
  return r.begin.line ? "line " + std::to_string(r.begin.line) : std::string();
}
const toml::table& empty_table() {
  static const toml::table t;
  return t;
}

}  // namespace

// ---- TomlDocument ----
struct TomlDocument::Impl {
  toml::table root;
};

TomlDocument::TomlDocument() : impl_(std::make_unique<Impl>()) {}
TomlDocument::~TomlDocument() = default;
TomlDocument::TomlDocument(TomlDocument&&) noexcept = default;
TomlDocument& TomlDocument::operator=(TomlDocument&&) noexcept = default;

TomlDocument TomlDocument::parse(std::string_view text, std::string file) {
  check_toml_text(text, file);  // before toml++ (see toml_text.hpp)
  TomlDocument d;
  d.file_ = std::move(file);
  try {
    d.impl_->root = toml::parse(text, d.file_);
  } catch (const toml::parse_error& e) {
    throw InputError(d.file_, line_of(e.source()), "", "invalid TOML: " + std::string(e.description()));
  }
  return d;
}

bool TomlDocument::empty() const noexcept { return impl_->root.empty(); }
bool TomlDocument::has(std::string_view name) const { return impl_->root.contains(name); }

TomlSection TomlDocument::section(std::string_view name) const {
  const toml::node* n = impl_->root.get(name);
  if (!n) return TomlSection(&empty_table(), file_, std::string(name), "");
  const toml::table* t = n->as_table();
  if (!t)
    throw InputError(file_, line_of(n->source()), name, "expected a [" + std::string(name) + "] section");
  return TomlSection(t, file_, std::string(name), line_of(t->source()));
}

TomlSection TomlDocument::root() const { return TomlSection(&impl_->root, file_, "", ""); }

void TomlDocument::check_sections(const std::vector<std::string>& valid) const {
  for (const auto& [k, v] : impl_->root) {
    if (std::find(valid.begin(), valid.end(), k.str()) == valid.end())
      throw InputError(file_, line_of(k.source()), k.str(),
                       "unknown section; valid sections: " + join(valid));
    if (!v.is_table())
      throw InputError(file_, line_of(k.source()), k.str(),
                       "expected a [" + std::string(k.str()) + "] section");
  }
}

// ---- TomlSection ----
bool TomlSection::empty() const { return tbl(table_).empty(); }
bool TomlSection::has(std::string_view key) const { return tbl(table_).contains(key); }

std::vector<std::string> TomlSection::keys() const {
  std::vector<std::pair<std::size_t, std::string>> k;
  for (const auto& [key, v] : tbl(table_)) k.emplace_back(key.source().begin.line, std::string(key.str()));
  std::stable_sort(k.begin(), k.end());
  std::vector<std::string> out;
  for (auto& [line, name] : k) out.push_back(std::move(name));
  return out;
}

std::string TomlSection::where(std::string_view key) const {
  const toml::node* n = tbl(table_).get(key);
  return n ? line_of(n->source()) : std::string();
}

InputError TomlSection::error(std::string_view key, const std::string& message) const {
  const std::string field = name_.empty() ? std::string(key) : name_ + "." + std::string(key);
  return InputError(file_, key.empty() ? line_ : where(key), key.empty() ? name_ : field, message);
}

void TomlSection::check_keys(const std::vector<std::string>& valid) const {
  for (const auto& [k, v] : tbl(table_)) {
    (void)v;
    if (std::find(valid.begin(), valid.end(), k.str()) == valid.end())
      throw InputError(file_, line_of(k.source()),
                       name_.empty() ? k.str() : name_ + "." + std::string(k.str()),
                       "unknown key; valid keys" + (name_.empty() ? std::string() : " in [" + name_ + "]") +
                           ": " + join(valid));
  }
}

void TomlSection::number(std::string_view key, double& out, const Range& range) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return;
  if (!(n->is_integer() || n->is_floating_point())) throw error(key, "expected a number");
  const double v = *n->value<double>();
  if (auto msg = range_problem(v, range)) throw error(key, *msg);
  out = v;
}

void TomlSection::number_unchecked(std::string_view key, double& out) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return;
  if (!(n->is_integer() || n->is_floating_point())) throw error(key, "expected a number");
  out = *n->value<double>();
}

void TomlSection::integer(std::string_view key, std::int64_t& out, std::int64_t lo, std::int64_t hi) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return;
  if (!n->is_integer()) throw error(key, "expected an integer");
  const auto v = *n->value<std::int64_t>();
  if (v < lo || v > hi)
    throw error(key, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                         std::to_string(v));
  out = v;
}

void TomlSection::boolean(std::string_view key, bool& out) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return;
  if (!n->is_boolean()) throw error(key, "expected true or false");
  out = *n->value<bool>();
}

void TomlSection::text(std::string_view key, std::string& out) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return;
  if (!n->is_string()) throw error(key, "expected a string");
  out = *n->value<std::string>();
}

void TomlSection::texts(std::string_view key, std::vector<std::string>& out) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) throw error(key, "expected an array of strings");
  std::vector<std::string> v;
  for (const auto& x : *a) {
    if (!x.is_string()) throw error(key, "expected an array of strings");
    v.push_back(*x.value<std::string>());
  }
  out = std::move(v);
}

void TomlSection::numbers(std::string_view key, std::vector<double>& out, const Range& range) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) throw error(key, "expected an array of numbers");
  std::vector<double> v;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& x = *a->get(i);
    if (!(x.is_integer() || x.is_floating_point())) throw error(key, "expected an array of numbers");
    const double d = *x.value<double>();
    if (auto msg = range_problem(d, range))
      throw error(key, "element " + std::to_string(i + 1) + ": " + *msg);
    v.push_back(d);
  }
  out = std::move(v);
}

std::optional<TomlSection> TomlSection::table(std::string_view key) const {
  const toml::node* n = tbl(table_).get(key);
  if (!n) return std::nullopt;
  const toml::table* t = n->as_table();
  if (!t) throw error(key, "expected a table");
  return TomlSection(t, file_, name_.empty() ? std::string(key) : name_ + "." + std::string(key),
                     line_of(n->source()));
}

std::vector<TomlSection> TomlSection::tables(std::string_view key) const {
  std::vector<TomlSection> out;
  const toml::node* n = tbl(table_).get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a || !a->is_array_of_tables())
    throw error(key, "expected an array of tables [[" + std::string(key) + "]]");
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::table* t = a->get(i)->as_table();
    out.push_back(TomlSection(t, file_,
                              (name_.empty() ? std::string(key) : name_ + "." + std::string(key)) + "[" +
                                  std::to_string(i + 1) + "]",
                              line_of(t->source())));
  }
  return out;
}

namespace {
nlohmann::json to_json(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : *t) j[std::string(k.str())] = to_json(v);
    return j;
  }
  if (const auto* a = n.as_array()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& v : *a) j.push_back(to_json(v));
    return j;
  }
  if (n.is_string()) return *n.value<std::string>();
  if (n.is_integer()) return *n.value<std::int64_t>();
  if (n.is_floating_point()) return *n.value<double>();
  if (n.is_boolean()) return *n.value<bool>();
  return nullptr;  // dates and times: not used by any schema
}
}  // namespace

nlohmann::json TomlSection::json(std::string_view key) const {
  const toml::node* n = tbl(table_).get(key);
  return n ? to_json(*n) : nlohmann::json();
}

// ---- the registry ----
namespace opt {

std::string join(const std::vector<std::string>& names, std::string_view sep) {
  std::string s;
  for (const auto& x : names) s += (s.empty() ? "" : std::string(sep)) + x;
  return s;
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kNumber:
      return "number";
    case Type::kInteger:
      return "integer";
    case Type::kFlag:
      return "true/false";
    case Type::kText:
      return "text";
    case Type::kTexts:
      return "list of text";
    case Type::kChoice:
      return "choice";
    case Type::kNumbers:
      return "list of numbers";
  }
  return "?";
}

std::string Spec::cli_name() const {
  std::string s = "--" + name;
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

std::string Renamed::message() const {
  return "renamed to '" + new_name + "'" + (note.empty() ? std::string() : " (" + note + ")");
}

const Spec* TableBase::find(std::string_view name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> TableBase::names() const {
  std::vector<std::string> v;
  for (const auto& s : specs_) v.push_back(s.name);
  return v;
}

const Spec& TableBase::spec(std::string_view name) const {
  if (const Spec* s = find(name)) return *s;
  throw std::logic_error("option registry: no option '" + std::string(name) + "' in [" + section_ + "]");
}

std::string value_text(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return number_text(*d);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::vector<double>>(&v)) {
    std::vector<std::string> t;
    for (double x : *n) t.push_back(number_text(x));
    return join(t, ",");  // as the CLI takes it
  }
  return join(std::get<std::vector<std::string>>(v));
}

std::string TableBase::default_text(std::string_view name) const {
  const auto v = default_value(name);
  return v ? value_text(*v) : std::string();
}

void TableBase::check_not_renamed(std::string_view name, const std::string& where, bool usage) const {
  for (const auto& r : renamed_)
    if (r.old_name == name) {
      const std::string msg = where + r.message();
      if (usage) throw UsageError(msg);
      throw InputError(msg);
    }
}

Value TableBase::check(const Spec& s, const Value& v, const std::string& where, bool usage) {
  auto fail = [&](const std::string& msg) -> Value {
    if (usage) throw UsageError(where + msg);
    throw InputError(where + msg);
  };
  switch (s.type) {
    case Type::kNumber: {
      double d = 0;
      if (const auto* x = std::get_if<double>(&v))
        d = *x;
      else if (const auto* i = std::get_if<std::int64_t>(&v))
        d = static_cast<double>(*i);
      else
        return fail("expected a number");
      if (auto msg = range_problem(d, s.range)) return fail(*msg);
      return Value(d);
    }
    case Type::kInteger: {
      std::int64_t i = 0;
      if (const auto* x = std::get_if<std::int64_t>(&v)) {
        i = *x;
      } else if (const auto* d = std::get_if<double>(&v);
                 d && std::isfinite(*d) && std::floor(*d) == *d && std::abs(*d) < 9e15) {
        i = static_cast<std::int64_t>(*d);
      } else {
        return fail("expected an integer" +
                    (std::holds_alternative<double>(v) ? ", got " + number_text(std::get<double>(v)) : ""));
      }
      if (static_cast<double>(i) < s.range.lo || static_cast<double>(i) > s.range.hi)
        return fail("expected an integer in [" + number_text(s.range.lo) + ", " + number_text(s.range.hi) +
                    "]" + (s.unit.empty() ? "" : " " + s.unit) + ", got " + std::to_string(i));
      return Value(i);
    }
    case Type::kFlag:
      if (!std::holds_alternative<bool>(v)) return fail("expected true or false");
      return v;
    case Type::kText:
      if (!std::holds_alternative<std::string>(v)) return fail("expected a string");
      return v;
    case Type::kTexts:
      if (const auto* one = std::get_if<std::string>(&v)) return Value(std::vector<std::string>{*one});
      if (!std::holds_alternative<std::vector<std::string>>(v)) return fail("expected a list of strings");
      return v;
    case Type::kNumbers: {
      std::vector<double> n;
      if (const auto* one = std::get_if<double>(&v))
        n = {*one};
      else if (const auto* i = std::get_if<std::int64_t>(&v))
        n = {static_cast<double>(*i)};
      else if (const auto* x = std::get_if<std::vector<double>>(&v))
        n = *x;
      else
        return fail("expected a list of numbers");
      if (n.empty()) return fail("expected at least one number");
      for (std::size_t k = 0; k < n.size(); ++k)
        if (auto msg = range_problem(n[k], s.range))
          return fail(n.size() == 1 ? *msg : "element " + std::to_string(k + 1) + ": " + *msg);
      return Value(n);
    }
    case Type::kChoice: {
      const auto* x = std::get_if<std::string>(&v);
      if (!x) return fail("expected one of: " + join(s.choices));
      if (std::find(s.choices.begin(), s.choices.end(), *x) == s.choices.end())
        return fail("unknown " + s.name + " '" + *x + "'; expected one of: " + join(s.choices));
      return v;
    }
  }
  return fail("unsupported option type");
}

Value parse_text(const Spec& s, std::string_view text, const std::string& where) {
  const std::string t(text);
  auto fail = [&](const std::string& what) -> Value {
    throw UsageError(where + "expected " + what + ", got '" + t + "'");
  };
  switch (s.type) {
    case Type::kNumber: {
      std::size_t used = 0;
      double d = 0;
      try {
        d = std::stod(t, &used);
      } catch (const std::exception&) {
        return fail("a number");
      }
      if (used != t.size()) return fail("a number");
      return Value(d);
    }
    case Type::kInteger: {
      std::size_t used = 0;
      long long i = 0;
      try {
        i = std::stoll(t, &used);
      } catch (const std::exception&) {
        return fail("an integer");
      }
      if (used != t.size()) return fail("an integer");
      return Value(static_cast<std::int64_t>(i));
    }
    case Type::kFlag:
      if (t == "true" || t == "1") return Value(true);
      if (t == "false" || t == "0") return Value(false);
      return fail("true or false");
    case Type::kText:
    case Type::kChoice:
      return Value(t);
    case Type::kTexts: {
      std::vector<std::string> v;
      std::size_t start = 0;
      while (start <= t.size()) {
        const std::size_t comma = t.find(',', start);
        const std::string part =
            t.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty()) v.push_back(part);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return Value(v);
    }
    case Type::kNumbers: {
      std::vector<double> v;
      std::size_t start = 0;
      while (start <= t.size()) {
        const std::size_t comma = t.find(',', start);
        std::string part = t.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        std::size_t used = 0;
        double d = 0;
        try {
          d = std::stod(part, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (part.empty() || used != part.size()) return fail("numbers separated by commas");
        v.push_back(d);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return Value(v);
    }
  }
  return fail("a value");
}

Value read_toml_value(const TomlSection& s, const Spec& sp) {
  switch (sp.type) {
    case Type::kNumber: {
      double d = 0;
      s.number_unchecked(sp.name, d);  // the range is checked by Table::check
      return Value(d);
    }
    case Type::kInteger: {
      std::int64_t i = 0;
      s.integer(sp.name, i, INT64_MIN, INT64_MAX);
      return Value(i);
    }
    case Type::kFlag: {
      bool b = false;
      s.boolean(sp.name, b);
      return Value(b);
    }
    case Type::kText:
    case Type::kChoice: {
      std::string t;
      s.text(sp.name, t);
      return Value(t);
    }
    case Type::kTexts: {
      std::vector<std::string> v;
      s.texts(sp.name, v);
      return Value(v);
    }
    case Type::kNumbers: {
      std::vector<double> v;
      s.numbers(sp.name, v, {"number", -INFINITY, INFINITY, ""});  // the range is checked by Table::check
      return Value(v);
    }
  }
  return Value(false);
}

nlohmann::json value_json(const std::optional<Value>& v) {
  if (!v) return nullptr;
  return std::visit([](const auto& x) { return nlohmann::json(x); }, *v);
}

std::string TableBase::markdown() const {
  std::string md = "## [" + section_ + "] " + title_ + "\n\n";
  md += "| TOML key | CLI | type | unit | default | range | since | what it does |\n";
  md += "|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : specs_) {
    std::string range;
    if (s.type == Type::kNumber || s.type == Type::kNumbers)
      range = std::string(s.range.lo_open ? "(" : "[") + number_text(s.range.lo) + ", " +
              number_text(s.range.hi) + "]";
    else if (s.type == Type::kInteger)
      range = "[" + number_text(s.range.lo) + ", " + number_text(s.range.hi) + "]";
    else if (s.type == Type::kChoice)
      range = join(s.choices, " \\| ");
    std::string def = s.optional && !default_value(s.name) ? "unset" : default_text(s.name);
    if (s.type == Type::kText && def.empty()) def = "\"\"";
    md += "| `" + s.name + "` | " + (cli_ ? "`" + s.cli_name() + "`" : std::string("—")) + " | " +
          std::string(type_name(s.type)) + " | " + s.unit + " | " + def + " | " + range + " | " + s.since +
          " | " + s.help + " |\n";
  }
  if (!renamed_.empty()) {
    md += "\nRenamed (the old name is refused with a message naming the new one): ";
    std::string r;
    for (const auto& x : renamed_)
      r += (r.empty() ? "" : "; ") + ("`" + x.old_name + "` → `" + x.new_name + "`") +
           (x.note.empty() ? "" : " (" + x.note + ")");
    md += r + ".\n";
  }
  return md + "\n";
}

std::string options_markdown(const std::vector<const TableBase*>& tables) {
  std::string md =
      "# Options\n\n"
      "Generated by `countyscope options --markdown` from the option registry (one table per stage); a test "
      "fails when this file is stale. Every option has one name everywhere: the TOML key in the plan file's "
      "section, the CLI flag (`_` becomes `-`) and the Python keyword argument. Travel times are in minutes "
      "(names end in `_min`), distances in metres (`_m`). Numbers must be finite and inside their range; an "
      "old "
      "option name is refused with a message naming the new one.\n\n";
  for (const TableBase* t : tables) md += t->markdown();
  return md;
}

}  // namespace opt
}  // namespace cs
