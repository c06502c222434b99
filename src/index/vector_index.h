// Nearest-neighbour indexes over image embeddings ("more like this").
//
// Vectors are float32 and unit-normalised; similarity is their inner product (cosine). Ids are
// uint32_t image ordinals chosen by the caller. Two implementations sit behind VectorIndex:
// ExactIndex (a brute-force scan, the reference) and HnswIndex (hnswlib's graph, approximate).
// Both answer searches restricted to an allowed set of ids (the explorer's filters).
//
// Thread safety: search() is const and may run concurrently with other searches; add(), save()
// and the setters need exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "index/allowed_ids.h"

namespace imagemesh::index {

struct Neighbor {
  uint32_t id = 0;
  float similarity = 0;  // inner product with the query; higher is closer

  bool operator==(const Neighbor&) const = default;
};

enum class SearchStrategy {
  kExact,       // a scan: every vector, or only the allowed ones
  kAnn,         // one graph search (post-filtered when an allowed set is given)
  kAnnWidened,  // filtered graph search that had to ask for more candidates at least once
};

// "exact", "ann", "ann+widened".
std::string_view strategy_name(SearchStrategy strategy);

struct SearchStats {
  SearchStrategy strategy = SearchStrategy::kExact;
  size_t candidates = 0;   // vectors scored by a scan, or results taken from the graph
  int rounds = 0;          // graph searches made (0 for a pure scan)
  bool fell_back = false;  // a filtered graph search gave up and scanned the allowed set
};

// Parameters of HnswIndex (hnswlib's names in brackets).
struct HnswOptions {
  // Links per node on upper layers [M]; layer 0 keeps 2*M. Memory is ~ (2*M*4 + 8) bytes per
  // vector on top of the vector itself; 16 is hnswlib's default and deps.md §4's measured setting.
  uint32_t m = 16;
  // Candidate list while inserting [ef_construction]: graph quality against build time.
  uint32_t ef_construction = 200;
  // Candidate list while searching [ef]; hnswlib uses max(ef, k). 100 gives recall@50 >= 0.95
  // on the synthetic clustered sets (bench/index_bench.cc prints the sweep).
  uint32_t ef_search = 100;
  // Seed of the level generator: the same inserts in the same order build the same graph.
  uint32_t seed = 100;
  // Capacity reserved at creation; the graph grows by doubling when it is full.
  size_t initial_capacity = 1024;
};

// How HnswIndex answers a search restricted to an allowed set.
struct FilterOptions {
  // Allowed sets of at most this many ids are scanned exactly; larger ones are searched in the
  // graph and post-filtered. Measured with bench/index_bench.cc at 1 M x 64-d, k = 50, ef = 100
  // (docs/index.md, "Switch point"): scan 5.8 ms vs graph 35 ms at 9 894 ids, scan 26 ms vs graph
  // 4.7 ms at 50 375; scan grows with |allowed|, graph with 1/|allowed|: they cross near 25 000.
  size_t exact_max_ids = 20000;
  // The first filtered graph search asks for margin * k / selectivity candidates; each further
  // round asks for 4x more; after max_rounds the allowed set is scanned exactly.
  double margin = 2.0;
  int max_rounds = 3;
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;

  virtual std::string_view kind() const = 0;  // "exact" or "hnsw"
  virtual uint32_t dimension() const = 0;
  virtual size_t size() const = 0;
  virtual bool contains(uint32_t id) const = 0;

  // Adds one vector under a new id. Errors (kInvalidArgument): the id is already present, the
  // vector has the wrong dimension, is not finite or is not unit-length (|norm - 1| > 1e-3).
  [[nodiscard]] virtual Status add(uint32_t id, std::span<const float> vector) = 0;

  // The k most similar vectors, best first (ties: smaller id first). With `allowed`, only ids in
  // it are returned, and exactly min(k, |allowed ∩ index|) of them. Fewer than k only when the
  // index (or the allowed part of it) holds fewer. Errors: k < 1, wrong query dimension.
  [[nodiscard]] virtual Result<std::vector<Neighbor>> search(
      std::span<const float> query, size_t k, const AllowedIds* allowed = nullptr,
      SearchStats* stats = nullptr) const = 0;

  // Writes the index to `path` (and companions, docs/index.md); replaces them atomically.
  [[nodiscard]] virtual Status save(const std::filesystem::path& path) const = 0;
};

struct IndexOptions {
  HnswOptions hnsw;
  FilterOptions filter;
};

// An empty index of the named kind ("exact" or "hnsw").
[[nodiscard]] Result<std::unique_ptr<VectorIndex>> make_index(std::string_view kind,
                                                              uint32_t dimension,
                                                              const IndexOptions& options = {});

// Loads an index written by save(), of whichever kind its header names. A corrupt or truncated
// file is an error Status, never a crash.
[[nodiscard]] Result<std::unique_ptr<VectorIndex>> load_index(const std::filesystem::path& path,
                                                              const IndexOptions& options = {});

}  // namespace imagemesh::index
