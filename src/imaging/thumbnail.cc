#include "imaging/thumbnail.h"

#include <vips/vips8>

#include <algorithm>
#include <cmath>
#include <vector>

namespace imagemesh::imaging {
namespace {

using vips::VImage;

// The working image (normalised, 8-bit RGB) is held in memory to find its borders exactly. Larger
// renders are shrunk while streaming first: 16 Mpx is 48 MB, and still 16x the largest final
// raster (512 x 2048 = 1 Mpx), so the final resolution never depends on this cap.
constexpr double kWorkingPixels = 16.0 * 1024 * 1024;
// Vector pages are rendered by poppler/librsvg through cairo, whose coordinates are 24.8 fixed
// point; a rendered page side stays far below that.
constexpr double kMaxRenderSide = 65536;

// A borrowed view of the input bytes as a libvips blob (no copy). Declared before any image made
// from it, so it outlives them.
class Blob {
 public:
  explicit Blob(std::string_view bytes)
      : blob_(vips_blob_new(nullptr, bytes.data(), bytes.size())) {}
  ~Blob() { vips_area_unref(VIPS_AREA(blob_)); }
  Blob(const Blob&) = delete;
  Blob& operator=(const Blob&) = delete;
  VipsBlob* get() const { return blob_; }

 private:
  VipsBlob* blob_;
};

std::string take_blob(VipsBlob* blob) {
  size_t length = 0;
  const void* data = vips_blob_get(blob, &length);
  std::string bytes(static_cast<const char*>(data), length);
  vips_area_unref(VIPS_AREA(blob));
  return bytes;
}

bool is_vector(ImageFormat format) {
  return format == ImageFormat::kPdf || format == ImageFormat::kSvg;
}

// The figure as libvips will load it. "Natural" size is the full resolution: raster pixels, or a
// vector page at vector_dpi. Scales below are relative to it.
struct Source {
  ImageFormat format = ImageFormat::kUnknown;
  VipsBlob* blob = nullptr;
  double vector_scale = 1;  // loader scale of the natural size (vector_dpi / 72)
  double natural_width = 0;
  double natural_height = 0;
};

// Loads with the loader of `format` only. `scale` (<= 1) is a hint: loaders that can decode or
// render smaller do so (JPEG shrink-on-load by 2/4/8, WebP scaled decode, PDF/SVG rendered at the
// size), never below it; the others decode at full size.
VImage load(const Source& source, double scale) {
  auto options = [] { return VImage::option()->set("fail_on", VIPS_FAIL_ON_TRUNCATED); };
  switch (source.format) {
    case ImageFormat::kPng:
      return VImage::pngload_buffer(source.blob, options()->set("access", VIPS_ACCESS_SEQUENTIAL));
    case ImageFormat::kJpeg: {
      int shrink = 1;
      while (shrink < 8 && 1.0 / (shrink * 2) >= scale) shrink *= 2;
      // No EXIF autorotation: pdflatex ignores the orientation tag, so readers saw it unrotated.
      return VImage::jpegload_buffer(
          source.blob, options()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("shrink", shrink));
    }
    case ImageFormat::kGif:
      return VImage::gifload_buffer(
          source.blob,
          options()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("page", 0)->set("n", 1));
    case ImageFormat::kTiff:
      return VImage::tiffload_buffer(
          source.blob,
          options()->set("access", VIPS_ACCESS_SEQUENTIAL)->set("page", 0)->set("n", 1));
    case ImageFormat::kWebp:
      return VImage::webpload_buffer(source.blob, options()
                                                      ->set("access", VIPS_ACCESS_SEQUENTIAL)
                                                      ->set("page", 0)
                                                      ->set("n", 1)
                                                      ->set("scale", std::min(1.0, scale)));
    case ImageFormat::kBmp:
      return VImage::magickload_buffer(source.blob, options()->set("page", 0)->set("n", 1));
    case ImageFormat::kPdf:
      return VImage::pdfload_buffer(source.blob,
                                    options()
                                        ->set("page", 0)
                                        ->set("n", 1)
                                        ->set("scale", scale * source.vector_scale)
                                        ->set("background", std::vector<double>{255.0}));
    case ImageFormat::kSvg:
      // No base file: librsvg resolves no relative or absolute references, so nothing outside
      // the bytes is read or fetched; `unlimited` stays off (libxml2's size and depth limits).
      return VImage::svgload_buffer(source.blob,
                                    options()->set("scale", scale * source.vector_scale));
    default:
      break;
  }
  throw vips::VError("no in-process loader for this format");
}

// Any loaded image -> 8-bit sRGB, 3 bands, alpha flattened on white. Lazy (pixel-wise).
VImage normalise(VImage image) {
  VipsInterpretation space = image.guess_interpretation();
  if (space == VIPS_INTERPRETATION_CMYK && image.bands() >= 4) {
    // The embedded profile if there is one, else libvips' built-in CMYK (SWOP-like) profile.
    image = image.icc_transform(
        "srgb", VImage::option()->set("input_profile", "cmyk")->set("embedded", true));
    space = VIPS_INTERPRETATION_sRGB;
  }
  if (image.has_alpha()) {
    // Before the colour conversion, so 16-bit alpha is used at full precision.
    const bool sixteen = image.format() == VIPS_FORMAT_USHORT;
    const double white = sixteen ? 65535.0 : 255.0;
    image = image.flatten(VImage::option()
                              ->set("background", std::vector<double>(image.bands() - 1, white))
                              ->set("max_alpha", white));
  }
  if (space != VIPS_INTERPRETATION_sRGB || image.format() != VIPS_FORMAT_UCHAR) {
    image =
        image.colourspace(VIPS_INTERPRETATION_sRGB, VImage::option()->set("source_space", space));
  }
  if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);
  if (image.bands() == 1) image = VImage::bandjoin({image, image, image});
  if (image.bands() == 2) image = VImage::bandjoin({image[0], image[0], image[0]});
  if (image.bands() > 3) image = image.extract_band(0, VImage::option()->set("n", 3));
  return image;
}

struct Size {
  int width = 0;
  int height = 0;
};

// Shrinks (never enlarges) so the short side is `short_side` and the long side at most `long_cap`.
Size shrink_to_fit(int width, int height, int short_side, int long_cap) {
  const double scale = std::min({1.0, double(short_side) / std::min(width, height),
                                 double(long_cap) / std::max(width, height)});
  if (scale >= 1.0) return {width, height};
  auto side = [scale](int length) {
    return std::clamp(static_cast<int>(std::lround(length * scale)), 1, length);
  };
  return {side(width), side(height)};
}

VImage resize_to(const VImage& image, Size size) {
  if (size.width == image.width() && size.height == image.height()) return image;
  return image.resize(double(size.width) / image.width(),
                      VImage::option()->set("vscale", double(size.height) / image.height()));
}

// Streams a lazily computed image down to at most kWorkingPixels, then into memory.
VImage to_working_memory(VImage image) {
  const double pixels = double(image.width()) * image.height();
  if (pixels > kWorkingPixels) {
    const double scale = std::sqrt(kWorkingPixels / pixels);
    image = resize_to(image, {std::max(1, static_cast<int>(image.width() * scale)),
                              std::max(1, static_cast<int>(image.height() * scale))});
  }
  return image.copy_memory();
}

struct Box {
  int left = 0;
  int top = 0;
  int width = 0;  // 0: no content
  int height = 0;
};

// Bounding box of the pixels that differ from `background` by more than `threshold` in any
// channel. Rows are `width * channels` bytes, contiguous.
Box find_content(const uint8_t* pixels, int width, int height, int channels,
                 const uint8_t* background, int threshold) {
  auto differs = [&](const uint8_t* pixel) {
    for (int c = 0; c < channels; ++c) {
      if (std::abs(int(pixel[c]) - int(background[c])) > threshold) return true;
    }
    return false;
  };
  int left = width, right = -1, top = height, bottom = -1;
  const size_t stride = size_t(width) * size_t(channels);
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = pixels + size_t(y) * stride;
    int x = 0;
    while (x < width && !differs(row + size_t(x) * channels)) ++x;
    if (x == width) continue;
    left = std::min(left, x);
    int last = width - 1;
    while (last > right && !differs(row + size_t(last) * channels)) --last;
    right = std::max(right, last);
    top = std::min(top, y);
    bottom = y;
  }
  if (right < 0) return {};
  return {left, top, right - left + 1, bottom - top + 1};
}

