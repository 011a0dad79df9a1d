// TNTP readers (include/countyscope/assign/tntp.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <countyscope/assign/tntp.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>

namespace cs::assign {
namespace {

std::string line_at(int n) { return "line " + std::to_string(n); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Lines of text with their 1-based numbers.
std::vector<std::pair<int, std::string_view>> lines_of(std::string_view text) {
  std::vector<std::pair<int, std::string_view>> out;
  int n = 0;
  while (!text.empty()) {
    const std::size_t e = text.find('\n');
    out.emplace_back(++n, text.substr(0, e));
    if (e == std::string_view::npos) break;
    text.remove_prefix(e + 1);
  }
  return out;
}

std::vector<std::string_view> fields_of(std::string_view s) {
  std::vector<std::string_view> f;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    const std::size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') ++i;
    if (i > b) f.push_back(s.substr(b, i - b));
  }
  return f;
}

// The project's one strict number parser (io/csv.hpp), after TNTP's own trimming (which also drops '\r').
std::optional<double> to_double(std::string_view s) { return parse_double(trim(s)); }

std::optional<std::int64_t> to_int(std::string_view s) {
  s = trim(s);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct Metadata {
  std::map<std::string, std::pair<std::string, int>, std::less<>> values;  // key -> (value, line)
  std::size_t body = 0;                                                    // index of the first body line
};

// The `<KEY> value` lines up to `<END OF METADATA>`.
Metadata read_metadata(const std::vector<std::pair<int, std::string_view>>& lines, const std::string& file) {
  Metadata m;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto [n, raw] = lines[i];
    const std::string_view s = trim(raw);
    if (s.empty()) continue;
    if (s.front() != '<')
      throw InputError(file, line_at(n), "metadata", "expected '<KEY> value' or <END OF METADATA>");
    const std::size_t close = s.find('>');
    if (close == std::string_view::npos)
      throw InputError(file, line_at(n), "metadata", "no '>' after the key");
    const std::string key(s.substr(1, close - 1));
    if (key == "END OF METADATA") {
      m.body = i + 1;
      return m;
    }
    m.values[key] = {std::string(trim(s.substr(close + 1))), n};
  }
  throw InputError(file, "", "metadata", "no <END OF METADATA> line");
}

std::int64_t meta_int(const Metadata& m, const std::string& file, const std::string& key, std::int64_t lo,
                      std::int64_t hi) {
  const auto it = m.values.find(key);
  if (it == m.values.end()) throw InputError(file, "metadata", key, "missing");
  const auto v = to_int(it->second.first);
  if (!v || *v < lo || *v > hi)
    throw InputError(file, line_at(it->second.second), key,
                     "expected a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                         "], got '" + it->second.first + "'");
  return *v;
}

// Text before a `~` comment.
std::string_view strip_comment(std::string_view s) {
  const std::size_t c = s.find('~');
  return trim(c == std::string_view::npos ? s : s.substr(0, c));
}

constexpr const char* kNetFields[] = {"init_node", "term_node", "capacity", "length", "free_flow_time",
                                      "b",         "power",     "speed",    "toll",   "link_type"};

}  // namespace

Network parse_tntp_network(const std::string& text, const std::string& file) {
  const auto lines = lines_of(text);
  const Metadata meta = read_metadata(lines, file);
  Network net;
  net.file = file;
  constexpr std::int64_t kMaxNodes = 100000000;
  net.zones = static_cast<std::int32_t>(meta_int(meta, file, "NUMBER OF ZONES", 1, kMaxNodes));
  net.nodes = static_cast<std::int32_t>(meta_int(meta, file, "NUMBER OF NODES", 1, kMaxNodes));
  if (net.zones > net.nodes)
    throw InputError(
        file, line_at(meta.values.find("NUMBER OF ZONES")->second.second), "NUMBER OF ZONES",
        "more zones (" + std::to_string(net.zones) + ") than nodes (" + std::to_string(net.nodes) + ")");
  net.first_thru_node =
      static_cast<std::int32_t>(meta_int(meta, file, "FIRST THRU NODE", 1, std::int64_t{net.nodes} + 1));
  const std::int64_t n_links = meta_int(meta, file, "NUMBER OF LINKS", 0, 1000000000);
  std::unordered_map<std::int64_t, int> seen;  // from * (nodes + 1) + to -> line
  for (std::size_t i = meta.body; i < lines.size(); ++i) {
    const int n = lines[i].first;
    std::string_view s = strip_comment(lines[i].second);
    if (s.empty()) continue;
    if (s.back() != ';') throw InputError(file, line_at(n), "link", "a link line must end with ';'");
    s.remove_suffix(1);
    const auto f = fields_of(s);
    if (f.size() != 10)
      throw InputError(file, line_at(n), "link",
                       "expected 10 fields (init_node term_node capacity length free_flow_time b power speed "
                       "toll link_type), got " +
                           std::to_string(f.size()));
    Link l;
    l.line = n;
    for (int k = 0; k < 2; ++k) {
      const auto v = to_int(f[static_cast<std::size_t>(k)]);
      if (!v || *v < 1 || *v > net.nodes)
        throw InputError(file, line_at(n), kNetFields[k],
                         "unknown node '" + std::string(f[static_cast<std::size_t>(k)]) +
                             "' (nodes are 1 to " + std::to_string(net.nodes) + ")");
      (k == 0 ? l.from : l.to) = static_cast<std::int32_t>(*v);
    }
    if (l.from == l.to) throw InputError(file, line_at(n), "term_node", "a link from a node to itself");
    double v[10] = {};
    for (std::size_t k = 2; k < 10; ++k) {
      if (k == 9) break;  // link_type: any text
      const auto d = to_double(f[k]);
      if (!d)
        throw InputError(file, line_at(n), kNetFields[k], "not a finite number: '" + std::string(f[k]) + "'");
      v[k] = *d;
    }
    l.capacity = v[2];
    l.length = v[3];
    l.free_flow_time = v[4];
    l.b = v[5];
    l.power = v[6];
    if (!(l.capacity > 0))
      throw InputError(file, line_at(n), "capacity", "must be above 0, got " + std::string(f[2]));
    if (l.length < 0) throw InputError(file, line_at(n), "length", "negative: " + std::string(f[3]));
    if (l.free_flow_time < 0)
      throw InputError(file, line_at(n), "free_flow_time", "negative: " + std::string(f[4]));
    if (l.b < 0) throw InputError(file, line_at(n), "b", "negative: " + std::string(f[5]));
    if (l.power != 0 && !(l.power >= 1 && l.power <= 20))
      throw InputError(file, line_at(n), "power",
                       "expected 0 or a number in [1, 20], got " + std::string(f[6]));
    const std::int64_t key = std::int64_t{l.from} * (std::int64_t{net.nodes} + 1) + l.to;
    const auto [it, fresh] = seen.emplace(key, n);
    if (!fresh)
      throw InputError(file, line_at(n), "term_node",
                       "duplicate link " + std::to_string(l.from) + " -> " + std::to_string(l.to) +
                           " (first on line " + std::to_string(it->second) + ")");
    net.links.push_back(l);
  }
  if (static_cast<std::int64_t>(net.links.size()) != n_links)
    throw InputError(file, line_at(meta.values.find("NUMBER OF LINKS")->second.second), "NUMBER OF LINKS",
                     "says " + std::to_string(n_links) + " but the file has " +
                         std::to_string(net.links.size()) + " links");
  return net;
}

Trips parse_tntp_trips(const std::string& text, const std::string& file, const Network& net) {
  const auto lines = lines_of(text);
  const Metadata meta = read_metadata(lines, file);
  Trips t;
  t.file = file;
  t.zones = static_cast<std::int32_t>(meta_int(meta, file, "NUMBER OF ZONES", 1, 100000000));
  if (t.zones != net.zones)
    throw InputError(file, line_at(meta.values.find("NUMBER OF ZONES")->second.second), "NUMBER OF ZONES",
                     std::to_string(t.zones) + " zones, but the network " + net.file + " has " +
                         std::to_string(net.zones));
  const std::size_t z = static_cast<std::size_t>(t.zones);
  t.demand.assign(z * z, 0.0);
  std::vector<unsigned char> given(z * z, 0);
  std::vector<unsigned char> origin_seen(z, 0);
  std::int64_t origin = 0;
  for (std::size_t i = meta.body; i < lines.size(); ++i) {
    const int n = lines[i].first;
    std::string_view s = strip_comment(lines[i].second);
    if (s.empty()) continue;
    if (s.substr(0, 6) == "Origin") {
      const auto v = to_int(s.substr(6));
      if (!v || *v < 1 || *v > t.zones)
        throw InputError(file, line_at(n), "Origin",
                         "unknown zone '" + std::string(trim(s.substr(6))) + "' (zones are 1 to " +
                             std::to_string(t.zones) + ")");
      origin = *v;
      if (origin_seen[static_cast<std::size_t>(origin - 1)])
        throw InputError(file, line_at(n), "Origin", "zone " + std::to_string(origin) + " given twice");
      origin_seen[static_cast<std::size_t>(origin - 1)] = 1;
      continue;
    }
    if (origin == 0)
      throw InputError(file, line_at(n), "Origin", "an OD entry before the first 'Origin' line");
    if (s.back() != ';')
      throw InputError(file, line_at(n), "demand", "an entry 'zone : trips' must end with ';'");
    while (!s.empty()) {
      const std::size_t semi = s.find(';');
      const std::string_view entry = trim(s.substr(0, semi));
      s = semi == std::string_view::npos ? std::string_view{} : s.substr(semi + 1);
      if (entry.empty()) continue;
      const std::size_t colon = entry.find(':');
      if (colon == std::string_view::npos)
        throw InputError(file, line_at(n), "demand",
                         "expected 'zone : trips;', got '" + std::string(entry) + "'");
      const auto d = to_int(entry.substr(0, colon));
      if (!d || *d < 1 || *d > t.zones)
        throw InputError(file, line_at(n), "destination",
                         "unknown zone '" + std::string(trim(entry.substr(0, colon))) + "' (zones are 1 to " +
                             std::to_string(t.zones) + ")");
      const auto q = to_double(entry.substr(colon + 1));
      if (!q || *q < 0)
        throw InputError(file, line_at(n), "demand",
                         "expected trips >= 0, got '" + std::string(trim(entry.substr(colon + 1))) + "'");
      const std::size_t k = static_cast<std::size_t>(origin - 1) * z + static_cast<std::size_t>(*d - 1);
      if (given[k])
        throw InputError(file, line_at(n), "destination",
                         "trips " + std::to_string(origin) + " -> " + std::to_string(*d) + " given twice");
      given[k] = 1;
      t.demand[k] = *q;
    }
  }
  for (const double q : t.demand) t.total += q;
  if (const auto it = meta.values.find("TOTAL OD FLOW"); it != meta.values.end()) {
    const auto said = to_double(it->second.first);
    if (!said || std::abs(*said - t.total) > 1e-6 * std::max(1.0, t.total))
      throw InputError(file, line_at(it->second.second), "TOTAL OD FLOW",
                       "says " + it->second.first + " but the entries add up to " + std::to_string(t.total));
  }
  return t;
}

Network read_tntp_network(const std::string& path) { return parse_tntp_network(read_file(path), path); }

Trips read_tntp_trips(const std::string& path, const Network& net) {
  return parse_tntp_trips(read_file(path), path, net);
}

LinkFlows read_tntp_flows(const std::string& path, const Network& net) {
  const std::string text = read_file(path);
  const auto lines = lines_of(text);
  std::unordered_map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < net.links.size(); ++i)
    index[std::int64_t{net.links[i].from} * (std::int64_t{net.nodes} + 1) + net.links[i].to] = i;
  LinkFlows out;
  out.flow.assign(net.links.size(), std::nan(""));
  out.cost.assign(net.links.size(), std::nan(""));
  bool header = false;
  for (const auto& [n, raw] : lines) {
    const std::string_view s = strip_comment(raw);
    if (s.empty()) continue;
    const auto f = fields_of(s);
    if (!header) {
      if (f.size() < 4 || f[0] != "From" || f[1] != "To" || f[2] != "Volume" || f[3] != "Cost")
        throw InputError(path, line_at(n), "header", "expected 'From To Volume Cost'");
      header = true;
      continue;
    }
    if (f.size() != 4) throw InputError(path, line_at(n), "link", "expected 4 fields (From To Volume Cost)");
    const auto a = to_int(f[0]), b = to_int(f[1]);
    const auto v = to_double(f[2]), c = to_double(f[3]);
    if (!a || !b) throw InputError(path, line_at(n), "From", "not a node id");
    const auto it = index.find(*a * (std::int64_t{net.nodes} + 1) + *b);
    if (*a < 1 || *b < 1 || *a > net.nodes || *b > net.nodes || it == index.end())
      throw InputError(path, line_at(n), "To",
                       "no link " + std::string(f[0]) + " -> " + std::string(f[1]) + " in " + net.file);
    if (!v || *v < 0) throw InputError(path, line_at(n), "Volume", "expected a flow >= 0");
    if (!c) throw InputError(path, line_at(n), "Cost", "not a finite number");
    if (!std::isnan(out.flow[it->second]))
      throw InputError(path, line_at(n), "To",
                       "link " + std::string(f[0]) + " -> " + std::string(f[1]) + " twice");
    out.flow[it->second] = *v;
    out.cost[it->second] = *c;
  }
  for (std::size_t i = 0; i < net.links.size(); ++i)
    if (std::isnan(out.flow[i]))
      throw InputError(
          path, "", "",
          "no flow for link " + std::to_string(net.links[i].from) + " -> " + std::to_string(net.links[i].to));
  return out;
}

