#include "index/exact_index.h"

#include <cstring>
#include <string>

#include "index/scan.h"

namespace imagemesh::index {
namespace {

uint64_t align64(uint64_t offset) { return (offset + 63) & ~uint64_t{63}; }

}  // namespace

Status ExactIndex::add(uint32_t id, std::span<const float> vector) {
  IM_RETURN_IF_ERROR(check_vector(vector, dimension_));
  if (row_of_.contains(id)) {
    return error(ErrorCode::kInvalidArgument, "id " + std::to_string(id) + " is already indexed");
  }
  if (rows_ != owned_.data()) {  // still the mapped file: copy once, then grow in memory
    owned_.assign(rows_, rows_ + ids_.size() * dimension_);
    mapped_ = MappedFile();
  }
  owned_.insert(owned_.end(), vector.begin(), vector.end());
  rows_ = owned_.data();
  row_of_.emplace(id, static_cast<uint32_t>(ids_.size()));
  ids_.push_back(id);
  return Status::Ok();
}

Result<std::vector<Neighbor>> ExactIndex::search(std::span<const float> query, size_t k,
                                                 const AllowedIds* allowed,
                                                 SearchStats* stats) const {
  IM_RETURN_IF_ERROR(check_query(query, dimension_, k));
  TopK top(k);
  size_t scored = 0;
  if (allowed == nullptr) {
    for (size_t r = 0; r < ids_.size(); ++r) {
      top.offer({ids_[r], dot(query.data(), row(r), dimension_)});
    }
    scored = ids_.size();
  } else {
    for (uint32_t id : allowed->ids()) {
      auto it = row_of_.find(id);
      if (it == row_of_.end()) continue;
      top.offer({id, dot(query.data(), row(it->second), dimension_)});
      ++scored;
    }
  }
  if (stats != nullptr) *stats = {SearchStrategy::kExact, scored, 0, false};
  return top.take();
}

Status ExactIndex::save(const std::filesystem::path& path) const {
  IndexHeader header;
  header.kind = IndexKind::kExact;
  header.dimension = dimension_;
  header.count = ids_.size();
  header.ids_offset = kHeaderBytes;
  header.vectors_offset = align64(kHeaderBytes + 4 * header.count);
  AtomicFileWriter out(path);
  IM_RETURN_IF_ERROR(out.open());
  IM_RETURN_IF_ERROR(out.write(encode_header(header)));
  IM_RETURN_IF_ERROR(
      out.write({reinterpret_cast<const char*>(ids_.data()), ids_.size() * sizeof(uint32_t)}));
  IM_RETURN_IF_ERROR(out.pad_to(header.vectors_offset));
  IM_RETURN_IF_ERROR(
      out.write({reinterpret_cast<const char*>(rows_), ids_.size() * dimension_ * sizeof(float)}));
  return out.commit();
}

Result<std::unique_ptr<ExactIndex>> ExactIndex::load(const std::filesystem::path& path) {
  IM_ASSIGN_OR_RETURN(MappedFile file, MappedFile::open(path));
  std::string_view bytes = file.bytes();
  IM_ASSIGN_OR_RETURN(IndexHeader header, decode_header(bytes));
  if (header.kind != IndexKind::kExact) {
    return error(ErrorCode::kInvalidArgument, path.string() + " is not an exact index");
  }
  const uint64_t vector_bytes = header.count * header.dimension * sizeof(float);
  if (header.ids_offset != kHeaderBytes ||
      header.vectors_offset != align64(kHeaderBytes + 4 * header.count)) {
    return error(ErrorCode::kCorruptArchive, path.string() + ": bad section offsets");
  }
  if (bytes.size() != header.vectors_offset + vector_bytes) {
    return error(bytes.size() < header.vectors_offset + vector_bytes ? ErrorCode::kTruncated
                                                                     : ErrorCode::kCorruptArchive,
                 path.string() + ": size does not match the header");
  }
  auto index = std::make_unique<ExactIndex>(header.dimension);
  index->ids_.resize(header.count);
  std::memcpy(index->ids_.data(), bytes.data() + header.ids_offset, header.count * 4);
  index->row_of_.reserve(header.count);
  for (uint32_t r = 0; r < header.count; ++r) {
    if (!index->row_of_.emplace(index->ids_[r], r).second) {
      return error(ErrorCode::kCorruptArchive, path.string() + ": duplicate id");
    }
  }
  // vectors_offset is 64-byte aligned and mappings are page-aligned, so the floats are aligned.
  index->rows_ = reinterpret_cast<const float*>(bytes.data() + header.vectors_offset);
  index->mapped_ = std::move(file);
  return index;
}

}  // namespace imagemesh::index
