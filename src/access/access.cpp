// Accessibility measures over a demand x facility matrix. Two sweeps over the matrix, both cache-friendly
// (row by row, the facility row stays in L1): sweep A computes every row-local measure and the per-facility
// demand sums of the floating-catchment step 1 into per-block partial sums (fixed blocks of rows, reduced in
// block order, so results are identical for any thread count); sweep B computes step 2 row by row.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
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
//
// The row kernels below are compiled for AVX-512, AVX2 and the baseline, chosen at load time (no FMA is
// enabled and every sum has a fixed order, so every clone gives the same bits). A row's sum and its dot
// products run in 64 interleaved lanes (lane = j mod 64), folded in halves (32, 16, ..., 1): a fixed order
// whatever the thread count, the clone or the matrix's storage (dense or coded), and 32 independent chains.
// Not under ThreadSanitizer (see src/assess/scoring.cpp: the ifunc resolver runs before TSan's runtime).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__SANITIZE_THREAD__)
#define CS_FCA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CS_FCA_CLONES
#endif

constexpr std::size_t kLanes = 64;

double fold_lanes(double* s) {
  for (std::size_t h = kLanes / 2; h > 0; h /= 2)
    for (std::size_t k = 0; k < h; ++k) s[k] += s[k + h];
  return s[0];
}

// sum_j a[j] * w[j] (a = nullptr: sum_j w[j]) in the 32-lane order.
CS_FCA_CLONES double lane_dot(const double* a, const double* w, std::size_t n) {
  double s[kLanes] = {};
  std::size_t j = 0;
  if (a) {
    for (; j + kLanes <= n; j += kLanes)
      for (std::size_t k = 0; k < kLanes; ++k) {
        const double x = a[j + k] * w[j + k];
        s[k] += x;
      }
    for (std::size_t k = 0; j + k < n; ++k) {
      const double x = a[j + k] * w[j + k];
      s[k] += x;
    }
  } else {
    for (; j + kLanes <= n; j += kLanes)
      for (std::size_t k = 0; k < kLanes; ++k) s[k] += w[j + k];
    for (std::size_t k = 0; j + k < n; ++k) s[k] += w[j + k];
  }
  return fold_lanes(s);
}

// Column sums of one row: c += w, d2 += P w, dB += (P / r) w, dA += P^a w (each only when not null).
CS_FCA_CLONES void add_row(const double* w, std::size_t n, double* c, double* d2, double* dB, double* dA,
                           double P, double Pr, double PA) {
  if (c)
    for (std::size_t j = 0; j < n; ++j) c[j] += w[j];
  if (d2)
    for (std::size_t j = 0; j < n; ++j) {
      const double x = P * w[j];
      d2[j] += x;
    }
  if (dB)
    for (std::size_t j = 0; j < n; ++j) {
      const double x = Pr * w[j];
      dB[j] += x;
    }
  if (dA)
    for (std::size_t j = 0; j < n; ++j) {
      const double x = PA * w[j];
      dA[j] += x;
    }
}

// A row's weights from a dense row of times: binary (t <= T or t < T) or any impedance through fca_weight.
CS_FCA_CLONES void fill_cut(const float* t, std::size_t n, double T, bool inclusive, double* w) {
  if (inclusive)
    for (std::size_t j = 0; j < n; ++j) w[j] = static_cast<double>(t[j]) <= T ? 1.0 : 0.0;
  else
    for (std::size_t j = 0; j < n; ++j) w[j] = static_cast<double>(t[j]) < T ? 1.0 : 0.0;
}

// A row's weights from a coded row: w = table[code] (the impedance of each distinct time), or, for a cutoff,
// 1 where code < ncut (the distinct times are sorted, so the times in reach are the codes below ncut).
CS_FCA_CLONES void fill_table(const std::uint8_t* code, std::size_t n, const double* table, double* w) {
  for (std::size_t j = 0; j < n; ++j) w[j] = table[code[j]];
}
CS_FCA_CLONES void fill_table(const std::uint16_t* code, std::size_t n, const double* table, double* w) {
  for (std::size_t j = 0; j < n; ++j) w[j] = table[code[j]];
}
CS_FCA_CLONES void fill_below(const std::uint8_t* code, std::size_t n, std::uint8_t ncut, double* w) {
  for (std::size_t j = 0; j < n; ++j) w[j] = code[j] < ncut ? 1.0 : 0.0;
}
CS_FCA_CLONES void fill_below(const std::uint16_t* code, std::size_t n, std::uint16_t ncut, double* w) {
  for (std::size_t j = 0; j < n; ++j) w[j] = code[j] < ncut ? 1.0 : 0.0;
}

// Per-thread scratch of the passes: a row's weights (or, on the AVX-512 binary path, its in-reach bitmask).
struct RowBuf {
  double* w = nullptr;
  std::vector<double> own;
  std::vector<double> coef;           // AVX-512: a block's P, P / r, P^a,
  std::vector<double> block;          // its weights (a table),
  std::vector<std::uint32_t> active;  // its rows with a sum > 0
};

