// Reading untrusted inputs into papers held in memory. No extraction to disk, ever.
//
// Inputs (any mix, as paths):
//   arXiv bulk tars  arXiv_src_YYMM_NNN.tar  members YYMM/<id>.gz (gzipped tar, or a single gzipped
//                    file) and YYMM/<id>.pdf (PDF-only submission)
//   arXiv manifest   arXiv_src_manifest.xml: sizes and md5 of the bulk tars, checked when given
//   paper archives   <name>.tar.gz .tgz .gz .tar, and bare <id>.pdf
//   folders          an extracted paper (a folder with files), or a folder of the above
//
// Reading is split in two so the pipeline can parallelise it: a sequential, I/O-bound pass over
// each input yields RawMembers (compressed bytes + where they came from); unpack_member() turns one
// into a PaperSource on any thread. Every refusal (unsafe name, link, device, size limit, corrupt
// or truncated data) is a value: a per-entry problem on the paper, or a failed member.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/arxiv_id.h"
#include "core/status.h"
#include "store/records.h"

namespace imagemesh::ingest {

// Bomb guards. Defaults are documented in docs/limits.md and settable from the CLI.
struct Limits {
  uint64_t max_member_bytes = 1ull << 30;   // compressed bytes of one bulk member or archive
  uint64_t max_paper_bytes = 512ull << 20;  // decompressed bytes of one paper, all files
  uint64_t max_file_bytes = 256ull << 20;   // decompressed bytes of one file of a paper
  uint64_t max_files_per_paper = 20000;     // entries in one paper
  int max_gzip_layers = 2;                  // a gzip inside a gzip is unwrapped once, with the
                                            // same byte cap; deeper nesting is refused
};

enum class InputKind { kBulkTar, kManifest, kPaperArchive, kPdf, kPaperFolder };

struct Input {
  InputKind kind;
  std::string path;  // absolute
};

// Classifies the given paths. A folder that contains bulk tars or paper archives (and no TeX) is
// expanded into them; a folder with TeX files is one paper. Fails for paths that do not exist.
Result<std::vector<Input>> classify_inputs(const std::vector<std::string>& paths);

struct ManifestEntry {
  std::string filename;  // "arXiv_src_1305_001.tar" (basename)
  uint64_t size = 0;
  std::string md5;
  int num_items = 0;
  std::string yymm;
};
// Parses arXiv_src_manifest.xml. Keyed by basename.
Result<std::map<std::string, ManifestEntry>> read_manifest(const std::string& path);

// The bytes of one paper as found in an input, still compressed.
struct RawMember {
  std::string source_key;  // "arXiv_src_1305_001.tar:1305/1305.5590.gz" or archive basename
  std::string origin;      // "/abs/path/arXiv_src_1305_001.tar!1305/1305.5590.gz"
  PaperId id;              // from the member or archive name
  std::string name;        // member name or archive file name
  std::string bytes;       // raw bytes (gzip, tar, pdf)
  std::string sha256;      // of `bytes`
};

// Streams the members of a bulk tar. For each regular member calls `on_member`; entries that are
// not regular files, have unsafe names or exceed max_member_bytes produce `on_failure`. A truncated
// or corrupt tar produces one failure (naming the member where it broke) and ends the tar; the
// members before it are delivered. `skip(source_key, sha256)` lets the caller drop members already
// ingested before they are handed over. If `expected` is given, the tar's size is checked before
// reading and its md5 while reading; a mismatch is reported through `on_failure`
// (kChecksumMismatch) and reading continues (members that are intact are still good).
struct BulkTarCallbacks {
  std::function<bool(const std::string& source_key, const std::string& sha256)> skip;
  std::function<void(RawMember)> on_member;
  std::function<void(store::SourceFailure)> on_failure;
  std::function<void(uint64_t bytes)> on_bytes_read;  // progress, may be empty
};
Status read_bulk_tar(const std::string& path, const Limits& limits,
                     const std::optional<ManifestEntry>& expected,
                     const BulkTarCallbacks& callbacks);

// Reads a paper archive or bare PDF file from disk as one RawMember (id from its file name).
Result<RawMember> read_archive_file(const std::string& path, const Limits& limits);

// One paper, decompressed, in memory.
struct PaperSource {
  PaperId id;
  std::string
      source_kind;  // "tar" (gzipped or plain tar), "single" (one gzipped file), "pdf", "folder"
  std::string source_key, origin, source_sha256;
  uint64_t source_bytes = 0, unpacked_bytes = 0;
  struct File {
    std::string path;  // normalised, relative to the paper root
    std::string bytes;
  };
  std::vector<File> files;                 // sorted by path
  std::vector<store::ItemError> problems;  // entries dropped, with the reason
};

// Decompresses one member: gzip -> tar or single file (named "<stem>.tex", or .ps/.pdf by content),
// plain tar, or PDF-only. Refuses links, devices, FIFOs, unsafe names and anything over the limits
// (the entry, or the whole paper when max_paper_bytes is exceeded). Errors: kCorruptArchive (bad
// CRC, garbage in the stream, not gzip/tar), kTruncated, kTooLarge, kDecodeFailed (empty member).
Result<PaperSource> unpack_member(const RawMember& member, const Limits& limits);

// Reads an extracted paper folder without following symlinks; same limits and refusals as above.
Result<PaperSource> read_paper_folder(const std::string& path, const Limits& limits);

}  // namespace imagemesh::ingest
