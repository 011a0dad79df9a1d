// countyscope batch: the plan driver over many counties, spread across MPI ranks (OpenMPI) with dynamic
// scheduling.
//
//   mpirun -np 4 --bind-to none countyscope batch --list counties.txt --out out/batch
//
// Rank 0 hands out one county at a time to whichever rank asks (counties differ in size, so static slices
// would leave ranks idle); every rank uses all its threads. Each county is written to OUT/<name>/ exactly as
// `countyscope plan --osm FILE --out OUT/<name>` would write it (byte-identical), a failed county is reported
// with its error while the rest finish, and a re-run skips counties whose results.json already exists
// (resumable). Rank 0 gathers one national table: OUT/batch_summary.csv and OUT/batch_summary.json.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <mpi.h>

#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/output.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/plan/plan.hpp>

#include "command.hpp"

namespace cs::cli {
namespace {
namespace fs = std::filesystem;

struct BatchOptions {
  std::string list;
  std::string out;
  std::string config;
  bool force = false;
};

struct County {
  std::string name;
  std::string path;
};

// The list: one county per line, "PATH" or "NAME PATH" (or NAME,PATH); '#' starts a comment. Relative paths
// are taken relative to the list file.
std::vector<County> read_list(const std::string& file) {
  std::istringstream in(read_file(file));
  std::vector<County> out;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    for (char& c : line)
      if (c == ',' || c == '\t' || c == '\r') c = ' ';
    std::istringstream ls(line);
    std::vector<std::string> f;
    for (std::string w; ls >> w;) f.push_back(w);
    if (f.empty()) continue;
    if (f.size() > 2)
      throw InputError(file, "line " + std::to_string(n), "", "expected 'PATH' or 'NAME PATH'");
    County c;
    c.path = f.back();
    if (fs::path(c.path).is_relative())
      c.path = (fs::path(file).parent_path() / c.path).lexically_normal().string();
    if (f.size() == 2) {
      c.name = f[0];
    } else {
      std::string stem = fs::path(c.path).filename().string();
      for (const char* ext : {".osm.pbf", ".osm.gz", ".osm.bz2", ".osm", ".pbf"})
        if (stem.size() > std::string(ext).size() && stem.ends_with(ext)) {
          stem.resize(stem.size() - std::string(ext).size());
          break;
        }
      c.name = stem;
    }
    if (c.name.find('/') != std::string::npos || c.name == "." || c.name == "..")
      throw InputError(file, "line " + std::to_string(n), "name",
                       "not a valid folder name: '" + c.name + "'");
    for (const County& o : out)
      if (o.name == c.name)
        throw InputError(file, "line " + std::to_string(n), "name", "duplicate county '" + c.name + "'");
    out.push_back(std::move(c));
  }
  if (out.empty()) throw InputError(file, "", "", "no county listed");
  return out;
}

// Outcome of one county, sent from a worker rank to rank 0 as a JSON text.
Json run_county(const County& c, const BatchOptions& o, Runtime& rt, int rank) {
  Json r{{"county", c.name}, {"input", c.path}, {"rank", rank}};
  const fs::path dir = fs::path(o.out) / c.name;
  if (!o.force && fs::exists(dir / "results.json")) {
    r["status"] = "skipped";
    r["message"] = "already done (results.json exists); --force re-runs it";
    return r;
  }
  try {
    PlanConfig cfg;
    if (!o.config.empty()) load_plan_config(o.config, cfg);
    cfg.osm_path = c.path;
    Context ctx = rt.ctx;
    ctx.progress = nullptr;
    // The county's manifest records what `countyscope plan --osm PATH [--config FILE]` would
    // (byte-identical).
    ctx.run = RunRecord{"plan", {{"--osm", c.path}}, {c.path}, o.force};
    if (!o.config.empty()) {
      ctx.run.options.emplace_back("--config", o.config);
      ctx.run.inputs.push_back(o.config);
    }
    PlanState st = run_plan(cfg, ctx);
    write_plan_outputs(st, dir.string(), ctx);
    r["status"] = "ok";
    r["quality"] = quality_verdict(st);
    const Json& sec = st.doc["sections"];
    if (sec.contains("network") && sec["network"].contains("nodes")) r["nodes"] = sec["network"]["nodes"];
    r["demand_points"] = st.county.demand.size();
    r["population"] = st.county.total_population;
    r["settlements"] = st.county.settlements.size();
    r["facilities"] = st.county.facilities.size();
  } catch (const std::exception& e) {
    r["status"] = "failed";
    r["message"] = describe_error(e, "batch");
  }
  return r;
}

void send_json(const Json& j, int dest, int tag) {
  const std::string s = j.dump();
  MPI_Send(s.data(), static_cast<int>(s.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}
Json recv_json(int source, int tag, MPI_Status* st_out) {
  MPI_Status st;
  MPI_Probe(source, tag, MPI_COMM_WORLD, &st);
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string s(static_cast<std::size_t>(n), '\0');
  MPI_Recv(s.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (st_out) *st_out = st;
  return Json::parse(s);
}

constexpr int kTagReady = 1, kTagWork = 2;

void write_summary(const std::vector<County>& counties, std::vector<Json>& results, const BatchOptions& o,
                   int ranks) {
  CsvWriter w({"county", "input", "status", "quality", "rank", "nodes", "settlements", "facilities",
               "demand_points", "population", "message"});
  auto num = [&](const Json& r, const char* k) {
    if (r.contains(k) && r[k].is_number())
      w.cell(r[k].get<double>());
    else
      w.null();
  };
  std::size_t ok = 0, failed = 0, skipped = 0;
  for (std::size_t i = 0; i < counties.size(); ++i) {
    const Json& r = results[i];
    const std::string status = r.value("status", "missing");
    ok += status == "ok";
    failed += status == "failed";
    skipped += status == "skipped";
    w.cell(counties[i].name).cell(counties[i].path).cell(status).cell(r.value("quality", ""));
    num(r, "rank");
    num(r, "nodes");
    num(r, "settlements");
    num(r, "facilities");
    num(r, "demand_points");
    num(r, "population");
    w.cell(r.value("message", ""));
    w.end_row();
  }
  Json summary{{"ranks", ranks},   {"counties", counties.size()}, {"ok", ok},
               {"failed", failed}, {"skipped", skipped},          {"results", results}};
  fs::create_directories(o.out);
  write_file_atomic(fs::path(o.out) / "batch_summary.csv", w.str());
  // Ranks differ between runs; the per-county folders do not. The summary keeps the rank for diagnosis.
  write_file_atomic(fs::path(o.out) / "batch_summary.json", summary.dump(1) + "\n");
}

int run(const BatchOptions& o, Runtime& rt) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) MPI_Init(nullptr, nullptr);
  struct Finalize {
    ~Finalize() {
      int fin = 0;
      MPI_Finalized(&fin);
      if (!fin) MPI_Finalize();
    }
  } finalize;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  // Every rank reads the list (it is small) so that a bad list fails everywhere with the same line.
  std::vector<County> counties;
  std::string list_error;
  try {
    counties = read_list(o.list);
  } catch (const Error& e) {
    list_error = e.what();
  }
  if (!list_error.empty()) {
    if (rank == 0) std::cerr << "countyscope: error: " << list_error << '\n';
    return 1;
  }

  std::vector<Json> results(counties.size());
  if (size == 1) {
    for (std::size_t i = 0; i < counties.size(); ++i) {
      rt.ctx.info("batch: " + counties[i].name);
      results[i] = run_county(counties[i], o, rt, 0);
    }
  } else if (rank == 0) {
    // Dispatcher: answer each "ready" (carrying the previous result, if any) with the next county index or
    // -1.
    std::size_t next = 0;
    int active = size - 1;
    while (active > 0) {
      MPI_Status st;
      Json msg = recv_json(MPI_ANY_SOURCE, kTagReady, &st);
      if (msg.contains("index")) results[msg["index"].get<std::size_t>()] = msg["result"];
      int idx = -1;
      if (next < counties.size()) idx = static_cast<int>(next++);
      MPI_Send(&idx, 1, MPI_INT, st.MPI_SOURCE, kTagWork, MPI_COMM_WORLD);
      if (idx < 0) --active;
    }
  } else {
    Json msg = Json::object();
    for (;;) {
      send_json(msg, 0, kTagReady);
      int idx = -1;
      MPI_Recv(&idx, 1, MPI_INT, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (idx < 0) break;
      const County& c = counties[static_cast<std::size_t>(idx)];
      rt.ctx.info("batch: rank " + std::to_string(rank) + ": " + c.name);
      msg = Json{{"index", idx}, {"result", run_county(c, o, rt, rank)}};
    }
  }

  int code = 0;
  if (rank == 0) {
    write_summary(counties, results, o, size);
    std::size_t failed = 0;
    for (std::size_t i = 0; i < counties.size(); ++i) {
      const std::string status = results[i].value("status", "missing");
      std::cerr << "countyscope: batch: " << counties[i].name << ": " << status;
      if (status != "ok") std::cerr << " — " << results[i].value("message", "");
      std::cerr << '\n';
      failed += status == "failed";
    }
    std::cerr << "countyscope: batch: " << counties.size() << " counties on " << size << " ranks, " << failed
              << " failed; summary in " << (fs::path(o.out) / "batch_summary.csv").string() << '\n';
    code = failed ? 1 : 0;
  }
  MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return code;
}

CommandRegistration reg{
    "batch", 80, [](CLI::App& app, Runtime& rt) {
      auto o = std::make_shared<BatchOptions>();
      auto* sub =
          app.add_subcommand("batch", "Run the plan on many counties, spread over MPI ranks (resumable)");
      sub->footer(
          "Examples:\n"
          "  countyscope batch --list counties.txt --out out/batch\n"
          "  mpirun -np 4 --bind-to none countyscope batch --list counties.txt --out out/batch\n"
          "counties.txt: one county per line, 'PATH' or 'NAME PATH' (relative to the list file); '#' "
          "comments.\n"
          "Each county goes to OUT/NAME/ exactly as `countyscope plan` writes it; OUT/batch_summary.csv "
          "gathers all.\n"
          "Exit code 1 when any county failed (the others still finish).");
      sub->add_option("--list", o->list, "file listing the counties (OSM extracts)")->required();
      sub->add_option("--out", o->out, "output folder (one sub-folder per county)")->required();
      sub->add_option("--config", o->config, "plan TOML applied to every county");
      sub->add_flag("--force", o->force, "re-run counties that are already done");
      sub->final_callback([o, &rt] { rt.exit_code = run(*o, rt); });
    }};

}  // namespace
}  // namespace cs::cli
