#include "index/vector_index.h"

#include <string>

#include "index/exact_index.h"
#include "index/hnsw_index.h"
#include "index/index_file.h"

namespace imagemesh::index {

std::string_view strategy_name(SearchStrategy strategy) {
  switch (strategy) {
    case SearchStrategy::kExact:
      return "exact";
    case SearchStrategy::kAnn:
      return "ann";
    case SearchStrategy::kAnnWidened:
      return "ann+widened";
  }
  return "unknown";
}

Result<std::unique_ptr<VectorIndex>> make_index(std::string_view kind, uint32_t dimension,
                                                const IndexOptions& options) {
  if (dimension == 0) return error(ErrorCode::kInvalidArgument, "dimension must be positive");
  if (kind == "exact") return std::unique_ptr<VectorIndex>(new ExactIndex(dimension));
  if (kind == "hnsw") {
    if (options.hnsw.m < 2) return error(ErrorCode::kInvalidArgument, "hnsw M must be >= 2");
    return std::unique_ptr<VectorIndex>(new HnswIndex(dimension, options.hnsw, options.filter));
  }
  return error(ErrorCode::kInvalidArgument,
               "unknown index kind '" + std::string(kind) + "' (exact, hnsw)");
}

Result<std::unique_ptr<VectorIndex>> load_index(const std::filesystem::path& path,
                                                const IndexOptions& options) {
  IM_ASSIGN_OR_RETURN(MappedFile file, MappedFile::open(path));
  IM_ASSIGN_OR_RETURN(IndexHeader header, decode_header(file.bytes()));
  if (header.kind == IndexKind::kExact) {
    IM_ASSIGN_OR_RETURN(auto exact, ExactIndex::load(path));
    return std::unique_ptr<VectorIndex>(std::move(exact));
  }
  IM_ASSIGN_OR_RETURN(auto hnsw, HnswIndex::load(path, options.filter));
  return std::unique_ptr<VectorIndex>(std::move(hnsw));
}

}  // namespace imagemesh::index
