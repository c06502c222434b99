// read_bulk_tar(): the members of an arXiv bulk tar, read sequentially with large blocks.
//
// The tar file is read through our own callback, so every byte libarchive sees is hashed (md5, for
// the manifest) and counted (progress) in the same pass; there is no skip callback, so libarchive
// reads skipped data too instead of seeking past it, and the md5 covers the whole file.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/hash.h"
#include "core/safe_path.h"
#include "ingest/reader_files.h"
#include "ingest/reader_streams.h"
#include "ingest/source_reader.h"

namespace imagemesh::ingest {
namespace {

constexpr size_t kBlockBytes = 1 << 20;

class HashedFile {
 public:
  HashedFile(int fd, const BulkTarCallbacks& callbacks)
      : fd_(fd), buffer_(kBlockBytes), md5_(HashKind::kMd5), callbacks_(callbacks) {}
  ~HashedFile() { ::close(fd_); }
  HashedFile(const HashedFile&) = delete;
  HashedFile& operator=(const HashedFile&) = delete;

  static ssize_t read_callback(struct archive* a, void* client, const void** buffer) {
    auto* self = static_cast<HashedFile*>(client);
    auto n = self->read_block();
    if (!n.ok()) {
      archive_set_error(a, EIO, "%s", n.status().message().c_str());
      return -1;
    }
    *buffer = self->buffer_.data();
    return static_cast<ssize_t>(*n);
  }

  // Reads what libarchive left unread so that the md5 covers the whole file.
  Status drain() {
    while (true) {
      IM_ASSIGN_OR_RETURN(size_t n, read_block());
      if (n == 0) return Status::Ok();
    }
  }

  std::string md5() { return md5_.hex_digest(); }
  const Status& status() const { return status_; }

 private:
  Result<size_t> read_block() {
    if (!status_.ok()) return status_;
    while (true) {
      ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status_ = error(ErrorCode::kIo, std::string("read: ") + std::strerror(errno));
        return status_;
      }
      md5_.update(std::string_view(buffer_.data(), static_cast<size_t>(n)));
      if (n > 0 && callbacks_.on_bytes_read) callbacks_.on_bytes_read(static_cast<uint64_t>(n));
      return static_cast<size_t>(n);
    }
  }

  int fd_;
  std::vector<char> buffer_;
  Hasher md5_;
  const BulkTarCallbacks& callbacks_;
  Status status_;
};

class BulkTar {
 public:
  BulkTar(std::string path, const Limits& limits, const BulkTarCallbacks& callbacks)
      : path_(std::move(path)), name_(base_name(path_)), limits_(limits), callbacks_(callbacks) {}

  void fail(const std::string& member, ErrorCode code, std::string message,
            std::string sha256 = "") {
    if (!callbacks_.on_failure) return;
    store::SourceFailure failure;
    failure.source_key = member.empty() ? name_ : name_ + ":" + member;
    failure.source_sha256 = std::move(sha256);
    failure.origin = member.empty() ? path_ : path_ + "!" + member;
    if (!member.empty()) {
      PaperId id = paper_id_from_name(base_name(member));
      if (id.is_arxiv()) failure.id = id;
    }
    failure.error = {member.empty() ? name_ : member, std::string(error_code_name(code)),
                     std::move(message)};
    callbacks_.on_failure(std::move(failure));
  }

  // Reads members until the end or the first structural error (reported, then the tar ends).
  void read_members(struct archive* a, HashedFile& file) {
    std::string last;
    while (true) {
      archive_entry* entry = nullptr;
      int r = archive_read_next_header(a, &entry);
      if (r == ARCHIVE_EOF) return;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        Status status = archive_failure(a, file.status(), ErrorCode::kCorruptArchive, "tar header");
        fail("", status.code(),
             (last.empty() ? "at the first member" : "after member " + last) + ": " +
                 status.message() + "; the rest of the tar is not read");
        return;
      }
      const char* raw = archive_entry_pathname(entry);
      std::string name = raw ? raw : "";
      last = name;
      if (!read_member(a, entry, name, file)) return;
    }
  }

