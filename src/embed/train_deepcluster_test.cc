// DeepCluster on synthetic vectors: NMI on known partitions; a run finds planted clusters; the
// same seed gives a byte-identical model file and another seed a different one.
#include "embed/train_deepcluster.h"

#include <gtest/gtest.h>

#include "embed/head_model.h"
#include "embed/head_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

TEST(NormalizedMutualInformation, KnownPartitions) {
  const std::vector<int> a = {0, 0, 1, 1, 2, 2};
  EXPECT_DOUBLE_EQ(normalized_mutual_information(a, a), 1.0);
  EXPECT_NEAR(normalized_mutual_information(a, std::vector<int>{5, 5, 3, 3, 9, 9}), 1.0, 1e-12)
      << "renaming clusters changes nothing";
  // Independent: every cell of the 2 x 2 contingency table holds one item.
  EXPECT_NEAR(
      normalized_mutual_information(std::vector<int>{0, 0, 1, 1}, std::vector<int>{0, 1, 0, 1}),
      0.0, 1e-12);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(std::vector<int>{0, 0}, std::vector<int>{1, 1}),
                   1.0);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(std::vector<int>{0, 0}, std::vector<int>{0, 1}),
                   0.0);
  // {0,0,1,1} against {0,0,0,1}, in nats: p(0,0) = 1/2, p(1,0) = 1/4, p(1,1) = 1/4.
  const double h_a = std::log(2.0);
  const double h_b = -(0.75 * std::log(0.75) + 0.25 * std::log(0.25));
  const double expected_mutual =
      0.5 * std::log(0.5 / 0.375) + 0.25 * std::log(0.25 / 0.375) + 0.25 * std::log(0.25 / 0.125);
  EXPECT_NEAR(
      normalized_mutual_information(std::vector<int>{0, 0, 1, 1}, std::vector<int>{0, 0, 0, 1}),
      expected_mutual / std::sqrt(h_a * h_b), 1e-12);
}

class DeepCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    mesh_ = scratch_.str() + "/mesh";
    std::vector<testing::SyntheticBlob> blobs;
    for (int i = 0; i < 96; ++i) {
      testing::SyntheticBlob blob;
      blob.sha256 = testing::fake_sha256(i + 1);
      blob.cls = i % 4;
      blobs.push_back(blob);
    }
    ordinals_ = testing::write_blobs(mesh_, blobs);
    ASSERT_EQ(ordinals_.size(), blobs.size());
    for (const auto& blob : blobs) classes_.push_back(blob.cls);
    ASSERT_TRUE(testing::write_class_vectors(mesh_, "synth", 8, ordinals_, classes_, 0.1));
  }

  DeepClusterOptions options(uint64_t seed, const std::string& out) const {
    DeepClusterOptions o;
    o.mesh_dir = mesh_;
    o.source = "synth";
    o.k = 4;
    o.rounds = 3;
    o.seed = seed;
    o.hidden = 6;
    o.max_iterations = 40;
    o.output_path = scratch_.str() + "/" + out;
    return o;
  }

  imagemesh::testing::ScratchDir scratch_{"deepcluster"};
  std::string mesh_;
  std::vector<uint32_t> ordinals_;
  std::vector<int> classes_;
};

TEST_F(DeepCluster, FindsPlantedClustersAndIsDeterministic) {
  auto first = train_deepcluster(options(3, "a.yml"));
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_EQ(first->rounds.size(), 3u);
  EXPECT_LT(first->rounds[0].nmi_previous, 0) << "round 1 has no predecessor";
  EXPECT_GT(first->rounds[2].nmi_previous, 0.8) << describe(*first);
  EXPECT_EQ(first->images, 96u);

  auto head = HeadModel::load(first->model_path);
  ASSERT_TRUE(head.ok()) << head.status().to_string();
  EXPECT_EQ(head->label_names().size(), 4u);
  EXPECT_EQ(head->hidden_dim(), 6u);
  auto vectors = VectorFile::open(mesh_ + "/embed/synth.vectors");
  ASSERT_TRUE(vectors.ok());
  std::vector<int> predicted;
  std::vector<float> row(8);
  for (uint32_t ordinal : ordinals_) {
    ASSERT_TRUE(vectors->read(ordinal, row).ok());
    auto out = head->apply(row);
    ASSERT_TRUE(out.ok());
    predicted.push_back(out->label);
  }
  EXPECT_GT(normalized_mutual_information(predicted, classes_), 0.9)
      << "the clusters are the planted classes";

  auto again = train_deepcluster(options(3, "b.yml"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(imagemesh::testing::read_file(first->model_path),
            imagemesh::testing::read_file(again->model_path))
      << "same seed, same bytes";
  auto other = train_deepcluster(options(4, "c.yml"));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(imagemesh::testing::read_file(first->model_path),
            imagemesh::testing::read_file(other->model_path));
}

TEST_F(DeepCluster, TooFewImagesForKSaysSo) {
  DeepClusterOptions o = options(1, "d.yml");
  o.k = 60;
  auto result = train_deepcluster(o);
  ASSERT_EQ(result.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("choose a smaller --k"), std::string::npos);
}

}  // namespace
}  // namespace imagemesh::embed
