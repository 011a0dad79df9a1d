// The service table: TOML layout, rule syntax and matching (docs/county.md, data/config/services.toml).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include <countyscope/core/error.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/county/service_rules.hpp>
#include <countyscope/io/output.hpp>

namespace cs {
namespace detail {

extern const std::string_view kDefaultServicesToml;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool parse_int(std::string_view s, long& out) {
  s = trim(s);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

bool list_contains(std::string_view value, std::string_view token) {
  long want = 0;
  const bool numeric = parse_int(token, want);
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find_first_of(";,", start);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view item = trim(value.substr(start, end - start));
    if (item == token) return true;
    if (numeric) {
      long v = 0;
      const std::size_t dash = item.find('-');
      long lo = 0, hi = 0;
      if (parse_int(item, v) && v == want) return true;
      if (dash != std::string_view::npos && dash > 0 && parse_int(item.substr(0, dash), lo) &&
          parse_int(item.substr(dash + 1), hi) && lo <= want && want <= hi)
        return true;
    }
    start = end + 1;
  }
  return false;
}

Rule parse_rule(std::string_view text, const std::string& file, const std::string& service) {
  Rule rule;
  const std::string where = "service '" + service + "'";
  auto bad = [&](std::string_view cond, std::string_view why) {
    return InputError(file, where, "rules",
                      "malformed condition '" + std::string(cond) + "' in rule '" + std::string(text) +
                          "': " + std::string(why) +
                          " (forms: key=value, key=a|b, key, key=*, !key, key~token)");
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('+', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view c = trim(text.substr(start, end - start));
    Condition cond;
    if (c.empty()) throw bad(c, "empty condition");
    if (c.front() == '!') {
      cond.op = Condition::Op::kAbsent;
      cond.key = std::string(trim(c.substr(1)));
    } else if (const auto t = c.find('~'); t != std::string_view::npos) {
      cond.op = Condition::Op::kContains;
      cond.key = std::string(trim(c.substr(0, t)));
      cond.values.emplace_back(trim(c.substr(t + 1)));
      if (cond.values.front().empty()) throw bad(c, "missing token after '~'");
    } else if (const auto e = c.find('='); e != std::string_view::npos) {
      cond.key = std::string(trim(c.substr(0, e)));
      const std::string_view vals = trim(c.substr(e + 1));
      if (vals == "*") {
        cond.op = Condition::Op::kPresent;
      } else {
        cond.op = Condition::Op::kEquals;
        std::size_t s = 0;
        while (s <= vals.size()) {
          std::size_t p = vals.find('|', s);
          if (p == std::string_view::npos) p = vals.size();
          const std::string_view v = trim(vals.substr(s, p - s));
          if (v.empty()) throw bad(c, "empty value");
          cond.values.emplace_back(v);
          s = p + 1;
        }
      }
    } else {
      cond.op = Condition::Op::kPresent;
      cond.key = std::string(c);
    }
    if (cond.key.empty() || cond.key.find_first_of("=!~| ") != std::string::npos) throw bad(c, "bad key");
    rule.push_back(std::move(cond));
    start = end + 1;
  }
  return rule;
}

CompiledServices::CompiledServices(const ServiceTable& table, const std::string& file) {
  std::set<std::string> keys;
  for (const auto& t : table.types) {
    auto& rs = rules_.emplace_back();
    for (const auto& r : t.rules) {
      rs.push_back(parse_rule(r, file, t.name));
      for (const auto& c : rs.back())
        if (c.op != Condition::Op::kAbsent) keys.insert(c.key);
    }
  }
  keys_.assign(keys.begin(), keys.end());
}

}  // namespace detail

std::uint16_t ServiceTable::index(std::string_view name) const {
  for (std::size_t i = 0; i < types.size(); ++i)
    if (types[i].name == name) return static_cast<std::uint16_t>(i);
  throw unknown_value("service type", name, names());
}

std::vector<std::string> ServiceTable::names() const {
  std::vector<std::string> n;
  for (const auto& t : types) n.push_back(t.name);
  return n;
}

ServiceTable parse_service_table(std::string_view toml_text, const std::string& file) {
  const TomlDocument doc = TomlDocument::parse(toml_text, file);
  const TomlSection root = doc.root();
  root.check_keys({"service"});
  const std::vector<TomlSection> services = root.tables("service");
  if (services.empty()) throw InputError(file, "", "service", "no [[service]] tables");
  ServiceTable table;
  std::set<std::string> seen;
  for (const TomlSection& t : services) {
    t.check_keys({"name", "label_en", "label_zh", "capacity_tag", "untyped", "rules"});
    ServiceType st;
    auto str = [&](const char* key, bool required) {
      if (required && !t.has(key)) throw t.error("", "'" + std::string(key) + "' is missing");
      std::string v;
      t.text(key, v);
      return v;
    };
    st.name = str("name", true);
    if (st.name.empty() || !std::all_of(st.name.begin(), st.name.end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                 c == '_';
        }))
      throw t.error("name", "'" + st.name + "' must be lower-case letters, digits and '_'");
    if (!seen.insert(st.name).second) throw t.error("name", "duplicate service '" + st.name + "'");
    st.label_en = str("label_en", false);
    st.label_zh = str("label_zh", false);
    st.capacity_tag = str("capacity_tag", false);
    st.untyped = str("untyped", false);
    if (st.label_en.empty()) st.label_en = st.name;
    if (!t.has("rules")) throw InputError(file, "service '" + st.name + "'", "rules", "missing or empty");
    t.texts("rules", st.rules);
    if (st.rules.empty()) throw InputError(file, "service '" + st.name + "'", "rules", "missing or empty");
    for (const std::string& rule : st.rules) (void)detail::parse_rule(rule, file, st.name);  // validate now
    table.types.push_back(std::move(st));
  }
  if (table.types.size() > 60000) throw InputError(file, "", "service", "too many service types");
  for (const ServiceType& st : table.types)
    if (!st.untyped.empty() && (st.untyped == st.name || !seen.count(st.untyped)))
      throw InputError(file, "service '" + st.name + "'", "untyped",
                       "'" + st.untyped + "' is not another service of the table");
  return table;
}

ServiceTable default_service_table() {
  return parse_service_table(detail::kDefaultServicesToml, "services.toml (built in)");
}

ServiceTable load_service_table(const std::string& toml_path) {
  return parse_service_table(read_file(toml_path), toml_path);
}

std::vector<std::uint16_t> match_services(const ServiceTable& table,
                                          const std::function<const char*(std::string_view key)>& get) {
  const detail::CompiledServices compiled(table);
  std::vector<std::uint16_t> out;
  compiled.match(get, out);
  return out;
}

}  // namespace cs
