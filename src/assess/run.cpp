// The national assessment driver (docs/assess.md): a list of timed passes over one county table.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_map>

#include <countyscope/assess/assess.hpp>
#include <countyscope/core/limits.hpp>
#include <countyscope/io/gpkg.hpp>
#include <countyscope/io/output.hpp>

#include "run_state.hpp"

namespace cs::assess {

namespace {
struct Evaluated {
  Columns values;                          // [indicator][row], NaN = missing
  std::vector<std::size_t> missing;        // per indicator
  std::vector<std::string> missing_where;  // first missing cell per indicator
};

// Evaluates each indicator's formula on every row. Non-numeric text is an error; empty / NA cells are
// missing.
Evaluated evaluate(const CsvTable& t, const IndicatorSystem& sys, bool use_2010,
                   std::vector<bool>* available) {
  Evaluated ev;
  const std::size_t m = sys.indicators.size();
  ev.values.assign(m, Column(t.rows(), kNaN));
  ev.missing.assign(m, 0);
  ev.missing_where.assign(m, "");
  if (available) available->assign(m, true);
  for (std::size_t j = 0; j < m; ++j) {
    const auto& ind = sys.indicators[j];
    const std::string& text =
        use_2010 && !ind.formula_2010_text.empty() ? ind.formula_2010_text : ind.formula_text;
    const Formula f = Formula::parse(text, sys.file + ": indicator '" + ind.id + "'");
    std::vector<std::size_t> cols;
    bool ok = true;
    for (const auto& c : f.columns()) {
      auto idx = t.find_column(c);
      if (!idx) {
        if (available) {
          ok = false;
          break;
        }
        (void)t.column(c);  // throws "missing column; columns are ..."
      }
      cols.push_back(*idx);
    }
    if (!ok) {
      (*available)[j] = false;
      continue;
    }
    std::vector<double> vals(cols.size());
    for (std::size_t r = 0; r < t.rows(); ++r) {
      bool miss = false;
      for (std::size_t c = 0; c < cols.size(); ++c) {
        auto v = t.optional_number(r, cols[c]);  // throws on non-numeric text, naming line and field
        if (!v) {
          miss = true;
          break;
        }
        vals[c] = *v;
      }
      const double x = miss ? kNaN : f.eval(vals.data());
      ev.values[j][r] = x;
      if (std::isnan(x)) {
        if (ev.missing[j]++ == 0)
          ev.missing_where[j] =
              t.where(r) + (miss ? " (empty cell)" : " (formula undefined, e.g. division by 0)");
      }
    }
  }
  return ev;
}

std::vector<std::size_t> check_keys(const CsvTable& t, std::size_t key_col) {
  std::unordered_map<std::string, std::size_t> seen;
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string& k = t.text(r, key_col);
    if (k.empty()) throw InputError(t.file, t.where(r), t.header[key_col], "empty code");
    auto [it, fresh] = seen.emplace(k, r);
    if (!fresh)
      throw InputError(t.file, t.where(r), t.header[key_col],
                       "duplicate code '" + k + "' (first at " + t.where(it->second) + ")");
    rows.push_back(r);
  }
  return rows;
}

std::vector<int> ranks_desc(const std::vector<double>& s, const std::vector<std::string>& code) {
  std::vector<std::size_t> o(s.size());
  std::iota(o.begin(), o.end(), 0);
  std::sort(o.begin(), o.end(),
            [&](auto a, auto b) { return s[a] != s[b] ? s[a] > s[b] : code[a] < code[b]; });
  std::vector<int> r(s.size());
  for (std::size_t k = 0; k < o.size(); ++k) r[o[k]] = static_cast<int>(k + 1);
  return r;
}

template <class T>
std::vector<T> pick(const std::vector<T>& v, const std::vector<std::size_t>& idx) {
  std::vector<T> o;
  o.reserve(idx.size());
  for (auto i : idx) o.push_back(v[i]);
  return o;
}

}  // namespace

