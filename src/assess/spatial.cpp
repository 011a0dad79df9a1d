#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <countyscope/assess/methods.hpp>
#include <countyscope/assess/spatial.hpp>
#include <countyscope/core/error.hpp>
#include <countyscope/core/parallel.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/io/csv.hpp>

namespace cs::assess {

namespace {
constexpr double kEarthKm = 6371.0088;
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t item) {
  std::uint64_t z = seed ^ (item * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
// esda's folded one-sided pseudo p-value.
double pseudo_p(std::size_t larger, int perms) {
  const std::size_t p = static_cast<std::size_t>(perms);
  if (p - larger < larger) larger = p - larger;
  return (static_cast<double>(larger) + 1.0) / (static_cast<double>(p) + 1.0);
}
}  // namespace

double great_circle_km(LonLat a, LonLat b) {
  const double d2r = M_PI / 180.0;
  const double dlat = (b.lat - a.lat) * d2r, dlon = (b.lon - a.lon) * d2r;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * d2r) * std::cos(b.lat * d2r) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(h)));
}

WeightsSpec parse_weights_spec(std::string_view s) {
  WeightsSpec w;
  auto bad = [&] {
    return unknown_value("spatial weights", s, {"knn:K", "band", "band:KM", "idw", "idw:KM"});
  };
  auto colon = s.find(':');
  const std::string_view kind = s.substr(0, colon);
  const std::string_view arg = colon == std::string_view::npos ? std::string_view{} : s.substr(colon + 1);
  if (kind == "knn") {
    w.kind = WeightsKind::kKnn;
    if (!arg.empty()) {
      auto v = parse_double(arg);
      if (!v || *v < 1 || *v != std::floor(*v)) throw bad();
      w.k = static_cast<int>(*v);
    }
  } else if (kind == "band" || kind == "idw") {
    w.kind = kind == "band" ? WeightsKind::kBand : WeightsKind::kIdw;
    if (!arg.empty()) {
      auto v = parse_double(arg);
      if (!v || *v <= 0) throw bad();
      w.band_km = *v;
    }
  } else {
    throw bad();
  }
  return w;
}

std::string to_string(const WeightsSpec& s) {
  switch (s.kind) {
    case WeightsKind::kKnn:
      return "knn:" + std::to_string(s.k);
    case WeightsKind::kBand:
      return s.band_km > 0 ? "band:" + format_number(s.band_km) : "band";
    case WeightsKind::kIdw:
      return s.band_km > 0 ? "idw:" + format_number(s.band_km) : "idw";
  }
  return "";
}

namespace {
void finish(Weights& w, bool row_std) {
  w.islands = 0;
  for (std::size_t i = 0; i < w.n; ++i) {
    double s = 0;
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) s += w.w[a];
    if (w.first[i] == w.first[i + 1]) ++w.islands;
    if (row_std && s > 0)
      for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) w.w[a] /= s;
  }
}
}  // namespace

