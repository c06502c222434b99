// The upload of POST /api/images and /api/compare, from body bytes fed straight to the sinks.
#include "server/upload.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace imagemesh::server {
namespace {

// A body reader that feeds parts (field name, bytes) in chunks of 7 bytes, like a socket would.
auto feed(std::vector<std::pair<std::string, std::string>> parts, bool multipart,
          bool read_ok = true) {
  return [parts = std::move(parts), multipart, read_ok](const UploadSinks& sinks) {
    for (const auto& [field, bytes] : parts) {
      if (multipart && !sinks.part(field)) return false;
      for (size_t at = 0; at < bytes.size(); at += 7) {
        if (!sinks.data(bytes.data() + at, std::min<size_t>(7, bytes.size() - at))) return false;
      }
    }
    return read_ok;
  };
}

UploadRequest request(std::string content_type, bool multipart = false) {
  return UploadRequest{std::move(content_type), multipart, 0, 100, 200};
}

TEST(Upload, RawBodyIsTheImage) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0", 10) + "rest";
  auto image = read_upload(request("image/png"), feed({{"", png}}, false));
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(*image, png);
  EXPECT_TRUE(
      read_upload(request("Application/Octet-Stream; x=y"), feed({{"", "ab"}}, false)).ok());
}

TEST(Upload, LimitsGive413) {
  auto exact = read_upload(request("image/png"), feed({{"", std::string(100, 'x')}}, false));
  EXPECT_TRUE(exact.ok());
  auto over = read_upload(request("image/png"), feed({{"", std::string(101, 'x')}}, false));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().status, 413);
  EXPECT_EQ(over.error().code, "too-large");
  // The HTTP library refused a declared length over the body limit before reading anything.
  UploadRequest declared = request("image/png");
  declared.content_length = 201;
  EXPECT_EQ(read_upload(declared, feed({}, false, false)).error().status, 413);
  // Multipart: the image field over the image limit, or the whole body over the body limit.
  EXPECT_EQ(read_upload(request("multipart/form-data", true),
                        feed({{"image", std::string(101, 'x')}}, true))
                .error()
                .status,
            413);
  EXPECT_EQ(read_upload(request("multipart/form-data", true),
                        feed({{"image", "x"}, {"junk", std::string(250, 'j')}}, true))
                .error()
                .status,
            413);
}

TEST(Upload, OtherContentTypesGive415) {
  for (const char* type :
       {"", "text/plain", "application/x-www-form-urlencoded", "application/json", "imagex/png"}) {
    auto refused = read_upload(request(type), feed({{"", "abc"}}, false));
    ASSERT_FALSE(refused.ok()) << type;
    EXPECT_EQ(refused.error().status, 415) << type;
    EXPECT_EQ(refused.error().code, "unsupported");
  }
}

TEST(Upload, MultipartFieldImage) {
  auto image = read_upload(request("multipart/form-data; boundary=x", true),
                           feed({{"image", "PNGBYTES"}}, true));
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(*image, "PNGBYTES");
  auto unknown = read_upload(request("multipart/form-data", true),
                             feed({{"image", "x"}, {"limit", "20"}}, true));
  EXPECT_EQ(unknown.error().status, 400);
  EXPECT_EQ(unknown.error().parameter, "limit");
  auto missing = read_upload(request("multipart/form-data", true), feed({{"file", "x"}}, true));
  EXPECT_EQ(missing.error().parameter, "file");
  auto none = read_upload(request("multipart/form-data", true), feed({}, true));
  EXPECT_EQ(none.error().parameter, "image");
  EXPECT_EQ(none.error().message, "the form has no field 'image'");
  auto twice = read_upload(request("multipart/form-data", true),
                           feed({{"image", "a"}, {"image", "b"}}, true));
  EXPECT_EQ(twice.error().parameter, "image");
  EXPECT_NE(twice.error().message.find("repeated"), std::string::npos);
}

TEST(Upload, EmptyOrUnreadable) {
  auto empty = read_upload(request("image/png"), feed({{"", ""}}, false));
  EXPECT_EQ(empty.error().status, 400);
  EXPECT_EQ(empty.error().parameter, "image");
  auto broken = read_upload(request("multipart/form-data", true), feed({}, true, false));
  EXPECT_EQ(broken.error().status, 400);
  EXPECT_NE(broken.error().message.find("could not be read"), std::string::npos);
}

}  // namespace
}  // namespace imagemesh::server
