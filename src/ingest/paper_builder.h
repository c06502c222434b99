// Turns one paper held in memory into the record the store keeps: file inventory with hashes, image
// facts per distinct blob, figures from the LaTeX, and every problem met on the way.
#pragma once

#include "ingest/source_reader.h"
#include "store/records.h"

namespace imagemesh::ingest {

// Pure and thread-safe: called on worker threads, one paper each. Never fails: problems are
// recorded in the record's `problems`.
store::PaperRecord build_paper_record(const PaperSource& source);

// macOS metadata files ("._name", ".DS_Store", "__MACOSX/..."): kept in the inventory as plain
// files, but never treated as images or TeX.
bool is_os_metadata_file(std::string_view path);

}  // namespace imagemesh::ingest
