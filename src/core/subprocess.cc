// vfork + exec rather than posix_spawn: only a child of our own can set rlimits, its session and
// its death signal before exec. vfork rather than fork: the child borrows our address space until
// exec instead of copying its page tables, which for an ingest holding a few hundred MB cost more
// than Ghostscript's own startup on small figures (measured: 6% of a whole ingest's CPU in
// page-table copies and copy-on-write faults). Between vfork and exec the child makes system calls
// only, on data prepared before, never allocates and never returns; all signals are blocked around
// the vfork so that no handler of ours can run in the child on our stack.
#include "core/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

namespace imagemesh {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string errno_text(int err) { return std::strerror(err); }

// A file descriptor closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

// A pipe whose ends are O_CLOEXEC (so children forked by other threads do not keep them) and
// numbered >= 3 (so the child's dup2 onto 0..2 never clobbers another of its pipe ends).
Result<Pipe> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return error(ErrorCode::kIo, "pipe: " + errno_text(errno));
  Pipe pipe{Fd(fds[0]), Fd(fds[1])};
  for (Fd* end : {&pipe.read, &pipe.write}) {
    if (end->get() > 2) continue;
    int moved = fcntl(end->get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return error(ErrorCode::kIo, "fcntl: " + errno_text(errno));
    *end = Fd(moved);
  }
  return pipe;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string_view env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const std::string& entry : env) {
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
        entry[name.size()] == '=') {
      return std::string_view(entry).substr(name.size() + 1);
    }
  }
  return {};
}

