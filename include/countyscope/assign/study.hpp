// `countyscope assign`'s study: TNTP network and trips -> equilibrium -> Outputs (links.csv, convergence.csv
// and the results section `assign`); the [assign] options of the registry (docs/options.md, docs/assign.md).
//
// Example:
//   cs::assign::AssignInputs in{"SiouxFalls_net.tntp", "SiouxFalls_trips.tntp"};
//   cs::assign::AssignOptions o;  o.time_unit_min = 0.6;  // Sioux Falls times are in 0.01 h
//   const cs::assign::AssignStudy s = cs::assign::run_assign_study(in, o, ctx);
//   cs::write_tables(s.outputs, out, "");   // links.csv, convergence.csv
#pragma once

#include <string>

#include <countyscope/assign/assign.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::assign {

[[nodiscard]] const opt::Table<AssignOptions>& assign_options();

struct AssignInputs {
  std::string net, trips;  // TNTP files
  std::string nodes;       // optional `*_node.tntp` (WGS84): links become a line layer (links.gpkg, GeoJSON)
  bool timings = false;    // convergence.csv gets a seconds column (run-dependent)
};

struct AssignStudy {
  AssignResult result;
  Outputs outputs;
  std::string summary;  // one line for the user
};

// Reads the files (InputError naming file, line and field on bad input), solves and builds the outputs.
[[nodiscard]] AssignStudy run_assign_study(const AssignInputs& in, const AssignOptions& opt,
                                           const Context& ctx);

}  // namespace cs::assign
