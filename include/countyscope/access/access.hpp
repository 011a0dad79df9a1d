// Accessibility of public services on a demand x facility travel-time matrix (docs/methods.md
// "Accessibility").
//
// Direction: the matrix holds demand -> facility times d_ij (people travel to services); both
// floating-catchment steps use these same times (not the transposed facility -> demand times; see PySAL
// access issue #18). Unreachable pairs are +inf and never count as "in reach". Times are seconds;
// configuration is in seconds too (the CLI and TOML take minutes and convert at the boundary).
//
// Measures per demand point i (population P_i; facility supply S_j = capacity when known, else 1):
//   nearest / k-th nearest time    min_j d_ij, k-th smallest d_ij                          (+inf when none)
//   cumulative opportunities       sum_j S_j [d_ij in catchment]
//   gravity (Hansen)               sum_j S_j f(d_ij), f = power / exponential / gaussian / linear-to-zero
//   2SFCA  (Luo & Wang 2003)       R_j = S_j / sum_k P_k [k in catchment];  A_i = sum_j R_j [in catchment]
//   E2SFCA (Luo & Qi 2009)         both steps weighted by zone weights W(d) (zones increasing, upper bounds
//   inclusive) G2SFCA (Dai 2010)              both steps weighted by G(d) = (e^{-1/2 (d/d0)^2} - e^{-1/2}) /
//   (1 - e^{-1/2}) 3SFCA  (Wan, Zou & Sternberg)  selection weight G_ij = W_ij / sum_k W_ik multiplies both
//   steps (W = zone weights)
// "In catchment" is d <= d0 by default (Catchment::kInclusive); PySAL access filters cost < max_cost
// (kExclusive).
//
// Example:
//   cs::access::AccessConfig cfg;  cfg.cutoff_s = 1800;
//   cs::access::AccessResult r = cs::access::compute_access(times, population, supply, cfg, ctx);
//   r.sfca2[i];  r.nearest_s[i];  r.facilities_without_demand;
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/decay.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/matrix.hpp>