namespace {

// Passes 1 and 2: the indicator system and the county table, the indicators evaluated on every row, the
// missing-value policy (always stated) and the kept counties' codes, names, provinces and regions.
void read_counties(RunState& x) {
  const AssessConfig& cfg = x.cfg;
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  // Pass 1: read the indicator system and the county table; evaluate the indicators.
  r.system = timed(ctx, "assess.load", [&] { return load_indicator_system(cfg.indicators); });
  const IndicatorSystem& sys = r.system;
  const std::size_t m = x.m = sys.indicators.size();
  std::vector<std::string>& names = x.names;
  std::vector<int>& dir = x.dir;
  for (const auto& i : sys.indicators) {
    names.push_back(i.id);
    dir.push_back(i.direction);
  }
  x.t = timed(ctx, "assess.read", [&] { return read_table(cfg.counties); });
  const CsvTable& t = x.t;
  r.rows_in = t.rows();
  const std::size_t key_col = x.key_col = t.column(sys.key);
  (void)check_keys(t, key_col);
  const auto name_col = x.name_col = t.find_column(sys.name_column);
  const auto prov_col = t.find_column(sys.province_column);
  Evaluated ev = timed(ctx, "assess.indicators", [&] { return evaluate(t, sys, false, nullptr); });

  // Pass 2a: unit types, counts per type against the official counts, and the analysis population.
  std::vector<bool> selected(t.rows());
  std::vector<std::string> unit_of(t.rows());
  {
    const auto official = official_unit_counts(sys.year);
    r.unit_counts.assign(kUnitTypes, {});
    for (std::size_t k = 0; k < kUnitTypes; ++k) {
      r.unit_counts[k].type = to_string(static_cast<UnitType>(k));
      if (official) r.unit_counts[k].official = (*official)[k];
    }
    std::size_t n_sel = 0;
    const auto city_col = t.find_column(sys.typing.city);
    for (std::size_t row = 0; row < t.rows(); ++row) {
      const std::string& code = t.text(row, key_col);
      const UnitTyping ut = type_unit(code, name_col ? std::string_view(t.text(row, *name_col)) : "",
                                      city_col ? std::string_view(t.text(row, *city_col)) : "");
      auto& uc = r.unit_counts[static_cast<std::size_t>(ut.type)];
      ++uc.table;
      unit_of[row] = uc.type;
      if (ut.rule.ends_with("(renamed)"))
        r.unit_recoded.push_back(code + " " + (name_col ? t.text(row, *name_col) : "") + ": " + uc.type +
                                 " (" + ut.rule + ")");
      selected[row] = selects(cfg.units, ut.type);
      if (selected[row]) {
        ++uc.selected;
        ++n_sel;
      }
    }
    std::string counts;
    for (const auto& uc : r.unit_counts) {
      if (uc.table == 0 && !(uc.official && *uc.official > 0)) continue;
      counts += (counts.empty() ? "" : ", ") + uc.type + " " + std::to_string(uc.table);
      if (uc.official) counts += " (official " + std::to_string(*uc.official) + ")";
    }
    if (n_sel == 0)
      throw InputError(cfg.counties + ": --units " + std::string(to_string(cfg.units)) +
                       " selects no row (unit types in the table: " + counts + ")");
    r.notes.push_back("unit types" + (sys.year ? " (" + std::to_string(sys.year) + ")" : std::string()) +
                      ": " + counts + "; --units " + std::string(to_string(cfg.units)) + " selects " +
                      std::to_string(n_sel));
  }
  // Missing cells counted over the selected units only.
  for (std::size_t j = 0; j < m; ++j) {
    ev.missing[j] = 0;
    for (std::size_t row = 0; row < t.rows(); ++row)
      if (selected[row] && std::isnan(ev.values[j][row]) && ev.missing[j]++ == 0)
        ev.missing_where[j] = t.where(row) + " (empty cell or undefined formula)";
  }
  r.missing_per_indicator = ev.missing;
  // Pass 2b: the missing-value policy, always stated.
  std::vector<std::size_t>& keep = x.keep;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    if (!selected[row]) continue;
    bool complete = true;
    for (std::size_t j = 0; j < m; ++j) complete = complete && !std::isnan(ev.values[j][row]);
    if (complete || cfg.missing != MissingPolicy::kDrop) keep.push_back(row);
  }
  for (std::size_t j = 0; j < m; ++j) {
    if (ev.missing[j] == 0) continue;
    if (cfg.missing == MissingPolicy::kError)
      throw InputError(cfg.counties + ": " + ev.missing_where[j] + ", indicator '" + names[j] +
                       "': missing value (" + std::to_string(ev.missing[j]) +
                       " in all; use --missing drop or impute-median)");
    r.notes.push_back("indicator '" + names[j] + "': " + std::to_string(ev.missing[j]) +
                      " missing value(s), first at " + ev.missing_where[j] +
                      (cfg.missing == MissingPolicy::kDrop ? "; rows dropped" : "; imputed with the median"));
  }
  std::size_t n_selected = 0;
  for (bool b : selected) n_selected += b;
  r.dropped = n_selected - keep.size();
  if (cfg.missing == MissingPolicy::kImputeMedian) {
    for (std::size_t j = 0; j < m; ++j) {
      std::vector<double> present;
      for (double v : ev.values[j])
        if (!std::isnan(v)) present.push_back(v);
      if (present.empty()) throw InputError(cfg.counties, "", names[j], "every value is missing");
      const double med = quantile(present, 0.5);
      for (std::size_t row = 0; row < t.rows(); ++row)
        if (double& v = ev.values[j][row]; selected[row] && std::isnan(v)) {
          v = med;
          ++r.imputed;
        }
    }
  }
  r.notes.push_back("missing-value policy " + std::string(to_string(cfg.missing)) + ": " +
                    std::to_string(r.rows_in) + " rows read, " + std::to_string(r.dropped) + " dropped, " +
                    std::to_string(r.imputed) + " cells imputed");
  if (keep.size() < 3) throw InputError(cfg.counties + ": fewer than 3 counties with complete indicators");
  for (auto row : keep) {
    r.unit.push_back(unit_of[row]);
    r.code.push_back(t.text(row, key_col));
    r.name.push_back(name_col ? t.text(row, *name_col) : r.code.back());
    r.province.push_back(prov_col ? t.text(row, *prov_col) : r.code.back().substr(0, 2));
    r.region.emplace_back(region_of(r.code.back()));
    const auto city_col = t.find_column(sys.typing.city);
    r.city.push_back(city_col ? t.text(row, *city_col) : std::string());
  }
  {
    // Codes outside the GB/T 2260 province prefixes (e.g. special zones) take the region of their province
    // name.
    std::map<std::string, std::string> region_of_province;
    for (std::size_t i = 0; i < r.code.size(); ++i)
      if (r.region[i] != "unknown") region_of_province.emplace(r.province[i], r.region[i]);
    for (std::size_t i = 0; i < r.code.size(); ++i)
      if (r.region[i] == "unknown")
        if (auto it = region_of_province.find(r.province[i]); it != region_of_province.end())
          r.region[i] = it->second;
  }
  r.raw.assign(m, {});
  for (std::size_t j = 0; j < m; ++j) r.raw[j] = pick(ev.values[j], keep);
  x.n = keep.size();
}

