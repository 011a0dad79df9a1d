// `countyscope access`: the public-services stage alone, on a travel-time matrix CSV plus demand and facility
// CSVs. Reads the files into cs::access::AccessInputs, calls cs::access::run_access_study (options from the
// registry, access_options(): the same as plan.toml [access] and Python) and writes results.json, access.gpkg
// and CSV tables into the output directory atomically (nothing is written when any input is bad).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include <countyscope/access/study.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/formats/graph_file.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

// The command's files; the study's options are in cfg (registry flags, over --config's [access]).
struct AccessFiles {
  std::string matrix, graph, demand, facilities, settlements, config, out;
  std::string time_unit = "min", time_col;
  std::shared_ptr<cs::access::AccessStudyConfig> cfg = std::make_shared<cs::access::AccessStudyConfig>();
  cs::cli::BoundOptions given;
};

double time_scale(const std::string& unit) {
  if (unit == "s") return 1.0;
  if (unit == "min") return 60.0;
  throw cs::unknown_value("time unit", unit, {"s", "min"});
}

std::optional<cs::LonLat> lonlat(const cs::CsvTable& t, std::size_t r) {
  auto lo = t.find_column("lon"), la = t.find_column("lat");
  if (!lo || !la) return std::nullopt;
  return cs::LonLat{t.number(r, *lo, cs::limits::kLongitude), t.number(r, *la, cs::limits::kLatitude)};
}

// The input tables, kept for the matrix readers (ids -> rows).
struct Tables {
  cs::CsvTable dem, fac;
  std::map<std::string, std::size_t> drow, frow;
};

void read_demand(const AccessFiles& o, Tables& t, cs::access::AccessInputs& in) {
  t.dem = cs::read_csv(o.demand);
  const cs::CsvTable& dem = t.dem;
  const std::size_t did = dem.column("id");
  const std::size_t dpop = dem.find_column("pop") ? *dem.find_column("pop") : dem.column("population");
  const std::string pop_field = dem.header[dpop];
  t.drow = dem.unique_index(did);
  for (std::size_t r = 0; r < dem.rows(); ++r) {
    const double p = dem.number(r, dpop, cs::limits::kPopulation);
    in.demand_id.push_back(dem.text(r, did));
    in.population.push_back(p);
    if (auto p2 = lonlat(dem, r)) in.demand_pos.push_back(*p2);
  }
  in.demand_source = "population column '" + pop_field + "' of " + o.demand;
}

void read_facilities(const AccessFiles& o, Tables& t, cs::access::AccessInputs& in) {
  t.fac = cs::read_csv(o.facilities);
  const cs::CsvTable& fac = t.fac;
  const std::vector<std::string>& services = o.cfg->options.services;
  const std::size_t fid = fac.column("id"), fsvc = fac.column("service");
  const auto fcap = fac.find_column("capacity");
  const auto fname = fac.find_column("name");
  std::set<std::string> svc_set(services.begin(), services.end());
  for (std::size_t r = 0; r < fac.rows(); ++r) {
    if (fac.text(r, fsvc).empty()) throw cs::InputError(o.facilities, fac.where(r), "service", "empty");
    svc_set.insert(fac.text(r, fsvc));
  }
  in.service_names.assign(svc_set.begin(), svc_set.end());
  std::set<std::string> in_file;
  for (std::size_t r = 0; r < fac.rows(); ++r) in_file.insert(fac.text(r, fsvc));
  std::string present;
  for (const auto& n : in_file) present += " " + n;
  for (const auto& want : services)
    if (in_file.count(want) == 0)
      throw cs::InputError(
          o.facilities, "", "service",
          "no facilities of service type '" + want + "' (types in the file:" + present + ")");
  t.frow = fac.unique_index(fid);
  for (std::size_t r = 0; r < fac.rows(); ++r) {
    in.facility_id.push_back(fac.text(r, fid));
    in.facility_name.push_back(fname ? fac.text(r, *fname) : std::string());
    const auto it = std::find(in.service_names.begin(), in.service_names.end(), fac.text(r, fsvc));
    in.facility_service.push_back(static_cast<std::uint16_t>(it - in.service_names.begin()));
    // An empty capacity cell is an unknown capacity.
    const bool known = fcap && !fac.text(r, *fcap).empty();
    in.facility_capacity.push_back(known ? fac.number(r, *fcap, cs::limits::kCapacity) : std::nan(""));
    if (auto p = lonlat(fac, r)) in.facility_pos.push_back(*p);
  }
}

