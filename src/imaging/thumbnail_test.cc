// make_thumbnails: every format gives the expected pixels ("correctness by looking", automated),
// hostile inputs fail safely, and the per-format cost on real arXiv figures.
#include "imaging/thumbnail.h"

#include <gtest/gtest.h>

#include "core/compression.h"
#include "imaging/raster_encode.h"
#include "test_support/corpus.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

// LeakSanitizer suppressions for this binary, kept narrow: allocations libraries make once per
// process or on hostile input, none of them ours and none reachable from our code:
// - fontconfig's process-wide configuration, loaded the first time poppler or librsvg lays out
//   text and never freed (libvips has no hook to call FcFini);
// - libxml2 entity values that librsvg does not free when it rejects an SVG whose entities loop
//   (lol.svg, the "billion laughs"): ~100 bytes per entity, once per such file.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n"
         "leak:xmlParseEntityValue\n";
}

namespace imagemesh::imaging {
namespace {

namespace fs = std::filesystem;

struct Rgb {
  int r = 0, g = 0, b = 0;
};

// The sample generator's test card: 200x200 white, red square at pixels 50..149.
PixelBuffer test_card(PixelLayout layout, int size = 200, int from = 50, int to = 149) {
  PixelBuffer image{size, size, layout, {}};
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const bool red = x >= from && x <= to && y >= from && y <= to;
      switch (layout) {
        case PixelLayout::kGray:
          image.pixels.push_back(red ? 0 : 255);
          break;
        case PixelLayout::kRgb:
          image.pixels.insert(image.pixels.end(),
                              {255, uint8_t(red ? 0 : 255), uint8_t(red ? 0 : 255)});
          break;
        case PixelLayout::kRgba:  // red square on transparent (the colour under alpha 0 is black)
          image.pixels.insert(image.pixels.end(),
                              {uint8_t(red ? 255 : 0), 0, 0, uint8_t(red ? 255 : 0)});
          break;
        case PixelLayout::kCmyk:
          image.pixels.insert(image.pixels.end(),
                              {0, uint8_t(red ? 255 : 0), uint8_t(red ? 255 : 0), 0});
          break;
      }
    }
  }
  return image;
}

std::string encode(const PixelBuffer& image, RasterFormat format) {
  auto bytes = encode_raster(image, format);
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  return bytes.ok() ? *bytes : std::string();
}

// A PDF with one page per content stream, MediaBox 0 0 w h; no background is painted, so the page
// is transparent, like cairo's vector figures.
std::string make_pdf(const std::vector<std::string>& contents, int width = 200, int height = 200) {
  std::vector<std::string> objects;
  const int pages = int(contents.size());
  std::string kids;
  for (int i = 0; i < pages; ++i) kids += std::to_string(3 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>");
  for (int i = 0; i < pages; ++i) {
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + std::to_string(width) + " " +
                      std::to_string(height) + "] /Contents " + std::to_string(4 + 2 * i) +
                      " 0 R /Resources << >> >>");
    objects.push_back("<< /Length " + std::to_string(contents[i].size()) + " >>\nstream\n" +
                      contents[i] + "\nendstream");
  }
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

const char* kRedSquarePdf = "1 0 0 rg 50 50 100 100 re f";

const char* kRedSquareSvg =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"200\">"
    "<rect x=\"50\" y=\"50\" width=\"100\" height=\"100\" fill=\"#ff0000\"/></svg>";

// A PNG of 16-bit samples (colour type 2 or 6), written by hand: libvips' encoder here is 8-bit.
void put32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(char((value >> shift) & 0xff));
}
void put_chunk(std::string& png, const char* type, const std::string& data) {
  put32(png, uint32_t(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  put32(png, crc32_update(0, body));
}
// A 16-bit PNG with a centred square: red in RGB(A), dark grey (0x40) in grey(+alpha); outside it
// white, or transparent with `alpha`.
std::string png16(int width, int height, bool alpha, uint32_t declared_width = 0,
                  uint32_t declared_height = 0, bool grey = false) {
  const int channels = grey ? (alpha ? 2 : 1) : (alpha ? 4 : 3);
  std::string raw;
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < width; ++x) {
      const bool red = x >= width / 4 && x < width * 3 / 4 && y >= height / 4 && y < height * 3 / 4;
      uint16_t samples[4] = {uint16_t(red || !alpha ? 65535 : 0),
                             uint16_t(red || alpha ? 0 : 65535), uint16_t(red || alpha ? 0 : 65535),
                             uint16_t(red ? 65535 : 0)};
      if (grey) {
        samples[0] = red ? 0x4000 : (alpha ? 0 : 65535);
        samples[1] = red ? 65535 : 0;
      }
      for (int c = 0; c < channels; ++c) {
        raw.push_back(char(samples[c] >> 8));
        raw.push_back(char(samples[c] & 0xff));
      }
    }
  }
  // zlib stream of stored deflate blocks
  std::string zlib = "\x78\x01";
  for (size_t at = 0; at < raw.size() || at == 0; at += 65535) {
    const size_t n = std::min<size_t>(65535, raw.size() - at);
    zlib.push_back(at + n >= raw.size() ? 1 : 0);
    zlib.push_back(char(n & 0xff));
    zlib.push_back(char(n >> 8));
    zlib.push_back(char(~n & 0xff));
    zlib.push_back(char((~n >> 8) & 0xff));
    zlib += raw.substr(at, n);
    if (raw.empty()) break;
  }
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put32(zlib, (b << 16) | a);
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, declared_width ? declared_width : uint32_t(width));
  put32(ihdr, declared_height ? declared_height : uint32_t(height));
  const char colour_type = grey ? (alpha ? 4 : 0) : (alpha ? 6 : 2);
  ihdr += std::string{16, colour_type, 0, 0, 0};
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", zlib);
  put_chunk(png, "IEND", "");
  return png;
}

