// The crafted hostile corpus (../shared/corpus/hostile, see its README.md and CASES.tsv) through
// the source readers: every bad member ends as a failure or a per-entry problem, the controls
// come through, nothing outside is read or written, memory stays bounded.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "ingest/reader_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::ingest {
namespace {

using ::imagemesh::ingest::testing::file_paths;
using ::imagemesh::ingest::testing::find_file;
using ::imagemesh::ingest::testing::peak_rss_bytes;
using ::imagemesh::ingest::testing::problem_kind;
using ::imagemesh::ingest::testing::read_whole_tar;
using ::imagemesh::ingest::testing::TarRead;

std::string hostile_dir() {
  std::string corpus = imagemesh::testing::shared_corpus_dir();
  return corpus.empty() ? "" : corpus + "/hostile";
}

#define REQUIRE_CORPUS() \
  if (hostile_dir().empty()) GTEST_SKIP() << imagemesh::testing::kNoCorpusMessage

// What unpacking one member gave: the paper, or the failure's error kind.
struct Outcome {
  std::optional<PaperSource> paper;
  std::string error_kind, error_message;
};

// IMAGEMESH_DUMP_OUTCOMES=1 prints every outcome (for docs and debugging).
std::map<std::string, Outcome> unpack_all(const TarRead& read) {
  const bool dump = std::getenv("IMAGEMESH_DUMP_OUTCOMES") != nullptr;
  if (dump) {
    for (const auto& f : read.failures) {
      std::printf("FAILED %s: %s: %s\n", f.error.item.c_str(), f.error.kind.c_str(),
                  f.error.message.c_str());
    }
  }
  std::map<std::string, Outcome> outcomes;
  for (const auto& member : read.members) {
    auto paper = unpack_member(member, Limits{});
    Outcome& outcome = outcomes[member.name];
    if (paper.ok()) {
      outcome.paper = std::move(paper).value();
      if (!dump) continue;
      std::printf("PAPER %s (%s):", member.name.c_str(), outcome.paper->source_kind.c_str());
      for (const auto& file : outcome.paper->files) std::printf(" %.40s", file.path.c_str());
      std::printf("\n");
      for (const auto& p : outcome.paper->problems) {
        std::printf("   problem %s: %s: %s\n", p.item.c_str(), p.kind.c_str(), p.message.c_str());
      }
    } else {
      outcome.error_kind = std::string(error_code_name(paper.status().code()));
      outcome.error_message = paper.status().message();
      if (dump) {
        std::printf("UNPACK FAILED %s: %s: %s\n", member.name.c_str(), outcome.error_kind.c_str(),
                    outcome.error_message.c_str());
      }
    }
  }
  return outcomes;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

const std::vector<std::string> kMustNeverAppear = {
    "/tmp/evil-outer-abs.gz", "/tmp/evil.png", "/tmp/evil-outer.gz",      "/tmp/evil.tex",
    "/tmp/escape.tex",        "/etc/evil.png", "/tmp/imagemesh-pwned.txt"};

TEST(HostileReader, TruncatedBulkTarIsFlaggedByManifestAndStopsAtSecondMember) {
  REQUIRE_CORPUS();
  auto manifest = read_manifest(hostile_dir() + "/arXiv_src_manifest.xml");
  ASSERT_TRUE(manifest.ok()) << manifest.status().to_string();
  ASSERT_EQ(manifest->size(), 8u);
  const ManifestEntry& entry = manifest->at("arXiv_src_2401_001.tar");
  EXPECT_EQ(entry.size, 20480u);
  EXPECT_EQ(entry.num_items, 2);
  EXPECT_EQ(entry.yymm, "2401");

  TarRead read = read_whole_tar(hostile_dir() + "/arXiv_src_2401_001.tar", Limits{}, entry);
  ASSERT_TRUE(read.status.ok()) << read.status.to_string();
  unpack_all(read);  // only for IMAGEMESH_DUMP_OUTCOMES
  ASSERT_EQ(read.members.size(), 1u);
  EXPECT_EQ(read.members[0].name, "2401/2401.99001.gz");
  EXPECT_EQ(read.members[0].id.id, "2401.99001");
  EXPECT_EQ(read.members[0].source_key, "arXiv_src_2401_001.tar:2401/2401.99001.gz");
  ASSERT_EQ(read.failures.size(), 2u);
  // The size check comes first, before a byte is read.
  EXPECT_EQ(read.failures[0].error.kind, "checksum-mismatch");
  EXPECT_EQ(read.failures[0].error.item, "arXiv_src_2401_001.tar");
  EXPECT_EQ(read.failures[1].error.kind, "truncated");
  EXPECT_EQ(read.failures[1].error.item, "2401/2401.99002.gz");
  ASSERT_TRUE(read.failures[1].id.has_value());
  EXPECT_EQ(read.failures[1].id->id, "2401.99002");
  auto paper = unpack_member(read.members[0], Limits{});
  ASSERT_TRUE(paper.ok()) << paper.status().to_string();
  EXPECT_FALSE(paper->files.empty());

  // Without a manifest: the same member, one failure.
  TarRead plain = read_whole_tar(hostile_dir() + "/arXiv_src_2401_001.tar");
  EXPECT_EQ(plain.members.size(), 1u);
  ASSERT_EQ(plain.failures.size(), 1u);
  EXPECT_EQ(plain.failures[0].error.kind, "truncated");
}

TEST(HostileReader, IntactTarsPassTheManifestCheck) {
  REQUIRE_CORPUS();
  auto manifest = read_manifest(hostile_dir() + "/arXiv_src_manifest.xml");
  ASSERT_TRUE(manifest.ok());
  for (const char* name : {"arXiv_src_2401_002.tar", "arXiv_src_2401_008.tar"}) {
    TarRead read = read_whole_tar(hostile_dir() + "/" + name, Limits{}, manifest->at(name));
    for (const auto& failure : read.failures) EXPECT_NE(failure.error.kind, "checksum-mismatch");
    EXPECT_EQ(read.bytes_read, manifest->at(name).size);
  }
}

TEST(HostileReader, BrokenGzipMembersFailOneByOneAndControlsComeThrough) {
  REQUIRE_CORPUS();
  TarRead read = read_whole_tar(hostile_dir() + "/arXiv_src_2401_002.tar");
  EXPECT_TRUE(read.failures.empty());
  ASSERT_EQ(read.members.size(), 8u);
  auto outcomes = unpack_all(read);
  const std::map<std::string, std::string> expected_errors = {
      {"2401/2401.99004.gz", "corrupt-archive"},  // CRC-32 trailer wrong
      {"2401/2401.99005.gz", "corrupt-archive"},  // garbage in the deflate stream
      {"2401/2401.99006.gz", "corrupt-archive"},  // not gzip at all
      {"2401/2401.99007.gz", "decode-failed"},    // zero bytes
      {"2401/2401.99008.gz", "truncated"},        // no trailer
      {"2401/2401.99009.gz", "corrupt-archive"},  // ISIZE trailer wrong
  };
  for (const auto& [name, kind] : expected_errors) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(outcomes[name].paper.has_value());
    EXPECT_EQ(outcomes[name].error_kind, kind) << outcomes[name].error_message;
  }
  EXPECT_NE(outcomes["2401/2401.99004.gz"].error_message.find("CRC"), std::string::npos);
  EXPECT_NE(outcomes["2401/2401.99009.gz"].error_message.find("length"), std::string::npos);
  EXPECT_NE(outcomes["2401/2401.99006.gz"].error_message.find("not gzip"), std::string::npos);

  const auto& single = outcomes["2401/2401.99003.gz"].paper;
  ASSERT_TRUE(single.has_value()) << outcomes["2401/2401.99003.gz"].error_message;
  EXPECT_EQ(single->source_kind, "single");
  EXPECT_EQ(file_paths(*single), std::vector<std::string>{"2401.99003.tex"});
  EXPECT_NE(single->files[0].bytes.find("\\begin{document}"), std::string::npos);

  const auto& multi = outcomes["2401/2401.99010.gz"].paper;
  ASSERT_TRUE(multi.has_value()) << outcomes["2401/2401.99010.gz"].error_message;
  EXPECT_EQ(multi->source_kind, "tar");
  EXPECT_GE(multi->files.size(), 2u);
  EXPECT_TRUE(multi->problems.empty());
}

TEST(HostileReader, BombsAreStoppedWithBoundedMemory) {
  REQUIRE_CORPUS();
  TarRead read = read_whole_tar(hostile_dir() + "/arXiv_src_2401_003.tar");
  EXPECT_TRUE(read.failures.empty());
  ASSERT_EQ(read.members.size(), 3u);
  auto outcomes = unpack_all(read);
  EXPECT_EQ(outcomes["2401/2401.99011.gz"].error_kind, "too-large");  // nested gzip bomb
  EXPECT_EQ(outcomes["2401/2401.99013.gz"].error_kind, "too-large");  // single-layer bomb
  // The sparse 3 GiB huge.png is refused by its declared size; the rest of the paper is kept.
  const auto& sparse = outcomes["2401/2401.99012.gz"].paper;
  ASSERT_TRUE(sparse.has_value()) << outcomes["2401/2401.99012.gz"].error_message;
  EXPECT_EQ(find_file(*sparse, "huge.png"), nullptr);
  EXPECT_EQ(problem_kind(*sparse, "huge.png"), "too-large");
  EXPECT_NE(find_file(*sparse, "main.tex"), nullptr);
  EXPECT_LT(peak_rss_bytes(), 1500ull << 20);

  // With one gzip layer allowed, the nested bomb is refused for its nesting alone.
  Limits one_layer;
  one_layer.max_gzip_layers = 1;
  auto nested = unpack_member(*read.member("2401/2401.99011.gz"), one_layer);
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().code(), ErrorCode::kTooLarge);
  EXPECT_NE(nested.status().message().find("nested"), std::string::npos);

