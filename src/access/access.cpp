// Accessibility measures over a demand x facility matrix. Two sweeps over the matrix, both cache-friendly
// (row by row, the facility row stays in L1): sweep A computes every row-local measure and the per-facility
// demand sums of the floating-catchment step 1 into per-block partial sums (fixed blocks of rows, reduced in
// block order, so results are identical for any thread count); sweep B computes step 2 row by row.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include <countyscope/access/access.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/types.hpp>

namespace cs::access {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

const std::vector<std::string> kDecayNames{"power", "exponential", "gaussian", "linear"};
const std::vector<std::string> kCatchmentNames{"inclusive", "exclusive"};
const std::vector<std::string> kGaussianNames{"dai", "plain"};
const std::vector<std::string> kSelectionNames{"catchment", "all"};
const std::vector<std::string> kUnreachedNames{"zero", "null"};
const std::vector<std::string> kMeasureNames{
    "nearest_min", "kth_nearest_min", "cumulative", "gravity", "sfca2",       "e2sfca",
    "g2sfca",      "sfca3",           "fca2",       "bfca",    "availability"};

template <class E>
E parse_enum(std::string_view what, std::string_view s, const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (s == names[i]) return static_cast<E>(i);
  throw unknown_value(what, s, names);
}

bool check_zones(std::vector<Problem>& out, std::string_view zname, std::string_view wname,
                 const std::vector<double>& zones, const std::vector<double>& weights) {
  const std::size_t before = out.size();
  if (zones.empty()) out.push_back({std::string(zname), "at least one zone is needed"});
  if (zones.size() != weights.size())
    out.push_back({std::string(wname), "needs one weight per zone (" + std::to_string(zones.size()) +
                                           " zones, " + std::to_string(weights.size()) + " weights)"});
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (!(zones[z] > 0.0) || !std::isfinite(zones[z]))
      out.push_back({std::string(zname), "zone bounds must be finite and > 0"});
    if (z > 0 && !(zones[z] > zones[z - 1]))
      out.push_back({std::string(zname), "zones must increase (zone " + std::to_string(z + 1) +
                                             " is not above zone " + std::to_string(z) + ")"});
  }
  for (double w : weights)
    if (!(w >= 0.0) || !std::isfinite(w))
      out.push_back({std::string(wname), "weights must be finite and >= 0"});
  return out.size() == before;
}

// Everything sweep A and B need per matrix entry, hoisted out of the config.
struct Kernel {
  double d0;
  bool inclusive;
  Decay decay;
  double beta, scale, min_t, sigma, gsigma;
  bool grav_cut;
  GaussianForm gform;
  const double* zones;
  const double* zw;
  std::size_t nz;
  const double* z3;
  const double* w3;
  std::size_t n3;
  bool base_all;
  bool left;  // zones left-closed

  explicit Kernel(const AccessConfig& c)
      : d0(c.cutoff_s),
        inclusive(c.catchment == Catchment::kInclusive),
        decay(c.gravity_decay),
        beta(c.gravity_beta),
        scale(c.gravity_scale_s),
        min_t(c.gravity_min_s),
        sigma(c.gravity_sigma_s),
        gsigma(c.gaussian_sigma_s > 0 ? c.gaussian_sigma_s : c.cutoff_s),
        grav_cut(c.gravity_cut),
        gform(c.gaussian),
        zones(c.zones_s.data()),
        zw(c.zone_weights.data()),
        nz(c.zones_s.size()),
        z3(c.sfca3_zones_s.data()),
        w3(c.sfca3_weights.data()),
        n3(c.sfca3_zones_s.size()),
        base_all(c.sfca3_base == SelectionBase::kAll),
        left(c.zones_closed == ZonesClosed::kLeft) {}

