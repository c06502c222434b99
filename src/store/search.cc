#include "store/queries.h"

namespace imagemesh::store {
namespace {

// The licence filter of a search, as SQL over paper_info (?2 is the licence, '' = any).
constexpr const char* kLicenseFilter =
    "(?2 = '' OR pi.license = ?2 COLLATE NOCASE OR pi.license_family = ?2 COLLATE NOCASE)";

}  // namespace

Result<Store::SearchResults> search_documents(SQLite::Database& db,
                                              const Store::SearchRequest& request) {
  if (request.limit < 1 || request.limit > 10000) {
    return Status(ErrorCode::kInvalidArgument,
                  "search limit must be 1..10000, got " + std::to_string(request.limit));
  }
  if (request.offset < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "search offset must be >= 0, got " + std::to_string(request.offset));
  }
  if (request.match.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status(ErrorCode::kInvalidArgument, "the search query is empty");
  }
  return as_query_error(request.match, [&]() -> Result<Store::SearchResults> {
    Store::SearchResults results;
    // Without a licence filter the count and the ranking need the index alone; joins are made
    // for the page's rows only (a common word matches most of a large mesh).
    const bool filtered = !request.license.empty();
    SQLite::Statement count(
        db, filtered ? std::string("SELECT count(*) FROM search_fts "
                                   "JOIN files f ON f.file_id = search_fts.rowid "
                                   "JOIN paper_info pi ON pi.paper_id = f.paper_id "
                                   "WHERE search_fts MATCH ?1 AND ") +
                           kLicenseFilter
                     : std::string("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?1"));
    count.bind(1, request.match);
    if (filtered) count.bind(2, request.license);
    if (count.executeStep()) results.total = count.getColumn(0).getInt64();

    // ORDER BY rank lets FTS5 sort by bm25 (weights set in schema.cc) itself; snippet() is then
    // computed only for the rows returned. rowid breaks ties so that pages are stable.
    const std::string page =
        filtered
            ? std::string(
                  "SELECT search_fts.rowid AS file_id, search_fts.rank AS rank "
                  "FROM search_fts JOIN files f ON f.file_id = search_fts.rowid "
                  "JOIN paper_info pi ON pi.paper_id = f.paper_id "
                  "WHERE search_fts MATCH ?1 AND ") +
                  kLicenseFilter + " ORDER BY search_fts.rank, search_fts.rowid LIMIT ?3 OFFSET ?4"
            : "SELECT rowid AS file_id, rank FROM search_fts WHERE search_fts MATCH ?1 "
              "ORDER BY rank, rowid LIMIT ?3 OFFSET ?4";
    SQLite::Statement query(db,
                            "SELECT f.file_id, f.paper_id, f.path, pi.title, pi.described_by, "
                            "(SELECT min(fig.ord) FROM figure_graphics g JOIN figures fig "
                            " ON fig.figure_id = g.figure_id "
                            " WHERE g.paper_id = f.paper_id AND g.resolved_path = f.path), "
                            "snippet(search_fts, -1, '[', ']', '…', 16), "
                            "snippet(search_fts, 3, '[', ']', '…', 24), -hits.rank "
                            "FROM (" +
                                page +
                                ") hits JOIN search_fts ON search_fts.rowid = hits.file_id "
                                "JOIN files f ON f.file_id = hits.file_id "
                                "JOIN paper_info pi ON pi.paper_id = f.paper_id "
                                "WHERE search_fts MATCH ?1 ORDER BY hits.rank, hits.file_id");
    query.bind(1, request.match);
    if (filtered) query.bind(2, request.license);
    query.bind(3, request.limit);
    query.bind(4, request.offset);
    while (query.executeStep()) {
      Store::SearchHit hit;
      hit.file_id = query.getColumn(0).getInt64();
      hit.paper_id = query.getColumn(1).getString();
      hit.path = query.getColumn(2).getString();
      hit.title = query.getColumn(3).getString();
      hit.described_by = query.getColumn(4).getString();
      hit.figure_order = query.getColumn(5).isNull() ? 0 : query.getColumn(5).getInt();
      hit.snippet = query.getColumn(6).getString();
      hit.caption = query.getColumn(7).getString();
      hit.score = query.getColumn(8).getDouble();
      results.hits.push_back(std::move(hit));
    }
    return results;
  });
}

}  // namespace imagemesh::store
