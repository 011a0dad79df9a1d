// Targets osm_xml and osm_pbf: OSM bytes (the format fixed per target by CS_FUZZ_OSM_SUFFIX) through the two
// builders a user's extract reaches: the road graph (car and walk profiles, as `network` and `plan` build
// them) and the county (places, units, buildings, facilities, population), as `plan` and `structure` load it.
#include <countyscope/county/county.hpp>
#include <countyscope/network/road_graph.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_network.hpp>

#include "support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cs::fuzz::Bytes in(data, size);
  const std::uint8_t opts = in.byte();
  const std::string path = cs::fuzz::write_scratch("input" CS_FUZZ_OSM_SUFFIX, in.rest());
  cs::Context ctx;
  ctx.threads = 1;
  cs::fuzz::expect_errors([&] {
    const auto profile = (opts & 1) ? cs::network::Profile::kWalk : cs::network::Profile::kCar;
    const cs::NetworkBuild b = cs::build_network(path, cs::default_network_config(profile), ctx);
    (void)b;
  });
  cs::fuzz::expect_errors([&] {
    cs::CountyConfig cfg;
    const cs::County c = cs::load_county_osm(path, cfg, ctx);  // includes the population allocation
    (void)c;
  });
  cs::fuzz::close_leaked_fds(path);
  return 0;
}
