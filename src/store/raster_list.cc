#include "store/queries.h"

namespace imagemesh::store {
namespace {

// A converted blob with a raster: status 'ok' and the raster's size recorded.
constexpr const char* kHasRaster = "c.status = 'ok' AND c.raster_width IS NOT NULL";

Status check_limit(int limit) {
  if (limit < 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "raster list limit must be positive, got " + std::to_string(limit));
  }
  return Status::Ok();
}

std::vector<Store::RasterEntry> read_entries(SQLite::Statement& query) {
  std::vector<Store::RasterEntry> entries;
  while (query.executeStep()) {
    Store::RasterEntry entry;
    entry.ordinal = static_cast<uint32_t>(query.getColumn(0).getInt64());
    entry.sha256 = query.getColumn(1).getString();
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

Result<std::vector<Store::RasterEntry>> list_raster_entries(SQLite::Database& db,
                                                            int64_t after_ordinal, int limit) {
  IM_RETURN_IF_ERROR(check_limit(limit));
  // Walks blobs by rowid (the ordinal) and probes conversions by its primary key.
  SQLite::Statement query(db, std::string("SELECT b.blob_ordinal, b.sha256 FROM blobs b "
                                          "JOIN conversions c ON c.sha256 = b.sha256 "
                                          "WHERE b.blob_ordinal > ?1 AND ") +
                                  kHasRaster + " ORDER BY b.blob_ordinal LIMIT ?2");
  query.bind(1, after_ordinal);
  query.bind(2, limit);
  return read_entries(query);
}

Result<std::vector<Store::RasterEntry>> sample_raster_entries(SQLite::Database& db, int limit) {
  IM_RETURN_IF_ERROR(check_limit(limit));
  // conversions is keyed by sha256, so the smallest hashes come off its primary-key index.
  SQLite::Statement query(db, std::string("SELECT blob_ordinal, sha256 FROM ("
                                          "  SELECT b.blob_ordinal, b.sha256 FROM conversions c "
                                          "  JOIN blobs b ON b.sha256 = c.sha256 WHERE ") +
                                  kHasRaster +
                                  "  ORDER BY c.sha256 LIMIT ?1) ORDER BY blob_ordinal");
  query.bind(1, limit);
  return read_entries(query);
}

int64_t count_raster_entries(SQLite::Database& db) {
  SQLite::Statement query(db,
                          std::string("SELECT count(*) FROM conversions c WHERE ") + kHasRaster);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

}  // namespace imagemesh::store
