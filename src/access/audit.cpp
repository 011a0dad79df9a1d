// Standards audit (TOML table of cited thresholds) and carrying capacity of facilities with known capacity.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include <countyscope/access/audit.hpp>
#include <countyscope/core/options.hpp>
#include <countyscope/io/output.hpp>

namespace cs::access {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A standard's threshold: a time in minutes, a count or a supply per 1,000 (any finite magnitude).
constexpr Range kThreshold{"threshold", -1e15, 1e15, ""};
const std::vector<std::string> kAuditNames{"nearest_min",     "kth_nearest_min", "cumulative", "gravity",
                                           "sfca2",           "e2sfca",          "g2sfca",     "sfca3",
                                           "supply_per_1000", "facilities"};

}  // namespace

AuditMeasure parse_audit_measure(std::string_view s) {
  for (std::size_t i = 0; i < kAuditNames.size(); ++i)
    if (s == kAuditNames[i]) return static_cast<AuditMeasure>(i);
  throw unknown_value("audit measure", s, kAuditNames);
}
std::string_view audit_measure_name(AuditMeasure m) { return kAuditNames[static_cast<std::size_t>(m)]; }
bool audit_measure_is_county_level(AuditMeasure m) {
  return m == AuditMeasure::kSupplyPer1000 || m == AuditMeasure::kFacilities;
}
std::optional<Measure> audit_access_measure(AuditMeasure m) {
  switch (m) {
    case AuditMeasure::kNearestMin:
      return Measure::kNearest;
    case AuditMeasure::kKthNearestMin:
      return Measure::kKthNearest;
    case AuditMeasure::kCumulative:
      return Measure::kCumulative;
    case AuditMeasure::kGravity:
      return Measure::kGravity;
    case AuditMeasure::k2SFCA:
      return Measure::k2SFCA;
    case AuditMeasure::kE2SFCA:
      return Measure::kE2SFCA;
    case AuditMeasure::kG2SFCA:
      return Measure::kG2SFCA;
    case AuditMeasure::k3SFCA:
      return Measure::k3SFCA;
    default:
      return std::nullopt;
  }
}

bool Standard::beyond(double v) const {
  if (!std::isfinite(v)) return true;
  if (max) return v > *max;
  if (min) return v < *min;
  return false;
}

