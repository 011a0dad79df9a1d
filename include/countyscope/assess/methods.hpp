// Cross-county assessment methods (docs/assess.md, docs/methods.md "Cross-county assessment" and "Equity"):
// min-max normalisation with a shift option, entropy weights, TOPSIS, coupling coordination, obstacle degree,
// kernel density, Theil and Dagum Gini decompositions. Plain functions over column-major data; no I/O, no
// printing.
//
// Example:
//   cs::assess::Shift sh;                                    // kNone
//   auto xn = cs::assess::normalise(x, dirs, sh);            // x: columns of raw values, dirs: +1 / -1
//   auto w  = cs::assess::entropy_weights(xn);               // sums to 1
//   auto c  = cs::assess::topsis(x, dirs, w, cs::assess::TopsisNorm::kVector);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cs::assess {

using Column = std::vector<double>;
using Columns = std::vector<Column>;  // cols[j][i]: indicator j, county i

enum class ShiftKind { kNone, kEpsilon, kRescale };
struct Shift {
  ShiftKind kind = ShiftKind::kNone;
  double epsilon = 0.01;        // kEpsilon: x' + epsilon
  double a = 0.002, b = 0.998;  // kRescale: a + (b - a) x'
};
// "none" | "eps" | "eps:0.0001" | "rescale" | "rescale:0.002,0.998"; UsageError lists the valid forms.
Shift parse_shift(std::string_view s);
std::string to_string(const Shift& s);

// Min-max per column: positive (x-min)/(max-min), negative (max-x)/(max-min), then the shift. A zero-range
// column throws InputError naming the column (names[j] if given). min/max may be pooled from other data
// (panel): pass them.
Columns normalise(const Columns& x, const std::vector<int>& direction, const Shift& shift,
                  const std::vector<std::string>& names = {});
Column normalise_column(const Column& x, int direction, const Shift& shift, double min, double max);

// Entropy weights over the rows of xn (normalised, >= 0): p = x/sum, e = -1/ln(n) sum p ln p (0 ln 0 = 0),
// d = 1 - e, w = d / sum d. A column summing to 0 throws InputError. Also returns e and d.
struct EntropyResult {
  std::vector<double> weight, entropy, divergence;
};
EntropyResult entropy_weights(const Columns& xn, const std::vector<std::string>& names = {});

// TOPSIS closeness in [0,1] (1 = the ideal row). Vector: b = a / sqrt(sum a^2) on raw values (must be >= 0
// for a meaningful vector norm); min-max: the normalised matrix. Weighted, ideal = best by direction.
enum class TopsisNorm { kVector, kMinMax };
std::string_view to_string(TopsisNorm t);
std::vector<double> topsis(const Columns& x, const std::vector<int>& direction,
                           const std::vector<double>& weight, TopsisNorm norm, const Shift& shift = {});
// TOPSIS on a weighted, normalised matrix b[j][i] (Hwang & Yoon 1981): the ideal is each column's best (its
// maximum where up[j], else its minimum), the anti-ideal its worst; d+ and d- the Euclidean distances to
// them, closeness d- / (d+ + d-) (0.5 where both are 0). The one implementation behind topsis() above (the
// national assessment; the scoring kernel is held to it by the tests) and `stats mcdm`.
struct TopsisDistances {
  std::vector<double> closeness, d_plus, d_minus;
};
TopsisDistances topsis_distances(const Columns& b, const std::vector<bool>& up);

// Coupling coordination of n subsystem scores U in [0,1].
enum class CouplingForm { kCorrected, kStandard };
std::string_view to_string(CouplingForm f);
struct Coupling {
  double c = 0, t = 0, d = 0;
  int d_class = 0;  // 0..9 (lower bound inclusive, width 0.1)
};
Coupling coupling(const std::vector<double>& u, CouplingForm form, const std::vector<double>& alpha = {});
std::string_view d_class_name(int k);  // "extreme imbalance" ... "high-quality coordination"

