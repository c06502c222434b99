#include "store/queries.h"

namespace imagemesh::store {
namespace {

int64_t scalar(SQLite::Database& db, const char* sql) {
  SQLite::Statement query(db, sql);
  query.executeStep();
  return query.getColumn(0).getInt64();
}

std::vector<std::pair<std::string, int64_t>> grouped(SQLite::Database& db, const char* sql) {
  std::vector<std::pair<std::string, int64_t>> out;
  SQLite::Statement query(db, sql);
  while (query.executeStep()) {
    out.emplace_back(query.getColumn(0).getString(), query.getColumn(1).getInt64());
  }
  return out;
}

}  // namespace

Store::Counts read_counts(SQLite::Database& db) {
  Store::Counts c;
  c.papers = scalar(db, "SELECT count(*) FROM papers");
  c.files = scalar(db, "SELECT count(*) FROM files");
  c.image_files = scalar(db, "SELECT count(*) FROM files WHERE is_image = 1");
  c.blobs = scalar(db, "SELECT count(*) FROM blobs");
  c.figures = scalar(db, "SELECT count(*) FROM figures");
  c.subfigures = scalar(db, "SELECT count(*) FROM subfigures");
  c.captions = scalar(db, "SELECT count(*) FROM figures WHERE caption_text <> ''");
  c.subfigure_captions = scalar(db, "SELECT count(*) FROM subfigures WHERE caption_text <> ''");
  c.graphics = scalar(db, "SELECT count(*) FROM figure_graphics");
  c.graphics_resolved =
      scalar(db, "SELECT count(*) FROM figure_graphics WHERE resolved_path IS NOT NULL");
  c.errors = scalar(db, "SELECT count(*) FROM errors");
  // Image FILES per format of their blob: the same picture in two papers counts twice.
  c.images_by_format = grouped(db,
                               "SELECT COALESCE(b.format, 'unknown') AS format, count(*) "
                               "FROM files f LEFT JOIN blobs b ON b.sha256 = f.sha256 "
                               "WHERE f.is_image = 1 GROUP BY 1 ORDER BY 1");
  c.errors_by_kind = grouped(db, "SELECT kind, count(*) FROM errors GROUP BY kind ORDER BY kind");
  return c;
}

Store::MetadataSummary read_metadata_summary(SQLite::Database& db) {
  Store::MetadataSummary summary;
  summary.records = scalar(db, "SELECT count(*) FROM metadata");
  summary.deleted = scalar(db, "SELECT count(*) FROM metadata WHERE deleted = 1");
  for (const auto& [described_by, count] :
       grouped(db, "SELECT described_by, count(*) FROM paper_info GROUP BY 1")) {
    if (described_by == "arxiv") summary.papers_arxiv = count;
    if (described_by == "latex") summary.papers_latex = count;
    if (described_by == "withdrawn") summary.papers_withdrawn = count;
  }
  summary.by_license = grouped(db,
                               "SELECT license, count(*) FROM metadata WHERE deleted = 0 "
                               "GROUP BY 1 ORDER BY 2 DESC, 1");
  summary.by_archive = grouped(db,
                               "SELECT primary_archive, count(*) FROM metadata WHERE deleted = 0 "
                               "GROUP BY 1 ORDER BY 2 DESC, 1");
  return summary;
}

std::optional<Store::HarvestCheckpoint> read_harvest_checkpoint(SQLite::Database& db,
                                                                const std::string& harvest_key) {
  SQLite::Statement query(db,
                          "SELECT endpoint, request, token, pages, records, complete "
                          "FROM harvests WHERE harvest_key = ?");
  query.bind(1, harvest_key);
  if (!query.executeStep()) return std::nullopt;
  Store::HarvestCheckpoint checkpoint;
  checkpoint.harvest_key = harvest_key;
  checkpoint.endpoint = query.getColumn(0).getString();
  checkpoint.request = query.getColumn(1).getString();
  checkpoint.token = query.getColumn(2).getString();
  checkpoint.pages = query.getColumn(3).getInt64();
  checkpoint.records = query.getColumn(4).getInt64();
  checkpoint.complete = query.getColumn(5).getInt() != 0;
  return checkpoint;
}

}  // namespace imagemesh::store
