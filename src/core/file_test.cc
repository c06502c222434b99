#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/atomic_file.h"
#include "core/file_lock.h"
#include "core/mapped_file.h"

namespace imagemesh {
namespace {

std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("imagemesh_core_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(AtomicFileWriter, CommitReplacesAndAbandonLeavesTheOldFile) {
  const auto dir = fresh_dir("atomic");
  const auto path = dir / "data.bin";
  {
    AtomicFileWriter out(path);
    ASSERT_TRUE(out.open().ok());
    ASSERT_TRUE(out.write("abc").ok());
    ASSERT_TRUE(out.pad_to(8).ok());
    EXPECT_EQ(out.offset(), 8u);
    EXPECT_FALSE(std::filesystem::exists(path)) << "nothing is visible before commit";
    ASSERT_TRUE(out.commit().ok());
  }
  auto first = MappedFile::open(path);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->bytes(), std::string("abc\0\0\0\0\0", 8));
  {
    AtomicFileWriter abandoned(path);
    ASSERT_TRUE(abandoned.open().ok());
    ASSERT_TRUE(abandoned.write("something else").ok());
  }  // destroyed without commit
  auto second = MappedFile::open(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->bytes().size(), 8u);
  EXPECT_FALSE(std::filesystem::exists(dir / "data.bin.tmp"));
  std::filesystem::remove_all(dir);
}

TEST(MappedFile, MissingIsNotFoundAndEmptyMapsEmpty) {
  const auto dir = fresh_dir("mapped");
  EXPECT_EQ(MappedFile::open(dir / "absent").status().code(), ErrorCode::kNotFound);
  std::ofstream(dir / "empty").close();
  auto empty = MappedFile::open(dir / "empty");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->bytes().empty());
  MappedFile moved = std::move(*empty);
  EXPECT_TRUE(moved.bytes().empty());
  std::filesystem::remove_all(dir);
}

TEST(FileLock, SecondHolderIsRefusedUntilTheFirstLetsGo) {
  const auto dir = fresh_dir("lock");
  const auto path = dir / "lock";
  {
    auto first = FileLock::try_acquire(path);
    ASSERT_TRUE(first.ok()) << first.status().to_string();
    auto second = FileLock::try_acquire(path);  // another open file description: flock refuses
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("held by another process"), std::string::npos);
  }
  EXPECT_TRUE(FileLock::try_acquire(path).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace imagemesh
