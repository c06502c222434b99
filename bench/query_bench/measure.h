// Latency and throughput loops, percentiles and the process's memory, for query_bench.cc.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace imagemesh::bench {

struct Timing {
  std::vector<double> millis;  // one per request, in order
  double seconds = 0;          // wall time of the whole loop
  size_t errors = 0;

  double percentile(double p) const;  // nearest rank; 0 when empty
  double per_second() const {
    return seconds > 0 ? static_cast<double>(millis.size()) / seconds : 0;
  }
};

// One request: its index in the workload (the callee cycles through its list). Returns false on
// an error (counted, not timed).
using RequestFn = std::function<bool(size_t)>;

// Sequential requests after `warmup` untimed ones: at least `min_requests` and until `seconds`
// have passed, at most `max_requests`.
Timing run_sequential(const RequestFn& request, size_t warmup, size_t min_requests,
                      size_t max_requests, double seconds);

// `clients` threads issuing requests back to back for `seconds` (each finishes its current one);
// request numbers are shared, so the threads walk the workload together.
Timing run_concurrent(const RequestFn& request, int clients, double seconds);

// Resident and peak resident memory of this process, MB (/proc/self/status).
struct Memory {
  double rss_mb = 0, peak_mb = 0;
};
Memory process_memory();

}  // namespace imagemesh::bench
