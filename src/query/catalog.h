// The image catalogue in memory: one row per explorable image (store/catalog_reader.h), as
// columns of small integers, and the papers they belong to. Loaded once when the explorer starts
// (about 70 bytes per image, 8 per file holding one and 40 per paper), read-only afterwards, so any
// number of queries scan it concurrently. Filters and facets are scans of these columns.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "query/dictionary.h"
#include "store/catalog_reader.h"

namespace imagemesh::query {

inline constexpr uint32_t kNoCode = std::numeric_limits<uint32_t>::max();

struct CatalogPaperRow {
  std::string id;
  int32_t date = 0;  // YYYYMMDD; a month-only date is YYYYMM00; 0 unknown
  uint32_t primary_category = kNoCode;
  uint32_t primary_archive = kNoCode;
  uint32_t categories_begin = 0, categories_end = 0;  // range of Catalog::paper_categories
  uint32_t license = kNoCode, license_family = kNoCode;
};

class Catalog {
 public:
  // Reads every image, paper and the predictions of the two heads (names may be "").
  [[nodiscard]] static Result<Catalog> load(store::CatalogReader& reader,
                                            const std::string& figure_type_model,
                                            const std::string& cluster_model);

  size_t size() const { return ordinal.size(); }
  // The row of an image ordinal, or nullopt.
  std::optional<size_t> row_of(uint32_t image) const {
    if (image >= row_by_ordinal_.size() || row_by_ordinal_[image] < 0) return std::nullopt;
    return static_cast<size_t>(row_by_ordinal_[image]);
  }
  std::string sha256_hex(size_t row) const;
  // The row of the image a file holds (keyword matches name files), or nullopt when the file
  // holds no explorable image.
  std::optional<size_t> row_of_file(int64_t file) const;

  // Per image (row), ascending ordinal.
  std::vector<uint32_t> ordinal;
  std::vector<uint32_t> paper;  // row in `papers`, kNoCode when the paper is unknown
  std::vector<int64_t> file_id;
  std::vector<std::array<uint8_t, 32>> sha256;
  std::vector<uint32_t> format;   // code in formats
  std::vector<uint32_t> creator;  // code in creators (raw text); creator_family[code] groups them
  std::vector<uint8_t> flags;     // kInFigure | kHasCaption
  std::vector<uint16_t> web_width, web_height;
  std::vector<uint32_t> figure_type, cluster;  // code in prediction_labels, kNoCode when none

  static constexpr uint8_t kInFigure = 1, kHasCaption = 2;

  std::vector<CatalogPaperRow> papers;
  std::vector<uint32_t> paper_categories;     // category codes, CatalogPaperRow ranges
  std::vector<uint32_t> archive_of_category;  // category code -> archive code

  Dictionary formats, creators, creator_families, categories, archives, licenses, prediction_labels;
  std::vector<uint32_t> creator_family;  // creator code -> family code

 private:
  [[nodiscard]] static Status load_image_files(store::CatalogReader& reader, Catalog& catalog);

  std::vector<int32_t> row_by_ordinal_;
  // Every file holding an explorable image, ascending file id (ids past 2^32 are refused at load;
  // the whole arXiv has tens of millions of files), and that image's row: 8 bytes per file.
  std::vector<uint32_t> image_file_ids_;
  std::vector<uint32_t> image_file_rows_;
};

// "matplotlib version 3.1.1, http://matplotlib.org/" -> "matplotlib"; "GPL Ghostscript 9.26" ->
// "GPL Ghostscript": the leading words before a version, comma or bracket; "" stays "".
std::string creator_family_of(const std::string& creator);

// "2019-03-14" -> 20190314, "2019-03" -> 20190300, "2019" -> 20190000; nullopt when malformed.
std::optional<int32_t> parse_date(const std::string& text);

}  // namespace imagemesh::query
