// Writing archives in memory with libarchive: ustar tars, gzip streams and arXiv bulk tars, all
// byte-for-byte deterministic. The sample corpus generator (src/sample) is the user; ingest owns
// the code because libarchive lives here.
//
// Determinism contract: the output depends only on the arguments (and the zlib version). Entries
// carry the given mtime, uid/gid 0, empty owner and group names and mode 0644; gzip streams carry
// mtime 0 and no file name, at compression level 9.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace imagemesh::ingest {

// 2020-07-01 00:00:00 UTC, the mtime the shared corpus uses.
inline constexpr int64_t kFixedArchiveMtime = 1593561600;

struct ArchiveEntry {
  std::string path;   // relative, '/'-separated, no leading "./"
  std::string bytes;  // file content
};

// A POSIX ustar tar of `entries`, in the given order, regular files only (no directory entries),
// padded to whole 10240-byte records like tar(1) does. Fails with kInvalidArgument for an empty or
// absolute path, or a path ustar cannot hold (over 255 bytes, or no '/' split fitting 155/100).
Result<std::string> write_tar(const std::vector<ArchiveEntry>& entries,
                              int64_t mtime = kFixedArchiveMtime);

// `data` as a single-member gzip stream: no file name, mtime 0, level 9.
Result<std::string> gzip_bytes(std::string_view data);

// write_tar() then gzip_bytes(): a paper's `.tar.gz` (or bulk `.gz` member of a multi-file paper).
Result<std::string> write_tar_gz(const std::vector<ArchiveEntry>& entries,
                                 int64_t mtime = kFixedArchiveMtime);

// An arXiv bulk tar: an uncompressed ustar tar of the members (`YYMM/<stem>.gz`,
// `YYMM/<stem>.pdf`), sorted by name whatever the input order. Duplicate names fail with
// kInvalidArgument.
Result<std::string> write_bulk_tar(std::vector<ArchiveEntry> members,
                                   int64_t mtime = kFixedArchiveMtime);

}  // namespace imagemesh::ingest
