#include "store/catalog_reader.h"

#include <algorithm>
#include <string>
#include <utility>

#include "store/queries.h"
#include "store/sqlite_util.h"

namespace imagemesh::store {
namespace {

// An explorable image: its conversion succeeded and made a web thumbnail.
constexpr const char* kExplorable = "c.status = 'ok' AND c.web_width IS NOT NULL";

Status check_limit(int limit) {
  if (limit >= 1) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                "catalogue page limit must be positive, got " + std::to_string(limit));
}

class SqliteCatalogReader final : public CatalogReader {
 public:
  explicit SqliteCatalogReader(std::unique_ptr<SQLite::Database> db)
      : db_(std::move(db)),
        file_card_(*db_,
                   "SELECT f.path, pi.title, coalesce(pi.date, ''), "
                   "coalesce(pi.primary_category, '') "
                   "FROM files f JOIN paper_info pi ON pi.paper_id = f.paper_id "
                   "WHERE f.file_id = ?1"),
        paper_images_(*db_, std::string("SELECT DISTINCT b.blob_ordinal FROM files f "
                                        "JOIN blobs b ON b.sha256 = f.sha256 "
                                        "JOIN conversions c ON c.sha256 = b.sha256 "
                                        "WHERE f.paper_id = ?1 AND f.is_image = 1 AND ") +
                                kExplorable) {}

  Result<std::vector<CatalogImage>> list_images(int64_t after_ordinal, int limit) override {
    IM_RETURN_IF_ERROR(check_limit(limit));
    return guarded("listing the image catalogue", [&]() -> Result<std::vector<CatalogImage>> {
      // Walks blobs by rowid, so a page costs its rows, not the table; the first file is found
      // through files_by_sha256, the figure flags through graphics_by_file. CROSS JOIN fixes that
      // order: without statistics (no ANALYZE) SQLite drives from conversions_by_status instead
      // and reads every conversion for every page, which took minutes at 1 M images.
      SQLite::Statement query(
          *db_,
          std::string(
              "SELECT b.blob_ordinal, b.sha256, b.format, coalesce(b.creator, ''), c.web_width, "
              "c.web_height, f.file_id, f.paper_id, "
              "EXISTS (SELECT 1 FROM figure_graphics g "
              "        WHERE g.paper_id = f.paper_id AND g.resolved_path = f.path), "
              "EXISTS (SELECT 1 FROM figure_graphics g "
              "        JOIN figures fig ON fig.figure_id = g.figure_id "
              "        LEFT JOIN subfigures sub ON sub.subfigure_id = g.subfigure_id "
              "        WHERE g.paper_id = f.paper_id AND g.resolved_path = f.path "
              "          AND (fig.caption_text <> '' OR coalesce(sub.caption_text, '') <> '')) "
              "FROM blobs b CROSS JOIN conversions c CROSS JOIN files f "
              "WHERE c.sha256 = b.sha256 "
              "AND f.file_id = (SELECT min(file_id) FROM files "
              "                 WHERE sha256 = b.sha256 AND is_image = 1) "
              "AND b.blob_ordinal > ?1 AND ") +
              kExplorable + " ORDER BY b.blob_ordinal LIMIT ?2");
      query.bind(1, after_ordinal);
      query.bind(2, limit);
      std::vector<CatalogImage> images;
      while (query.executeStep()) {
        CatalogImage image;
        image.ordinal = static_cast<uint32_t>(query.getColumn(0).getInt64());
        image.sha256 = query.getColumn(1).getString();
        image.format = query.getColumn(2).getString();
        image.creator = query.getColumn(3).getString();
        image.web_width = query.getColumn(4).getInt();
        image.web_height = query.getColumn(5).getInt();
        image.file_id = query.getColumn(6).getInt64();
        image.paper_id = query.getColumn(7).getString();
        image.in_figure = query.getColumn(8).getInt() != 0;
        image.has_caption = query.getColumn(9).getInt() != 0;
        images.push_back(std::move(image));
      }
      return images;
    });
  }

