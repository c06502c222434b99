#include "embed/keras_net.h"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <new>
#include <set>
#include <string_view>
#include <utility>

#include "core/mapped_file.h"
#include "embed/keras_weights.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kManifestFormat = "imagemesh-keras-weights";
constexpr int kManifestVersion = 1;

// ---- JSON, read with cv::FileStorage. Its reader has no null (the decoder leaves null out),
// reads true/false as 1/0 and integers as 32-bit ints. ----

// Opens `path` as JSON into `storage`; kParse when OpenCV cannot read it. FileNodes point into
// `storage`, so the caller owns it.
Status open_json(const fs::path& path, cv::FileStorage& storage) {
  IM_ASSIGN_OR_RETURN(MappedFile file, MappedFile::open(path));
  try {
    const std::string text(file.bytes());
    if (!storage.open(
            text, cv::FileStorage::READ | cv::FileStorage::MEMORY | cv::FileStorage::FORMAT_JSON) ||
        !storage.root().isMap()) {
      return error(ErrorCode::kParse, path.string() + ": not a JSON object");
    }
  } catch (const cv::Exception& e) {
    return error(ErrorCode::kParse, path.string() + ": " + e.msg);
  }
  return Status::Ok();
}

// Typed access to the members of one JSON object; errors say where the object is.
class JsonObject {
 public:
  JsonObject(cv::FileNode node, std::string where) : node_(node), where_(std::move(where)) {}

  const std::string& where() const { return where_; }
  bool has(const char* key) const { return !node_[key].isNone(); }
  cv::FileNode operator[](const char* key) const { return node_[key]; }

  Result<std::string> text(const char* key) const {
    const cv::FileNode value = node_[key];
    if (!value.isString()) return missing(key, "a string");
    return value.string();
  }
  Result<int> integer(const char* key) const {
    const cv::FileNode value = node_[key];
    if (!value.isInt()) return missing(key, "an integer");
    return static_cast<int>(value);
  }
  Result<double> number(const char* key) const {
    const cv::FileNode value = node_[key];
    if (!value.isInt() && !value.isReal()) return missing(key, "a number");
    return value.real();
  }
  // Booleans arrive as 0/1; an absent key takes `fallback` (Keras' default for it).
  Result<bool> flag(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    IM_ASSIGN_OR_RETURN(const int value, integer(key));
    if (value != 0 && value != 1) return missing(key, "a boolean");
    return value == 1;
  }
  Result<std::vector<int>> integers(const char* key) const {
    const cv::FileNode value = node_[key];
    if (!value.isSeq()) return missing(key, "a list of integers");
    std::vector<int> out;
    for (const cv::FileNode& item : value) {
      if (!item.isInt()) return missing(key, "a list of integers");
      out.push_back(static_cast<int>(item));
    }
    return out;
  }
  // A [rows, cols] pair such as kernel_size or strides.
  Result<std::array<int, 2>> pair(const char* key) const {
    IM_ASSIGN_OR_RETURN(const std::vector<int> values, integers(key));
    if (values.size() != 2) return missing(key, "a pair of integers");
    return std::array<int, 2>{values[0], values[1]};
  }

 private:
  Status missing(const char* key, const char* what) const {
    return error(ErrorCode::kParse, where_ + ": \"" + key + "\" is not " + what);
  }

  cv::FileNode node_;
  std::string where_;
};

// ---- manifest.json ----

struct ManifestFile {
  WeightManifest weights;
  std::string feature_layer;
};

Result<ManifestFile> read_manifest(const fs::path& path) {
  cv::FileStorage storage;
  IM_RETURN_IF_ERROR(open_json(path, storage));
  const JsonObject root(storage.root(), path.string());
  IM_ASSIGN_OR_RETURN(const std::string format, root.text("format"));
  IM_ASSIGN_OR_RETURN(const int version, root.integer("version"));
  IM_ASSIGN_OR_RETURN(const std::string dtype, root.text("dtype"));
  IM_ASSIGN_OR_RETURN(const std::string byte_order, root.text("byte_order"));
  if (format != kManifestFormat || version != kManifestVersion || dtype != "float32" ||
      byte_order != "little") {
    return error(ErrorCode::kUnsupported,
                 path.string() + ": not a version " + std::to_string(kManifestVersion) + " " +
                     std::string(kManifestFormat) + " manifest of little-endian float32");
  }
  ManifestFile manifest;
  IM_ASSIGN_OR_RETURN(const int bytes, root.integer("weights_bytes"));
  if (bytes < 0) return error(ErrorCode::kCorruptArchive, path.string() + ": negative size");
  manifest.weights.weights_bytes = static_cast<uint64_t>(bytes);
  IM_ASSIGN_OR_RETURN(manifest.weights.weights_sha256, root.text("weights_sha256"));
  IM_ASSIGN_OR_RETURN(manifest.feature_layer, root.text("feature_layer"));
  const cv::FileNode entries = root["weights"];
  if (!entries.isSeq()) return error(ErrorCode::kParse, path.string() + ": no weights list");
  for (const cv::FileNode& node : entries) {
    const JsonObject entry(
        node, path.string() + ": weights[" + std::to_string(manifest.weights.entries.size()) + "]");
    if (!node.isMap()) return error(ErrorCode::kParse, entry.where() + " is not an object");
    WeightEntry weight;
    IM_ASSIGN_OR_RETURN(weight.name, entry.text("name"));
    IM_ASSIGN_OR_RETURN(weight.shape, entry.integers("shape"));
    IM_ASSIGN_OR_RETURN(const int offset, entry.integer("offset"));
    if (offset < 0) return error(ErrorCode::kCorruptArchive, entry.where() + ": negative offset");
    weight.offset = static_cast<uint64_t>(offset);
    manifest.weights.entries.push_back(std::move(weight));
  }
  return manifest;
}

