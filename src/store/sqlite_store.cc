// Store implemented on one SQLite connection. Every public method catches at its boundary
// (guarded), so SQLiteCpp's exceptions never leave the module.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "store/metadata_writer.h"
#include "store/paper_writer.h"
#include "store/queries.h"
#include "store/schema.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace imagemesh::store {
namespace {

constexpr const char* kDatabaseName = "mesh.db";
constexpr int kBusyTimeoutMs = 10000;

// Connection settings shared by readers and the writer. Foreign keys are off by default in SQLite
// and the cascades of a paper replacement depend on them.
void configure(SQLite::Database& db) {
  db.setBusyTimeout(kBusyTimeoutMs);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA cache_size = -65536");  // 64 MiB of page cache
  db.exec("PRAGMA temp_store = MEMORY");
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<SQLite::Database> db, bool writable)
      : db_(std::move(db)),
        writer_(writable ? std::make_unique<PaperWriter>(*db_) : nullptr),
        metadata_writer_(writable ? std::make_unique<MetadataWriter>(*db_) : nullptr) {}

  Result<std::unordered_map<std::string, std::string>> consumed_sources() override {
    return guarded(
        "reading consumed sources", [&]() -> Result<std::unordered_map<std::string, std::string>> {
          std::unordered_map<std::string, std::string> out;
          SQLite::Statement query(*db_, "SELECT source_key, sha256 FROM consumed_sources");
          while (query.executeStep()) {
            out.emplace(query.getColumn(0).getString(), query.getColumn(1).getString());
          }
          return out;
        });
  }

  Result<ConversionState> conversion_state() override {
    return guarded("reading conversion state", [&]() -> Result<ConversionState> {
      ConversionState state;
      SQLite::Statement converted(*db_, "SELECT sha256, status = 'ok' FROM conversions");
      while (converted.executeStep()) {
        state.converted.emplace(converted.getColumn(0).getString(),
                                converted.getColumn(1).getInt() != 0);
      }
      SQLite::Statement failed(*db_,
                               "SELECT DISTINCT p.source_key FROM conversions c "
                               "JOIN files f ON f.sha256 = c.sha256 "
                               "JOIN papers p ON p.paper_id = f.paper_id WHERE c.status <> 'ok'");
      while (failed.executeStep()) {
        state.sources_with_failures.insert(failed.getColumn(0).getString());
      }
      SQLite::Statement missing(*db_,
                                "SELECT DISTINCT p.source_key FROM files f "
                                "JOIN papers p ON p.paper_id = f.paper_id "
                                "LEFT JOIN conversions c ON c.sha256 = f.sha256 "
                                "WHERE f.is_image = 1 AND c.sha256 IS NULL");
      while (missing.executeStep()) {
        state.sources_unconverted.insert(missing.getColumn(0).getString());
      }
      return state;
    });
  }

  Result<int64_t> begin_run(const std::string& command_line) override {
    IM_RETURN_IF_ERROR(require_writable("begin_run"));
    return guarded("recording the run", [&]() -> Result<int64_t> {
      SQLite::Statement insert(*db_,
                               "INSERT INTO runs(started_at, command_line, tool_version) "
                               "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?)");
      insert.bind(1, command_line);
      insert.bind(2, schema::kToolVersion);
      insert.exec();
      return db_->getLastInsertRowid();
    });
  }

  Status finish_run(int64_t run_id, const std::string& summary_json) override {
    IM_RETURN_IF_ERROR(require_writable("finish_run"));
    return guarded("finishing the run", [&]() -> Status {
      SQLite::Statement update(*db_,
                               "UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', "
                               "'now'), summary = ? WHERE run_id = ?");
      update.bind(1, summary_json);
      update.bind(2, run_id);
      if (update.exec() == 0) {
        return Status(ErrorCode::kNotFound, "no run " + std::to_string(run_id));
      }
      return Status::Ok();
    });
  }

  Status write_papers(int64_t run_id, const std::vector<PaperRecord>& papers,
                      const std::vector<SourceFailure>& failures,
                      std::vector<WriteOutcome>* outcomes) override {
    IM_RETURN_IF_ERROR(require_writable("write_papers"));
    std::vector<WriteOutcome> written;
    written.reserve(papers.size());
    Status status =
        guarded("writing a batch of " + std::to_string(papers.size()) + " papers", [&]() -> Status {
          WriteTransaction transaction(*db_);
          writer_->write_batch(run_id, papers, failures, &written);
          transaction.commit();
          return Status::Ok();
        });
    if (!status.ok()) return status;
    if (outcomes) *outcomes = std::move(written);
    return Status::Ok();
  }