// The rows' weights of a dense matrix (every impedance but binary evaluated per pair). fill() returns the
// row's sum; add() adds the row to the column sums; dot() is sum_j a_j w_ij.
struct DenseRows {
  const float* t;
  std::size_t F;
  const AccessConfig* cfg;
  bool binary, inclusive;
  static constexpr bool kCostly = true;  // non-binary weights cost a std::exp per pair: keep them
  double fill(std::size_t i, RowBuf& b) const {
    const float* row = t + i * F;
    if (binary)
      fill_cut(row, F, cfg->cutoff_s, inclusive, b.w);
    else
      for (std::size_t j = 0; j < F; ++j) b.w[j] = fca_weight(*cfg, row[j]);
    return lane_dot(nullptr, b.w, F);
  }
  void add(const RowBuf& b, double* c, double* d2, double* dB, double* dA, double P, double Pr,
           double PA) const {
    add_row(b.w, F, c, d2, dB, dA, P, Pr, PA);
  }
  double dot(const RowBuf& b, const double* a) const { return lane_dot(a, b.w, F); }
};

std::atomic<bool> g_fca_portable{false};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CS_FCA_AVX512 1
#define CS_AVX512_FN __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,popcnt")))
}  // namespace
}  // namespace cs::access
#include <immintrin.h>
namespace cs::access {
namespace {

// AVX-512 kernels of a coded row (the same operations in the same order as the portable ones: the same bits).
// Codes of a row, 8 at a time, as int32 lanes; n - j < 8 reads only the first n - j.
CS_AVX512_FN __m256i codes8(const std::uint8_t* p, std::size_t left) {
  const __m128i v = left >= 8 ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))
                              : _mm_maskz_loadu_epi8(static_cast<__mmask16>((1u << left) - 1), p);
  return _mm256_cvtepu8_epi32(v);
}
CS_AVX512_FN __m256i codes8(const std::uint16_t* p, std::size_t left) {
  const __m128i v = left >= 8 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p))
                              : _mm_maskz_loadu_epi16(static_cast<__mmask8>((1u << left) - 1), p);
  return _mm256_cvtepu16_epi32(v);
}
constexpr std::size_t kAcc =
    kLanes / 8;  // zmm accumulators: lane j mod 64 is element j mod 8 of acc (j / 8) mod 8
