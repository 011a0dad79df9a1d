// Normalisation, entropy weights and TOPSIS (the reference forms; score_counties in scoring.cpp is the
// vectorised kernel the tests hold to them).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/fastlog.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

namespace {
std::string col_name(const std::vector<std::string>& names, std::size_t j) {
  return j < names.size() ? names[j] : "indicator " + std::to_string(j + 1);
}
double xlogx_ratio(double p) { return p > 0 ? p * std::log(p) : 0.0; }
}  // namespace

Shift parse_shift(std::string_view s) {
  Shift sh;
  auto bad = [&] { return unknown_value("shift", s, {"none", "eps", "eps:E", "rescale", "rescale:A,B"}); };
  if (s == "none") return sh;
  if (s.starts_with("eps")) {
    sh.kind = ShiftKind::kEpsilon;
    if (s.size() > 3) {
      if (s[3] != ':') throw bad();
      auto v = parse_double(s.substr(4));
      if (!v || *v <= 0) throw bad();
      sh.epsilon = *v;
    }
    return sh;
  }
  if (s.starts_with("rescale")) {
    sh.kind = ShiftKind::kRescale;
    if (s.size() > 7) {
      if (s[7] != ':') throw bad();
      auto rest = s.substr(8);
      auto comma = rest.find(',');
      if (comma == std::string_view::npos) throw bad();
      auto a = parse_double(rest.substr(0, comma)), b = parse_double(rest.substr(comma + 1));
      if (!a || !b || !(*a < *b)) throw bad();
      sh.a = *a;
      sh.b = *b;
    }
    return sh;
  }
  throw bad();
}

std::string to_string(const Shift& s) {
  switch (s.kind) {
    case ShiftKind::kNone:
      return "none";
    case ShiftKind::kEpsilon:
      return "eps:" + format_number(s.epsilon);
    case ShiftKind::kRescale:
      return "rescale:" + format_number(s.a) + "," + format_number(s.b);
  }
  return "none";
}

Column normalise_column(const Column& x, int direction, const Shift& shift, double mn, double mx) {
  Column out(x.size());
  const double range = mx - mn;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double v = direction >= 0 ? (x[i] - mn) / range : (mx - x[i]) / range;
    switch (shift.kind) {
      case ShiftKind::kNone:
        break;
      case ShiftKind::kEpsilon:
        v += shift.epsilon;
        break;
      case ShiftKind::kRescale:
        v = shift.a + (shift.b - shift.a) * v;
        break;
    }
    out[i] = v;
  }
  return out;
}

Columns normalise(const Columns& x, const std::vector<int>& direction, const Shift& shift,
                  const std::vector<std::string>& names) {
  Columns out(x.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (x[j].empty()) throw InputError("", "", col_name(names, j), "no values");
    const auto [mn, mx] = std::minmax_element(x[j].begin(), x[j].end());
    if (!(*mx > *mn))
      throw InputError("", "", col_name(names, j),
                       "constant indicator (zero range, every value is " + format_number(*mn) +
                           "): min-max normalisation is undefined; drop it from the indicator system");
    out[j] = normalise_column(x[j], direction[j], shift, *mn, *mx);
  }
  return out;
}

EntropyResult entropy_weights(const Columns& xn, const std::vector<std::string>& names) {
  EntropyResult r;
  const std::size_t m = xn.size();
  r.entropy.resize(m);
  r.divergence.resize(m);
  r.weight.resize(m);
  double dsum = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t n = xn[j].size();
    if (n < 2) throw InputError("", "", col_name(names, j), "entropy weights need at least 2 counties");
    double s = 0;
    for (double v : xn[j]) {
      if (v < 0) throw InputError("", "", col_name(names, j), "negative normalised value in entropy weights");
      s += v;
    }
    if (!(s > 0))
      throw InputError("", "", col_name(names, j), "all normalised values are 0: entropy undefined");
    double e = 0;
    for (double v : xn[j]) e += xlogx_ratio(v / s);
    e = -e / std::log(static_cast<double>(n));
    r.entropy[j] = e;
    r.divergence[j] = 1.0 - e;
    dsum += 1.0 - e;
  }
  if (!(dsum > 0)) throw InputError("all indicators have entropy 1 (uniform): entropy weights undefined");
  for (std::size_t j = 0; j < m; ++j) r.weight[j] = r.divergence[j] / dsum;
  return r;
}

std::string_view to_string(TopsisNorm t) { return t == TopsisNorm::kVector ? "vector" : "minmax"; }

std::vector<double> topsis(const Columns& x, const std::vector<int>& direction,
                           const std::vector<double>& weight, TopsisNorm norm, const Shift& shift) {
  const std::size_t m = x.size();
  if (m == 0) return {};
  const std::size_t n = x[0].size();
  Columns b(m, Column(n));
  for (std::size_t j = 0; j < m; ++j) {
    if (norm == TopsisNorm::kVector) {
      double ss = 0;
      for (double v : x[j]) ss += v * v;
      const double d = std::sqrt(ss);
      const double scale = d > 0 ? weight[j] / d : 0.0;
      for (std::size_t i = 0; i < n; ++i) b[j][i] = scale * x[j][i];
    } else {
      const auto [mn, mx] = std::minmax_element(x[j].begin(), x[j].end());
      // Min-max already orients by direction: larger is better for every column afterwards.
      Column c = normalise_column(x[j], direction[j], shift, *mn, *mx);
      for (std::size_t i = 0; i < n; ++i) b[j][i] = weight[j] * c[i];
    }
  }
  std::vector<bool> up(m);
  for (std::size_t j = 0; j < m; ++j) up[j] = norm == TopsisNorm::kMinMax || direction[j] >= 0;
  return topsis_distances(b, up).closeness;
}

TopsisDistances topsis_distances(const Columns& b, const std::vector<bool>& up) {
  TopsisDistances t;
  const std::size_t m = b.size();
  if (m == 0) return t;
  const std::size_t n = b[0].size();
  std::vector<double> best(m), worst(m);
  for (std::size_t j = 0; j < m; ++j) {
    const auto [mn, mx] = std::minmax_element(b[j].begin(), b[j].end());
    best[j] = up[j] ? *mx : *mn;
    worst[j] = up[j] ? *mn : *mx;
  }
  t.closeness.resize(n);
  t.d_plus.resize(n);
  t.d_minus.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double dp = 0, dm = 0;
    for (std::size_t j = 0; j < m; ++j) {
      dp += (b[j][i] - best[j]) * (b[j][i] - best[j]);
      dm += (b[j][i] - worst[j]) * (b[j][i] - worst[j]);
    }
    dp = std::sqrt(dp);
    dm = std::sqrt(dm);
    t.d_plus[i] = dp;
    t.d_minus[i] = dm;
    t.closeness[i] = dp + dm > 0 ? dm / (dp + dm) : 0.5;
  }
  return t;
}

}  // namespace cs::assess
