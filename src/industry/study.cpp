// Farm supply and hub siting on a county (industry/study.hpp; docs/industry.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <countyscope/core/error.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/industry/study.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/network/routing.hpp>

namespace cs::industry {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
const Range kYield{"yield", 0, 1000, "t/ha/yr"};
const Range kTonnes{"farm output", 0, 1e10, "t/yr"};
}  // namespace

const opt::Table<IndustryOptions>& industry_options() {
  using O = IndustryOptions;
  static const auto t =
      opt::Table<O>("industry",
                    "Farm supply and the collection points and processing / cold-chain hubs that bring it to "
                    "the seat's market (plan file; docs/industry.md)")
          .flag("run", &O::run, "run the industry pass (plan, demo)")
          .text("yield_table", &O::yield_table,
                "CSV class,t_per_ha[,source] replacing the default yields (every farm class present needed)")
          .text("output_table", &O::output_table,
                "CSV unit,tonnes: the county's own farm output by township (wins over the land-use estimate)")
          .number("cost_first_mile", &O::cost_first_mile, Range{"cost", 0, 1e6, "yuan/t-km"},
                  "transport cost village -> collection point (assumed: small farm vehicles)")
          .number("cost_trunk", &O::cost_trunk, Range{"cost", 0, 1e6, "yuan/t-km"},
                  "transport cost point -> hub -> market (assumed: road freight by truck)")
          .number("collection_fixed", &O::collection_fixed, Range{"cost", 0, 1e12, "yuan/yr"},
                  "annualised fixed cost of a collection point (assumed)")
          .number("collection_capacity", &O::collection_capacity, Range{"capacity", 0, 1e10, "t/yr", true},
                  "what a collection point handles per year (assumed)")
          .number("hub_fixed", &O::hub_fixed, Range{"cost", 0, 1e12, "yuan/yr"},
                  "annualised fixed cost of a processing / cold-chain hub (assumed)")
          .number("hub_capacity", &O::hub_capacity, Range{"capacity", 0, 1e10, "t/yr", true},
                  "what a hub processes per year (assumed)")
          .numbers("cost_breaks", &O::cost_breaks, Range{"throughput", 0, 1e10, "t/yr"},
                   "throughputs at which the processing cost per tonne falls (the first is 0)")
          .numbers("cost_slopes", &O::cost_slopes, Range{"cost", 0, 1e6, "yuan/t"},
                   "processing cost per tonne on each stretch, not increasing (economies of scale; assumed)")
          .choice("hub_candidates", &O::hub_candidates,
                  {{"towns", HubCandidates::kTowns}, {"all", HubCandidates::kAll}},
                  "where hubs may go: the seat and the towns, or every settlement")
          .choice("method", &O::method,
                  {{"auto", HubMethod::kAuto},
                   {"exact", HubMethod::kExact},
                   {"heuristic", HubMethod::kHeuristic}},
                  "exact MIP (CBC), local search with an LP bound, or auto by size (exact_max_pairs)")
          .integer("exact_max_pairs", &O::exact_max_pairs, 1, 100000000, "pairs",
                   "auto: exact when villages x candidates is at most this")
          .number("time_limit_min", &O::time_limit_min, Range{"time", 0, 1440, "minutes", true},
                  "time limit of the solver")
          .number("near_min", &O::near_min, limits::kCutoffMin,
                  "supply counted as near when its village is this close to a collection point by car")
          .extra("yields")
          .plan_file_only();
  return t;
}

const std::map<std::string, YieldRow>& default_yields() {
  static const std::map<std::string, YieldRow> y = {
      {"farmland",
       {5.8,
        "grain: 5,802 kg/ha, China's average grain yield 2022 (National Bureau of Statistics, "
        "announcement on the 2022 grain output)"}},
      {"orchard", {15, "fruit, assumed"}},
      {"vineyard", {10, "grapes, assumed"}},
      {"greenhouse_horticulture", {60, "vegetables under glass or film, assumed"}},
      {"meadow", {6, "hay, assumed"}},
      {"animal_keeping", {20, "livestock products per hectare of farmyard, assumed"}},
      {"aquaculture", {7.5, "fish from ponds, assumed"}},
  };
  return y;
}

