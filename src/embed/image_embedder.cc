#include "embed/image_embedder.h"

#include <mutex>
#include <optional>
#include <utility>

#include "embed/head_model.h"
#include "embed/model.h"
#include "embed/pca.h"
#include "embed/unit_vector.h"
#include "imaging/image_facts.h"
#include "imaging/thumbnail.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;

class PipelineEmbedder final : public ImageEmbedder {
 public:
  PipelineEmbedder(std::unique_ptr<Model> model, Pca pca, std::optional<HeadModel> head)
      : model_(std::move(model)), pca_(std::move(pca)), head_(std::move(head)) {}

  uint32_t dimension() const override { return head_ ? head_->hidden_dim() : pca_.output_dim; }

  Result<std::vector<float>> embed(std::string_view bytes, uint64_t max_pixels) const override {
    const imaging::ImageFormat format = imaging::sniff_image_format(bytes, "");
    if (format == imaging::ImageFormat::kUnknown) {
      return Status(ErrorCode::kUnsupported,
                    "the upload is not an image (PNG, JPEG, GIF, TIFF, BMP, WebP, PDF or SVG)");
    }
    if (format == imaging::ImageFormat::kEps || format == imaging::ImageFormat::kPs) {
      return Status(ErrorCode::kUnsupported,
                    "EPS and PostScript uploads are not accepted (they run only in ingest's "
                    "Ghostscript sandbox): convert the figure to PDF or PNG first");
    }
    imaging::ThumbnailOptions options;
    options.max_input_pixels = max_pixels;
    IM_ASSIGN_OR_RETURN(imaging::Thumbnails thumbnails,
                        imaging::make_thumbnails(bytes, format, options));
    std::lock_guard lock(mutex_);
    IM_ASSIGN_OR_RETURN(std::vector<float> features, embed_encoded(*model_, thumbnails.raster));
    std::vector<float> projected(pca_.output_dim);
    IM_RETURN_IF_ERROR(pca_.project(features, projected));
    if (!head_) return projected;
    IM_ASSIGN_OR_RETURN(HeadOutput output, head_->apply(projected));
    if (!normalise(output.hidden)) {
      return Status(ErrorCode::kDecodeFailed,
                    "the image gives a zero vector under " + head_->info().name);
    }
    return std::move(output.hidden);
  }

 private:
  std::unique_ptr<Model> model_;
  Pca pca_;
  std::optional<HeadModel> head_;
  mutable std::mutex mutex_;
};

}  // namespace

Result<std::unique_ptr<ImageEmbedder>> ImageEmbedder::open(const fs::path& mesh_dir,
                                                           std::string_view model,
                                                           const ModelDirectory& weights) {
  IM_ASSIGN_OR_RETURN(ModelInfo info, find_model(model));
  std::optional<HeadModel> head;
  std::string pixel_model = info.name;
  if (info.head) {
    auto loaded = HeadModel::load(mesh_dir / "models" / (info.name + ".yml"));
    IM_RETURN_IF_ERROR(loaded.status());
    pixel_model = loaded->source();
    head = std::move(*loaded);
  }
  IM_ASSIGN_OR_RETURN(std::unique_ptr<Model> loaded_model, load_model(pixel_model, weights));
  const fs::path pca_path = mesh_dir / "embed" / (pixel_model + ".pca");
  auto pca = Pca::load(pca_path);
  if (!pca.ok()) {
    return Status(pca.status().code(), "no PCA for " + pixel_model + " in the mesh (" +
                                           pca.status().message() + "): run `imagemesh embed`");
  }
  if (head && head->source_dim() != pca->output_dim) {
    return Status(ErrorCode::kInvalidArgument,
                  info.name + " reads " + std::to_string(head->source_dim()) + "-d vectors but " +
                      pixel_model + "'s PCA gives " + std::to_string(pca->output_dim));
  }
  return std::unique_ptr<ImageEmbedder>(std::make_unique<PipelineEmbedder>(
      std::move(loaded_model), std::move(*pca), std::move(head)));
}

}  // namespace imagemesh::embed