struct Decoded {
  PixelBuffer image;
  Rgb at(int x, int y) const {
    const int channels = channels_of(image.layout);
    const size_t i = (size_t(y) * image.width + x) * channels;
    if (channels < 3) return {image.pixels[i], image.pixels[i], image.pixels[i]};
    return {image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
  }
  Rgb centre() const { return at(image.width / 2, image.height / 2); }
};

Decoded decode(const std::string& bytes) {
  auto decoded = decode_raster(bytes);
  EXPECT_TRUE(decoded.ok()) << decoded.status().to_string();
  return {decoded.ok() ? decoded->image : PixelBuffer{}};
}

Thumbnails thumbnails(const std::string& bytes, ImageFormat format,
                      const ThumbnailOptions& options = {}) {
  auto made = make_thumbnails(bytes, format, options);
  EXPECT_TRUE(made.ok()) << made.status().to_string();
  return made.ok() ? *made : Thumbnails{};
}

bool near(Rgb colour, Rgb expected, int tolerance) {
  return std::abs(colour.r - expected.r) <= tolerance &&
         std::abs(colour.g - expected.g) <= tolerance &&
         std::abs(colour.b - expected.b) <= tolerance;
}

std::string show(Rgb c) {
  return "(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")";
}

// The test card after trimming is the red square alone: red to its edges, about square, and the
// web thumbnail agrees.
void expect_red_square(const Thumbnails& made, int min_side = 95, int tolerance = 12) {
  ASSERT_FALSE(made.raster.empty());
  EXPECT_TRUE(made.trimmed);
  EXPECT_FALSE(made.blank);
  const Decoded raster = decode(made.raster);
  ASSERT_EQ(raster.image.width, made.width);
  ASSERT_EQ(raster.image.height, made.height);
  EXPECT_NEAR(double(made.width) / made.height, 1.0, 0.03) << made.width << "x" << made.height;
  EXPECT_GE(made.width, min_side);
  EXPECT_TRUE(near(raster.centre(), {255, 0, 0}, tolerance)) << show(raster.centre());
  // 3 px in from each corner is still red: no white border was left.
  const int w = made.width, h = made.height;
  for (auto [x, y] : {std::pair{3, 3}, {w - 4, 3}, {3, h - 4}, {w - 4, h - 4}}) {
    EXPECT_TRUE(near(raster.at(x, y), {255, 0, 0}, 40))
        << x << "," << y << " " << show(raster.at(x, y));
  }
  const Decoded web = decode(made.web);
  EXPECT_EQ(web.image.width, made.web_width);
  EXPECT_EQ(web.image.height, made.web_height);
  EXPECT_TRUE(near(web.centre(), {255, 0, 0}, 30)) << show(web.centre());
}

