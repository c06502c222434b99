#include "core/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace imagemesh {

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)) {
  temp_ = path_;
  temp_ += ".tmp";
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
  }
}

Status AtomicFileWriter::open() {
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) return error(ErrorCode::kIo, temp_.string() + ": " + std::strerror(errno));
  return Status::Ok();
}

Status AtomicFileWriter::write(std::string_view bytes) {
  if (bytes.empty()) return Status::Ok();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return error(ErrorCode::kIo, temp_.string() + ": write failed");
  }
  offset_ += bytes.size();
  return Status::Ok();
}

Status AtomicFileWriter::pad_to(uint64_t offset) {
  if (offset < offset_) return error(ErrorCode::kInternal, "pad_to: offset behind the writer");
  return write(std::string(offset - offset_, '\0'));
}

Status AtomicFileWriter::commit() {
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

}  // namespace imagemesh