Weights build_weights(const std::vector<LonLat>& pts, const WeightsSpec& spec, int threads) {
  Weights w;
  const std::size_t n = pts.size();
  w.n = n;
  w.spec = to_string(spec);
  if (spec.kind == WeightsKind::kKnn && n > 0 && static_cast<std::size_t>(spec.k) >= n)
    throw UsageError("spatial weights knn:" + std::to_string(spec.k) + " need more than k points (have " +
                     std::to_string(n) + ")");
  // Distances through unit vectors: the chord length is monotone in the great-circle distance, so neighbours
  // are ranked by a dot product (no trigonometry in the O(n^2) loop) and only the kept ones are converted to
  // km.
  std::vector<double> xyz(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const double lo = pts[i].lon * M_PI / 180.0, la = pts[i].lat * M_PI / 180.0;
    xyz[3 * i] = std::cos(la) * std::cos(lo);
    xyz[3 * i + 1] = std::cos(la) * std::sin(lo);
    xyz[3 * i + 2] = std::sin(la);
  }
  auto to_km = [](double c2) { return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(c2) / 2)); };
  // (km, j) per point, sorted by distance then index.
  std::vector<std::vector<std::pair<double, std::uint32_t>>> near(n);
  const bool knn = spec.kind == WeightsKind::kKnn;
  // Sweep in latitude order: |lat_i - lat_j| bounds the great-circle distance from below, so each search
  // stops once that bound exceeds the current k-th best (kNN) or the band. Exact, and far below O(n^2) on a
  // country.
  std::vector<std::uint32_t> ord(n);
  std::iota(ord.begin(), ord.end(), 0u);
  std::sort(ord.begin(), ord.end(),
            [&](auto x, auto y) { return pts[x].lat != pts[y].lat ? pts[x].lat < pts[y].lat : x < y; });
  std::vector<std::size_t> pos(n);
  for (std::size_t k = 0; k < n; ++k) pos[ord[k]] = k;
  // chord^2 >= (z_i - z_j)^2 with z = sin(lat), which grows with latitude: a lower bound that costs one
  // subtraction (the exact latitude bound needs a sine per candidate). Coordinates in sweep order,
  // contiguous.
  std::vector<double> sxyz(3 * n);
  for (std::size_t p = 0; p < n; ++p)
    for (std::size_t c = 0; c < 3; ++c) sxyz[3 * p + c] = xyz[3 * ord[p] + c];
  auto lat_bound = [&](std::size_t i, std::size_t p) {
    const double dz = xyz[3 * i + 2] - sxyz[3 * p + 2];
    return dz * dz * (1 - 1e-12);
  };
  // Neighbours of i: the k nearest (k > 0) or all with chord^2 <= limit (k == 0); (chord^2, j) sorted.
  auto search = [&](std::size_t i, std::size_t k, double limit) {
    std::vector<std::pair<double, std::uint32_t>> best;
    auto bound = [&] { return k > 0 ? (best.size() < k ? 1e300 : best.back().first) : limit; };
    auto consider = [&](std::size_t p) {
      const double dx = xyz[3 * i] - sxyz[3 * p], dy = xyz[3 * i + 1] - sxyz[3 * p + 1],
                   dz = xyz[3 * i + 2] - sxyz[3 * p + 2];
      const std::pair<double, std::uint32_t> c{dx * dx + dy * dy + dz * dz, ord[p]};
      if (k > 0) {
        if (best.size() == k && !(c < best.back())) return;
        best.insert(std::upper_bound(best.begin(), best.end(), c), c);
        if (best.size() > k) best.pop_back();
      } else if (c.first <= limit) {
        best.push_back(c);
      }
    };
    for (std::size_t p = pos[i] + 1; p < n && lat_bound(i, p) <= bound(); ++p) consider(p);
    for (std::size_t p = pos[i]; p-- > 0 && lat_bound(i, p) <= bound();) consider(p);
    std::sort(best.begin(), best.end());
    return best;
  };
  double band = spec.band_km;
  if (!knn && band <= 0) {
    // The smallest band that gives every point a neighbour: the largest nearest-neighbour distance.
    std::vector<double> nn(n, 0.0);
    parallel_for(
        n, threads,
        [&](std::size_t i, int) {
          const auto b1 = search(i, 1, 0);
          nn[i] = b1.empty() ? 0.0 : to_km(b1.front().first);
        },
        16);
    for (double d : nn) band = std::max(band, d);
  }
  const double band_c2 =
      knn ? 0.0 : std::pow(2 * std::sin(std::min(band / kEarthKm, M_PI) / 2), 2) * (1 + 1e-12);
  parallel_for(
      n, threads,
      [&](std::size_t i, int) {
        auto d = search(i, knn ? static_cast<std::size_t>(spec.k) : 0, band_c2);
        for (auto& e : d) e.first = to_km(e.first);
        if (!knn) {
          while (!d.empty() && d.back().first > band) d.pop_back();
        }
        near[i] = std::move(d);
      },
      16);
  w.band_km = spec.kind == WeightsKind::kKnn ? 0.0 : band;
  w.first.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::pair<std::uint32_t, double>> row;
    for (const auto& [d, j] : near[i]) {
      if (spec.kind != WeightsKind::kKnn && d > band) break;
      double wt = 1.0;
      if (spec.kind == WeightsKind::kIdw) wt = std::pow(std::max(d, 1e-3), -spec.idw_power);
      row.emplace_back(j, wt);
    }
    std::sort(row.begin(), row.end());
    for (auto [j, wt] : row) {
      w.nbr.push_back(j);
      w.w.push_back(wt);
    }
    w.first[i + 1] = w.nbr.size();
  }
  finish(w, spec.row_standardise);
  return w;
}

