// The output contract: one row source per table, written to CSV, results JSON and GeoPackage.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs {

namespace {

Error internal(const std::string& message) { return Error(ErrorKind::kInternal, "outputs: " + message); }

// Rounded to `decimals` places as round(x * 10^d) / 10^d (the WKT prints 7).
double rounded(double x, int decimals) {
  double scale = 1.0;  // exact for up to 22 decimals
  for (int k = 0; k < decimals; ++k) scale *= 10.0;
  return std::round(x * scale) / scale;
}

struct Coords {
  bool round = true;
  int decimals = 7;
  [[nodiscard]] Json operator()(LonLat p) const {
    return round ? Json::array({rounded(p.lon, decimals), rounded(p.lat, decimals)})
                 : Json::array({p.lon, p.lat});
  }
};

// Rings of polygon `k` of a shape (all rings when the shape has no polygon_end).
std::vector<std::vector<LonLat>> rings_of(const Shape& s, std::size_t first_ring, std::size_t end_ring) {
  std::vector<std::vector<LonLat>> rings;
  for (std::size_t r = first_ring; r < end_ring; ++r) {
    const std::size_t a = r == 0 ? 0 : s.ring_end[r - 1], b = s.ring_end[r];
    rings.emplace_back(s.points.begin() + static_cast<std::ptrdiff_t>(a),
                       s.points.begin() + static_cast<std::ptrdiff_t>(b));
  }
  return rings;
}

std::vector<std::vector<std::vector<LonLat>>> polygons_of(const Shape& s) {
  std::vector<std::vector<std::vector<LonLat>>> polys;
  for (std::size_t p = 0; p < s.polygon_end.size(); ++p)
    polys.push_back(rings_of(s, p == 0 ? 0 : s.polygon_end[p - 1], s.polygon_end[p]));
  return polys;
}

Json rings_json(const std::vector<std::vector<LonLat>>& rings, const Coords& coordinate) {
  Json out = Json::array();
  for (const auto& ring : rings) {
    Json r = Json::array();
    for (const auto& p : ring) r.push_back(coordinate(p));
    if (!ring.empty() && !(ring.front() == ring.back())) r.push_back(coordinate(ring.front()));
    out.push_back(std::move(r));
  }
  return out;
}

bool type_matches(FieldType t, const FieldValue& v) {
  switch (t) {
    case FieldType::kInteger:
      return std::holds_alternative<std::int64_t>(v);
    case FieldType::kReal:
      return std::holds_alternative<double>(v);
    case FieldType::kString:
      return std::holds_alternative<std::string>(v);
  }
  return false;
}

const char* type_name(FieldType t) {
  switch (t) {
    case FieldType::kInteger:
      return "integer";
    case FieldType::kReal:
      return "real";
    case FieldType::kString:
      return "string";
  }
  return "?";
}

}  // namespace

Json field_json(const FieldValue& v) {
  if (std::holds_alternative<std::int64_t>(v)) return std::get<std::int64_t>(v);
  if (std::holds_alternative<double>(v)) return number_or_null(std::get<double>(v));
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  return nullptr;
}

FieldValue real_or_null(double x) { return std::isfinite(x) ? FieldValue{x} : FieldValue{}; }
FieldValue text_or_null(const std::string& s) { return s.empty() ? FieldValue{} : FieldValue{s}; }
FieldValue integer(std::int64_t x) { return FieldValue{x}; }

Json geojson_geometry(GeomType type, const Shape& s, bool round, int decimals) {
  const Coords coordinate{round, decimals};
  switch (type) {
    case GeomType::kPoint:
      if (s.points.size() != 1) throw internal("a point shape needs one point");
      return {{"type", "Point"}, {"coordinates", coordinate(s.points[0])}};
    case GeomType::kLineString: {
      Json c = Json::array();
      for (const auto& p : s.points) c.push_back(coordinate(p));
      return {{"type", "LineString"}, {"coordinates", std::move(c)}};
    }
    case GeomType::kPolygon:
      return {{"type", "Polygon"},
              {"coordinates", rings_json(rings_of(s, 0, s.ring_end.size()), coordinate)}};
    case GeomType::kMultiPolygon: {
      Json polys = Json::array();
      for (const auto& poly : polygons_of(s)) polys.push_back(rings_json(poly, coordinate));
      return {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}};
    }
  }
  throw internal("unknown geometry type");
}

