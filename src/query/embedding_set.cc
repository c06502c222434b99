#include "query/embedding_set.h"

#include <system_error>
#include <utility>

#include "core/log.h"
#include "embed/models.h"
#include "embed/unit_vector.h"

namespace imagemesh::query {
namespace {

namespace fs = std::filesystem;

bool file_exists(const fs::path& path) {
  std::error_code ignored;
  return fs::exists(path, ignored);
}

// Whether an upload can be embedded: the pixel model's weights (if it has any) and the mesh's
// PCA are present; for a head, also its trained file.
bool can_embed_uploads(const embed::ModelInfo& model, const fs::path& mesh_dir,
                       const fs::path& model_dir) {
  // A head's source model is named only inside its file, which is read on the first upload.
  if (model.head) return file_exists(mesh_dir / "models" / (model.name + ".yml"));
  if (model.needs_weights && !file_exists(model_dir / model.name)) return false;
  return file_exists(mesh_dir / "embed" / (model.name + ".pca"));
}

}  // namespace

Embedding::Embedding(EmbeddingInfo info, embed::VectorFile vectors,
                     std::unique_ptr<index::VectorIndex> index, fs::path mesh_dir,
                     fs::path model_dir)
    : info_(std::move(info)),
      vectors_(std::move(vectors)),
      index_(std::move(index)),
      mesh_dir_(std::move(mesh_dir)),
      model_dir_(std::move(model_dir)) {}

Result<std::vector<float>> Embedding::query_vector(std::span<const uint32_t> positives,
                                                   std::span<const uint32_t> negatives,
                                                   std::span<const float> upload) const {
  const uint32_t dim = info_.dimension;
  std::vector<float> row(dim);
  auto mean_of = [&](std::span<const uint32_t> images, std::span<const float> extra,
                     std::vector<double>& sum) -> Status {
    sum.assign(dim, 0.0);
    size_t n = 0;
    for (uint32_t image : images) {
      if (!vectors_.has(image)) {
        return Status(ErrorCode::kInvalidArgument,
                      "image " + std::to_string(image) + " has no " + info_.name + " vector");
      }
      IM_RETURN_IF_ERROR(vectors_.read(image, row));
      for (uint32_t i = 0; i < dim; ++i) sum[i] += row[i];
      ++n;
    }
    if (!extra.empty()) {
      for (uint32_t i = 0; i < dim; ++i) sum[i] += extra[i];
      ++n;
    }
    if (n > 0) {
      for (double& value : sum) value /= static_cast<double>(n);
    }
    return Status::Ok();
  };
  std::vector<double> plus, minus;
  IM_RETURN_IF_ERROR(mean_of(positives, upload, plus));
  IM_RETURN_IF_ERROR(mean_of(negatives, {}, minus));
  std::vector<float> query(dim);
  for (uint32_t i = 0; i < dim; ++i) query[i] = static_cast<float>(plus[i] - minus[i]);
  if (!embed::normalise(query)) {
    return Status(ErrorCode::kInvalidArgument,
                  "the positive and negative examples cancel out under " + info_.name +
                      ": nothing to search for");
  }
  return query;
}

Result<std::vector<float>> Embedding::embed_upload(std::string_view bytes,
                                                   uint64_t max_pixels) const {
  const embed::ImageEmbedder* embedder = nullptr;
  {
    std::lock_guard lock(embedder_mutex_);
    if (!embedder_) {
      auto opened =
          embed::ImageEmbedder::open(mesh_dir_, info_.name, embed::ModelDirectory{model_dir_});
      if (!opened.ok()) {
        return Status(ErrorCode::kUnsupported,
                      info_.name + " cannot embed uploaded images: " + opened.status().message());
      }
      embedder_ = std::move(*opened);
    }
    embedder = embedder_.get();
  }
  IM_ASSIGN_OR_RETURN(std::vector<float> vector, embedder->embed(bytes, max_pixels));
  if (vector.size() != info_.dimension) {
    return Status(ErrorCode::kInternal, info_.name + ": the upload's vector has " +
                                            std::to_string(vector.size()) + " dimensions, the " +
                                            "index " + std::to_string(info_.dimension));
  }
  return vector;
}

Result<std::vector<std::unique_ptr<Embedding>>> load_embeddings(
    const fs::path& mesh_dir, const fs::path& model_dir, const index::IndexOptions& index_options) {
  std::vector<std::unique_ptr<Embedding>> embeddings;
  for (const embed::ModelInfo& model : embed::model_catalogue()) {
    const fs::path vectors_path = mesh_dir / "embed" / (model.name + ".vectors");
    const fs::path index_path = mesh_dir / "embed" / (model.name + ".index");
    if (!file_exists(vectors_path) || !file_exists(index_path)) continue;
    auto vectors = embed::VectorFile::open(vectors_path);
    if (!vectors.ok()) {
      log::warn("explorer: {} left out: {}", model.name, vectors.status().message());
      continue;
    }
    auto index = index::load_index(index_path, index_options);
    if (!index.ok()) {
      log::warn("explorer: {} left out: {}", model.name, index.status().message());
      continue;
    }
    if ((*index)->dimension() != vectors->info().dimension) {
      log::warn(
          "explorer: {} left out: its index and vectors disagree on the dimension "
          "(run `imagemesh embed --model {} --rebuild`)",
          model.name, model.name);
      continue;
    }
    EmbeddingInfo info;
    info.name = model.name;
    info.dimension = vectors->info().dimension;
    info.images = (*index)->size();
    info.uploads = can_embed_uploads(model, mesh_dir, model_dir);
    info.summary = model.summary;
    embeddings.push_back(std::make_unique<Embedding>(std::move(info), std::move(*vectors),
                                                     std::move(*index), mesh_dir, model_dir));
  }
  return embeddings;
}

}  // namespace imagemesh::query