Box find_content(const VImage& memory_image, const uint8_t* background, int threshold) {
  return find_content(static_cast<const uint8_t*>(memory_image.data()), memory_image.width(),
                      memory_image.height(), memory_image.bands(), background, threshold);
}

// Reads the header and fixes the natural size; refuses oversized rasters before decoding.
Status probe(Source& source, const ThumbnailOptions& options) {
  if (is_vector(source.format)) {
    source.vector_scale = options.vector_dpi / 72.0;
    VImage header = load(Source{source.format, source.blob, 1.0, 0, 0}, 1.0);
    source.natural_width = header.width() * source.vector_scale;
    source.natural_height = header.height() * source.vector_scale;
    return Status::Ok();
  }
  VImage header = load(source, 1.0);  // libvips loads lazily: only the header is parsed here
  const uint64_t pixels = uint64_t(header.width()) * uint64_t(header.height());
  if (pixels > options.max_input_pixels) {
    return error(ErrorCode::kTooLarge,
                 std::string(image_format_name(source.format)) + " of " +
                     std::to_string(header.width()) + "x" + std::to_string(header.height()) +
                     " pixels exceeds the limit of " + std::to_string(options.max_input_pixels));
  }
  source.natural_width = header.width();
  source.natural_height = header.height();
  return Status::Ok();
}

