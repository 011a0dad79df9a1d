// The resident team behind cs::parallel_team (include/countyscope/core/parallel.hpp).
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

#include <countyscope/core/parallel.hpp>

namespace cs::detail {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

class ResidentTeam {
 public:
  ~ResidentTeam() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  bool run(int n, void (*call)(void*, int, int), void* ctx) {
    if (getpid() != owner_pid_) return false;  // a forked child has none of the parent's threads
    bool expected = false;
    if (!busy_.compare_exchange_strong(expected, true, std::memory_order_acquire)) return false;
    const auto helpers = static_cast<std::size_t>(n - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      try {
        while (workers_.size() < helpers) {
          const int index = static_cast<int>(workers_.size()) + 1;
          workers_.emplace_back([this, index] { loop(index); });
        }
      } catch (...) {  // the system starts no more threads: no job; parallel_team starts (or refuses) its own
        // The workers just started take the last job's fields once the lock is free and skip it (their
        // index is at least its n).
        busy_.store(false, std::memory_order_release);
        return false;
      }
      call_ = call;
      ctx_ = ctx;
      n_ = n;
      pending_.store(n - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    call(ctx, 0, n);
    for (unsigned spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins)
      if (spins < kSpin)
        cpu_relax();
      else
        std::this_thread::yield();
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  // Spin about 0.1-0.3 ms (pause takes 10-140 cycles by CPU) after a job before sleeping: long enough to
  // catch the next call of a run of short kernels, short enough that an idle process goes quiet at once.
  static constexpr unsigned kSpin = 2000;

  void loop(int index) {
    unsigned seen = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_.load(std::memory_order_relaxed) - 1;  // started for the job being posted now
    }
    for (;;) {
      unsigned g = generation_.load(std::memory_order_acquire);
      for (unsigned spins = 0; g == seen && spins < kSpin; ++spins) {
        cpu_relax();
        g = generation_.load(std::memory_order_acquire);
      }
      void (*call)(void*, int, int) = nullptr;
      void* ctx = nullptr;
      int n = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (g == seen) wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
        // The job's fields and its generation, read together under the lock that posted them.
        if (stop_) return;
        seen = generation_.load(std::memory_order_relaxed);
        call = call_;
        ctx = ctx_;
        n = n_;
      }
      if (index < n) {
        call(ctx, index, n);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
  }

  const pid_t owner_pid_ = getpid();
  std::atomic<bool> busy_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  std::atomic<unsigned> generation_{0};
  std::atomic<int> pending_{0};
  void (*call_)(void*, int, int) = nullptr;
  void* ctx_ = nullptr;
  int n_ = 0;
  bool stop_ = false;
};

}  // namespace

bool run_on_resident_team(int n, void (*call)(void*, int, int), void* ctx) {
  if (n < 2) return false;
  static ResidentTeam team;
  return team.run(n, call, ctx);
}

}  // namespace cs::detail
