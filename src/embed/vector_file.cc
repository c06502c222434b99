#include "embed/vector_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/mapped_file.h"
#include "embed/float16.h"

namespace imagemesh::embed {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the vector format is little-endian and read by memcpy");

constexpr char kMagic[8] = {'I', 'M', 'V', 'E', 'C', 'T', 'R', 'S'};
constexpr size_t kModelOffset = 64;
constexpr uint32_t kMissing = 0;
constexpr uint32_t kPresent = 1;
constexpr uint64_t kMaxRows = uint64_t{1} << 32;
constexpr uint64_t kMinCapacity = 64;

template <typename T>
void put(unsigned char* out, size_t offset, T value) {
  std::memcpy(out + offset, &value, sizeof(T));
}
template <typename T>
T get(const unsigned char* in, size_t offset) {
  T value;
  std::memcpy(&value, in + offset, sizeof(T));
  return value;
}

Status corrupt(const std::filesystem::path& path, const std::string& what) {
  return error(ErrorCode::kCorruptArchive, path.string() + ": vector file: " + what);
}

Status os_error(const std::filesystem::path& path, const char* what) {
  return error(ErrorCode::kIo, path.string() + ": " + what + ": " + std::strerror(errno));
}

bool valid_model_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxModelNameBytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

size_t element_bytes(ElementType element) {
  switch (element) {
    case ElementType::kFloat16:
      return 2;
    case ElementType::kInt8:
      return 1;
    case ElementType::kFloat32:
      break;
  }
  return 4;
}

// int8 rows start with their float32 scale: value_i = q_i * scale, scale = max |x_i| / 127.
constexpr size_t kInt8ScaleBytes = sizeof(float);

void encode_header(unsigned char* out, const VectorFileInfo& info, uint64_t rows) {
  std::memset(out, 0, kVectorHeaderBytes);
  std::memcpy(out, kMagic, sizeof(kMagic));
  put<uint32_t>(out, 8, kVectorFormatVersion);
  put<uint32_t>(out, 12, static_cast<uint32_t>(info.element));
  put<uint32_t>(out, 16, info.dimension);
  put<uint32_t>(out, 20, static_cast<uint32_t>(row_stride(info.dimension, info.element)));
  put<uint64_t>(out, 24, rows);
  put<uint64_t>(out, 32, kVectorHeaderBytes);
  std::memcpy(out + kModelOffset, info.model.data(), info.model.size());
}

struct DecodedHeader {
  VectorFileInfo info;
  uint64_t rows = 0;
  size_t stride = 0;
};

// Checks the header and that `file_size` holds every row it declares.
Result<DecodedHeader> decode_header(const std::filesystem::path& path, const unsigned char* in,
                                    size_t file_size) {
  if (file_size < kVectorHeaderBytes) {
    return error(ErrorCode::kTruncated, path.string() + ": vector file shorter than its header");
  }
  if (std::memcmp(in, kMagic, sizeof(kMagic)) != 0) return corrupt(path, "bad magic");
  const uint32_t version = get<uint32_t>(in, 8);
  if (version != kVectorFormatVersion) {
    return error(ErrorCode::kUnsupported,
                 path.string() + ": vector file format version " + std::to_string(version));
  }
  DecodedHeader h;
  const uint32_t element = get<uint32_t>(in, 12);
  if (element < 1 || element > 3) return corrupt(path, "unknown element type");
  h.info.element = static_cast<ElementType>(element);
  h.info.dimension = get<uint32_t>(in, 16);
  if (h.info.dimension == 0 || h.info.dimension > kMaxVectorDimension) {
    return corrupt(path, "bad dimension");
  }
  h.stride = row_stride(h.info.dimension, h.info.element);
  if (get<uint32_t>(in, 20) != h.stride) return corrupt(path, "bad row stride");
  h.rows = get<uint64_t>(in, 24);
  if (h.rows > kMaxRows) return corrupt(path, "bad row count");
  if (get<uint64_t>(in, 32) != kVectorHeaderBytes) return corrupt(path, "bad data offset");
  const char* name = reinterpret_cast<const char*>(in + kModelOffset);
  h.info.model.assign(name, strnlen(name, kMaxModelNameBytes + 1));
  if (!valid_model_name(h.info.model)) return corrupt(path, "bad model name");
  if ((file_size - kVectorHeaderBytes) / h.stride < h.rows) {
    return error(ErrorCode::kTruncated,
                 path.string() + ": vector file holds fewer rows than its header says");
  }
  return h;
}

}  // namespace

std::string_view element_type_name(ElementType type) {
  switch (type) {
    case ElementType::kFloat16:
      return "float16";
    case ElementType::kInt8:
      return "int8";
    case ElementType::kFloat32:
      break;
  }
  return "float32";
}

