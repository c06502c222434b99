// mobilenet and inception against TensorFlow.js: the golden vectors in tests/data/embed were made
// by tools/models/golden.mjs (nsfwjs 4.4.0 on tfjs 4.22.0's CPU backend) from images drawn by the
// integer formulas below, which mirror that script's. The weights come from tools/models/fetch.sh;
// without them the tests that need them skip.
#include "embed/cnn_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/hash.h"
#include "embed/models.h"
#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;
using imaging::PixelBuffer;
using imaging::PixelLayout;
using testing::read_file;
using testing::ScratchDir;
using testing::write_file;

constexpr double kTolerance = 1e-3;  // max |feature difference| allowed against tfjs
constexpr const char* kNoWeights =
    "weights absent: run tools/models/fetch.sh (or set IMAGEMESH_MODELS) to test this model";

// ---- The input images of tools/models/golden.mjs: integer arithmetic on non-negative values
// only, so C++ division equals the script's Math.floor. ----

using Rgb = std::array<uint8_t, 3>;

Rgb gradient_shapes_v1(int s, int x, int y) {
  const int cx = 3 * s / 10;
  const int cy = 7 * s / 20;
  const int r = 3 * s / 20;
  if (x >= 11 * s / 20 && x < 17 * s / 20 && y >= 11 * s / 20 && y < 3 * s / 4) {
    return {20, 20, 20};
  }
  if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) return {250, 220, 40};
  if (std::abs(x - y - s / 5) < s / 40) return {30, 60, 200};
  return {static_cast<uint8_t>(255 * x / (s - 1)), static_cast<uint8_t>(255 * y / (s - 1)),
          static_cast<uint8_t>(255 * (2 * (s - 1) - x - y) / (2 * (s - 1)))};
}

Rgb chart_v1(int s, int x, int y) {
  const int left = s / 10;
  const int right = 9 * s / 10;
  const int top = s / 10;
  const int bottom = 9 * s / 10;
  if (x >= 13 * s / 20 && x < 17 * s / 20 && y >= top && y < s / 5) {
    return (x / 3 + y / 3) % 2 == 0 ? Rgb{60, 60, 60} : Rgb{255, 255, 255};
  }
  if (x >= left && x < left + 2 && y >= top && y < bottom) return {0, 0, 0};
  if (y >= bottom - 2 && y < bottom && x >= left && x < right) return {0, 0, 0};
  if (x >= left && x < right) {
    const int dx = std::abs(x - s / 2);
    const int curve = s / 5 + 3 * dx * dx / (5 * s);
    if (std::abs(y - curve) <= 1) return {90, 90, 90};
  }
  constexpr Rgb kColours[5] = {
      {31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189}};
  for (int i = 0; i < 5; ++i) {
    const int x0 = left + 6 + i * s / 7;
    const int height = (i + 1) * s * 13 / 100;
    if (x >= x0 && x < x0 + s / 12 && y >= bottom - 2 - height && y < bottom - 2) {
      return kColours[i];
    }
  }
  return {255, 255, 255};
}

PixelBuffer draw(const std::string& formula, int side) {
  PixelBuffer image{side, side, PixelLayout::kRgb, {}};
  image.pixels.reserve(static_cast<size_t>(side) * side * 3);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const Rgb rgb = formula == "chart_v1" ? chart_v1(side, x, y) : gradient_shapes_v1(side, x, y);
      image.pixels.insert(image.pixels.end(), rgb.begin(), rgb.end());
    }
  }
  return image;
}

// ---- The golden files: only what golden.mjs writes, read by plain string search. ----

struct GoldenInput {
  std::string formula;
  std::string pixels_sha256;
  std::vector<float> features;
};

std::string string_after(const std::string& text, const std::string& key, size_t from) {
  const size_t at = text.find("\"" + key + "\": \"", from);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size() + 5;
  return text.substr(start, text.find('"', start) - start);
}

