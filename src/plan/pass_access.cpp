// The access pass of the plan driver: accessibility, equity, standards audit and carrying capacity of every
// service type on the car matrix of all demand points x all facilities (docs/access.md). Takes [access] from
// the plan's config (read from the plan TOML by the registry, overridden by --access-* flags); adds
// sections.access, layers.access_settlements (GeoJSON), GeoPackage layers access_demand / access_settlements
// / access_facilities and the access_*.csv tables. The same cs::access::run_access_study backs `countyscope
// access`.
#include <countyscope/access/study.hpp>
#include <countyscope/plan/model_passes.hpp>

#include "passes.hpp"

namespace cs {

access::AccessInputs access_inputs(const CountyModel& m) {
  const County& c = m.county;
  access::AccessInputs in;
  in.times = &m.demand_to_facility;
  in.times_label = "car travel time, demand point -> facility (seconds)";
  in.demand_source = c.demand_source;
  for (const DemandPoint& d : c.demand) {
    in.population.push_back(d.population);
    in.demand_pos.push_back(d.pos);
    in.demand_place.push_back(d.settlement);
    in.demand_unit.push_back(d.unit);
    in.demand_id.push_back(std::string(1, d.osm_type) + std::to_string(d.osm_id));
  }
  for (const AdminUnit& u : c.units) in.unit_names.push_back(u.name);
  for (const Settlement& s : c.settlements) {
    const std::string unit = s.unit >= 0 && static_cast<std::size_t>(s.unit) < c.units.size()
                                 ? c.units[static_cast<std::size_t>(s.unit)].name
                                 : std::string();
    in.places.push_back({s.name, std::string(tier_name(s.tier)), unit});
    in.place_pos.push_back(s.pos);
  }
  for (std::size_t j = 0; j < c.facilities.size(); ++j) {
    const Facility& f = c.facilities[j];
    in.facility_id.push_back(std::string(1, f.osm_type) + std::to_string(f.osm_id) + ":" +
                             c.services.types[f.service].name);
    in.facility_name.push_back(f.name);
    in.facility_pos.push_back(f.pos);
    in.facility_service.push_back(f.service);
    in.facility_capacity.push_back(f.capacity);
  }
  for (const ServiceType& t : c.services.types) {
    in.service_names.push_back(t.name);
    in.service_capacity_unit.push_back(t.capacity_tag);
    in.service_untyped.push_back(t.untyped);
  }
  return in;
}

}  // namespace cs

namespace cs::detail {

void pass_access(PlanState& st, Context& ctx) {
  // With no facility at all the study still runs: every standard of the service table fails (nobody reaches
  // a school that does not exist), which is what a planner must read, not "nothing to measure".
  if (st.county.facilities.empty())
    ctx.warn("access: no facilities in the county; every standard of its service table fails");
  merge(st, "access", access::run_access_study(access_inputs(st), st.cfg.access, ctx).outputs);
}

}  // namespace cs::detail
