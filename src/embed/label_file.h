// Hand labels for the ternary head: a CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or
// LF line ends, a UTF-8 BOM tolerated) with a header row naming at least
//   an image column: `sha256` (64 hex digits), `ordinal` / `blob_ordinal` (the blob ordinal), or
//                    `image` (either of the two, told apart by their form), and
//   `label`:         diagram | sensor | mixed (case-insensitive).
// Other columns are ignored (tests/data/labels/figure_types.csv has paper_id, path, note).
// Rows with a bad label or image id are skipped and reported with their line numbers; they are
// counted warnings, not errors. A missing header column is an error (kParse).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "embed/weak_labels.h"

namespace imagemesh::embed {

struct LabelRow {
  int line = 0;                     // 1-based line where the row starts
  std::string sha256;               // lowercase; empty when the row names an ordinal
  std::optional<uint32_t> ordinal;  // when the row names an ordinal
  FigureType label = FigureType::kDiagram;
};

struct LabelFile {
  std::vector<LabelRow> rows;
  int bad_labels = 0;  // rows skipped: the label is not a class
  int bad_images = 0;  // rows skipped: the image id is neither a sha256 nor an ordinal
  int duplicates = 0;  // rows skipped: the image was labelled on an earlier line
  std::vector<std::string> warnings;  // "labels.csv:12: unknown label 'photo'", the first 50
};

inline constexpr size_t kMaxLabelWarnings = 50;

[[nodiscard]] Result<LabelFile> parse_label_csv(std::string_view text, std::string_view origin);
// kNotFound / kIo for the file, then as parse_label_csv.
[[nodiscard]] Result<LabelFile> read_label_csv(const std::filesystem::path& path);

// Adds a warning to `file` (kept when fewer than kMaxLabelWarnings are).
void add_label_warning(LabelFile& file, std::string warning);

}  // namespace imagemesh::embed
