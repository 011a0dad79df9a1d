// The industry pass ([industry] run = true; docs/industry.md): the farm output of each settlement's
// catchment (OSM farm land use x a yield table, or the county's own output by township) and the collection
// points and processing / cold-chain hubs that bring it to the seat's market (industry/study.hpp): before /
// after tonne-km, the share of supply near a collection point, hub utilisation.
#include <algorithm>
#include <cmath>
#include <string>

#include <countyscope/industry/study.hpp>

#include "passes.hpp"

namespace cs::detail {

namespace {

double round3(double x) { return std::isfinite(x) ? std::round(x * 1000) / 1000 : x; }
double round1(double x) { return std::isfinite(x) ? std::round(x * 10) / 10 : x; }

std::string outcome_text(locate::Outcome o) { return std::string(locate::outcome_name(o)); }

}  // namespace

void pass_industry(PlanState& st, Context& ctx) {
  const industry::IndustryOptions& o = st.cfg.industry;
  if (!o.run) return;
  const County& c = st.county;
  const industry::FarmSupply sup = timed(ctx, "industry/supply", [&] { return industry::farm_supply(c, o); });
  for (const auto& [cls, v] : o.yields)
    if (std::find(sup.classes.begin(), sup.classes.end(), cls) == sup.classes.end())
      ctx.warn("[industry.yields] " + cls +
               ": no land use of this class inside the county (a typo?); the yield is unused");
  Outputs out;
  Json classes = Json::array();
  for (std::size_t k = 0; k < sup.classes.size(); ++k) {
    const industry::YieldRow& y = sup.yields.at(sup.classes[k]);
    classes.push_back({{"class", sup.classes[k]},
                       {"area_ha", round1(sup.class_area_ha[k])},
                       {"t_per_ha", y.t_per_ha},
                       {"tonnes", round1(sup.class_tonnes[k])},
                       {"source", y.source}});
  }
  Json yields = Json::object();
  for (const auto& [cls, y] : sup.yields) yields[cls] = {{"t_per_ha", y.t_per_ha}, {"source", y.source}};
  out.section = {{"supply_t", round1(sup.total_tonnes)},
                 {"farm_area_ha", round1(sup.total_area_ha)},
                 {"farm_areas", sup.areas},
                 {"farm_areas_outside", sup.areas_outside},
                 {"classes", classes},
                 {"yields", yields},
                 {"yields_source", sup.yields_source},
                 {"output_table", o.output_table.empty() ? Json(nullptr) : Json(o.output_table)},
                 {"assumptions", industry::industry_options().to_json(o)}};
  if (!(sup.total_tonnes > 0)) {
    out.section["note"] = "no farm land use (" + opt::join([] {
                            std::vector<std::string> k;
                            for (const auto& [cls, y] : industry::default_yields()) k.push_back(cls);
                            return k;
                          }()) +
                          ") inside the county: nothing to collect";
    merge(st, "industry", out);
    ctx.info("industry: no farm land use inside the county");
    return;
  }
  const std::size_t n = c.settlements.size();
  const Matrix<double> road = timed(ctx, "industry/road_km", [&] {
    return industry::road_km(st.car.graph, st.settlement_snaps, st.settlement_snaps, ctx);
  });
  Matrix<double> minutes(n, n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      minutes(i, j) = static_cast<double>(st.settlement_to_settlement(i, j)) / 60.0;
  const industry::IndustryStudy s = timed(ctx, "industry/siting", [&] {
    return industry::run_industry(c, sup, road, minutes, o, ctx,
                                  st.cfg.config_path.empty() ? "built-in defaults" : st.cfg.config_path);
  });
  const industry::HubSolution& sol = s.solution;
  if (sol.collect_open.empty())
    throw InputError("industry: the siting found no plan (" + outcome_text(sol.outcome) +
                     "): " + sol.message);

  auto sname = [&](std::uint32_t i) { return c.settlements[i].name; };
  // Villages (origins): supply, the point that takes most of it, the time there.
  Table villages("industry_villages", GeomType::kPoint,
                 {{"settlement", FieldType::kInteger},
                  {"name", FieldType::kString},
                  {"tier", FieldType::kString},
                  {"farm_area_ha", FieldType::kReal, "ha"},
                  {"supply_t", FieldType::kReal, "t/yr"},
                  {"supply_source", FieldType::kString},
                  {"collection_point", FieldType::kString},
                  {"road_km", FieldType::kReal, "km"},
                  {"time_min", FieldType::kReal, "min"},
                  {"near", FieldType::kInteger}});
  std::vector<std::uint32_t> main_point(s.origin_settlement.size(), 0);
  std::vector<double> main_t(s.origin_settlement.size(), -1);
  for (const industry::Shipment& x : sol.first)
    if (x.tonnes > main_t[x.from]) {
      main_t[x.from] = x.tonnes;
      main_point[x.from] = x.to;
    }
  for (std::size_t i = 0; i < s.origin_settlement.size(); ++i) {
    const std::uint32_t v = s.origin_settlement[i], p = s.collect_settlement[main_point[i]];
    const double t = minutes(v, p);
    villages.add(Shape::point(c.settlements[v].pos),
                 {integer(v), sname(v), std::string(tier_name(c.settlements[v].tier)), round3(sup.area_ha[v]),
                  round3(sup.tonnes[v]), sup.source[v], sname(p), round3(road(v, p)), round3(t),
                  integer(t <= o.near_min ? 1 : 0)});
  }
  for (std::uint32_t v : s.unreached)
    villages.add(Shape::point(c.settlements[v].pos),
                 {integer(v), sname(v), std::string(tier_name(c.settlements[v].tier)), round3(sup.area_ha[v]),
                  round3(sup.tonnes[v]), sup.source[v], std::monostate{}, std::monostate{}, std::monostate{},
                  integer(0)});
  // Sites: open collection points and hubs.
  Table sites("industry_sites", GeomType::kPoint,
              {{"settlement", FieldType::kInteger},
               {"name", FieldType::kString},
               {"role", FieldType::kString},
               {"throughput_t", FieldType::kReal, "t/yr"},
               {"capacity_t", FieldType::kReal, "t/yr"},
               {"utilisation", FieldType::kReal, "share"}});
  Json hubs = Json::array();
  for (std::size_t j = 0; j < sol.collect_open.size(); ++j)
    if (sol.collect_open[j]) {
      const std::uint32_t v = s.collect_settlement[j];
      const double cap = s.problem.collect_capacity[j];
      sites.add(Shape::point(c.settlements[v].pos),
                {integer(v), sname(v), std::string("collection point"), round3(sol.collect_throughput[j]),
                 cap, round3(sol.collect_throughput[j] / cap)});
    }
  for (std::size_t k = 0; k < sol.hub_open.size(); ++k)
    if (sol.hub_open[k]) {
      const std::uint32_t v = s.hub_settlement[k];
      const double cap = s.problem.hub_capacity[k];
      sites.add(Shape::point(c.settlements[v].pos),
                {integer(v), sname(v), std::string("hub"), round3(sol.hub_throughput[k]), cap,
                 round3(sol.hub_throughput[k] / cap)});
      hubs.push_back(
          {{"name", sname(v)},
           {"throughput_t", round1(sol.hub_throughput[k])},
           {"utilisation", round3(sol.hub_throughput[k] / cap)},
           {"processing_cost", round1(industry::processing_cost(s.problem, sol.hub_throughput[k]))}});
    }
  // Shipments as straight lines (the distance is by road).
  Table links("industry_links", GeomType::kLineString,
              {{"from", FieldType::kString},
               {"to", FieldType::kString},
               {"leg", FieldType::kString},
               {"tonnes", FieldType::kReal, "t/yr"},
               {"road_km", FieldType::kReal, "km"}});
  auto link = [&](std::uint32_t a, std::uint32_t b, const char* leg, double t) {
    links.add(Shape::line({c.settlements[a].pos, c.settlements[b].pos}),
              {sname(a), sname(b), std::string(leg), round3(t), round3(road(a, b))});
  };
  for (const industry::Shipment& x : sol.first)
    if (s.origin_settlement[x.from] != s.collect_settlement[x.to])
      link(s.origin_settlement[x.from], s.collect_settlement[x.to], "first mile", x.tonnes);
  for (const industry::Shipment& u : sol.trunk)
    if (s.collect_settlement[u.from] != s.hub_settlement[u.to])
      link(s.collect_settlement[u.from], s.hub_settlement[u.to], "to hub", u.tonnes);
  for (std::size_t k = 0; k < sol.hub_open.size(); ++k)
    if (sol.hub_open[k] && sol.hub_throughput[k] > 0 && s.hub_settlement[k] != s.seat)
      link(s.hub_settlement[k], static_cast<std::uint32_t>(s.seat), "to market", sol.hub_throughput[k]);

  const double tkm_after = sol.tkm_first + sol.tkm_trunk + sol.tkm_market;
  Json unreached = Json::array();
  for (std::uint32_t v : s.unreached) unreached.push_back(sname(v));
  std::size_t n_points = 0, n_hubs = 0;
  for (char x : sol.collect_open) n_points += x ? 1 : 0;
  for (char x : sol.hub_open) n_hubs += x ? 1 : 0;
  const Json after = {
      {"market", sname(static_cast<std::uint32_t>(s.seat))},
      {"origins", s.origin_settlement.size()},
      {"unreached", unreached},
      {"collection_candidates", s.collect_settlement.size()},
      {"hub_candidates", s.hub_settlement.size()},
      {"collection_points", n_points},
      {"hubs_open", n_hubs},
      {"hubs", hubs},
      {"method", sol.method},
      {"outcome", outcome_text(sol.outcome)},
      {"cost", round1(sol.cost)},
      {"cost_fixed", round1(sol.fixed)},
      {"cost_transport", round1(sol.transport)},
      {"cost_processing", round1(sol.processing)},
      {"bound", round1(sol.bound)},
      {"gap", sol.gap},
      {"tkm_before", round1(s.tkm_before)},
      {"tkm_after", round1(tkm_after)},
      {"tkm_first_mile", round1(sol.tkm_first)},
      {"tkm_to_hub", round1(sol.tkm_trunk)},
      {"tkm_to_market", round1(sol.tkm_market)},
      {"near_min", o.near_min},
      {"share_near_before", round3(s.share_near_before)},
      {"share_near_after", round3(s.share_near_after)},
      {"note",
       "before: every settlement's output driven straight to the seat's market; after: village -> "
       "collection point -> hub -> market. Costs are yuan per year under the assumed rates."}};
  out.section.update(after);
  if (!sol.message.empty()) out.section["message"] = sol.message;
  out.add(std::move(villages));
  out.add(std::move(sites));
  out.add(std::move(links));
  merge(st, "industry", out);
  ctx.info("industry: " + std::to_string(std::lround(sup.total_tonnes)) + " t/yr of farm output, " +
           std::to_string(n_points) + " collection points and " + std::to_string(n_hubs) + " hub(s) (" +
           sol.method + ", " + outcome_text(sol.outcome) + ")");
}

}  // namespace cs::detail
