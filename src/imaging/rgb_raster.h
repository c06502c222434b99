// Fixed-size RGB rasters for embedding models: an image fitted into a width x height canvas on
// white, keeping its aspect ratio (letterboxed), as 8-bit sRGB.
//
// Models see a figure as printed: transparency is flattened on white (as in thumbnail.h), grey and
// CMYK become sRGB, and the empty margins of a non-square image are white, not black or stretched.
// The image is scaled (up or down) so its longer side fills the canvas, with libvips' default
// Lanczos-3 resize (antialiased, like the seed's PIL ANTIALIAS), and centred (odd leftovers go to
// the right and bottom margins). Deterministic for a given libvips build.
#pragma once

#include <string_view>

#include "core/status.h"
#include "imaging/raster_encode.h"

namespace imagemesh::imaging {

// `image` (any layout) fitted into a width x height kRgb buffer on white.
// Errors: kInvalidArgument for an inconsistent buffer or a canvas outside 1..4096 px a side;
// kInternal when libvips fails.
Result<PixelBuffer> fit_on_white(const PixelBuffer& image, int width, int height);

// The same from encoded bytes (our normalised rasters: JPEG, or any format decode_raster reads,
// page 1 only). Uses libvips' format sniffing, so it is meant for files imagemesh wrote itself,
// not for untrusted input (thumbnail.h is the safe path for those). Errors as decode_raster's.
Result<PixelBuffer> decode_fit_on_white(std::string_view bytes, int width, int height);

}  // namespace imagemesh::imaging
