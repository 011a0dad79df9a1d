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
#include <optional>
#include <string>
#include <string_view>

#include <countyscope/io/results.hpp>

namespace cs {

// Renders the report. Throws InputError when doc is not a results document (not an object, unknown kind) and
// IoError when an asset is missing (with the hint to run `make deps` for node_modules).
[[nodiscard]] std::string render_report(const Json& doc);
// Same; json_text (the document as results.json holds it) is no longer needed, since the report embeds the
// document with its map layers quantised (detail::report_json), and is kept for callers.
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
// A GeoJSON FeatureCollection with its geometry simplified (Douglas-Peucker, tolerance_m metres) and
// quantised: each coordinate list becomes [x0, y0, dx1, dy1, ...] in 1e-5 degrees, and the collection gets
// "cs_quantized": {"scale": 100000} (report/app.js decodes it). nullopt when fc is not a FeatureCollection of
// well-formed Point/MultiPoint/LineString/MultiLineString/Polygon/MultiPolygon features (it is embedded as
// is).
std::optional<Json> quantize_layer(const Json& fc, double tolerance_m);
// The simplification tolerance of a layer, in metres.
double layer_tolerance_m(std::string_view layer);
// The compact JSON text the report embeds: doc with every layer quantised (keys sorted, as dump_results).
std::string report_json(const Json& doc);
}  // namespace detail

}  // namespace cs