namespace cs::access {

// Decay: the one enum of core/decay.hpp (power, exponential, gaussian, linear), shared with flows.
enum class Catchment : std::uint8_t { kInclusive, kExclusive };
// Gaussian weight of G2SFCA: kDai is docs/methods.md's form (1 at d = 0, 0 at d0); kPlain is e^{-d^2 / (2
// sigma^2)} (PySAL access weights.gaussian), still cut at the catchment.
enum class GaussianForm : std::uint8_t { kDai, kPlain };
// 3SFCA selection-weight denominator: kCatchment sums W_ik over facilities in catchment (docs/methods.md),
// kAll over every reachable facility (PySAL access computes W3sum before the max_cost filter).
enum class SelectionBase : std::uint8_t { kCatchment, kAll };
// Value of an FCA measure at a demand point with no facility in catchment: 0 (no access) or null (PySAL
// leaves NaN).
enum class Unreached : std::uint8_t { kZero, kNull };
// Stepped zones: right-closed (t in (z_{k-1}, z_k] gets w_k; Luo & Qi, PySAL access) or left-closed (t in
// [z_{k-1}, z_k) gets w_k; R accessibility's decay_stepped). Beyond the last bound the weight is 0.
enum class ZonesClosed : std::uint8_t { kRight, kLeft };
// The impedance f(t) of the FCA family measures fca2, bfca and availability (R accessibility's decay
// functions): binary 1[t <= T]; exponential e^(-beta t) (beta per minute); linear max(0, 1 - t/T); logistic
// (1 + e^(-pi T/(sd sqrt 3))) / (1 + e^(pi (t - T)/(sd sqrt 3))) (Bauer & Groneberg 2016, 1 at t = 0);
// stepped: the zones (zones_min, zone_weights, zones_closed). T is the catchment cutoff.
enum class FcaDecay : std::uint8_t { kBinary, kExponential, kLinear, kLogistic, kStepped };

// The measures, in output order. Names are the output column stems.
enum class Measure : std::uint8_t {
  kNearest,
  kKthNearest,
  kCumulative,
  kGravity,
  k2SFCA,
  kE2SFCA,
  kG2SFCA,
  k3SFCA,
  kFca2,          // 2SFCA with the fca_decay impedance (Luo & Wang 2003 generalised; = sfca2 for binary)
  kBfca,          // balanced FCA (Paez, Higgins & Vivona 2019): impedance balanced by row and by column
  kAvailability,  // spatial availability (Soukhov et al. 2023): opportunities shared out, sum = total
};
inline constexpr int kMeasureCount = 11;
std::string_view measure_name(Measure m);  // nearest_min, kth_nearest_min, cumulative, gravity, sfca2,
                                           // e2sfca, g2sfca, sfca3, fca2, bfca, availability
bool measure_is_time(Measure m);           // true for nearest_min / kth_nearest_min (lower is better)

Decay parse_decay(std::string_view s);                   // power, exponential, gaussian, linear
Catchment parse_catchment(std::string_view s);           // inclusive, exclusive
GaussianForm parse_gaussian_form(std::string_view s);    // dai, plain
SelectionBase parse_selection_base(std::string_view s);  // catchment, all
Unreached parse_unreached(std::string_view s);           // zero, null
Measure parse_measure(std::string_view s);               // as measure_name(), also nearest / kth_nearest
std::string_view decay_name(Decay d);
std::string_view catchment_name(Catchment c);
std::string_view gaussian_form_name(GaussianForm g);
std::string_view selection_base_name(SelectionBase s);
std::string_view unreached_name(Unreached u);

struct AccessConfig {
  double cutoff_s = 1800.0;  // catchment d0 (cumulative, 2SFCA, G2SFCA, gravity if cut)
  Catchment catchment = Catchment::kInclusive;
  int k = 3;  // k of the k-th nearest facility
  Decay gravity_decay = Decay::kPower;
  double gravity_beta = 1.0;       // power: (t/scale)^-beta; exponential: e^{-beta t/scale}
  double gravity_scale_s = 60.0;   // time unit of the decay (60 s: beta per minute)
  double gravity_min_s = 60.0;     // power decay: t = max(t, min) (d^-beta is infinite at 0)
  double gravity_sigma_s = 900.0;  // gaussian decay: e^{-1/2 (t/sigma)^2}
  bool gravity_cut = false;        // also restrict gravity to the catchment (linear always is)
  std::vector<double> zones_s{600.0, 1200.0, 1800.0};  // E2SFCA zone upper bounds (inclusive), increasing
  std::vector<double> zone_weights{1.0, 0.68, 0.22};   // Luo & Qi (2009)
  std::vector<double> sfca3_zones_s{600.0, 1200.0, 1800.0, 3600.0};  // PySAL access three_stage_fca defaults
  std::vector<double> sfca3_weights{0.962, 0.704, 0.377, 0.042};
  GaussianForm gaussian = GaussianForm::kDai;
  double gaussian_sigma_s = 0.0;  // kPlain only; 0 = cutoff_s
  SelectionBase sfca3_base = SelectionBase::kCatchment;
  Unreached unreached = Unreached::kZero;
  ZonesClosed zones_closed = ZonesClosed::kRight;  // E2SFCA zones and the stepped FCA impedance
  FcaDecay fca_decay = FcaDecay::kBinary;          // impedance of fca2, bfca and availability
  double fca_beta_per_min = 0.1;                   // exponential: e^(-beta t), t in minutes
  double fca_sd_s = 300.0;                         // logistic: standard deviation
  double availability_alpha = 1.0;                 // spatial availability: population P^alpha
};
// The FCA family's impedance f(t) (t in seconds; +inf -> 0).
[[nodiscard]] double fca_weight(const AccessConfig& cfg, double t);
// Every problem with cfg (option name + message); empty = valid.
[[nodiscard]] std::vector<Problem> validate(const AccessConfig& cfg);

struct AccessResult {
  // Per demand point (matrix rows). Times are +inf when no facility (or fewer than k) is reachable; FCA
  // measures are NaN for unreached points when cfg.unreached == kNull.
  std::vector<float> nearest_s, kth_nearest_s;
  std::vector<std::uint32_t> nearest_facility;  // column of the nearest facility; UINT32_MAX when none
  std::vector<double> cumulative, gravity, sfca2, e2sfca, g2sfca, sfca3;
  // The FCA family on the fca_decay impedance f_ij (pairs with f = 0 take no part): fca2 = sum_j R_j f_ij
  // with R_j = S_j / sum_k P_k f_kj; bfca = sum_j S_j / (sum_k P_k f_kj / r_k) * f_ij / c_j with row sums r
  // and column sums c of f (R accessibility's fca_bfca); availability = sum_j S_j P_i^a f_ij / sum_k P_k^a
  // f_kj.
  std::vector<double> fca2, bfca, availability;
  // Per facility (matrix columns): supply, (weighted) demand in catchment of each FCA variant and ratio R_j.
  std::vector<double> supply;
  std::vector<double> demand_2sfca, demand_e2sfca, demand_g2sfca, demand_3sfca;
  std::vector<double> ratio_2sfca, ratio_e2sfca, ratio_g2sfca, ratio_3sfca;
  std::vector<std::uint32_t>
      facilities_without_demand;                // columns with no demand in catchment (contribute nothing)
  std::vector<std::uint32_t> demand_unreached;  // rows with no facility in catchment