Weights lattice_rook(std::size_t rows, std::size_t cols, bool row_standardise) {
  Weights w;
  w.n = rows * cols;
  w.spec = "rook lattice";
  w.first.assign(w.n + 1, 0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const std::size_t i = r * cols + c;
      if (r > 0) {
        w.nbr.push_back(static_cast<std::uint32_t>(i - cols));
        w.w.push_back(1);
      }
      if (c > 0) {
        w.nbr.push_back(static_cast<std::uint32_t>(i - 1));
        w.w.push_back(1);
      }
      if (c + 1 < cols) {
        w.nbr.push_back(static_cast<std::uint32_t>(i + 1));
        w.w.push_back(1);
      }
      if (r + 1 < rows) {
        w.nbr.push_back(static_cast<std::uint32_t>(i + cols));
        w.w.push_back(1);
      }
      w.first[i + 1] = w.nbr.size();
    }
  finish(w, row_standardise);
  return w;
}

std::vector<double> spatial_lag(const Weights& w, const std::vector<double>& y) {
  std::vector<double> lag(w.n, 0.0);
  for (std::size_t i = 0; i < w.n; ++i)
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) lag[i] += w.w[a] * y[w.nbr[a]];
  return lag;
}

namespace {
std::vector<double> centred(const std::vector<double>& y) {
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  std::vector<double> z(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) z[i] = y[i] - mean;
  return z;
}
double moran_stat(const Weights& w, const std::vector<double>& z, double s0, double zz) {
  double num = 0;
  for (std::size_t i = 0; i < w.n; ++i) {
    double l = 0;
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) l += w.w[a] * z[w.nbr[a]];
    num += z[i] * l;
  }
  return static_cast<double>(w.n) / s0 * num / zz;
}
}  // namespace

