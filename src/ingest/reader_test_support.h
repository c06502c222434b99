// Helpers for the source reader tests (header only, used by *reader*_test.cc).
#pragma once

#include <sys/resource.h>

#include <optional>
#include <string>
#include <vector>

#include "ingest/source_reader.h"

namespace imagemesh::ingest::testing {

struct TarRead {
  std::vector<RawMember> members;
  std::vector<store::SourceFailure> failures;
  Status status;
  uint64_t bytes_read = 0;

  const store::SourceFailure* failure_for(const std::string& item) const {
    for (const auto& failure : failures) {
      if (failure.error.item == item) return &failure;
    }
    return nullptr;
  }
  const RawMember* member(const std::string& name) const {
    for (const auto& m : members) {
      if (m.name == name) return &m;
    }
    return nullptr;
  }
};

inline TarRead read_whole_tar(const std::string& path, const Limits& limits = {},
                              const std::optional<ManifestEntry>& expected = std::nullopt) {
  TarRead result;
  BulkTarCallbacks callbacks;
  callbacks.on_member = [&](RawMember member) { result.members.push_back(std::move(member)); };
  callbacks.on_failure = [&](store::SourceFailure f) { result.failures.push_back(std::move(f)); };
  callbacks.on_bytes_read = [&](uint64_t n) { result.bytes_read += n; };
  result.status = read_bulk_tar(path, limits, expected, callbacks);
  return result;
}

inline std::vector<std::string> file_paths(const PaperSource& paper) {
  std::vector<std::string> paths;
  for (const auto& file : paper.files) paths.push_back(file.path);
  return paths;
}

inline const PaperSource::File* find_file(const PaperSource& paper, const std::string& path) {
  for (const auto& file : paper.files) {
    if (file.path == path) return &file;
  }
  return nullptr;
}

inline std::string problem_kind(const PaperSource& paper, const std::string& item) {
  for (const auto& problem : paper.problems) {
    if (problem.item == item) return problem.kind;
  }
  return "";
}

// Peak resident set of this process in bytes.
inline uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

}  // namespace imagemesh::ingest::testing
