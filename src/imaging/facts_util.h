// Internal helpers shared by the per-format fact readers: bounds-checked integer reads, text
// cleanup for creator strings, capped inflate and the per-format reader entry points.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/compression.h"
#include "core/status.h"
#include "imaging/image_facts.h"

namespace imagemesh::imaging::facts {

// Longest creator string we keep (bytes of UTF-8); longer values are cut at a character boundary.
inline constexpr size_t kMaxCreatorBytes = 256;

// True if bytes[offset, offset + count) lies inside `bytes` (overflow-safe).
inline bool in_range(std::string_view bytes, size_t offset, size_t count) {
  return offset <= bytes.size() && count <= bytes.size() - offset;
}

// text.substr(pos, count) that yields an empty view instead of throwing when pos is past the end.
inline std::string_view slice(std::string_view text, size_t pos,
                              size_t count = std::string_view::npos) {
  return pos >= text.size() ? std::string_view() : text.substr(pos, count);
}

// Unsigned reads; the caller checks in_range first.
inline uint32_t byte_at(std::string_view b, size_t i) { return static_cast<unsigned char>(b[i]); }
inline uint32_t be16(std::string_view b, size_t i) {
  return byte_at(b, i) << 8 | byte_at(b, i + 1);
}
inline uint32_t le16(std::string_view b, size_t i) {
  return byte_at(b, i + 1) << 8 | byte_at(b, i);
}
inline uint32_t be32(std::string_view b, size_t i) { return be16(b, i) << 16 | be16(b, i + 2); }
inline uint32_t le32(std::string_view b, size_t i) { return le16(b, i + 2) << 16 | le16(b, i); }
inline uint32_t le24(std::string_view b, size_t i) { return byte_at(b, i + 2) << 16 | le16(b, i); }

bool starts_with_ci(std::string_view text, std::string_view prefix);
bool equals_ci(std::string_view a, std::string_view b);
std::string_view trim(std::string_view text);

// Creator text as stored: valid UTF-8 (bytes that are not UTF-8 are read as Latin-1), control
// characters dropped, whitespace runs folded, trimmed, at most kMaxCreatorBytes.
std::string clean_text(std::string_view raw);

// Capped inflate: core/compression.h.
using ::imagemesh::inflate_capped;

// The XMP packet tools write the producing software into: xmp:CreatorTool, else pdf:Producer
// (element or attribute form). Empty if none.
std::string xmp_creator_tool(std::string_view xmp);

// The PostScript text of a PS/EPS file, as both the fact reader and Ghostscript need it: a DOS EPS
// (binary header C5 D0 D3 C6) reduced to its PostScript section, and leading ^D, blanks and a UTF-8
// BOM dropped so that the text starts with "%!". Errors: kTruncated for a cut DOS EPS header or a
// section past the end, kDecodeFailed when there is no "%!" header.
Result<std::string_view> postscript_section(std::string_view bytes);

// The four numbers of a DSC box value ("0 0 612 792", "+1.5 2 3 4"), or nullopt.
std::optional<std::array<double, 4>> parse_box_numbers(std::string_view value);

// Per-format readers. `bytes` is the whole file; each fills every field it knows except format.
Result<ImageFacts> read_png_facts(std::string_view bytes);
Result<ImageFacts> read_jpeg_facts(std::string_view bytes);
Result<ImageFacts> read_gif_facts(std::string_view bytes);
Result<ImageFacts> read_tiff_facts(std::string_view bytes);
Result<ImageFacts> read_bmp_facts(std::string_view bytes);
Result<ImageFacts> read_webp_facts(std::string_view bytes);
Result<ImageFacts> read_pdf_facts(std::string_view bytes);
Result<ImageFacts> read_postscript_facts(std::string_view bytes);
Result<ImageFacts> read_svg_facts(std::string_view bytes);

// Offset of the root "<svg" element of an SVG/XML text, after the prolog (XML declaration,
// comments, processing instructions, a DOCTYPE with its internal subset, which is skipped and
// never interpreted); npos if the first element is not svg. Looks at most 1 MB into the text.
size_t svg_root_offset(std::string_view text);

}  // namespace imagemesh::imaging::facts
