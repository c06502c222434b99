#include "server/api.h"

#include <fstream>
#include <iterator>

#include "server/http_cache.h"
#include "server/json_encoding.h"
#include "server/query_params.h"
#include "server/web_folder.h"

namespace imagemesh::server {
namespace {

constexpr std::string_view kGet = "GET, HEAD";
constexpr std::string_view kGetPost = "GET, HEAD, POST";

// "/api/image/" + one non-empty segment.
bool one_segment_under(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  const std::string_view rest = path.substr(prefix.size());
  return !rest.empty() && rest.find('/') == std::string_view::npos;
}

Reply not_modified(std::string etag, std::string_view cache_control) {
  Reply reply;
  reply.status = 304;
  reply.headers = {{"ETag", std::move(etag)}, {"Cache-Control", std::string(cache_control)}};
  return reply;
}

// A file the engine named (inside the mesh folder), whole: thumbnails are tens of kilobytes.
ApiResult<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return ApiError{500, "io", "", "cannot read the thumbnail file of the mesh"};
  }
  return bytes;
}

}  // namespace

Reply Reply::json(std::string body, int status) {
  // Answers depend on the mesh the server was started with: never reuse one from a cache.
  return Reply{status, std::string(kJsonType), std::move(body), {{"Cache-Control", "no-store"}}};
}

Reply Reply::error(const ApiError& error) { return json(error_body(error), error.status); }

std::string_view allowed_methods(std::string_view path) {
  if (path == "/api/info" || path == "/api/facets" || path == "/api/health" || path == "/") {
    return kGet;
  }
  if (path == "/api/images" || path == "/api/compare") return kGetPost;
  if (one_segment_under(path, "/api/image/") || one_segment_under(path, "/thumb/")) return kGet;
  if (path.starts_with("/static/") && path.size() > 8) return kGet;
  return "";
}

Api::Api(const query::Engine& engine, ApiOptions options)
    : engine_(engine), options_(std::move(options)) {}

Reply Api::info() const { return Reply::json(encode_info(engine_.info(), options_.version)); }

Reply Api::health() const { return Reply::json(R"({"ok":true})"); }

Reply Api::images(std::string_view query_string, std::string upload) const {
  auto query = parse_query_string(query_string);
  if (!query.ok()) return Reply::error(query.error());
  query->upload = std::move(upload);
  auto results = engine_.run(*query);
  if (!results.ok()) return Reply::error(ApiError::from_status(results.status()));
  return Reply::json(encode_results(*results, *query));
}

Reply Api::facets(std::string_view query_string) const {
  auto query = parse_query_string(query_string);
  if (!query.ok()) return Reply::error(query.error());
  auto results = engine_.count(*query);
  if (!results.ok()) return Reply::error(ApiError::from_status(results.status()));
  return Reply::json(encode_counts(*results));
}

Reply Api::compare(std::string_view query_string, std::string upload) const {
  auto query = parse_query_string(query_string);
  if (!query.ok()) return Reply::error(query.error());
  query->upload = std::move(upload);
  auto comparison = engine_.compare(*query);
  if (!comparison.ok()) return Reply::error(ApiError::from_status(comparison.status()));
  return Reply::json(encode_comparison(*comparison, *query));
}

Reply Api::image(std::string_view id_text) const {
  uint32_t id = 0;
  if (!parse_image_id(id_text, &id)) {
    return Reply::error(ApiError::bad_parameter(
        "id", "'" + std::string(id_text) + "' is not an image id (a number, 0..4294967295)"));
  }
  auto detail = engine_.detail(id);
  if (!detail.ok()) return Reply::error(ApiError::from_status(detail.status()));
  return Reply::json(encode_detail(*detail));
}

Reply Api::thumbnail(std::string_view name, std::string_view if_none_match) const {
  auto parsed = parse_thumbnail_name(name);
  if (!parsed) {
    return Reply::error(ApiError::not_found(
        "no such thumbnail: thumbnails are /thumb/<sha256>.webp or /thumb/<sha256>.jpg (64 "
        "lowercase hex digits)"));
  }
  auto path = engine_.thumbnail(parsed->sha256, parsed->kind);
  if (!path.ok()) return Reply::error(ApiError::from_status(path.status()));
  std::string etag = "\"" + parsed->sha256 + "." + parsed->extension + "\"";
  if (if_none_match_matches(if_none_match, etag)) return not_modified(std::move(etag), kImmutable);
  auto bytes = read_whole_file(*path);
  if (!bytes.ok()) return Reply::error(bytes.error());
  Reply reply;
  reply.content_type = parsed->kind == "web" ? "image/webp" : "image/jpeg";
  reply.body = std::move(*bytes);
  reply.headers = {{"ETag", std::move(etag)}, {"Cache-Control", std::string(kImmutable)}};
  return reply;
}

Reply Api::asset(std::string_view path, std::string_view if_none_match) const {
  const std::string_view name = path.empty() ? "index.html" : path;
  Reply reply = options_.web_dir.empty() ? built_in_asset(name, path, if_none_match)
                                         : folder_asset(name, path, if_none_match);
  if (reply.status == 200 || reply.status == 304) {
    reply.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  }
  return reply;
}

Reply Api::built_in_asset(std::string_view name, std::string_view path,
                          std::string_view if_none_match) const {
  const WebAsset* asset = find_web_asset(options_.assets, name);
  if (!asset) {
    return Reply::error(ApiError::not_found(
        path.empty() ? "the page is not built into this binary (web/index.html was missing when "
                       "it was built); the API under /api/ works"
                     : "no such file: /static/" + std::string(path)));
  }
  // Not content-addressed names: the browser revalidates every time and gets a 304 while the
  // binary is the same.
  std::string etag = "\"" + std::string(asset->sha256.substr(0, 20)) + "\"";
  if (if_none_match_matches(if_none_match, etag)) return not_modified(std::move(etag), "no-cache");
  Reply reply;
  reply.content_type = std::string(content_type_for(asset->path));
  reply.body = std::string(asset->bytes);
  reply.headers = {{"ETag", std::move(etag)}, {"Cache-Control", "no-cache"}};
  return reply;
}

Reply Api::folder_asset(std::string_view name, std::string_view path,
                        std::string_view if_none_match) const {
  auto bytes = read_web_folder_file(options_.web_dir, name);
  if (!bytes.ok()) {
    const ErrorCode code = bytes.status().code();
    if (code == ErrorCode::kNotFound && name.starts_with("vendor/")) {
      return built_in_asset(name, path, if_none_match);
    }
    if (code == ErrorCode::kNotFound || code == ErrorCode::kUnsafePath) {
      // The message never says more about the folder than the request named.
      return Reply::error(ApiError::not_found(
          path.empty() ? "no index.html in the --web folder"
                       : "no such file in the --web folder: /static/" + std::string(path)));
    }
    return Reply::error(ApiError{500, std::string(error_code_name(code)), "",
                                 "--web folder: " + bytes.status().message()});
  }
  // An edit must show on the next reload: nothing is kept, so there is nothing to revalidate.
  Reply reply;
  reply.content_type = std::string(content_type_for(name));
  reply.body = std::move(*bytes);
  reply.headers = {{"Cache-Control", "no-store"}};
  return reply;
}

}  // namespace imagemesh::server
