// BMP: the BITMAPFILEHEADER and the DIB header (OS/2 core header or BITMAPINFOHEADER and later).
#include <cstdlib>

#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

Result<ImageFacts> read_bmp_facts(std::string_view bytes) {
  if (bytes.size() < 14 + 12) return error(ErrorCode::kTruncated, "BMP ends inside its header");
  uint32_t dib_size = le32(bytes, 14);
  ImageFacts facts;
  uint32_t bits = 0;
  if (dib_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
    facts.width_px = static_cast<int>(le16(bytes, 18));
    facts.height_px = static_cast<int>(le16(bytes, 20));
    bits = le16(bytes, 24);
  } else if (dib_size >= 40 && dib_size <= 124) {
    if (bytes.size() < 14 + 40) return error(ErrorCode::kTruncated, "BMP ends inside its header");
    int64_t width = static_cast<int32_t>(le32(bytes, 18));
    int64_t height = static_cast<int32_t>(le32(bytes, 22));  // negative: rows stored top-down
    facts.width_px = static_cast<int>(std::min<int64_t>(std::abs(width), 0x7FFFFFFF));
    facts.height_px = static_cast<int>(std::min<int64_t>(std::abs(height), 0x7FFFFFFF));
    bits = le16(bytes, 28);
  } else {
    return error(ErrorCode::kDecodeFailed, "BMP has an unknown DIB header size");
  }
  if (facts.width_px <= 0 || facts.height_px <= 0) {
    return error(ErrorCode::kDecodeFailed, "BMP has a zero size");
  }
  facts.color = bits == 0 ? "" : bits <= 8 ? "palette" : bits == 32 ? "rgba" : "rgb";
  return facts;
}

}  // namespace imagemesh::imaging::facts