// Integration scoring in one kernel: min-max normalisation (with the shift), entropy weights,
// TOPSIS closeness, the weighted index, dimension scores and coupling coordination. The same formulas as
// the functions above (the tests hold it to them); this is what run_assess and bench/assess use. Three
// phases (ranges per indicator, normalisation and entropy sums per block of counties, scores per block) in
// one team of threads (cs::parallel_team); no allocation per county. Memory O(counties x indicators).
struct ScoringSpec {
  std::vector<int> direction;          // per indicator, +1 / -1
  std::vector<std::size_t> dimension;  // per indicator, 0 .. n_dimensions-1
  std::size_t n_dimensions = 1;
  Shift shift;
  TopsisNorm topsis = TopsisNorm::kVector;
  CouplingForm coupling = CouplingForm::kCorrected;
  std::vector<double> alpha;       // coupling weights of the dimensions; empty = equal
  std::vector<double> weight;      // fixed indicator weights summing to 1; empty = the entropy weights
  std::vector<std::string> names;  // indicator names for error messages
};
struct Scoring {
  Columns norm;  // normalised values, norm[j][i]
  EntropyResult entropy;
  std::vector<double> weight;     // the weights used
  std::vector<double> score;      // TOPSIS closeness
  std::vector<double> index;      // sum_j w_j x'_ij
  std::vector<double> dim_score;  // county-major: dim_score[i * n_dimensions + d], clamped to <= 1
  std::vector<Coupling> coupling;
  std::size_t clamped = 0;  // dimension scores above 1 (shift eps) clamped for coupling
};
// Throws InputError (naming the indicator) for a zero-range column, a negative value under TOPSIS vector
// normalisation, or entropy that is undefined.
Scoring score_counties(const Columns& x, const ScoringSpec& spec, int threads = 1);

// Obstacle degree per indicator (fractions summing to 1 per county; 0 everywhere if the county is ideal).
// Returns rows: obstacle[i][j].
std::vector<std::vector<double>> obstacle_degree(const Columns& xn, const std::vector<double>& weight);

// Gaussian kernel density, Silverman bandwidth h = 0.9 min(sd, IQR/1.34) n^(-1/5).
struct Density {
  double bandwidth = 0;
  std::vector<double> x, y;
};
double silverman_bandwidth(const std::vector<double>& v);
Density kernel_density(const std::vector<double>& v, std::size_t points = 128);
double quantile(std::vector<double> v, double p);  // linear interpolation (type 7)

// Theil T of values (equal unit weights) with the additive within/between decomposition by group (0 ln 0 =
// 0).
struct TheilResult {
  double total = 0, within = 0, between = 0;
  std::vector<std::string> group;
  std::vector<std::size_t> n;
  std::vector<double> mean, theil;  // per group
};
TheilResult theil(const std::vector<double>& y, const std::vector<std::string>& group);
// Group-level Theil T from group income totals and populations (Wang & Ouyang 2008 urban-rural form):
// T = sum_j (I_j/I) ln[(I_j/I)/(P_j/P)].
double theil_groups(const std::vector<double>& income, const std::vector<double>& population);

// Dagum (1997) Gini decomposition: G = Gw + Gnb + Gt; groups are ordered by mean (ascending).
struct DagumResult {
  double g = 0, gw = 0, gnb = 0, gt = 0;
  std::vector<std::string> group;  // ordered by mean
  std::vector<std::size_t> n;
  std::vector<double> mean, g_within;                     // G_jj
  std::vector<std::vector<double>> g_between, d_between;  // G_jh, D_jh
};
DagumResult dagum_gini(const std::vector<double>& y, const std::vector<std::string>& group);
double gini(const std::vector<double>& y);

// Distribution functions used by the tests of significance.
double normal_cdf(double z);
double student_t_sf2(double t, double df);                              // two-sided p-value P(|T| >= |t|)
double chi2_sf(double x, double df);                                    // P(X >= x)
double f_sf(double f, double d1, double d2);                            // central F upper tail
double noncentral_f_sf(double f, double d1, double d2, double lambda);  // upper tail, Poisson mixture
double incomplete_beta(double a, double b, double x);                   // regularised I_x(a,b)

