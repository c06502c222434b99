// Small helpers around SQLiteCpp, internal to store: turning its exceptions into Status at the
// boundary of every Store method, statement reuse, and an all-or-nothing transaction guard.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "core/status.h"

namespace imagemesh::store {

// Opens `mesh_dir`/mesh.db read-only with the connection settings every reader uses. kNotFound
// without a database or with an empty one; kUnsupported for an older schema (one writable open
// upgrades it) or a newer one.
Result<std::unique_ptr<SQLite::Database>> open_database_read_only(const std::string& mesh_dir);

// kIo for what the environment did (disk full, locked, unreadable file), kInternal for everything
// else (constraint violations and SQL errors are bugs or broken input contracts).
Status status_from(const SQLite::Exception& e, const std::string& context);

// Runs `fn` (returning Status or Result<T>) and converts any exception into a Status, so that
// exceptions never leave the module.
template <typename Fn>
auto guarded(const std::string& context, Fn&& fn) -> decltype(fn()) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const SQLite::Exception& e) {
    return status_from(e, context);
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, context + ": " + e.what());
  }
}

// Prepares a cached statement for another use. tryReset() rather than reset(): after a failed
// step, reset() would rethrow that old error on the next, unrelated use.
inline SQLite::Statement& fresh(SQLite::Statement& statement) {
  statement.tryReset();
  return statement;
}

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() succeeded. IMMEDIATE
// takes the write lock up front, so a concurrent writer fails at BEGIN rather than mid-batch.
class WriteTransaction {
 public:
  explicit WriteTransaction(SQLite::Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  ~WriteTransaction() {
    if (!committed_) db_.tryExec("ROLLBACK");
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit() {
    db_.exec("COMMIT");
    committed_ = true;
  }

 private:
  SQLite::Database& db_;
  bool committed_ = false;
};

// A read transaction for the guard's scope: several queries see one consistent snapshot even
// while another process commits. Ended (it never writes) on destruction, also after a throw.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(SQLite::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadSnapshot() { db_.tryExec("ROLLBACK"); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  SQLite::Database& db_;
};

}  // namespace imagemesh::store