// Pass 3: the 2010 table matched by code, for pooled weights and the Markov chain.
void read_panel(RunState& x) {
  const AssessConfig& cfg = x.cfg;
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  const IndicatorSystem& sys = x.r.system;
  const std::size_t m = x.m, n = x.n;
  const std::vector<std::string>& names = x.names;
  Columns& panel0 = x.panel0;
  Columns& panel1 = x.panel1;
  std::vector<std::size_t>& panel_j = x.panel_j;
  std::vector<std::size_t>& panel_rows = x.panel_rows;
  // Pass 3: panel (2010 table) for pooled weights and the Markov chain.
  if (!cfg.counties_2010.empty()) {
    timed(ctx, "assess.panel_read", [&] {
      const CsvTable t0 = read_table(cfg.counties_2010);
      const std::size_t k0 = t0.column(sys.key);
      (void)check_keys(t0, k0);
      std::vector<bool> avail;
      Evaluated e0 = evaluate(t0, sys, true, &avail);
      for (std::size_t j = 0; j < m; ++j) {
        if (avail[j]) {
          panel_j.push_back(j);
          r.panel_indicators.push_back(names[j]);
        } else {
          r.panel_excluded.push_back(names[j]);
        }
      }
      std::unordered_map<std::string, std::size_t> idx0;
      for (std::size_t row = 0; row < t0.rows(); ++row) idx0.emplace(t0.text(row, k0), row);
      panel0.assign(panel_j.size(), {});
      panel1.assign(panel_j.size(), {});
      std::size_t unmatched = 0, incomplete = 0;
      for (std::size_t i = 0; i < n; ++i) {
        auto it = idx0.find(r.code[i]);
        if (it == idx0.end()) {
          ++unmatched;
          continue;
        }
        bool ok = true;
        for (auto j : panel_j) ok = ok && !std::isnan(e0.values[j][it->second]);
        if (!ok) {
          ++incomplete;
          continue;
        }
        panel_rows.push_back(i);
        for (std::size_t a = 0; a < panel_j.size(); ++a) {
          panel0[a].push_back(e0.values[panel_j[a]][it->second]);
          panel1[a].push_back(r.raw[panel_j[a]][i]);
        }
      }
      r.panel_matched = panel_rows.size();
      r.has_panel = panel_rows.size() >= 10 && !panel_j.empty();
      r.notes.push_back("panel 2010+2020: " + std::to_string(panel_rows.size()) +
                        " counties matched by code, " + std::to_string(unmatched) +
                        " without a 2010 row (code changed), " + std::to_string(incomplete) +
                        " with missing 2010 values; indicators without 2010 data: " +
                        (r.panel_excluded.empty() ? std::string("none") : [&] {
                          std::string s;
                          for (auto& x : r.panel_excluded) s += (s.empty() ? "" : ", ") + x;
                          return s;
                        }()));
    });
  }
}