  // The values of one measure as doubles: times in minutes (nearest_s / 60; +inf stays +inf).
  [[nodiscard]] std::vector<double> values(Measure m) const;
};

// Computes every measure. times: demand x facility seconds (+inf = no path); population: one per row (>= 0);
// supply: one per column (> = 0). Throws InputError on negative / NaN population or supply, sizes that
// disagree, or zero facilities; UsageError on an invalid config. Deterministic for any thread count.
// demand_ids: the rows' ids as the user wrote them, for messages (empty: the row's index is named).
AccessResult compute_access(TimeView times, std::span<const double> population,
                            std::span<const double> supply, const AccessConfig& cfg, Context& ctx,
                            std::span<const std::string> demand_ids = {});

// 2SFCA alone (cfg.cutoff_s, cfg.catchment, cfg.unreached): the same values, bit for bit, as
// compute_access(...).sfca2 (same blocks, same summation order), for callers that need only this measure.
std::vector<double> compute_sfca2(TimeView times, std::span<const double> population,
                                  std::span<const double> supply, const AccessConfig& cfg, Context& ctx,
                                  std::span<const std::string> demand_ids = {});

// The FCA family alone (cfg.fca_decay and its parameters, cfg.cutoff_s, cfg.availability_alpha,
// cfg.unreached): the same values, bit for bit, as compute_access(...).fca2 / .bfca / .availability.
// measures: which of the three to compute (the others are left empty); fewer measures, less work.
struct FcaResult {
  std::vector<double> fca2, bfca, availability;
};
enum FcaMeasures : unsigned { kFcaFca2 = 1, kFcaBfca = 2, kFcaAvailability = 4, kFcaAll = 7 };
FcaResult compute_fca(TimeView times, std::span<const double> population, std::span<const double> supply,
                      const AccessConfig& cfg, Context& ctx, std::span<const std::string> demand_ids = {},
                      unsigned measures = kFcaAll);

// A travel-time matrix prepared once for many FCA-family queries (other cutoffs, impedances, populations or
// supplies on the same matrix), like a routing index. Each time is stored as a code, its rank among the
// matrix's distinct times (8 bits when there are at most 256 distinct times, 16 bits up to 65,535; more
// keep a dense float copy): a query evaluates its impedance once per distinct time (the same fca_weight,
// so the same bits) and a cutoff becomes a code comparison. NaN times are stored as +inf (no path, as in
// the dense path). Matrices of r5r / R5 (whole minutes) have a few hundred distinct times at most.
//   cs::access::FcaMatrix m(times);                        // once: one pass + a sort of the distinct times
//   auto r = cs::access::compute_fca(m, population, supply, cfg, ctx);   // per query
class FcaMatrix {
 public:
  FcaMatrix() = default;
  explicit FcaMatrix(TimeView times);
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
  // The number of distinct times (0 when there are more than 65,535: dense) and the width of a code in
  // bits (8, 16, or 0 = the dense fallback).
  [[nodiscard]] std::size_t distinct() const noexcept { return values_.size(); }
  [[nodiscard]] int code_bits() const noexcept { return !c8_.empty() ? 8 : !c16_.empty() ? 16 : 0; }
  [[nodiscard]] std::size_t bytes() const noexcept;  // memory held

 private:
  friend FcaResult compute_fca(const FcaMatrix&, std::span<const double>, std::span<const double>,
                               const AccessConfig&, Context&, std::span<const std::string>, unsigned);
  std::size_t rows_ = 0, cols_ = 0;
  std::vector<float> values_;  // the distinct times, increasing (+inf last when some pair has no path)
  std::vector<std::uint8_t> c8_;
  std::vector<std::uint16_t> c16_;
  std::vector<float> dense_;          // more than 65,535 distinct times
  std::vector<std::uint32_t> below_;  // 8-bit codes: per column, the rows with a code below k
};
// compute_fca on a prepared matrix: the same values, bit for bit, as on the dense matrix it was built from.
// On a CPU with AVX-512 the coded rows run on AVX-512 kernels (a cutoff on a bitmask of the row, a table
// on gathers), else on the portable ones; both give the same bits.
FcaResult compute_fca(const FcaMatrix& m, std::span<const double> population, std::span<const double> supply,
                      const AccessConfig& cfg, Context& ctx, std::span<const std::string> demand_ids = {},
                      unsigned measures = kFcaAll);

// Tests: true = the prepared matrix's queries use the portable kernels even where AVX-512 is available
// (process-wide). Returns the previous setting.
bool fca_portable_kernels(bool on);

// The distance-decay and zone weights, exposed for tests and docs.
double gravity_weight(const AccessConfig& cfg, double t_s);
double zone_weight(std::span<const double> zones_s, std::span<const double> weights, double t_s);
double gaussian_weight(const AccessConfig& cfg, double t_s);

// Aggregation: population-weighted mean of values per group (group[i] in [0, n_groups) or -1 = none).
// Non-finite values are left out of the mean and counted as unreached population.
struct GroupStats {
  double population = 0.0;          // all population in the group
  double reached_population = 0.0;  // population whose value is finite
  double mean = 0.0;                // population-weighted mean over finite values (NaN when none)
  std::size_t points = 0;
};
std::vector<GroupStats> aggregate_by_group(std::span<const double> values, std::span<const double> population,
                                           std::span<const int> group, std::size_t n_groups);

}  // namespace cs::access
