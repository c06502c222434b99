#include "server/web_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "core/regular_file.h"
#include "core/safe_path.h"

namespace imagemesh::server {
namespace {

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Why opening `component` of `path` in `dir_fd` failed with `err`. With O_NOFOLLOW a link is
// ELOOP, but a link opened with O_DIRECTORY is ENOTDIR, like a file where a folder was named:
// lstat tells them apart.
Status open_error(int err, int dir_fd, const std::string& component, std::string_view path) {
  const std::string name(path);
  struct stat st {};
  const bool link =
      err == ELOOP ||
      (err == ENOTDIR && dir_fd >= 0 &&
       ::fstatat(dir_fd, component.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
  if (link) return Status(ErrorCode::kUnsafePath, name + ": a symbolic link, not followed");
  if (err == ENOENT || err == ENOTDIR) return Status(ErrorCode::kNotFound, name + ": no such file");
  return Status(ErrorCode::kIo, name + ": cannot open: " + std::strerror(err));
}

}  // namespace

bool is_web_file_name(std::string_view path) {
  auto normal = normalize_relative_path(path);
  if (!normal.ok() || *normal != path) return false;
  for (const std::string& part : components(path)) {
    if (part.empty() || part.front() == '.' || part == "node_modules") return false;
  }
  return true;
}

Result<std::string> read_web_folder_file(const std::filesystem::path& root, std::string_view path) {
  if (!is_web_file_name(path)) {
    return Status(ErrorCode::kUnsafePath, "'" + std::string(path) + "' is not a page file name");
  }
  // Component by component from the folder, never following a link: a link inside the folder
  // cannot lead out of it, whenever it was made.
  Fd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return open_error(errno, -1, "", root.string());
  const std::vector<std::string> parts = components(path);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    Fd child(
        ::openat(dir.get(), parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (child.get() < 0) return open_error(errno, dir.get(), parts[i], path);
    dir = std::move(child);
  }
  // Opened without blocking and refused unless a regular file: a FIFO put in the folder must not
  // hang the request.
  auto bytes = read_regular_file(dir.get(), parts.back(), kMaxWebFolderFileBytes, true);
  if (!bytes.ok()) {
    const Status& failure = bytes.status();
    return Status(failure.code(), std::string(path) + ": " + failure.message());
  }
  return bytes;
}

}  // namespace imagemesh::server