std::vector<Standard> parse_standards(std::string_view text, const std::string& file) {
  const TomlDocument doc = TomlDocument::parse(text, file);
  const TomlSection root = doc.root();
  root.check_keys({"standard"});
  const std::vector<TomlSection> tables = root.tables("standard");
  if (tables.empty()) throw InputError(file, "", "standard", "no [[standard]] entries");
  std::vector<Standard> out;
  for (const TomlSection& t : tables) {
    t.check_keys({"id", "service", "measure", "max", "min", "source", "note"});
    auto str = [&](const char* key, bool required) {
      if (required && !t.has(key))
        throw t.error("", "'" + std::string(key) + "' is missing (a string is required)");
      std::string v;
      t.text(key, v);
      return v;
    };
    Standard s;
    s.id = str("id", true);
    s.service = str("service", true);
    s.source = str("source", true);
    s.note = str("note", false);
    try {
      s.measure = parse_audit_measure(str("measure", true));
    } catch (const UsageError& e) {
      throw t.error("measure", "(" + s.id + ") " + e.what());
    }
    auto num = [&](const char* key) -> std::optional<double> {
      if (!t.has(key)) return std::nullopt;
      double v = 0;
      t.number(key, v, kThreshold);
      return v;
    };
    s.max = num("max");
    s.min = num("min");
    if (s.max.has_value() == s.min.has_value())
      throw t.error(s.max ? "max" : "", "(" + s.id + ") give exactly one of 'max' or 'min'");
    if (s.source.empty()) throw t.error("source", "(" + s.id + ") a citation is required");
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Standard> load_standards(const std::string& path) {
  return parse_standards(read_file(path), path);
}

std::vector<Standard> default_standards() {
  return load_standards(resource_path("data/config/standards.toml"));
}

AuditResult audit_points(const Standard& s, std::span<const double> v, std::span<const double> pop,
                         std::span<const int> place, const std::vector<AuditPlace>& places,
                         std::size_t worst_n) {
  AuditResult a;
  a.standard = s;
  a.county.group = "county";
  // Places: population-weighted value over finite points; population beyond.
  struct Acc {
    double pop = 0, pop_beyond = 0, sum = 0, reached = 0;
  };
  std::vector<Acc> acc(places.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool b = s.beyond(v[i]);
    a.county.population += pop[i];
    if (b) a.county.population_beyond += pop[i];
    const int p = place.empty() ? -1 : place[i];
    if (p < 0 || static_cast<std::size_t>(p) >= places.size()) continue;
    Acc& c = acc[static_cast<std::size_t>(p)];
    c.pop += pop[i];
    if (b) c.pop_beyond += pop[i];
    if (std::isfinite(v[i])) {
      c.sum += pop[i] * v[i];
      c.reached += pop[i];
    }
  }
  std::map<std::string, AuditShare> tiers, units;
  std::vector<WorstPlace> beyond;
  for (std::size_t p = 0; p < places.size(); ++p) {
    const Acc& c = acc[p];
    // A place's value is its population-weighted value; with unreached population it is unreached (NaN).
    const bool any_unreached = c.reached < c.pop;
    const double value = c.pop > 0 && !any_unreached ? c.sum / c.reached : kNaN;
    const bool place_beyond = c.pop > 0 && s.beyond(value);
    for (auto* m : {&tiers, &units}) {
      const std::string& key = m == &tiers ? places[p].tier : places[p].unit;
      if (key.empty()) continue;
      AuditShare& g = (*m)[key];
      g.group = key;
      g.population += c.pop;
      g.population_beyond += c.pop_beyond;
      if (c.pop > 0) {
        ++g.places;
        g.places_beyond += place_beyond ? 1 : 0;
      }
    }
    if (c.pop > 0) {
      ++a.county.places;
      a.county.places_beyond += place_beyond ? 1 : 0;
    }
    if (place_beyond)
      beyond.push_back({places[p].name, places[p].tier, places[p].unit, value, c.pop, c.pop_beyond});
  }
  // Tiers in the fixed order seat, town, village, then any other; units by name.
  for (const char* t : {"seat", "town", "village"})
    if (auto it = tiers.find(t); it != tiers.end()) {
      a.by_tier.push_back(it->second);
      tiers.erase(it);
    }
  for (auto& [k, g] : tiers) a.by_tier.push_back(g);
  for (auto& [k, g] : units) a.by_unit.push_back(g);
  // Worst first: unreached, then farthest from the threshold; ties by population beyond, then name.
  const bool lower_better = s.max.has_value();
  std::sort(beyond.begin(), beyond.end(), [&](const WorstPlace& x, const WorstPlace& y) {
    const bool xf = std::isfinite(x.value), yf = std::isfinite(y.value);
    if (xf != yf) return !xf;
    if (xf && x.value != y.value) return lower_better ? x.value > y.value : x.value < y.value;
    if (x.population_beyond != y.population_beyond) return x.population_beyond > y.population_beyond;
    return x.name < y.name;
  });
  if (beyond.size() > worst_n) beyond.resize(worst_n);
  a.worst = std::move(beyond);
  return a;
}

AuditResult audit_county(const Standard& s, double total_supply, double facilities, double population) {
  AuditResult a;
  a.standard = s;
  a.county.group = "county";
  a.county.population = population;
  if (s.measure == AuditMeasure::kFacilities)
    a.county_value = facilities;
  else
    a.county_value = population > 0 ? 1000.0 * total_supply / population : kNaN;
  a.county_beyond = s.beyond(a.county_value);
  a.county.population_beyond = a.county_beyond ? population : 0.0;
  return a;
}

Capacity carrying_capacity(std::span<const double> capacity, std::span<const double> demand,
                           double population, double norm) {
  Capacity c;
  c.facilities = capacity.size();
  c.population = population;
  c.norm_per_1000 = norm;
  for (std::size_t j = 0; j < capacity.size(); ++j) {
    CapacityRow r;
    r.facility = j;
    r.capacity = capacity[j];
    r.demand_in_catchment = demand[j];
    const bool known = std::isfinite(capacity[j]);
    if (known) {
      ++c.known;
      c.total_capacity += capacity[j];
    }
    r.per_1000 = known && demand[j] > 0 ? 1000.0 * capacity[j] / demand[j] : kNaN;
    r.needed = norm * demand[j] / 1000.0;
    r.shortfall = known ? std::max(0.0, r.needed - capacity[j]) : kNaN;
    c.rows.push_back(r);
  }
  c.per_1000 = population > 0 && c.known > 0 ? 1000.0 * c.total_capacity / population : kNaN;
  c.shortfall = c.known > 0 ? std::max(0.0, norm * population / 1000.0 - c.total_capacity) : kNaN;
  return c;
}

}  // namespace cs::access
