#include "query/keyword_cache.h"

namespace imagemesh::query {

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
    entries_.erase(found->second);
    by_expression_.erase(found);
  }
  entries_.emplace_front(expression, std::move(matches));
  by_expression_[expression] = entries_.begin();
  while (entries_.size() > capacity_) {
    by_expression_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

}  // namespace imagemesh::query
