// Calibration benchmarks for the flows layer (bench/flows/run.sh compares them with statsmodels on the same
// design).
//   bench_flows austria CSV OUT      the four spint models on the Austria data (median of repeats)
//   bench_flows sample PBF OUT       an all-pairs settlement model of the sample county (car travel times)
//   and a
//                                    1,000 x 1,000 OD between demand points, with synthetic flows drawn from
//                                    a doubly constrained model (beta = 0.1 / min) with Poisson noise
//                                    (seeded)
// Each case runs on 1 thread and on all threads and prints "case <name> <model> threads=<t> reps=<r>
// n_obs=<n> k=<k> seconds=<median> cpu=<median> iterations=<it> beta=<b> deviance=<d>"; the OD it fitted is
// written to OUT/<name>.csv so bench/flows/compare.py fits the same data with the peers, as many times.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <time.h>
#include <vector>

#include <countyscope/core/context.hpp>
#include <countyscope/core/rng.hpp>
#include <countyscope/county/county.hpp>
#include <countyscope/flows/calibrate.hpp>
#include <countyscope/io/csv.hpp>
#include <countyscope/network/routing.hpp>
#include <countyscope/network/snap.hpp>
#include <countyscope/sources/county_osm.hpp>
#include <countyscope/sources/osm_network.hpp>

