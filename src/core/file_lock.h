// An exclusive advisory lock on a file (flock), held for the object's lifetime. Used where one
// writer at a time is a contract the format cannot check itself (e.g. embed's vector files), so
// a second process fails at once with a clear message instead of corrupting the first one's work.
// The kernel drops the lock when the process dies, so a killed run never leaves a stale lock.
#pragma once

#include <filesystem>

#include "core/status.h"

namespace imagemesh {

class FileLock {
 public:
  FileLock() = default;
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Creates `path` if needed and locks it without waiting: kIo saying "held by another process"
  // when somebody else holds it, kIo for other failures.
  [[nodiscard]] static Result<FileLock> try_acquire(const std::filesystem::path& path);

 private:
  int fd_ = -1;
};

}  // namespace imagemesh
