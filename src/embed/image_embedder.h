// Embeds one image outside an embed run: the explorer's query by uploaded image. The bytes go
// through the same steps as a stored image (imaging's in-process thumbnail code with its limits,
// the model, the mesh's fitted PCA, unit length; for a head, its source model's vector and then
// the head's hidden layer), so the result compares with the mesh's stored vectors. Nothing is
// written anywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "embed/models.h"

namespace imagemesh::embed {

class ImageEmbedder {
 public:
  // `mesh_dir` holds embed/<model>.pca (and models/<head>.yml for a head). kNotFound when the
  // model's weights or the mesh's PCA are missing (the message says which and how to get them).
  [[nodiscard]] static Result<std::unique_ptr<ImageEmbedder>> open(
      const std::filesystem::path& mesh_dir, std::string_view model, const ModelDirectory& weights);
  virtual ~ImageEmbedder() = default;

  virtual uint32_t dimension() const = 0;

  // A unit vector for an encoded image (PNG, JPEG, GIF, TIFF, BMP, WebP, PDF page 1, SVG).
  // Errors: kUnsupported for EPS/PS (Ghostscript runs only in ingest's sandbox) and bytes that are
  // no image; kTooLarge over `max_pixels`; kDecodeFailed for broken bytes. Thread-safe: calls are
  // serialised (a CNN instance is not reentrant).
  [[nodiscard]] virtual Result<std::vector<float>> embed(std::string_view bytes,
                                                         uint64_t max_pixels) const = 0;
};

}  // namespace imagemesh::embed
