// The option registry (docs/design.md, "Options"): for each stage one table of options (name, struct member,
// type, unit, default, range, help, since) from which everything else is produced, so an option is written
// once in the source:
//   - the TOML section of the plan file   (Table::read on a TomlSection; unknown and renamed keys are errors)
//   - the CLI11 options of the command    (apps/countyscope/options_cli.hpp binds a table to a subcommand)
//   - the Python keyword arguments        (python/src/common.hpp: registry_default, set_option)
//   - docs/options.md                     (Table::markdown; a test fails when the file is stale)
//   - results.json's assumptions          (Table::to_json)
// Values are validated in one place (Table::set) whatever door they came through: numbers must be finite and
// inside their documented range (core/limits.hpp), choices are enums with named values, and a renamed option
// is rejected with a message naming its new name. Users give travel times in minutes (names end in _min) and
// distances in metres (_m).
//
// This header is also the only TOML parser of the project: TomlDocument parses a file once (after
// check_toml_text) and hands out checked, typed TomlSection views; no other file includes toml++.
//
// Example:
//   struct Cfg { double standard_min = 15; Kind kind = Kind::kA; };
//   const cs::opt::Table<Cfg>& table() {
//     static const auto t = cs::opt::Table<Cfg>("locate", "Facility location")
//         .number("standard_min", &Cfg::standard_min, cs::limits::kCutoffMin, "coverage standard")
//         .choice("kind", &Cfg::kind, {{"a", Kind::kA}, {"b", Kind::kB}}, "which kind")
//         .renamed("standard", "standard_min");
//     return t;
//   }
//   Cfg c;  table().read(doc.section("locate"), c);       // plan.toml [locate]
//   table().set(c, "standard_min", "20", "--standard-min");   // CLI text or a Python value
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>

