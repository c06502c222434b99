// `imagemesh train` end to end on the built-in sample: ingest, `embed --model raw`, then
// `train deepcluster --source raw` and `train ternary --source raw` with a labels file made here.
// The model files load and apply; help and a missing source say what to do.
#include <gtest/gtest.h>

#include <filesystem>

#include "embed/head_model.h"
#include "embed/vector_file.h"
#include "integration/cli_support.h"
#include "store/store.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

namespace fs = std::filesystem;

class TrainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("train-cli");
    const std::string sample = scratch_->str() + "/sample";
    auto made = run_imagemesh({"sample", "--out", sample, "--papers", "12", "--seed", "9"});
    ASSERT_EQ(made.exit_code, 0) << made.output;
    auto ingest = run_imagemesh({"ingest", "--mesh", mesh(), "--no-progress", sample});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.output;
    auto embed = run_imagemesh({"embed", "--mesh", mesh(), "--model", "raw", "--no-progress"});
    ASSERT_EQ(embed.exit_code, 0) << embed.output;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }
  static std::string mesh() { return scratch_->str() + "/mesh"; }
  static ScratchDir* scratch_;
};
ScratchDir* TrainCli::scratch_ = nullptr;

TEST_F(TrainCli, DeepClusterAndTernaryOnRawVectors) {
  auto clustered = run_imagemesh({"train", "deepcluster", "--mesh", mesh(), "--source", "raw",
                                  "--k", "8", "--rounds", "3", "--iterations", "30"});
  ASSERT_EQ(clustered.exit_code, 0) << clustered.output;
  EXPECT_NE(clustered.output.find("NMI prev"), std::string::npos) << clustered.output;
  auto cluster_head = embed::HeadModel::load(mesh() + "/models/deepcluster.yml");
  ASSERT_TRUE(cluster_head.ok()) << cluster_head.status().to_string();
  EXPECT_EQ(cluster_head->label_names().size(), 8u);
  EXPECT_EQ(cluster_head->source(), "raw");

  // Labels by hash: every third image "sensor", the rest "diagram", one unknown hash, one bad row.
  auto store = store::Store::open_read_only(mesh());
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  auto rasters = (*store)->list_rasters(-1, 1000);
  ASSERT_TRUE(rasters.ok());
  ASSERT_GT(rasters->size(), 16u);
  std::string csv = "sha256,label\r\n";
  for (size_t i = 0; i < rasters->size(); ++i) {
    csv += (*rasters)[i].sha256 + (i % 3 == 0 ? ",sensor\r\n" : ",diagram\r\n");
  }
  csv += std::string(64, 'f') + ",diagram\r\n" + (*rasters)[0].sha256 + ",photo\r\n";
  const std::string labels = scratch_->str() + "/labels.csv";
  write_file(labels, csv);
  auto ternary = run_imagemesh({"train", "ternary", "--mesh", mesh(), "--source", "raw", "--labels",
                                labels, "--hidden", "8", "--iterations", "30"});
  ASSERT_EQ(ternary.exit_code, 0) << ternary.output;
  EXPECT_NE(ternary.output.find("truth \\ predicted"), std::string::npos) << ternary.output;
  EXPECT_NE(ternary.output.find("1 not in the mesh"), std::string::npos) << ternary.output;
  EXPECT_NE(ternary.output.find("1 bad labels"), std::string::npos) << ternary.output;
  EXPECT_NE(ternary.output.find("labels.csv:"), std::string::npos) << "warnings name the line";
  EXPECT_NE(ternary.output.find("weak rules against the hand labels"), std::string::npos);
  auto head = embed::HeadModel::load(mesh() + "/models/ternary.yml");
  ASSERT_TRUE(head.ok()) << head.status().to_string();
  auto vectors = embed::VectorFile::open(mesh() + "/embed/raw.vectors");
  ASSERT_TRUE(vectors.ok());
  std::vector<float> row(vectors->info().dimension);
  ASSERT_TRUE(vectors->read(rasters->front().ordinal, row).ok());
  auto applied = head->apply(row);
  ASSERT_TRUE(applied.ok()) << applied.status().to_string();
  EXPECT_EQ(applied->hidden.size(), 8u);
}

TEST_F(TrainCli, HelpAndMistakes) {
  auto help = run_imagemesh({"train", "ternary", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--labels"), std::string::npos) << help.output;
  auto deep_help = run_imagemesh({"train", "deepcluster", "--help"});
  EXPECT_EQ(deep_help.exit_code, 0);
  EXPECT_NE(deep_help.output.find("--k"), std::string::npos) << deep_help.output;

  auto no_vectors = run_imagemesh({"train", "ternary", "--mesh", mesh(), "--source", "mobilenet"});
  EXPECT_EQ(no_vectors.exit_code, 2) << no_vectors.output;
  EXPECT_NE(no_vectors.output.find("run `imagemesh embed --mesh"), std::string::npos)
      << no_vectors.output;
  auto too_many =
      run_imagemesh({"train", "deepcluster", "--mesh", mesh(), "--source", "raw", "--k", "4000"});
  EXPECT_EQ(too_many.exit_code, 2) << too_many.output;
  auto no_kind = run_imagemesh({"train", "--mesh", mesh()});
  EXPECT_EQ(no_kind.exit_code, 2) << no_kind.output;
}

}  // namespace
}  // namespace imagemesh::testing
