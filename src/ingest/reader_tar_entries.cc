#include "ingest/reader_tar_entries.h"

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
  TarPaper(const Limits& limits, PaperSource& paper) : limits_(limits), paper_(paper) {}

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
      if (++entries_ > limits_.max_files_per_paper) {
        return error(
            ErrorCode::kTooLarge,
            "more than " + std::to_string(limits_.max_files_per_paper) + " entries in one paper");
      }
      IM_RETURN_IF_ERROR(read_entry(tar, entry));
    }
    paper_.files.reserve(files_.size());
    for (auto& [path, bytes] : files_) paper_.files.push_back({path, std::move(bytes)});
    paper_.unpacked_bytes = total_;
    return Status::Ok();
  }

 private:
  void problem(const std::string& item, ErrorCode code, std::string message) {
    paper_.problems.push_back({item, std::string(error_code_name(code)), std::move(message)});
  }

  Status paper_too_large() const {
    return error(ErrorCode::kTooLarge, "files exceed the paper limit of " +
                                           std::to_string(limits_.max_paper_bytes) + " bytes");
  }

  Status store(const std::string& path, std::string bytes) {
    auto [it, inserted] = files_.try_emplace(path);
    if (!inserted)
      total_ -= it->second.size();  // a later entry replaces an earlier one, as tar does
    total_ += bytes.size();
    it->second = std::move(bytes);
    if (total_ > limits_.max_paper_bytes) return paper_too_large();
    return Status::Ok();
  }

  Status read_entry(StreamArchive& tar, archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    if (archive_entry_filetype(entry) == AE_IFDIR) return Status::Ok();
    auto path = normalize_relative_path(name);
    if (!path.ok()) {
      problem(name, ErrorCode::kUnsafePath, path.status().message());
      return Status::Ok();
    }
    if (const char* link = archive_entry_hardlink(entry)) {
      auto target = normalize_relative_path(link);
      auto found = target.ok() ? files_.find(*target) : files_.end();
      if (found == files_.end()) {
        problem(name, ErrorCode::kUnsafePath,
                std::string("hard link to '") + link + "', which is no file of the paper");
        return Status::Ok();
      }
      return store(*path, found->second);
    }
    if (archive_entry_filetype(entry) != AE_IFREG) {
      problem(name, ErrorCode::kUnsafePath, describe_type(entry));
      return Status::Ok();
    }
    // The header's size is the real size, also for sparse entries (whose stored data is tiny), so
    // this refuses a sparse bomb before a byte of it is materialised.
    int64_t declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
    if (declared > 0 && static_cast<uint64_t>(declared) > limits_.max_file_bytes) {
      problem(name, ErrorCode::kTooLarge,
              std::to_string(declared) + " bytes exceeds the file limit of " +
                  std::to_string(limits_.max_file_bytes));
      return Status::Ok();
    }
    if (declared > 0 && total_ + static_cast<uint64_t>(declared) > limits_.max_paper_bytes) {
      return paper_too_large();
    }
    uint64_t room = limits_.max_paper_bytes - std::min(total_, limits_.max_paper_bytes);
    uint64_t cap = std::min(limits_.max_file_bytes, room);
    std::string bytes;
    bool over_cap = false;
    IM_RETURN_IF_ERROR(
        read_data_capped(tar.get(), tar.input_status(), cap, declared, bytes, &over_cap));
    if (over_cap) {
      if (cap < limits_.max_file_bytes) return paper_too_large();
      problem(name, ErrorCode::kTooLarge,
              "more than the file limit of " + std::to_string(limits_.max_file_bytes) + " bytes");
      return Status::Ok();
    }
    return store(*path, std::move(bytes));
  }

  const Limits& limits_;
  PaperSource& paper_;
  std::map<std::string, std::string> files_;
  uint64_t total_ = 0;
  uint64_t entries_ = 0;
};

}  // namespace

Status read_tar_entries(ByteStream& input, const Limits& limits, PaperSource& paper) {
  return TarPaper(limits, paper).read(input);
}

}  // namespace imagemesh::ingest
