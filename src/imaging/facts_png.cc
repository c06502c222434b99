// PNG: IHDR for size and colour type; tEXt/zTXt/iTXt "Software" (else "Creator") for the
// creator; acTL frame count for APNG. Chunks are walked by their lengths, so the walk is linear
// and pixel data (IDAT) is never touched.
#include <algorithm>
#include <optional>
#include <string>

#include "imaging/facts_tiff.h"
#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

constexpr std::string_view kPngSignature("\x89PNG\r\n\x1a\n", 8);
constexpr size_t kMaxTextInflate = 64 * 1024;
constexpr size_t kMaxXmpBytes = 1024 * 1024;

// The text of a tEXt/zTXt/iTXt chunk if its keyword is `key`; nullopt otherwise.
// Text is cleaned and cut to 4 KB unless max_raw is given: then it is returned as is, up to
// max_raw bytes (for XMP packets that are searched, not stored).
std::optional<std::string> chunk_text(std::string_view type, std::string_view data,
                                      std::string_view key, size_t max_raw = 0) {
  auto finish = [max_raw](std::string_view text) {
    return max_raw > 0 ? std::string(slice(text, 0, max_raw)) : clean_text(slice(text, 0, 4096));
  };
  size_t nul = data.find('\0');
  if (nul == std::string_view::npos || !equals_ci(slice(data, 0, nul), key)) return std::nullopt;
  std::string_view rest = slice(data, nul + 1);
  if (type == "tEXt") return finish(rest);
  if (type == "zTXt") {
    if (rest.empty()) return std::nullopt;
    return finish(inflate_capped(slice(rest, 1), kMaxTextInflate));
  }
  // iTXt: compression flag, method, language tag NUL, translated keyword NUL, text.
  if (rest.size() < 2) return std::nullopt;
  bool compressed = rest[0] != 0;
  rest.remove_prefix(2);
  for (int field = 0; field < 2; ++field) {
    size_t end = rest.find('\0');
    if (end == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(end + 1);
  }
  if (compressed) return finish(inflate_capped(rest, std::max(kMaxTextInflate, max_raw)));
  return finish(rest);
}

}  // namespace

Result<ImageFacts> read_png_facts(std::string_view bytes) {
  if (bytes.size() < 8 + 8 + 13) return error(ErrorCode::kTruncated, "PNG ends inside its header");
  if (slice(bytes, 0, 8) != kPngSignature) {
    return error(ErrorCode::kDecodeFailed, "PNG signature is damaged");
  }
  if (be32(bytes, 8) != 13 || slice(bytes, 12, 4) != "IHDR") {
    return error(ErrorCode::kDecodeFailed, "PNG does not start with an IHDR chunk");
  }
  ImageFacts facts;
  uint32_t width = be32(bytes, 16);
  uint32_t height = be32(bytes, 20);
  if (width == 0 || height == 0 || width > 0x7FFFFFFF || height > 0x7FFFFFFF) {
    return error(ErrorCode::kDecodeFailed, "PNG IHDR has an invalid size");
  }
  facts.width_px = static_cast<int>(width);
  facts.height_px = static_cast<int>(height);
  switch (byte_at(bytes, 25)) {
    case 0:
      facts.color = "gray";
      break;
    case 2:
      facts.color = "rgb";
      break;
    case 3:
      facts.color = "palette";
      break;
    case 4:
      facts.color = "graya";
      break;
    case 6:
      facts.color = "rgba";
      break;
    default:
      return error(ErrorCode::kDecodeFailed, "PNG IHDR has an invalid colour type");
  }
  // In order of preference after a "Software" text: eXIf Software, "Creator" text, XMP tool.
  std::string exif_software, creator_key_text, xmp_tool;
  for (size_t at = 8 + 12 + 13; in_range(bytes, at, 8);) {
    uint32_t length = be32(bytes, at);
    std::string_view type = slice(bytes, at + 4, 4);
    if (length > 0x7FFFFFFF || !in_range(bytes, at + 8, length)) break;  // truncated: keep facts
    std::string_view data = slice(bytes, at + 8, length);
    if (type == "IEND") break;
    if (type == "acTL" && length >= 8 && be32(data, 0) > 0) {
      facts.pages = static_cast<int>(std::min<uint32_t>(be32(data, 0), 0x7FFFFFFF));
    }
    if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
      if (facts.creator.empty()) {
        if (auto text = chunk_text(type, data, "Software")) facts.creator = *text;
      }
      if (creator_key_text.empty()) {
        if (auto text = chunk_text(type, data, "Creator")) creator_key_text = *text;
      }
      if (xmp_tool.empty() && type == "iTXt") {
        if (auto text = chunk_text(type, data, "XML:com.adobe.xmp", kMaxXmpBytes)) {
          xmp_tool = xmp_creator_tool(*text);
        }
      }
    }
    if (type == "eXIf" && exif_software.empty()) exif_software = tiff_software(data);
    at += 12 + static_cast<size_t>(length);
  }
  for (const std::string* fallback : {&exif_software, &creator_key_text, &xmp_tool}) {
    if (facts.creator.empty()) facts.creator = *fallback;
  }
  return facts;
}

}  // namespace imagemesh::imaging::facts
