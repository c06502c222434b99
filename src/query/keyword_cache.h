// Keyword matches of recent FTS expressions, kept so that scrolling through pages, refreshing
// facets and switching embeddings do not repeat the full-text query (a common word matches a
// large share of the mesh). Thread-safe; least recently used entries go first, and the cache
// holds at most `max_entries` expressions and `max_bytes` of matches (16 bytes per matching
// image): a common word at 12.7 M images is ~100 MB, so a count alone would not bound memory.
// The newest entry is always kept, whatever its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace imagemesh::query {

// An image matching a keyword expression, through its best-scoring file.
struct KeywordMatch {
  uint32_t ordinal = 0;
  uint32_t file_id = 0;  // the file whose document matched best (ties: the smaller id)
  double score = 0;      // -bm25: higher is better
};

// Sorted by ordinal, one per image.
using KeywordMatches = std::vector<KeywordMatch>;

class KeywordCache {
 public:
  KeywordCache(size_t max_entries, size_t max_bytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  std::shared_ptr<const KeywordMatches> find(const std::string& expression);
  void put(const std::string& expression, std::shared_ptr<const KeywordMatches> matches);
  size_t bytes() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const KeywordMatches>>;
  static size_t bytes_of(const Entry& entry);

  size_t max_entries_, max_bytes_;
  mutable std::mutex mutex_;
  size_t bytes_ = 0;
  std::list<Entry> entries_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_expression_;
};

}  // namespace imagemesh::query
