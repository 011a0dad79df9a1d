#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include <countyscope/structure/hierarchy.hpp>

namespace cs::structure {

std::vector<Problem> validate(const HierarchyConfig& cfg) {
  std::vector<Problem> p;
  auto pos = [&](double v, const char* name) {
    if (!(v > 0.0) || !std::isfinite(v)) p.push_back({name, "must be > 0"});
  };
  auto nonneg = [&](double v, const char* name) {
    if (!(v >= 0.0) || !std::isfinite(v)) p.push_back({name, "must be >= 0"});
  };
  pos(cfg.reach_s, "reach_s");
  nonneg(cfg.facility_radius_s, "facility_radius_s");
  nonneg(cfg.w_pop, "w_pop");
  nonneg(cfg.w_services, "w_services");
  nonneg(cfg.w_reach, "w_reach");
  if (cfg.w_pop + cfg.w_services + cfg.w_reach <= 0.0) p.push_back({"w_pop", "the three weights sum to 0"});
  if (!(cfg.town_score >= 0.0 && cfg.town_score <= 1.0)) p.push_back({"town_score", "must be in [0, 1]"});
  return p;
}

std::string_view mismatch_text(Mismatch m) {
  switch (m) {
    case Mismatch::kNone:
      return "";
    case Mismatch::kTownWithoutServices:
      return "town with no services";
    case Mismatch::kVillageActingAsCentre:
      return "village acting as a centre";
    case Mismatch::kWeakTown:
      return "town scoring as a village";
    case Mismatch::kSeatNotTop:
      return "seat is not the top-ranked centre";
  }
  return "";
}

Hierarchy rank_settlements(std::span<const double> population, std::span<const Tier> stated,
                           const TimeMatrix& demand_to_settlement, std::span<const double> demand_pop,
                           const TimeMatrix& settlement_to_facility,
                           std::span<const std::uint16_t> facility_type, std::size_t n_types,
                           const HierarchyConfig& cfg) {
  throw_if_problems(validate(cfg), "hierarchy");
  const std::size_t ns = population.size();
  auto bad = [](const std::string& field, std::size_t got, std::size_t want) {
    return InputError("", "", field,
                      "has " + std::to_string(got) + " entries, expected " + std::to_string(want));
  };
  if (stated.size() != ns) throw bad("stated tier", stated.size(), ns);
  if (demand_to_settlement.cols() != ns)
    throw bad("demand_to_settlement columns", demand_to_settlement.cols(), ns);
  if (demand_to_settlement.rows() != demand_pop.size())
    throw bad("demand population", demand_pop.size(), demand_to_settlement.rows());
  if (settlement_to_facility.rows() != ns)
    throw bad("settlement_to_facility rows", settlement_to_facility.rows(), ns);
  if (settlement_to_facility.cols() != facility_type.size())
    throw bad("facility types", facility_type.size(), settlement_to_facility.cols());

  Hierarchy h;
  h.settlements.resize(ns);
  for (std::size_t s = 0; s < ns; ++s) {
    SettlementRank& r = h.settlements[s];
    r.population = std::isfinite(population[s]) && population[s] > 0 ? population[s] : 0.0;
    r.stated = stated[s];
    r.facilities_by_type.assign(n_types, 0);
  }
  // Network position: population within reach (rows are demand points: one pass over the matrix).
  for (std::size_t i = 0; i < demand_to_settlement.rows(); ++i) {
    const auto row = demand_to_settlement.row(i);
    for (std::size_t s = 0; s < ns; ++s)
      if (row[s] <= cfg.reach_s) h.settlements[s].reach_population += demand_pop[i];
  }
  // Facilities present: at the nearest settlement (first on ties) within the radius.
  for (std::size_t j = 0; j < facility_type.size(); ++j) {
    if (facility_type[j] >= n_types)
      throw InputError("", "facility " + std::to_string(j), "service", "type index out of range");
    std::size_t best = ns;
    float bt = kUnreachable;
    for (std::size_t s = 0; s < ns; ++s) {
      if (settlement_to_facility(s, j) < bt) {
        bt = settlement_to_facility(s, j);
        best = s;
      }
    }
    if (best < ns && bt <= cfg.facility_radius_s) {
      ++h.settlements[best].facilities_by_type[facility_type[j]];
      ++h.settlements[best].facilities;
    }
  }
  std::vector<bool> type_anywhere(n_types, false);
  double max_pop = 0.0, max_reach = 0.0;
  for (auto& r : h.settlements) {
    for (std::size_t t = 0; t < n_types; ++t)
      if (r.facilities_by_type[t] > 0) {
        ++r.service_types;
        type_anywhere[t] = true;
      }
    max_pop = std::max(max_pop, r.population);
    max_reach = std::max(max_reach, r.reach_population);
  }
  const auto types_anywhere =
      static_cast<double>(std::count(type_anywhere.begin(), type_anywhere.end(), true));
  const double wsum = cfg.w_pop + cfg.w_services + cfg.w_reach;
  for (auto& r : h.settlements) {
    r.pop_part = max_pop > 0 ? std::log1p(r.population) / std::log1p(max_pop) : 0.0;
    r.services_part = types_anywhere > 0 ? r.service_types / types_anywhere : 0.0;
    r.reach_part = max_reach > 0 ? r.reach_population / max_reach : 0.0;
    r.score = (cfg.w_pop * r.pop_part + cfg.w_services * r.services_part + cfg.w_reach * r.reach_part) / wsum;
  }
  std::vector<std::uint32_t> order(ns);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return h.settlements[a].score > h.settlements[b].score;
  });
  for (std::size_t k = 0; k < ns; ++k) {
    SettlementRank& r = h.settlements[order[k]];
    r.rank = static_cast<std::uint32_t>(k + 1);
    r.proposed = k == 0 ? Tier::kSeat : (r.score >= cfg.town_score ? Tier::kTown : Tier::kVillage);
    if (r.stated != Tier::kVillage && r.facilities == 0)
      r.mismatch = Mismatch::kTownWithoutServices;
    else if (r.stated == Tier::kSeat && r.proposed != Tier::kSeat)
      r.mismatch = Mismatch::kSeatNotTop;
    else if (r.stated == Tier::kVillage && r.proposed != Tier::kVillage)
      r.mismatch = Mismatch::kVillageActingAsCentre;
    else if (r.stated == Tier::kTown && r.proposed == Tier::kVillage)
      r.mismatch = Mismatch::kWeakTown;
    if (r.mismatch != Mismatch::kNone) h.mismatches.push_back(order[k]);
  }
  return h;
}

}  // namespace cs::structure