// Pass 4: normalisation, weights (entropy, panel or fixed) and the scoring kernel.
void score(RunState& x) {
  const AssessConfig& cfg = x.cfg;
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  const IndicatorSystem& sys = x.r.system;
  const std::size_t m = x.m, n = x.n;
  const std::vector<std::string>& names = x.names;
  const std::vector<int>& dir = x.dir;
  const Columns& panel0 = x.panel0;
  const Columns& panel1 = x.panel1;
  const std::vector<std::size_t>& panel_j = x.panel_j;
  Columns& pooled_norm0 = x.pooled_norm0;
  Columns& pooled_norm1 = x.pooled_norm1;
  // Pass 4: normalisation and weights.
  std::vector<double> mn(m), mx(m);
  for (std::size_t j = 0; j < m; ++j) {
    const auto [a, b] = std::minmax_element(r.raw[j].begin(), r.raw[j].end());
    mn[j] = *a;
    mx[j] = *b;
    if (!(mx[j] > mn[j]))
      throw InputError(cfg.counties, "all rows", names[j],
                       "constant indicator (zero range, every value is " + format_number(mn[j]) +
                           "); remove it from " + sys.file);
  }
  std::vector<std::size_t>& scored = x.scored;  // indicators that enter the score
  scored.resize(m);
  std::iota(scored.begin(), scored.end(), 0);
  if (r.has_panel) {
    // Pooled min-max over both years, then pooled entropy (k = 1/ln(nT)).
    Columns pooled(panel_j.size());
    for (std::size_t a = 0; a < panel_j.size(); ++a) {
      const auto j = panel_j[a];
      Column all = panel0[a];
      all.insert(all.end(), panel1[a].begin(), panel1[a].end());
      const auto [lo, hi] = std::minmax_element(all.begin(), all.end());
      if (!(*hi > *lo))
        throw InputError(cfg.counties_2010, "all rows", names[j], "constant indicator across 2010 and 2020");
      pooled[a] = normalise_column(all, dir[j], cfg.shift, *lo, *hi);
      pooled_norm0.push_back(
          Column(pooled[a].begin(), pooled[a].begin() + static_cast<std::ptrdiff_t>(panel0[a].size())));
      pooled_norm1.push_back(
          Column(pooled[a].begin() + static_cast<std::ptrdiff_t>(panel0[a].size()), pooled[a].end()));
    }
    r.panel_weight = entropy_weights(pooled, r.panel_indicators).weight;
  }
  if (cfg.entropy == EntropyMode::kPanel) {
    if (!r.has_panel)
      throw InputError(cfg.counties_2010 + ": too few counties matched for panel entropy weights");
    scored = panel_j;
    r.notes.push_back("entropy mode panel: the score uses the " + std::to_string(panel_j.size()) +
                      " indicators present in both years");
  }
  const std::size_t nd = sys.dimensions.size();
  std::vector<std::size_t> dim_of(m);
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t d = 0; d < nd; ++d)
      if (sys.dimensions[d].id == sys.indicators[j].dimension) dim_of[j] = d;
  if (cfg.topsis_norm == TopsisNorm::kVector)
    for (auto j : scored)
      for (double v : r.raw[j])
        if (v < 0)
          throw InputError(cfg.counties, "", names[j],
                           "negative value with TOPSIS vector normalisation; use --topsis minmax");
  // Entropy weights, TOPSIS, dimension scores and coupling in one kernel (score_counties) over the indicators
  // that enter the score.
  ScoringSpec spec;
  const bool all_scored = scored.size() == m;
  Columns subset;  // only when some indicators stay out of the score (panel mode)
  for (auto j : scored) {
    if (!all_scored) subset.push_back(r.raw[j]);
    spec.direction.push_back(dir[j]);
    spec.dimension.push_back(dim_of[j]);
    spec.names.push_back(names[j]);
  }
  spec.n_dimensions = nd;
  spec.shift = cfg.shift;
  spec.topsis = cfg.topsis_norm;
  spec.coupling = cfg.coupling;
  double asum = 0;
  for (const auto& d : sys.dimensions) asum += d.alpha;
  if (asum > 0)
    for (const auto& d : sys.dimensions) spec.alpha.push_back(d.alpha / asum);
  r.weight.assign(m, 0.0);
  if (sys.indicators[0].weight) {
    double s = 0;
    for (auto j : scored) s += *sys.indicators[j].weight;
    for (auto j : scored) spec.weight.push_back(*sys.indicators[j].weight / s);
    r.weight_source = "fixed (TOML)";
  } else if (cfg.entropy == EntropyMode::kPanel) {
    spec.weight = r.panel_weight;
    r.weight_source = "entropy (panel 2010+2020)";
  } else {
    // Objective weights on the weighting data (winsorised, skewed indicators transformed, min-max), capped.
    Columns wd;
    for (auto j : scored) {
      bool tr = false;
      wd.push_back(weighting_column(r.raw[j], dir[j], cfg.transform, cfg.winsor, &tr));
      if (tr) r.transformed.push_back(names[j]);
    }
    r.weight_sets = weight_sets(wd, spec.names);
    spec.weight = cap_weights(r.weight_sets.of(cfg.weighting), cfg.weight_cap);
    r.weight_source = std::string(to_string(cfg.weighting)) + " (transform " +
                      std::string(to_string(cfg.transform)) + ", winsor " + format_number(cfg.winsor) +
                      (cfg.weight_cap > 0 ? ", cap " + format_number(cfg.weight_cap) : std::string()) + ")";
    std::string tl;
    for (const auto& t : r.transformed) tl += (tl.empty() ? "" : ", ") + t;
    r.notes.push_back("weights " + r.weight_source + "; transformed before weighting (|skewness| > 1): " +
                      (tl.empty() ? std::string("none") : tl));
  }
  Scoring sc;
  timed(ctx, "assess.scores",
        [&] { sc = score_counties(all_scored ? r.raw : subset, spec, ctx.thread_count()); });
  // Normalised values: the kernel's for the scored indicators (the same bits as normalise_column), the rest
  // here.
  r.norm.assign(m, {});
  for (std::size_t a = 0; a < scored.size(); ++a) r.norm[scored[a]] = std::move(sc.norm[a]);
  for (std::size_t j = 0; j < m; ++j)
    if (r.norm[j].empty()) r.norm[j] = normalise_column(r.raw[j], dir[j], cfg.shift, mn[j], mx[j]);
  r.entropy = std::move(sc.entropy);
  for (std::size_t a = 0; a < scored.size(); ++a) r.weight[scored[a]] = sc.weight[a];
  r.score = std::move(sc.score);
  r.index = std::move(sc.index);
  r.rank = ranks_desc(r.score, r.code);
  r.coupling = std::move(sc.coupling);
  r.dim_score.assign(n, std::vector<double>(nd, 0.0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t d = 0; d < nd; ++d) r.dim_score[i][d] = sc.dim_score[i * nd + d];
  if (sc.clamped)
    r.notes.push_back(std::to_string(sc.clamped) +
                      " dimension scores above 1 (shift eps) clamped to 1 for coupling");
}

