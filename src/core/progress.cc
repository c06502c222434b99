#include "core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace imagemesh {
namespace {

// stderr is one per process, so the state of its current line is too.
std::mutex g_terminal_mutex;
bool g_line_drawn = false;

void draw(const std::string& line, bool keep) {
  std::lock_guard<std::mutex> lock(g_terminal_mutex);
  std::fputs("\r\033[2K", stderr);
  std::fputs(line.c_str(), stderr);
  if (keep) {
    std::fputc('\n', stderr);
    g_line_drawn = false;
  } else {
    g_line_drawn = true;
  }
  std::fflush(stderr);
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto total = static_cast<long long>(seconds + 0.5);
  long long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s);
  return fmt::format("{}:{:02}", m, s);
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} {}", bytes, units[unit])
                   : fmt::format("{:.1f} {}", bytes, units[unit]);
}

ProgressBar::ProgressBar(std::string label, std::string unit, uint64_t total)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      is_tty_(isatty(STDERR_FILENO) == 1) {
  thread_ = std::thread([this] { run(); });
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::set_detail(std::string detail) {
  std::lock_guard<std::mutex> lock(detail_mutex_);
  detail_ = std::move(detail);
}

void ProgressBar::finish() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (is_tty_) draw(render(true), true);
}

void ProgressBar::clear_line_for_log() {
  std::lock_guard<std::mutex> lock(g_terminal_mutex);
  if (g_line_drawn) {
    std::fputs("\r\033[2K", stderr);
    g_line_drawn = false;
  }
}

void ProgressBar::run() {
  using namespace std::chrono_literals;
  auto period = is_tty_ ? 200ms : 10000ms;
  std::unique_lock<std::mutex> lock(wake_mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    lock.unlock();
    draw(render(false), !is_tty_);
    lock.lock();
  }
}

std::string ProgressBar::render(bool final_line) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  uint64_t done = done_.load(), total = total_.load(), bytes = bytes_.load();
  double rate = elapsed > 0 ? done / elapsed : 0;
  const bool bytes_mode = unit_ == "bytes";
  std::string line = label_ + " ";
  if (total > 0) {
    constexpr int kWidth = 24;
    double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    int filled = static_cast<int>(fraction * kWidth);
    line += '[';
    line.append(static_cast<size_t>(filled), '#');
    line.append(static_cast<size_t>(kWidth - filled), '.');
    line += "] ";
    line += bytes_mode ? format_bytes(done) + "/" + format_bytes(total)
                       : fmt::format("{}/{} {}", done, total, unit_);
  } else {
    line += bytes_mode ? format_bytes(done) : fmt::format("{} {}", done, unit_);
  }
  line += bytes_mode ? "  " + format_bytes(rate) + "/s" : fmt::format("  {:.1f}/s", rate);
  if (bytes > 0 && elapsed > 0) line += "  " + format_bytes(bytes / elapsed) + "/s";
  if (final_line) {
    line += "  in " + format_duration(elapsed);
  } else if (total > 0 && done > 0 && done < total) {
    line += "  ETA " + format_duration((total - done) / rate);
  }
  std::lock_guard<std::mutex> lock(detail_mutex_);
  if (!final_line && !detail_.empty()) {
    line += "  ";
    if (detail_.size() > 40) {
      line += "...";
      line.append(detail_, detail_.size() - 37, std::string::npos);
    } else {
      line += detail_;
    }
  }
  return line;
}

}  // namespace imagemesh
