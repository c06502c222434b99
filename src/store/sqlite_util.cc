#include "store/sqlite_util.h"

#include <sqlite3.h>

namespace imagemesh::store {

Status status_from(const SQLite::Exception& e, const std::string& context) {
  ErrorCode code = ErrorCode::kInternal;
  switch (e.getErrorCode()) {
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_PROTOCOL:
      code = ErrorCode::kIo;
      break;
    default:
      break;
  }
  return Status(code, context + ": " + e.what());
}

}  // namespace imagemesh::store