namespace cs {

// ---- the one TOML reader ----
class TomlSection;

// A parsed TOML file. Errors name the file and the line.
class TomlDocument {
 public:
  TomlDocument();  // empty document (every section absent)
  // Parses text (file names it in errors): InputError "FILE: line N: invalid TOML: ...".
  static TomlDocument parse(std::string_view text, std::string file);
  static TomlDocument load(const std::string& path);  // read_file + parse
  ~TomlDocument();
  TomlDocument(TomlDocument&&) noexcept;
  TomlDocument& operator=(TomlDocument&&) noexcept;

  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] bool empty() const noexcept;
  // Top-level section [name] (an empty section when absent; InputError when NAME is not a table).
  [[nodiscard]] TomlSection section(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const;
  // The whole document as a section (for files whose keys are top-level).
  [[nodiscard]] TomlSection root() const;
  // Refuses any top-level key not in valid: "unknown section; valid sections: ...".
  void check_sections(const std::vector<std::string>& valid) const;

 private:
  struct Impl;
  std::string file_;
  std::unique_ptr<Impl> impl_;
};

// A checked view of one table of a TomlDocument (valid while the document lives). Getters leave `out` alone
// when the key is absent and throw InputError "FILE: line N, field 'SECTION.KEY': ..." on a wrong type or a
// value outside its range.
class TomlSection {
 public:
  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }  // "locate", "network.speed_kmh"
  [[nodiscard]] bool empty() const;
  [[nodiscard]] bool has(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> keys() const;          // in file order
  [[nodiscard]] std::string where(std::string_view key) const;  // "line 12" ("" when absent)
  [[nodiscard]] InputError error(std::string_view key, const std::string& message) const;
  // Refuses keys not in valid ("unknown key; valid keys in [SECTION]: ...").
  void check_keys(const std::vector<std::string>& valid) const;

  void number(std::string_view key, double& out, const Range& range) const;
  // The number as written (NaN and infinities included): for checks done elsewhere (the registry).
  void number_unchecked(std::string_view key, double& out) const;
  void integer(std::string_view key, std::int64_t& out, std::int64_t lo, std::int64_t hi) const;
  void boolean(std::string_view key, bool& out) const;
  void text(std::string_view key, std::string& out) const;
  void texts(std::string_view key, std::vector<std::string>& out) const;
  void numbers(std::string_view key, std::vector<double>& out, const Range& range) const;
  // Sub-table KEY (std::nullopt when absent; InputError when not a table).
  [[nodiscard]] std::optional<TomlSection> table(std::string_view key) const;
  // Array of tables [[KEY]] (empty when absent; InputError when not an array of tables).
  [[nodiscard]] std::vector<TomlSection> tables(std::string_view key) const;
  // The value of KEY as JSON (strings, numbers, booleans, arrays, tables), for free-form metadata.
  [[nodiscard]] nlohmann::json json(std::string_view key) const;

 private:
  friend class TomlDocument;
  TomlSection(const void* table, std::string file, std::string name, std::string line)
      : table_(table), file_(std::move(file)), name_(std::move(name)), line_(std::move(line)) {}
  const void* table_;  // toml::table (kept out of this header)
  std::string file_, name_, line_;
};

namespace opt {

enum class Type { kNumber, kInteger, kFlag, kText, kTexts, kChoice, kNumbers };
[[nodiscard]] std::string_view type_name(Type t);  // "number", "integer", "true/false", "text", ...

// A value as given by one of the doors, before it is checked and stored.
using Value =
    std::variant<double, std::int64_t, bool, std::string, std::vector<std::string>, std::vector<double>>;

// The description of one option (everything but how to reach its struct member).
struct Spec {
  std::string name;  // TOML key; CLI --name with '_' -> '-'; Python keyword
  Type type = Type::kNumber;
  Range range{};                     // numbers; integers use lo/hi; unit from range.unit
  std::vector<std::string> choices;  // kChoice: the valid names (first one listed per value)
  std::string help;
  std::string since = "0.2";
  bool optional = false;  // a number that may be left unset (std::optional member; no default)
  std::string unit;       // "minutes", "metres", "facilities" ... ("" = none)
  [[nodiscard]] std::string cli_name() const;  // "--standard-min"
};

[[nodiscard]] inline Spec make_spec(std::string name, Type type, const Range& range, std::string help) {
  Spec s;
  s.name = std::move(name);
  s.type = type;
  s.range = range;
  s.help = std::move(help);
  return s;
}

// An old name that is refused with a message naming the new one.
struct Renamed {
  std::string old_name, new_name, note;  // note: e.g. "now in minutes"
  [[nodiscard]] std::string message() const;
};

// The non-template part of a table: what the docs, the CLI binder and Python see.
class TableBase {
 public:
  TableBase(std::string section, std::string title)
      : section_(std::move(section)), title_(std::move(title)) {}
  virtual ~TableBase() = default;
  [[nodiscard]] const std::string& section() const noexcept { return section_; }
  [[nodiscard]] const std::string& title() const noexcept { return title_; }
  // False for tables only the plan file reads (no CLI flags, no Python keywords).
  [[nodiscard]] bool on_command_line() const noexcept { return cli_; }
  [[nodiscard]] const std::vector<Spec>& specs() const noexcept { return specs_; }
  [[nodiscard]] const std::vector<Renamed>& renamed_options() const noexcept { return renamed_; }
  [[nodiscard]] const Spec& spec(std::string_view name) const;  // std::logic_error if unknown (a bug)
  [[nodiscard]] const Spec* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;  // every option's name, in table order
  // The default of an option (from a default-constructed config), as a Value; std::nullopt for an unset
  // optional number.
  [[nodiscard]] virtual std::optional<Value> default_value(std::string_view name) const = 0;
  // Text of the default for help and docs ("15", "p-median", "clinic, elderly_care", "" when unset).
  [[nodiscard]] std::string default_text(std::string_view name) const;
  // Keys that the section may hold besides the options (read by the stage itself, e.g. nested tables).
  [[nodiscard]] const std::vector<std::string>& extra_keys() const noexcept { return extra_; }
  // The Markdown table of the section (docs/options.md).
  [[nodiscard]] std::string markdown() const;

 protected:
  // Checks one given value against spec (finite, range, choice, type) and returns it normalised (integers
  // given as whole doubles become integers, ...). `where` names the door: "plan.toml: line 3, field
  // 'locate.new'" or "--new" or "locate(): argument 'p'".
  [[nodiscard]] static Value check(const Spec& s, const Value& v, const std::string& where, bool usage);
  void check_not_renamed(std::string_view name, const std::string& where, bool usage) const;
  std::string section_, title_;
  std::vector<Spec> specs_;
  std::vector<Renamed> renamed_;
  std::vector<std::string> extra_;
  bool cli_ = true;
};

// "a, b, c": names for messages.
[[nodiscard]] std::string join(const std::vector<std::string>& names, std::string_view sep = ", ");
// Text of a value ("15", "true", "a, b").
[[nodiscard]] std::string value_text(const Value& v);
// Parses CLI text into a value of the spec's type (no range check; Table::set checks).
[[nodiscard]] Value parse_text(const Spec& s, std::string_view text, const std::string& where);

template <class Config>
class Table : public TableBase {
 public:
  using TableBase::TableBase;

