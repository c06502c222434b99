// Read-only queries behind Store::counts(), Store::search_captions() and Store::export_rows().
// Internal to store; each throws SQLite::Exception on database errors (the Store boundary
// converts).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <iosfwd>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace imagemesh::store {

Store::Counts read_counts(SQLite::Database& db);

// FTS5 MATCH over caption documents, best bm25 first. A malformed query is kInvalidArgument
// carrying SQLite's message.
Result<std::vector<Store::CaptionHit>> search_caption_documents(SQLite::Database& db,
                                                                const std::string& match,
                                                                int limit);

// Store::list_thumbnails(). A limit < 1 is kInvalidArgument.
Result<std::vector<Store::ThumbnailEntry>> list_thumbnail_entries(
    SQLite::Database& db, const Store::ThumbnailFilter& filter);

// docs/export.md. Unknown `what` or `format` is kInvalidArgument listing the valid values.
Status export_table(SQLite::Database& db, const std::string& what, const std::string& format,
                    std::ostream& out);

}  // namespace imagemesh::store