TEST(ThumbTestCard, EveryRasterFormatIsTheRedSquare) {
  const PixelBuffer card = test_card(PixelLayout::kRgb);
  const std::pair<RasterFormat, ImageFormat> formats[] = {
      {RasterFormat::kPng, ImageFormat::kPng},   {RasterFormat::kJpeg, ImageFormat::kJpeg},
      {RasterFormat::kGif, ImageFormat::kGif},   {RasterFormat::kTiff, ImageFormat::kTiff},
      {RasterFormat::kWebp, ImageFormat::kWebp},
  };
  for (auto [raster, format] : formats) {
    SCOPED_TRACE(std::string(raster_format_name(raster)));
    const Thumbnails made = thumbnails(encode(card, raster), format);
    expect_red_square(made);
    // Rasters are never enlarged: the 100 px square stays 100 px. JPEG's 4:2:0 chroma bleeds
    // up to 2 px of pink into the white around it, which is content to the trim, as it would be
    // to the seed's exact -trim.
    const int slack = raster == RasterFormat::kJpeg ? 5 : 2;
    EXPECT_NEAR(made.width, 100, slack);
    EXPECT_NEAR(made.height, 100, slack);
  }
}

TEST(ThumbTestCard, VectorPdfAndSvgAreTheRedSquareOnWhiteNotBlack) {
  for (auto [bytes, format] : {std::pair{make_pdf({kRedSquarePdf}), ImageFormat::kPdf},
                               {std::string(kRedSquareSvg), ImageFormat::kSvg}}) {
    SCOPED_TRACE(std::string(image_format_name(format)));
    const Thumbnails made = thumbnails(bytes, format);
    expect_red_square(made);
    // 100 pt at 300 dpi is 417 px: below 512, so rendered at 300 dpi and not enlarged further.
    EXPECT_NEAR(made.width, 417, 3);
    // With a threshold nothing exceeds, the page counts as blank and is kept whole: the
    // transparent page is flattened on white, not black.
    ThumbnailOptions no_trim;
    no_trim.trim_threshold = 255;  // nothing differs by more than 255: blank, kept whole
    const Thumbnails whole = thumbnails(bytes, format, no_trim);
    EXPECT_TRUE(whole.blank);
    EXPECT_FALSE(whole.trimmed);
    const Decoded page = decode(whole.raster);
    EXPECT_EQ(page.image.width, 512);  // 200 pt at 300 dpi = 833 px, shrunk to 512
    EXPECT_TRUE(near(page.at(5, 5), {255, 255, 255}, 3)) << show(page.at(5, 5));
    EXPECT_TRUE(near(page.centre(), {255, 0, 0}, 12)) << show(page.centre());
  }
}

TEST(ThumbTransparency, AlphaIsFlattenedOnWhiteThenTrimmed) {
  const std::string png = encode(test_card(PixelLayout::kRgba), RasterFormat::kPng);
  expect_red_square(thumbnails(png, ImageFormat::kPng));
  // Without trimming the corners are white (libvips' default would flatten on black).
  ThumbnailOptions no_trim;
  no_trim.trim_threshold = 255;
  const Decoded page = decode(thumbnails(png, ImageFormat::kPng, no_trim).raster);
  ASSERT_EQ(page.image.width, 200);
  EXPECT_TRUE(near(page.at(0, 0), {255, 255, 255}, 2)) << show(page.at(0, 0));
  EXPECT_TRUE(near(page.at(199, 199), {255, 255, 255}, 2));
  EXPECT_TRUE(near(page.centre(), {255, 0, 0}, 6));
  // The same through WebP and GIF, which keep transparency.
  for (auto [raster, format] : {std::pair{RasterFormat::kWebp, ImageFormat::kWebp},
                                {RasterFormat::kGif, ImageFormat::kGif}}) {
    SCOPED_TRACE(std::string(raster_format_name(raster)));
    expect_red_square(thumbnails(encode(test_card(PixelLayout::kRgba), raster), format));
  }
}

