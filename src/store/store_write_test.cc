// write_papers() rules: versions, resume identity, blob dedupe, errors, atomicity; open/reopen.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/store.h"
#include "store/store_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::store {
namespace {

using testing::dump_tables;
using testing::open_or_die;
using testing::paper;

class StoreWrite : public ::testing::Test {
 protected:
  StoreWrite() : scratch_("store-write"), mesh_(scratch_.str() + "/mesh") {}

  void SetUp() override {
    store_ = open_or_die(mesh_);
    auto run = store_->begin_run("test");
    ASSERT_TRUE(run.ok()) << run.status().to_string();
    run_ = *run;
  }

  std::vector<WriteOutcome> write(const std::vector<PaperRecord>& papers,
                                  const std::vector<SourceFailure>& failures = {}) {
    std::vector<WriteOutcome> outcomes;
    Status status = store_->write_papers(run_, papers, failures, &outcomes);
    EXPECT_TRUE(status.ok()) << status.to_string();
    return outcomes;
  }

  Store::Counts counts() {
    auto c = store_->counts();
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? *c : Store::Counts{};
  }

  std::string export_of(const std::string& what) {
    std::ostringstream out;
    Status status = store_->export_rows(what, "jsonl", out);
    EXPECT_TRUE(status.ok()) << status.to_string();
    return out.str();
  }

  imagemesh::testing::ScratchDir scratch_;
  std::string mesh_;
  std::unique_ptr<Store> store_;
  int64_t run_ = 0;
};

TEST_F(StoreWrite, NewerVersionReplacesEveryRowOfTheOld) {
  PaperRecord v1 = paper("1305.5590", 1, "a.tar:1305/1305.5590v1.gz", "sha-v1", 3);
  v1.problems.push_back({"main.tex:4", "unresolved", "\\input{missing}"});
  PaperRecord v2 = paper("1305.5590", 2, "b.tar:1305/1305.5590v2.gz", "sha-v2", 1);
  v2.figures[0].caption_text = "Replacement caption";
  v2.figures[0].subfigures.push_back({"(a)", "sub caption", "fig:1a", {}});

  EXPECT_EQ(write({v1}), std::vector<WriteOutcome>{WriteOutcome::kInserted});
  EXPECT_EQ(counts().errors, 1);
  EXPECT_EQ(write({v2}), std::vector<WriteOutcome>{WriteOutcome::kReplaced});

  auto c = counts();
  EXPECT_EQ(c.papers, 1);
  EXPECT_EQ(c.files, 2);
  EXPECT_EQ(c.figures, 1);
  EXPECT_EQ(c.subfigures, 1);
  EXPECT_EQ(c.graphics, 1);
  EXPECT_EQ(c.errors, 0) << "the errors of the replaced source go with it";
  EXPECT_EQ(c.blobs, 3) << "blobs are facts about bytes and outlive the files that held them";
  EXPECT_NE(export_of("papers").find("\"version\":2"), std::string::npos);

  auto old_caption = store_->search({"\"Caption 3\"", "", 10, 0});
  ASSERT_TRUE(old_caption.ok());
  EXPECT_EQ(old_caption->total, 0) << "search documents of deleted files are deleted";
  auto new_caption = store_->search({"replacement", "", 10, 0});
  ASSERT_TRUE(new_caption.ok());
  EXPECT_EQ(new_caption->total, 1);

  auto consumed = store_->consumed_sources();
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(consumed->size(), 2u) << "both sources are consumed: a rerun skips v1 as well";
}

TEST_F(StoreWrite, OlderVersionIsKeptOutButConsumed) {
  PaperRecord v2 = paper("1305.5590", 2, "b.tar:v2", "sha-v2", 2);
  PaperRecord v1 = paper("1305.5590", 1, "a.tar:v1", "sha-v1", 5);
  v1.problems.push_back({"x", "parse", "ignored with the paper"});
  EXPECT_EQ(write({v2}), std::vector<WriteOutcome>{WriteOutcome::kInserted});
  const std::string before = dump_tables(mesh_, {"consumed_sources"});
  EXPECT_EQ(write({v1}), std::vector<WriteOutcome>{WriteOutcome::kKeptExisting});
  EXPECT_EQ(dump_tables(mesh_, {"consumed_sources"}), before);
  auto consumed = store_->consumed_sources();
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(consumed->at("a.tar:v1"), "sha-v1");
  EXPECT_EQ(counts().figures, 2);
}

TEST_F(StoreWrite, SameSourceTwiceIsUnchangedAndWritesNothing) {
  auto second_run = store_->begin_run("test again");
  ASSERT_TRUE(second_run.ok());
  PaperRecord p = paper("2001.00001", 1, "a.tar:2001/2001.00001.gz", "sha", 2);
  p.problems.push_back({"main.tex:1", "encoding", "latin-1 guessed"});
  EXPECT_EQ(write({p}), std::vector<WriteOutcome>{WriteOutcome::kInserted});
  const std::string before = dump_tables(mesh_);

  std::vector<WriteOutcome> outcomes;
  ASSERT_TRUE(store_->write_papers(*second_run, {p}, {}, &outcomes).ok());
  EXPECT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kUnchanged});
  EXPECT_EQ(dump_tables(mesh_), before);
}

