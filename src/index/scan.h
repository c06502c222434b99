// The pieces of an exact scan shared by ExactIndex and HnswIndex's exact path, so both score a
// vector bit-for-bit the same way and break ties the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "index/vector_index.h"

namespace imagemesh::index {

// Inner product in a fixed summation order (8 lanes, then pairwise), which the compiler
// vectorises with the baseline SSE2 of x86-64; no -march flags needed.
float dot(const float* a, const float* b, size_t n);

// "a ranks before b": higher similarity, then smaller id.
inline bool ranks_before(const Neighbor& a, const Neighbor& b) {
  return a.similarity > b.similarity || (a.similarity == b.similarity && a.id < b.id);
}

// Keeps the k best of the neighbours offered to it.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(k); }
  void offer(Neighbor n);
  // Best first. Leaves the collector empty.
  std::vector<Neighbor> take();

 private:
  size_t k_;
  std::vector<Neighbor> heap_;  // worst on top (ranks_before as the heap's "less")
};

// Rejects vectors an index must not store: wrong dimension, non-finite, not unit-length.
[[nodiscard]] Status check_vector(std::span<const float> vector, uint32_t dimension);
// Rejects queries: wrong dimension or k < 1.
[[nodiscard]] Status check_query(std::span<const float> query, uint32_t dimension, size_t k);

}  // namespace imagemesh::index
