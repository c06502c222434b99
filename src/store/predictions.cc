// Blob facts by ordinal or hash, and the per-image predictions of trained heads (docs/heads.md,
// docs/schema.md "predictions").
#include <cmath>

#include "store/queries.h"

namespace imagemesh::store {
namespace {

constexpr const char* kFactsColumns =
    "SELECT blob_ordinal, sha256, format, coalesce(creator, ''), coalesce(color, ''), width_px, "
    "height_px, pages FROM blobs ";

std::optional<int64_t> optional_int(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

Store::StoredBlob read_facts(SQLite::Statement& query) {
  Store::StoredBlob facts;
  facts.ordinal = static_cast<uint32_t>(query.getColumn(0).getInt64());
  facts.sha256 = query.getColumn(1).getString();
  facts.format = query.getColumn(2).getString();
  facts.creator = query.getColumn(3).getString();
  facts.color = query.getColumn(4).getString();
  facts.width_px = optional_int(query.getColumn(5));
  facts.height_px = optional_int(query.getColumn(6));
  facts.pages = optional_int(query.getColumn(7));
  return facts;
}

Status check_prediction(const std::string& model, const Store::Prediction& prediction) {
  if (model.empty()) return Status(ErrorCode::kInvalidArgument, "predictions need a model name");
  if (prediction.label.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  model + ": image " + std::to_string(prediction.ordinal) + " has an empty label");
  }
  if (!(prediction.probability >= 0.0f && prediction.probability <= 1.0f)) {
    return Status(ErrorCode::kInvalidArgument,
                  model + ": image " + std::to_string(prediction.ordinal) + " has probability " +
                      std::to_string(prediction.probability) + " outside [0, 1]");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Store::StoredBlob>> list_blob_facts(SQLite::Database& db, int64_t after_ordinal,
                                                       int limit) {
  if (limit < 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "blob list limit must be positive, got " + std::to_string(limit));
  }
  SQLite::Statement query(
      db, std::string(kFactsColumns) + "WHERE blob_ordinal > ?1 ORDER BY blob_ordinal LIMIT ?2");
  query.bind(1, after_ordinal);
  query.bind(2, limit);
  std::vector<Store::StoredBlob> out;
  while (query.executeStep()) out.push_back(read_facts(query));
  return out;
}

std::vector<Store::StoredBlob> blob_facts_by_sha256(SQLite::Database& db,
                                                    const std::vector<std::string>& sha256s) {
  SQLite::Statement query(db, std::string(kFactsColumns) + "WHERE sha256 = ?1");
  std::vector<Store::StoredBlob> out;
  for (const std::string& sha256 : sha256s) {
    fresh(query).bind(1, sha256);
    if (query.executeStep()) out.push_back(read_facts(query));
  }
  return out;
}

std::vector<Store::StoredBlob> blob_facts_by_ordinal(SQLite::Database& db,
                                                     const std::vector<uint32_t>& ordinals) {
  SQLite::Statement query(db, std::string(kFactsColumns) + "WHERE blob_ordinal = ?1");
  std::vector<Store::StoredBlob> out;
  for (uint32_t ordinal : ordinals) {
    fresh(query).bind(1, static_cast<int64_t>(ordinal));
    if (query.executeStep()) out.push_back(read_facts(query));
  }
  return out;
}

Status write_prediction_rows(SQLite::Database& db, const std::string& model,
                             const std::vector<Store::Prediction>& predictions) {
  for (const auto& prediction : predictions)
    IM_RETURN_IF_ERROR(check_prediction(model, prediction));
  SQLite::Statement upsert(db,
                           "INSERT INTO predictions(model, blob_ordinal, label, probability) "
                           "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(model, blob_ordinal) DO UPDATE "
                           "SET label = excluded.label, probability = excluded.probability");
  for (const auto& prediction : predictions) {
    fresh(upsert);
    upsert.bind(1, model);
    upsert.bind(2, static_cast<int64_t>(prediction.ordinal));
    upsert.bind(3, prediction.label);
    upsert.bind(4, static_cast<double>(prediction.probability));
    upsert.exec();
  }
  return Status::Ok();
}

void delete_predictions(SQLite::Database& db, const std::string& model) {
  SQLite::Statement remove(db, "DELETE FROM predictions WHERE model = ?1");
  remove.bind(1, model);
  remove.exec();
}

std::vector<std::pair<std::string, int64_t>> count_predictions(SQLite::Database& db,
                                                               const std::string& model) {
  SQLite::Statement query(db,
                          "SELECT label, count(*) AS n FROM predictions WHERE model = ?1 "
                          "GROUP BY label ORDER BY n DESC, label");
  query.bind(1, model);
  std::vector<std::pair<std::string, int64_t>> out;
  while (query.executeStep()) {
    out.emplace_back(query.getColumn(0).getString(), query.getColumn(1).getInt64());
  }
  return out;
}

std::vector<Store::ModelPrediction> read_predictions_for(SQLite::Database& db, uint32_t ordinal) {
  SQLite::Statement query(db,
                          "SELECT model, label, probability FROM predictions "
                          "WHERE blob_ordinal = ?1 ORDER BY model");
  query.bind(1, static_cast<int64_t>(ordinal));
  std::vector<Store::ModelPrediction> out;
  while (query.executeStep()) {
    Store::ModelPrediction row;
    row.model = query.getColumn(0).getString();
    row.prediction.ordinal = ordinal;
    row.prediction.label = query.getColumn(1).getString();
    row.prediction.probability = static_cast<float>(query.getColumn(2).getDouble());
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace imagemesh::store
