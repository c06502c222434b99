// Keeps search_fts (FTS5, external content) in step with the search_documents view it indexes.
// Internal to store. The contract (schema.cc): whoever changes what a paper's documents say calls
// remove_paper() before the change and add_paper() after it, inside the same transaction. FTS5
// removes a document by its indexed words, so 'delete' must be given exactly the old text, which
// the view still shows before the change.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

namespace imagemesh::store {

class SearchIndex {
 public:
  explicit SearchIndex(SQLite::Database& db);

  // Removes / adds the documents of every image file of `paper_id` (none if it has no images or
  // is not in the mesh). Return the number of documents. Throw SQLite::Exception.
  int remove_paper(const std::string& paper_id);
  int add_paper(const std::string& paper_id);

 private:
  int apply_to_paper(const std::string& paper_id, SQLite::Statement& write);

  SQLite::Statement select_documents_;
  SQLite::Statement delete_document_;
  SQLite::Statement insert_document_;
};

}  // namespace imagemesh::store
