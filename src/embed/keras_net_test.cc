// KerasNet on tiny synthetic weight folders written here: Keras padding and pooling semantics
// against a direct computation, and every kind of bad folder as an error value.
#include "embed/keras_net.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/hash.h"
#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;
using imaging::PixelBuffer;
using imaging::PixelLayout;
using testing::read_file;
using testing::ScratchDir;
using testing::write_file;

struct TestTensor {
  std::string name;
  std::vector<int> shape;
  std::vector<float> values;
};

std::string json_list(const std::vector<int>& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

// One Keras layer as topology.json spells it.
std::string layer(const std::string& name, const std::string& class_name, const std::string& config,
                  const std::vector<std::string>& inputs) {
  std::string inbound;
  for (const std::string& input : inputs) {
    inbound += (inbound.empty() ? "" : ", ") + ("[\"" + input + "\", 0, 0, {}]");
  }
  return "{\"name\": \"" + name + "\", \"class_name\": \"" + class_name + "\", \"config\": {" +
         config + "}, \"inbound_nodes\": [" + (inputs.empty() ? "" : "[" + inbound + "]") + "]}";
}

// Writes topology.json, manifest.json and weights.bin as tools/models/decode_nsfwjs.mjs does.
void write_model(const fs::path& dir, const std::vector<std::string>& layers,
                 const std::vector<TestTensor>& tensors, const std::string& feature_layer) {
  fs::create_directories(dir);
  std::string topology = R"({"model_config": {"class_name": "Model", "config": {"layers": [)";
  for (size_t i = 0; i < layers.size(); ++i) topology += (i ? ",\n" : "\n") + layers[i];
  write_file(dir / "topology.json", topology + "]}}}\n");
  std::string weights;
  std::string entries;
  for (const TestTensor& tensor : tensors) {
    entries += std::string(entries.empty() ? "" : ",\n") + "{\"name\": \"" + tensor.name +
               "\", \"shape\": " + json_list(tensor.shape) +
               ", \"offset\": " + std::to_string(weights.size()) + "}";
    weights.append(reinterpret_cast<const char*>(tensor.values.data()),
                   tensor.values.size() * sizeof(float));
  }
  write_file(dir / "weights.bin", weights);
  write_file(dir / "manifest.json",
             "{\"format\": \"imagemesh-keras-weights\", \"version\": 1, \"dtype\": \"float32\", "
             "\"byte_order\": \"little\", \"weights_bytes\": " +
                 std::to_string(weights.size()) + ", \"weights_sha256\": \"" + sha256_hex(weights) +
                 "\", \"feature_layer\": \"" + feature_layer + "\", \"weights\": [\n" + entries +
                 "]}\n");
}

constexpr int kSide = 6;  // even, so a 3x3 stride-2 'same' convolution pads 0 before, 1 after
constexpr int kFilters = 2;

// Kernel [3, 3, 3, 2]: filter 0 sums channel 0; filter 1 weighs channel 1 by window position.
float kernel_at(int i, int j, int c, int f) {
  if (f == 0) return c == 0 ? 1.0f : 0.0f;
  return c == 1 ? static_cast<float>(i * 3 + j + 1) : 0.0f;
}

// Input -> Conv2D 3x3 stride 2 'same' -> AveragePooling2D 3x3 stride 1 'same' -> global average
// -> Flatten ("features", 2 values).
void write_padding_model(const fs::path& dir) {
  std::vector<float> kernel;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int c = 0; c < 3; ++c) {
        for (int f = 0; f < kFilters; ++f) kernel.push_back(kernel_at(i, j, c, f));
      }
    }
  }
  write_model(
      dir,
      {layer("input", "InputLayer", R"("batch_input_shape": [-1, 6, 6, 3], "dtype": "float32")",
             {}),
       layer("conv", "Conv2D",
             R"("filters": 2, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same",
                "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear",
                "use_bias": false)",
             {"input"}),
       layer("pool", "AveragePooling2D",
             R"("pool_size": [3, 3], "strides": [1, 1], "padding": "same")", {"conv"}),
       layer("gap", "GlobalAveragePooling2D", R"("data_format": "channels_last")", {"pool"}),
       layer("features", "Flatten", "", {"gap"})},
      {{"conv/kernel", {3, 3, 3, kFilters}, kernel}}, "features");
}

uint8_t pixel_at(int y, int x, int c) {
  return static_cast<uint8_t>((37 * y + 11 * x + 5 * c * c + 3) % 251);
}

PixelBuffer test_image(int side) {
  PixelBuffer image{side, side, PixelLayout::kRgb, {}};
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      for (int c = 0; c < 3; ++c) image.pixels.push_back(pixel_at(y, x, c));
    }
  }
  return image;
}

