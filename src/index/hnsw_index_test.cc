#include "index/hnsw_index.h"

#include <gtest/gtest.h>

#include "index/index_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::index {
namespace {

using namespace fixture;
using imagemesh::testing::read_file;
using imagemesh::testing::ScratchDir;
using imagemesh::testing::write_file;

TEST(HnswIndex, RecallAt50AgainstTheExactTwin) {
  double r = mean_recall(hnsw_all(), exact_all(), kK);
  RecordProperty("recall_at_50", std::to_string(r));
  EXPECT_GE(r, 0.95);
  SearchStats stats;
  must_search(hnsw_all(), 0, kK, nullptr, &stats);
  EXPECT_EQ(stats.strategy, SearchStrategy::kAnn);
  EXPECT_EQ(stats.rounds, 1);
}

TEST(HnswIndex, AddingHalfLaterMatchesAFullBuildWithinRecall) {
  // Capacity 1024 at first, so the graph is resized several times on the way.
  auto grown = build("hnsw", 0, kCount / 2);
  for (size_t i = kCount / 2; i < kCount; ++i) {
    ASSERT_TRUE(grown->add(id_of(i), data().row(i)).ok());
  }
  EXPECT_EQ(grown->size(), kCount);
  EXPECT_GE(mean_recall(*grown, exact_all(), kK), 0.95);
  EXPECT_GE(mean_recall(*grown, hnsw_all(), kK), 0.95);
}

TEST(HnswIndex, RefusesBadInput) {
  auto index = build("hnsw", 0, 10);
  EXPECT_EQ(index->add(id_of(3), data().row(11)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->add(999999, data().row(11).first(kDim - 1)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->search(queries().row(0), 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->search(queries().row(0).first(3), 5).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->size(), 10u);
  EXPECT_EQ(must_search(*index, 0, kK).size(), 10u);
  auto empty = make_index("hnsw", kDim);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(must_search(**empty, 0, kK).empty());
}

TEST(HnswIndex, SaveLoadRoundTripGivesIdenticalResults) {
  ScratchDir dir("hnsw_index_roundtrip");
  const auto path = dir.path() / "hnsw.idx";
  ASSERT_TRUE(hnsw_all().save(path).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "hnsw.idx.hnsw"));
  auto loaded = load_index(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->kind(), "hnsw");
  EXPECT_EQ((*loaded)->size(), kCount);
  for (size_t q = 0; q < kQueries; ++q) {
    EXPECT_EQ(must_search(**loaded, q, kK), must_search(hnsw_all(), q, kK));
  }
  // The loaded graph still takes new vectors.
  EXPECT_TRUE((*loaded)->contains(id_of(5)));
  EXPECT_EQ((*loaded)->add(id_of(5), data().row(5)).code(), ErrorCode::kInvalidArgument);
  std::vector<float> extra(data().row(5).begin(), data().row(5).end());
  ASSERT_TRUE((*loaded)->add(1u << 30, extra).ok());
  auto top = must_search(**loaded, 0, 1, nullptr);
  EXPECT_EQ(must_search(**loaded, 0, kCount + 1).size(), kCount + 1);
  (void)top;
}

TEST(HnswIndex, CorruptOrTruncatedFilesAreErrors) {
  ScratchDir dir("hnsw_index_corrupt");
  auto index = build("hnsw", 0, 500);
  const auto path = dir.path() / "hnsw.idx";
  const auto graph = dir.path() / "hnsw.idx.hnsw";
  ASSERT_TRUE(index->save(path).ok());
  const std::string good_graph = read_file(graph);
  const std::string good_header = read_file(path);

  write_file(graph, good_graph.substr(0, good_graph.size() / 2));
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kTruncated);
  std::string flipped = good_graph;
  flipped[8] ^= 0x40;  // hnswlib's max_elements: would make it allocate wildly
  write_file(graph, flipped);
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kChecksumMismatch);
  std::filesystem::remove(graph);
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kNotFound);
  write_file(graph, good_graph);
  write_file(path, good_header.substr(0, 40));
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kTruncated);
  write_file(path, good_header);
  auto loaded = load_index(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->size(), 500u);
}

}  // namespace
}  // namespace imagemesh::index
