// Failures as the HTTP client sees them. Only the server maps domain error codes (core/status.h)
// to HTTP statuses; every error leaves the server as one JSON shape (docs/api.md, "Errors"):
//   {"error": {"status": 400, "code": "invalid-argument", "parameter": "limit", "message": "..."}}
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace imagemesh::server {

struct ApiError {
  int status = 500;       // HTTP status
  std::string code;       // kebab-case, e.g. "invalid-argument", "method-not-allowed"
  std::string parameter;  // the request parameter at fault, "" when not about one
  std::string message;    // for people: what is wrong and, where it helps, what to do

  // 400 about one parameter: a bad value, unknown or repeated name.
  static ApiError bad_parameter(std::string parameter, std::string message);
  static ApiError not_found(std::string message);
  // An engine (or other module) failure. The engine's messages that start with a documented
  // parameter name ("like: no image 7", "limit must be ...") name that parameter.
  static ApiError from_status(const Status& status);
  // An error httplib produced itself (malformed request, payload over the limit...), which has
  // only a status: a generic code and message for it.
  static ApiError from_http_status(int status);
};

// kInvalidArgument 400, kNotFound 404, kTooLarge 413, kUnsupported 415, kDecodeFailed 422,
// anything else 500.
int http_status_for(ErrorCode code);

// The JSON body of an error.
std::string error_body(const ApiError& error);

// A value or the ApiError explaining why there is none: for failures that must reach the client
// with a parameter name and an HTTP status.
template <typename T>
using ApiResult = Result<T, ApiError>;

}  // namespace imagemesh::server