  [[nodiscard]] bool in(double d) const noexcept { return inclusive ? d <= d0 : d < d0; }
  static double step(const double* z, const double* w, std::size_t n, double d, bool left = false) noexcept {
    for (std::size_t k = 0; k < n; ++k)
      if (left ? d < z[k] : d <= z[k]) return w[k];
    return 0.0;
  }
  [[nodiscard]] double zone(double d) const noexcept { return step(zones, zw, nz, d, left); }
  [[nodiscard]] double zone3(double d) const noexcept { return step(z3, w3, n3, d); }
  [[nodiscard]] double gauss(double d) const noexcept {
    if (gform == GaussianForm::kDai) {
      static const double e = std::exp(-0.5);
      const double x = d / d0;
      return std::max(0.0, (std::exp(-0.5 * x * x) - e) / (1.0 - e));
    }
    const double x = d / gsigma;
    return std::exp(-0.5 * x * x);
  }
  [[nodiscard]] double gravity(double d) const noexcept {
    if (!std::isfinite(d)) return 0.0;
    switch (decay) {
      case Decay::kPower: {
        const double x = scale / std::max(d, min_t);  // the common integer exponents avoid std::pow
        return beta == 1.0 ? x : beta == 2.0 ? x * x : std::pow(x, beta);
      }
      case Decay::kExponential:
        return std::exp(-beta * d / scale);
      case Decay::kGaussian: {
        const double x = d / sigma;
        return std::exp(-0.5 * x * x);
      }
      case Decay::kLinear:
        return d < d0 ? 1.0 - d / d0 : 0.0;
    }
    return 0.0;
  }
};

}  // namespace

std::string_view measure_name(Measure m) { return kMeasureNames[static_cast<std::size_t>(m)]; }
bool measure_is_time(Measure m) { return m == Measure::kNearest || m == Measure::kKthNearest; }
Decay parse_decay(std::string_view s) { return parse_enum<Decay>("decay", s, kDecayNames); }
Catchment parse_catchment(std::string_view s) {
  return parse_enum<Catchment>("catchment", s, kCatchmentNames);
}
GaussianForm parse_gaussian_form(std::string_view s) {
  return parse_enum<GaussianForm>("gaussian form", s, kGaussianNames);
}
SelectionBase parse_selection_base(std::string_view s) {
  return parse_enum<SelectionBase>("3SFCA selection base", s, kSelectionNames);
}
Unreached parse_unreached(std::string_view s) {
  return parse_enum<Unreached>("unreached", s, kUnreachedNames);
}
Measure parse_measure(std::string_view s) {
  if (s == "nearest") return Measure::kNearest;
  if (s == "kth_nearest") return Measure::kKthNearest;
  return parse_enum<Measure>("measure", s, kMeasureNames);
}
std::string_view decay_name(Decay d) { return kDecayNames[static_cast<std::size_t>(d)]; }
std::string_view catchment_name(Catchment c) { return kCatchmentNames[static_cast<std::size_t>(c)]; }
std::string_view gaussian_form_name(GaussianForm g) { return kGaussianNames[static_cast<std::size_t>(g)]; }
std::string_view selection_base_name(SelectionBase s) { return kSelectionNames[static_cast<std::size_t>(s)]; }
std::string_view unreached_name(Unreached u) { return kUnreachedNames[static_cast<std::size_t>(u)]; }

std::vector<Problem> validate(const AccessConfig& c) {
  std::vector<Problem> p;
  if (!(c.cutoff_s > 0.0) || !std::isfinite(c.cutoff_s)) p.push_back({"cutoff", "must be finite and > 0"});
  if (c.k < 1) p.push_back({"k", "must be >= 1"});
  if (!(c.gravity_beta > 0.0) || !std::isfinite(c.gravity_beta)) p.push_back({"gravity_beta", "must be > 0"});
  if (!(c.gravity_scale_s > 0.0)) p.push_back({"gravity_scale", "must be > 0"});
  if (!(c.gravity_min_s >= 0.0)) p.push_back({"gravity_min", "must be >= 0"});
  if (c.gravity_decay == Decay::kPower && !(c.gravity_min_s > 0.0))
    p.push_back({"gravity_min", "power decay needs a minimum time > 0 (d^-beta is infinite at 0)"});
  if (!(c.gravity_sigma_s > 0.0)) p.push_back({"gravity_sigma", "must be > 0"});
  if (!(c.gaussian_sigma_s >= 0.0)) p.push_back({"gaussian_sigma", "must be >= 0 (0 = cutoff)"});
  check_zones(p, "zones", "zone_weights", c.zones_s, c.zone_weights);
  check_zones(p, "sfca3_zones", "sfca3_weights", c.sfca3_zones_s, c.sfca3_weights);
  if (!(c.fca_beta_per_min > 0.0) || !std::isfinite(c.fca_beta_per_min))
    p.push_back({"fca_beta", "must be finite and > 0"});
  if (!(c.fca_sd_s > 0.0) || !std::isfinite(c.fca_sd_s)) p.push_back({"fca_sd", "must be finite and > 0"});
  if (!(c.availability_alpha >= 0.0) || !std::isfinite(c.availability_alpha))
    p.push_back({"availability_alpha", "must be finite and >= 0"});
  return p;
}

