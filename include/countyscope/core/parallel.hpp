// Data-parallel loops over all cores. Work is handed out in chunks from an atomic counter (dynamic scheduling),
// so uneven items (long and short searches) balance. Each worker gets its thread index, so it can own scratch
// space (one query object per thread, STYLE P3). The first exception thrown by any worker is rethrown.
//
// Example:
//   std::vector<Dijkstra> q(n_threads, Dijkstra(graph));
//   cs::parallel_for(origins.size(), ctx.thread_count(), [&](std::size_t i, int t) { q[t].run(origins[i]); });
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cs {

template <class F>
void parallel_for(std::size_t n, int threads, F&& fn, std::size_t chunk = 1) {
  if (n == 0) return;
  if (threads < 1) threads = 1;
  if (static_cast<std::size_t>(threads) > n) threads = static_cast<int>(n);
  if (chunk == 0) chunk = 1;
  if (threads == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&](int t) {
    try {
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        const std::size_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
        if (begin >= n) return;
        const std::size_t end = begin + chunk < n ? begin + chunk : n;
        for (std::size_t i = begin; i < end; ++i) fn(i, t);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace cs
