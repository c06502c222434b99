// The head model: apply() recomputes ANN_MLP's forward pass from its weights (the hidden layer
// and the outputs ANN_MLP::predict gives); the file round-trips and a damaged one is an error.
#include "embed/head_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

HeadInfo small_info(uint32_t dim, uint32_t hidden, int classes) {
  HeadInfo info;
  info.kind = "deepcluster";
  info.name = "deepcluster";
  info.source = "raw";
  info.source_dim = dim;
  info.hidden_dim = hidden;
  for (int c = 0; c < classes; ++c) info.label_names.push_back(std::to_string(c));
  info.seed = 42;
  info.training_summary = "line one\n  indented: line two\n";
  return info;
}

// Three noisy blobs in 12-d.
HeadTrainingSet blobs_set(int per_class, uint32_t dim, unsigned seed) {
  HeadTrainingSet set;
  set.input_dim = dim;
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0, 0.3f);
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < per_class; ++i) {
      for (uint32_t d = 0; d < dim; ++d)
        set.inputs.push_back((d % 3 == uint32_t(c) ? 1 : 0) + noise(rng));
      set.labels.push_back(c);
    }
  }
  return set;
}

TEST(HeadModel, HiddenAndOutputsReproduceAnnMlpPredict) {
  ScopedOpenCvThreads serial(1);
  const HeadTrainingSet set = blobs_set(40, 12, 1);
  auto head = HeadModel::train(set, small_info(12, 8, 3), {50});
  ASSERT_TRUE(head.ok()) << head.status().to_string();
  auto reference = head->reference_outputs(set.inputs);
  ASSERT_TRUE(reference.ok()) << reference.status().to_string();
  auto batch = head->apply_batch(set.inputs);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->outputs.size(), reference->size());
  int correct = 0;
  for (size_t row = 0; row < set.labels.size(); ++row) {
    auto one = head->apply(std::span<const float>(set.inputs).subspan(row * 12, 12));
    ASSERT_TRUE(one.ok());
    ASSERT_EQ(one->hidden.size(), 8u);
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(one->outputs[k], (*reference)[row * 3 + k], 1e-5) << "row " << row;
      EXPECT_EQ(one->outputs[k], batch->outputs[row * 3 + k]);
    }
    for (int k = 0; k < 8; ++k) {
      EXPECT_EQ(one->hidden[k], batch->hidden[row * 8 + k]);
      EXPECT_LE(std::abs(one->hidden[k]), 1.7159f);
    }
    correct += one->label == set.labels[row] ? 1 : 0;
    EXPECT_GT(one->probability, 0.0f);
    EXPECT_LE(one->probability, 1.0f);
  }
  EXPECT_GE(correct, 114) << "separable blobs are learnt";
}

TEST(HeadModel, SavedFileLoadsToTheSameModelAndBytes) {
  imagemesh::testing::ScratchDir scratch("head-model");
  ScopedOpenCvThreads serial(1);
  const HeadTrainingSet set = blobs_set(20, 12, 2);
  auto head = HeadModel::train(set, small_info(12, 6, 3), {30});
  ASSERT_TRUE(head.ok()) << head.status().to_string();
  const auto path = scratch.path() / "models" / "deepcluster.yml";
  ASSERT_TRUE(head->with_temperature(0.25).save(path).ok());
  auto loaded = HeadModel::load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->info().kind, "deepcluster");
  EXPECT_EQ(loaded->source(), "raw");
  EXPECT_EQ(loaded->source_dim(), 12u);
  EXPECT_EQ(loaded->hidden_dim(), 6u);
  EXPECT_EQ(loaded->label_names(), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(loaded->info().seed, 42u);
  EXPECT_DOUBLE_EQ(loaded->info().temperature, 0.25);
  EXPECT_EQ(loaded->info().training_summary, "line one\n  indented: line two\n");
  auto before = head->apply_batch(set.inputs);
  auto after = loaded->apply_batch(set.inputs);
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(before->hidden, after->hidden);
  EXPECT_EQ(before->outputs, after->outputs);

  const auto again = scratch.path() / "again.yml";
  ASSERT_TRUE(loaded->save(again).ok());
  EXPECT_EQ(imagemesh::testing::read_file(path), imagemesh::testing::read_file(again));

  EXPECT_EQ(loaded->apply(std::vector<float>(11, 0.f)).status().code(),
            ErrorCode::kInvalidArgument);
  std::vector<float> nan_input(12, 0.f);
  nan_input[3] = std::nanf("");
  EXPECT_EQ(loaded->apply(nan_input).status().code(), ErrorCode::kInvalidArgument);
}

