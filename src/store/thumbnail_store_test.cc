#include "store/thumbnail_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "core/hash.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

TEST(ThumbnailStore, ShardsByHashAndRoundTrips) {
  testing::ScratchDir mesh("thumbs");
  ThumbnailStore thumbs(mesh.str());
  const std::string sha = sha256_hex("figure bytes");
  ASSERT_TRUE(thumbs.put(sha, "web", "webp", "RIFF....WEBP").ok());
  EXPECT_EQ(thumbs.relative_path(sha, "web", "webp").value(),
            "thumbs/" + sha.substr(0, 2) + "/" + sha.substr(2, 2) + "/" + sha + ".web.webp");
  EXPECT_TRUE(thumbs.contains(sha, "web", "webp"));
  EXPECT_FALSE(thumbs.contains(sha, "raster", "jpg"));
  EXPECT_EQ(thumbs.get(sha, "web", "webp").value(), "RIFF....WEBP");
  EXPECT_EQ(thumbs.get(sha, "raster", "jpg").status().code(), ErrorCode::kNotFound);
  // Rewriting replaces atomically and leaves no temporary files behind.
  ASSERT_TRUE(thumbs.put(sha, "web", "webp", "second").ok());
  EXPECT_EQ(thumbs.get(sha, "web", "webp").value(), "second");
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(mesh.path())) {
    if (entry.is_regular_file()) ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(ThumbnailStore, RefusesNamesThatCouldEscapeTheMesh) {
  testing::ScratchDir mesh("thumbs-bad");
  ThumbnailStore thumbs(mesh.str());
  const std::string sha = sha256_hex("x");
  for (const std::string& bad_sha : {std::string("../../etc/passwd"), sha.substr(0, 63) + "/",
                                     std::string(64, 'A'), std::string()}) {
    EXPECT_EQ(thumbs.put(bad_sha, "web", "webp", "x").code(), ErrorCode::kInvalidArgument)
        << bad_sha;
  }
  EXPECT_EQ(thumbs.put(sha, "../web", "webp", "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(thumbs.put(sha, "web", "we/bp", "x").code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(mesh.path() / "thumbs"));
}

TEST(ThumbnailStore, ConcurrentWritersOfTheSameBlobAgree) {
  testing::ScratchDir mesh("thumbs-race");
  ThumbnailStore thumbs(mesh.str());
  const std::string sha = sha256_hex("shared figure");
  const std::string bytes(100000, 'q');
  std::vector<std::thread> writers;
  for (int i = 0; i < 4; ++i) {
    writers.emplace_back([&] {
      for (int k = 0; k < 20; ++k) EXPECT_TRUE(thumbs.put(sha, "raster", "jpg", bytes).ok());
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(thumbs.get(sha, "raster", "jpg").value(), bytes);
}

}  // namespace
}  // namespace imagemesh::store
