// write_metadata(): the newer-wins rules, tombstones, idempotence, the join with papers in either
// order, licences, harvest checkpoints, and the search index following metadata changes.
#include <gtest/gtest.h>

#include <sstream>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

using testing::paper_with_captions;

MetadataRecord record(const std::string& id, const std::string& datestamp,
                      const std::string& title) {
  MetadataRecord r;
  r.id = testing::arxiv_id(id, 0);
  r.datestamp = datestamp;
  r.created = "2020-01-02";
  r.title_raw = "  " + title + "\n";
  r.title = title;
  r.abstract_raw = r.abstract = "We study " + title + ".";
  r.authors = {{"Curie", "Marie", ""}, {"King", "Martin Luther", "Jr"}};
  r.authors_text = "Marie Curie and Martin Luther King Jr";
  r.categories = {"astro-ph.GA", "physics.optics"};
  r.license = "http://creativecommons.org/licenses/by/4.0/";
  return r;
}

MetadataRecord deletion(const std::string& id, const std::string& datestamp) {
  MetadataRecord r;
  r.id = testing::arxiv_id(id, 0);
  r.deleted = true;
  r.datestamp = datestamp;
  return r;
}

class StoreMetadata : public ::testing::Test {
 protected:
  StoreMetadata() : scratch_("store-metadata"), mesh_(scratch_.str() + "/mesh") {}
  void SetUp() override { store_ = testing::open_or_die(mesh_); }

  Store::MetadataWriteCounts write(const std::vector<MetadataRecord>& records,
                                   Store* store = nullptr) {
    Store::MetadataWriteCounts counts;
    Status status =
        (store ? store : store_.get())->write_metadata(records, "test", nullptr, &counts);
    EXPECT_TRUE(status.ok()) << status.to_string();
    return counts;
  }

  void write_paper(const PaperRecord& paper, Store* store = nullptr) {
    Store* target = store ? store : store_.get();
    auto run = target->begin_run("test");
    ASSERT_TRUE(run.ok());
    ASSERT_TRUE(target->write_papers(*run, {paper}, {}, nullptr).ok());
  }

  std::string query_one(const std::string& sql) {
    SQLite::Database db(mesh_ + "/mesh.db", SQLite::OPEN_READONLY);
    SQLite::Statement query(db, sql);
    if (!query.executeStep()) return "<no row>";
    return query.getColumn(0).isNull() ? "NULL" : query.getColumn(0).getString();
  }

  int64_t hits(const std::string& match, const std::string& license = "") {
    auto results = store_->search({match, license, 10, 0});
    EXPECT_TRUE(results.ok()) << results.status().to_string();
    return results.ok() ? results->total : -1;
  }

  imagemesh::testing::ScratchDir scratch_;
  std::string mesh_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreMetadata, NewerWinsOlderIsKeptOutIdenticalChangesNothing) {
  auto counts = write({record("2001.00001", "2020-01-05", "First title")});
  EXPECT_EQ(counts.inserted, 1);
  counts = write({record("2001.00001", "2020-01-05", "First title")});
  EXPECT_EQ(counts.unchanged, 1);
  counts = write({record("2001.00001", "2020-01-01", "Older title")});
  EXPECT_EQ(counts.kept_stored, 1);
  EXPECT_EQ(query_one("SELECT title FROM metadata"), "First title");
  counts = write({record("2001.00001", "2021-06-01", "Newer title")});
  EXPECT_EQ(counts.updated, 1);
  EXPECT_EQ(query_one("SELECT title FROM metadata"), "Newer title");
  EXPECT_EQ(query_one("SELECT title_raw FROM metadata"), "  Newer title\n");
  EXPECT_EQ(query_one("SELECT count(*) FROM metadata"), "1");
}

TEST_F(StoreMetadata, SameDayARecordWithVersionsBeatsOneWithout) {
  MetadataRecord snapshot = record("2001.00001", "2020-01-05", "Snapshot title");
  snapshot.versions = {{1, "2020-01-02T10:00:00Z"}, {2, "2020-01-05T10:00:00Z"}};
  MetadataRecord oai = record("2001.00001", "2020-01-05", "OAI title");
  write({snapshot});
  EXPECT_EQ(write({oai}).kept_stored, 1) << "OAI's arXiv format has no versions";
  EXPECT_EQ(query_one("SELECT title FROM metadata"), "Snapshot title");
  // The other order ends in the same row.
  StoreMetadata::TearDown();
  imagemesh::testing::ScratchDir other("store-metadata-other");
  auto second = testing::open_or_die(other.str() + "/mesh");
  write({oai}, second.get());
  EXPECT_EQ(write({snapshot}, second.get()).updated, 1);
  EXPECT_EQ(testing::dump_tables(other.str() + "/mesh", {"runs"}),
            testing::dump_tables(mesh_, {"runs"}));
}