// fold_lanes on the accumulators: the same additions (s_k += s_{k+h}, h = 32, 16, ..., 1), as vectors.
CS_AVX512_FN double fold_acc(const __m512d* acc) {
  const __m512d a0 = _mm512_add_pd(acc[0], acc[4]), a1 = _mm512_add_pd(acc[1], acc[5]);  // h = 32
  const __m512d a2 = _mm512_add_pd(acc[2], acc[6]), a3 = _mm512_add_pd(acc[3], acc[7]);
  const __m512d b0 = _mm512_add_pd(a0, a2), b1 = _mm512_add_pd(a1, a3);  // h = 16
  alignas(64) double s[8];
  _mm512_store_pd(s, _mm512_add_pd(b0, b1));  // h = 8
  for (std::size_t h = 4; h > 0; h /= 2)
    for (std::size_t k = 0; k < h; ++k) s[k] += s[k + h];
  return s[0];
}
// w_j = table[code_j] (a gather), returns the lane sum of w.
template <class C>
CS_AVX512_FN double gather_row(const C* code, std::size_t n, const double* table, double* w) {
  __m512d acc[kAcc];
  for (__m512d& x : acc) x = _mm512_setzero_pd();
  std::size_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (std::size_t k = 0; k < kAcc; ++k) {
      const __m512d x = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), static_cast<__mmask8>(0xFF),
                                                 codes8(code + j + 8 * k, 8), table, 8);
      _mm512_storeu_pd(w + j + 8 * k, x);
      acc[k] = _mm512_add_pd(acc[k], x);
    }
  for (std::size_t k = 0; k < kAcc; ++k) {
    const std::size_t jk = j + 8 * k;
    if (jk >= n) break;
    const std::size_t left = n - jk;
    const __mmask8 m = left >= 8 ? static_cast<__mmask8>(0xFF) : static_cast<__mmask8>((1u << left) - 1);
    const __m512d x = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, codes8(code + jk, left), table, 8);
    _mm512_mask_storeu_pd(w + jk, m, x);
    acc[k] = _mm512_add_pd(acc[k], x);
  }
  return fold_acc(acc);
}
// Bitmask of code < ncut (bit j of the row), returns the count (the row sum of a binary impedance: exact).
CS_AVX512_FN std::size_t mask_row(const std::uint8_t* code, std::size_t n, std::uint8_t ncut,
                                  std::uint64_t* mask) {
  const __m512i cut = _mm512_set1_epi8(static_cast<char>(ncut));
  std::size_t count = 0;
  std::size_t j = 0, q = 0;
  for (; j + 64 <= n; j += 64, ++q) {
    const std::uint64_t m = _cvtmask64_u64(_mm512_cmplt_epu8_mask(_mm512_loadu_si512(code + j), cut));
    mask[q] = m;
    count += static_cast<std::size_t>(_mm_popcnt_u64(m));
  }
  if (j < n) {  // the last, partial word (the bits past n stay 0)
    const __mmask64 in = _cvtu64_mask64((std::uint64_t{1} << (n - j)) - 1);
    const std::uint64_t m =
        _cvtmask64_u64(_mm512_mask_cmplt_epu8_mask(in, _mm512_maskz_loadu_epi8(in, code + j), cut));
    mask[q] = m;
    count += static_cast<std::size_t>(_mm_popcnt_u64(m));
  }
  return count;
}
CS_AVX512_FN std::size_t mask_row(const std::uint16_t* code, std::size_t n, std::uint16_t ncut,
                                  std::uint64_t* mask) {
  const __m512i cut = _mm512_set1_epi16(static_cast<short>(ncut));
  std::size_t count = 0;
  for (std::size_t j = 0, q = 0; j < n; j += 64, ++q) {
    std::uint64_t bits = 0;
    for (std::size_t h = 0; h < 2 && j + 32 * h < n; ++h) {
      const std::size_t left = n - j - 32 * h;
      const __mmask32 in =
          left >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((std::uint64_t{1} << left) - 1);
      const __mmask32 m =
          _mm512_mask_cmplt_epu16_mask(in, _mm512_maskz_loadu_epi16(in, code + j + 32 * h), cut);
      bits |= static_cast<std::uint64_t>(m) << (32 * h);
    }
    mask[q] = bits;
    count += static_cast<std::size_t>(_mm_popcnt_u64(bits));
  }
  return count;
}
// The column sums of a block of binary rows (row r's bitmask at mask + r * words): for each column, x_j +=
// v_r over the rows r whose bit j is set, in row order (= x_j += v_r * 1 for every row, as the portable
// kernels do: the others add v_r * 0 = 0). Column-major over the block: 32 columns' sums stay in registers
// while the rows go by. Arrays: c (v = 1), d2 (v = P), dB (v = P / r), dA (v = P^a); kC etc. say which are
// wanted.
template <bool kC, bool kD2, bool kB, bool kA>
CS_AVX512_FN void mask_block_add(const std::uint64_t* mask, std::size_t words, std::size_t nrows,
                                 std::size_t n, const double* P, const double* Pr, const double* PA,
                                 double* c, double* d2, double* dB, double* dA) {
  const std::uint8_t* mb = reinterpret_cast<const std::uint8_t*>(mask);
  const std::size_t stride = words * 8;  // mask bytes per row
  const __m512d one = _mm512_set1_pd(1.0);
  for (std::size_t j0 = 0; j0 < n; j0 += 32) {
    __mmask8 lim[4];
    for (std::size_t k = 0; k < 4; ++k) {
      const std::size_t j = j0 + 8 * k;
      lim[k] = j >= n       ? 0
               : n - j >= 8 ? static_cast<__mmask8>(0xFF)
                            : static_cast<__mmask8>((1u << (n - j)) - 1);
    }
    __m512d ac[4], a2[4], aB[4], aA[4];
    for (std::size_t k = 0; k < 4; ++k) {
      if (kC) ac[k] = _mm512_maskz_loadu_pd(lim[k], c + j0 + 8 * k);
      if (kD2) a2[k] = _mm512_maskz_loadu_pd(lim[k], d2 + j0 + 8 * k);
      if (kB) aB[k] = _mm512_maskz_loadu_pd(lim[k], dB + j0 + 8 * k);
      if (kA) aA[k] = _mm512_maskz_loadu_pd(lim[k], dA + j0 + 8 * k);
    }
    const std::size_t q0 = j0 / 8;
    for (std::size_t r = 0; r < nrows; ++r) {
      const std::uint8_t* m = mb + r * stride + q0;
      const __m512d vP = _mm512_set1_pd(P[r]), vB = _mm512_set1_pd(Pr[r]), vA = _mm512_set1_pd(PA[r]);
      for (std::size_t k = 0; k < 4; ++k) {
        const __mmask8 mk = static_cast<__mmask8>(m[k] & lim[k]);
        if (kC) ac[k] = _mm512_mask_add_pd(ac[k], mk, ac[k], one);
        if (kD2) a2[k] = _mm512_mask_add_pd(a2[k], mk, a2[k], vP);
        if (kB) aB[k] = _mm512_mask_add_pd(aB[k], mk, aB[k], vB);
        if (kA) aA[k] = _mm512_mask_add_pd(aA[k], mk, aA[k], vA);
      }
    }
    for (std::size_t k = 0; k < 4; ++k) {
      if (kC) _mm512_mask_storeu_pd(c + j0 + 8 * k, lim[k], ac[k]);
      if (kD2) _mm512_mask_storeu_pd(d2 + j0 + 8 * k, lim[k], a2[k]);
      if (kB) _mm512_mask_storeu_pd(dB + j0 + 8 * k, lim[k], aB[k]);
      if (kA) _mm512_mask_storeu_pd(dA + j0 + 8 * k, lim[k], aA[k]);
    }
  }
}
using MaskBlockAdd = void (*)(const std::uint64_t*, std::size_t, std::size_t, std::size_t, const double*,
                              const double*, const double*, double*, double*, double*, double*);
