// Weights from files (GAL, GWT) and polygon contiguity (queen, rook); transforms of weights.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

std::string_view to_string(WeightsTransform t) {
  switch (t) {
    case WeightsTransform::kRow:
      return "row";
    case WeightsTransform::kBinary:
      return "binary";
    case WeightsTransform::kNone:
      return "none";
  }
  return "";
}

namespace {
void count_islands(Weights& w) {
  w.islands = 0;
  for (std::size_t i = 0; i < w.n; ++i)
    if (w.first[i] == w.first[i + 1]) ++w.islands;
}

// CSR from per-row (j, w) lists (sorted by j here).
Weights from_rows(std::vector<std::vector<std::pair<std::uint32_t, double>>>& rows, std::string spec) {
  Weights w;
  w.n = rows.size();
  w.spec = std::move(spec);
  w.first.assign(w.n + 1, 0);
  for (std::size_t i = 0; i < w.n; ++i) {
    auto& r = rows[i];
    std::sort(r.begin(), r.end());
    for (auto [j, v] : r) {
      w.nbr.push_back(j);
      w.w.push_back(v);
    }
    w.first[i + 1] = w.nbr.size();
  }
  count_islands(w);
  return w;
}
}  // namespace

Weights transformed(const Weights& in, WeightsTransform t) {
  Weights w = in;
  if (t == WeightsTransform::kBinary) std::fill(w.w.begin(), w.w.end(), 1.0);
  if (t == WeightsTransform::kRow)
    for (std::size_t i = 0; i < w.n; ++i) {
      double s = 0;
      for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) s += w.w[a];
      if (s > 0)
        for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) w.w[a] /= s;
    }
  count_islands(w);
  return w;
}

Weights with_self(const Weights& in) {
  std::vector<std::vector<std::pair<std::uint32_t, double>>> rows(in.n);
  for (std::size_t i = 0; i < in.n; ++i) {
    bool self = false;
    for (std::size_t a = in.first[i]; a < in.first[i + 1]; ++a) {
      rows[i].emplace_back(in.nbr[a], in.w[a]);
      self = self || in.nbr[a] == i;
    }
    if (!self) rows[i].emplace_back(static_cast<std::uint32_t>(i), 1.0);
  }
  return from_rows(rows, in.spec + " + self");
}

bool symmetric_links(const Weights& w) {
  for (std::size_t i = 0; i < w.n; ++i)
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
      const std::uint32_t j = w.nbr[a];
      const auto b = w.nbr.begin() + static_cast<std::ptrdiff_t>(w.first[j]);
      const auto e = w.nbr.begin() + static_cast<std::ptrdiff_t>(w.first[j + 1]);
      if (!std::binary_search(b, e, static_cast<std::uint32_t>(i))) return false;
    }
  return true;
}

Weights contiguity_weights(const std::vector<std::vector<std::vector<std::vector<LonLat>>>>& polys,
                           bool queen) {
  // (key, polygon) for every vertex (queen) or every edge (rook); polygons with the same key touch.
  using Key = std::pair<std::uint64_t, std::uint64_t>;
  auto vkey = [](const LonLat& p) {
    // +0.0 and -0.0 are the same vertex.
    return Key{std::bit_cast<std::uint64_t>(p.lon + 0.0), std::bit_cast<std::uint64_t>(p.lat + 0.0)};
  };
  std::vector<std::pair<std::array<std::uint64_t, 4>, std::uint32_t>> keys;
  for (std::size_t i = 0; i < polys.size(); ++i)
    for (const auto& poly : polys[i])
      for (const auto& ring : poly)
        for (std::size_t a = 0; a < ring.size(); ++a) {
          const Key k1 = vkey(ring[a]);
          if (queen) {
            keys.push_back({{k1.first, k1.second, 0, 0}, static_cast<std::uint32_t>(i)});
            continue;
          }
          const Key k2 = vkey(ring[(a + 1) % ring.size()]);
          if (k1 == k2) continue;
          const Key lo = std::min(k1, k2), hi = std::max(k1, k2);
          keys.push_back({{lo.first, lo.second, hi.first, hi.second}, static_cast<std::uint32_t>(i)});
        }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
  for (std::size_t a = 0; a < keys.size();) {
    std::size_t b = a;
    while (b < keys.size() && keys[b].first == keys[a].first) ++b;
    for (std::size_t x = a; x < b; ++x)
      for (std::size_t y = a; y < b; ++y)
        if (keys[x].second != keys[y].second) links.emplace_back(keys[x].second, keys[y].second);
    a = b;
  }
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
  std::vector<std::vector<std::pair<std::uint32_t, double>>> rows(polys.size());
  for (auto [i, j] : links) rows[i].emplace_back(j, 1.0);
  return from_rows(rows, queen ? "queen" : "rook");
}

