// Synthetic clustered unit vectors for the index tests and bench/index_bench.cc.
//
// Gaussian clusters around random centres with a decaying spectrum (dimension j scaled by
// 1/sqrt(1 + j/4)) and per-cluster noise of 0.35-1.05x that scale, so clusters overlap: the data
// set deps.md §4 measured the libraries on. Deterministic for a given seed (on one standard
// library: std::normal_distribution is implementation-defined).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace imagemesh::index {

struct SyntheticSet {
  uint32_t dimension = 0;
  std::vector<float> values;  // count * dimension, each row unit-length

  size_t count() const { return dimension == 0 ? 0 : values.size() / dimension; }
  std::span<const float> row(size_t i) const { return {values.data() + i * dimension, dimension}; }
};

// `count` vectors from `clusters` clusters. Queries for a set are drawn by calling this again
// with the same clusters and centre_seed but another point_seed.
SyntheticSet clustered_vectors(size_t count, uint32_t dimension, size_t clusters,
                               uint64_t centre_seed, uint64_t point_seed);

}  // namespace imagemesh::index
