// Encoding 8-bit pixel buffers to raster image files with libvips: PNG, JPEG (also CMYK), GIF
// (also animated), TIFF and WebP. Used by the sample corpus generator; deterministic (the same
// pixels and options give the same bytes for a given libvips build).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace imagemesh::imaging {

enum class PixelLayout { kGray, kRgb, kRgba, kCmyk };

// Bytes per pixel of a layout: 1, 3, 4, 4.
int channels_of(PixelLayout layout);

// Row-major, interleaved, 8 bits per channel, no row padding: pixels.size() must be
// width * height * channels_of(layout). CMYK values are ink amounts (0 = no ink, 255 = full).
struct PixelBuffer {
  int width = 0;
  int height = 0;
  PixelLayout layout = PixelLayout::kRgb;
  std::vector<uint8_t> pixels;
};

// Ok when `image` keeps the contract above with sides in 1..65535; kInvalidArgument saying what
// is wrong otherwise. Every function that hands a PixelBuffer to libvips checks it first.
[[nodiscard]] Status check_pixel_buffer(const PixelBuffer& image);

enum class RasterFormat { kPng, kJpeg, kGif, kTiff, kWebp };

// "png", "jpeg", "gif", "tiff", "webp".
std::string_view raster_format_name(RasterFormat format);

struct EncodeOptions {
  int quality = 90;          // JPEG and lossy WebP
  bool lossless = false;     // WebP
  std::string software;      // PNG: written as a tEXt "Software" chunk when not empty
  int frame_delay_ms = 200;  // animated GIF
};

// Encodes one image. Layout/format pairs libvips cannot write fail with kUnsupported: CMYK goes
// to JPEG and TIFF only; alpha is kept by PNG, GIF (as a transparent palette entry), TIFF and
// WebP and dropped (flattened on white) by JPEG. GIF output is palettised. Invalid buffers fail
// with kInvalidArgument; libvips failures with kInternal.
Result<std::string> encode_raster(const PixelBuffer& image, RasterFormat format,
                                  const EncodeOptions& options = {});

// An animated GIF of `frames` (same size and layout, at least one; not CMYK), looping forever.
Result<std::string> encode_animated_gif(const std::vector<PixelBuffer>& frames,
                                        const EncodeOptions& options = {});

// The inverse, for checks and thumbnails: decodes any image libvips reads into 8-bit pixels.
// 1-band images come back kGray, 2-band gray+alpha as kRgba, 3 as kRgb, 4 as kRgba or (CMYK
// interpretation) kCmyk; other sample formats are cast to 8 bits. With all_pages, the pages of a
// multi-page image (animated GIF frames) are stacked vertically and `pages` counts them.
struct DecodedRaster {
  PixelBuffer image;
  int pages = 1;
};
Result<DecodedRaster> decode_raster(std::string_view bytes, bool all_pages = false);
// The same, first page only, decoding a JPEG at 1/`jpeg_shrink` of its size (1, 2, 4 or 8:
// libjpeg's DCT scaling, several times cheaper than decoding in full and resizing); other formats
// decode in full.
Result<DecodedRaster> decode_raster_shrunk(std::string_view bytes, int jpeg_shrink);

// Initialises libvips once per process (thread-safe, idempotent). libvips requires a process-wide
// init before any other call; this is the one place we do it. The encoders call it themselves.
Status ensure_vips_initialised();

}  // namespace imagemesh::imaging
