// The embed run for a trained head (docs/heads.md): for every image with a vector of the head's
// source model, the head's hidden layer (L2-normalised, no PCA) becomes the head's vector, and
// its prediction (class or cluster, with a probability) is stored in the database.
//
// A retrained head (its file's SHA-256 differs from mesh/embed/<name>.head) invalidates the
// head's vectors, index and predictions, which are then computed again.
#pragma once

#include <filesystem>
#include <string>

#include "core/status.h"
#include "embed/embed_job.h"
#include "store/store.h"

namespace imagemesh::embed {

// Skips (summary.skipped) when the head is not trained or its source has no vectors.
[[nodiscard]] Result<ModelRunSummary> run_head(const EmbedOptions& options, const std::string& name,
                                               store::Store& store,
                                               const std::filesystem::path& embed_dir);

}  // namespace imagemesh::embed