TEST_F(StoreWrite, SameSourceTwiceInOneBatch) {
  PaperRecord p = paper("2001.00001", 1, "a.tar:m", "sha", 1);
  EXPECT_EQ(write({p, p}),
            (std::vector<WriteOutcome>{WriteOutcome::kInserted, WriteOutcome::kUnchanged}));
}

TEST_F(StoreWrite, EqualOrUnknownVersionsFromAnotherSourceLaterWins) {
  PaperRecord first = paper("2001.00001", 0, "first.tar.gz", "sha-1", 1);
  PaperRecord second = paper("2001.00001", 0, "second.tar.gz", "sha-2", 4);
  PaperRecord third = paper("2001.00001", 3, "third.tar.gz", "sha-3", 2);
  PaperRecord fourth = paper("2001.00001", 3, "fourth.tar.gz", "sha-4", 3);
  EXPECT_EQ(write({first, second, third, fourth}),
            (std::vector<WriteOutcome>{WriteOutcome::kInserted, WriteOutcome::kReplaced,
                                       WriteOutcome::kReplaced, WriteOutcome::kReplaced}));
  EXPECT_EQ(counts().figures, 3);
  // The same source key with new bytes (a re-downloaded archive) also replaces.
  PaperRecord changed = paper("2001.00001", 3, "fourth.tar.gz", "sha-4b", 1);
  EXPECT_EQ(write({changed}), std::vector<WriteOutcome>{WriteOutcome::kReplaced});
  EXPECT_EQ(counts().figures, 1);
}

TEST_F(StoreWrite, BlobsAreSharedAndKeepTheirFirstFacts) {
  PaperRecord a = paper("2001.00001", 1, "a", "sha-a", 1);
  PaperRecord b = paper("2001.00002", 1, "b", "sha-b", 1);
  b.files[1].sha256 = a.files[1].sha256;
  b.blobs[0] = testing::png_blob(a.files[1].sha256, 1, 1);  // other facts: ignored
  write({a, b});
  auto c = counts();
  EXPECT_EQ(c.blobs, 1);
  EXPECT_EQ(c.image_files, 2);
  ASSERT_EQ(c.images_by_format.size(), 1u);
  EXPECT_EQ(c.images_by_format[0], (std::pair<std::string, int64_t>{"png", 2}));
  const std::string images = export_of("images");
  EXPECT_EQ(images.find("\"width_px\":1,"), std::string::npos) << images;
  size_t first = images.find("\"width_px\":640");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(images.find("\"width_px\":640", first + 1), std::string::npos) << images;
}

