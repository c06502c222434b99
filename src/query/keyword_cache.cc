#include "query/keyword_cache.h"

namespace imagemesh::query {

size_t KeywordCache::bytes_of(const Entry& entry) {
  return entry.first.size() + entry.second->size() * sizeof(KeywordMatch);
}

std::shared_ptr<const KeywordMatches> KeywordCache::find(const std::string& expression) {
  std::lock_guard lock(mutex_);
  auto found = by_expression_.find(expression);
  if (found == by_expression_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, found->second);
  return found->second->second;
}

void KeywordCache::put(const std::string& expression,
                       std::shared_ptr<const KeywordMatches> matches) {
  std::lock_guard lock(mutex_);
  auto found = by_expression_.find(expression);
  if (found != by_expression_.end()) {
    bytes_ -= bytes_of(*found->second);
    entries_.erase(found->second);
    by_expression_.erase(found);
  }
  entries_.emplace_front(expression, std::move(matches));
  by_expression_[expression] = entries_.begin();
  bytes_ += bytes_of(entries_.front());
  while (entries_.size() > 1 && (entries_.size() > max_entries_ || bytes_ > max_bytes_)) {
    bytes_ -= bytes_of(entries_.back());
    by_expression_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

size_t KeywordCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace imagemesh::query
