// `countyscope access`: the public-services stage alone, on a travel-time matrix CSV plus demand and facility
// CSVs. Parses options and files, calls cs::run_access_study and writes results.json, access.gpkg and CSV
// tables into the output directory atomically (nothing is written when any input is bad).
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

namespace {

struct AccessOptions {
  std::string matrix, graph, demand, facilities, settlements, config, standards, out;
  std::string time_unit = "s";
  std::vector<std::string> services;
  double cutoff_min = std::nan("");  // NaN = config / default
  std::string catchment;
  int k = 0;
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

int run(const AccessOptions& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run.force);  // refuse before the work, not after it
  cs::Context& ctx = rt.ctx;
  cs::AccessStudyConfig cfg;
  if (!o.config.empty()) cs::parse_access_toml(cs::read_file(o.config), o.config, cfg);
  if (!o.standards.empty()) cfg.standards = cs::load_standards(o.standards);
  if (!o.services.empty()) cfg.services = o.services;
  if (!std::isnan(o.cutoff_min)) {
    if (auto msg = cs::range_problem(o.cutoff_min, cs::limits::kCutoffMin))
      throw cs::UsageError("--cutoff-min: " + *msg);
    cfg.access.cutoff_s = o.cutoff_min * 60.0;
  }
  if (!o.catchment.empty()) cfg.access.catchment = cs::parse_catchment(o.catchment);
  if (o.k != 0) cfg.access.k = o.k;
  cs::throw_if_problems(cs::validate(cfg), "access");
  const double scale = time_scale(o.time_unit);
  if (o.matrix.empty() && o.graph.empty()) throw cs::UsageError("access: give --matrix FILE or --graph FILE");

