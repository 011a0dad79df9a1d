// countyscope locate: facility location on a travel-time table (no algorithms here; see
// include/countyscope/locate/problem.hpp). Reads a long-format matrix CSV, a demand CSV and a candidates CSV,
// solves one problem per service type with the chosen solver(s), and writes results.json (section locate),
// sites.csv, assignment.csv, locate.gpkg (when coordinates are given) and optionally the model as an LP file.
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/outputs.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/locate/compare.hpp>
#include <countyscope/locate/problem.hpp>
#include <countyscope/locate/study.hpp>

#include "command.hpp"
#include "options_cli.hpp"

namespace {

struct LocateOptions {
  std::string matrix, demand, candidates, out;
  std::string from_col = "demand_id", to_col = "candidate_id", time_col, time_unit = "min";
  std::string id_col = "id", weight_col = "population", existing_col = "existing", capacity_col = "capacity",
              cost_col = "cost", service_col = "service";
  std::vector<std::string> fixed;
  bool capacitated = false, write_lp = false;
  std::shared_ptr<cs::locate::LocateConfig> cfg = std::make_shared<cs::locate::LocateConfig>();
  cs::cli::BoundOptions given;
};

struct Points {
  std::vector<std::string> id;
  std::vector<double> weight, capacity, cost;
  std::vector<char> existing;
  std::vector<std::string> service;
  std::vector<std::optional<cs::LonLat>> pos;
  std::map<std::string, std::size_t> index;
};

Points read_points(const std::string& path, const LocateOptions& o, bool demand) {
  const cs::CsvTable t = cs::read_csv(path);
  Points p;
  const std::size_t cid = t.column(o.id_col);
  const std::size_t cw = demand ? t.column(o.weight_col) : 0;
  const auto cex = demand ? std::nullopt : t.find_column(o.existing_col);
  const auto ccap = demand ? std::nullopt : t.find_column(o.capacity_col);
  const auto ccost = demand ? std::nullopt : t.find_column(o.cost_col);
  const auto csrv = demand ? std::nullopt : t.find_column(o.service_col);
  const auto clon = t.find_column("lon"), clat = t.find_column("lat");
  if (!demand && o.capacitated && !ccap)
    throw cs::InputError(path, "header", o.capacity_col, "--capacitated needs this column");
  if (!demand && o.cfg->budget && !ccost)
    throw cs::InputError(path, "header", o.cost_col, "--budget needs this column");
  p.index = t.unique_index(cid);  // empty or duplicate id: one line naming both lines
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string& id = t.text(r, cid);
    p.id.push_back(id);
    if (demand) p.weight.push_back(t.number(r, cw, cs::limits::kPopulation));
    if (cex) {
      const std::string& e = t.text(r, *cex);
      if (e != "0" && e != "1" && e != "" && e != "true" && e != "false")
        throw cs::InputError(path, t.where(r), o.existing_col, "expected 0/1 or true/false, got '" + e + "'");
      p.existing.push_back(e == "1" || e == "true");
    } else if (!demand) {
      p.existing.push_back(0);
    }
    if (ccap && o.capacitated) p.capacity.push_back(t.number(r, *ccap, cs::limits::kCapacity));
    if (ccost && o.cfg->budget) p.cost.push_back(t.number(r, *ccost, cs::limits::kCost));
    if (!demand) p.service.push_back(csrv ? t.text(r, *csrv) : std::string());
    if (clon && clat) {
      const auto lon = t.optional_number(r, *clon, cs::limits::kLongitude);
      const auto lat = t.optional_number(r, *clat, cs::limits::kLatitude);
      p.pos.push_back(lon && lat ? std::optional<cs::LonLat>(cs::LonLat{*lon, *lat}) : std::nullopt);
    } else {
      p.pos.push_back(std::nullopt);
    }
  }
  if (p.id.empty()) throw cs::InputError(path, "", "", "no rows");
  return p;
}

