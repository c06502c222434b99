#include "test_support/oai_server.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "test_support/corpus.h"

extern char** environ;

namespace imagemesh::testing {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

OaiServer::OaiServer(const fs::path& dir, const std::vector<std::string>& record_files,
                     const std::vector<std::string>& options)
    : port_file_(dir / "port"), log_(dir / "requests.log") {
  std::error_code ec;
  fs::create_directories(dir, ec);  // the port file and the request log go there
  std::vector<std::string> args = {"python3",     IMAGEMESH_SOURCE_DIR "/tests/tools/oai_server.py",
                                   "--port",      "0",
                                   "--port-file", port_file_.string(),
                                   "--log",       log_.string(),
                                   "--records"};
  args.insert(args.end(), record_files.begin(), record_files.end());
  args.insert(args.end(), options.begin(), options.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // stdout only says "listening on PORT"; stderr stays ours so a Python traceback shows.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  const int spawned = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    pid_ = -1;
    failure_ = "cannot start python3: " + std::string(strerror(spawned));
    return;
  }
  wait_for_port();
}

OaiServer::~OaiServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 500; ++i) {  // 5 s, then no more asking
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::vector<std::string> OaiServer::requests() const {
  std::vector<std::string> lines;
  std::istringstream in(read_file(log_));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void OaiServer::wait_for_port() {
  for (int i = 0; i < 2000; ++i) {  // 20 s: python3 starting on a busy machine
    std::error_code ec;
    if (fs::exists(port_file_, ec)) {
      port_ = std::stoi(read_file(port_file_));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      failure_ = "oai_server.py exited before listening (status " + std::to_string(status) + ")";
      return;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  failure_ = "oai_server.py did not write its port file within 20 s";
}

}  // namespace imagemesh::testing
