// vector_file: rows written in any order read back through a read-only mapping; missing rows are
// known; damage is an error; float16 storage costs little recall.
#include "embed/vector_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <optional>
#include <random>
#include <vector>

#include "core/subprocess.h"
#include "test_support/corpus.h"

namespace imagemesh::embed {
namespace {

std::vector<float> unit(uint32_t dim, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(dim);
  double norm = 0;
  for (float& x : v) {
    x = normal(rng);
    norm += double(x) * x;
  }
  for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

class VectorFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = ScopedTempDir::create("", "imagemesh-vector-file-test-");
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(dir).value());
    path_ = std::filesystem::path(dir_->path()) / "raw.vectors";
  }
  std::string read_all() { return testing::read_file(path_); }
  void write_all(const std::string& bytes) { testing::write_file(path_, bytes); }

  std::optional<ScopedTempDir> dir_;
  std::filesystem::path path_;
};

TEST_F(VectorFileTest, RowsWrittenOutOfOrderReadBack) {
  const VectorFileInfo info{"raw", 10, ElementType::kFloat32};
  std::mt19937 rng(1);
  std::vector<std::vector<float>> rows;
  for (int i = 0; i < 200; ++i) rows.push_back(unit(10, rng));
  {
    auto writer = VectorFileWriter::open(path_, info);
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    for (uint64_t row : {150u, 3u, 0u, 199u, 77u}) ASSERT_TRUE(writer->set(row, rows[row]).ok());
    EXPECT_EQ(writer->rows(), 200u);
    EXPECT_TRUE(writer->has(77));
    EXPECT_FALSE(writer->has(78));
    ASSERT_TRUE(writer->close().ok());
  }
  EXPECT_EQ(std::filesystem::file_size(path_),
            kVectorHeaderBytes + 200 * row_stride(10, info.element));
  {  // reopen for writing: appends continue after the last row
    auto writer = VectorFileWriter::open(path_, info);
    ASSERT_TRUE(writer.ok()) << writer.status().to_string();
    EXPECT_EQ(writer->rows(), 200u);
    ASSERT_TRUE(writer->append(rows[5]).ok());
    ASSERT_TRUE(writer->clear(0).ok());
  }  // the destructor syncs
  auto file = VectorFile::open(path_);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ(file->info().model, "raw");
  EXPECT_EQ(file->info().dimension, 10u);
  EXPECT_EQ(file->rows(), 201u);
  EXPECT_EQ(file->present_count(), 5u);  // 3, 77, 150, 199, 200
  std::vector<float> out(10);
  for (uint64_t row : {150u, 3u, 199u, 77u}) {
    ASSERT_TRUE(file->read(row, out).ok());
    EXPECT_EQ(out, rows[row]);
  }
  ASSERT_TRUE(file->read(200, out).ok());
  EXPECT_EQ(out, rows[5]);
  EXPECT_FALSE(file->has(0));
  EXPECT_EQ(file->read(0, out).code(), ErrorCode::kNotFound);
  EXPECT_EQ(file->read(1, out).code(), ErrorCode::kNotFound);
  EXPECT_EQ(file->read(5000, out).code(), ErrorCode::kNotFound);
  std::vector<float> wrong(9);
  EXPECT_EQ(file->read(3, wrong).code(), ErrorCode::kInvalidArgument);
}

TEST_F(VectorFileTest, Float16RowsAreRounded) {
  const VectorFileInfo info{"raw", 7, ElementType::kFloat16};
  std::mt19937 rng(2);
  const auto v = unit(7, rng);
  {
    auto writer = VectorFileWriter::open(path_, info);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->set(0, v).ok());
    ASSERT_TRUE(writer->close().ok());
  }
  auto file = VectorFile::open(path_);
  ASSERT_TRUE(file.ok()) << file.status().to_string();
  EXPECT_EQ(file->info().element, ElementType::kFloat16);
  std::vector<float> out(7);
  ASSERT_TRUE(file->read(0, out).ok());
  for (size_t i = 0; i < 7; ++i) EXPECT_NEAR(out[i], v[i], 1e-3);
}

