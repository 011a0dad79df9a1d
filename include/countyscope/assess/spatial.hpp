// Spatial statistics for the national assessment: spatial weights on county centres (WGS-84, great-circle
// distance), global Moran's I (normal, randomisation and permutation inference), LISA with conditional
// permutations, GeoDetector (factor, interaction, risk and ecological detectors) and spatial Markov chains.
// Permutations run through cs::parallel_for with one generator per item seeded from (seed, item), so results
// do not depend on the number of threads.
//
// Example:
//   auto w = cs::assess::build_weights(points, cs::assess::parse_weights_spec("knn:8"));
//   auto m = cs::assess::moran(y, w, 999, seed, threads);      // m.i, m.p_norm, m.p_rand, m.p_sim
//   auto l = cs::assess::lisa(y, w, 999, seed, threads, cs::assess::LisaVariance::kEsda, 0.05);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <countyscope/core/types.hpp>

namespace cs::assess {

double great_circle_km(LonLat a, LonLat b);  // haversine, R = 6371.0088 km

enum class WeightsKind { kKnn, kBand, kIdw };
struct WeightsSpec {
  WeightsKind kind = WeightsKind::kKnn;
  int k = 8;               // knn
  double band_km = 0;      // band / idw cut-off; 0 = the smallest distance that gives every point a neighbour
  double idw_power = 1.0;  // idw: w = d^-power
  bool row_standardise = true;
  // Planar: the points are (x, y) in the layer's own units (LonLat::lon = x, LonLat::lat = y), distances
  // Euclidean and band_km in those units; otherwise great-circle kilometres on longitude/latitude.
  bool planar = false;
};
// "knn:8" | "band" | "band:150" | "idw" | "idw:200"; UsageError lists the valid forms.
WeightsSpec parse_weights_spec(std::string_view s);
std::string to_string(const WeightsSpec& s);

// Sparse weights in CSR form (neighbour lists sorted by index).
struct Weights {
  std::size_t n = 0;
  std::vector<std::size_t> first;  // n+1
  std::vector<std::uint32_t> nbr;
  std::vector<double> w;
  std::size_t islands = 0;  // points without neighbours
  double band_km = 0;       // effective cut-off (band / idw)
  std::string spec;
};
// Wall times of build_weights's two parts, when asked for (bench/stats reports both): the index (unit vectors
// and KD-tree) and the search (neighbours, rows and weights).
struct WeightsTimes {
  double index_s = 0, search_s = 0;
};
Weights build_weights(const std::vector<LonLat>& pts, const WeightsSpec& spec, int threads = 1,
                      WeightsTimes* times = nullptr);
// Binary rook contiguity on a rows x cols lattice (for tests and published checks), optional row
// standardisation.
Weights lattice_rook(std::size_t rows, std::size_t cols, bool row_standardise);
std::vector<double> spatial_lag(const Weights& w, const std::vector<double>& y);

// Weights as the link structure with other values (weights_io.cpp): binary (1 per link), row-standardised
// (each row divided by its sum; islands stay empty) or as given. Islands are recounted.
enum class WeightsTransform { kRow, kBinary, kNone };
std::string_view to_string(WeightsTransform t);
[[nodiscard]] Weights transformed(const Weights& w, WeightsTransform t);
// Each unit added to its own neighbours with weight 1 (spdep's include.self, esda's star = True; for Gi*).
[[nodiscard]] Weights with_self(const Weights& w);
// True when j lists i for every link i -> j (weights values not compared).
[[nodiscard]] bool symmetric_links(const Weights& w);

// Polygon contiguity (libpysal's vertex rule): queen = the polygons share at least one vertex, rook = they
// share an edge (two consecutive vertices, in either direction). Vertices are compared exactly. Binary
// weights.
[[nodiscard]] Weights contiguity_weights(
    const std::vector<std::vector<std::vector<std::vector<LonLat>>>>& polys, bool queen);

// GAL / GWT weights files (GeoDa's formats, as libpysal and spdep read them). The header's first line is "n"
// or "0 n shapefile id_field"; weights_file_header returns id_field ("" when absent). read_weights_file
// matches the file's ids to `ids` (the table's id of each row, as text; duplicates refused by the caller;
// with an empty id_field the ids are row numbers 1 .. n, or 0 .. n - 1 when the file names a unit 0) and
// returns the weights in table order (GAL: binary, symmetric links required; GWT: the weights as written, "i
// j w" lines, .kwt the same). Throws InputError naming the file, its line, the id and `id_field` (an id not
// in the table, a table id without an entry, an entry given twice, a neighbour count that does not match its
// line, a link to itself, a weight that is not a finite number >= 0, an asymmetric GAL) or IoError
// (unreadable).
[[nodiscard]] std::string weights_file_header(const std::string& path);
[[nodiscard]] Weights read_weights_file(const std::string& path, const std::vector<std::string>& ids,
                                        const std::string& id_field);

// Global statistics with analytic and permutation inference (autocorrelation.cpp). One row per inference:
// under normality, under randomisation (the permutation distribution's exact first two moments) and by
// `permutations` seeded permutations (mean, sd, z of the simulated values; p = esda's folded one-sided
// pseudo p, (min(larger, perms - larger) + 1) / (perms + 1)). The same seed gives the same values for any
// number of threads.
struct GlobalInference {
  std::string inference;  // normality | randomisation | permutation
  double expected = 0, variance = 0, z = 0;
  double p_one_sided = 0,
         p_two_sided = 0;  // normal tail 1 - Phi(|z|) and twice it; permutation: p_sim, 2 p_sim
};
struct GlobalStat {
  std::string statistic;  // moran_i | geary_c | getis_ord_g | join_bb | join_ww | join_bw
  double value = 0;
  std::vector<GlobalInference> inference;
  int permutations = 0;
  std::uint64_t seed = 0;
};
// Moran's I through moran() (above) in this form.
GlobalStat moran_global(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                        int threads);
// Geary's C (Geary 1954; Cliff & Ord 1981 variances), C = (n-1) sum w_ij (y_i - y_j)^2 / (2 S0 sum z^2).
GlobalStat geary(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                 int threads);
// Getis-Ord General G (Getis & Ord 1992), G = sum_{i != j} w_ij y_i y_j / sum_{i != j} y_i y_j, with the
// randomisation moments of the paper (y >= 0).
GlobalStat getis_ord_g(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                       int threads);
// Join counts on a 0/1 variable (1 = black): BB, WW, BW = 1/2 sum w_ij [..] with the non-free sampling
// (randomisation) moments of Cliff & Ord (1981), as spdep joincount.test / joincount.multi.
std::vector<GlobalStat> join_counts(const std::vector<double>& y01, const Weights& w, int permutations,
                                    std::uint64_t seed, int threads);

// Local Getis-Ord Gi (star = false) or Gi* (star = true, w must then hold the self links: with_self) with
// the z of Ord & Getis (1995) for any weights, z_i = (sum_j w_ij y_j - W_i ybar) / (s sqrt((N S1i - W_i^2) /
// (N - 1))), N = n - 1 (ybar, s over j != i) or n; and conditional permutations (p folded one-sided).
struct LocalGResult {
  std::vector<double> g, expected, z, p_sim;
  bool star = false;
  int permutations = 0;
  std::uint64_t seed = 0;
};
LocalGResult local_g(const std::vector<double>& y, const Weights& w, bool star, int permutations,
                     std::uint64_t seed, int threads);

struct MoranResult {
  double i = 0, expected = 0, var_norm = 0, var_rand = 0, z_norm = 0, z_rand = 0, p_norm = 0, p_rand = 0;
  double p_sim = 0, mean_sim = 0, sd_sim = 0;  // permutation inference (p_sim folded one-sided, as esda)
  int permutations = 0;
  std::uint64_t seed = 0;
};
MoranResult moran(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                  int threads);

enum class LisaVariance { kEsda, kSpdep };  // m2 = sum z^2/(n-1) (esda) or sum z^2/n (spdep)
std::string_view to_string(LisaVariance v);
struct LisaResult {
  std::vector<double> ii, p_sim, lag_z, z;
  std::vector<std::string> label;  // HH, LL, HL, LH or ns (p_sim >= alpha); "island" without neighbours
  // lisa_crand only: the exact mean and variance of I_i over the conditional permutations (z_i held, the
  // other n - 1 values drawn for the neighbours; spdep localmoran's conditional randomisation, Sokal et al.
  // 1998) and the z of I_i (free of the m2 convention); NaN for islands.
  std::vector<double> expected, variance, z_norm;
  int permutations = 0;
  std::uint64_t seed = 0;
  double alpha = 0.05;
};
LisaResult lisa(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                int threads, LisaVariance var, double alpha);

// LISA with esda's conditional randomisation draws (`crand`): one table of `permutations` x k_max distinct
// ids in [0, n - 2] drawn once from `seed` and reused for every unit, which takes its first k_i columns as
// its neighbours' values (id c is unit c, except c == i, which is unit n - 1: never i itself). Each unit's
// p-value is a valid conditional permutation p-value as in lisa() (the draws differ; the p-values of
// different units are not independent, as in esda). Deterministic for any thread count. Used by `stats
// autocorrelation` (LISA, local G).
LisaResult lisa_crand(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                      int threads, LisaVariance var, double alpha);
// The crand table: permutations rows of k distinct values in [0, n - 2] (row-major), from seed.
std::vector<std::uint32_t> crand_table(std::size_t n, std::size_t k, int permutations, std::uint64_t seed);

// GeoDetector (Wang et al. 2010). Strata are integer labels. Single-unit strata contribute N_h sigma_h^2 = 0
// to q and are excluded from risk-detector t-tests (no variance); they are counted in `single_unit_strata`.
struct FactorDetector {
  std::string name;
  double q = 0, f = 0, lambda = 0, p = 0;
  int strata = 0, single_unit_strata = 0;
};
FactorDetector factor_detector(const std::vector<double>& y, const std::vector<int>& strata,
                               std::string name = {});
struct Interaction {
  std::string a, b;
  double q_a = 0, q_b = 0, q_ab = 0;
  std::string
      kind;  // nonlinear weaken | uni-variable weaken | bi-variable enhance | independent | nonlinear enhance
};
Interaction interaction_detector(const std::vector<double>& y, const std::vector<int>& sa,
                                 const std::vector<int>& sb, std::string a = {}, std::string b = {});
struct RiskPair {
  int s1 = 0, s2 = 0;
  double mean1 = 0, mean2 = 0, t = 0, df = 0, p = 0;
  bool significant = false;
};
struct RiskDetector {
  std::string name;
  std::vector<int> stratum;
  std::vector<std::size_t> n;
  std::vector<double> mean;
  std::vector<RiskPair> pairs;  // Welch t-tests, alpha 0.05
};
RiskDetector risk_detector(const std::vector<double>& y, const std::vector<int>& strata,
                           std::string name = {});
struct Ecological {
  std::string a, b;
  double f = 0, p = 0;
  bool significant = false;  // the two factors differ significantly in their effect (alpha 0.05)
};
Ecological ecological_detector(const std::vector<double>& y, const std::vector<int>& sa,
                               const std::vector<int>& sb, std::string a = {}, std::string b = {});
// Quantile classes 0..k-1 (breaks at the k-quantiles, type 7; ties go to the lower class).
std::vector<int> quantile_classes(const std::vector<double>& v, int k);

// Spatial Markov (Rey 2001): states are quantile classes of each year's values; transitions t0 -> t1 overall
// and conditioned on the class of the t0 spatial lag; homogeneity test Q = 2 sum n_lij ln(p_lij / p_ij) ~
// chi^2.
struct MarkovResult {
  int k = 5;
  std::vector<std::vector<double>> p;  // k x k overall
  std::vector<std::vector<std::size_t>> counts;
  std::vector<std::vector<std::vector<double>>> p_cond;  // lag class l -> k x k
  std::vector<std::vector<std::vector<std::size_t>>> counts_cond;
  double q = 0, df = 0, p_value = 0;
  std::size_t n = 0;
};
MarkovResult spatial_markov(const std::vector<double>& y0, const std::vector<double>& y1, const Weights& w,
                            int k);

}  // namespace cs::assess
