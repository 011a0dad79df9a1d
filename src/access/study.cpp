// The public-services study: checks the inputs, computes every measure per service type and assembles the
// stage's Outputs (the rendering is in study_tables.cpp, the options in options.cpp).
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include <countyscope/core/parallel.hpp>

#include "study_parts.hpp"

// GCC 12 reports a false "maybe-uninitialized" inside std::variant<..., std::string> built from initializer
// lists (GCC bug 105593 family); the values are always initialised.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace cs::access {
namespace detail {

namespace {

int tier_index(const std::string& t) {
  for (std::size_t k = 0; k < kTiers.size(); ++k)
    if (kTiers[k] == t) return static_cast<int>(k);
  return -1;
}

}  // namespace

Study prepare(const AccessInputs& in, const AccessStudyConfig& cfg) {
  throw_if_problems(validate(cfg), "access");
  if (!in.times) throw UsageError("access: no travel-time matrix");
  Study st(in, cfg);
  st.access = access_config(cfg.options);
  const TimeMatrix& T = *in.times;
  st.D = T.rows(), st.F = T.cols();
  if (in.population.size() != st.D)
    throw InputError(
        "", "", "population",
        std::to_string(in.population.size()) + " demand points for " + std::to_string(st.D) + " matrix rows");
  if (in.facility_service.size() != st.F)
    throw InputError("", "", "service",
                     std::to_string(in.facility_service.size()) + " facilities for " + std::to_string(st.F) +
                         " matrix columns");
  const std::size_t NS = in.service_names.size();
  st.cols_of.resize(NS);
  for (std::size_t j = 0; j < st.F; ++j) {
    if (in.facility_service[j] >= NS)
      throw InputError("", "facility " + std::to_string(j), "service", "out of range");
    st.cols_of[in.facility_service[j]].push_back(static_cast<std::uint32_t>(j));
  }
  if (cfg.options.services.empty()) {
    for (std::size_t s = 0; s < NS; ++s)
      if (!st.cols_of[s].empty()) st.study.push_back(s);
  } else {
    for (const auto& name : cfg.options.services) {
      auto it = std::find(in.service_names.begin(), in.service_names.end(), name);
      if (it == in.service_names.end()) throw unknown_value("service type", name, in.service_names);
      const auto s = static_cast<std::size_t>(it - in.service_names.begin());
      if (st.cols_of[s].empty())
        throw InputError("", "service '" + name + "'", "service", "no facilities of this service type");
      st.study.push_back(s);
    }
  }
  // A county without any facility is still audited (every standard of a declared service fails), so the
  // error is only for a run with nothing to measure or audit.
  const bool audits_missing = cfg.options.services.empty() && NS > 0;
  if (st.study.empty() && !audits_missing)
    throw InputError("", "", "facilities", "no facilities of any service type");
  if (cfg.standards)
    st.standards = *cfg.standards;
  else
    st.standards =
        cfg.options.standards.empty() ? default_standards() : load_standards(cfg.options.standards);

  // Groupings of demand points: settlement, tier, urban/rural, township.
  st.NP = in.places.size(), st.NU = in.unit_names.size();
  st.place.assign(st.D, -1), st.tier.assign(st.D, -1), st.urban.assign(st.D, -1), st.unit.assign(st.D, -1);
  for (std::size_t i = 0; i < st.D; ++i) {
    if (!in.demand_place.empty() && in.demand_place[i] >= 0 &&
        static_cast<std::size_t>(in.demand_place[i]) < st.NP) {
      st.place[i] = in.demand_place[i];
      st.tier[i] = tier_index(in.places[static_cast<std::size_t>(st.place[i])].tier);
      st.urban[i] = st.tier[i] < 0 ? -1 : (st.tier[i] == 2 ? 1 : 0);
    }
    if (!in.demand_unit.empty() && in.demand_unit[i] >= 0 &&
        static_cast<std::size_t>(in.demand_unit[i]) < st.NU)
      st.unit[i] = in.demand_unit[i];
  }
  for (double p : in.population) st.total_pop += p;
  return st;
}

// One service type: its measures, facilities, audit and capacity (JSON and table rows); r and place_vals are
// filled for the point tables.
Json service_json(const Study& st, std::size_t s, Tables& t, Json& audit_rows, AccessResult& r,
                  std::vector<std::vector<double>>& place_vals, Context& ctx) {
  const auto& in = st.in;
  const std::string& svc = in.service_names[s];
  const auto& J = st.cols_of[s];
  const TimeMatrix& T = *in.times;
  TimeMatrix sub(st.D, J.size());
  for (std::size_t i = 0; i < st.D; ++i) {
    const float* row = T.data() + i * st.F;
    float* o = sub.data() + i * J.size();
    for (std::size_t c = 0; c < J.size(); ++c) o[c] = row[J[c]];
  }
  std::size_t known = 0;
  std::vector<double> cap(J.size()), supply(J.size(), 1.0);
  for (std::size_t c = 0; c < J.size(); ++c) {
    cap[c] = in.facility_capacity.empty() ? kNaN : in.facility_capacity[J[c]];
    if (std::isfinite(cap[c])) {
      if (cap[c] < 0) throw InputError("", "facility " + st.facility_id(J[c]), "capacity", "must be >= 0");
      ++known;
    }
  }
  const bool use_cap = known == J.size();
  if (use_cap) supply = cap;
  const std::string unit_label = s < in.service_capacity_unit.size() ? in.service_capacity_unit[s] : "";
  r = compute_access(sub, in.population, supply, st.access, ctx, in.demand_id);

  Json sj;
  sj["facilities"] = J.size();
  sj["supply"] = supply_note(known, J.size(), unit_label);
  sj["supply_from_capacity"] = use_cap;
  double tot_supply = 0.0;
  for (double x : supply) tot_supply += x;
  sj["total_supply"] = num(tot_supply);
  Json nod = Json::array();
  for (std::uint32_t c : r.facilities_without_demand)
    nod.push_back({{"id", st.facility_id(J[c])}, {"name", st.facility_name(J[c])}});
  sj["facilities_without_demand"] = nod;
  double unreached_pop = 0.0;
  for (std::uint32_t i : r.demand_unreached) unreached_pop += in.population[i];
  sj["unreached_points"] = r.demand_unreached.size();
  sj["unreached_population"] = num(unreached_pop);

  Json measures = Json::object();
  place_vals.assign(kMeasureCount, std::vector<double>(st.NP, kNaN));
  for (int mi = 0; mi < kMeasureCount; ++mi) {
    const Measure m = measure_at(mi);
    measures[std::string(measure_name(m))] =
        measure_json(st, svc, m, r.values(m), t.equity, place_vals[static_cast<std::size_t>(mi)]);
  }
  sj["measures"] = measures;

  for (std::size_t c = 0; c < J.size(); ++c) {
    const std::size_t j = J[c];
    std::vector<FieldValue> row{
        svc,    st.facility_id(j), st.facility_name(j), supply[c],
        cap[c], r.demand_2sfca[c], r.ratio_2sfca[c],    count(r.demand_2sfca[c] > 0 ? 0 : 1)};
    if (t.facilities.geom)
      t.facilities.add(Shape::point(in.facility_pos[j]), std::move(row));
    else
      t.facilities.add(std::move(row));
  }

  Json audits = Json::array();
  for (const auto& std_ : st.standards) {
    if (std_.service != svc) continue;
    AuditResult a;
    if (audit_measure_is_county_level(std_.measure)) {
      if (std_.measure == AuditMeasure::kSupplyPer1000 && !use_cap) {
        a.standard = std_;
        a.applicable = false;
        a.reason = "capacity unknown for " + std::to_string(J.size() - known) + " of " +
                   std::to_string(J.size()) + " facilities";
      } else {
        a = audit_county(std_, tot_supply, static_cast<double>(J.size()), st.total_pop);
      }
    } else {
      const std::vector<double> v = r.values(*audit_access_measure(std_.measure));  // times in minutes
      a = audit_points(std_, v, in.population, st.place, in.places,
                       static_cast<std::size_t>(st.cfg.options.worst_n));
    }
    const Json aj = audit_json(std_, a, t);
    audits.push_back(aj);
    audit_rows.push_back(aj);
  }
  sj["audit"] = audits;

  if (auto it = st.cfg.capacity_norms_per_1000.find(svc); it != st.cfg.capacity_norms_per_1000.end())
    sj["capacity"] = capacity_json(st, svc, J, cap, r, it->second, unit_label, t.capacity);
  return sj;
}

}  // namespace detail