double fca_weight(const AccessConfig& c, double t) {
  if (!(t < std::numeric_limits<double>::infinity())) return 0.0;
  const double T = c.cutoff_s;
  switch (c.fca_decay) {
    case FcaDecay::kBinary:
      return (c.catchment == Catchment::kInclusive ? t <= T : t < T) ? 1.0 : 0.0;
    case FcaDecay::kExponential:
      return std::exp(-c.fca_beta_per_min * t / 60.0);
    case FcaDecay::kLinear:
      return t <= T ? 1.0 - t / T : 0.0;
    case FcaDecay::kLogistic: {
      const double k = std::numbers::pi / (c.fca_sd_s * std::sqrt(3.0));
      return (1.0 + std::exp(-k * T)) / (1.0 + std::exp(k * (t - T)));
    }
    case FcaDecay::kStepped:
      return Kernel::step(c.zones_s.data(), c.zone_weights.data(),
                          std::min(c.zones_s.size(), c.zone_weights.size()), t,
                          c.zones_closed == ZonesClosed::kLeft);
  }
  return 0.0;
}

double gravity_weight(const AccessConfig& cfg, double t) { return Kernel(cfg).gravity(t); }
double zone_weight(std::span<const double> z, std::span<const double> w, double t) {
  return Kernel::step(z.data(), w.data(), std::min(z.size(), w.size()), t);
}
double gaussian_weight(const AccessConfig& cfg, double t) {
  const Kernel k(cfg);
  return k.in(t) ? k.gauss(t) : 0.0;
}

std::vector<double> AccessResult::values(Measure m) const {
  auto f = [](const std::vector<float>& v) {
    std::vector<double> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<double>(v[i]) / 60.0;  // minutes
    return out;
  };
  switch (m) {
    case Measure::kNearest:
      return f(nearest_s);
    case Measure::kKthNearest:
      return f(kth_nearest_s);
    case Measure::kCumulative:
      return cumulative;
    case Measure::kGravity:
      return gravity;
    case Measure::k2SFCA:
      return sfca2;
    case Measure::kE2SFCA:
      return e2sfca;
    case Measure::kG2SFCA:
      return g2sfca;
    case Measure::k3SFCA:
      return sfca3;
    case Measure::kFca2:
      return fca2;
    case Measure::kBfca:
      return bfca;
    case Measure::kAvailability:
      return availability;
  }
  return {};
}

namespace {
// Inputs every measure needs: sizes that agree, at least one facility, finite non-negative population and
// supply.
void check_access_inputs(TimeView times, std::span<const double> population, std::span<const double> supply,
                         const AccessConfig& cfg, std::span<const std::string> demand_ids) {
  throw_if_problems(validate(cfg), "access");
  const std::size_t D = times.rows(), F = times.cols();
  if (F == 0) throw InputError("", "", "facilities", "no facilities: every measure needs at least one");
  if (population.size() != D)
    throw InputError(
        "", "", "population",
        "has " + std::to_string(population.size()) + " values for " + std::to_string(D) + " matrix rows");
  if (supply.size() != F)
    throw InputError(
        "", "", "supply",
        "has " + std::to_string(supply.size()) + " values for " + std::to_string(F) + " matrix columns");
  for (std::size_t i = 0; i < D; ++i)
    if (!(population[i] >= 0.0) || !std::isfinite(population[i]))
      throw InputError("",
                       i < demand_ids.size() ? "demand point '" + demand_ids[i] + "'"
                                             : "index " + std::to_string(i) + " (from 0)",
                       "population", "must be finite and >= 0, got " + std::to_string(population[i]));
  for (std::size_t j = 0; j < F; ++j)
    if (!(supply[j] >= 0.0) || !std::isfinite(supply[j]))
      throw InputError("", "facility " + std::to_string(j), "supply",
                       "must be finite and >= 0, got " + std::to_string(supply[j]));
}

// Rows per block of the demand sweep: depends on D only, so sums do not depend on the thread count.
std::size_t demand_block(std::size_t D) { return std::max<std::size_t>(64, (D + 255) / 256); }
}  // namespace

