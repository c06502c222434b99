#include "embed/head_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>
#include <regex>

#include "core/atomic_file.h"

namespace imagemesh::embed {

// The layers as ANN_MLP keeps them (getWeights): scale pairs (a, b) per input and output, and per
// layer a (inputs + 1) x outputs matrix whose last row is the bias.
struct HeadModel::Network {
  cv::Ptr<cv::ml::ANN_MLP> mlp;
  std::vector<double> input_scale;   // 2 x source_dim: x * a + b
  std::vector<double> hidden_w;      // (source_dim + 1) x hidden_dim
  std::vector<double> output_w;      // (hidden_dim + 1) x labels
  std::vector<double> output_scale;  // 2 x labels
  double alpha = 0, beta = 0;        // SIGMOID_SYM's f_param1, f_param2
};

namespace {

namespace fs = std::filesystem;
using cv::ml::ANN_MLP;

constexpr char kFormatName[] = "imagemesh-head";
const std::regex kModelName("[a-z0-9_.-]{1,63}");

Status corrupt(const fs::path& path, const std::string& what) {
  return Status(ErrorCode::kCorruptArchive, path.string() + ": " + what);
}

std::vector<double> to_vector(const cv::Mat& mat) {
  cv::Mat doubles;
  mat.convertTo(doubles, CV_64F);
  doubles = doubles.reshape(1, 1);
  return std::vector<double>(doubles.begin<double>(), doubles.end<double>());
}

bool all_finite(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

// Reads the weights out of a trained or loaded network and checks them against `info`.
Result<std::shared_ptr<const HeadModel::Network>> network_of(cv::Ptr<ANN_MLP> mlp,
                                                             const HeadInfo& info,
                                                             const fs::path& origin) {
  const cv::Mat sizes = mlp->getLayerSizes();
  if (sizes.total() != 3) return corrupt(origin, "the network must have exactly one hidden layer");
  const std::vector<int> expected = {static_cast<int>(info.source_dim),
                                     static_cast<int>(info.hidden_dim),
                                     static_cast<int>(info.label_names.size())};
  for (int i = 0; i < 3; ++i) {
    if (sizes.at<int>(i) != expected[i]) {
      return corrupt(origin, "layer sizes do not match source_dim, hidden_dim and the labels");
    }
  }
  auto net = std::make_shared<HeadModel::Network>();
  net->mlp = mlp;
  net->input_scale = to_vector(mlp->getWeights(0));
  net->hidden_w = to_vector(mlp->getWeights(1));
  net->output_w = to_vector(mlp->getWeights(2));
  net->output_scale = to_vector(mlp->getWeights(3));
  // ANN_MLP does not expose its activation function and parameters; they are in its written form.
  cv::FileStorage params(".yml", cv::FileStorage::WRITE | cv::FileStorage::MEMORY);
  mlp->write(params);
  cv::FileStorage read_back(params.releaseAndGetString(),
                            cv::FileStorage::READ | cv::FileStorage::MEMORY);
  if (static_cast<std::string>(read_back["activation_function"]) != "SIGMOID_SYM") {
    return corrupt(origin, "the network's activation is not SIGMOID_SYM");
  }
  net->alpha = static_cast<double>(read_back["f_param1"]);
  net->beta = static_cast<double>(read_back["f_param2"]);
  const size_t in = info.source_dim, hidden = info.hidden_dim, out = info.label_names.size();
  if (net->input_scale.size() != 2 * in || net->hidden_w.size() != (in + 1) * hidden ||
      net->output_w.size() != (hidden + 1) * out || net->output_scale.size() != 2 * out) {
    return corrupt(origin, "weight matrices of the wrong size");
  }
  if (!all_finite(net->input_scale) || !all_finite(net->hidden_w) || !all_finite(net->output_w) ||
      !all_finite(net->output_scale) || !std::isfinite(net->alpha) || !std::isfinite(net->beta) ||
      net->alpha == 0 || net->beta == 0) {
    return corrupt(origin, "non-finite or zero weights");
  }
  return std::shared_ptr<const HeadModel::Network>(std::move(net));
}

Status check_info(const HeadInfo& info, const fs::path& origin) {
  if (info.kind != "ternary" && info.kind != "deepcluster") {
    return corrupt(origin, "unknown kind '" + info.kind + "'");
  }
  if (!std::regex_match(info.name, kModelName) || !std::regex_match(info.source, kModelName)) {
    return corrupt(origin, "model and source names must be [a-z0-9_.-]{1,63}");
  }
  if (info.source_dim < 1 || info.source_dim > 65536 || info.hidden_dim < 2 ||
      info.hidden_dim > 4096 || info.label_names.size() < 2 || info.label_names.size() > 4096) {
    return corrupt(origin, "dimensions out of range");
  }
  for (const auto& label : info.label_names) {
    if (label.empty()) return corrupt(origin, "an empty label name");
  }
  if (!std::isfinite(info.temperature) || info.temperature <= 0) {
    return corrupt(origin, "the temperature must be positive");
  }
  return Status::Ok();
}

// OpenCV's SIGMOID_SYM, beta * (1 - e^(-alpha x)) / (1 + e^(-alpha x)), as a tanh: the same
// function, without the overflow of e^(-alpha x) for large negative x.
inline double symmetric_sigmoid(double x, double alpha, double beta) {
  return beta * std::tanh(alpha * x * 0.5);
}

Result<HeadInfo> read_info(const cv::FileStorage& file, const fs::path& path) {
  if (static_cast<std::string>(file["format"]) != kFormatName) {
    return corrupt(
        path, "not an imagemesh head model (format is not '" + std::string(kFormatName) + "')");
  }
  const int version = static_cast<int>(file["format_version"]);
  if (version != kHeadFormatVersion) {
    return Status(ErrorCode::kUnsupported, path.string() + ": head format version " +
                                               std::to_string(version) + ", this imagemesh reads " +
                                               std::to_string(kHeadFormatVersion));
  }
  HeadInfo info;
  info.kind = static_cast<std::string>(file["kind"]);
  info.name = static_cast<std::string>(file["name"]);
  info.source = static_cast<std::string>(file["source_model"]);
  const int source_dim = static_cast<int>(file["source_dim"]);
  const int hidden_dim = static_cast<int>(file["hidden_dim"]);
  if (source_dim < 1 || hidden_dim < 1) return corrupt(path, "dimensions missing");
  info.source_dim = static_cast<uint32_t>(source_dim);
  info.hidden_dim = static_cast<uint32_t>(hidden_dim);
  const cv::FileNode labels = file["labels"];
  if (!labels.isSeq()) return corrupt(path, "labels is not a list");
  for (const auto& label : labels) info.label_names.push_back(static_cast<std::string>(label));
  const std::string seed = static_cast<std::string>(file["seed"]);
  try {
    size_t used = 0;
    info.seed = std::stoull(seed, &used);
    if (used != seed.size()) throw std::invalid_argument(seed);
  } catch (const std::exception&) {
    return corrupt(path, "unreadable seed '" + seed + "'");
  }
  info.temperature = static_cast<double>(file["temperature"]);
  const cv::FileNode summary = file["training_summary"];
  if (summary.isSeq()) {
    for (const auto& line : summary) {
      info.training_summary += static_cast<std::string>(line) + "\n";
    }
  }
  IM_RETURN_IF_ERROR(check_info(info, path));
  return info;
}

}  // namespace

Result<HeadModel> HeadModel::load(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Status(ErrorCode::kNotFound, "no head model at " + path.string());
  }
  try {
    cv::FileStorage file(path.string(), cv::FileStorage::READ | cv::FileStorage::FORMAT_YAML);
    if (!file.isOpened()) return corrupt(path, "not a readable YAML document");
    IM_ASSIGN_OR_RETURN(HeadInfo info, read_info(file, path));
    const cv::FileNode mlp_node = file["mlp"];
    if (!mlp_node.isMap()) return corrupt(path, "no network (node 'mlp')");
    cv::Ptr<ANN_MLP> mlp = ANN_MLP::create();
    mlp->read(mlp_node);
    if (!mlp->isTrained()) return corrupt(path, "the network is not trained");
    IM_ASSIGN_OR_RETURN(std::shared_ptr<const Network> net, network_of(mlp, info, path));
    return HeadModel(std::move(info), std::move(net));
  } catch (const cv::Exception& e) {
    return corrupt(path, std::string("OpenCV could not read it: ") + e.what());
  }
}

Result<HeadModel> HeadModel::train(const HeadTrainingSet& data, HeadInfo info,
                                   const HeadTrainingOptions& options) {
  const size_t classes = info.label_names.size();
  if (data.input_dim == 0 || data.input_dim != info.source_dim ||
      data.inputs.size() != data.labels.size() * data.input_dim || data.labels.empty() ||
      (!data.weights.empty() && data.weights.size() != data.labels.size())) {
    return Status(ErrorCode::kInvalidArgument, "training set sizes do not agree");
  }
  for (int label : data.labels) {
    if (label < 0 || static_cast<size_t>(label) >= classes) {
      return Status(ErrorCode::kInvalidArgument, "training label out of range");
    }
  }
  IM_RETURN_IF_ERROR(check_info(info, "training"));
  const int rows = static_cast<int>(data.labels.size());
  try {
    const cv::Mat inputs(rows, static_cast<int>(data.input_dim), CV_32F,
                         const_cast<float*>(data.inputs.data()));
    cv::Mat targets = cv::Mat::zeros(rows, static_cast<int>(classes), CV_32F);
    for (int row = 0; row < rows; ++row) targets.at<float>(row, data.labels[row]) = 1.0f;
    cv::Mat weights;
    if (!data.weights.empty()) {
      weights = cv::Mat(rows, 1, CV_32F, const_cast<float*>(data.weights.data())).clone();
    }
    auto training = cv::ml::TrainData::create(inputs, cv::ml::ROW_SAMPLE, targets, cv::noArray(),
                                              cv::noArray(), weights);
    cv::Ptr<ANN_MLP> mlp = ANN_MLP::create();
    cv::Mat sizes = (cv::Mat_<int>(1, 3) << static_cast<int>(info.source_dim),
                     static_cast<int>(info.hidden_dim), static_cast<int>(classes));
    mlp->setLayerSizes(sizes);
    mlp->setActivationFunction(ANN_MLP::SIGMOID_SYM, 0, 0);  // OpenCV's defaults: 2/3, 1.7159
    mlp->setTrainMethod(ANN_MLP::RPROP, 0.1, FLT_EPSILON);
    mlp->setTermCriteria(cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS,
                                          options.max_iterations, options.min_improvement));
    if (!mlp->train(training)) {
      return Status(ErrorCode::kInternal, "ANN_MLP training did not run");
    }
    IM_ASSIGN_OR_RETURN(std::shared_ptr<const Network> net, network_of(mlp, info, "training"));
    return HeadModel(std::move(info), std::move(net));
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kInternal, std::string("ANN_MLP training failed: ") + e.what());
  }
}

