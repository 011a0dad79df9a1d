// Equity measures on any table (include/countyscope/assess/equity_study.hpp, docs/stats.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <countyscope/assess/equity_study.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/vector_source.hpp>

namespace cs::assess {

namespace {
std::vector<std::size_t> order_by(const std::vector<double>& key) {
  std::vector<std::size_t> o(key.size());
  std::iota(o.begin(), o.end(), 0);
  std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
  return o;
}
// sum w and sum w y.
std::pair<double, double> weighted_totals(const std::vector<double>& y, const std::vector<double>& w) {
  double wt = 0, yt = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    wt += w[i];
    yt += w[i] * y[i];
  }
  return {wt, yt};
}
}  // namespace

double lorenz_share(const std::vector<double>& y, const std::vector<double>& w, double p) {
  const auto o = order_by(y);
  const auto [wt, yt] = weighted_totals(y, w);
  if (!(wt > 0) || !(yt > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double target = p * wt;
  double cw = 0, cy = 0;
  for (std::size_t i : o) {
    if (cw + w[i] >= target) return (cy + (target - cw) * y[i]) / yt;
    cw += w[i];
    cy += w[i] * y[i];
  }
  return 1.0;
}

double weighted_gini(const std::vector<double>& y, const std::vector<double>& w) {
  const auto o = order_by(y);
  const auto [wt, yt] = weighted_totals(y, w);
  if (!(wt > 0) || !(yt > 0)) return std::numeric_limits<double>::quiet_NaN();
  double area = 0, l_prev = 0;
  for (std::size_t i : o) {
    const double l = l_prev + w[i] * y[i] / yt;
    area += w[i] / wt * (l + l_prev);
    l_prev = l;
  }
  return 1 - area;
}

double palma_ratio(const std::vector<double>& y, const std::vector<double>& w) {
  return (1 - lorenz_share(y, w, 0.9)) / lorenz_share(y, w, 0.4);
}

double concentration_index(const std::vector<double>& y, const std::vector<double>& rank,
                           const std::vector<double>& w) {
  const auto o = order_by(rank);
  const std::size_t n = y.size();
  const auto [wt, yt] = weighted_totals(y, w);
  if (!(wt > 0) || !(yt > 0)) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> r(n);
  double before = 0;
  for (std::size_t a = 0; a < n;) {
    std::size_t b = a;
    double group = 0;
    for (; b < n && rank[o[b]] == rank[o[a]]; ++b) group += w[o[b]];
    for (std::size_t c = a; c < b; ++c) r[o[c]] = (before + group / 2) / wt;  // the tied group's mean rank
    before += group;
    a = b;
  }
  const double mu = yt / wt;
  double rm = 0;
  for (std::size_t i = 0; i < n; ++i) rm += w[i] * r[i];
  rm /= wt;
  double cov = 0;
  for (std::size_t i = 0; i < n; ++i) cov += w[i] * (y[i] - mu) * (r[i] - rm);
  return 2 * (cov / wt) / mu;
}

double erreygers_index(const std::vector<double>& y, const std::vector<double>& rank,
                       const std::vector<double>& w) {
  const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
  const auto [wt, yt] = weighted_totals(y, w);
  if (y.empty() || !(*hi > *lo)) return std::numeric_limits<double>::quiet_NaN();
  return 4 * (yt / wt) / (*hi - *lo) * concentration_index(y, rank, w);
}

double weighted_quantile(const std::vector<double>& x, const std::vector<double>& w, double p) {
  const auto o = order_by(x);
  std::vector<double> ux, cum;  // distinct values, cumulative weights
  for (std::size_t i : o) {
    if (!ux.empty() && ux.back() == x[i]) {
      cum.back() += w[i];
    } else {
      ux.push_back(x[i]);
      cum.push_back((cum.empty() ? 0.0 : cum.back()) + w[i]);
    }
  }
  if (ux.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double n = cum.back();
  const double order = 1 + (n - 1) * p;
  const double low = std::max(std::floor(order), 1.0);
  const double high = std::min(low + 1, n);
  const double frac = order - std::floor(order);
  // R's approx(cum, ux, v, method = "constant", f = 1, rule = 2): the first value whose cumulative weight
  // reaches v (the last one beyond).
  auto at = [&](double v) {
    const auto it = std::lower_bound(cum.begin(), cum.end(), v);
    return it == cum.end() ? ux.back() : ux[static_cast<std::size_t>(it - cum.begin())];
  };
  return (1 - frac) * at(low) + frac * at(high);
}

double ranked_palma(const std::vector<double>& y, const std::vector<double>& rank,
                    const std::vector<double>& w, double q40, double q90) {
  double rich_w = 0, rich_y = 0, poor_w = 0, poor_y = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (rank[i] > q90) {
      rich_w += w[i];
      rich_y += w[i] * y[i];
    } else if (rank[i] <= q40) {
      poor_w += w[i];
      poor_y += w[i] * y[i];
    }
  }
  if (!(rich_w > 0) || !(poor_w > 0)) return std::numeric_limits<double>::quiet_NaN();
  return (rich_y / rich_w) / (poor_y / poor_w);
}

std::vector<double> fgt(const std::vector<double>& y, const std::vector<double>& w, double z) {
  std::vector<double> f(3, 0.0);
  double wt = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    wt += w[i];
    if (y[i] < z) {
      const double gap = (z - y[i]) / z;
      f[0] += w[i];
      f[1] += w[i] * gap;
      f[2] += w[i] * gap * gap;
    }
  }
  for (double& v : f) v /= wt;
  return f;
}

namespace {
// sum_i (w_i / W) (y_i / m) ln(y_i / m) over the given rows, 0 ln 0 = 0.
double theil_of(const std::vector<double>& y, const std::vector<double>& w,
                const std::vector<std::size_t>& rows, double m) {
  double wt = 0, t = 0;
  for (std::size_t i : rows) {
    wt += w[i];
    if (y[i] > 0 && w[i] > 0) t += w[i] * (y[i] / m) * std::log(y[i] / m);
  }
  return wt > 0 ? t / wt : 0.0;
}
}  // namespace

Theil theil_t(const std::vector<double>& y, const std::vector<double>& w,
              const std::vector<std::string>& groups) {
  Theil r;
  const auto [wt, yt] = weighted_totals(y, w);
  if (!(wt > 0) || !(yt > 0)) {
    r.total = r.within = r.between = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  std::vector<std::size_t> all(y.size());
  std::iota(all.begin(), all.end(), 0);
  r.total = theil_of(y, w, all, yt / wt);
  if (groups.empty()) return r;
  // The rows of each group in one pass; groups in order numerically when every label is a number (deciles
  // 1..10), else as text.
  std::map<std::string, std::vector<std::size_t>> by_label;
  for (std::size_t i = 0; i < groups.size(); ++i) by_label[groups[i]].push_back(i);
  std::vector<std::pair<double, const std::pair<const std::string, std::vector<std::size_t>>*>> order;
  bool numeric = true;
  for (const auto& g : by_label) {
    const auto d = parse_double(g.first);
    numeric = numeric && d && std::isfinite(*d);
    order.emplace_back(d ? *d : 0.0, &g);
  }
  if (numeric)
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, g] : order) {
    const std::vector<std::size_t>& rows = g->second;
    TheilGroup tg;
    tg.group = g->first;
    tg.rows = rows.size();
    double gy = 0;
    for (std::size_t i : rows) {
      tg.weight += w[i];
      gy += w[i] * y[i];
    }
    tg.mean = tg.weight > 0 ? gy / tg.weight : std::numeric_limits<double>::quiet_NaN();
    tg.y_share = gy / yt;
    tg.weight_share = tg.weight / wt;
    tg.theil = gy > 0 ? theil_of(y, w, rows, tg.mean) : 0.0;
    tg.within = tg.y_share * tg.theil;
    tg.between = tg.y_share > 0 ? tg.y_share * std::log(tg.y_share / tg.weight_share) : 0.0;
    r.within += tg.within;
    r.between += tg.between;
    r.groups.push_back(tg);
  }
  return r;
}

