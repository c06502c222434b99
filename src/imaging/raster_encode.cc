#include "imaging/raster_encode.h"

#include <vips/vips8>

#include <mutex>

namespace imagemesh::imaging {
namespace {

using vips::VImage;

// Takes a blob returned by a vips *save_buffer call, copies it out and drops the reference.
std::string take_blob(VipsBlob* blob) {
  size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string bytes(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return bytes;
}

VipsInterpretation interpretation_of(PixelLayout layout) {
  switch (layout) {
    case PixelLayout::kGray:
      return VIPS_INTERPRETATION_B_W;
    case PixelLayout::kCmyk:
      return VIPS_INTERPRETATION_CMYK;
    case PixelLayout::kRgb:
    case PixelLayout::kRgba:
      break;
  }
  return VIPS_INTERPRETATION_sRGB;
}

// A vips image that owns a copy of the pixels (the buffer may go away before the image is used).
VImage to_vips(const PixelBuffer& image) {
  VImage wrapped = VImage::new_from_memory(const_cast<uint8_t*>(image.pixels.data()),
                                           image.pixels.size(), image.width, image.height,
                                           channels_of(image.layout), VIPS_FORMAT_UCHAR);
  return wrapped.copy(VImage::option()->set("interpretation", interpretation_of(image.layout)))
      .copy_memory();
}

VImage flatten_alpha(const VImage& image) {
  if (image.bands() != 2 && image.bands() != 4) return image;
  if (image.interpretation() == VIPS_INTERPRETATION_CMYK) return image;
  std::vector<double> white(static_cast<size_t>(image.bands() - 1), 255.0);
  return image.flatten(VImage::option()->set("background", white));
}

std::string save(VImage image, RasterFormat format, const EncodeOptions& options) {
  switch (format) {
    case RasterFormat::kPng: {
      if (!options.software.empty()) {
        image = image.copy();
        image.set("png-comment-0-Software", options.software.c_str());
      }
      return take_blob(image.pngsave_buffer(VImage::option()->set("compression", 6)));
    }
    case RasterFormat::kJpeg:
      return take_blob(flatten_alpha(image).jpegsave_buffer(
          VImage::option()->set("Q", options.quality)->set("optimize_coding", true)));
    case RasterFormat::kGif:
      return take_blob(image.gifsave_buffer(VImage::option()->set("dither", 0.0)));
    case RasterFormat::kTiff:
      return take_blob(image.tiffsave_buffer(
          VImage::option()->set("compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE)));
    case RasterFormat::kWebp:
      return take_blob(image.webpsave_buffer(
          VImage::option()->set("Q", options.quality)->set("lossless", options.lossless)));
  }
  return {};
}

}  // namespace

Status check_pixel_buffer(const PixelBuffer& image) {
  if (image.width <= 0 || image.height <= 0 || image.width > 65535 || image.height > 65535) {
    return error(ErrorCode::kInvalidArgument, "pixel buffer size out of range");
  }
  size_t expected = static_cast<size_t>(image.width) * static_cast<size_t>(image.height) *
                    static_cast<size_t>(channels_of(image.layout));
  if (image.pixels.size() != expected) {
    return error(ErrorCode::kInvalidArgument, "pixel buffer holds " +
                                                  std::to_string(image.pixels.size()) +
                                                  " bytes, expected " + std::to_string(expected));
  }
  return Status::Ok();
}

int channels_of(PixelLayout layout) {
  switch (layout) {
    case PixelLayout::kGray:
      return 1;
    case PixelLayout::kRgb:
      return 3;
    case PixelLayout::kRgba:
    case PixelLayout::kCmyk:
      return 4;
  }
  return 3;
}

std::string_view raster_format_name(RasterFormat format) {
  switch (format) {
    case RasterFormat::kPng:
      return "png";
    case RasterFormat::kJpeg:
      return "jpeg";
    case RasterFormat::kGif:
      return "gif";
    case RasterFormat::kTiff:
      return "tiff";
    case RasterFormat::kWebp:
      return "webp";
  }
  return "unknown";
}

Status ensure_vips_initialised() {
  static std::once_flag once;
  static bool initialised = false;
  std::call_once(once, [] {
    // The operation cache pays off when a pipeline repeats operations on the same images; ours
    // encode each picture once, so caching would only hold memory.
    initialised = VIPS_INIT("imagemesh") == 0;
    if (initialised) {
      vips_cache_set_max(0);
      // imagemesh converts images in parallel, one per worker; libvips' own threads per image
      // would only contend with the other workers (measured: 1-2% faster ingest with 1).
      vips_concurrency_set(1);
    }
  });
  if (!initialised) return error(ErrorCode::kInternal, "libvips failed to initialise");
  return Status::Ok();
}

Result<std::string> encode_raster(const PixelBuffer& image, RasterFormat format,
                                  const EncodeOptions& options) {
  IM_RETURN_IF_ERROR(check_pixel_buffer(image));
  if (image.layout == PixelLayout::kCmyk && format != RasterFormat::kJpeg &&
      format != RasterFormat::kTiff) {
    return error(ErrorCode::kUnsupported, "CMYK pixels encode to JPEG or TIFF only, not " +
                                              std::string(raster_format_name(format)));
  }
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  try {
    std::string bytes = save(to_vips(image), format, options);
    if (bytes.empty()) return error(ErrorCode::kInternal, "libvips wrote nothing");
    return bytes;
  } catch (const vips::VError& failure) {
    vips_error_clear();
    return error(ErrorCode::kInternal,
                 std::string(raster_format_name(format)) + " encode failed: " + failure.what());
  }
}

Result<std::string> encode_animated_gif(const std::vector<PixelBuffer>& frames,
                                        const EncodeOptions& options) {
  if (frames.empty()) return error(ErrorCode::kInvalidArgument, "an animation needs frames");
  for (const auto& frame : frames) {
    IM_RETURN_IF_ERROR(check_pixel_buffer(frame));
    if (frame.width != frames[0].width || frame.height != frames[0].height ||
        frame.layout != frames[0].layout) {
      return error(ErrorCode::kInvalidArgument, "animation frames differ in size or layout");
    }
  }
  if (frames[0].layout == PixelLayout::kCmyk) {
    return error(ErrorCode::kUnsupported, "CMYK pixels cannot be a GIF");
  }
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  try {
    std::vector<VImage> pages;
    for (const auto& frame : frames) pages.push_back(to_vips(frame));
    // libvips' multi-page form: pages stacked vertically, "page-height" says where they split.
    VImage strip = VImage::arrayjoin(pages, VImage::option()->set("across", 1)).copy();
    strip.set(VIPS_META_PAGE_HEIGHT, frames[0].height);
    strip.set("delay", std::vector<int>(frames.size(), options.frame_delay_ms));
    strip.set("loop", 0);
    std::string bytes = take_blob(strip.gifsave_buffer(VImage::option()->set("dither", 0.0)));
    if (bytes.empty()) return error(ErrorCode::kInternal, "libvips wrote nothing");
    return bytes;
  } catch (const vips::VError& failure) {
    vips_error_clear();
    return error(ErrorCode::kInternal, std::string("gif encode failed: ") + failure.what());
  }
}

namespace {

// decode_raster with libvips load options ("n=-1", "shrink=2").
Result<DecodedRaster> decode_with_options(std::string_view bytes, bool all_pages,
                                          const std::string& options);

}  // namespace

Result<DecodedRaster> decode_raster(std::string_view bytes, bool all_pages) {
  return decode_with_options(bytes, all_pages, all_pages ? "n=-1" : "");
}

Result<DecodedRaster> decode_raster_shrunk(std::string_view bytes, int jpeg_shrink) {
  const bool jpeg = bytes.size() > 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
                    static_cast<unsigned char>(bytes[1]) == 0xD8;
  if (!jpeg || (jpeg_shrink != 2 && jpeg_shrink != 4 && jpeg_shrink != 8)) {
    return decode_raster(bytes);
  }
  return decode_with_options(bytes, false, "shrink=" + std::to_string(jpeg_shrink));
}

namespace {

Result<DecodedRaster> decode_with_options(std::string_view bytes, bool all_pages,
                                          const std::string& options) {
  if (bytes.empty()) return error(ErrorCode::kDecodeFailed, "no bytes to decode");
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  try {
    VImage image =
        VImage::new_from_buffer(bytes.data(), bytes.size(), options.c_str()).copy_memory();
    DecodedRaster out;
    out.pages = image.get_typeof("n-pages") != 0 && all_pages ? image.get_int("n-pages") : 1;
    const bool cmyk = image.interpretation() == VIPS_INTERPRETATION_CMYK && image.bands() == 4;
    if (image.bands() == 2) image = VImage::bandjoin({image[0], image[0], image[0], image[1]});
    if (image.bands() > 4) image = image.extract_band(0, VImage::option()->set("n", 4));
    // 16-bit samples keep their top byte (shift); a plain cast would clip them to 255.
    if (image.format() != VIPS_FORMAT_UCHAR) {
      image = image.cast(VIPS_FORMAT_UCHAR, VImage::option()->set("shift", true));
    }
    out.image.width = image.width();
    out.image.height = image.height();
    out.image.layout = image.bands() == 1   ? PixelLayout::kGray
                       : image.bands() == 3 ? PixelLayout::kRgb
                       : cmyk               ? PixelLayout::kCmyk
                                            : PixelLayout::kRgba;
    size_t size = 0;
    void* data = image.write_to_memory(&size);
    const auto* first = static_cast<const uint8_t*>(data);
    out.image.pixels.assign(first, first + size);
    g_free(data);
    return out;
  } catch (const vips::VError& failure) {
    vips_error_clear();
    return error(ErrorCode::kDecodeFailed, std::string("decode failed: ") + failure.what());
  }
}

}  // namespace

}  // namespace imagemesh::imaging
