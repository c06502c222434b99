// contact_sheet: cells land where the layout says, images on white, failures hatched and framed.
#include "imaging/contact_sheet.h"

#include <gtest/gtest.h>

#include "imaging/raster_encode.h"
#include "imaging/thumbnail.h"

namespace imagemesh::imaging {
namespace {

// A solid-colour web thumbnail, as make_thumbnails writes it.
std::string solid_webp(uint8_t r, uint8_t g, uint8_t b, int width, int height) {
  PixelBuffer image{width, height, PixelLayout::kRgb, {}};
  for (int i = 0; i < width * height; ++i) image.pixels.insert(image.pixels.end(), {r, g, b});
  auto made = make_thumbnails_from_rgb(
      std::string(reinterpret_cast<const char*>(image.pixels.data()), image.pixels.size()), width,
      height);
  EXPECT_TRUE(made.ok());
  return made.ok() ? made->web : std::string();
}

struct Sheet {
  PixelBuffer image;
  const uint8_t* at(int x, int y) const {
    return image.pixels.data() + (size_t(y) * image.width + x) * 3;
  }
};

Sheet decode_sheet(const std::string& jpeg) {
  auto decoded = decode_raster(jpeg);
  EXPECT_TRUE(decoded.ok());
  return {decoded.ok() ? decoded->image : PixelBuffer{}};
}

bool near(const uint8_t* pixel, int r, int g, int b, int tolerance = 30) {
  return std::abs(pixel[0] - r) <= tolerance && std::abs(pixel[1] - g) <= tolerance &&
         std::abs(pixel[2] - b) <= tolerance;
}

TEST(ContactSheet, LaysOutCellsRowByRow) {
  ContactSheetOptions options;
  options.columns = 2;
  options.cell = 64;
  // Three cells on two rows: red (wide), blue (tall), and a failure without an image.
  std::vector<ContactSheetCell> cells = {
      {solid_webp(255, 0, 0, 100, 50), false}, {solid_webp(0, 0, 255, 40, 80), false}, {"", true}};
  auto sheet = make_contact_sheet(cells, options);
  ASSERT_TRUE(sheet.ok()) << sheet.status().to_string();
  const Sheet page = decode_sheet(*sheet);
  // 8 px margin and gaps, 64 px cells: 2 x 64 + 3 x 8 both ways.
  ASSERT_EQ(page.image.width, 2 * 64 + 3 * 8);
  ASSERT_EQ(page.image.height, 2 * 64 + 3 * 8);
  const int left = 8, right = 8 + 64 + 8, top = 8, bottom = 8 + 64 + 8;
  EXPECT_TRUE(near(page.at(left + 32, top + 32), 255, 0, 0));     // red, fitted to 64 x 32
  EXPECT_TRUE(near(page.at(left + 32, top + 4), 255, 255, 255));  // white above the wide image
  EXPECT_TRUE(near(page.at(right + 32, top + 32), 0, 0, 255));    // blue, 32 x 64
  EXPECT_TRUE(near(page.at(right + 4, top + 32), 255, 255, 255));
  EXPECT_TRUE(near(page.at(2, 2), 225, 225, 225, 8));  // grey page margin
  // The failed cell is hatched: both stripe grey and white occur along its diagonal.
  bool stripe = false, white = false;
  for (int i = 0; i < 24; ++i) {
    const uint8_t* pixel = page.at(left + 20 + i, bottom + 20);
    stripe |= near(pixel, 170, 170, 170, 25);
    white |= near(pixel, 255, 255, 255, 10);
  }
  EXPECT_TRUE(stripe && white);
  // The flagged cell has a red frame; the others do not.
  EXPECT_TRUE(near(page.at(left + 1, bottom + 32), 220, 30, 30));
  EXPECT_TRUE(near(page.at(left + 1, top + 4), 255, 255, 255));
}

TEST(ContactSheet, RefusesNothingToShowAndBadOptions) {
  EXPECT_EQ(make_contact_sheet({}).status().code(), ErrorCode::kInvalidArgument);
  ContactSheetOptions bad;
  bad.columns = 0;
  EXPECT_EQ(make_contact_sheet({{"", false}}, bad).status().code(), ErrorCode::kInvalidArgument);
  ContactSheetOptions huge;
  huge.cell = 2048;
  auto too_big = make_contact_sheet(std::vector<ContactSheetCell>(100, {"", false}), huge);
  EXPECT_EQ(too_big.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("--limit"), std::string::npos);
  // Bytes that are not a WebP give a hatched cell, not an error.
  auto sheet = make_contact_sheet({{"not a webp", false}});
  EXPECT_TRUE(sheet.ok()) << sheet.status().to_string();
}

}  // namespace
}  // namespace imagemesh::imaging