  Status record_error(int64_t run_id, const std::string& source, const ItemError& error) override {
    IM_RETURN_IF_ERROR(require_writable("record_error"));
    return guarded("recording an error", [&]() -> Status {
      WriteTransaction transaction(*db_);
      writer_->upsert_error(run_id, source, std::nullopt, error);
      transaction.commit();
      return Status::Ok();
    });
  }

  Status export_rows(const std::string& what, const std::string& format,
                     std::ostream& out) override {
    return guarded("exporting " + what, [&]() -> Status {
      // One read transaction: the export is a consistent snapshot even while a writer commits.
      ReadSnapshot snapshot(*db_);
      return export_table(*db_, what, format, out);
    });
  }

  Result<Counts> counts() override {
    return guarded("counting", [&]() -> Result<Counts> {
      ReadSnapshot snapshot(*db_);
      return read_counts(*db_);
    });
  }

  Status write_metadata(const std::vector<MetadataRecord>& records, const std::string& source,
                        const HarvestCheckpoint* checkpoint, MetadataWriteCounts* counts) override {
    IM_RETURN_IF_ERROR(require_writable("write_metadata"));
    MetadataWriteCounts written;
    Status status =
        guarded("writing " + std::to_string(records.size()) + " metadata records", [&]() -> Status {
          WriteTransaction transaction(*db_);
          metadata_writer_->write_batch(records, source, &written);
          if (checkpoint) metadata_writer_->write_checkpoint(*checkpoint);
          transaction.commit();
          return Status::Ok();
        });
    if (!status.ok()) return status;
    if (counts) *counts += written;
    return Status::Ok();
  }

  Status begin_bulk_writes() override {
    IM_RETURN_IF_ERROR(require_writable("begin_bulk_writes"));
    return set_journal_mode("delete");
  }

  Status end_bulk_writes() override {
    IM_RETURN_IF_ERROR(require_writable("end_bulk_writes"));
    return set_journal_mode("wal");
  }

  Result<std::optional<HarvestCheckpoint>> harvest_checkpoint(
      const std::string& harvest_key) override {
    return guarded("reading the harvest checkpoint",
                   [&]() -> Result<std::optional<HarvestCheckpoint>> {
                     return read_harvest_checkpoint(*db_, harvest_key);
                   });
  }

  Result<MetadataSummary> metadata_summary() override {
    return guarded("summarising metadata", [&]() -> Result<MetadataSummary> {
      ReadSnapshot snapshot(*db_);
      return read_metadata_summary(*db_);
    });
  }

  Result<SearchResults> search(const SearchRequest& request) override {
    return guarded("searching", [&]() -> Result<SearchResults> {
      ReadSnapshot snapshot(*db_);  // the count and the page agree
      return search_documents(*db_, request);
    });
  }

  Result<std::vector<ThumbnailEntry>> list_thumbnails(const ThumbnailFilter& filter) override {
    return guarded("listing thumbnails", [&]() -> Result<std::vector<ThumbnailEntry>> {
      ReadSnapshot snapshot(*db_);
      return list_thumbnail_entries(*db_, filter);
    });
  }

  Result<std::vector<RasterEntry>> list_rasters(int64_t after_ordinal, int limit) override {
    return guarded("listing rasters", [&]() -> Result<std::vector<RasterEntry>> {
      return list_raster_entries(*db_, after_ordinal, limit);
    });
  }

  Result<std::vector<RasterEntry>> sample_rasters(int limit) override {
    return guarded("sampling rasters", [&]() -> Result<std::vector<RasterEntry>> {
      return sample_raster_entries(*db_, limit);
    });
  }

  Result<int64_t> count_rasters() override {
    return guarded("counting rasters",
                   [&]() -> Result<int64_t> { return count_raster_entries(*db_); });
  }

  Result<std::vector<StoredBlob>> list_blob_facts(int64_t after_ordinal, int limit) override {
    return guarded("listing blob facts", [&]() -> Result<std::vector<StoredBlob>> {
      return store::list_blob_facts(*db_, after_ordinal, limit);
    });
  }

  Result<std::vector<StoredBlob>> blob_facts_by_sha256(
      const std::vector<std::string>& sha256s) override {
    return guarded("reading blob facts", [&]() -> Result<std::vector<StoredBlob>> {
      ReadSnapshot snapshot(*db_);
      return store::blob_facts_by_sha256(*db_, sha256s);
    });
  }

  Result<std::vector<StoredBlob>> blob_facts_by_ordinal(
      const std::vector<uint32_t>& ordinals) override {
    return guarded("reading blob facts", [&]() -> Result<std::vector<StoredBlob>> {
      ReadSnapshot snapshot(*db_);
      return store::blob_facts_by_ordinal(*db_, ordinals);
    });
  }

