#include "server/http_cache.h"

#include <algorithm>

namespace imagemesh::server {

std::optional<ThumbnailName> parse_thumbnail_name(std::string_view name) {
  constexpr size_t kHexDigits = 64;
  if (name.size() <= kHexDigits + 1 || name[kHexDigits] != '.') return std::nullopt;
  const std::string_view hex = name.substr(0, kHexDigits);
  const bool lower_hex = std::all_of(hex.begin(), hex.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (!lower_hex) return std::nullopt;
  const std::string_view extension = name.substr(kHexDigits + 1);
  if (extension == "webp") return ThumbnailName{std::string(hex), "web", "webp"};
  if (extension == "jpg") return ThumbnailName{std::string(hex), "raster", "jpg"};
  return std::nullopt;
}

bool if_none_match_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace imagemesh::server