template <unsigned W>
constexpr MaskBlockAdd mask_block_add_for() {
  return &mask_block_add<(W & 1) != 0, (W & 2) != 0, (W & 4) != 0, (W & 8) != 0>;
}
// The kernel for the wanted arrays (bit 0: c, 1: d2, 2: dB, 3: dA).
MaskBlockAdd mask_block_adder(unsigned which) {
  static constexpr MaskBlockAdd kTable[16] = {
      mask_block_add_for<0>(),  mask_block_add_for<1>(),  mask_block_add_for<2>(),  mask_block_add_for<3>(),
      mask_block_add_for<4>(),  mask_block_add_for<5>(),  mask_block_add_for<6>(),  mask_block_add_for<7>(),
      mask_block_add_for<8>(),  mask_block_add_for<9>(),  mask_block_add_for<10>(), mask_block_add_for<11>(),
      mask_block_add_for<12>(), mask_block_add_for<13>(), mask_block_add_for<14>(), mask_block_add_for<15>()};
  return kTable[which & 15];
}
// The column sums of a block of rows of weights (row r at w + rows[r] * n; the rows whose sum is > 0), in row
// order: x_j += v_r * w_rj, as add_row does (a product, then a sum; no FMA), 32 columns in registers.
template <bool kC, bool kD2, bool kB, bool kA>
CS_AVX512_FN void table_block_add(const double* w, const std::uint32_t* rows, std::size_t nrows,
                                  std::size_t n, const double* P, const double* Pr, const double* PA,
                                  double* c, double* d2, double* dB, double* dA) {
  for (std::size_t j0 = 0; j0 < n; j0 += 32) {
    __mmask8 lim[4];
    for (std::size_t k = 0; k < 4; ++k) {
      const std::size_t j = j0 + 8 * k;
      lim[k] = j >= n       ? 0
               : n - j >= 8 ? static_cast<__mmask8>(0xFF)
                            : static_cast<__mmask8>((1u << (n - j)) - 1);
    }
    __m512d ac[4], a2[4], aB[4], aA[4];
    for (std::size_t k = 0; k < 4; ++k) {
      if (kC) ac[k] = _mm512_maskz_loadu_pd(lim[k], c + j0 + 8 * k);
      if (kD2) a2[k] = _mm512_maskz_loadu_pd(lim[k], d2 + j0 + 8 * k);
      if (kB) aB[k] = _mm512_maskz_loadu_pd(lim[k], dB + j0 + 8 * k);
      if (kA) aA[k] = _mm512_maskz_loadu_pd(lim[k], dA + j0 + 8 * k);
    }
    for (std::size_t q = 0; q < nrows; ++q) {
      const std::size_t r = rows[q];
      const double* wr = w + r * n + j0;
      const __m512d vP = _mm512_set1_pd(P[r]), vB = _mm512_set1_pd(Pr[r]), vA = _mm512_set1_pd(PA[r]);
      for (std::size_t k = 0; k < 4; ++k) {
        const __m512d x = _mm512_maskz_loadu_pd(lim[k], wr + 8 * k);
        if (kC) ac[k] = _mm512_add_pd(ac[k], x);
        if (kD2) a2[k] = _mm512_add_pd(a2[k], _mm512_mul_pd(vP, x));
        if (kB) aB[k] = _mm512_add_pd(aB[k], _mm512_mul_pd(vB, x));
        if (kA) aA[k] = _mm512_add_pd(aA[k], _mm512_mul_pd(vA, x));
      }
    }
    for (std::size_t k = 0; k < 4; ++k) {
      if (kC) _mm512_mask_storeu_pd(c + j0 + 8 * k, lim[k], ac[k]);
      if (kD2) _mm512_mask_storeu_pd(d2 + j0 + 8 * k, lim[k], a2[k]);
      if (kB) _mm512_mask_storeu_pd(dB + j0 + 8 * k, lim[k], aB[k]);
      if (kA) _mm512_mask_storeu_pd(dA + j0 + 8 * k, lim[k], aA[k]);
    }
  }
}
using TableBlockAdd = void (*)(const double*, const std::uint32_t*, std::size_t, std::size_t, const double*,
                               const double*, const double*, double*, double*, double*, double*);