TEST_F(StoreWrite, ErrorsAreRecordedOnce) {
  ItemError truncated{"arXiv_src_2401_001.tar", "truncated", "tar ends inside member 7"};
  ASSERT_TRUE(store_->record_error(run_, "arXiv_src_2401_001.tar", truncated).ok());
  auto run2 = store_->begin_run("again");
  ASSERT_TRUE(run2.ok());
  ASSERT_TRUE(store_->record_error(*run2, "arXiv_src_2401_001.tar", truncated).ok());
  EXPECT_EQ(counts().errors, 1);

  SourceFailure hashed{"t.tar:2401/2401.99002.gz",
                       "sha-bad",
                       "/t.tar!2401/2401.99002.gz",
                       std::nullopt,
                       {"2401/2401.99002.gz", "corrupt-archive", "bad CRC"}};
  SourceFailure unhashed{"t.tar:2401/2401.99004.gz",
                         "",
                         "/t.tar!2401/2401.99004.gz",
                         std::nullopt,
                         {"2401/2401.99004.gz", "truncated", "member cut short"}};
  unhashed.id = testing::arxiv_id("2401.99004", 0);
  write({}, {hashed, unhashed});
  write({}, {hashed, unhashed});
  auto c = counts();
  EXPECT_EQ(c.errors, 3);
  EXPECT_EQ(c.errors_by_kind, (std::vector<std::pair<std::string, int64_t>>{{"corrupt-archive", 1},
                                                                            {"truncated", 2}}));
  auto consumed = store_->consumed_sources();
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(consumed->size(), 1u) << "a failure without a hash is retried next run";
  EXPECT_EQ(consumed->count("t.tar:2401/2401.99002.gz"), 1u);
  EXPECT_NE(export_of("errors").find("\"paper\":\"2401.99004\""), std::string::npos);

  // The retried source now reads fine: its stale error goes.
  PaperRecord recovered = paper("2401.99004", 1, "t.tar:2401/2401.99004.gz", "sha-ok", 1);
  write({recovered});
  EXPECT_EQ(counts().errors, 2);
}

TEST_F(StoreWrite, ABatchThatFailsMidwayLeavesNothing) {
  write({paper("2001.00001", 1, "a", "sha-a", 1)});
  const std::string before = dump_tables(mesh_);
  PaperRecord good = paper("2001.00002", 1, "b", "sha-b", 2);
  PaperRecord bad = paper("2001.00003", 1, "c", "sha-c", 2);
  bad.figures[1].order = bad.figures[0].order;  // violates UNIQUE(paper_id, ord)
  std::vector<WriteOutcome> outcomes;
  Status status = store_->write_papers(run_, {good, bad}, {}, &outcomes);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kInternal) << status.to_string();
  EXPECT_TRUE(outcomes.empty());
  EXPECT_EQ(dump_tables(mesh_), before);
  // The cached statements recover: the next batch writes normally.
  EXPECT_EQ(write({good}), std::vector<WriteOutcome>{WriteOutcome::kInserted});
  EXPECT_EQ(counts().papers, 2);
}

TEST_F(StoreWrite, UnknownRunIsRefusedAtomically) {
  Status status =
      store_->write_papers(run_ + 100, {paper("2001.00001", 1, "a", "s", 1)}, {}, nullptr);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(counts().papers, 0);
}

TEST_F(StoreWrite, CountsEveryField) {
  PaperRecord p = paper("2001.00001", 1, "a", "sha-a", 2);
  p.figures[1].caption_text = "";
  p.figures[1].graphics.push_back(testing::graphic("missing", std::nullopt));
  p.figures[0].subfigures.push_back(
      {"(a)", "left", "", {testing::graphic("fig1.png", "fig1.png")}});
  p.figures[0].subfigures.push_back({"", "", "", {}});
  p.files.push_back({"plot.eps", 5, "eps-blob", true});
  BlobFacts eps;
  eps.sha256 = "eps-blob";
  eps.size = 5;
  eps.format = "eps";
  eps.error = "no BoundingBox";
  p.blobs.push_back(eps);
  p.problems.push_back({"main.tex:3", "unresolved", "missing"});
  write({p});
  auto c = counts();
  EXPECT_EQ(c.papers, 1);
  EXPECT_EQ(c.files, 4);
  EXPECT_EQ(c.image_files, 3);
  EXPECT_EQ(c.blobs, 3);
  EXPECT_EQ(c.figures, 2);
  EXPECT_EQ(c.subfigures, 2);
  EXPECT_EQ(c.captions, 1);
  EXPECT_EQ(c.subfigure_captions, 1);
  EXPECT_EQ(c.graphics, 4);
  EXPECT_EQ(c.graphics_resolved, 3);
  EXPECT_EQ(c.errors, 1);
  EXPECT_EQ(c.images_by_format,
            (std::vector<std::pair<std::string, int64_t>>{{"eps", 1}, {"png", 2}}));
  EXPECT_EQ(c.errors_by_kind, (std::vector<std::pair<std::string, int64_t>>{{"unresolved", 1}}));
}

