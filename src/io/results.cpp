#include <countyscope/io/results.hpp>

#include <cmath>

namespace cs {

Json new_results_document(std::string_view kind) {
  Json doc;
  doc["schema"] = kResultsSchemaName;
  doc["version"] = kResultsSchemaVersion;
  doc["kind"] = kind;
  doc["attribution"] = Json::array();
  doc["sections"] = Json::object();
  return doc;
}

std::string dump_results(const Json& doc) {
  // nlohmann::json keeps object keys in a std::map (sorted) and prints doubles shortest-round-trip, NaN as null.
  return doc.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json number_or_null(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

}  // namespace cs
