// Running the real `imagemesh` binary from integration tests.
#pragma once

#include <string>
#include <vector>

namespace imagemesh::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs `imagemesh ARGS...` (the binary of this build) and waits for it.
CommandResult run_imagemesh(const std::vector<std::string>& args);

// Starts `imagemesh ARGS...` in the background with stdout/stderr to /dev/null; returns its pid.
int spawn_imagemesh(const std::vector<std::string>& args);

// Splits text into lines (no trailing empty line).
std::vector<std::string> split_lines(const std::string& text);

}  // namespace imagemesh::testing