TEST(HeadModel, DamagedFilesAreErrorValues) {
  imagemesh::testing::ScratchDir scratch("head-damaged");
  ScopedOpenCvThreads serial(1);
  auto head = HeadModel::train(blobs_set(10, 12, 3), small_info(12, 4, 3), {10});
  ASSERT_TRUE(head.ok());
  const auto path = scratch.path() / "good.yml";
  ASSERT_TRUE(head->save(path).ok());
  const std::string good = imagemesh::testing::read_file(path);

  EXPECT_EQ(HeadModel::load(scratch.path() / "missing.yml").status().code(), ErrorCode::kNotFound);
  auto damaged = [&](const std::string& name, const std::string& text) {
    const auto file = scratch.path() / name;
    imagemesh::testing::write_file(file, text);
    return HeadModel::load(file).status();
  };
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from << " is not in\n" << text;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  EXPECT_EQ(damaged("truncated.yml", good.substr(0, good.size() / 2)).code(),
            ErrorCode::kCorruptArchive);
  EXPECT_EQ(damaged("empty.yml", "").code(), ErrorCode::kCorruptArchive);
  EXPECT_EQ(damaged("garbage.yml", "\x01\x02 not yaml {{{").code(), ErrorCode::kCorruptArchive);
  EXPECT_EQ(damaged("kind.yml", replace("kind: deepcluster", "kind: cats")).code(),
            ErrorCode::kCorruptArchive);
  EXPECT_EQ(damaged("dim.yml", replace("source_dim: 12", "source_dim: 13")).code(),
            ErrorCode::kCorruptArchive);
  EXPECT_EQ(damaged("version.yml", replace("format_version: 1", "format_version: 2")).code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(damaged("labels.yml", replace("   - \"2\"\n", "   - \"2\"\n   - \"3\"\n")).code(),
            ErrorCode::kCorruptArchive);
  EXPECT_EQ(damaged("temperature.yml", replace("temperature: 1.", "temperature: -1.")).code(),
            ErrorCode::kCorruptArchive);
}

TEST(HeadModel, TemperatureFitsSharpOrFlatOutputs) {
  // Outputs that always rank the right class first deserve a low temperature (confident);
  // outputs that are right half the time a high one.
  std::vector<float> right, coin;
  std::vector<int> labels;
  for (int i = 0; i < 100; ++i) {
    const int label = i % 2;
    labels.push_back(label);
    right.push_back(label == 0 ? 1.0f : 0.0f);
    right.push_back(label == 1 ? 1.0f : 0.0f);
    coin.push_back(i % 4 < 2 ? 1.0f : 0.0f);
    coin.push_back(i % 4 < 2 ? 0.0f : 1.0f);
  }
  const double sharp = fit_temperature(right, labels, 2);
  const double flat = fit_temperature(coin, labels, 2);
  EXPECT_LT(sharp, 0.05);  // below that the loss is 0 in double precision
  EXPECT_GT(flat, 100);
  const auto p = softmax(std::vector<float>{2.f, 1.f, 0.f}, 1.0);
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-12);
  EXPECT_GT(p[0], p[1]);
}

}  // namespace
}  // namespace imagemesh::embed
