#include "imaging/facts_tiff.h"

#include <unordered_set>

#include "imaging/facts_util.h"

namespace imagemesh::imaging::facts {

namespace {

size_t type_size(uint16_t type) {
  switch (type) {
    case 1:
    case 2:
    case 6:
    case 7:
      return 1;  // BYTE ASCII SBYTE UNDEFINED
    case 3:
    case 8:
      return 2;  // SHORT SSHORT
    case 4:
    case 9:
    case 11:
    case 13:
      return 4;  // LONG SLONG FLOAT IFD
    case 5:
    case 10:
    case 12:
      return 8;  // RATIONAL SRATIONAL DOUBLE
    default:
      return 0;
  }
}

// A TIFF needs no more directories than this; more means a crafted chain.
constexpr int kMaxDirectories = 100000;

}  // namespace

std::optional<TiffBuffer> TiffBuffer::open(std::string_view tiff) {
  if (tiff.size() < 8) return std::nullopt;
  if (slice(tiff, 0, 4) == std::string_view("II*\0", 4)) return TiffBuffer(tiff, true);
  if (slice(tiff, 0, 4) == std::string_view("MM\0*", 4)) return TiffBuffer(tiff, false);
  return std::nullopt;
}

uint32_t TiffBuffer::u16(size_t at) const {
  if (!in_range(tiff_, at, 2)) return 0;
  return little_ ? le16(tiff_, at) : be16(tiff_, at);
}

uint32_t TiffBuffer::u32(size_t at) const {
  if (!in_range(tiff_, at, 4)) return 0;
  return little_ ? le32(tiff_, at) : be32(tiff_, at);
}

bool TiffBuffer::read_ifd(uint32_t offset, std::vector<TiffEntry>* entries,
                          uint32_t* next_ifd) const {
  entries->clear();
  if (offset < 8 || !in_range(tiff_, offset, 2)) return false;
  size_t count = u16(offset);
  if (!in_range(tiff_, offset + 2, count * 12 + 4)) return false;
  for (size_t i = 0; i < count && i < kMaxEntries; ++i) {
    size_t at = offset + 2 + i * 12;
    TiffEntry entry;
    entry.tag = static_cast<uint16_t>(u16(at));
    entry.type = static_cast<uint16_t>(u16(at + 2));
    entry.count = u32(at + 4);
    uint64_t bytes = static_cast<uint64_t>(type_size(entry.type)) * entry.count;
    entry.value_at = bytes <= 4 ? at + 8 : u32(at + 8);
    entries->push_back(entry);
  }
  *next_ifd = u32(offset + 2 + count * 12);
  return true;
}

std::optional<uint32_t> TiffBuffer::number(const TiffEntry& entry) const {
  if (entry.count == 0) return std::nullopt;
  switch (entry.type) {
    case 1:
      if (!in_range(tiff_, entry.value_at, 1)) return std::nullopt;
      return byte_at(tiff_, entry.value_at);
    case 3:
      if (!in_range(tiff_, entry.value_at, 2)) return std::nullopt;
      return u16(entry.value_at);
    case 4:
      if (!in_range(tiff_, entry.value_at, 4)) return std::nullopt;
      return u32(entry.value_at);
    default:
      return std::nullopt;
  }
}

std::string TiffBuffer::text(const TiffEntry& entry) const {
  if ((entry.type != 2 && entry.type != 7 && entry.type != 1) || entry.value_at >= tiff_.size()) {
    return "";
  }
  std::string_view value = slice(tiff_, entry.value_at, entry.count);
  value = slice(value, 0, value.find('\0'));
  return clean_text(slice(value, 0, 4096));
}

std::string tiff_software(std::string_view tiff) {
  std::optional<TiffBuffer> buffer = TiffBuffer::open(tiff);
  if (!buffer) return "";
  std::vector<TiffEntry> entries;
  uint32_t next = 0;
  if (!buffer->read_ifd(buffer->first_ifd(), &entries, &next)) return "";
  for (const TiffEntry& entry : entries) {
    if (entry.tag == kTiffTagSoftware) return buffer->text(entry);
  }
  return "";
}

Result<ImageFacts> read_tiff_facts(std::string_view bytes) {
  if (bytes.size() >= 4 && (slice(bytes, 0, 4) == std::string_view("II+\0", 4) ||
                            slice(bytes, 0, 4) == std::string_view("MM\0+", 4))) {
    return error(ErrorCode::kUnsupported, "BigTIFF is not supported");
  }
  std::optional<TiffBuffer> buffer = TiffBuffer::open(bytes);
  if (!buffer) return error(ErrorCode::kTruncated, "TIFF header is cut short");
  std::vector<TiffEntry> entries;
  uint32_t next = 0;
  if (!buffer->read_ifd(buffer->first_ifd(), &entries, &next)) {
    return error(ErrorCode::kTruncated, "TIFF first directory lies outside the file");
  }
  ImageFacts facts;
  uint32_t photometric = 99;
  uint32_t samples = 1;
  for (const TiffEntry& entry : entries) {
    std::optional<uint32_t> value = buffer->number(entry);
    if (entry.tag == kTiffTagWidth && value)
      facts.width_px = static_cast<int>(std::min<uint32_t>(*value, 0x7FFFFFFF));
    if (entry.tag == kTiffTagHeight && value)
      facts.height_px = static_cast<int>(std::min<uint32_t>(*value, 0x7FFFFFFF));
    if (entry.tag == kTiffTagPhotometric && value) photometric = *value;
    if (entry.tag == kTiffTagSamplesPerPixel && value) samples = *value;
    if (entry.tag == kTiffTagSoftware) facts.creator = buffer->text(entry);
  }
  if (facts.width_px <= 0 || facts.height_px <= 0) {
    return error(ErrorCode::kDecodeFailed, "TIFF first directory has no image width/height");
  }
  switch (photometric) {
    case 0:
    case 1:
      facts.color = samples >= 2 ? "graya" : "gray";
      break;
    case 2:
    case 6:
      facts.color = samples >= 4 ? "rgba" : "rgb";
      break;
    case 3:
      facts.color = "palette";
      break;
    case 5:
      facts.color = "cmyk";
      break;
    default:
      break;
  }
  // Counts the directory chain; a loop (an offset seen before) or a bad offset ends it.
  std::unordered_set<uint32_t> seen = {buffer->first_ifd()};
  int pages = 1;
  while (next != 0 && pages < kMaxDirectories && seen.insert(next).second &&
         buffer->read_ifd(next, &entries, &next)) {
    ++pages;
  }
  facts.pages = pages;
  return facts;
}

}  // namespace imagemesh::imaging::facts
