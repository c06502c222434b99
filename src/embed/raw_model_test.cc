// raw model: a figure's 32x32 letterboxed pixels, flattened as (y * 32 + x) * 3 + channel.
#include "embed/raw_model.h"

#include <gtest/gtest.h>

#include "imaging/raster_encode.h"

namespace imagemesh::embed {
namespace {

using imaging::PixelBuffer;
using imaging::PixelLayout;

PixelBuffer halves(int width, int height) {  // left half red, right half blue
  PixelBuffer image{width, height, PixelLayout::kRgb, {}};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const bool left = x < width / 2;
      image.pixels.insert(image.pixels.end(),
                          {uint8_t(left ? 255 : 0), uint8_t(0), uint8_t(left ? 0 : 255)});
    }
  }
  return image;
}

float value(const std::vector<float>& v, int x, int y, int c) {
  return v[(static_cast<size_t>(y) * kRawSide + x) * 3 + c];
}

TEST(RawModel, DescribesItself) {
  RawModel model;
  EXPECT_EQ(model.name(), "raw");
  EXPECT_EQ(model.output_dim(), 3072u);
  EXPECT_EQ(model.input_width(), 32);
  EXPECT_FALSE(model.provenance().empty());
}

TEST(RawModel, PixelsBecomeUnitRangeFloats) {
  RawModel model;
  auto png = imaging::encode_raster(halves(64, 64), imaging::RasterFormat::kPng);
  ASSERT_TRUE(png.ok()) << png.status().to_string();
  auto v = embed_encoded(model, *png);
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  ASSERT_EQ(v->size(), 3072u);
  for (float f : *v) {
    EXPECT_GE(f, 0.0f);
    EXPECT_LE(f, 1.0f);
  }
  for (int y = 0; y < 32; ++y) {
    for (int x : {0, 5, 13}) {
      EXPECT_NEAR(value(*v, x, y, 0), 1.0f, 0.01f);
      EXPECT_NEAR(value(*v, x, y, 1), 0.0f, 0.01f);
      EXPECT_NEAR(value(*v, x, y, 2), 0.0f, 0.01f);
    }
    for (int x : {18, 26, 31}) {
      EXPECT_NEAR(value(*v, x, y, 0), 0.0f, 0.01f);
      EXPECT_NEAR(value(*v, x, y, 2), 1.0f, 0.01f);
    }
  }
}

TEST(RawModel, NonSquareImagesAreLetterboxedOnWhite) {
  RawModel model;
  PixelBuffer black{32, 64, PixelLayout::kRgb, std::vector<uint8_t>(32 * 64 * 3, 0)};
  auto png = imaging::encode_raster(black, imaging::RasterFormat::kPng);
  ASSERT_TRUE(png.ok()) << png.status().to_string();
  auto v = embed_encoded(model, *png);
  ASSERT_TRUE(v.ok()) << v.status().to_string();
  // 32x64 -> 16x32 at columns 8..23; the margins are exactly white.
  for (int y = 0; y < 32; ++y) {
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ(value(*v, 0, y, c), 1.0f);
      EXPECT_EQ(value(*v, 7, y, c), 1.0f);
      EXPECT_NEAR(value(*v, 12, y, c), 0.0f, 0.02f);
      EXPECT_EQ(value(*v, 24, y, c), 1.0f);
    }
  }
}

TEST(RawModel, RefusesOtherSizesAndLayouts) {
  RawModel model;
  EXPECT_EQ(model.embed(halves(16, 16)).status().code(), ErrorCode::kInvalidArgument);
  PixelBuffer grey{32, 32, PixelLayout::kGray, std::vector<uint8_t>(32 * 32, 0)};
  EXPECT_EQ(model.embed(grey).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(embed_encoded(model, "garbage").status().code(), ErrorCode::kDecodeFailed);
}

}  // namespace
}  // namespace imagemesh::embed
