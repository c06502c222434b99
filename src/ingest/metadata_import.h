// `imagemesh metadata import`: arXiv metadata files into the mesh (docs/metadata.md).
//
// Each file is the JSON-lines snapshot or one OAI-PMH ListRecords response (metadataPrefix=arXiv),
// plain or compressed (gzip, bzip2, xz: whatever libarchive's filters read), told apart by its
// first bytes, not its name. Files are streamed: a snapshot of several GB is read in blocks and
// written in batches, so memory stays bounded whatever its size. An OAI response is one page (a few
// MB at arXiv) and is parsed whole, up to kMaxOaiPageBytes.
//
// Bad input is counted, not fatal: a malformed line or record (or a line over 16 MiB, which is
// never held in memory) is skipped with a message naming its line; a truncated or corrupt file
// keeps every complete record before the damage and says where it stopped; a file that cannot be
// read at all is an error for that file, and the other files are still imported.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace imagemesh::ingest {

inline constexpr uint64_t kMaxOaiPageBytes = 1ull << 30;

struct MetadataFileReport {
  std::string path;
  std::string format;                 // "jsonl" or "oai" ("" if the file could not be read)
  int64_t records = 0;                // records handed to the store
  int64_t malformed = 0;              // lines / records skipped
  uint64_t bytes = 0;                 // decompressed bytes read
  std::vector<std::string> problems;  // the first few, each naming its line or record
  Status status;  // not ok: the file stopped early (truncated, unreadable); see message
};

struct MetadataImportOptions {
  size_t batch_records = 4096;    // records per transaction
  size_t max_problems_kept = 20;  // per file; the rest are only counted
  // Called after every batch with the records and (decompressed) bytes done so far.
  std::function<void(int64_t records, uint64_t bytes)> on_progress;
  const std::atomic<bool>* cancel = nullptr;  // checked between batches
};

struct MetadataImportReport {
  std::vector<MetadataFileReport> files;
  store::Store::MetadataWriteCounts counts;
  bool cancelled = false;
};

// Imports `paths` in order. Returns an error only when the store fails (the mesh cannot be
// written); per-file trouble is in the report.
Result<MetadataImportReport> import_metadata_files(store::Store& store,
                                                   const std::vector<std::string>& paths,
                                                   const MetadataImportOptions& options);

}  // namespace imagemesh::ingest
