#include "core/subprocess.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace imagemesh {
namespace {

SubprocessOptions command(std::vector<std::string> argv) {
  SubprocessOptions options;
  options.argv = std::move(argv);
  options.timeout_ms = 20000;  // a safety net only; tests that time out set their own
  return options;
}

// True if the process is gone or a zombie (dead, waiting for a reaper that is not us).
bool process_dead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  size_t paren = line.rfind(')');
  return paren == std::string::npos || line.substr(paren + 2, 1) == "Z";
}

TEST(Subprocess, CatRoundTripsLargeStdin) {
  std::string input(10u << 20, '\0');
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<char>('a' + i % 26);
  SubprocessOptions options = command({"cat"});
  options.stdin_bytes = input;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_TRUE(result->succeeded()) << result->describe();
  EXPECT_FALSE(result->stdout_truncated);
  EXPECT_TRUE(result->stdout_bytes == input);
}

TEST(Subprocess, StdoutCapKeepsThePrefixAndDrainsTheRest) {
  std::string input(10u << 20, 'x');
  input[0] = 'A';
  SubprocessOptions options = command({"cat"});
  options.stdin_bytes = input;
  options.max_stdout_bytes = 1u << 20;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->succeeded()) << result->describe();  // the child was never blocked
  EXPECT_TRUE(result->stdout_truncated);
  ASSERT_EQ(result->stdout_bytes.size(), 1u << 20);
  EXPECT_EQ(result->stdout_bytes[0], 'A');
}

TEST(Subprocess, ChildThatIgnoresStdinDoesNotHurtTheParent) {
  std::string input(4u << 20, 'x');
  SubprocessOptions options = command({"true"});
  options.stdin_bytes = input;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->succeeded()) << result->describe();
}

TEST(Subprocess, StdinFromADescriptor) {
  std::string path = std::filesystem::temp_directory_path() / "imagemesh-subprocess-stdin.txt";
  std::ofstream(path) << "from a file\n";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  SubprocessOptions options = command({"cat"});
  options.stdin_fd = fd;
  auto result = run_subprocess(options);
  close(fd);
  std::filesystem::remove(path);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->stdout_bytes, "from a file\n");
}

TEST(Subprocess, TimeoutKillsAndReportsWithinBound) {
  SubprocessOptions options = command({"sleep", "30"});
  options.timeout_ms = 1000;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->timed_out);
  EXPECT_EQ(result->term_signal, SIGKILL);
  EXPECT_FALSE(result->succeeded());
  EXPECT_GE(result->wall_ms, 1000);
  EXPECT_LT(result->wall_ms, 5000);
  EXPECT_NE(result->describe().find("timed out"), std::string::npos);
}

TEST(Subprocess, TimeoutKillsGrandchildrenInTheGroup) {
  // The grandchild closes its copy of stdout so that only the timeout can end the call.
  SubprocessOptions options =
      command({"sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!; exec sleep 31"});
  options.timeout_ms = 1000;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->timed_out);
  EXPECT_LT(result->wall_ms, 5000);
  pid_t grandchild = std::atoi(result->stdout_bytes.c_str());
  ASSERT_GT(grandchild, 0) << result->stdout_bytes;
  for (int i = 0; i < 100 && !process_dead(grandchild); ++i) usleep(10000);
  EXPECT_TRUE(process_dead(grandchild));
}

TEST(Subprocess, LeftoverGrandchildIsKilledWhenTheChildExits) {
  // The background sleep keeps stdout open: without the group kill this would last 30 s.
  SubprocessOptions options = command({"sh", "-c", "sleep 30 & echo $!"});
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->succeeded()) << result->describe();
  EXPECT_FALSE(result->timed_out);
  EXPECT_LT(result->wall_ms, 5000);
  pid_t grandchild = std::atoi(result->stdout_bytes.c_str());
  ASSERT_GT(grandchild, 0);
  for (int i = 0; i < 100 && !process_dead(grandchild); ++i) usleep(10000);
  EXPECT_TRUE(process_dead(grandchild));
}

TEST(Subprocess, AddressSpaceLimitStopsAMemoryHog) {
  // awk doubles a string until allocation fails.
  SubprocessOptions options = command({"awk", "BEGIN { s = \"x\"; while (1) s = s s }"});
  options.limits.address_space_bytes = 256u << 20;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->timed_out);
  EXPECT_FALSE(result->succeeded()) << result->describe();
}

TEST(Subprocess, FileSizeLimitStopsABigWrite) {
  SubprocessOptions options =
      command({"dd", "if=/dev/zero", "of=big.bin", "bs=1048576", "count=10"});
  options.limits.file_size_bytes = 1u << 20;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->term_signal, SIGXFSZ) << result->describe();
}