// ---- topology.json ----

struct KerasLayer {
  std::string name;
  std::string class_name;
  cv::FileNode config;
  std::vector<std::string> inputs;  // names of the layers feeding it, in order
};

// The functional model's layers in file order (Keras writes them in a topological order).
Result<std::vector<KerasLayer>> read_layers(const cv::FileStorage& storage, const fs::path& path) {
  const JsonObject model(storage.root()["model_config"], path.string() + ": model_config");
  IM_ASSIGN_OR_RETURN(const std::string model_class, model.text("class_name"));
  if (model_class != "Model") {
    return error(ErrorCode::kUnsupported,
                 path.string() + ": a Keras " + model_class + ", not a functional Model");
  }
  const cv::FileNode layers = model["config"]["layers"];
  if (!layers.isSeq() || layers.empty()) {
    return error(ErrorCode::kParse, path.string() + ": model_config.config.layers is not a list");
  }
  std::vector<KerasLayer> out;
  for (const cv::FileNode& node : layers) {
    const JsonObject fields(node, path.string() + ": layer " + std::to_string(out.size()));
    KerasLayer layer;
    IM_ASSIGN_OR_RETURN(layer.name, fields.text("name"));
    IM_ASSIGN_OR_RETURN(layer.class_name, fields.text("class_name"));
    const std::string where = path.string() + ": " + layer.name;
    layer.config = fields["config"];
    const cv::FileNode inbound = fields["inbound_nodes"];
    if (!layer.config.isMap() || !inbound.isSeq()) {
      return error(ErrorCode::kParse, where + ": no config or inbound_nodes");
    }
    if (inbound.size() > 1) {
      return error(ErrorCode::kUnsupported, where + ": a layer called more than once");
    }
    if (inbound.size() == 1) {
      for (const cv::FileNode& link : inbound[0]) {
        // [layer name, node index, tensor index, call kwargs]
        if (!link.isSeq() || link.size() < 3 || !link[0].isString() || !link[1].isInt() ||
            !link[2].isInt()) {
          return error(ErrorCode::kParse, where + ": malformed inbound node");
        }
        if (static_cast<int>(link[1]) != 0 || static_cast<int>(link[2]) != 0 ||
            (link.size() > 3 && !(link[3].isMap() && link[3].size() == 0))) {
          return error(ErrorCode::kUnsupported,
                       where + ": input from a shared layer, a second output or with arguments");
        }
        layer.inputs.push_back(link[0].string());
      }
    }
    out.push_back(std::move(layer));
  }
  return out;
}

// Names of `target` and every layer it depends on.
Result<std::set<std::string>> ancestors(const std::vector<KerasLayer>& layers,
                                        const std::string& target) {
  std::map<std::string, const KerasLayer*> by_name;
  for (const KerasLayer& layer : layers) by_name[layer.name] = &layer;
  std::set<std::string> needed;
  std::vector<std::string> pending{target};
  while (!pending.empty()) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    if (needed.contains(name)) continue;
    auto layer = by_name.find(name);
    if (layer == by_name.end()) {
      return error(ErrorCode::kCorruptArchive, "topology: no layer named " + name);
    }
    needed.insert(name);
    for (const std::string& input : layer->second->inputs) pending.push_back(input);
  }
  return needed;
}

// ---- Building the cv::dnn::Net ----

struct Shape {  // one image's feature map, channels first as OpenCV computes
  int channels = 0;
  int height = 0;
  int width = 0;
  bool operator==(const Shape&) const = default;
};

std::string to_string(const Shape& shape) {
  return std::to_string(shape.channels) + "x" + std::to_string(shape.height) + "x" +
         std::to_string(shape.width);
}

// A Keras layer's output inside the OpenCV network.
struct Tensor {
  int layer_id = 0;  // OpenCV layer whose output 0 this is; 0 = the network input
  std::string cv_name;
  Shape shape;
};

struct Pads {
  int top = 0, bottom = 0, left = 0, right = 0;
  bool symmetric() const { return top == bottom && left == right; }
};

// Keras/TensorFlow padding along one axis. 'same': out = ceil(in / stride), total padding
// max((out - 1) * stride + extent - in, 0), of which floor(total / 2) comes first; with an odd
// total (e.g. a 3x3 kernel, stride 2, even input) the extra row/column is at the bottom/right.
std::pair<int, int> same_padding(int in, int extent, int stride) {
  const int out = (in + stride - 1) / stride;
  const int total = std::max((out - 1) * stride + extent - in, 0);
  return {total / 2, total - total / 2};
}

class NetBuilder {
 public:
  NetBuilder(cv::dnn::Net& net, WeightStore& weights) : net_(net), weights_(weights) {}

