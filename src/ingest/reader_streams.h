// Byte streams that unpack_member() chains in memory:
//
//   member bytes (MemoryStream) -> GzipLayer -> [PeekStream -> GzipLayer] -> PeekStream -> tar /
//   file
//
// Each stage pulls blocks from the one before, so nothing is held twice and a bomb is stopped by
// the output cap of the first layer that exceeds it. Internal to ingest.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

struct archive;  // libarchive's handle; its header stays in the .cc files

namespace imagemesh::ingest {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // The next block; empty at the end of the stream. The view stays valid until the next call.
  // After an error every further call returns the same error.
  virtual Result<std::string_view> next() = 0;
};

class MemoryStream : public ByteStream {
 public:
  explicit MemoryStream(std::string_view data) : data_(data) {}
  Result<std::string_view> next() override;

 private:
  std::string_view data_;
  bool done_ = false;
};

// Lets a consumer look at the first bytes of a stream, then re-delivers them before the rest.
class PeekStream : public ByteStream {
 public:
  explicit PeekStream(ByteStream& upstream) : upstream_(upstream) {}
  // Buffers until at least `n` bytes are held or the stream ends; returns what is held. Only
  // before the first next().
  Result<std::string_view> peek(size_t n);
  Result<std::string_view> next() override;

 private:
  ByteStream& upstream_;
  std::string held_;
  bool held_delivered_ = false;
  bool upstream_ended_ = false;
};

// Maps a libarchive failure to a Status: an error already recorded by our own read callback (the
// real cause, e.g. a CRC mismatch below) wins; "truncated" messages become kTruncated.
Status archive_failure(struct archive* a, const Status& upstream, ErrorCode fallback,
                       std::string_view what);

// Reads the data of the current entry of `a` into `out` (replacing it). At most `cap` bytes are
// kept: a larger entry sets *over_cap and stops early (Ok). `size_hint` (the header's claim) only
// sizes the first allocation, never beyond the cap. `input_status` is the live status of the
// archive's input.
Status read_data_capped(struct archive* a, const Status& input_status, uint64_t cap,
                        int64_t size_hint, std::string& out, bool* over_cap);

// A libarchive reader whose input is a ByteStream. Not copyable; frees the handle.
class StreamArchive {
 public:
  StreamArchive() = default;
  ~StreamArchive();
  StreamArchive(const StreamArchive&) = delete;
  StreamArchive& operator=(const StreamArchive&) = delete;

  // A reader of exactly one gzip layer with the raw format: the gzip filter is appended explicitly,
  // which turns off libarchive's filter bidding (it would otherwise unwrap nested gzip on its own,
  // without limit). The raw format is set, not bid for: a format bid that fails on a truncated
  // stream would hide the real error behind "Unrecognized archive format". The raw entry header
  // is read, so data can be read at once.
  Status open_gzip(ByteStream& input);
  // A tar reader (ustar, GNU, pax, v7) with no decompression.
  Status open_tar(ByteStream& input);

  struct archive* get() const {
    return archive_;
  }
  // What the input reported when it failed (ok if it did not).
  const Status& input_status() const { return input_status_; }

 private:
  static ssize_t read_callback(struct archive* a, void* client, const void** buffer);
  Status open(ByteStream& input);

  struct archive* archive_ = nullptr;
  ByteStream* input_ = nullptr;
  Status input_status_;
};

// One gzip layer. libarchive 3.6.2 ignores the gzip trailer (its CRC-32 and ISIZE are never
// compared), so the layer computes both over its output; verify_trailer() compares them once the
// stream is fully read. Output beyond `max_output` bytes fails with kTooLarge.
class GzipLayer : public ByteStream {
 public:
  GzipLayer(ByteStream& input, uint64_t max_output) : input_(input), max_output_(max_output) {}
  Status open() { return archive_.open_gzip(input_); }
  Result<std::string_view> next() override;

  // Reads the rest of the output (still capped) so that the trailer can be checked.
  Status drain();
  // `trailer` is the last 8 bytes of this layer's input: CRC-32 and length mod 2^32, little endian.
  // Also fails when the input had another gzip member or trailing bytes, since then the trailer
  // is not the last 8 bytes: arXiv members are single gzip members.
  Status verify_trailer(std::string_view trailer) const;
  // The last (up to) 8 bytes of the output: the trailer of a gzip stream nested inside.
  std::string_view tail() const { return std::string_view(tail_, tail_size_); }
  uint64_t output_bytes() const { return output_; }

 private:
  ByteStream& input_;
  const uint64_t max_output_;
  StreamArchive archive_;
  Status status_;
  bool ended_ = false;
  uint32_t crc_ = 0;
  uint64_t output_ = 0;
  char tail_[8] = {};
  size_t tail_size_ = 0;
};

}  // namespace imagemesh::ingest
