// Classic Markov chains on any panel (include/countyscope/assess/markov_study.hpp, docs/stats.md).
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <countyscope/assess/markov_study.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/io/vector_source.hpp>

namespace cs::assess {

namespace {
using Matrix = std::vector<std::vector<double>>;

// Solves A x = b (Gaussian elimination, partial pivoting); false when A is singular.
bool solve(Matrix a, std::vector<double>& b) {
  const std::size_t n = a.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[piv][c])) piv = r;
    if (!(std::fabs(a[piv][c]) > 1e-14)) return false;
    std::swap(a[c], a[piv]);
    std::swap(b[c], b[piv]);
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      if (f == 0) continue;
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  for (std::size_t c = 0; c < n; ++c) b[c] /= a[c][c];
  return true;
}
}  // namespace

std::vector<double> steady_state(const Matrix& p) {
  const std::size_t k = p.size();
  // (P^T - I) pi = 0 with the last equation replaced by sum pi = 1.
  Matrix a(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) a[i][j] = p[j][i] - (i == j ? 1.0 : 0.0);
  std::vector<double> b(k, 0.0);
  for (std::size_t j = 0; j < k; ++j) a[k - 1][j] = 1.0;
  b[k - 1] = 1.0;
  if (!solve(a, b)) return {};
  return b;
}

Matrix mean_first_passage(const Matrix& p) {
  const std::size_t k = p.size();
  const auto pi = steady_state(p);
  if (pi.empty()) return {};
  for (double v : pi)
    if (!(v > 0)) return {};
  // Z = (I - P + W)^-1, W's rows pi: column by column.
  Matrix a(k, std::vector<double>(k, 0.0)), z(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) a[i][j] = (i == j ? 1.0 : 0.0) - p[i][j] + pi[j];
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> e(k, 0.0);
    e[j] = 1.0;
    if (!solve(a, e)) return {};
    for (std::size_t i = 0; i < k; ++i) z[i][j] = e[i];
  }
  Matrix m(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) m[i][j] = i == j ? 1.0 / pi[j] : (z[j][j] - z[i][j]) / pi[j];
  return m;
}

Outputs run_markov_study(const MarkovInputs& in, const Context& ctx) {
  (void)ctx;
  if (in.classes < 2 || in.classes > 20)
    throw UsageError("--classes: expected 2..20, got " + std::to_string(in.classes));
  VectorSourceSpec spec;
  spec.source = in.table;
  spec.layer = in.layer;
  spec.label = "table";
  const VectorTable t = read_vector_source(spec);
  std::vector<int> cols;
  for (const std::string& c : in.columns) {
    const auto colon = c.find(':');
    if (colon == std::string::npos) {
      cols.push_back(t.require(c, "period"));
      continue;
    }
    const int a = t.require(c.substr(0, colon), "first period"),
              b = t.require(c.substr(colon + 1), "last period");
    if (b < a) throw UsageError("--columns '" + c + "': the last period comes before the first in the table");
    for (int x = a; x <= b; ++x) cols.push_back(x);
  }
  if (cols.size() < 2) throw UsageError("stats markov: give at least two periods (--columns)");
  if (t.features.size() < static_cast<std::size_t>(in.classes))
    throw InputError(t.shown(), "", "", "fewer rows than --classes");
  const std::size_t n = t.features.size(), periods = cols.size(), k = static_cast<std::size_t>(in.classes);
  std::vector<std::vector<int>> cls;  // period -> class per row
  for (int c : cols) {
    const std::string& name = t.fields[static_cast<std::size_t>(c)];
    std::vector<double> v;
    for (const VectorFeature& f : t.features) {
      const std::string& s = f.values[static_cast<std::size_t>(c)];
      const auto d = parse_double(s);
      if (s.empty())
        throw InputError(t.shown(), f.where, name,
                         "empty: the panel misses this period (every row needs every period)");
      if (!d || !std::isfinite(*d))
        throw InputError(t.shown(), f.where, name, "not a finite number '" + s + "'");
      v.push_back(*d);
    }
    cls.push_back(quantile_classes(v, in.classes));
  }
  std::vector<std::vector<std::size_t>> count(k, std::vector<std::size_t>(k, 0));
  for (std::size_t s = 0; s + 1 < periods; ++s)
    for (std::size_t i = 0; i < n; ++i)
      ++count[static_cast<std::size_t>(cls[s][i])][static_cast<std::size_t>(cls[s + 1][i])];
  Matrix p(k, std::vector<double>(k, 0.0));
  for (std::size_t a = 0; a < k; ++a) {
    const double tot = static_cast<double>(std::accumulate(count[a].begin(), count[a].end(), std::size_t{0}));
    for (std::size_t b = 0; b < k; ++b) p[a][b] = tot > 0 ? static_cast<double>(count[a][b]) / tot : 0.0;
  }
  const auto pi = steady_state(p);
  const auto m = mean_first_passage(p);
  const double nan = std::numeric_limits<double>::quiet_NaN();

  Outputs o;
  Table tt("markov_transitions", {{"from", FieldType::kInteger},
                                  {"to", FieldType::kInteger},
                                  {"count", FieldType::kInteger},
                                  {"p", FieldType::kReal},
                                  {"mean_first_passage", FieldType::kReal}});
  tt.csv_file = "markov_transitions.csv";
  tt.json = JsonPlace::kSection;
  tt.json_key = "/transitions";
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) {
      const double mfp = m.empty() ? nan : m[a][b];
      tt.add({integer(static_cast<std::int64_t>(a + 1)), integer(static_cast<std::int64_t>(b + 1)),
              integer(static_cast<std::int64_t>(count[a][b])), p[a][b],
              std::isfinite(mfp) ? FieldValue(mfp) : FieldValue(std::monostate{})});
    }
  Table st("markov_states", {{"state", FieldType::kInteger}, {"steady_state", FieldType::kReal}});
  st.csv_file = "markov_states.csv";
  st.json = JsonPlace::kSection;
  st.json_key = "/states";
  for (std::size_t a = 0; a < k; ++a)
    st.add({integer(static_cast<std::int64_t>(a + 1)),
            pi.empty() ? FieldValue(std::monostate{}) : FieldValue(pi[a])});
  std::vector<std::string> names;
  for (int c : cols) names.push_back(t.fields[static_cast<std::size_t>(c)]);
  o.section = {{"table", t.file},
               {"rows", n},
               {"periods", names},
               {"classes", in.classes},
               {"transition_count", (periods - 1) * n},
               {"ergodic", !m.empty()},
               {"method",
                "classes: quantiles of each period (type 7 breaks, a value on a break in the lower class; "
                "mapclassify Quantiles as giddy); P = row-normalised transition counts between consecutive "
                "periods; steady state pi = pi P; mean first passage times from Kemeny & Snell's fundamental "
                "matrix (giddy ergodic.fmpt), the diagonal the recurrence times 1 / pi"}};
  o.add(std::move(tt));
  o.add(std::move(st));
  return o;
}

}  // namespace cs::assess
