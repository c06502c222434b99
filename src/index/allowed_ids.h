// The set of ids a filtered search may return (the explorer's filters, resolved to images).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace imagemesh::index {

// Sorted, distinct ids with O(1) membership. Memory: 4 bytes per id plus a bitmap of
// (largest id + 1) / 8 bytes, which suits dense image ordinals.
class AllowedIds {
 public:
  AllowedIds() = default;
  // Sorts and removes duplicates.
  explicit AllowedIds(std::vector<uint32_t> ids);

  size_t size() const { return ids_.size(); }
  bool empty() const { return ids_.empty(); }
  bool contains(uint32_t id) const {
    return (id >> 6) < bits_.size() && ((bits_[id >> 6] >> (id & 63)) & 1) != 0;
  }
  std::span<const uint32_t> ids() const { return ids_; }

 private:
  std::vector<uint32_t> ids_;
  std::vector<uint64_t> bits_;
};

}  // namespace imagemesh::index
