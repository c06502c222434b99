// The on-disk header shared by every index kind, file writing and read-only mapping
// (docs/index.md is the format's specification).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/atomic_file.h"
#include "core/mapped_file.h"
#include "core/status.h"

namespace imagemesh::index {

inline constexpr size_t kHeaderBytes = 256;
inline constexpr uint32_t kFormatVersion = 1;

enum class IndexKind : uint32_t { kExact = 1, kHnsw = 2 };

struct IndexHeader {
  IndexKind kind = IndexKind::kExact;
  uint32_t dimension = 0;
  uint64_t count = 0;
  uint64_t ids_offset = 0;      // exact: where count uint32 ids start
  uint64_t vectors_offset = 0;  // exact: where count*dimension floats start (64-byte aligned)
  // hnsw: the graph's parameters and its companion file (<path>.hnsw), checked before hnswlib
  // reads it because hnswlib trusts every size in that file.
  uint32_t hnsw_m = 0;
  uint32_t hnsw_ef_construction = 0;
  uint32_t hnsw_ef_search = 0;
  uint64_t graph_bytes = 0;
  std::string graph_sha256;  // 64 lower-case hex digits
};

std::string encode_header(const IndexHeader& header);  // exactly kHeaderBytes
// Checks magic, version, kind and field ranges; not the payload.
[[nodiscard]] Result<IndexHeader> decode_header(std::string_view bytes);

}  // namespace imagemesh::index
