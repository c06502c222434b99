// The mesh database: one SQLite file (WAL) in the mesh folder holding papers, files, image blobs,
// figures, sub-figures, figure->file links, unresolved references, runs and per-item errors, arXiv
// metadata records, and one FTS5 index over every image's text. Schema: docs/schema.md. The only
// module that speaks SQL.
//
// Threading: a Store is used by one thread at a time (the pipeline's writer thread). Readers in
// other processes see committed batches only (WAL).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "store/records.h"

namespace imagemesh::store {

// What write_papers() did with one paper.
enum class WriteOutcome {
  kInserted,      // new paper
  kReplaced,      // an older version (or an older ingest of the same id) was replaced
  kKeptExisting,  // the stored version is newer; this record was not written
  kUnchanged,     // the same source (key and sha256) was already stored
};

class Store {
 public:
  // Opens or creates `mesh_dir`/mesh.db (creating the folder), applies the schema, enables WAL.
  static Result<std::unique_ptr<Store>> open(const std::string& mesh_dir);
  // Read-only open for export/search; fails with kNotFound if there is no mesh.db.
  static Result<std::unique_ptr<Store>> open_read_only(const std::string& mesh_dir);
  virtual ~Store() = default;

  // Sources already consumed (successfully or as a recorded failure): source_key -> sha256.
  // Read once at the start of a run so workers can skip them without touching the database.
  virtual Result<std::unordered_map<std::string, std::string>> consumed_sources() = 0;

  // What thumbnail conversion has done so far, read once at the start of a run.
  struct ConversionState {
    std::unordered_map<std::string, bool> converted;  // blob sha256 -> last attempt succeeded
    // Source keys of papers that hold an image blob never converted (e.g. ingested with
    // --no-convert): a run that converts reads them again.
    std::unordered_set<std::string> sources_unconverted;
    // Source keys of papers that hold a blob whose conversion failed (--retry-failed re-reads
    // them).
    std::unordered_set<std::string> sources_with_failures;
  };
  virtual Result<ConversionState> conversion_state() = 0;

  virtual Result<int64_t> begin_run(const std::string& command_line) = 0;
  virtual Status finish_run(int64_t run_id, const std::string& summary_json) = 0;

  // Writes papers in ONE transaction (all or nothing, which is what makes a killed run resumable).
  // Per paper: replaces every row of an older version of the same paper id; records the source as
  // consumed; records its problems as errors of `run_id`. `outcomes` receives one entry per paper.
  virtual Status write_papers(int64_t run_id, const std::vector<PaperRecord>& papers,
                              const std::vector<SourceFailure>& failures,
                              std::vector<WriteOutcome>* outcomes) = 0;

  // Records an error that belongs to no single source (e.g. a bulk tar truncated, a manifest
  // mismatch). Idempotent on (source, item, kind).
  virtual Status record_error(int64_t run_id, const std::string& source,
                              const ItemError& error) = 0;

  // Exports as JSON lines or CSV to `out` (see docs/export.md). `what` is "figures", "images",
  // "papers", "metadata" or "errors"; `format` is "jsonl" or "csv"; anything else is
  // kInvalidArgument naming the valid values. Rows are ordered by paper id then position, so two
  // databases with the same content export identical bytes.
  virtual Status export_rows(const std::string& what, const std::string& format,
                             std::ostream& out) = 0;

  // Counts for summaries and tests.
  struct Counts {
    int64_t papers = 0, files = 0, image_files = 0, blobs = 0, figures = 0, subfigures = 0,
            captions = 0, subfigure_captions = 0, graphics = 0, graphics_resolved = 0, errors = 0;
    std::vector<std::pair<std::string, int64_t>> images_by_format;  // by blob format, files counted
    std::vector<std::pair<std::string, int64_t>> errors_by_kind;
  };
  virtual Result<Counts> counts() = 0;

  // --- arXiv metadata (docs/metadata.md) ---

