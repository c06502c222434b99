// Brings a model's index in step with its vector file: every present row the index lacks is
// added, in ordinal order (the same inserts in the same order build the same graph), and the
// index is saved atomically when anything changed. Shared by every kind of model the embed run
// handles.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/status.h"

namespace imagemesh::embed {

struct IndexUpdate {
  uint64_t size = 0;   // vectors in the index afterwards
  uint64_t added = 0;  // of which added now
};

// `model` names the model in messages and the progress bar. Creates an HNSW index when there is
// none. A dimension mismatch is kInvalidArgument naming `embed --rebuild`; cancelled (`cancel`
// set) keeps what was added (saved) and returns kCancelled.
[[nodiscard]] Result<IndexUpdate> update_index(const std::filesystem::path& vectors_path,
                                               const std::filesystem::path& index_path,
                                               const std::string& model, bool progress,
                                               const std::atomic<bool>* cancel);

// Removes an index and its companion files.
void remove_index(const std::filesystem::path& index_path);

}  // namespace imagemesh::embed
