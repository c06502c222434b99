// The image of POST /api/images and /api/compare, from the request body: the raw body
// (Content-Type image/* or application/octet-stream) or the field `image` of
// multipart/form-data. Independent of the HTTP library: the server passes a function that reads
// the body into the sinks, so tests can feed bytes directly.
//
// Bounded: the image is held to `max_image_bytes` (413 beyond), and at most `max_body_bytes` of
// the whole body are read, whatever it holds. Nothing is written anywhere; the bytes go to the
// engine and are dropped with the request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "server/api_error.h"

namespace imagemesh::server {

struct UploadRequest {
  std::string content_type;     // the header's value, "" when absent
  bool multipart = false;       // the body is multipart/form-data (as the HTTP library parses it)
  uint64_t content_length = 0;  // 0 when absent (chunked)
  size_t max_image_bytes = 0;
  size_t max_body_bytes = 0;
};

// Where the body reader puts what it reads. part() starts a multipart part (by field name);
// data() takes body bytes (of the current part). Both return false to stop the reading.
struct UploadSinks {
  std::function<bool(const std::string& field)> part;
  std::function<bool(const char* data, size_t size)> data;
};

// Reads the body with `read_body` (false: the body could not be read, or a sink stopped it) and
// returns the image bytes, or: 413 over a limit; 415 another Content-Type; 400 (parameter
// "image") an empty upload, no or a repeated field `image`; 400 naming an unknown form field; 400
// for a body that cannot be read (malformed multipart).
ApiResult<std::string> read_upload(const UploadRequest& request,
                                   const std::function<bool(const UploadSinks&)>& read_body);

}  // namespace imagemesh::server
