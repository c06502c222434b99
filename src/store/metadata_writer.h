// Writes arXiv metadata records and harvest checkpoints into an open mesh.db. Internal to store;
// SqliteStore owns one per writable database and calls it inside a transaction.
//
// The rules (docs/metadata.md): one row per paper id; a record replaces the stored one when its
// datestamp is newer, or equal and it is at least as complete (a snapshot record, which lists
// versions, beats an OAI record of the same day, which does not); an identical record changes
// nothing; a deleted record is kept as a tombstone. A replacement re-indexes the paper's search
// documents when the paper's source is in the mesh.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "core/arxiv_license.h"
#include "store/records.h"
#include "store/search_index.h"
#include "store/store.h"

namespace imagemesh::store {

class MetadataWriter {
 public:
  explicit MetadataWriter(SQLite::Database& db);

  // Must run inside the caller's transaction; throws SQLite::Exception.
  void write_batch(const std::vector<MetadataRecord>& records, const std::string& source,
                   Store::MetadataWriteCounts* counts);
  void write_checkpoint(const Store::HarvestCheckpoint& checkpoint);

  // The derived columns of a record (deleted records say nothing but their date).
  struct Columns {
    std::string versions, authors_parsed, categories, primary_category, primary_archive;
    ArxivLicense license;
  };

 private:
  enum class Decision { kInsert, kReplace, kUnchanged, kKeepStored };
  Decision decide(const MetadataRecord& record, const std::string& hash);
  // Binds the record to `statement` (an INSERT of every column) and runs it; true if a row was
  // written.
  bool write_record(SQLite::Statement& statement, const MetadataRecord& record,
                    const Columns& columns, const std::string& hash, const std::string& source);

  bool paper_in_mesh(const std::string& paper_id);

  SQLite::Statement select_stored_;
  SQLite::Statement select_paper_;
  SQLite::Statement upsert_record_;
  SQLite::Statement insert_new_record_;
  SQLite::Statement upsert_checkpoint_;
  SearchIndex search_index_;
};

}  // namespace imagemesh::store