// ---- Table

Table::Table(std::string table_name, std::vector<Column> cols)
    : name(std::move(table_name)), columns(std::move(cols)), csv_file(name + ".csv") {}

Table::Table(std::string table_name, GeomType g, std::vector<Column> cols)
    : name(std::move(table_name)),
      columns(std::move(cols)),
      geom(g),
      csv_file(name + ".csv"),
      json(JsonPlace::kFeatures),
      gpkg(true) {}

void Table::check(const std::vector<FieldValue>& row) const {
  if (row.size() != columns.size())
    throw internal("table " + name + ", row " + std::to_string(values_.size()) + ": " +
                   std::to_string(row.size()) + " values for " + std::to_string(columns.size()) + " columns");
  for (std::size_t k = 0; k < row.size(); ++k)
    if (!std::holds_alternative<std::monostate>(row[k]) && !type_matches(columns[k].type, row[k]))
      throw internal("table " + name + ", row " + std::to_string(values_.size()) + ", column '" +
                     columns[k].name + "': expected a " + type_name(columns[k].type) + " value");
}

void Table::add(std::vector<FieldValue> row, unsigned sinks) {
  if (geom) throw internal("table " + name + " has geometry: add(shape, row)");
  check(row);
  values_.push_back(std::move(row));
  sinks_.push_back(static_cast<unsigned char>(sinks));
}

void Table::add(Shape shape, std::vector<FieldValue> row, unsigned sinks) {
  if (!geom) throw internal("table " + name + " has no geometry");
  check(row);
  values_.push_back(std::move(row));
  shapes_.push_back(std::move(shape));
  sinks_.push_back(static_cast<unsigned char>(sinks));
}

void Table::drop_geometry() {
  geom.reset();
  shapes_.clear();
  gpkg = false;
  if (json == JsonPlace::kFeatures) json = JsonPlace::kNone;
}

std::size_t Table::column(std::string_view col) const {
  for (std::size_t k = 0; k < columns.size(); ++k)
    if (columns[k].name == col) return k;
  throw internal("table " + name + " has no column '" + std::string(col) + "'");
}

std::vector<std::size_t> Table::view(unsigned sink, const std::vector<std::string>& order) const {
  std::vector<std::size_t> cols;
  if (order.empty()) {
    for (std::size_t k = 0; k < columns.size(); ++k)
      if (columns[k].sinks & sink) cols.push_back(k);
  } else {
    for (const auto& n : order) {
      const std::size_t k = column(n);
      if (!(columns[k].sinks & sink))
        throw internal("table " + name + ": column '" + n + "' is not in this output");
      cols.push_back(k);
    }
  }
  return cols;
}

std::string Table::csv_text() const {
  const auto cols = view(kToCsv, csv_order);
  std::vector<std::string> header;
  for (std::size_t k : cols) header.push_back(columns[k].name);
  CsvWriter w(header);
  for (std::size_t r = 0; r < values_.size(); ++r) {
    if (!(sinks_[r] & kToCsv)) continue;
    for (std::size_t k : cols)
      std::visit(
          [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::monostate>)
              w.null();
            else if constexpr (std::is_same_v<V, std::int64_t>)
              w.cell(static_cast<long long>(v));
            else if constexpr (std::is_same_v<V, double>)
              w.cell(v);
            else
              w.cell(std::string_view(v));
          },
          values_[r][k]);
    w.end_row();
  }
  return w.str();
}

Json Table::json_rows() const {
  const auto cols = view(kToJson, {});
  Json rows = Json::array();
  for (std::size_t r = 0; r < values_.size(); ++r) {
    if (!(sinks_[r] & kToJson)) continue;
    Json o = Json::object();
    for (std::size_t k : cols) o[columns[k].json_key()] = field_json(values_[r][k]);
    rows.push_back(std::move(o));
  }
  return rows;
}

