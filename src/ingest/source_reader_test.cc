// Source readers on inputs crafted here (tar, gzip and python3 into a scratch folder): per-paper
// archives, folders, plain tars, single gzipped files, nesting, limits and bulk-tar bookkeeping.
#include "ingest/source_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/compression.h"
#include "core/hash.h"
#include "ingest/reader_files.h"
#include "ingest/reader_test_support.h"
#include "test_support/corpus.h"

namespace imagemesh::ingest {
namespace {

namespace fs = std::filesystem;
using ::imagemesh::ingest::testing::file_paths;
using ::imagemesh::ingest::testing::find_file;
using ::imagemesh::ingest::testing::problem_kind;
using ::imagemesh::ingest::testing::read_whole_tar;
using ::imagemesh::testing::run_command;
using ::imagemesh::testing::ScratchDir;
using ::imagemesh::testing::write_file;

void sh(const std::string& command) {
  std::string output;
  ASSERT_EQ(run_command("set -e; " + command + " 2>&1", &output), 0) << command << "\n" << output;
}

// A paper folder src/ with main.tex, figs/a.png; returns the scratch path.
void make_paper_files(const fs::path& dir) {
  write_file(dir / "src/main.tex", "\\documentclass{article}\\begin{document}x\\end{document}\n");
  write_file(dir / "src/figs/a.png", std::string("\x89PNG\r\n\x1a\n", 8) + "data");
}

Result<PaperSource> unpack_file(const fs::path& path, const Limits& limits = {}) {
  IM_ASSIGN_OR_RETURN(RawMember member, read_archive_file(path.string(), limits));
  return unpack_member(member, limits);
}

TEST(Crc32, MatchesTheCheckValue) {
  EXPECT_EQ(crc32_update(0, "123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32_update(crc32_update(0, "1234"), "56789"), 0xCBF43926u);
  EXPECT_EQ(crc32_update(0, ""), 0u);
}

TEST(SourceReader, VersionedTgzGivesIdAndVersion) {
  ScratchDir dir("reader-tgz");
  make_paper_files(dir.path());
  sh("cd " + dir.str() + "/src && tar czf ../1305.5590v2.tgz main.tex figs");
  auto member = read_archive_file(dir.str() + "/1305.5590v2.tgz", Limits{});
  ASSERT_TRUE(member.ok()) << member.status().to_string();
  EXPECT_EQ(member->id.id, "1305.5590");
  EXPECT_EQ(member->id.version, 2);
  EXPECT_EQ(member->source_key, "1305.5590v2.tgz");
  EXPECT_EQ(member->origin, dir.str() + "/1305.5590v2.tgz");
  auto paper = unpack_member(*member, Limits{});
  ASSERT_TRUE(paper.ok()) << paper.status().to_string();
  EXPECT_EQ(paper->source_kind, "tar");
  EXPECT_EQ(file_paths(*paper), (std::vector<std::string>{"figs/a.png", "main.tex"}));
  EXPECT_TRUE(paper->problems.empty());  // the figs/ directory entry is skipped silently
  EXPECT_EQ(paper->unpacked_bytes, paper->files[0].bytes.size() + paper->files[1].bytes.size());
  EXPECT_EQ(paper->source_sha256, member->sha256);
}

TEST(SourceReader, PlainTarPaper) {
  ScratchDir dir("reader-tar");
  make_paper_files(dir.path());
  sh("cd " + dir.str() + "/src && tar cf ../my-paper.tar ./main.tex ./figs");
  auto inputs = classify_inputs({dir.str() + "/my-paper.tar"});
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].kind, InputKind::kPaperArchive);
  auto paper = unpack_file(dir.path() / "my-paper.tar");
  ASSERT_TRUE(paper.ok()) << paper.status().to_string();
  EXPECT_EQ(paper->source_kind, "tar");
  EXPECT_EQ(paper->id.id, "local:my-paper");
  EXPECT_EQ(file_paths(*paper), (std::vector<std::string>{"figs/a.png", "main.tex"}));
}

TEST(SourceReader, V7TarWithoutMagicIsATar) {
  ScratchDir dir("reader-v7");
  // A ustar header with its magic and version blanked and the checksum recomputed: a v7 header.
  sh("cd " + dir.str() + " && printf 'hello' > a.tex && tar --format=ustar -cf t.tar a.tex && " +
     "python3 -c \"\nb=bytearray(open('t.tar','rb').read())\nb[257:265]=bytes(8)\n" +
     "b[148:156]=b' '*8\ns=sum(b[:512])\nb[148:156]=('%06o' % s).encode()+b'\\0 '\n" +
     "open('t.tar','wb').write(b)\" && gzip -n -c t.tar > v7.gz");
  std::string v7 = imagemesh::testing::read_file(dir.path() / "t.tar");
  EXPECT_TRUE(looks_like_tar(v7.substr(0, 512)));
  auto paper = unpack_file(dir.path() / "v7.gz");
  ASSERT_TRUE(paper.ok()) << paper.status().to_string();
  EXPECT_EQ(paper->source_kind, "tar");
  ASSERT_EQ(paper->files.size(), 1u);
  EXPECT_EQ(paper->files[0].path, "a.tex");
  EXPECT_EQ(paper->files[0].bytes, "hello");
}

TEST(SourceReader, BareGzipIsASingleFileNamedByContent) {
  ScratchDir dir("reader-single");
  write_file(dir.path() / "notes", "\\documentclass{article}\n");
  write_file(dir.path() / "drawing", "%!PS-Adobe-3.0\n");
  sh("cd " + dir.str() + " && gzip -n -c notes > notes.gz && gzip -n -c drawing > 2301.00001v3.gz");
  auto tex = unpack_file(dir.path() / "notes.gz");
  ASSERT_TRUE(tex.ok()) << tex.status().to_string();
  EXPECT_EQ(tex->source_kind, "single");
  EXPECT_EQ(file_paths(*tex), std::vector<std::string>{"notes.tex"});
  EXPECT_EQ(tex->files[0].bytes, "\\documentclass{article}\n");
  auto ps = unpack_file(dir.path() / "2301.00001v3.gz");
  ASSERT_TRUE(ps.ok()) << ps.status().to_string();
  EXPECT_EQ(file_paths(*ps), std::vector<std::string>{"2301.00001.ps"});
}

TEST(SourceReader, NestedGzipIsUnwrappedUpToTheLayerLimit) {
  ScratchDir dir("reader-nested");
  make_paper_files(dir.path());
  sh("cd " + dir.str() + "/src && tar cf - main.tex figs | gzip -n > ../one.gz && cd .. && " +
     "gzip -n -c one.gz > two.gz && gzip -n -c two.gz > three.gz");
  auto two = unpack_file(dir.path() / "two.gz");
  ASSERT_TRUE(two.ok()) << two.status().to_string();
  EXPECT_EQ(two->files.size(), 2u);
  auto three = unpack_file(dir.path() / "three.gz");
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.status().code(), ErrorCode::kTooLarge);
}

TEST(SourceReader, DamagedInnerGzipLayerIsCaught) {
  ScratchDir dir("reader-inner-crc");
  write_file(dir.path() / "a.tex", std::string(5000, 'x'));
  // Flip a byte of the inner stream's CRC (bytes -8..-5), then wrap it again.
  sh("cd " + dir.str() + " && gzip -n -c a.tex > inner.gz && python3 -c \"\n" +
     "b=bytearray(open('inner.gz','rb').read())\nb[-8]^=0xff\nopen('inner.gz','wb').write(b)\" " +
     "&& gzip -n -c inner.gz > outer.gz");
  auto paper = unpack_file(dir.path() / "outer.gz");
  ASSERT_FALSE(paper.ok());
  EXPECT_EQ(paper.status().code(), ErrorCode::kCorruptArchive);
  EXPECT_NE(paper.status().message().find("CRC"), std::string::npos);
}

TEST(SourceReader, ConcatenatedGzipMembersAreNotAccepted) {
  // Documented limitation (docs/inputs.md): only the last member's trailer can be located, so a
  // multi-member gzip fails its check. arXiv never writes them.
  ScratchDir dir("reader-concat");
  write_file(dir.path() / "a", "first\n");
  write_file(dir.path() / "b", "second\n");
  sh("cd " + dir.str() + " && gzip -n -c a > ab.gz && gzip -n -c b >> ab.gz");
  auto paper = unpack_file(dir.path() / "ab.gz");
  ASSERT_FALSE(paper.ok());
  EXPECT_EQ(paper.status().code(), ErrorCode::kCorruptArchive);
}

TEST(SourceReader, LimitsPerFileAndPerPaper) {
  ScratchDir dir("reader-limits");
  write_file(dir.path() / "src/big.dat", std::string(4000, 'b'));
  write_file(dir.path() / "src/small.tex", "small");
  write_file(dir.path() / "src/other.tex", "other");
  sh("cd " + dir.str() + "/src && tar czf ../p.tar.gz big.dat small.tex other.tex");
  Limits file_limit;
  file_limit.max_file_bytes = 1000;
  auto paper = unpack_file(dir.path() / "p.tar.gz", file_limit);
  ASSERT_TRUE(paper.ok()) << paper.status().to_string();
  EXPECT_EQ(file_paths(*paper), (std::vector<std::string>{"other.tex", "small.tex"}));
  EXPECT_EQ(problem_kind(*paper, "big.dat"), "too-large");

  Limits paper_limit;
  paper_limit.max_paper_bytes = 1000;
  auto too_big = unpack_file(dir.path() / "p.tar.gz", paper_limit);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().code(), ErrorCode::kTooLarge);

