#include "embed/cnn_model.h"

#include <utility>

namespace imagemesh::embed {
namespace {

struct CnnSpec {
  std::string_view name;
  std::string_view architecture;
  int side;
  uint32_t dim;
  std::string_view frozen_through;  // last layer with untouched ImageNet weights
};

const CnnSpec& spec_of(CnnKind kind) {
  static const CnnSpec kMobileNet{"mobilenet", "MobileNetV2 (alpha 1.0)", 224, 1280,
                                  "block_10_project_BN"};
  static const CnnSpec kInception{"inception", "InceptionV3", 299, 2048, "activation_55"};
  return kind == CnnKind::kMobileNetV2 ? kMobileNet : kInception;
}

// nsfwjs reads its classifier's input as RGB / 255 and its penultimate layer is flatten_1.
constexpr char kFeatureLayer[] = "flatten_1";
constexpr double kPixelScale = 1.0 / 255.0;

}  // namespace

Result<std::unique_ptr<CnnModel>> CnnModel::load(CnnKind kind,
                                                 const std::filesystem::path& model_dir) {
  const CnnSpec& spec = spec_of(kind);
  KerasNetOptions options;
  options.output_layer = kFeatureLayer;
  options.input_scale = kPixelScale;
  IM_ASSIGN_OR_RETURN(KerasNet net, KerasNet::load(model_dir, options));
  if (net.input_width() != spec.side || net.input_height() != spec.side ||
      net.output_dim() != spec.dim) {
    return error(ErrorCode::kCorruptArchive,
                 model_dir.string() + ": not the " + std::string(spec.name) + " network (" +
                     std::to_string(spec.side) + "x" + std::to_string(spec.side) + " -> " +
                     std::to_string(spec.dim) + ")");
  }
  return std::unique_ptr<CnnModel>(new CnnModel(kind, std::move(net)));
}

std::string_view CnnModel::name() const { return spec_of(kind_).name; }

std::string CnnModel::provenance() const {
  const CnnSpec& spec = spec_of(kind_);
  const std::string side = std::to_string(spec.side);
  return std::string(spec.name) + ": the " + std::to_string(spec.dim) +
         "-d penultimate features (global average of the last feature map) of a Keras " +
         std::string(spec.architecture) +
         " CNN with ImageNet weights, from the npm package nsfwjs 4.4.0 (MIT licence). Its layers "
         "up to " +
         std::string(spec.frozen_through) +
         " are the original ImageNet weights; nsfwjs fine-tuned the later ones for its own "
         "classifier, whose head is not used. The figure is letterboxed on white into " +
         side + "x" + side +
         " sRGB and fed as RGB / 255, as nsfwjs does; run on the CPU by OpenCV's dnn "
         "module.";
}

Result<std::vector<float>> CnnModel::embed(const imaging::PixelBuffer& image) const {
  IM_ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors,
                      embed_batch(std::span<const imaging::PixelBuffer>(&image, 1)));
  return std::move(vectors.front());
}

Result<std::vector<std::vector<float>>> CnnModel::embed_batch(
    std::span<const imaging::PixelBuffer> images) const {
  return net_.forward(images);
}

Result<std::unique_ptr<Model>> load_mobilenet(const std::filesystem::path& model_dir) {
  IM_ASSIGN_OR_RETURN(std::unique_ptr<CnnModel> model,
                      CnnModel::load(CnnKind::kMobileNetV2, model_dir));
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> load_inception(const std::filesystem::path& model_dir) {
  IM_ASSIGN_OR_RETURN(std::unique_ptr<CnnModel> model,
                      CnnModel::load(CnnKind::kInceptionV3, model_dir));
  return std::unique_ptr<Model>(std::move(model));
}

Status set_cnn_threads(int threads) { return set_keras_net_threads(threads); }

}  // namespace imagemesh::embed
