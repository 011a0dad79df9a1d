// A checked reader for one TOML section of the plan file (private to the plan layer): unknown keys are errors
// listing the valid ones; every error names the file, the line and the key.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/core/toml_text.hpp>

namespace cs::detail {

inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

class Reader {
 public:
  Reader(const toml::table& t, std::string file, std::string section, std::vector<std::string> valid)
      : t_(t), file_(std::move(file)), section_(std::move(section)), valid_(std::move(valid)) {
    for (const auto& [k, v] : t_) {
      (void)v;
      if (std::find(valid_.begin(), valid_.end(), k.str()) == valid_.end())
        throw InputError(file_, where(k), key(k.str()),
                         "unknown key; valid keys in [" + section_ + "]: " + join(valid_));
    }
  }
  std::string key(std::string_view k) const { return section_ + "." + std::string(k); }
  std::string where(const toml::key& k) const { return "line " + std::to_string(k.source().begin.line); }
  std::string where_of(std::string_view k) const {
    const toml::node* n = t_.get(k);
    return n ? "line " + std::to_string(n->source().begin.line) : std::string();
  }
  InputError error(std::string_view k, const std::string& msg) const {
    return InputError(file_, where_of(k), key(k), msg);
  }

  void number(std::string_view k, double& out, double lo, double hi) const {
    const toml::node* n = t_.get(k);
    if (!n) return;
    const auto v = n->value<double>();
    if (!v || !(n->is_integer() || n->is_floating_point())) throw error(k, "expected a number");
    if (!(*v >= lo && *v <= hi) || !std::isfinite(*v))
      throw error(k, "expected a finite number in [" + number_text(lo) + ", " + number_text(hi) + "], got " +
                         number_text(*v));
    out = *v;
  }
  void integer(std::string_view k, int& out, int lo, int hi) const {
    const toml::node* n = t_.get(k);
    if (!n) return;
    if (!n->is_integer()) throw error(k, "expected an integer");
    const auto v = *n->value<std::int64_t>();
    if (v < lo || v > hi)
      throw error(k, "value " + std::to_string(v) + " outside the valid range [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "]");
    out = static_cast<int>(v);
  }
  void boolean(std::string_view k, bool& out) const {
    const toml::node* n = t_.get(k);
    if (!n) return;
    if (!n->is_boolean()) throw error(k, "expected true or false");
    out = *n->value<bool>();
  }
  void string(std::string_view k, std::string& out) const {
    const toml::node* n = t_.get(k);
    if (!n) return;
    if (!n->is_string()) throw error(k, "expected a string");
    out = *n->value<std::string>();
  }
  void strings(std::string_view k, std::vector<std::string>& out) const {
    const toml::node* n = t_.get(k);
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a) throw error(k, "expected an array of strings");
    out.clear();
    for (const auto& x : *a) {
      if (!x.is_string()) throw error(k, "expected an array of strings");
      out.push_back(*x.value<std::string>());
    }
  }
  const toml::table& table() const { return t_; }

 private:
  const toml::table& t_;
  std::string file_, section_;
  std::vector<std::string> valid_;
};

// Parses plan TOML text (InputError naming the line on a syntax error).
inline toml::table parse_plan_toml(std::string_view text, const std::string& file) {
  check_toml_text(text, file);  // before toml++ (see error.hpp)
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, "line " + std::to_string(e.source().begin.line), "",
                     "invalid TOML: " + std::string(e.description()));
  }
}

}  // namespace cs::detail
