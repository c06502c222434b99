// raster_encode: every format decodes back (with libvips) to the pixels given, deterministically.
#include "imaging/raster_encode.h"

#include <gtest/gtest.h>

#include "core/compression.h"

#include <algorithm>
#include <cstdlib>

namespace imagemesh::imaging {
namespace {

// A 64x48 picture: four flat quadrants (red, green, blue, white) so lossy codecs stay close.
PixelBuffer quadrants(PixelLayout layout) {
  PixelBuffer image{64, 48, layout, {}};
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      int q = (y >= 24) * 2 + (x >= 32);
      uint8_t rgb[4][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
      switch (layout) {
        case PixelLayout::kGray:
          image.pixels.push_back(static_cast<uint8_t>(q * 80));
          break;
        case PixelLayout::kRgb:
          image.pixels.insert(image.pixels.end(), rgb[q], rgb[q] + 3);
          break;
        case PixelLayout::kRgba:
          image.pixels.insert(image.pixels.end(), rgb[q], rgb[q] + 3);
          image.pixels.push_back(q == 3 ? 0 : 255);
          break;
        case PixelLayout::kCmyk: {
          uint8_t cmyk[4][4] = {{0, 255, 255, 0}, {255, 0, 255, 0}, {255, 255, 0, 0}, {0, 0, 0, 0}};
          image.pixels.insert(image.pixels.end(), cmyk[q], cmyk[q] + 4);
          break;
        }
      }
    }
  }
  return image;
}

PixelBuffer decode(const std::string& bytes) {
  auto decoded = decode_raster(bytes);
  EXPECT_TRUE(decoded.ok()) << decoded.status().to_string();
  return decoded.ok() ? decoded->image : PixelBuffer{};
}

// Largest absolute channel difference between two images of the same size and layout.
int max_difference(const PixelBuffer& image, const PixelBuffer& decoded) {
  EXPECT_EQ(decoded.width, image.width);
  EXPECT_EQ(decoded.height, image.height);
  EXPECT_EQ(decoded.layout, image.layout);
  if (decoded.pixels.size() != image.pixels.size()) return 256;
  int worst = 0;
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(int(decoded.pixels[i]) - int(image.pixels[i])));
  }
  return worst;
}

// GIFs decode as RGBA; an opaque one drops its alpha here (a transparent pixel fails the check).
PixelBuffer without_opaque_alpha(const PixelBuffer& rgba) {
  if (rgba.layout != PixelLayout::kRgba) return rgba;
  PixelBuffer rgb{rgba.width, rgba.height, PixelLayout::kRgb, {}};
  for (size_t i = 0; i + 3 < rgba.pixels.size(); i += 4) {
    EXPECT_EQ(rgba.pixels[i + 3], 255);
    rgb.pixels.insert(rgb.pixels.end(), rgba.pixels.begin() + i, rgba.pixels.begin() + i + 3);
  }
  return rgb;
}

class RasterEncode : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(ensure_vips_initialised().ok()); }
};

TEST_F(RasterEncode, LosslessFormatsRoundTripExactly) {
  struct Case {
    PixelLayout layout;
    RasterFormat format;
  };
  for (const Case& c :
       {Case{PixelLayout::kRgb, RasterFormat::kPng}, Case{PixelLayout::kRgba, RasterFormat::kPng},
        Case{PixelLayout::kGray, RasterFormat::kPng}, Case{PixelLayout::kRgb, RasterFormat::kTiff},
        Case{PixelLayout::kCmyk, RasterFormat::kTiff},
        Case{PixelLayout::kRgb, RasterFormat::kGif}}) {
    PixelBuffer image = quadrants(c.layout);
    auto bytes = encode_raster(image, c.format);
    ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
    PixelBuffer decoded = decode(*bytes);
    if (c.format == RasterFormat::kGif) decoded = without_opaque_alpha(decoded);
    EXPECT_EQ(max_difference(image, decoded), 0)
        << raster_format_name(c.format) << " layout " << static_cast<int>(c.layout);
  }
  EncodeOptions lossless;
  lossless.lossless = true;
  PixelBuffer image = quadrants(PixelLayout::kRgb);
  auto webp = encode_raster(image, RasterFormat::kWebp, lossless);
  ASSERT_TRUE(webp.ok());
  EXPECT_EQ(webp->substr(8, 4), "WEBP");
  EXPECT_EQ(max_difference(image, decode(*webp)), 0);
}