TEST_F(StoreWrite, ReopenPersistsEverything) {
  write({paper("2001.00001", 1, "a", "sha-a", 2)});
  ASSERT_TRUE(store_->finish_run(run_, "{\"papers\":1}").ok());
  const std::string before = dump_tables(mesh_);
  store_.reset();
  store_ = open_or_die(mesh_);
  EXPECT_EQ(dump_tables(mesh_), before);
  EXPECT_EQ(counts().figures, 2);
  auto consumed = store_->consumed_sources();
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(consumed->at("a"), "sha-a");
  auto reader = Store::open_read_only(mesh_);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  auto c = (*reader)->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->papers, 1);
}

TEST_F(StoreWrite, ReadOnlyStoreRefusesWrites) {
  auto reader = Store::open_read_only(mesh_);
  ASSERT_TRUE(reader.ok()) << reader.status().to_string();
  EXPECT_EQ((*reader)->begin_run("x").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ((*reader)->write_papers(run_, {}, {}, nullptr).code(), ErrorCode::kInvalidArgument);
}

TEST(StoreOpen, ReadOnlyOpenOfAMissingMeshIsNotFound) {
  imagemesh::testing::ScratchDir scratch("store-missing");
  auto store = Store::open_read_only(scratch.str() + "/nothing");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(scratch.str() + "/nothing")) << "read-only creates nothing";
}

TEST(StoreOpen, CreatesTheFolderInWalMode) {
  imagemesh::testing::ScratchDir scratch("store-create");
  const std::string mesh = scratch.str() + "/a/b/mesh";
  auto store = open_or_die(mesh);
  EXPECT_TRUE(std::filesystem::exists(mesh + "/mesh.db"));
  SQLite::Database db(mesh + "/mesh.db", SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'schema_version'").getString(), "3");
}

TEST(StoreOpen, RefusesANewerSchema) {
  imagemesh::testing::ScratchDir scratch("store-newer");
  const std::string mesh = scratch.str() + "/mesh";
  open_or_die(mesh).reset();
  {
    SQLite::Database db(mesh + "/mesh.db", SQLite::OPEN_READWRITE);
    db.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  }
  for (bool read_only : {false, true}) {
    auto store = read_only ? Store::open_read_only(mesh) : Store::open(mesh);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), ErrorCode::kUnsupported);
    EXPECT_NE(store.status().message().find("schema version 99"), std::string::npos)
        << store.status().message();
    EXPECT_NE(store.status().message().find("upgrade imagemesh"), std::string::npos);
  }
}

TEST(StoreOpen, RefusesAForeignDatabase) {
  imagemesh::testing::ScratchDir scratch("store-foreign");
  {
    SQLite::Database db(scratch.str() + "/mesh.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE t(x)");
  }
  auto store = Store::open(scratch.str());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kUnsupported);
}

TEST(StoreOpen, GarbageFileIsAnIoError) {
  imagemesh::testing::ScratchDir scratch("store-garbage");
  imagemesh::testing::write_file(scratch.path() / "mesh.db", std::string(4096, 'x'));
  auto store = Store::open_read_only(scratch.str());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kIo) << store.status().to_string();
}

}  // namespace
}  // namespace imagemesh::store
