// Blob facts by ordinal and hash, and the predictions table: batches written in one transaction,
// replaced per (model, image), validated before anything is written, counted per label.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

using testing::open_or_die;
using testing::paper;

class StorePredictions : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_or_die(scratch_.str());
    auto run = store_->begin_run("test");
    ASSERT_TRUE(run.ok());
    PaperRecord record = paper("2001.00001", 1, "tar:a", "sha-a", 3);
    record.blobs[1].format = "pdf";
    record.blobs[1].creator = "matplotlib 3.1.1";
    record.blobs[1].width_px = 0;
    record.blobs[1].color = "";
    ASSERT_TRUE(store_->write_papers(*run, {record}, {}, nullptr).ok());
  }

  imagemesh::testing::ScratchDir scratch_{"store-predictions"};
  std::unique_ptr<Store> store_;
};

TEST_F(StorePredictions, BlobFactsByPageHashAndOrdinal) {
  auto page = store_->list_blob_facts(-1, 10);
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  ASSERT_EQ(page->size(), 3u);
  EXPECT_LT((*page)[0].ordinal, (*page)[1].ordinal);
  EXPECT_EQ((*page)[1].format, "pdf");
  EXPECT_EQ((*page)[1].creator, "matplotlib 3.1.1");
  EXPECT_EQ((*page)[0].color, "rgb");
  EXPECT_EQ((*page)[0].width_px, 640);

  auto second = store_->list_blob_facts((*page)[0].ordinal, 1);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().sha256, (*page)[1].sha256);
  EXPECT_FALSE(store_->list_blob_facts(-1, 0).ok());

  auto by_hash =
      store_->blob_facts_by_sha256({(*page)[2].sha256, "no-such-blob", (*page)[0].sha256});
  ASSERT_TRUE(by_hash.ok());
  ASSERT_EQ(by_hash->size(), 2u) << "unknown hashes are left out";
  EXPECT_EQ((*by_hash)[0].ordinal, (*page)[2].ordinal);
  EXPECT_EQ((*by_hash)[1].ordinal, (*page)[0].ordinal);

  auto by_ordinal = store_->blob_facts_by_ordinal({(*page)[1].ordinal, 999});
  ASSERT_TRUE(by_ordinal.ok());
  ASSERT_EQ(by_ordinal->size(), 1u);
  EXPECT_EQ(by_ordinal->front().sha256, (*page)[1].sha256);
}

TEST_F(StorePredictions, WrittenReplacedCountedAndCleared) {
  ASSERT_TRUE(store_
                  ->write_predictions(
                      "ternary", {{1, "diagram", 0.9f}, {2, "diagram", 0.8f}, {3, "sensor", 0.7f}})
                  .ok());
  ASSERT_TRUE(store_->write_predictions("deepcluster", {{1, "17", 0.5f}}).ok());
  auto counts = store_->prediction_counts("ternary");
  ASSERT_TRUE(counts.ok());
  const std::vector<std::pair<std::string, int64_t>> expected = {{"diagram", 2}, {"sensor", 1}};
  EXPECT_EQ(*counts, expected);

  // A second prediction for an image replaces the first.
  ASSERT_TRUE(store_->write_predictions("ternary", {{2, "sensor", 0.6f}}).ok());
  counts = store_->prediction_counts("ternary");
  ASSERT_TRUE(counts.ok());
  const std::vector<std::pair<std::string, int64_t>> replaced = {{"sensor", 2}, {"diagram", 1}};
  EXPECT_EQ(*counts, replaced);

  auto detail = store_->predictions_for(1);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->size(), 2u);
  EXPECT_EQ((*detail)[0].model, "deepcluster");
  EXPECT_EQ((*detail)[0].prediction.label, "17");
  EXPECT_EQ((*detail)[1].model, "ternary");
  EXPECT_FLOAT_EQ((*detail)[1].prediction.probability, 0.9f);

  ASSERT_TRUE(store_->clear_predictions("ternary").ok());
  counts = store_->prediction_counts("ternary");
  ASSERT_TRUE(counts.ok());
  EXPECT_TRUE(counts->empty());
  counts = store_->prediction_counts("deepcluster");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->size(), 1u) << "other models keep theirs";
}

TEST_F(StorePredictions, AnInvalidRowWritesNothing) {
  auto bad = store_->write_predictions("ternary", {{1, "diagram", 0.9f}, {2, "sensor", 1.5f}});
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument) << bad.to_string();
  EXPECT_EQ(store_->write_predictions("ternary", {{1, "", 0.5f}}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->write_predictions("", {{1, "x", 0.5f}}).code(), ErrorCode::kInvalidArgument);
  auto counts = store_->prediction_counts("ternary");
  ASSERT_TRUE(counts.ok());
  EXPECT_TRUE(counts->empty());

  store_.reset();
  auto read_only = Store::open_read_only(scratch_.str());
  ASSERT_TRUE(read_only.ok());
  EXPECT_EQ((*read_only)->write_predictions("ternary", {{1, "diagram", 0.5f}}).code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagemesh::store
