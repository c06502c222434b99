#include "imaging/image_facts.h"

#include <string>

#include "core/safe_path.h"
#include "imaging/facts_util.h"

namespace imagemesh::imaging {

namespace {

using facts::slice;

constexpr std::string_view kAppleDoubleMagic("\x00\x05\x16\x07", 4);
constexpr std::string_view kAppleSingleMagic("\x00\x05\x16\x00", 4);
constexpr size_t kPdfHeaderWindow = 1024;  // readers accept junk before %PDF- within 1 KB

bool is_ps_page_extension(std::string_view ext) {  // "ps_page_3", as split by some tools
  constexpr std::string_view kPrefix = "ps_page_";
  if (ext.size() <= kPrefix.size() || slice(ext, 0, kPrefix.size()) != kPrefix) return false;
  for (char c : slice(ext, kPrefix.size())) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_eps_extension(std::string_view ext) {
  return ext == "eps" || ext == "epsf" || ext == "epsi" || ext == "pstex";
}

bool is_image_extension(std::string_view ext) {
  static constexpr std::string_view kImageExtensions[] = {"png",  "jpg",  "jpeg", "gif",   "tif",
                                                          "tiff", "bmp",  "webp", "pdf",   "eps",
                                                          "epsf", "epsi", "ps",   "pstex", "svg"};
  for (std::string_view image : kImageExtensions) {
    if (ext == image) return true;
  }
  return is_ps_page_extension(ext);
}

// TeX sources and their companions are text even when they start with bytes an image could
// (a "%!" magic comment, "%PDF-" in a comment): they are never inventoried as images.
bool is_tex_extension(std::string_view ext) {
  static constexpr std::string_view kTexExtensions[] = {
      "tex", "ltx", "latex", "sty", "cls", "clo", "bbl",     "bib",     "bst",     "def", "cfg",
      "fd",  "dtx", "ins",   "aux", "toc", "log", "pdf_tex", "pstex_t", "eps_tex", "txt", "md"};
  for (std::string_view tex : kTexExtensions) {
    if (ext == tex) return true;
  }
  return false;
}

bool is_apple_double(std::string_view bytes) {
  return slice(bytes, 0, 4) == kAppleDoubleMagic || slice(bytes, 0, 4) == kAppleSingleMagic;
}

ImageFormat sniff_postscript(std::string_view bytes, std::string_view ext) {
  size_t at = 0;
  while (at < bytes.size() && at < 64 &&
         (bytes[at] == '\x04' || bytes[at] == ' ' || bytes[at] == '\r' || bytes[at] == '\n')) {
    ++at;
  }
  if (slice(bytes, at, 3) == "\xEF\xBB\xBF") at += 3;
  std::string_view rest = slice(bytes, at);
  bool ps_name = ext == "ps" || is_ps_page_extension(ext) || is_eps_extension(ext);
  if (slice(rest, 0, 4) == "%!PS" || (slice(rest, 0, 2) == "%!" && ps_name)) {
    std::string_view first_line = slice(rest, 0, rest.find_first_of("\r\n"));
    if (first_line.find("EPSF") != std::string_view::npos || is_eps_extension(ext)) {
      return ImageFormat::kEps;
    }
    return ImageFormat::kPs;
  }
  return ImageFormat::kUnknown;
}

bool is_bmp(std::string_view bytes) {
  if (bytes.size() < 18 || slice(bytes, 0, 2) != "BM") return false;
  uint32_t dib = facts::le32(bytes, 14);
  return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124;
}

}  // namespace

std::string_view image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kGif:
      return "gif";
    case ImageFormat::kTiff:
      return "tiff";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kPdf:
      return "pdf";
    case ImageFormat::kEps:
      return "eps";
    case ImageFormat::kPs:
      return "ps";
    case ImageFormat::kSvg:
      return "svg";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageFormat sniff_image_format(std::string_view bytes, std::string_view name) {
  if (bytes.empty() || is_apple_double(bytes)) return ImageFormat::kUnknown;
  std::string ext = lower_extension(name);
  // A prefix of at least 4 bytes of the PNG signature: a cut PNG is still a (broken) PNG.
  constexpr std::string_view kPng("\x89PNG\r\n\x1a\n", 8);
  if (bytes.size() >= 4 && slice(kPng, 0, bytes.size()) == slice(bytes, 0, 8)) {
    return ImageFormat::kPng;
  }
  if (bytes.size() >= 3 && slice(bytes, 0, 3) == "\xFF\xD8\xFF") return ImageFormat::kJpeg;
  if (slice(bytes, 0, 6) == "GIF87a" || slice(bytes, 0, 6) == "GIF89a") return ImageFormat::kGif;
  if (slice(bytes, 0, 4) == std::string_view("II*\0", 4) ||
      slice(bytes, 0, 4) == std::string_view("MM\0*", 4) ||
      slice(bytes, 0, 4) == std::string_view("II+\0", 4) ||
      slice(bytes, 0, 4) == std::string_view("MM\0+", 4)) {
    return ImageFormat::kTiff;
  }
  if (is_bmp(bytes)) return ImageFormat::kBmp;
  if (slice(bytes, 0, 4) == "RIFF" && slice(bytes, 8, 4) == "WEBP") return ImageFormat::kWebp;
  if (slice(bytes, 0, 4) == "\xC5\xD0\xD3\xC6") return ImageFormat::kEps;  // DOS EPS
  size_t pdf = slice(bytes, 0, kPdfHeaderWindow).find("%PDF-");
  if (pdf == 0 || (pdf != std::string_view::npos && (ext == "pdf" || ext == "ai"))) {
    return ImageFormat::kPdf;
  }
  if (ImageFormat ps = sniff_postscript(bytes, ext); ps != ImageFormat::kUnknown) return ps;
  if (facts::svg_root_offset(bytes) != std::string_view::npos) return ImageFormat::kSvg;
  return ImageFormat::kUnknown;
}

bool looks_like_image(std::string_view bytes, std::string_view name) {
  std::string ext = lower_extension(name);
  if (is_tex_extension(ext)) return false;
  return is_image_extension(ext) || sniff_image_format(bytes, name) != ImageFormat::kUnknown;
}

Result<ImageFacts> read_image_facts(std::string_view bytes, std::string_view name) {
  if (bytes.empty()) return error(ErrorCode::kDecodeFailed, "empty file (0 bytes)");
  if (is_apple_double(bytes)) {
    return error(ErrorCode::kDecodeFailed, "macOS AppleDouble resource fork, not an image");
  }
  ImageFormat format = sniff_image_format(bytes, name);
  Result<ImageFacts> result = error(ErrorCode::kInternal, "unreachable");
  switch (format) {
    case ImageFormat::kPng:
      result = facts::read_png_facts(bytes);
      break;
    case ImageFormat::kJpeg:
      result = facts::read_jpeg_facts(bytes);
      break;
    case ImageFormat::kGif:
      result = facts::read_gif_facts(bytes);
      break;
    case ImageFormat::kTiff:
      result = facts::read_tiff_facts(bytes);
      break;
    case ImageFormat::kBmp:
      result = facts::read_bmp_facts(bytes);
      break;
    case ImageFormat::kWebp:
      result = facts::read_webp_facts(bytes);
      break;
    case ImageFormat::kPdf:
      result = facts::read_pdf_facts(bytes);
      break;
    case ImageFormat::kEps:
    case ImageFormat::kPs:
      result = facts::read_postscript_facts(bytes);
      break;
    case ImageFormat::kSvg:
      result = facts::read_svg_facts(bytes);
      break;
    case ImageFormat::kUnknown: {
      std::string ext = lower_extension(name);
      return error(ErrorCode::kDecodeFailed,
                   "not an image: the content matches no image format" +
                       (ext.empty() ? std::string() : " (named ." + ext + ")"));
    }
  }
  if (!result.ok()) return result;
  result->format = format;
  return result;
}

}  // namespace imagemesh::imaging
