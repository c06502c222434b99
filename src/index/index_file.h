// The on-disk header shared by every index kind, file writing and read-only mapping
// (docs/index.md is the format's specification).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::index {

inline constexpr size_t kHeaderBytes = 256;
inline constexpr uint32_t kFormatVersion = 1;

enum class IndexKind : uint32_t { kExact = 1, kHnsw = 2 };

struct IndexHeader {
  IndexKind kind = IndexKind::kExact;
  uint32_t dimension = 0;
  uint64_t count = 0;
  uint64_t ids_offset = 0;      // exact: where count uint32 ids start
  uint64_t vectors_offset = 0;  // exact: where count*dimension floats start (64-byte aligned)
  // hnsw: the graph's parameters and its companion file (<path>.hnsw), checked before hnswlib
  // reads it because hnswlib trusts every size in that file.
  uint32_t hnsw_m = 0;
  uint32_t hnsw_ef_construction = 0;
  uint32_t hnsw_ef_search = 0;
  uint64_t graph_bytes = 0;
  std::string graph_sha256;  // 64 lower-case hex digits
};

std::string encode_header(const IndexHeader& header);  // exactly kHeaderBytes
// Checks magic, version, kind and field ranges; not the payload.
[[nodiscard]] Result<IndexHeader> decode_header(std::string_view bytes);

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

// Writes `path` through a temporary sibling and a rename, so readers see the old or the new file.
class FileWriter {
 public:
  explicit FileWriter(std::filesystem::path path);
  ~FileWriter();  // removes the temporary file if commit() was not reached
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

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

}  // namespace imagemesh::index
