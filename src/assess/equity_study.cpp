// Equity measures on any table (include/countyscope/assess/equity_study.hpp, docs/stats.md).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
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
}  // namespace

double lorenz_share(const std::vector<double>& y, const std::vector<double>& w, double p) {
  const auto o = order_by(y);
  double wt = 0, yt = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    wt += w[i];
    yt += w[i] * y[i];
  }
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
  double wt = 0, yt = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    wt += w[i];
    yt += w[i] * y[i];
  }
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
  double wt = 0, yt = 0;
  for (std::size_t i = 0; i < n; ++i) {
    wt += w[i];
    yt += w[i] * y[i];
  }
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

Outputs run_equity_study(const EquityInputs& in, const Context& ctx) {
  (void)ctx;
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
      if (positive && *d <= 0)
        throw InputError(t.shown(), f.where, name, "'" + s + "': a weight must be > 0");
      if (nonneg && *d < 0)
        throw InputError(t.shown(), f.where, name, "negative '" + s + "'; y must be >= 0");
      v.push_back(*d);
    }
    return v;
  };
  const std::vector<double> y = column(in.y, "y", false, true);
  const std::vector<double> w =
      in.weight.empty() ? std::vector<double>(y.size(), 1.0) : column(in.weight, "weight", true, false);
  if (!(std::inner_product(y.begin(), y.end(), w.begin(), 0.0) > 0))
    throw InputError(t.shown(), "", in.y, "every value is 0: shares are undefined");
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
  if (!in.rank.empty()) {
    const std::vector<double> r = column(in.rank, "rank", false, false);
    et.add({std::string("concentration_index"), concentration_index(y, r, w), in.y, in.rank, wn});
  }
  o.section = {
      {"table", t.file},
      {"rows", t.features.size()},
      {"y", in.y},
      {"rank", in.rank},
      {"weight", wn},
      {"method",
       "Lorenz / concentration curves piecewise linear through the sorted units (each a step of its "
       "weight); Gini = 1 - 2 x area under the Lorenz curve; Palma = (1 - L(0.9)) / L(0.4); concentration "
       "index = 2 cov_w(y, R) / mean_w(y), R the weighted fractional rank (O'Donnell et al. 2008)"}};
  o.add(std::move(et));
  return o;
}

}  // namespace cs::assess