// Pass 4b: robustness of the ranking under every weighting and under Dirichlet perturbation of the chosen
// one.
void robustness(RunState& x) {
  AssessResult& r = x.r;
  if (r.weight_sets.mean.empty()) return;
  timed(x.ctx, "assess.robustness", [&] {
    Columns xs;
    std::vector<int> ds;
    for (auto j : x.scored) {
      xs.push_back(r.raw[j]);
      ds.push_back(x.dir[j]);
    }
    const auto methods = {WeightMethod::kEntropy, WeightMethod::kCritic, WeightMethod::kCv,
                          WeightMethod::kEqual, WeightMethod::kMean};
    for (auto m : methods) {
      r.robust_methods.emplace_back(to_string(m));
      r.robust_rank.push_back(
          ranks_by_score(topsis(xs, ds, r.weight_sets.of(m), x.cfg.topsis_norm, x.cfg.shift), r.code));
    }
    const std::size_t k = r.robust_rank.size();
    r.spearman.assign(k, std::vector<double>(k, 1.0));
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b) r.spearman[a][b] = spearman_rho(r.robust_rank[a], r.robust_rank[b]);
    for (std::size_t a = 0; a < k; ++a)
      r.quintile_change.push_back(quintile_change_share(r.robust_rank[a], r.rank));
    std::vector<double> ws;
    for (auto j : x.scored) ws.push_back(r.weight[j]);
    r.rank_interval = rank_interval(xs, ds, ws, x.cfg.topsis_norm, x.cfg.shift, r.code, x.cfg.perturbations,
                                    x.cfg.concentration, x.ctx.seed + 7, x.ctx.thread_count());
  });
}

