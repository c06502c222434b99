#include "store/paper_writer.h"

#include <nlohmann/json.hpp>

#include "core/arxiv_id.h"
#include "store/sqlite_util.h"

namespace imagemesh::store {
namespace {

// JSON array text for the list columns (papers.root_files, papers.authors). Invalid UTF-8 is
// replaced rather than thrown on: one odd byte in a title must not fail a whole batch.
std::string json_array(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int64_t as_int64(uint64_t value) { return static_cast<int64_t>(value); }

// Blob facts use 0 / "" for "not known"; the database says NULL, so that aggregates (AVG(width_px))
// and filters (error IS NOT NULL) mean what they say.
void bind_int_or_null(SQLite::Statement& statement, int index, int64_t value) {
  if (value == 0) {
    statement.bind(index);
  } else {
    statement.bind(index, value);
  }
}
void bind_real_or_null(SQLite::Statement& statement, int index, double value) {
  if (value == 0) {
    statement.bind(index);
  } else {
    statement.bind(index, value);
  }
}
void bind_text_or_null(SQLite::Statement& statement, int index, const std::string& value) {
  if (value.empty()) {
    statement.bind(index);
  } else {
    statement.bindNoCopy(index, value);
  }
}
void bind_optional(SQLite::Statement& statement, int index,
                   const std::optional<std::string>& value) {
  if (value) {
    statement.bindNoCopy(index, *value);
  } else {
    statement.bind(index);
  }
}

enum class VersionDecision { kReplace, kKeep };

// The version rule of write_papers(): a newer version replaces, an older one is kept out; equal or
// unknown (0) versions mean the later write wins.
VersionDecision decide(int stored_version, int new_version) {
  if (stored_version > 0 && new_version > 0 && new_version < stored_version) {
    return VersionDecision::kKeep;
  }
  return VersionDecision::kReplace;
}

}  // namespace

PaperWriter::PaperWriter(SQLite::Database& db)
    : db_(db),
      select_consumed_(db, "SELECT sha256 FROM consumed_sources WHERE source_key = ?"),
      select_paper_(db, "SELECT version, source_key FROM papers WHERE paper_id = ?"),
      upsert_consumed_(
          db,
          "INSERT INTO consumed_sources(source_key, sha256, paper_id, outcome, run_id) "
          "VALUES (?, ?, ?, ?, ?) ON CONFLICT(source_key) DO UPDATE SET "
          "sha256 = excluded.sha256, paper_id = excluded.paper_id, "
          "outcome = excluded.outcome, run_id = excluded.run_id"),
      delete_paper_(db, "DELETE FROM papers WHERE paper_id = ?"),
      delete_source_errors_(db, "DELETE FROM errors WHERE source IN (?, ?)"),
      insert_paper_(
          db,
          "INSERT INTO papers(paper_id, id_kind, version, yymm, source_kind, source_key, "
          "origin, source_sha256, source_bytes, unpacked_bytes, engine, engine_reason, "
          "root_files, title, authors, authors_text, abstract, n_files, n_images, n_figures, "
          "run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      insert_file_(db,
                   "INSERT INTO files(paper_id, path, size, sha256, is_image) "
                   "VALUES (?, ?, ?, ?, ?)"),
      insert_blob_(db,
                   "INSERT OR IGNORE INTO blobs(sha256, size, format, width_px, height_px, "
                   "width_pt, height_pt, pages, creator, color, error) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      insert_figure_(db,
                     "INSERT INTO figures(paper_id, ord, env, tex_file, line, caption_tex, "
                     "caption_text, short_caption, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      insert_subfigure_(db,
                        "INSERT INTO subfigures(figure_id, ord, caption_tex, caption_text, label) "
                        "VALUES (?, ?, ?, ?, ?)"),
      insert_graphic_(db,
                      "INSERT INTO figure_graphics(paper_id, figure_id, subfigure_id, ord, "
                      "command, as_written, resolved_path, unresolved_reason, resolution_note, "
                      "tex_file, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      upsert_error_(
          db,
          "INSERT INTO errors(run_id, last_run_id, source, item, paper_id, kind, message) "
          "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source, item, kind) DO UPDATE SET "
          "last_run_id = excluded.last_run_id"),
      upsert_conversion_(
          db,
          "INSERT INTO conversions(sha256, status, error, converter, raster_width, raster_height, "
          "web_width, web_height, blank, millis, attempts, run_id) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT(sha256) DO UPDATE SET "
          "status = excluded.status, error = excluded.error, converter = excluded.converter, "
          "raster_width = excluded.raster_width, raster_height = excluded.raster_height, "
          "web_width = excluded.web_width, web_height = excluded.web_height, "
          "blank = excluded.blank, millis = excluded.millis, attempts = attempts + 1, "
          "run_id = excluded.run_id"),
      search_index_(db) {}

void PaperWriter::write_batch(int64_t run_id, const std::vector<PaperRecord>& papers,
                              const std::vector<SourceFailure>& failures,
                              std::vector<WriteOutcome>* outcomes) {
  for (const auto& paper : papers) {
    WriteOutcome outcome = write_paper(run_id, paper);
    if (outcomes) outcomes->push_back(outcome);
    // An unchanged source re-read to retry its failed conversions still updates them; a version
    // older than the stored one contributes nothing.
    if (outcome != WriteOutcome::kKeptExisting) {
      for (const auto& conversion : paper.conversions) upsert_conversion(run_id, conversion);
    }
  }
  for (const auto& failure : failures) write_failure(run_id, failure);
}

WriteOutcome PaperWriter::write_paper(int64_t run_id, const PaperRecord& paper) {
  // A paper without a source hash cannot be recognised again, so it is never "unchanged" and is
  // not recorded as consumed (the next run reads it again).
  const bool hashed = !paper.source_sha256.empty();
  if (hashed && consumed_sha256(paper.source_key) == paper.source_sha256) {
    return WriteOutcome::kUnchanged;
  }
  WriteOutcome outcome = WriteOutcome::kInserted;
  if (auto stored = stored_paper(paper.id.id)) {
    if (decide(stored->version, paper.id.version) == VersionDecision::kKeep) {
      if (hashed)
        mark_consumed(run_id, paper.source_key, paper.source_sha256, paper.id.id, "paper");
      return WriteOutcome::kKeptExisting;
    }
    delete_paper(paper.id.id, stored->source_key, paper.source_key);
    outcome = WriteOutcome::kReplaced;
  } else {
    // Errors of an earlier failed read of this very source describe bytes that are now gone.
    delete_paper(paper.id.id, paper.source_key, paper.source_key);
  }
  insert_paper(run_id, paper);
  if (hashed) mark_consumed(run_id, paper.source_key, paper.source_sha256, paper.id.id, "paper");
  return outcome;
}

void PaperWriter::write_failure(int64_t run_id, const SourceFailure& failure) {
  const bool hashed = !failure.source_sha256.empty();
  if (hashed && consumed_sha256(failure.source_key) == failure.source_sha256) return;
  std::optional<std::string> paper_id;
  if (failure.id) paper_id = failure.id->id;
  upsert_error(run_id, failure.source_key, paper_id, failure.error);
  // Without a hash the failure is not consumed: the next run retries the source, and the errors
  // UNIQUE (source, item, kind) keeps the retry from duplicating the row.
  if (hashed) mark_consumed(run_id, failure.source_key, failure.source_sha256, paper_id, "failed");
}

std::optional<std::string> PaperWriter::consumed_sha256(const std::string& source_key) {
  auto& query = fresh(select_consumed_);
  query.bindNoCopy(1, source_key);
  std::optional<std::string> sha256;
  if (query.executeStep()) sha256 = query.getColumn(0).getString();
  query.tryReset();
  return sha256;
}

std::optional<PaperWriter::StoredPaper> PaperWriter::stored_paper(const std::string& paper_id) {
  auto& query = fresh(select_paper_);
  query.bindNoCopy(1, paper_id);
  std::optional<StoredPaper> stored;
  if (query.executeStep()) {
    stored = StoredPaper{query.getColumn(0).getInt(), query.getColumn(1).getString()};
  }
  query.tryReset();
  return stored;
}

void PaperWriter::mark_consumed(int64_t run_id, const std::string& source_key,
                                const std::string& sha256,
                                const std::optional<std::string>& paper_id, const char* outcome) {
  auto& upsert = fresh(upsert_consumed_);
  upsert.bindNoCopy(1, source_key);
  upsert.bindNoCopy(2, sha256);
  bind_optional(upsert, 3, paper_id);
  upsert.bindNoCopy(4, outcome);
  upsert.bind(5, run_id);
  upsert.exec();
}

void PaperWriter::delete_paper(const std::string& paper_id, const std::string& old_source_key,
                               const std::string& new_source_key) {
  // The search documents first, while the view still shows what was indexed; then ON DELETE
  // CASCADE removes files, figures, sub-figures and graphics.
  search_index_.remove_paper(paper_id);
  auto& papers = fresh(delete_paper_);
  papers.bindNoCopy(1, paper_id);
  papers.exec();
  auto& errors = fresh(delete_source_errors_);
  errors.bindNoCopy(1, old_source_key);
  errors.bindNoCopy(2, new_source_key);
  errors.exec();
}

void PaperWriter::insert_paper(int64_t run_id, const PaperRecord& paper) {
  int64_t n_images = 0;
  for (const auto& file : paper.files) n_images += file.is_image ? 1 : 0;
  const std::string id_kind(id_kind_name(paper.id.kind));
  const std::string root_files = json_array(paper.root_files);
  const std::string authors = json_array(paper.authors);
  std::string authors_text;  // for display and search, as the metadata's authors are
  for (const auto& name : paper.authors) authors_text += (authors_text.empty() ? "" : ", ") + name;

  auto& row = fresh(insert_paper_);
  row.bindNoCopy(1, paper.id.id);
  row.bindNoCopy(2, id_kind);
  row.bind(3, paper.id.version);
  row.bindNoCopy(4, paper.id.yymm);
  row.bindNoCopy(5, paper.source_kind);
  row.bindNoCopy(6, paper.source_key);
  row.bindNoCopy(7, paper.origin);
  row.bindNoCopy(8, paper.source_sha256);
  row.bind(9, as_int64(paper.source_bytes));
  row.bind(10, as_int64(paper.unpacked_bytes));
  row.bindNoCopy(11, paper.engine);
  row.bindNoCopy(12, paper.engine_reason);
  row.bindNoCopy(13, root_files);
  row.bindNoCopy(14, paper.title);
  row.bindNoCopy(15, authors);
  row.bindNoCopy(16, authors_text);
  row.bindNoCopy(17, paper.abstract);
  row.bind(18, static_cast<int64_t>(paper.files.size()));
  row.bind(19, n_images);
  row.bind(20, static_cast<int64_t>(paper.figures.size()));
  row.bind(21, run_id);
  row.exec();

  for (const auto& file : paper.files) {
    auto& insert = fresh(insert_file_);
    insert.bindNoCopy(1, paper.id.id);
    insert.bindNoCopy(2, file.path);
    insert.bind(3, as_int64(file.size));
    insert.bindNoCopy(4, file.sha256);
    insert.bind(5, file.is_image ? 1 : 0);
    insert.exec();
  }
  for (const auto& blob : paper.blobs) insert_blob(blob);
  for (const auto& figure : paper.figures) insert_figure(paper.id.id, figure);
  search_index_.add_paper(paper.id.id);
  for (const auto& problem : paper.problems) {
    upsert_error(run_id, paper.source_key, paper.id.id, problem);
  }
}

void PaperWriter::insert_blob(const BlobFacts& blob) {
  // OR IGNORE: a blob seen before (in another paper or version) keeps the facts it was first
  // stored with, and its blob_ordinal.
  auto& insert = fresh(insert_blob_);
  insert.bindNoCopy(1, blob.sha256);
  insert.bind(2, as_int64(blob.size));
  insert.bind(3,
              blob.format.empty() ? std::string("unknown") : blob.format);  // copied: a temporary
  bind_int_or_null(insert, 4, blob.width_px);
  bind_int_or_null(insert, 5, blob.height_px);
  bind_real_or_null(insert, 6, blob.width_pt);
  bind_real_or_null(insert, 7, blob.height_pt);
  bind_int_or_null(insert, 8, blob.pages);
  bind_text_or_null(insert, 9, blob.creator);
  bind_text_or_null(insert, 10, blob.color);
  bind_text_or_null(insert, 11, blob.error);
  insert.exec();
}

void PaperWriter::insert_figure(const std::string& paper_id, const FigureRecord& figure) {
  auto& insert = fresh(insert_figure_);
  insert.bindNoCopy(1, paper_id);
  insert.bind(2, figure.order);
  insert.bindNoCopy(3, figure.env);
  insert.bindNoCopy(4, figure.tex_file);
  insert.bind(5, figure.line);
  insert.bindNoCopy(6, figure.caption_tex);
  insert.bindNoCopy(7, figure.caption_text);
  insert.bindNoCopy(8, figure.short_caption);
  insert.bindNoCopy(9, figure.label);
  insert.exec();
  const int64_t figure_id = db_.getLastInsertRowid();
  insert_graphics(paper_id, figure_id, std::nullopt, figure.graphics);

  for (size_t i = 0; i < figure.subfigures.size(); ++i) {
    const auto& sub = figure.subfigures[i];
    auto& insert_sub = fresh(insert_subfigure_);
    insert_sub.bind(1, figure_id);
    const int64_t ord = static_cast<int64_t>(i + 1);
    insert_sub.bind(2, ord);
    insert_sub.bindNoCopy(3, sub.caption_tex);
    insert_sub.bindNoCopy(4, sub.caption_text);
    insert_sub.bindNoCopy(5, sub.label);
    insert_sub.exec();
    const int64_t subfigure_id = db_.getLastInsertRowid();
    insert_graphics(paper_id, figure_id, subfigure_id, sub.graphics);
  }
}

void PaperWriter::insert_graphics(const std::string& paper_id, int64_t figure_id,
                                  std::optional<int64_t> subfigure_id,
                                  const std::vector<GraphicsRecord>& graphics) {
  for (size_t i = 0; i < graphics.size(); ++i) {
    const auto& ref = graphics[i];
    auto& insert = fresh(insert_graphic_);
    insert.bindNoCopy(1, paper_id);
    insert.bind(2, figure_id);
    if (subfigure_id) {
      insert.bind(3, *subfigure_id);
    } else {
      insert.bind(3);
    }
    insert.bind(4, static_cast<int64_t>(i + 1));
    insert.bindNoCopy(5, ref.command);
    insert.bindNoCopy(6, ref.as_written);
    bind_optional(insert, 7, ref.resolved);
    insert.bindNoCopy(8, ref.unresolved_reason);
    insert.bindNoCopy(9, ref.resolution_note);
    insert.bindNoCopy(10, ref.tex_file);
    insert.bind(11, ref.line);
    insert.exec();
  }
}

void PaperWriter::upsert_conversion(int64_t run_id, const ConversionRecord& c) {
  auto& upsert = fresh(upsert_conversion_);
  auto bind_size = [&](int index, int value) {
    if (value > 0) {
      upsert.bind(index, value);
    } else {
      upsert.bind(index);
    }
  };
  upsert.bindNoCopy(1, c.sha256);
  upsert.bindNoCopy(2, c.status);
  upsert.bindNoCopy(3, c.error);
  upsert.bindNoCopy(4, c.converter);
  bind_size(5, c.raster_width);
  bind_size(6, c.raster_height);
  bind_size(7, c.web_width);
  bind_size(8, c.web_height);
  upsert.bind(9, c.blank ? 1 : 0);
  upsert.bind(10, c.millis);
  upsert.bind(11, run_id);
  upsert.exec();
}

void PaperWriter::upsert_error(int64_t run_id, const std::string& source,
                               const std::optional<std::string>& paper_id, const ItemError& error) {
  auto& upsert = fresh(upsert_error_);
  upsert.bind(1, run_id);
  upsert.bind(2, run_id);
  upsert.bindNoCopy(3, source);
  upsert.bindNoCopy(4, error.item);
  bind_optional(upsert, 5, paper_id);
  upsert.bindNoCopy(6, error.kind);
  upsert.bindNoCopy(7, error.message);
  upsert.exec();
}

}  // namespace imagemesh::store
