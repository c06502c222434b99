// The embeddings a mesh holds (mesh/embed/<model>.vectors with its .index), loaded once: vectors
// memory-mapped, indexes in memory. Each can also embed an uploaded image, with its model opened
// on first use (a CNN takes seconds to load and most sessions never upload).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "embed/image_embedder.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"
#include "query/engine.h"

namespace imagemesh::query {

class Embedding {
 public:
  Embedding(EmbeddingInfo info, embed::VectorFile vectors,
            std::unique_ptr<index::VectorIndex> index, std::filesystem::path mesh_dir,
            std::filesystem::path model_dir);

  const EmbeddingInfo& info() const { return info_; }
  const std::string& name() const { return info_.name; }
  const embed::VectorFile& vectors() const { return vectors_; }
  const index::VectorIndex& index() const { return *index_; }

  // The query vector of examples: the normalised mean of the positives' vectors (and of
  // `upload`, when not empty) minus the mean of the negatives'. kInvalidArgument when an example
  // has no vector under this embedding or the difference is zero.
  [[nodiscard]] Result<std::vector<float>> query_vector(std::span<const uint32_t> positives,
                                                        std::span<const uint32_t> negatives,
                                                        std::span<const float> upload) const;
  // The unit vector of an uploaded image (embed::ImageEmbedder's errors).
  [[nodiscard]] Result<std::vector<float>> embed_upload(std::string_view bytes,
                                                        uint64_t max_pixels) const;

 private:
  EmbeddingInfo info_;
  embed::VectorFile vectors_;
  std::unique_ptr<index::VectorIndex> index_;
  std::filesystem::path mesh_dir_, model_dir_;
  mutable std::mutex embedder_mutex_;
  mutable std::unique_ptr<embed::ImageEmbedder> embedder_;
};

// Every embedding of the mesh with a vector file and an index, in the model catalogue's order.
[[nodiscard]] Result<std::vector<std::unique_ptr<Embedding>>> load_embeddings(
    const std::filesystem::path& mesh_dir, const std::filesystem::path& model_dir,
    const index::IndexOptions& index_options);

}  // namespace imagemesh::query
