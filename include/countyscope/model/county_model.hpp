// The county model in memory (issue 14): what every capability reads and nothing recomputes — the places
// (settlements, admin units, facilities, demand), one road graph per profile with its travel-time index (a
// contraction hierarchy built at most once per graph and then kept), the places snapped onto each graph, and
// the car travel-time matrices between them. A plan builds one model (build_places, build_networks,
// snap_places, compute_matrices) and runs its passes over it; a scenario is apply(scenario, model): a new
// model that shares or copies everything the edit does not touch and recomputes the rest with the same
// functions.
//
// Example:
//   cs::CountyModel m;
//   cs::build_places(m, "county.osm.pbf", cs::CountyConfig{}, {}, ctx);
//   cs::build_networks(m, "county.osm.pbf", cs::default_network_config(cs::network::Profile::kCar), false,
//   ctx); cs::snap_places(m, cs::network::SnapOptions{}, ctx); cs::compute_matrices(m,
//   cs::network::MatrixOptions{}, ctx);       // the car index is built here if it pays off cs::ModelEdit e =
//   cs::apply(scenario, m, cs::network::SnapOptions{}, cs::network::MatrixOptions{}, ctx);  // e.model: after
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/matrix.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/flows/scenario.hpp>
#include <countyscope/network/ch.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/osm_cut.hpp>
#include <countyscope/sources/osm_network.hpp>

namespace cs {

// The travel-time index of one graph, built on first use and then kept. Copies of a model share it as long as
// they share the graph; a model whose graph changes gets a fresh (unbuilt) index.
class RoutingIndex {
 public:
  // The contraction hierarchy of g (the graph this index belongs to), built on the first call and timed in
  // ctx.timers as "build_index.<profile>" — the count of those entries is the number of builds.
  const network::ContractionHierarchy& get(const network::RoadGraph& g, Context& ctx);
  [[nodiscard]] bool built() const;
  [[nodiscard]] std::size_t builds() const;  // 0 or 1 over the index's life

 private:
  mutable std::mutex mu_;
  std::unique_ptr<network::ContractionHierarchy> ch_;
  std::size_t builds_ = 0;
};

// One profile's road graph, its index and the places snapped onto it.
struct ProfileNetwork {
  NetworkBuild net;
  std::shared_ptr<RoutingIndex> index = std::make_shared<RoutingIndex>();
  std::vector<network::Snap> demand, facilities, settlements;
};

struct CountyModel {
  std::string source;  // the OSM file the model was read from
  // The county cut out of a larger extract (CountyConfig::cut_boundary), read in place of `source`; shared by
  // copies of the model, its file removed with the last of them.
  std::shared_ptr<const OsmCut> cut;
  County county;
  NetworkBuild car;  // car network (the default for matrices)
  std::shared_ptr<RoutingIndex> car_index = std::make_shared<RoutingIndex>();
  std::vector<network::Snap> demand_snaps, facility_snaps, settlement_snaps;  // on the car graph
  TimeMatrix demand_to_facility;        // all demand points x all facilities, seconds (car)
  TimeMatrix settlement_to_settlement;  // all settlements x all settlements, seconds (car)
  TimeMatrix demand_to_settlement;      // all demand points x all settlements, seconds (car)
  TimeMatrix settlement_to_facility;    // all settlements x all facilities, seconds (car)
  TimeMatrix facility_to_facility;      // all facilities x all facilities, seconds (car)
  // Indices into county.services of the service types that get a nearest-facility column (all if none named).
  std::vector<std::uint16_t> service_types;
  // The walk network (walk life circles), when asked for; shared by copies of the model.
  std::shared_ptr<const ProfileNetwork> walk;
};

// Cuts the county out of osm_path when cfg.cut_boundary names a boundary (m.cut; the boundary becomes the
// county's: the relation, or the file as the boundary layer unless [layers.boundary] gives one) and returns
// the configuration to read the places with.
CountyConfig cut_county(CountyModel& m, const std::string& osm_path, const CountyConfig& cfg, Context& ctx);
// The OSM file the model's readers read: the cut when there is one, else osm_path.
const std::string& osm_read_path(const CountyModel& m, const std::string& osm_path);
// Reads the places of the OSM file into m.county and resolves the named service types (all when empty; an
// unknown name is a UsageError listing the valid ones).
void build_places(CountyModel& m, const std::string& osm_path, const CountyConfig& cfg,
                  const std::vector<std::string>& service_types, Context& ctx);
// The given county in place of reading one (the Python model passed back), with the service types resolved as
// build_places does.
void use_county(CountyModel& m, const std::string& osm_path, County county,
                const std::vector<std::string>& service_types);
// Builds the car graph (car_cfg; its profile may be walk when the user routes on foot) and, when `walk`, the
// walk graph, from one read of the OSM file's ways and one of its nodes (build_networks in osm_network.hpp).
// The graphs get fresh indexes.
void build_networks(CountyModel& m, const std::string& osm_path, const NetworkConfig& car_cfg, bool walk,
                    Context& ctx);
// Snaps demand points, facilities and settlements onto the car graph (and the walk graph when there is one);
// warns about points farther than opt.far_threshold_m from a road.
void snap_places(CountyModel& m, const network::SnapOptions& opt, Context& ctx);
// The five car matrices, answered from the kept car index when the graph and both sides are large enough for
// an index to pay off (the kAuto rule of travel_time_matrix; the index is then built once, on first need).
void compute_matrices(CountyModel& m, const network::MatrixOptions& opt, Context& ctx);
// One car matrix between snapped points under the same rule (rows = from, cols = to; seconds).
TimeMatrix model_matrix(const CountyModel& m, std::span<const network::Snap> from,
                        std::span<const network::Snap> to, const network::MatrixOptions& opt, Context& ctx);

// A scenario applied to a model: the edited model, what was recomputed (in order: "graph", "snap",
// "matrices"), the network changes, and the jobs overrides per settlement (NaN = none; empty = no override).
struct ModelEdit {
  CountyModel model;
  std::vector<std::string> recomputed;
  flows::NetworkChangeReport network;
  std::vector<double> jobs;
};
// The model after the scenario: place and facility edits give a new county; network edits a new car graph
// (with a fresh index); either re-snaps and recomputes the matrices with the functions above. Everything an
// edit does not touch is kept (an unchanged graph keeps its index; the walk network is always shared).
ModelEdit apply(const flows::Scenario& sc, const CountyModel& m, const network::SnapOptions& snap,
                const network::MatrixOptions& matrix, Context& ctx);

}  // namespace cs