std::vector<double> compute_sfca2(TimeView times, std::span<const double> population,
                                  std::span<const double> supply, const AccessConfig& cfg, Context& ctx,
                                  std::span<const std::string> demand_ids) {
  check_access_inputs(times, population, supply, cfg, demand_ids);
  const std::size_t D = times.rows(), F = times.cols();
  const Kernel K(cfg);
  const int threads = ctx.thread_count();
  const std::size_t block = demand_block(D), nblocks = (D + block - 1) / block;
  std::vector<double> part(nblocks * F, 0.0);
  std::vector<std::uint8_t> reached(D, 0);
  parallel_for(nblocks, threads, [&](std::size_t b, int) {
    double* d2 = part.data() + b * F;
    const std::size_t end = std::min(D, (b + 1) * block);
    for (std::size_t i = b * block; i < end; ++i) {
      const float* row = times.data() + i * F;
      bool any = false;
      for (std::size_t j = 0; j < F; ++j) any = any || K.in(row[j]);
      reached[i] = any ? 1 : 0;
      const double P = population[i];
      if (!any || P == 0.0) continue;
      for (std::size_t j = 0; j < F; ++j)
        if (K.in(row[j])) d2[j] += P;
    }
  });
  std::vector<double> R(F, 0.0), dem(F, 0.0);
  for (std::size_t b = 0; b < nblocks; ++b)
    for (std::size_t j = 0; j < F; ++j) dem[j] += part[b * F + j];
  for (std::size_t j = 0; j < F; ++j) R[j] = dem[j] > 0.0 ? supply[j] / dem[j] : 0.0;
  std::vector<double> a(D, 0.0);
  parallel_for(
      D, threads,
      [&](std::size_t i, int) {
        if (!reached[i]) {
          if (cfg.unreached == Unreached::kNull) a[i] = kNaN;
          return;
        }
        const float* row = times.data() + i * F;
        double s = 0.0;
        for (std::size_t j = 0; j < F; ++j)
          if (K.in(row[j])) s += R[j];
        a[i] = s;
      },
      64);
  return a;
}

namespace {

// Step 1 of the floating catchments: each facility's demand (the row blocks' partial sums added in block
// order, so the sums do not depend on the thread count) and its supply-to-demand ratio.
void facility_ratios(const std::vector<double>& part, std::size_t nblocks, std::span<const double> supply,
                     AccessResult& r) {
  const std::size_t F = supply.size();
  const double* S = supply.data();
  auto reduce = [&](std::size_t which, std::vector<double>& out) {
    out.assign(F, 0.0);
    for (std::size_t b = 0; b < nblocks; ++b) {
      const double* p = part.data() + b * 4 * F + which * F;
      for (std::size_t j = 0; j < F; ++j) out[j] += p[j];
    }
  };
  reduce(0, r.demand_2sfca);
  reduce(1, r.demand_e2sfca);
  reduce(2, r.demand_g2sfca);
  reduce(3, r.demand_3sfca);
  auto ratio = [&](const std::vector<double>& dem, std::vector<double>& R) {
    R.assign(F, 0.0);
    for (std::size_t j = 0; j < F; ++j) R[j] = dem[j] > 0.0 ? S[j] / dem[j] : 0.0;
  };
  ratio(r.demand_2sfca, r.ratio_2sfca);
  ratio(r.demand_e2sfca, r.ratio_e2sfca);
  ratio(r.demand_g2sfca, r.ratio_g2sfca);
  ratio(r.demand_3sfca, r.ratio_3sfca);
  for (std::size_t j = 0; j < F; ++j)
    if (!(r.demand_2sfca[j] > 0.0)) r.facilities_without_demand.push_back(static_cast<std::uint32_t>(j));
}

// The FCA family on the fca_decay impedance (fca2, bfca, availability). Sweep C: fixed row blocks, each with
// its partial column sums (c_j, sum P f, sum P f / r, sum P^a f), reduced in block order; sweep D: row-local.
// A point whose row has no positive weight gets 0 (NaN with unreached = null); a column with no weighted
// demand gives nothing (R accessibility would divide by 0).
// Sum of a[j] * w[j] over j < n in four interleaved lanes (j mod 4), combined as (s0 + s1) + (s2 + s3): a
// fixed order whatever the thread count, and four independent addition chains instead of one.
double dot4(const double* a, const double* w, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += a[j] * w[j];
    s1 += a[j + 1] * w[j + 1];
    s2 += a[j + 2] * w[j + 2];
    s3 += a[j + 3] * w[j + 3];
  }
  for (; j < n; ++j) s0 += a[j] * w[j];
  return (s0 + s1) + (s2 + s3);
}

