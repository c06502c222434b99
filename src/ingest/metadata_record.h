// arXiv metadata records, parsed from the two forms users have: the public JSON-lines snapshot (one
// record per line) and OAI-PMH ListRecords responses in arXiv's `arXiv` metadata format. Both give
// the same MetadataRecord, so either source (or both) can feed the mesh.
//
// Text is kept twice: raw (as arXiv has it, TeX and line breaks included) and cleaned (layout
// whitespace collapsed to single spaces, trimmed), because search and display want the latter and
// faithful export the former.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/arxiv_id.h"
#include "core/status.h"

namespace imagemesh::ingest {

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

// One line of the JSON snapshot. Errors: kParse for JSON that does not parse or is not an object,
// kInvalidArgument for a record without a usable arXiv id (the message names the field).
Result<MetadataRecord> parse_snapshot_line(std::string_view line);

// Every <record> of one OAI-PMH response (ListRecords or GetRecord, metadataPrefix=arXiv). Records
// that cannot be used (no id, unparsable id) are skipped and described in `problems`; an OAI
// <error> or a document that is not XML is an error Status (kParse) with the OAI message.
struct OaiPage {
  std::vector<MetadataRecord> records;
  std::vector<std::string> problems;
  std::string resumption_token;  // "" on the last page
};
Result<OaiPage> parse_oai_page(std::string_view xml);

// Layout whitespace (newlines, runs of spaces, tabs) collapsed to one space, ends trimmed.
std::string clean_text(std::string_view text);

// "Mon, 2 Apr 2007 19:18:42 GMT" -> "2007-04-02T19:18:42Z"; "" when it does not parse.
std::string rfc2822_to_iso(std::string_view date);

}  // namespace imagemesh::ingest
