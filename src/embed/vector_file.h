// The per-model vector store: one memory-mappable file of rows aligned with image ordinals (row i
// holds image ordinal i's vector), each row float32 or float16, each with a presence flag so
// images not embedded yet are known (docs/embeddings.md is the format's specification).
//
// Writing is in place (a shared read-write mapping that grows by doubling), so an `embed` run can
// fill rows in any order, stop and resume. A row's flag is set after its values; sync() is the
// durability point: after a crash, rows written since the last sync() may be missing or (if the
// flag reached the disk first) torn, so the caller re-embeds its last unsynced batch.
// Readers map the file read-only; one writer at a time (the caller's lock, not enforced here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "core/mapped_file.h"
#include "core/status.h"

namespace imagemesh::embed {

// kInt8: each row keeps a float32 scale (its largest |value| / 127) and one signed byte per value.
enum class ElementType : uint32_t { kFloat32 = 1, kFloat16 = 2, kInt8 = 3 };

// "float32", "float16", "int8".
std::string_view element_type_name(ElementType type);

inline constexpr size_t kVectorHeaderBytes = 256;
inline constexpr uint32_t kVectorFormatVersion = 1;
inline constexpr size_t kMaxModelNameBytes = 63;
inline constexpr uint32_t kMaxVectorDimension = 65536;

struct VectorFileInfo {
  std::string model;  // 1..63 bytes: [a-z0-9_.-]
  uint32_t dimension = 0;
  ElementType element = ElementType::kFloat32;
};

// Bytes from one row's start to the next: (int8: a 4-byte scale,) the values and a 4-byte flag,
// rounded up to 16 bytes so every row starts 16-byte aligned.
size_t row_stride(uint32_t dimension, ElementType element);

// Read-only view of a vector file, mapped privately. Cheap to move; rows are decoded on access.
class VectorFile {
 public:
  // Errors: kNotFound, kIo; kTruncated when the file is shorter than its header says;
  // kCorruptArchive for a bad magic, field or row flag; kUnsupported for another format version.
  [[nodiscard]] static Result<VectorFile> open(const std::filesystem::path& path);

  const VectorFileInfo& info() const { return info_; }
  uint64_t rows() const { return rows_; }  // ordinals 0..rows()-1 have a slot
  bool has(uint64_t row) const;            // false beyond rows()
  uint64_t present_count() const;          // rows with a vector (a scan of the flags)

  // Copies row `row` into `out` (dimension floats), widening float16. kNotFound when the row is
  // missing; kInvalidArgument when `out` has the wrong size.
  [[nodiscard]] Status read(uint64_t row, std::span<float> out) const;

 private:
  const unsigned char* row_bytes(uint64_t row) const;

  MappedFile mapped_;
  VectorFileInfo info_;
  uint64_t rows_ = 0;
  size_t stride_ = 0;
};

// Creates or reopens a vector file for writing in place.
class VectorFileWriter {
 public:
  ~VectorFileWriter();  // syncs (errors ignored: call close() to see them) and unmaps
  VectorFileWriter(VectorFileWriter&& other) noexcept;
  VectorFileWriter& operator=(VectorFileWriter&& other) = delete;
  VectorFileWriter(const VectorFileWriter&) = delete;
  VectorFileWriter& operator=(const VectorFileWriter&) = delete;

  // Opens `path`, creating an empty file when it does not exist. An existing file must have the
  // same model, dimension and element type (kInvalidArgument otherwise), and is checked as
  // VectorFile::open checks it.
  [[nodiscard]] static Result<VectorFileWriter> open(const std::filesystem::path& path,
                                                     const VectorFileInfo& info);

  const VectorFileInfo& info() const { return info_; }
  uint64_t rows() const { return rows_; }
  bool has(uint64_t row) const;

  // Stores `vector` (dimension finite floats; float16 storage rounds to nearest) as row `row`,
  // growing the file when row >= rows(); rows skipped over stay missing. Overwrites a present row.
  // Errors: kInvalidArgument (size, non-finite values, row beyond 2^32), kIo (disk full...).
  [[nodiscard]] Status set(uint64_t row, std::span<const float> vector);
  [[nodiscard]] Status append(std::span<const float> vector) { return set(rows_, vector); }
  // Marks a row missing again (e.g. its image changed).
  [[nodiscard]] Status clear(uint64_t row);

  [[nodiscard]] Status sync();   // msync + fsync: everything set so far is on disk
  [[nodiscard]] Status close();  // sync, trim the spare capacity, unmap

 private:
  VectorFileWriter() = default;
  [[nodiscard]] Status reserve(uint64_t rows);
  unsigned char* row_bytes(uint64_t row) const;
  void write_count();

  std::filesystem::path path_;
  int fd_ = -1;
  void* data_ = nullptr;
  size_t size_ = 0;  // mapped (and file) size: header + capacity rows
  VectorFileInfo info_;
  uint64_t rows_ = 0;
  size_t stride_ = 0;
};

}  // namespace imagemesh::embed
