// GeoDetector on any table (include/countyscope/assess/geodetector_study.hpp, docs/stats.md).
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <countyscope/assess/geodetector_study.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/vector_source.hpp>

namespace cs::assess {

namespace {

struct Factor {
  std::string name, kind;           // kind: categorical | classed
  std::vector<int> stratum;         // per row
  std::vector<std::string> labels;  // stratum id -> the value as written (classed: "class k")
};

double number_at(const VectorTable& t, const VectorFeature& f, int col, const std::string& field) {
  const std::string& v = f.values[static_cast<std::size_t>(col)];
  if (v.empty()) throw InputError(t.shown(), f.where, field, "empty; a number is expected");
  const auto d = parse_double(v);
  if (!d) throw InputError(t.shown(), f.where, field, "not a number '" + v + "'");
  if (!std::isfinite(*d)) throw InputError(t.shown(), f.where, field, "not a finite number '" + v + "'");
  return *d;
}

Factor categorical(const VectorTable& t, const std::string& name) {
  const int col = t.require(name, "factor");
  Factor f{name, "categorical", {}, {}};
  std::map<std::string, int> ids;  // strata numbered in the sorted order of their values
  for (const VectorFeature& r : t.features) {
    const std::string& v = r.values[static_cast<std::size_t>(col)];
    if (v.empty()) throw InputError(t.shown(), r.where, name, "empty; every unit needs its stratum");
    ids.emplace(v, 0);
  }
  for (auto& [v, id] : ids) {
    id = static_cast<int>(f.labels.size());
    f.labels.push_back(v);
  }
  for (const VectorFeature& r : t.features)
    f.stratum.push_back(ids.at(r.values[static_cast<std::size_t>(col)]));
  return f;
}

Factor classed(const VectorTable& t, const std::string& name, int k) {
  const int col = t.require(name, "classed factor");
  std::vector<double> v;
  for (const VectorFeature& r : t.features) v.push_back(number_at(t, r, col, name));
  Factor f{name, "classed", quantile_classes(v, k), {}};
  int top = 0;
  for (int s : f.stratum) top = std::max(top, s);
  for (int s = 0; s <= top; ++s) f.labels.push_back("class " + std::to_string(s + 1));
  return f;
}

}  // namespace

Outputs run_geodetector_study(const GeodetectorInputs& in, const Context& ctx) {
  (void)ctx;
  if (in.factors.empty() && in.classed.empty())
    throw UsageError("stats geodetector: give at least one factor (--factors or --classed)");
  if (in.classes < 2 || in.classes > 100)
    throw UsageError("--classes: expected 2..100, got " + std::to_string(in.classes));
  VectorSourceSpec spec;
  spec.source = in.table;
  spec.layer = in.layer;
  spec.label = "table";
  const VectorTable t = read_vector_source(spec);
  if (t.features.size() < 2) throw InputError(t.shown(), "", "", "fewer than two rows");
  const int yc = t.require(in.y, "y");
  std::vector<double> y;
  for (const VectorFeature& r : t.features) y.push_back(number_at(t, r, yc, in.y));

  std::vector<Factor> fs;
  std::map<std::string, int> seen;
  for (const std::string& n : in.factors) fs.push_back(categorical(t, n));
  for (const std::string& n : in.classed) fs.push_back(classed(t, n, in.classes));
  for (const Factor& f : fs) {
    if (++seen[f.name] > 1) throw UsageError("stats geodetector: factor '" + f.name + "' given twice");
    if (f.name == in.y)
      throw UsageError("stats geodetector: '" + f.name + "' is y; a factor must be another column");
    if (f.labels.size() < 2)
      throw InputError(t.shown(), "", f.name,
                       "one stratum only ('" + f.labels.front() + "'): a factor needs at least two");
  }

  Outputs o;
  Table ft("geodetector_factor", {{"factor", FieldType::kString},
                                  {"kind", FieldType::kString},
                                  {"strata", FieldType::kInteger},
                                  {"single_unit_strata", FieldType::kInteger},
                                  {"q", FieldType::kReal},
                                  {"f", FieldType::kReal},
                                  {"lambda", FieldType::kReal},
                                  {"p", FieldType::kReal}});
  ft.csv_file = "geodetector_factor.csv";
  ft.json = JsonPlace::kSection;
  ft.json_key = "/factor";
  Table rt("geodetector_risk", {{"factor", FieldType::kString},
                                {"stratum_a", FieldType::kString},
                                {"stratum_b", FieldType::kString},
                                {"mean_a", FieldType::kReal},
                                {"mean_b", FieldType::kReal},
                                {"t", FieldType::kReal},
                                {"df", FieldType::kReal},
                                {"p", FieldType::kReal},
                                {"significant", FieldType::kInteger}});
  rt.csv_file = "geodetector_risk.csv";
  Table mt("geodetector_strata", {{"factor", FieldType::kString},
                                  {"stratum", FieldType::kString},
                                  {"n", FieldType::kInteger},
                                  {"mean", FieldType::kReal}});
  mt.csv_file = "geodetector_strata.csv";
  mt.json = JsonPlace::kSection;
  mt.json_key = "/strata";
  for (const Factor& f : fs) {
    const FactorDetector d = factor_detector(y, f.stratum, f.name);
    ft.add({f.name, f.kind, integer(d.strata), integer(d.single_unit_strata), d.q, d.f, d.lambda, d.p});
    const RiskDetector r = risk_detector(y, f.stratum, f.name);
    for (std::size_t h = 0; h < r.stratum.size(); ++h)
      mt.add({f.name, f.labels[static_cast<std::size_t>(r.stratum[h])],
              integer(static_cast<std::int64_t>(r.n[h])), r.mean[h]});
    for (const RiskPair& p : r.pairs)
      rt.add({f.name, f.labels[static_cast<std::size_t>(p.s1)], f.labels[static_cast<std::size_t>(p.s2)],
              p.mean1, p.mean2, p.t, p.df, p.p, integer(p.significant ? 1 : 0)});
  }
  Table it("geodetector_interaction", {{"factor_a", FieldType::kString},
                                       {"factor_b", FieldType::kString},
                                       {"q_a", FieldType::kReal},
                                       {"q_b", FieldType::kReal},
                                       {"q_ab", FieldType::kReal},
                                       {"kind", FieldType::kString}});
  it.csv_file = "geodetector_interaction.csv";
  it.json = JsonPlace::kSection;
  it.json_key = "/interaction";
  Table et("geodetector_ecological", {{"factor_a", FieldType::kString},
                                      {"factor_b", FieldType::kString},
                                      {"f", FieldType::kReal},
                                      {"p", FieldType::kReal},
                                      {"significant", FieldType::kInteger}});
  et.csv_file = "geodetector_ecological.csv";
  et.json = JsonPlace::kSection;
  et.json_key = "/ecological";
  for (std::size_t a = 0; a < fs.size(); ++a)
    for (std::size_t b = a + 1; b < fs.size(); ++b) {
      const Interaction x = interaction_detector(y, fs[a].stratum, fs[b].stratum, fs[a].name, fs[b].name);
      it.add({x.a, x.b, x.q_a, x.q_b, x.q_ab, x.kind});
      const Ecological e = ecological_detector(y, fs[a].stratum, fs[b].stratum, fs[a].name, fs[b].name);
      et.add({e.a, e.b, e.f, e.p, integer(e.significant ? 1 : 0)});
    }
  o.section = {
      {"table", t.file},
      {"y", in.y},
      {"rows", t.features.size()},
      {"classes", in.classes},
      {"method",
       "GeoDetector (Wang et al. 2010): q = 1 - SSW/SST on y as given; p of the factor detector from the "
       "non-central F distribution (Wang, Zhang & Fu 2016), as R geodetector; risk: Welch t-tests; "
       "ecological: F = (1 - q_a) / (1 - q_b) at alpha 0.05"}};
  o.add(std::move(ft));
  o.add(std::move(mt));
  o.add(std::move(rt));
  o.add(std::move(it));
  o.add(std::move(et));
  return o;
}

}  // namespace cs::assess
