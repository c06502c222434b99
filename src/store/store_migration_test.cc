// A mesh written by schema version 1 opens, is migrated to the current version in place, and keeps
// every row: files gain ids, papers gain authors_text, the caption index becomes the search index.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(StoreMigration, Version1MeshIsUpgradedWithEveryRow) {
  imagemesh::testing::ScratchDir scratch("store-migration");
  const std::string mesh = scratch.str() + "/mesh";
  std::filesystem::create_directories(mesh);
  {
    SQLite::Database db(mesh + "/mesh.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(read_text(std::string(IMAGEMESH_SOURCE_DIR) + "/tests/data/schema/v1.sql"));
    db.exec(R"sql(
      INSERT INTO runs VALUES (1, '2026-01-01', '2026-01-01', 'imagemesh ingest', '0.1.0', '{}');
      INSERT INTO papers VALUES ('2001.00001', 'arxiv-new', 1, '2001', 'tar', 'k', 'o', 's', 1, 2,
        'pdflatex', 'r', '["main.tex"]', 'Old title', '["Ada Lovelace","Alan Turing"]',
        'Old abstract', 3, 2, 1, 1);
      INSERT INTO files VALUES ('2001.00001', 'main.tex', 10, 'tex', 0);
      INSERT INTO files VALUES ('2001.00001', 'plot.png', 10, 'blob-plot', 1);
      INSERT INTO files VALUES ('2001.00001', 'other.png', 10, 'blob-other', 1);
      INSERT INTO blobs(sha256, size, format, creator) VALUES ('blob-plot', 10, 'png', 'gnuplot');
      INSERT INTO figures VALUES (1, '2001.00001', 1, 'figure', 'main.tex', 5, 'Heat map',
        'Heat map of the lattice', '', 'fig:heat');
      INSERT INTO figure_graphics VALUES (1, '2001.00001', 1, NULL, 1, 'includegraphics', 'plot',
        'plot.png', '', '', 'main.tex', 6);
    )sql");
  }
  auto store = Store::open(mesh);
  ASSERT_TRUE(store.ok()) << store.status().to_string();

  SQLite::Database db(mesh + "/mesh.db", SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'schema_version'").getString(), "3");
  EXPECT_EQ(db.execAndGet("SELECT group_concat(file_id || ':' || path, ' ') FROM "
                          "(SELECT * FROM files ORDER BY file_id)")
                .getString(),
            "1:main.tex 2:other.png 3:plot.png")
      << "ids follow (paper, path) order";
  EXPECT_EQ(db.execAndGet("SELECT authors_text FROM papers").getString(),
            "Ada Lovelace, Alan Turing");
  EXPECT_FALSE(db.tableExists("caption_fts"));
  EXPECT_FALSE(db.tableExists("files_v1"));
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM images").getInt(), 2) << "the view is back";

  auto results =
      (*store)->search({"caption:lattice AND creator:gnuplot AND authors:turing", "", 10, 0});
  ASSERT_TRUE(results.ok()) << results.status().to_string();
  ASSERT_EQ(results->total, 1);
  EXPECT_EQ(results->hits[0].path, "plot.png");
  EXPECT_EQ(results->hits[0].figure_order, 1);
  EXPECT_EQ(testing::search_index_disagreement(mesh), "");

  // Opening again changes nothing more.
  const std::string before = testing::dump_tables(mesh);
  store->reset();
  ASSERT_TRUE(Store::open(mesh).ok());
  EXPECT_EQ(testing::dump_tables(mesh), before);
}

// Version 2 -> 3 adds the predictions table; nothing else changes.
TEST(StoreMigration, Version2MeshGainsThePredictionsTable) {
  imagemesh::testing::ScratchDir scratch("store-migration-2");
  const std::string mesh = scratch.str() + "/mesh";
  std::filesystem::create_directories(mesh);
  {
    SQLite::Database db(mesh + "/mesh.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(read_text(std::string(IMAGEMESH_SOURCE_DIR) + "/tests/data/schema/v2.sql"));
    db.exec(R"sql(
      INSERT INTO meta VALUES ('schema_version', '2');
      INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0, 4.0, 1.0, 2.0, 1.0)');
      INSERT INTO runs VALUES (1, '2026-01-01', '2026-01-01', 'imagemesh ingest', '0.1.0', '{}');
      INSERT INTO papers VALUES ('2001.00001', 'arxiv-new', 1, '2001', 'tar', 'k', 'o', 's', 1, 2,
        'pdflatex', 'r', '["main.tex"]', 'A title', '["Ada Lovelace"]', 'Ada Lovelace',
        'An abstract', 2, 1, 0, 1);
      INSERT INTO files(paper_id, path, size, sha256, is_image)
        VALUES ('2001.00001', 'plot.png', 10, 'blob-plot', 1);
      INSERT INTO blobs(sha256, size, format, creator) VALUES ('blob-plot', 10, 'png', 'gnuplot');
      INSERT INTO search_fts(search_fts) VALUES ('rebuild');
    )sql");
  }
  {
    auto read_only = Store::open_read_only(mesh);
    ASSERT_FALSE(read_only.ok());
    EXPECT_NE(read_only.status().message().find("open it once for writing"), std::string::npos)
        << read_only.status().to_string();
  }
  const std::string before = testing::dump_tables(mesh, {"meta"});
  auto store = Store::open(mesh);
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  {
    SQLite::Database db(mesh + "/mesh.db", SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'schema_version'").getString(),
              "3");
    EXPECT_TRUE(db.tableExists("predictions"));
  }
  EXPECT_EQ(testing::dump_tables(mesh, {"meta", "predictions"}), before)
      << "no row of version 2 changes";
  ASSERT_TRUE((*store)->write_predictions("ternary", {{1, "diagram", 0.75f}}).ok());
  auto counts = (*store)->prediction_counts("ternary");
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ(counts->front().second, 1);
  EXPECT_EQ(testing::search_index_disagreement(mesh), "");
}

}  // namespace
}  // namespace imagemesh::store
