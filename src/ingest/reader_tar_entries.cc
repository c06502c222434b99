#include "ingest/reader_tar_entries.h"

#include "ingest/reader_paper_files.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <map>

#include "core/safe_path.h"

namespace imagemesh::ingest {
namespace {

std::string describe_type(archive_entry* entry) {
  switch (archive_entry_filetype(entry)) {
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(entry);
      return std::string("symbolic link to '") + (target ? target : "") + "', not followed";
    }
    case AE_IFCHR:
      return "character device, not read";
    case AE_IFBLK:
      return "block device, not read";
    case AE_IFIFO:
      return "FIFO, not read";
    case AE_IFSOCK:
      return "socket, not read";
    default:
      return "not a regular file, not read";
  }
}

class TarPaper {
 public:
  TarPaper(const Limits& limits, PaperSource& paper) : files_(limits, paper) {}

  Status read(ByteStream& input) {
    StreamArchive tar;
    IM_RETURN_IF_ERROR(tar.open_tar(input));
    while (true) {
      archive_entry* entry = nullptr;
      int r = archive_read_next_header(tar.get(), &entry);
      if (r == ARCHIVE_EOF) break;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        return archive_failure(tar.get(), tar.input_status(), ErrorCode::kCorruptArchive,
                               "tar header");
      }
      IM_RETURN_IF_ERROR(files_.count_entry());
      IM_RETURN_IF_ERROR(read_entry(tar, entry));
    }
    files_.finish();
    return Status::Ok();
  }

 private:
  Status read_entry(StreamArchive& tar, archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    if (archive_entry_filetype(entry) == AE_IFDIR) return Status::Ok();
    auto path = normalize_relative_path(name);
    if (!path.ok()) {
      files_.problem(name, ErrorCode::kUnsafePath, path.status().message());
      return Status::Ok();
    }
    if (const char* link = archive_entry_hardlink(entry)) {
      auto target = normalize_relative_path(link);
      const std::string* found = target.ok() ? files_.find(*target) : nullptr;
      if (!found) {
        files_.problem(name, ErrorCode::kUnsafePath,
                       std::string("hard link to '") + link + "', which is no file of the paper");
        return Status::Ok();
      }
      return files_.store(*path, *found);
    }
    if (archive_entry_filetype(entry) != AE_IFREG) {
      files_.problem(name, ErrorCode::kUnsafePath, describe_type(entry));
      return Status::Ok();
    }
    // The header's size is the real size, also for sparse entries (whose stored data is tiny), so
    // this refuses a sparse bomb before a byte of it is materialised.
    int64_t declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
    if (declared > 0) {
      IM_ASSIGN_OR_RETURN(bool admitted, files_.admit(name, static_cast<uint64_t>(declared)));
      if (!admitted) return Status::Ok();
    }
    const bool paper_bound = files_.paper_bounds_next_file();
    std::string bytes;
    bool over_cap = false;
    IM_RETURN_IF_ERROR(read_data_capped(tar.get(), tar.input_status(), files_.room_for_next_file(),
                                        declared, bytes, &over_cap));
    if (over_cap) {
      if (paper_bound) return files_.paper_too_large();
      files_.skip_too_large(name);
      return Status::Ok();
    }
    return files_.store(*path, std::move(bytes));
  }

  PaperFileSet files_;
};

}  // namespace

Status read_tar_entries(ByteStream& input, const Limits& limits, PaperSource& paper) {
  return TarPaper(limits, paper).read(input);
}

}  // namespace imagemesh::ingest
