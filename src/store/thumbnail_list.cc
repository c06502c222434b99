#include "store/queries.h"

namespace imagemesh::store {

Result<std::vector<Store::ThumbnailEntry>> list_thumbnail_entries(
    SQLite::Database& db, const Store::ThumbnailFilter& filter) {
  if (filter.limit < 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "thumbnail list limit must be positive, got " + std::to_string(filter.limit));
  }
  using Outcome = Store::ThumbnailFilter::Outcome;
  std::string outcome_clause;
  switch (filter.outcome) {
    case Outcome::kAny:
      break;
    case Outcome::kOk:
      outcome_clause = " AND c.status = 'ok'";
      break;
    case Outcome::kFailed:
      outcome_clause = " AND c.status <> 'ok'";
      break;
    case Outcome::kBlank:
      outcome_clause = " AND c.status = 'ok' AND c.blank = 1";
      break;
  }
  // The first file (by paper id, then path) that holds each blob names it.
  SQLite::Statement query(
      db,
      "SELECT c.sha256, b.format, c.status, c.error, c.blank, "
      "  (SELECT f.paper_id || char(9) || f.path FROM files f WHERE f.sha256 = c.sha256 "
      "   ORDER BY f.paper_id, f.path LIMIT 1) "
      "FROM conversions c JOIN blobs b ON b.sha256 = c.sha256 "
      "WHERE (?1 = '' OR b.format = ?1)" +
          outcome_clause + " ORDER BY b.format, 6 LIMIT ?2");
  query.bind(1, filter.format);
  query.bind(2, filter.limit);
  std::vector<Store::ThumbnailEntry> entries;
  while (query.executeStep()) {
    Store::ThumbnailEntry entry;
    entry.sha256 = query.getColumn(0).getString();
    entry.format = query.getColumn(1).getString();
    entry.status = query.getColumn(2).getString();
    entry.error = query.getColumn(3).getString();
    entry.blank = query.getColumn(4).getInt() != 0;
    const std::string where = query.getColumn(5).getString();
    const size_t tab = where.find('\t');
    entry.paper_id = where.substr(0, tab);
    if (tab != std::string::npos) entry.path = where.substr(tab + 1);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace imagemesh::store
