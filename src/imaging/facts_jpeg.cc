// JPEG: walks the marker segments up to the first scan. SOFn gives size and components; APP1
// Exif IFD0 Software (either byte order), else APP1 XMP CreatorTool, else a COM comment gives
// the creator. Scan data is never entered, so a JPEG cut inside its scan still has facts.
#include <string>

#include "imaging/facts_tiff.h"
#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

bool is_start_of_frame(uint32_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

constexpr std::string_view kExifHeader("Exif\0\0", 6);
constexpr std::string_view kXmpHeader("http://ns.adobe.com/xap/1.0/\0", 29);

}  // namespace

Result<ImageFacts> read_jpeg_facts(std::string_view bytes) {
  if (bytes.size() < 4 || byte_at(bytes, 0) != 0xFF || byte_at(bytes, 1) != 0xD8) {
    return error(ErrorCode::kTruncated, "JPEG ends inside its header");
  }
  ImageFacts facts;
  std::string exif_software, xmp_tool, comment;
  bool have_frame = false;
  size_t at = 2;
  bool reached_scan = false;
  while (true) {
    while (in_range(bytes, at, 1) && byte_at(bytes, at) == 0xFF) ++at;  // fill bytes
    if (!in_range(bytes, at, 1)) break;
    uint32_t marker = byte_at(bytes, at++);
    if (marker == 0xD9 || marker == 0xDA) {  // end of image, start of scan
      reached_scan = true;
      break;
    }
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no payload
    if (!in_range(bytes, at, 2)) break;
    uint32_t length = be16(bytes, at);
    if (length < 2) return error(ErrorCode::kDecodeFailed, "JPEG segment has an invalid length");
    if (!in_range(bytes, at, length)) break;
    std::string_view payload = slice(bytes, at + 2, length - 2);
    at += length;
    if (is_start_of_frame(marker) && !have_frame) {
      if (payload.size() < 6) return error(ErrorCode::kDecodeFailed, "JPEG frame header is short");
      facts.height_px = static_cast<int>(be16(payload, 1));
      facts.width_px = static_cast<int>(be16(payload, 3));
      uint32_t components = byte_at(payload, 5);
      facts.color = components == 1   ? "gray"
                    : components == 3 ? "rgb"
                    : components == 4 ? "cmyk"
                                      : "";  // 4: CMYK or YCCK
      have_frame = true;
    } else if (marker == 0xE1 && slice(payload, 0, 6) == kExifHeader && exif_software.empty()) {
      exif_software = tiff_software(slice(payload, 6));
    } else if (marker == 0xE1 && slice(payload, 0, kXmpHeader.size()) == kXmpHeader) {
      if (xmp_tool.empty()) xmp_tool = xmp_creator_tool(slice(payload, kXmpHeader.size()));
    } else if (marker == 0xFE && comment.empty()) {
      comment = clean_text(slice(payload, 0, 4096));
    }
  }
  if (!have_frame && reached_scan) {
    return error(ErrorCode::kDecodeFailed, "JPEG has no frame header before its scan");
  }
  if (!have_frame) return error(ErrorCode::kTruncated, "JPEG ends before its frame header");
  if (facts.width_px == 0 || facts.height_px == 0) {
    return error(ErrorCode::kUnsupported, "JPEG frame header has a zero size (DNL-defined height)");
  }
  facts.creator = !exif_software.empty() ? exif_software : !xmp_tool.empty() ? xmp_tool : comment;
  return facts;
}

}  // namespace imagemesh::imaging::facts
