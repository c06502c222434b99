#include "ingest/reader_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace imagemesh::ingest {

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

std::string_view base_name(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool looks_like_tar(std::string_view block) {
  if (block.size() < 512) return false;
  if (block.substr(257, 5) == "ustar") return true;
  // v7: no magic; the checksum (octal at 148, computed with its own field as spaces) must match
  // and the name must be a non-empty string.
  if (block[0] == '\0') return false;
  uint64_t sum = 0;
  for (size_t i = 0; i < 512; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  }
  uint64_t stored = 0;
  bool digits = false;
  for (size_t i = 148; i < 156; ++i) {
    char c = block[i];
    if (c >= '0' && c <= '7') {
      stored = stored * 8 + static_cast<uint64_t>(c - '0');
      digits = true;
    } else if (c == ' ' || c == '\0') {
      if (digits) break;
    } else {
      return false;
    }
  }
  return digits && stored == sum;
}

bool looks_like_gzip(std::string_view bytes) {
  return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b && bytes[2] == 8;
}

bool looks_like_pdf(std::string_view bytes) { return bytes.substr(0, 4) == "%PDF"; }

}  // namespace imagemesh::ingest