size_t row_stride(uint32_t dimension, ElementType element) {
  const size_t scale = element == ElementType::kInt8 ? kInt8ScaleBytes : 0;
  const size_t bytes = scale + size_t{dimension} * element_bytes(element) + sizeof(uint32_t);
  return (bytes + 15) / 16 * 16;
}

// ---- VectorFile ----

Result<VectorFile> VectorFile::open(const std::filesystem::path& path) {
  IM_ASSIGN_OR_RETURN(MappedFile mapped, MappedFile::open(path));
  const std::string_view bytes = mapped.bytes();
  IM_ASSIGN_OR_RETURN(
      DecodedHeader header,
      decode_header(path, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
  VectorFile file;
  file.mapped_ = std::move(mapped);
  file.info_ = std::move(header.info);
  file.rows_ = header.rows;
  file.stride_ = header.stride;
  return file;
}

const unsigned char* VectorFile::row_bytes(uint64_t row) const {
  return reinterpret_cast<const unsigned char*>(mapped_.bytes().data()) + kVectorHeaderBytes +
         row * stride_;
}

bool VectorFile::has(uint64_t row) const {
  if (row >= rows_) return false;
  return get<uint32_t>(row_bytes(row), stride_ - sizeof(uint32_t)) == kPresent;
}

uint64_t VectorFile::present_count() const {
  uint64_t present = 0;
  for (uint64_t row = 0; row < rows_; ++row) present += has(row) ? 1 : 0;
  return present;
}

Status VectorFile::read(uint64_t row, std::span<float> out) const {
  if (out.size() != info_.dimension) {
    return error(ErrorCode::kInvalidArgument, "vector file read: output has the wrong size");
  }
  if (row >= rows_) return error(ErrorCode::kNotFound, "row " + std::to_string(row) + " missing");
  const unsigned char* bytes = row_bytes(row);
  const uint32_t flag = get<uint32_t>(bytes, stride_ - sizeof(uint32_t));
  if (flag == kMissing) {
    return error(ErrorCode::kNotFound, "row " + std::to_string(row) + " missing");
  }
  if (flag != kPresent) {
    return error(ErrorCode::kCorruptArchive, "vector file: bad flag on row " + std::to_string(row));
  }
  if (info_.element == ElementType::kFloat32) {
    std::memcpy(out.data(), bytes, out.size() * sizeof(float));
  } else if (info_.element == ElementType::kFloat16) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = half_to_float(get<uint16_t>(bytes, 2 * i));
  } else {
    const float scale = get<float>(bytes, 0);
    if (!std::isfinite(scale)) {
      return error(ErrorCode::kCorruptArchive,
                   "vector file: bad int8 scale on row " + std::to_string(row));
    }
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = static_cast<float>(get<int8_t>(bytes, kInt8ScaleBytes + i)) * scale;
    }
  }
  return Status::Ok();
}

// ---- VectorFileWriter ----

VectorFileWriter::~VectorFileWriter() {
  if (fd_ >= 0) (void)close();
}

