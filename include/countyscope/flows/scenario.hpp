// What-if scenarios (docs/flows.md "Scenarios"): a TOML file that upgrades OSM ways to a speed (0 closes
// them), adds road links between two points, opens or closes facilities, changes a place's or an
// administrative unit's population / jobs and a standard's threshold (the access study's audit). Applying it
// rebuilds only what depends on the change: network changes give a new graph (then re-snapping, matrices,
// flows and accessibility), place / facility changes only the masses (then flows and accessibility). A
// scenario whose changes are no-ops (a way set to the speed it has) leaves the graph bit-for-bit equal.
//
// Example (data/scenarios/sample_bridge.toml):
//   name = "Rhine bridge Vaduz - Sevelen upgraded"
//   [[upgrade]]
//   ways = [4283432]
//   speed_kmh = 80
//   [[link]]
//   from = [9.5030, 47.1330]    # lon, lat
//   to = [9.4890, 47.1330]
//   speed_kmh = 60
//   [[facility]]
//   action = "open"
//   service = "doctors"
//   name = "New health post"
//   at = [9.5180, 47.0800]
//   [[place]]
//   name = "Vaduz"
//   population = 6500
//   [[unit]]                      # an administrative unit: its demand points and settlements scaled
//   name = "Schaan"
//   population = 8000
//   [[standard]]                  # the audit's max or min of a standard of the standards file
//   id = "primary_school_30min"
//   threshold = 20
//
//   cs::flows::Scenario s = cs::flows::load_scenario("data/scenarios/sample_bridge.toml");
//   cs::flows::NetworkChangeReport rep;
//   cs::network::RoadGraph g2 = cs::flows::apply_network_changes(g, s, &rep);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <countyscope/county/county.hpp>
#include <countyscope/io/results.hpp>
#include <countyscope/network/road_graph.hpp>

namespace cs::flows {

struct WayUpgrade {
  std::vector<std::int64_t> ways;
  double speed_kmh = 0.0;  // 0 closes the ways
};
struct NewLink {
  std::string name;
  LonLat from, to;
  double speed_kmh = 50.0;
  network::RoadClass road_class = network::RoadClass::kPrimary;
};
struct FacilityChange {
  bool open = false;
  std::string name;  // close: by name (exact) or osm_id
  std::int64_t osm_id = 0;
  std::string service;  // open: service type name (see the service table)
  LonLat at;
  double capacity = kUnknown;
};
struct PlaceChange {
  std::string name;
  std::optional<double> population, jobs;
};
// An administrative unit (County::units, by name): population scales its demand points and its settlements'
// population by new / old (old = its demand points' sum); jobs are shared among its settlements by their
// population (a [[place]] jobs of the same scenario still wins for its settlement).
struct UnitChange {
  std::string name;
  std::optional<double> population, jobs;
};
// A standard's threshold (the audit's max or min, whichever the standard has; access/audit.hpp).
struct StandardChange {
  std::string id;
  double threshold = 0;
};

struct Scenario {
  std::string file, name, description;
  std::string name_zh, description_zh;  // optional: the same in Chinese (the report's 中文 mode shows them)
  std::vector<WayUpgrade> upgrades;
  std::vector<NewLink> links;
  std::vector<FacilityChange> facilities;
  std::vector<PlaceChange> places;
  std::vector<UnitChange> units;
  std::vector<StandardChange> standards;
  [[nodiscard]] bool changes_network() const { return !upgrades.empty() || !links.empty(); }
  [[nodiscard]] bool changes_places() const {
    return !facilities.empty() || !places.empty() || !units.empty();
  }
};

// Throws InputError naming the file and the key ("sample.toml: upgrade[1], field 'speed_kmh': ...") for bad
// values, and lists the valid keys for an unknown one.
Scenario parse_scenario(std::string_view toml_text, const std::string& file_label);
Scenario load_scenario(const std::string& path);

struct NetworkChangeReport {
  std::size_t edges_changed = 0, edges_closed = 0, links_added = 0;
  std::vector<std::pair<NodeId, NodeId>> link_nodes;  // graph nodes each new link joins
  std::vector<std::uint32_t> changed_edges;           // ids in the new graph (links included)
};

// The graph with the scenario's network changes. Unknown way ids are an InputError naming the scenario file;
// links join the graph nodes nearest to their end points (reported), with a straight-line length.
network::RoadGraph apply_network_changes(const network::RoadGraph& g, const Scenario& s,
                                         NetworkChangeReport* report = nullptr);

// Applies facility, unit and place changes (in that order: a place's own figures win over its unit's) to a
// copy of the county (jobs overrides go to jobs_override, NaN = none). Unknown names are InputErrors naming
// the scenario file. Standards are applied by the access study's configuration (plan: scenario_standards).
County apply_place_changes(const County& c, const Scenario& s, std::vector<double>* jobs_override);

Json scenario_to_json(const Scenario& s);

}  // namespace cs::flows
