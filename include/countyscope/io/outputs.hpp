// The one output contract of every stage: Outputs{section, tables, layers}.
//
// A table is declared once — columns with name, type and unit — and filled from one row source. From those
// rows come its CSV file, its rows in the results JSON (an array in the stage's section, or a GeoJSON
// FeatureCollection in the document's "layers" when it has geometry) and its GeoPackage layer (when it has
// geometry). A column or a row can be left out of an output (`sinks`), a column can have another JSON key and
// an output can list its columns in its own order, so existing files keep their exact layout; the values
// themselves are never computed twice. Non-finite reals are null in JSON and GeoPackage and empty in CSV.
//
// A stage (access, structure, flows, ...) returns one Outputs; a command writes it (write_outputs) and the
// plan merges the stages' Outputs into one document, one GeoPackage and one set of CSV files
// (add_to_document, gpkg_layers, csv_files).
//
// Example:
//   cs::Outputs o;
//   o.section = {{"villages", 2}};
//   cs::Table& t = o.add(cs::Table("villages", cs::GeomType::kPoint,
//                                  {{"name", cs::FieldType::kString},
//                                   {"pop", cs::FieldType::kReal, "persons"},
//                                   {"time_to_seat_s", cs::FieldType::kReal, "s", cs::kToCsv}}));
//   t.add(cs::Shape::point({9.52, 47.14}), {std::string("Vaduz"), 5696.0, 312.5});
//   cs::Json doc = cs::new_results_document("villages");
//   cs::add_to_document(doc, "villages", o);       // sections.villages + layers.villages (GeoJSON)
//   cs::write_tables(o, out, "villages.gpkg");      // villages.csv + villages.gpkg in an OutputDir
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <countyscope/core/types.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/results.hpp>

namespace cs {

class OutputDir;

// Outputs a column or row goes to (bit set).
enum Sink : unsigned { kToCsv = 1u, kToJson = 2u, kToGpkg = 4u, kToAll = 7u };

struct Column {
  Column(std::string column_name, FieldType column_type, std::string column_unit = {}, unsigned to = kToAll,
         std::string json_key_name = {})
      : name(std::move(column_name)),
        type(column_type),
        unit(std::move(column_unit)),
        sinks(to),
        json_name(std::move(json_key_name)) {}

  std::string name;  // CSV header and GeoPackage field; JSON key unless json_name is set
  FieldType type = FieldType::kReal;
  std::string unit;  // "s", "m", "min", "persons", "share", ... ; "" for ids, names, counts and codes
  unsigned sinks = kToAll;
  std::string json_name;  // JSON key when it differs from name

  [[nodiscard]] const std::string& json_key() const { return json_name.empty() ? name : json_name; }
};

// Where a table's rows go in the results JSON.
enum class JsonPlace {
  kNone,      // not in the results document
  kSection,   // an array of row objects at the JSON pointer `json_key` of the stage's section ("/balance")
  kFeatures,  // a GeoJSON FeatureCollection at document "layers"/name (tables with geometry)
};

class Table {
 public:
  // A table without geometry: CSV file NAME.csv and, when json_key is set, rows in the section.
  Table(std::string name, std::vector<Column> columns);
  // A layer: rows carry a Shape; GeoPackage layer NAME, GeoJSON layer NAME in the document and NAME.csv.
  Table(std::string name, GeomType geom, std::vector<Column> columns);

  std::string name;
  std::vector<Column> columns;
  std::optional<GeomType> geom;  // set: a layer, every row has a shape
  std::string csv_file;          // "" = no CSV file
  JsonPlace json = JsonPlace::kNone;
  std::string json_key;  // for kSection: a JSON pointer into the section ("/audit/rows")
  bool gpkg = false;     // a GeoPackage layer (tables with geometry only)
  // GeoJSON coordinates rounded to json_decimals (7 = the WKT's precision); false = as given.
  bool round_json_coordinates = true;
  int json_decimals = 7;

  // An output's own column order (names of columns that go to it); empty = declaration order.
  std::vector<std::string> csv_order, gpkg_order;

  // Appends a row (one value per column, in declaration order; std::monostate = null). The value's type must
  // be the column's (std::int64_t for kInteger, double for kReal, std::string for kString) or null: a
  // mismatch is an internal error naming table, column and row.
  void add(std::vector<FieldValue> row, unsigned sinks = kToAll);
  void add(Shape shape, std::vector<FieldValue> row, unsigned sinks = kToAll);
  // Leaves the table without geometry (its CSV and section rows stay): positions are not known.
  void drop_geometry();

  [[nodiscard]] std::size_t rows() const noexcept { return values_.size(); }
  [[nodiscard]] const std::vector<FieldValue>& row(std::size_t r) const { return values_[r]; }
  [[nodiscard]] std::size_t column(std::string_view name) const;  // internal error if missing

  // The outputs, each from the same rows.
  [[nodiscard]] std::string csv_text() const;      // header + rows going to CSV
  [[nodiscard]] Json json_rows() const;            // [{key: value, ...}, ...] of the JSON columns and rows
  [[nodiscard]] Json feature_collection() const;   // {"type": "FeatureCollection", "features": [...]}
  [[nodiscard]] VectorLayer vector_layer() const;  // GeoPackage layer of the GPKG columns and rows
  // Columns as JSON ([{name, type, unit}]) for documentation and schema checks.
  [[nodiscard]] Json columns_json() const;

 private:
  void check(const std::vector<FieldValue>& row) const;
  std::vector<std::size_t> view(unsigned sink, const std::vector<std::string>& order) const;
  std::vector<std::vector<FieldValue>> values_;
  std::vector<Shape> shapes_;
  std::vector<unsigned char> sinks_;
};

// FieldValue as JSON: null for std::monostate and non-finite reals.
Json field_json(const FieldValue& v);
// A finite double, else null.
FieldValue real_or_null(double x);
// Empty string -> null, else the string.
FieldValue text_or_null(const std::string& s);
FieldValue integer(std::int64_t x);
// GeoJSON geometry of a shape.
Json geojson_geometry(GeomType type, const Shape& s, bool round_coordinates = true, int decimals = 7);

struct Outputs {
  Json section = Json::object();  // sections.<stage>: facts, configuration, summaries
  std::vector<Table> tables;      // tables and layers, in the order their files and layers are written
  Json layers = Json::object();  // map layers that are not a table's rows (aggregated views): name -> GeoJSON

  Table& add(Table t) { return tables.emplace_back(std::move(t)); }
  [[nodiscard]] const Table* find(std::string_view name) const;
};

// The results section of a stage: section plus every table with JsonPlace::kSection at its key.
Json section_json(const Outputs& o);
// Puts the stage into a results document: doc.sections[stage] = section_json(o) (replacing it), every layer
// with JsonPlace::kFeatures and o.layers into doc.layers.
void add_to_document(Json& doc, std::string_view stage, const Outputs& o);
// The GeoPackage layers of o, in table order.
std::vector<VectorLayer> gpkg_layers(const Outputs& o);
// CSV files of o: file name -> text. Two tables with the same file name are an internal error.
std::map<std::string, std::string> csv_files(const Outputs& o);
// Writes every CSV file and, when o has GeoPackage layers and gpkg_file is not empty, the GeoPackage into out
// (staged; the caller commits), inside `folder` of it when given ("national").
void write_tables(const Outputs& o, OutputDir& out, std::string_view gpkg_file, std::string_view folder = {});

}  // namespace cs