cs::TimeMatrix read_matrix(const LocateOptions& o, const Points& dem, const Points& cand) {
  const cs::CsvTable t = cs::read_csv(o.matrix);
  if (o.time_unit != "min" && o.time_unit != "s")
    throw cs::unknown_value("time unit", o.time_unit, {"min", "s"});
  const bool minutes = o.time_unit == "min";
  const std::string time_col = o.time_col.empty() ? "time_" + o.time_unit : o.time_col;
  const std::size_t cf = t.column(o.from_col), ct = t.column(o.to_col), cv = t.column(time_col);
  cs::TimeMatrix m(dem.id.size(), cand.id.size(), cs::kUnreachable);
  std::vector<std::size_t> seen(dem.id.size() * cand.id.size(), 0);  // 1 + row of each pair, 0 = not yet
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const auto i = dem.index.find(t.text(r, cf));
    if (i == dem.index.end())
      throw cs::InputError(o.matrix, t.where(r), o.from_col,
                           "unknown demand id '" + t.text(r, cf) + "' (not in " + o.demand + ")");
    const auto j = cand.index.find(t.text(r, ct));
    if (j == cand.index.end())
      throw cs::InputError(o.matrix, t.where(r), o.to_col,
                           "unknown candidate id '" + t.text(r, ct) + "' (not in " + o.candidates + ")");
    std::size_t& first = seen[i->second * cand.id.size() + j->second];
    if (first)
      throw cs::InputError(o.matrix, t.where(r), o.from_col + "," + o.to_col,
                           "duplicate pair '" + t.text(r, cf) + "' -> '" + t.text(r, ct) + "' (also on " +
                               t.where(first - 1) + ")");
    first = r + 1;
    // Empty = no path; seconds inside the engine.
    const auto v = t.optional_number(r, cv, minutes ? cs::limits::kTimeMin : cs::limits::kTimeS);
    m(i->second, j->second) = v ? static_cast<float>(minutes ? *v * 60.0 : *v) : cs::kUnreachable;
  }
  return m;
}