VectorFileWriter::VectorFileWriter(VectorFileWriter&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      info_(std::move(other.info_)),
      rows_(std::exchange(other.rows_, 0)),
      stride_(std::exchange(other.stride_, 0)) {}

Result<VectorFileWriter> VectorFileWriter::open(const std::filesystem::path& path,
                                                const VectorFileInfo& info) {
  if (!valid_model_name(info.model)) {
    return error(ErrorCode::kInvalidArgument, "bad model name '" + info.model + "'");
  }
  if (info.dimension == 0 || info.dimension > kMaxVectorDimension) {
    return error(ErrorCode::kInvalidArgument, "bad vector dimension");
  }
  VectorFileWriter writer;
  writer.path_ = path;
  writer.info_ = info;
  writer.stride_ = row_stride(info.dimension, info.element);
  writer.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (writer.fd_ < 0) return os_error(path, "open");
  struct stat st {};
  if (::fstat(writer.fd_, &st) != 0) return os_error(path, "stat");
  if (st.st_size == 0) {  // new file: write the header
    unsigned char header[kVectorHeaderBytes];
    encode_header(header, info, 0);
    if (::pwrite(writer.fd_, header, sizeof(header), 0) != static_cast<ssize_t>(sizeof(header))) {
      return os_error(path, "write");
    }
    st.st_size = kVectorHeaderBytes;
  } else {
    unsigned char header[kVectorHeaderBytes];
    const auto got = ::pread(writer.fd_, header, sizeof(header), 0);
    if (got < 0) return os_error(path, "read");
    IM_ASSIGN_OR_RETURN(
        DecodedHeader existing,
        decode_header(path, header,
                      static_cast<size_t>(got) < sizeof(header) ? static_cast<size_t>(got)
                                                                : static_cast<size_t>(st.st_size)));
    if (existing.info.model != info.model || existing.info.dimension != info.dimension ||
        existing.info.element != info.element) {
      return error(ErrorCode::kInvalidArgument,
                   path.string() + ": holds " + existing.info.model + " " +
                       std::to_string(existing.info.dimension) + "-d " +
                       std::string(element_type_name(existing.info.element)) + " vectors");
    }
    writer.rows_ = existing.rows;
  }
  writer.size_ = static_cast<size_t>(st.st_size);
  writer.data_ = ::mmap(nullptr, writer.size_, PROT_READ | PROT_WRITE, MAP_SHARED, writer.fd_, 0);
  if (writer.data_ == MAP_FAILED) {
    writer.data_ = nullptr;
    return os_error(path, "mmap");
  }
  return writer;
}

unsigned char* VectorFileWriter::row_bytes(uint64_t row) const {
  return static_cast<unsigned char*>(data_) + kVectorHeaderBytes + row * stride_;
}

void VectorFileWriter::write_count() {
  put<uint64_t>(static_cast<unsigned char*>(data_), 24, rows_);
}

bool VectorFileWriter::has(uint64_t row) const {
  if (row >= rows_) return false;
  return get<uint32_t>(row_bytes(row), stride_ - sizeof(uint32_t)) == kPresent;
}

Status VectorFileWriter::reserve(uint64_t rows) {
  const uint64_t capacity = (size_ - kVectorHeaderBytes) / stride_;
  if (rows <= capacity) return Status::Ok();
  const uint64_t grown = std::max({rows, capacity * 2, kMinCapacity});
  const size_t new_size = kVectorHeaderBytes + static_cast<size_t>(grown) * stride_;
  // The new space reads as zeros: every new row is missing.
  if (::ftruncate(fd_, static_cast<off_t>(new_size)) != 0) return os_error(path_, "grow");
  void* mapped = ::mmap(nullptr, new_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (mapped == MAP_FAILED) return os_error(path_, "mmap");
  ::munmap(data_, size_);
  data_ = mapped;
  size_ = new_size;
  return Status::Ok();
}

Status VectorFileWriter::set(uint64_t row, std::span<const float> vector) {
  if (fd_ < 0) return error(ErrorCode::kInvalidArgument, "vector file writer is closed");
  if (vector.size() != info_.dimension) {
    return error(ErrorCode::kInvalidArgument, "vector of " + std::to_string(vector.size()) +
                                                  " values, expected " +
                                                  std::to_string(info_.dimension));
  }
  if (row >= kMaxRows) return error(ErrorCode::kInvalidArgument, "row beyond 2^32");
  if (!std::all_of(vector.begin(), vector.end(), [](float v) { return std::isfinite(v); })) {
    return error(ErrorCode::kInvalidArgument, "vector has non-finite values");
  }
  IM_RETURN_IF_ERROR(reserve(row + 1));
  unsigned char* bytes = row_bytes(row);
  if (info_.element == ElementType::kFloat32) {
    std::memcpy(bytes, vector.data(), vector.size() * sizeof(float));
  } else if (info_.element == ElementType::kFloat16) {
    for (size_t i = 0; i < vector.size(); ++i)
      put<uint16_t>(bytes, 2 * i, float_to_half(vector[i]));
  } else {
    float largest = 0;
    for (float v : vector) largest = std::max(largest, std::abs(v));
    const float scale = largest / 127.0f;
    put<float>(bytes, 0, scale);
    for (size_t i = 0; i < vector.size(); ++i) {
      const float q = scale > 0 ? std::round(vector[i] / scale) : 0.0f;
      put<int8_t>(bytes, kInt8ScaleBytes + i, static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f)));
    }
  }
  put<uint32_t>(bytes, stride_ - sizeof(uint32_t), kPresent);
  if (row >= rows_) {
    rows_ = row + 1;
    write_count();
  }
  return Status::Ok();
}

Status VectorFileWriter::clear(uint64_t row) {
  if (fd_ < 0) return error(ErrorCode::kInvalidArgument, "vector file writer is closed");
  if (row >= rows_) return Status::Ok();
  put<uint32_t>(row_bytes(row), stride_ - sizeof(uint32_t), kMissing);
  return Status::Ok();
}

Status VectorFileWriter::sync() {
  if (fd_ < 0) return error(ErrorCode::kInvalidArgument, "vector file writer is closed");
  if (::msync(data_, size_, MS_SYNC) != 0 || ::fsync(fd_) != 0) return os_error(path_, "sync");
  return Status::Ok();
}

Status VectorFileWriter::close() {
  if (fd_ < 0) return Status::Ok();
  Status synced = sync();
  ::munmap(data_, size_);
  data_ = nullptr;
  const size_t used = kVectorHeaderBytes + static_cast<size_t>(rows_) * stride_;
  Status trimmed = Status::Ok();
  if (used < size_ && ::ftruncate(fd_, static_cast<off_t>(used)) != 0) {
    trimmed = os_error(path_, "trim");
  }
  ::close(fd_);
  fd_ = -1;
  size_ = 0;
  IM_RETURN_IF_ERROR(synced);
  return trimmed;
}

}  // namespace imagemesh::embed