// Pass 4c: the 2010 -> 2020 change of the weighted index on the pooled normalisation, decomposed by indicator
// with the chosen weights of the indicators present in both years (rescaled to sum 1).
void change(RunState& x) {
  AssessResult& r = x.r;
  if (!r.has_panel) return;
  timed(x.ctx, "assess.change", [&] {
    double s = 0;
    for (auto j : x.panel_j) s += r.weight[j];
    if (!(s > 0)) return;  // panel mode scores only panel indicators; fixed weights may leave them at 0
    for (auto j : x.panel_j) r.change_weight.push_back(r.weight[j] / s);
    r.change_units = x.panel_rows;
    r.change = decompose_change(x.pooled_norm0, x.pooled_norm1, r.change_weight);
  });
}

// Passes 5 and 6: obstacle degrees; distribution and regional differences.
void obstacles_and_equity(RunState& x) {
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  const IndicatorSystem& sys = x.r.system;
  const std::size_t m = x.m, n = x.n;
  const std::vector<std::size_t>& scored = x.scored;
  const std::size_t nd = sys.dimensions.size();
  std::vector<std::size_t> dim_of(m);
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t d = 0; d < nd; ++d)
      if (sys.dimensions[d].id == sys.indicators[j].dimension) dim_of[j] = d;
  // Pass 5: obstacles.
  timed(ctx, "assess.obstacles", [&] {
    Columns sn;
    std::vector<double> sw2;
    for (auto j : scored) {
      sn.push_back(r.norm[j]);
      sw2.push_back(r.weight[j]);
    }
    const auto ob = obstacle_degree(sn, sw2);
    r.obstacle.assign(n, std::vector<double>(m, 0.0));
    r.dim_obstacle.assign(n, std::vector<double>(nd, 0.0));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t a = 0; a < scored.size(); ++a) {
        r.obstacle[i][scored[a]] = ob[i][a];
        r.dim_obstacle[i][dim_of[scored[a]]] += ob[i][a];
      }
  });

  // Pass 6: distribution and regional differences.
  timed(ctx, "assess.equity", [&] {
    r.density_score = kernel_density(r.score);
    std::vector<double> d;
    for (const auto& c : r.coupling) d.push_back(c.d);
    r.density_d = kernel_density(d);
    r.theil_province = theil(r.score, r.province);
    r.theil_region = theil(r.score, r.region);
    r.dagum_region = dagum_gini(r.score, r.region);
    r.dagum_province = dagum_gini(r.score, r.province);
  });
}

