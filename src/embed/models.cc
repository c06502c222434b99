#include "embed/models.h"

#include <cstdlib>

#include "embed/cnn_model.h"
#include "embed/raw_model.h"

namespace imagemesh::embed {
namespace {

using Loader = Result<std::unique_ptr<Model>> (*)(const std::filesystem::path& model_dir);

struct CatalogueEntry {
  ModelInfo info;
  Loader load;
};

Result<std::unique_ptr<Model>> load_raw(const std::filesystem::path&) {
  return std::unique_ptr<Model>(std::make_unique<RawModel>());
}

// The table. Reduced dimensions are documented in docs/embeddings.md ("Models").
const std::vector<CatalogueEntry>& entries() {
  static const std::vector<CatalogueEntry> table = {
      {{"raw", "the pixels: 32x32 sRGB letterboxed on white (3072 values)", false, 256}, &load_raw},
      {{"mobilenet", "MobileNetV2 (ImageNet backbone), 224x224, 1280 pooled features", true, 256},
       &load_mobilenet},
      {{"inception", "InceptionV3 (ImageNet backbone), 299x299, 2048 pooled features", true, 256},
       &load_inception},
      {{"ternary", "figure type head (diagram/sensor/mixed) on another model's vectors", false, 0,
        true},
       nullptr},
      {{"deepcluster", "DeepCluster head (k-means clusters) on another model's vectors", false, 0,
        true},
       nullptr},
  };
  return table;
}

}  // namespace

std::filesystem::path default_model_directory() {
  if (const char* from_env = std::getenv("IMAGEMESH_MODELS"); from_env != nullptr && *from_env) {
    return from_env;
  }
  return IMAGEMESH_DEFAULT_MODEL_DIR;
}

const std::vector<ModelInfo>& model_catalogue() {
  static const std::vector<ModelInfo> infos = [] {
    std::vector<ModelInfo> out;
    for (const auto& entry : entries()) out.push_back(entry.info);
    return out;
  }();
  return infos;
}

Result<ModelInfo> find_model(std::string_view name) {
  std::string known;
  for (const auto& entry : entries()) {
    if (entry.info.name == name) return entry.info;
    known += (known.empty() ? "" : ", ") + entry.info.name;
  }
  return Status(ErrorCode::kNotFound,
                "unknown model '" + std::string(name) + "' (known: " + known + ")");
}

Result<std::unique_ptr<Model>> load_model(std::string_view name, const ModelDirectory& weights) {
  for (const auto& entry : entries()) {
    if (entry.info.name != name) continue;
    if (entry.info.head || entry.load == nullptr) {
      return Status(
          ErrorCode::kInvalidArgument,
          "'" + entry.info.name + "' is a head, applied to stored vectors (docs/heads.md)");
    }
    const std::filesystem::path dir = weights.root / entry.info.name;
    if (entry.info.needs_weights && !std::filesystem::exists(dir)) {
      return Status(ErrorCode::kNotFound,
                    "model '" + entry.info.name + "': no weights in " + dir.string() +
                        "; fetch them with tools/models/fetch.sh " + weights.root.string());
    }
    return entry.load(dir);
  }
  IM_ASSIGN_OR_RETURN(ModelInfo unknown, find_model(name));  // the error listing known names
  return Status(ErrorCode::kInternal, "model '" + unknown.name + "' has no loader");
}

}  // namespace imagemesh::embed
