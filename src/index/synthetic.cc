#include "index/synthetic.h"

#include <cmath>
#include <random>

namespace imagemesh::index {

SyntheticSet clustered_vectors(size_t count, uint32_t dimension, size_t clusters,
                               uint64_t centre_seed, uint64_t point_seed) {
  std::vector<float> scale(dimension);
  for (uint32_t j = 0; j < dimension; ++j) scale[j] = 1.0f / std::sqrt(1.0f + j / 4.0f);
  std::mt19937_64 centre_rng(centre_seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> spread(0.35f, 1.05f);
  std::vector<float> centres(clusters * dimension);
  std::vector<float> noise(clusters);
  for (size_t c = 0; c < clusters; ++c) {
    for (uint32_t j = 0; j < dimension; ++j)
      centres[c * dimension + j] = normal(centre_rng) * scale[j];
    noise[c] = spread(centre_rng);
  }
  SyntheticSet set;
  set.dimension = dimension;
  set.values.resize(count * dimension);
  std::mt19937_64 rng(point_seed);
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  for (size_t i = 0; i < count; ++i) {
    size_t c = pick(rng);
    float* v = set.values.data() + i * dimension;
    double norm2 = 0;
    for (uint32_t j = 0; j < dimension; ++j) {
      v[j] = centres[c * dimension + j] + noise[c] * scale[j] * normal(rng);
      norm2 += static_cast<double>(v[j]) * v[j];
    }
    auto inv = static_cast<float>(1.0 / std::sqrt(norm2));
    for (uint32_t j = 0; j < dimension; ++j) v[j] *= inv;
  }
  return set;
}

}  // namespace imagemesh::index