// Settlements (optional): name, tier, unit, lon, lat; demand rows name theirs in column 'settlement'.
void read_settlements(const AccessFiles& o, const Tables& t, cs::access::AccessInputs& in) {
  const cs::CsvTable st = cs::read_csv(o.settlements);
  const std::size_t sn = st.column("name"), stier = st.column("tier");
  const auto su = st.find_column("unit");
  (void)st.unique_index(sn);  // demand rows name their settlement: names must be unique
  std::map<std::string, int> unit_ix;
  for (std::size_t r = 0; r < st.rows(); ++r) {
    const std::string tier = st.text(r, stier);
    if (tier != "seat" && tier != "town" && tier != "village")
      throw cs::InputError(o.settlements, st.where(r), "tier",
                           "must be seat, town or village, got '" + tier + "'");
    const std::string u = su ? st.text(r, *su) : std::string();
    in.places.push_back({st.text(r, sn), tier, u});
    if (auto p = lonlat(st, r)) in.place_pos.push_back(*p);
    if (!u.empty() && unit_ix.emplace(u, static_cast<int>(unit_ix.size())).second) in.unit_names.push_back(u);
  }
  const cs::CsvTable& dem = t.dem;
  const std::size_t ds = dem.column("settlement");
  std::map<std::string, int> place_ix;
  for (std::size_t p = 0; p < in.places.size(); ++p) place_ix.emplace(in.places[p].name, static_cast<int>(p));
  for (std::size_t r = 0; r < dem.rows(); ++r) {
    const std::string& n = dem.text(r, ds);
    auto it = place_ix.find(n);
    if (!n.empty() && it == place_ix.end())
      throw cs::InputError(o.demand, dem.where(r), "settlement", "'" + n + "' is not in " + o.settlements);
    const int p = n.empty() ? -1 : it->second;
    in.demand_place.push_back(p);
    const std::string& u = p >= 0 ? in.places[static_cast<std::size_t>(p)].unit : std::string();
    in.demand_unit.push_back(u.empty() ? -1 : unit_ix.at(u));
  }
}

// Graph route: snap demand points and facilities onto the network, then one many-to-many matrix.
cs::TimeMatrix graph_matrix(const AccessFiles& o, const Tables& t, cs::access::AccessInputs& in,
                            cs::Context& ctx) {
  if (in.demand_pos.size() != t.dem.rows())
    throw cs::InputError(o.demand, "header", "lon",
                         "--graph needs lon and lat columns for every demand point");
  if (in.facility_pos.size() != t.fac.rows())
    throw cs::InputError(o.facilities, "header", "lon",
                         "--graph needs lon and lat columns for every facility");
  const cs::network::RoadGraph g = cs::load_graph(o.graph);
  const cs::network::SnapIndex idx(g);
  for (const auto& [tab, pts] : {std::pair{&t.dem, &in.demand_pos}, std::pair{&t.fac, &in.facility_pos}})
    if (const auto i = idx.first_outside(*pts))
      throw cs::InputError(tab->file, tab->where(*i), "lon,lat",
                           "point (" + cs::number_text((*pts)[*i].lon) + ", " +
                               cs::number_text((*pts)[*i].lat) + ") lies outside the road network (" +
                               idx.extent_text() + "); lon and lat swapped?");
  const cs::network::SnapOptions so;
  const auto ds = idx.snap_all(in.demand_pos, so, ctx.thread_count());
  const auto fs = idx.snap_all(in.facility_pos, so, ctx.thread_count());
  in.times_label = "network travel time on " + o.graph + " (demand -> facility, access legs included)";
  return cs::network::travel_time_matrix(g, ds, fs, cs::network::MatrixOptions{}, ctx);
}