  Status write_predictions(const std::string& model,
                           const std::vector<Prediction>& predictions) override {
    IM_RETURN_IF_ERROR(require_writable("write_predictions"));
    return guarded("writing " + std::to_string(predictions.size()) + " predictions of " + model,
                   [&]() -> Status {
                     WriteTransaction transaction(*db_);
                     IM_RETURN_IF_ERROR(write_prediction_rows(*db_, model, predictions));
                     transaction.commit();
                     return Status::Ok();
                   });
  }

  Status clear_predictions(const std::string& model) override {
    IM_RETURN_IF_ERROR(require_writable("clear_predictions"));
    return guarded("clearing the predictions of " + model, [&]() -> Status {
      WriteTransaction transaction(*db_);
      delete_predictions(*db_, model);
      transaction.commit();
      return Status::Ok();
    });
  }

  Result<std::vector<std::pair<std::string, int64_t>>> prediction_counts(
      const std::string& model) override {
    return guarded("counting predictions of " + model,
                   [&]() -> Result<std::vector<std::pair<std::string, int64_t>>> {
                     return count_predictions(*db_, model);
                   });
  }

  Result<std::vector<ModelPrediction>> predictions_for(uint32_t ordinal) override {
    return guarded("reading predictions", [&]() -> Result<std::vector<ModelPrediction>> {
      return read_predictions_for(*db_, ordinal);
    });
  }

 private:
  // Leaving WAL needs the database to itself: SQLite answers "database is locked" (after the busy
  // timeout) when another connection is open, and the mode stays as it was.
  Status set_journal_mode(const std::string& mode) {
    return guarded("switching the journal to " + mode, [&]() -> Status {
      SQLite::Statement pragma(*db_, "PRAGMA journal_mode = " + mode);
      pragma.executeStep();
      const std::string now = pragma.getColumn(0).getString();
      if (now != mode) {
        return Status(ErrorCode::kIo, "the journal stayed '" + now + "' instead of '" + mode +
                                          "' (another process has the mesh open?)");
      }
      return Status::Ok();
    });
  }

  Status require_writable(const char* operation) const {
    if (writer_) return Status::Ok();
    return Status(ErrorCode::kInvalidArgument,
                  std::string(operation) + ": the mesh was opened read-only");
  }

  // Declared before writer_: the writer's prepared statements must be finalised first.
  std::unique_ptr<SQLite::Database> db_;
  std::unique_ptr<PaperWriter> writer_;
  std::unique_ptr<MetadataWriter> metadata_writer_;
};

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& mesh_dir) {
  std::error_code ec;
  std::filesystem::create_directories(mesh_dir, ec);
  if (ec)
    return Status(ErrorCode::kIo, "cannot create mesh folder " + mesh_dir + ": " + ec.message());
  const std::string path = (std::filesystem::path(mesh_dir) / kDatabaseName).string();
  return guarded("opening " + path, [&]() -> Result<std::unique_ptr<Store>> {
    auto db =
        std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    configure(*db);
    // WAL: readers (export, search, a progress poll) never block the writer, and a killed writer
    // leaves only whole committed batches. NORMAL is durable against process death in WAL mode;
    // only a power cut can lose the last commits, never corrupt the database.
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = NORMAL");
    // A checkpoint (and its fsync) every ~40 MB of WAL rather than SQLite's 4 MB: a bulk ingest
    // writes hundreds of MB, and on a busy disk the fsyncs cost more than the inserts.
    db->exec("PRAGMA wal_autocheckpoint = 10000");
    IM_ASSIGN_OR_RETURN(int version, schema::stored_version(*db));
    schema::apply(*db, version);
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db), true));
  });
}

Result<std::unique_ptr<Store>> Store::open_read_only(const std::string& mesh_dir) {
  IM_ASSIGN_OR_RETURN(auto db, open_database_read_only(mesh_dir));
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db), false));
}

Result<std::unique_ptr<SQLite::Database>> open_database_read_only(const std::string& mesh_dir) {
  const std::string path = (std::filesystem::path(mesh_dir) / kDatabaseName).string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status(ErrorCode::kNotFound,
                  "no mesh at " + mesh_dir + " (" + path + " does not exist)");
  }
  return guarded("opening " + path, [&]() -> Result<std::unique_ptr<SQLite::Database>> {
    auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
    configure(*db);
    IM_ASSIGN_OR_RETURN(int version, schema::stored_version(*db));
    if (version == 0) {
      return Status(ErrorCode::kNotFound, path + " is empty (a mesh still being created?)");
    }
    if (version < schema::kSchemaVersion) {
      return Status(ErrorCode::kUnsupported,
                    path + " has schema version " + std::to_string(version) +
                        "; open it once for writing (imagemesh ingest) to upgrade it");
    }
    return db;
  });
}

}  // namespace imagemesh::store
