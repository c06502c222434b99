#include "sample/figure_files.h"

namespace imagemesh::sample {
namespace {

using imaging::PixelLayout;
using imaging::RasterFormat;

void put_le(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

Result<std::string> encode(const Canvas& canvas, PixelLayout layout, RasterFormat format) {
  imaging::EncodeOptions options;
  options.software = kPngSoftware;
  return imaging::encode_raster(canvas.pixels(layout), format, options);
}

}  // namespace

std::string_view extension_of(FigureFormat format) {
  switch (format) {
    case FigureFormat::kEps:
      return "eps";
    case FigureFormat::kPs:
      return "ps";
    case FigureFormat::kPdf:
      return "pdf";
    case FigureFormat::kSvg:
      return "svg";
    case FigureFormat::kPng:
    case FigureFormat::kPngAlpha:
    case FigureFormat::kPngGray:
      return "png";
    case FigureFormat::kJpeg:
    case FigureFormat::kJpegCmyk:
      return "jpg";
    case FigureFormat::kGif:
    case FigureFormat::kGifAnimated:
      return "gif";
    case FigureFormat::kTiff:
      return "tif";
    case FigureFormat::kBmp:
      return "bmp";
    case FigureFormat::kWebp:
      return "webp";
  }
  return "bin";
}

bool is_vector(FigureFormat format) {
  return format == FigureFormat::kEps || format == FigureFormat::kPs ||
         format == FigureFormat::kPdf || format == FigureFormat::kSvg;
}

std::string write_bmp(const Canvas& canvas) {
  const uint32_t row_bytes = (static_cast<uint32_t>(canvas.width()) * 3 + 3) & ~3u;
  const uint32_t pixel_bytes = row_bytes * static_cast<uint32_t>(canvas.height());
  std::string out = "BM";
  put_le(out, 54 + pixel_bytes, 4);  // file size
  put_le(out, 0, 4);                 // reserved
  put_le(out, 54, 4);                // pixel data offset
  put_le(out, 40, 4);                // BITMAPINFOHEADER
  put_le(out, static_cast<uint32_t>(canvas.width()), 4);
  put_le(out, static_cast<uint32_t>(canvas.height()), 4);  // positive: bottom-up
  put_le(out, 1, 2);                                       // planes
  put_le(out, 24, 2);                                      // bits per pixel
  put_le(out, 0, 4);                                       // BI_RGB
  put_le(out, pixel_bytes, 4);
  put_le(out, 2835, 4);  // 72 dpi in pixels per metre
  put_le(out, 2835, 4);
  put_le(out, 0, 4);
  put_le(out, 0, 4);
  imaging::PixelBuffer rgb = canvas.pixels(PixelLayout::kRgb);
  for (int y = canvas.height() - 1; y >= 0; --y) {
    const uint8_t* row = &rgb.pixels[static_cast<size_t>(y) * canvas.width() * 3];
    for (int x = 0; x < canvas.width(); ++x) {
      out += static_cast<char>(row[x * 3 + 2]);
      out += static_cast<char>(row[x * 3 + 1]);
      out += static_cast<char>(row[x * 3]);
    }
    out.append(row_bytes - static_cast<uint32_t>(canvas.width()) * 3, '\0');
  }
  return out;
}

Result<std::string> render_canvas(const Canvas& canvas, FigureFormat format) {
  switch (format) {
    case FigureFormat::kPng:
      return encode(canvas, PixelLayout::kRgb, RasterFormat::kPng);
    case FigureFormat::kPngAlpha:
      return encode(canvas, PixelLayout::kRgba, RasterFormat::kPng);
    case FigureFormat::kPngGray:
      return encode(canvas, PixelLayout::kGray, RasterFormat::kPng);
    case FigureFormat::kJpeg:
      return encode(canvas, PixelLayout::kRgb, RasterFormat::kJpeg);
    case FigureFormat::kJpegCmyk:
      return encode(canvas, PixelLayout::kCmyk, RasterFormat::kJpeg);
    case FigureFormat::kGif:
    case FigureFormat::kGifAnimated:
      return encode(canvas, PixelLayout::kRgb, RasterFormat::kGif);
    case FigureFormat::kTiff:
      return encode(canvas, PixelLayout::kRgb, RasterFormat::kTiff);
    case FigureFormat::kWebp:
      return encode(canvas, PixelLayout::kRgb, RasterFormat::kWebp);
    case FigureFormat::kBmp:
      return write_bmp(canvas);
    case FigureFormat::kEps:
    case FigureFormat::kPs:
    case FigureFormat::kPdf:
    case FigureFormat::kSvg:
      break;
  }
  return error(ErrorCode::kInvalidArgument,
               "a raster picture cannot be written as " + std::string(extension_of(format)));
}

Result<std::string> render_drawing(const std::vector<Drawing>& pages, FigureFormat format,
                                   double pixels_per_point, const EpsOptions& eps) {
  if (pages.empty()) return error(ErrorCode::kInvalidArgument, "no drawing to render");
  switch (format) {
    case FigureFormat::kEps:
      return write_eps(pages[0], eps);
    case FigureFormat::kPs:
      return write_postscript(pages);
    case FigureFormat::kPdf:
      return write_pdf(pages);
    case FigureFormat::kSvg:
      return write_svg(pages[0]);
    case FigureFormat::kGifAnimated: {
      std::vector<imaging::PixelBuffer> frames;
      for (const auto& page : pages) {
        frames.push_back(rasterise(page, pixels_per_point).pixels(PixelLayout::kRgb));
      }
      return imaging::encode_animated_gif(frames);
    }
    default:
      return render_canvas(rasterise(pages[0], pixels_per_point), format);
  }
}

}  // namespace imagemesh::sample