TEST(ThumbColour, CmykJpegBecomesRgbRed) {
  const Thumbnails made =
      thumbnails(encode(test_card(PixelLayout::kCmyk), RasterFormat::kJpeg), ImageFormat::kJpeg);
  ASSERT_FALSE(made.raster.empty());
  EXPECT_TRUE(made.trimmed);
  EXPECT_NEAR(made.width, 100, 2);
  const Rgb centre = decode(made.raster).centre();
  // Full magenta + yellow through a CMYK profile is a print red, not (255,0,0).
  EXPECT_GT(centre.r, 200) << show(centre);
  EXPECT_LT(centre.g, 80) << show(centre);
  EXPECT_LT(centre.b, 80) << show(centre);
}

TEST(ThumbColour, GreyPaletteAndSixteenBitBecomeRgb) {
  {
    SCOPED_TRACE("grey png");
    const Thumbnails made =
        thumbnails(encode(test_card(PixelLayout::kGray), RasterFormat::kPng), ImageFormat::kPng);
    EXPECT_NEAR(made.width, 100, 1);
    const Decoded raster = decode(made.raster);
    EXPECT_EQ(raster.image.layout, PixelLayout::kRgb);
    EXPECT_TRUE(near(raster.centre(), {0, 0, 0}, 6)) << show(raster.centre());
  }
  for (bool alpha : {false, true}) {
    SCOPED_TRACE(alpha ? "16-bit rgba png" : "16-bit rgb png");
    const Thumbnails made = thumbnails(png16(80, 80, alpha), ImageFormat::kPng);
    expect_red_square(made, 40);
    EXPECT_EQ(made.width, 40);
  }
}

TEST(ThumbColour, GreyWithAlphaIsFlattenedOnWhiteAsRgb) {
  const std::string png = png16(80, 80, /*alpha=*/true, 0, 0, /*grey=*/true);
  // The decoder keeps grey + alpha as RGBA: grey in all three colour channels, alpha last.
  auto decoded = decode_raster(png);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  ASSERT_EQ(decoded->image.layout, PixelLayout::kRgba);
  const uint8_t* corner = decoded->image.pixels.data();
  EXPECT_EQ(corner[3], 0);  // transparent outside the square
  const size_t centre = (size_t(40) * 80 + 40) * 4;
  EXPECT_EQ(decoded->image.pixels[centre], 0x40);
  EXPECT_EQ(decoded->image.pixels[centre + 2], 0x40);
  EXPECT_EQ(decoded->image.pixels[centre + 3], 255);

  const Thumbnails made = thumbnails(png, ImageFormat::kPng);
  EXPECT_EQ(made.width, 40);  // the transparent margin became white and was trimmed
  EXPECT_EQ(made.height, 40);
  const Decoded raster = decode(made.raster);
  EXPECT_EQ(raster.image.layout, PixelLayout::kRgb);
  EXPECT_TRUE(near(raster.centre(), {0x40, 0x40, 0x40}, 6)) << show(raster.centre());
}

TEST(ThumbFrames, AnimatedGifTakesFrameOne) {
  PixelBuffer blue = test_card(PixelLayout::kRgb);
  for (size_t i = 0; i < blue.pixels.size(); i += 3) {
    if (blue.pixels[i + 1] == 0) blue.pixels[i] = 0, blue.pixels[i + 2] = 255;
  }
  auto gif = encode_animated_gif({test_card(PixelLayout::kRgb), blue});
  ASSERT_TRUE(gif.ok());
  expect_red_square(thumbnails(*gif, ImageFormat::kGif));
}

TEST(ThumbFrames, MultiPagePdfRendersPageOne) {
  const std::string pdf =
      make_pdf({"0 0 1 rg 20 20 160 80 re f", "0.5 g 0 0 200 200 re f", "0 1 0 rg 0 0 9 9 re f"});
  const Thumbnails made = thumbnails(pdf, ImageFormat::kPdf);
  EXPECT_TRUE(made.trimmed);
  // 160 x 80 pt at 300 dpi = 667 x 333 px: short side 333 < 512, kept.
  EXPECT_NEAR(made.width, 667, 3);
  EXPECT_NEAR(made.height, 333, 3);
  EXPECT_TRUE(near(decode(made.raster).centre(), {0, 0, 255}, 12));
}

