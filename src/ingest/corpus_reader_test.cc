// The real shared corpus (../shared/corpus: arxiv/, arxiv-derived/, other/) through the source
// readers: every paper read and unpacked, file counts, kinds and sha256 as MANIFEST.tsv says, and
// the manifests' size/md5 checks pass.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ingest/reader_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::ingest {
namespace {

using ::imagemesh::ingest::testing::read_whole_tar;

struct ManifestRow {
  std::string archive, member, id, kind, sha256;
  size_t files = 0;
};

// MANIFEST.tsv rows keyed by "<archive basename>:<member>" (or the archive basename for other/).
std::map<std::string, ManifestRow> corpus_manifest(const std::string& corpus) {
  std::map<std::string, ManifestRow> rows;
  std::ifstream in(corpus + "/MANIFEST.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, '\t')) cells.push_back(cell);
    if (cells.size() < 7) continue;
    ManifestRow row{cells[0], cells[1], cells[2], cells[3], cells[6], std::stoul(cells[4])};
    std::string base = std::filesystem::path(row.archive).filename().string();
    rows[row.member == "-" ? base : base + ":" + row.member] = row;
  }
  return rows;
}

std::string kind_of(const PaperSource& paper) {
  if (paper.source_kind == "tar") return "tar.gz";
  if (paper.source_kind == "single") return "single-gz";
  return paper.source_kind;
}

TEST(CorpusReader, EveryRealPaperIsReadAndUnpackedAsTheManifestSays) {
  std::string corpus = imagemesh::testing::shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << imagemesh::testing::kNoCorpusMessage;
  auto rows = corpus_manifest(corpus);
  ASSERT_EQ(rows.size(), 58u);

  auto start = std::chrono::steady_clock::now();
  std::vector<RawMember> members;
  std::vector<store::SourceFailure> failures;
  for (const char* folder : {"arxiv", "arxiv-derived"}) {
    auto inputs = classify_inputs({corpus + "/" + folder});
    ASSERT_TRUE(inputs.ok()) << inputs.status().to_string();
    std::map<std::string, ManifestEntry> manifest;
    for (const auto& input : *inputs) {
      if (input.kind != InputKind::kManifest) continue;
      auto entries = read_manifest(input.path);
      ASSERT_TRUE(entries.ok()) << entries.status().to_string();
      manifest.insert(entries->begin(), entries->end());
    }
    for (const auto& input : *inputs) {
      if (input.kind == InputKind::kManifest) continue;
      ASSERT_EQ(input.kind, InputKind::kBulkTar) << input.path;
      std::string name = std::filesystem::path(input.path).filename().string();
      ASSERT_TRUE(manifest.count(name)) << name;
      auto read = read_whole_tar(input.path, Limits{}, manifest.at(name));
      EXPECT_TRUE(read.status.ok()) << read.status.to_string();
      for (auto& failure : read.failures) failures.push_back(failure);
      for (auto& member : read.members) members.push_back(std::move(member));
    }
  }
  auto others = classify_inputs({corpus + "/other"});
  ASSERT_TRUE(others.ok());
  ASSERT_EQ(others->size(), 26u);
  for (const auto& input : *others) {
    ASSERT_EQ(input.kind, InputKind::kPaperArchive) << input.path;
    auto member = read_archive_file(input.path, Limits{});
    ASSERT_TRUE(member.ok()) << member.status().to_string();
    members.push_back(std::move(member).value());
  }
  for (const auto& failure : failures) {
    ADD_FAILURE() << failure.origin << ": " << failure.error.kind << ": " << failure.error.message;
  }
  ASSERT_EQ(members.size(), 58u);

  size_t total_files = 0;
  for (const auto& member : members) {
    SCOPED_TRACE(member.source_key);
    auto paper = unpack_member(member, Limits{});
    ASSERT_TRUE(paper.ok()) << paper.status().to_string();
    ASSERT_TRUE(rows.count(member.source_key));
    const ManifestRow& row = rows.at(member.source_key);
    EXPECT_EQ(paper->files.size(), row.files);
    EXPECT_EQ(kind_of(*paper), row.kind);
    EXPECT_EQ(member.sha256, row.sha256);
    EXPECT_TRUE(paper->problems.empty());
    if (row.member != "-") {
      EXPECT_EQ(paper->id.id, row.id);
    }
    total_files += paper->files.size();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(total_files, 923u + 446u + 11u);
  std::printf("read+unpack of the shared corpus: %.3f s\n", seconds);
}

TEST(CorpusReader, DerivedFormsAreRecognised) {
  std::string corpus = imagemesh::testing::shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << imagemesh::testing::kNoCorpusMessage;
  auto old_style = read_whole_tar(corpus + "/arxiv-derived/arXiv_src_0703_001.tar");
  ASSERT_EQ(old_style.members.size(), 1u);
  EXPECT_EQ(old_style.members[0].id.id, "hep-ph/0703990");
  EXPECT_EQ(old_style.members[0].source_key, "arXiv_src_0703_001.tar:0703/hep-ph0703990.gz");

  auto derived = read_whole_tar(corpus + "/arxiv-derived/arXiv_src_2312_001.tar");
  ASSERT_EQ(derived.members.size(), 3u);
  auto single = unpack_member(*derived.member("2312/2312.99001.gz"), Limits{});
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->source_kind, "single");
  ASSERT_EQ(single->files.size(), 1u);
  EXPECT_EQ(single->files[0].path, "2312.99001.tex");
  auto pdf = unpack_member(*derived.member("2312/2312.99002.pdf"), Limits{});
  ASSERT_TRUE(pdf.ok());
  EXPECT_EQ(pdf->source_kind, "pdf");
  ASSERT_EQ(pdf->files.size(), 1u);
  EXPECT_EQ(pdf->files[0].path, "2312.99002.pdf");
}

TEST(CorpusReader, AppleDoubleAndDotSlashEntriesAreKeptAsFiles) {
  std::string corpus = imagemesh::testing::shared_corpus_dir();
  if (corpus.empty()) GTEST_SKIP() << imagemesh::testing::kNoCorpusMessage;
  auto read = read_whole_tar(corpus + "/arxiv/arXiv_src_2004_001.tar");
  const RawMember* member = read.member("2004/2004.14974.gz");
  ASSERT_NE(member, nullptr);
  auto paper = unpack_member(*member, Limits{});
  ASSERT_TRUE(paper.ok());
  EXPECT_EQ(paper->files.size(), 168u);
  EXPECT_TRUE(paper->problems.empty());
  EXPECT_NE(testing::find_file(*paper, "._."), nullptr);
  EXPECT_NE(testing::find_file(*paper, ".DS_Store"), nullptr);
  EXPECT_NE(testing::find_file(*paper, "03-dataset.tex"), nullptr);  // was "./03-dataset.tex"
}

}  // namespace
}  // namespace imagemesh::ingest