MoranResult moran(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                  int threads) {
  MoranResult r;
  const std::size_t n = y.size();
  const double nd = static_cast<double>(n);
  if (n < 4 || w.n != n) throw InputError("Moran's I needs at least 4 located counties and matching weights");
  const auto z = centred(y);
  double zz = 0, z4 = 0;
  for (double v : z) {
    zz += v * v;
    z4 += v * v * v * v;
  }
  if (!(zz > 0)) throw InputError("Moran's I: the variable is constant");
  // S0, S1 = 1/2 sum (w_ij + w_ji)^2, S2 = sum_i (w_i. + w_.i)^2.
  std::vector<std::pair<std::uint64_t, double>> sym;  // (unordered pair key, w_ij)
  sym.reserve(w.nbr.size());
  std::vector<double> rs(n, 0), cs(n, 0);
  double s0 = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
      const auto j = w.nbr[a];
      s0 += w.w[a];
      rs[i] += w.w[a];
      cs[j] += w.w[a];
      const std::uint64_t lo = std::min<std::uint64_t>(i, j), hi = std::max<std::uint64_t>(i, j);
      sym.emplace_back(lo << 32 | hi, w.w[a]);
    }
  double s1 = 0, s2 = 0;
  // 1/2 sum over ordered pairs of (w_ij + w_ji)^2 = sum over unordered pairs.
  std::sort(sym.begin(), sym.end());
  for (std::size_t a = 0; a < sym.size();) {
    double v = 0;
    std::size_t b = a;
    for (; b < sym.size() && sym[b].first == sym[a].first; ++b) v += sym[b].second;
    s1 += v * v;
    a = b;
  }
  for (std::size_t i = 0; i < n; ++i) s2 += (rs[i] + cs[i]) * (rs[i] + cs[i]);
  r.i = moran_stat(w, z, s0, zz);
  r.expected = -1.0 / (nd - 1);
  const double e2 = r.expected * r.expected;
  r.var_norm = (nd * nd * s1 - nd * s2 + 3 * s0 * s0) / ((nd * nd - 1) * s0 * s0) - e2;
  const double b2 = nd * z4 / (zz * zz);
  r.var_rand = (nd * ((nd * nd - 3 * nd + 3) * s1 - nd * s2 + 3 * s0 * s0) -
                b2 * ((nd * nd - nd) * s1 - 2 * nd * s2 + 6 * s0 * s0)) /
                   ((nd - 1) * (nd - 2) * (nd - 3) * s0 * s0) -
               e2;
  r.z_norm = (r.i - r.expected) / std::sqrt(r.var_norm);
  r.z_rand = (r.i - r.expected) / std::sqrt(r.var_rand);
  r.p_norm = 2 * (1 - normal_cdf(std::fabs(r.z_norm)));
  r.p_rand = 2 * (1 - normal_cdf(std::fabs(r.z_rand)));
  r.permutations = permutations;
  r.seed = seed;
  if (permutations > 0) {
    std::vector<double> sims(static_cast<std::size_t>(permutations));
    // Permutations in batches of kB: one pass over the weights serves kB permuted vectors stored side by side
    // (z values of one county for the kB permutations share a cache line). Each permutation's sums run in the
    // same order as moran_stat, so the values are the same bits as one permutation at a time.
    constexpr std::size_t kB = 8;
    const std::size_t batches = (sims.size() + kB - 1) / kB;
    parallel_for(batches, threads, [&](std::size_t bt, int) {
      const std::size_t k0 = bt * kB, nb = std::min(kB, sims.size() - k0);
      std::vector<double> zb(n * kB, 0.0), zp;
      for (std::size_t b = 0; b < nb; ++b) {
        Rng rng(mix_seed(seed, k0 + b));
        zp = z;
        for (std::size_t i = n - 1; i > 0; --i) std::swap(zp[i], zp[rng.below(i + 1)]);
        for (std::size_t i = 0; i < n; ++i) zb[i * kB + b] = zp[i];
      }
      double num[kB] = {};
      for (std::size_t i = 0; i < w.n; ++i) {
        double l[kB] = {};
        for (std::size_t a = w.first[i]; a < w.first[i + 1]; ++a) {
          const double wa = w.w[a];
          const double* zj = &zb[w.nbr[a] * kB];
          for (std::size_t b = 0; b < kB; ++b) l[b] += wa * zj[b];
        }
        const double* zi = &zb[i * kB];
        for (std::size_t b = 0; b < kB; ++b) num[b] += zi[b] * l[b];
      }
      for (std::size_t b = 0; b < nb; ++b) sims[k0 + b] = static_cast<double>(w.n) / s0 * num[b] / zz;
    });
    std::size_t larger = 0;
    double sum = 0, ss = 0;
    for (double s : sims) {
      if (s >= r.i) ++larger;
      sum += s;
    }
    r.mean_sim = sum / static_cast<double>(sims.size());
    for (double s : sims) ss += (s - r.mean_sim) * (s - r.mean_sim);
    r.sd_sim = sims.size() > 1 ? std::sqrt(ss / static_cast<double>(sims.size() - 1)) : 0;
    r.p_sim = pseudo_p(larger, permutations);
  }
  return r;
}

LisaVariance parse_lisa_variance(std::string_view s) {
  if (s == "esda") return LisaVariance::kEsda;
  if (s == "spdep") return LisaVariance::kSpdep;
  throw unknown_value("LISA variance convention", s, {"esda", "spdep"});
}
std::string_view to_string(LisaVariance v) { return v == LisaVariance::kEsda ? "esda" : "spdep"; }