namespace {
std::string base_name(const std::string& path) {
  const auto s = path.find_last_of('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}
std::string lower_ext(const std::string& path) {
  const auto d = path.find_last_of('.');
  std::string e = d == std::string::npos ? "" : path.substr(d + 1);
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}
std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}
}  // namespace

std::string weights_file_header(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError("cannot read weights file " + path);
  std::string line;
  std::getline(in, line);
  const auto w = words(line);
  return w.size() >= 4 ? w[3] : "";
}

Weights read_weights_file(const std::string& path, const std::vector<std::string>& ids,
                          const std::string& id_field) {
  const std::string ext = lower_ext(path), file = base_name(path);
  const bool gal = ext == "gal";
  if (!gal && ext != "gwt" && ext != "kwt")
    throw InputError(file, "", "", "not a weights file: expected .gal, .gwt or .kwt");
  std::ifstream in(path);
  if (!in) throw IoError("cannot read weights file " + path);
  // Without an id field the ids are row numbers, 1 .. n; a file naming a unit 0 numbers them 0 .. n - 1
  // (libpysal's numbering of files without an id field, e.g. states48.gal).
  bool from_zero = false;
  if (id_field.empty()) {
    std::string l;
    std::getline(in, l);
    bool entry = true;  // GAL: an "id count" line, then (count > 0) the next line: the neighbours
    while (!from_zero && std::getline(in, l)) {
      const auto h = words(l);
      if (gal && !entry) {
        for (const std::string& x : h) from_zero = from_zero || x == "0";
        entry = true;
        continue;
      }
      if (h.empty()) continue;
      from_zero = h[0] == "0" || (!gal && h.size() > 1 && h[1] == "0");
      if (gal) entry = !(h.size() > 1 && h[1] != "0");
    }
    in.clear();
    in.seekg(0);
  }
  const std::string field =
      id_field.empty() ? std::string(from_zero ? "row number from 0" : "row number") : id_field;
  std::unordered_map<std::string, std::uint32_t> row_of;
  for (std::size_t i = 0; i < ids.size(); ++i)
    row_of.emplace(from_zero ? std::to_string(i) : ids[i], static_cast<std::uint32_t>(i));
  auto lookup = [&](const std::string& id, std::size_t line_no) {
    auto it = row_of.find(id);
    if (it == row_of.end())
      throw InputError(file, "line " + std::to_string(line_no), field, "id '" + id + "' is not in the table");
    return it->second;
  };
  std::string line;
  std::size_t line_no = 1;
  if (!std::getline(in, line)) throw InputError(file, "line 1", "", "empty file; a header 'n' is expected");
  const auto head = words(line);
  const std::size_t count_at = head.size() >= 2 ? 1 : 0;
  const auto declared = head.empty() ? std::nullopt : parse_double(head[count_at]);
  if (!declared || *declared < 0 || *declared != std::floor(*declared))
    throw InputError(file, "line 1", "", "header '" + line + "': the number of units is expected");
  if (static_cast<std::size_t>(*declared) != ids.size())
    throw InputError(
        file, "line 1", "",
        "declares " + head[count_at] + " units but the table has " + std::to_string(ids.size()) + " rows");
  std::vector<std::vector<std::pair<std::uint32_t, double>>> rows(ids.size());
  std::vector<std::size_t> entry_line(ids.size(), 0);
  if (gal) {
    while (std::getline(in, line)) {
      ++line_no;
      const auto h = words(line);
      if (h.empty()) continue;
      const std::size_t at = line_no;
      const auto k = h.size() == 2 ? parse_double(h[1]) : std::nullopt;
      if (!k || *k < 0 || *k != std::floor(*k))
        throw InputError(file, "line " + std::to_string(at), field,
                         "'" + line + "': 'id number-of-neighbours' is expected");
      const std::uint32_t i = lookup(h[0], at);
      if (entry_line[i] != 0)
        throw InputError(
            file, "line " + std::to_string(at), field,
            "id '" + h[0] + "' has a second entry (first at line " + std::to_string(entry_line[i]) + ")");
      entry_line[i] = at;
      std::vector<std::string> nb;
      if (*k > 0) {
        if (!std::getline(in, line)) line.clear();
        ++line_no;
        nb = words(line);
      }
      if (nb.size() != static_cast<std::size_t>(*k))
        throw InputError(file, "line " + std::to_string(line_no), field,
                         "id '" + h[0] + "' announces " + h[1] + " neighbours but its row lists " +
                             std::to_string(nb.size()));
      for (const std::string& id : nb) {
        const std::uint32_t j = lookup(id, line_no);
        if (j == i)
          throw InputError(file, "line " + std::to_string(line_no), field, "id '" + id + "' lists itself");
        rows[i].emplace_back(j, 1.0);
      }
    }
  } else {
    std::vector<std::size_t> seen_line;
    while (std::getline(in, line)) {
      ++line_no;
      const auto h = words(line);
      if (h.empty()) continue;
      const std::string where = "line " + std::to_string(line_no);
      if (h.size() != 3)
        throw InputError(file, where, field, "'" + line + "': 'id neighbour weight' is expected");
      const std::uint32_t i = lookup(h[0], line_no), j = lookup(h[1], line_no);
      const auto v = parse_double(h[2]);
      if (!v || !std::isfinite(*v) || *v < 0)
        throw InputError(
            file, where, field,
            "weight '" + h[2] + "' of " + h[0] + " -> " + h[1] + ": a finite number >= 0 is expected");
      if (i == j) throw InputError(file, where, field, "id '" + h[0] + "' lists itself");
      entry_line[i] = line_no;
      rows[i].emplace_back(j, *v);
    }
  }
  if (gal)
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (entry_line[i] == 0)
        throw InputError(file, "", field,
                         "the table's id '" + ids[i] + "' (row " + std::to_string(i + 1) + ") has no entry");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto& r = rows[i];
    std::sort(r.begin(), r.end());
    for (std::size_t a = 1; a < r.size(); ++a)
      if (r[a].first == r[a - 1].first)
        throw InputError(file, "line " + std::to_string(entry_line[i]), field,
                         "id '" + ids[i] + "' lists '" + ids[r[a].first] + "' twice");
  }
  Weights w = from_rows(rows, file);
  if (gal)
    for (std::size_t i = 0; i < w.n; ++i)
      for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
        const std::uint32_t j = w.nbr[a];
        const auto b = w.nbr.begin() + static_cast<std::ptrdiff_t>(w.first[j]);
        const auto e = w.nbr.begin() + static_cast<std::ptrdiff_t>(w.first[j + 1]);
        if (!std::binary_search(b, e, static_cast<std::uint32_t>(i)))
          throw InputError(file, "line " + std::to_string(entry_line[i] + 1), field,
                           "asymmetric: id '" + ids[i] + "' lists '" + ids[j] + "' but '" + ids[j] +
                               "' does not list '" + ids[i] +
                               "' (a GAL file holds contiguity, which is symmetric)");
      }
  return w;
}

}  // namespace cs::assess