TEST(ThumbSize, ShortSideBecomes512AndLongSideIsCapped) {
  // A 2000x1500 photo-like gradient with a 1 px dark frame (nothing to trim).
  PixelBuffer big{2000, 1500, PixelLayout::kRgb, {}};
  big.pixels.resize(size_t(2000) * 1500 * 3);
  for (int y = 0; y < 1500; ++y) {
    for (int x = 0; x < 2000; ++x) {
      uint8_t* p = &big.pixels[(size_t(y) * 2000 + x) * 3];
      p[0] = uint8_t(x / 8), p[1] = uint8_t(y / 6), p[2] = 128;
    }
  }
  for (RasterFormat raster : {RasterFormat::kPng, RasterFormat::kJpeg}) {
    SCOPED_TRACE(std::string(raster_format_name(raster)));
    const Thumbnails made = thumbnails(
        encode(big, raster), raster == RasterFormat::kPng ? ImageFormat::kPng : ImageFormat::kJpeg);
    EXPECT_FALSE(made.trimmed);
    EXPECT_EQ(made.width, 683);
    EXPECT_EQ(made.height, 512);
    EXPECT_EQ(made.web_height, 256);
    EXPECT_EQ(made.web_width, 342);  // 341.5 rounds up
  }
  // A 4000 x 40 strip (100:1) of noise (no border): long side capped at 2048, the web thumbnail
  // at 1024 wide.
  PixelBuffer strip{4000, 40, PixelLayout::kRgb, {}};
  for (int y = 0; y < 40; ++y) {
    for (int x = 0; x < 4000; ++x) {
      const auto v = uint8_t((x * 37 + y * 91) % 256);
      strip.pixels.insert(strip.pixels.end(), {v, v, v});
    }
  }
  const Thumbnails made = thumbnails(encode(strip, RasterFormat::kPng), ImageFormat::kPng);
  EXPECT_EQ(made.width, 2048);
  EXPECT_EQ(made.height, 20);
  EXPECT_EQ(made.web_width, 1024);
  EXPECT_EQ(made.web_height, 10);
}

TEST(ThumbSize, NeverEnlarges) {
  PixelBuffer small{100, 50, PixelLayout::kRgb, std::vector<uint8_t>(100 * 50 * 3)};
  for (size_t i = 0; i < small.pixels.size(); ++i) small.pixels[i] = uint8_t(i * 7);
  const Thumbnails made = thumbnails(encode(small, RasterFormat::kPng), ImageFormat::kPng);
  EXPECT_LE(made.width, 100);
  EXPECT_LE(made.height, 50);
  EXPECT_EQ(made.web_width, made.width);
  EXPECT_EQ(made.web_height, made.height);
}

TEST(ThumbTrim, ThinLinesSurviveAndBlankPagesKeepTheirSize) {
  // A 1 px frame inside white margins: trimmed to the frame, which stays (libvips' find_trim
  // median-filters 1 px lines away; ours does not).
  PixelBuffer frame = test_card(PixelLayout::kRgb, 300, 400, 400);  // all white
  for (int i = 20; i <= 279; ++i) {
    for (auto [x, y] : {std::pair{i, 20}, {i, 279}, {20, i}, {279, i}}) {
      uint8_t* p = &frame.pixels[(size_t(y) * 300 + x) * 3];
      p[0] = p[1] = p[2] = 0;
    }
  }
  const Thumbnails made = thumbnails(encode(frame, RasterFormat::kPng), ImageFormat::kPng);
  EXPECT_TRUE(made.trimmed);
  EXPECT_EQ(made.width, 260);
  EXPECT_EQ(made.height, 260);
  const Decoded raster = decode(made.raster);
  EXPECT_LT(raster.at(0, 130).r, 60);
  EXPECT_GT(raster.centre().r, 240);

  const PixelBuffer white = test_card(PixelLayout::kRgb, 300, 400, 400);
  const Thumbnails blank = thumbnails(encode(white, RasterFormat::kPng), ImageFormat::kPng);
  EXPECT_TRUE(blank.blank);
  EXPECT_FALSE(blank.trimmed);
  EXPECT_EQ(blank.width, 300);
  EXPECT_EQ(blank.height, 300);
  EXPECT_TRUE(is_blank(white));
  EXPECT_FALSE(is_blank(frame));
  EXPECT_FALSE(is_blank(test_card(PixelLayout::kRgba)));
  EXPECT_TRUE(is_blank(PixelBuffer{}));
}

