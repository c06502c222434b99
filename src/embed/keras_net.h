// A Keras 2 functional model run by OpenCV's dnn module on the CPU, built layer by layer from a
// weights folder written by tools/models/decode_nsfwjs.mjs (docs/models.md):
//
//   topology.json   Keras modelTopology (model_config.config.layers: name, class_name, config,
//                   inbound_nodes), in the JSON subset OpenCV's FileStorage reads (no null)
//   manifest.json   for each weight tensor: Keras name ("<layer>/<variable>"), shape, byte offset
//   weights.bin     those tensors, float32 little-endian, with size and SHA-256 in the manifest
//
// Only the layers the requested output layer depends on are built, and every one of their
// weights must be in the manifest with the shape the topology implies; the manifest may hold
// nothing else. Supported classes: InputLayer, Conv2D, DepthwiseConv2D, BatchNormalization, ReLU,
// Activation (relu, linear), ZeroPadding2D, Add, Concatenate, MaxPooling2D, AveragePooling2D,
// GlobalAveragePooling2D, Flatten (of a 1x1 map), Dropout (inference: identity). Anything else is
// kUnsupported naming the class. Keras semantics are kept exactly: TF 'same' padding (asymmetric
// when the total is odd), average pooling that excludes padding, floor output sizes.
//
// This file and keras_net.cc are the only ones that know OpenCV.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "imaging/raster_encode.h"

namespace imagemesh::embed {

struct KerasNetOptions {
  // The layer whose output is returned (its output must be C x 1 x 1, e.g. a global pooling or
  // the Flatten after it). It must equal the manifest's feature_layer.
  std::string output_layer;
  // Network input = (pixel - input_mean) * input_scale, per channel, RGB order kept.
  double input_mean = 0.0;
  double input_scale = 1.0;
};

class KerasNet {
 public:
  // Reads and checks the three files in `dir`, then builds the network. Errors: kNotFound (a file
  // is missing), kIo, kParse (a file is not the JSON expected), kTruncated / kCorruptArchive /
  // kChecksumMismatch (weights.bin does not match the manifest, or holds non-finite values),
  // kCorruptArchive (weights and topology disagree), kUnsupported (a layer or setting this
  // builder does not handle), kInternal (OpenCV refused the network).
  [[nodiscard]] static Result<KerasNet> load(const std::filesystem::path& dir,
                                             const KerasNetOptions& options);

  KerasNet(KerasNet&&) noexcept;
  KerasNet& operator=(KerasNet&&) noexcept;
  ~KerasNet();

  int input_width() const;
  int input_height() const;
  uint32_t output_dim() const;
  // OpenCV layers in the built network (Keras identity layers add none, a TF 'same' padding that
  // is asymmetric adds one).
  int layer_count() const;

  // One vector of output_dim() floats per image, computed in one batch. Every image must be kRgb
  // of exactly the input size (kInvalidArgument otherwise). Not reentrant: one thread at a time
  // per KerasNet (cv::dnn::Net::forward keeps per-net state); distinct nets may run in parallel.
  [[nodiscard]] Result<std::vector<std::vector<float>>> forward(
      std::span<const imaging::PixelBuffer> images) const;

 private:
  struct Impl;
  explicit KerasNet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Sets how many threads OpenCV uses inside one forward pass: process-wide (cv::setNumThreads), for
// every net. `threads` >= 1 (kInvalidArgument otherwise); OpenCV's default is one per core.
[[nodiscard]] Status set_keras_net_threads(int threads);

}  // namespace imagemesh::embed