// Matrix file: long (from_id,to_id,<time column>) or wide (first column demand id, one column per facility).
// A pair that is not in the file, or an empty time, is "no path"; a demand point with no pair at all is
// unreached (warned about, by count).
cs::TimeMatrix file_matrix(const AccessFiles& o, const Tables& t, cs::access::AccessInputs& in,
                           cs::Context& ctx) {
  const std::size_t D = t.dem.rows(), F = t.fac.rows();
  cs::TimeMatrix m(D, F, cs::kUnreachable);
  const double scale = time_scale(o.time_unit);
  const cs::CsvTable mt = cs::read_csv(o.matrix);
  std::vector<std::size_t> seen(D, 0);          // 1 + row of each demand id, 0 = none yet
  std::vector<std::size_t> pair_row(D * F, 0);  // 1 + row of each pair (long format)
  const cs::Range& time_range = o.time_unit == "min" ? cs::limits::kTimeMin : cs::limits::kTimeS;
  auto put = [&](std::size_t r, std::size_t field, std::size_t i, std::size_t j) {
    const std::string& cell = mt.text(r, field);
    if (cell.empty()) return;  // no path
    const double v = mt.number(r, field, time_range);
    m(i, j) = static_cast<float>(v * scale);
  };
  if (mt.find_column("from_id") && mt.find_column("to_id")) {
    const std::size_t cf = mt.column("from_id"), ct = mt.column("to_id");
    const std::size_t ctime = mt.column(o.time_col.empty() ? "time_" + o.time_unit : o.time_col);
    for (std::size_t r = 0; r < mt.rows(); ++r) {
      auto a = t.drow.find(mt.text(r, cf));
      auto b = t.frow.find(mt.text(r, ct));
      if (a == t.drow.end() || b == t.frow.end())
        continue;  // pairs not studied (e.g. a full place x place matrix)
      std::size_t& first = pair_row[a->second * F + b->second];
      if (first)
        throw cs::InputError(o.matrix, mt.where(r), "from_id,to_id",
                             "duplicate pair '" + mt.text(r, cf) + "' -> '" + mt.text(r, ct) + "' (also on " +
                                 mt.where(first - 1) + ")");
      first = r + 1;
      put(r, ctime, a->second, b->second);
      seen[a->second] = 1;
    }
  } else {
    std::vector<std::size_t> colj(mt.header.size(), SIZE_MAX);
    for (std::size_t c = 1; c < mt.header.size(); ++c)
      if (auto b = t.frow.find(mt.header[c]); b != t.frow.end()) colj[c] = b->second;
    for (std::size_t j = 0; j < F; ++j)
      if (std::find(colj.begin(), colj.end(), j) == colj.end())
        throw cs::InputError(o.matrix, "header", in.facility_id[j], "facility has no column in the matrix");
    for (std::size_t r = 0; r < mt.rows(); ++r) {
      auto a = t.drow.find(mt.text(r, 0));
      if (a == t.drow.end()) continue;
      if (seen[a->second])
        throw cs::InputError(
            o.matrix, mt.where(r), mt.header[0],
            "duplicate id '" + mt.text(r, 0) + "' (also on " + mt.where(seen[a->second] - 1) + ")");
      seen[a->second] = r + 1;
      for (std::size_t c = 1; c < mt.header.size(); ++c)
        if (colj[c] != SIZE_MAX) put(r, c, a->second, colj[c]);
    }
  }
  std::size_t absent = 0;
  std::string first_absent;
  for (std::size_t i = 0; i < D; ++i)
    if (!seen[i] && absent++ == 0) first_absent = in.demand_id[i];
  if (absent)
    ctx.warn(o.matrix + ": " + std::to_string(absent) + " of " + std::to_string(D) +
             " demand points have no pair in the matrix (first: '" + first_absent +
             "'): no path to any facility, counted as unreached");
  in.times_label = "travel time from " + o.matrix;
  return m;
}

