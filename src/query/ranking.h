// Orders of result pages: the seeded shuffle of random mode, keyword relevance, and the exact
// similarity scan used when a query forces it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"

namespace imagemesh::query {

// A position in the shuffle of `seed`: a bijective mix of (seed, image) (splitmix64's
// finaliser), so the order is the same on every run and machine, independent of the filters.
uint64_t shuffle_key(uint64_t seed, uint32_t image);

// The first `count` of `images` in shuffle order (ties impossible: keys are distinct per seed).
std::vector<uint32_t> first_in_shuffle(std::span<const uint32_t> images, uint64_t seed,
                                       size_t count);

// The `k` images of `images` most similar to `query`, scanning their stored vectors (images
// without a vector are skipped); best first, ties by smaller id, as the indexes rank.
[[nodiscard]] Result<std::vector<index::Neighbor>> exact_scan(const embed::VectorFile& vectors,
                                                              std::span<const uint32_t> images,
                                                              std::span<const float> query,
                                                              size_t k);

}  // namespace imagemesh::query
