#include "index/index_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

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

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                 path.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return error(ErrorCode::kIo, path.string() + ": " + std::strerror(e));
  }
  MappedFile mapped;
  if (st.st_size > 0) {
    void* data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      return error(ErrorCode::kIo, path.string() + ": mmap: " + std::strerror(e));
    }
    mapped.data_ = data;
    mapped.size_ = static_cast<size_t>(st.st_size);
  }
  ::close(fd);  // the mapping keeps the file alive
  return mapped;
}

FileWriter::FileWriter(std::filesystem::path path) : path_(std::move(path)) {
  temp_ = path_;
  temp_ += ".tmp";
}

FileWriter::~FileWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
  }
}

Status FileWriter::open() {
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) return error(ErrorCode::kIo, temp_.string() + ": " + std::strerror(errno));
  return Status::Ok();
}

Status FileWriter::write(std::string_view bytes) {
  if (bytes.empty()) return Status::Ok();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return error(ErrorCode::kIo, temp_.string() + ": write failed");
  }
  offset_ += bytes.size();
  return Status::Ok();
}

Status FileWriter::pad_to(uint64_t offset) {
  if (offset < offset_) return error(ErrorCode::kInternal, "pad_to: offset behind the writer");
  return write(std::string(offset - offset_, '\0'));
}

Status FileWriter::commit() {
  bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed || ::rename(temp_.c_str(), path_.c_str()) != 0) {
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
    return error(ErrorCode::kIo, path_.string() + ": could not write the file");
  }
  return Status::Ok();
}

}  // namespace imagemesh::index
