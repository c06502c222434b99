#include "store/metadata_writer.h"

#include <nlohmann/json.hpp>

#include "core/arxiv_license.h"
#include "core/arxiv_taxonomy.h"
#include "core/hash.h"
#include "store/sqlite_util.h"

namespace imagemesh::store {
namespace {

constexpr const char* kColumns[] = {
    "paper_id",        "id_kind",        "datestamp",   "deleted",
    "record_hash",     "created",        "updated",     "versions",
    "authors",         "authors_parsed", "title",       "title_raw",
    "abstract",        "abstract_raw",   "categories",  "primary_category",
    "primary_archive", "comments",       "journal_ref", "doi",
    "report_no",       "submitter",      "license_url", "license",
    "license_family",  "source"};

// INSERT of every column; `on_conflict` decides what an existing paper id does.
std::string insert_sql(bool update_on_conflict) {
  std::string names, marks, updates;
  for (const char* column : kColumns) {
    const std::string name = column;
    names += (names.empty() ? "" : ", ") + name;
    marks += marks.empty() ? "?" : ", ?";
    if (name != "paper_id") {
      updates += (updates.empty() ? "" : ", ") + name + " = excluded." + name;
    }
  }
  return "INSERT INTO metadata(" + names + ") VALUES (" + marks + ") ON CONFLICT(paper_id) DO " +
         (update_on_conflict ? "UPDATE SET " + updates : std::string("NOTHING"));
}

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string versions_json(const MetadataRecord& record) {
  nlohmann::json versions = nlohmann::json::array();
  for (const auto& version : record.versions) {
    versions.push_back({{"version", version.number}, {"created", version.created}});
  }
  return dump(versions);
}

std::string authors_json(const MetadataRecord& record) {
  nlohmann::json authors = nlohmann::json::array();
  for (const auto& author : record.authors) {
    authors.push_back({author.keyname, author.forenames, author.suffix});
  }
  return dump(authors);
}

std::string joined_categories(const MetadataRecord& record) {
  std::string out;
  for (const auto& category : record.categories) out += (out.empty() ? "" : " ") + category;
  return out;
}

// The archive of a category: the taxonomy's when it knows the code, else the part before the dot
// ("physics.optics" -> "physics"), so an unknown future category still groups sensibly.
std::string archive_of(const std::string& category) {
  if (const ArxivCategory* known = find_arxiv_category(category)) {
    return std::string(known->archive);
  }
  return category.substr(0, category.find('.'));
}

MetadataWriter::Columns columns_of(const MetadataRecord& record) {
  MetadataWriter::Columns columns;
  if (record.deleted) {
    columns.versions = columns.authors_parsed = "[]";
    return columns;
  }
  columns.versions = versions_json(record);
  columns.authors_parsed = authors_json(record);
  columns.categories = joined_categories(record);
  if (!record.categories.empty()) {
    columns.primary_category = record.categories.front();
    columns.primary_archive = archive_of(columns.primary_category);
  }
  columns.license = arxiv_license(record.license);
  return columns;
}

// A digest of everything the record says, so that importing the same record again is recognised
// without comparing 20 columns.
std::string record_hash(const MetadataRecord& record, const MetadataWriter::Columns& columns) {
  Hasher hasher(HashKind::kSha256);
  auto field = [&](std::string_view text) {
    hasher.update(text);
    hasher.update(std::string_view("\x1f", 1));
  };
  field(record.id.id);
  field(record.deleted ? "deleted" : "live");
  field(record.datestamp);
  if (!record.deleted) {
    field(record.created);
    field(record.updated);
    field(columns.versions);
    field(columns.authors_parsed);
    field(record.authors_text);
    field(record.title_raw);
    field(record.abstract_raw);
    field(columns.categories);
    for (const std::string* text : {&record.comments, &record.journal_ref, &record.doi,
                                    &record.report_no, &record.submitter, &record.license}) {
      field(*text);
    }
  }
  return hasher.hex_digest();
}

}  // namespace

MetadataWriter::MetadataWriter(SQLite::Database& db)
    : select_stored_(db,
                     "SELECT datestamp, record_hash, deleted, versions <> '[]' FROM metadata "
                     "WHERE paper_id = ?"),
      select_paper_(db, "SELECT 1 FROM papers WHERE paper_id = ?"),
      upsert_record_(db, insert_sql(true)),
      insert_new_record_(db, insert_sql(false)),
      upsert_checkpoint_(
          db,
          "INSERT INTO harvests(harvest_key, endpoint, request, token, pages, records, complete, "
          "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
          "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
          "ON CONFLICT(harvest_key) DO UPDATE SET token = excluded.token, "
          "pages = excluded.pages, records = excluded.records, complete = excluded.complete, "
          "updated_at = excluded.updated_at, "
          "started_at = CASE WHEN excluded.pages <= 1 THEN excluded.started_at "
          "ELSE started_at END"),
      search_index_(db) {}

void MetadataWriter::write_batch(const std::vector<MetadataRecord>& records,
                                 const std::string& source, Store::MetadataWriteCounts* counts) {
  Store::MetadataWriteCounts local;
  for (const auto& record : records) {
    const Columns columns = columns_of(record);
    const std::string hash = record_hash(record, columns);
    // Most records of a bulk load are new and describe papers whose sources are not in the mesh:
    // one INSERT that does nothing on an existing id, instead of a SELECT, an upsert and two
    // queries of the search view.
    const bool in_mesh = paper_in_mesh(record.id.id);
    if (!in_mesh && write_record(insert_new_record_, record, columns, hash, source)) {
      ++local.inserted;
      if (record.deleted) ++local.deleted;
      continue;
    }
    const Decision decision = decide(record, hash);
    switch (decision) {
      case Decision::kUnchanged:
        ++local.unchanged;
        continue;
      case Decision::kKeepStored:
        ++local.kept_stored;
        continue;
      case Decision::kInsert:
        ++local.inserted;
        break;
      case Decision::kReplace:
        ++local.updated;
        break;
    }
    if (record.deleted) ++local.deleted;
    const int removed = in_mesh ? search_index_.remove_paper(record.id.id) : 0;
    write_record(upsert_record_, record, columns, hash, source);
    const int added = in_mesh ? search_index_.add_paper(record.id.id) : 0;
    if (removed > 0 || added > 0) ++local.papers_reindexed;
  }
  if (counts) *counts += local;
}

bool MetadataWriter::paper_in_mesh(const std::string& paper_id) {
  auto& query = fresh(select_paper_);
  query.bindNoCopy(1, paper_id);
  const bool found = query.executeStep();
  query.tryReset();
  return found;
}

MetadataWriter::Decision MetadataWriter::decide(const MetadataRecord& record,
                                                const std::string& hash) {
  auto& stored = fresh(select_stored_);
  stored.bindNoCopy(1, record.id.id);
  if (!stored.executeStep()) return Decision::kInsert;
  const std::string stored_datestamp = stored.getColumn(0).getString();
  const std::string stored_hash = stored.getColumn(1).getString();
  const bool stored_deleted = stored.getColumn(2).getInt() != 0;
  const bool stored_has_versions = stored.getColumn(3).getInt() != 0;
  stored.tryReset();

  if (stored_hash == hash) return Decision::kUnchanged;
  if (record.datestamp != stored_datestamp) {
    return record.datestamp > stored_datestamp ? Decision::kReplace : Decision::kKeepStored;
  }
  // The same day: a deletion wins over a live record, and a record that lists versions (the
  // snapshot's) over one that does not (OAI's `arXiv` format); otherwise the later import wins.
  if (record.deleted) return Decision::kReplace;
  if (stored_deleted) return Decision::kKeepStored;
  if (record.versions.empty() && stored_has_versions) return Decision::kKeepStored;
  return Decision::kReplace;
}

bool MetadataWriter::write_record(SQLite::Statement& statement, const MetadataRecord& record,
                                  const Columns& columns, const std::string& hash,
                                  const std::string& source) {
  const std::string id_kind(id_kind_name(record.id.kind));
  const std::string empty;
  const auto& live = [&](const std::string& text) -> const std::string& {
    return record.deleted ? empty : text;
  };
  auto& upsert = fresh(statement);
  int index = 0;
  auto text = [&](const std::string& value) { upsert.bindNoCopy(++index, value); };
  text(record.id.id);
  text(id_kind);
  text(record.datestamp);
  upsert.bind(++index, record.deleted ? 1 : 0);
  text(hash);
  text(live(record.created));
  text(live(record.updated));
  text(columns.versions);
  text(live(record.authors_text));
  text(columns.authors_parsed);
  text(live(record.title));
  text(live(record.title_raw));
  text(live(record.abstract));
  text(live(record.abstract_raw));
  text(columns.categories);
  text(columns.primary_category);
  text(columns.primary_archive);
  text(live(record.comments));
  text(live(record.journal_ref));
  text(live(record.doi));
  text(live(record.report_no));
  text(live(record.submitter));
  text(live(record.license));
  text(columns.license.name);
  text(columns.license.family);
  text(source);
  return upsert.exec() > 0;
}

void MetadataWriter::write_checkpoint(const Store::HarvestCheckpoint& checkpoint) {
  auto& upsert = fresh(upsert_checkpoint_);
  upsert.bindNoCopy(1, checkpoint.harvest_key);
  upsert.bindNoCopy(2, checkpoint.endpoint);
  upsert.bindNoCopy(3, checkpoint.request);
  upsert.bindNoCopy(4, checkpoint.token);
  upsert.bind(5, checkpoint.pages);
  upsert.bind(6, checkpoint.records);
  upsert.bind(7, checkpoint.complete ? 1 : 0);
  upsert.exec();
}

}  // namespace imagemesh::store
