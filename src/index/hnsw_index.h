// The approximate index: hnswlib's HierarchicalNSW graph over inner-product distance
// (deps.md §4 measured it fastest at equal recall among the Debian-packaged libraries).
//
// hnswlib is header-only and defines non-inline functions in its headers, so it is included by
// hnsw_index.cc alone; this header keeps it behind a pointer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "index/vector_index.h"

namespace imagemesh::index {

class HnswIndex final : public VectorIndex {
 public:
  HnswIndex(uint32_t dimension, const HnswOptions& options, const FilterOptions& filter);
  ~HnswIndex() override;

  // Reads <path> (header) and <path>.hnsw (hnswlib's own file, checked against the header's size
  // and SHA-256 first, because hnswlib trusts every size it reads).
  [[nodiscard]] static Result<std::unique_ptr<HnswIndex>> load(const std::filesystem::path& path,
                                                               const FilterOptions& filter);

  std::string_view kind() const override { return "hnsw"; }
  uint32_t dimension() const override { return dimension_; }
  size_t size() const override;
  bool contains(uint32_t id) const override;
  // Inserts into the graph (no rebuild); doubles the graph's capacity when it is full.
  [[nodiscard]] Status add(uint32_t id, std::span<const float> vector) override;
  // Unfiltered: one graph search. Filtered: allowed sets up to filter.exact_max_ids are scanned
  // exactly over the vectors stored in the graph; larger ones are searched in the graph for
  // margin*k/selectivity candidates and post-filtered, widening up to max_rounds times before
  // scanning the allowed set exactly.
  [[nodiscard]] Result<std::vector<Neighbor>> search(std::span<const float> query, size_t k,
                                                     const AllowedIds* allowed = nullptr,
                                                     SearchStats* stats = nullptr) const override;
  [[nodiscard]] Status save(const std::filesystem::path& path) const override;

  const HnswOptions& options() const { return options_; }
  void set_ef_search(uint32_t ef);
  void set_filter_options(const FilterOptions& filter) { filter_ = filter; }

 private:
  struct Graph;
  Result<std::vector<Neighbor>> scan_allowed(std::span<const float> query, size_t k,
                                             const AllowedIds& allowed, SearchStats* stats) const;

  uint32_t dimension_;
  HnswOptions options_;
  FilterOptions filter_;
  std::unique_ptr<Graph> graph_;
};

}  // namespace imagemesh::index