 private:
  // Returns false when the tar cannot be read further.
  bool read_member(struct archive* a, archive_entry* entry, const std::string& name,
                   HashedFile& file) {
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) return true;
    auto safe = normalize_relative_path(name);
    if (!safe.ok()) {
      fail(name, ErrorCode::kUnsafePath, safe.status().message() + "; member not read");
      return true;
    }
    if (archive_entry_hardlink(entry) || type != AE_IFREG) {
      const char* target = archive_entry_hardlink(entry) ? archive_entry_hardlink(entry)
                                                         : archive_entry_symlink(entry);
      fail(name, ErrorCode::kUnsafePath,
           std::string(type == AE_IFLNK ? "symbolic link" : "link or special file") +
               (target ? std::string(" to '") + target + "'" : "") + ", not followed");
      return true;
    }
    int64_t declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : -1;
    if (declared > 0 && static_cast<uint64_t>(declared) > limits_.max_member_bytes) {
      fail(name, ErrorCode::kTooLarge,
           std::to_string(declared) + " bytes exceeds the member limit of " +
               std::to_string(limits_.max_member_bytes));
      return true;
    }
    std::string bytes;
    bool over_cap = false;
    Status status =
        read_data_capped(a, file.status(), limits_.max_member_bytes, declared, bytes, &over_cap);
    if (!status.ok()) {
      fail(name, status.code(),
           "the tar breaks inside this member (" + status.message() +
               "); the rest of the tar is not read");
      return false;
    }
    if (over_cap) {
      fail(name, ErrorCode::kTooLarge,
           "more than the member limit of " + std::to_string(limits_.max_member_bytes) + " bytes");
      return true;
    }
    std::string sha256 = sha256_hex(bytes);
    std::string key = name_ + ":" + name;
    if (callbacks_.skip && callbacks_.skip(key, sha256)) return true;
    RawMember member;
    member.source_key = std::move(key);
    member.origin = path_ + "!" + name;
    member.id = paper_id_from_name(base_name(name));
    member.name = name;
    member.bytes = std::move(bytes);
    member.sha256 = std::move(sha256);
    if (callbacks_.on_member) callbacks_.on_member(std::move(member));
    return true;
  }

  const std::string path_;
  const std::string name_;
  const Limits& limits_;
  const BulkTarCallbacks& callbacks_;
};

}  // namespace

Status read_bulk_tar(const std::string& path, const Limits& limits,
                     const std::optional<ManifestEntry>& expected,
                     const BulkTarCallbacks& callbacks) {
  std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  int fd = ::open(absolute.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    return error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                 absolute + ": " + std::strerror(errno));
  }
  HashedFile file(fd, callbacks);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return error(ErrorCode::kUnsafePath, absolute + ": not a regular file");
  }
  BulkTar tar(absolute, limits, callbacks);
  bool size_ok = true;
  if (expected && static_cast<uint64_t>(st.st_size) != expected->size) {
    size_ok = false;
    tar.fail("", ErrorCode::kChecksumMismatch,
             "size is " + std::to_string(st.st_size) + " bytes, the manifest says " +
                 std::to_string(expected->size) + " (an incomplete download?)");
  }
  struct archive* a = archive_read_new();
  if (!a) return error(ErrorCode::kInternal, "archive_read_new failed");
  archive_read_support_format_tar(a);
  if (archive_read_open(a, &file, nullptr, &HashedFile::read_callback, nullptr) != ARCHIVE_OK) {
    Status status = archive_failure(a, file.status(), ErrorCode::kCorruptArchive, "not a tar");
    tar.fail("", status.code(), status.message());
  } else {
    tar.read_members(a, file);
  }
  archive_read_free(a);
  if (expected && size_ok && file.drain().ok()) {
    std::string md5 = file.md5();
    if (md5 != expected->md5) {
      tar.fail("", ErrorCode::kChecksumMismatch,
               "md5 is " + md5 + ", the manifest says " + expected->md5);
    }
  }
  return Status::Ok();
}

}  // namespace imagemesh::ingest