template <unsigned W>
constexpr TableBlockAdd table_block_add_for() {
  return &table_block_add<(W & 1) != 0, (W & 2) != 0, (W & 4) != 0, (W & 8) != 0>;
}
TableBlockAdd table_block_adder(unsigned which) {
  static constexpr TableBlockAdd kTable[16] = {
      table_block_add_for<0>(),  table_block_add_for<1>(),  table_block_add_for<2>(),
      table_block_add_for<3>(),  table_block_add_for<4>(),  table_block_add_for<5>(),
      table_block_add_for<6>(),  table_block_add_for<7>(),  table_block_add_for<8>(),
      table_block_add_for<9>(),  table_block_add_for<10>(), table_block_add_for<11>(),
      table_block_add_for<12>(), table_block_add_for<13>(), table_block_add_for<14>(),
      table_block_add_for<15>()};
  return kTable[which & 15];
}
// sum_j a_j table[code_j] in the lane order (the gather and lane_dot's product and sum, without storing w).
template <class C>
CS_AVX512_FN double gather_dot(const C* code, std::size_t n, const double* table, const double* a) {
  __m512d acc[kAcc];
  for (__m512d& x : acc) x = _mm512_setzero_pd();
  std::size_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (std::size_t k = 0; k < kAcc; ++k) {
      const __m512d x = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), static_cast<__mmask8>(0xFF),
                                                 codes8(code + j + 8 * k, 8), table, 8);
      acc[k] = _mm512_add_pd(acc[k], _mm512_mul_pd(_mm512_loadu_pd(a + j + 8 * k), x));
    }
  for (std::size_t k = 0; k < kAcc; ++k) {
    const std::size_t jk = j + 8 * k;
    if (jk >= n) break;
    const std::size_t left = n - jk;
    const __mmask8 m = left >= 8 ? static_cast<__mmask8>(0xFF) : static_cast<__mmask8>((1u << left) - 1);
    const __m512d x = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, codes8(code + jk, left), table, 8);
    acc[k] = _mm512_add_pd(acc[k], _mm512_mul_pd(_mm512_maskz_loadu_pd(m, a + jk), x));
  }
  return fold_acc(acc);
}
// sum_j a_j [bit j] in the lane order.
CS_AVX512_FN double mask_dot(const std::uint64_t* mask, std::size_t n, const double* a) {
  const std::uint8_t* mb = reinterpret_cast<const std::uint8_t*>(mask);
  __m512d acc[kAcc];
  for (__m512d& x : acc) x = _mm512_setzero_pd();
  std::size_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (std::size_t k = 0; k < kAcc; ++k)
      acc[k] = _mm512_mask_add_pd(acc[k], mb[j / 8 + k], acc[k], _mm512_loadu_pd(a + j + 8 * k));
  for (std::size_t k = 0; k < kAcc; ++k) {
    const std::size_t jk = j + 8 * k;
    if (jk >= n) break;
    const __mmask8 m = mb[jk / 8];  // bits beyond n are 0
    acc[k] = _mm512_mask_add_pd(acc[k], m, acc[k], _mm512_maskz_loadu_pd(m, a + jk));
  }
  return fold_acc(acc);
}
bool has_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  return yes;
}
#else
#define CS_FCA_AVX512 0
#endif