double sum4(const double* w, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += w[j];
    s1 += w[j + 1];
    s2 += w[j + 2];
    s3 += w[j + 3];
  }
  for (; j < n; ++j) s0 += w[j];
  return (s0 + s1) + (s2 + s3);
}

// fca2, bfca and spatial availability in two passes over the matrix. The weights of a row are filled once per
// pass (binary: a branch-free comparison; other impedances: fca_weight), and kept between the passes in one D
// x F buffer when it holds at most 2^24 weights (128 MB), so the second pass of an exponential / logistic
// impedance does not recompute them. Row sums use dot4 / sum4: deterministic for any thread count.
void fca_family(TimeView times, std::span<const double> population, std::span<const double> supply,
                const AccessConfig& cfg, int threads, AccessResult& r) {
  const std::size_t D = times.rows(), F = times.cols();
  const std::size_t block = demand_block(D), nblocks = (D + block - 1) / block;
  const double alpha = cfg.availability_alpha;
  auto pa = [&](double P) { return alpha == 1.0 ? P : std::pow(P, alpha); };
  const bool binary = cfg.fca_decay == FcaDecay::kBinary;
  const bool inclusive = cfg.catchment == Catchment::kInclusive;
  const double T = cfg.cutoff_s;
  auto fill = [&](const float* row, double* w) {
    if (binary && inclusive) {
      for (std::size_t j = 0; j < F; ++j) w[j] = static_cast<double>(row[j]) <= T ? 1.0 : 0.0;
    } else if (binary) {
      for (std::size_t j = 0; j < F; ++j) w[j] = static_cast<double>(row[j]) < T ? 1.0 : 0.0;
    } else {
      for (std::size_t j = 0; j < F; ++j) w[j] = fca_weight(cfg, row[j]);
    }
  };
  const bool keep = !binary && D * F <= (std::size_t{1} << 24);
  std::vector<double> W(keep ? D * F : 0);
  std::vector<double> part(nblocks * 4 * F, 0.0), rowsum(D, 0.0);
  std::vector<std::vector<double>> wbuf(static_cast<std::size_t>(std::max(threads, 1)),
                                        std::vector<double>(keep ? 0 : F));
  parallel_for(nblocks, threads, [&](std::size_t b, int t) {
    double* c = part.data() + b * 4 * F;
    double* d2 = c + F;
    double* dB = d2 + F;
    double* dA = dB + F;
    for (std::size_t i = b * block, end = std::min(D, (b + 1) * block); i < end; ++i) {
      double* w = keep ? W.data() + i * F : wbuf[static_cast<std::size_t>(t)].data();
      fill(times.data() + i * F, w);
      const double ri = sum4(w, F);
      rowsum[i] = ri;
      if (!(ri > 0.0)) continue;
      const double P = population[i], PA = pa(P), Pr = P / ri;
      for (std::size_t j = 0; j < F; ++j) {
        const double f = w[j];
        c[j] += f;
        d2[j] += P * f;
        dB[j] += Pr * f;
        dA[j] += PA * f;
      }
    }
  });
  std::vector<double> c(F, 0.0), R2(F, 0.0), RB(F, 0.0), RA(F, 0.0);
  {
    std::vector<double> d2(F, 0.0), dB(F, 0.0), dA(F, 0.0);
    for (std::size_t b = 0; b < nblocks; ++b) {
      const double* p = part.data() + b * 4 * F;
      for (std::size_t j = 0; j < F; ++j) {
        c[j] += p[j];
        d2[j] += p[F + j];
        dB[j] += p[2 * F + j];
        dA[j] += p[3 * F + j];
      }
    }
    const double* S = supply.data();
    for (std::size_t j = 0; j < F; ++j) {
      R2[j] = d2[j] > 0.0 ? S[j] / d2[j] : 0.0;
      RB[j] = dB[j] > 0.0 && c[j] > 0.0 ? S[j] / dB[j] / c[j] : 0.0;
      RA[j] = dA[j] > 0.0 ? S[j] / dA[j] : 0.0;
    }
  }
  r.fca2.assign(D, 0.0);
  r.bfca.assign(D, 0.0);
  r.availability.assign(D, 0.0);
  parallel_for(
      D, threads,
      [&](std::size_t i, int t) {
        if (!(rowsum[i] > 0.0)) {
          if (cfg.unreached == Unreached::kNull) r.fca2[i] = r.bfca[i] = r.availability[i] = kNaN;
          return;
        }
        const double* w;
        if (keep) {
          w = W.data() + i * F;
        } else {
          double* buf = wbuf[static_cast<std::size_t>(t)].data();
          fill(times.data() + i * F, buf);
          w = buf;
        }
        r.fca2[i] = dot4(R2.data(), w, F);
        r.bfca[i] = dot4(RB.data(), w, F);
        r.availability[i] = pa(population[i]) * dot4(RA.data(), w, F);
      },
      64);
}

}  // namespace