FarmSupply farm_supply(const County& c, const IndustryOptions& o) {
  FarmSupply s;
  // The yield table: defaults, or the user's file in full; [industry.yields] over either.
  std::map<std::string, std::size_t> file_line;
  if (o.yield_table.empty()) {
    s.yields = default_yields();
    s.yields_source = "defaults";
  } else {
    const CsvTable t = read_csv(o.yield_table);
    const std::size_t cc = t.column("class"), yc = t.column("t_per_ha");
    const auto src = t.find_column("source");
    (void)t.unique_index(cc);
    for (std::size_t r = 0; r < t.rows(); ++r) {
      s.yields[t.text(r, cc)] = {t.number(r, yc, kYield), src ? t.text(r, *src) : o.yield_table};
      file_line[t.text(r, cc)] = r;
    }
    s.yields_source = o.yield_table;
  }
  for (const auto& [cls, v] : o.yields) s.yields[cls] = {v, "[industry.yields]"};
  if (!o.yields.empty()) s.yields_source += " + [industry.yields]";

  // Farm areas inside the county, each to its nearest settlement.
  const std::size_t n = c.settlements.size();
  s.area_ha.assign(n, 0.0);
  s.tonnes.assign(n, 0.0);
  s.source.assign(n, "land use");
  std::map<std::string, std::pair<double, double>> by_class;  // area, tonnes
  std::map<std::string, double> missing;                      // default classes without a yield: area
  for (const County::LandUse& lu : c.landuse) {
    const auto y = s.yields.find(lu.cls);
    const bool is_default = default_yields().count(lu.cls) != 0;
    if (y == s.yields.end() && !is_default) continue;  // not a farm class
    if (!c.boundary.empty() && !point_in_multipolygon(lu.centroid, c.boundary)) {
      ++s.areas_outside;
      continue;
    }
    if (y == s.yields.end()) {
      missing[lu.cls] += lu.area_m2 / 1e4;
      continue;
    }
    if (n == 0) continue;
    std::size_t best = 0;
    double bd = kInf;
    for (std::size_t i = 0; i < n; ++i) {
      const double d = network::haversine_m(lu.centroid, c.settlements[i].pos);
      if (d < bd) {
        bd = d;
        best = i;
      }
    }
    const double ha = lu.area_m2 / 1e4, t = ha * y->second.t_per_ha;
    s.area_ha[best] += ha;
    s.tonnes[best] += t;
    by_class[lu.cls].first += ha;
    by_class[lu.cls].second += t;
    ++s.areas;
  }
  if (!missing.empty()) {
    const auto& [cls, ha] = *missing.begin();
    throw InputError(o.yield_table + ": field 'class': the county has " + std::to_string(std::lround(ha)) +
                     " ha of farm land use '" + cls + "' but the yield table has no row for it");
  }
  for (const auto& [cls, at] : by_class) {
    s.classes.push_back(cls);
    s.class_area_ha.push_back(at.first);
    s.class_tonnes.push_back(at.second);
  }

  // The county's own output by township wins there, spread in proportion to the estimate.
  if (!o.output_table.empty()) {
    const CsvTable t = read_csv(o.output_table);
    const std::size_t uc = t.column("unit"), tc = t.column("tonnes");
    (void)t.unique_index(uc);
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const std::string& name = t.text(r, uc);
      int u = -1;
      for (std::size_t k = 0; k < c.units.size() && u < 0; ++k)
        if (c.units[k].name == name || (!c.units[k].code.empty() && c.units[k].code == name))
          u = static_cast<int>(k);
      if (u < 0) {
        std::vector<std::string> names;
        for (const AdminUnit& a : c.units) names.push_back(a.name);
        throw InputError(o.output_table + ": " + t.where(r) + ", field 'unit': no township '" + name +
                         "' in the county; townships are: " + (names.empty() ? "none" : opt::join(names)));
      }
      const double total = t.number(r, tc, kTonnes);
      std::vector<std::size_t> in;
      double est = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (c.settlements[i].unit == u) {
          in.push_back(i);
          est += s.tonnes[i];
        }
      if (in.empty())
        throw InputError(o.output_table + ": " + t.where(r) + ", field 'unit': township '" + name +
                         "' has no settlement to carry its output");
      for (std::size_t i : in) {
        s.tonnes[i] = est > 0 ? total * s.tonnes[i] / est : total / static_cast<double>(in.size());
        s.source[i] = o.output_table + " " + t.where(r);
      }
    }
  }
  s.total_tonnes = std::accumulate(s.tonnes.begin(), s.tonnes.end(), 0.0);
  s.total_area_ha = std::accumulate(s.area_ha.begin(), s.area_ha.end(), 0.0);
  return s;
}

Matrix<double> road_km(const network::RoadGraph& g, std::span<const network::Snap> from,
                       std::span<const network::Snap> to, Context& ctx) {
  // The graph with lengths (decimetres) for weights, and the snaps' along-edge legs in the same unit.
  network::RoadGraph lg = g;
  for (std::size_t a = 0; a < lg.arc_count(); ++a)
    lg.weight[a] = static_cast<Weight>(std::max(1.0, std::round(g.edge_length_m[g.arc_edge[a]] * 10.0)));
  auto convert = [&](std::span<const network::Snap> in) {
    std::vector<network::Snap> out(in.begin(), in.end());
    for (network::Snap& s : out) {
      const double len = g.edge_length_m[s.edge] * 10.0;
      auto leg = [&](Weight w, double part) {
        return w == kInfWeight ? kInfWeight : static_cast<Weight>(std::llround(part * len));
      };
      s.to_from_node = leg(s.to_from_node, s.frac);
      s.from_from_node = leg(s.from_from_node, s.frac);
      s.to_to_node = leg(s.to_to_node, 1 - s.frac);
      s.from_to_node = leg(s.from_to_node, 1 - s.frac);
      s.access_ms = 0;
    }
    return out;
  };
  const std::vector<network::Snap> f = convert(from), t = convert(to);
  network::MatrixOptions mo;
  mo.include_access = false;
  mo.algorithm = network::MatrixAlgorithm::kDijkstra;
  const TimeMatrix m = network::travel_time_matrix(lg, f, t, mo, ctx);  // "seconds" = dm / 1000
  Matrix<double> km(m.rows(), m.cols(), kInf);
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t j = 0; j < m.cols(); ++j)
      if (std::isfinite(m(i, j))) km(i, j) = static_cast<double>(m(i, j)) * 1000.0 / 10000.0;
  return km;
}

