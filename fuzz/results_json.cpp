// Target results_json: a results document as `report` reads it: parse, check, and render the whole HTML
// report (every section's data is embedded; the renderer must never crash on a document someone edited by
// hand).
#include <countyscope/report/report.hpp>

#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cs::fuzz::expect_errors([&] {
    const cs::Json doc = cs::parse_results(text, "results.json");
    cs::check_results_document(doc, "results.json");
    (void)cs::render_report(doc);
  });
  return 0;
}
