// The explorer page's files (web/), built into the binary so the server needs nothing on disk
// but the mesh and never serves a file it did not ship. cmake/embed_web.cmake turns every file
// under web/ into a byte array of a generated source at build time (regenerated when a web file
// changes).
#pragma once

#include <span>
#include <string_view>

namespace imagemesh::server {

struct WebAsset {
  std::string_view path;    // relative to web/, '/'-separated: "index.html", "icons/logo.svg"
  std::string_view sha256;  // of the bytes, hex (the ETag is built from it)
  std::string_view bytes;
};

// The files built into this binary, sorted by path (empty when web/ had none).
std::span<const WebAsset> built_in_web_assets();

// The asset named `path` exactly, or nullptr. A lookup, never a file-system path: "..", "//" or
// an absolute name can only fail to match.
const WebAsset* find_web_asset(std::span<const WebAsset> assets, std::string_view path);

// Content-Type by extension ("app.js" -> "text/javascript; charset=utf-8");
// application/octet-stream for an unknown one.
std::string_view content_type_for(std::string_view path);

}  // namespace imagemesh::server
