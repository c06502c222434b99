// Whole-file writes that readers never see half done: the bytes go to `<path>.tmp`, are fsynced,
// and the temporary file is renamed over `path`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "core/status.h"

namespace imagemesh {

// Writes `path` through a temporary sibling and a rename, so readers see the old or the new file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();  // removes the temporary file if commit() was not reached
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  [[nodiscard]] Status open();
  [[nodiscard]] Status write(std::string_view bytes);
  [[nodiscard]] Status pad_to(uint64_t offset);  // zero bytes up to the absolute offset
  [[nodiscard]] Status commit();
  uint64_t offset() const { return offset_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  uint64_t offset_ = 0;
};

}  // namespace imagemesh
