// Read-only queries behind Store::counts(), search(), metadata_summary() and export_rows().
// Internal to store; each throws SQLite::Exception on database errors (the Store boundary
// converts).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace imagemesh::store {

Store::Counts read_counts(SQLite::Database& db);

// Runs `fn`, a query using the FTS5 expression `match`. FTS5 reports a malformed MATCH expression
// (unbalanced quote, bare operator, unknown column) as a plain SQLITE_ERROR while stepping: that
// becomes kInvalidArgument naming the query; anything else is a real database failure, rethrown.
template <typename Fn>
auto as_query_error(const std::string& match, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_ERROR) {
      std::string message = "bad search query '" + match + "': " + e.what();
      if (message.find("syntax error") != std::string::npos) {
        message +=
            " (put words holding punctuation in double quotes: \"hep-ph/0703990\", "
            "\"x-ray\")";
      }
      return Status(ErrorCode::kInvalidArgument, message);
    }
    throw;
  }
}

// Store::search(). A malformed query is kInvalidArgument carrying SQLite's message.
Result<Store::SearchResults> search_documents(SQLite::Database& db,
                                              const Store::SearchRequest& request);

Store::MetadataSummary read_metadata_summary(SQLite::Database& db);

// The stored checkpoint of a harvest, or nullopt.
std::optional<Store::HarvestCheckpoint> read_harvest_checkpoint(SQLite::Database& db,
                                                                const std::string& harvest_key);

// Store::list_thumbnails(). A limit < 1 is kInvalidArgument.
Result<std::vector<Store::ThumbnailEntry>> list_thumbnail_entries(
    SQLite::Database& db, const Store::ThumbnailFilter& filter);

// Store::list_rasters(), sample_rasters(), count_rasters() (raster_list.cc). A limit < 1 is
// kInvalidArgument.
Result<std::vector<Store::RasterEntry>> list_raster_entries(SQLite::Database& db,
                                                            int64_t after_ordinal, int limit);
Result<std::vector<Store::RasterEntry>> sample_raster_entries(SQLite::Database& db, int limit);
int64_t count_raster_entries(SQLite::Database& db);

// Blob facts and head predictions (predictions.cc). A limit < 1 and an invalid prediction are
// kInvalidArgument.
Result<std::vector<Store::StoredBlob>> list_blob_facts(SQLite::Database& db, int64_t after_ordinal,
                                                       int limit);
std::vector<Store::StoredBlob> blob_facts_by_sha256(SQLite::Database& db,
                                                    const std::vector<std::string>& sha256s);
std::vector<Store::StoredBlob> blob_facts_by_ordinal(SQLite::Database& db,
                                                     const std::vector<uint32_t>& ordinals);
// Inside the caller's transaction; validates every row before writing any.
Status write_prediction_rows(SQLite::Database& db, const std::string& model,
                             const std::vector<Store::Prediction>& predictions);
void delete_predictions(SQLite::Database& db, const std::string& model);
std::vector<std::pair<std::string, int64_t>> count_predictions(SQLite::Database& db,
                                                               const std::string& model);
std::vector<Store::ModelPrediction> read_predictions_for(SQLite::Database& db, uint32_t ordinal);

// docs/export.md. Unknown `what` or `format` is kInvalidArgument listing the valid values.
Status export_table(SQLite::Database& db, const std::string& what, const std::string& format,
                    std::ostream& out);

}  // namespace imagemesh::store
