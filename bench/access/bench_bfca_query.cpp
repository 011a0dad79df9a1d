// Query-only timing of cs::access::compute_fca for bench/access/bench_bfca.py: the weights and the FCA family
// from an in-memory float32 matrix of seconds, without the Python module's copy.
//   bench_bfca_query TIMES.f32 POP.f64 SUP.f64 D F binary|exponential THREADS REPS OUT.f64 [dense|prepared]
//                    [all|bfca]
// Reads raw little-endian arrays (D x F row-major float32 seconds, +inf = no path; D and F doubles), runs
// REPS times, prints the minimum wall time of a query in seconds and the time to build the prepared matrix
// (cs::access::FcaMatrix, once, before the queries; 0 for dense), and writes the last bfca (D doubles) to
// OUT.f64. dense (default): compute_fca on the float matrix; prepared: on the FcaMatrix. all (default): fca2,
// bfca and spatial availability; bfca: BFCA alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include <countyscope/access/access.hpp>
#include <countyscope/core/context.hpp>
#include <countyscope/core/matrix.hpp>

namespace {
template <class T>
std::vector<T> read_all(const char* path, std::size_t n) {
  std::vector<T> v(n);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
  if (!in) {
    std::cerr << "bench_bfca_query: cannot read " << n << " values from " << path << "\n";
    std::exit(1);
  }
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 10 || argc > 12) {
    std::cerr
        << "usage: bench_bfca_query TIMES.f32 POP.f64 SUP.f64 D F binary|exponential THREADS REPS OUT.f64 "
           "[dense|prepared] [all|bfca]\n";
    return 2;
  }
  const bool prepared = argc > 10 && std::string(argv[10]) == "prepared";
  const unsigned measures =
      argc > 11 && std::string(argv[11]) == "bfca" ? cs::access::kFcaBfca : cs::access::kFcaAll;
  const std::size_t D = std::stoul(argv[4]), F = std::stoul(argv[5]);
  const auto t = read_all<float>(argv[1], D * F);
  const auto pop = read_all<double>(argv[2], D);
  const auto sup = read_all<double>(argv[3], F);
  cs::access::AccessConfig cfg;
  cfg.cutoff_s = 45 * 60.0;
  cfg.fca_beta_per_min = 0.1;
  cfg.fca_decay =
      std::string(argv[6]) == "binary" ? cs::access::FcaDecay::kBinary : cs::access::FcaDecay::kExponential;
  cs::Context ctx;
  ctx.threads = std::stoi(argv[7]);
  const int reps = std::stoi(argv[8]);
  double best = std::numeric_limits<double>::infinity();
  const cs::TimeView view(t.data(), D, F);
  const auto b0 = std::chrono::steady_clock::now();
  const cs::access::FcaMatrix m = prepared ? cs::access::FcaMatrix(view) : cs::access::FcaMatrix();
  const double build =
      prepared ? std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count() : 0.0;
  cs::access::FcaResult r;
  for (int k = 0; k < reps; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    r = prepared ? cs::access::compute_fca(m, pop, sup, cfg, ctx, {}, measures)
                 : cs::access::compute_fca(view, pop, sup, cfg, ctx, {}, measures);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
  }
  std::ofstream(argv[9], std::ios::binary)
      .write(reinterpret_cast<const char*>(r.bfca.data()), static_cast<std::streamsize>(D * sizeof(double)));
  std::printf("%.9g %.9g\n", best, build);
  return 0;
}
