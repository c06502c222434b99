// zlib, owned by core so that every module that meets deflate data (gzip trailers in ingest, PDF
// object streams and PNG text chunks in imaging) uses one implementation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace imagemesh {

// Continues a running CRC-32 (the gzip/PNG polynomial) over `bytes`; start with 0.
// crc32_update(0, "123456789") == 0xCBF43926.
uint32_t crc32_update(uint32_t crc, std::string_view bytes);

// Inflates a zlib- or gzip-wrapped deflate stream, keeping at most `max_out` bytes. Stops quietly
// at the end of the stream; garbage after it is ignored. Returns what was inflated before an
// error, so a damaged stream still yields its readable prefix (callers treat the result as hints).
std::string inflate_capped(std::string_view compressed, size_t max_out);

}  // namespace imagemesh
