// Pass 10 of the assessment: county-town typing (2022 Opinions on county towns) by transparent rules, each
// county's type with the rule that fired and its figures (docs/assess.md, "Typing").
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/csv.hpp>

#include "run_state.hpp"

namespace cs::assess {

namespace {

std::string fmt(double x, int digits = 3) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", digits, x);
  return b;
}

bool is_district(const std::string& name) {
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends("区") && !ends("林区") && !ends("特区");
}

}  // namespace

void type_counties(RunState& x) {
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  const AssessConfig& cfg = x.cfg;
  const IndicatorSystem& sys = r.system;
  const CsvTable& t = x.t;
  const std::size_t n = x.n, key_col = x.key_col;
  const auto name_col = x.name_col;
  const std::vector<std::size_t>& keep = x.keep;
  // Pass 10: county-town typing (2022 Opinions) by transparent rules.
  timed(ctx, "assess.typing", [&] {
    const TypingConfig& tc = cfg.typing;
    const auto c_now = t.find_column(sys.typing.pop_now), c_before = t.find_column(sys.typing.pop_before);
    const auto c_urban = t.find_column(sys.typing.urban_pop), c_agri = t.find_column(sys.typing.agri_share);
    const auto c_manuf = t.find_column(sys.typing.manuf_share), c_city = t.find_column(sys.typing.city);
    // Large cities: prefectures whose municipal districts hold >= large_city_pop urban residents; the city
    // point is the urban-population-weighted mean of its districts' centres.
    struct City {
      std::string name;
      double urban = 0, wsum = 0, lon = 0, lat = 0;
    };
    std::map<std::string, City> cities;
    if (c_urban && name_col) {
      for (std::size_t row = 0; row < t.rows(); ++row) {
        const std::string& nm = t.text(row, *name_col);
        if (!is_district(nm)) continue;
        const std::string code = t.text(row, key_col);
        const std::string pref = code.substr(0, std::min<std::size_t>(4, code.size()));
        auto u = t.optional_number(row, *c_urban);
        if (!u) continue;
        City& c = cities[pref];
        if (c.name.empty()) c.name = c_city ? t.text(row, *c_city) : pref;
        c.urban += *u;
        if (auto it = x.centre_of.find(code); it != x.centre_of.end()) {
          c.lon += *u * it->second.lon;
          c.lat += *u * it->second.lat;
          c.wsum += *u;
        }
      }
    }
    std::vector<City> large;
    for (auto& [k, c] : cities)
      if (c.urban >= tc.large_city_pop && c.wsum > 0) {
        c.lon /= c.wsum;
        c.lat /= c.wsum;
        large.push_back(c);
      }
    r.large_cities = large.size();
    r.notes.push_back(std::to_string(large.size()) + " large cities (>= " + format_number(tc.large_city_pop) +
                      " urban residents in their municipal districts, 2020)");
    r.notes.push_back(
        "typing: key ecological function areas cannot be identified from census tables (no list of the "
        "national key ecological function area counties is bundled); that type is never assigned");
    std::map<std::string, std::size_t> counts;
    for (std::size_t i = 0; i < n; ++i) {
      CountyType ct;
      const std::size_t row = keep[i];
      auto val = [&](std::optional<std::size_t> c) {
        return c ? t.optional_number(row, *c).value_or(kNaN) : kNaN;
      };
      const double now = val(c_now), before = val(c_before);
      ct.pop_change = before > 0 ? now / before - 1 : kNaN;
      ct.agri_share = val(c_agri);
      ct.manuf_share = val(c_manuf);
      ct.city_km = kNaN;
      if (!std::isnan(r.lon[i]))
        for (const auto& c : large) {
          const double d = great_circle_km({r.lon[i], r.lat[i]}, {c.lon, c.lat});
          if (std::isnan(ct.city_km) || d < ct.city_km) {
            ct.city_km = d;
            ct.nearest_city = c.name;
          }
        }
      std::string skipped;
      if (is_district(r.name[i])) {
        ct.type = "district";
        ct.rule = "municipal district (name ends in 区): part of a city, not a county town; not typed";
      } else if (!std::isnan(ct.city_km) && ct.city_km <= tc.satellite_km) {
        ct.type = "satellite";
        ct.rule = "centre " + fmt(ct.city_km, 1) + " km from " + ct.nearest_city +
                  " (large city) <= " + fmt(tc.satellite_km, 0) + " km";
      } else if (!std::isnan(ct.pop_change) && ct.pop_change < tc.losing_change) {
        ct.type = "population-losing";
        ct.rule = "population change 2010-2020 " + fmt(100 * ct.pop_change, 1) + " % < " +
                  fmt(100 * tc.losing_change, 1) + " %";
      } else if (!std::isnan(ct.agri_share) && ct.agri_share >= tc.agri_share) {
        ct.type = "agricultural";
        ct.rule = "share employed in agriculture " + fmt(100 * ct.agri_share, 1) +
                  " % >= " + fmt(100 * tc.agri_share, 0) + " %";
      } else if (!std::isnan(ct.manuf_share) && ct.manuf_share >= tc.specialised_manuf) {
        ct.type = "specialised";
        ct.rule = "share employed in manufacturing " + fmt(100 * ct.manuf_share, 1) +
                  " % >= " + fmt(100 * tc.specialised_manuf, 0) + " %";
      } else {
        ct.type = "unassigned";
        ct.rule = "no rule fits";
        if (std::isnan(ct.city_km)) skipped += "; distance rule not evaluated (no centre)";
        if (std::isnan(ct.pop_change)) skipped += "; population rule not evaluated (no 2010 population)";
        if (std::isnan(ct.agri_share)) skipped += "; agriculture rule not evaluated (no data)";
        ct.rule += skipped + "; ecological function area not identifiable from the data";
      }
      counts[ct.type]++;
      r.types.push_back(std::move(ct));
    }
    for (auto& [k, v] : counts) r.type_counts.emplace_back(k, v);
  });
}

}  // namespace cs::assess
