// Naming and revalidating what the server sends from disk or from the binary: thumbnail file
// names and entity tags. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imagemesh::server {

// A thumbnail request, from the last path segment "<sha256>.webp" or "<sha256>.jpg".
struct ThumbnailName {
  std::string sha256;     // 64 lowercase hex digits
  std::string kind;       // the engine's kind: "web" (.webp) or "raster" (.jpg)
  std::string extension;  // "webp" or "jpg"
};

// nullopt unless `name` is exactly 64 lowercase hex digits, a dot and webp or jpg: anything else
// ("..", "/", upper case, another extension) never reaches the engine or the disk.
std::optional<ThumbnailName> parse_thumbnail_name(std::string_view name);

// True when an If-None-Match header value names `etag` (a quoted tag, e.g. "\"abc.webp\""): the
// header may list several tags, weak ones (W/"...") match too, and "*" matches anything.
bool if_none_match_matches(std::string_view header, std::string_view etag);

}  // namespace imagemesh::server