IndustryStudy run_industry(const County& c, const FarmSupply& s, const Matrix<double>& road,
                           const Matrix<double>& minutes, const IndustryOptions& o, Context& ctx,
                           std::string_view options_file) {
  IndustryStudy st;
  const std::size_t n = c.settlements.size();
  if (c.seat < 0) throw InputError("industry: the county has no seat to be the market");
  st.seat = static_cast<std::size_t>(c.seat);
  for (std::size_t i = 0; i < n; ++i) {
    st.collect_settlement.push_back(static_cast<std::uint32_t>(i));
    if (o.hub_candidates == HubCandidates::kAll || c.settlements[i].tier != Tier::kVillage)
      st.hub_settlement.push_back(static_cast<std::uint32_t>(i));
  }
  HubProblem& p = st.problem;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(s.tonnes[i] > 0)) continue;
    bool any = false;
    for (std::uint32_t j : st.collect_settlement) any = any || std::isfinite(road(i, j));
    if (!any) {
      st.unreached.push_back(static_cast<std::uint32_t>(i));
      continue;
    }
    st.origin_settlement.push_back(static_cast<std::uint32_t>(i));
    p.supply.push_back(s.tonnes[i]);
  }
  const std::size_t no = st.origin_settlement.size(), nc = st.collect_settlement.size(),
                    nh = st.hub_settlement.size();
  p.first = Matrix<double>(no, nc);
  for (std::size_t i = 0; i < no; ++i)
    for (std::size_t j = 0; j < nc; ++j)
      p.first(i, j) = road(st.origin_settlement[i], st.collect_settlement[j]);
  p.trunk = Matrix<double>(nc, nh);
  for (std::size_t j = 0; j < nc; ++j)
    for (std::size_t k = 0; k < nh; ++k) p.trunk(j, k) = road(st.collect_settlement[j], st.hub_settlement[k]);
  for (std::size_t k = 0; k < nh; ++k) p.to_market.push_back(road(st.hub_settlement[k], st.seat));
  p.cost_first_mile = o.cost_first_mile;
  p.cost_trunk = o.cost_trunk;
  p.collect_fixed.assign(nc, o.collection_fixed);
  p.collect_capacity.assign(nc, o.collection_capacity);
  p.hub_fixed.assign(nh, o.hub_fixed);
  p.hub_capacity.assign(nh, o.hub_capacity);
  p.breaks = o.cost_breaks;
  p.slopes = o.cost_slopes;
  const double total = std::accumulate(p.supply.begin(), p.supply.end(), 0.0);
  if (total <= 0) return st;  // nothing to ship: the caller says so
  if (static_cast<double>(nc) * o.collection_capacity < total)
    throw InputError(options_file, "[industry]", "collection_capacity",
                     std::to_string(nc) + " candidate points x " +
                         std::to_string(std::lround(o.collection_capacity)) + " t cannot hold the county's " +
                         std::to_string(std::lround(total)) + " t of farm output");
  if (static_cast<double>(nh) * o.hub_capacity < total)
    throw InputError(options_file, "[industry]", "hub_capacity",
                     std::to_string(nh) + " candidate hubs x " + std::to_string(std::lround(o.hub_capacity)) +
                         " t cannot hold the county's " + std::to_string(std::lround(total)) +
                         " t of farm output");
  HubOptions ho;
  ho.method = o.method;
  ho.exact_max_pairs = o.exact_max_pairs;
  ho.time_limit_s = o.time_limit_min * 60;
  ho.threads = ctx.thread_count();
  st.solution = solve_hubs(p, ho);

  double near_before = 0, near_after = 0;
  for (std::size_t i = 0; i < no; ++i) {
    const std::uint32_t v = st.origin_settlement[i];
    if (std::isfinite(road(v, st.seat))) st.tkm_before += p.supply[i] * road(v, st.seat);
    if (minutes(v, st.seat) <= o.near_min) near_before += p.supply[i];
    bool near = false;
    for (std::size_t j = 0; j < nc && !near; ++j)
      near = !st.solution.collect_open.empty() && st.solution.collect_open[j] &&
             minutes(v, st.collect_settlement[j]) <= o.near_min;
    if (near) near_after += p.supply[i];
  }
  st.share_near_before = near_before / total;
  st.share_near_after = near_after / total;
  return st;
}

}  // namespace cs::industry
