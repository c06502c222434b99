// A read-only private mapping of a whole file: the way vector files and indexes are loaded, so
// the kernel pages them in on demand and shares them between processes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "core/status.h"

namespace imagemesh {

// A read-only private mapping of a whole file. Empty files map to an empty view.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  [[nodiscard]] static Result<MappedFile> open(const std::filesystem::path& path);
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace imagemesh
