// The offline HTML report (docs/report.md): one self-contained file rendered from a results document alone.
// Leaflet and ECharts (from npm, node_modules/), report/template.html, report/style.css, report/app.js,
// report/i18n.js and every report/sections/*.js (in name order) are inlined together with the document, so
// the report opens from disk with no network. Same document -> same bytes.
//
// Example:
//   cs::Json doc = cs::Json::parse(cs::read_file("out/demo/results.json"));
//   cs::write_report(doc, "out/demo/report.html");      // atomic: a temporary sibling, then rename
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <countyscope/io/results.hpp>

namespace cs {

// Renders the report. Throws InputError when doc is not a results document (not an object, unknown kind) and
// IoError when an asset is missing (with the hint to run `make deps` for node_modules).
[[nodiscard]] std::string render_report(const Json& doc);
// Same, with the document's JSON text already made (compact, or indented as results.json holds it: the
// whitespace between tokens is dropped), so that a large document is serialised once for both files.
[[nodiscard]] std::string render_report(const Json& doc, std::string_view json_text);
// render_report + cs::write_file_atomic (parent directories are created).
void write_report(const Json& doc, const std::filesystem::path& html);

// Throws InputError (naming `file` and the field) unless doc is an object with kind "plan" or "assess" and,
// when present, object-valued sections/layers/meta and an array attribution.
void check_results_document(const Json& doc, std::string_view file);

// Parses a results document from text; `file` names it in errors ("results.json: line 3, column 5: ...").
[[nodiscard]] Json parse_results(std::string_view text, std::string_view file);

namespace detail {
// Text made safe inside <script>...</script>: "</script" -> "<\/script", "<!--" -> "<\!--".
std::string escape_script(std::string_view js);
// JSON made safe inside <script type="application/json">: '<', '>', '&', U+2028, U+2029 as \uXXXX escapes.
std::string escape_json_for_html(std::string_view json);
// JSON text without the whitespace between tokens: dump_results(doc) -> doc.dump(-1) byte for byte.
std::string compact_json(std::string_view text);
std::string base64(std::string_view bytes);
}  // namespace detail

}  // namespace cs