  cs::AccessInputs in;
  // Demand points.
  const cs::CsvTable dem = cs::read_csv(o.demand);
  const std::size_t did = dem.column("id");
  const std::size_t dpop = dem.find_column("pop") ? *dem.find_column("pop") : dem.column("population");
  const std::string pop_field = dem.header[dpop];
  const std::map<std::string, std::size_t> drow = dem.unique_index(did);
  for (std::size_t r = 0; r < dem.rows(); ++r) {
    const double p = dem.number(r, dpop, cs::limits::kPopulation);
    in.demand_id.push_back(dem.text(r, did));
    in.population.push_back(p);
    if (auto p2 = lonlat(dem, r)) in.demand_pos.push_back(*p2);
  }
  in.demand_source = "population column '" + pop_field + "' of " + o.demand;
  // Facilities.
  const cs::CsvTable fac = cs::read_csv(o.facilities);
  const std::size_t fid = fac.column("id"), fsvc = fac.column("service");
  const auto fcap = fac.find_column("capacity");
  const auto fname = fac.find_column("name");
  std::set<std::string> svc_set(o.services.begin(), o.services.end());
  for (std::size_t r = 0; r < fac.rows(); ++r) {
    if (fac.text(r, fsvc).empty()) throw cs::InputError(o.facilities, fac.where(r), "service", "empty");
    svc_set.insert(fac.text(r, fsvc));
  }
  in.service_names.assign(svc_set.begin(), svc_set.end());
  std::set<std::string> in_file;
  for (std::size_t r = 0; r < fac.rows(); ++r) in_file.insert(fac.text(r, fsvc));
  std::string present;
  for (const auto& n : in_file) present += " " + n;
  for (const auto& want : o.services) {
    const bool any = in_file.count(want) > 0;
    if (!any)
      throw cs::InputError(
          o.facilities, "", "service",
          "no facilities of service type '" + want + "' (types in the file:" + present + ")");
  }
  const std::map<std::string, std::size_t> frow = fac.unique_index(fid);
  for (std::size_t r = 0; r < fac.rows(); ++r) {
    in.facility_id.push_back(fac.text(r, fid));
    in.facility_name.push_back(fname ? fac.text(r, *fname) : std::string());
    const auto it = std::find(in.service_names.begin(), in.service_names.end(), fac.text(r, fsvc));
    in.facility_service.push_back(static_cast<std::uint16_t>(it - in.service_names.begin()));
    double cap = std::nan("");
    if (fcap) {
      if (fac.text(r, *fcap).empty()) {
        // unknown capacity
      } else {
        cap = fac.number(r, *fcap, cs::limits::kCapacity);
      }
    }
    in.facility_capacity.push_back(cap);
    if (auto p = lonlat(fac, r)) in.facility_pos.push_back(*p);
  }
  // Settlements (optional): name, tier, unit, lon, lat; demand rows name theirs in column 'settlement'.
  if (!o.settlements.empty()) {
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
      if (!u.empty() && unit_ix.emplace(u, static_cast<int>(unit_ix.size())).second)
        in.unit_names.push_back(u);
    }
    const std::size_t ds = dem.column("settlement");
    std::map<std::string, int> place_ix;
    for (std::size_t p = 0; p < in.places.size(); ++p)
      place_ix.emplace(in.places[p].name, static_cast<int>(p));
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
  cs::TimeMatrix m(dem.rows(), fac.rows(), cs::kUnreachable);
  if (!o.graph.empty()) {
    // Graph route: snap demand points and facilities onto the network, then one many-to-many matrix.
    if (in.demand_pos.size() != dem.rows())
      throw cs::InputError(o.demand, "header", "lon",
                           "--graph needs lon and lat columns for every demand point");
    if (in.facility_pos.size() != fac.rows())
      throw cs::InputError(o.facilities, "header", "lon",
                           "--graph needs lon and lat columns for every facility");
    const cs::RoadGraph g = cs::load_graph(o.graph);
    const cs::SnapIndex idx(g);
    for (const auto& [tab, pts] : {std::pair{&dem, &in.demand_pos}, std::pair{&fac, &in.facility_pos}})
      if (const auto i = idx.first_outside(*pts))
        throw cs::InputError(tab->file, tab->where(*i), "lon,lat",
                             "point (" + cs::number_text((*pts)[*i].lon) + ", " +
                                 cs::number_text((*pts)[*i].lat) + ") lies outside the road network (" +
                                 idx.extent_text() + "); lon and lat swapped?");
    const cs::SnapOptions so;
    const auto ds = idx.snap_all(in.demand_pos, so, ctx.thread_count());
    const auto fs = idx.snap_all(in.facility_pos, so, ctx.thread_count());
    m = cs::travel_time_matrix(g, ds, fs, cs::MatrixOptions{}, ctx);
    in.times = &m;
    in.times_label = "network travel time on " + o.graph + " (demand -> facility, access legs included)";
  } else {
    // Matrix: long (from_id,to_id,time_s|time_min) or wide (first column demand id, one column per facility
    // id).
    const cs::CsvTable mt = cs::read_csv(o.matrix);
    std::vector<std::size_t> seen(dem.rows(), 0);                   // 1 + row of each demand id, 0 = none yet
    std::vector<std::size_t> pair_row(dem.rows() * fac.rows(), 0);  // 1 + row of each pair (long format)
    const cs::Range& time_range = o.time_unit == "min" ? cs::limits::kTimeMin : cs::limits::kTimeS;
    auto put = [&](std::size_t r, std::size_t field, std::size_t i, std::size_t j) {
      const std::string& cell = mt.text(r, field);
      if (cell.empty()) return;  // no path
      const double t = mt.number(r, field, time_range);
      m(i, j) = static_cast<float>(t * scale);
    };
    if (mt.find_column("from_id") && mt.find_column("to_id")) {
      const std::size_t cf = mt.column("from_id"), ct = mt.column("to_id");
      const auto ctime = mt.find_column(o.time_unit == "min" ? "time_min" : "time_s");
      if (!ctime) (void)mt.column(o.time_unit == "min" ? "time_min" : "time_s");
      for (std::size_t r = 0; r < mt.rows(); ++r) {
        auto a = drow.find(mt.text(r, cf));
        auto b = frow.find(mt.text(r, ct));
        if (a == drow.end() || b == frow.end())
          continue;  // pairs not studied (e.g. a full place x place matrix)
        std::size_t& first = pair_row[a->second * fac.rows() + b->second];
        if (first)
          throw cs::InputError(o.matrix, mt.where(r), "from_id,to_id",
                               "duplicate pair '" + mt.text(r, cf) + "' -> '" + mt.text(r, ct) +
                                   "' (also on " + mt.where(first - 1) + ")");
        first = r + 1;
        put(r, *ctime, a->second, b->second);
        seen[a->second] = 1;
      }
    } else {
      std::vector<std::size_t> colj(mt.header.size(), SIZE_MAX);
      for (std::size_t c = 1; c < mt.header.size(); ++c)
        if (auto b = frow.find(mt.header[c]); b != frow.end()) colj[c] = b->second;
      for (std::size_t j = 0; j < fac.rows(); ++j)
        if (std::find(colj.begin(), colj.end(), j) == colj.end())
          throw cs::InputError(o.matrix, "header", in.facility_id[j], "facility has no column in the matrix");
      for (std::size_t r = 0; r < mt.rows(); ++r) {
        auto a = drow.find(mt.text(r, 0));
        if (a == drow.end()) continue;
        if (seen[a->second])
          throw cs::InputError(
              o.matrix, mt.where(r), mt.header[0],
              "duplicate id '" + mt.text(r, 0) + "' (also on " + mt.where(seen[a->second] - 1) + ")");
        seen[a->second] = r + 1;
        for (std::size_t c = 1; c < mt.header.size(); ++c)
          if (colj[c] != SIZE_MAX) put(r, c, a->second, colj[c]);
      }
    }
    for (std::size_t i = 0; i < dem.rows(); ++i)
      if (!seen[i])
        throw cs::InputError(o.matrix, "", "from_id", "demand point '" + in.demand_id[i] + "' has no row");
    in.times = &m;
    in.times_label = "travel time from " + o.matrix;
  }

