#include "embed/index_update.h"

#include <memory>
#include <system_error>
#include <vector>

#include "core/progress.h"
#include "embed/unit_vector.h"
#include "embed/vector_file.h"
#include "index/vector_index.h"

namespace imagemesh::embed {
namespace {

namespace fs = std::filesystem;

}  // namespace

void remove_index(const fs::path& index_path) {
  std::error_code ignored;
  fs::remove(index_path, ignored);
  fs::path graph = index_path;
  graph += ".hnsw";
  fs::remove(graph, ignored);
}

Result<IndexUpdate> update_index(const fs::path& vectors_path, const fs::path& index_path,
                                 const std::string& model, bool progress,
                                 const std::atomic<bool>* cancel) {
  IM_ASSIGN_OR_RETURN(VectorFile vectors, VectorFile::open(vectors_path));
  const uint32_t dim = vectors.info().dimension;
  std::unique_ptr<index::VectorIndex> graph;
  if (fs::exists(index_path)) {
    IM_ASSIGN_OR_RETURN(graph, index::load_index(index_path));
    if (graph->dimension() != dim) {
      return Status(ErrorCode::kInvalidArgument,
                    index_path.string() + " does not match the vectors: run `imagemesh embed " +
                        "--rebuild --model " + model + "`");
    }
  } else {
    IM_ASSIGN_OR_RETURN(graph, index::make_index("hnsw", dim));
  }
  uint64_t missing = 0;
  for (uint64_t row = 0; row < vectors.rows(); ++row) {
    missing += vectors.has(row) && !graph->contains(static_cast<uint32_t>(row)) ? 1 : 0;
  }
  IndexUpdate update;
  if (missing > 0) {
    MaybeProgressBar bar(progress, model + " index", missing, "vectors");
    std::vector<float> values(dim);
    for (uint64_t row = 0; row < vectors.rows(); ++row) {
      const auto id = static_cast<uint32_t>(row);
      if (!vectors.has(row) || graph->contains(id)) continue;
      if (cancel != nullptr && cancel->load()) {
        bar.finish();
        IM_RETURN_IF_ERROR(graph->save(index_path));  // keep what was added
        return Status(ErrorCode::kCancelled, "interrupted");
      }
      IM_RETURN_IF_ERROR(vectors.read(row, values));
      // float16 and int8 storage round a unit vector's norm slightly; the index wants unit length.
      if (!normalise(values)) {
        return Status(ErrorCode::kCorruptArchive,
                      vectors_path.string() + ": row " + std::to_string(row) + " is zero");
      }
      IM_RETURN_IF_ERROR(graph->add(id, values));
      ++update.added;
      bar.advance();
    }
    bar.finish();
    IM_RETURN_IF_ERROR(graph->save(index_path));
  }
  update.size = graph->size();
  return update;
}

}  // namespace imagemesh::embed