  Table& number(std::string name, double Config::*m, const Range& r, std::string help) {
    add(
        make_spec(std::move(name), Type::kNumber, r, std::move(help)),
        [m](Config& c, const Value& v) { c.*m = std::get<double>(v); },
        [m](const Config& c) -> std::optional<Value> { return Value(c.*m); });
    return *this;
  }
  Table& optional_number(std::string name, std::optional<double> Config::*m, const Range& r,
                         std::string help) {
    Spec s = make_spec(std::move(name), Type::kNumber, r, std::move(help));
    s.optional = true;
    add(
        std::move(s), [m](Config& c, const Value& v) { c.*m = std::get<double>(v); },
        [m](const Config& c) -> std::optional<Value> {
          return c.*m ? std::optional<Value>(Value(*(c.*m))) : std::nullopt;
        });
    return *this;
  }
  // A number whose NaN value means "not given" (shown as unset; a given value must be in range).
  Table& unset_when_nan(std::string name, double Config::*m, const Range& r, std::string help) {
    Spec s = make_spec(std::move(name), Type::kNumber, r, std::move(help));
    s.optional = true;
    add(
        std::move(s), [m](Config& c, const Value& v) { c.*m = std::get<double>(v); },
        [m](const Config& c) -> std::optional<Value> {
          return c.*m == c.*m ? std::optional<Value>(Value(c.*m)) : std::nullopt;
        });
    return *this;
  }
  template <class Int>
  Table& integer(std::string name, Int Config::*m, std::int64_t lo, std::int64_t hi, std::string unit,
                 std::string help) {
    add(
        make_spec(std::move(name), Type::kInteger,
                  Range{"", static_cast<double>(lo), static_cast<double>(hi), ""}, std::move(help)),
        [m](Config& c, const Value& v) { c.*m = static_cast<Int>(std::get<std::int64_t>(v)); },
        [m](const Config& c) -> std::optional<Value> { return Value(static_cast<std::int64_t>(c.*m)); });
    specs_.back().unit = std::move(unit);
    return *this;
  }
  Table& flag(std::string name, bool Config::*m, std::string help) {
    add(
        make_spec(std::move(name), Type::kFlag, Range{}, std::move(help)),
        [m](Config& c, const Value& v) { c.*m = std::get<bool>(v); },
        [m](const Config& c) -> std::optional<Value> { return Value(c.*m); });
    return *this;
  }
  Table& text(std::string name, std::string Config::*m, std::string help) {
    add(
        make_spec(std::move(name), Type::kText, Range{}, std::move(help)),
        [m](Config& c, const Value& v) { c.*m = std::get<std::string>(v); },
        [m](const Config& c) -> std::optional<Value> { return Value(c.*m); });
    return *this;
  }
  // A list of numbers, each inside r (TOML array, CLI comma-separated, Python sequence).
  Table& numbers(std::string name, std::vector<double> Config::*m, const Range& r, std::string help) {
    add(
        make_spec(std::move(name), Type::kNumbers, r, std::move(help)),
        [m](Config& c, const Value& v) { c.*m = std::get<std::vector<double>>(v); },
        [m](const Config& c) -> std::optional<Value> { return Value(c.*m); });
    return *this;
  }
  Table& texts(std::string name, std::vector<std::string> Config::*m, std::string help) {
    add(
        make_spec(std::move(name), Type::kTexts, Range{}, std::move(help)),
        [m](Config& c, const Value& v) { c.*m = std::get<std::vector<std::string>>(v); },
        [m](const Config& c) -> std::optional<Value> { return Value(c.*m); });
    return *this;
  }
  // An enum chosen by name; names maps each accepted name (aliases too) to its value; the first name of a
  // value is its canonical name (what docs and outputs show).
  template <class E>
  Table& choice(std::string name, E Config::*m, std::vector<std::pair<std::string, E>> names,
                std::string help) {
    Spec s = make_spec(std::move(name), Type::kChoice, Range{}, std::move(help));
    for (const auto& [n, e] : names) s.choices.push_back(n);
    auto shared = std::make_shared<std::vector<std::pair<std::string, E>>>(std::move(names));
    add(
        std::move(s),
        [m, shared](Config& c, const Value& v) {
          for (const auto& [n, e] : *shared)
            if (n == std::get<std::string>(v)) c.*m = e;
        },
        [m, shared](const Config& c) -> std::optional<Value> {
          for (const auto& [n, e] : *shared)
            if (e == c.*m) return Value(n);
          return std::nullopt;
        });
    return *this;
  }
  Table& renamed(std::string old_name, std::string new_name, std::string note = {}) {
    renamed_.push_back({std::move(old_name), std::move(new_name), std::move(note)});
    return *this;
  }
  // A table only the plan file reads.
  Table& plan_file_only() {
    cli_ = false;
    return *this;
  }
  // Keys of the section handled by the stage itself (nested tables); Table::read does not refuse them.
  Table& extra(std::string key) {
    extra_.push_back(std::move(key));
    return *this;
  }

