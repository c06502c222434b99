#include "core/status.h"

namespace imagemesh {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kCorruptArchive:
      return "corrupt-archive";
    case ErrorCode::kTruncated:
      return "truncated";
    case ErrorCode::kTooLarge:
      return "too-large";
    case ErrorCode::kUnsafePath:
      return "unsafe-path";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kDecodeFailed:
      return "decode-failed";
    case ErrorCode::kEncoding:
      return "encoding";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kUnresolved:
      return "unresolved";
    case ErrorCode::kChecksumMismatch:
      return "checksum-mismatch";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kParse:
      return "parse";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string out(error_code_name(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::with_context(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

}  // namespace imagemesh
