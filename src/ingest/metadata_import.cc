#include "ingest/metadata_import.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string_view>
#include <thread>

#include "core/bounded_queue.h"
#include "core/log.h"
#include "ingest/metadata_record.h"

namespace imagemesh::ingest {
namespace {

// Small enough that a stream cut short still delivers what it decompressed before the cut:
// libarchive fails the whole read call that meets the end of a truncated stream.
constexpr size_t kReadBlockBytes = 64 << 10;
// A snapshot line is a few KB (the longest real abstracts are under 10 KB); a longer "line" is a
// bomb or not a snapshot, and is skipped rather than held in memory.
constexpr size_t kMaxLineBytes = 16 << 20;

// A file's bytes after decompression, in blocks: libarchive's "raw" format with every filter, so
// gzip, bzip2, xz and plain files read alike and the compression is recognised by its magic.
class DecompressedFile {
 public:
  static Result<std::unique_ptr<DecompressedFile>> open(const std::string& path) {
    std::unique_ptr<DecompressedFile> file(new DecompressedFile());
    archive* a = file->archive_;
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
    if (archive_read_open_filename(a, path.c_str(), kReadBlockBytes) != ARCHIVE_OK) {
      return Status(ErrorCode::kIo, "cannot read " + path + ": " + file->message());
    }
    archive_entry* entry = nullptr;
    const int header = archive_read_next_header(a, &entry);
    if (header == ARCHIVE_EOF) {
      file->ended_ = true;  // an empty file
    } else if (header != ARCHIVE_OK && header != ARCHIVE_WARN) {
      return Status(ErrorCode::kParse, "cannot read " + path + ": " + file->message());
    }
    return file;
  }

  ~DecompressedFile() { archive_read_free(archive_); }
  DecompressedFile(const DecompressedFile&) = delete;
  DecompressedFile& operator=(const DecompressedFile&) = delete;

  // The next block, empty at the end. A damaged or truncated stream is kTruncated / kParse.
  Result<std::string_view> next() {
    if (ended_) return std::string_view();
    const la_ssize_t n = archive_read_data(archive_, buffer_.data(), buffer_.size());
    if (n < 0) {
      ended_ = true;
      const std::string why = message();
      const bool truncated = why.find("runcated") != std::string::npos ||
                             why.find("nexpected EOF") != std::string::npos ||
                             why.find("premature") != std::string::npos;
      return Status(truncated ? ErrorCode::kTruncated : ErrorCode::kParse, why);
    }
    if (n == 0) ended_ = true;
    return std::string_view(buffer_.data(), static_cast<size_t>(n));
  }

 private:
  DecompressedFile() : archive_(archive_read_new()), buffer_(kReadBlockBytes, '\0') {}
  std::string message() const {
    const char* text = archive_error_string(archive_);
    return text ? text : "unknown libarchive error";
  }

  archive* archive_;
  std::string buffer_;
  bool ended_ = false;
};

// Collects parsed records and writes them to the store in batches.
class BatchWriter {
 public:
  BatchWriter(store::Store& store, const std::string& source, const MetadataImportOptions& options,
              MetadataImportReport& report, int64_t& records_before)
      : store_(store),
        source_(source),
        options_(options),
        report_(report),
        records_done_(records_before) {}

  Status add(MetadataRecord record, MetadataFileReport& file) {
    batch_.push_back(std::move(record));
    ++file.records;
    if (batch_.size() >= options_.batch_records) return flush(file);
    return Status::Ok();
  }

  Status flush(MetadataFileReport& file) {
    if (batch_.empty()) return Status::Ok();
    IM_RETURN_IF_ERROR(store_.write_metadata(batch_, source_, nullptr, &report_.counts));
    records_done_ += static_cast<int64_t>(batch_.size());
    batch_.clear();
    if (options_.on_progress) options_.on_progress(records_done_, bytes_before_ + file.bytes);
    return Status::Ok();
  }

