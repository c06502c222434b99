// A real OAI-PMH server on loopback for tests: tests/tools/oai_server.py serving OAI record files
// in pages (options: --page-size, --fail-503-at-page, --retry-after, --die-at-page; see the
// script).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace imagemesh::testing {

// Started by the constructor (port chosen by the kernel), SIGTERMed and reaped by the destructor.
class OaiServer {
 public:
  OaiServer(const std::filesystem::path& dir, const std::vector<std::string>& record_files,
            const std::vector<std::string>& options);
  ~OaiServer();
  OaiServer(const OaiServer&) = delete;
  OaiServer& operator=(const OaiServer&) = delete;

  bool ok() const { return port_ > 0; }
  const std::string& failure() const { return failure_; }
  int port() const { return port_; }
  std::string url(const std::string& path = "/oai") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // One line per request: "<path> <status>[ gzip]".
  std::vector<std::string> requests() const;

 private:
  void wait_for_port();

  std::filesystem::path port_file_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string failure_;
};

}  // namespace imagemesh::testing
