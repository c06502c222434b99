// What an image file is, found from its bytes: format, size, pages and the producing software.
// Parsed by our own bounded header readers (no decoding of pixel data, no subprocess), so the
// inventory of millions of files is cheap. Safe on any input: truncated or hostile bytes give an
// error Status, never a crash, and reading is linear in the input size.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::imaging {

enum class ImageFormat { kUnknown, kPng, kJpeg, kGif, kTiff, kBmp, kWebp, kPdf, kEps, kPs, kSvg };

// Stable lower-case names stored in the database: "png", "jpeg", "gif", "tiff", "bmp", "webp",
// "pdf", "eps", "ps", "svg", "unknown".
std::string_view image_format_name(ImageFormat format);

// Identifies the format by content (magic bytes, "%!PS-Adobe-x.x EPSF", "<svg"), using the name
// only to break ties (an EPS without an EPSF header named .eps). Returns kUnknown if the bytes are
// not an image (a text file named .png is kUnknown). Also recognises odd names such as
// "x.ps_page_1".
ImageFormat sniff_image_format(std::string_view bytes, std::string_view name);

// True if a file should be inventoried as an image: its content sniffs as an image, or its name has
// an image extension (png jpg jpeg gif tif tiff bmp webp pdf eps epsf epsi ps pstex svg ps_page_N),
// so that broken images are listed (with an error) rather than silently dropped.
bool looks_like_image(std::string_view bytes, std::string_view name);

struct ImageFacts {
  ImageFormat format = ImageFormat::kUnknown;
  int width_px = 0;  // raster size of page/frame 1; 0 for vector formats
  int height_px = 0;
  double width_pt = 0;   // vector formats: BoundingBox (EPS/PS) or MediaBox/CropBox (PDF) of
  double height_pt = 0;  // page 1 in PostScript points; SVG: width/height/viewBox in px-as-pt
  int pages = 1;         // PDF/PS page count, GIF frame count, TIFF directory count
  std::string creator;   // EPS/PS %%Creator, PDF Creator then Producer ("Creator; Producer" when
                         // both), PNG Software/Creator text chunks, JPEG EXIF Software or COM
                         // comment, SVG generator comment or metadata; empty if none
  std::string color;     // "rgb", "rgba", "gray", "graya", "cmyk", "palette" when known
};

// Reads the facts of one image file. Errors: kDecodeFailed (not an image, broken header),
// kTruncated (ends inside the header), kUnsupported (a format we sniff but cannot size).
Result<ImageFacts> read_image_facts(std::string_view bytes, std::string_view name);

}  // namespace imagemesh::imaging
