// Keyword matches of recent FTS expressions, kept so that scrolling through pages, refreshing
// facets and switching embeddings do not repeat the full-text query (a common word matches a
// large share of the mesh). Thread-safe; least recently used entries go first.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/catalog_reader.h"

namespace imagemesh::query {

// Sorted by ordinal, one per image.
using KeywordMatches = std::vector<store::KeywordMatch>;

class KeywordCache {
 public:
  explicit KeywordCache(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const KeywordMatches> find(const std::string& expression);
  void put(const std::string& expression, std::shared_ptr<const KeywordMatches> matches);

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const KeywordMatches>>;
  size_t capacity_;
  std::mutex mutex_;
  std::list<Entry> entries_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_expression_;
};

}  // namespace imagemesh::query