  Limits count_limit;
  count_limit.max_files_per_paper = 2;
  auto too_many = unpack_file(dir.path() / "p.tar.gz", count_limit);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().code(), ErrorCode::kTooLarge);

  Limits member_limit;
  member_limit.max_member_bytes = 10;
  auto raw = read_archive_file(dir.str() + "/p.tar.gz", member_limit);
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(raw.status().code(), ErrorCode::kTooLarge);
}

TEST(SourceReader, InternalHardLinkIsACopyAndPdfFileIsAPdfPaper) {
  ScratchDir dir("reader-hardlink");
  write_file(dir.path() / "src/a.tex", "shared");
  sh("cd " + dir.str() + "/src && ln a.tex b.tex && tar czf ../h.tgz a.tex b.tex");
  auto paper = unpack_file(dir.path() / "h.tgz");
  ASSERT_TRUE(paper.ok()) << paper.status().to_string();
  ASSERT_NE(find_file(*paper, "b.tex"), nullptr);
  EXPECT_EQ(find_file(*paper, "b.tex")->bytes, "shared");

  write_file(dir.path() / "2101.00001.pdf", "%PDF-1.4\n%%EOF\n");
  auto inputs = classify_inputs({dir.str() + "/2101.00001.pdf"});
  ASSERT_TRUE(inputs.ok());
  EXPECT_EQ((*inputs)[0].kind, InputKind::kPdf);
  auto pdf = unpack_file(dir.path() / "2101.00001.pdf");
  ASSERT_TRUE(pdf.ok());
  EXPECT_EQ(pdf->source_kind, "pdf");
  EXPECT_EQ(file_paths(*pdf), std::vector<std::string>{"2101.00001.pdf"});
}

