#include "store/thumbnail_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace imagemesh::store {
namespace {

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_word(std::string_view text) {
  if (text.empty() || text.size() > 16) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return error(ErrorCode::kIo, "cannot write " + path + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

ThumbnailStore::ThumbnailStore(std::string mesh_dir) : mesh_dir_(std::move(mesh_dir)) {}

Result<std::string> ThumbnailStore::relative_path(std::string_view sha256, std::string_view kind,
                                                  std::string_view extension) const {
  if (!is_sha256_hex(sha256)) {
    return error(ErrorCode::kInvalidArgument, "not a sha256: '" + std::string(sha256) + "'");
  }
  if (!is_word(kind) || !is_word(extension)) {
    return error(ErrorCode::kInvalidArgument, "bad thumbnail kind or extension");
  }
  std::string path = "thumbs/";
  path.append(sha256.substr(0, 2)).append("/").append(sha256.substr(2, 2)).append("/");
  path.append(sha256).append(".").append(kind).append(".").append(extension);
  return path;
}

Status ThumbnailStore::put(std::string_view sha256, std::string_view kind,
                           std::string_view extension, std::string_view bytes) const {
  IM_ASSIGN_OR_RETURN(std::string relative, relative_path(sha256, kind, extension));
  std::filesystem::path final_path = std::filesystem::path(mesh_dir_) / relative;
  std::error_code ec;
  std::filesystem::create_directories(final_path.parent_path(), ec);
  if (ec)
    return error(ErrorCode::kIo,
                 "cannot create " + final_path.parent_path().string() + ": " + ec.message());
  // A name unique to this process and thread: concurrent writers of the same blob never share it.
  std::ostringstream temp_name;
  temp_name << final_path.string() << ".tmp." << ::getpid() << "." << std::this_thread::get_id();
  const std::string temp = temp_name.str();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return error(ErrorCode::kIo, "cannot create " + temp + ": " + std::strerror(errno));
  Status written = write_all(fd, bytes, temp);
  if (::close(fd) != 0 && written.ok()) {
    written = error(ErrorCode::kIo, "cannot close " + temp + ": " + std::strerror(errno));
  }
  if (written.ok() && ::rename(temp.c_str(), final_path.c_str()) != 0) {
    written = error(ErrorCode::kIo, "cannot rename " + temp + ": " + std::strerror(errno));
  }
  if (!written.ok()) ::unlink(temp.c_str());
  return written;
}

Result<std::string> ThumbnailStore::get(std::string_view sha256, std::string_view kind,
                                        std::string_view extension) const {
  IM_ASSIGN_OR_RETURN(std::string relative, relative_path(sha256, kind, extension));
  std::ifstream in(std::filesystem::path(mesh_dir_) / relative, std::ios::binary);
  if (!in)
    return error(ErrorCode::kNotFound,
                 "no " + std::string(kind) + " thumbnail for " + std::string(sha256));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool ThumbnailStore::contains(std::string_view sha256, std::string_view kind,
                              std::string_view extension) const {
  auto relative = relative_path(sha256, kind, extension);
  std::error_code ec;
  return relative.ok() &&
         std::filesystem::is_regular_file(std::filesystem::path(mesh_dir_) / *relative, ec);
}

}  // namespace imagemesh::store
