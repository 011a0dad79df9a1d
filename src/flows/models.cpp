// Gravity, Furness, radiation and intervening-opportunities models (see
// include/countyscope/flows/models.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include <countyscope/core/error.hpp>
#include <countyscope/flows/models.hpp>

namespace cs::flows {

namespace {

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

void check_masses(std::span<const double> v, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!(v[i] >= 0.0) || !std::isfinite(v[i]))
      throw InputError(std::string(what) + " " + std::to_string(i) + ": mass must be finite and >= 0, got " +
                       num(v[i]));
}

}  // namespace

Decay parse_decay(std::string_view name) {
  if (name == "power" || name == "pow") return Decay::kPower;
  if (name == "exponential" || name == "exp") return Decay::kExponential;
  throw unknown_value("decay", name, {"power", "exponential"});
}
std::string_view decay_name(Decay d) {
  switch (d) {
    case Decay::kPower:
      return "power";
    case Decay::kExponential:
      return "exponential";
    case Decay::kGaussian:
      return "gaussian";
    case Decay::kLinear:
      return "linear";
  }
  return "?";
}
void check_flow_decay(Decay d) {
  if (d != Decay::kPower && d != Decay::kExponential)
    throw UsageError("decay: flows take power or exponential decay, got " + std::string(decay_name(d)));
}

GravityForm parse_form(std::string_view name) {
  if (name == "unconstrained") return GravityForm::kUnconstrained;
  if (name == "production" || name == "production-constrained") return GravityForm::kProduction;
  if (name == "attraction" || name == "attraction-constrained") return GravityForm::kAttraction;
  if (name == "doubly" || name == "doubly-constrained") return GravityForm::kDoubly;
  throw unknown_value("gravity model", name, {"unconstrained", "production", "attraction", "doubly"});
}
std::string_view form_name(GravityForm f) {
  switch (f) {
    case GravityForm::kUnconstrained:
      return "unconstrained";
    case GravityForm::kProduction:
      return "production";
    case GravityForm::kAttraction:
      return "attraction";
    case GravityForm::kDoubly:
      return "doubly";
  }
  return "?";
}

double decay_weight(const GravityParams& p, double cost, const CostOptions& opt) {
  if (std::isnan(cost) || cost < 0.0) throw InputError("cost must be >= 0, got " + num(cost));
  if (std::isinf(cost)) return 0.0;
  if (opt.min_cost > 0.0 && cost < opt.min_cost) cost = opt.min_cost;
  check_flow_decay(p.decay);
  if (p.decay == Decay::kExponential) return std::exp(-p.beta * cost);
  if (cost <= 0.0) {
    if (opt.exclude_zero) return 0.0;
    throw InputError(
        "zero cost between two distinct places under power decay; set a minimum cost (min_cost) or "
        "exclude zero-cost pairs");
  }
  return std::pow(cost, -p.beta);
}

