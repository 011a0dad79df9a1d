#include "ascii_network.hpp"

#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace cs::test {

AsciiNetwork ascii_network(std::string_view art, double seconds_per_cell, cs::network::Profile profile) {
  std::vector<std::string> rows;
  std::string cur;
  for (char c : art) {
    if (c == '\n') {
      rows.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  rows.push_back(cur);
  // Drop blank lines at the start and the common indentation.
  while (!rows.empty() && rows.front().find_first_not_of(' ') == std::string::npos) rows.erase(rows.begin());
  std::size_t indent = std::string::npos;
  for (const auto& r : rows)
    if (r.find_first_not_of(' ') != std::string::npos) indent = std::min(indent, r.find_first_not_of(' '));
  for (auto& r : rows) r = r.size() > indent ? r.substr(indent) : std::string();
  auto ch = [&](std::size_t r, std::size_t c) {
    return r < rows.size() && c < rows[r].size() ? rows[r][c] : ' ';
  };
  auto is_node = [](char c) { return c != 'v' && std::isalnum(static_cast<unsigned char>(c)) != 0; };

  AsciiNetwork net;
  cs::network::GraphBuilder b(profile);
  std::map<std::pair<std::size_t, std::size_t>, NodeId> at;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c)
      if (is_node(rows[r][c])) {
        if (net.node.count(rows[r][c]))
          throw std::invalid_argument(std::string("duplicate node ") + rows[r][c]);
        const NodeId v = b.add_node(AsciiNetwork::at(static_cast<double>(r), static_cast<double>(c)),
                                    static_cast<std::int64_t>(rows[r][c]));
        net.node[rows[r][c]] = v;
        at[{r, c}] = v;
      }
  auto add = [&](NodeId u, NodeId v, std::size_t cells, std::uint8_t dirs) {
    const auto w = static_cast<Weight>(std::llround(static_cast<double>(cells) * seconds_per_cell * 1000.0));
    const double km = static_cast<double>(cells) * AsciiNetwork::kCellDeg * 111.195;
    const auto speed = static_cast<float>(
        seconds_per_cell > 0 ? km / (static_cast<double>(cells) * seconds_per_cell / 3600.0) : 0);
    b.add_edge(u, v, {}, cs::network::RoadClass::kResidential, speed, -1, dirs, w, w);
  };
  // Horizontal runs.
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      if (!is_node(ch(r, c))) continue;
      const char n = ch(r, c + 1);
      if (n != '-' && n != '>' && n != '<') continue;
      std::size_t k = c + 1;
      std::uint8_t dirs = 3;
      while (ch(r, k) == '-' || ch(r, k) == '>' || ch(r, k) == '<') {
        if (ch(r, k) == '>') dirs = 1;
        if (ch(r, k) == '<') dirs = 2;
        ++k;
      }
      if (!is_node(ch(r, k)))
        throw std::invalid_argument("dangling horizontal edge at row " + std::to_string(r) + ", col " +
                                    std::to_string(c));
      add(at[{r, c}], at[{r, k}], k - c, dirs);
    }
  // Vertical runs.
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.size());
  for (std::size_t c = 0; c < width; ++c)
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (!is_node(ch(r, c))) continue;
      const char n = ch(r + 1, c);
      if (n != '|' && n != 'v' && n != '^') continue;
      std::size_t k = r + 1;
      std::uint8_t dirs = 3;
      while (ch(k, c) == '|' || ch(k, c) == 'v' || ch(k, c) == '^') {
        if (ch(k, c) == 'v') dirs = 1;
        if (ch(k, c) == '^') dirs = 2;
        ++k;
      }
      if (!is_node(ch(k, c)))
        throw std::invalid_argument("dangling vertical edge at row " + std::to_string(r) + ", col " +
                                    std::to_string(c));
      add(at[{r, c}], at[{k, c}], k - r, dirs);
    }
  net.graph = std::move(b).finish();
  return net;
}

}  // namespace cs::test
