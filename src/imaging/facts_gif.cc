// GIF: logical screen size, frame count (image descriptors) and the first comment extension.
// Sub-blocks are skipped by their length bytes, so the walk is linear in the file size.
#include <string>

#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

// Skips a chain of data sub-blocks starting at `at`; appends their bytes to `text` (if given,
// up to 4 KB). Returns the offset after the terminator, or nullopt if the file ends first.
std::optional<size_t> skip_sub_blocks(std::string_view bytes, size_t at, std::string* text) {
  while (in_range(bytes, at, 1)) {
    size_t length = byte_at(bytes, at);
    if (length == 0) return at + 1;
    if (!in_range(bytes, at + 1, length)) return std::nullopt;
    if (text != nullptr && text->size() < 4096) text->append(slice(bytes, at + 1, length));
    at += 1 + length;
  }
  return std::nullopt;
}

size_t color_table_bytes(uint32_t packed) {
  return (packed & 0x80) ? 3u << ((packed & 0x07) + 1) : 0;
}

}  // namespace

Result<ImageFacts> read_gif_facts(std::string_view bytes) {
  if (bytes.size() < 13) return error(ErrorCode::kTruncated, "GIF ends inside its header");
  ImageFacts facts;
  facts.width_px = static_cast<int>(le16(bytes, 6));
  facts.height_px = static_cast<int>(le16(bytes, 8));
  facts.color = "palette";
  size_t at = 13 + color_table_bytes(byte_at(bytes, 10));
  int frames = 0;
  std::string comment;
  bool complete = false;
  while (in_range(bytes, at, 1) && !complete) {
    uint32_t introducer = byte_at(bytes, at);
    std::optional<size_t> next;
    if (introducer == 0x3B) {  // trailer
      complete = true;
      break;
    } else if (introducer == 0x2C) {  // image descriptor, optional local table, LZW data
      if (!in_range(bytes, at, 10)) break;
      if (frames == 0 && (facts.width_px == 0 || facts.height_px == 0)) {
        facts.width_px = static_cast<int>(le16(bytes, at + 5));
        facts.height_px = static_cast<int>(le16(bytes, at + 7));
      }
      size_t data = at + 10 + color_table_bytes(byte_at(bytes, at + 9)) + 1;  // +1: code size
      next = skip_sub_blocks(bytes, data, nullptr);
      if (next) ++frames;
    } else if (introducer == 0x21) {  // extension: label, sub-blocks
      if (!in_range(bytes, at, 2)) break;
      bool is_comment = byte_at(bytes, at + 1) == 0xFE;
      std::string text;
      next = skip_sub_blocks(bytes, at + 2, is_comment ? &text : nullptr);
      if (is_comment && comment.empty()) comment = clean_text(text);
    } else {
      break;  // garbage where a block should start: keep what was read
    }
    if (!next) break;
    at = *next;
  }
  if (frames == 0) {
    return error(complete ? ErrorCode::kDecodeFailed : ErrorCode::kTruncated,
                 complete ? "GIF has no image" : "GIF ends before its first image is complete");
  }
  if (facts.width_px == 0 || facts.height_px == 0) {
    return error(ErrorCode::kDecodeFailed, "GIF has a zero size");
  }
  facts.pages = frames;
  facts.creator = comment;
  return facts;
}

}  // namespace imagemesh::imaging::facts