Matrix<double> furness(std::span<const double> O, std::span<const double> D, const Matrix<double>& w,
                       const FurnessOptions& fopt, FurnessReport* report) {
  const std::size_t n = O.size(), m = D.size();
  if (w.rows() != n || w.cols() != m) throw InputError("Furness: weight matrix does not match the margins");
  check_masses(O, "origin");
  check_masses(D, "destination");
  const double so = std::accumulate(O.begin(), O.end(), 0.0), sd = std::accumulate(D.begin(), D.end(), 0.0);
  if (std::abs(so - sd) > 1e-9 * std::max(so, sd))
    throw InputError("doubly constrained: origin totals (" + num(so) + ") and destination totals (" +
                     num(sd) + ") differ; they must be equal");
  // Feasibility of each margin on its own (a necessary condition; IPF reports the rest as non-convergence).
  std::vector<double> colw(m, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double rw = 0.0;
    for (std::size_t j = 0; j < m; ++j) {
      rw += w(i, j) * (D[j] > 0 ? 1.0 : 0.0);
      colw[j] += w(i, j) * (O[i] > 0 ? 1.0 : 0.0);
    }
    if (O[i] > 0 && !(rw > 0))
      throw InputError("origin " + std::to_string(i) + ": total " + num(O[i]) +
                       " but no reachable destination with a positive total");
  }
  for (std::size_t j = 0; j < m; ++j)
    if (D[j] > 0 && !(colw[j] > 0))
      throw InputError("destination " + std::to_string(j) + ": total " + num(D[j]) +
                       " but no reachable origin with a positive total");

  std::vector<double> a(n, 0.0), b(m, 1.0), col(m);
  int it = 0;
  double err = std::numeric_limits<double>::infinity();
  while (true) {
    ++it;
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      const auto r = w.row(i);
      for (std::size_t j = 0; j < m; ++j) s += r[j] * b[j];
      a[i] = O[i] > 0 ? O[i] / s : 0.0;
    }
    std::fill(col.begin(), col.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = w.row(i);
      const double ai = a[i];
      if (ai == 0.0) continue;
      for (std::size_t j = 0; j < m; ++j) col[j] += ai * r[j];
    }
    for (std::size_t j = 0; j < m; ++j) b[j] = D[j] > 0 ? D[j] / col[j] : 0.0;
    err = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      const auto r = w.row(i);
      for (std::size_t j = 0; j < m; ++j) s += r[j] * b[j];
      const double rs = a[i] * s;
      if (O[i] > 0) err = std::max(err, std::abs(rs - O[i]) / O[i]);
    }
    if (err <= fopt.tolerance) break;
    if (it >= fopt.max_iterations)
      throw Error(ErrorKind::kInfeasible, "doubly constrained (Furness): did not converge after " +
                                              std::to_string(it) + " iterations (max relative margin error " +
                                              num(err) + ", tolerance " + num(fopt.tolerance) + ")");
  }
  if (report) *report = {it, err};
  Matrix<double> t(n, m, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) t(i, j) = a[i] * b[j] * w(i, j);
  return t;
}

Matrix<double> gravity_flows(GravityForm form, std::span<const double> O, std::span<const double> D,
                             const Matrix<double>& cost, const GravityParams& p, const CostOptions& copt,
                             const FurnessOptions& fopt, FurnessReport* report) {
  const std::size_t n = O.size(), m = D.size();
  if (cost.rows() != n || cost.cols() != m)
    throw InputError("cost matrix is " + std::to_string(cost.rows()) + " x " + std::to_string(cost.cols()) +
                     " but there are " + std::to_string(n) + " origins and " + std::to_string(m) +
                     " destinations");
  check_masses(O, "origin");
  check_masses(D, "destination");
  const bool square = n == m;
  Matrix<double> f(n, m, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      if (square && copt.exclude_diagonal && i == j) continue;
      try {
        f(i, j) = decay_weight(p, cost(i, j), copt);
      } catch (const InputError& e) {
        throw InputError("cost[" + std::to_string(i) + "][" + std::to_string(j) + "]: " + e.what());
      }
    }
  if (report) *report = {};
  Matrix<double> t(n, m, 0.0);
  switch (form) {
    case GravityForm::kUnconstrained: {
      const double k = std::exp(p.log_k);
      for (std::size_t i = 0; i < n; ++i) {
        const double oi = std::pow(O[i], p.alpha);
        for (std::size_t j = 0; j < m; ++j) t(i, j) = k * oi * std::pow(D[j], p.gamma) * f(i, j);
      }
      return t;
    }
    case GravityForm::kProduction: {
      std::vector<double> dg(m);
      for (std::size_t j = 0; j < m; ++j) dg[j] = std::pow(D[j], p.gamma);
      for (std::size_t i = 0; i < n; ++i) {
        double s = 0.0;
        for (std::size_t j = 0; j < m; ++j) s += dg[j] * f(i, j);
        if (O[i] == 0.0) continue;
        if (!(s > 0.0))
          throw InputError("origin " + std::to_string(i) + ": total " + num(O[i]) +
                           " but no reachable destination with a positive mass");
        for (std::size_t j = 0; j < m; ++j) t(i, j) = O[i] * dg[j] * f(i, j) / s;
      }
      return t;
    }
    case GravityForm::kAttraction: {
      std::vector<double> og(n), s(m, 0.0);
      for (std::size_t i = 0; i < n; ++i) og[i] = std::pow(O[i], p.alpha);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < m; ++j) s[j] += og[i] * f(i, j);
      for (std::size_t j = 0; j < m; ++j)
        if (D[j] > 0.0 && !(s[j] > 0.0))
          throw InputError("destination " + std::to_string(j) + ": total " + num(D[j]) +
                           " but no reachable origin with a positive mass");
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < m; ++j) t(i, j) = D[j] > 0.0 ? D[j] * og[i] * f(i, j) / s[j] : 0.0;
      return t;
    }
    case GravityForm::kDoubly:
      return furness(O, D, f, fopt, report);
  }
  return t;
}

