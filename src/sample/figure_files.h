// Figure art -> the bytes of an image file in a given format. Vector formats come from
// vector_figures.h, raster formats from imaging/raster_encode.h, BMP from write_bmp() (libvips
// has no BMP saver).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sample/draw.h"
#include "sample/vector_figures.h"

namespace imagemesh::sample {

enum class FigureFormat {
  kEps,
  kPs,  // multi-page when given several drawings
  kPdf,
  kSvg,
  kPng,          // RGB
  kPngAlpha,     // RGBA; transparent where the art has no background
  kPngGray,      // 8-bit grayscale
  kJpeg,         // RGB
  kJpegCmyk,     // Adobe CMYK
  kGif,          // palette
  kGifAnimated,  // two or more frames
  kTiff,
  kBmp,
  kWebp,
};

// File extension without the dot: "eps", "ps", "pdf", "svg", "png", "jpg", "gif", "tif", "bmp",
// "webp".
std::string_view extension_of(FigureFormat format);
bool is_vector(FigureFormat format);

inline constexpr const char* kPngSoftware = "imagemesh-sample matplotlib-like";

// The file for `pages` (usually one drawing; PS and PDF write one page each, an animated GIF one
// frame each, other formats use the first). Raster formats draw at `pixels_per_point`.
Result<std::string> render_drawing(const std::vector<Drawing>& pages, FigureFormat format,
                                   double pixels_per_point, const EpsOptions& eps = {});

// A raster-only picture (e.g. a noise photo) in a raster format; kInvalidArgument for vector ones.
Result<std::string> render_canvas(const Canvas& canvas, FigureFormat format);

// An uncompressed 24-bit Windows BMP (BITMAPINFOHEADER, bottom-up rows), composited on white.
std::string write_bmp(const Canvas& canvas);

}  // namespace imagemesh::sample