TEST_F(VectorFileTest, WriterRefusesBadInput) {
  EXPECT_EQ(VectorFileWriter::open(path_, {"Raw Model", 4, ElementType::kFloat32}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(VectorFileWriter::open(path_, {"raw", 0, ElementType::kFloat32}).status().code(),
            ErrorCode::kInvalidArgument);
  {
    auto writer = VectorFileWriter::open(path_, {"raw", 4, ElementType::kFloat32});
    ASSERT_TRUE(writer.ok());
    EXPECT_EQ(writer->set(0, std::vector<float>(3)).code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(writer->set(0, std::vector<float>{1, NAN, 0, 0}).code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(writer->set(uint64_t{1} << 33, std::vector<float>(4)).code(),
              ErrorCode::kInvalidArgument);
    ASSERT_TRUE(writer->set(2, std::vector<float>{1, 0, 0, 0}).ok());
  }
  // A file of another model or shape is not reused.
  EXPECT_EQ(VectorFileWriter::open(path_, {"raw", 8, ElementType::kFloat32}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(VectorFileWriter::open(path_, {"vgg", 4, ElementType::kFloat32}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(VectorFileWriter::open(path_, {"raw", 4, ElementType::kFloat16}).status().code(),
            ErrorCode::kInvalidArgument);
  auto file = VectorFile::open(path_);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->rows(), 3u);
}

TEST_F(VectorFileTest, DamageIsAnError) {
  {
    auto writer = VectorFileWriter::open(path_, {"raw", 4, ElementType::kFloat32});
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(writer->append(std::vector<float>{1, 0, 0, 0}).ok());
  }
  const std::string good = read_all();
  write_all(good.substr(0, good.size() - 1));
  EXPECT_EQ(VectorFile::open(path_).status().code(), ErrorCode::kTruncated);
  write_all(good.substr(0, 100));
  EXPECT_EQ(VectorFile::open(path_).status().code(), ErrorCode::kTruncated);
  std::string magic = good;
  magic[1] = 'X';
  write_all(magic);
  EXPECT_EQ(VectorFile::open(path_).status().code(), ErrorCode::kCorruptArchive);
  std::string version = good;
  version[8] = 2;
  write_all(version);
  EXPECT_EQ(VectorFile::open(path_).status().code(), ErrorCode::kUnsupported);
  std::string stride = good;
  stride[20] = 99;
  write_all(stride);
  EXPECT_EQ(VectorFile::open(path_).status().code(), ErrorCode::kCorruptArchive);
  std::string flag = good;
  flag[kVectorHeaderBytes + row_stride(4, ElementType::kFloat32) - 4] = 7;  // row 0's flag
  write_all(flag);
  auto file = VectorFile::open(path_);
  ASSERT_TRUE(file.ok());
  std::vector<float> out(4);
  EXPECT_EQ(file->read(0, out).code(), ErrorCode::kCorruptArchive);
  EXPECT_TRUE(file->read(1, out).ok());
  EXPECT_EQ(VectorFile::open(path_.string() + ".missing").status().code(), ErrorCode::kNotFound);
}

// Recall@50 of float16 storage against float32 brute force, on clustered unit vectors like PCA
// outputs of similar figures (tight clusters: many near-ties, the hard case for rounding).
// Recall@50 of a scan over `element` rows against one over the float32 originals, for float32
// queries: 5000 clustered unit vectors (25 clusters, 128-d, noise 0.5 around each centre).
double recall_at_50(const std::filesystem::path& path, ElementType element) {
  constexpr uint32_t kDimension = 128;
  constexpr int kVectors = 5000, kClusters = 25, kQueries = 50, kTop = 50;
  std::mt19937 rng(42);
  std::vector<std::vector<float>> centres;
  for (int c = 0; c < kClusters; ++c) centres.push_back(unit(kDimension, rng));
  std::vector<std::vector<float>> vectors;
  for (int i = 0; i < kVectors; ++i) {
    auto noise = unit(kDimension, rng);
    std::vector<float> v(kDimension);
    double norm = 0;
    for (size_t j = 0; j < kDimension; ++j) {
      v[j] = centres[i % kClusters][j] + 0.5f * noise[j];
      norm += double(v[j]) * v[j];
    }
    for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
    vectors.push_back(std::move(v));
  }
  {
    auto writer = VectorFileWriter::open(path, {"synthetic", kDimension, element});
    EXPECT_TRUE(writer.ok());
    for (const auto& v : vectors) EXPECT_TRUE(writer->append(v).ok());
    EXPECT_TRUE(writer->close().ok());
  }
  auto file = VectorFile::open(path);
  EXPECT_TRUE(file.ok());
  std::vector<std::vector<float>> halves(kVectors, std::vector<float>(kDimension));
  for (int i = 0; i < kVectors; ++i) EXPECT_TRUE(file->read(i, halves[i]).ok());

  auto top = [&](const std::vector<std::vector<float>>& rows, const std::vector<float>& query) {
    std::vector<std::pair<float, int>> scored;
    for (int i = 0; i < kVectors; ++i) {
      float dot = 0;
      for (size_t j = 0; j < kDimension; ++j) dot += rows[i][j] * query[j];
      scored.emplace_back(-dot, i);
    }
    std::partial_sort(scored.begin(), scored.begin() + kTop, scored.end());
    std::vector<int> ids;
    for (int k = 0; k < kTop; ++k) ids.push_back(scored[k].second);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  int found = 0;
  for (int q = 0; q < kQueries; ++q) {
    const auto& query = vectors[q * 97 % kVectors];  // float32 query, as at search time
    auto exact = top(vectors, query);
    auto approx = top(halves, query);
    std::vector<int> common;
    std::set_intersection(exact.begin(), exact.end(), approx.begin(), approx.end(),
                          std::back_inserter(common));
    found += static_cast<int>(common.size());
  }
  return double(found) / (kQueries * kTop);
}

TEST_F(VectorFileTest, Float16RecallAt50) {
  const double recall = recall_at_50(path_, ElementType::kFloat16);
  std::printf("float16 recall@50 vs float32 (5000 x 128-d, 25 clusters): %.4f\n", recall);
  EXPECT_GE(recall, 0.99);
}

TEST_F(VectorFileTest, Int8RecallAt50) {
  const double recall = recall_at_50(path_, ElementType::kInt8);
  std::printf("int8 recall@50 vs float32 (5000 x 128-d, 25 clusters): %.4f\n", recall);
  EXPECT_GE(recall, 0.9);
  EXPECT_EQ(row_stride(128, ElementType::kInt8), 144u);  // scale 4 + 128 + flag 4, to 16
}

}  // namespace
}  // namespace imagemesh::embed