TEST(ThumbSize, LargeRasterIsStreamedThenTrimmedAtFullResolution) {
  // 20 Mpx: above the 16 Mpx working cap, so pass 1 finds the borders on a shrunk copy and pass 2
  // decodes again and crops at full resolution: the 400 x 300 content is kept pixel for pixel.
  PixelBuffer page{4800, 4200, PixelLayout::kGray, std::vector<uint8_t>(size_t(4800) * 4200, 255)};
  for (int y = 2000; y < 2300; ++y) {
    for (int x = 2000; x < 2400; ++x) page.pixels[size_t(y) * 4800 + x] = uint8_t(x - 2000);
  }
  const Thumbnails made = thumbnails(encode(page, RasterFormat::kPng), ImageFormat::kPng);
  EXPECT_TRUE(made.trimmed);
  EXPECT_EQ(made.width, 400);
  EXPECT_EQ(made.height, 300);
}

TEST(ThumbErrors, HugeHeaderIsTooLargeBeforeDecoding) {
  // IHDR claims 100000 x 100000 with 16-bit RGB (60 GB decoded); the data is 2x2.
  auto bomb = make_thumbnails(png16(2, 2, false, 100000, 100000), ImageFormat::kPng);
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.status().code(), ErrorCode::kTooLarge) << bomb.status().to_string();
  ThumbnailOptions tight;
  tight.max_input_pixels = 199 * 200;
  auto refused = make_thumbnails(encode(test_card(PixelLayout::kRgb), RasterFormat::kJpeg),
                                 ImageFormat::kJpeg, tight);
  EXPECT_EQ(refused.status().code(), ErrorCode::kTooLarge);
}

TEST(ThumbErrors, BrokenBytesFailWithoutCrashing) {
  const std::string png = encode(test_card(PixelLayout::kRgb), RasterFormat::kPng);
  const std::string jpeg = encode(test_card(PixelLayout::kRgb), RasterFormat::kJpeg);
  const std::string pdf = make_pdf({kRedSquarePdf});
  const std::pair<std::string, ImageFormat> broken[] = {
      {"", ImageFormat::kPng},
      {"hello, I am not a picture", ImageFormat::kPng},
      {png.substr(0, png.size() / 2), ImageFormat::kPng},
      {png.substr(0, 40), ImageFormat::kPng},
      {jpeg.substr(0, jpeg.size() / 2), ImageFormat::kJpeg},
      {jpeg, ImageFormat::kPng},  // the wrong loader is never tried by sniffing
      {pdf.substr(0, 30), ImageFormat::kPdf},
      {"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect", ImageFormat::kSvg},
      {"BM not really", ImageFormat::kBmp},
      {std::string(3000, '\xff'), ImageFormat::kJpeg},
      {std::string(3000, '\0'), ImageFormat::kTiff},
  };
  for (const auto& [bytes, format] : broken) {
    auto made = make_thumbnails(bytes, format);
    EXPECT_FALSE(made.ok()) << image_format_name(format) << " of " << bytes.size() << " bytes";
    if (!made.ok()) {
      EXPECT_EQ(made.status().code(), ErrorCode::kDecodeFailed);
    }
  }
  EXPECT_EQ(make_thumbnails("%!PS-Adobe-3.0 EPSF-3.0\n", ImageFormat::kEps).status().code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(make_thumbnails("%!PS", ImageFormat::kPs).status().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(make_thumbnails("x", ImageFormat::kUnknown).status().code(), ErrorCode::kUnsupported);
  ThumbnailOptions bad;
  bad.short_side = 0;
  EXPECT_EQ(make_thumbnails(png, ImageFormat::kPng, bad).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(ThumbThreads, TwoThreadsGiveTheSameBytes) {
  const std::string pdf = make_pdf({kRedSquarePdf});
  const std::string png = encode(test_card(PixelLayout::kRgba), RasterFormat::kPng);
  const std::string expected_pdf = thumbnails(pdf, ImageFormat::kPdf).raster;
  const std::string expected_png = thumbnails(png, ImageFormat::kPng).raster;
  std::vector<int> mismatches(2, 0);
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto a = make_thumbnails(pdf, ImageFormat::kPdf);
        auto b = make_thumbnails(png, ImageFormat::kPng);
        if (!a.ok() || a->raster != expected_pdf) ++mismatches[t];
        if (!b.ok() || b->raster != expected_png) ++mismatches[t];
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(mismatches[0] + mismatches[1], 0);
}

// --- the hostile corpus -------------------------------------------------------------------

class ThumbHostile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string corpus = testing::shared_corpus_dir();
    if (corpus.empty()) return;
    scratch_ = new testing::ScratchDir("thumb-hostile");
    const std::string dir = scratch_->str();
    const std::string command = "cd '" + dir + "' && tar xf '" + corpus +
                                "/hostile/arXiv_src_2401_006.tar' 2401/2401.99017.gz && "
                                "gunzip -c 2401/2401.99017.gz > paper.tar && tar xf paper.tar";
    extracted_ = testing::run_command(command + " 2>&1") == 0;
  }
  static void TearDownTestSuite() {
    delete scratch_;
    scratch_ = nullptr;
  }
  void SetUp() override {
    if (testing::shared_corpus_dir().empty()) GTEST_SKIP() << testing::kNoCorpusMessage;
    ASSERT_TRUE(extracted_);
  }
  static std::string file(const std::string& name) {
    return testing::read_file(scratch_->path() / name);
  }
  // Runs make_thumbnails, checking it returns within `limit_ms`.
  static Result<Thumbnails> timed(const std::string& name, ImageFormat format, double limit_ms) {
    const std::string bytes = file(name);
    const auto start = std::chrono::steady_clock::now();
    Result<Thumbnails> made = make_thumbnails(bytes, format);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(ms, limit_ms) << name;
    std::printf("  %-14s %-8s %7.1f ms  %s\n", name.c_str(), made.ok() ? "ok" : "error", ms,
                made.ok() ? "" : made.status().to_string().c_str());
    return made;
  }

  static testing::ScratchDir* scratch_;
  static bool extracted_;
};
testing::ScratchDir* ThumbHostile::scratch_ = nullptr;
bool ThumbHostile::extracted_ = false;

TEST_F(ThumbHostile, BombIsTooLarge) {
  auto made = timed("bomb.png", ImageFormat::kPng, 1000);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), ErrorCode::kTooLarge);
}

