// search(): one document per image file over title, authors, abstract, caption, label, file name
// and creator; bm25 order, field scopes, paging, licence filter, bad queries, and the index kept
// exactly in step with its content view.
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

using testing::paper_with_captions;

class StoreSearch : public ::testing::Test {
 protected:
  StoreSearch() : scratch_("store-search"), mesh_(scratch_.str() + "/mesh") {}

  void SetUp() override {
    store_ = testing::open_or_die(mesh_);
    auto run = store_->begin_run("test");
    ASSERT_TRUE(run.ok());
    run_ = *run;
    PaperRecord a = paper_with_captions("2001.00001",
                                        {"Rotation curve of the galaxy M31.",
                                         "Galaxy galaxy galaxy: lensing of a galaxy.", "Spectra."});
    a.figures[0].label = "fig:rotation";
    a.figures[2].subfigures.push_back({"",
                                       "Schrödinger wave packet",
                                       "fig:spectra:a",
                                       {testing::graphic("fig3.png", "fig3.png")}});
    a.blobs[1].creator = "matplotlib 3.5";
    PaperRecord b = paper_with_captions("2001.00002", {"A quasar spectrum; no g-word here."});
    b.title = "Quasars at high redshift";
    b.authors = {"Zoë Quasarwatcher"};
    b.files.push_back({"unused_plot.png", 10, "blob-unused", true});
    b.blobs.push_back(testing::png_blob("blob-unused", 10, 10));
    ASSERT_TRUE(store_->write_papers(run_, {a, b}, {}, nullptr).ok());
  }

  Store::SearchResults search(const std::string& query, int limit = 10, int offset = 0,
                              const std::string& license = "") {
    auto results = store_->search({query, license, limit, offset});
    EXPECT_TRUE(results.ok()) << query << ": " << results.status().to_string();
    return results.ok() ? *results : Store::SearchResults{};
  }

  imagemesh::testing::ScratchDir scratch_;
  std::string mesh_;
  std::unique_ptr<Store> store_;
  int64_t run_ = 0;
};

TEST_F(StoreSearch, FindsImagesByCaptionRankedByBm25) {
  auto results = search("galaxy");
  ASSERT_EQ(results.total, 2);
  ASSERT_EQ(results.hits.size(), 2u);
  EXPECT_EQ(results.hits[0].path, "fig2.png") << "four occurrences rank above one";
  EXPECT_EQ(results.hits[0].figure_order, 2);
  EXPECT_EQ(results.hits[1].path, "fig1.png");
  EXPECT_GT(results.hits[0].score, results.hits[1].score);
  EXPECT_EQ(results.hits[0].paper_id, "2001.00001");
  EXPECT_EQ(results.hits[0].title, "Paper 2001.00001");
  EXPECT_EQ(results.hits[0].described_by, "latex");
  EXPECT_NE(results.hits[1].caption.find("[galaxy]"), std::string::npos) << results.hits[1].caption;
  EXPECT_EQ(search("galaxy", 1).hits.size(), 1u);
  EXPECT_EQ(search("galaxy", 1).total, 2) << "the total counts every match, not the page";
}

TEST_F(StoreSearch, EveryFieldIsSearchableAndScoped) {
  EXPECT_EQ(search("helium OR schrodinger").hits.at(0).path, "fig3.png")
      << "a sub-figure caption belongs to the image it includes";
  EXPECT_EQ(search("label:rotation").total, 1);
  EXPECT_EQ(search("title:quasars").total, 2) << "both images of the paper";
  EXPECT_EQ(search("caption:quasar").total, 1) << "only the captioned one";
  EXPECT_EQ(search("authors:zoe").total, 2) << "accents are folded";
  EXPECT_EQ(search("abstract:00001").total, 3) << "'About 2001.00001': every image of paper a";
  EXPECT_EQ(search("file:unused_plot").total, 1);
  auto unused = search("file:unused_plot").hits.at(0);
  EXPECT_EQ(unused.figure_order, 0) << "an image no figure includes";
  EXPECT_EQ(unused.caption, "");
  EXPECT_EQ(search("creator:matplotlib").hits.at(0).path, "fig2.png");
  EXPECT_EQ(search("title:galaxy").total, 0) << "the scope excludes captions";
}