AccessResult compute_access(TimeView times, std::span<const double> population,
                            std::span<const double> supply, const AccessConfig& cfg, Context& ctx,
                            std::span<const std::string> demand_ids) {
  check_access_inputs(times, population, supply, cfg, demand_ids);
  const std::size_t D = times.rows(), F = times.cols();
  const Kernel K(cfg);
  const int threads = ctx.thread_count();
  const std::size_t kk = static_cast<std::size_t>(cfg.k);
  AccessResult r;
  r.nearest_s.assign(D, kUnreachable);
  r.kth_nearest_s.assign(D, kUnreachable);
  r.nearest_facility.assign(D, kNone);
  r.cumulative.assign(D, 0.0);
  r.gravity.assign(D, 0.0);
  r.sfca2.assign(D, 0.0);
  r.e2sfca.assign(D, 0.0);
  r.g2sfca.assign(D, 0.0);
  r.sfca3.assign(D, 0.0);
  r.supply.assign(supply.begin(), supply.end());
  std::vector<double> denom3(D, 0.0);
  std::vector<std::uint8_t> reached(D, 0);

  // Sweep A: fixed row blocks (depend on D only) with their own partial demand sums.
  const std::size_t block = demand_block(D);
  const std::size_t nblocks = (D + block - 1) / block;
  std::vector<double> part(nblocks * 4 * F, 0.0);
  std::vector<std::vector<float>> kbuf(static_cast<std::size_t>(std::max(threads, 1)),
                                       std::vector<float>(kk));
  const double* S = supply.data();
  parallel_for(nblocks, threads, [&](std::size_t b, int t) {
    double* d2 = part.data() + b * 4 * F;
    double* dE = d2 + F;
    double* dG = dE + F;
    double* d3 = dG + F;
    std::vector<float>& top = kbuf[static_cast<std::size_t>(t)];
    const std::size_t end = std::min(D, (b + 1) * block);
    for (std::size_t i = b * block; i < end; ++i) {
      const float* row = times.data() + i * F;
      const double P = population[i];
      std::fill(top.begin(), top.end(), kUnreachable);
      float best = kUnreachable;
      std::uint32_t best_j = kNone;
      double cum = 0.0, grav = 0.0, wsum3 = 0.0;
      bool any = false;
      for (std::size_t j = 0; j < F; ++j) {
        const float df = row[j];
        if (df < top[kk - 1]) {  // insertion into the k smallest
          std::size_t p = kk - 1;
          while (p > 0 && top[p - 1] > df) {
            top[p] = top[p - 1];
            --p;
          }
          top[p] = df;
        }
        if (df < best) {
          best = df;
          best_j = static_cast<std::uint32_t>(j);
        }
        const double d = df;
        const bool in = K.in(d);
        if (in) {
          cum += S[j];
          any = true;
        }
        if (!K.grav_cut || in) grav += S[j] * K.gravity(d);
        if (K.base_all) {
          if (std::isfinite(d)) wsum3 += K.zone3(d);
        } else if (in)
          wsum3 += K.zone3(d);
      }
      r.nearest_s[i] = best;
      r.nearest_facility[i] = best_j;
      r.kth_nearest_s[i] = top[kk - 1];
      r.cumulative[i] = cum;
      r.gravity[i] = grav;
      denom3[i] = wsum3;
      reached[i] = any ? 1 : 0;
      if (!any || P == 0.0) continue;
      const double inv3 = wsum3 > 0.0 ? 1.0 / wsum3 : 0.0;
      for (std::size_t j = 0; j < F; ++j) {
        const double d = row[j];
        if (!K.in(d)) continue;
        d2[j] += P;
        dE[j] += P * K.zone(d);
        dG[j] += P * K.gauss(d);
        const double w = K.zone3(d);
        d3[j] += P * w * w * inv3;
      }
    }
  });
  ctx.report("access", 0.5);

  facility_ratios(part, nblocks, supply, r);

  // Sweep B: step 2, row-local.
  const double* R2 = r.ratio_2sfca.data();
  const double* RE = r.ratio_e2sfca.data();
  const double* RG = r.ratio_g2sfca.data();
  const double* R3 = r.ratio_3sfca.data();
  parallel_for(
      D, threads,
      [&](std::size_t i, int) {
        if (!reached[i]) return;
        const float* row = times.data() + i * F;
        const double inv3 = denom3[i] > 0.0 ? 1.0 / denom3[i] : 0.0;
        double a2 = 0.0, aE = 0.0, aG = 0.0, a3 = 0.0;
        for (std::size_t j = 0; j < F; ++j) {
          const double d = row[j];
          if (!K.in(d)) continue;
          a2 += R2[j];
          aE += RE[j] * K.zone(d);
          aG += RG[j] * K.gauss(d);
          const double w = K.zone3(d);
          a3 += R3[j] * w * w * inv3;
        }
        r.sfca2[i] = a2;
        r.e2sfca[i] = aE;
        r.g2sfca[i] = aG;
        r.sfca3[i] = a3;
      },
      64);
  fca_family(times, population, supply, cfg, threads, r);
  for (std::size_t i = 0; i < D; ++i) {
    if (reached[i]) continue;
    r.demand_unreached.push_back(static_cast<std::uint32_t>(i));
    if (cfg.unreached == Unreached::kNull) {
      r.cumulative[i] = r.sfca2[i] = r.e2sfca[i] = r.g2sfca[i] = r.sfca3[i] = kNaN;
      if (cfg.gravity_cut) r.gravity[i] = kNaN;
    }
  }
  ctx.report("access", 1.0);
  return r;
}