// Pass 7: spatial weights, Moran's I, LISA on the located counties.
void spatial(RunState& x) {
  const AssessConfig& cfg = x.cfg;
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  const IndicatorSystem& sys = x.r.system;
  const std::size_t n = x.n;
  const int threads = x.ctx.thread_count();
  // Pass 7: spatial weights, Moran's I, LISA on the located counties.
  r.lon.assign(n, kNaN);
  r.lat.assign(n, kNaN);
  std::vector<LonLat>& pts = x.pts;
  if (!cfg.centres.empty()) {
    timed(ctx, "assess.centres", [&] {
      const CsvTable c = read_table(cfg.centres);
      const std::size_t kc = c.column(sys.key), lo = c.column("lon_wgs84"), la = c.column("lat_wgs84");
      (void)check_keys(c, kc);
      std::unordered_map<std::string, LonLat> at;
      for (std::size_t row = 0; row < c.rows(); ++row) {
        const LonLat p{c.number(row, lo, limits::kLongitude), c.number(row, la, limits::kLatitude)};
        at.emplace(c.text(row, kc), p);
      }
      x.centre_of = at;  // every unit's centre (typing places large cities by their districts)
      for (std::size_t i = 0; i < n; ++i)
        if (auto it = at.find(r.code[i]); it != at.end()) {
          r.lon[i] = it->second.lon;
          r.lat[i] = it->second.lat;
          r.located.push_back(i);
          pts.push_back(it->second);
        }
      r.notes.push_back(std::to_string(r.located.size()) + " of " + std::to_string(n) +
                        " scored counties have a centre (" + std::to_string(n - r.located.size()) +
                        " left out of the spatial statistics)");
    });
  }
  if (r.located.size() > static_cast<std::size_t>(std::max(cfg.weights.k, 4))) {
    timed(ctx, "assess.weights_spatial", [&] { r.w = build_weights(pts, cfg.weights, threads); });
    if (r.w.islands)
      r.notes.push_back(std::to_string(r.w.islands) + " located counties have no neighbour under " +
                        r.w.spec);
    const auto ys = pick(r.score, r.located);
    std::vector<double> yd;
    for (auto i : r.located) yd.push_back(r.coupling[i].d);
    timed(ctx, "assess.moran", [&] {
      r.moran_score = moran(ys, r.w, cfg.permutations, ctx.seed, threads);
      r.moran_d = moran(yd, r.w, cfg.permutations, ctx.seed + 1, threads);
    });
    timed(ctx, "assess.lisa", [&] {
      r.lisa = lisa(ys, r.w, cfg.permutations, ctx.seed + 2, threads, cfg.lisa_variance, cfg.alpha);
    });
  } else if (!cfg.centres.empty()) {
    r.notes.push_back("too few located counties for spatial statistics");
  }
}

// Pass 8: GeoDetector on the score: region and quantile classes of each indicator.
void geodetector(RunState& x) {
  const AssessConfig& cfg = x.cfg;
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  const std::size_t m = x.m;
  const std::vector<std::string>& names = x.names;
  // Pass 8: GeoDetector on the score: region and quantile classes of each indicator.
  timed(ctx, "assess.geodetector", [&] {
    std::vector<std::string> fname{"region"};
    std::vector<std::vector<int>> strata;
    {
      std::map<std::string, int> rid;
      std::vector<int> s;
      for (const auto& g : r.region)
        s.push_back(rid.try_emplace(g, static_cast<int>(rid.size())).first->second);
      strata.push_back(s);
    }
    for (std::size_t j = 0; j < m; ++j) {
      fname.push_back(names[j]);
      strata.push_back(quantile_classes(r.raw[j], cfg.geodetector_classes));
    }
    for (std::size_t a = 0; a < strata.size(); ++a) {
      r.factors.push_back(factor_detector(r.score, strata[a], fname[a]));
      r.risks.push_back(risk_detector(r.score, strata[a], fname[a]));
    }
    for (std::size_t a = 0; a < strata.size(); ++a)
      for (std::size_t b = a + 1; b < strata.size(); ++b) {
        r.interactions.push_back(interaction_detector(r.score, strata[a], strata[b], fname[a], fname[b]));
        r.ecological.push_back(ecological_detector(r.score, strata[a], strata[b], fname[a], fname[b]));
      }
  });
}

