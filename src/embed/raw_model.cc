#include "embed/raw_model.h"

namespace imagemesh::embed {

std::string RawModel::provenance() const {
  return "raw: the figure's own pixels, letterboxed on white into 32x32 sRGB (Lanczos-3 resize, "
         "libvips) and flattened to 3072 values in [0, 1]; no learned weights. After the seed "
         "pipeline's 'raw' mode (PIL RGB squashed to 256x256).";
}

Result<std::vector<float>> RawModel::embed(const imaging::PixelBuffer& image) const {
  if (image.layout != imaging::PixelLayout::kRgb || image.width != kRawSide ||
      image.height != kRawSide || image.pixels.size() != output_dim()) {
    return error(ErrorCode::kInvalidArgument, "raw model: input must be 32x32 RGB");
  }
  std::vector<float> out(image.pixels.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(image.pixels[i]) / 255.0f;
  return out;
}

}  // namespace imagemesh::embed