int run(AccessFiles& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  cs::Context& ctx = rt.ctx;
  cs::access::AccessStudyConfig& cfg = *o.cfg;
  // --config's [access] first, then the flags given on the command line over it.
  if (!o.config.empty()) cs::access::parse_access_toml(cs::read_file(o.config), o.config, cfg);
  o.given.apply();
  cs::throw_if_problems(cs::access::validate(cfg), "access");
  if (!cfg.options.standards.empty()) cfg.standards = cs::access::load_standards(cfg.options.standards);
  (void)time_scale(o.time_unit);
  if (o.matrix.empty() && o.graph.empty()) throw cs::UsageError("access: give --matrix FILE or --graph FILE");

  cs::access::AccessInputs in;
  Tables t;
  read_demand(o, t, in);
  read_facilities(o, t, in);
  if (!o.settlements.empty()) read_settlements(o, t, in);
  const cs::TimeMatrix m = o.graph.empty() ? file_matrix(o, t, in, ctx) : graph_matrix(o, t, in, ctx);
  in.times = &m;

  cs::access::AccessStudy s = cs::access::run_access_study(in, cfg, ctx);
  cs::Json doc = cs::new_results_document("plan");
  cs::add_to_document(doc, "access", s.outputs);
  cs::OutputDir out(o.out, rt.ctx);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s.outputs, out, "access.gpkg");
  if (std::none_of(s.outputs.tables.begin(), s.outputs.tables.end(),
                   [](const cs::Table& tb) { return tb.gpkg && tb.geom; }))
    ctx.warn("no lon/lat columns: access.gpkg not written");
  out.commit();
  ctx.info("access: " + std::to_string(s.results.size()) + " service type(s), " +
           std::to_string(t.dem.rows()) + " demand points -> " + o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "access", 40, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub =
          app.add_subcommand("access", "Accessibility, equity and standards audit of public services")
              ->footer(
                  "Example:\n  countyscope access --matrix times.csv --demand demand.csv "
                  "--facilities facilities.csv --settlements settlements.csv --out out/access\n"
                  "  countyscope access --graph county.csgraph --demand demand.csv --facilities "
                  "facilities.csv --cutoff-min 20 --out out/access\n"
                  "Matrix: long (from_id,to_id,time_min) or wide (id, one column per facility id); an "
                  "empty cell or a missing pair is 'no path'. Options: docs/options.md [access]; see "
                  "docs/access.md.");
      auto o = std::make_shared<AccessFiles>();
      auto* mo = sub->add_option("--matrix", o->matrix, "demand x facility travel times (CSV)")
                     ->check(cs::cli::existing_file());
      auto* go =
          sub->add_option("--graph", o->graph, "road graph (countyscope network): snap lon/lat and route")
              ->check(cs::cli::existing_file());
      mo->excludes(go);
      go->excludes(mo);
      sub->add_option("--demand", o->demand, "demand points CSV: id, pop, [lon, lat, settlement]")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--facilities", o->facilities,
                      "facilities CSV: id, service, [capacity, name, lon, lat]")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--settlements", o->settlements,
                      "settlements CSV: name, tier (seat|town|village), [unit, lon, lat]")
          ->check(cs::cli::existing_file());
      sub->add_option("--config", o->config, "TOML with an [access] table (flags given here override it)")
          ->check(cs::cli::existing_file());
      sub->add_option("--time-unit", o->time_unit, "unit of the matrix file's times: min or s")
          ->capture_default_str();
      sub->add_option("--time-col", o->time_col,
                      "long matrix: the time column (default time_min, or time_s with --time-unit s)");
      o->given = cs::cli::add_options(sub, cs::access::access_options(),
                                      std::shared_ptr<cs::access::AccessOptions>(o->cfg, &o->cfg->options));
      sub->add_option("--out", o->out, "output directory")->required();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
