// arXiv metadata records, parsed from the two forms users have: the public JSON-lines snapshot (one
// record per line) and OAI-PMH ListRecords responses in arXiv's `arXiv` metadata format. Both give
// the same MetadataRecord, so either source (or both) can feed the mesh.
//
// Text is kept twice: raw (as arXiv has it, TeX and line breaks included) and cleaned (layout
// whitespace collapsed to single spaces, trimmed), because search and display want the latter and
// faithful export the former.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/arxiv_id.h"
#include "core/status.h"
#include "store/records.h"

namespace imagemesh::ingest {

// The record types belong to the store (records.h), which keeps them; these names are the
// parser's vocabulary.
using MetadataAuthor = store::MetadataAuthor;
using MetadataVersion = store::MetadataVersion;
using MetadataRecord = store::MetadataRecord;

// Parses lines of the JSON snapshot, reusing its buffers from line to line (simdjson's on-demand
// parser: the snapshot's 2.7 M lines made nlohmann-json the bottleneck of an import). One per
// thread. Errors as parse_snapshot_line().
class SnapshotParser {
 public:
  SnapshotParser();
  ~SnapshotParser();
  SnapshotParser(const SnapshotParser&) = delete;
  SnapshotParser& operator=(const SnapshotParser&) = delete;
  Result<MetadataRecord> parse(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One line of the JSON snapshot. Errors: kParse for JSON that does not parse or is not an object,
// kInvalidArgument for a record without a usable arXiv id (the message names the field).
Result<MetadataRecord> parse_snapshot_line(std::string_view line);

// Every <record> of one OAI-PMH response (ListRecords or GetRecord, metadataPrefix=arXiv). Records
// that cannot be used (no id, unparsable id) are skipped and described in `problems`. A document
// that breaks off after its first record is a page with `damage` set. The OAI
// error noRecordsMatch is an empty last page; any other OAI <error> or a document that is not XML
// is an error Status (kParse) whose message starts "OAI-PMH error <code>:" or names the XML fault.
struct OaiPage {
  std::vector<MetadataRecord> records;
  std::vector<std::string> problems;
  std::string resumption_token;     // "" on the last page
  int64_t complete_list_size = -1;  // the resumptionToken's completeListSize; -1 if not given
  int64_t cursor = -1;              // its cursor: records before this page; -1 if not given
  // Non-empty when the XML breaks off (a truncated file) or is damaged part way: says where. The
  // records parsed before that point are kept, except the last one, which may be cut short.
  std::string damage;
};
Result<OaiPage> parse_oai_page(std::string_view xml);

// Layout whitespace (newlines, runs of spaces, tabs) collapsed to one space, ends trimmed.
std::string clean_text(std::string_view text);

// "Mon, 2 Apr 2007 19:18:42 GMT" -> "2007-04-02T19:18:42Z"; "" when it does not parse.
std::string rfc2822_to_iso(std::string_view date);

}  // namespace imagemesh::ingest