  // What write_metadata() did, record by record (added to, so one struct can sum many batches).
  struct MetadataWriteCounts {
    int64_t inserted = 0;          // a paper id seen for the first time
    int64_t updated = 0;           // replaced an older (or less complete) stored record
    int64_t unchanged = 0;         // the identical record was already stored
    int64_t kept_stored = 0;       // the stored one is newer or more complete: this one not written
    int64_t deleted = 0;           // of inserted + updated: deletions (tombstones)
    int64_t papers_reindexed = 0;  // papers in the mesh whose search documents changed
    MetadataWriteCounts& operator+=(const MetadataWriteCounts& other) {
      inserted += other.inserted;
      updated += other.updated;
      unchanged += other.unchanged;
      kept_stored += other.kept_stored;
      deleted += other.deleted;
      papers_reindexed += other.papers_reindexed;
      return *this;
    }
  };

  // Where an OAI-PMH harvest got to. `harvest_key` names the list (endpoint and request);
  // `token` is the resumption token to continue with, "" once `complete`.
  struct HarvestCheckpoint {
    std::string harvest_key, endpoint, request, token;
    int64_t pages = 0, records = 0;
    bool complete = false;
  };

  // Writes metadata records in ONE transaction, with `checkpoint` (optional) in the same one, so
  // a harvest killed at any point resumes from a token whose records are stored. Per record: the
  // newer datestamp wins; on the same day a deletion, then a record listing versions, wins; the
  // identical record is a no-op. `source` (file or endpoint) is kept per record.
  virtual Status write_metadata(const std::vector<MetadataRecord>& records,
                                const std::string& source, const HarvestCheckpoint* checkpoint,
                                MetadataWriteCounts* counts) = 0;

  // Bulk mode, for a long write job that is the mesh's only user (a metadata import): the journal
  // switches from WAL to a rollback journal, which writes the pages a bulk load appends once
  // instead of twice (WAL, then checkpoint): 1.4x the import rate, measured. Commits stay atomic
  // and a killed process leaves a journal that the next open rolls back. Other processes block
  // while a batch commits. Fails (kIo, nothing changed) when another connection has the mesh open
  // (the explorer, a search): the caller then goes on in WAL mode. end_bulk_writes() returns to
  // WAL; so does the next Store::open after a crash.
  virtual Status begin_bulk_writes() = 0;
  virtual Status end_bulk_writes() = 0;

  // The stored checkpoint of a harvest, or nullopt if there is none.
  virtual Result<std::optional<HarvestCheckpoint>> harvest_checkpoint(
      const std::string& harvest_key) = 0;

  struct MetadataSummary {
    int64_t records = 0, deleted = 0;
    // Papers in the mesh by what describes them (paper_info.described_by).
    int64_t papers_arxiv = 0, papers_latex = 0, papers_withdrawn = 0;
    std::vector<std::pair<std::string, int64_t>> by_license;  // of live records, most first
    std::vector<std::pair<std::string, int64_t>> by_archive;  // primary archive, most first
  };
  virtual Result<MetadataSummary> metadata_summary() = 0;

  // --- search (docs/search.md) ---

  // One FTS5 query over every image file's documents: columns title, authors, abstract, caption,
  // label, file, creator. FTS5 syntax: words, "phrases", prefix*, AND/OR/NOT, NEAR, column
  // filters (caption: rotation). `license` (optional) keeps papers whose licence name or family
  // is this ("CC BY" or "CC BY 4.0"; "none" = the record says no licence), case-insensitive.
  struct SearchRequest {
    std::string match;
    std::string license;
    int limit = 20;  // 1..10000
    int offset = 0;  // >= 0; pages are stable (score, then file_id)
  };
  struct SearchHit {
    int64_t file_id = 0;
    std::string paper_id, path, title, described_by;
    int figure_order = 0;  // the first figure that includes the file; 0 = no figure does
    std::string snippet;   // best-matching column, matches marked [like this]
    std::string caption;   // the caption's snippet ("" when the image has no caption)
    double score = 0;      // -bm25 with column weights: higher is better
  };
  struct SearchResults {
    int64_t total = 0;  // every matching image, not only this page
    std::vector<SearchHit> hits;
  };
  // A malformed query, a bad limit or offset is kInvalidArgument with the reason.
  virtual Result<SearchResults> search(const SearchRequest& request) = 0;

