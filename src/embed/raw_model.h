// The `raw` model: the pixels themselves, as the seed's "raw" mode (docs/embeddings.md).
//
// Input: the image letterboxed on white into 32 x 32 sRGB. Output: its 3072 samples as floats in
// [0, 1] (value / 255), in row-major, interleaved R, G, B order — (y * 32 + x) * 3 + channel — the
// layout numpy's flatten of a PIL image gives. The seed squashed images to 256 x 256 (aspect
// ratio lost, 196,608 dimensions); 32 x 32 letterboxed keeps shapes undistorted and makes the
// scatter matrix of the PCA fit 72 MiB instead of 300 GiB.
#pragma once

#include "embed/model.h"

namespace imagemesh::embed {

inline constexpr int kRawSide = 32;

class RawModel final : public Model {
 public:
  std::string_view name() const override { return "raw"; }
  std::string provenance() const override;
  int input_width() const override { return kRawSide; }
  int input_height() const override { return kRawSide; }
  uint32_t output_dim() const override { return kRawSide * kRawSide * 3; }

  [[nodiscard]] Result<std::vector<float>> embed(const imaging::PixelBuffer& image) const override;
};

}  // namespace imagemesh::embed