TEST_F(ThumbHostile, BrokenFilesFail) {
  for (const char* name : {"empty.png", "notreally.png"}) {
    auto made = timed(name, ImageFormat::kPng, 1000);
    ASSERT_FALSE(made.ok()) << name;
    EXPECT_EQ(made.status().code(), ErrorCode::kDecodeFailed);
  }
  // Cut in the middle of its scan data: fail_on=truncated refuses the half-grey partial decode.
  auto truncated = timed("truncated.jpg", ImageFormat::kJpeg, 1000);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), ErrorCode::kDecodeFailed);
  EXPECT_TRUE(timed("good.jpg", ImageFormat::kJpeg, 1000).ok());
  EXPECT_TRUE(timed("good.png", ImageFormat::kPng, 1000).ok());
}

TEST_F(ThumbHostile, SvgsRenderWithoutFetchingOrExpanding) {
  for (const char* name : {"xxe.svg", "lol.svg", "ssrf.svg"}) {
    // Quick either way: no fetch (a fetch of 127.0.0.1:9 would at least take a connect), no 10^9
    // entity expansion.
    auto made = timed(name, ImageFormat::kSvg, 3000);
    if (!made.ok()) {
      EXPECT_EQ(made.status().code(), ErrorCode::kDecodeFailed);
      EXPECT_EQ(made.status().message().find("root:"), std::string::npos);
      continue;
    }
    EXPECT_GT(made->width, 0);
  }
  // xxe.svg would print /etc/passwd as text on its #eef band if the entity were expanded; if it
  // renders, the band has no dark text pixels.
  auto xxe = make_thumbnails(file("xxe.svg"), ImageFormat::kSvg);
  if (xxe.ok()) {
    const Decoded raster = decode(xxe->raster);
    int dark = 0;
    for (size_t i = 0; i < raster.image.pixels.size(); ++i) dark += raster.image.pixels[i] < 100;
    EXPECT_EQ(dark, 0) << "text appeared where the external entity was referenced";
  }
  // ssrf.svg: the two <image> elements must stay empty, so the page is its #fee background.
  auto ssrf = make_thumbnails(file("ssrf.svg"), ImageFormat::kSvg);
  if (ssrf.ok()) {
    EXPECT_TRUE(ssrf->blank);
  }
}