  // Reads the options present in a TOML section into cfg (absent keys keep cfg's values); keys neither in
  // the table nor in `also` (keys another table reads from the same section) are refused.
  void read(const TomlSection& s, Config& cfg, const std::vector<std::string>& also = {}) const {
    std::vector<std::string> valid = names();
    valid.insert(valid.end(), extra_.begin(), extra_.end());
    valid.insert(valid.end(), also.begin(), also.end());
    for (const auto& k : s.keys()) check_not_renamed(k, file_where(s, k), false);
    s.check_keys(valid);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const Spec& sp = specs_[i];
      if (!s.has(sp.name)) continue;
      setters_[i](cfg, check(sp, toml_value(s, sp), file_where(s, sp.name), false));
    }
  }
  // Sets one option from any door (`where` names it for messages; usage = the CLI/Python form of error).
  void set(Config& cfg, std::string_view name, const Value& v, const std::string& where,
           bool usage = true) const {
    check_not_renamed(name, where, usage);
    const std::size_t i = index(name);
    setters_[i](cfg, check(specs_[i], v, where, usage));
  }
  void set_text(Config& cfg, std::string_view name, std::string_view text, const std::string& where) const {
    check_not_renamed(name, where, true);
    const std::size_t i = index(name);
    setters_[i](cfg, check(specs_[i], parse_text(specs_[i], text, where), where, true));
  }
  [[nodiscard]] std::optional<Value> get(const Config& cfg, std::string_view name) const {
    return getters_[index(name)](cfg);
  }
  [[nodiscard]] std::optional<Value> default_value(std::string_view name) const override {
    return get(Config{}, name);
  }
  // {name: value} of every option (unset optionals are null), for results.json's assumptions.
  [[nodiscard]] nlohmann::json to_json(const Config& cfg) const {
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t i = 0; i < specs_.size(); ++i) j[specs_[i].name] = json_of(getters_[i](cfg));
    return j;
  }

 private:
  using Setter = std::function<void(Config&, const Value&)>;
  using Getter = std::function<std::optional<Value>(const Config&)>;
  void add(Spec s, Setter set, Getter get) {
    if (s.unit.empty()) s.unit = std::string(s.range.unit);
    specs_.push_back(std::move(s));
    setters_.push_back(std::move(set));
    getters_.push_back(std::move(get));
  }
  [[nodiscard]] std::size_t index(std::string_view name) const {
    for (std::size_t i = 0; i < specs_.size(); ++i)
      if (specs_[i].name == name) return i;
    (void)spec(name);  // throws: a bug in the caller
    return 0;
  }
  static std::string file_where(const TomlSection& s, std::string_view key) {
    return format_input_message(s.file(), s.where(key), s.name() + "." + std::string(key), "");
  }
  static Value toml_value(const TomlSection& s, const Spec& sp);
  static nlohmann::json json_of(const std::optional<Value>& v);
  std::vector<Setter> setters_;
  std::vector<Getter> getters_;
};

// Non-template helpers behind Table<Config>::toml_value / json_of.
Value read_toml_value(const TomlSection& s, const Spec& sp);
nlohmann::json value_json(const std::optional<Value>& v);

template <class Config>
Value Table<Config>::toml_value(const TomlSection& s, const Spec& sp) {
  return read_toml_value(s, sp);
}
template <class Config>
nlohmann::json Table<Config>::json_of(const std::optional<Value>& v) {
  return value_json(v);
}

// docs/options.md: a header and the Markdown of each table, in the order given (the CLI's `options` command
// lists every stage's table).
[[nodiscard]] std::string options_markdown(const std::vector<const TableBase*>& tables);

}  // namespace opt
}  // namespace cs
