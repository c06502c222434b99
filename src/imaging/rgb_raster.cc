#include "imaging/rgb_raster.h"

#include <vips/vips8>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace imagemesh::imaging {
namespace {

using vips::VImage;

constexpr int kMaxCanvasSide = 4096;

// 3-band 8-bit sRGB with no alpha, as a figure printed on white paper.
VImage to_srgb_on_white(const PixelBuffer& image) {
  VImage in = VImage::new_from_memory(const_cast<uint8_t*>(image.pixels.data()),
                                      image.pixels.size(), image.width, image.height,
                                      channels_of(image.layout), VIPS_FORMAT_UCHAR);
  switch (image.layout) {
    case PixelLayout::kGray:
      return VImage::bandjoin({in, in, in}).copy_memory();
    case PixelLayout::kRgb:
      return in.copy_memory();
    case PixelLayout::kRgba:
      return in.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}))
          .cast(VIPS_FORMAT_UCHAR)
          .copy_memory();
    case PixelLayout::kCmyk:
      break;
  }
  // libvips' built-in CMYK profile (lcms), as thumbnail.cc does for profile-less CMYK.
  return in.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_CMYK))
      .colourspace(VIPS_INTERPRETATION_sRGB)
      .cast(VIPS_FORMAT_UCHAR)
      .copy_memory();
}

// The largest JPEG shrink-on-load factor (8, 4, 2; else 1) that still leaves at least the
// canvas's pixels along the side the image fills, as libvips' own thumbnail does: libjpeg's DCT
// scaling averages, so nothing aliases, and the Lanczos resize finishes the job. Reads only the
// header; anything unreadable gets 1 (decoding in full reports the error).
int jpeg_shrink_for(std::string_view bytes, int width, int height) {
  try {
    const VImage header = VImage::new_from_buffer(bytes.data(), bytes.size(), "");
    if (header.get_typeof("vips-loader") == 0 ||
        std::string(header.get_string("vips-loader")) != "jpegload_buffer") {
      return 1;
    }
    const double scale = std::min(double(width) / header.width(), double(height) / header.height());
    for (int shrink : {8, 4, 2}) {
      if (scale * shrink <= 1.0) return shrink;
    }
  } catch (const vips::VError&) {
    vips_error_clear();
  }
  return 1;
}

}  // namespace

Result<PixelBuffer> fit_on_white(const PixelBuffer& image, int width, int height) {
  IM_RETURN_IF_ERROR(check_pixel_buffer(image));
  if (width < 1 || height < 1 || width > kMaxCanvasSide || height > kMaxCanvasSide) {
    return error(ErrorCode::kInvalidArgument, "canvas size out of range");
  }
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  try {
    VImage rgb = to_srgb_on_white(image);
    const double scale = std::min(double(width) / image.width, double(height) / image.height);
    auto side = [scale](int length, int cap) {
      return std::clamp(static_cast<int>(std::lround(length * scale)), 1, cap);
    };
    const int fitted_width = side(image.width, width);
    const int fitted_height = side(image.height, height);
    VImage fitted = rgb;
    if (fitted_width != image.width || fitted_height != image.height) {
      fitted = rgb.resize(double(fitted_width) / image.width,
                          VImage::option()->set("vscale", double(fitted_height) / image.height));
    }
    // libvips rounds its output size itself; pin it to the size computed above.
    fitted = fitted.extract_area(0, 0, std::min(fitted.width(), fitted_width),
                                 std::min(fitted.height(), fitted_height));
    VImage canvas =
        fitted.embed((width - fitted.width()) / 2, (height - fitted.height()) / 2, width, height,
                     VImage::option()
                         ->set("extend", VIPS_EXTEND_BACKGROUND)
                         ->set("background", std::vector<double>{255, 255, 255}));
    if (canvas.format() != VIPS_FORMAT_UCHAR) canvas = canvas.cast(VIPS_FORMAT_UCHAR);
    PixelBuffer out{width, height, PixelLayout::kRgb, {}};
    size_t size = 0;
    void* data = canvas.write_to_memory(&size);
    const auto* first = static_cast<const uint8_t*>(data);
    out.pixels.assign(first, first + size);
    g_free(data);
    if (out.pixels.size() != static_cast<size_t>(width) * static_cast<size_t>(height) * 3) {
      return error(ErrorCode::kInternal, "libvips returned an unexpected canvas");
    }
    return out;
  } catch (const vips::VError& failure) {
    vips_error_clear();
    return error(ErrorCode::kInternal, std::string("fit on white failed: ") + failure.what());
  }
}

Result<PixelBuffer> decode_fit_on_white(std::string_view bytes, int width, int height) {
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  IM_ASSIGN_OR_RETURN(DecodedRaster decoded,
                      decode_raster_shrunk(bytes, jpeg_shrink_for(bytes, width, height)));
  return fit_on_white(decoded.image, width, height);
}

}  // namespace imagemesh::imaging
