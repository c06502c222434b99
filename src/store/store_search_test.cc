// search_captions(): figure and sub-figure captions and labels, bm25 order, bad queries.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

using testing::figure;

class StoreSearch : public ::testing::Test {
 protected:
  StoreSearch() : scratch_("store-search"), mesh_(scratch_.str() + "/mesh") {}

  void SetUp() override {
    store_ = testing::open_or_die(mesh_);
    auto run = store_->begin_run("test");
    ASSERT_TRUE(run.ok());
    PaperRecord a = testing::paper("2001.00001", 1, "a", "sa", 0);
    a.figures.push_back(figure(1, "Rotation curve of the galaxy M31.", "fig:rotation"));
    a.figures.push_back(figure(2, "Galaxy galaxy galaxy: lensing of a galaxy.", "fig:lens"));
    FigureRecord with_subs = figure(3, "Spectra.", "fig:spectra");
    with_subs.subfigures.push_back({"", "Schrödinger wave packet", "fig:spectra:a", {}});
    with_subs.subfigures.push_back({"", "Helium line", "fig:spectra:b", {}});
    a.figures.push_back(with_subs);
    PaperRecord b = testing::paper("2001.00002", 1, "b", "sb", 0);
    b.figures.push_back(figure(1, "A quasar spectrum; no g-word here.", "fig:quasar"));
    ASSERT_TRUE(store_->write_papers(*run, {a, b}, {}, nullptr).ok());
  }

  std::vector<Store::CaptionHit> search(const std::string& query, int limit = 10) {
    auto hits = store_->search_captions(query, limit);
    EXPECT_TRUE(hits.ok()) << hits.status().to_string();
    return hits.ok() ? *hits : std::vector<Store::CaptionHit>{};
  }

  imagemesh::testing::ScratchDir scratch_;
  std::string mesh_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreSearch, FindsCaptionsRankedByBm25) {
  auto hits = search("galaxy");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].order, 2) << "four occurrences rank above one";
  EXPECT_EQ(hits[1].order, 1);
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_EQ(hits[0].paper_id, "2001.00001");
  EXPECT_NE(hits[1].snippet.find("[galaxy]"), std::string::npos) << hits[1].snippet;
  EXPECT_EQ(search("galaxy", 1).size(), 1u);
}

TEST_F(StoreSearch, FindsSubfigureCaptionsAndLabels) {
  auto helium = search("helium");
  ASSERT_EQ(helium.size(), 1u);
  EXPECT_EQ(helium[0].paper_id, "2001.00001");
  EXPECT_EQ(helium[0].order, 3) << "a sub-figure hit names its figure";
  auto label = search("label:quasar");
  ASSERT_EQ(label.size(), 1u);
  EXPECT_EQ(label[0].paper_id, "2001.00002");
}

TEST_F(StoreSearch, DiacriticsAndPrefixes) {
  EXPECT_EQ(search("schrodinger").size(), 1u);
  EXPECT_EQ(search("Schrödinger").size(), 1u);
  EXPECT_EQ(search("rot*").size(), 1u);
  EXPECT_EQ(search("\"rotation curve\"").size(), 1u);
  EXPECT_TRUE(search("nothingmatches").empty());
}

TEST_F(StoreSearch, MalformedQueriesAreInvalidArguments) {
  for (const char* query : {"\"unbalanced", "AND", "galaxy AND", "nosuchcolumn:x", "(", "*"}) {
    auto hits = store_->search_captions(query, 10);
    ASSERT_FALSE(hits.ok()) << query;
    EXPECT_EQ(hits.status().code(), ErrorCode::kInvalidArgument) << query;
    EXPECT_FALSE(hits.status().message().empty());
  }
  EXPECT_EQ(store_->search_captions("galaxy", 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(search("galaxy").size(), 2u) << "the store still works after bad queries";
}

TEST_F(StoreSearch, ReplacedPapersLeaveNoCaptionDocuments) {
  auto run = store_->begin_run("again");
  ASSERT_TRUE(run.ok());
  PaperRecord v2 = testing::paper("2001.00001", 2, "a-v2", "sa2", 0);
  v2.figures.push_back(figure(1, "Only this caption remains.", ""));
  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE(store_->write_papers(*run, {v2}, {}, &outcomes).ok());
  EXPECT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kReplaced});
  EXPECT_TRUE(search("helium").empty()) << "sub-figure documents go with their figure";
  EXPECT_TRUE(search("galaxy").empty());
  EXPECT_EQ(search("remains").size(), 1u);
  EXPECT_EQ(search("quasar").size(), 1u) << "other papers are untouched";
}

TEST_F(StoreSearch, ReadOnlyStoreSearches) {
  auto reader = Store::open_read_only(mesh_);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto hits = (*reader)->search_captions("spectra", 10);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 3u) << "the figure caption and both sub-figure labels";
}

}  // namespace
}  // namespace imagemesh::store