  // Smaller limits stop the bombs earlier.
  Limits small;
  small.max_paper_bytes = 1 << 20;
  small.max_file_bytes = 1 << 20;
  for (const char* name : {"2401/2401.99011.gz", "2401/2401.99013.gz"}) {
    auto paper = unpack_member(*read.member(name), small);
    ASSERT_FALSE(paper.ok()) << name;
    EXPECT_EQ(paper.status().code(), ErrorCode::kTooLarge) << name;
  }
}

TEST(HostileReader, UnsafeEntriesAreRefusedAndNothingOutsideIsTouched) {
  REQUIRE_CORPUS();
  for (const auto& path : kMustNeverAppear) ASSERT_FALSE(exists(path)) << path << " exists before";
  TarRead read = read_whole_tar(hostile_dir() + "/arXiv_src_2401_004.tar");
  ASSERT_TRUE(read.status.ok());
  ASSERT_EQ(read.members.size(), 1u);
  EXPECT_EQ(read.members[0].name, "2401/2401.99014.gz");
  ASSERT_EQ(read.failures.size(), 3u);
  for (const char* name :
       {"2401/2401.99015.gz", "2401/../../evil-outer.gz", "/tmp/evil-outer-abs.gz"}) {
    const auto* failure = read.failure_for(name);
    ASSERT_NE(failure, nullptr) << name;
    EXPECT_EQ(failure->error.kind, "unsafe-path") << name;
    EXPECT_TRUE(failure->source_sha256.empty()) << name << ": nothing of it was read";
  }
  EXPECT_NE(read.failure_for("2401/2401.99015.gz")->error.message.find("/etc/passwd"),
            std::string::npos);

  auto outcomes = unpack_all(read);
  const auto& paper = outcomes["2401/2401.99014.gz"].paper;
  ASSERT_TRUE(paper.has_value()) << outcomes["2401/2401.99014.gz"].error_message;
  const std::string long_name = std::string(300, 'a') + ".png";
  EXPECT_EQ(file_paths(*paper),
            (std::vector<std::string>{long_name, "figs/evil.png", "good.png", "main.tex"}));
  for (const char* item :
       {"../../evil.tex", "/etc/evil.png", "sub/../../../escape.tex", "..\\..\\evil-backslash.tex",
        "fig.png", "figs", "hard.png", "hard2.png", "zero.png", "fifo.png"}) {
    EXPECT_EQ(problem_kind(*paper, item), "unsafe-path") << item;
  }
  EXPECT_EQ(paper->problems.size(), 10u);
  // Nothing of /etc/passwd came in through the symlink or the hard link.
  for (const auto& file : paper->files) EXPECT_EQ(file.bytes.find("root:x:0:0"), std::string::npos);
  for (const auto& path : kMustNeverAppear) EXPECT_FALSE(exists(path)) << path << " appeared";
}