  Result<std::vector<CatalogPaper>> list_papers(const std::string& after_paper_id,
                                                int limit) override {
    IM_RETURN_IF_ERROR(check_limit(limit));
    return guarded("listing the papers", [&]() -> Result<std::vector<CatalogPaper>> {
      SQLite::Statement query(*db_,
                              "SELECT paper_id, coalesce(date, ''), coalesce(categories, ''), "
                              "coalesce(license, ''), coalesce(license_family, '') "
                              "FROM paper_info WHERE paper_id > ?1 ORDER BY paper_id LIMIT ?2");
      query.bind(1, after_paper_id);
      query.bind(2, limit);
      std::vector<CatalogPaper> papers;
      while (query.executeStep()) {
        CatalogPaper paper;
        paper.paper_id = query.getColumn(0).getString();
        paper.date = query.getColumn(1).getString();
        paper.categories = query.getColumn(2).getString();
        paper.license = query.getColumn(3).getString();
        paper.license_family = query.getColumn(4).getString();
        papers.push_back(std::move(paper));
      }
      return papers;
    });
  }

  Result<std::vector<Store::Prediction>> list_predictions(const std::string& model,
                                                          int64_t after_ordinal,
                                                          int limit) override {
    IM_RETURN_IF_ERROR(check_limit(limit));
    return guarded("listing predictions of " + model,
                   [&]() -> Result<std::vector<Store::Prediction>> {
                     SQLite::Statement query(*db_,
                                             "SELECT blob_ordinal, label, probability "
                                             "FROM predictions WHERE model = ?1 "
                                             "AND blob_ordinal > ?2 ORDER BY blob_ordinal "
                                             "LIMIT ?3");
                     query.bind(1, model);
                     query.bind(2, after_ordinal);
                     query.bind(3, limit);
                     std::vector<Store::Prediction> predictions;
                     while (query.executeStep()) {
                       Store::Prediction prediction;
                       prediction.ordinal = static_cast<uint32_t>(query.getColumn(0).getInt64());
                       prediction.label = query.getColumn(1).getString();
                       prediction.probability = static_cast<float>(query.getColumn(2).getDouble());
                       predictions.push_back(std::move(prediction));
                     }
                     return predictions;
                   });
  }

  Result<std::vector<ImageFileOrdinal>> list_image_files(int64_t after_file_id,
                                                         int limit) override {
    IM_RETURN_IF_ERROR(check_limit(limit));
    return guarded("listing the image files", [&]() -> Result<std::vector<ImageFileOrdinal>> {
      // Walks files by rowid (CROSS JOIN keeps that order, as in list_images).
      SQLite::Statement query(*db_, std::string("SELECT f.file_id, b.blob_ordinal "
                                                "FROM files f CROSS JOIN blobs b "
                                                "CROSS JOIN conversions c "
                                                "WHERE f.file_id > ?1 AND f.is_image = 1 "
                                                "AND b.sha256 = f.sha256 AND c.sha256 = b.sha256 "
                                                "AND ") +
                                        kExplorable + " ORDER BY f.file_id LIMIT ?2");
      query.bind(1, after_file_id);
      query.bind(2, limit);
      std::vector<ImageFileOrdinal> files;
      while (query.executeStep()) {
        files.push_back(
            {query.getColumn(0).getInt64(), static_cast<uint32_t>(query.getColumn(1).getInt64())});
      }
      return files;
    });
  }