Status HeadModel::save(const fs::path& path) const {
  std::string text;
  try {
    cv::FileStorage file(
        ".yml", cv::FileStorage::WRITE | cv::FileStorage::MEMORY | cv::FileStorage::FORMAT_YAML);
    file << "format" << kFormatName;
    file << "format_version" << kHeadFormatVersion;
    file << "kind" << info_.kind;
    file << "name" << info_.name;
    file << "source_model" << info_.source;
    file << "source_dim" << static_cast<int>(info_.source_dim);
    file << "hidden_dim" << static_cast<int>(info_.hidden_dim);
    file << "labels" << info_.label_names;
    file << "seed" << std::to_string(info_.seed);  // FileStorage integers are 32-bit
    file << "temperature" << info_.temperature;
    // One string per line: FileStorage's YAML strings cannot hold line breaks.
    std::vector<std::string> lines;
    for (size_t start = 0; start <= info_.training_summary.size();) {
      size_t end = info_.training_summary.find('\n', start);
      if (end == std::string::npos) end = info_.training_summary.size();
      if (end > start) lines.push_back(info_.training_summary.substr(start, end - start));
      start = end + 1;
    }
    file << "training_summary" << lines;
    file << "mlp"
         << "{";
    net_->mlp->write(file);
    file << "}";
    text = file.releaseAndGetString();
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kInternal, std::string("writing the head model: ") + e.what());
  }
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) return Status(ErrorCode::kIo, path.parent_path().string() + ": " + ec.message());
  AtomicFileWriter writer(path);
  IM_RETURN_IF_ERROR(writer.open());
  IM_RETURN_IF_ERROR(writer.write(text));
  return writer.commit();
}