// The padding model computed directly with TensorFlow's rules.
std::vector<double> expected_padding_model() {
  constexpr int kOut = 3;  // ceil(6 / 2)
  double conv[kOut][kOut][kFilters] = {};
  for (int oy = 0; oy < kOut; ++oy) {
    for (int ox = 0; ox < kOut; ++ox) {
      for (int f = 0; f < kFilters; ++f) {
        for (int i = 0; i < 3; ++i) {
          for (int j = 0; j < 3; ++j) {
            const int y = oy * 2 + i;  // pad before = 0, the one padded row is after
            const int x = ox * 2 + j;
            if (y >= kSide || x >= kSide) continue;
            for (int c = 0; c < 3; ++c)
              conv[oy][ox][f] += pixel_at(y, x, c) * kernel_at(i, j, c, f);
          }
        }
      }
    }
  }
  std::vector<double> features(kFilters, 0.0);
  for (int f = 0; f < kFilters; ++f) {
    for (int y = 0; y < kOut; ++y) {
      for (int x = 0; x < kOut; ++x) {
        double sum = 0;
        int count = 0;  // Keras averages over the real inputs only
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            if (y + dy < 0 || y + dy >= kOut || x + dx < 0 || x + dx >= kOut) continue;
            sum += conv[y + dy][x + dx][f];
            ++count;
          }
        }
        features[f] += sum / count / (kOut * kOut);
      }
    }
  }
  return features;
}

KerasNetOptions features_options() {
  KerasNetOptions options;
  options.output_layer = "features";
  return options;
}

class KerasNetTest : public ::testing::Test {
 protected:
  KerasNetTest() : scratch_("keras_net") { write_padding_model(dir()); }
  fs::path dir() const { return scratch_.path() / "model"; }
  Result<KerasNet> load() const { return KerasNet::load(dir(), features_options()); }

  ScratchDir scratch_;
};

TEST_F(KerasNetTest, TensorFlowSamePaddingAndAveragePoolingAreExact) {
  auto net = load();
  ASSERT_TRUE(net.ok()) << net.status().to_string();
  EXPECT_EQ(net->input_width(), kSide);
  EXPECT_EQ(net->input_height(), kSide);
  EXPECT_EQ(net->output_dim(), 2u);
  EXPECT_EQ(net->layer_count(), 4);  // the asymmetric 'same' adds a padding layer
  const std::vector<PixelBuffer> images{test_image(kSide), test_image(kSide)};
  auto out = net->forward(images);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_EQ(out->size(), 2u);
  const std::vector<double> expected = expected_padding_model();
  for (const std::vector<float>& features : *out) {
    ASSERT_EQ(features.size(), 2u);
    for (int f = 0; f < kFilters; ++f) EXPECT_NEAR(features[f], expected[f], 1e-4 * expected[f]);
  }
}

TEST_F(KerasNetTest, InputScaleAndMeanApply) {
  KerasNetOptions options = features_options();
  options.input_mean = 10.0;
  options.input_scale = 0.5;
  auto net = KerasNet::load(dir(), options);
  ASSERT_TRUE(net.ok()) << net.status().to_string();
  auto plain = load();
  ASSERT_TRUE(plain.ok());
  const std::vector<PixelBuffer> images{test_image(kSide)};
  auto scaled = net->forward(images);
  auto unscaled = plain->forward(images);
  ASSERT_TRUE(scaled.ok() && unscaled.ok());
  // Linear layers only: f((x - 10) * 0.5) = 0.5 * f(x) - 0.5 * f(10), and the padding model of a
  // constant 10 is computed by the same net.
  PixelBuffer tens{kSide, kSide, PixelLayout::kRgb, std::vector<uint8_t>(kSide * kSide * 3, 10)};
  auto of_tens = plain->forward(std::vector<PixelBuffer>{tens});
  ASSERT_TRUE(of_tens.ok());
  for (int f = 0; f < kFilters; ++f) {
    const double expected = 0.5 * (*unscaled)[0][f] - 0.5 * (*of_tens)[0][f];
    EXPECT_NEAR((*scaled)[0][f], expected, 1e-3);
  }
}