namespace {

using namespace cs::flows;

double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Median wall and CPU seconds (process CPU time, all threads: on a shared machine it is the steadier
// figure).
std::pair<double, double> median_time(int repeats, const auto& f) {
  std::vector<double> t, c;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    f();
    c.push_back(cpu_now() - c0);
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  std::sort(c.begin(), c.end());
  return {t[t.size() / 2], c[c.size() / 2]};
}

// Times one case on 1 thread and on all threads (the peers run on one core).
void run_case(const std::string& name, const OdTable& od, GravityForm form, int repeats, int threads) {
  for (int th : {1, threads}) {
    CalibrationOptions o;
    o.form = form;
    o.glm.threads = th;
    GravityFit fit;
    const auto [s, cpu] = median_time(repeats, [&] { fit = calibrate_gravity(od, o); });
    std::printf(
        "case %s %s threads=%d reps=%d n_obs=%zu k=%zu seconds=%.6f cpu=%.6f iterations=%d beta=%.12g "
        "deviance=%.12g\n",
        name.c_str(), std::string(form_name(form)).c_str(), th, repeats, fit.n_obs, fit.k, s, cpu,
        fit.iterations, fit.beta, fit.deviance);
    std::fflush(stdout);
    if (threads == 1) break;
  }
}

// Poisson draw: inversion for small means, normal approximation (rounded, >= 0) above 50.
double poisson(cs::Rng& rng, double lambda) {
  if (lambda <= 0) return 0;
  if (lambda > 50) {
    const double u1 = std::max(rng.uniform(), 1e-300), u2 = rng.uniform();
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    return std::max(0.0, std::round(lambda + std::sqrt(lambda) * z));
  }
  double p = std::exp(-lambda), c = p, u = rng.uniform();
  double k = 0;
  while (u > c && k < 1000) {
    ++k;
    p *= lambda / k;
    c += p;
  }
  return k;
}

// Synthetic observed flows on an origin x destination time matrix (minutes): doubly constrained with beta
// 0.1/min, totals proportional to the masses, Poisson noise; unreachable pairs are left out.
OdTable synthetic(const std::string& label, const cs::TimeMatrix& secs, const std::vector<double>& om,
                  const std::vector<double>& dm, bool skip_diagonal, double mean_per_pair, std::uint64_t seed,
                  const std::string& out) {
  const std::size_t n = secs.rows(), m = secs.cols();
  cs::Matrix<double> minutes(n, m, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) minutes(i, j) = secs(i, j) / 60.0 + 1.0;
  std::vector<double> O(om), D(dm);
  double so = 0, sd = 0;
  for (double v : O) so += v;
  for (double v : D) sd += v;
  const double total = mean_per_pair * static_cast<double>(n * m);
  for (double& v : O) v *= total / so;
  for (double& v : D) v *= total / sd;
  GravityParams p;
  p.beta = 0.1;
  CostOptions co;
  co.exclude_diagonal = skip_diagonal;
  const auto t = gravity_flows(GravityForm::kDoubly, O, D, minutes, p, co);
  cs::Rng rng(seed);
  OdTable od;
  od.file = label;
  od.has_origin_mass = od.has_dest_mass = true;
  for (std::size_t i = 0; i < std::max(n, m); ++i) od.codes.push_back(std::to_string(100000 + i));
  std::ofstream f(out);
  f << "origin,destination,flow,cost_min,origin_mass,dest_mass\n";
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      if ((skip_diagonal && i == j) || !std::isfinite(minutes(i, j))) continue;
      OdRow r;
      r.origin = static_cast<std::uint32_t>(i);
      r.dest = static_cast<std::uint32_t>(j);
      r.flow = poisson(rng, t(i, j));
      r.cost = minutes(i, j);
      r.origin_mass = om[i];
      r.dest_mass = dm[j];
      od.rows.push_back(r);
      od.line.push_back(od.rows.size() + 1);
      f << od.codes[i] << ',' << od.codes[j] << ',' << cs::format_number(r.flow) << ','
        << cs::format_number(r.cost) << ',' << cs::format_number(r.origin_mass) << ','
        << cs::format_number(r.dest_mass) << '\n';
    }
  return od;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_flows austria CSV OUTDIR | sample PBF OUTDIR\n");
    return 2;
  }
  const std::string mode = argv[1], in = argv[2], out = argv[3];
  cs::Context ctx;
  const int threads = ctx.thread_count();
  try {
    if (mode == "austria") {
      OdColumns c;
      c.origin_mass = "origin_var_Oi";
      c.dest_mass = "dest_var_Dj";
      c.cost = "dij_km";
      const OdTable od = read_od_csv(in, c);
      for (auto f : {GravityForm::kUnconstrained, GravityForm::kProduction, GravityForm::kAttraction,
                     GravityForm::kDoubly})
        run_case("austria", od, f, 51, threads);
      return 0;
    }
    if (mode == "csv") {  // bench_flows csv OD.csv MODEL: an OD written by the sample mode
      OdColumns c;
      c.origin_mass = "origin_mass";
      c.dest_mass = "dest_mass";
      c.cost = "cost_min";
      const OdTable od = read_od_csv(in, c);
      run_case("csv", od, parse_form(out), 3, threads);
      return 0;
    }
    if (mode != "sample") return 2;
    cs::CountyConfig cc;
    const cs::County county = cs::load_county_osm(in, cc, ctx);
    const cs::NetworkBuild nb =
        cs::build_network(in, cs::default_network_config(cs::network::Profile::kCar), ctx);
    const cs::network::SnapIndex idx(nb.graph);
    // All-pairs settlement model.
    std::vector<cs::LonLat> sp;
    std::vector<double> spop;
    for (const auto& s : county.settlements) {
      sp.push_back(s.pos);
      spop.push_back(std::max(50.0, s.population_est));
    }
    const auto ss = idx.snap_all(sp, {}, threads);
    const auto tss = cs::network::travel_time_matrix(nb.graph, ss, ss, {}, ctx);
    const OdTable sod = synthetic("settlements", tss, spop, spop, true, 20.0, 11, out + "/settlements.csv");
    for (auto f : {GravityForm::kUnconstrained, GravityForm::kProduction, GravityForm::kDoubly})
      run_case("settlements", sod, f, 21, threads);
    // 1,000 x 1,000 between demand points: origins = every k-th point, destinations = the next ones.
    const std::size_t n = 1000;
    if (county.demand.size() < 2 * n) throw std::runtime_error("sample has too few demand points");
    const std::size_t step = county.demand.size() / (2 * n);
    std::vector<cs::LonLat> op, dp;
    std::vector<double> om, dmass;
    for (std::size_t k = 0; k < n; ++k) {
      const auto& a = county.demand[(2 * k) * step];
      const auto& b = county.demand[(2 * k + 1) * step];
      op.push_back(a.pos);
      dp.push_back(b.pos);
      om.push_back(std::max(0.5, a.population));
      dmass.push_back(std::max(0.5, b.population));
    }
    const auto os = idx.snap_all(op, {}, threads), ds = idx.snap_all(dp, {}, threads);
    const auto tdd = cs::network::travel_time_matrix(nb.graph, os, ds, {}, ctx);
    // The first 300 x 300 of it: a constrained model whose dense design (90,000 x 600) statsmodels can still
    // hold.
    const std::size_t h = 300;
    cs::TimeMatrix t300(h, h);
    for (std::size_t i = 0; i < h; ++i)
      for (std::size_t j = 0; j < h; ++j) t300(i, j) = tdd(i, j);
    const OdTable d300 = synthetic("demand300", t300, std::vector<double>(om.begin(), om.begin() + h),
                                   std::vector<double>(dmass.begin(), dmass.begin() + h), false, 2.0, 13,
                                   out + "/demand300.csv");
    for (auto f : {GravityForm::kUnconstrained, GravityForm::kProduction, GravityForm::kDoubly})
      run_case("demand300", d300, f, 5, threads);
    const OdTable dod = synthetic("demand1000", tdd, om, dmass, false, 2.0, 12, out + "/demand1000.csv");
    for (auto f : {GravityForm::kUnconstrained, GravityForm::kProduction, GravityForm::kDoubly})
      run_case("demand1000", dod, f, 3, threads);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_flows: %s\n", e.what());
    return 1;
  }
}