  Status add(const KerasLayer& layer);
  Result<Tensor> output_of(const std::string& keras_name) const;
  const Shape& input_shape() const { return input_shape_; }
  const std::string& input_name() const { return input_name_; }
  int layer_count() const { return static_cast<int>(cv_shapes_.size()); }
  // OpenCV layer id -> the shape this builder expects it to produce.
  const std::map<int, Shape>& expected_shapes() const { return cv_shapes_; }

 private:
  using LayerBuild = Result<Tensor> (NetBuilder::*)(const KerasLayer&, const JsonObject&,
                                                    const std::vector<Tensor>&);
  Result<Tensor> input_layer(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> conv2d(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> depthwise_conv2d(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> batch_normalization(const KerasLayer&, const JsonObject&,
                                     const std::vector<Tensor>&);
  Result<Tensor> relu(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> activation(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> zero_padding2d(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> add_layer(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> concatenate(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> max_pooling2d(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> average_pooling2d(const KerasLayer&, const JsonObject&,
                                   const std::vector<Tensor>&);
  Result<Tensor> global_average_pooling2d(const KerasLayer&, const JsonObject&,
                                          const std::vector<Tensor>&);
  Result<Tensor> flatten(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);
  Result<Tensor> identity(const KerasLayer&, const JsonObject&, const std::vector<Tensor>&);

  Result<Tensor> convolution(const KerasLayer& layer, const JsonObject& config, const Tensor& in,
                             bool depthwise);
  Result<Tensor> pooling(const KerasLayer& layer, const JsonObject& config, const Tensor& in,
                         const char* kind);
  // The pads of `config`'s 'padding' ('valid' or 'same') for a window of `extent` and `stride`.
  Result<Pads> keras_pads(const JsonObject& config, const Shape& in, std::array<int, 2> extent,
                          std::array<int, 2> stride) const;
  Result<Tensor> apply_activation(const std::string& name, const std::string& activation,
                                  const Tensor& in, const std::string& where);
  Tensor add_cv_layer(const std::string& name, const std::string& type,
                      cv::dnn::LayerParams& params, const std::vector<Tensor>& inputs,
                      const Shape& out);
  Tensor pad_layer(const std::string& name, const Tensor& in, const Pads& pads);
  Result<cv::Mat> vector_blob(const std::string& name, int size);

  cv::dnn::Net& net_;
  WeightStore& weights_;
  std::map<std::string, Tensor> tensors_;  // by Keras layer name
  std::map<int, Shape> cv_shapes_;
  Shape input_shape_;
  std::string input_name_;
};

Status unsupported(const std::string& where, const std::string& what) {
  return error(ErrorCode::kUnsupported, where + ": " + what);
}

Status NetBuilder::add(const KerasLayer& layer) {
  static const std::map<std::string, LayerBuild, std::less<>> kBuilders = {
      {"InputLayer", &NetBuilder::input_layer},
      {"Conv2D", &NetBuilder::conv2d},
      {"DepthwiseConv2D", &NetBuilder::depthwise_conv2d},
      {"BatchNormalization", &NetBuilder::batch_normalization},
      {"ReLU", &NetBuilder::relu},
      {"Activation", &NetBuilder::activation},
      {"ZeroPadding2D", &NetBuilder::zero_padding2d},
      {"Add", &NetBuilder::add_layer},
      {"Concatenate", &NetBuilder::concatenate},
      {"MaxPooling2D", &NetBuilder::max_pooling2d},
      {"AveragePooling2D", &NetBuilder::average_pooling2d},
      {"GlobalAveragePooling2D", &NetBuilder::global_average_pooling2d},
      {"Flatten", &NetBuilder::flatten},
      {"Dropout", &NetBuilder::identity},  // inference: passes its input through
  };
  const std::string where = "topology: " + layer.name + " (" + layer.class_name + ")";
  auto builder = kBuilders.find(layer.class_name);
  if (builder == kBuilders.end()) {
    return unsupported(where, "layer class " + layer.class_name + " is not supported");
  }
  if (tensors_.contains(layer.name)) {
    return error(ErrorCode::kCorruptArchive, where + ": layer name used twice");
  }
  const JsonObject config(layer.config, where);
  if (config.has("data_format")) {
    IM_ASSIGN_OR_RETURN(const std::string data_format, config.text("data_format"));
    if (data_format != "channels_last") return unsupported(where, "data_format " + data_format);
  }
  std::vector<Tensor> inputs;
  for (const std::string& input : layer.inputs) {
    auto tensor = tensors_.find(input);
    if (tensor == tensors_.end()) {
      return error(ErrorCode::kCorruptArchive, where + ": input " + input + " is not built yet");
    }
    inputs.push_back(tensor->second);
  }
  const bool is_input = layer.class_name == "InputLayer";
  if (is_input != inputs.empty() ||
      (inputs.size() > 1 && layer.class_name != "Add" && layer.class_name != "Concatenate")) {
    return error(ErrorCode::kCorruptArchive,
                 where + ": " + std::to_string(inputs.size()) + " inputs");
  }
  IM_ASSIGN_OR_RETURN(Tensor out, (this->*builder->second)(layer, config, inputs));
  tensors_.emplace(layer.name, std::move(out));
  return Status::Ok();
}

Result<Tensor> NetBuilder::output_of(const std::string& keras_name) const {
  auto tensor = tensors_.find(keras_name);
  if (tensor == tensors_.end()) {
    return error(ErrorCode::kCorruptArchive, "topology: no layer " + keras_name);
  }
  return tensor->second;
}

Tensor NetBuilder::add_cv_layer(const std::string& name, const std::string& type,
                                cv::dnn::LayerParams& params, const std::vector<Tensor>& inputs,
                                const Shape& out) {
  params.name = name;
  params.type = type;
  const int id = net_.addLayer(name, type, params);
  for (size_t i = 0; i < inputs.size(); ++i) {
    net_.connect(inputs[i].layer_id, 0, id, static_cast<int>(i));
  }
  cv_shapes_[id] = out;
  return Tensor{id, name, out};
}

Tensor NetBuilder::pad_layer(const std::string& name, const Tensor& in, const Pads& pads) {
  // Padding of an NCHW blob: (before, after) for each of N, C, H, W.
  const int paddings[8] = {0, 0, 0, 0, pads.top, pads.bottom, pads.left, pads.right};
  cv::dnn::LayerParams params;
  params.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
  params.set("value", 0.0);
  const Shape out{in.shape.channels, in.shape.height + pads.top + pads.bottom,
                  in.shape.width + pads.left + pads.right};
  return add_cv_layer(name, "Padding", params, {in}, out);
}

Result<cv::Mat> NetBuilder::vector_blob(const std::string& name, int size) {
  IM_ASSIGN_OR_RETURN(const std::span<const float> values, weights_.take(name, {size}));
  return cv::Mat(1, size, CV_32F, const_cast<float*>(values.data())).clone();
}

Result<Tensor> NetBuilder::input_layer(const KerasLayer& layer, const JsonObject& config,
                                       const std::vector<Tensor>&) {
  if (!input_name_.empty()) return unsupported(config.where(), "a second input");
  const cv::FileNode shape = config["batch_input_shape"];
  // [batch (-1: any), height, width, channels]
  if (!shape.isSeq() || shape.size() != 4 || !shape[1].isInt() || !shape[2].isInt() ||
      !shape[3].isInt()) {
    return error(ErrorCode::kParse, config.where() + ": batch_input_shape is not [n, h, w, c]");
  }
  input_shape_ =
      Shape{static_cast<int>(shape[3]), static_cast<int>(shape[1]), static_cast<int>(shape[2])};
  if (input_shape_.channels != 3 || input_shape_.height < 1 || input_shape_.height > 4096 ||
      input_shape_.width < 1 || input_shape_.width > 4096) {
    return unsupported(config.where(), "input " + to_string(input_shape_) + " is not RGB");
  }
  if (config.has("dtype")) {
    IM_ASSIGN_OR_RETURN(const std::string dtype, config.text("dtype"));
    if (dtype != "float32") return unsupported(config.where(), "input dtype " + dtype);
  }
  input_name_ = layer.name;
  return Tensor{0, layer.name, input_shape_};
}

Result<Pads> NetBuilder::keras_pads(const JsonObject& config, const Shape& in,
                                    std::array<int, 2> extent, std::array<int, 2> stride) const {
  IM_ASSIGN_OR_RETURN(const std::string padding, config.text("padding"));
  if (padding == "valid") return Pads{};
  if (padding != "same") return unsupported(config.where(), "padding " + padding);
  const auto [top, bottom] = same_padding(in.height, extent[0], stride[0]);
  const auto [left, right] = same_padding(in.width, extent[1], stride[1]);
  return Pads{top, bottom, left, right};
}

Result<Tensor> NetBuilder::conv2d(const KerasLayer& layer, const JsonObject& config,
                                  const std::vector<Tensor>& inputs) {
  return convolution(layer, config, inputs[0], /*depthwise=*/false);
}

Result<Tensor> NetBuilder::depthwise_conv2d(const KerasLayer& layer, const JsonObject& config,
                                            const std::vector<Tensor>& inputs) {
  return convolution(layer, config, inputs[0], /*depthwise=*/true);
}

// Conv2D: kernel [kh, kw, in, out] (HWIO) becomes OpenCV's OIHW. DepthwiseConv2D: kernel
// [kh, kw, C, multiplier] becomes a grouped convolution (group = C) with weights
// [C * multiplier, 1, kh, kw]; output channel c * multiplier + m reads input channel c, as in TF.
Result<Tensor> NetBuilder::convolution(const KerasLayer& layer, const JsonObject& config,
                                       const Tensor& in, bool depthwise) {
  IM_ASSIGN_OR_RETURN(const auto kernel, config.pair("kernel_size"));
  IM_ASSIGN_OR_RETURN(const auto stride, config.pair("strides"));
  std::array<int, 2> dilation{1, 1};
  if (config.has("dilation_rate")) {
    IM_ASSIGN_OR_RETURN(dilation, config.pair("dilation_rate"));
  }
  IM_ASSIGN_OR_RETURN(const bool use_bias, config.flag("use_bias", true));
  if (config.has("groups")) {
    IM_ASSIGN_OR_RETURN(const int groups, config.integer("groups"));
    if (groups != 1) return unsupported(config.where(), "grouped Conv2D");
  }
  std::string activation = "linear";
  if (config.has("activation")) {
    IM_ASSIGN_OR_RETURN(activation, config.text("activation"));
  }
  for (int v : {kernel[0], kernel[1], stride[0], stride[1], dilation[0], dilation[1]}) {
    if (v < 1 || v > 64)
      return unsupported(config.where(), "kernel, stride or dilation outside 1..64");
  }
  const int channels = in.shape.channels;
  int outputs = 0;
  std::string kernel_name;
  std::vector<int> kernel_shape;
  if (depthwise) {
    IM_ASSIGN_OR_RETURN(const int multiplier, config.integer("depth_multiplier"));
    if (multiplier < 1) return unsupported(config.where(), "depth_multiplier < 1");
    outputs = channels * multiplier;
    kernel_name = layer.name + "/depthwise_kernel";
    kernel_shape = {kernel[0], kernel[1], channels, multiplier};
  } else {
    IM_ASSIGN_OR_RETURN(outputs, config.integer("filters"));
    if (outputs < 1) return unsupported(config.where(), "filters < 1");
    kernel_name = layer.name + "/kernel";
    kernel_shape = {kernel[0], kernel[1], channels, outputs};
  }
  IM_ASSIGN_OR_RETURN(const std::span<const float> values,
                      weights_.take(kernel_name, kernel_shape));
  const cv::Mat hwio(4, kernel_shape.data(), CV_32F, const_cast<float*>(values.data()));
  cv::Mat weights;
  if (depthwise) {
    cv::transposeND(hwio, {2, 3, 0, 1}, weights);  // [C, multiplier, kh, kw]
    weights = weights.reshape(1, {outputs, 1, kernel[0], kernel[1]});
  } else {
    cv::transposeND(hwio, {3, 2, 0, 1}, weights);  // [out, in, kh, kw]
  }

  const std::array<int, 2> extent{(kernel[0] - 1) * dilation[0] + 1,
                                  (kernel[1] - 1) * dilation[1] + 1};
  IM_ASSIGN_OR_RETURN(Pads pads, keras_pads(config, in.shape, extent, stride));
  Tensor source = in;
  if (!pads.symmetric()) {
    // OpenCV's convolution pads symmetrically; TF 'same' with an odd total pads one more row
    // and column after. An explicit zero padding layer and a 'valid' convolution are exact.
    source = pad_layer(layer.name + "/same_padding", in, pads);
    pads = Pads{};
  }
  const int height = source.shape.height + pads.top + pads.bottom;
  const int width = source.shape.width + pads.left + pads.right;
  if (height < extent[0] || width < extent[1]) {
    return unsupported(config.where(), "input " + to_string(source.shape) + " smaller than kernel");
  }
  const Shape out{outputs, (height - extent[0]) / stride[0] + 1,
                  (width - extent[1]) / stride[1] + 1};

  cv::dnn::LayerParams params;
  params.set("kernel_h", kernel[0]);
  params.set("kernel_w", kernel[1]);
  params.set("stride_h", stride[0]);
  params.set("stride_w", stride[1]);
  params.set("dilation_h", dilation[0]);
  params.set("dilation_w", dilation[1]);
  params.set("pad_h", pads.top);
  params.set("pad_w", pads.left);
  params.set("num_output", outputs);
  params.set("group", depthwise ? channels : 1);
  params.set("bias_term", use_bias);
  params.blobs.push_back(weights);
  if (use_bias) {
    IM_ASSIGN_OR_RETURN(cv::Mat bias, vector_blob(layer.name + "/bias", outputs));
    params.blobs.push_back(bias);
  }
  const Tensor conv = add_cv_layer(layer.name, "Convolution", params, {source}, out);
  return apply_activation(layer.name + "/activation", activation, conv, config.where());
}

// Keras' own activations that a layer may carry ('activation' of Conv2D) or be (Activation).
Result<Tensor> NetBuilder::apply_activation(const std::string& name, const std::string& activation,
                                            const Tensor& in, const std::string& where) {
  if (activation == "linear") return in;
  if (activation == "relu") {
    cv::dnn::LayerParams params;
    return add_cv_layer(name, "ReLU", params, {in}, in.shape);
  }
  return unsupported(where, "activation " + activation);
}

Result<Tensor> NetBuilder::activation(const KerasLayer& layer, const JsonObject& config,
                                      const std::vector<Tensor>& inputs) {
  IM_ASSIGN_OR_RETURN(const std::string kind, config.text("activation"));
  return apply_activation(layer.name, kind, inputs[0], config.where());
}

// Keras ReLU(max_value, negative_slope, threshold): ReLU6 is max_value 6.
Result<Tensor> NetBuilder::relu(const KerasLayer& layer, const JsonObject& config,
                                const std::vector<Tensor>& inputs) {
  double negative_slope = 0.0;
  double threshold = 0.0;
  if (config.has("negative_slope")) {
    IM_ASSIGN_OR_RETURN(negative_slope, config.number("negative_slope"));
  }
  if (config.has("threshold")) {
    IM_ASSIGN_OR_RETURN(threshold, config.number("threshold"));
  }
  if (threshold != 0.0) return unsupported(config.where(), "ReLU threshold");
  cv::dnn::LayerParams params;
  if (config.has("max_value")) {
    IM_ASSIGN_OR_RETURN(const double max_value, config.number("max_value"));
    if (negative_slope != 0.0 || max_value <= 0.0) {
      return unsupported(config.where(), "clipped ReLU with a slope");
    }
    params.set("min_value", 0.0);
    params.set("max_value", max_value);
    return add_cv_layer(layer.name, "ReLU6", params, inputs, inputs[0].shape);
  }
  params.set("negative_slope", negative_slope);
  return add_cv_layer(layer.name, "ReLU", params, inputs, inputs[0].shape);
}

// Inference batch normalisation: gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) +
// beta, gamma = 1 without 'scale', beta = 0 without 'center'.
Result<Tensor> NetBuilder::batch_normalization(const KerasLayer& layer, const JsonObject& config,
                                               const std::vector<Tensor>& inputs) {
  const Tensor& in = inputs[0];
  if (config.has("axis")) {
    IM_ASSIGN_OR_RETURN(const int axis, config.integer("axis"));
    if (axis != -1 && axis != 3) return unsupported(config.where(), "axis is not the channels");
  }
  IM_ASSIGN_OR_RETURN(const double epsilon, config.number("epsilon"));
  IM_ASSIGN_OR_RETURN(const bool center, config.flag("center", true));
  IM_ASSIGN_OR_RETURN(const bool scale, config.flag("scale", true));
  const int channels = in.shape.channels;
  cv::dnn::LayerParams params;
  IM_ASSIGN_OR_RETURN(cv::Mat mean, vector_blob(layer.name + "/moving_mean", channels));
  IM_ASSIGN_OR_RETURN(cv::Mat variance, vector_blob(layer.name + "/moving_variance", channels));
  cv::Mat gamma = cv::Mat::ones(1, channels, CV_32F);
  cv::Mat beta = cv::Mat::zeros(1, channels, CV_32F);
  if (scale) {
    IM_ASSIGN_OR_RETURN(gamma, vector_blob(layer.name + "/gamma", channels));
  }
  if (center) {
    IM_ASSIGN_OR_RETURN(beta, vector_blob(layer.name + "/beta", channels));
  }
  params.blobs = {mean, variance, gamma, beta};
  params.set("has_weight", true);
  params.set("has_bias", true);
  params.set("eps", epsilon);
  return add_cv_layer(layer.name, "BatchNorm", params, inputs, in.shape);
}

// ZeroPadding2D(((top, bottom), (left, right))); MobileNetV2's stride-2 layers pad only after.
Result<Tensor> NetBuilder::zero_padding2d(const KerasLayer& layer, const JsonObject& config,
                                          const std::vector<Tensor>& inputs) {
  const cv::FileNode padding = config["padding"];
  std::vector<int> values;
  if (padding.isSeq() && padding.size() == 2) {
    for (const cv::FileNode& axis : padding) {
      if (!axis.isSeq() || axis.size() != 2 || !axis[0].isInt() || !axis[1].isInt()) break;
      values.push_back(static_cast<int>(axis[0]));
      values.push_back(static_cast<int>(axis[1]));
    }
  }
  if (values.size() != 4 || *std::min_element(values.begin(), values.end()) < 0) {
    return error(ErrorCode::kParse,
                 config.where() + ": padding is not ((top, bottom), (left, right))");
  }
  return pad_layer(layer.name, inputs[0], Pads{values[0], values[1], values[2], values[3]});
}

Result<Tensor> NetBuilder::add_layer(const KerasLayer& layer, const JsonObject& config,
                                     const std::vector<Tensor>& inputs) {
  if (inputs.size() < 2) return error(ErrorCode::kCorruptArchive, config.where() + ": one input");
  for (const Tensor& input : inputs) {
    if (!(input.shape == inputs[0].shape)) {
      return error(ErrorCode::kCorruptArchive, config.where() + ": inputs differ in shape");
    }
  }
  cv::dnn::LayerParams params;
  params.set("operation", "sum");
  return add_cv_layer(layer.name, "Eltwise", params, inputs, inputs[0].shape);
}

Result<Tensor> NetBuilder::concatenate(const KerasLayer& layer, const JsonObject& config,
                                       const std::vector<Tensor>& inputs) {
  IM_ASSIGN_OR_RETURN(const int axis, config.integer("axis"));
  if (axis != -1 && axis != 3) return unsupported(config.where(), "concatenation not on channels");
  Shape out = inputs[0].shape;
  out.channels = 0;
  for (const Tensor& input : inputs) {
    if (input.shape.height != out.height || input.shape.width != out.width) {
      return error(ErrorCode::kCorruptArchive, config.where() + ": inputs differ in size");
    }
    out.channels += input.shape.channels;
  }
  cv::dnn::LayerParams params;
  params.set("axis", 1);  // NCHW channels
  return add_cv_layer(layer.name, "Concat", params, inputs, out);
}

Result<Tensor> NetBuilder::max_pooling2d(const KerasLayer& layer, const JsonObject& config,
                                         const std::vector<Tensor>& inputs) {
  return pooling(layer, config, inputs[0], "max");
}

Result<Tensor> NetBuilder::average_pooling2d(const KerasLayer& layer, const JsonObject& config,
                                             const std::vector<Tensor>& inputs) {
  return pooling(layer, config, inputs[0], "ave");
}

// Keras pooling: output sizes round down ('valid') or are ceil(in / stride) ('same'), and an
// average over a window that overlaps the padding counts only the real inputs.
Result<Tensor> NetBuilder::pooling(const KerasLayer& layer, const JsonObject& config,
                                   const Tensor& in, const char* kind) {
  IM_ASSIGN_OR_RETURN(const auto window, config.pair("pool_size"));
  std::array<int, 2> stride = window;  // Keras' default when strides is None
  if (config.has("strides")) {
    IM_ASSIGN_OR_RETURN(stride, config.pair("strides"));
  }
  for (int v : {window[0], window[1], stride[0], stride[1]}) {
    if (v < 1 || v > 4096)
      return unsupported(config.where(), "pool size or stride outside 1..4096");
  }
  IM_ASSIGN_OR_RETURN(const Pads pads, keras_pads(config, in.shape, window, stride));
  if (!pads.symmetric()) {
    // Neither a zero pad (max pooling would see zeros, average pooling would count them) nor
    // OpenCV's symmetric pads would match; no model imagemesh loads needs it.
    return unsupported(config.where(), "'same' pooling with asymmetric padding");
  }
  const int height = in.shape.height + pads.top + pads.bottom;
  const int width = in.shape.width + pads.left + pads.right;
  if (height < window[0] || width < window[1]) {
    return unsupported(config.where(), "input " + to_string(in.shape) + " smaller than the pool");
  }
  const Shape out{in.shape.channels, (height - window[0]) / stride[0] + 1,
                  (width - window[1]) / stride[1] + 1};
  cv::dnn::LayerParams params;
  params.set("pool", kind);
  params.set("kernel_h", window[0]);
  params.set("kernel_w", window[1]);
  params.set("stride_h", stride[0]);
  params.set("stride_w", stride[1]);
  params.set("pad_h", pads.top);
  params.set("pad_w", pads.left);
  params.set("ceil_mode", false);             // OpenCV's default rounds up (Caffe)
  params.set("ave_pool_padded_area", false);  // OpenCV's default counts the padding
  return add_cv_layer(layer.name, "Pooling", params, {in}, out);
}

Result<Tensor> NetBuilder::global_average_pooling2d(const KerasLayer& layer, const JsonObject&,
                                                    const std::vector<Tensor>& inputs) {
  cv::dnn::LayerParams params;
  params.set("pool", "ave");
  params.set("global_pooling", true);
  return add_cv_layer(layer.name, "Pooling", params, inputs, Shape{inputs[0].shape.channels, 1, 1});
}

// Keras flattens channels-last (h, w, c); OpenCV's blobs are channels-first. The orders agree
// only for a 1x1 map, which is what a feature vector after global pooling is.
Result<Tensor> NetBuilder::flatten(const KerasLayer&, const JsonObject& config,
                                   const std::vector<Tensor>& inputs) {
  if (inputs[0].shape.height != 1 || inputs[0].shape.width != 1) {
    return unsupported(config.where(), "Flatten of a " + to_string(inputs[0].shape) + " map");
  }
  return inputs[0];
}

Result<Tensor> NetBuilder::identity(const KerasLayer&, const JsonObject&,
                                    const std::vector<Tensor>& inputs) {
  return inputs[0];
}

// Compares OpenCV's own shape inference with the shapes the Keras topology implies, layer by
// layer: a parameter OpenCV read differently from what the builder meant shows up here.
Status check_shapes(const cv::dnn::Net& net, const NetBuilder& builder) {
  const Shape& in = builder.input_shape();
  std::vector<int> ids;
  std::vector<std::vector<cv::dnn::MatShape>> in_shapes;
  std::vector<std::vector<cv::dnn::MatShape>> out_shapes;
  net.getLayersShapes(cv::dnn::MatShape{1, in.channels, in.height, in.width}, ids, in_shapes,
                      out_shapes);
  for (size_t i = 0; i < ids.size(); ++i) {
    auto expected = builder.expected_shapes().find(ids[i]);
    if (expected == builder.expected_shapes().end()) continue;  // the input pseudo-layer
    const Shape& e = expected->second;
    const cv::dnn::MatShape want{1, e.channels, e.height, e.width};
    if (out_shapes[i].empty() || out_shapes[i][0] != want) {
      return error(ErrorCode::kInternal, "OpenCV infers another shape than Keras for layer " +
                                             net.getLayer(ids[i])->name +
                                             " (Keras: " + to_string(e) + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

struct KerasNet::Impl {
  cv::dnn::Net net;
  std::string output_name;
  Shape input;
  uint32_t output_dim = 0;
  int layer_count = 0;
  KerasNetOptions options;
};

KerasNet::KerasNet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KerasNet::KerasNet(KerasNet&&) noexcept = default;
KerasNet& KerasNet::operator=(KerasNet&&) noexcept = default;
KerasNet::~KerasNet() = default;

int KerasNet::input_width() const { return impl_->input.width; }
int KerasNet::input_height() const { return impl_->input.height; }
uint32_t KerasNet::output_dim() const { return impl_->output_dim; }
int KerasNet::layer_count() const { return impl_->layer_count; }

Result<KerasNet> KerasNet::load(const fs::path& dir, const KerasNetOptions& options) {
  for (const char* file : {"manifest.json", "topology.json", "weights.bin"}) {
    if (!fs::is_regular_file(dir / file)) {
      return error(ErrorCode::kNotFound,
                   (dir / file).string() + " is missing (tools/models/fetch.sh writes it)");
    }
  }
  try {
    IM_ASSIGN_OR_RETURN(ManifestFile manifest, read_manifest(dir / "manifest.json"));
    if (manifest.feature_layer != options.output_layer) {
      return error(ErrorCode::kCorruptArchive,
                   (dir / "manifest.json").string() + ": weights are for layer " +
                       manifest.feature_layer + ", not " + options.output_layer);
    }
    const fs::path topology_path = dir / "topology.json";
    cv::FileStorage topology;
    IM_RETURN_IF_ERROR(open_json(topology_path, topology));
    IM_ASSIGN_OR_RETURN(const std::vector<KerasLayer> layers, read_layers(topology, topology_path));
    IM_ASSIGN_OR_RETURN(const std::set<std::string> needed,
                        ancestors(layers, options.output_layer));
    IM_ASSIGN_OR_RETURN(WeightStore weights,
                        WeightStore::open(dir / "weights.bin", std::move(manifest.weights)));

    auto impl = std::make_unique<Impl>();
    impl->options = options;
    NetBuilder builder(impl->net, weights);
    for (const KerasLayer& layer : layers) {
      if (!needed.contains(layer.name)) continue;
      IM_RETURN_IF_ERROR(builder.add(layer).with_context(topology_path.string()));
    }
    const std::vector<std::string> unused = weights.unused();
    if (!unused.empty()) {
      return error(ErrorCode::kCorruptArchive,
                   (dir / "manifest.json").string() + ": " + std::to_string(unused.size()) +
                       " weights no layer uses, e.g. " + unused.front());
    }
    IM_ASSIGN_OR_RETURN(const Tensor output, builder.output_of(options.output_layer));
    if (output.layer_id == 0 || output.shape.height != 1 || output.shape.width != 1) {
      return unsupported(topology_path.string(), "output layer " + options.output_layer + " is " +
                                                     to_string(output.shape) +
                                                     ", not a feature vector");
    }
    impl->net.setInputsNames({builder.input_name()});
    impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    IM_RETURN_IF_ERROR(check_shapes(impl->net, builder));
    impl->output_name = output.cv_name;
    impl->input = builder.input_shape();
    impl->output_dim = static_cast<uint32_t>(output.shape.channels);
    impl->layer_count = builder.layer_count();
    return KerasNet(std::move(impl));
  } catch (const cv::Exception& e) {
    return error(ErrorCode::kInternal, dir.string() + ": OpenCV: " + e.msg);
  } catch (const std::bad_alloc&) {
    return error(ErrorCode::kTooLarge, dir.string() + ": out of memory building the network");
  }
}

Result<std::vector<std::vector<float>>> KerasNet::forward(
    std::span<const imaging::PixelBuffer> images) const {
  const Shape& in = impl_->input;
  if (images.empty()) return std::vector<std::vector<float>>{};
  for (const imaging::PixelBuffer& image : images) {
    if (image.layout != imaging::PixelLayout::kRgb || image.width != in.width ||
        image.height != in.height ||
        image.pixels.size() != static_cast<size_t>(in.width) * in.height * 3) {
      return error(ErrorCode::kInvalidArgument, "network input must be " +
                                                    std::to_string(in.width) + "x" +
                                                    std::to_string(in.height) + " RGB");
    }
  }
  try {
    std::vector<cv::Mat> mats;
    for (const imaging::PixelBuffer& image : images) {
      // A header over the caller's pixels: blobFromImages only reads them.
      mats.emplace_back(image.height, image.width, CV_8UC3,
                        const_cast<uint8_t*>(image.pixels.data()));
    }
    const double mean = impl_->options.input_mean;
    // NHWC bytes -> NCHW float blob, (pixel - mean) * scale; channel order kept (no BGR swap).
    const cv::Mat blob = cv::dnn::blobFromImages(mats, impl_->options.input_scale, cv::Size(),
                                                 cv::Scalar(mean, mean, mean), /*swapRB=*/false,
                                                 /*crop=*/false, CV_32F);
    impl_->net.setInput(blob);
    const cv::Mat out = impl_->net.forward(impl_->output_name);
    const size_t dim = impl_->output_dim;
    if (out.type() != CV_32F || !out.isContinuous() || out.total() != images.size() * dim) {
      return error(ErrorCode::kInternal, "network output has an unexpected shape");
    }
    const auto* values = out.ptr<float>();
    std::vector<std::vector<float>> vectors;
    for (size_t i = 0; i < images.size(); ++i) {
      vectors.emplace_back(values + i * dim, values + (i + 1) * dim);
      if (!std::all_of(vectors.back().begin(), vectors.back().end(),
                       [](float v) { return std::isfinite(v); })) {
        return error(ErrorCode::kInternal, "network output is not finite");
      }
    }
    return vectors;
  } catch (const cv::Exception& e) {
    return error(ErrorCode::kInternal, "OpenCV forward pass: " + e.msg);
  } catch (const std::bad_alloc&) {
    return error(ErrorCode::kTooLarge, "out of memory in the forward pass");
  }
}

Status set_keras_net_threads(int threads) {
  if (threads < 1) return error(ErrorCode::kInvalidArgument, "threads must be at least 1");
  try {
    cv::setNumThreads(threads);
  } catch (const cv::Exception& e) {
    return error(ErrorCode::kInternal, std::string("OpenCV: ") + e.msg);
  }
  return Status::Ok();
}

}  // namespace imagemesh::embed
