// Wall-clock durations for run summaries (steady clock: immune to clock changes).
#pragma once

#include <chrono>

namespace imagemesh {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace imagemesh
