// A guard run on TOML text before toml++ parses it (every TOML reader calls it first).
//
// Example:
//   cs::check_toml_text(text, "plan.toml");   // InputError "plan.toml: line 3: non-ASCII character outside
//   ..." root = toml::parse(text, "plan.toml");
#pragma once

#include <string_view>

namespace cs {

// Throws InputError "FILE: line N: ..." for a non-ASCII character outside strings and comments (never valid
// TOML 1.0) and for a non-ASCII character right after a multi-line string's line-ending backslash. Both reach
// undefined behaviour in toml++ 3.3, Debian 12's (an unreachable branch in its Unicode whitespace test;
// upstream issues #190 and #295); and for a table header without a name (`[:`, `[[=`), where toml++ 3.3
// asserts in parse_key. All found by fuzz/toml (docs/reliability.md).
void check_toml_text(std::string_view text, std::string_view file);

}  // namespace cs
