// The exact twin: a brute-force scan over a contiguous float matrix. It is the reference that
// approximate indexes are measured against, and the right index for small collections.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <unordered_map>
#include <vector>

#include "index/index_file.h"
#include "index/vector_index.h"

namespace imagemesh::index {

class ExactIndex final : public VectorIndex {
 public:
  explicit ExactIndex(uint32_t dimension) : dimension_(dimension) {}

  // Maps the file's vectors read-only instead of reading them (docs/index.md): loading costs the
  // ids, not the vectors. The first add() after a load copies the vectors into memory.
  [[nodiscard]] static Result<std::unique_ptr<ExactIndex>> load(const std::filesystem::path& path);

  std::string_view kind() const override { return "exact"; }
  uint32_t dimension() const override { return dimension_; }
  size_t size() const override { return ids_.size(); }
  bool contains(uint32_t id) const override { return row_of_.contains(id); }
  [[nodiscard]] Status add(uint32_t id, std::span<const float> vector) override;
  // Without `allowed` scans every row; with it, only the allowed ids' rows.
  [[nodiscard]] Result<std::vector<Neighbor>> search(std::span<const float> query, size_t k,
                                                     const AllowedIds* allowed = nullptr,
                                                     SearchStats* stats = nullptr) const override;
  [[nodiscard]] Status save(const std::filesystem::path& path) const override;

 private:
  const float* row(size_t r) const { return rows_ + r * dimension_; }

  uint32_t dimension_;
  std::vector<uint32_t> ids_;                      // row -> id
  std::unordered_map<uint32_t, uint32_t> row_of_;  // id -> row
  std::vector<float> owned_;                       // the rows when built or grown in memory
  MappedFile mapped_;                              // the file when loaded and not yet grown
  const float* rows_ = nullptr;                    // owned_.data() or into mapped_
};

}  // namespace imagemesh::index
