#include "query/ranking.h"

#include <algorithm>

#include "index/scan.h"

namespace imagemesh::query {

uint64_t shuffle_key(uint64_t seed, uint32_t image) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + image + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::vector<uint32_t> first_in_shuffle(std::span<const uint32_t> images, uint64_t seed,
                                       size_t count) {
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  keyed.reserve(images.size());
  for (uint32_t image : images) keyed.emplace_back(shuffle_key(seed, image), image);
  count = std::min(count, keyed.size());
  std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(count), keyed.end());
  std::vector<uint32_t> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(keyed[i].second);
  return out;
}

Result<std::vector<index::Neighbor>> exact_scan(const embed::VectorFile& vectors,
                                                std::span<const uint32_t> images,
                                                std::span<const float> query, size_t k) {
  const uint32_t dim = vectors.info().dimension;
  IM_RETURN_IF_ERROR(index::check_query(query, dim, k));
  index::TopK top(k);
  std::vector<float> row(dim);
  for (uint32_t image : images) {
    if (!vectors.has(image)) continue;
    IM_RETURN_IF_ERROR(vectors.read(image, row));
    top.offer({image, index::dot(query.data(), row.data(), dim)});
  }
  return top.take();
}

}  // namespace imagemesh::query
