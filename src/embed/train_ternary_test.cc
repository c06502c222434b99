// train_ternary on a synthetic mesh: three separable classes of vectors, hand labels for some
// images and weak-rule evidence for others. Cross-validation finds every class; the model file
// predicts them; bad label rows are counted warnings; a missing source names the fix.
#include "embed/train_ternary.h"

#include <gtest/gtest.h>

#include "embed/head_model.h"
#include "embed/head_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

using testing::SyntheticBlob;

class TrainTernary : public ::testing::Test {
 protected:
  void SetUp() override {
    mesh_ = scratch_.str() + "/mesh";
    std::vector<SyntheticBlob> blobs;
    // Hand-labelled rasters with no evidence: 60 diagram, 20 sensor, 10 mixed.
    for (int i = 0; i < 90; ++i) {
      SyntheticBlob blob;
      blob.sha256 = testing::fake_sha256(i + 1);
      blob.cls = i < 60 ? 0 : i < 80 ? 1 : 2;
      blobs.push_back(blob);
    }
    // Unlabelled: 20 bare PDFs (vector-format -> diagram), 10 GIMP PostScript (-> sensor).
    for (int i = 0; i < 30; ++i) {
      SyntheticBlob blob;
      blob.sha256 = testing::fake_sha256(1000 + i);
      blob.format = i < 20 ? "pdf" : "ps";
      blob.color = "";
      blob.creator = i < 20 ? "" : "GIMP PostScript file plugin V 1.17";
      blob.cls = i < 20 ? 0 : 1;
      blobs.push_back(blob);
    }
    ordinals_ = testing::write_blobs(mesh_, blobs);
    ASSERT_EQ(ordinals_.size(), blobs.size());
    std::vector<int> cls;
    for (const auto& blob : blobs) cls.push_back(blob.cls);
    ASSERT_TRUE(testing::write_class_vectors(mesh_, "synth", 24, ordinals_, cls, 0.15));
    std::string csv = "sha256,label,note\r\n";
    for (int i = 0; i < 90; ++i) {
      csv += blobs[i].sha256 + "," + std::string(figure_type_name(FigureType(blobs[i].cls))) +
             ",\"made, by a test\"\r\n";
    }
    csv += testing::fake_sha256(5000) + ",diagram,not in the mesh\r\n";
    csv += testing::fake_sha256(1) + ",photograph,bad label\r\n";
    labels_ = scratch_.str() + "/labels.csv";
    imagemesh::testing::write_file(labels_, csv);
  }

  TernaryTrainOptions options() const {
    TernaryTrainOptions out;
    out.mesh_dir = mesh_;
    out.source = "synth";
    out.labels_path = labels_;
    out.hidden = 8;
    out.max_iterations = 100;
    return out;
  }

  imagemesh::testing::ScratchDir scratch_{"train-ternary"};
  std::string mesh_, labels_;
  std::vector<uint32_t> ordinals_;
};

TEST_F(TrainTernary, SeparableClassesAreRecalledAndPredicted) {
  auto summary = train_ternary(options());
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(summary->hand, (ClassCounts{60, 20, 10}));
  EXPECT_EQ(summary->weak, (ClassCounts{20, 10, 0}));
  EXPECT_EQ(summary->label_rows, 92);
  EXPECT_EQ(summary->unknown_images, 1);
  EXPECT_EQ(summary->bad_labels, 1);
  ASSERT_GE(summary->warnings.size(), 2u);
  EXPECT_NE(summary->warnings[0].find("labels.csv:"), std::string::npos) << summary->warnings[0];
  EXPECT_EQ(summary->evaluated_on, "hand labels");
  EXPECT_EQ(summary->folds, 5);
  int evaluated = 0;
  for (const auto& row : summary->confusion) {
    for (int n : row) evaluated += n;
  }
  EXPECT_EQ(evaluated, 90) << "every hand-labelled image is held out once";
  for (int c = 0; c < kFigureTypes; ++c) EXPECT_GE(summary->recall[c], 0.9) << c;
  ASSERT_FALSE(summary->rules.empty());
  const std::string text = describe(*summary);
  EXPECT_NE(text.find("truth \\ predicted"), std::string::npos) << text;
  EXPECT_NE(text.find("vector-format"), std::string::npos) << text;

  auto head = HeadModel::load(summary->model_path);
  ASSERT_TRUE(head.ok()) << head.status().to_string();
  EXPECT_EQ(summary->model_path, mesh_ + "/models/ternary.yml");
  EXPECT_EQ(head->label_names(), figure_type_names());
  EXPECT_EQ(head->source(), "synth");
  auto vectors = VectorFile::open(mesh_ + "/embed/synth.vectors");
  ASSERT_TRUE(vectors.ok());
  std::vector<float> row(24);
  int right = 0;
  for (int i = 0; i < 90; ++i) {
    ASSERT_TRUE(vectors->read(ordinals_[i], row).ok());
    auto out = head->apply(row);
    ASSERT_TRUE(out.ok());
    right += out->label == (i < 60 ? 0 : i < 80 ? 1 : 2);
  }
  EXPECT_GE(right, 88);

  // The same inputs and seed give the same file.
  const std::string first = imagemesh::testing::read_file(summary->model_path);
  ASSERT_TRUE(train_ternary(options()).ok());
  EXPECT_EQ(imagemesh::testing::read_file(summary->model_path), first);
}

TEST_F(TrainTernary, WeakLabelsAloneOrNothing) {
  TernaryTrainOptions weak_only = options();
  weak_only.labels_path.clear();
  weak_only.output_path = scratch_.str() + "/weak.yml";
  auto summary = train_ternary(weak_only);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(summary->weak, (ClassCounts{20, 10, 0}));
  EXPECT_EQ(summary->evaluated_on, "weak labels");
  EXPECT_TRUE(summary->rules.empty());

  TernaryTrainOptions nothing = weak_only;
  nothing.use_weak_labels = false;
  EXPECT_EQ(train_ternary(nothing).status().code(), ErrorCode::kInvalidArgument);

  TernaryTrainOptions one_class = weak_only;
  one_class.max_weak_per_class = 0;
  EXPECT_EQ(train_ternary(one_class).status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(TrainTernary, AMissingSourceSaysWhatToRun) {
  TernaryTrainOptions missing = options();
  missing.source = "mobilenet";
  auto result = train_ternary(missing);
  ASSERT_EQ(result.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(result.status().message().find("run `imagemesh embed --mesh " + mesh_ +
                                           " --model mobilenet` first"),
            std::string::npos)
      << result.status().to_string();
}

}  // namespace
}  // namespace imagemesh::embed
