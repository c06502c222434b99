// The explorer's query engine: what `imagemesh serve` answers, without HTTP (docs/api.md is the
// wire form of these types; docs/explorer.md explains the semantics).
//
// An *image* is one distinct file content (a blob, named by its ordinal, the row of every vector
// file) that has a web thumbnail. Its paper, date, categories, licence, file name and caption come
// from its first file (the smallest file id: the first paper that holds it); the `paper` filter
// alone matches any paper that holds the image, so a figure reused across papers is found under
// each of them.
//
// Open once: the engine reads the image catalogue into memory (columns per image, papers and
// dictionaries of categories, formats, creators, licences, predictions), maps every embedding's
// vectors and loads its index. Every const method may then run concurrently from many threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace imagemesh::query {

// Inclusive calendar bounds on the paper's date (its v1 date, or the id's month when the mesh has
// no metadata record): "2019", "2019-03" or "2019-03-14". "" = unbounded.
struct DateRange {
  std::string from, to;
};

// Every filter is optional (empty = no constraint) and all of them combine with AND; a list is
// "any of". Text filters are FTS5 queries on one column of the search index (docs/search.md).
struct Filters {
  std::vector<std::string> archives;    // "cs", "hep-ph", "astro-ph"
  std::vector<std::string> categories;  // "cs.CV", "hep-ph"
  bool primary_only = true;             // false: any listed category / archive counts
  DateRange dates;
  std::vector<std::string> formats;       // blob formats: "png", "pdf", "eps", ...
  std::string creator;                    // case-insensitive substring of the creator software
  std::vector<std::string> figure_types;  // labels of the figure-type head ("diagram", ...)
  std::vector<std::string> clusters;      // labels of the cluster head ("0" .. "k-1")
  std::optional<bool> has_caption;        // the image is in a figure with a caption
  std::optional<bool> in_figure;          // included by a figure (false: an unused image file)
  std::vector<std::string> licenses;      // licence names or families ("CC BY", "none")
  std::vector<std::string> paper_ids;     // "1305.5590", "hep-ph/0107222" (no version)
  std::string author, title, caption, abstract;  // FTS5 text, one column each

  bool empty() const;
};

// What a query asks. The mode follows from what is given:
//   nothing            -> random   (a seeded shuffle of the matching images)
//   keywords           -> keyword  (ranked by bm25, with snippets)
//   examples or upload -> similar  (ranked by similarity under `embedding`)
//   keywords + similar -> keyword+similar (the keyword matches, ranked by similarity)
struct Query {
  std::string keywords;             // FTS5 over every column
  std::vector<uint32_t> positives;  // image ids: "more like these"
  std::vector<uint32_t> negatives;  // image ids: "less like these" (needs a positive or upload)
  // The bytes of an uploaded image (PNG, JPEG, GIF, WebP, TIFF, BMP, PDF, SVG): embedded in memory
  // under `embedding`, never written anywhere.
  std::string upload;
  std::string embedding;  // "" = the default (the first available in catalogue order)
  uint64_t seed = 1;      // random mode
  Filters filters;
  // Force the exact scan of the matching images instead of the per-query choice (slower, for
  // checking the approximate path).
  bool exact = false;
  int offset = 0;  // >= 0
  int limit = 50;  // kMinPageSize .. kMaxPageSize
  bool facets = false;
};

inline constexpr int kMinPageSize = 10;
inline constexpr int kMaxPageSize = 200;
// Similar-search ranks at most this many images (offset + limit): deeper pages are refused.
inline constexpr int kMaxRank = 10000;

// The card of one image in a result page: what the grid needs, without another request.
struct ImageSummary {
  uint32_t id = 0;
  std::string sha256;
  std::string paper_id;
  std::string title;     // the paper's
  std::string date;      // "2013-05-23" or "2013-05"
  std::string category;  // primary category ("" unknown)
  std::string format;
  std::string path;  // file name inside the paper
  int web_width = 0, web_height = 0;
  std::string figure_type;  // the figure-type head's label, "" when none
};

struct Hit {
  ImageSummary image;
  std::optional<float> similarity;  // similar modes: inner product of unit vectors (cosine)
  std::optional<double> score;      // keyword mode: -bm25, higher is better
  std::string snippet;              // keyword modes: best matching text, matches in [brackets]
};

struct FacetValue {
  std::string value;  // what the filter takes ("cs.CV", "2019", "png")
  std::string label;  // human-readable ("Computer Vision and Pattern Recognition")
  int64_t count = 0;
};

// Images per value among the images matching the query with that facet's own filter left out
// (so the counts say what choosing another value would give), most first; years by year.
struct Facets {
  std::vector<FacetValue> archive, category, year, format, figure_type, cluster, license, creator;
};