Json Table::feature_collection() const {
  if (!geom) throw internal("table " + name + " has no geometry");
  const auto cols = view(kToJson, {});
  Json features = Json::array();
  for (std::size_t r = 0; r < values_.size(); ++r) {
    if (!(sinks_[r] & kToJson)) continue;
    Json props = Json::object();
    for (std::size_t k : cols) props[columns[k].json_key()] = field_json(values_[r][k]);
    features.push_back(
        {{"type", "Feature"},
         {"geometry", geojson_geometry(*geom, shapes_[r], round_json_coordinates, json_decimals)},
         {"properties", std::move(props)}});
  }
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

VectorLayer Table::vector_layer() const {
  if (!geom) throw internal("table " + name + " has no geometry");
  const auto cols = view(kToGpkg, gpkg_order);
  std::vector<FieldDef> fields;
  for (std::size_t k : cols) fields.push_back({columns[k].name, columns[k].type});
  VectorLayer l(name, *geom, std::move(fields));
  for (std::size_t r = 0; r < values_.size(); ++r) {
    if (!(sinks_[r] & kToGpkg)) continue;
    if (*geom == GeomType::kPoint && shapes_[r].points.size() != 1)
      throw internal("a point shape needs one point");
    std::vector<FieldValue> v;
    v.reserve(cols.size());
    for (std::size_t k : cols) {
      const FieldValue& x = values_[r][k];
      v.push_back(std::holds_alternative<double>(x) ? real_or_null(std::get<double>(x)) : x);
    }
    l.add(shapes_[r], std::move(v));
  }
  return l;
}

Json Table::columns_json() const {
  Json a = Json::array();
  for (const auto& c : columns)
    a.push_back({{"name", c.name}, {"type", type_name(c.type)}, {"unit", c.unit}});
  return a;
}

// ---- Outputs

const Table* Outputs::find(std::string_view table_name) const {
  for (const auto& t : tables)
    if (t.name == table_name) return &t;
  return nullptr;
}

Json section_json(const Outputs& o) {
  Json s = o.section;
  for (const auto& t : o.tables) {
    if (t.json != JsonPlace::kSection) continue;
    if (t.json_key.empty() || t.json_key.front() != '/')
      throw internal("table " + t.name + ": json_key must be a JSON pointer ('/rows')");
    s[Json::json_pointer(t.json_key)] = t.json_rows();
  }
  return s;
}

void add_to_document(Json& doc, std::string_view stage, const Outputs& o) {
  doc["sections"][std::string(stage)] = section_json(o);
  if (!doc.contains("layers")) doc["layers"] = Json::object();
  for (const auto& t : o.tables)
    if (t.json == JsonPlace::kFeatures) doc["layers"][t.name] = t.feature_collection();
  for (const auto& [name, layer] : o.layers.items()) doc["layers"][name] = layer;
}

std::vector<VectorLayer> gpkg_layers(const Outputs& o) {
  std::vector<VectorLayer> out;
  for (const auto& t : o.tables)
    if (t.gpkg && t.geom) out.push_back(t.vector_layer());
  return out;
}

std::map<std::string, std::string> csv_files(const Outputs& o) {
  std::map<std::string, std::string> out;
  for (const auto& t : o.tables) {
    if (t.csv_file.empty()) continue;
    if (!out.emplace(t.csv_file, t.csv_text()).second) throw internal("two tables write " + t.csv_file);
  }
  return out;
}

void write_tables(const Outputs& o, OutputDir& out, std::string_view gpkg_file, std::string_view folder) {
  auto where = [&](std::string_view file) {
    return out.path(folder.empty() ? std::string(file) : std::string(folder) + "/" + std::string(file));
  };
  for (const auto& [file, text] : csv_files(o)) write_file(where(file), text);
  if (gpkg_file.empty()) return;
  auto layers = gpkg_layers(o);
  if (!layers.empty()) write_geopackage(where(gpkg_file), layers);
}

}  // namespace cs
