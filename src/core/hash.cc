#include "core/hash.h"

#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>

namespace imagemesh {

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Hasher::Hasher(HashKind kind) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = kind == HashKind::kSha256 ? EVP_sha256() : EVP_md5();
  // Allocation failure of a digest context is not an input error: treat it like bad_alloc.
  if (impl_->ctx == nullptr || EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1)
    throw std::bad_alloc();
}

Hasher::~Hasher() { EVP_MD_CTX_free(impl_->ctx); }

void Hasher::update(std::string_view bytes) {
  EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

std::string Hasher::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(impl_->ctx, digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(length * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Hasher hasher(HashKind::kSha256);
  hasher.update(bytes);
  return hasher.hex_digest();
}

std::string md5_hex(std::string_view bytes) {
  Hasher hasher(HashKind::kMd5);
  hasher.update(bytes);
  return hasher.hex_digest();
}

}  // namespace imagemesh
