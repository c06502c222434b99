// Running an untrusted helper program (Ghostscript, ...) as a child process, safely.
//
// The child gets: argv exactly as given (no shell), only the environment we pass, a private working
// directory, stdin fed from memory (or a caller's fd), stdout/stderr captured with byte caps, all
// other file descriptors closed, rlimits (CPU, address space, file size, open files, no core
// dumps), its own session and process group, and death if the calling thread goes away. A
// wall-clock timeout kills the whole process group with SIGKILL; the child is always reaped, and
// once it has exited its leftover descendants in the group are killed too, so nothing outlives the
// call. Descendants that leave the group themselves (setsid) are out of reach: run only programs
// that do not daemonise.
//
// Thread-safe: several threads may run children at once (vfork + system calls only until exec,
// every pipe O_CLOEXEC). SIGPIPE is blocked in the calling thread while feeding stdin and any
// SIGPIPE this causes is consumed, so a child that stops reading never kills the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace imagemesh {

// 0 leaves a limit as inherited. RLIMIT_CORE is always 0.
struct ResourceLimits {
  int cpu_seconds = 0;               // RLIMIT_CPU soft limit; hard = soft + 1 (SIGXCPU, then KILL)
  uint64_t address_space_bytes = 0;  // RLIMIT_AS
  uint64_t file_size_bytes = 0;      // RLIMIT_FSIZE: a bigger write gets SIGXFSZ
  int open_files = 256;              // RLIMIT_NOFILE
};

struct SubprocessOptions {
  // argv[0] is the program: a path containing '/', or a name looked up in the PATH of `env`
  // (by the parent, before starting the child).
  std::vector<std::string> argv;
  // The child's whole environment ("NAME=value"); nothing is inherited from the parent.
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LC_ALL=C"};
  // Fed to the child's stdin, then stdin is closed. Must stay alive during the call.
  std::string_view stdin_bytes;
  // If >= 0, the child's stdin is this descriptor instead (stdin_bytes is ignored). Not closed.
  int stdin_fd = -1;
  // An existing directory owned by the caller to run in. If empty, a private empty directory is
  // made under scratch_root (default: the system temp directory) and removed afterwards with
  // everything the child wrote there.
  std::string working_dir;
  std::string scratch_root;
  int timeout_ms = 30000;  // wall clock; <= 0 means none
  size_t max_stdout_bytes = 64u << 20;
  size_t max_stderr_bytes = 1u << 20;  // output beyond a cap is read and discarded
  ResourceLimits limits;
  // Optional: called with the captured stdout after each read. Returning true means "I have what I
  // need": the process group is killed at once and the result has stopped_early set. Lets a
  // caller take page 1 of a document without waiting for the rest.
  std::function<bool(std::string_view stdout_so_far)> stop_when;
};

struct SubprocessResult {
  int exit_code = -1;          // when the child exited normally, else -1
  int term_signal = 0;         // the signal that ended it, else 0
  bool timed_out = false;      // killed by us at the wall-clock timeout
  bool cpu_exceeded = false;   // ended by RLIMIT_CPU
  bool stopped_early = false;  // killed by us because stop_when returned true
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::string stdout_bytes;
  std::string stderr_bytes;
  double wall_ms = 0;
  double cpu_ms = 0;  // user + system time of the child (not of grandchildren killed with it)

  // Exited normally with status 0.
  bool succeeded() const { return exit_code == 0 && term_signal == 0 && !timed_out; }
  // "exit status 3", "killed by signal 9 (Killed)", "timed out after 2000 ms; killed", ...
  std::string describe() const;
};

// Runs the program to completion, timeout or early stop. An error Status only when it could not be
// started: kInvalidArgument (empty argv), kNotFound (no such program, or exec refused it: the
// message says why), kIo (pipes, vfork or the working directory failed). A non-zero exit, a signal
// or a timeout is a successful call whose result says so.
Result<SubprocessResult> run_subprocess(const SubprocessOptions& options);

// A fresh directory (mode 0700) removed recursively by the destructor. Movable.
class ScopedTempDir {
 public:
  // Creates root/<prefix>XXXXXX; root "" means the system temp directory. path() is absolute even
  // when root is relative.
  static Result<ScopedTempDir> create(const std::string& root, std::string_view prefix);
  ScopedTempDir(ScopedTempDir&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ScopedTempDir& operator=(ScopedTempDir&& other) noexcept;
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  const std::string& path() const { return path_; }

 private:
  explicit ScopedTempDir(std::string path) : path_(std::move(path)) {}
  void remove();
  std::string path_;
};

}  // namespace imagemesh
