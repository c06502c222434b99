// The weight tensors of a Keras model as tools/models/decode_nsfwjs.mjs writes them: weights.bin
// (float32, little-endian, tensors back to back) described by manifest.json (docs/models.md).
// Parsing the manifest's JSON is keras_net.cc's job; this file checks what it says and serves the
// tensors by name, so a network builder can insist that each one is used exactly once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"

namespace imagemesh::embed {

struct WeightEntry {
  std::string name;        // Keras "<layer>/<variable>", e.g. "Conv1/kernel"
  std::vector<int> shape;  // Keras order (a Conv2D kernel is H, W, in, out)
  uint64_t offset = 0;     // in bytes from the start of weights.bin
};

struct WeightManifest {
  uint64_t weights_bytes = 0;  // exact size of weights.bin
  std::string weights_sha256;  // lower-case hex
  std::vector<WeightEntry> entries;
};

class WeightStore {
 public:
  // Checks the manifest's layout (unique names, positive shapes, 4-byte aligned tensors tiling
  // the file with no gap or overlap; kCorruptArchive otherwise), then maps `weights_path` and
  // checks its size (kTruncated when short, kCorruptArchive when long), SHA-256
  // (kChecksumMismatch) and that every value is finite (kCorruptArchive).
  [[nodiscard]] static Result<WeightStore> open(const std::filesystem::path& weights_path,
                                                WeightManifest manifest);

  // The tensor `name`, which must have exactly `shape` (kCorruptArchive otherwise, naming both).
  // Marks it used. The span lives as long as the store.
  [[nodiscard]] Result<std::span<const float>> take(const std::string& name,
                                                    const std::vector<int>& shape);

  // Names never take()n, in manifest order: weights the network does not explain.
  std::vector<std::string> unused() const;

 private:
  struct Slot {
    size_t index = 0;  // into manifest_.entries
    bool used = false;
  };
  WeightManifest manifest_;
  MappedFile file_;
  std::map<std::string, Slot, std::less<>> by_name_;
};

// "[3, 3, 32, 1]"
std::string shape_to_string(const std::vector<int>& shape);

}  // namespace imagemesh::embed
