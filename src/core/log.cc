#include "core/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>

#include "core/progress.h"

namespace imagemesh::log {
namespace {

// The logger is created on first use and owned here; core is the only module that knows spdlog.
spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto made = std::make_shared<spdlog::logger>("imagemesh", sink);
    made->set_pattern("%^%l%$: %v");
    made->set_level(spdlog::level::info);
    return made;
  }();
  return *instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

}  // namespace

void set_level(Level level) { logger().set_level(to_spdlog(level)); }

bool add_file_sink(const std::string& path) {
  try {
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
    sink->set_level(spdlog::level::debug);
    logger().sinks().push_back(sink);
    return true;
  } catch (const spdlog::spdlog_ex&) {
    return false;
  }
}

void write(Level level, std::string_view message) {
  auto spd = to_spdlog(level);
  if (!logger().should_log(spd) && logger().sinks().size() == 1) return;
  ProgressBar::clear_line_for_log();
  logger().log(spd, "{}", message);
}

}  // namespace imagemesh::log