bool is_executable_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Resolved in the parent: execvpe is not async-signal-safe.
Result<std::string> resolve_program(const std::string& program,
                                    const std::vector<std::string>& env) {
  if (program.empty()) return error(ErrorCode::kInvalidArgument, "empty program name");
  if (program.find('/') != std::string::npos) {
    if (is_executable_file(program)) return program;
    return error(ErrorCode::kNotFound,
                 "program '" + program + "' does not exist or is not executable");
  }
  std::string_view path = env_value(env, "PATH");
  if (path.empty()) path = "/usr/bin:/bin";
  std::string_view rest = path;
  while (true) {
    size_t colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    if (!dir.empty()) {
      std::string candidate = std::string(dir) + "/" + program;
      if (is_executable_file(candidate)) return candidate;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return error(ErrorCode::kNotFound,
               "program '" + program + "' not found in PATH=" + std::string(path));
}

// What the child needs, prepared before vfork (no allocation after it).
struct ChildPlan {
  const char* program = nullptr;
  std::vector<char*> argv;
  std::vector<char*> envp;
  const char* working_dir = nullptr;
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1, report_fd = -1;
  pid_t parent = 0;
  ResourceLimits limits;
};

void set_limit(int resource, rlim_t soft, rlim_t hard) {
  struct rlimit limit = {soft, hard};
  setrlimit(resource, &limit);
}

// Sends errno through the report pipe and exits. Async-signal-safe.
[[noreturn]] void child_fail(int report_fd, int stage) {
  int message[2] = {stage, errno};
  ssize_t ignored = write(report_fd, message, sizeof message);
  (void)ignored;
  _exit(127);
}

enum Stage { kStageSetup = 1, kStageChdir = 2, kStageExec = 3 };

// Runs in the child between vfork and exec: system calls only, nothing written but its own stack.
[[noreturn]] void run_child(const ChildPlan& plan) {
  // Default dispositions (ignored signals survive exec) and an empty mask (the parent thread
  // blocks SIGPIPE, and a mask survives exec too).
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  // Own session and process group, so kill(-pid) reaches every descendant.
  if (setsid() < 0) child_fail(plan.report_fd, kStageSetup);
  // Die with the parent thread; if the parent is already gone, do not start at all.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != plan.parent) _exit(127);

  if (dup2(plan.stdin_fd, 0) < 0 || dup2(plan.stdout_fd, 1) < 0 || dup2(plan.stderr_fd, 2) < 0) {
    child_fail(plan.report_fd, kStageSetup);
  }
  if (chdir(plan.working_dir) != 0) child_fail(plan.report_fd, kStageChdir);

  set_limit(RLIMIT_CORE, 0, 0);
  const ResourceLimits& limits = plan.limits;
  if (limits.cpu_seconds > 0) {
    set_limit(RLIMIT_CPU, static_cast<rlim_t>(limits.cpu_seconds),
              static_cast<rlim_t>(limits.cpu_seconds) + 1);
  }
  if (limits.address_space_bytes > 0) {
    set_limit(RLIMIT_AS, limits.address_space_bytes, limits.address_space_bytes);
  }
  if (limits.file_size_bytes > 0) {
    set_limit(RLIMIT_FSIZE, limits.file_size_bytes, limits.file_size_bytes);
  }

  // Close everything but 0..2 and the report pipe (O_CLOEXEC: it closes itself at exec).
  int report = plan.report_fd;
  if (close_range(3, report - 1, 0) != 0 || close_range(report + 1, ~0U, 0) != 0) {
    struct rlimit open_max;
    int top = getrlimit(RLIMIT_NOFILE, &open_max) == 0 && open_max.rlim_cur != RLIM_INFINITY
                  ? static_cast<int>(std::min<rlim_t>(open_max.rlim_cur, 1 << 20))
                  : 65536;
    for (int fd = 3; fd < top; ++fd) {
      if (fd != report) close(fd);
    }
  }
  // After closing: the limit may be lower than the descriptors the parent had open.
  if (limits.open_files > 0) {
    set_limit(RLIMIT_NOFILE, static_cast<rlim_t>(limits.open_files),
              static_cast<rlim_t>(limits.open_files));
  }

  execve(plan.program, plan.argv.data(), plan.envp.data());
  child_fail(plan.report_fd, kStageExec);
}

// Blocks SIGPIPE in the calling thread for its lifetime, then swallows a SIGPIPE our writes
// raised (a write to a closed pipe makes the signal pending on this thread) and restores the mask.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        sigset_t pipe_set;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, nullptr, &zero);
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
};

void kill_group(pid_t pid) {
  kill(-pid, SIGKILL);  // the group (fails with ESRCH if setsid has not run yet)
  kill(pid, SIGKILL);   // the child itself, in that case
}

// True once the child has exited (left as a zombie, not reaped, so its pid and process group id
// stay reserved while we kill the group).
bool child_exited(pid_t pid) {
  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return true;
  return info.si_pid == pid;
}

// Reads what is available; false at end of file (or error).
bool drain(int fd, std::string& out, size_t cap, bool& truncated) {
  char buffer[65536];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      size_t keep = std::min(static_cast<size_t>(n), cap - std::min(cap, out.size()));
      out.append(buffer, keep);
      if (keep < static_cast<size_t>(n)) truncated = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

std::string stage_text(int stage) {
  switch (stage) {
    case kStageChdir:
      return "cannot enter the working directory";
    case kStageExec:
      return "cannot execute";
    default:
      return "cannot set up the child";
  }
}

}  // namespace

std::string SubprocessResult::describe() const {
  std::string text;
  if (timed_out) {
    text = "timed out after " + std::to_string(static_cast<long>(wall_ms)) + " ms; killed";
  } else if (stopped_early) {
    text = "stopped early (output complete); killed";
  } else if (cpu_exceeded) {
    text = "CPU time limit exceeded";
  } else if (term_signal != 0) {
    text = "killed by signal " + std::to_string(term_signal) + " (" + strsignal(term_signal) + ")";
  } else {
    text = "exit status " + std::to_string(exit_code);
  }
  return text;
}

namespace {

struct Streams {
  Pipe in, out, err;
};

// Forks and execs the child; returns its pid once exec has succeeded. The child's ends of the pipes
// are closed in the parent.
Result<pid_t> start_child(const SubprocessOptions& options, const std::string& program,
                          const std::string& working_dir, Streams& streams) {
  IM_ASSIGN_OR_RETURN(Pipe report, make_pipe());
  std::vector<std::string> argv_copy = options.argv;
  std::vector<std::string> env_copy = options.env;
  ChildPlan plan;
  plan.program = program.c_str();
  for (std::string& arg : argv_copy) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  for (std::string& entry : env_copy) plan.envp.push_back(entry.data());
  plan.envp.push_back(nullptr);
  plan.working_dir = working_dir.c_str();
  plan.stdin_fd = options.stdin_fd >= 0 ? options.stdin_fd : streams.in.read.get();
  plan.stdout_fd = streams.out.write.get();
  plan.stderr_fd = streams.err.write.get();
  plan.report_fd = report.write.get();
  plan.parent = getpid();
  plan.limits = options.limits;

  sigset_t all_signals, previous_mask;
  sigfillset(&all_signals);
  pthread_sigmask(SIG_SETMASK, &all_signals, &previous_mask);
  pid_t pid = vfork();
  if (pid == 0) run_child(plan);  // resets dispositions, then unblocks, then execs or _exits
  const int vfork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
  if (pid < 0) return error(ErrorCode::kIo, "vfork: " + errno_text(vfork_errno));
  streams.in.read.reset();
  streams.out.write.reset();
  streams.err.write.reset();
  report.write.reset();

  // The report pipe reaches end of file at a successful exec (O_CLOEXEC) or carries why not.
  int failure[2] = {0, 0};
  ssize_t got;
  do {
    got = read(report.read.get(), failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  if (got != static_cast<ssize_t>(sizeof failure)) return pid;
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ErrorCode code = failure[0] == kStageSetup ? ErrorCode::kIo : ErrorCode::kNotFound;
  return error(code, stage_text(failure[0]) + " '" + program + "': " + errno_text(failure[1]));
}

// Feeds stdin, collects stdout/stderr and watches the clock until the child has exited (or been
// killed) and its pipes are closed. Fills the flags and outputs of `result`; never reaps.
void supervise(pid_t pid, const SubprocessOptions& options, Clock::time_point start,
               Streams& streams, SubprocessResult& result) {
  Fd& in = streams.in.write;
  Fd& out = streams.out.read;
  Fd& err = streams.err.read;
  Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));  // -1 on old kernels: we poll
  std::string_view to_write = options.stdin_fd >= 0 ? std::string_view() : options.stdin_bytes;
  if (to_write.empty()) in.reset();
  for (Fd* fd : {&in, &out, &err}) {
    if (fd->valid()) set_nonblocking(fd->get());
  }

  const bool has_deadline = options.timeout_ms > 0;
  const Clock::time_point deadline = start + std::chrono::milliseconds(options.timeout_ms);
  bool exited = false;               // exited, or sent SIGKILL (which cannot be caught)
  Clock::time_point drain_deadline;  // how long leftovers may hold the pipes after that
  // Kills the group: its leftovers once the child has exited, or everything on timeout / stop.
  auto end_child = [&]() {
    kill_group(pid);
    exited = true;
    drain_deadline = Clock::now() + std::chrono::milliseconds(1000);
    in.reset();
  };

  while (true) {
    if (!exited && !pidfd.valid() && child_exited(pid)) end_child();  // no pidfd: poll
    if (exited && !out.valid() && !err.valid()) return;
    Clock::time_point now = Clock::now();
    if (!exited && has_deadline && now >= deadline) {
      result.timed_out = true;
      end_child();
      continue;
    }
    if (exited && now >= drain_deadline) return;  // an escaped descendant holds a pipe open

    pollfd fds[4];
    int count = 0;
    int in_at = -1, out_at = -1, err_at = -1, pid_at = -1;
    auto watch = [&](int& at, int fd, short events) {
      at = count;
      fds[count++] = {fd, events, 0};
    };
    if (in.valid()) watch(in_at, in.get(), POLLOUT);
    if (out.valid()) watch(out_at, out.get(), POLLIN);
    if (err.valid()) watch(err_at, err.get(), POLLIN);
    if (pidfd.valid() && !exited) watch(pid_at, pidfd.get(), POLLIN);
    Clock::time_point wake = exited         ? drain_deadline
                             : has_deadline ? deadline
                                            : now + std::chrono::hours(1);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1;
    if (!pidfd.valid() && !exited) wait = std::min<long long>(wait, 10);
    int ready = poll(fds, count, static_cast<int>(std::max<long long>(wait, 0)));
    if (ready < 0 && errno != EINTR) {
      end_child();
      return;
    }
    if (ready <= 0) continue;

    if (in_at >= 0 && fds[in_at].revents != 0) {
      if (fds[in_at].revents & (POLLERR | POLLHUP)) {
        in.reset();  // the child closed its stdin
      } else {
        ssize_t n = write(in.get(), to_write.data(), std::min<size_t>(to_write.size(), 1 << 16));
        if (n > 0) to_write.remove_prefix(static_cast<size_t>(n));
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || to_write.empty()) in.reset();
      }
    }
    if (out_at >= 0 && fds[out_at].revents != 0) {
      size_t before = result.stdout_bytes.size();
      if (!drain(out.get(), result.stdout_bytes, options.max_stdout_bytes,
                 result.stdout_truncated)) {
        out.reset();
      }
      if (options.stop_when && !exited && result.stdout_bytes.size() != before &&
          options.stop_when(result.stdout_bytes)) {
        result.stopped_early = true;
        end_child();
      }
    }
    if (err_at >= 0 && fds[err_at].revents != 0) {
      if (!drain(err.get(), result.stderr_bytes, options.max_stderr_bytes,
                 result.stderr_truncated)) {
        err.reset();
      }
    }
    if (pid_at >= 0 && fds[pid_at].revents != 0 && !exited) end_child();
  }
}

// Waits for the (exited or killed) child and records how it ended.
void reap(pid_t pid, const SubprocessOptions& options, SubprocessResult& result) {
  int status = 0;
  struct rusage usage;
  memset(&usage, 0, sizeof usage);
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
                  (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  if (options.limits.cpu_seconds > 0 && !result.timed_out && !result.stopped_early) {
    result.cpu_exceeded =
        result.term_signal == SIGXCPU ||
        (result.term_signal == SIGKILL && result.cpu_ms >= options.limits.cpu_seconds * 1000.0);
  }
}

}  // namespace

Result<SubprocessResult> run_subprocess(const SubprocessOptions& options) {
  Clock::time_point start = Clock::now();
  if (options.argv.empty()) return error(ErrorCode::kInvalidArgument, "empty argv");
  IM_ASSIGN_OR_RETURN(std::string program, resolve_program(options.argv[0], options.env));

  std::optional<ScopedTempDir> private_dir;
  std::string working_dir = options.working_dir;
  if (working_dir.empty()) {
    IM_ASSIGN_OR_RETURN(ScopedTempDir dir, ScopedTempDir::create(options.scratch_root, "run-"));
    working_dir = dir.path();
    private_dir.emplace(std::move(dir));
  }

  Streams streams;
  if (options.stdin_fd < 0) {
    IM_ASSIGN_OR_RETURN(streams.in, make_pipe());
  }
  IM_ASSIGN_OR_RETURN(streams.out, make_pipe());
  IM_ASSIGN_OR_RETURN(streams.err, make_pipe());

  SigpipeGuard sigpipe_guard;
  IM_ASSIGN_OR_RETURN(pid_t pid, start_child(options, program, working_dir, streams));
  SubprocessResult result;
  supervise(pid, options, start, streams, result);
  reap(pid, options, result);
  result.wall_ms = ms_since(start);
  return result;
}

Result<ScopedTempDir> ScopedTempDir::create(const std::string& root, std::string_view prefix) {
  std::error_code ec;
  std::filesystem::path base =
      root.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(root);
  if (ec) return error(ErrorCode::kIo, "no temp directory: " + ec.message());
  // Absolute, so the path still names the folder for a child that runs in another directory
  // (e.g. Ghostscript inside it, with TMPDIR pointing at it): `--mesh out/mesh` is relative.
  base = std::filesystem::absolute(base, ec);
  if (ec) return error(ErrorCode::kIo, "cannot make " + root + " absolute: " + ec.message());
  std::string pattern = (base / (std::string(prefix) + "XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return error(ErrorCode::kIo,
                 "cannot create a directory in " + base.string() + ": " + errno_text(errno));
  }
  return ScopedTempDir(std::move(pattern));
}

ScopedTempDir& ScopedTempDir::operator=(ScopedTempDir&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, std::string());
  }
  return *this;
}

ScopedTempDir::~ScopedTempDir() { remove(); }

void ScopedTempDir::remove() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // does not follow symlinks the child may have made
  path_.clear();
}

}  // namespace imagemesh
