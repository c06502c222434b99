#include "ingest/reader_files.h"

namespace imagemesh::ingest {

std::string_view base_name(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool looks_like_tar(std::string_view block) {
  if (block.size() < 512) return false;
  if (block.substr(257, 5) == "ustar") return true;
  // v7: no magic; the checksum (octal at 148, computed with its own field as spaces) must match
  // and the name must be a non-empty string.
  if (block[0] == '\0') return false;
  uint64_t sum = 0;
  for (size_t i = 0; i < 512; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  }
  uint64_t stored = 0;
  bool digits = false;
  for (size_t i = 148; i < 156; ++i) {
    char c = block[i];
    if (c >= '0' && c <= '7') {
      stored = stored * 8 + static_cast<uint64_t>(c - '0');
      digits = true;
    } else if (c == ' ' || c == '\0') {
      if (digits) break;
    } else {
      return false;
    }
  }
  return digits && stored == sum;
}

bool looks_like_gzip(std::string_view bytes) {
  return bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b && bytes[2] == 8;
}

bool looks_like_pdf(std::string_view bytes) { return bytes.substr(0, 4) == "%PDF"; }

}  // namespace imagemesh::ingest