  cs::AccessStudy s = cs::run_access_study(in, cfg, ctx);
  cs::Json doc = cs::new_results_document("plan");
  cs::add_to_document(doc, "access", s.outputs);
  cs::OutputDir out(o.out, rt.ctx);
  cs::write_file(out.path("results.json"), cs::dump_results(doc));
  cs::write_tables(s.outputs, out, "access.gpkg");
  if (std::none_of(s.outputs.tables.begin(), s.outputs.tables.end(),
                   [](const cs::Table& t) { return t.gpkg && t.geom; }))
    ctx.warn("no lon/lat columns: access.gpkg not written");
  out.commit();
  ctx.info("access: " + std::to_string(s.results.size()) + " service type(s), " + std::to_string(dem.rows()) +
           " demand points -> " + o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "access", 40, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub = app.add_subcommand("access", "Accessibility, equity and standards audit of public services")
                      ->footer(
                          "Example:\n  countyscope access --matrix times.csv --demand demand.csv "
                          "--facilities facilities.csv --settlements settlements.csv --out out/access\n"
                          "  countyscope access --graph county.csgraph --demand demand.csv --facilities "
                          "facilities.csv --out out/access\n"
                          "Matrix: long (from_id,to_id,time_s) or wide (id, one column per facility id); an "
                          "empty cell is 'no path'. See docs/access.md.");
      auto o = std::make_shared<AccessOptions>();
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
      sub->add_option("--config", o->config, "TOML with an [access] table (see docs/access.md)")
          ->check(cs::cli::existing_file());
      sub->add_option("--standards", o->standards, "standards TOML (default data/config/standards.toml)")
          ->check(cs::cli::existing_file());
      sub->add_option("--services", o->services,
                      "service types to study (default: all in the facilities file)")
          ->delimiter(',');
      sub->add_option("--time-unit", o->time_unit, "unit of the matrix times: s or min")->default_val("s");
      sub->add_option("--cutoff-min", o->cutoff_min, "catchment in minutes (default 30)");
      sub->add_option("--catchment", o->catchment,
                      "inclusive (d <= d0, default) or exclusive (d < d0, PySAL access)");
      sub->add_option("--k", o->k, "k of the k-th nearest facility (default 3)");
      sub->add_option("--out", o->out, "output directory")->required();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
