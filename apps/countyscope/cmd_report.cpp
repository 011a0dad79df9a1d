// countyscope report: renders a results document (results.json) into one self-contained offline HTML file,
// and with --pdf prints it to an A4 PDF through headless Chromium (docs/report.md, "Print").
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include <countyscope/core/error.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/report/report.hpp>

#include "command.hpp"

namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::string results;
  std::string html;
  std::string pdf;
  std::string lang = "en";
};

// The browser that prints: $CS_CHROMIUM, else chromium or chromium-browser on PATH.
std::string find_chromium() {
  if (const char* env = std::getenv("CS_CHROMIUM"); env && *env) return env;
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::size_t start = 0;
    while (start <= p.size()) {
      const std::size_t end = p.find(':', start);
      const std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
      const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return "";
}

// Runs argv with stdin, stdout and stderr on /dev/null; returns the exit status (-1 when it could not start).
int run_quietly(const std::vector<std::string>& argv) {
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (FILE* null = std::fopen("/dev/null", "r+")) {
      ::dup2(fileno(null), 0);
      ::dup2(fileno(null), 1);
      ::dup2(fileno(null), 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The report printed by headless Chromium: A4, every folded block open, one section per page start (the
// page's #print mode, report/app.js), written to a temporary sibling and renamed.
void print_pdf(const fs::path& html, const fs::path& pdf, const std::string& lang) {
  const std::string chromium = find_chromium();
  if (chromium.empty())
    throw cs::IoError("--pdf needs Chromium (apt-get install chromium, or set CS_CHROMIUM to its path)");
  const fs::path tmp = pdf.parent_path() / ("." + pdf.filename().string() + ".tmp");
  const fs::path profile = fs::temp_directory_path() / ("countyscope-pdf-" + std::to_string(::getpid()));
  const std::string url =
      "file://" + fs::absolute(html).lexically_normal().string() + "#lang=" + lang + "&print";
  const int rc = run_quietly({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update",
                              "--disable-sync", "--no-pdf-header-footer", "--virtual-time-budget=15000",
                              "--user-data-dir=" + profile.string(), "--print-to-pdf=" + tmp.string(), url});
  std::error_code ec;
  fs::remove_all(profile, ec);
  if (rc != 0 || !fs::is_regular_file(tmp, ec) || fs::file_size(tmp, ec) == 0) {
    fs::remove(tmp, ec);
    throw cs::IoError(chromium + " could not print " + html.string() + " (exit " + std::to_string(rc) + ")");
  }
  fs::rename(tmp, pdf, ec);
  if (ec) throw cs::IoError(pdf.string() + ": cannot write: " + ec.message());
}

int run(const ReportOptions& o, cs::cli::Runtime& rt) {
  if (!o.html.empty()) cs::check_output_file(o.html);  // a device, link or folder is refused before the work
  if (!o.pdf.empty()) cs::check_output_file(o.pdf);
  const cs::Json doc = cs::parse_results(cs::read_file(o.results), o.results);
  cs::check_results_document(doc, o.results);
  const fs::path html = o.html.empty() ? fs::path(o.results).parent_path() / "report.html" : fs::path(o.html);
  cs::write_report(doc, html);
  rt.ctx.info("report written to " + html.string());
  if (!o.pdf.empty()) {
    print_pdf(html, o.pdf, o.lang);
    rt.ctx.info("PDF written to " + o.pdf);
  }
  return 0;
}

cs::cli::CommandRegistration reg{
    "report", 90, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand("report", "Render a results document into one offline HTML report")
                      ->footer(
                          "Example:\n  countyscope report out/demo/results.json --html out/demo/report.html\n"
                          "  countyscope report out/demo/results.json --pdf out/demo/report.pdf --lang zh");
      auto o = std::make_shared<ReportOptions>();
      sub->add_option("results", o->results,
                      "results document (results.json) written by plan, demo or assess")
          ->required();
      sub->add_option("--html", o->html, "output HTML file (default: report.html next to the results)");
      sub->add_option("--pdf", o->pdf,
                      "also print the report to this PDF file (A4) through headless Chromium");
      sub->add_option("--lang", o->lang, "language of the PDF")
          ->check(CLI::IsMember({"en", "zh"}))
          ->capture_default_str();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
