// countyscope report: renders a results document (results.json) into one self-contained offline HTML file.
#include <filesystem>
#include <memory>
#include <string>

#include <countyscope/io/output.hpp>
#include <countyscope/report/report.hpp>

#include "command.hpp"

namespace {

struct ReportOptions {
  std::string results;
  std::string html;
};

int run(const ReportOptions& o, cs::cli::Runtime& rt) {
  if (!o.html.empty()) cs::check_output_file(o.html);  // a device, link or folder is refused before the work
  const cs::Json doc = cs::parse_results(cs::read_file(o.results), o.results);
  cs::check_results_document(doc, o.results);
  const std::filesystem::path html = o.html.empty()
                                         ? std::filesystem::path(o.results).parent_path() / "report.html"
                                         : std::filesystem::path(o.html);
  cs::write_report(doc, html);
  rt.ctx.info("report written to " + html.string());
  return 0;
}

cs::cli::CommandRegistration reg{
    "report", 90, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub =
          app.add_subcommand("report", "Render a results document into one offline HTML report")
              ->footer("Example:\n  countyscope report out/demo/results.json --html out/demo/report.html");
      auto o = std::make_shared<ReportOptions>();
      sub->add_option("results", o->results,
                      "results document (results.json) written by plan, demo or assess")
          ->required();
      sub->add_option("--html", o->html, "output HTML file (default: report.html next to the results)");
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
