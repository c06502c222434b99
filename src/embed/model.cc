#include "embed/model.h"

#include "imaging/rgb_raster.h"

namespace imagemesh::embed {

Result<std::vector<float>> embed_encoded(const Model& model, std::string_view bytes) {
  IM_ASSIGN_OR_RETURN(
      imaging::PixelBuffer fitted,
      imaging::decode_fit_on_white(bytes, model.input_width(), model.input_height()));
  return model.embed(fitted);
}

}  // namespace imagemesh::embed
