// serve --web: which names a page folder answers, and that nothing outside it can be read.
#include "server/web_folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "test_support/corpus.h"

namespace imagemesh::server {
namespace {

namespace fs = std::filesystem;
using imagemesh::testing::ScratchDir;
using imagemesh::testing::write_file;

TEST(WebFileName, OnlyNormalRelativeNamesOfPageFiles) {
  for (const char* good : {"index.html", "app.js", "vendor/katex/fonts/KaTeX_Main-Regular.woff2",
                           "a b.css", "x..y.js"}) {
    EXPECT_TRUE(is_web_file_name(good)) << good;
  }
  for (const char* bad : {"",
                          "/etc/passwd",
                          "../mesh.db",
                          "a/../../b",
                          "a/..",
                          "..",
                          "./app.js",
                          "a/./b.js",
                          "a//b.js",
                          "a/",
                          "a\\..\\b",
                          "..\\x",
                          "C:x",
                          ".env",
                          "a/.git/config",
                          ".hidden/x.js",
                          "node_modules/x.js",
                          "a/node_modules/b.js",
                          "a\nb",
                          "a\x01"}) {
    EXPECT_FALSE(is_web_file_name(bad)) << bad;
  }
  EXPECT_FALSE(is_web_file_name(std::string_view("a\0b", 3)));
}

class WebFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(root() / "index.html", "<!doctype html>");
    write_file(root() / "css" / "style.css", "body{}");
    write_file(scratch_.path() / "secret.txt", "outside the folder");
    write_file(scratch_.path() / "elsewhere" / "x.js", "outside too");
  }
  fs::path root() const { return scratch_.path() / "web"; }
  ScratchDir scratch_{"web-folder-test"};
};

TEST_F(WebFolderTest, ReadsFilesAsTheyAreNow) {
  auto page = read_web_folder_file(root(), "index.html");
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  EXPECT_EQ(*page, "<!doctype html>");
  EXPECT_EQ(*read_web_folder_file(root(), "css/style.css"), "body{}");
  write_file(root() / "css" / "style.css", "body{color:red}");
  EXPECT_EQ(*read_web_folder_file(root(), "css/style.css"), "body{color:red}");
  write_file(root() / "empty.js", "");
  EXPECT_EQ(*read_web_folder_file(root(), "empty.js"), "");
}

TEST_F(WebFolderTest, TheFolderItselfMayBeALink) {
  fs::create_directory_symlink(root(), scratch_.path() / "web-link");
  auto page = read_web_folder_file(scratch_.path() / "web-link", "index.html");
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  EXPECT_EQ(*page, "<!doctype html>");
}

TEST_F(WebFolderTest, NothingOutsideTheFolder) {
  // Links inside the folder are never followed: to a file or a folder outside, or even inside.
  fs::create_symlink(scratch_.path() / "secret.txt", root() / "secret.txt");
  fs::create_directory_symlink(scratch_.path() / "elsewhere", root() / "js");
  fs::create_symlink(root() / "index.html", root() / "alias.html");
  fs::create_directory_symlink(root() / "css", root() / "styles");
  for (const char* link : {"secret.txt", "js/x.js", "alias.html", "styles/style.css"}) {
    auto read = read_web_folder_file(root(), link);
    ASSERT_FALSE(read.ok()) << link << " was read: " << *read;
    EXPECT_EQ(read.status().code(), ErrorCode::kUnsafePath)
        << link << ": " << read.status().to_string();
  }
  for (const char* name : {"../secret.txt", "/etc/passwd", "css/../../secret.txt", ".hidden"}) {
    auto read = read_web_folder_file(root(), name);
    ASSERT_FALSE(read.ok()) << name;
    EXPECT_EQ(read.status().code(), ErrorCode::kUnsafePath) << name;
  }
}

TEST_F(WebFolderTest, OnlyRegularFiles) {
  for (const char* name : {"missing.js", "css/missing.css", "index.html/x"}) {
    auto read = read_web_folder_file(root(), name);
    ASSERT_FALSE(read.ok()) << name;
    EXPECT_EQ(read.status().code(), ErrorCode::kNotFound)
        << name << ": " << read.status().to_string();
  }
  // A folder is not a page file.
  auto folder = read_web_folder_file(root(), "css");
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().code(), ErrorCode::kUnsafePath) << folder.status().to_string();
  // A FIFO must not block the request (opened non-blocking, then refused by its type).
  ASSERT_EQ(::mkfifo((root() / "pipe.js").c_str(), 0600), 0);
  auto fifo = read_web_folder_file(root(), "pipe.js");
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.status().code(), ErrorCode::kUnsafePath) << fifo.status().to_string();
  // A folder that is not there.
  auto gone = read_web_folder_file(scratch_.path() / "none", "index.html");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), ErrorCode::kNotFound);
}

TEST_F(WebFolderTest, LargeFilesAreRefused) {
  {
    std::FILE* big = std::fopen((root() / "big.js").c_str(), "w");
    ASSERT_NE(big, nullptr);
    // Sparse: the size is all that is checked before reading.
    ASSERT_EQ(::ftruncate(fileno(big), static_cast<off_t>(kMaxWebFolderFileBytes + 1)), 0);
    std::fclose(big);
  }
  auto read = read_web_folder_file(root(), "big.js");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace imagemesh::server