struct Results {
  std::string mode;       // "random", "keyword", "similar", "keyword+similar"
  std::string embedding;  // similar modes: the embedding used
  // How the ranking was made: "shuffle" (random), "fts" (keyword), or the vector search's
  // "exact", "ann", "ann+widened" (index/vector_index.h).
  std::string strategy;
  int64_t total = 0;  // images matching the keywords and filters (all of them, not the page)
  int offset = 0;
  std::vector<Hit> hits;
  std::optional<Facets> facets;
  double millis = 0;  // time spent in the engine
};

// The same similar query under every embedding, with how far their neighbour sets agree.
struct Comparison {
  struct Column {
    std::string embedding;
    std::string strategy;  // "unavailable" when the embedding could not answer
    std::string error;     // why not (e.g. an example without a vector under it)
    std::vector<Hit> hits;
  };
  std::vector<Column> columns;
  // overlap[i][j]: images in both columns i and j (|A ∩ B|); the diagonal is each column's size.
  std::vector<std::vector<int>> overlap;
  int64_t total = 0;
  double millis = 0;
};

struct FigureUse {
  int figure_order = 0;                          // 1-based reading order in the paper
  std::string label, caption_text, caption_tex;  // the figure's
  int subfigure_order = 0;                       // 0: included by the figure itself
  std::string subfigure_label, subfigure_caption;
};

struct Occurrence {
  std::string paper_id, path;
  std::vector<FigureUse> figures;  // empty: an unused image file
};

struct PaperDetail {
  std::string id, title, authors, abstract, date, license, doi, journal_ref, described_by;
  std::vector<std::pair<std::string, std::string>> categories;  // code, name; primary first
};

struct ImageDetail {
  ImageSummary summary;
  std::string creator, color;
  int64_t size_bytes = 0;
  std::optional<int64_t> width_px, height_px, pages;
  int raster_width = 0, raster_height = 0;
  std::vector<std::pair<std::string, std::pair<std::string, float>>>
      predictions;                      // model, label, p
  std::vector<Occurrence> occurrences;  // first = the one the image is shown with
  PaperDetail paper;
  std::vector<ImageSummary> siblings;  // other images of the same paper, in reading order
};

struct EmbeddingInfo {
  std::string name;
  uint32_t dimension = 0;
  uint64_t images = 0;
  bool uploads = false;  // the model's weights are present, so an uploaded image can be embedded
  std::string summary;
};

struct MeshInfo {
  uint64_t images = 0, papers = 0;
  std::vector<EmbeddingInfo> embeddings;         // catalogue order; the first is the default
  std::string figure_type_model, cluster_model;  // "" when not trained/applied
  size_t max_upload_bytes = 0;
};

struct EngineOptions {
  std::string mesh_dir;
  std::filesystem::path model_dir;  // weights for embedding uploads ("" = embed's default)
  size_t max_upload_bytes = 16 << 20;
  int connections = 4;  // read-only database connections (keyword search, details)
  // Filtered similar-searches over at most this many images scan them exactly; larger sets are
  // searched in the graph and post-filtered (index::FilterOptions::exact_max_ids, measured switch
  // point). nullopt keeps the index's default; tests lower it to exercise the graph path.
  std::optional<size_t> exact_scan_max_ids;
  // Recent keyword matches kept (query/keyword_cache.h): at most this many bytes.
  size_t keyword_cache_bytes = 256 << 20;
};

class Engine {
 public:
  // kNotFound without a mesh; an empty mesh opens (and answers with nothing).
  [[nodiscard]] static Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  virtual ~Engine() = default;

  virtual const MeshInfo& info() const = 0;

  // kInvalidArgument for a bad page, an unknown embedding or image id, a negative without a
  // positive, a malformed FTS query or date (the message names the parameter); for uploads
  // kTooLarge (over max_upload_bytes or the pixel limit), kUnsupported (EPS/PS, unknown bytes, or
  // an embedding whose weights are absent) and kDecodeFailed.
  [[nodiscard]] virtual Result<Results> run(const Query& query) const = 0;
  // Facet counts and the total only (no ranking).
  [[nodiscard]] virtual Result<Results> count(const Query& query) const = 0;
  // `query` must be a similar query; runs it under every embedding with query.limit hits each.
  [[nodiscard]] virtual Result<Comparison> compare(const Query& query) const = 0;
  // kNotFound for an unknown id.
  [[nodiscard]] virtual Result<ImageDetail> detail(uint32_t id) const = 0;
  // The thumbnail file of an image by sha256: kind "web" (WebP) or "raster" (JPEG); kNotFound
  // when the mesh has no such file. The path is inside the mesh folder.
  [[nodiscard]] virtual Result<std::filesystem::path> thumbnail(std::string_view sha256,
                                                                std::string_view kind) const = 0;
};

}  // namespace imagemesh::query
