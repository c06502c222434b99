#include "server/api_error.h"

#include <nlohmann/json.hpp>

#include "server/query_params.h"

namespace imagemesh::server {

ApiError ApiError::bad_parameter(std::string parameter, std::string message) {
  return ApiError{400, "invalid-argument", std::move(parameter), std::move(message)};
}

ApiError ApiError::not_found(std::string message) {
  return ApiError{404, "not-found", "", std::move(message)};
}

ApiError ApiError::from_status(const Status& status) {
  ApiError error{http_status_for(status.code()), std::string(error_code_name(status.code())), "",
                 status.message()};
  if (status.code() == ErrorCode::kInvalidArgument) {
    // The engine names the parameter first ("emb: the mesh has no embedding 'x'", "offset must
    // be >= 0"); only documented names count, so free text never becomes a parameter.
    const std::string& message = status.message();
    const size_t end = message.find_first_of(": ");
    if (end != std::string::npos && is_query_parameter(std::string_view(message).substr(0, end))) {
      error.parameter = message.substr(0, end);
    }
  }
  return error;
}

ApiError ApiError::from_http_status(int status) {
  switch (status) {
    case 400:
      return {400, "bad-request", "", "the request is not well-formed HTTP"};
    case 404:
      return not_found("nothing here: see docs/api.md for the API's paths");
    case 405:
      return {405, "method-not-allowed", "", "this path does not take that method"};
    case 408:
      return {408, "timeout", "", "the request took too long to arrive"};
    case 413:
      return {413, "too-large", "", "the request body is over the size limit"};
    case 414:
      return {414, "uri-too-long", "", "the request URI is too long (at most 8192 bytes)"};
    case 416:
      return {416, "range-not-satisfiable", "", "the requested range is outside the content"};
    case 431:
      return {431, "headers-too-large", "", "the request headers are too large"};
    default:
      break;
  }
  if (status >= 500) return {status, "internal", "", "internal server error"};
  return {status, "http-" + std::to_string(status), "", "HTTP error " + std::to_string(status)};
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUnsupported:
      return 415;
    case ErrorCode::kDecodeFailed:
      return 422;
    default:
      return 500;
  }
}

std::string error_body(const ApiError& error) {
  nlohmann::ordered_json inner = {{"status", error.status}, {"code", error.code}};
  if (!error.parameter.empty()) inner["parameter"] = error.parameter;
  inner["message"] = error.message;
  // Messages may quote what the client sent or what the mesh holds: never let a stray byte turn
  // the error into an exception.
  return nlohmann::ordered_json{{"error", inner}}.dump(
      -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace imagemesh::server
