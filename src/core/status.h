// Status and Result<T>: expected failures as values.
//
// Every operation that can fail on bad input (a corrupt archive, unsafe path, undecodable image,
// unresolved reference ...) returns a Status or a Result<T>. Both are [[nodiscard]]: ignoring one
// is a compile warning, and warnings are errors. Exceptions are used only at boundaries
// (third-party libraries that throw are wrapped where they are called) and never cross module
// headers.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace imagemesh {

// Domain error codes. Their names (error_code_name) are stored in the database and shown to users,
// so they are part of the on-disk format: add new codes at the end, never rename.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // the caller asked for something impossible (bad flag, bad id)
  kNotFound,          // a file, paper or record that should exist does not
  kIo,                // the operating system refused a read or write
  kCorruptArchive,    // tar/gzip structure is broken (bad CRC, bad header, garbage in stream)
  kTruncated,         // input ends before its structure says it should
  kTooLarge,          // a size limit was hit (bomb guard, pixel limit)
  kUnsafePath,        // absolute, '..', link, device or other entry we refuse to touch
  kUnsupported,       // a valid input of a kind we do not handle
  kDecodeFailed,      // image or text bytes that cannot be decoded
  kEncoding,          // text in an encoding we cannot decode
  kTimeout,           // a wall-clock or CPU limit was hit
  kUnresolved,        // a reference (\input, \includegraphics) that names no file of the paper
  kChecksumMismatch,  // md5/size differs from a manifest
  kInternal,          // a bug: should never happen; reported rather than crashing
  kCancelled,         // the user interrupted the work
  kParse,             // text that does not follow its grammar (TeX, XML, JSON)
};

// Stable kebab-case name, e.g. "corrupt-archive".
std::string_view error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "corrupt-archive: gzip trailer CRC mismatch"
  std::string to_string() const;

  // Prefixes the message with context, e.g. the member name: "2401/2401.99004.gz: ...".
  Status with_context(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status error(ErrorCode code, std::string message) {
  return Status(code, std::move(message));
}

// A value or the error explaining why there is none: a Status, or at a boundary another error
// type (the server's ApiError, which adds an HTTP status and the parameter at fault).
template <typename T, typename Error = Status>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}     // NOLINT: implicit by design
  Result(Error error) : error_(std::move(error)) {  // NOLINT: implicit by design
    if constexpr (std::is_same_v<Error, Status>) {
      assert(!error_.ok() && "a Result built from a Status must hold an error");
      if (error_.ok()) error_ = Status(ErrorCode::kInternal, "Result built from an ok Status");
    }
  }

  bool ok() const { return value_.has_value(); }
  // The error when !ok(); status() is its name when it is a Status.
  const Error& error() const { return error_; }
  const Error& status() const { return error_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Error error_;
};

}  // namespace imagemesh

#define IM_CONCAT_INNER(a, b) a##b
#define IM_CONCAT(a, b) IM_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not ok.
#define IM_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::imagemesh::Status im_status_ = (expr); \
    if (!im_status_.ok()) return im_status_; \
  } while (false)

// `IM_ASSIGN_OR_RETURN(auto x, make_x());` declares x from the Result or returns its Status.
#define IM_ASSIGN_OR_RETURN(lhs, expr) \
  IM_ASSIGN_OR_RETURN_IMPL(IM_CONCAT(im_result_, __LINE__), lhs, expr)
#define IM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