int run(LocateOptions& o, cs::cli::Runtime& rt) {
  cs::OutputDir::check_target(o.out, rt.ctx.run);  // refuse before the work, not after it
  o.given.apply();
  const cs::locate::LocateConfig& cfg = *o.cfg;
  if (o.given.count("p") && o.given.count("new"))
    throw cs::UsageError("give either --p (total open) or --new (sites to add), not both");
  if (o.capacitated && cfg.site_capacity)
    throw cs::UsageError("give either --capacitated (capacity column) or --site-capacity, not both");
  const Points dem = read_points(o.demand, o, true);
  const Points cand = read_points(o.candidates, o, false);
  const cs::TimeMatrix full = read_matrix(o, dem, cand);
  std::set<std::size_t> extra_fixed;
  for (const auto& f : o.fixed) {
    const auto it = cand.index.find(f);
    if (it == cand.index.end())
      throw cs::InputError(o.candidates, "", o.id_col, "--fixed names unknown candidate '" + f + "'");
    extra_fixed.insert(it->second);
  }
  std::vector<std::string> services;
  for (const auto& s : cand.service)
    if (std::find(services.begin(), services.end(), s) == services.end()) services.push_back(s);
  std::sort(services.begin(), services.end());

  cs::Json section;
  section["problem"] = std::string(cs::locate::problem_name(cfg.problem));
  section["options"] = cs::locate::locate_options().to_json(cfg);
  section["options"]["capacitated"] = o.capacitated || cfg.site_capacity.has_value();
  section["options"]["demand_points"] = dem.id.size();
  section["options"]["candidates"] = cand.id.size();
  section["services"] = cs::Json::array();
  // sites.csv (every candidate) and the GeoPackage layer locate_sites (candidates with coordinates) from one
  // row source; assignment.csv.
  cs::Outputs outputs;
  cs::Table sites("locate_sites", cs::GeomType::kPoint,
                  {{"service", cs::FieldType::kString},
                   {"candidate_id", cs::FieldType::kString},
                   {"existing", cs::FieldType::kInteger},
                   {"open", cs::FieldType::kInteger},
                   {"new", cs::FieldType::kInteger},
                   {"assigned_population", cs::FieldType::kReal, "persons"}});
  sites.csv_file = "sites.csv";
  sites.json = cs::JsonPlace::kNone;
  sites.gpkg_order = {"candidate_id", "service", "existing", "open", "new", "assigned_population"};
  cs::Table assign("assignment", {{"service", cs::FieldType::kString},
                                  {"demand_id", cs::FieldType::kString},
                                  {"weight", cs::FieldType::kReal, "persons"},
                                  {"facility_before", cs::FieldType::kString},
                                  {"time_before_min", cs::FieldType::kReal, "min"},
                                  {"facility_after", cs::FieldType::kString},
                                  {"time_after_min", cs::FieldType::kReal, "min"}});
  bool positions = false;
  std::map<std::string, std::string> lp_files;

  for (const auto& service : services) {
    std::vector<std::size_t> cols;
    for (std::size_t j = 0; j < cand.id.size(); ++j)
      if (cand.service[j] == service) cols.push_back(j);
    cs::locate::LocateProblem pb;
    pb.label = service;
    pb.demand_names = dem.id;
    for (const std::size_t j : cols) pb.candidate_names.push_back(cand.id[j]);
    pb.cost = cs::TimeMatrix(dem.id.size(), cols.size());
    for (std::size_t i = 0; i < dem.id.size(); ++i)
      for (std::size_t k = 0; k < cols.size(); ++k) pb.cost(i, k) = full(i, cols[k]);
    pb.weight = dem.weight;
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (cand.existing[cols[k]] || extra_fixed.count(cols[k]))
        pb.fixed.push_back(static_cast<std::uint32_t>(k));
      if (o.capacitated) pb.capacity.push_back(cand.capacity[cols[k]]);
      if (cfg.budget) pb.opening_cost.push_back(cand.cost[cols[k]]);
    }
    cs::locate::apply_config(cfg, pb);
    const cs::locate::LocateStudy study = cs::locate::run_locate(pb, cfg, rt.ctx);
    const cs::locate::LocateResult* best = study.best();
    cs::Json js;
    js["service"] = service;
    js["demand_points"] = dem.id.size();
    js["candidates"] = cols.size();
    js["p"] = pb.p;
    js["existing"] = pb.fixed.size();
    js["results"] = cs::Json::array();
    for (const auto& r : study.results) {
      auto rj = cs::locate::to_json(r, pb.kind);
      cs::Json ids = cs::Json::array();
      for (auto k : r.open) ids.push_back(cand.id[cols[k]]);
      rj["open"] = ids;
      rj.erase("message");
      js["results"].push_back(rj);
    }
    if (study.agree) js["agree"] = *study.agree;
    if (!best)  // no answer: one line, nothing written
      throw cs::Error(cs::ErrorKind::kInfeasible,
                      "locate" + (service.empty() ? std::string() : "[" + service + "]") + ": " +
                          std::string(cs::locate::solver_name(study.results.back().solver)) + " outcome " +
                          std::string(cs::locate::outcome_name(study.results.back().outcome)) +
                          ", no solution to report; nothing written");
    js["outcome"] = std::string(cs::locate::outcome_name(best->outcome));
    js["chosen"] = std::string(cs::locate::solver_name(best->solver));
    const cs::locate::BeforeAfter& ba = study.before_after;
    js["before"] = cs::locate::to_json(ba.before);
    js["after"] = cs::locate::to_json(ba.after);
    js["measures_from"] = "access layer: nearest time, 2SFCA (catchment = standard), weighted Gini";
    cs::Json new_sites = cs::Json::array();
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const bool is_open =
          std::binary_search(best->open.begin(), best->open.end(), static_cast<std::uint32_t>(k));
      const bool existing = std::find(pb.fixed.begin(), pb.fixed.end(), k) != pb.fixed.end();
      const bool is_new = is_open && !existing;
      if (is_new) new_sites.push_back(cand.id[cols[k]]);
      const auto& pos = cand.pos[cols[k]];
      positions = positions || pos.has_value();
      sites.add(cs::Shape::point(pos.value_or(cs::LonLat{})),
                {service, cand.id[cols[k]], std::int64_t{existing}, std::int64_t{is_open},
                 std::int64_t{is_new}, is_open ? cs::FieldValue(study.served_after[k]) : cs::FieldValue()},
                pos ? cs::kToAll : cs::kToCsv);
    }
    js["new_sites"] = new_sites;
    for (std::size_t i = 0; i < dem.id.size(); ++i) {
      const std::uint32_t before = study.assigned_before[i], after = study.assigned_after[i];
      auto facility = [&](std::uint32_t k) {
        return k == cs::locate::kNoFacility ? cs::FieldValue() : cs::FieldValue(cand.id[cols[k]]);
      };
      assign.add({service, dem.id[i], pb.w(i), facility(before), cs::output_minutes(ba.nearest_before[i]),
                  facility(after), cs::output_minutes(ba.nearest_after[i])});
    }
    section["services"].push_back(js);
    if (o.write_lp)
      lp_files[service.empty() ? "model.lp" : "model_" + service + ".lp"] =
          cs::locate::write_lp_file_text(pb);
  }

  cs::Json doc = cs::new_results_document("plan");
  doc["sections"]["locate"] = section;
  cs::OutputDir dir(o.out, rt.ctx);
  cs::write_file(dir.path("results.json"), cs::dump_results(doc));
  outputs.add(std::move(sites));
  outputs.add(std::move(assign));
  cs::write_tables(outputs, dir, positions ? "locate.gpkg" : "");
  for (const auto& [name, text] : lp_files) cs::write_file(dir.path(name), text);
  dir.commit();
  rt.ctx.info("locate: wrote " + o.out);
  return 0;
}

