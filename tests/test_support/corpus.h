// Test helpers: where the shared corpus is, scratch folders, whole-file reads.
#pragma once

#include <filesystem>
#include <string>

namespace imagemesh::testing {

// ../shared/corpus beside the checkout, or "" when absent. Tests that need it call
// GTEST_SKIP() << kNoCorpusMessage when this is empty.
std::string shared_corpus_dir();
inline constexpr const char* kNoCorpusMessage =
    "../shared/corpus is absent (a fresh clone without the shared test corpus): skipped";

// A fresh empty folder under the build's temp area, removed by the destructor.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& bytes);

// Runs a shell command, returns its exit status and captures stdout (and stderr if asked).
int run_command(const std::string& command, std::string* output = nullptr);

}  // namespace imagemesh::testing
