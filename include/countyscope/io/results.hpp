// The versioned results document: the one contract between engine and report (schemas/results.schema.json).
// Keys are sorted on output and numbers are written shortest-round-trip, so equal inputs give equal bytes.
// Non-finite numbers become null ("no path"), never sentinels.
//
// Example:
//   cs::Json doc = cs::new_results_document("plan");
//   doc["sections"]["network"] = {{"nodes", 6060}};
//   cs::write_file_atomic("out/results.json", cs::dump_results(doc));
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cs {

using Json = nlohmann::json;

inline constexpr std::string_view kResultsSchemaName = "countyscope.results";
inline constexpr std::string_view kResultsSchemaVersion = "1.0.0";

// {"schema": ..., "version": ..., "kind": KIND, "attribution": [...], "sections": {}}
Json new_results_document(std::string_view kind);
std::string dump_results(const Json& doc);
// A finite double as a number, otherwise null.
Json number_or_null(double x);

}  // namespace cs