// The rows of a coded matrix: w = table[code] (the impedance of each distinct time), or, for a cutoff, 1
// where code < ncut (the distinct times are sorted, so the times in reach are the codes below ncut). With
// AVX-512 a cutoff works on the row's bitmask (no weights written) and a table on gathers.
template <class C>
struct CodedRows {
  const C* code;
  std::size_t F;
  const double* table;
  bool cut;  // binary: compare codes with ncut
  C ncut;
  bool simd;  // the AVX-512 kernels
  // 8-bit codes: below[j * stride + k] = the number of rows whose code in column j is < k (so a cutoff's
  // column sums c_j are read, not added up: the same integers).
  const std::uint32_t* below = nullptr;
  std::size_t stride = 0;
  bool counts() const { return simd && cut && below; }
  void column_counts(double* c) const {
    for (std::size_t j = 0; j < F; ++j) c[j] = static_cast<double>(below[j * stride + ncut]);
  }
  static constexpr bool kCostly = false;
  double fill(std::size_t i, RowBuf& b) const {
    const C* row = code + i * F;
#if CS_FCA_AVX512
    if (simd && !cut) return gather_row(row, F, table, b.w);  // (a cutoff goes by block)
#endif
    if (cut)
      fill_below(row, F, ncut, b.w);
    else
      fill_table(row, F, table, b.w);
    return lane_dot(nullptr, b.w, F);
  }
  void add(const RowBuf& b, double* c, double* d2, double* dB, double* dA, double P, double Pr,
           double PA) const {
    add_row(b.w, F, c, d2, dB, dA, P, Pr, PA);
  }
  double dot(const RowBuf& b, const double* a) const { return lane_dot(a, b.w, F); }
  // AVX-512 cutoff only: a whole block of rows at once (their bitmasks into masks, words per row, their
  // row sums, then the column sums), and the dot products on a row's bitmask.
  bool by_block() const { return simd; }
  void add_block(std::size_t i0, std::size_t i1, RowBuf& b, std::uint64_t* masks, std::size_t words,
                 double* rowsum, const double* population, double (*pa)(double, double), double alpha,
                 double* c, double* d2, double* dB, double* dA) const {
#if CS_FCA_AVX512
    const std::size_t nr = i1 - i0;
    b.coef.resize(3 * nr);
    double *P = b.coef.data(), *Pr = P + nr, *PA = Pr + nr;
    const unsigned which = (c ? 1u : 0u) | (d2 ? 2u : 0u) | (dB ? 4u : 0u) | (dA ? 8u : 0u);
    if (!cut) {  // the block's weights (gathers), their row sums, then the column sums of the rows with sum >
                 // 0
      b.block.resize(nr * F);
      b.active.clear();
      for (std::size_t i = i0; i < i1; ++i) {
        const std::size_t r = i - i0;
        const double ri = gather_row(code + i * F, F, table, b.block.data() + r * F);
        rowsum[i] = ri;
        P[r] = population[i];
        Pr[r] = ri > 0.0 ? P[r] / ri : 0.0;
        PA[r] = dA ? pa(P[r], alpha) : 0.0;
        if (ri > 0.0) b.active.push_back(static_cast<std::uint32_t>(r));
      }
      table_block_adder(which)(b.block.data(), b.active.data(), b.active.size(), F, P, Pr, PA, c, d2, dB, dA);
      return;
    }
    for (std::size_t i = i0; i < i1; ++i) {
      const std::size_t r = i - i0;
      const double ri = static_cast<double>(mask_row(code + i * F, F, ncut, masks + i * words));
      rowsum[i] = ri;
      P[r] = population[i];
      Pr[r] = ri > 0.0 ? P[r] / ri : 0.0;  // a row with no bit adds nothing
      PA[r] = dA ? pa(P[r], alpha) : 0.0;
    }
    mask_block_adder(which)(masks + i0 * words, words, nr, F, P, Pr, PA, c, d2, dB, dA);
#else
    (void)i0, (void)i1, (void)b, (void)masks, (void)words, (void)rowsum, (void)population, (void)pa,
        (void)alpha, (void)c, (void)d2, (void)dB, (void)dA;
#endif
  }
  // Pass 2 (by block): row i's dot products with a2, aB, aA (those not null) into o2, oB, oA.
  void dots(std::size_t i, const std::uint64_t* mask, RowBuf& b, const double* a2, const double* aB,
            const double* aA, double* o2, double* oB, double* oA) const {
#if CS_FCA_AVX512
    if (cut) {
      if (a2) *o2 = mask_dot(mask, F, a2);
      if (aB) *oB = mask_dot(mask, F, aB);
      if (aA) *oA = mask_dot(mask, F, aA);
      return;
    }
    const C* row = code + i * F;
    if ((a2 ? 1 : 0) + (aB ? 1 : 0) + (aA ? 1 : 0) == 1) {  // one measure: gather and multiply at once
      if (a2) *o2 = gather_dot(row, F, table, a2);
      if (aB) *oB = gather_dot(row, F, table, aB);
      if (aA) *oA = gather_dot(row, F, table, aA);
      return;
    }
    b.own.resize(F);
    gather_row(row, F, table, b.own.data());
    if (a2) *o2 = lane_dot(a2, b.own.data(), F);
    if (aB) *oB = lane_dot(aB, b.own.data(), F);
    if (aA) *oA = lane_dot(aA, b.own.data(), F);
#else
    (void)i, (void)mask, (void)b, (void)a2, (void)aB, (void)aA, (void)o2, (void)oB, (void)oA;
#endif
  }
};

double pow_alpha(double P, double alpha) { return alpha == 1.0 ? P : std::pow(P, alpha); }

