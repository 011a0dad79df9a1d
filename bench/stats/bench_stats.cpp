// Benchmark of `stats autocorrelation`'s kernels against NumPy/SciPy implementations of the same formulas
// (bench/stats/peer.py), in the same run: queen contiguity from a synthetic grid of R x C square polygons and
// LISA with 999 conditional permutations on it (row-standardised), and kNN-8 / 50 km band weights on the
// bundled county centres and on 10^5 random points (great circle): end to end (unit vectors, KD-tree, search,
// rows) and the search alone (build_weights' own split, WeightsTimes). Usage: bench_stats SOURCE_DIR WORK_DIR
// [rows cols]
// -> writes the inputs and our answers for the peer and prints timings as JSON.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <countyscope/assess/assess.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/io/output.hpp>

namespace a = cs::assess;

template <class F>
double best_of(int reps, F&& f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

namespace {
void write_points(const std::string& file, const std::vector<cs::LonLat>& pts) {
  cs::CsvWriter w({"lon", "lat"});
  for (const auto& p : pts) {
    w.cell(p.lon).cell(p.lat);
    w.end_row();
  }
  cs::write_file(file, w.str());
}
void write_links(const std::string& file, const a::Weights& w) {
  cs::CsvWriter o({"i", "j"});
  for (std::size_t i = 0; i < w.n; ++i)
    for (std::size_t k = w.first[i]; k < w.first[i + 1]; ++k) {
      o.cell(i).cell(w.nbr[k]);
      o.end_row();
    }
  cs::write_file(file, o.str());
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_stats SOURCE_DIR WORK_DIR [rows cols]\n");
    return 2;
  }
  const std::string src = argv[1], work = argv[2];
  const int rows = argc > 4 ? std::atoi(argv[3]) : 60, cols = argc > 4 ? std::atoi(argv[4]) : 60;
  std::filesystem::create_directories(work);
  const int all = cs::Context{}.thread_count();
  // Grid of unit squares; y: a smooth trend plus noise (clusters for LISA to find).
  std::vector<std::vector<std::vector<std::vector<cs::LonLat>>>> polys;
  std::vector<double> y;
  cs::Rng rng(7);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double x0 = c, y0 = r;
      polys.push_back({{{{x0, y0}, {x0 + 1, y0}, {x0 + 1, y0 + 1}, {x0, y0 + 1}, {x0, y0}}}});
      y.push_back(std::sin(c / 7.0) + std::cos(r / 5.0) + rng.uniform());
    }
  const int reps_q = 5, reps_lisa = 3, reps_w = 30, reps_w5 = 3;
  a::Weights q;
  const double t_queen = best_of(reps_q, [&] { q = a::contiguity_weights(polys, true); });
  const a::Weights qr = a::transformed(q, a::WeightsTransform::kRow);
  a::LisaResult li;
  const double t_lisa1 =
      best_of(reps_lisa, [&] { li = a::lisa_crand(y, qr, 999, 12345, 1, a::LisaVariance::kEsda, 0.05); });
  const double t_lisa =
      best_of(reps_lisa, [&] { li = a::lisa_crand(y, qr, 999, 12345, all, a::LisaVariance::kEsda, 0.05); });
  {
    cs::CsvWriter wy({"y"});
    for (double v : y) {
      wy.cell(v);
      wy.end_row();
    }
    cs::write_file(work + "/grid_y.csv", wy.str());
    write_links(work + "/ours_queen.csv", q);
    cs::CsvWriter wl({"Ii", "p_sim"});
    for (std::size_t i = 0; i < li.ii.size(); ++i) {
      wl.cell(li.ii[i]).cell(li.p_sim[i]);
      wl.end_row();
    }
    cs::write_file(work + "/ours_lisa.csv", wl.str());
  }
  // Weights: bundled county centres and 10^5 random points over China's extent.
  const auto c = a::read_table(src + "/data/china/county_centres.csv.gz");
  std::vector<cs::LonLat> centres, random;
  for (std::size_t r = 0; r < c.rows(); ++r)
    centres.push_back({c.number(r, c.column("lon_wgs84")), c.number(r, c.column("lat_wgs84"))});
  for (int i = 0; i < 100'000; ++i) random.push_back({75 + 60 * rng.uniform(), 18 + 35 * rng.uniform()});
  const auto knn8 = a::parse_weights_spec("knn:8"), band50 = a::parse_weights_spec("band:50");
  double t[2][4];   // [set][knn 1t, knn all, band 1t, band all]
  double tq[2][2];  // [set][knn, band]: the search alone (build_weights' search part, 1 thread), minimum
  double ti[2][2];  // the index alone (unit vectors + KD-tree), minimum
  const std::vector<cs::LonLat>* sets[2] = {&centres, &random};
  const char* names[2] = {"centres", "random"};
  for (int s = 0; s < 2; ++s) {
    const int reps = s == 0 ? reps_w : reps_w5;
    a::Weights wk, wb;
    a::WeightsTimes parts;
    tq[s][0] = tq[s][1] = ti[s][0] = ti[s][1] = 1e300;
    t[s][0] = best_of(reps, [&] {
      wk = a::build_weights(*sets[s], knn8, 1, &parts);
      tq[s][0] = std::min(tq[s][0], parts.search_s);
      ti[s][0] = std::min(ti[s][0], parts.index_s);
    });
    t[s][1] = best_of(reps, [&] { wk = a::build_weights(*sets[s], knn8, all); });
    t[s][2] = best_of(reps, [&] {
      wb = a::build_weights(*sets[s], band50, 1, &parts);
      tq[s][1] = std::min(tq[s][1], parts.search_s);
      ti[s][1] = std::min(ti[s][1], parts.index_s);
    });
    t[s][3] = best_of(reps, [&] { wb = a::build_weights(*sets[s], band50, all); });
    write_points(work + "/" + names[s] + ".csv", *sets[s]);
    write_links(work + "/ours_knn8_" + names[s] + ".csv", wk);
    write_links(work + "/ours_band50_" + names[s] + ".csv", wb);
  }
  std::printf(
      "{\"rows\": %d, \"cols\": %d, \"n_polygons\": %zu, \"queen_links\": %zu, \"threads\": %d, "
      "\"reps_queen\": %d, "
      "\"reps_lisa\": %d, \"reps_w_centres\": %d, \"reps_w_random\": %d, \"queen_s\": %.6g, "
      "\"lisa_999_1t_s\": %.6g, "
      "\"lisa_999_s\": %.6g, \"n_centres\": %zu, \"n_random\": %zu, "
      "\"knn8_centres_1t_s\": %.6g, \"knn8_centres_s\": %.6g, \"band50_centres_1t_s\": %.6g, "
      "\"band50_centres_s\": %.6g, \"knn8_random_1t_s\": %.6g, \"knn8_random_s\": %.6g, "
      "\"band50_random_1t_s\": %.6g, \"band50_random_s\": %.6g, \"knn8_centres_query_s\": %.6g, "
      "\"band50_centres_query_s\": %.6g, \"knn8_random_query_s\": %.6g, \"band50_random_query_s\": %.6g, "
      "\"knn8_centres_index_s\": %.6g, \"knn8_random_index_s\": %.6g}\n",
      rows, cols, polys.size(), q.nbr.size(), all, reps_q, reps_lisa, reps_w, reps_w5, t_queen, t_lisa1,
      t_lisa, centres.size(), random.size(), t[0][0], t[0][1], t[0][2], t[0][3], t[1][0], t[1][1], t[1][2],
      t[1][3], tq[0][0], tq[0][1], tq[1][0], tq[1][1], ti[0][0], ti[1][0]);
  return 0;
}