TEST_F(StoreMetadata, DeletionsAreHonouredAndNotUndoneByOlderCopies) {
  write_paper(paper_with_captions("2001.00001", {"A caption."}));
  write({record("2001.00001", "2020-01-05", "Arxiv title")});
  EXPECT_EQ(query_one("SELECT described_by FROM paper_info"), "arxiv");
  EXPECT_EQ(hits("title:arxiv"), 1);

  auto counts = write({deletion("2001.00001", "2022-02-02")});
  EXPECT_EQ(counts.deleted, 1);
  EXPECT_EQ(query_one("SELECT deleted || title FROM metadata"), "1");
  EXPECT_EQ(query_one("SELECT described_by || ' ' || title FROM paper_info"),
            "withdrawn Paper 2001.00001")
      << "a withdrawn record leaves the LaTeX's description";
  EXPECT_EQ(hits("title:arxiv"), 0);
  EXPECT_EQ(write({record("2001.00001", "2020-01-05", "Arxiv title")}).kept_stored, 1);
  EXPECT_EQ(query_one("SELECT deleted FROM metadata"), "1");
  EXPECT_EQ(testing::search_index_disagreement(mesh_), "");
}

TEST_F(StoreMetadata, JoinDescribesPapersAndDatesThemByMonthWithoutARecord) {
  write_paper(paper_with_captions("2001.00001", {"Spiral arms."}));
  EXPECT_EQ(query_one("SELECT described_by || '|' || title || '|' || authors || '|' || date || '|' "
                      "|| date_from FROM paper_info"),
            "latex|Paper 2001.00001|A. Author, B. Author|2020-01|id-month");
  EXPECT_EQ(hits("authors:curie"), 0);

  auto counts = write({record("2001.00001", "2020-01-05", "Spiral galaxies")});
  EXPECT_EQ(counts.papers_reindexed, 1);
  EXPECT_EQ(query_one("SELECT described_by || '|' || title || '|' || date || '|' || date_from || "
                      "'|' || primary_category || '|' || primary_archive || '|' || license FROM "
                      "paper_info"),
            "arxiv|Spiral galaxies|2020-01-02|arxiv|astro-ph.GA|astro-ph|CC BY 4.0");
  EXPECT_EQ(hits("authors:curie"), 1);
  EXPECT_EQ(hits("title:spiral AND caption:spiral"), 1);
  EXPECT_EQ(hits("title:\"Paper 2001\""), 0) << "the LaTeX title is no longer indexed";
  EXPECT_EQ(testing::search_index_disagreement(mesh_), "");

  std::ostringstream papers;
  ASSERT_TRUE(store_->export_rows("papers", "jsonl", papers).ok());
  EXPECT_NE(papers.str().find(R"("authors":["Marie Curie","Martin Luther King Jr"])"),
            std::string::npos)
      << papers.str();
  EXPECT_NE(papers.str().find(R"("categories":["astro-ph.GA","physics.optics"])"),
            std::string::npos);
}

TEST_F(StoreMetadata, EitherOrderGivesTheSameDatabase) {
  const PaperRecord paper = paper_with_captions("2001.00001", {"Spiral arms.", "Bars."});
  const MetadataRecord meta = record("2001.00001", "2020-01-05", "Spiral galaxies");
  write_paper(paper);
  write({meta});

  imagemesh::testing::ScratchDir other("store-metadata-order");
  auto second = testing::open_or_die(other.str() + "/mesh");
  write({meta}, second.get());
  write_paper(paper, second.get());
  EXPECT_EQ(testing::dump_tables(other.str() + "/mesh", {"runs"}),
            testing::dump_tables(mesh_, {"runs"}));
  SQLite::Database a(mesh_ + "/mesh.db", SQLite::OPEN_READWRITE);
  SQLite::Database b(other.str() + "/mesh/mesh.db", SQLite::OPEN_READWRITE);
  EXPECT_EQ(testing::dump_search_index(a), testing::dump_search_index(b));
  EXPECT_EQ(testing::search_index_disagreement(other.str() + "/mesh"), "");
}

