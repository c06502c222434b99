// Content hashes. SHA-256 identifies blobs (deduplication of image files across papers and
// versions); MD5 exists only to check arXiv manifests, which publish MD5 sums.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace imagemesh {

enum class HashKind { kSha256, kMd5 };

// Incremental hasher. Not thread-safe; one per stream.
class Hasher {
 public:
  explicit Hasher(HashKind kind);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(std::string_view bytes);
  // Lower-case hex digest. The hasher must not be updated afterwards.
  std::string hex_digest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view bytes);
std::string md5_hex(std::string_view bytes);

}  // namespace imagemesh
