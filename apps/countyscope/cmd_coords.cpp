// countyscope coords: converts the coordinate columns of a CSV table between any two CRSs PROJ knows and the
// Chinese web-map offsets GCJ-02 and BD-09 (no algorithms here; see include/countyscope/io/crs.hpp).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <countyscope/core/error.hpp>
#include <countyscope/io/crs.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>

#include "command.hpp"

namespace {

struct CoordsOptions {
  std::string in, out, from, to;
  std::string x_col = "lon", y_col = "lat";
  std::string out_x, out_y;  // default: <x-col>_<tag of --to>
};

// "lon" + "wgs84" -> "lon_wgs84"; a column named lon_gcj02 converted to WGS-84 becomes lon_wgs84.
std::string output_name(const std::string& col, const std::string& from_tag, const std::string& to_tag) {
  const std::string suffix = "_" + from_tag;
  if (col.size() > suffix.size() && col.compare(col.size() - suffix.size(), suffix.size(), suffix) == 0)
    return col.substr(0, col.size() - suffix.size()) + "_" + to_tag;
  return col + "_" + to_tag;
}

int run(const CoordsOptions& o, cs::cli::Runtime& rt) {
  cs::check_output_file(o.out);
  std::error_code ec;
  if (std::filesystem::equivalent(o.in, o.out, ec))
    throw cs::UsageError("--out '" + o.out +
                         "' is the input table; write the converted table to another file");
  const cs::Crs from = cs::Crs::parse(o.from, "--from");
  const cs::Crs to = cs::Crs::parse(o.to, "--to");
  const cs::CsvTable t = cs::read_csv(o.in);
  const std::size_t cx = t.column(o.x_col), cy = t.column(o.y_col);
  const std::string nx = o.out_x.empty() ? output_name(o.x_col, from.tag(), to.tag()) : o.out_x;
  const std::string ny = o.out_y.empty() ? output_name(o.y_col, from.tag(), to.tag()) : o.out_y;
  if (nx == ny) throw cs::UsageError("--out-x and --out-y are both '" + nx + "'");
  for (const std::string& n : {nx, ny})
    if (t.find_column(n))
      throw cs::UsageError(o.in + ": header, field '" + n +
                           "': the output column already exists; name another with --out-x / --out-y");
  const cs::CoordTransform tr(from, to);
  std::vector<std::string> header = t.header;
  header.push_back(nx);
  header.push_back(ny);
  cs::CsvWriter w(header);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    double x = t.number(r, cx), y = t.number(r, cy);
    if (from.geographic() && (x < -180 || x > 180))
      throw cs::InputError(o.in + ": " + t.where(r) + ", field '" + o.x_col + "': longitude " +
                           t.text(r, cx) + " outside [-180, 180]" +
                           (std::abs(x) > 1000 ? " (projected metres? check --from)" : ""));
    if (from.geographic() && (y < -90 || y > 90))
      throw cs::InputError(o.in + ": " + t.where(r) + ", field '" + o.y_col + "': latitude " + t.text(r, cy) +
                           " outside [-90, 90]" +
                           (std::abs(y) > 1000 ? " (projected metres? check --from)" : ""));
    if (!tr.apply(x, y))
      throw cs::InputError(o.in + ": " + t.where(r) + ", fields '" + o.x_col + "', '" + o.y_col + "': (" +
                           t.text(r, cx) + ", " + t.text(r, cy) + ") cannot be transformed from " + o.from +
                           " to " + o.to);
    for (const std::string& c : t.cells[r]) w.cell(c);
    w.cell(x).cell(y);
    w.end_row();
  }
  cs::write_file_atomic(o.out, w.str());
  rt.ctx.info("coords: " + std::to_string(t.rows()) + " rows from " + o.from + " to " + o.to + " (columns " +
              nx + ", " + ny + ") -> " + o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "coords", 92, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand("coords",
                                     "Convert coordinate columns of a CSV table between CRSs: any EPSG code, "
                                     "WKT or PROJ string (CGCS2000 "
                                     "EPSG:4490, Gauss-Kruger zones, UTM, local grids) and the Chinese "
                                     "web-map offsets GCJ-02 and BD-09");
      sub->footer(
          "Examples:\n"
          "  countyscope coords --in villages.csv --x-col lon --y-col lat --from GCJ-02 --to EPSG:4326 --out "
          "villages_wgs84.csv\n"
          "  countyscope coords --in towns.csv --x-col x --y-col y --from EPSG:4548 --to GCJ-02 --out "
          "towns_gcj.csv\n"
          "The table is written whole with two columns added (default names: the input columns with the "
          "target's "
          "tag, e.g. lon_wgs84, lat_wgs84; a suffix naming the source CRS is replaced). Longitude/latitude "
          "in "
          "degrees for geographic CRSs (x = longitude), metres for projected ones. GCJ-02 and BD-09 are the "
          "identity outside mainland China's box (docs/your-county.md).");
      auto o = std::make_shared<CoordsOptions>();
      sub->add_option("--in", o->in, "input CSV table")->required()->check(cs::cli::existing_file());
      sub->add_option("--from", o->from,
                      "CRS of the input columns (EPSG:4490, GCJ-02, BD-09, WKT, PROJ string)")
          ->required();
      sub->add_option("--to", o->to, "CRS to convert to")->required();
      sub->add_option("--x-col", o->x_col, "input column: x (longitude or easting)")->capture_default_str();
      sub->add_option("--y-col", o->y_col, "input column: y (latitude or northing)")->capture_default_str();
      sub->add_option("--out-x", o->out_x, "output column for x (default: x-col with the target's tag)");
      sub->add_option("--out-y", o->out_y, "output column for y (default: y-col with the target's tag)");
      sub->add_option("--out", o->out, "output CSV")->required();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