  bool cancelled() const { return options_.cancel && options_.cancel->load(); }
  void set_bytes_before(uint64_t bytes) { bytes_before_ = bytes; }

 private:
  store::Store& store_;
  const std::string& source_;
  const MetadataImportOptions& options_;
  MetadataImportReport& report_;
  int64_t& records_done_;
  uint64_t bytes_before_ = 0;
  std::vector<MetadataRecord> batch_;
};

void note_problem(MetadataFileReport& file, const MetadataImportOptions& options,
                  std::string problem) {
  ++file.malformed;
  if (file.problems.size() < options.max_problems_kept) file.problems.push_back(std::move(problem));
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Parsed JSON lines on their way from the parsing thread to the writing one.
struct ParsedChunk {
  std::vector<MetadataRecord> records;
  std::vector<std::string> problems;  // this chunk's malformed lines
  uint64_t bytes_so_far = 0;          // decompressed bytes read when the chunk was cut
};

// JSON lines, streamed in two stages so that both cores work: a thread reads, splits and parses
// lines (about half the work), while the calling thread writes
// the records in order. Whole lines are parsed as they complete; a line split across blocks waits
// in `pending`. Returns the store's error only; file trouble goes to file.status.
Status import_json_lines(DecompressedFile& input, std::string_view first_block, BatchWriter& writer,
                         MetadataFileReport& file, const MetadataImportOptions& options) {
  BoundedQueue<ParsedChunk> chunks(4);
  Status read_status;  // written by the parser thread, read after join
  std::thread parser([&] {
    ParsedChunk chunk;
    SnapshotParser line_parser;
    std::string pending;
    bool overlong = false;  // inside a line longer than kMaxLineBytes
    int64_t line_number = 0;
    uint64_t bytes = 0;
    auto take_line = [&](std::string_view line) {
      ++line_number;
      if (is_blank(line)) return;
      auto record = line_parser.parse(line);
      if (record.ok()) {
        chunk.records.push_back(std::move(*record));
      } else {
        chunk.problems.push_back("line " + std::to_string(line_number) + ": " +
                                 record.status().message());
      }
    };
    auto ship = [&] {
      chunk.bytes_so_far = bytes;
      const bool open = chunks.push(std::move(chunk));
      chunk = ParsedChunk();
      return open;
    };
    std::string_view block = first_block;
    while (true) {
      bytes += block.size();
      size_t start = 0;
      for (size_t newline = block.find('\n'); newline != std::string_view::npos;
           newline = block.find('\n', start)) {
        std::string_view line = block.substr(start, newline - start);
        if (overlong) {  // the end of a line too long to keep: counted, not parsed
          ++line_number;
          chunk.problems.push_back("line " + std::to_string(line_number) + ": longer than " +
                                   std::to_string(kMaxLineBytes >> 20) +
                                   " MiB, not a metadata record (skipped)");
          overlong = false;
        } else if (!pending.empty()) {
          pending.append(line);
          take_line(pending);
          pending.clear();
        } else {
          take_line(line);
        }
        start = newline + 1;
        if (chunk.records.size() >= options.batch_records && !ship()) return;  // cancelled
      }
      if (!overlong) pending.append(block.substr(start));
      if (pending.size() > kMaxLineBytes) {  // a bomb or a binary file: never held whole
        overlong = true;
        pending.clear();
      }
      auto next = input.next();
      if (!next.ok()) {
        read_status = Status(next.status().code(),
                             "stopped after line " + std::to_string(line_number) + ": " +
                                 next.status().message() +
                                 (pending.empty() ? "" : "; the incomplete last line was dropped"));
        pending.clear();
        break;
      }
      if (next->empty()) break;
      block = *next;
    }
    if (overlong) {
      chunk.problems.push_back("line " + std::to_string(line_number + 1) + ": longer than " +
                               std::to_string(kMaxLineBytes >> 20) +
                               " MiB, not a metadata record (skipped)");
    } else if (!is_blank(pending)) {
      take_line(pending);  // no final newline
    }
    ship();
    chunks.close();
  });

  Status stored;
  while (auto chunk = chunks.pop()) {
    for (auto& problem : chunk->problems) note_problem(file, options, std::move(problem));
    file.bytes = chunk->bytes_so_far;
    for (auto& record : chunk->records) {
      if (stored.ok()) stored = writer.add(std::move(record), file);
    }
    if (!stored.ok() || writer.cancelled()) break;
  }
  chunks.close();  // unblocks the parser if the writer stopped early
  parser.join();
  if (!read_status.ok()) file.status = read_status;
  return stored;
}

// One OAI-PMH response, parsed whole.
Status import_oai_page(DecompressedFile& input, std::string_view first_block, BatchWriter& writer,
                       MetadataFileReport& file, const MetadataImportOptions& options) {
  std::string xml(first_block);
  while (true) {
    if (xml.size() > kMaxOaiPageBytes) {
      file.status =
          Status(ErrorCode::kTooLarge, "an OAI-PMH response larger than " +
                                           std::to_string(kMaxOaiPageBytes >> 20) +
                                           " MiB: split it into pages, as OAI-PMH servers do");
      return Status::Ok();
    }
    auto next = input.next();
    if (!next.ok()) {
      file.status = next.status();  // parse what arrived; its damage is reported below too
      break;
    }
    if (next->empty()) break;
    xml.append(*next);
  }
  file.bytes = xml.size();
  auto page = parse_oai_page(xml);
  if (!page.ok()) {
    file.status = page.status();
    return Status::Ok();
  }
  for (auto& problem : page->problems) note_problem(file, options, std::move(problem));
  if (!page->damage.empty()) {
    ++file.malformed;
    file.status = Status(ErrorCode::kTruncated, page->damage);
  }
  for (auto& record : page->records) IM_RETURN_IF_ERROR(writer.add(std::move(record), file));
  return Status::Ok();
}

}  // namespace

Result<MetadataImportReport> import_metadata_files(store::Store& store,
                                                   const std::vector<std::string>& paths,
                                                   const MetadataImportOptions& options) {
  MetadataImportReport report;
  int64_t records_done = 0;
  uint64_t bytes_done = 0;
  for (const auto& path : paths) {
    if (options.cancel && options.cancel->load()) {
      report.cancelled = true;
      break;
    }
    MetadataFileReport& file = report.files.emplace_back();
    file.path = path;
    auto input = DecompressedFile::open(path);
    if (!input.ok()) {
      file.status = input.status();
      continue;
    }
    auto first = (*input)->next();
    if (!first.ok()) {
      file.status = first.status();
      continue;
    }
    const size_t start = first->find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (start == std::string_view::npos) {
      file.status = Status(ErrorCode::kParse, "the file is empty");
      continue;
    }
    BatchWriter writer(store, path, options, report, records_done);
    writer.set_bytes_before(bytes_done);
    Status stored;
    if ((*first)[start] == '{') {
      file.format = "jsonl";
      stored = import_json_lines(**input, *first, writer, file, options);
    } else if ((*first)[start] == '<') {
      file.format = "oai";
      stored = import_oai_page(**input, *first, writer, file, options);
    } else {
      file.status = Status(ErrorCode::kUnsupported,
                           "neither JSON lines (the arXiv snapshot) nor OAI-PMH XML: it starts "
                           "with something else");
      continue;
    }
    if (stored.ok()) stored = writer.flush(file);
    if (!stored.ok()) return stored;  // the mesh itself failed: stop
    bytes_done += file.bytes;
    if (!file.status.ok()) log::warn("{}: {}", path, file.status.to_string());
    if (writer.cancelled()) report.cancelled = true;
  }
  return report;
}

}  // namespace imagemesh::ingest