TEST_F(KerasNetTest, WrongInputIsInvalidArgument) {
  auto net = load();
  ASSERT_TRUE(net.ok());
  PixelBuffer small = test_image(kSide - 1);
  PixelBuffer gray{kSide, kSide, PixelLayout::kGray, std::vector<uint8_t>(kSide * kSide)};
  PixelBuffer short_buffer = test_image(kSide);
  short_buffer.pixels.pop_back();
  for (const PixelBuffer& image : {small, gray, short_buffer}) {
    auto out = net->forward(std::vector<PixelBuffer>{test_image(kSide), image});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), ErrorCode::kInvalidArgument);
  }
  auto none = net->forward({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(KerasNetTest, MissingFilesAreNotFound) {
  for (const char* file : {"topology.json", "manifest.json", "weights.bin"}) {
    write_padding_model(dir());
    fs::remove(dir() / file);
    auto net = load();
    ASSERT_FALSE(net.ok()) << file;
    EXPECT_EQ(net.status().code(), ErrorCode::kNotFound) << net.status().to_string();
    EXPECT_NE(net.status().message().find(file), std::string::npos);
    EXPECT_NE(net.status().message().find("tools/models/fetch.sh"), std::string::npos);
  }
  auto net = KerasNet::load(scratch_.path() / "absent", features_options());
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kNotFound);
}

TEST_F(KerasNetTest, WeightsFileMustMatchTheManifest) {
  const std::string weights = read_file(dir() / "weights.bin");
  struct Case {
    std::string bytes;
    ErrorCode code;
  };
  std::string flipped = weights;
  flipped[5] ^= 0x40;
  std::string with_nan = weights;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(with_nan.data(), &nan, sizeof(nan));
  const std::vector<Case> cases = {
      {weights.substr(0, weights.size() - 4), ErrorCode::kTruncated},
      {"", ErrorCode::kTruncated},
      {weights + std::string(4, '\0'), ErrorCode::kCorruptArchive},
      {flipped, ErrorCode::kChecksumMismatch},
  };
  for (const Case& c : cases) {
    write_file(dir() / "weights.bin", c.bytes);
    auto net = load();
    ASSERT_FALSE(net.ok());
    EXPECT_EQ(net.status().code(), c.code) << net.status().to_string();
  }
  // A NaN with a matching checksum: the manifest describes it, it is still refused.
  std::string manifest = read_file(dir() / "manifest.json");
  const size_t sha = manifest.find(sha256_hex(weights));
  ASSERT_NE(sha, std::string::npos);
  manifest.replace(sha, 64, sha256_hex(with_nan));
  write_file(dir() / "manifest.json", manifest);
  write_file(dir() / "weights.bin", with_nan);
  auto net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kCorruptArchive) << net.status().to_string();
  EXPECT_NE(net.status().message().find("non-finite"), std::string::npos);
}

void replace_once(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_file(file);
  const size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  write_file(file, text);
}

TEST_F(KerasNetTest, TopologyAndWeightsMustAgree) {
  // 3 filters in the topology, 2 in the weights.
  replace_once(dir() / "topology.json", R"("filters": 2)", R"("filters": 3)");
  auto net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kCorruptArchive) << net.status().to_string();
  EXPECT_NE(net.status().message().find("conv/kernel"), std::string::npos);

  // A tensor no layer uses.
  const std::vector<float> kernel(3 * 3 * 3 * kFilters, 1.0f);
  write_model(dir(),
              {layer("input", "InputLayer", R"("batch_input_shape": [-1, 6, 6, 3])", {}),
               layer("conv", "Conv2D",
                     R"("filters": 2, "kernel_size": [3, 3], "strides": [1, 1],
                        "padding": "valid", "use_bias": false)",
                     {"input"}),
               layer("gap", "GlobalAveragePooling2D", "", {"conv"}),
               layer("features", "Flatten", "", {"gap"})},
              {{"conv/kernel", {3, 3, 3, kFilters}, kernel}, {"stray/bias", {2}, {1.0f, 2.0f}}},
              "features");
  net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kCorruptArchive) << net.status().to_string();
  EXPECT_NE(net.status().message().find("stray/bias"), std::string::npos);

  // Weights decoded for another output layer.
  write_padding_model(dir());
  KerasNetOptions other = features_options();
  other.output_layer = "gap";
  net = KerasNet::load(dir(), other);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kCorruptArchive) << net.status().to_string();
}

TEST_F(KerasNetTest, ManifestLayoutIsChecked) {
  replace_once(dir() / "manifest.json", R"("shape": [3, 3, 3, 2])", R"("shape": [3, 3, 3, 1])");
  auto net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kCorruptArchive) << net.status().to_string();
}

TEST_F(KerasNetTest, UnknownLayerClassIsUnsupportedAndNamed) {
  replace_once(dir() / "topology.json", R"("class_name": "AveragePooling2D")",
               R"("class_name": "SeparableConv2D")");
  auto net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(net.status().message().find("SeparableConv2D"), std::string::npos)
      << net.status().to_string();
}

TEST_F(KerasNetTest, UnsupportedSettingsAreNamed) {
  replace_once(dir() / "topology.json", R"("activation": "linear")", R"("activation": "elu")");
  auto net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kUnsupported);
  EXPECT_NE(net.status().message().find("elu"), std::string::npos) << net.status().to_string();
}

TEST_F(KerasNetTest, MalformedJsonIsParseError) {
  write_file(dir() / "topology.json", "{\"model_config\": [1, 2");
  auto net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kParse) << net.status().to_string();

  write_padding_model(dir());
  replace_once(dir() / "manifest.json", R"("offset": 0)", R"("offset": "zero")");
  net = load();
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.status().code(), ErrorCode::kParse) << net.status().to_string();
}

TEST(KerasNetThreads, RejectsLessThanOne) {
  EXPECT_EQ(set_keras_net_threads(0).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(set_keras_net_threads(2).ok());
}

}  // namespace
}  // namespace imagemesh::embed