TEST_F(StoreSearch, PhrasesPrefixesAndBooleans) {
  EXPECT_EQ(search("\"rotation curve\"").total, 1);
  EXPECT_EQ(search("\"curve rotation\"").total, 0);
  EXPECT_EQ(search("rot*").total, 1);
  EXPECT_EQ(search("galaxy NOT lensing").total, 1);
  EXPECT_EQ(search("galaxy AND spectra").total, 0);
  EXPECT_EQ(search("caption:quasar OR caption:spectra").total, 2);
  EXPECT_EQ(search("galaxies").total, 2) << "stemmed";
  EXPECT_EQ(search("nothingmatches").total, 0);
}

TEST_F(StoreSearch, PagesAreStableAndDisjoint) {
  const auto all = search("png", 100).hits;  // every image: all are .png files
  ASSERT_EQ(all.size(), 5u);
  std::vector<int64_t> paged;
  for (int offset = 0; offset < 5; offset += 2) {
    for (const auto& hit : search("png", 2, offset).hits) paged.push_back(hit.file_id);
  }
  ASSERT_EQ(paged.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(paged[i], all[i].file_id) << i;
  EXPECT_TRUE(search("png", 10, 5).hits.empty());
}

TEST_F(StoreSearch, MalformedQueriesAndArgumentsAreInvalid) {
  for (const char* query :
       {"\"unbalanced", "AND", "galaxy AND", "nosuchcolumn:x", "(", "*", "hep-ph/0107222", ""}) {
    auto results = store_->search({query, "", 10, 0});
    ASSERT_FALSE(results.ok()) << query;
    EXPECT_EQ(results.status().code(), ErrorCode::kInvalidArgument) << query;
    EXPECT_FALSE(results.status().message().empty());
  }
  EXPECT_NE(store_->search({"hep-ph/0107222", "", 10, 0}).status().message().find("double quotes"),
            std::string::npos);
  EXPECT_EQ(store_->search({"galaxy", "", 0, 0}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->search({"galaxy", "", 10, -1}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(search("galaxy").total, 2) << "the store still works after bad queries";
  EXPECT_EQ(search("\"'; DROP TABLE papers; --\"").total, 0) << "queries are bound, never SQL";
}

TEST_F(StoreSearch, ReplacedPapersLeaveNoDocuments) {
  PaperRecord v2 = paper_with_captions("2001.00001", {"Only this caption remains."}, 2);
  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE(store_->write_papers(run_, {v2}, {}, &outcomes).ok());
  EXPECT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kReplaced});
  EXPECT_EQ(search("schrodinger").total, 0) << "sub-figure text goes with its figure";
  EXPECT_EQ(search("galaxy").total, 0);
  EXPECT_EQ(search("remains").total, 1);
  EXPECT_EQ(search("quasar").total, 2) << "other papers are untouched";
  EXPECT_EQ(testing::search_index_disagreement(mesh_), "");
}

TEST_F(StoreSearch, IndexAgreesWithARebuild) {
  EXPECT_EQ(testing::search_index_disagreement(mesh_), "");
  // The check can fail: change a caption behind the writer's back.
  {
    SQLite::Database db(mesh_ + "/mesh.db", SQLite::OPEN_READWRITE);
    db.exec("UPDATE figures SET caption_text = 'zebra' WHERE ord = 1");
  }
  EXPECT_NE(testing::search_index_disagreement(mesh_), "");
}

TEST_F(StoreSearch, ReadOnlyStoreSearches) {
  auto reader = Store::open_read_only(mesh_);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto results = (*reader)->search({"spectra OR spectrum", "", 10, 0});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(results->total, 2);
}

}  // namespace
}  // namespace imagemesh::store