template <class Rows>
void fca_family(const Rows& rows, std::size_t D, std::size_t F, std::span<const double> population,
                std::span<const double> supply, const AccessConfig& cfg, int threads, unsigned measures,
                AccessResult& r) {
  const std::size_t block = demand_block(D), nblocks = (D + block - 1) / block;
  const double alpha = cfg.availability_alpha;
  auto pa = [&](double P) { return pow_alpha(P, alpha); };
  const bool want2 = measures & kFcaFca2, wantB = measures & kFcaBfca, wantA = measures & kFcaAvailability;
  const bool keep = Rows::kCostly && cfg.fca_decay != FcaDecay::kBinary && D * F <= (std::size_t{1} << 24);
  std::vector<double> W(keep ? D * F : 0);
  bool masked = false, cut = false;  // AVX-512 on a coded matrix: by block (a cutoff on the rows' bitmasks)
  if constexpr (requires { rows.by_block(); }) {
    masked = rows.by_block();
    cut = rows.cut;
  }
  const std::size_t words = (F + 63) / 64;
  std::vector<std::uint64_t> masks(masked && cut ? D * words : 0);
  // Each block's partial column sums, only of the arrays the measures need: c and dB (bfca), d2 (fca2), dA
  // (availability).
  constexpr std::size_t kNo = 4;
  std::size_t slots = 0;
  bool counted = false;  // c_j from the prepared matrix's counts
  if constexpr (requires { rows.counts(); }) counted = rows.counts();
  const std::size_t sc = wantB && !counted ? slots++ : kNo, s2 = want2 ? slots++ : kNo,
                    sB = wantB ? slots++ : kNo, sA = wantA ? slots++ : kNo;
  std::vector<double> part(nblocks * slots * F, 0.0), rowsum(D, 0.0);
  auto slot = [&](std::size_t b, std::size_t s) {
    return s == kNo ? nullptr : part.data() + (b * slots + s) * F;
  };
  std::vector<RowBuf> bufs(static_cast<std::size_t>(std::max(threads, 1)));
  for (RowBuf& b : bufs) {
    b.own.resize(keep || masked ? 0 : F);
    b.w = b.own.data();
  }
  parallel_for(nblocks, threads, [&](std::size_t b, int t) {
    double* c = slot(b, sc);
    double* d2 = slot(b, s2);
    double* dB = slot(b, sB);
    double* dA = slot(b, sA);
    if constexpr (requires { rows.by_block(); }) {
      if (masked) {
        rows.add_block(b * block, std::min(D, (b + 1) * block), bufs[static_cast<std::size_t>(t)],
                       masks.data(), words, rowsum.data(), population.data(), pow_alpha, alpha, c, d2, dB,
                       dA);
        return;
      }
    }
    for (std::size_t i = b * block, end = std::min(D, (b + 1) * block); i < end; ++i) {
      RowBuf& buf = bufs[static_cast<std::size_t>(t)];
      if (keep) buf.w = W.data() + i * F;
      const double ri = rows.fill(i, buf);
      rowsum[i] = ri;
      if (!(ri > 0.0)) continue;
      const double P = population[i];
      rows.add(buf, c, d2, dB, dA, P, P / ri, wantA ? pa(P) : 0.0);
    }
  });
  std::vector<double> c(F, 0.0), R2(F, 0.0), RB(F, 0.0), RA(F, 0.0);
  {
    std::vector<double> d2(F, 0.0), dB(F, 0.0), dA(F, 0.0);
    auto reduce = [&](std::size_t s, std::vector<double>& out) {
      if (s == kNo) return;
      for (std::size_t b = 0; b < nblocks; ++b) {
        const double* p = slot(b, s);
        for (std::size_t j = 0; j < F; ++j) out[j] += p[j];
      }
    };
    reduce(sc, c);
    if constexpr (requires { rows.counts(); })
      if (wantB && counted) rows.column_counts(c.data());
    reduce(s2, d2);
    reduce(sB, dB);
    reduce(sA, dA);
    const double* S = supply.data();
    for (std::size_t j = 0; j < F; ++j) {
      R2[j] = d2[j] > 0.0 ? S[j] / d2[j] : 0.0;
      RB[j] = dB[j] > 0.0 && c[j] > 0.0 ? S[j] / dB[j] / c[j] : 0.0;
      RA[j] = dA[j] > 0.0 ? S[j] / dA[j] : 0.0;
    }
  }
  if (want2) r.fca2.assign(D, 0.0);
  if (wantB) r.bfca.assign(D, 0.0);
  if (wantA) r.availability.assign(D, 0.0);
  parallel_for(
      D, threads,
      [&](std::size_t i, int t) {
        if (!(rowsum[i] > 0.0)) {
          if (cfg.unreached == Unreached::kNull) {
            if (want2) r.fca2[i] = kNaN;
            if (wantB) r.bfca[i] = kNaN;
            if (wantA) r.availability[i] = kNaN;
          }
          return;
        }
        if constexpr (requires { rows.by_block(); }) {
          if (masked) {
            double o2 = 0.0, oB = 0.0, oA = 0.0;
            rows.dots(i, masks.data() + i * words, bufs[static_cast<std::size_t>(t)],
                      want2 ? R2.data() : nullptr, wantB ? RB.data() : nullptr, wantA ? RA.data() : nullptr,
                      &o2, &oB, &oA);
            if (want2) r.fca2[i] = o2;
            if (wantB) r.bfca[i] = oB;
            if (wantA) r.availability[i] = pa(population[i]) * oA;
            return;
          }
        }
        RowBuf& buf = bufs[static_cast<std::size_t>(t)];
        if (keep)
          buf.w = W.data() + i * F;
        else
          rows.fill(i, buf);
        if (want2) r.fca2[i] = rows.dot(buf, R2.data());
        if (wantB) r.bfca[i] = rows.dot(buf, RB.data());
        if (wantA) r.availability[i] = pa(population[i]) * rows.dot(buf, RA.data());
      },
      64);
}

void fca_family(TimeView times, std::span<const double> population, std::span<const double> supply,
                const AccessConfig& cfg, int threads, unsigned measures, AccessResult& r) {
  const DenseRows rows{times.data(), times.cols(), &cfg, cfg.fca_decay == FcaDecay::kBinary,
                       cfg.catchment == Catchment::kInclusive};
  fca_family(rows, times.rows(), times.cols(), population, supply, cfg, threads, measures, r);
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
  fca_family(times, population, supply, cfg, threads, kFcaAll, r);
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
                      const AccessConfig& cfg, Context& ctx, std::span<const std::string> demand_ids,
                      unsigned measures) {
  check_access_inputs(times, population, supply, cfg, demand_ids);
  AccessResult r;
  fca_family(times, population, supply, cfg, ctx.thread_count(), measures, r);
  return {std::move(r.fca2), std::move(r.bfca), std::move(r.availability)};
}

bool fca_portable_kernels(bool on) { return g_fca_portable.exchange(on); }

