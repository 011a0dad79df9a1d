// Benchmark of the national assessment kernels against NumPy/SciPy implementations of the same formulas
// (bench/assess/peer.py), on the bundled data: entropy-TOPSIS-CCD on all 2,943 counties, Moran's I with 999
// permutations and LISA with 999 conditional permutations on the 2,742 located counties (kNN-8,
// row-standardised). Usage: bench_assess SOURCE_DIR WORK_DIR [threads]  -> writes the inputs for the peer and
// prints timings as JSON.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unordered_map>

#include <countyscope/assess/assess.hpp>
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

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_assess SOURCE_DIR WORK_DIR [threads]\n");
    return 2;
  }
  const std::string src = argv[1], work = argv[2];
  const int threads = argc > 3 ? std::atoi(argv[3]) : 0;
  std::filesystem::create_directories(work);
  const auto sys = a::load_indicator_system(src + "/data/config/integration.toml");
  const auto t = a::read_table(src + "/data/china/county_features_2020.csv.gz");
  const std::size_t n = t.rows(), m = sys.indicators.size();
  a::Columns x(m, a::Column(n));
  std::vector<int> dir;
  for (std::size_t j = 0; j < m; ++j) {
    const auto f = a::Formula::parse(sys.indicators[j].formula_text, "bench");
    dir.push_back(sys.indicators[j].direction);
    std::vector<double> v(f.columns().size());
    std::vector<double> present;
    for (std::size_t r = 0; r < n; ++r) {
      bool miss = false;
      for (std::size_t c = 0; c < v.size(); ++c) {
        auto o = t.optional_number(r, t.column(f.columns()[c]));
        miss = miss || !o;
        v[c] = o.value_or(0);
      }
      x[j][r] = miss ? NAN : f.eval(v.data());
      if (!std::isnan(x[j][r])) present.push_back(x[j][r]);
    }
    const double med = a::quantile(present, 0.5);
    for (auto& val : x[j])
      if (std::isnan(val)) val = med;  // impute the median so all 2,943 counties take part
  }
  std::vector<std::size_t> dim_of(m);
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t d = 0; d < sys.dimensions.size(); ++d)
      if (sys.dimensions[d].id == sys.indicators[j].dimension) dim_of[j] = d;
  a::ScoringSpec spec;
  spec.direction = dir;
  spec.dimension = dim_of;
  spec.n_dimensions = sys.dimensions.size();
  spec.topsis = a::TopsisNorm::kVector;
  spec.coupling = a::CouplingForm::kCorrected;
  std::vector<double> score, dsum(n);
  // The kernel run_assess uses: normalise + entropy weights + TOPSIS + dimension scores + coupling.
  const int all = threads > 0 ? threads : cs::Context{}.thread_count();
  auto pipeline = [&](int th) {
    const auto s = a::score_counties(x, spec, th);
    score = s.score;
    for (std::size_t i = 0; i < n; ++i) dsum[i] = s.coupling[i].d;
  };
  // Repetitions per kernel: the peer (peer.py) reads them from this program's JSON and runs the same number;
  // both sides report the minimum. A sub-millisecond kernel on a shared machine needs many runs.
  const int reps_score = std::getenv("CS_REPS") ? std::atoi(std::getenv("CS_REPS")) : 200;
  const int reps_w = 20, reps_moran = 5, reps_lisa = 5;
  const double t_score1 = best_of(reps_score, [&] { pipeline(1); });
  const double t_score = best_of(reps_score, [&] { pipeline(all); });
  // Located counties.
  const auto c = a::read_table(src + "/data/china/county_centres.csv.gz");
  std::unordered_map<std::string, cs::LonLat> at;
  for (std::size_t r = 0; r < c.rows(); ++r)
    at[c.text(r, c.column("adcode"))] = {c.number(r, c.column("lon_wgs84")),
                                         c.number(r, c.column("lat_wgs84"))};
  std::vector<cs::LonLat> pts;
  std::vector<double> y;
  for (std::size_t r = 0; r < n; ++r)
    if (auto it = at.find(t.text(r, t.column("adcode"))); it != at.end()) {
      pts.push_back(it->second);
      y.push_back(score[r]);
    }
  a::Weights w;
  const auto knn8 = a::parse_weights_spec("knn:8");
  const double t_w1 = best_of(reps_w, [&] { w = a::build_weights(pts, knn8, 1); });
  const double t_w = best_of(reps_w, [&] { w = a::build_weights(pts, knn8, all); });
  // Distance band: every county within 100 km (great circle).
  a::Weights wb;
  const auto band100 = a::parse_weights_spec("band:100");
  const double t_b1 = best_of(reps_w, [&] { wb = a::build_weights(pts, band100, 1); });
  const double t_b = best_of(reps_w, [&] { wb = a::build_weights(pts, band100, all); });
  a::MoranResult mo;
  const double t_moran1 = best_of(reps_moran, [&] { mo = a::moran(y, w, 999, 12345, 1); });
  const double t_moran = best_of(reps_moran, [&] { mo = a::moran(y, w, 999, 12345, all); });
  a::LisaResult li;
  const double t_lisa1 =
      best_of(reps_lisa, [&] { li = a::lisa(y, w, 999, 12345, 1, a::LisaVariance::kEsda, 0.05); });
  const double t_lisa =
      best_of(reps_lisa, [&] { li = a::lisa(y, w, 999, 12345, all, a::LisaVariance::kEsda, 0.05); });
  // Our answers, for the peer to compare: scores, weights, LISA.
  {
    cs::CsvWriter ws({"score", "D"});
    for (std::size_t i = 0; i < n; ++i) {
      ws.cell(score[i]).cell(dsum[i]);
      ws.end_row();
    }
    cs::write_file(work + "/ours_scores.csv", ws.str());
    cs::CsvWriter ww({"i", "j", "w"});
    for (std::size_t i = 0; i < w.n; ++i)
      for (std::size_t k = w.first[i]; k < w.first[i + 1]; ++k) {
        ww.cell(i).cell(w.nbr[k]).cell(w.w[k]);
        ww.end_row();
      }
    cs::write_file(work + "/ours_weights.csv", ww.str());
    cs::CsvWriter wbw({"i", "j"});
    for (std::size_t i = 0; i < wb.n; ++i)
      for (std::size_t k = wb.first[i]; k < wb.first[i + 1]; ++k) {
        wbw.cell(i).cell(wb.nbr[k]);
        wbw.end_row();
      }
    cs::write_file(work + "/ours_band100.csv", wbw.str());
    cs::CsvWriter wl({"Ii", "p_sim", "label"});
    for (std::size_t i = 0; i < li.ii.size(); ++i) {
      wl.cell(li.ii[i]).cell(li.p_sim[i]).cell(li.label[i]);
      wl.end_row();
    }
    cs::write_file(work + "/ours_lisa.csv", wl.str());
  }
  // Inputs for the peer.
  {
    std::vector<std::string> h;
    for (std::size_t j = 0; j < m; ++j) h.push_back(sys.indicators[j].id);
    cs::CsvWriter wx(h);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < m; ++j) wx.cell(x[j][i]);
      wx.end_row();
    }
    cs::write_file(work + "/x.csv", wx.str());
    cs::CsvWriter wd({"direction", "dimension"});
    for (std::size_t j = 0; j < m; ++j) {
      wd.cell(dir[j]).cell(dim_of[j]);
      wd.end_row();
    }
    cs::write_file(work + "/dirs.csv", wd.str());
    cs::CsvWriter wp({"lon", "lat", "y"});
    for (std::size_t i = 0; i < pts.size(); ++i) {
      wp.cell(pts[i].lon).cell(pts[i].lat).cell(y[i]);
      wp.end_row();
    }
    cs::write_file(work + "/points.csv", wp.str());
  }
  std::printf(
      "{\"n_counties\": %zu, \"n_located\": %zu, \"threads\": %d, \"reps_score\": %d, \"reps_weights\": %d, "
      "\"reps_moran\": %d, \"reps_lisa\": %d, \"score_pipeline_s\": %.6g, \"score_pipeline_1t_s\": %.6g, "
      "\"weights_knn8_s\": %.6g, \"weights_knn8_1t_s\": %.6g, \"weights_band100_s\": %.6g, "
      "\"weights_band100_1t_s\": %.6g, \"moran_999_s\": %.6g, \"moran_999_1t_s\": "
      "%.6g, "
      "\"lisa_999_s\": %.6g, \"lisa_999_1t_s\": %.6g, \"moran_I\": %.17g, \"moran_p_sim\": %.17g}\n",
      n, pts.size(), all, reps_score, reps_w, reps_moran, reps_lisa, t_score, t_score1, t_w, t_w1, t_b, t_b1,
      t_moran, t_moran1, t_lisa, t_lisa1, mo.i, mo.p_sim);
  return 0;
}
