#include "embed/head_common.h"

namespace imagemesh::embed {

Result<VectorFile> open_source_vectors(const std::string& mesh_dir, const std::string& source) {
  const std::filesystem::path path =
      std::filesystem::path(mesh_dir) / "embed" / (source + ".vectors");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status(ErrorCode::kNotFound, "no vectors for " + source + " in " + mesh_dir +
                                            "/embed: run `imagemesh embed --mesh " + mesh_dir +
                                            " --model " + source + "` first");
  }
  return VectorFile::open(path);
}

Result<std::vector<float>> read_rows(const VectorFile& vectors,
                                     std::span<const uint32_t> ordinals) {
  const size_t dim = vectors.info().dimension;
  std::vector<float> rows(ordinals.size() * dim);
  for (size_t i = 0; i < ordinals.size(); ++i) {
    IM_RETURN_IF_ERROR(vectors.read(ordinals[i], std::span<float>(rows.data() + i * dim, dim)));
  }
  return rows;
}

uint64_t seeded_hash(uint64_t seed, uint64_t value) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + value + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::filesystem::path default_head_path(const std::string& mesh_dir, const std::string& name) {
  return std::filesystem::path(mesh_dir) / "models" / (name + ".yml");
}

}  // namespace imagemesh::embed
