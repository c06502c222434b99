// A "head": a small multi-layer perceptron (OpenCV ml::ANN_MLP, one hidden layer, symmetric
// sigmoid) trained on another model's stored vectors (its *source*, e.g. `mobilenet` or `raw`) to
// predict a label per image: the ternary figure type, or a DeepCluster cluster (docs/heads.md).
// Applied to an image's source vector it gives
//   hidden       the hidden layer's activations: the head's embedding of the image
//   outputs      the output layer in response units (ANN_MLP::predict's values)
//   label        argmax of outputs
//   probability  softmax(outputs / temperature)[label]; the temperature is fitted when training
//                (docs/heads.md, "Probabilities"), so 0.9 means "right about 9 times in 10" on
//                the data it was fitted on.
//
// The file (mesh/models/<name>.yml) is an OpenCV FileStorage YAML document: the metadata below and
// the ANN_MLP as OpenCV writes it (node `mlp`), so OpenCV itself can load the network. Loading
// validates every field; a damaged file is an error value, never a crash.
//
// apply() recomputes the network from its weights (ANN_MLP::predict does not expose the hidden
// layer) exactly as ANN_MLP does: input scaling, sum + bias, f(x) = beta * tanh(alpha * x / 2)
// (OpenCV's SIGMOID_SYM: beta (1 - e^-alpha x) / (1 + e^-alpha x)), output scaling. A loaded
// HeadModel is immutable and can be shared by threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace imagemesh::embed {

inline constexpr int kHeadFormatVersion = 1;

struct HeadInfo {
  std::string kind;    // "ternary" or "deepcluster"
  std::string name;    // the model name its embedding and predictions are stored under
  std::string source;  // the model whose vectors it reads ([a-z0-9_.-])
  uint32_t source_dim = 0;
  uint32_t hidden_dim = 0;
  std::vector<std::string> label_names;  // one per output
  uint64_t seed = 0;
  double temperature = 1;        // probability = softmax(outputs / temperature)
  std::string training_summary;  // human-readable, several lines
};

struct HeadOutput {
  std::vector<float> hidden;   // hidden_dim activations
  std::vector<float> outputs;  // one per label
  int label = 0;
  float probability = 0;
};

// Many rows at once: hidden and outputs row-major.
struct HeadBatch {
  uint32_t rows = 0;
  std::vector<float> hidden;   // rows x hidden_dim
  std::vector<float> outputs;  // rows x labels
};

// Training data for HeadModel::train: rows of input_dim floats, a class per row, a weight per
// row (empty = equal weights). ANN_MLP normalises the weights to sum 1.
struct HeadTrainingSet {
  uint32_t input_dim = 0;
  std::vector<float> inputs;
  std::vector<int> labels;     // 0 .. label_names.size() - 1
  std::vector<float> weights;  // > 0 each, or empty
};

struct HeadTrainingOptions {
  int max_iterations = 300;       // RPROP epochs (full batch)
  double min_improvement = 1e-7;  // stop when the weighted squared error changes less
};

class HeadModel {
 public:
  // kNotFound without the file; kCorruptArchive for anything unreadable, inconsistent or
  // non-finite; kUnsupported for another format version.
  [[nodiscard]] static Result<HeadModel> load(const std::filesystem::path& path);

  // Trains a network [source_dim, hidden_dim, labels] on `data` (one-hot targets, RPROP). The
  // network starts from ANN_MLP's own fixed random state (Nguyen-Widrow), so the same data in the
  // same order gives the same weights, provided OpenCV runs single-threaded (ScopedOpenCvThreads
  // (1)): ANN_MLP's RPROP sums gradients of parallel chunks in completion order.
  // kInvalidArgument for inconsistent sizes; kInternal when OpenCV fails.
  [[nodiscard]] static Result<HeadModel> train(const HeadTrainingSet& data, HeadInfo info,
                                               const HeadTrainingOptions& options = {});

  // Writes the file (through a temporary file and a rename); same model, same bytes.
  [[nodiscard]] Status save(const std::filesystem::path& path) const;

  // `source_vector` must have source_dim finite values (kInvalidArgument otherwise).
  [[nodiscard]] Result<HeadOutput> apply(std::span<const float> source_vector) const;
  // Rows of source_dim values back to back; rows are computed in parallel (each row alone, so the
  // result does not depend on the thread count).
  [[nodiscard]] Result<HeadBatch> apply_batch(std::span<const float> rows) const;
  // ANN_MLP::predict on the same rows: the reference apply() reproduces (tests).
  [[nodiscard]] Result<std::vector<float>> reference_outputs(std::span<const float> rows) const;

  const HeadInfo& info() const { return info_; }
  const std::string& source() const { return info_.source; }
  uint32_t source_dim() const { return info_.source_dim; }
  uint32_t hidden_dim() const { return info_.hidden_dim; }
  const std::vector<std::string>& label_names() const { return info_.label_names; }
  // The head with another probability temperature (fitted after training).
  HeadModel with_temperature(double temperature) const;
  HeadModel with_summary(std::string summary) const;

  struct Network;  // weights as plain arrays, and the OpenCV network they came from

 private:
  HeadModel(HeadInfo info, std::shared_ptr<const Network> net)
      : info_(std::move(info)), net_(std::move(net)) {}
  void forward(const float* in, float* hidden, float* outputs) const;

  HeadInfo info_;
  std::shared_ptr<const Network> net_;
};

// softmax(outputs / temperature), computed stably.
std::vector<double> softmax(std::span<const float> outputs, double temperature);

// The temperature T minimising the mean cross-entropy of softmax(outputs / T) against `labels`
// (Guo et al. 2017, "temperature scaling"), searched on log T in [1e-3, 1e3]. `outputs` is rows x
// classes. Returns 1 for no rows.
double fit_temperature(std::span<const float> outputs, std::span<const int> labels, int classes);

// Sets OpenCV's worker-thread count for the scope and restores the previous one after. Global to
// the process: use it from one controlling thread.
class ScopedOpenCvThreads {
 public:
  explicit ScopedOpenCvThreads(int threads);
  ~ScopedOpenCvThreads();
  ScopedOpenCvThreads(const ScopedOpenCvThreads&) = delete;
  ScopedOpenCvThreads& operator=(const ScopedOpenCvThreads&) = delete;

 private:
  int previous_;
};

}  // namespace imagemesh::embed