void HeadModel::forward(const float* in, float* hidden, float* outputs) const {
  const Network& net = *net_;
  const size_t n_in = info_.source_dim, n_hidden = info_.hidden_dim;
  const size_t n_out = info_.label_names.size();
  std::vector<double> x(n_in), h(n_hidden);
  for (size_t j = 0; j < n_in; ++j) {
    x[j] = in[j] * net.input_scale[2 * j] + net.input_scale[2 * j + 1];
  }
  for (size_t k = 0; k < n_hidden; ++k) {
    double sum = net.hidden_w[n_in * n_hidden + k];  // bias: the last row
    for (size_t j = 0; j < n_in; ++j) sum += x[j] * net.hidden_w[j * n_hidden + k];
    h[k] = symmetric_sigmoid(sum, net.alpha, net.beta);
    hidden[k] = static_cast<float>(h[k]);
  }
  for (size_t k = 0; k < n_out; ++k) {
    double sum = net.output_w[n_hidden * n_out + k];
    for (size_t j = 0; j < n_hidden; ++j) sum += h[j] * net.output_w[j * n_out + k];
    const double activated = symmetric_sigmoid(sum, net.alpha, net.beta);
    outputs[k] =
        static_cast<float>(activated * net.output_scale[2 * k] + net.output_scale[2 * k + 1]);
  }
}

