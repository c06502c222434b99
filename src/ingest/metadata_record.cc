#include "ingest/metadata_record.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "core/arxiv_taxonomy.h"

namespace imagemesh::ingest {
namespace {

using nlohmann::json;

bool is_layout_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string string_field(const json& record, const char* key) {
  auto found = record.find(key);
  return found != record.end() && found->is_string() ? found->get<std::string>() : std::string();
}

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

std::string MetadataAuthor::display() const {
  std::string out = forenames;
  if (!keyname.empty()) out += (out.empty() ? "" : " ") + keyname;
  if (!suffix.empty()) out += (out.empty() ? "" : " ") + suffix;
  return out;
}

std::string clean_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (is_layout_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
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

Result<MetadataRecord> parse_snapshot_line(std::string_view line) {
  json parsed = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return error(ErrorCode::kParse, "not a JSON line");
  if (!parsed.is_object()) return error(ErrorCode::kParse, "JSON line is not an object");
  const std::string id_text = string_field(parsed, "id");
  if (id_text.empty()) return error(ErrorCode::kInvalidArgument, "record has no \"id\"");
  IM_ASSIGN_OR_RETURN(PaperId id, record_id(id_text));

  MetadataRecord record;
  record.id = std::move(id);
  record.datestamp = clean_text(string_field(parsed, "update_date"));
  record.submitter = clean_text(string_field(parsed, "submitter"));
  if (auto versions = parsed.find("versions"); versions != parsed.end() && versions->is_array()) {
    for (const json& version : *versions) {
      if (!version.is_object()) continue;
      const std::string name = string_field(version, "version");
      MetadataVersion parsed_version;
      if (name.size() > 1 && name[0] == 'v') {
        // from_chars: a huge "v99999999999" is refused, not undefined behaviour as with atoi.
        std::from_chars(name.data() + 1, name.data() + name.size(), parsed_version.number);
      }
      parsed_version.created = rfc2822_to_iso(string_field(version, "created"));
      if (parsed_version.number > 0) record.versions.push_back(std::move(parsed_version));
    }
  }
  if (!record.versions.empty()) {
    record.created = date_part(record.versions.front().created);
    if (record.versions.size() > 1) record.updated = date_part(record.versions.back().created);
  }
  if (auto authors = parsed.find("authors_parsed");
      authors != parsed.end() && authors->is_array()) {
    for (const json& author : *authors) {
      if (!author.is_array()) continue;
      auto part = [&](size_t i) {
        return i < author.size() && author[i].is_string() ? clean_text(author[i].get<std::string>())
                                                          : std::string();
      };
      record.authors.push_back({part(0), part(1), part(2)});
    }
  }
  record.authors_text = clean_text(string_field(parsed, "authors"));
  fill_shared_fields(record, [&](const char* key) { return string_field(parsed, key); });
  return record;
}

Result<OaiPage> parse_oai_page(std::string_view xml) {
  pugi::xml_document doc;
  // Default parse options: no DTD processing, so no entity expansion or external loads.
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return error(ErrorCode::kParse, std::string("OAI-PMH response is not XML: ") +
                                        parsed.description() + " at byte " +
                                        std::to_string(parsed.offset));
  }
  pugi::xml_node root = doc.child("OAI-PMH");
  if (!root) return error(ErrorCode::kParse, "not an OAI-PMH response (no <OAI-PMH> element)");
  if (pugi::xml_node failure = root.child("error")) {
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
  page.resumption_token = clean_text(list.child("resumptionToken").text().as_string());
  return page;
}

}  // namespace imagemesh::ingest