TEST(SourceReader, FolderPaperRefusesSymlinksAndFifosWithoutOpeningThem) {
  ScratchDir dir("reader-folder");
  make_paper_files(dir.path());
  sh("cd " + dir.str() + "/src && ln -s /etc/passwd passwd.tex && ln -s /tmp figs/tmp && " +
     "mkfifo pipe.png");
  auto inputs = classify_inputs({dir.str() + "/src"});
  ASSERT_TRUE(inputs.ok());
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].kind, InputKind::kPaperFolder);
  auto paper = read_paper_folder(dir.str() + "/src/", Limits{});  // a FIFO read would hang here
  ASSERT_TRUE(paper.ok()) << paper.status().to_string();
  EXPECT_EQ(paper->source_kind, "folder");
  EXPECT_EQ(paper->source_key, "folder:" + dir.str() + "/src");
  EXPECT_EQ(paper->id.id, "local:src");
  EXPECT_EQ(file_paths(*paper), (std::vector<std::string>{"figs/a.png", "main.tex"}));
  EXPECT_EQ(problem_kind(*paper, "passwd.tex"), "unsafe-path");
  EXPECT_EQ(problem_kind(*paper, "figs/tmp"), "unsafe-path");
  EXPECT_EQ(problem_kind(*paper, "pipe.png"), "unsafe-path");
  EXPECT_EQ(paper->problems.size(), 3u);
  EXPECT_EQ(paper->source_sha256.size(), 64u);

  auto again = read_paper_folder(dir.str() + "/src", Limits{});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->source_sha256, paper->source_sha256);  // stable for resume
}

