#include "store/search_index.h"

#include "store/sqlite_util.h"

namespace imagemesh::store {
namespace {

constexpr int kTextColumns = 7;  // title, authors, abstract, caption, label, file, creator

}  // namespace

SearchIndex::SearchIndex(SQLite::Database& db)
    : select_documents_(db,
                        "SELECT file_id, title, authors, abstract, caption, label, file, creator "
                        "FROM search_documents WHERE paper_id = ? ORDER BY file_id"),
      delete_document_(db,
                       "INSERT INTO search_fts(search_fts, rowid, title, authors, abstract, "
                       "caption, label, file, creator) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?, ?)"),
      // Single-row statements in growing rowid order: FTS5 flushes its pending index on every
      // statement savepoint and on every rowid that does not grow (schema.cc).
      insert_document_(db,
                       "INSERT INTO search_fts(rowid, title, authors, abstract, caption, label, "
                       "file, creator) VALUES (?, ?, ?, ?, ?, ?, ?, ?)") {}

int SearchIndex::remove_paper(const std::string& paper_id) {
  return apply_to_paper(paper_id, delete_document_);
}

int SearchIndex::add_paper(const std::string& paper_id) {
  return apply_to_paper(paper_id, insert_document_);
}

int SearchIndex::apply_to_paper(const std::string& paper_id, SQLite::Statement& write) {
  auto& documents = fresh(select_documents_);
  documents.bindNoCopy(1, paper_id);
  int count = 0;
  while (documents.executeStep()) {
    auto& statement = fresh(write);
    statement.bind(1, documents.getColumn(0).getInt64());
    for (int column = 1; column <= kTextColumns; ++column) {
      // Copied, not bound in place: the row's memory is only valid until the next step.
      statement.bind(column + 1, documents.getColumn(column).getString());
    }
    statement.exec();
    ++count;
  }
  documents.tryReset();
  return count;
}

}  // namespace imagemesh::store