LisaResult lisa(const std::vector<double>& y, const Weights& w, int permutations, std::uint64_t seed,
                int threads, LisaVariance var, double alpha) {
  LisaResult r;
  const std::size_t n = y.size();
  if (n < 3 || w.n != n) throw InputError("LISA needs at least 3 located counties and matching weights");
  r.z = centred(y);
  double zz = 0;
  for (double v : r.z) zz += v * v;
  if (!(zz > 0)) throw InputError("LISA: the variable is constant");
  const double m2 = zz / (var == LisaVariance::kEsda ? static_cast<double>(n - 1) : static_cast<double>(n));
  r.lag_z = spatial_lag(w, r.z);
  r.ii.resize(n);
  r.p_sim.assign(n, 1.0);
  r.label.assign(n, "ns");
  r.permutations = permutations;
  r.seed = seed;
  r.alpha = alpha;
  for (std::size_t i = 0; i < n; ++i) r.ii[i] = r.z[i] / m2 * r.lag_z[i];
  parallel_for(
      n, threads,
      [&](std::size_t i, int) {
        const std::size_t k = w.first[i + 1] - w.first[i];
        if (k == 0) {
          r.label[i] = "island";
          r.p_sim[i] = std::numeric_limits<double>::quiet_NaN();
          return;
        }
        if (permutations > 0) {
          // Conditional permutation: hold z_i, draw its k neighbours' values from the other n-1 counties.
          Rng rng(mix_seed(seed, i));
          std::vector<std::size_t> pick(k);
          std::size_t larger = 0;
          for (int p = 0; p < permutations; ++p) {
            for (std::size_t a = 0; a < k; ++a) {
              for (;;) {
                std::size_t c = rng.below(n - 1);
                if (c >= i) ++c;  // skip i itself
                bool dup = false;
                for (std::size_t b = 0; b < a; ++b) dup = dup || pick[b] == c;
                if (!dup) {
                  pick[a] = c;
                  break;
                }
              }
            }
            double lag = 0;
            for (std::size_t a = 0; a < k; ++a) lag += w.w[w.first[i] + a] * r.z[pick[a]];
            if (r.z[i] / m2 * lag >= r.ii[i]) ++larger;
          }
          r.p_sim[i] = pseudo_p(larger, permutations);
        }
        if (r.p_sim[i] < alpha) {
          const bool hi = r.z[i] > 0, lag_hi = r.lag_z[i] > 0;
          r.label[i] = hi ? (lag_hi ? "HH" : "HL") : (lag_hi ? "LH" : "LL");
        }
      },
      16);
  return r;
}

// ---- GeoDetector ----

namespace {
struct Strata {
  std::vector<int> label;
  std::vector<std::size_t> n;
  std::vector<double> mean, var;  // population variance sigma_h^2
};
Strata stratify(const std::vector<double>& y, const std::vector<int>& s) {
  std::map<int, std::size_t> idx;
  for (int v : s) idx.emplace(v, 0);
  Strata st;
  for (auto& [k, v] : idx) {
    v = st.label.size();
    st.label.push_back(k);
  }
  const std::size_t L = st.label.size();
  st.n.assign(L, 0);
  st.mean.assign(L, 0);
  st.var.assign(L, 0);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::size_t h = idx[s[i]];
    st.n[h]++;
    st.mean[h] += y[i];
  }
  for (std::size_t h = 0; h < L; ++h) st.mean[h] /= static_cast<double>(st.n[h]);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const std::size_t h = idx[s[i]];
    st.var[h] += (y[i] - st.mean[h]) * (y[i] - st.mean[h]);
  }
  for (std::size_t h = 0; h < L; ++h) st.var[h] /= static_cast<double>(st.n[h]);
  return st;
}
double total_ss(const std::vector<double>& y) {
  const double m = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  double ss = 0;
  for (double v : y) ss += (v - m) * (v - m);
  return ss;
}
double q_of(const std::vector<double>& y, const Strata& st) {
  const double sst = total_ss(y);
  double ssw = 0;
  for (std::size_t h = 0; h < st.n.size(); ++h) ssw += static_cast<double>(st.n[h]) * st.var[h];
  return sst > 0 ? 1 - ssw / sst : 0.0;
}
std::vector<int> cross(const std::vector<int>& a, const std::vector<int>& b) {
  std::map<std::pair<int, int>, int> idx;
  std::vector<int> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    out[i] = idx.try_emplace({a[i], b[i]}, static_cast<int>(idx.size())).first->second;
  return out;
}
}  // namespace

