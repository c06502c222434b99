#include <sqlite3.h>

#include "store/queries.h"
#include "store/schema.h"

namespace imagemesh::store {

Result<std::vector<Store::CaptionHit>> search_caption_documents(SQLite::Database& db,
                                                                const std::string& match,
                                                                int limit) {
  if (limit <= 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "search limit must be positive, got " + std::to_string(limit));
  }
  // ORDER BY rank (bm25 by default) lets FTS5 sort the matches itself; snippet() is then computed
  // only for the rows actually returned. bm25 is lower-is-better; the score is its negation.
  SQLite::Statement query(
      db,
      "SELECT f.paper_id, f.ord, snippet(caption_fts, -1, '[', ']', '…', 16), -caption_fts.rank "
      "FROM caption_fts JOIN figures f ON f.figure_id = caption_fts.rowid / " +
          std::to_string(schema::kCaptionRowidsPerFigure) +
          " WHERE caption_fts MATCH ? ORDER BY caption_fts.rank LIMIT ?");
  query.bind(1, match);
  query.bind(2, limit);
  std::vector<Store::CaptionHit> hits;
  try {
    while (query.executeStep()) {
      Store::CaptionHit hit;
      hit.paper_id = query.getColumn(0).getString();
      hit.order = query.getColumn(1).getInt();
      hit.snippet = query.getColumn(2).getString();
      hit.score = query.getColumn(3).getDouble();
      hits.push_back(std::move(hit));
    }
  } catch (const SQLite::Exception& e) {
    // FTS5 reports a malformed MATCH expression (unbalanced quote, bare operator, unknown column)
    // as a plain SQLITE_ERROR while stepping; anything else is a real database failure.
    if (e.getErrorCode() == SQLITE_ERROR) {
      return Status(ErrorCode::kInvalidArgument, "bad search query '" + match + "': " + e.what());
    }
    throw;
  }
  return hits;
}

}  // namespace imagemesh::store