  Result<std::vector<FileMatch>> keyword_matches(const std::string& match,
                                                 Scoring scoring) override {
    if (match.find_first_not_of(" \t\r\n") == std::string::npos) {
      return Status(ErrorCode::kInvalidArgument, "the search query is empty");
    }
    return guarded("searching", [&]() -> Result<std::vector<FileMatch>> {
      return as_query_error(match, [&]() -> Result<std::vector<FileMatch>> {
        SQLite::Statement query(*db_, scoring == Scoring::kBm25
                                          ? "SELECT rowid, -rank FROM search_fts "
                                            "WHERE search_fts MATCH ?1 ORDER BY rowid"
                                          : "SELECT rowid, 0 FROM search_fts "
                                            "WHERE search_fts MATCH ?1 ORDER BY rowid");
        query.bind(1, match);
        std::vector<FileMatch> files;
        while (query.executeStep()) {
          files.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getDouble()});
        }
        return files;
      });
    });
  }

  Result<std::unordered_map<int64_t, std::string>> snippets(
      const std::string& match, const std::vector<int64_t>& file_ids) override {
    return guarded("making snippets", [&]() -> Result<std::unordered_map<int64_t, std::string>> {
      return as_query_error(match, [&]() -> Result<std::unordered_map<int64_t, std::string>> {
        // FTS5 seeks a rowid constraint, so each file costs one document.
        SQLite::Statement query(*db_,
                                "SELECT snippet(search_fts, -1, '[', ']', '…', 16) "
                                "FROM search_fts WHERE search_fts MATCH ?1 AND rowid = ?2");
        std::unordered_map<int64_t, std::string> out;
        for (int64_t file_id : file_ids) {
          fresh(query);
          query.bind(1, match);
          query.bind(2, file_id);
          if (query.executeStep()) out[file_id] = query.getColumn(0).getString();
        }
        return out;
      });
    });
  }

  Result<std::vector<uint32_t>> images_of_papers(
      const std::vector<std::string>& paper_ids) override {
    return guarded("listing the images of papers", [&]() -> Result<std::vector<uint32_t>> {
      std::vector<uint32_t> ordinals;
      for (const auto& paper_id : paper_ids) {
        auto& query = fresh(paper_images_);
        query.bind(1, paper_id);
        while (query.executeStep()) {
          ordinals.push_back(static_cast<uint32_t>(query.getColumn(0).getInt64()));
        }
      }
      std::sort(ordinals.begin(), ordinals.end());
      ordinals.erase(std::unique(ordinals.begin(), ordinals.end()), ordinals.end());
      return ordinals;
    });
  }

  Result<std::unordered_map<int64_t, FileCard>> file_cards(
      const std::vector<int64_t>& file_ids) override {
    return guarded("reading result cards", [&]() -> Result<std::unordered_map<int64_t, FileCard>> {
      ReadSnapshot snapshot(*db_);
      std::unordered_map<int64_t, FileCard> cards;
      for (int64_t file_id : file_ids) {
        auto& query = fresh(file_card_);
        query.bind(1, file_id);
        if (!query.executeStep()) continue;
        FileCard card;
        card.path = query.getColumn(0).getString();
        card.title = query.getColumn(1).getString();
        card.date = query.getColumn(2).getString();
        card.primary_category = query.getColumn(3).getString();
        cards.emplace(file_id, std::move(card));
      }
      return cards;
    });
  }

  Result<std::optional<ImageRecord>> image_record(uint32_t ordinal) override {
    return guarded("reading image " + std::to_string(ordinal),
                   [&]() -> Result<std::optional<ImageRecord>> {
                     ReadSnapshot snapshot(*db_);
                     return read_record(ordinal);
                   });
  }

 private:
  std::optional<ImageRecord> read_record(uint32_t ordinal) {
    SQLite::Statement blob(*db_, std::string("SELECT b.size, c.raster_width, c.raster_height "
                                             "FROM blobs b JOIN conversions c "
                                             "ON c.sha256 = b.sha256 "
                                             "WHERE b.blob_ordinal = ?1 AND ") +
                                     kExplorable);
    blob.bind(1, static_cast<int64_t>(ordinal));
    if (!blob.executeStep()) return std::nullopt;
    ImageRecord record;
    record.size_bytes = blob.getColumn(0).getInt64();
    record.raster_width = blob.getColumn(1).isNull() ? 0 : blob.getColumn(1).getInt();
    record.raster_height = blob.getColumn(2).isNull() ? 0 : blob.getColumn(2).getInt();
    auto facts = blob_facts_by_ordinal(*db_, {ordinal});
    if (facts.empty()) return std::nullopt;
    record.blob = std::move(facts.front());

    SQLite::Statement files(*db_,
                            "SELECT file_id, paper_id, path FROM files "
                            "WHERE sha256 = ?1 AND is_image = 1 ORDER BY file_id LIMIT 100");
    files.bind(1, record.blob.sha256);
    SQLite::Statement uses(*db_,
                           "SELECT fig.ord, fig.label, fig.caption_text, fig.caption_tex, "
                           "coalesce(sub.ord, 0), coalesce(sub.label, ''), "
                           "coalesce(sub.caption_text, '') "
                           "FROM figure_graphics g JOIN figures fig ON fig.figure_id = g.figure_id "
                           "LEFT JOIN subfigures sub ON sub.subfigure_id = g.subfigure_id "
                           "WHERE g.paper_id = ?1 AND g.resolved_path = ?2 "
                           "ORDER BY fig.ord, coalesce(sub.ord, 0), g.ord");
    while (files.executeStep()) {
      ImageFile file;
      file.file_id = files.getColumn(0).getInt64();
      file.paper_id = files.getColumn(1).getString();
      file.path = files.getColumn(2).getString();
      fresh(uses);
      uses.bind(1, file.paper_id);
      uses.bind(2, file.path);
      while (uses.executeStep()) {
        ImageFigureUse use;
        use.figure_order = uses.getColumn(0).getInt();
        use.label = uses.getColumn(1).getString();
        use.caption_text = uses.getColumn(2).getString();
        use.caption_tex = uses.getColumn(3).getString();
        use.subfigure_order = uses.getColumn(4).getInt();
        use.subfigure_label = uses.getColumn(5).getString();
        use.subfigure_caption = uses.getColumn(6).getString();
        file.uses.push_back(std::move(use));
      }
      record.files.push_back(std::move(file));
    }
    if (record.files.empty()) return std::nullopt;

    SQLite::Statement paper(*db_,
                            "SELECT paper_id, title, authors, abstract, coalesce(date, ''), "
                            "coalesce(categories, ''), coalesce(license, ''), coalesce(doi, ''), "
                            "coalesce(journal_ref, ''), described_by "
                            "FROM paper_info WHERE paper_id = ?1");
    paper.bind(1, record.files.front().paper_id);
    if (paper.executeStep()) {
      auto text = [&](int column) { return paper.getColumn(column).getString(); };
      record.paper = {text(0), text(1), text(2), text(3), text(4),
                      text(5), text(6), text(7), text(8), text(9)};
    }

    // Reading order: the first figure using an image, then its path; unused files last.
    SQLite::Statement siblings(
        *db_,
        std::string("SELECT b.blob_ordinal, min(coalesce(fig.ord, 2147483647)) AS first, "
                    "min(f.path) AS name FROM files f "
                    "JOIN blobs b ON b.sha256 = f.sha256 "
                    "JOIN conversions c ON c.sha256 = b.sha256 "
                    "LEFT JOIN figure_graphics g ON g.paper_id = f.paper_id "
                    "  AND g.resolved_path = f.path "
                    "LEFT JOIN figures fig ON fig.figure_id = g.figure_id "
                    "WHERE f.paper_id = ?1 AND f.is_image = 1 AND b.blob_ordinal <> ?2 AND ") +
            kExplorable + " GROUP BY b.blob_ordinal ORDER BY first, name LIMIT 200");
    siblings.bind(1, record.files.front().paper_id);
    siblings.bind(2, static_cast<int64_t>(ordinal));
    while (siblings.executeStep()) {
      record.siblings.push_back(static_cast<uint32_t>(siblings.getColumn(0).getInt64()));
    }
    record.predictions = read_predictions_for(*db_, ordinal);
    return record;
  }

  std::unique_ptr<SQLite::Database> db_;
  SQLite::Statement file_card_;
  SQLite::Statement paper_images_;
};

}  // namespace

Result<std::unique_ptr<CatalogReader>> CatalogReader::open(const std::string& mesh_dir) {
  IM_ASSIGN_OR_RETURN(auto db, open_database_read_only(mesh_dir));
  return guarded(
      "preparing the catalogue queries", [&]() -> Result<std::unique_ptr<CatalogReader>> {
        return std::unique_ptr<CatalogReader>(std::make_unique<SqliteCatalogReader>(std::move(db)));
      });
}

}  // namespace imagemesh::store
