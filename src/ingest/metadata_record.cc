#include "ingest/metadata_record.h"

#include <simdjson.h>
#include <array>
#include <charconv>
#include <cstdio>
#include <map>
#include <pugixml.hpp>

#include "core/arxiv_taxonomy.h"

namespace imagemesh::ingest {
namespace {

bool is_layout_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// "2007-04-02T19:18:42Z" -> "2007-04-02".
std::string date_part(const std::string& iso) { return iso.substr(0, 10); }

Result<PaperId> record_id(const std::string& text) {
  auto id = parse_arxiv_id(text);
  if (!id) return error(ErrorCode::kInvalidArgument, "record id '" + text + "' is not an arXiv id");
  id->version = 0;
  return *id;
}

// The fields both sources name alike (JSON keys and OAI element names are the same words), read
// with `get(name)`, then cleaned; categories split, primary first.
template <typename Get>
void fill_shared_fields(MetadataRecord& record, Get get) {
  record.title_raw = get("title");
  record.abstract_raw = get("abstract");
  record.title = clean_text(record.title_raw);
  record.abstract = clean_text(record.abstract_raw);
  record.comments = clean_text(get("comments"));
  record.journal_ref = clean_text(get("journal-ref"));
  record.doi = clean_text(get("doi"));
  record.report_no = clean_text(get("report-no"));
  record.license = clean_text(get("license"));
  record.categories = split_arxiv_categories(get("categories"));
}

std::string child_text(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

MetadataRecord from_oai_metadata(const pugi::xml_node& arxiv) {
  MetadataRecord record;
  record.created = clean_text(child_text(arxiv, "created"));
  record.updated = clean_text(child_text(arxiv, "updated"));
  for (pugi::xml_node author : arxiv.child("authors").children("author")) {
    MetadataAuthor parsed{clean_text(child_text(author, "keyname")),
                          clean_text(child_text(author, "forenames")),
                          clean_text(child_text(author, "suffix"))};
    if (!record.authors_text.empty()) record.authors_text += ", ";
    record.authors_text += parsed.display();
    record.authors.push_back(std::move(parsed));
  }
  fill_shared_fields(record, [&](const char* name) { return child_text(arxiv, name); });
  return record;
}

}  // namespace

std::string clean_text(std::string_view text) {
  // Copies runs of non-space bytes whole (most of a title or abstract), one space between runs.
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && is_layout_space(text[i])) ++i;
    const size_t start = i;
    while (i < n && !is_layout_space(text[i])) ++i;
    if (i > start) {
      if (!out.empty()) out.push_back(' ');
      out.append(text.data() + start, i - start);
    }
  }
  return out;
}

std::string rfc2822_to_iso(std::string_view date) {
  // "Mon, 2 Apr 2007 19:18:42 GMT": the weekday is optional, the zone is always GMT on arXiv.
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string text(date);
  if (auto comma = text.find(','); comma != std::string::npos) text = text.substr(comma + 1);
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  char month_name[4] = {0};
  if (std::sscanf(text.c_str(), " %d %3s %d %d:%d:%d", &day, month_name, &year, &hour, &minute,
                  &second) != 6) {
    return "";
  }
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (std::string_view(month_name) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  if (month == 0 || day < 1 || day > 31 || year < 1900 || year > 9999 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60) {
    return "";
  }
  char iso[64];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute,
                second);
  return iso;
}

struct SnapshotParser::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // the line followed by the padding simdjson reads past the end
};

SnapshotParser::SnapshotParser() : impl_(std::make_unique<Impl>()) {}
SnapshotParser::~SnapshotParser() = default;