std::vector<LonLat> read_tntp_nodes(const std::string& path, const Network& net) {
  const std::string text = read_file(path);
  std::vector<LonLat> out(static_cast<std::size_t>(net.nodes));
  std::vector<int> line_of(static_cast<std::size_t>(net.nodes), 0);
  bool header = false;
  for (const auto& [n, raw] : lines_of(text)) {
    std::string_view s = strip_comment(raw);
    if (s.empty()) continue;
    if (s.back() == ';') s.remove_suffix(1);
    const auto f = fields_of(s);
    if (!header) {
      if (f.size() != 3 || (f[0] != "Node" && f[0] != "node"))
        throw InputError(path, line_at(n), "header", "expected 'Node X Y ;'");
      header = true;
      continue;
    }
    if (f.size() != 3) throw InputError(path, line_at(n), "node", "expected 3 fields (Node X Y) and ';'");
    const auto id = to_int(f[0]);
    if (!id || *id < 1 || *id > net.nodes)
      throw InputError(
          path, line_at(n), "Node",
          "unknown node '" + std::string(f[0]) + "' (nodes are 1 to " + std::to_string(net.nodes) + ")");
    const auto i = static_cast<std::size_t>(*id - 1);
    if (line_of[i] != 0)
      throw InputError(
          path, line_at(n), "Node",
          "node " + std::string(f[0]) + " given twice (first on line " + std::to_string(line_of[i]) + ")");
    const auto x = to_double(f[1]), y = to_double(f[2]);
    if (!x || *x < -180 || *x > 180)
      throw InputError(path, line_at(n), "X",
                       "expected a WGS84 longitude in [-180, 180] degrees, got '" + std::string(f[1]) + "'");
    if (!y || *y < -90 || *y > 90)
      throw InputError(path, line_at(n), "Y",
                       "expected a WGS84 latitude in [-90, 90] degrees, got '" + std::string(f[2]) + "'");
    out[i] = {*x, *y};
    line_of[i] = n;
  }
  for (std::size_t i = 0; i < line_of.size(); ++i)
    if (line_of[i] == 0)
      throw InputError(path, "", "Node", "no coordinates for node " + std::to_string(i + 1));
  return out;
}

}  // namespace cs::assign
