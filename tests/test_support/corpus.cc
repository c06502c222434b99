#include "test_support/corpus.h"

#include <unistd.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace imagemesh::testing {

std::string shared_corpus_dir() {
  if (const char* env = std::getenv("IMAGEMESH_SHARED_CORPUS")) return env;
  std::filesystem::path dir = std::filesystem::path(IMAGEMESH_SHARED_DIR) / "corpus";
  std::error_code ec;
  if (std::filesystem::is_directory(dir / "arxiv", ec))
    return std::filesystem::canonical(dir).string();
  return "";
}

ScratchDir::ScratchDir(const std::string& name) {
  std::random_device random;
  auto base = std::filesystem::temp_directory_path() / "imagemesh-tests";
  std::filesystem::create_directories(base);
  path_ = base / (name + "-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!std::getenv("IMAGEMESH_KEEP_SCRATCH")) std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

int run_command(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    if (output) output->append(buffer.data(), n);
  }
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace imagemesh::testing
