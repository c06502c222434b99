#include "embed/keras_weights.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/hash.h"

namespace imagemesh::embed {
namespace {

static_assert(std::endian::native == std::endian::little,
              "weights.bin is little-endian float32, read in place");

// Far above InceptionV3's 87 MB; a manifest claiming more is not one of ours.
constexpr uint64_t kMaxWeightsBytes = uint64_t{1} << 31;

Status corrupt(const std::filesystem::path& path, const std::string& what) {
  return error(ErrorCode::kCorruptArchive, path.string() + ": " + what);
}

// Elements of `shape`, or 0 when a side is not positive or the product is absurd.
uint64_t element_count(const std::vector<int>& shape) {
  uint64_t count = 1;
  for (int side : shape) {
    if (side <= 0) return 0;
    count *= static_cast<uint64_t>(side);
    if (count > kMaxWeightsBytes) return 0;
  }
  return count;
}

Status check_layout(const std::filesystem::path& path, const WeightManifest& manifest) {
  if (manifest.weights_bytes > kMaxWeightsBytes || manifest.weights_bytes % sizeof(float) != 0) {
    return corrupt(path, "manifest: implausible weights_bytes");
  }
  std::vector<const WeightEntry*> by_offset;
  for (const WeightEntry& entry : manifest.entries) by_offset.push_back(&entry);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const WeightEntry* a, const WeightEntry* b) { return a->offset < b->offset; });
  uint64_t next = 0;
  for (const WeightEntry* entry : by_offset) {
    const uint64_t count = entry->shape.empty() ? 0 : element_count(entry->shape);
    if (count == 0) {
      return corrupt(path,
                     "manifest: " + entry->name + " has shape " + shape_to_string(entry->shape));
    }
    if (entry->offset != next) {
      return corrupt(path, "manifest: " + entry->name + " starts at byte " +
                               std::to_string(entry->offset) + ", expected " +
                               std::to_string(next) + " (gap or overlap)");
    }
    next += count * sizeof(float);
  }
  if (next != manifest.weights_bytes) {
    return corrupt(path, "manifest: tensors cover " + std::to_string(next) + " bytes, not " +
                             std::to_string(manifest.weights_bytes));
  }
  return Status::Ok();
}

}  // namespace

std::string shape_to_string(const std::vector<int>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

Result<WeightStore> WeightStore::open(const std::filesystem::path& weights_path,
                                      WeightManifest manifest) {
  IM_RETURN_IF_ERROR(check_layout(weights_path, manifest));
  WeightStore store;
  for (size_t i = 0; i < manifest.entries.size(); ++i) {
    if (!store.by_name_.emplace(manifest.entries[i].name, Slot{i, false}).second) {
      return corrupt(weights_path, "manifest: " + manifest.entries[i].name + " appears twice");
    }
  }
  IM_ASSIGN_OR_RETURN(store.file_, MappedFile::open(weights_path));
  const std::string_view bytes = store.file_.bytes();
  if (bytes.size() < manifest.weights_bytes) {
    return error(ErrorCode::kTruncated, weights_path.string() + ": " +
                                            std::to_string(bytes.size()) + " bytes, expected " +
                                            std::to_string(manifest.weights_bytes));
  }
  if (bytes.size() > manifest.weights_bytes) {
    return corrupt(weights_path, std::to_string(bytes.size()) + " bytes, expected " +
                                     std::to_string(manifest.weights_bytes));
  }
  if (sha256_hex(bytes) != manifest.weights_sha256) {
    return error(ErrorCode::kChecksumMismatch,
                 weights_path.string() + ": SHA-256 differs from the manifest's");
  }
  // MappedFile's view is page-aligned, so reading floats in place is aligned.
  const std::span<const float> values(reinterpret_cast<const float*>(bytes.data()),
                                      bytes.size() / sizeof(float));
  if (!std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); })) {
    return corrupt(weights_path, "non-finite weight");
  }
  store.manifest_ = std::move(manifest);
  return store;
}

Result<std::span<const float>> WeightStore::take(const std::string& name,
                                                 const std::vector<int>& shape) {
  auto slot = by_name_.find(name);
  if (slot == by_name_.end()) {
    return error(ErrorCode::kCorruptArchive, "weights: no tensor " + name + " in the manifest");
  }
  const WeightEntry& entry = manifest_.entries[slot->second.index];
  if (entry.shape != shape) {
    return error(ErrorCode::kCorruptArchive,
                 "weights: " + name + " has shape " + shape_to_string(entry.shape) +
                     ", the topology implies " + shape_to_string(shape));
  }
  if (slot->second.used) {
    return error(ErrorCode::kCorruptArchive, "weights: " + name + " used twice");
  }
  slot->second.used = true;
  const auto* first = reinterpret_cast<const float*>(file_.bytes().data() + entry.offset);
  return std::span<const float>(first, element_count(shape));
}

std::vector<std::string> WeightStore::unused() const {
  std::vector<std::string> names;
  for (const WeightEntry& entry : manifest_.entries) {
    if (!by_name_.at(entry.name).used) names.push_back(entry.name);
  }
  return names;
}

}  // namespace imagemesh::embed
