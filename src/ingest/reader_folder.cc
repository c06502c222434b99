// read_paper_folder(): an extracted paper on disk -> PaperSource, without following anything.
//
// The walk goes through directory file descriptors (openat/fstatat relative to the folder being
// listed, O_NOFOLLOW everywhere), so a symlink swapped in while walking is refused rather than
// followed. Files are opened O_NONBLOCK and checked with fstat before a byte is read: a FIFO or a
// device is never read (a FIFO would block, /dev/zero never ends).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

#include "core/hash.h"
#include "core/regular_file.h"
#include "core/safe_path.h"
#include "ingest/reader_files.h"
#include "ingest/reader_paper_files.h"
#include "ingest/source_reader.h"

namespace imagemesh::ingest {
namespace {

constexpr int kMaxFolderDepth = 64;

const char* describe_mode(mode_t mode) {
  if (S_ISLNK(mode)) return "symbolic link, not followed";
  if (S_ISFIFO(mode)) return "FIFO, not opened";
  if (S_ISCHR(mode)) return "character device, not opened";
  if (S_ISBLK(mode)) return "block device, not opened";
  if (S_ISSOCK(mode)) return "socket, not opened";
  return "not a regular file, not opened";
}

class FolderWalker {
 public:
  FolderWalker(const Limits& limits, PaperSource& paper) : files_(limits, paper) {}

  // Takes ownership of `dir_fd`.
  Status walk(int dir_fd, const std::string& prefix, int depth) {
    DIR* dir = ::fdopendir(dir_fd);
    if (!dir) {
      ::close(dir_fd);
      return error(ErrorCode::kIo, "cannot list folder '" + prefix + "': " + std::strerror(errno));
    }
    struct Closer {
      DIR* dir;
      ~Closer() { ::closedir(dir); }
    } closer{dir};
    std::vector<std::string> names;
    while (dirent* item = ::readdir(dir)) {
      std::string name = item->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      IM_RETURN_IF_ERROR(
          visit(::dirfd(dir), name, prefix.empty() ? name : prefix + "/" + name, depth));
    }
    return Status::Ok();
  }

  PaperFileSet& files() { return files_; }

 private:
  void problem(const std::string& item, ErrorCode code, std::string message) {
    files_.problem(item, code, std::move(message));
  }

  Status visit(int dir_fd, const std::string& name, const std::string& relative, int depth) {
    IM_RETURN_IF_ERROR(files_.count_entry());
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      problem(relative, ErrorCode::kIo, std::string("cannot stat: ") + std::strerror(errno));
      return Status::Ok();
    }
    auto safe = normalize_relative_path(relative);
    if (!safe.ok()) {
      problem(relative, ErrorCode::kUnsafePath, safe.status().message());
      return Status::Ok();
    }
    if (S_ISDIR(st.st_mode)) {
      if (depth >= kMaxFolderDepth) {
        problem(relative, ErrorCode::kTooLarge, "folders nested too deep, not read");
        return Status::Ok();
      }
      int child = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        problem(relative, ErrorCode::kIo,
                std::string("cannot open folder: ") + std::strerror(errno));
        return Status::Ok();
      }
      return walk(child, relative, depth + 1);
    }
    if (!S_ISREG(st.st_mode)) {
      problem(relative, ErrorCode::kUnsafePath, describe_mode(st.st_mode));
      return Status::Ok();
    }
    IM_ASSIGN_OR_RETURN(bool admitted, files_.admit(relative, static_cast<uint64_t>(st.st_size)));
    if (!admitted) return Status::Ok();
    const bool paper_bound = files_.paper_bounds_next_file();
    auto bytes = read_regular_file(dir_fd, name, files_.room_for_next_file(), true);
    if (!bytes.ok()) {
      if (bytes.status().code() == ErrorCode::kTooLarge) {  // it grew while we read it
        if (paper_bound) return files_.paper_too_large();
        files_.skip_too_large(relative);
        return Status::Ok();
      }
      problem(relative, bytes.status().code(), bytes.status().message());
      return Status::Ok();
    }
    return files_.store(*safe, std::move(bytes).value());
  }

  PaperFileSet files_;
};

}  // namespace

Result<PaperSource> read_paper_folder(const std::string& path, const Limits& limits) {
  std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  int fd = ::open(absolute.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                 absolute + ": " + std::strerror(errno));
  }
  PaperSource paper;
  paper.id = paper_id_from_name(base_name(absolute));
  paper.source_kind = "folder";
  paper.source_key = "folder:" + absolute;
  paper.origin = absolute;
  FolderWalker walker(limits, paper);
  IM_RETURN_IF_ERROR(walker.walk(fd, "", 0));
  // The folder's identity for resume: every path, size and byte, in path order.
  Hasher hasher(HashKind::kSha256);
  for (const auto& [file_path, bytes] : walker.files().files()) {
    hasher.update(file_path);
    hasher.update(std::string_view("\0", 1));
    hasher.update(std::to_string(bytes.size()));
    hasher.update(std::string_view("\0", 1));
    hasher.update(bytes);
  }
  paper.source_sha256 = hasher.hex_digest();
  paper.source_bytes = walker.files().total_bytes();
  walker.files().finish();
  return paper;
}

}  // namespace imagemesh::ingest
