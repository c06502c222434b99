// Small helpers shared by the source readers: safe whole-file reads and name/content sniffing.
// Internal to ingest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::ingest {

// Opens `name` relative to `dir_fd` (AT_FDCWD for a plain path) with O_NONBLOCK, and O_NOFOLLOW
// when `no_follow`, checks with fstat that it is a regular file (never a FIFO, device or, with
// no_follow, a symlink: kUnsafePath) no larger than `cap` (kTooLarge), and reads it whole.
Result<std::string> read_regular_file(int dir_fd, const std::string& name, uint64_t cap,
                                      bool no_follow);

// "a/b/c.tar.gz" -> "c.tar.gz".
std::string_view base_name(std::string_view path);
bool ends_with(std::string_view text, std::string_view suffix);

// True for a tar header block: "ustar" magic at offset 257 (POSIX and GNU), or a pre-POSIX v7
// header whose checksum adds up. Needs the first 512 bytes.
bool looks_like_tar(std::string_view first_block);
bool looks_like_gzip(std::string_view bytes);
bool looks_like_pdf(std::string_view bytes);

}  // namespace imagemesh::ingest
