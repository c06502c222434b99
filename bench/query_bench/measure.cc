#include "query_bench/measure.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <thread>

namespace imagemesh::bench {
namespace {

using Clock = std::chrono::steady_clock;

double millis_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

double Timing::percentile(double p) const {
  if (millis.empty()) return 0;
  std::vector<double> sorted = millis;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

Timing run_sequential(const RequestFn& request, size_t warmup, size_t min_requests,
                      size_t max_requests, double seconds) {
  size_t next = 0;
  for (size_t i = 0; i < warmup; ++i) request(next++);
  Timing timing;
  const auto start = Clock::now();
  while (timing.millis.size() < max_requests &&
         (timing.millis.size() < min_requests || millis_since(start) < seconds * 1000.0)) {
    const auto one = Clock::now();
    if (request(next++)) {
      timing.millis.push_back(millis_since(one));
    } else {
      ++timing.errors;
      if (timing.errors > max_requests) break;
    }
  }
  timing.seconds = millis_since(start) / 1000.0;
  return timing;
}

Timing run_concurrent(const RequestFn& request, int clients, double seconds) {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  Timing timing;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      std::vector<double> mine;
      size_t errors = 0;
      while (!stop.load()) {
        const auto one = Clock::now();
        if (request(next.fetch_add(1))) {
          mine.push_back(millis_since(one));
        } else {
          ++errors;
        }
        if (millis_since(start) >= seconds * 1000.0) stop = true;
      }
      std::lock_guard lock(mutex);
      timing.millis.insert(timing.millis.end(), mine.begin(), mine.end());
      timing.errors += errors;
    });
  }
  for (auto& thread : threads) thread.join();
  timing.seconds = millis_since(start) / 1000.0;
  return timing;
}

Memory process_memory() {
  Memory memory;
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    double kb = 0;
    if (key == "VmRSS:" && status >> kb) memory.rss_mb = kb / 1024.0;
    if (key == "VmHWM:" && status >> kb) memory.peak_mb = kb / 1024.0;
  }
  return memory;
}

}  // namespace imagemesh::bench
