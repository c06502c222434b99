// The explorer's read path into the mesh database: the image catalogue the query engine loads
// into memory once, keyword matches mapped to images, and what one image's detail shows.
// Read-only; one CatalogReader is used by one thread at a time (the engine keeps a pool).
//
// An explorable image is a blob with a web thumbnail (its conversion succeeded); it is shown with
// its first file (the smallest file_id holding its bytes) and that file's paper.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace imagemesh::store {

struct CatalogImage {
  uint32_t ordinal = 0;
  std::string sha256;
  std::string format;
  std::string creator;  // "" when not stated
  int web_width = 0, web_height = 0;
  int64_t file_id = 0;  // the first file holding the image
  std::string paper_id;
  bool in_figure = false;    // that file is included by a figure
  bool has_caption = false;  // ... by a figure or sub-figure with a caption
};

// A paper as the filters see it (paper_info: its arXiv record when there is one).
struct CatalogPaper {
  std::string paper_id;
  std::string date;        // "YYYY-MM-DD", "YYYY-MM", or "" when unknown
  std::string categories;  // space-separated, primary first; "" without a record
  std::string license;     // "CC BY 4.0", "none"; "" without a record
  std::string license_family;
};

// An image file matching a keyword query: the best-scoring file of each image.
// A file holding an explorable image, and that image.
struct ImageFileOrdinal {
  int64_t file_id = 0;
  uint32_t ordinal = 0;
};

// A file document matching a full-text query.
struct FileMatch {
  int64_t file_id = 0;
  double score = 0;  // -bm25 with the column weights of docs/search.md: higher is better
};

// What a result card shows beyond the catalogue's columns.
struct FileCard {
  std::string path;
  std::string title;  // the paper's
  std::string date;
  std::string primary_category;
};

struct ImageFigureUse {
  int figure_order = 0;
  std::string label, caption_text, caption_tex;  // the figure's
  int subfigure_order = 0;                       // 0: included by the figure itself
  std::string subfigure_label, subfigure_caption;
};

struct ImageFile {
  int64_t file_id = 0;
  std::string paper_id, path;
  std::vector<ImageFigureUse> uses;  // figures including it, in reading order
};

struct ImagePaper {
  std::string paper_id, title, authors, abstract, date, categories, license, doi, journal_ref,
      described_by;
};

struct ImageRecord {
  Store::StoredBlob blob;
  int64_t size_bytes = 0;
  int raster_width = 0, raster_height = 0;
  std::vector<ImageFile> files;  // every file holding the image (first 100), first file first
  ImagePaper paper;              // the first file's paper
  // Other explorable images of that paper, in reading order (first figure using them, then path).
  std::vector<uint32_t> siblings;
  std::vector<Store::ModelPrediction> predictions;
};

class CatalogReader {
 public:
  // Opens mesh.db read-only (kNotFound without one; an older schema is refused as
  // Store::open_read_only refuses it).
  [[nodiscard]] static Result<std::unique_ptr<CatalogReader>> open(const std::string& mesh_dir);
  virtual ~CatalogReader() = default;

  // Pages of the catalogue by ordinal: up to `limit` (>= 1) images with ordinal > after_ordinal.
  virtual Result<std::vector<CatalogImage>> list_images(int64_t after_ordinal, int limit) = 0;
  // Pages of papers by id: up to `limit` papers with paper_id > after_paper_id ("" first).
  virtual Result<std::vector<CatalogPaper>> list_papers(const std::string& after_paper_id,
                                                        int limit) = 0;
  // Every prediction of one head model, by ordinal, paged like list_images.
  virtual Result<std::vector<Store::Prediction>> list_predictions(const std::string& model,
                                                                  int64_t after_ordinal,
                                                                  int limit) = 0;
  // Pages of every file holding an explorable image, by file id: up to `limit` (>= 1) files with
  // file_id > after_file_id. The explorer maps keyword matches (files) to images with them.
  virtual Result<std::vector<ImageFileOrdinal>> list_image_files(int64_t after_file_id,
                                                                 int limit) = 0;
  // The image file documents matching the FTS5 query `match` (docs/search.md), ascending file id,
  // including files of images that are not explorable; scored by bm25, or all 0 with kUnscored
  // (a filter needs the set only, and bm25 is ~15x the cost of finding the matches). A malformed
  // query is kInvalidArgument. Only the full-text index is read: joining each match to its image
  // costs ~6x the search for a common word, so callers map files to images in memory
  // (list_image_files).
  enum class Scoring { kBm25, kUnscored };
  virtual Result<std::vector<FileMatch>> keyword_matches(const std::string& match,
                                                         Scoring scoring) = 0;
  // Snippets of `match` in the given files: file_id -> text with matches in [brackets].
  virtual Result<std::unordered_map<int64_t, std::string>> snippets(
      const std::string& match, const std::vector<int64_t>& file_ids) = 0;
  // Images held by any file of these papers (ids without version), ascending.
  virtual Result<std::vector<uint32_t>> images_of_papers(
      const std::vector<std::string>& paper_ids) = 0;
  // The path, paper title and date of each file id that exists.
  virtual Result<std::unordered_map<int64_t, FileCard>> file_cards(
      const std::vector<int64_t>& file_ids) = 0;
  // Everything about one image, or nullopt when no explorable image has this ordinal.
  virtual Result<std::optional<ImageRecord>> image_record(uint32_t ordinal) = 0;
};

}  // namespace imagemesh::store
