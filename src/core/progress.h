// A progress bar for long work: "ingest [#####.....] 412/1000 papers  38.2/s  ETA 0:15  <detail>".
//
// Counters are atomics updated by workers; a background thread redraws the line every 200 ms on a
// terminal (stderr is a tty) or prints a plain line every 10 s otherwise (logs, CI). Log messages
// clear the line first (see log.cc), so they never interleave with it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace imagemesh {

class ProgressBar {
 public:
  // `total` may be 0 when unknown (then no bar and no ETA are drawn, only counts and rate).
  // With unit "bytes", counts and rates are printed as sizes ("12.3 MB/s").
  ProgressBar(std::string label, std::string unit, uint64_t total);
  ~ProgressBar();  // finishes the bar
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void set_total(uint64_t total) { total_.store(total); }
  void add_total(uint64_t n) { total_.fetch_add(n); }
  void advance(uint64_t n = 1) { done_.fetch_add(n); }
  // Secondary quantity shown after the rate, e.g. bytes read: "12.3 MB/s".
  void advance_bytes(uint64_t n) { bytes_.fetch_add(n); }
  void set_detail(std::string detail);
  uint64_t done() const { return done_.load(); }

  // Stops redrawing and leaves a final line. Idempotent.
  void finish();

  // Erases the bar's line if one is drawn (called by the logger before it writes).
  static void clear_line_for_log();

 private:
  void run();
  std::string render(bool final_line);

  const std::string label_;
  const std::string unit_;
  std::atomic<uint64_t> total_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> bytes_{0};
  std::mutex detail_mutex_;
  std::string detail_;
  const std::chrono::steady_clock::time_point start_;
  const bool is_tty_;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// A ProgressBar when `show` (e.g. stderr is a terminal and --no-progress was not given), nothing
// otherwise, behind the same calls.
class MaybeProgressBar {
 public:
  MaybeProgressBar(bool show, std::string label, uint64_t total, std::string unit = "images") {
    if (show) bar_.emplace(std::move(label), std::move(unit), total);
  }
  void advance(uint64_t n = 1) {
    if (bar_) bar_->advance(n);
  }
  void finish() {
    if (bar_) bar_->finish();
  }

 private:
  std::optional<ProgressBar> bar_;
};

// "1:02:03", "4:05"
std::string format_duration(double seconds);
// "12.3 MB"
std::string format_bytes(double bytes);

}  // namespace imagemesh