FcaMatrix::FcaMatrix(TimeView times) : rows_(times.rows()), cols_(times.cols()) {
  const std::size_t n = rows_ * cols_;
  const float* t = times.data();
  // Distinct times by their bits (NaN, no path like +inf, counted as +inf) in an open-addressing table of
  // 2^17 slots; each value's provisional code is its distinct value's index in order of appearance.
  constexpr std::size_t kSlots = std::size_t{1} << 17, kMax = 65535;
  constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;  // a NaN's bits: never a key
  std::vector<std::uint32_t> key(kSlots, kEmpty), idx(kSlots, 0);
  std::vector<std::uint16_t> first(n);
  std::vector<float> seen;
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t p = 0; p < n; ++p) {
    const float v = std::isnan(t[p]) ? inf : t[p];
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    std::size_t h = (bits * 0x9E3779B1u) >> 15;
    while (key[h] != kEmpty && key[h] != bits) h = (h + 1) & (kSlots - 1);
    if (key[h] == kEmpty) {
      if (seen.size() == kMax) {  // too many distinct times for 16-bit codes: keep the dense matrix
        values_.clear();
        dense_.assign(t, t + n);
        return;
      }
      key[h] = bits;
      idx[h] = static_cast<std::uint32_t>(seen.size());
      seen.push_back(v);
    }
    first[p] = static_cast<std::uint16_t>(idx[h]);
  }
  // Codes are ranks in the sorted distinct times, so a cutoff is one code comparison.
  std::vector<std::uint32_t> order(seen.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = static_cast<std::uint32_t>(k);
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    return seen[x] < seen[y] || (seen[x] == seen[y] && std::signbit(seen[x]) && !std::signbit(seen[y]));
  });
  std::vector<std::uint16_t> rank(seen.size());
  values_.resize(seen.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    rank[order[k]] = static_cast<std::uint16_t>(k);
    values_[k] = seen[order[k]];
  }
  if (values_.size() <= 256) {
    c8_.resize(n);
    for (std::size_t p = 0; p < n; ++p) c8_[p] = static_cast<std::uint8_t>(rank[first[p]]);
    // Per column, the number of rows with a code below k (k = 0 .. distinct): a cutoff's column counts.
    const std::size_t stride = values_.size() + 1;
    below_.assign(cols_ * stride, 0);
    for (std::size_t i = 0; i < rows_; ++i)
      for (std::size_t j = 0; j < cols_; ++j) ++below_[j * stride + c8_[i * cols_ + j] + 1];
    for (std::size_t j = 0; j < cols_; ++j)
      for (std::size_t k = 1; k < stride; ++k) below_[j * stride + k] += below_[j * stride + k - 1];
  } else {
    c16_.resize(n);
    for (std::size_t p = 0; p < n; ++p) c16_[p] = rank[first[p]];
  }
}

std::size_t FcaMatrix::bytes() const noexcept {
  return c8_.size() + 2 * c16_.size() + sizeof(float) * (dense_.size() + values_.size()) +
         sizeof(std::uint32_t) * below_.size();
}

FcaResult compute_fca(const FcaMatrix& m, std::span<const double> population, std::span<const double> supply,
                      const AccessConfig& cfg, Context& ctx, std::span<const std::string> demand_ids,
                      unsigned measures) {
  const std::size_t D = m.rows(), F = m.cols();
  check_access_inputs(TimeView(nullptr, D, F), population, supply, cfg, demand_ids);
  AccessResult r;
  const int threads = ctx.thread_count();
  if (m.code_bits() == 0) {
    fca_family(TimeView(m.dense_.data(), D, F), population, supply, cfg, threads, measures, r);
    return {std::move(r.fca2), std::move(r.bfca), std::move(r.availability)};
  }
  // The impedance once per distinct time (the same fca_weight as the dense path: the same bits); a binary
  // impedance is "code < ncut", ncut = the number of distinct times in reach.
  const bool binary = cfg.fca_decay == FcaDecay::kBinary;
  const bool inclusive = cfg.catchment == Catchment::kInclusive;
  const double T = cfg.cutoff_s;
  std::vector<double> table(m.values_.size());
  std::size_t ncut = 0;
  for (std::size_t k = 0; k < table.size(); ++k) {
    table[k] = fca_weight(cfg, m.values_[k]);
    const double v = m.values_[k];
    if (inclusive ? v <= T : v < T) ncut = k + 1;
  }
#if CS_FCA_AVX512
  const bool simd = has_avx512() && !g_fca_portable.load(std::memory_order_relaxed);
#else
  const bool simd = false;
#endif
  if (m.code_bits() == 8) {
    const CodedRows<std::uint8_t> rows{
        m.c8_.data(),        F, table.data(), binary, static_cast<std::uint8_t>(ncut), simd, m.below_.data(),
        m.values_.size() + 1};
    if (binary && ncut == 256) {  // every time in reach: 256 does not fit the 8-bit codes
      const CodedRows<std::uint8_t> all{m.c8_.data(), F, table.data(), false, 0, simd};
      fca_family(all, D, F, population, supply, cfg, threads, measures, r);
    } else {
      fca_family(rows, D, F, population, supply, cfg, threads, measures, r);
    }
  } else {
    const CodedRows<std::uint16_t> rows{
        m.c16_.data(), F, table.data(), binary, static_cast<std::uint16_t>(ncut), simd};
    fca_family(rows, D, F, population, supply, cfg, threads, measures, r);
  }
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
