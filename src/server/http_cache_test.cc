// Thumbnail names, entity tags and the built-in web assets: nothing outside the shipped set or
// the 64-hex-digit names ever reaches the engine or the disk.
#include "server/http_cache.h"

#include <gtest/gtest.h>

#include "server/web_assets.h"

namespace imagemesh::server {
namespace {

const std::string kSha = "9f2c" + std::string(60, 'a');

TEST(ThumbnailNames, OnlyLowercaseSha256WithAKnownExtension) {
  auto web = parse_thumbnail_name(kSha + ".webp");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->sha256, kSha);
  EXPECT_EQ(web->kind, "web");
  auto raster = parse_thumbnail_name(kSha + ".jpg");
  ASSERT_TRUE(raster);
  EXPECT_EQ(raster->kind, "raster");
  EXPECT_EQ(raster->extension, "jpg");
  for (const std::string& bad :
       {std::string(""), kSha, kSha + ".", kSha + ".png", kSha + ".webp.jpg", kSha + ".WEBP",
        "9F2C" + std::string(60, 'a') + ".webp", kSha.substr(1) + ".webp", kSha + "a.webp",
        std::string("../../../../etc/passwd"), "..%2f" + kSha + ".webp",
        kSha.substr(0, 60) + "/../.webp", std::string(64, 'g') + ".jpg",
        kSha + std::string(".webp\0", 6)}) {
    EXPECT_FALSE(parse_thumbnail_name(bad)) << bad;
  }
}

TEST(EntityTags, IfNoneMatch) {
  const std::string tag = "\"" + kSha + ".webp\"";
  EXPECT_TRUE(if_none_match_matches(tag, tag));
  EXPECT_TRUE(if_none_match_matches("W/" + tag, tag));
  EXPECT_TRUE(if_none_match_matches("\"other\", " + tag, tag));
  EXPECT_TRUE(if_none_match_matches("*", tag));
  EXPECT_FALSE(if_none_match_matches("", tag));
  EXPECT_FALSE(if_none_match_matches(kSha + ".webp", tag));  // unquoted
  EXPECT_FALSE(if_none_match_matches("\"" + kSha + ".jpg\"", tag));
}

TEST(WebAssets, ContentTypes) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("style.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("icons/logo.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("a.b/README"), "application/octet-stream");
  EXPECT_EQ(content_type_for("x.exe"), "application/octet-stream");
}

TEST(WebAssets, LookupIsByExactNameOnly) {
  const WebAsset assets[] = {{"app.js", "00", "js"}, {"icons/a.svg", "11", "<svg/>"}};
  EXPECT_EQ(find_web_asset(assets, "app.js"), &assets[0]);
  EXPECT_EQ(find_web_asset(assets, "icons/a.svg"), &assets[1]);
  for (const char* bad : {"", "/app.js", "./app.js", "icons/../app.js", "APP.JS", "icons"}) {
    EXPECT_EQ(find_web_asset(assets, bad), nullptr) << bad;
  }
}

TEST(WebAssets, BuiltInSetIsSortedWithDigests) {
  const auto assets = built_in_web_assets();
  for (size_t i = 0; i < assets.size(); ++i) {
    EXPECT_EQ(assets[i].sha256.size(), 64u) << assets[i].path;
    EXPECT_FALSE(assets[i].path.starts_with(".")) << assets[i].path;
    if (i > 0) {
      EXPECT_LT(assets[i - 1].path, assets[i].path);
    }
  }
}

}  // namespace
}  // namespace imagemesh::server