FcaResult compute_fca(TimeView times, std::span<const double> population, std::span<const double> supply,
                      const AccessConfig& cfg, Context& ctx, std::span<const std::string> demand_ids) {
  check_access_inputs(times, population, supply, cfg, demand_ids);
  AccessResult r;
  fca_family(times, population, supply, cfg, ctx.thread_count(), r);
  return {std::move(r.fca2), std::move(r.bfca), std::move(r.availability)};
}

std::vector<GroupStats> aggregate_by_group(std::span<const double> values, std::span<const double> population,
                                           std::span<const int> group, std::size_t n_groups) {
  std::vector<GroupStats> g(n_groups);
  std::vector<double> sum(n_groups, 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int k = group[i];
    if (k < 0 || static_cast<std::size_t>(k) >= n_groups) continue;
    auto& s = g[static_cast<std::size_t>(k)];
    s.population += population[i];
    ++s.points;
    if (std::isfinite(values[i])) {
      s.reached_population += population[i];
      sum[static_cast<std::size_t>(k)] += population[i] * values[i];
    }
  }
  for (std::size_t k = 0; k < n_groups; ++k)
    g[k].mean = g[k].reached_population > 0.0 ? sum[k] / g[k].reached_population : kNaN;
  return g;
}

}  // namespace cs::access
