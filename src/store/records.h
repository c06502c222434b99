// The values the ingest pipeline hands to the store: one PaperRecord per paper source. Plain data,
// no behaviour; the schema they map to is documented in docs/schema.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/arxiv_id.h"

namespace imagemesh::store {

struct FileRecord {
  std::string path;  // relative to the paper root, normalised
  uint64_t size = 0;
  std::string sha256;  // of the file's bytes: the blob it belongs to
  bool is_image = false;
};

// Facts of an image blob (shared by every file with the same sha256).
struct BlobFacts {
  std::string sha256;
  uint64_t size = 0;
  std::string format;  // imaging::image_format_name(), "unknown" when unreadable
  int width_px = 0, height_px = 0;
  double width_pt = 0, height_pt = 0;
  int pages = 0;
  std::string creator;
  std::string color;
  std::string error;  // why the facts could not be read; empty if fine
};

struct GraphicsRecord {
  std::string command;
  std::string as_written;
  std::optional<std::string> resolved;  // path relative to the paper root
  std::string unresolved_reason;
  std::string resolution_note;  // how it was found when LaTeX would not have (case, graphicspath)
  std::string tex_file;
  int line = 0;
};

struct SubfigureRecord {
  std::string caption_tex, caption_text, label;
  std::vector<GraphicsRecord> graphics;
};

struct FigureRecord {
  int order = 0;
  std::string env, tex_file;
  int line = 0;
  std::string caption_tex, caption_text, short_caption, label;
  std::vector<GraphicsRecord> graphics;
  std::vector<SubfigureRecord> subfigures;
};

// The outcome of turning one image blob into thumbnails (docs/thumbnails.md). Belongs to the blob:
// a figure reused across papers or versions is converted once.
struct ConversionRecord {
  std::string sha256;
  std::string status;  // "ok", or an error_code_name(): "timeout", "too-large", "decode-failed"...
  std::string error;   // message when not ok
  std::string converter;  // "vips", "ghostscript+vips"
  int raster_width = 0, raster_height = 0, web_width = 0, web_height = 0;
  bool blank = false;  // the output is near-constant (a conversion that "worked" but shows nothing)
  double millis = 0;   // wall time of the conversion
};

// A problem with one item (a member, a file, a reference). `kind` is an error_code_name() or a
// latex Diagnostic kind.
struct ItemError {
  std::string item;
  std::string kind;
  std::string message;
};

struct PaperRecord {
  PaperId id;
  std::string source_kind;    // "tar", "single", "pdf", "folder"
  std::string source_key;     // identity of the input: "arXiv_src_1305_001.tar:1305/1305.5590.gz",
                              // "slug-edo.tar.gz", "folder:/abs/path" — what resume keys on
  std::string origin;         // human-readable location (full path of archive + member)
  std::string source_sha256;  // of the member/archive bytes as read (compressed)
  uint64_t source_bytes = 0;  // compressed size
  uint64_t unpacked_bytes = 0;
  std::string engine;  // "pdflatex", "latex", "unknown"
  std::string engine_reason;
  std::vector<std::string> root_files;
  std::string title, abstract;
  std::vector<std::string> authors;
  std::vector<FileRecord> files;
  std::vector<BlobFacts> blobs;  // one per distinct image sha256 among `files`
  std::vector<FigureRecord> figures;
  std::vector<ConversionRecord> conversions;  // blobs converted while this paper was read
  std::vector<ItemError> problems;            // per-item errors and diagnostics of this paper
};

// A source that produced no paper (corrupt member, unsafe outer entry, truncated tar ...).
struct SourceFailure {
  std::string source_key;     // as in PaperRecord; resume skips a failure with the same sha256
  std::string source_sha256;  // empty when the bytes could not be read completely
  std::string origin;
  std::optional<PaperId> id;  // when the member name gave one
  ItemError error;
};

// One arXiv metadata record (docs/metadata.md), parsed from the JSON snapshot or an OAI-PMH page
// by ingest::parse_snapshot_line / parse_oai_page.
struct MetadataAuthor {
  std::string keyname;          // "Balázs"
  std::string forenames;        // "C."
  std::string suffix;           // "Jr", usually empty
  std::string display() const;  // "C. Balázs Jr"
};

struct MetadataVersion {
  int number = 0;       // 1 for "v1"
  std::string created;  // ISO 8601 UTC, "2007-04-02T19:18:42Z"
};

struct MetadataRecord {
  PaperId id;             // no version; kind new or old style
  bool deleted = false;   // an OAI <header status="deleted">: the record is withdrawn
  std::string datestamp;  // when arXiv last changed the record (YYYY-MM-DD): newer wins
  std::string created;    // v1 date, YYYY-MM-DD
  std::string updated;    // last version's date, YYYY-MM-DD; "" when only v1
  std::vector<MetadataVersion> versions;  // snapshot only (the OAI `arXiv` format has none)
  std::vector<MetadataAuthor> authors;
  std::string authors_text;  // display form, "C. Balázs, E. L. Berger and P. M. Nadolsky" as given
  std::string title_raw, title;
  std::string abstract_raw, abstract;
  std::vector<std::string> categories;  // primary first
  std::string comments, journal_ref, doi, report_no, license, submitter;
};

}  // namespace imagemesh::store
