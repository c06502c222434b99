// The query engine on a real mesh made by the CLI from the built-in sample (ingest, metadata,
// raw embedding): an uploaded image is embedded exactly as `embed` embedded the stored ones, so an
// image uploaded again finds itself first; metadata filters see the imported records; a detail
// shows the paper as the metadata describes it.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/cli_support.h"
#include "query/engine.h"
#include "test_support/corpus.h"

namespace imagemesh::testing {
namespace {

namespace fs = std::filesystem;

class ExplorerEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = new ScratchDir("explorer-engine");
    const std::string sample = scratch_->str() + "/sample";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"sample", "--out", sample, "--papers", "12", "--seed", "5"},
             {"ingest", "--mesh", mesh(), "--no-progress", sample},
             {"metadata", "import", "--mesh", mesh(), sample + "/metadata/sample-snapshot.jsonl"},
             {"embed", "--mesh", mesh(), "--model", "raw", "--no-progress"}}) {
      auto run = run_imagemesh(args);
      ASSERT_EQ(run.exit_code, 0) << args[0] << ": " << run.output;
    }
    query::EngineOptions options;
    options.mesh_dir = mesh();
    auto engine = query::Engine::open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().to_string();
    engine_ = engine->release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete scratch_;
  }
  static std::string mesh() { return scratch_->str() + "/mesh"; }

  static inline ScratchDir* scratch_ = nullptr;
  static inline query::Engine* engine_ = nullptr;
};

TEST_F(ExplorerEngine, AnUploadedImageFindsItselfFirst) {
  ASSERT_FALSE(engine_->info().embeddings.empty());
  EXPECT_TRUE(engine_->info().embeddings[0].uploads) << "raw needs no weights";
  query::Query random;
  random.seed = 3;
  random.limit = 10;
  auto page = engine_->run(random);
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  ASSERT_GE(page->hits.size(), 3u);
  int found = 0;
  for (size_t i = 0; i < 3; ++i) {
    const auto& image = page->hits[i].image;
    auto raster = engine_->thumbnail(image.sha256, "raster");
    ASSERT_TRUE(raster.ok()) << raster.status().to_string();
    query::Query upload;
    upload.upload = read_file(*raster);
    upload.embedding = "raw";
    upload.limit = 10;
    auto similar = engine_->run(upload);
    ASSERT_TRUE(similar.ok()) << similar.status().to_string();
    EXPECT_EQ(similar->mode, "similar");
    ASSERT_FALSE(similar->hits.empty());
    // Identical pictures under other hashes may tie with it; the image itself is among the best,
    // with the similarity of a vector to itself up to JPEG re-encoding.
    for (const auto& hit : similar->hits) {
      if (hit.image.id != image.id) continue;
      EXPECT_GT(*hit.similarity, 0.97f) << "the upload's vector is the stored one";
      EXPECT_NEAR(*hit.similarity, *similar->hits[0].similarity, 0.02f);
      ++found;
    }
  }
  EXPECT_EQ(found, 3);
}

TEST_F(ExplorerEngine, MetadataFiltersAndDetailsUseTheImportedRecords) {
  query::Query query;
  query.facets = true;
  query.limit = 10;
  auto all = engine_->run(query);
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_TRUE(all->facets.has_value());
  ASSERT_FALSE(all->facets->category.empty()) << "the sample's records carry categories";
  const auto& top = all->facets->category.front();
  query.filters.categories = {top.value};
  auto filtered = engine_->run(query);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(filtered->total, top.count) << "the facet said what choosing it gives";
  EXPECT_LT(filtered->total, all->total);
  for (const auto& hit : filtered->hits) EXPECT_EQ(hit.image.category, top.value);

  auto detail = engine_->detail(filtered->hits.front().image.id);
  ASSERT_TRUE(detail.ok()) << detail.status().to_string();
  EXPECT_EQ(detail->paper.described_by, "arxiv");
  EXPECT_FALSE(detail->paper.title.empty());
  ASSERT_FALSE(detail->paper.categories.empty());
  EXPECT_EQ(detail->paper.categories.front().first, top.value);
  EXPECT_NE(detail->paper.categories.front().second, top.value) << "a category has its name";
  EXPECT_FALSE(detail->occurrences.empty());
}

}  // namespace
}  // namespace imagemesh::testing
