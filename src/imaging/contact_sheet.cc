#include "imaging/contact_sheet.h"

#include <vips/vips8>

#include <algorithm>

#include "imaging/raster_encode.h"

namespace imagemesh::imaging {
namespace {

using vips::VImage;

constexpr int kGap = 8;
constexpr double kPageGrey = 225;

std::string take_blob(VipsBlob* blob) {
  size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string bytes(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return bytes;
}

// Diagonal hatching on white: "no image here".
VImage placeholder(int size) {
  VImage xy = VImage::xyz(size, size);
  VImage stripes = ((xy[0] + xy[1]) % 12) < 2;  // 255 on a stripe, else 0
  VImage grey = stripes.linear(-(255.0 - 170.0) / 255.0, 255.0).cast(VIPS_FORMAT_UCHAR);
  return VImage::bandjoin({grey, grey, grey});
}

VImage cell_image(const ContactSheetCell& cell, int size) {
  if (cell.webp.empty()) return placeholder(size);
  VImage image;
  VipsBlob* blob = vips_blob_copy(cell.webp.data(), cell.webp.size());
  try {
    image = VImage::webpload_buffer(blob).copy_memory();
  } catch (const vips::VError&) {
    vips_error_clear();
    image = placeholder(size);
  }
  vips_area_unref(VIPS_AREA(blob));
  if (image.bands() == 4) image = image.flatten(VImage::option()->set("background", 255));
  if (image.bands() == 1) image = VImage::bandjoin({image, image, image});
  const double scale = std::min(1.0, double(size) / std::max(image.width(), image.height()));
  if (scale < 1.0) image = image.resize(scale);
  return image.gravity(VIPS_COMPASS_DIRECTION_CENTRE, size, size,
                       VImage::option()->set("background", std::vector<double>{255, 255, 255}));
}

// A red frame, kFrame px wide, drawn inside the cell.
VImage framed(const VImage& cell) {
  constexpr int kFrame = 4;
  VImage red = VImage::black(cell.width(), cell.height(), VImage::option()->set("bands", 3))
                   .linear({0, 0, 0}, {220, 30, 30})
                   .cast(VIPS_FORMAT_UCHAR);
  return red.insert(
      cell.crop(kFrame, kFrame, cell.width() - 2 * kFrame, cell.height() - 2 * kFrame), kFrame,
      kFrame);
}

}  // namespace

Result<std::string> make_contact_sheet(const std::vector<ContactSheetCell>& cells,
                                       const ContactSheetOptions& options) {
  if (cells.empty()) return error(ErrorCode::kInvalidArgument, "a contact sheet needs cells");
  if (options.columns < 1 || options.columns > 100 || options.cell < 16 || options.cell > 2048 ||
      options.quality < 1 || options.quality > 100) {
    return error(ErrorCode::kInvalidArgument, "contact sheet options out of range");
  }
  // Every cell is held in memory until the sheet is written: bound the page (3 bytes a pixel).
  constexpr double kMaxSheetPixels = 256.0 * 1024 * 1024;
  const double pixels = double(cells.size()) * options.cell * options.cell;
  if (pixels > kMaxSheetPixels) {
    return error(ErrorCode::kInvalidArgument,
                 std::to_string(cells.size()) + " cells of " + std::to_string(options.cell) +
                     " px exceed the sheet's 256 Mpx; use --limit, --format or a smaller --cell");
  }
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  try {
    std::vector<VImage> tiles;
    tiles.reserve(cells.size());
    for (const auto& cell : cells) {
      VImage tile = cell_image(cell, options.cell).cast(VIPS_FORMAT_UCHAR);
      if (cell.flagged) tile = framed(tile);
      tiles.push_back(tile.copy_memory());
    }
    VImage sheet = VImage::arrayjoin(tiles, VImage::option()
                                                ->set("across", options.columns)
                                                ->set("shim", kGap)
                                                ->set("background", kPageGrey));
    sheet = sheet.embed(kGap, kGap, sheet.width() + 2 * kGap, sheet.height() + 2 * kGap,
                        VImage::option()
                            ->set("extend", VIPS_EXTEND_BACKGROUND)
                            ->set("background", std::vector<double>{kPageGrey}));
    return take_blob(
        sheet.jpegsave_buffer(VImage::option()->set("Q", options.quality)->set("strip", true)));
  } catch (const vips::VError& failure) {
    vips_error_clear();
    return error(ErrorCode::kInternal, std::string("contact sheet failed: ") + failure.what());
  }
}

}  // namespace imagemesh::imaging
