// Logging. A thin facade over spdlog (private to core) so that no other module depends on it.
// Thread-safe. Messages go to stderr; the progress bar (core/progress.h) redraws around them.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace imagemesh::log {

enum class Level { kDebug, kInfo, kWarn, kError, kOff };

void set_level(Level level);
// Also appends every message to `path` (created if missing). Returns false if it cannot be opened.
bool add_file_sink(const std::string& path);
void write(Level level, std::string_view message);

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::kDebug, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::kInfo, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::kWarn, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::kError, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace imagemesh::log