// The scale (relative to natural) at which a region of natural size w x h meets the targets.
double target_scale(double width, double height, const ThumbnailOptions& options) {
  return std::min({1.0, options.short_side / std::min(width, height),
                   options.max_long_side / std::max(width, height)});
}

// Caps a vector render so the whole page stays a sane cairo surface size.
double cap_render_scale(const Source& source, double scale) {
  const double longest = std::max(source.natural_width, source.natural_height) * scale;
  return longest > kMaxRenderSide ? scale * kMaxRenderSide / longest : scale;
}

// Shrinks the trimmed content to the normalised raster and the web thumbnail and encodes both.
Result<Thumbnails> encode_outputs(const VImage& content, const ThumbnailOptions& options,
                                  Thumbnails out) {
  VImage raster = resize_to(content, shrink_to_fit(content.width(), content.height(),
                                                   options.short_side, options.max_long_side))
                      .copy_memory();
  out.width = raster.width();
  out.height = raster.height();
  out.raster =
      take_blob(raster.jpegsave_buffer(VImage::option()
                                           ->set("Q", options.raster_quality)
                                           ->set("strip", true)
                                           ->set("optimize_coding", true)
                                           ->set("subsample_mode", VIPS_FOREIGN_SUBSAMPLE_OFF)));

  const double web_scale = std::min({1.0, double(options.web_height) / raster.height(),
                                     double(options.web_max_width) / raster.width()});
  Size web_size{raster.width(), raster.height()};
  if (web_scale < 1.0) {
    web_size = {
        std::clamp(static_cast<int>(std::lround(raster.width() * web_scale)), 1, raster.width()),
        std::clamp(static_cast<int>(std::lround(raster.height() * web_scale)), 1, raster.height())};
  }
  VImage web = resize_to(raster, web_size);
  out.web_width = web.width();
  out.web_height = web.height();
  // Effort 2 of 0..6: measured 5 ms faster per thumbnail than the default 4 at the same size.
  out.web = take_blob(web.webpsave_buffer(
      VImage::option()->set("Q", options.web_quality)->set("strip", true)->set("effort", 2)));
  if (out.raster.empty() || out.web.empty()) {
    return error(ErrorCode::kInternal, "libvips wrote an empty thumbnail");
  }
  return out;
}