cs::cli::CommandRegistration reg{
    "locate", 50, [](CLI::App& app, cs::cli::Runtime& rt) {
      auto* sub =
          app.add_subcommand("locate",
                             "Facility location: p-median, MCLP, LSCP, p-center (exact MIP via CBC and "
                             "heuristics with a bound), existing sites kept, budget, capacities");
      sub->footer(
          "Example:\n"
          "  countyscope locate --matrix data/fixtures/locate_demo/matrix.csv --demand "
          "data/fixtures/locate_demo/demand.csv \\\n"
          "      --candidates data/fixtures/locate_demo/candidates.csv --problem p-median --new 2 --out "
          "out/locate\n"
          "Matrix CSV: demand_id,candidate_id,time_min (long format; a missing pair or empty time = no "
          "path;\n"
          "--time-unit s for a column time_s in seconds).\n"
          "Demand CSV: id,population[,lon,lat]. Candidates CSV: "
          "id[,existing,capacity,cost,service,lon,lat].\n"
          "Outputs: results.json (section locate), sites.csv, assignment.csv, locate.gpkg, model*.lp "
          "(--write-lp).");
      auto o = std::make_shared<LocateOptions>();
      sub->add_option("--matrix", o->matrix, "travel times demand -> candidate (CSV, long format)")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--demand", o->demand, "demand points CSV")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--candidates", o->candidates, "candidate sites CSV")
          ->required()
          ->check(cs::cli::existing_file());
      sub->add_option("--out", o->out, "output directory")->required();
      o->given = cs::cli::add_options(sub, cs::locate::locate_options(), o->cfg);
      sub->add_option("--fixed", o->fixed, "candidate ids kept open (besides the existing column)")
          ->delimiter(',');
      sub->add_flag("--capacitated", o->capacitated,
                    "capacitated p-median (capacity column, in demand units)");
      sub->add_flag("--write-lp", o->write_lp, "also write the MIP as a CPLEX LP file (for glpsol / cbc)");
      sub->add_option("--demand-col", o->from_col, "matrix column: demand id")->capture_default_str();
      sub->add_option("--candidate-col", o->to_col, "matrix column: candidate id")->capture_default_str();
      sub->add_option("--time-col", o->time_col,
                      "matrix column: travel time (default time_min, or time_s with "
                      "--time-unit s)");
      sub->add_option("--time-unit", o->time_unit, "unit of the matrix's times: min or s")
          ->capture_default_str();
      sub->add_option("--id-col", o->id_col, "demand/candidates column: id")->capture_default_str();
      sub->add_option("--weight-col", o->weight_col, "demand column: weight")->capture_default_str();
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
