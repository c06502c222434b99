// Shared data and measures for the index tests (header-only; not part of the library).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <vector>

#include "index/synthetic.h"
#include "index/vector_index.h"

namespace imagemesh::index::fixture {

// Moderate sizes: the debug preset runs these under ASan + UBSan.
inline constexpr size_t kCount = 20000;
inline constexpr uint32_t kDim = 64;
inline constexpr size_t kClusters = 50;
inline constexpr size_t kQueries = 100;
inline constexpr size_t kK = 50;

inline const SyntheticSet& data() {
  static const SyntheticSet set = clustered_vectors(kCount, kDim, kClusters, 1, 2);
  return set;
}
inline const SyntheticSet& queries() {
  static const SyntheticSet set = clustered_vectors(kQueries, kDim, kClusters, 1, 3);
  return set;
}

// Id of row i: not the row number, so ids and rows cannot be confused.
inline uint32_t id_of(size_t row) { return static_cast<uint32_t>(row * 3 + 7); }

inline IndexOptions test_options() {
  IndexOptions options;
  options.hnsw.ef_construction = 100;  // halves the ASan build time; recall stays >= 0.95
  return options;
}

inline std::unique_ptr<VectorIndex> build(std::string_view kind, size_t from, size_t to,
                                          const IndexOptions& options = test_options()) {
  auto made = make_index(kind, kDim, options);
  EXPECT_TRUE(made.ok()) << made.status().to_string();
  std::unique_ptr<VectorIndex> index = std::move(made).value();
  for (size_t i = from; i < to; ++i) {
    Status added = index->add(id_of(i), data().row(i));
    EXPECT_TRUE(added.ok()) << added.to_string();
  }
  return index;
}

// Built once per test binary: the exact twin and an hnsw graph over all of data().
inline VectorIndex& exact_all() {
  static std::unique_ptr<VectorIndex> index = build("exact", 0, kCount);
  return *index;
}
inline VectorIndex& hnsw_all() {
  static std::unique_ptr<VectorIndex> index = build("hnsw", 0, kCount);
  return *index;
}

inline std::vector<Neighbor> must_search(const VectorIndex& index, size_t q, size_t k,
                                         const AllowedIds* allowed = nullptr,
                                         SearchStats* stats = nullptr) {
  auto found = index.search(queries().row(q), k, allowed, stats);
  EXPECT_TRUE(found.ok()) << found.status().to_string();
  return found.ok() ? std::move(found).value() : std::vector<Neighbor>{};
}

// |found ∩ truth| / |truth|, by id.
inline double recall(const std::vector<Neighbor>& found, const std::vector<Neighbor>& truth) {
  if (truth.empty()) return 1.0;
  std::set<uint32_t> want;
  for (const Neighbor& n : truth) want.insert(n.id);
  size_t hit = 0;
  for (const Neighbor& n : found) hit += want.count(n.id);
  return static_cast<double>(hit) / static_cast<double>(truth.size());
}

// Mean recall@k of `index` against `truth` over all queries.
inline double mean_recall(const VectorIndex& index, const VectorIndex& truth, size_t k,
                          const AllowedIds* allowed = nullptr) {
  double sum = 0;
  for (size_t q = 0; q < kQueries; ++q) {
    sum += recall(must_search(index, q, k, allowed), must_search(truth, q, k, allowed));
  }
  return sum / kQueries;
}

}  // namespace imagemesh::index::fixture