Result<HeadOutput> HeadModel::apply(std::span<const float> source_vector) const {
  if (source_vector.size() != info_.source_dim) {
    return Status(ErrorCode::kInvalidArgument,
                  info_.name + ": expected a " + std::to_string(info_.source_dim) + "-d " +
                      info_.source + " vector, got " + std::to_string(source_vector.size()));
  }
  for (float v : source_vector) {
    if (!std::isfinite(v)) {
      return Status(ErrorCode::kInvalidArgument, info_.name + ": non-finite input");
    }
  }
  HeadOutput out;
  out.hidden.resize(info_.hidden_dim);
  out.outputs.resize(info_.label_names.size());
  forward(source_vector.data(), out.hidden.data(), out.outputs.data());
  out.label = static_cast<int>(std::max_element(out.outputs.begin(), out.outputs.end()) -
                               out.outputs.begin());
  out.probability = static_cast<float>(softmax(out.outputs, info_.temperature)[out.label]);
  return out;
}

Result<HeadBatch> HeadModel::apply_batch(std::span<const float> rows) const {
  if (rows.size() % info_.source_dim != 0) {
    return Status(ErrorCode::kInvalidArgument, info_.name + ": rows of the wrong size");
  }
  HeadBatch batch;
  batch.rows = static_cast<uint32_t>(rows.size() / info_.source_dim);
  batch.hidden.resize(size_t{batch.rows} * info_.hidden_dim);
  batch.outputs.resize(size_t{batch.rows} * info_.label_names.size());
  try {
    cv::parallel_for_(cv::Range(0, static_cast<int>(batch.rows)), [&](const cv::Range& range) {
      for (int row = range.start; row < range.end; ++row) {
        forward(rows.data() + size_t(row) * info_.source_dim,
                batch.hidden.data() + size_t(row) * info_.hidden_dim,
                batch.outputs.data() + size_t(row) * info_.label_names.size());
      }
    });
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kInternal, std::string("applying the head: ") + e.what());
  }
  return batch;
}

Result<std::vector<float>> HeadModel::reference_outputs(std::span<const float> rows) const {
  if (rows.size() % info_.source_dim != 0) {
    return Status(ErrorCode::kInvalidArgument, info_.name + ": rows of the wrong size");
  }
  try {
    const int n = static_cast<int>(rows.size() / info_.source_dim);
    const cv::Mat inputs(n, static_cast<int>(info_.source_dim), CV_32F,
                         const_cast<float*>(rows.data()));
    cv::Mat outputs;
    net_->mlp->predict(inputs, outputs);
    return std::vector<float>(outputs.begin<float>(), outputs.end<float>());
  } catch (const cv::Exception& e) {
    return Status(ErrorCode::kInternal, std::string("ANN_MLP::predict: ") + e.what());
  }
}

HeadModel HeadModel::with_temperature(double temperature) const {
  HeadInfo info = info_;
  info.temperature = temperature;
  return HeadModel(std::move(info), net_);
}

HeadModel HeadModel::with_summary(std::string summary) const {
  HeadInfo info = info_;
  info.training_summary = std::move(summary);
  return HeadModel(std::move(info), net_);
}

std::vector<double> softmax(std::span<const float> outputs, double temperature) {
  std::vector<double> p(outputs.size());
  if (outputs.empty()) return p;
  const double top = *std::max_element(outputs.begin(), outputs.end());
  double sum = 0;
  for (size_t i = 0; i < outputs.size(); ++i) {
    p[i] = std::exp((outputs[i] - top) / temperature);
    sum += p[i];
  }
  for (double& v : p) v /= sum;
  return p;
}

double fit_temperature(std::span<const float> outputs, std::span<const int> labels, int classes) {
  const size_t rows = labels.size();
  if (rows == 0 || classes < 1 || outputs.size() != rows * size_t(classes)) return 1.0;
  auto loss = [&](double log_t) {
    const double t = std::exp(log_t);
    double total = 0;
    for (size_t row = 0; row < rows; ++row) {
      const auto p = softmax(outputs.subspan(row * classes, classes), t);
      total -= std::log(std::max(p[labels[row]], 1e-300));
    }
    return total / double(rows);
  };
  // Golden-section search: the loss is unimodal in log T for a fixed set of outputs.
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double lo = std::log(1e-3), hi = std::log(1e3);
  double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
  double fa = loss(a), fb = loss(b);
  for (int i = 0; i < 80; ++i) {
    if (fa < fb) {
      hi = b, b = a, fb = fa;
      a = hi - ratio * (hi - lo);
      fa = loss(a);
    } else {
      lo = a, a = b, fa = fb;
      b = lo + ratio * (hi - lo);
      fb = loss(b);
    }
  }
  return std::exp((lo + hi) / 2);
}

ScopedOpenCvThreads::ScopedOpenCvThreads(int threads) : previous_(cv::getNumThreads()) {
  cv::setNumThreads(threads);
}

ScopedOpenCvThreads::~ScopedOpenCvThreads() { cv::setNumThreads(previous_); }

}  // namespace imagemesh::embed