TEST_F(RasterEncode, JpegRgbAndCmykStayClose) {
  PixelBuffer rgb = quadrants(PixelLayout::kRgb);
  auto jpeg = encode_raster(rgb, RasterFormat::kJpeg);
  ASSERT_TRUE(jpeg.ok());
  EXPECT_EQ(jpeg->substr(0, 3), "\xff\xd8\xff");
  EXPECT_LT(max_difference(rgb, decode(*jpeg)), 40);

  PixelBuffer cmyk = quadrants(PixelLayout::kCmyk);
  auto cmyk_jpeg = encode_raster(cmyk, RasterFormat::kJpeg);
  ASSERT_TRUE(cmyk_jpeg.ok()) << cmyk_jpeg.status().to_string();
  EXPECT_LT(max_difference(cmyk, decode(*cmyk_jpeg)), 40);
  // An Adobe APP14 marker is what makes readers take the 4 channels as CMYK.
  EXPECT_NE(cmyk_jpeg->find("Adobe"), std::string::npos);
}

TEST_F(RasterEncode, PngCarriesTheSoftwareText) {
  EncodeOptions options;
  options.software = "imagemesh-sample test";
  auto png = encode_raster(quadrants(PixelLayout::kRgb), RasterFormat::kPng, options);
  ASSERT_TRUE(png.ok());
  // libvips writes it as a compressed zTXt chunk: keyword, NUL, method 0, deflated text.
  const size_t chunk = png->find(std::string("zTXtSoftware\0\0", 14));
  ASSERT_NE(chunk, std::string::npos);
  const uint32_t length = uint32_t(uint8_t((*png)[chunk - 4])) << 24 |
                          uint32_t(uint8_t((*png)[chunk - 3])) << 16 |
                          uint32_t(uint8_t((*png)[chunk - 2])) << 8 | uint8_t((*png)[chunk - 1]);
  EXPECT_EQ(inflate_capped(png->substr(chunk + 14, length - 10), 100), "imagemesh-sample test");
}

TEST_F(RasterEncode, AnimatedGifHasTwoFrames) {
  PixelBuffer first = quadrants(PixelLayout::kRgb), second = first;
  std::reverse(second.pixels.begin(), second.pixels.end());
  auto gif = encode_animated_gif({first, second});
  ASSERT_TRUE(gif.ok()) << gif.status().to_string();
  EXPECT_EQ(gif->substr(0, 6), "GIF89a");
  auto decoded = decode_raster(*gif, true);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->pages, 2);
  EXPECT_EQ(decoded->image.height, 2 * first.height);
  EXPECT_EQ(decode(*gif).height, first.height);
}

TEST_F(RasterEncode, OutputIsDeterministic) {
  for (RasterFormat format : {RasterFormat::kPng, RasterFormat::kJpeg, RasterFormat::kGif,
                              RasterFormat::kTiff, RasterFormat::kWebp}) {
    auto a = encode_raster(quadrants(PixelLayout::kRgb), format);
    auto b = encode_raster(quadrants(PixelLayout::kRgb), format);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b) << raster_format_name(format);
  }
}

TEST_F(RasterEncode, RejectsBadBuffersAndImpossibleCombinations) {
  PixelBuffer short_buffer = quadrants(PixelLayout::kRgb);
  short_buffer.pixels.pop_back();
  EXPECT_EQ(encode_raster(short_buffer, RasterFormat::kPng).status().code(),
            ErrorCode::kInvalidArgument);
  PixelBuffer empty;
  EXPECT_EQ(encode_raster(empty, RasterFormat::kPng).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(encode_raster(quadrants(PixelLayout::kCmyk), RasterFormat::kPng).status().code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(encode_animated_gif({}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(decode_raster("not an image").status().code(), ErrorCode::kDecodeFailed);
  PixelBuffer other = quadrants(PixelLayout::kRgb);
  other.width = 32;
  other.pixels.resize(32 * 48 * 3);
  EXPECT_EQ(encode_animated_gif({quadrants(PixelLayout::kRgb), other}).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagemesh::imaging
