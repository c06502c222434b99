// The `mobilenet` and `inception` models: ImageNet CNN backbones (Keras MobileNetV2, InceptionV3)
// whose only offline pretrained weights are those inside the npm package nsfwjs 4.4.0 (MIT),
// converted by tools/models/fetch.sh (docs/models.md). The output is the penultimate layer of
// nsfwjs' classifier, the global average of the last feature map (flatten_1); the classifier
// head, fine-tuned for another task, is never loaded. Input as nsfwjs feeds it: RGB / 255.
//
//   model       input       output  weights folder
//   mobilenet   224 x 224   1280    <models>/mobilenet
//   inception   299 x 299   2048    <models>/inception
//
// Runs on the CPU with OpenCV's dnn module (keras_net.h). A loaded model is used by one thread
// at a time (models.h).
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "embed/keras_net.h"
#include "embed/model.h"

namespace imagemesh::embed {

enum class CnnKind { kMobileNetV2, kInceptionV3 };

class CnnModel final : public Model {
 public:
  // Reads `model_dir` (e.g. <models>/mobilenet); errors as KerasNet::load, plus kCorruptArchive
  // when the folder holds a network of another input size or output dimension than `kind`'s.
  [[nodiscard]] static Result<std::unique_ptr<CnnModel>> load(
      CnnKind kind, const std::filesystem::path& model_dir);

  std::string_view name() const override;
  std::string provenance() const override;
  int input_width() const override { return net_.input_width(); }
  int input_height() const override { return net_.input_height(); }
  uint32_t output_dim() const override { return net_.output_dim(); }

  [[nodiscard]] Result<std::vector<float>> embed(const imaging::PixelBuffer& image) const override;
  // Several images in one forward pass; the same vectors as embed() one at a time, up to float
  // rounding. Each image must be kRgb of exactly the input size (kInvalidArgument otherwise).
  [[nodiscard]] Result<std::vector<std::vector<float>>> embed_batch(
      std::span<const imaging::PixelBuffer> images) const;

 private:
  CnnModel(CnnKind kind, KerasNet net) : kind_(kind), net_(std::move(net)) {}

  CnnKind kind_;
  KerasNet net_;
};

[[nodiscard]] Result<std::unique_ptr<Model>> load_mobilenet(const std::filesystem::path& model_dir);
[[nodiscard]] Result<std::unique_ptr<Model>> load_inception(const std::filesystem::path& model_dir);

// Threads OpenCV may use inside one forward pass, for every CNN model in the process (>= 1). Its
// default, one per core, suits one model instance embedding alone; an embed job running one
// model instance per worker thread should set 1, or the workers' thread pools oversubscribe the
// cores (docs/models.md has the measured trade-off). Call it before forward passes start: it
// replaces OpenCV's thread pool.
[[nodiscard]] Status set_cnn_threads(int threads);

}  // namespace imagemesh::embed
