// The model catalogue: every embedding model imagemesh knows, how to load it, and where its
// weights live. Adding a model is adding its file (a Model subclass and a loader) and one row to
// the table in models.cc.
//
// A loaded Model is used by one thread at a time (OpenCV's dnn::Net::forward is not reentrant):
// embed jobs load one instance per worker thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "embed/model.h"

namespace imagemesh::embed {

// Where converted weights live: <dir>/<model>/... as written by tools/models/fetch.sh
// (docs/models.md).
struct ModelDirectory {
  std::filesystem::path root;
};

// The weights directory to use when none is given: $IMAGEMESH_MODELS if set, else the folder the
// build was configured with (IMAGEMESH_DEFAULT_MODEL_DIR: <source>/build/models).
std::filesystem::path default_model_directory();

struct ModelInfo {
  std::string name;     // stable identifier ([a-z0-9_.-])
  std::string summary;  // one line for `embed --list`
  bool needs_weights = false;
  uint32_t pca_dim = 0;  // documented reduced dimension (docs/embeddings.md); heads: none
  // A head (docs/heads.md): trained per mesh with `imagemesh train`, applied to another model's
  // stored vectors instead of pixels; load_model() does not load it (embed/head_model.h does).
  bool head = false;
};

// Every known model, in a stable order (the default `embed` order).
const std::vector<ModelInfo>& model_catalogue();

// Finds `name` in the catalogue (kNotFound listing the known names otherwise).
[[nodiscard]] Result<ModelInfo> find_model(std::string_view name);

// Loads the pixel model `name`. Models with weights read them from `weights`; a missing weights
// folder is kNotFound with the command that fetches them; a head is kInvalidArgument.
[[nodiscard]] Result<std::unique_ptr<Model>> load_model(std::string_view name,
                                                        const ModelDirectory& weights);

}  // namespace imagemesh::embed
