#include "index/scan.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace imagemesh::index {

float dot(const float* a, const float* b, size_t n) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  }
  for (; i < n; ++i) s[0] += a[i] * b[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

void TopK::offer(Neighbor n) {
  if (heap_.size() < k_) {
    heap_.push_back(n);
    std::push_heap(heap_.begin(), heap_.end(), ranks_before);
  } else if (ranks_before(n, heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), ranks_before);
    heap_.back() = n;
    std::push_heap(heap_.begin(), heap_.end(), ranks_before);
  }
}

std::vector<Neighbor> TopK::take() {
  std::sort_heap(heap_.begin(), heap_.end(), ranks_before);
  return std::move(heap_);
}

Status check_vector(std::span<const float> vector, uint32_t dimension) {
  if (vector.size() != dimension) {
    return error(ErrorCode::kInvalidArgument, "vector has dimension " +
                                                  std::to_string(vector.size()) + ", index has " +
                                                  std::to_string(dimension));
  }
  double norm2 = 0;
  for (float x : vector) {
    if (!std::isfinite(x)) return error(ErrorCode::kInvalidArgument, "vector is not finite");
    norm2 += static_cast<double>(x) * x;
  }
  if (std::abs(std::sqrt(norm2) - 1.0) > 1e-3) {
    return error(ErrorCode::kInvalidArgument,
                 "vector is not unit-length (norm " + std::to_string(std::sqrt(norm2)) + ")");
  }
  return Status::Ok();
}

Status check_query(std::span<const float> query, uint32_t dimension, size_t k) {
  if (k < 1) return error(ErrorCode::kInvalidArgument, "k must be at least 1");
  if (query.size() != dimension) {
    return error(ErrorCode::kInvalidArgument, "query has dimension " +
                                                  std::to_string(query.size()) + ", index has " +
                                                  std::to_string(dimension));
  }
  return Status::Ok();
}

}  // namespace imagemesh::index
