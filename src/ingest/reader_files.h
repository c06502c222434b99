// Small helpers shared by the source readers: name and content sniffing.
// Internal to ingest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::ingest {

// "a/b/c.tar.gz" -> "c.tar.gz".
std::string_view base_name(std::string_view path);
bool ends_with(std::string_view text, std::string_view suffix);

// True for a tar header block: "ustar" magic at offset 257 (POSIX and GNU), or a pre-POSIX v7
// header whose checksum adds up. Needs the first 512 bytes.
bool looks_like_tar(std::string_view first_block);
bool looks_like_gzip(std::string_view bytes);
bool looks_like_pdf(std::string_view bytes);

}  // namespace imagemesh::ingest