TEST_F(ThumbHostile, Pages200PdfRendersPageOneQuickly) {
  auto made = timed("pages200.pdf", ImageFormat::kPdf, 2000);
  ASSERT_TRUE(made.ok());
  const Rgb centre = decode(made->raster).centre();
  EXPECT_GT(centre.b, 150) << show(centre);
  EXPECT_LT(centre.r, 100) << show(centre);
}

// --- cost on real figures ------------------------------------------------------------------

// Median time per format over figures of the shared corpus (PNG and PDF are what it holds). Run
// it in a release build for numbers that mean something:
//   IMAGEMESH_THUMB_BENCH=1 build/release/tests/imaging_tests --gtest_filter=ThumbCorpus.*
TEST(ThumbCorpus, TimePerFormat) {
  const std::string corpus = testing::shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << testing::kNoCorpusMessage;
  const bool bench = std::getenv("IMAGEMESH_THUMB_BENCH") != nullptr;
  const size_t per_format = bench ? 200 : 6;
  testing::ScratchDir scratch("thumb-corpus");
  const std::string dir = scratch.str();
  const std::string tars =
      bench ? "'" + corpus + "'/arxiv/*.tar" : "'" + corpus + "'/arxiv/arXiv_src_1602_001.tar";
  const std::string command =
      "cd '" + dir + "' && for t in " + tars +
      "; do tar xf \"$t\"; done; for g in */*.gz; do d=x/$(basename \"$g\" .gz); mkdir -p \"$d\"; "
      "gunzip -c \"$g\" > \"$d.raw\" 2>/dev/null; tar xf \"$d.raw\" -C \"$d\" 2>/dev/null; done; "
      "true";
  ASSERT_EQ(testing::run_command(command), 0);
  std::map<ImageFormat, std::vector<std::string>> files;
  for (const auto& entry : fs::recursive_directory_iterator(scratch.path() / "x")) {
    if (!entry.is_regular_file() || entry.path().extension() == ".raw") continue;
    const std::string name = entry.path().filename().string();
    if (!looks_like_image("", name)) continue;
    std::string bytes = testing::read_file(entry.path());
    ImageFormat format = sniff_image_format(bytes, name);
    if (format == ImageFormat::kEps || format == ImageFormat::kPs) continue;
    if (format == ImageFormat::kUnknown) continue;
    if (files[format].size() < per_format) files[format].push_back(std::move(bytes));
  }
  for (auto& [format, list] : files) {
    std::vector<double> ms;
    int failures = 0;
    size_t raster_bytes = 0, web_bytes = 0;
    for (const auto& bytes : list) {
      const auto start = std::chrono::steady_clock::now();
      auto made = make_thumbnails(bytes, format);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!made.ok()) {
        ++failures;
        std::printf("  %s failed: %s\n", std::string(image_format_name(format)).c_str(),
                    made.status().to_string().c_str());
        continue;
      }
      raster_bytes += made->raster.size();
      web_bytes += made->web.size();
    }
    std::sort(ms.begin(), ms.end());
    const size_t ok = list.size() - failures;
    std::printf(
        "  %-5s n=%3zu median %6.1f ms  p90 %6.1f ms  max %7.1f ms  failed %d"
        "  mean raster %zu kB, web %zu kB\n",
        std::string(image_format_name(format)).c_str(), ms.size(), ms[ms.size() / 2],
        ms[ms.size() * 9 / 10], ms.back(), failures, ok ? raster_bytes / ok / 1024 : 0,
        ok ? web_bytes / ok / 1024 : 0);
    EXPECT_LE(failures * 10, int(list.size())) << image_format_name(format);
  }
  if (!bench) return;
  // Throughput as the pipeline runs it: two workers taking figures from one list.
  std::vector<std::pair<const std::string*, ImageFormat>> all;
  for (const auto& [format, list] : files) {
    for (const auto& bytes : list) all.emplace_back(&bytes, format);
  }
  std::atomic<size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < all.size(); i = next++) {
        auto made = make_thumbnails(*all[i].first, all[i].second);
        (void)made.ok();
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("  2 workers: %zu figures in %.2f s = %.1f figures/s\n", all.size(), seconds,
              all.size() / seconds);
}

}  // namespace
}  // namespace imagemesh::imaging
