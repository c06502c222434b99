#include "server/upload.h"

#include <cctype>

namespace imagemesh::server {
namespace {

// "Image/PNG; charset=x" -> "image/png".
std::string media_type(const std::string& content_type) {
  std::string media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
  size_t start = 0;
  while (start < media.size() && (media[start] == ' ' || media[start] == '\t')) ++start;
  media.erase(0, start);
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media;
}

}  // namespace

ApiResult<std::string> read_upload(const UploadRequest& request,
                                   const std::function<bool(const UploadSinks&)>& read_body) {
  const std::string media = media_type(request.content_type);
  const bool raw = media.starts_with("image/") || media == "application/octet-stream";
  const bool accepted = request.multipart || raw;

  std::string image;
  bool in_image = !request.multipart;  // a raw body is the image
  bool image_seen = false, repeated = false, over = false;
  std::string unknown_field;
  size_t body_bytes = 0;
  UploadSinks sinks;
  sinks.part = [&](const std::string& field) {
    in_image = field == "image";
    if (in_image) {
      repeated = repeated || image_seen;
      image_seen = true;
    } else if (unknown_field.empty()) {
      unknown_field = field.empty() ? "(unnamed)" : field;
    }
    return true;
  };
  sinks.data = [&](const char* data, size_t size) {
    body_bytes += size;
    if (body_bytes > request.max_body_bytes) {
      over = true;
      return false;
    }
    // Refused or unwanted content is read (so the connection stays in step) and dropped.
    if (!accepted || !in_image || repeated) return true;
    if (image.size() + size > request.max_image_bytes) {
      over = true;
      return false;
    }
    image.append(data, size);
    return true;
  };
  const bool read = read_body(sinks);

  if (over || (!read && request.content_length > request.max_body_bytes)) {
    return ApiError{413, "too-large", "",
                    "the upload is over the limit of " + std::to_string(request.max_image_bytes) +
                        " bytes (/api/info: max_upload_bytes)"};
  }
  if (!accepted) {
    return ApiError{415, "unsupported", "",
                    "send the image as the body with Content-Type image/* or "
                    "application/octet-stream, or as the field 'image' of multipart/form-data "
                    "(got Content-Type '" +
                        request.content_type + "')"};
  }
  if (!read) {
    return ApiError::bad_parameter("image",
                                   "the request body could not be read (malformed multipart?)");
  }
  if (request.multipart) {
    if (!unknown_field.empty()) {
      return ApiError::bad_parameter(unknown_field,
                                     "unknown form field '" + unknown_field +
                                         "': the image goes in the field 'image', parameters in "
                                         "the query string");
    }
    if (!image_seen) {
      return ApiError::bad_parameter("image", "the form has no field 'image'");
    }
    if (repeated) {
      return ApiError::bad_parameter("image", "the field 'image' is repeated: send one image");
    }
  }
  if (image.empty()) return ApiError::bad_parameter("image", "the upload is empty");
  return image;
}

}  // namespace imagemesh::server
