// An image embedding model: a fixed-size RGB raster in, one vector out.
//
// Callers fit each image into the model's input size with imaging::fit_on_white (letterboxed on
// white) — embed_encoded() does both — so every model sees figures the same way. Vectors come out
// unreduced; PCA (pca.h) and normalisation happen afterwards, per model.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "imaging/raster_encode.h"

namespace imagemesh::embed {

class Model {
 public:
  virtual ~Model() = default;

  // Stable identifier, stored in vector files and index names ([a-z0-9_.-]).
  virtual std::string_view name() const = 0;
  // One paragraph for the about page and the run summary: what it is, where it comes from.
  virtual std::string provenance() const = 0;
  virtual int input_width() const = 0;
  virtual int input_height() const = 0;
  virtual uint32_t output_dim() const = 0;  // before any PCA

  // `image` must be kRgb of exactly input_width() x input_height() (kInvalidArgument otherwise).
  [[nodiscard]] virtual Result<std::vector<float>> embed(
      const imaging::PixelBuffer& image) const = 0;
};

// Decodes `bytes` (a normalised raster imagemesh wrote), fits it into the model's input size on
// white and embeds it. Errors from decoding (imaging::decode_fit_on_white) or the model.
[[nodiscard]] Result<std::vector<float>> embed_encoded(const Model& model, std::string_view bytes);

}  // namespace imagemesh::embed
