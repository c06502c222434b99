// The mesh.db schema: DDL, version and the checks run when a database is opened. Internal to store.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>

#include "core/status.h"

namespace imagemesh::store::schema {

// Bumped on every change to the DDL (docs/schema.md lists what each version changed). A database
// written by a newer imagemesh is refused rather than misread.
inline constexpr int kSchemaVersion = 1;

// caption_fts rowids: figure_id * kCaptionRowidsPerFigure for a figure's caption, plus the
// sub-figure's ord for a sub-figure's (see the DDL in schema.cc for why).
inline constexpr int64_t kCaptionRowidsPerFigure = 65536;

// The imagemesh version recorded in `runs.tool_version`.
inline constexpr const char* kToolVersion = "0.1.0";

// Returns the schema version stored in `meta`, 0 for an empty database (no tables at all), or an
// error for a database that is not a mesh (tables but no meta) or is newer than kSchemaVersion.
// Throws SQLite::Exception on database errors.
Result<int> stored_version(SQLite::Database& db);

// Creates every table, index, view and trigger that does not exist yet and records kSchemaVersion,
// in one transaction. Idempotent. Throws SQLite::Exception.
void apply(SQLite::Database& db);

}  // namespace imagemesh::store::schema
