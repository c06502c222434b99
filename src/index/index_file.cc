#include "index/index_file.h"

#include <bit>
#include <cstring>

namespace imagemesh::index {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the index format is little-endian and read by memcpy");

constexpr char kMagic[8] = {'I', 'M', 'V', 'I', 'N', 'D', 'E', 'X'};

template <typename T>
void put(std::string& out, size_t offset, T value) {
  std::memcpy(out.data() + offset, &value, sizeof(T));
}
template <typename T>
T get(std::string_view in, size_t offset) {
  T value;
  std::memcpy(&value, in.data() + offset, sizeof(T));
  return value;
}

Status corrupt(const std::string& what) {
  return error(ErrorCode::kCorruptArchive, "index header: " + what);
}

}  // namespace

std::string encode_header(const IndexHeader& h) {
  std::string out(kHeaderBytes, '\0');
  std::memcpy(out.data(), kMagic, sizeof(kMagic));
  put<uint32_t>(out, 8, kFormatVersion);
  put<uint32_t>(out, 12, static_cast<uint32_t>(h.kind));
  put<uint32_t>(out, 16, h.dimension);
  put<uint64_t>(out, 24, h.count);
  put<uint64_t>(out, 32, h.ids_offset);
  put<uint64_t>(out, 40, h.vectors_offset);
  put<uint32_t>(out, 48, h.hnsw_m);
  put<uint32_t>(out, 52, h.hnsw_ef_construction);
  put<uint32_t>(out, 56, h.hnsw_ef_search);
  put<uint64_t>(out, 64, h.graph_bytes);
  std::memcpy(out.data() + 72, h.graph_sha256.data(), std::min<size_t>(64, h.graph_sha256.size()));
  return out;
}

Result<IndexHeader> decode_header(std::string_view in) {
  if (in.size() < kHeaderBytes) {
    return error(ErrorCode::kTruncated, "index header: file is shorter than its header");
  }
  if (std::memcmp(in.data(), kMagic, sizeof(kMagic)) != 0) return corrupt("bad magic");
  if (get<uint32_t>(in, 8) != kFormatVersion) {
    return error(ErrorCode::kUnsupported,
                 "index header: format version " + std::to_string(get<uint32_t>(in, 8)));
  }
  IndexHeader h;
  uint32_t kind = get<uint32_t>(in, 12);
  if (kind != 1 && kind != 2) return corrupt("unknown kind " + std::to_string(kind));
  h.kind = static_cast<IndexKind>(kind);
  h.dimension = get<uint32_t>(in, 16);
  h.count = get<uint64_t>(in, 24);
  h.ids_offset = get<uint64_t>(in, 32);
  h.vectors_offset = get<uint64_t>(in, 40);
  h.hnsw_m = get<uint32_t>(in, 48);
  h.hnsw_ef_construction = get<uint32_t>(in, 52);
  h.hnsw_ef_search = get<uint32_t>(in, 56);
  h.graph_bytes = get<uint64_t>(in, 64);
  h.graph_sha256.assign(in.data() + 72, 64);
  if (h.dimension == 0 || h.dimension > 65536) return corrupt("bad dimension");
  if (h.count > (uint64_t{1} << 32)) return corrupt("bad count");
  return h;
}

}  // namespace imagemesh::index
