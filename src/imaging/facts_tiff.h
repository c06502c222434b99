// TIFF structure reading shared by TIFF files and EXIF blocks (JPEG APP1, WebP EXIF chunk).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imagemesh::imaging::facts {

inline constexpr uint16_t kTiffTagWidth = 256;
inline constexpr uint16_t kTiffTagHeight = 257;
inline constexpr uint16_t kTiffTagPhotometric = 262;
inline constexpr uint16_t kTiffTagSamplesPerPixel = 277;
inline constexpr uint16_t kTiffTagSoftware = 305;

struct TiffEntry {
  uint16_t tag = 0;
  uint16_t type = 0;
  uint32_t count = 0;
  size_t value_at = 0;  // where the value bytes start in the TIFF buffer (inline or pointed to)
};

// A classic (not Big) TIFF buffer in either byte order. Every read is bounds-checked against the
// buffer; offsets that point outside it make the read fail rather than crash.
class TiffBuffer {
 public:
  // nullopt unless `tiff` starts with "II*\0" or "MM\0*" and holds a first-IFD offset.
  static std::optional<TiffBuffer> open(std::string_view tiff);

  uint32_t first_ifd() const { return u32(4); }
  // Reads the directory at `offset` (at most kMaxEntries entries). False if it lies outside.
  bool read_ifd(uint32_t offset, std::vector<TiffEntry>* entries, uint32_t* next_ifd) const;
  // First value of a SHORT/LONG/BYTE entry, or nullopt.
  std::optional<uint32_t> number(const TiffEntry& entry) const;
  // An ASCII (or UNDEFINED) entry's text up to its first NUL, cleaned; empty if unreadable.
  std::string text(const TiffEntry& entry) const;

  static constexpr size_t kMaxEntries = 1024;

 private:
  TiffBuffer(std::string_view tiff, bool little) : tiff_(tiff), little_(little) {}
  uint32_t u16(size_t at) const;
  uint32_t u32(size_t at) const;

  std::string_view tiff_;
  bool little_;
};

// The Software tag (0x0131) of IFD0 of an EXIF/TIFF block; empty if absent.
std::string tiff_software(std::string_view tiff);

}  // namespace imagemesh::imaging::facts