Result<Thumbnails> make(std::string_view bytes, ImageFormat format,
                        const ThumbnailOptions& options) {
  Blob blob(bytes);
  Source source{format, blob.get(), 1.0, 0, 0};
  IM_RETURN_IF_ERROR(probe(source, options));
  if (source.natural_width < 1 || source.natural_height < 1) {
    return error(ErrorCode::kDecodeFailed, "image has no pixels");
  }

  // Pass 1: the whole page at the size the untrimmed page needs (or full size for formats that
  // cannot decode smaller), in memory, to find the borders exactly.
  const double first_scale = cap_render_scale(
      source, std::min(1.0, kRenderHeadroom * target_scale(source.natural_width,
                                                           source.natural_height, options)));
  VImage work = to_working_memory(normalise(load(source, first_scale)));
  const double work_scale = double(work.width()) / source.natural_width;
  const auto* first_pixel = static_cast<const uint8_t*>(work.data());
  const uint8_t background[3] = {first_pixel[0], first_pixel[1], first_pixel[2]};
  const Box box = find_content(work, background, options.trim_threshold);

  Thumbnails out;
  VImage content = work;
  if (box.width == 0) {
    out.blank = true;  // nothing to trim to: keep the page as it is
  } else {
    out.trimmed = box.width != work.width() || box.height != work.height();
    content = work.crop(box.left, box.top, box.width, box.height);
    // Pass 2, when trimming left less than the target at this resolution and the source has more
    // (a small drawing on a large page, a shrink-on-load JPEG): render again at the needed scale
    // and crop the content, one working pixel of margin around it, then trim exactly.
    const double wanted = cap_render_scale(
        source, target_scale(box.width / work_scale, box.height / work_scale, options));
    if (out.trimmed && wanted > work_scale * 1.02) {
      VImage full = normalise(load(source, wanted));
      const double kx = double(full.width()) / work.width();
      const double ky = double(full.height()) / work.height();
      const int left = std::max(0, static_cast<int>(std::floor((box.left - 1) * kx)));
      const int top = std::max(0, static_cast<int>(std::floor((box.top - 1) * ky)));
      const int right =
          std::min(full.width(), static_cast<int>(std::ceil((box.left + box.width + 1) * kx)));
      const int bottom =
          std::min(full.height(), static_cast<int>(std::ceil((box.top + box.height + 1) * ky)));
      if (right > left && bottom > top) {
        VImage region = to_working_memory(full.crop(left, top, right - left, bottom - top));
        const Box inner = find_content(region, background, options.trim_threshold);
        if (inner.width > 0) {
          content = region.crop(inner.left, inner.top, inner.width, inner.height);
        }
      }
    }
  }

  return encode_outputs(content, options, std::move(out));
}

Status check_options(const ThumbnailOptions& options) {
  const bool ok =
      options.short_side >= 1 && options.max_long_side >= options.short_side &&
      options.max_long_side <= 16384 && options.web_height >= 1 && options.web_max_width >= 1 &&
      options.raster_quality >= 1 && options.raster_quality <= 100 && options.web_quality >= 1 &&
      options.web_quality <= 100 && options.vector_dpi >= 1 && options.vector_dpi <= 2400 &&
      options.trim_threshold >= 0 && options.max_input_pixels >= 1;
  if (!ok) return error(ErrorCode::kInvalidArgument, "thumbnail options out of range");
  return Status::Ok();
}

