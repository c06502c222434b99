// Figure bytes -> clean thumbnails, in process with libvips: the normalised raster (what the
// atlas, the embeddings and the detail view use) and a small web thumbnail for the grid.
//
// Normalisation follows the seed pipeline's ImageMagick chain (docs: seed-pipeline.md §3): page or
// frame 1 only, sRGB 8-bit (CMYK through the embedded or a built-in CMYK profile, 16-bit, grey and
// palette images to RGB), transparency flattened on WHITE, uniform borders trimmed, then shrunk
// (never enlarged) so the SHORT side is `short_side`. Vector formats (PDF, SVG) are rendered at
// `vector_dpi` at most — the seed's 300 dpi — and straight at the size needed, never as a huge
// raster that is shrunk afterwards.
//
// Safety: only the loader of the stated format is used (never libvips' sniffing, which could route
// bytes to ImageMagick); bytes are read from memory; SVG is rendered by librsvg with no base file,
// so it cannot load external files or URLs, and libxml2 does not expand external entities. The
// pixel count of a raster is checked from its header before any pixel is decoded, and the decoded
// working image is held in memory at no more than ~16 million pixels (larger inputs are shrunk
// while streaming), so memory per call is bounded (~50 MB plus the decoders' row buffers).
//
// Thread-safe: calls on different threads share nothing but libvips' global state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "imaging/image_facts.h"
#include "imaging/raster_encode.h"

namespace imagemesh::imaging {

// Vector pages are first rendered this much above the target of the untrimmed page, so that
// trimming up to ~20% of the short side still leaves the target resolution without a second render
// (docs/thumbnails.md has the measurement). Callers that render elsewhere (Ghostscript) use it too.
inline constexpr double kRenderHeadroom = 1.25;

struct ThumbnailOptions {
  // Normalised raster: shrink (never enlarge) so the short side is this, as the seed did
  // ("512x512^>"), but cap the long side so extreme strips (100:1) stay small.
  int short_side = 512;
  int max_long_side = 2048;
  int raster_quality = 90;  // JPEG quality of the normalised raster (4:4:4, no chroma subsampling)

  // Web thumbnail for justified rows: fixed height (rows are laid out at <= 256 CSS px, or 128 px
  // on 2x screens), width capped for strips; never enlarged. Lossy WebP.
  int web_height = 256;
  int web_max_width = 1024;
  int web_quality = 80;

  // Vector formats render at this resolution at most (the seed rasterised at 300 dpi before
  // shrinking), so a small vector drawing gives a small raster, as it did in the seed.
  double vector_dpi = 300;

  // A pixel counts as border when every channel is within this of the top-left pixel (the seed's
  // -trim compared with its corner colour); 10 absorbs JPEG noise.
  int trim_threshold = 10;

  // Rasters with more pixels (width * height of page 1, from the header) are refused with
  // kTooLarge before decoding: a 100000x100000 PNG bomb costs nothing.
  uint64_t max_input_pixels = 200'000'000;
};

struct Thumbnails {
  std::string raster;  // normalised raster, JPEG (sRGB, no metadata)
  int width = 0;
  int height = 0;
  std::string web;  // web thumbnail, WebP
  int web_width = 0;
  int web_height = 0;
  bool trimmed = false;  // uniform borders were removed
  bool blank = false;    // the whole page is one colour (within trim_threshold): a bad conversion
};

// Makes both thumbnails from the encoded bytes of one figure file of `format` (as sniffed by
// sniff_image_format). In process: PNG, JPEG, GIF (frame 1), TIFF (page 1), WebP (frame 1),
// BMP (through libvips' ImageMagick loader, BMP coder only), PDF (page 1) and SVG.
// Errors: kUnsupported for EPS/PS (rendered through Ghostscript, imaging/ghostscript.h) and
// unknown formats; kTooLarge when a raster's header exceeds max_input_pixels; kDecodeFailed for
// broken bytes, including truncated rasters (libvips' fail_on=truncated: a half-grey partial decode
// would be a misleading atlas entry, while benign decoder warnings such as extraneous bytes in a
// JPEG still decode); kInvalidArgument for nonsensical options.
Result<Thumbnails> make_thumbnails(std::string_view bytes, ImageFormat format,
                                   const ThumbnailOptions& options = {});

// The same from raw 8-bit RGB pixels (rows top to bottom, no padding) already rendered near the
// target size — Ghostscript's output for EPS/PS: trimmed, shrunk (never enlarged) and encoded.
// Errors: kTooLarge over max_input_pixels, kTruncated when `rgb` is shorter than width*height*3.
Result<Thumbnails> make_thumbnails_from_rgb(std::string_view rgb, int width, int height,
                                            const ThumbnailOptions& options = {});

// True when every pixel of `image` is within `threshold` (each channel, alpha included) of its
// top-left pixel: the criterion make_thumbnails uses for Thumbnails::blank. An empty image, or a
// buffer holding fewer bytes than its size needs, counts as blank (there is nothing to show).
bool is_blank(const PixelBuffer& image, int threshold = 10);

}  // namespace imagemesh::imaging
