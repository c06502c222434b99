// unpack_member() and read_archive_file(): one paper's bytes -> its files, in memory.
//
// The member is sniffed, not trusted by name: %PDF is a PDF-only paper; gzip magic is unwrapped
// layer by layer (at most max_gzip_layers, each layer's trailer checked by us because libarchive
// does not); what remains is a tar (ustar magic or a v7 header checksum) or a single file.
#include "ingest/source_reader.h"

#include <fcntl.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/hash.h"
#include "core/regular_file.h"
#include "ingest/reader_files.h"
#include "ingest/reader_streams.h"
#include "ingest/reader_tar_entries.h"

namespace imagemesh::ingest {
namespace {

// The name a single-file or PDF-only submission's file gets: the bulk stem for arXiv ids
// ("hep-ph0703990"), the file name without archive suffixes otherwise.
std::string file_stem(const RawMember& member) {
  if (member.id.is_arxiv()) return member.id.bulk_stem();
  std::string stem(base_name(member.name));
  for (std::string_view suffix : {".tar.gz", ".tgz", ".gz", ".tar", ".pdf"}) {
    if (stem.size() > suffix.size() && ends_with(stem, suffix)) {
      stem.resize(stem.size() - suffix.size());
      break;
    }
  }
  return stem.empty() ? "main" : stem;
}

std::string single_file_extension(std::string_view head) {
  if (head.substr(0, 4) == "%PDF") return ".pdf";
  if (head.substr(0, 2) == "%!") return ".ps";
  return ".tex";
}

class Unpacker {
 public:
  Unpacker(const RawMember& member, const Limits& limits)
      : member_(member), limits_(limits), memory_(member.bytes) {
    // Every inflated stream is capped: the paper limit plus room for tar headers and padding.
    uint64_t slack = std::min<uint64_t>(limits.max_files_per_paper, 1ull << 32) * 1024 + (3 << 20);
    stream_cap_ =
        limits.max_paper_bytes > UINT64_MAX - slack ? UINT64_MAX : limits.max_paper_bytes + slack;
  }

  Status run(PaperSource& paper) {
    PeekStream* top = add_peek(memory_);
    IM_ASSIGN_OR_RETURN(std::string_view head, top->peek(512));
    while (looks_like_gzip(head)) {
      if (static_cast<int>(layers_.size()) >= limits_.max_gzip_layers) {
        return error(
            ErrorCode::kTooLarge,
            "gzip nested more than " + std::to_string(limits_.max_gzip_layers) + " layers deep");
      }
      layers_.push_back(std::make_unique<GzipLayer>(*top, stream_cap_));
      IM_RETURN_IF_ERROR(layers_.back()->open());
      top = add_peek(*layers_.back());
      IM_ASSIGN_OR_RETURN(head, top->peek(512));
    }
    if (looks_like_tar(head)) {
      paper.source_kind = "tar";
      Status status = read_tar_entries(*top, limits_, paper);
      if (status.code() == ErrorCode::kCorruptArchive && !layers_.empty()) {
        // A tar broken by damaged gzip data: the trailer check names the real cause.
        Status layers = check_layers();
        if (layers.code() == ErrorCode::kCorruptArchive) {
          return error(layers.code(), layers.message() + "; " + status.message());
        }
      }
      IM_RETURN_IF_ERROR(status);
    } else if (layers_.empty()) {
      return error(ErrorCode::kCorruptArchive, "not gzip, tar or PDF");
    } else {
      paper.source_kind = "single";
      IM_RETURN_IF_ERROR(read_single(*top, single_file_extension(head), paper));
    }
    return check_layers();
  }

 private:
  PeekStream* add_peek(ByteStream& upstream) {
    peeks_.push_back(std::make_unique<PeekStream>(upstream));
    return peeks_.back().get();
  }

  Status read_single(ByteStream& input, const std::string& extension, PaperSource& paper) {
    uint64_t cap = std::min(limits_.max_file_bytes, limits_.max_paper_bytes);
    std::string bytes;
    while (true) {
      IM_ASSIGN_OR_RETURN(std::string_view block, input.next());
      if (block.empty()) break;
      if (bytes.size() + block.size() > cap) {
        return error(ErrorCode::kTooLarge,
                     "single file exceeds the limit of " + std::to_string(cap) + " bytes");
      }
      bytes.append(block);
    }
    paper.unpacked_bytes = bytes.size();
    paper.files.push_back({file_stem(member_) + extension, std::move(bytes)});
    return Status::Ok();
  }

  // A tar reader stops at its end-of-archive blocks, so the rest of each gzip stream is read here
  // (innermost first) before the trailers are compared: a CRC error anywhere fails the paper.
  Status check_layers() {
    for (size_t i = layers_.size(); i-- > 0;) IM_RETURN_IF_ERROR(layers_[i]->drain());
    for (size_t i = 0; i < layers_.size(); ++i) {
      std::string_view trailer;
      if (i == 0) {
        std::string_view bytes = member_.bytes;
        trailer = bytes.size() >= 8 ? bytes.substr(bytes.size() - 8) : std::string_view();
      } else {
        trailer = layers_[i - 1]->tail();
      }
      Status status = layers_[i]->verify_trailer(trailer);
      if (!status.ok()) {
        return i == 0 ? status : status.with_context("nested gzip layer " + std::to_string(i + 1));
      }
    }
    return Status::Ok();
  }

  const RawMember& member_;
  const Limits& limits_;
  uint64_t stream_cap_ = 0;
  MemoryStream memory_;
  // Each stage reads from the one before it; destructors do not touch their neighbours.
  std::vector<std::unique_ptr<GzipLayer>> layers_;
  std::vector<std::unique_ptr<PeekStream>> peeks_;
};

}  // namespace

Result<PaperSource> unpack_member(const RawMember& member, const Limits& limits) {
  PaperSource paper;
  paper.id = member.id;
  paper.source_key = member.source_key;
  paper.origin = member.origin;
  paper.source_sha256 = member.sha256;
  paper.source_bytes = member.bytes.size();
  if (member.bytes.empty()) return error(ErrorCode::kDecodeFailed, "empty member (0 bytes)");
  if (looks_like_pdf(member.bytes) || ends_with(member.name, ".pdf")) {
    uint64_t cap = std::min(limits.max_file_bytes, limits.max_paper_bytes);
    if (member.bytes.size() > cap) {
      return error(ErrorCode::kTooLarge, "PDF exceeds the limit of " + std::to_string(cap));
    }
    paper.source_kind = "pdf";
    paper.unpacked_bytes = member.bytes.size();
    paper.files.push_back({file_stem(member) + ".pdf", member.bytes});
    return paper;
  }
  IM_RETURN_IF_ERROR(Unpacker(member, limits).run(paper));
  return paper;
}

Result<RawMember> read_archive_file(const std::string& path, const Limits& limits) {
  std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  auto bytes = read_regular_file(AT_FDCWD, absolute, limits.max_member_bytes, false);
  if (!bytes.ok()) return bytes.status().with_context(absolute);
  RawMember member;
  member.name = std::string(base_name(absolute));
  member.source_key = member.name;
  member.origin = absolute;
  member.id = paper_id_from_name(member.name);
  member.sha256 = sha256_hex(*bytes);
  member.bytes = std::move(bytes).value();
  return member;
}

}  // namespace imagemesh::ingest
