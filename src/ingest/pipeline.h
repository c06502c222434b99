// `imagemesh ingest`: inputs -> papers -> mesh database, in parallel, resumable and idempotent.
//
//   reader thread   walks the inputs in order, reads bulk-tar members / archives / folders
//                   (sequential I/O), skips sources already consumed (same key and sha256)
//   N workers       unpack members and build paper records (inflate, hash, image facts, LaTeX)
//   writer (caller) batches records into one SQLite transaction each
//
// Bounded queues keep memory flat. A batch is committed atomically together with the list of
// sources it consumed, so a run killed at any point (even SIGKILL) resumes where it stopped and
// ends with the same database as an uninterrupted run.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/convert.h"
#include "ingest/source_reader.h"

namespace imagemesh::ingest {

struct IngestOptions {
  std::string mesh_dir;
  std::vector<std::string> sources;  // paths, any mix (see source_reader.h)
  int jobs = 0;                      // worker threads; 0 = number of cores + 1
  Limits limits;
  ConvertOptions convert;  // thumbnails; convert.enabled = false skips them
  bool show_progress = true;
  size_t batch_papers = 64;                   // papers per transaction
  std::string command_line;                   // recorded in the runs table
  const std::atomic<bool>* cancel = nullptr;  // set (e.g. by SIGINT) to stop early but cleanly
};

struct IngestSummary {
  int64_t run_id = 0;
  int64_t papers_inserted = 0, papers_replaced = 0, papers_unchanged = 0, papers_kept_existing = 0;
  int64_t sources_skipped = 0;  // already consumed in an earlier run, not even unpacked
  int64_t sources_failed = 0;
  int64_t figures = 0, subfigures = 0, graphics = 0, graphics_resolved = 0, image_files = 0;
  uint64_t bytes_read = 0;
  double seconds = 0;
  bool cancelled = false;
  std::map<std::string, int64_t> errors_by_kind;    // this run's problems and failures
  std::map<std::string, int64_t> images_by_format;  // this run's image files
  // Thumbnail conversions of this run: format -> outcome ("ok", "timeout", ...) -> blobs.
  std::map<std::string, std::map<std::string, int64_t>> conversions;
  int64_t conversions_blank = 0;  // converted, but the output is one colour
};

Result<IngestSummary> run_ingest(const IngestOptions& options);

// JSON object with the summary's fields (stored in runs.summary and printed by --json).
std::string summary_json(const IngestSummary& summary);

}  // namespace imagemesh::ingest
