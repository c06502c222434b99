// WebP: the RIFF chunk list. VP8 (lossy), VP8L (lossless) and VP8X (extended) give the size;
// ANMF chunks count animation frames; an EXIF chunk's Software or XMP CreatorTool the creator.
#include <string>

#include "imaging/facts_tiff.h"
#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

constexpr int kMaxChunks = 100000;

Status read_first_chunk_size(std::string_view type, std::string_view data, ImageFacts* facts) {
  if (type == "VP8 ") {
    if (data.size() < 10) return error(ErrorCode::kTruncated, "WebP VP8 header is cut short");
    if (slice(data, 3, 3) != "\x9d\x01\x2a") {
      return error(ErrorCode::kDecodeFailed, "WebP VP8 start code is missing");
    }
    facts->width_px = static_cast<int>(le16(data, 6) & 0x3FFF);
    facts->height_px = static_cast<int>(le16(data, 8) & 0x3FFF);
    facts->color = "rgb";
  } else if (type == "VP8L") {
    if (data.size() < 5) return error(ErrorCode::kTruncated, "WebP VP8L header is cut short");
    if (byte_at(data, 0) != 0x2F) {
      return error(ErrorCode::kDecodeFailed, "WebP VP8L signature is missing");
    }
    uint32_t bits = le32(data, 1);
    facts->width_px = static_cast<int>((bits & 0x3FFF) + 1);
    facts->height_px = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
    facts->color = (bits >> 28) & 1 ? "rgba" : "rgb";
  } else if (type == "VP8X") {
    if (data.size() < 10) return error(ErrorCode::kTruncated, "WebP VP8X header is cut short");
    facts->width_px = static_cast<int>(le24(data, 4) + 1);
    facts->height_px = static_cast<int>(le24(data, 7) + 1);
    facts->color = byte_at(data, 0) & 0x10 ? "rgba" : "rgb";
  } else {
    return error(ErrorCode::kDecodeFailed, "WebP does not start with a VP8/VP8L/VP8X chunk");
  }
  return Status::Ok();
}

}  // namespace

Result<ImageFacts> read_webp_facts(std::string_view bytes) {
  if (bytes.size() < 12 + 8) return error(ErrorCode::kTruncated, "WebP ends inside its header");
  ImageFacts facts;
  int frames = 0;
  std::string exif_software, xmp_tool;
  bool first = true;
  size_t at = 12;
  for (int chunk = 0; chunk < kMaxChunks && in_range(bytes, at, 8); ++chunk) {
    std::string_view type = slice(bytes, at, 4);
    uint32_t length = le32(bytes, at + 4);
    // A chunk cut short still counts for its header fields (the size chunk comes first).
    std::string_view data = slice(bytes, at + 8, length);
    if (first) {
      IM_RETURN_IF_ERROR(read_first_chunk_size(type, data, &facts));
      first = false;
    }
    if (type == "ANMF") ++frames;
    if (type == "EXIF" && exif_software.empty()) {
      exif_software = tiff_software(
          slice(data, 0, 6) == std::string_view("Exif\0\0", 6) ? slice(data, 6) : data);
    }
    if (type == "XMP " && xmp_tool.empty()) xmp_tool = xmp_creator_tool(data);
    if (!in_range(bytes, at + 8, length)) break;
    at += 8 + static_cast<size_t>(length) + (length & 1);  // chunks are padded to even sizes
  }
  if (first) return error(ErrorCode::kTruncated, "WebP ends inside its header");
  if (facts.width_px <= 0 || facts.height_px <= 0) {
    return error(ErrorCode::kDecodeFailed, "WebP has a zero size");
  }
  if (frames > 0) facts.pages = frames;
  facts.creator = !exif_software.empty() ? exif_software : xmp_tool;
  return facts;
}

}  // namespace imagemesh::imaging::facts