// One line, bounded: libvips messages can hold several lines (and other threads' errors).
std::string vips_message(const char* what) {
  std::string message(what);
  std::replace(message.begin(), message.end(), '\n', ' ');
  while (!message.empty() && message.back() == ' ') message.pop_back();
  if (message.size() > 300) message.resize(300);
  return message.empty() ? "not a readable file (libvips gave no reason)" : message;
}

}  // namespace

Result<Thumbnails> make_thumbnails(std::string_view bytes, ImageFormat format,
                                   const ThumbnailOptions& options) {
  IM_RETURN_IF_ERROR(check_options(options));
  switch (format) {
    case ImageFormat::kEps:
    case ImageFormat::kPs:
      return error(ErrorCode::kUnsupported,
                   std::string(image_format_name(format)) +
                       " is rendered through Ghostscript (imaging/ghostscript.h), not in process");
    case ImageFormat::kUnknown:
      return error(ErrorCode::kUnsupported, "not an image format");
    default:
      break;
  }
  if (bytes.empty()) return error(ErrorCode::kDecodeFailed, "no bytes to decode");
  if (format == ImageFormat::kBmp && !bytes.starts_with("BM")) {
    // BMP goes through ImageMagick, which sniffs by itself: only hand it what is a BMP.
    return error(ErrorCode::kDecodeFailed, "not a BMP file (no BM signature)");
  }
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  try {
    return make(bytes, format, options);
  } catch (const vips::VError& failure) {
    vips_error_clear();
    return error(ErrorCode::kDecodeFailed,
                 std::string(image_format_name(format)) +
                     " thumbnail failed: " + vips_message(failure.what()));
  }
}

Result<Thumbnails> make_thumbnails_from_rgb(std::string_view rgb, int width, int height,
                                            const ThumbnailOptions& options) {
  IM_RETURN_IF_ERROR(check_options(options));
  if (width < 1 || height < 1) return error(ErrorCode::kDecodeFailed, "raster has no pixels");
  const uint64_t pixels = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
  if (pixels > options.max_input_pixels) {
    return error(ErrorCode::kTooLarge, "raster of " + std::to_string(width) + "x" +
                                           std::to_string(height) + " exceeds the pixel limit");
  }
  if (rgb.size() < pixels * 3) return error(ErrorCode::kTruncated, "raster shorter than its size");
  IM_RETURN_IF_ERROR(ensure_vips_initialised());
  try {
    VImage image = VImage::new_from_memory(const_cast<char*>(rgb.data()), pixels * 3, width, height,
                                           3, VIPS_FORMAT_UCHAR)
                       .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
    VImage work = to_working_memory(image);
    const auto* first_pixel = static_cast<const uint8_t*>(work.data());
    const uint8_t background[3] = {first_pixel[0], first_pixel[1], first_pixel[2]};
    const Box box = find_content(work, background, options.trim_threshold);
    Thumbnails out;
    VImage content = work;
    if (box.width == 0) {
      out.blank = true;
    } else {
      out.trimmed = box.width != work.width() || box.height != work.height();
      content = work.crop(box.left, box.top, box.width, box.height);
    }
    return encode_outputs(content, options, std::move(out));
  } catch (const vips::VError& failure) {
    vips_error_clear();
    return error(ErrorCode::kDecodeFailed,
                 "raster thumbnail failed: " + vips_message(failure.what()));
  }
}

bool is_blank(const PixelBuffer& image, int threshold) {
  const int channels = channels_of(image.layout);
  const size_t expected =
      size_t(std::max(image.width, 0)) * size_t(std::max(image.height, 0)) * size_t(channels);
  if (expected == 0 || image.pixels.size() < expected) return true;
  return find_content(image.pixels.data(), image.width, image.height, channels, image.pixels.data(),
                      threshold)
             .width == 0;
}

}  // namespace imagemesh::imaging