Outputs run_equity_study(const EquityInputs& in, const Context& ctx) {
  (void)ctx;
  if (!(in.poverty_line >= 0) || !std::isfinite(in.poverty_line))
    throw UsageError("poverty line: expected a number > 0 (0: none), got " + std::to_string(in.poverty_line));
  VectorSourceSpec spec;
  spec.source = in.table;
  spec.layer = in.layer;
  spec.label = "table";
  const VectorTable t = read_vector_source(spec);
  if (t.features.size() < 2) throw InputError(t.shown(), "", "", "fewer than two rows");
  auto column = [&](const std::string& name, const char* role, bool positive, bool nonneg) {
    const int c = t.require(name, role);
    std::vector<double> v;
    for (const VectorFeature& f : t.features) {
      const std::string& s = f.values[static_cast<std::size_t>(c)];
      const auto d = parse_double(s);
      if (s.empty() || !d || !std::isfinite(*d))
        throw InputError(t.shown(), f.where, name,
                         s.empty() ? "empty; a number is expected" : "not a finite number '" + s + "'");
      if (positive && *d < 0)
        throw InputError(t.shown(), f.where, name, "'" + s + "': a weight must be >= 0");
      if (nonneg && *d < 0)
        throw InputError(t.shown(), f.where, name, "negative '" + s + "'; y must be >= 0");
      v.push_back(*d);
    }
    return v;
  };
  const std::vector<double> y = column(in.y, "y", false, true);
  const std::vector<double> w =
      in.weight.empty() ? std::vector<double>(y.size(), 1.0) : column(in.weight, "weight", true, false);
  if (!(std::accumulate(w.begin(), w.end(), 0.0) > 0))
    throw InputError(t.shown(), "", in.weight, "every weight is 0: no one to assess");
  if (!(std::inner_product(y.begin(), y.end(), w.begin(), 0.0) > 0))
    throw InputError(t.shown(), "", in.y, "every value (of a weight > 0) is 0: shares are undefined");
  Outputs o;
  Table et("equity", {{"measure", FieldType::kString},
                      {"value", FieldType::kReal},
                      {"y", FieldType::kString},
                      {"rank", FieldType::kString},
                      {"weight", FieldType::kString}});
  et.csv_file = "equity.csv";
  et.json = JsonPlace::kSection;
  et.json_key = "/measures";
  const std::string wn = in.weight.empty() ? "(each row 1)" : in.weight;
  et.add({std::string("gini"), weighted_gini(y, w), in.y, std::string(), wn});
  et.add({std::string("palma"), palma_ratio(y, w), in.y, std::string(), wn});
  et.add({std::string("share_top_10"), 1 - lorenz_share(y, w, 0.9), in.y, std::string(), wn});
  et.add({std::string("share_bottom_40"), lorenz_share(y, w, 0.4), in.y, std::string(), wn});
  std::vector<std::string> groups;
  if (!in.groups.empty()) {
    const int c = t.require(in.groups, "groups");
    for (const VectorFeature& f : t.features) {
      const std::string& g = f.values[static_cast<std::size_t>(c)];
      if (g.empty()) throw InputError(t.shown(), f.where, in.groups, "empty; a group label is expected");
      groups.push_back(g);
    }
  }
  const Theil th = theil_t(y, w, groups);
  et.add({std::string("theil_t"), th.total, in.y, std::string(), wn});
  if (!groups.empty()) {
    et.add({std::string("theil_between"), th.between, in.y, in.groups, wn});
    et.add({std::string("theil_within"), th.within, in.y, in.groups, wn});
  }
  if (in.poverty_line > 0) {
    const std::vector<double> f = fgt(y, w, in.poverty_line);
    for (int a = 0; a < 3; ++a)
      et.add({"fgt" + std::to_string(a), f[static_cast<std::size_t>(a)], in.y, std::string(), wn});
  }
  double q40 = std::numeric_limits<double>::quiet_NaN(), q90 = q40;
  if (!in.rank.empty()) {
    const std::vector<double> r = column(in.rank, "rank", false, false);
    et.add({std::string("concentration_index"), concentration_index(y, r, w), in.y, in.rank, wn});
    et.add({std::string("concentration_index_erreygers"), erreygers_index(y, r, w), in.y, in.rank, wn});
    std::vector<double> bx, bw;  // the ranked Palma's quantile base
    if (in.rank_base.empty()) {
      bx = r;
      bw = w;
    } else {
      VectorSourceSpec bs;
      bs.source = in.rank_base;
      bs.label = "rank base";
      const VectorTable b = read_vector_source(bs);
      const int rc = b.require(in.rank, "rank");
      const int wc = in.weight.empty() ? -1 : b.require(in.weight, "weight");
      for (const VectorFeature& f : b.features) {
        const std::string& s = f.values[static_cast<std::size_t>(rc)];
        if (s.empty()) continue;  // R's na.rm
        const auto d = parse_double(s);
        if (!d || !std::isfinite(*d))
          throw InputError(b.shown(), f.where, in.rank, "not a finite number '" + s + "'");
        double wv = 1;
        if (wc >= 0) {
          const std::string& ws = f.values[static_cast<std::size_t>(wc)];
          const auto wd = parse_double(ws);
          if (ws.empty() || !wd || !std::isfinite(*wd) || *wd < 0)
            throw InputError(
                b.shown(), f.where, in.weight,
                ws.empty() ? "empty; a weight >= 0 is expected" : "'" + ws + "': a weight must be >= 0");
          wv = *wd;
        }
        bx.push_back(*d);
        bw.push_back(wv);
      }
      if (!(std::accumulate(bw.begin(), bw.end(), 0.0) > 0))
        throw InputError(b.shown(), "", in.weight.empty() ? in.rank : in.weight,
                         "no row with a rank and a weight > 0");
    }
    q40 = weighted_quantile(bx, bw, 0.4);
    q90 = weighted_quantile(bx, bw, 0.9);
    et.add({std::string("palma_ranked"), ranked_palma(y, r, w, q40, q90), in.y, in.rank, wn});
  }
  Table gt("equity_groups", {{"group", FieldType::kString},
                             {"rows", FieldType::kInteger},
                             {"weight", FieldType::kReal},
                             {"mean", FieldType::kReal},
                             {"y_share", FieldType::kReal},
                             {"weight_share", FieldType::kReal},
                             {"theil_t", FieldType::kReal},
                             {"within", FieldType::kReal},
                             {"between", FieldType::kReal}});
  gt.csv_file = "equity_groups.csv";
  gt.json = JsonPlace::kNone;
  for (const TheilGroup& g : th.groups)
    gt.add({g.group, static_cast<std::int64_t>(g.rows), g.weight, g.mean, g.y_share, g.weight_share, g.theil,
            g.within, g.between});
  o.section = {
      {"table", t.file},
      {"rows", t.features.size()},
      {"y", in.y},
      {"rank", in.rank},
      {"weight", wn},
      {"groups", in.groups},
      {"poverty_line", in.poverty_line},
      {"rank_base", in.rank_base.empty() ? std::string("(the table)") : in.rank_base},
      {"rank_q40", q40},
      {"rank_q90", q90},
      {"method",
       "Lorenz / concentration curves piecewise linear through the sorted units (each a step of its "
       "weight); Gini = 1 - 2 x area under the Lorenz curve; Palma = (1 - L(0.9)) / L(0.4); concentration "
       "index = 2 cov_w(y, R) / mean_w(y), R the weighted fractional rank (O'Donnell et al. 2008), Erreygers "
       "(2009) corrected x 4 mean / (max - min); ranked Palma = mean_w(y | rank > q90) / mean_w(y | rank <= "
       "q40) "
       "(R accessibility, Hmisc weighted quantiles); Theil T with 0 ln 0 = 0 and its between / within "
       "decomposition; FGT(0, 1, 2) below the poverty line (Foster, Greer & Thorbecke 1984)"}};
  o.add(std::move(et));
  if (!groups.empty()) o.add(std::move(gt));
  return o;
}

}  // namespace cs::assess
