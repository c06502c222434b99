#include "ingest/reader_streams.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/compression.h"

namespace imagemesh::ingest {

Result<std::string_view> MemoryStream::next() {
  if (done_) return std::string_view();
  done_ = true;
  return data_;
}

Result<std::string_view> PeekStream::peek(size_t n) {
  while (held_.size() < n && !upstream_ended_) {
    IM_ASSIGN_OR_RETURN(std::string_view block, upstream_.next());
    if (block.empty()) {
      upstream_ended_ = true;
    } else {
      held_.append(block);
    }
  }
  return std::string_view(held_);
}

Result<std::string_view> PeekStream::next() {
  if (!held_delivered_) {
    held_delivered_ = true;
    if (!held_.empty()) return std::string_view(held_);
  }
  if (upstream_ended_) return std::string_view();
  return upstream_.next();
}

Status archive_failure(struct archive* a, const Status& upstream, ErrorCode fallback,
                       std::string_view what) {
  if (!upstream.ok()) return upstream;
  const char* message = a ? archive_error_string(a) : nullptr;
  std::string text = message ? message : "unknown libarchive error";
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  ErrorCode code = lower.find("truncated") != std::string::npos ? ErrorCode::kTruncated : fallback;
  return error(code, std::string(what) + ": " + text);
}

Status read_data_capped(struct archive* a, const Status& input_status, uint64_t cap,
                        int64_t size_hint, std::string& out, bool* over_cap) {
  *over_cap = false;
  out.clear();
  constexpr size_t kFirstChunk = 64 << 10;
  // A header can claim any size in a few bytes: it sizes the first allocation only up to this, and
  // larger entries grow geometrically as their bytes actually arrive.
  constexpr uint64_t kMaxTrustedHint = 64ull << 20;
  // Reading into the string itself avoids a copy; one byte past the cap proves the entry too big.
  uint64_t want = size_hint > 0
                      ? std::min<uint64_t>(static_cast<uint64_t>(size_hint) + 1, kMaxTrustedHint)
                      : kFirstChunk;
  out.resize(static_cast<size_t>(std::min<uint64_t>(want, cap + 1)));
  size_t filled = 0;
  while (true) {
    if (filled == out.size()) {
      if (filled > cap) break;
      out.resize(static_cast<size_t>(
          std::min<uint64_t>(std::max<size_t>(filled * 2, kFirstChunk), cap + 1)));
    }
    la_ssize_t n = archive_read_data(a, out.data() + filled, out.size() - filled);
    if (n == 0) break;
    if (n < 0) {
      out.clear();
      return archive_failure(a, input_status, ErrorCode::kCorruptArchive, "reading entry data");
    }
    filled += static_cast<size_t>(n);
  }
  if (filled > cap) {
    *over_cap = true;
    out.clear();
    out.shrink_to_fit();
    return Status::Ok();
  }
  out.resize(filled);
  return Status::Ok();
}

StreamArchive::~StreamArchive() {
  if (archive_) archive_read_free(archive_);
}

ssize_t StreamArchive::read_callback(struct archive* a, void* client, const void** buffer) {
  auto* self = static_cast<StreamArchive*>(client);
  auto block = self->input_->next();
  if (!block.ok()) {
    self->input_status_ = block.status();
    archive_set_error(a, EIO, "%s", block.status().message().c_str());
    return -1;
  }
  *buffer = block->data();
  return static_cast<ssize_t>(block->size());
}

Status StreamArchive::open(ByteStream& input) {
  input_ = &input;
  if (archive_read_open(archive_, this, nullptr, &StreamArchive::read_callback, nullptr) !=
      ARCHIVE_OK) {
    return archive_failure(archive_, input_status_, ErrorCode::kCorruptArchive, "cannot open");
  }
  return Status::Ok();
}

Status StreamArchive::open_gzip(ByteStream& input) {
  archive_ = archive_read_new();
  if (!archive_) return error(ErrorCode::kInternal, "archive_read_new failed");
  if (archive_read_support_filter_gzip(archive_) != ARCHIVE_OK ||
      archive_read_append_filter(archive_, ARCHIVE_FILTER_GZIP) != ARCHIVE_OK ||
      archive_read_set_format(archive_, ARCHIVE_FORMAT_RAW) != ARCHIVE_OK) {
    return archive_failure(archive_, Status::Ok(), ErrorCode::kInternal, "gzip reader setup");
  }
  IM_RETURN_IF_ERROR(open(input));
  archive_entry* entry = nullptr;
  int r = archive_read_next_header(archive_, &entry);
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
    return archive_failure(archive_, input_status_, ErrorCode::kCorruptArchive, "gzip");
  }
  return Status::Ok();
}

Status StreamArchive::open_tar(ByteStream& input) {
  archive_ = archive_read_new();
  if (!archive_) return error(ErrorCode::kInternal, "archive_read_new failed");
  if (archive_read_support_format_tar(archive_) != ARCHIVE_OK) {
    return archive_failure(archive_, Status::Ok(), ErrorCode::kInternal, "tar reader setup");
  }
  return open(input);
}

Result<std::string_view> GzipLayer::next() {
  if (!status_.ok()) return status_;
  if (ended_) return std::string_view();
  const void* data = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  int r = archive_read_data_block(archive_.get(), &data, &size, &offset);
  if (r == ARCHIVE_EOF) {
    ended_ = true;
    return std::string_view();
  }
  if (r != ARCHIVE_OK) {
    status_ = archive_failure(archive_.get(), archive_.input_status(), ErrorCode::kCorruptArchive,
                              "gzip");
    return status_;
  }
  std::string_view block(static_cast<const char*>(data), size);
  output_ += size;
  if (output_ > max_output_) {
    status_ = error(ErrorCode::kTooLarge,
                    "inflated data exceeds the limit of " + std::to_string(max_output_) + " bytes");
    return status_;
  }
  crc_ = crc32_update(crc_, block);
  if (size >= 8) {
    std::memcpy(tail_, block.data() + size - 8, 8);
    tail_size_ = 8;
  } else if (size > 0) {
    size_t keep = std::min<size_t>(tail_size_, 8 - size);
    std::memmove(tail_, tail_ + tail_size_ - keep, keep);
    std::memcpy(tail_ + keep, block.data(), size);
    tail_size_ = keep + size;
  }
  return block;
}

Status GzipLayer::drain() {
  while (true) {
    IM_ASSIGN_OR_RETURN(std::string_view block, next());
    if (block.empty()) return Status::Ok();
  }
}

Status GzipLayer::verify_trailer(std::string_view trailer) const {
  if (!ended_) return error(ErrorCode::kInternal, "gzip trailer checked before the end of stream");
  if (trailer.size() != 8) return error(ErrorCode::kTruncated, "gzip stream has no trailer");
  auto le32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(trailer[at + i]);
    return v;
  };
  if (le32(0) != crc_) {
    return error(ErrorCode::kCorruptArchive, "gzip CRC-32 mismatch (data is damaged)");
  }
  if (le32(4) != static_cast<uint32_t>(output_)) {
    return error(ErrorCode::kCorruptArchive, "gzip length check failed: trailer says " +
                                                 std::to_string(le32(4)) + " bytes, inflated " +
                                                 std::to_string(output_));
  }
  return Status::Ok();
}

}  // namespace imagemesh::ingest