Matrix<double> intervening_population(std::span<const double> mass, const Matrix<double>& dist) {
  const std::size_t n = mass.size();
  if (dist.rows() != n || dist.cols() != n) throw InputError("radiation: distance matrix must be n x n");
  check_masses(mass, "place");
  Matrix<double> s(n, n, 0.0);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < n; ++i) {
    order.clear();
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double d = dist(i, j);
      if (std::isnan(d) || d < 0)
        throw InputError("radiation: distance[" + std::to_string(i) + "][" + std::to_string(j) +
                         "] must be >= 0, got " + num(d));
      if (std::isfinite(d)) order.push_back(j);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return dist(i, a) < dist(i, b); });
    double before = 0.0;  // mass strictly closer than the current tie group
    for (std::size_t g = 0; g < order.size();) {
      std::size_t h = g;
      double group = 0.0;
      while (h < order.size() && dist(i, order[h]) == dist(i, order[g])) group += mass[order[h++]];
      for (std::size_t k = g; k < h; ++k) s(i, order[k]) = before;
      before += group;
      g = h;
    }
  }
  return s;
}

namespace {

Matrix<double> rank_model(std::span<const double> mass, std::span<const double> out,
                          const Matrix<double>& dist, bool normalise, bool radiation, double L) {
  const std::size_t n = mass.size();
  const char* model = radiation ? "radiation" : "intervening opportunities";
  if (out.size() != n) throw InputError(std::string(model) + ": outflow totals and masses differ in length");
  check_masses(out, "origin outflow");
  const Matrix<double> s = intervening_population(mass, dist);
  Matrix<double> t(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (out[i] == 0.0) continue;
    double row = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i || !std::isfinite(dist(i, j))) continue;
      double v;
      if (radiation) {
        const double mi = mass[i], nj = mass[j], sij = s(i, j);
        v = mi > 0.0 ? mi * nj / ((mi + sij) * (mi + nj + sij)) : 0.0;
      } else {
        // exp(-L s) - exp(-L (s + n_j)) without the cancellation when both terms are small
        v = -std::exp(-L * s(i, j)) * std::expm1(-L * mass[j]);
      }
      t(i, j) = v;
      row += v;
    }
    if (!(row > 0.0))
      throw InputError("origin " + std::to_string(i) + ": outflow " + num(out[i]) +
                       " but the model gives no destination (zero population or none reachable)");
    const double scale = normalise ? out[i] / row : out[i];
    for (std::size_t j = 0; j < n; ++j) t(i, j) *= scale;
  }
  return t;
}

}  // namespace

Matrix<double> radiation_flows(std::span<const double> mass, std::span<const double> out,
                               const Matrix<double>& dist, const RadiationOptions& opt) {
  return rank_model(mass, out, dist, opt.normalise, true, 0.0);
}

Matrix<double> intervening_opportunities_flows(std::span<const double> mass, std::span<const double> out,
                                               const Matrix<double>& dist, double L, bool normalise) {
  if (!(L > 0.0) || !std::isfinite(L))
    throw UsageError("intervening opportunities: L must be > 0, got " + num(L));
  return rank_model(mass, out, dist, normalise, false, L);
}

}  // namespace cs::flows
