// The mesh.db schema: DDL, version and the checks run when a database is opened. Internal to store.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>

#include "core/status.h"

namespace imagemesh::store::schema {

// Bumped on every change to the DDL (docs/schema.md lists what each version changed). A database
// written by a newer imagemesh is refused rather than misread.
inline constexpr int kSchemaVersion = 3;

// The imagemesh version recorded in `runs.tool_version`.
inline constexpr const char* kToolVersion = "0.1.0";

// Returns the schema version stored in `meta`, 0 for an empty database (no tables at all), or an
// error for a database that is not a mesh (tables but no meta) or is newer than kSchemaVersion.
// Throws SQLite::Exception on database errors.
Result<int> stored_version(SQLite::Database& db);

// Brings a database at `from_version` (as stored_version() returned it: 0 for a new one) up to
// kSchemaVersion in one transaction: creates what does not exist yet, migrates older versions
// (docs/schema.md, "Versions"). Idempotent. Throws SQLite::Exception.
void apply(SQLite::Database& db, int from_version);

}  // namespace imagemesh::store::schema