FactorDetector factor_detector(const std::vector<double>& y, const std::vector<int>& strata,
                               std::string name) {
  FactorDetector f;
  f.name = std::move(name);
  const Strata st = stratify(y, strata);
  const double N = static_cast<double>(y.size()), L = static_cast<double>(st.n.size());
  f.strata = static_cast<int>(st.n.size());
  for (auto c : st.n) f.single_unit_strata += c == 1 ? 1 : 0;
  f.q = q_of(y, st);
  // Non-central F (Wang, Zhang et al. 2016): F = (N-L)/(L-1) q/(1-q), lambda = [sum Ybar_h^2 - (sum sqrt(N_h)
  // Ybar_h)^2 / N] / sigma^2.
  const double sigma2 = total_ss(y) / N;
  double a = 0, b = 0;
  for (std::size_t h = 0; h < st.n.size(); ++h) {
    a += st.mean[h] * st.mean[h];
    b += std::sqrt(static_cast<double>(st.n[h])) * st.mean[h];
  }
  f.lambda = sigma2 > 0 ? (a - b * b / N) / sigma2 : 0.0;
  if (L > 1 && N > L && f.q < 1) {
    f.f = (N - L) / (L - 1) * f.q / (1 - f.q);
    f.p = noncentral_f_sf(f.f, L - 1, N - L, f.lambda);
  } else {
    f.f = f.q >= 1 ? std::numeric_limits<double>::infinity() : 0.0;
    f.p = f.q >= 1 ? 0.0 : 1.0;
  }
  return f;
}

Interaction interaction_detector(const std::vector<double>& y, const std::vector<int>& sa,
                                 const std::vector<int>& sb, std::string a, std::string b) {
  Interaction r;
  r.a = std::move(a);
  r.b = std::move(b);
  r.q_a = q_of(y, stratify(y, sa));
  r.q_b = q_of(y, stratify(y, sb));
  r.q_ab = q_of(y, stratify(y, cross(sa, sb)));
  const double lo = std::min(r.q_a, r.q_b), hi = std::max(r.q_a, r.q_b), sum = r.q_a + r.q_b;
  const double tol = 1e-12;
  if (r.q_ab < lo - tol)
    r.kind = "nonlinear weaken";
  else if (r.q_ab <= hi + tol && r.q_ab >= lo - tol && r.q_ab < hi - tol)
    r.kind = "uni-variable weaken";
  else if (std::fabs(r.q_ab - sum) <= 1e-9)
    r.kind = "independent";
  else if (r.q_ab > sum)
    r.kind = "nonlinear enhance";
  else
    r.kind = "bi-variable enhance";
  return r;
}

RiskDetector risk_detector(const std::vector<double>& y, const std::vector<int>& strata, std::string name) {
  RiskDetector r;
  r.name = std::move(name);
  const Strata st = stratify(y, strata);
  r.stratum = st.label;
  r.n = st.n;
  r.mean = st.mean;
  for (std::size_t a = 0; a < st.n.size(); ++a)
    for (std::size_t b = a + 1; b < st.n.size(); ++b) {
      if (st.n[a] < 2 || st.n[b] < 2) continue;  // single-unit strata: no sample variance, no test
      const double na = static_cast<double>(st.n[a]), nb = static_cast<double>(st.n[b]);
      const double va = st.var[a] * na / (na - 1), vb = st.var[b] * nb / (nb - 1);  // sample variances
      RiskPair p;
      p.s1 = st.label[a];
      p.s2 = st.label[b];
      p.mean1 = st.mean[a];
      p.mean2 = st.mean[b];
      const double se2 = va / na + vb / nb;
      if (se2 <= 0) {
        p.t = st.mean[a] == st.mean[b] ? 0.0 : std::numeric_limits<double>::infinity();
        p.df = na + nb - 2;
        p.p = st.mean[a] == st.mean[b] ? 1.0 : 0.0;
      } else {
        p.t = (st.mean[a] - st.mean[b]) / std::sqrt(se2);
        p.df = se2 * se2 / ((va / na) * (va / na) / (na - 1) + (vb / nb) * (vb / nb) / (nb - 1));
        p.p = student_t_sf2(p.t, p.df);
      }
      p.significant = p.p < 0.05;
      r.pairs.push_back(p);
    }
  return r;
}