  // Converted (or failed) blobs for looking at them, e.g. as a contact sheet: one entry per blob,
  // named by its first file (paper id, path), ordered by format, then paper id and path.
  struct ThumbnailEntry {
    std::string sha256;
    std::string format;
    std::string status;  // "ok" or an error code name
    std::string error;
    std::string paper_id;
    std::string path;
    bool blank = false;
  };
  struct ThumbnailFilter {
    std::string format;  // "" = any
    enum class Outcome { kAny, kOk, kFailed, kBlank } outcome = Outcome::kAny;
    int limit = 1000;  // >= 1
  };
  virtual Result<std::vector<ThumbnailEntry>> list_thumbnails(const ThumbnailFilter& filter) = 0;

  // Images that embedding models can see: blobs whose conversion succeeded with a normalised
  // raster (mesh/thumbs/…/<sha256>.raster.jpg), named by blob ordinal (the row of every vector
  // file). Paged by ordinal so a run over 12.7 M images never holds the list.
  struct RasterEntry {
    uint32_t ordinal = 0;
    std::string sha256;
  };
  // Up to `limit` (>= 1) rasters with ordinal > `after_ordinal` (-1 for the first page), by
  // ordinal.
  virtual Result<std::vector<RasterEntry>> list_rasters(int64_t after_ordinal, int limit) = 0;
  // A deterministic sample (e.g. for fitting a PCA): the `limit` rasters with the smallest
  // sha256 — uniform over images, the same for the same mesh, and mostly the same after new
  // images arrive — returned by ordinal.
  virtual Result<std::vector<RasterEntry>> sample_rasters(int limit) = 0;
  virtual Result<int64_t> count_rasters() = 0;

  // --- blob facts and per-image predictions of trained heads (docs/heads.md) ---

  // What the mesh knows about an image's bytes (the `blobs` row), for rules that label images
  // from evidence. Optional fields are NULL in the database (unknown or not applicable).
  struct StoredBlob {
    uint32_t ordinal = 0;
    std::string sha256;
    std::string format;   // "png", "pdf", ..., "unknown"
    std::string creator;  // "" when not stated
    std::string color;    // "" when unknown (vector formats)
    std::optional<int64_t> width_px, height_px, pages;
  };
  // Up to `limit` (>= 1) blobs with ordinal > `after_ordinal` (-1 for the first page), by ordinal.
  virtual Result<std::vector<StoredBlob>> list_blob_facts(int64_t after_ordinal, int limit) = 0;
  // The blobs among `sha256s` (lowercase hex) that exist, in the order asked; unknown hashes are
  // left out (the caller reports them).
  virtual Result<std::vector<StoredBlob>> blob_facts_by_sha256(
      const std::vector<std::string>& sha256s) = 0;
  // The blobs among `ordinals` that exist, in the order asked.
  virtual Result<std::vector<StoredBlob>> blob_facts_by_ordinal(
      const std::vector<uint32_t>& ordinals) = 0;

  // One head model's prediction for one image: a class name, or a cluster number as decimal
  // text, with its probability in [0, 1].
  struct Prediction {
    uint32_t ordinal = 0;
    std::string label;
    float probability = 0;
  };
  // Stores `predictions` of `model` in ONE transaction (callers pass batches, e.g. 4096 rows),
  // replacing the image's earlier prediction by that model. kInvalidArgument (nothing written)
  // for an empty model name, an empty label or a probability outside [0, 1].
  virtual Status write_predictions(const std::string& model,
                                   const std::vector<Prediction>& predictions) = 0;
  // Deletes every prediction of `model` (before a retrained head's predictions are written).
  virtual Status clear_predictions(const std::string& model) = 0;
  // Images per label of `model`, most first (ties by label): the explorer's filter and facet.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> prediction_counts(
      const std::string& model) = 0;
  // Every model's prediction for one image (the explorer's detail), by model name.
  struct ModelPrediction {
    std::string model;
    Prediction prediction;
  };
  virtual Result<std::vector<ModelPrediction>> predictions_for(uint32_t ordinal) = 0;
};

}  // namespace imagemesh::store