std::vector<GoldenInput> read_golden(const std::string& model) {
  const std::string text = read_file(fs::path(IMAGEMESH_SOURCE_DIR) / "tests/data/embed" /
                                     ("golden_" + model + ".json"));
  std::vector<GoldenInput> inputs;
  for (size_t at = text.find("{\"formula\""); at != std::string::npos;
       at = text.find("{\"formula\"", at + 1)) {
    GoldenInput input{
        string_after(text, "formula", at), string_after(text, "pixels_sha256", at), {}};
    const size_t list = text.find("\"features\": [", at);
    if (list == std::string::npos) break;
    const char* cursor = text.c_str() + list + 13;
    while (*cursor != ']' && *cursor != '\0') {
      char* end = nullptr;
      input.features.push_back(std::strtof(cursor, &end));
      if (end == cursor) break;
      cursor = end;
      while (*cursor == ',' || *cursor == ' ') ++cursor;
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

fs::path model_dir(const std::string& model) { return default_model_directory() / model; }

bool weights_present(const std::string& model) {
  return fs::exists(model_dir(model) / "weights.bin");
}

void expect_golden(const std::string& model, CnnKind kind, int side, uint32_t dim) {
  if (!weights_present(model)) GTEST_SKIP() << kNoWeights;
  const auto start = std::chrono::steady_clock::now();
  auto loaded = CnnModel::load(kind, model_dir(model));
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  const CnnModel& cnn = **loaded;
  EXPECT_EQ(cnn.name(), model);
  EXPECT_EQ(cnn.input_width(), side);
  EXPECT_EQ(cnn.input_height(), side);
  EXPECT_EQ(cnn.output_dim(), dim);
  EXPECT_NE(cnn.provenance().find("nsfwjs 4.4.0"), std::string::npos);
  const auto loaded_at = std::chrono::steady_clock::now();

  const std::vector<GoldenInput> golden = read_golden(model);
  ASSERT_EQ(golden.size(), 2u);
  for (const GoldenInput& input : golden) {
    const PixelBuffer image = draw(input.formula, side);
    const std::string_view bytes(reinterpret_cast<const char*>(image.pixels.data()),
                                 image.pixels.size());
    ASSERT_EQ(sha256_hex(bytes), input.pixels_sha256) << input.formula << ": not golden.mjs' image";
    ASSERT_EQ(input.features.size(), dim);
    auto features = cnn.embed(image);
    ASSERT_TRUE(features.ok()) << features.status().to_string();
    ASSERT_EQ(features->size(), dim);
    double max_delta = 0;
    for (size_t i = 0; i < dim; ++i) {
      max_delta = std::max(max_delta, std::abs(double{(*features)[i]} - input.features[i]));
    }
    EXPECT_LT(max_delta, kTolerance) << input.formula;
    ::testing::Test::RecordProperty(input.formula + "_max_abs_delta", std::to_string(max_delta));
    std::cout << "[          ] " << model << " " << input.formula << ": max |delta| vs tfjs "
              << max_delta << "\n";
  }
  const auto done = std::chrono::steady_clock::now();
  using Ms = std::chrono::milliseconds;
  std::cout << "[          ] " << model << ": load "
            << std::chrono::duration_cast<Ms>(loaded_at - start).count() << " ms, 2 forwards "
            << std::chrono::duration_cast<Ms>(done - loaded_at).count() << " ms\n";
}

TEST(CnnModel, MobileNetMatchesTensorFlowJs) {
  expect_golden("mobilenet", CnnKind::kMobileNetV2, 224, 1280);
}

TEST(CnnModel, InceptionMatchesTensorFlowJs) {
  expect_golden("inception", CnnKind::kInceptionV3, 299, 2048);
}

TEST(CnnModel, LoadersGiveModels) {
  if (!weights_present("mobilenet")) GTEST_SKIP() << kNoWeights;
  auto model = load_mobilenet(model_dir("mobilenet"));
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  EXPECT_EQ((*model)->name(), "mobilenet");
  EXPECT_EQ((*model)->output_dim(), 1280u);
}

TEST(CnnModel, BatchEqualsOneAtATime) {
  if (!weights_present("mobilenet")) GTEST_SKIP() << kNoWeights;
  auto model = CnnModel::load(CnnKind::kMobileNetV2, model_dir("mobilenet"));
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  const std::vector<PixelBuffer> images{draw("chart_v1", 224), draw("gradient_shapes_v1", 224)};
  auto batch = (*model)->embed_batch(images);
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  ASSERT_EQ(batch->size(), 2u);
  for (size_t i = 0; i < images.size(); ++i) {
    auto single = (*model)->embed(images[i]);
    ASSERT_TRUE(single.ok());
    for (size_t j = 0; j < single->size(); ++j) {
      ASSERT_NEAR((*batch)[i][j], (*single)[j], 1e-4) << "image " << i << " feature " << j;
    }
  }
}

TEST(CnnModel, WrongInputIsInvalidArgument) {
  if (!weights_present("mobilenet")) GTEST_SKIP() << kNoWeights;
  auto model = load_mobilenet(model_dir("mobilenet"));
  ASSERT_TRUE(model.ok()) << model.status().to_string();
  const PixelBuffer too_small = draw("chart_v1", 223);
  PixelBuffer rgba{224, 224, PixelLayout::kRgba, std::vector<uint8_t>(224 * 224 * 4, 255)};
  for (const PixelBuffer& image : {too_small, rgba}) {
    auto features = (*model)->embed(image);
    ASSERT_FALSE(features.ok());
    EXPECT_EQ(features.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(CnnModel, MissingFolderIsNotFound) {
  ScratchDir scratch("cnn_model_missing");
  auto model = load_inception(scratch.path() / "inception");
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(model.status().message().find("tools/models/fetch.sh"), std::string::npos);
}

// Damaged copies of the real mobilenet folder.
class DamagedMobileNet : public ::testing::Test {
 protected:
  DamagedMobileNet() : scratch_("cnn_model_damaged") {}
  void SetUp() override {
    if (!weights_present("mobilenet")) GTEST_SKIP() << kNoWeights;
    fs::copy(model_dir("mobilenet"), dir());
  }
  fs::path dir() const { return scratch_.path() / "mobilenet"; }
  Status load() const { return CnnModel::load(CnnKind::kMobileNetV2, dir()).status(); }

  ScratchDir scratch_;
};

TEST_F(DamagedMobileNet, TruncatedWeights) {
  fs::resize_file(dir() / "weights.bin", fs::file_size(dir() / "weights.bin") - 1000);
  EXPECT_EQ(load().code(), ErrorCode::kTruncated) << load().to_string();
}

TEST_F(DamagedMobileNet, MissingTopology) {
  fs::remove(dir() / "topology.json");
  EXPECT_EQ(load().code(), ErrorCode::kNotFound) << load().to_string();
}

TEST_F(DamagedMobileNet, TopologyDisagreesWithWeights) {
  std::string topology = read_file(dir() / "topology.json");
  const size_t filters = topology.find("\"filters\": 32");  // Conv1
  ASSERT_NE(filters, std::string::npos);
  topology.replace(filters, 13, "\"filters\": 16");
  write_file(dir() / "topology.json", topology);
  const Status status = load();
  EXPECT_EQ(status.code(), ErrorCode::kCorruptArchive) << status.to_string();
  EXPECT_NE(status.message().find("Conv1/kernel"), std::string::npos) << status.to_string();
}

TEST_F(DamagedMobileNet, AnotherNetworksFolder) {
  const Status status = CnnModel::load(CnnKind::kInceptionV3, dir()).status();
  EXPECT_EQ(status.code(), ErrorCode::kCorruptArchive) << status.to_string();
}

}  // namespace
}  // namespace imagemesh::embed
