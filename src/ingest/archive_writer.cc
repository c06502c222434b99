#include "ingest/archive_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>

namespace imagemesh::ingest {
namespace {

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};
using WriteHandle = std::unique_ptr<struct archive, ArchiveDeleter>;
using EntryHandle = std::unique_ptr<struct archive_entry, EntryDeleter>;

la_ssize_t append_to_string(struct archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

Status archive_error(struct archive* a, std::string_view what) {
  const char* message = archive_error_string(a);
  return error(ErrorCode::kInternal,
               std::string(what) + ": " + (message != nullptr ? message : "libarchive failed"));
}

Status check_tar_path(const std::string& path) {
  if (path.empty() || path.front() == '/') {
    return error(ErrorCode::kInvalidArgument, "tar entry path must be relative: '" + path + "'");
  }
  if (path.size() <= 100) return Status::Ok();
  // ustar splits a long name at a '/' into prefix (<= 155) and name (<= 100).
  for (size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (slash <= 155 && path.size() - slash - 1 <= 100 && path.size() - slash - 1 > 0) {
      return Status::Ok();
    }
  }
  return error(ErrorCode::kInvalidArgument, "path too long for ustar: '" + path + "'");
}

EntryHandle regular_entry(const std::string& path, size_t size, int64_t mtime) {
  EntryHandle entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_mtime(entry.get(), static_cast<time_t>(mtime), 0);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_uname(entry.get(), "");
  archive_entry_set_gname(entry.get(), "");
  return entry;
}

Status write_entry_data(struct archive* a, std::string_view bytes, std::string_view what) {
  size_t written = 0;
  while (written < bytes.size()) {
    la_ssize_t n = archive_write_data(a, bytes.data() + written, bytes.size() - written);
    if (n <= 0) return archive_error(a, what);
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> write_tar(const std::vector<ArchiveEntry>& entries, int64_t mtime) {
  for (const auto& entry : entries) IM_RETURN_IF_ERROR(check_tar_path(entry.path));
  WriteHandle a(archive_write_new());
  if (!a) return error(ErrorCode::kInternal, "archive_write_new failed");
  std::string out;
  if (archive_write_set_format_ustar(a.get()) != ARCHIVE_OK ||
      archive_write_open(a.get(), &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK) {
    return archive_error(a.get(), "tar writer");
  }
  for (const auto& item : entries) {
    EntryHandle entry = regular_entry(item.path, item.bytes.size(), mtime);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
      return archive_error(a.get(), "tar header of " + item.path);
    }
    IM_RETURN_IF_ERROR(write_entry_data(a.get(), item.bytes, "tar data of " + item.path));
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archive_error(a.get(), "tar close");
  return out;
}

Result<std::string> gzip_bytes(std::string_view data) {
  WriteHandle a(archive_write_new());
  if (!a) return error(ErrorCode::kInternal, "archive_write_new failed");
  std::string out;
  // Raw format: the stream is the data itself. One byte per block and no padding in the last
  // block, or libarchive would append zeros after the gzip trailer.
  if (archive_write_set_format_raw(a.get()) != ARCHIVE_OK ||
      archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_write_set_filter_option(a.get(), "gzip", "compression-level", "9") != ARCHIVE_OK ||
      archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a.get(), 0) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
      archive_write_open(a.get(), &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK) {
    return archive_error(a.get(), "gzip writer");
  }
  EntryHandle entry = regular_entry("data", data.size(), 0);
  if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
    return archive_error(a.get(), "gzip header");
  }
  IM_RETURN_IF_ERROR(write_entry_data(a.get(), data, "gzip data"));
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archive_error(a.get(), "gzip close");
  return out;
}

Result<std::string> write_tar_gz(const std::vector<ArchiveEntry>& entries, int64_t mtime) {
  IM_ASSIGN_OR_RETURN(std::string tar, write_tar(entries, mtime));
  return gzip_bytes(tar);
}

Result<std::string> write_bulk_tar(std::vector<ArchiveEntry> members, int64_t mtime) {
  std::sort(members.begin(), members.end(),
            [](const ArchiveEntry& a, const ArchiveEntry& b) { return a.path < b.path; });
  auto same_name = [](const ArchiveEntry& a, const ArchiveEntry& b) { return a.path == b.path; };
  auto duplicate = std::adjacent_find(members.begin(), members.end(), same_name);
  if (duplicate != members.end()) {
    return error(ErrorCode::kInvalidArgument, "duplicate bulk member " + duplicate->path);
  }
  return write_tar(members, mtime);
}

}  // namespace imagemesh::ingest
