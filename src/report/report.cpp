#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/report/report.hpp>

namespace cs {
namespace fs = std::filesystem;

namespace detail {

namespace {
// Case-insensitive compare of s at pos with an ASCII lower-case needle.
bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view lower) {
  if (pos + lower.size() > s.size()) return false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    char c = s[pos + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}
}  // namespace

std::string escape_script(std::string_view js) {
  std::string out;
  out.reserve(js.size() + 16);
  for (std::size_t i = 0; i < js.size(); ++i) {
    if (js[i] == '<' && (starts_with_ci(js, i, "</script") || starts_with_ci(js, i, "</style"))) {
      out += "<\\/";
      ++i;  // skip '/'
      continue;
    }
    if (js[i] == '<' && starts_with_ci(js, i, "<!--")) {
      out += "<\\!";
      ++i;  // skip '!'
      continue;
    }
    out += js[i];
  }
  return out;
}

std::string escape_json_for_html(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 64);
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
             (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string compact_json(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      out += c;
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      out += c;
      in_string = true;
    } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      out += c;
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace detail

namespace {

// A report asset under the resource root (report/...) or node_modules/ (npm packages).
std::string read_asset(std::string_view relative) {
  const fs::path p = resource_path(relative);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    if (relative.starts_with("node_modules/"))
      throw IoError(p.string() +
                    ": report library missing; run `make deps` (npm ci) to install Leaflet and ECharts");
    throw IoError(p.string() +
                  ": report asset missing; set COUNTYSCOPE_HOME to the countyscope source or install tree");
  }
  return read_file(p);
}

// Drops "//# sourceMappingURL=..." and "/*# sourceMappingURL=... */" lines so no tool tries to fetch a map
// file.
std::string strip_source_maps(std::string text) {
  for (std::string_view marker : {"//# sourceMappingURL=", "/*# sourceMappingURL="}) {
    std::size_t pos;
    while ((pos = text.find(marker)) != std::string::npos) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      text.erase(pos, end - pos);
    }
  }
  return text;
}

// Leaflet's CSS refers to images/*.png (layer-control icon, default marker); inline them as data URIs so the
// report never asks for a file next to it.
std::string inline_css_images(const std::string& css, std::string_view base_dir) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t u = css.find("url(", pos);
    if (u == std::string::npos) break;
    const std::size_t close = css.find(')', u);
    if (close == std::string::npos) break;
    std::string ref = css.substr(u + 4, close - u - 4);
    if (!ref.empty() && (ref.front() == '"' || ref.front() == '\'')) ref = ref.substr(1, ref.size() - 2);
    out.append(css, pos, u - pos);
    if (ref.starts_with("images/")) {
      const std::string mime = ref.ends_with(".svg") ? "image/svg+xml" : "image/png";
      out += "url(data:" + mime + ";base64," + detail::base64(read_asset(std::string(base_dir) + ref)) + ")";
    } else {
      out.append(css, u, close + 1 - u);
    }
    pos = close + 1;
  }
  out.append(css, pos, std::string::npos);
  return out;
}

std::vector<fs::path> section_files() {
  const fs::path dir = resource_path("report/sections");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw IoError(dir.string() +
                  ": report sections missing; set COUNTYSCOPE_HOME to the countyscope source tree");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".js") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

}  // namespace

void check_results_document(const Json& doc, std::string_view file) {
  if (!doc.is_object())
    throw InputError(file, "", "", "expected a JSON object (a countyscope results document)");
  const auto kind = doc.find("kind");
  if (kind == doc.end() || !kind->is_string())
    throw InputError(file, "", "kind", "missing; expected one of: plan, assess");
  const std::string k = kind->get<std::string>();
  if (k != "plan" && k != "assess")
    throw InputError(file, "", "kind", "unknown value '" + k + "'; expected one of: plan, assess");
  for (const char* key : {"sections", "layers", "meta"}) {
    const auto it = doc.find(key);
    if (it != doc.end() && !it->is_object() && !it->is_null())
      throw InputError(file, "", key, "expected an object");
  }
  if (const auto a = doc.find("attribution"); a != doc.end() && !a->is_array())
    throw InputError(file, "", "attribution", "expected an array of strings");
}

std::string render_report(const Json& doc) { return render_report(doc, std::string_view()); }

std::string render_report(const Json& doc, std::string_view json_text) {
  (void)json_text;
  check_results_document(doc, "results document");
  const std::string tmpl = read_asset("report/template.html");

  std::string sections;
  for (const fs::path& f : section_files()) {
    sections += "<script>/* sections/" + f.filename().string() + " */\n" +
                detail::escape_script(read_file(f)) + "\n</script>\n";
  }
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"/*CS:LEAFLET_CSS*/",
       detail::escape_script(strip_source_maps(inline_css_images(
           read_asset("node_modules/leaflet/dist/leaflet.css"), "node_modules/leaflet/dist/")))},
      {"/*CS:STYLE_CSS*/", detail::escape_script(read_asset("report/style.css"))},
      {"/*CS:DATA_JSON*/", detail::escape_json_for_html(detail::report_json(doc))},
      {"/*CS:LEAFLET_JS*/",
       detail::escape_script(strip_source_maps(read_asset("node_modules/leaflet/dist/leaflet.js")))},
      {"/*CS:ECHARTS_JS*/",
       detail::escape_script(strip_source_maps(read_asset("node_modules/echarts/dist/echarts.min.js")))},
      {"/*CS:APP_JS*/", detail::escape_script(read_asset("report/app.js"))},
      {"/*CS:I18N_JS*/", detail::escape_script(read_asset("report/i18n.js"))},
      {"<!--CS:SECTIONS-->", sections},
  };

  // One pass over the template: each marker must appear exactly once, in this order; inserted text is never
  // scanned again (a library that happens to contain a marker string cannot break the document).
  std::string out;
  std::size_t reserve = tmpl.size();
  for (const auto& p : parts) reserve += p.second.size();
  out.reserve(reserve);
  std::size_t pos = 0;
  for (const auto& [marker, text] : parts) {
    const std::size_t at = tmpl.find(marker, pos);
    if (at == std::string::npos || tmpl.find(marker, at + marker.size()) != std::string::npos)
      throw IoError(resource_path("report/template.html") + ": marker " + marker +
                    " must appear exactly once, after the previous one");
    out.append(tmpl, pos, at - pos);
    out += text;
    pos = at + marker.size();
  }
  out.append(tmpl, pos, std::string::npos);
  return out;
}

void write_report(const Json& doc, const fs::path& html) {
  const std::string text = render_report(doc);  // render first: nothing is written on error
  if (html.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(html.parent_path(), ec);
    if (ec) throw IoError(html.parent_path().string() + ": cannot create: " + ec.message());
  }
  write_file_atomic(html, text);
}

Json parse_results(std::string_view text, std::string_view file) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error
    // ..." (or out_of_range.406 "number overflow parsing '1e400'": not only parse_error is thrown)
    std::string msg = e.what();
    if (const auto p = msg.find("] "); p != std::string::npos) msg = msg.substr(p + 2);
    if (msg.starts_with("parse error at ")) msg = msg.substr(15);
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    throw InputError(std::string(file) + ": not valid JSON: " + msg);
  }
}

}  // namespace cs
