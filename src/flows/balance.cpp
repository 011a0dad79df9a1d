// Factor flows on the county and their two-way balance between tiers (see balance.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <countyscope/core/error.hpp>
#include <countyscope/flows/balance.hpp>
#include <countyscope/flows/table_run.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::flows {

MassKind parse_mass(std::string_view name) {
  if (name == "population") return MassKind::kPopulation;
  if (name == "jobs") return MassKind::kJobs;
  if (name == "facilities") return MassKind::kFacilities;
  if (name == "capital_out") return MassKind::kCapitalOut;
  if (name == "capital_in") return MassKind::kCapitalIn;
  throw unknown_value("mass", name, {"population", "jobs", "facilities", "capital_out", "capital_in"});
}
std::string_view mass_name(MassKind m) {
  switch (m) {
    case MassKind::kPopulation:
      return "population";
    case MassKind::kJobs:
      return "jobs";
    case MassKind::kFacilities:
      return "facilities";
    case MassKind::kCapitalOut:
      return "capital_out";
    case MassKind::kCapitalIn:
      return "capital_in";
  }
  return "?";
}

std::vector<FactorModel> default_factors() {
  std::vector<FactorModel> f(4);
  f[0] = {"labour",
          "commuters/day",
          GravityForm::kProduction,
          Decay::kExponential,
          0.10,
          0.45,
          MassKind::kPopulation,
          MassKind::kJobs,
          1.0,
          true};
  f[1] = {"consumption",
          "shopping trips/week",
          GravityForm::kProduction,
          Decay::kExponential,
          0.12,
          1.0,
          MassKind::kPopulation,
          MassKind::kPopulation,
          1.0,
          true};
  f[2] = {"services",
          "service visits/week",
          GravityForm::kProduction,
          Decay::kExponential,
          0.08,
          0.1,
          MassKind::kPopulation,
          MassKind::kFacilities,
          1.0,
          true};
  f[3] = {"capital", "money/year", GravityForm::kDoubly,  Decay::kExponential,
          0.05,      1.0,          MassKind::kCapitalOut, MassKind::kCapitalIn,
          1.0,       true};
  return f;
}

const std::vector<double>& FactorMasses::get(MassKind k) const {
  switch (k) {
    case MassKind::kPopulation:
      return population;
    case MassKind::kJobs:
      return jobs;
    case MassKind::kFacilities:
      return facilities;
    case MassKind::kCapitalOut:
      return capital_out;
    case MassKind::kCapitalIn:
      return capital_in;
  }
  return population;
}

FactorMasses county_masses(const County& c, double jobs_per_facility, double jobs_per_resident) {
  const std::size_t n = c.settlements.size();
  FactorMasses m;
  m.population.resize(n);
  m.facilities.assign(n, 0.0);
  m.jobs.resize(n);
  for (std::size_t i = 0; i < n; ++i) m.population[i] = c.settlements[i].population_est;
  for (const Facility& f : c.facilities) {
    std::size_t best = n;
    double bd = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n; ++i) {
      const double d =
          great_circle_km(f.pos.lon, f.pos.lat, c.settlements[i].pos.lon, c.settlements[i].pos.lat);
      if (d < bd) {
        bd = d;
        best = i;
      }
    }
    if (best < n) m.facilities[best] += 1.0;
  }
  for (std::size_t i = 0; i < n; ++i)
    m.jobs[i] = m.facilities[i] * jobs_per_facility + m.population[i] * jobs_per_resident;
  return m;
}

