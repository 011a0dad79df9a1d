// Compiled service rules (cs::detail; shared by county/ and sources/, not an API): the table's rule strings
// parsed once, matched against an object's tags.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/county/county.hpp>

namespace cs::detail {

struct Condition {
  enum class Op : std::uint8_t { kEquals, kPresent, kAbsent, kContains };
  std::string key;
  Op op = Op::kPresent;
  std::vector<std::string> values;  // kEquals: any of; kContains: one token
};
using Rule = std::vector<Condition>;  // all must hold

// Throws InputError naming file, service and rule.
Rule parse_rule(std::string_view text, const std::string& file, const std::string& service);
bool list_contains(std::string_view value, std::string_view token);

class CompiledServices {
 public:
  explicit CompiledServices(const ServiceTable& table, const std::string& file = "service table");
  template <class Get>
  void match(Get&& get, std::vector<std::uint16_t>& out) const {
    out.clear();
    for (std::uint16_t t = 0; t < rules_.size(); ++t) {
      for (const Rule& r : rules_[t]) {
        if (holds(r, get)) {
          out.push_back(t);
          break;
        }
      }
    }
  }
  // Keys any rule looks at (for pre-filtering objects).
  [[nodiscard]] const std::vector<std::string>& keys() const noexcept { return keys_; }

 private:
  template <class Get>
  static bool holds(const Rule& r, Get& get) {
    for (const Condition& c : r) {
      const char* v = get(std::string_view(c.key));
      switch (c.op) {
        case Condition::Op::kPresent:
          if (!v) return false;
          break;
        case Condition::Op::kAbsent:
          if (v) return false;
          break;
        case Condition::Op::kEquals: {
          if (!v) return false;
          bool any = false;
          for (const auto& x : c.values) any = any || x == v;
          if (!any) return false;
          break;
        }
        case Condition::Op::kContains:
          if (!v || !list_contains(v, c.values.front())) return false;
          break;
      }
    }
    return true;
  }
  std::vector<std::vector<Rule>> rules_;
  std::vector<std::string> keys_;
};

}  // namespace cs::detail
