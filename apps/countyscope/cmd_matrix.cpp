// countyscope matrix: travel times between two point files on a saved graph (snapped onto the nearest edge,
// with access legs), as a long or wide CSV. Empty time = no path (or beyond --cutoff-min). The options are
// the registry's [matrix] and [snap] tables (docs/options.md), the same as the plan's and Python's.
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/plan/plan.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct MatrixCliOptions {
  std::string graph, from, to, out, format = "long";
  std::shared_ptr<cs::MatrixCutoff> cutoff = std::make_shared<cs::MatrixCutoff>();
  std::shared_ptr<cs::network::SnapOptions> snap = std::make_shared<cs::network::SnapOptions>();
  std::vector<cs::cli::BoundOptions> given;
};

struct Points {
  std::vector<std::string> id;
  std::vector<cs::LonLat> pos;
  std::vector<std::size_t> line;
};

Points read_points(const std::string& path) {
  const cs::CsvTable t = cs::read_csv(path);
  const std::size_t ci = t.column("id"), cx = t.column("lon"), cy = t.column("lat");
  Points p;
  (void)t.unique_index(ci);  // each id names one row of the output
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const double lon = t.number(r, cx, cs::limits::kLongitude), lat = t.number(r, cy, cs::limits::kLatitude);
    p.id.push_back(t.text(r, ci));
    p.pos.push_back({lon, lat});
    p.line.push_back(t.line[r]);
  }
  if (p.id.empty())
    throw cs::InputError(path, "", "", "no points (expected columns id,lon,lat and at least one row)");
  return p;
}

// Minutes to 1e-5 (0.6 ms; the graph's unit is 1 ms); +inf stays and is written as an empty cell.
double mins(float t) {
  return std::isfinite(t) ? std::round(static_cast<double>(t) / 60.0 * 1e5) / 1e5 : static_cast<double>(t);
}

int run(const MatrixCliOptions& o, cs::cli::Runtime& rt) {
  for (const auto& g : o.given) g.apply();
  cs::check_output_file(o.out);  // a device, link or folder is refused before the work
  const cs::network::RoadGraph g = cs::load_graph(o.graph);
  const Points a = read_points(o.from), b = read_points(o.to);
  const cs::network::SnapIndex index(g);
  for (const auto& [path, pts] : {std::pair{o.from, &a}, std::pair{o.to, &b}})
    if (const auto i = index.first_outside(pts->pos))
      throw cs::InputError(path, "line " + std::to_string(pts->line[*i]), "lon,lat",
                           "point (" + cs::number_text(pts->pos[*i].lon) + ", " +
                               cs::number_text(pts->pos[*i].lat) + ") lies outside the road network (" +
                               index.extent_text() + "); lon and lat swapped?");
  const cs::network::SnapOptions& so = *o.snap;
  const auto sa = index.snap_all(a.pos, so, rt.ctx.thread_count());
  const auto sb = index.snap_all(b.pos, so, rt.ctx.thread_count());
  std::size_t far = 0;
  for (const auto* v : {&sa, &sb})
    for (const auto& s : *v) far += s.far ? 1 : 0;
  if (far)
    rt.ctx.warn(std::to_string(far) + " points lie more than " + cs::format_number(so.far_threshold_m) +
                " m from a road");
  cs::network::MatrixOptions mo;
  if (o.cutoff->cutoff_min) mo.cutoff_s = *o.cutoff->cutoff_min * 60.0;
  const cs::TimeMatrix m = cs::network::travel_time_matrix(g, sa, sb, mo, rt.ctx);
  std::string text;
  if (o.format == "long") {
    cs::CsvWriter w({"from_id", "to_id", "time_min"});
    for (std::size_t i = 0; i < m.rows(); ++i)
      for (std::size_t j = 0; j < m.cols(); ++j) w.cell(a.id[i]).cell(b.id[j]).cell(mins(m(i, j))).end_row();
    text = w.str();
  } else {
    std::vector<std::string> header = {"from_id"};
    header.insert(header.end(), b.id.begin(), b.id.end());
    cs::CsvWriter w(header);
    for (std::size_t i = 0; i < m.rows(); ++i) {
      w.cell(a.id[i]);
      for (std::size_t j = 0; j < m.cols(); ++j) w.cell(mins(m(i, j)));
      w.end_row();
    }
    text = w.str();
  }
  cs::write_file_atomic(o.out, text);
  rt.ctx.info("matrix " + std::to_string(m.rows()) + " x " + std::to_string(m.cols()) + " written to " +
              o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "matrix", 40, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand("matrix", "Travel times between two point files on a saved graph")
                      ->footer(
                          "Example:\n  countyscope network --osm county.osm.pbf --out county.csgraph\n"
                          "  countyscope matrix --graph county.csgraph --from villages.csv --to clinics.csv "
                          "--out times.csv --cutoff-min 60\n"
                          "Point files: CSV with columns id,lon,lat (WGS-84). Output: from_id,to_id,time_min "
                          "(long) or "
                          "one column per destination (wide), minutes; empty time = no path.");
      auto o = std::make_shared<MatrixCliOptions>();
      sub->add_option("--graph", o->graph, "graph file from `countyscope network --out`")->required();
      sub->add_option("--from", o->from, "origins CSV (id,lon,lat)")->required();
      sub->add_option("--to", o->to, "destinations CSV (id,lon,lat)")->required();
      sub->add_option("--out", o->out, "output CSV")->required();
      sub->add_option("--format", o->format, "long or wide")
          ->check(CLI::IsMember({"long", "wide"}))
          ->capture_default_str();
      o->given.push_back(cs::cli::add_options(sub, cs::matrix_options(), o->cutoff));
      o->given.push_back(cs::cli::add_options(sub, cs::snap_options(), o->snap));
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
