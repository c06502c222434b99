// The mesh database: one SQLite file (WAL) in the mesh folder holding papers, files, image blobs,
// figures, sub-figures, figure->file links, unresolved references, runs and per-item errors, with
// an FTS5 index over captions. Schema: docs/schema.md. The only module that speaks SQL.
//
// Threading: a Store is used by one thread at a time (the pipeline's writer thread). Readers in
// other processes see committed batches only (WAL).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
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
  // "papers" or "errors"; `format` is "jsonl" or "csv"; anything else is kInvalidArgument naming
  // the valid values. Rows are ordered by paper id then position, so two databases with the same
  // content export identical bytes.
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

  // Full-text search over figure and sub-figure captions and labels (FTS5 MATCH syntax), best
  // first by bm25. One hit per matching caption document, so a figure can appear twice (its own
  // caption and a sub-figure's). `snippet` marks matched terms as [term]; `score` is -bm25 (higher
  // is better). A malformed query or a limit < 1 is kInvalidArgument with SQLite's message.
  struct CaptionHit {
    std::string paper_id;
    int order = 0;
    std::string snippet;
    double score = 0;
  };
  virtual Result<std::vector<CaptionHit>> search_captions(const std::string& match, int limit) = 0;

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
};

}  // namespace imagemesh::store
