// What the head trainers (train_ternary, train_deepcluster) share: finding the source model's
// vectors, reading rows of them, seeded hashing for deterministic choices, and where models live.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "embed/vector_file.h"

namespace imagemesh::embed {

// mesh/embed/<source>.vectors, opened. kNotFound says which `imagemesh embed` to run first.
[[nodiscard]] Result<VectorFile> open_source_vectors(const std::string& mesh_dir,
                                                     const std::string& source);

// The rows `ordinals` of `vectors`, back to back (every one must be present).
[[nodiscard]] Result<std::vector<float>> read_rows(const VectorFile& vectors,
                                                   std::span<const uint32_t> ordinals);

// A well-mixed 64-bit hash of (seed, value) (splitmix64): orders images "at random" but
// reproducibly for a seed.
uint64_t seeded_hash(uint64_t seed, uint64_t value);

// <mesh>/models/<name>.yml
std::filesystem::path default_head_path(const std::string& mesh_dir, const std::string& name);

}  // namespace imagemesh::embed
