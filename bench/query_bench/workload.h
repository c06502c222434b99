// The requests query_bench times, drawn (seeded) from what the mesh holds, so the same code makes a
// realistic workload on the built-in sample and on a generated 1 M-image mesh.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "query/engine.h"

namespace imagemesh::bench {

struct Request {
  query::Query query;
  std::string tag;  // sub-kind, reported separately ("selective", "broad"); "" none
};

struct Kind {
  std::string name;          // "random", "keyword: common", "similar+filters", "facets", ...
  bool count_only = false;   // Engine::count (facets) instead of Engine::run
  bool has_baseline = true;  // the seed did this (it had no facets and no paging)
  std::vector<Request> requests;
};

// Words of the mesh's text by how many images they occur with, from a sample of image records:
// common (the most frequent), medium (~1 % of the sample) and rare (in one sampled image).
struct KeywordTiers {
  std::vector<std::string> common, medium, rare;
};

// What the workload is drawn from, read once before timing.
struct MeshSample {
  std::vector<uint32_t> images;  // catalogue ordinals with a vector under the default embedding
  KeywordTiers words;
};

// `ordinals`: every catalogue image; `vectors_path`: the default embedding's vector file.
[[nodiscard]] Result<MeshSample> sample_mesh(const std::string& mesh_dir,
                                             const std::vector<uint32_t>& ordinals,
                                             const std::string& vectors_path, uint64_t seed);

// Every kind, `per_kind` requests each (the timing loops cycle through them).
//   random           a random seed, no filter (the landing page)
//   keyword: common / medium / rare
//                    one word; every request's expression is a distinct string (the word plus a
//                    varying number of trailing spaces, which FTS5 ignores), so the engine's
//                    32-entry keyword cache never answers: each is a cold full-text query
//   keyword: page 2 (cached)
//                    the second page of one of 8 common words: the cache answers (paging)
//   similar          one random example image, no filter
//   similar+filters  an example and filters: "selective" (a mid-sized category + a 1-3 year range,
//                    half the time + a format) or "broad" (an archive, an open year range or two
//                    formats); the example is a random image, or half the time one of the
//                    filtered images (the user clicked one in the grid)
//   facets           Engine::count with facets under the same kinds of filters (20 % none)
[[nodiscard]] Result<std::vector<Kind>> build_workload(const query::Engine& engine,
                                                       const MeshSample& sample, size_t per_kind,
                                                       uint64_t seed);

}  // namespace imagemesh::bench