// Pass 9: spatial Markov 2010 -> 2020 on the panel index (pooled normalisation and pooled weights).
void markov(RunState& x) {
  const AssessConfig& cfg = x.cfg;
  Context& ctx = x.ctx;
  AssessResult& r = x.r;
  const int threads = x.ctx.thread_count();
  const std::vector<std::size_t>& panel_j = x.panel_j;
  const std::vector<std::size_t>& panel_rows = x.panel_rows;
  const Columns& pooled_norm0 = x.pooled_norm0;
  const Columns& pooled_norm1 = x.pooled_norm1;
  const std::vector<LonLat>& pts = x.pts;
  // Pass 9: spatial Markov 2010 -> 2020 on the panel index (pooled normalisation and pooled weights).
  if (r.has_panel && !cfg.centres.empty()) {
    timed(ctx, "assess.markov", [&] {
      std::unordered_map<std::size_t, std::size_t> loc_of;
      for (std::size_t a = 0; a < r.located.size(); ++a) loc_of.emplace(r.located[a], a);
      std::vector<double> y0, y1;
      std::vector<LonLat> mp;
      for (std::size_t b = 0; b < panel_rows.size(); ++b) {
        auto it = loc_of.find(panel_rows[b]);
        if (it == loc_of.end()) continue;
        double s0 = 0, s1 = 0;
        for (std::size_t a = 0; a < panel_j.size(); ++a) {
          s0 += r.panel_weight[a] * pooled_norm0[a][b];
          s1 += r.panel_weight[a] * pooled_norm1[a][b];
        }
        y0.push_back(s0);
        y1.push_back(s1);
        mp.push_back(pts[it->second]);
      }
      if (y0.size() > static_cast<std::size_t>(std::max(cfg.weights.k, 4) * cfg.markov_classes)) {
        const Weights wm = build_weights(mp, cfg.weights, threads);
        r.markov = spatial_markov(y0, y1, wm, cfg.markov_classes);
      } else {
        r.has_panel = false;
        r.notes.push_back("too few located panel counties for the spatial Markov chain");
      }
    });
  }
}

// The official boundary file: polygons or lines from any GDAL source, in WGS-84. Points, features without a
// geometry and an empty layer are refused (one line naming the file and the feature).
VectorTable read_boundaries(const AssessConfig& cfg) {
  VectorSourceSpec spec;
  spec.source = cfg.boundaries;
  spec.layer = cfg.boundaries_layer;
  spec.crs = cfg.boundaries_crs;
  spec.label = "boundaries";
  spec.accept_lines = true;
  VectorTable t = read_vector_source(spec);
  if (t.features.empty())
    throw InputError(t.shown(), "", "", "no features; a boundary file has polygons or lines");
  for (const VectorFeature& f : t.features)
    if (f.polygons.empty() && f.lines.empty())
      throw InputError(t.shown(), f.where, "geometry",
                       f.point ? "a point; a boundary file has polygons or lines" : "no geometry");
  return t;
}

}  // namespace

AssessResult run_assess(const AssessConfig& cfg, Context& ctx) {
  throw_if_problems(validate(cfg), "assess");
  AssessResult r;
  r.config = cfg;
  if (!cfg.boundaries.empty()) r.boundaries = read_boundaries(cfg);  // first: a bad file fails at once
  RunState x(cfg, ctx, r);
  read_counties(x);
  read_panel(x);
  score(x);
  robustness(x);
  change(x);
  obstacles_and_equity(x);
  spatial(x);
  geodetector(x);
  markov(x);
  type_counties(x);
  return r;
}

}  // namespace cs::assess
