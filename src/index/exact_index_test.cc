#include "index/exact_index.h"

#include <gtest/gtest.h>

#include "index/index_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::index {
namespace {

using namespace fixture;
using imagemesh::testing::read_file;
using imagemesh::testing::ScratchDir;
using imagemesh::testing::write_file;

TEST(ExactIndex, ReturnsTheBestFirstAndItselfForAStoredVector) {
  auto index = build("exact", 0, 1000);
  auto found = index->search(data().row(10), 5);
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  ASSERT_EQ(found->size(), 5u);
  EXPECT_EQ((*found)[0].id, id_of(10));
  EXPECT_NEAR((*found)[0].similarity, 1.0f, 1e-5);
  for (size_t i = 1; i < found->size(); ++i) {
    EXPECT_GE((*found)[i - 1].similarity, (*found)[i].similarity);
  }
  EXPECT_EQ(must_search(*index, 0, 5000).size(), 1000u);  // k larger than the index
}

TEST(ExactIndex, RefusesBadInput) {
  auto index = build("exact", 0, 10);
  EXPECT_EQ(index->add(id_of(3), data().row(11)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->add(999999, data().row(11).first(kDim - 1)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->search(queries().row(0), 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->search(queries().row(0).first(3), 5).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(index->size(), 10u);
  EXPECT_FALSE(make_index("annoy", kDim).ok());
  EXPECT_FALSE(make_index("exact", 0).ok());
}

TEST(ExactIndex, SaveLoadRoundTripMapsTheFileAndThenGrows) {
  ScratchDir dir("exact_index_roundtrip");
  auto index = build("exact", 0, 3000);
  ASSERT_TRUE(index->save(dir.path() / "exact.idx").ok());
  auto loaded = load_index(dir.path() / "exact.idx");
  ASSERT_TRUE(loaded.ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->kind(), "exact");
  EXPECT_EQ((*loaded)->size(), 3000u);
  for (size_t q = 0; q < 10; ++q) {
    EXPECT_EQ(must_search(**loaded, q, kK), must_search(*index, q, kK));
  }
  // Adding after a load copies the mapped vectors; the results equal a build of the same rows.
  for (size_t i = 3000; i < 3500; ++i) ASSERT_TRUE((*loaded)->add(id_of(i), data().row(i)).ok());
  auto grown = build("exact", 0, 3500);
  for (size_t q = 0; q < 10; ++q) {
    EXPECT_EQ(must_search(**loaded, q, kK), must_search(*grown, q, kK));
  }
}

TEST(ExactIndex, CorruptOrTruncatedFilesAreErrors) {
  ScratchDir dir("exact_index_corrupt");
  auto index = build("exact", 0, 100);
  const auto path = dir.path() / "exact.idx";
  ASSERT_TRUE(index->save(path).ok());
  const std::string good = read_file(path);

  EXPECT_EQ(load_index(dir.path() / "absent.idx").status().code(), ErrorCode::kNotFound);
  write_file(path, good.substr(0, good.size() - 5));
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kTruncated);
  write_file(path, good.substr(0, 100));
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kTruncated);
  write_file(path, "");
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kTruncated);
  std::string bad_magic = good;
  bad_magic[0] = 'X';
  write_file(path, bad_magic);
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kCorruptArchive);
  std::string huge_count = good;
  huge_count[24 + 5] = 0x7f;  // count far beyond the file
  write_file(path, huge_count);
  EXPECT_FALSE(load_index(path).ok());
  std::string duplicate = good;
  duplicate.replace(256 + 4, 4, good.substr(256, 4));  // the second id equals the first
  write_file(path, duplicate);
  EXPECT_EQ(load_index(path).status().code(), ErrorCode::kCorruptArchive);
}

}  // namespace
}  // namespace imagemesh::index
