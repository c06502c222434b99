#include "core/compression.h"

#include <zlib.h>

#include <algorithm>

namespace imagemesh {

uint32_t crc32_update(uint32_t crc, std::string_view bytes) {
  // zlib takes uInt lengths: feed huge inputs in pieces.
  constexpr size_t kChunk = 1u << 30;
  uLong value = crc;
  while (!bytes.empty()) {
    size_t n = std::min(bytes.size(), kChunk);
    value = crc32(value, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(value);
}

std::string inflate_capped(std::string_view compressed, size_t max_out) {
  std::string out;
  z_stream zs{};
  if (inflateInit2(&zs, MAX_WBITS + 32) != Z_OK) return out;  // +32: zlib or gzip header
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(compressed.size(), 0x7FFFFFFF));
  char buffer[16384];
  while (out.size() < max_out) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    int rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof(buffer) - zs.avail_out;
    out.append(buffer, std::min(produced, max_out - out.size()));
    if (rc != Z_OK || produced == 0) break;  // end of stream, error, or no progress possible
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace imagemesh