TEST(HostileReader, HostileImagesAndTexAreDeliveredIntactForLaterStages) {
  REQUIRE_CORPUS();
  std::map<std::string, std::vector<std::string>> expected = {
      {"2401/2401.99016.gz", {"good.eps", "loop.eps", "passwd.eps", "pipe.ps"}},
      {"2401/2401.99017.gz",
       {"bomb.png", "empty.png", "good.jpg", "good.png", "lol.svg", "notreally.png", "pages200.pdf",
        "ssrf.svg", "truncated.jpg", "xxe.svg"}},
  };
  for (const char* tar : {"arXiv_src_2401_005.tar", "arXiv_src_2401_006.tar"}) {
    TarRead read = read_whole_tar(hostile_dir() + "/" + tar);
    EXPECT_TRUE(read.failures.empty()) << tar;
    auto outcomes = unpack_all(read);
    for (const auto& member : read.members) {
      const auto& paper = outcomes[member.name].paper;
      ASSERT_TRUE(paper.has_value()) << member.name << ": " << outcomes[member.name].error_message;
      EXPECT_TRUE(paper->problems.empty()) << member.name;
      for (const auto& name : expected[member.name]) {
        EXPECT_NE(find_file(*paper, name), nullptr) << member.name << " lacks " << name;
      }
    }
  }
  TarRead pdf = read_whole_tar(hostile_dir() + "/arXiv_src_2401_007.tar");
  ASSERT_EQ(pdf.members.size(), 1u);
  auto pdf_outcomes = unpack_all(pdf);
  const auto& pdf_paper = pdf_outcomes["2401/2401.99018.pdf"].paper;
  ASSERT_TRUE(pdf_paper.has_value());
  EXPECT_EQ(pdf_paper->source_kind, "pdf");
  EXPECT_EQ(file_paths(*pdf_paper), std::vector<std::string>{"2401.99018.pdf"});
  EXPECT_EQ(pdf_paper->files[0].bytes, pdf.members[0].bytes);

  TarRead tex = read_whole_tar(hostile_dir() + "/arXiv_src_2401_008.tar");
  EXPECT_TRUE(tex.failures.empty());
  EXPECT_EQ(tex.members.size(), 12u);
  auto tex_outcomes = unpack_all(tex);
  for (const auto& member : tex.members) {
    const auto& paper = tex_outcomes[member.name].paper;
    ASSERT_TRUE(paper.has_value())
        << member.name << ": " << tex_outcomes[member.name].error_message;
    EXPECT_FALSE(paper->files.empty()) << member.name;
    EXPECT_TRUE(paper->problems.empty()) << member.name;
  }
}