Ecological ecological_detector(const std::vector<double>& y, const std::vector<int>& sa,
                               const std::vector<int>& sb, std::string a, std::string b) {
  Ecological e;
  e.a = std::move(a);
  e.b = std::move(b);
  auto ssw = [&](const std::vector<int>& s) {
    const Strata st = stratify(y, s);
    double v = 0;
    for (std::size_t h = 0; h < st.n.size(); ++h) v += static_cast<double>(st.n[h]) * st.var[h];
    return v;
  };
  const double N = static_cast<double>(y.size());
  const double wa = ssw(sa), wb = ssw(sb);
  // F = [N_a (N_b - 1) SSW_a] / [N_b (N_a - 1) SSW_b] with N_a = N_b = N; df (N-1, N-1); two-sided.
  e.f = wb > 0 ? wa / wb : std::numeric_limits<double>::infinity();
  const double up = f_sf(e.f, N - 1, N - 1);
  e.p = std::min(1.0, 2 * std::min(up, 1 - up));
  e.significant = e.p < 0.05;
  return e;
}

std::vector<int> quantile_classes(const std::vector<double>& v, int k) {
  std::vector<double> breaks;
  for (int c = 1; c < k; ++c) breaks.push_back(quantile(v, static_cast<double>(c) / k));
  std::vector<int> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = static_cast<int>(std::lower_bound(breaks.begin(), breaks.end(), v[i]) - breaks.begin());
  return out;
}

MarkovResult spatial_markov(const std::vector<double>& y0, const std::vector<double>& y1, const Weights& w,
                            int k) {
  MarkovResult r;
  r.k = k;
  r.n = y0.size();
  const auto c0 = quantile_classes(y0, k), c1 = quantile_classes(y1, k);
  const auto lag = spatial_lag(w, y0);
  const auto cl = quantile_classes(lag, k);
  const auto K = static_cast<std::size_t>(k);
  r.counts.assign(K, std::vector<std::size_t>(K, 0));
  r.counts_cond.assign(K, std::vector<std::vector<std::size_t>>(K, std::vector<std::size_t>(K, 0)));
  for (std::size_t i = 0; i < y0.size(); ++i) {
    r.counts[static_cast<std::size_t>(c0[i])][static_cast<std::size_t>(c1[i])]++;
    r.counts_cond[static_cast<std::size_t>(cl[i])][static_cast<std::size_t>(c0[i])]
                 [static_cast<std::size_t>(c1[i])]++;
  }
  auto rows = [&](const std::vector<std::vector<std::size_t>>& c) {
    std::vector<std::vector<double>> p(K, std::vector<double>(K, 0.0));
    for (std::size_t a = 0; a < K; ++a) {
      const double s = static_cast<double>(std::accumulate(c[a].begin(), c[a].end(), std::size_t{0}));
      for (std::size_t b = 0; b < K; ++b) p[a][b] = s > 0 ? static_cast<double>(c[a][b]) / s : 0.0;
    }
    return p;
  };
  r.p = rows(r.counts);
  for (std::size_t l = 0; l < K; ++l) r.p_cond.push_back(rows(r.counts_cond[l]));
  // Homogeneity (Rey 2001; Bickenbach & Bode 2003): Q = 2 sum_l sum_ij n_lij ln(p_lij/p_ij),
  // df = sum over lag classes l and rows i with n_li > 0 of (#{j: p_ij > 0} - 1).
  for (std::size_t l = 0; l < K; ++l)
    for (std::size_t a = 0; a < K; ++a) {
      const auto nli =
          std::accumulate(r.counts_cond[l][a].begin(), r.counts_cond[l][a].end(), std::size_t{0});
      if (nli == 0) continue;
      int pos = 0;
      for (std::size_t b = 0; b < K; ++b) {
        if (r.p[a][b] > 0) ++pos;
        if (r.counts_cond[l][a][b] > 0)
          r.q += 2 * static_cast<double>(r.counts_cond[l][a][b]) * std::log(r.p_cond[l][a][b] / r.p[a][b]);
      }
      r.df += pos - 1;
    }
  // Pooled rows must also be counted: the unconstrained model has K x (K-1) pooled parameters.
  for (std::size_t a = 0; a < K; ++a) {
    int pos = 0;
    for (std::size_t b = 0; b < K; ++b) pos += r.p[a][b] > 0 ? 1 : 0;
    if (pos > 0) r.df -= pos - 1;
  }
  r.p_value = r.df > 0 ? chi2_sf(r.q, r.df) : 1.0;
  return r;
}

}  // namespace cs::assess
