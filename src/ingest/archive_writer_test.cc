// archive_writer: tars and gzip streams that system tools read, with the fixed metadata promised.
#include "ingest/archive_writer.h"

#include <gtest/gtest.h>

#include "core/compression.h"
#include "test_support/corpus.h"

namespace imagemesh::ingest {
namespace {

using imagemesh::testing::run_command;
using imagemesh::testing::ScratchDir;
using imagemesh::testing::write_file;

TEST(ArchiveWriter, GzipHasNoNameNoMtimeAndRoundTrips) {
  const std::string text = "\\documentclass{article}\n" + std::string(5000, 'x') + "\n";
  auto gz = gzip_bytes(text);
  ASSERT_TRUE(gz.ok()) << gz.status().to_string();
  ASSERT_GE(gz->size(), 18u);
  EXPECT_EQ(static_cast<uint8_t>((*gz)[0]), 0x1f);
  EXPECT_EQ(static_cast<uint8_t>((*gz)[1]), 0x8b);
  EXPECT_EQ((*gz)[2], 8);                             // deflate
  EXPECT_EQ((*gz)[3] & 0x08, 0) << "FNAME set";       // no file name
  EXPECT_EQ(gz->substr(4, 4), std::string(4, '\0'));  // mtime 0
  EXPECT_EQ(inflate_capped(*gz, 1 << 20), text);
  auto again = gzip_bytes(text);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *gz);

  ScratchDir scratch("archive-writer-gzip");
  write_file(scratch.path() / "x.gz", *gz);
  std::string out;
  ASSERT_EQ(run_command("gzip -dc '" + scratch.str() + "/x.gz'", &out), 0);
  EXPECT_EQ(out, text);
}

TEST(ArchiveWriter, EmptyInputGzipsToAValidStream) {
  auto gz = gzip_bytes("");
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(inflate_capped(*gz, 100), "");
}

TEST(ArchiveWriter, TarHasFixedOwnersModesAndMtime) {
  std::vector<ArchiveEntry> entries = {
      {"main.tex", "hello\n"},
      {"figs/a.png", std::string(3000, '\x89')},
      {std::string(120, 'd') + "/" + std::string(90, 'f'), "long"}};
  auto tar = write_tar(entries);
  ASSERT_TRUE(tar.ok()) << tar.status().to_string();
  EXPECT_EQ(tar->size() % 10240, 0u);
  EXPECT_EQ(tar->substr(257, 5), "ustar");

  ScratchDir scratch("archive-writer-tar");
  write_file(scratch.path() / "p.tar", *tar);
  std::string listing;
  ASSERT_EQ(run_command("TZ=UTC tar --numeric-owner -tvf '" + scratch.str() + "/p.tar'", &listing),
            0);
  EXPECT_NE(listing.find("-rw-r--r-- 0/0               6 2020-07-01 00:00 main.tex"),
            std::string::npos)
      << listing;
  EXPECT_NE(listing.find(entries[2].path), std::string::npos) << "long names use the ustar prefix";
  std::string content;
  ASSERT_EQ(run_command("tar -xOf '" + scratch.str() + "/p.tar' main.tex", &content), 0);
  EXPECT_EQ(content, "hello\n");

  auto gz = write_tar_gz(entries);
  ASSERT_TRUE(gz.ok());
  write_file(scratch.path() / "p.tar.gz", *gz);
  listing.clear();
  ASSERT_EQ(run_command("tar -tzf '" + scratch.str() + "/p.tar.gz'", &listing), 0);
  EXPECT_EQ(listing, "main.tex\nfigs/a.png\n" + entries[2].path + "\n");
  auto again = write_tar_gz(entries);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *gz);
}

TEST(ArchiveWriter, BulkTarSortsMembersAndRefusesDuplicates) {
  auto tar = write_bulk_tar({{"2004/2004.00002.gz", "b"}, {"2004/2004.00001.pdf", "%PDF-a"}});
  ASSERT_TRUE(tar.ok());
  ScratchDir scratch("archive-writer-bulk");
  write_file(scratch.path() / "arXiv_src_2004_001.tar", *tar);
  std::string listing;
  ASSERT_EQ(run_command("tar -tf '" + scratch.str() + "/arXiv_src_2004_001.tar'", &listing), 0);
  EXPECT_EQ(listing, "2004/2004.00001.pdf\n2004/2004.00002.gz\n");

  auto duplicate = write_bulk_tar({{"2004/x.gz", "a"}, {"2004/x.gz", "b"}});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), ErrorCode::kInvalidArgument);
}

TEST(ArchiveWriter, RefusesPathsUstarCannotHold) {
  EXPECT_EQ(write_tar({{"/etc/passwd", "x"}}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(write_tar({{"", "x"}}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(write_tar({{std::string(101, 'n'), "x"}}).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagemesh::ingest
