// The explorer's HTTP API without the HTTP library: each endpoint of docs/api.md is a function
// from what the request carried (raw query string, upload bytes, path segment, If-None-Match) to
// a Reply. server.cc only adapts cpp-httplib to these, so every answer, error included, is made
// here. Thread-safe: an Api holds no mutable state and the engine's const methods are concurrent.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/engine.h"
#include "server/api_error.h"
#include "server/web_assets.h"

namespace imagemesh::server {

inline constexpr std::string_view kJsonType = "application/json; charset=utf-8";
// The page's policy: its own scripts (script-src falls back to default-src 'self': no inline
// script, no eval), images (and the data:/blob: URLs of an upload's preview), nothing from
// elsewhere, never framed. Styles may be inline attributes: the page sets some, and KaTeX's math
// writes a style attribute on error spans and on the SVG of stretchy symbols (roots, braces); its
// glyph boxes are positioned through element.style, which CSP does not restrict. font-src names
// KaTeX's fonts (/static/vendor/katex/fonts/) explicitly, so tightening default-src later cannot
// silently turn math into fallback glyphs.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
// Thumbnails are content-addressed: a name never changes its bytes.
inline constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

struct Reply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply json(std::string body, int status = 200);
  static Reply error(const ApiError& error);
};

// The methods a path takes, as an Allow header value ("GET, HEAD" or "GET, HEAD, POST"), or ""
// for a path the server does not have (404 whatever the method).
std::string_view allowed_methods(std::string_view path);

struct ApiOptions {
  std::string version;               // /api/info's "version"
  std::span<const WebAsset> assets;  // what / and /static/ serve
  // Non-empty: / and /static/ serve this folder instead (serve --web), read per request with
  // `Cache-Control: no-store` and no ETag, confined by read_web_folder_file(). Only files under
  // vendor/ (KaTeX, built in from Debian's package) that the folder lacks come from `assets`.
  std::filesystem::path web_dir;
};

class Api {
 public:
  Api(const query::Engine& engine, ApiOptions options);

  Reply info() const;
  Reply health() const;
  // GET (upload empty) and POST /api/images.
  Reply images(std::string_view query_string, std::string upload) const;
  Reply facets(std::string_view query_string) const;
  // GET (upload empty) and POST /api/compare.
  Reply compare(std::string_view query_string, std::string upload) const;
  // /api/image/{id}: `id` is the raw path segment.
  Reply image(std::string_view id) const;
  // /thumb/{name}: `name` is the raw last path segment, "<sha256>.webp" or "<sha256>.jpg".
  Reply thumbnail(std::string_view name, std::string_view if_none_match) const;
  // / (path "") and /static/{path}.
  Reply asset(std::string_view path, std::string_view if_none_match) const;

 private:
  Reply built_in_asset(std::string_view name, std::string_view path,
                       std::string_view if_none_match) const;
  Reply folder_asset(std::string_view name, std::string_view path,
                     std::string_view if_none_match) const;

  const query::Engine& engine_;
  ApiOptions options_;
};

}  // namespace imagemesh::server
