// rgb_raster: images fitted into a fixed canvas keep their aspect ratio on a white background.
#include "imaging/rgb_raster.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace imagemesh::imaging {
namespace {

PixelBuffer solid(int width, int height, uint8_t r, uint8_t g, uint8_t b) {
  PixelBuffer image{width, height, PixelLayout::kRgb, {}};
  image.pixels.resize(static_cast<size_t>(width) * height * 3);
  for (size_t i = 0; i < image.pixels.size(); i += 3) {
    image.pixels[i] = r;
    image.pixels[i + 1] = g;
    image.pixels[i + 2] = b;
  }
  return image;
}

// Channel c of pixel (x, y).
int at(const PixelBuffer& image, int x, int y, int c) {
  return image.pixels[(static_cast<size_t>(y) * image.width + x) * 3 + c];
}

bool near(const PixelBuffer& image, int x, int y, int r, int g, int b, int tolerance = 2) {
  return std::abs(at(image, x, y, 0) - r) <= tolerance &&
         std::abs(at(image, x, y, 1) - g) <= tolerance &&
         std::abs(at(image, x, y, 2) - b) <= tolerance;
}

TEST(RgbRaster, HalvesKeepTheirColours) {
  PixelBuffer image = solid(64, 64, 255, 0, 0);
  for (int y = 0; y < 64; ++y) {
    for (int x = 32; x < 64; ++x) {
      image.pixels[(static_cast<size_t>(y) * 64 + x) * 3 + 0] = 0;
      image.pixels[(static_cast<size_t>(y) * 64 + x) * 3 + 2] = 255;
    }
  }
  auto fitted = fit_on_white(image, 32, 32);
  ASSERT_TRUE(fitted.ok()) << fitted.status().to_string();
  ASSERT_EQ(fitted->width, 32);
  ASSERT_EQ(fitted->height, 32);
  ASSERT_EQ(fitted->pixels.size(), 32u * 32u * 3u);
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 14; ++x) EXPECT_TRUE(near(*fitted, x, y, 255, 0, 0)) << x << "," << y;
    for (int x = 18; x < 32; ++x) EXPECT_TRUE(near(*fitted, x, y, 0, 0, 255)) << x << "," << y;
  }
}

TEST(RgbRaster, WideImageIsLetterboxedOnWhite) {
  auto fitted = fit_on_white(solid(64, 32, 0, 128, 0), 32, 32);
  ASSERT_TRUE(fitted.ok()) << fitted.status().to_string();
  // 64x32 -> 32x16, centred: rows 8..23 green, 0..7 and 24..31 white.
  for (int x = 0; x < 32; ++x) {
    for (int y = 0; y < 8; ++y) EXPECT_TRUE(near(*fitted, x, y, 255, 255, 255, 0));
    for (int y = 8; y < 24; ++y) EXPECT_TRUE(near(*fitted, x, y, 0, 128, 0)) << x << "," << y;
    for (int y = 24; y < 32; ++y) EXPECT_TRUE(near(*fitted, x, y, 255, 255, 255, 0));
  }
}

TEST(RgbRaster, TallSmallImageIsEnlargedAndPillarboxed) {
  auto fitted = fit_on_white(solid(4, 8, 0, 0, 0), 32, 32);
  ASSERT_TRUE(fitted.ok()) << fitted.status().to_string();
  // 4x8 -> 16x32 at columns 8..23.
  for (int y = 0; y < 32; ++y) {
    EXPECT_TRUE(near(*fitted, 2, y, 255, 255, 255, 0));
    EXPECT_TRUE(near(*fitted, 16, y, 0, 0, 0, 4)) << y;
    EXPECT_TRUE(near(*fitted, 29, y, 255, 255, 255, 0));
  }
}

TEST(RgbRaster, TransparencyAndGreyBecomeRgbOnWhite) {
  PixelBuffer rgba{2, 2, PixelLayout::kRgba, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
  auto fitted = fit_on_white(rgba, 4, 4);
  ASSERT_TRUE(fitted.ok()) << fitted.status().to_string();
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) EXPECT_TRUE(near(*fitted, x, y, 255, 255, 255, 0));
  }
  PixelBuffer grey{2, 2, PixelLayout::kGray, {100, 100, 100, 100}};
  auto fitted_grey = fit_on_white(grey, 2, 2);
  ASSERT_TRUE(fitted_grey.ok()) << fitted_grey.status().to_string();
  EXPECT_TRUE(near(*fitted_grey, 1, 1, 100, 100, 100, 0));
}

TEST(RgbRaster, DecodesEncodedBytes) {
  auto png = encode_raster(solid(40, 20, 10, 20, 30), RasterFormat::kPng);
  ASSERT_TRUE(png.ok()) << png.status().to_string();
  auto fitted = decode_fit_on_white(*png, 8, 8);
  ASSERT_TRUE(fitted.ok()) << fitted.status().to_string();
  EXPECT_TRUE(near(*fitted, 4, 0, 255, 255, 255, 0));
  EXPECT_TRUE(near(*fitted, 4, 4, 10, 20, 30));
}

// A large JPEG is decoded at a fraction of its size (DCT scaling) before the resize: the result
// stays close to fitting the fully decoded image, and the canvas is the same.
TEST(RgbRaster, ShrinkOnLoadMatchesTheFullDecode) {
  PixelBuffer gradient{640, 480, PixelLayout::kRgb, {}};
  for (int y = 0; y < 480; ++y) {
    for (int x = 0; x < 640; ++x) {
      gradient.pixels.push_back(static_cast<uint8_t>(x * 255 / 639));
      gradient.pixels.push_back(static_cast<uint8_t>(y * 255 / 479));
      gradient.pixels.push_back(static_cast<uint8_t>((x + y) % 256 < 128 ? 40 : 200));
    }
  }
  auto jpeg = encode_raster(gradient, RasterFormat::kJpeg);
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().to_string();
  auto full = decode_raster(*jpeg);
  ASSERT_TRUE(full.ok());
  for (int side : {32, 100, 224}) {
    auto reference = fit_on_white(full->image, side, side);
    auto shrunk = decode_fit_on_white(*jpeg, side, side);
    ASSERT_TRUE(reference.ok() && shrunk.ok());
    ASSERT_EQ(shrunk->pixels.size(), reference->pixels.size());
    double total = 0;
    for (size_t i = 0; i < shrunk->pixels.size(); ++i) {
      total += std::abs(int{shrunk->pixels[i]} - int{reference->pixels[i]});
    }
    EXPECT_LT(total / static_cast<double>(shrunk->pixels.size()), 3.0) << "canvas " << side;
    EXPECT_TRUE(near(*shrunk, side / 2, 0, 255, 255, 255, 0)) << "letterbox stays white";
  }
}

TEST(RgbRaster, BadInputsAreErrors) {
  PixelBuffer short_buffer{4, 4, PixelLayout::kRgb, {1, 2, 3}};
  EXPECT_EQ(fit_on_white(short_buffer, 8, 8).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(fit_on_white(solid(2, 2, 0, 0, 0), 0, 8).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(decode_fit_on_white("not an image", 8, 8).status().code(), ErrorCode::kDecodeFailed);
}

}  // namespace
}  // namespace imagemesh::imaging