std::vector<Matrix<double>> factor_flows(const std::vector<FactorModel>& factors, const FactorMasses& m,
                                         const Matrix<double>& minutes) {
  const std::size_t n = minutes.rows();
  std::vector<Matrix<double>> out;
  for (const FactorModel& f : factors) {
    const auto& om = m.get(f.origin);
    const auto& dm = m.get(f.dest);
    const double so = std::accumulate(om.begin(), om.end(), 0.0),
                 sd = std::accumulate(dm.begin(), dm.end(), 0.0);
    if (om.size() != n || dm.size() != n || !(so > 0) || !(sd > 0)) {
      out.emplace_back();
      continue;
    }
    std::vector<double> O(n), D(dm);
    for (std::size_t i = 0; i < n; ++i) O[i] = om[i] * f.rate;
    if (f.form == GravityForm::kDoubly)
      for (double& v : D) v *= so * f.rate / sd;
    // Origins that reach no destination with mass send nothing (reported as zero), rather than failing the
    // county.
    Matrix<double> cost = minutes;
    std::vector<double> Oeff = O;
    for (std::size_t i = 0; i < n; ++i) {
      bool any = false;
      for (std::size_t j = 0; j < n && !any; ++j) any = i != j && std::isfinite(cost(i, j)) && D[j] > 0;
      if (!any) Oeff[i] = 0.0;
    }
    GravityParams p;
    p.decay = f.decay;
    p.beta = f.beta_per_min;
    CostOptions co;
    co.min_cost = f.decay == Decay::kPower ? f.min_minutes : 0.0;
    out.push_back(gravity_flows(f.form, Oeff, D, cost, p, co));
  }
  return out;
}

Balance two_way_balance(const std::vector<Tier>& tier, const Matrix<double>& minutes,
                        const std::vector<FactorModel>& factors, const std::vector<Matrix<double>>& flows,
                        const std::vector<double>& population) {
  const std::size_t n = tier.size();
  Balance b;
  b.hinterland_of.assign(n, -1);
  std::vector<int> centres;
  for (std::size_t i = 0; i < n; ++i)
    if (tier[i] != Tier::kVillage) {
      centres.push_back(static_cast<int>(i));
      b.hinterland_of[i] = static_cast<int>(i);
    }
  for (std::size_t v = 0; v < n; ++v) {
    if (tier[v] != Tier::kVillage) continue;
    double best = std::numeric_limits<double>::infinity();
    for (int c : centres)
      if (minutes(v, static_cast<std::size_t>(c)) < best) {
        best = minutes(v, static_cast<std::size_t>(c));
        b.hinterland_of[v] = c;
      }
  }
  const std::pair<Tier, Tier> pairs[] = {
      {Tier::kVillage, Tier::kTown}, {Tier::kVillage, Tier::kSeat}, {Tier::kTown, Tier::kSeat}};
  for (std::size_t f = 0; f < factors.size() && f < flows.size(); ++f) {
    const Matrix<double>& t = flows[f];
    if (t.rows() != n) continue;
    for (const auto& [lo, hi] : pairs) {
      TierFlow tf;
      tf.factor = factors[f].name;
      tf.from = lo;
      tf.to = hi;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
          if (tier[i] == lo && tier[j] == hi) tf.flow += t(i, j);
          if (tier[i] == hi && tier[j] == lo) tf.reverse += t(i, j);
        }
      tf.net = tf.flow - tf.reverse;
      b.tiers.push_back(tf);
    }
    for (int c : centres) {
      CentreShare cs;
      cs.factor = factors[f].name;
      cs.centre = c;
      const auto cc = static_cast<std::size_t>(c);
      for (std::size_t i = 0; i < n; ++i) cs.inbound_total += i == cc ? 0.0 : t(i, cc);
      for (std::size_t v = 0; v < n; ++v) {
        if (tier[v] != Tier::kVillage || b.hinterland_of[v] != c) continue;
        ++cs.hinterland_places;
        cs.hinterland_population += v < population.size() ? population[v] : 0.0;
        cs.inbound_from_hinterland += t(v, cc);
        cs.outbound_to_hinterland += t(cc, v);
        for (std::size_t j = 0; j < n; ++j) cs.hinterland_outflow += t(v, j);
      }
      cs.share = cs.hinterland_outflow > 0 ? cs.inbound_from_hinterland / cs.hinterland_outflow
                                           : std::numeric_limits<double>::quiet_NaN();
      b.centres.push_back(cs);
    }
  }
  return b;
}

}  // namespace cs::flows
