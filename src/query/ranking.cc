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
  count = std::min(count, images.size());
  if (count * 8 < images.size()) {
    // A page of a large set: keep the `count` smallest keys in a max-heap while streaming, instead
    // of keying every image (16 bytes each: 16 MB at 1 M images) and partially sorting them.
    keyed.reserve(count);
    for (uint32_t image : images) {
      const std::pair<uint64_t, uint32_t> entry{shuffle_key(seed, image), image};
      if (keyed.size() < count) {
        keyed.push_back(entry);
        std::push_heap(keyed.begin(), keyed.end());
      } else if (count > 0 && entry < keyed.front()) {
        std::pop_heap(keyed.begin(), keyed.end());
        keyed.back() = entry;
        std::push_heap(keyed.begin(), keyed.end());
      }
    }
    std::sort_heap(keyed.begin(), keyed.end());
    std::vector<uint32_t> out;
    out.reserve(keyed.size());
    for (const auto& entry : keyed) out.push_back(entry.second);
    return out;
  }
  keyed.reserve(images.size());
  for (uint32_t image : images) keyed.emplace_back(shuffle_key(seed, image), image);
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