// simdjson's DOM parser: its parsing stages live in the shared library, which picks the best
// kernel for the CPU at run time (the header-only on-demand API would be compiled for the build
// machine's baseline, without SIMD).
Result<MetadataRecord> SnapshotParser::parse(std::string_view line) {
  namespace dom = simdjson::dom;
  impl_->padded.assign(line);
  impl_->padded.append(simdjson::SIMDJSON_PADDING, '\0');
  dom::element doc;
  if (auto code = impl_->parser.parse(impl_->padded.data(), line.size(), false).get(doc)) {
    return error(ErrorCode::kParse,
                 std::string("not a JSON line (") + simdjson::error_message(code) + ")");
  }
  dom::object object;
  if (doc.get_object().get(object)) return error(ErrorCode::kParse, "JSON line is not an object");

  static constexpr std::array<std::string_view, 12> kStrings = {
      "id",  "submitter", "authors",    "title",   "comments", "journal-ref",
      "doi", "report-no", "categories", "license", "abstract", "update_date"};
  std::map<std::string_view, std::string, std::less<>> text;  // the string fields, by key
  MetadataRecord record;
  for (dom::key_value_pair field : object) {
    std::string_view string;
    if (!field.value.get_string().get(string)) {
      for (std::string_view wanted : kStrings) {
        if (field.key == wanted) text.emplace(wanted, std::string(string));
      }
      continue;
    }
    dom::array list;
    if (field.value.get_array().get(list)) continue;  // null, numbers, objects: not ours
    if (field.key == "versions") {
      for (dom::element item : list) {
        dom::object version;
        if (item.get_object().get(version)) continue;
        MetadataVersion parsed_version;
        std::string_view name, created;
        if (!version["version"].get_string().get(name) && name.size() > 1 && name[0] == 'v') {
          // from_chars: a huge "v99999999999" is refused, not undefined behaviour as with atoi.
          std::from_chars(name.data() + 1, name.data() + name.size(), parsed_version.number);
        }
        if (!version["created"].get_string().get(created)) {
          parsed_version.created = rfc2822_to_iso(created);
        }
        if (parsed_version.number > 0) record.versions.push_back(std::move(parsed_version));
      }
    } else if (field.key == "authors_parsed") {
      for (dom::element item : list) {
        dom::array author;
        if (item.get_array().get(author)) continue;
        std::array<std::string, 3> parts;
        size_t i = 0;
        for (dom::element part : author) {
          std::string_view part_text;
          if (i < parts.size() && !part.get_string().get(part_text)) {
            parts[i] = clean_text(part_text);
          }
          ++i;
        }
        record.authors.push_back({std::move(parts[0]), std::move(parts[1]), std::move(parts[2])});
      }
    }
  }

  auto get = [&](std::string_view key) -> std::string {
    auto found = text.find(key);
    return found == text.end() ? std::string() : found->second;
  };
  const std::string id_text = get("id");
  if (id_text.empty()) return error(ErrorCode::kInvalidArgument, "record has no \"id\"");
  IM_ASSIGN_OR_RETURN(PaperId id, record_id(id_text));
  record.id = std::move(id);
  record.datestamp = clean_text(get("update_date"));
  record.submitter = clean_text(get("submitter"));
  if (!record.versions.empty()) {
    record.created = date_part(record.versions.front().created);
    if (record.versions.size() > 1) record.updated = date_part(record.versions.back().created);
  }
  record.authors_text = clean_text(get("authors"));
  fill_shared_fields(record, get);
  return record;
}

Result<MetadataRecord> parse_snapshot_line(std::string_view line) {
  return SnapshotParser().parse(line);
}

Result<OaiPage> parse_oai_page(std::string_view xml) {
  pugi::xml_document doc;
  // Default parse options: no DTD processing, so no entity expansion or external loads.
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  pugi::xml_node root = doc.child("OAI-PMH");
  const std::string damage =
      parsed ? std::string()
             : std::string("the XML breaks off at byte ") + std::to_string(parsed.offset) + " of " +
                   std::to_string(xml.size()) + " (" + parsed.description() + ")";
  // pugixml keeps what it parsed before an error: a page cut short still has its first records.
  const bool salvageable = !parsed && root &&
                           root.child(root.child("GetRecord") ? "GetRecord" : "ListRecords")
                               .child("record")
                               .next_sibling("record");
  if (!parsed && !salvageable) {
    return error(ErrorCode::kParse, "OAI-PMH response is not XML: " + damage);
  }
  if (!root) return error(ErrorCode::kParse, "not an OAI-PMH response (no <OAI-PMH> element)");
  if (pugi::xml_node failure = root.child("error")) {
    // An empty selection is an answer, not a failure (OAI-PMH 2.0 §3.6).
    if (std::string_view(failure.attribute("code").as_string()) == "noRecordsMatch") {
      return OaiPage{};
    }
    return error(ErrorCode::kParse, std::string("OAI-PMH error ") +
                                        failure.attribute("code").as_string() + ": " +
                                        clean_text(failure.text().as_string()));
  }
  pugi::xml_node list = root.child("ListRecords");
  if (!list) list = root.child("GetRecord");
  OaiPage page;
  for (pugi::xml_node item : list.children("record")) {
    pugi::xml_node header = item.child("header");
    const std::string identifier = clean_text(child_text(header, "identifier"));
    const bool deleted = std::string_view(header.attribute("status").as_string()) == "deleted";
    pugi::xml_node arxiv = item.child("metadata").child("arXiv");
    MetadataRecord record = arxiv ? from_oai_metadata(arxiv) : MetadataRecord{};
    const std::string id_text = arxiv ? clean_text(child_text(arxiv, "id")) : identifier;
    auto id = record_id(id_text.empty() ? identifier : id_text);
    if (!id.ok()) {
      page.problems.push_back("record " +
                              std::to_string(page.records.size() + page.problems.size() + 1) +
                              ": " + id.status().message());
      continue;
    }
    if (!arxiv && !deleted) {
      page.problems.push_back("record " + id->id + ": no <arXiv> metadata");
      continue;
    }
    record.id = std::move(*id);
    record.deleted = deleted;
    record.datestamp = clean_text(child_text(header, "datestamp"));
    page.records.push_back(std::move(record));
  }
  pugi::xml_node token = list.child("resumptionToken");
  page.resumption_token = clean_text(token.text().as_string());
  page.complete_list_size = token.attribute("completeListSize").as_llong(-1);
  page.cursor = token.attribute("cursor").as_llong(-1);
  if (!damage.empty()) {
    // The record the parser was inside may be incomplete; the token, if any, is unreliable.
    if (!page.records.empty()) page.records.pop_back();
    page.resumption_token.clear();
    page.damage = damage + "; the records before it were kept, the last one dropped";
  }
  return page;
}

}  // namespace imagemesh::ingest