// Per service type: the inputs its figures depend on (the key) and the figures (rendered rows included).
struct AccessStudyCache::Impl {
  // What every service type depends on: demand points, their groupings, places and the configuration.
  struct Common {
    std::vector<double> population;
    std::vector<int> place, tier, urban, unit;
    std::vector<std::string> places;  // name, tier, unit of each place
    std::vector<std::string> unit_names;
    std::string config;
    bool facility_geometry = false;
    friend bool operator==(const Common&, const Common&) = default;
  };
  struct Key {
    std::vector<float> times;  // D x |J|, the service type's matrix columns
    std::vector<double> capacity;
    std::vector<std::string> ids, names;
    std::vector<LonLat> pos;
    std::string unit_label, standards;
    double norm = 0.0;  // capacity norm per 1,000 (NaN: none)
    friend bool operator==(const Key& a, const Key& b) {
      return a.times.size() == b.times.size() &&
             std::equal(a.times.begin(), a.times.end(), b.times.begin(),
                        [](float x, float y) {
                          return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y);
                        }) &&
             a.capacity.size() == b.capacity.size() &&
             std::equal(a.capacity.begin(), a.capacity.end(), b.capacity.begin(),
                        [](double x, double y) {
                          return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y);
                        }) &&
             a.ids == b.ids && a.names == b.names && a.pos == b.pos && a.unit_label == b.unit_label &&
             a.standards == b.standards &&
             std::bit_cast<std::uint64_t>(a.norm) == std::bit_cast<std::uint64_t>(b.norm);
    }
  };
  struct Service {
    Key key;
    Json json, audit_rows;
    std::unique_ptr<detail::Tables> rows;  // the rows it added to the study's tables
    AccessResult result;
    std::vector<std::vector<double>> place_vals;
  };
  Common common;
  bool has_common = false;
  std::map<std::string, Service> services;
  std::size_t hits = 0, misses = 0;
};

