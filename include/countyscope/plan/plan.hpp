// The plan driver (STYLE P9): reads as a list of named, timed passes over one PlanState.
//
//   load county (OSM) -> build road graph -> snap places -> travel-time matrices
//     -> access/equity/audit -> structure -> siting -> flows -> scenarios -> results JSON + GeoPackage + CSV
//     + report
//
// Each capability contributes one pass function `void pass_NAME(PlanState&, Context&)`
// (src/plan/pass_NAME.cpp) that reads its TOML section from state.config ("[access]", "[locate]", ...), adds
// its section to state.doc["sections"], its map layers to state.doc["layers"] (GeoJSON FeatureCollections the
// report draws) and state.layers (GeoPackage), and its tables to state.csv. Outputs are deterministic: equal
// inputs and seed give byte-identical files.
//
// Example:
//   cs::PlanConfig cfg;  cfg.osm_path = "county.osm.pbf";
//   cs::PlanState st = cs::run_plan(cfg, ctx);
//   cs::write_plan_outputs(st, "out/county", ctx);   // results.json, county.gpkg, *.csv, report.html
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/access/study.hpp>
#include <countyscope/assign/county.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/flows/study.hpp>
#include <countyscope/industry/study.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/model/county_model.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/plan/capacity_account.hpp>
#include <countyscope/sources/osm_network.hpp>
#include <countyscope/structure/structure.hpp>

namespace cs {

class OutputDir;

// [matrix]: the plan's travel-time matrices.
struct MatrixCutoff {
  std::optional<double> cutoff_min;  // pairs beyond it have no time; unset = no cutoff
};

struct PlanConfig {
  std::string osm_path;
  std::string config_path;  // optional TOML (plan.toml); sections [network] [county] [snap] [access] ...
  std::string config_text;  // its contents (filled by load_plan_config)
  // The parsed plan file (null = none): each pass reads its own section through its option table.
  std::shared_ptr<const TomlDocument> document;
  // The matrix cutoff in seconds (the engine's unit); 0 = none.
  [[nodiscard]] double matrix_cutoff_s() const { return matrix.cutoff_min ? *matrix.cutoff_min * 60 : 0.0; }
  [[nodiscard]] TomlSection section(std::string_view name) const {
    return document ? document->section(name) : TomlDocument().section(name);
  }
  NetworkConfig network = default_network_config(network::Profile::kCar);
  CountyConfig county;
  network::SnapOptions snap;
  MatrixCutoff matrix;
  access::AccessStudyConfig access;  // [access] (access_options(); plan/demo flags --access-*)
  // [structure] (structure_options()): a whole-county plan lists far hamlets instead of stopping.
  structure::StructureOptions structure{.exclude_off_network = true};
  bool timings = false;              // include pass timings in outputs (makes them run-dependent)
  bool strict = false;               // a data-quality item that is not ok stops the run before the analysis
  std::vector<std::string> skip;     // pass names to skip (plan_skippable_passes())
  flows::FlowsConfig flows;          // [flows] (also plan / demo flags)
  flows::ScenariosConfig scenarios;  // [scenarios] (plan file only)
  assign::CountyTrafficOptions traffic;  // [traffic] (plan file only): the traffic pass
  CapacityAccountOptions capacity;       // [capacity] (plan file only): the capacity account
  industry::IndustryOptions industry;    // [industry] (plan file only): farm supply and hubs
  // Service types that get a "time to the nearest facility" column (empty = all types of the service table);
  // an unknown name is a UsageError listing the valid ones.
  std::vector<std::string> service_types;
  // Demand points drawn in the results document (the report); above this they are aggregated to a grid there.
  // The GeoPackage and CSV always keep every point.
  std::size_t demand_layer_max = 20000;
  // A county given in memory (the Python county model passed back, docs/python.md): the load_county pass
  // takes it instead of reading places from osm_path (the road network still comes from osm_path). Null =
  // read.
  std::shared_ptr<const County> given_county;
};
// Reads a plan TOML (throws InputError naming file and key) into cfg; unknown keys are errors listing valid
// ones. Sections: [plan] [network] [county] [snap] [matrix] [access] [structure] [flows] [scenarios]
// [traffic] [capacity] [industry]; [locate] is read by its pass from cfg.document. Relative paths are
// relative to the TOML file.
void load_plan_config(const std::string& path, PlanConfig& cfg);
// Same, from text (file_label names it in errors).
void parse_plan_config(std::string_view text, const std::string& file_label, PlanConfig& cfg);
// The option tables of the plan file's sections, in docs order (docs/options.md); the plan's own ([plan]
// [network] [county] [snap] [matrix]) and [flows] are bound to `countyscope plan` / `demo` as well.
std::vector<const opt::TableBase*> plan_option_tables();
const opt::Table<PlanConfig>& plan_options();
const opt::Table<NetworkConfig>& network_options();
const opt::Table<CountyConfig>& county_options();
const opt::Table<network::SnapOptions>& snap_options();
const opt::Table<MatrixCutoff>& matrix_options();
// Switches the profile and takes its default speeds (no-op when it is the same).
void set_profile(NetworkConfig& net, network::Profile p);
// Names accepted by PlanConfig::skip.
const std::vector<std::string>& plan_skippable_passes();
// Problems with a config as a whole ({option, message}); empty = valid.
std::vector<Problem> validate(const PlanConfig& cfg);

// A plan run: the county model it reads (places, graphs with their kept routing index, snaps, matrices;
// model/county_model.hpp) and what its passes write.
struct PlanState : CountyModel {
  PlanConfig cfg;
  Json doc;                                // results document (see schemas/results.schema.json)
  std::vector<VectorLayer> layers;         // GeoPackage layers
  std::map<std::string, std::string> csv;  // CSV file name -> content
};

// Runs all passes in order. Throws cs::Error on bad input (and, with cfg.strict, when the data-quality gate
// is not ok).
PlanState run_plan(const PlanConfig& cfg, Context& ctx);
// The data-quality gate's verdict of a run: "ok", "warn" or "fail" (sections.quality; docs/county.md).
std::string quality_verdict(const PlanState& st);
// Writes results.json, county.gpkg, CSV files and report.html into dir atomically (staged, then swapped in
// whole with a manifest; see io/output.hpp).
void write_plan_outputs(PlanState& st, const std::string& dir, Context& ctx);
// The same files into an open staging folder, without committing it (demo adds national/ before its commit).
void write_plan_outputs(PlanState& st, OutputDir& out, Context& ctx);

}  // namespace cs