TEST(SourceReader, FolderOfArchivesIsExpanded) {
  ScratchDir dir("reader-expand");
  make_paper_files(dir.path());
  sh("cd " + dir.str() + " && mkdir in in/papers && cd src && tar czf ../in/x.tar.gz main.tex && " +
     "cp -r ../src ../in/papers/p1 && cd ../in && ln -s /etc/passwd link.tar.gz && " +
     "touch notes.txt ._x.tar.gz && mkfifo f.tar.gz");
  auto inputs = classify_inputs({dir.str() + "/in"});
  ASSERT_TRUE(inputs.ok()) << inputs.status().to_string();
  ASSERT_EQ(inputs->size(), 2u);
  EXPECT_EQ((*inputs)[0].kind, InputKind::kPaperArchive);
  EXPECT_EQ((*inputs)[0].path, dir.str() + "/in/x.tar.gz");
  EXPECT_EQ((*inputs)[1].kind, InputKind::kPaperFolder);
  EXPECT_EQ((*inputs)[1].path, dir.str() + "/in/papers/p1");

  auto missing = classify_inputs({dir.str() + "/nope"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

TEST(SourceReader, BulkTarBookkeeping) {
  ScratchDir dir("reader-bulk");
  make_paper_files(dir.path());
  write_file(dir.path() / "single", "\\documentclass{article}\n");
  sh("cd " + dir.str() + " && mkdir -p b/2301 && (cd src && tar czf ../b/2301/2301.00001.gz " +
     "main.tex figs) && gzip -n -c single > b/2301/2301.00002.gz && " +
     "printf '%%PDF-1.5\\n' > b/2301/2301.00003.pdf && cd b && " +
     "tar cf ../bulk.tar --no-recursion 2301 2301/2301.00001.gz 2301/2301.00002.gz " +
     "2301/2301.00003.pdf && tar cf ../other-name.tar 2301/2301.00001.gz");
  auto inputs = classify_inputs({dir.str() + "/other-name.tar"});
  ASSERT_TRUE(inputs.ok());
  EXPECT_EQ((*inputs)[0].kind, InputKind::kBulkTar);  // sniffed from its first member's name

  auto read = read_whole_tar(dir.str() + "/bulk.tar");
  ASSERT_TRUE(read.status.ok());
  EXPECT_TRUE(read.failures.empty());  // the 2301/ directory entry is skipped
  ASSERT_EQ(read.members.size(), 3u);
  EXPECT_EQ(read.members[0].source_key, "bulk.tar:2301/2301.00001.gz");
  EXPECT_EQ(read.members[0].origin, dir.str() + "/bulk.tar!2301/2301.00001.gz");
  EXPECT_EQ(read.members[0].sha256, sha256_hex(read.members[0].bytes));
  EXPECT_EQ(read.bytes_read, fs::file_size(dir.path() / "bulk.tar"));

  // skip() sees key and sha256 before the member is handed on.
  BulkTarCallbacks callbacks;
  std::vector<std::string> delivered;
  callbacks.skip = [&](const std::string& key, const std::string& sha256) {
    EXPECT_EQ(sha256.size(), 64u);
    return key == "bulk.tar:2301/2301.00002.gz";
  };
  callbacks.on_member = [&](RawMember member) { delivered.push_back(member.name); };
  ASSERT_TRUE(read_bulk_tar(dir.str() + "/bulk.tar", Limits{}, std::nullopt, callbacks).ok());
  EXPECT_EQ(delivered, (std::vector<std::string>{"2301/2301.00001.gz", "2301/2301.00003.pdf"}));

  // Right size, wrong md5: reported once, and the intact members are still delivered.
  ManifestEntry expected;
  expected.filename = "bulk.tar";
  expected.size = fs::file_size(dir.path() / "bulk.tar");
  expected.md5 = std::string(32, '0');
  auto checked = read_whole_tar(dir.str() + "/bulk.tar", Limits{}, expected);
  EXPECT_EQ(checked.members.size(), 3u);
  ASSERT_EQ(checked.failures.size(), 1u);
  EXPECT_EQ(checked.failures[0].error.kind, "checksum-mismatch");
  EXPECT_EQ(checked.failures[0].source_key, "bulk.tar");
  expected.md5 = md5_hex(imagemesh::testing::read_file(dir.path() / "bulk.tar"));
  EXPECT_TRUE(read_whole_tar(dir.str() + "/bulk.tar", Limits{}, expected).failures.empty());

  Limits small;
  small.max_member_bytes = 100;
  auto limited = read_whole_tar(dir.str() + "/bulk.tar", small);
  EXPECT_EQ(limited.members.size(), 2u);  // the tiny single .gz and the PDF
  ASSERT_EQ(limited.failures.size(), 1u);
  EXPECT_EQ(limited.failures[0].error.kind, "too-large");
}

TEST(SourceReader, ManifestErrors) {
  ScratchDir dir("reader-manifest");
  write_file(dir.path() / "bad.xml", "<arXivSRC><file>");
  auto bad = read_manifest(dir.str() + "/bad.xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kParse);
  write_file(dir.path() / "other.xml", "<root/>");
  EXPECT_FALSE(read_manifest(dir.str() + "/other.xml").ok());
  auto missing = read_manifest(dir.str() + "/none.xml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace imagemesh::ingest