// Why the reader checks gzip trailers itself: libarchive 3.6.2 inflates members with a wrong
// CRC-32 (99004), garbage in the deflate stream (99005) or a wrong ISIZE (99009) without an error.
// If this starts failing, libarchive has learnt to check, and the trailer check in
// reader_streams.cc could go.
TEST(HostileReader, LibarchiveAloneDoesNotCheckGzipTrailers) {
  REQUIRE_CORPUS();
  TarRead read = read_whole_tar(hostile_dir() + "/arXiv_src_2401_002.tar");
  for (const char* name : {"2401/2401.99004.gz", "2401/2401.99005.gz", "2401/2401.99009.gz"}) {
    const RawMember* member = read.member(name);
    ASSERT_NE(member, nullptr);
    struct archive* a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_raw(a);
    ASSERT_EQ(archive_read_open_memory(a, member->bytes.data(), member->bytes.size()), ARCHIVE_OK);
    archive_entry* entry = nullptr;
    ASSERT_EQ(archive_read_next_header(a, &entry), ARCHIVE_OK);
    char buffer[65536];
    la_ssize_t n = 0, total = 0;
    while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) total += n;
    EXPECT_EQ(n, 0) << name << ": libarchive now reports " << archive_error_string(a);
    EXPECT_GT(total, 0) << name;
    archive_read_free(a);
  }
}

TEST(HostileReader, ClassifiesTheHostileFolder) {
  REQUIRE_CORPUS();
  auto inputs = classify_inputs({hostile_dir()});
  ASSERT_TRUE(inputs.ok()) << inputs.status().to_string();
  int bulk = 0, manifests = 0;
  for (const auto& input : *inputs) {
    bulk += input.kind == InputKind::kBulkTar;
    manifests += input.kind == InputKind::kManifest;
  }
  EXPECT_EQ(bulk, 8);
  EXPECT_EQ(manifests, 1);
  EXPECT_EQ(inputs->size(), 9u);  // README.md and CASES.tsv are no inputs
}

}  // namespace
}  // namespace imagemesh::ingest