AccessStudyCache::AccessStudyCache() : impl_(std::make_unique<Impl>()) {}
AccessStudyCache::~AccessStudyCache() = default;
std::size_t AccessStudyCache::hits() const noexcept { return impl_->hits; }
std::size_t AccessStudyCache::misses() const noexcept { return impl_->misses; }

namespace detail {
namespace {

// Appends one service type's rows (computed into `part`) to the study's tables, facilities with their
// positions as service_json adds them.
void append_rows(const Study& st, std::size_t s, const Tables& part, Tables& t) {
  for (auto [from, to] : {std::pair{&part.equity, &t.equity}, std::pair{&part.audit, &t.audit},
                          std::pair{&part.worst, &t.worst}, std::pair{&part.capacity, &t.capacity}})
    for (std::size_t r = 0; r < from->rows(); ++r) to->add(from->row(r));
  const auto& J = st.cols_of[s];
  for (std::size_t c = 0; c < part.facilities.rows(); ++c) {
    if (t.facilities.geom)
      t.facilities.add(Shape::point(st.in.facility_pos[J[c]]), part.facilities.row(c));
    else
      t.facilities.add(part.facilities.row(c));
  }
}

AccessStudyCache::Impl::Key service_key(const Study& st, std::size_t s) {
  const auto& in = st.in;
  const auto& J = st.cols_of[s];
  AccessStudyCache::Impl::Key k;
  k.times.resize(st.D * J.size());
  const float* T = in.times->data();
  for (std::size_t i = 0; i < st.D; ++i)
    for (std::size_t c = 0; c < J.size(); ++c) k.times[i * J.size() + c] = T[i * st.F + J[c]];
  for (std::uint32_t j : J) {
    k.capacity.push_back(in.facility_capacity.empty() ? kNaN : in.facility_capacity[j]);
    k.ids.push_back(st.facility_id(j));
    k.names.push_back(st.facility_name(j));
    if (in.facility_pos.size() == st.F) k.pos.push_back(in.facility_pos[j]);
  }
  const std::string& svc = in.service_names[s];
  k.unit_label = s < in.service_capacity_unit.size() ? in.service_capacity_unit[s] : "";
  for (const auto& x : st.standards)
    if (x.service == svc) k.standards += standard_json(x).dump() + (x.max ? "max" : "min") + "\n";
  const auto it = st.cfg.capacity_norms_per_1000.find(svc);
  k.norm = it == st.cfg.capacity_norms_per_1000.end() ? kNaN : it->second;
  return k;
}

}  // namespace

// Every studied service type through the cache: the kept figures of those whose inputs are equal, the others
// computed (on the context's threads, one service type each: each is a fixed function of its inputs, so any
// thread count gives the same figures) and kept; then every service type's rows go to the tables in order.
Json cached_services(AccessStudyCache::Impl& cache, const Study& st, Tables& t, Json& audit_rows,
                     std::map<std::string, AccessResult>& results,
                     std::map<std::string, std::vector<std::vector<double>>>& place_vals, Context& ctx) {
  using Service = AccessStudyCache::Impl::Service;
  const std::size_t n = st.study.size();
  std::vector<const Service*> kept(n, nullptr);
  std::vector<Service> fresh(n);
  std::vector<std::size_t> todo;
  for (std::size_t k = 0; k < n; ++k) {
    AccessStudyCache::Impl::Key key = service_key(st, st.study[k]);
    const auto it = cache.services.find(st.in.service_names[st.study[k]]);
    if (it != cache.services.end() && it->second.key == key) {
      kept[k] = &it->second;
      ++cache.hits;
    } else {
      fresh[k].key = std::move(key);
      todo.push_back(k);
      ++cache.misses;
    }
  }
  const int threads = static_cast<int>(std::min<std::size_t>(todo.size(), std::max(1, ctx.thread_count())));
  parallel_for(
      todo.size(), threads,
      [&](std::size_t i, int) {
        Service& v = fresh[todo[i]];
        Context c;  // no log or progress from the workers; each service type's own loops on one thread
        c.threads = threads > 1 ? 1 : ctx.threads;
        c.seed = ctx.seed;
        c.max_memory = ctx.max_memory;
        v.rows = std::make_unique<Tables>(st.cfg.layer_prefix);
        if (!t.facilities.geom) v.rows->facilities.drop_geometry();
        v.audit_rows = Json::array();
        v.json = service_json(st, st.study[todo[i]], *v.rows, v.audit_rows, v.result, v.place_vals, c);
      },
      1);
  Json services = Json::object();
  for (std::size_t k = 0; k < n; ++k) {
    const Service& v = kept[k] ? *kept[k] : fresh[k];
    const std::string& svc = st.in.service_names[st.study[k]];
    append_rows(st, st.study[k], *v.rows, t);
    for (const Json& a : v.audit_rows) audit_rows.push_back(a);
    results.emplace(svc, v.result);
    place_vals[svc] = v.place_vals;
    services[svc] = v.json;
  }
  for (std::size_t k : todo)
    cache.services.insert_or_assign(st.in.service_names[st.study[k]], std::move(fresh[k]));
  return services;
}

// The cache's entries are for these demand points, places and configuration; otherwise it starts again.
void check_cache_common(AccessStudyCache::Impl& cache, const Study& st, bool facility_geometry) {
  AccessStudyCache::Impl::Common c;
  c.population = st.in.population;
  c.place = st.place;
  c.tier = st.tier;
  c.urban = st.urban;
  c.unit = st.unit;
  for (const AuditPlace& p : st.in.places) c.places.push_back(p.name + "\n" + p.tier + "\n" + p.unit);
  c.unit_names = st.in.unit_names;
  c.config = access_config_json(st.cfg).dump() + "\n" + st.cfg.layer_prefix;
  c.facility_geometry = facility_geometry;
  if (cache.has_common && c == cache.common) return;
  cache.services.clear();
  cache.common = std::move(c);
  cache.has_common = true;
}

}  // namespace detail