// Weighting that one skewed column cannot capture (docs/assess.md, "Weights"; issue 21). The weights are
// computed on the weighting data: raw values winsorised at the p and 1-p quantiles (type 7), then, for
// indicators whose sample skewness |g1| exceeds 1, log(1 + x - min) or mid-ranks, then min-max normalised by
// direction.
enum class Transform { kNone, kLog, kRank };
std::string_view to_string(Transform t);
double skewness(const Column& x);             // g1 = m3 / m2^1.5 (population moments); 0 if m2 = 0
Column winsorise(const Column& x, double p);  // clamp to [Q(p), Q(1-p)]; p = 0 leaves x
Column log_transform(const Column& x);        // log(1 + x - min x)
Column rank_transform(const Column& x);       // mid-ranks 1..n (ties share their mean rank)
// Weighting data of one indicator: winsorise, transform when |skewness| > 1, min-max by direction.
Column weighting_column(const Column& x, int direction, Transform t, double winsor,
                        bool* transformed = nullptr);
// CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995): C_j = sd_j * sum_k (1 - r_jk), w = C / sum C (sd and
// Pearson r over the rows of xn). CV: w_j = (sd_j / mean_j) / sum. Both throw InputError for a zero-variance
// column.
std::vector<double> critic_weights(const Columns& xn, const std::vector<std::string>& names = {});
std::vector<double> cv_weights(const Columns& xn, const std::vector<std::string>& names = {});
// Caps each weight at cap and gives the excess to the uncapped weights in proportion (repeated until none
// exceeds the cap). cap <= 0: unchanged; cap * size < 1 is impossible: UsageError.
std::vector<double> cap_weights(std::vector<double> w, double cap);
enum class WeightMethod { kEntropy, kCritic, kCv, kEqual, kMean };
std::string_view to_string(WeightMethod m);
// The weights of every method on the same weighting data; mean = (entropy + CRITIC + CV) / 3.
struct WeightSets {
  std::vector<double> entropy, critic, cv, equal, mean;
  [[nodiscard]] const std::vector<double>& of(WeightMethod m) const;
};
WeightSets weight_sets(const Columns& xn, const std::vector<std::string>& names = {});

// Robustness of the ranking (issue 21; docs/assess.md, "Robustness").
// Ranks 1 = highest score, ties broken by key (ascending).
std::vector<int> ranks_by_score(const std::vector<double>& score, const std::vector<std::string>& key);
// Spearman rho of two rankings without ties: 1 - 6 sum d^2 / (n (n^2 - 1)).
double spearman_rho(const std::vector<int>& ra, const std::vector<int>& rb);
// Quintile of each rank: floor(5 (rank - 1) / n), 0 = the top fifth.
std::vector<int> quintiles(const std::vector<int>& rank);
// Share of units whose quintile differs between the two rankings.
double quintile_change_share(const std::vector<int>& ra, const std::vector<int>& rb);
// One Dirichlet(alpha) draw from gamma variates (Marsaglia & Tsang 2000) on the project's generator.
std::vector<double> dirichlet(const std::vector<double>& alpha, std::uint64_t seed);
// Rank interval of each unit over `samples` weight vectors drawn from Dirichlet(concentration * w); sample k
// uses the seed seed + k, so any thread count gives the same result. Percentiles are type 7 over the samples.
struct RankInterval {
  std::vector<double> p05, median, p95;
  int samples = 0;
  double concentration = 0;
  std::uint64_t seed = 0;
};
RankInterval rank_interval(const Columns& x, const std::vector<int>& direction, const std::vector<double>& w,
                           TopsisNorm norm, const Shift& shift, const std::vector<std::string>& key,
                           int samples, double concentration, std::uint64_t seed, int threads = 1);

// 2010 -> 2020 change of the weighted index, decomposed by indicator (issue 21; docs/assess.md, "2010 ->
// 2020"). norm0[j][i] and norm1[j][i] are unit i's values of indicator j normalised on the pooled 2010+2020
// range (one scale for both years), w the fixed weights. I_t = sum_j w_j x'_jt, so I_2020 - I_2010 = sum_j
// part_j with part_j = w_j (x'_j2020 - x'_j2010): the parts add up to the change (exactly in real arithmetic;
// to rounding here).
struct ChangeDecomposition {
  std::vector<double> index0, index1;     // [unit] I_2010, I_2020 (each summed over j in order)
  std::vector<std::vector<double>> part;  // [unit][indicator]
  std::vector<std::size_t> top;           // [unit] the indicator with the largest |part| (first on ties)
};
ChangeDecomposition decompose_change(const Columns& norm0, const Columns& norm1,
                                     const std::vector<double>& w);

}  // namespace cs::assess
