#include "core/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace imagemesh {

Result<std::string> read_regular_file(int dir_fd, const std::string& name, uint64_t cap,
                                      bool no_follow) {
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (no_follow ? O_NOFOLLOW : 0);
  int fd = ::openat(dir_fd, name.c_str(), flags);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP && no_follow) return error(ErrorCode::kUnsafePath, "symbolic link, not read");
    if (err == ENOENT) return error(ErrorCode::kNotFound, "no such file");
    return error(ErrorCode::kIo, std::string("cannot open: ") + std::strerror(err));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return error(ErrorCode::kIo, std::string("fstat: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return error(ErrorCode::kUnsafePath, "not a regular file, not read");
  if (static_cast<uint64_t>(st.st_size) > cap) {
    return error(ErrorCode::kTooLarge,
                 std::to_string(st.st_size) + " bytes exceeds the limit of " + std::to_string(cap));
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + filled, bytes.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error(ErrorCode::kIo, std::string("read: ") + std::strerror(errno));
    if (n == 0) break;  // shrank while reading: keep what is there
    filled += static_cast<size_t>(n);
  }
  bytes.resize(filled);
  return bytes;
}

}  // namespace imagemesh
