// Writes batches of papers and failures into an open mesh.db. Internal to store; SqliteStore owns
// one per writable database and calls it inside a transaction.
//
// Every statement is prepared once in the constructor and reused for the life of the writer: at
// 12.7 M images a re-prepare per row would cost more than the inserts themselves.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/records.h"
#include "store/search_index.h"
#include "store/store.h"

namespace imagemesh::store {

class PaperWriter {
 public:
  explicit PaperWriter(SQLite::Database& db);

  // Writes papers then failures. Must run inside a transaction (the caller's); throws
  // SQLite::Exception on any database error, leaving the rollback to the caller.
  void write_batch(int64_t run_id, const std::vector<PaperRecord>& papers,
                   const std::vector<SourceFailure>& failures, std::vector<WriteOutcome>* outcomes);

  // Inserts an error, or, if (source, item, kind) is already recorded, only moves its last_run_id.
  void upsert_error(int64_t run_id, const std::string& source,
                    const std::optional<std::string>& paper_id, const ItemError& error);

 private:
  struct StoredPaper {
    int version = 0;
    std::string source_key;
  };

  WriteOutcome write_paper(int64_t run_id, const PaperRecord& paper);
  void write_failure(int64_t run_id, const SourceFailure& failure);

  std::optional<std::string> consumed_sha256(const std::string& source_key);
  std::optional<StoredPaper> stored_paper(const std::string& paper_id);
  void mark_consumed(int64_t run_id, const std::string& source_key, const std::string& sha256,
                     const std::optional<std::string>& paper_id, const char* outcome);
  void delete_paper(const std::string& paper_id, const std::string& old_source_key,
                    const std::string& new_source_key);
  void insert_paper(int64_t run_id, const PaperRecord& paper);
  void insert_figure(const std::string& paper_id, const FigureRecord& figure);
  void insert_graphics(const std::string& paper_id, int64_t figure_id,
                       std::optional<int64_t> subfigure_id,
                       const std::vector<GraphicsRecord>& graphics);
  void insert_blob(const BlobFacts& blob);
  void upsert_conversion(int64_t run_id, const ConversionRecord& conversion);

  SQLite::Database& db_;
  SQLite::Statement select_consumed_;
  SQLite::Statement select_paper_;
  SQLite::Statement upsert_consumed_;
  SQLite::Statement delete_paper_;
  SQLite::Statement delete_source_errors_;
  SQLite::Statement insert_paper_;
  SQLite::Statement insert_file_;
  SQLite::Statement insert_blob_;
  SQLite::Statement insert_figure_;
  SQLite::Statement insert_subfigure_;
  SQLite::Statement insert_graphic_;
  SQLite::Statement upsert_error_;
  SQLite::Statement upsert_conversion_;
  SearchIndex search_index_;
};

}  // namespace imagemesh::store