TEST(Subprocess, CpuLimitIsReported) {
  SubprocessOptions options = command({"sh", "-c", "while :; do :; done"});
  options.limits.cpu_seconds = 1;
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->cpu_exceeded) << result->describe();
  EXPECT_FALSE(result->timed_out);
}

TEST(Subprocess, EnvironmentIsOnlyWhatWePass) {
  setenv("IMAGEMESH_TEST_SECRET", "hunter2", 1);
  SubprocessOptions options = command({"env"});
  options.env = {"PATH=/usr/bin:/bin", "FOO=bar"};
  auto result = run_subprocess(options);
  unsetenv("IMAGEMESH_TEST_SECRET");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->stdout_bytes, "PATH=/usr/bin:/bin\nFOO=bar\n");
}

TEST(Subprocess, MissingProgramIsAClearError) {
  auto by_name = run_subprocess(command({"imagemesh-no-such-program"}));
  ASSERT_FALSE(by_name.ok());
  EXPECT_EQ(by_name.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(by_name.status().message().find("imagemesh-no-such-program"), std::string::npos);
  auto by_path = run_subprocess(command({"/nonexistent/gs"}));
  ASSERT_FALSE(by_path.ok());
  EXPECT_EQ(by_path.status().code(), ErrorCode::kNotFound);
  auto empty = run_subprocess(command({}));
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
}

TEST(Subprocess, ExitCodesAndSignalsAreReported) {
  auto exited = run_subprocess(command({"sh", "-c", "echo oops >&2; exit 3"}));
  ASSERT_TRUE(exited.ok());
  EXPECT_EQ(exited->exit_code, 3);
  EXPECT_EQ(exited->term_signal, 0);
  EXPECT_EQ(exited->stderr_bytes, "oops\n");
  EXPECT_EQ(exited->describe(), "exit status 3");
  auto signalled = run_subprocess(command({"sh", "-c", "kill -TERM $$"}));
  ASSERT_TRUE(signalled.ok());
  EXPECT_EQ(signalled->term_signal, SIGTERM);
  EXPECT_EQ(signalled->exit_code, -1);
}

TEST(Subprocess, PrivateWorkingDirectoryIsEmptyAndRemoved) {
  auto root = ScopedTempDir::create("", "imagemesh-subprocess-test-");
  ASSERT_TRUE(root.ok());
  SubprocessOptions options = command({"sh", "-c", "ls -A; pwd; echo data > left-behind.txt"});
  options.scratch_root = root->path();
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->stdout_bytes.rfind(root->path() + "/run-", 0), 0u) << result->stdout_bytes;
  EXPECT_TRUE(std::filesystem::is_empty(root->path()));
}

TEST(Subprocess, TempDirUnderARelativeRootIsAbsolute) {
  auto root = ScopedTempDir::create("", "imagemesh-subprocess-test-");
  ASSERT_TRUE(root.ok());
  const auto before = std::filesystem::current_path();
  std::filesystem::current_path(root->path());
  std::filesystem::create_directory("relative");
  auto dir = ScopedTempDir::create("relative", "x-");
  std::filesystem::current_path(before);
  ASSERT_TRUE(dir.ok()) << dir.status().to_string();
  EXPECT_EQ(dir->path().rfind(root->path() + "/relative/x-", 0), 0u) << dir->path();
  // A child running elsewhere still finds it.
  SubprocessOptions options = command({"sh", "-c", "test -d \"$0\"", dir->path()});
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 0);
}

TEST(Subprocess, OtherDescriptorsAreClosedInTheChild) {
  int leaked = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 3);
  auto result = run_subprocess(command({"ls", "/proc/self/fd"}));
  close(leaked);
  ASSERT_TRUE(result.ok());
  // 0, 1, 2 and the directory ls itself is reading.
  EXPECT_EQ(result->stdout_bytes, "0\n1\n2\n3\n");
}

TEST(Subprocess, StopWhenEndsTheChildEarly) {
  SubprocessOptions options = command({"yes"});
  options.stop_when = [](std::string_view out) { return out.size() >= 1000; };
  auto result = run_subprocess(options);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->stopped_early);
  EXPECT_FALSE(result->timed_out);
  EXPECT_GE(result->stdout_bytes.size(), 1000u);
}

TEST(Subprocess, ConcurrentCallsFromTwoThreads) {
  auto work = [](char fill, int* failures) {
    std::string input(1u << 20, fill);
    for (int i = 0; i < 5; ++i) {
      SubprocessOptions options = command({"cat"});
      options.stdin_bytes = input;
      auto result = run_subprocess(options);
      if (!result.ok() || !result->succeeded() || result->stdout_bytes != input) ++*failures;
    }
  };
  int failures_a = 0, failures_b = 0;
  std::thread a(work, 'a', &failures_a);
  std::thread b(work, 'b', &failures_b);
  a.join();
  b.join();
  EXPECT_EQ(failures_a + failures_b, 0);
}

}  // namespace
}  // namespace imagemesh
