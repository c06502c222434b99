// The files of one paper as they are read, with the limits of ingest/source_reader.h applied in
// one place for every kind of input (tar entries, folder entries). Internal to ingest.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"
#include "ingest/source_reader.h"

namespace imagemesh::ingest {

class PaperFileSet {
 public:
  // Problems are appended to `paper.problems` as they are met; finish() moves the files in.
  PaperFileSet(const Limits& limits, PaperSource& paper) : limits_(limits), paper_(paper) {}

  // Counts one more entry; kTooLarge beyond max_files_per_paper.
  Status count_entry();

  // Records a problem with one entry (the paper goes on without it).
  void problem(const std::string& item, ErrorCode code, std::string message);

  // Before reading an entry whose size is known: false (with a problem recorded) if it is over the
  // file limit and must be skipped; kTooLarge if it cannot fit in the paper.
  Result<bool> admit(const std::string& item, uint64_t declared_size);

  // How many bytes the next entry may have: the file limit or what is left of the paper's.
  uint64_t room_for_next_file() const;
  // Whether room_for_next_file() is bounded by the paper (exceeding it fails the paper) rather than
  // by the file limit (exceeding it skips the entry).
  bool paper_bounds_next_file() const { return room_for_next_file() < limits_.max_file_bytes; }

  // Adds (or replaces, as a later tar entry does) a file; kTooLarge beyond max_paper_bytes.
  Status store(const std::string& path, std::string bytes);
  const std::string* find(const std::string& path) const;

  // Records that an entry turned out larger than the file limit while read, and was skipped.
  void skip_too_large(const std::string& item);
  Status paper_too_large() const;
  uint64_t total_bytes() const { return total_; }
  const std::map<std::string, std::string>& files() const { return files_; }

  // Moves the files into the paper (sorted by path) and sets unpacked_bytes.
  void finish();

 private:
  const Limits& limits_;
  PaperSource& paper_;
  std::map<std::string, std::string> files_;
  uint64_t total_ = 0;
  uint64_t entries_ = 0;
};

}  // namespace imagemesh::ingest
