// Data-parallel loops over all cores. Work is handed out in chunks from an atomic counter (dynamic
// scheduling), so uneven items (long and short searches) balance. Each worker gets its thread index, so it
// can own scratch space (one query object per thread, STYLE P3). The first exception thrown by any worker is
// rethrown.
//
// Example:
//   std::vector<Dijkstra> q(n_threads, Dijkstra(graph));
//   cs::parallel_for(origins.size(), ctx.thread_count(), [&](std::size_t i, int t) { q[t].run(origins[i]);
//   });
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <countyscope/core/error.hpp>

namespace cs {

namespace detail {
// The first exception thrown by any worker, rethrown once all have ended.
class FirstError {
 public:
  void capture() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
  }
  void rethrow_if_any() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::exception_ptr error_;
  std::mutex mutex_;
};

// worker(t) for t = 1 .. threads-1 on new threads and t = 0 on this one; returns when all have ended. worker
// must not throw. When the system starts fewer threads (a thread or memory limit), the work runs on those
// that started: for loops that hand out work dynamically (parallel_for), where any team size gives the same
// result.
template <class W>
void run_on_new_threads(int threads, W& worker) {
  std::vector<std::thread> pool;
  try {
    pool.reserve(static_cast<std::size_t>(threads - 1));
    for (int t = 1; t < threads; ++t) pool.emplace_back([&worker, t] { worker(t); });
  } catch (const std::system_error&) {
  } catch (const std::bad_alloc&) {
  }
  worker(0);
  for (auto& th : pool) th.join();
}

// As run_on_new_threads, for a team whose workers wait for each other (a barrier needs every member): the
// workers start only once all threads exist; if the system cannot start them all, none runs and a
// ResourceError names the team size.
template <class W>
void run_team_on_new_threads(int threads, W& worker) {
  std::vector<std::thread> pool;
  std::atomic<int> gate{0};  // 0: wait, 1: run, 2: the team could not be started
  std::string problem;
  try {
    pool.reserve(static_cast<std::size_t>(threads - 1));
    for (int t = 1; t < threads; ++t)
      pool.emplace_back([&worker, &gate, t] {
        int g = 0;
        while ((g = gate.load(std::memory_order_acquire)) == 0) std::this_thread::yield();
        if (g == 1) worker(t);
      });
  } catch (const std::system_error& e) {
    problem = e.code().message();
  } catch (const std::bad_alloc&) {
    problem = "out of memory";
  }
  gate.store(problem.empty() ? 1 : 2, std::memory_order_release);
  if (problem.empty()) worker(0);
  for (auto& th : pool) th.join();
  if (!problem.empty())
    throw ResourceError("cannot start " + std::to_string(threads) + " threads (" + problem +
                        "); use fewer threads (--threads)");
}
}  // namespace detail

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
  detail::FirstError error;
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
      error.capture();
      failed = true;
    }
  };
  detail::run_on_new_threads(threads, worker);
  error.rethrow_if_any();
}

// A barrier for a team of short phases: waiters spin (a futex sleep and wake costs tens of microseconds on
// a virtual machine, as much as a whole phase), then yield once the wait grows long.
class SpinBarrier {
 public:
  explicit SpinBarrier(int count) : count_(count) {}
  void arrive_and_wait() {
    const unsigned gen = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.store(gen + 1, std::memory_order_release);
      return;
    }
    for (unsigned spins = 0; generation_.load(std::memory_order_acquire) == gen; ++spins)
      if (spins > 4096) std::this_thread::yield();
  }

 private:
  const int count_;
  std::atomic<int> arrived_{0};
  std::atomic<unsigned> generation_{0};
};

namespace detail {
// Runs call(ctx, t, n) for t = 1 .. n-1 on resident workers and t = 0 on the calling thread, waits for all,
// and returns true; or runs nothing and returns false when it cannot (the team is in use by another caller or
// a nested call, or this is a forked child): the caller then starts threads itself. call must not throw.
// Workers spin for a short while after a job before they sleep, so a run of short kernels does not pay a
// thread start (~20-40 us on a virtual machine) or a futex wake each time, as OpenMP runtimes do. Defined in
// src/core/parallel.cpp.
bool run_on_resident_team(int n, void (*call)(void*, int, int), void* ctx);
}  // namespace detail

// A team of `threads` workers that each run fn(t, team_size) once, for kernels with several short phases
// separated by a SpinBarrier. fn must not throw while other workers may wait at a barrier: record problems
// and return after the barrier instead. An exception that still escapes is rethrown after all workers end.
template <class F>
void parallel_team(int threads, F&& fn) {
  if (threads < 1) threads = 1;
  if (threads == 1) {
    fn(0, 1);
    return;
  }
  detail::FirstError error;
  auto worker = [&](int t) {
    try {
      fn(t, threads);
    } catch (...) {
      error.capture();
    }
  };
  using W = decltype(worker);
  auto call = [](void* ctx, int t, int) { (*static_cast<W*>(ctx))(t); };
  if (!detail::run_on_resident_team(threads, call, &worker)) detail::run_team_on_new_threads(threads, worker);
  error.rethrow_if_any();
}

}  // namespace cs