TEST_F(StoreMetadata, LicencesAreNamedAndFilterable) {
  MetadataRecord by = record("2001.00001", "2020-01-05", "Open");
  MetadataRecord nonexclusive = record("2001.00002", "2020-01-05", "Closed");
  nonexclusive.license = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/";
  MetadataRecord none = record("2001.00003", "2020-01-05", "Old");
  none.license = "";
  write({by, nonexclusive, none});
  for (const char* id : {"2001.00001", "2001.00002", "2001.00003", "2001.00004"}) {
    write_paper(paper_with_captions(id, {"A plot."}));
  }
  EXPECT_EQ(hits("plot"), 4);
  EXPECT_EQ(hits("plot", "CC BY"), 1);
  EXPECT_EQ(hits("plot", "cc by 4.0"), 1);
  EXPECT_EQ(hits("plot", "CC BY-SA"), 0);
  EXPECT_EQ(hits("plot", "arXiv non-exclusive"), 1);
  EXPECT_EQ(hits("plot", "none"), 1) << "a record without a licence; not the paper without one";
  auto summary = store_->metadata_summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->records, 3);
  EXPECT_EQ(summary->papers_arxiv, 3);
  EXPECT_EQ(summary->papers_latex, 1);
  std::map<std::string, int64_t> licences(summary->by_license.begin(), summary->by_license.end());
  EXPECT_EQ(licences["CC BY 4.0"], 1);
  EXPECT_EQ(licences["arXiv non-exclusive 1.0"], 1);
  EXPECT_EQ(licences["none"], 1);
}

TEST_F(StoreMetadata, CheckpointIsStoredWithItsRecordsOrNotAtAll) {
  Store::HarvestCheckpoint checkpoint{"key", "http://oai", "from=", "token-1", 1, 1, false};
  ASSERT_TRUE(store_
                  ->write_metadata({record("2001.00001", "2020-01-05", "A")}, "http://oai",
                                   &checkpoint, nullptr)
                  .ok());
  auto stored = store_->harvest_checkpoint("key");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->token, "token-1");
  EXPECT_EQ((*stored)->pages, 1);
  EXPECT_FALSE(*store_->harvest_checkpoint("other"));

  // A batch that fails (a record the table refuses: no id) stores neither records nor token.
  MetadataRecord broken = record("2001.00002", "2020-01-05", "B");
  checkpoint.token = "token-2";
  checkpoint.pages = 2;
  {
    SQLite::Database db(mesh_ + "/mesh.db", SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER refuse BEFORE INSERT ON metadata WHEN new.paper_id = '2001.00002' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END");
  }
  EXPECT_FALSE(store_->write_metadata({broken}, "http://oai", &checkpoint, nullptr).ok());
  EXPECT_EQ((*store_->harvest_checkpoint("key"))->token, "token-1");
  EXPECT_EQ(query_one("SELECT count(*) FROM metadata"), "1");
}

TEST_F(StoreMetadata, MetadataExportListsEveryRecord) {
  MetadataRecord r = record("2001.00001", "2020-01-05", "Exported");
  r.versions = {{1, "2020-01-02T10:00:00Z"}};
  write({r, deletion("2001.00002", "2020-02-02")});
  std::ostringstream out;
  ASSERT_TRUE(store_->export_rows("metadata", "jsonl", out).ok());
  const std::string text = out.str();
  EXPECT_NE(text.find(R"("paper":"2001.00001")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("versions":[{"created":"2020-01-02T10:00:00Z","version":1}])"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"("license":"CC BY 4.0")"), std::string::npos);
  EXPECT_NE(
      text.find(
          R"("paper":"2001.00002","id_kind":"arxiv-new","datestamp":"2020-02-02","deleted":true)"),
      std::string::npos);
}

}  // namespace
}  // namespace imagemesh::store

namespace imagemesh::store {
namespace {

TEST(StoreBulkWrites, RollbackJournalWhileAloneThenWalAgain) {
  imagemesh::testing::ScratchDir scratch("store-bulk");
  const std::string mesh = scratch.str() + "/mesh";
  auto store = testing::open_or_die(mesh);
  auto journal_mode = [&] {
    SQLite::Database db(mesh + "/mesh.db", SQLite::OPEN_READONLY);
    return db.execAndGet("PRAGMA journal_mode").getString();
  };
  ASSERT_TRUE(store->begin_bulk_writes().ok());
  EXPECT_EQ(journal_mode(), "delete");
  ASSERT_TRUE(
      store->write_metadata({record("2001.00001", "2020-01-05", "Bulk")}, "t", nullptr, nullptr)
          .ok());
  ASSERT_TRUE(store->end_bulk_writes().ok());
  EXPECT_EQ(journal_mode(), "wal");
  auto summary = store->metadata_summary();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->records, 1);

  // Another connection with a read open: the switch is refused and the mode stays WAL.
  SQLite::Database reader(mesh + "/mesh.db", SQLite::OPEN_READONLY);
  reader.exec("BEGIN");
  reader.execAndGet("SELECT count(*) FROM metadata");
  Status refused = store->begin_bulk_writes();
  EXPECT_FALSE(refused.ok());
  reader.exec("ROLLBACK");
  EXPECT_EQ(journal_mode(), "wal");
  EXPECT_TRUE(
      store->write_metadata({record("2001.00002", "2020-01-05", "WAL")}, "t", nullptr, nullptr)
          .ok())
      << "the store goes on in WAL mode";
}

}  // namespace
}  // namespace imagemesh::store