AccessStudy run_access_study(const AccessInputs& in, const AccessStudyConfig& cfg, Context& ctx,
                             AccessStudyCache* cache) {
  using namespace detail;
  const Study st = prepare(in, cfg);
  AccessStudy out;
  Json& sec = out.outputs.section;
  sec["config"] = access_config_json(cfg);
  sec["matrix"] = {{"demand_points", st.D}, {"facilities", st.F}, {"times", in.times_label}};
  sec["demand"] = {{"points", st.D}, {"population", num(st.total_pop)}, {"source", in.demand_source}};
  Json std_json = Json::array();
  for (const auto& s : st.standards) {
    Json j = standard_json(s);
    j.erase("threshold");
    j.erase("direction");
    j["max"] = s.max ? num(*s.max) : Json();
    j["min"] = s.min ? num(*s.min) : Json();
    std_json.push_back(std::move(j));
  }
  sec["standards"] = std_json;

  Tables t(cfg.layer_prefix);
  if (in.facility_pos.size() != st.F) t.facilities.drop_geometry();
  if (cache) check_cache_common(*cache->impl_, st, t.facilities.geom.has_value());
  Json services = Json::object(), audit_rows = Json::array();
  std::vector<std::string> svc_names;
  std::map<std::string, std::vector<std::vector<double>>> place_vals;  // svc -> measure -> place mean
  for (const std::size_t s : st.study) svc_names.push_back(in.service_names[s]);
  if (cache) {
    services = cached_services(*cache->impl_, st, t, audit_rows, out.results, place_vals, ctx);
  } else {
    for (const std::size_t s : st.study) {
      const std::string& svc = in.service_names[s];
      AccessResult r;
      services[svc] = service_json(st, s, t, audit_rows, r, place_vals[svc], ctx);
      out.results.emplace(svc, std::move(r));
    }
  }
  // Standards of the other service types are never silently dropped. A service the inputs declare (the
  // county's service table) with no facility at all fails its standards: nobody reaches it, the county has 0.
  // A service left out by the `services` option, or one the service table does not know, is not applicable.
  for (const auto& s : st.standards) {
    if (std::find(svc_names.begin(), svc_names.end(), s.service) != svc_names.end()) continue;
    const auto declared = std::find(in.service_names.begin(), in.service_names.end(), s.service);
    const bool missing = declared != in.service_names.end() && cfg.options.services.empty() &&
                         st.cols_of[static_cast<std::size_t>(declared - in.service_names.begin())].empty();
    if (!missing) {
      Json j = standard_json(s);
      j["applicable"] = false;
      j["reason"] = declared == in.service_names.end()
                        ? "service type '" + s.service + "' is not in the service table"
                        : "service type '" + s.service + "' was not studied (services option)";
      audit_rows.push_back(std::move(j));
      continue;
    }
    // Facilities of the untyped parent type (schools without a level) may be of this type: unknown, not
    // failed.
    const std::size_t si = static_cast<std::size_t>(declared - in.service_names.begin());
    if (si < in.service_untyped.size() && !in.service_untyped[si].empty()) {
      const auto parent = std::find(in.service_names.begin(), in.service_names.end(), in.service_untyped[si]);
      const std::size_t pi = static_cast<std::size_t>(parent - in.service_names.begin());
      if (parent != in.service_names.end() && !st.cols_of[pi].empty()) {
        Json j = standard_json(s);
        j["applicable"] = false;
        j["status"] = "unknown";
        j["reason"] = "no facility tagged as '" + s.service + "', but " +
                      std::to_string(st.cols_of[pi].size()) + " of type '" + *parent +
                      "' whose level is not tagged (tag isced:level or give a register)";
        audit_rows.push_back(std::move(j));
        continue;
      }
    }
    AuditResult a;
    if (audit_measure_is_county_level(s.measure)) {
      a = audit_county(s, 0.0, 0.0, st.total_pop);
    } else {
      const std::vector<double> unreached(st.D, std::numeric_limits<double>::infinity());
      a = audit_points(s, unreached, in.population, st.place, in.places,
                       static_cast<std::size_t>(st.cfg.options.worst_n));
    }
    a.reason = "no facility of service type '" + s.service + "' in the county";
    audit_rows.push_back(audit_json(s, a, t));
  }
  sec["services"] = services;
  sec["audit"] = audit_rows;
  sec["service_order"] = svc_names;

  // Tables and layers, in the GeoPackage's order: demand points, settlements, facilities.
  if (cfg.demand_table) out.outputs.add(demand_table(st, svc_names, out.results));
  if (st.NP > 0) out.outputs.add(settlements_table(st, svc_names, place_vals));
  out.outputs.add(std::move(t.facilities));
  out.outputs.add(std::move(t.equity));
  out.outputs.add(std::move(t.audit));
  out.outputs.add(std::move(t.worst));
  out.outputs.add(std::move(t.capacity));
  return out;
}

}  // namespace cs::access
