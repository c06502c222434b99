// The keyword cache keeps recent expressions within both its entry and its byte budget.
#include "query/keyword_cache.h"

#include <gtest/gtest.h>

namespace imagemesh::query {
namespace {

std::shared_ptr<const KeywordMatches> matches_of(size_t count) {
  KeywordMatches matches(count);
  for (size_t i = 0; i < count; ++i) matches[i].ordinal = static_cast<uint32_t>(i);
  return std::make_shared<const KeywordMatches>(std::move(matches));
}

TEST(KeywordCache, EvictsTheLeastRecentlyUsedPastItsEntryBudget) {
  KeywordCache cache(2, 1 << 20);
  cache.put("a", matches_of(1));
  cache.put("b", matches_of(1));
  ASSERT_NE(cache.find("a"), nullptr);  // a is now the most recent
  cache.put("c", matches_of(1));
  EXPECT_NE(cache.find("a"), nullptr);
  EXPECT_EQ(cache.find("b"), nullptr);
  EXPECT_NE(cache.find("c"), nullptr);
}

TEST(KeywordCache, StaysWithinItsByteBudget) {
  const size_t entry = 1000 * sizeof(KeywordMatch);
  KeywordCache cache(32, 3 * entry);
  for (const char* word : {"w1", "w2", "w3", "w4", "w5"}) {
    cache.put(word, matches_of(1000));
    EXPECT_LE(cache.bytes(), 3 * entry + 16);
  }
  // Three entries and their keys are just over budget, so two remain: the newest.
  EXPECT_EQ(cache.find("w1"), nullptr);
  EXPECT_EQ(cache.find("w2"), nullptr);
  EXPECT_EQ(cache.find("w3"), nullptr);
  EXPECT_NE(cache.find("w4"), nullptr);
  EXPECT_NE(cache.find("w5"), nullptr);
}

TEST(KeywordCache, KeepsTheNewestEntryEvenWhenItAloneIsOverBudget) {
  KeywordCache cache(32, 10);
  cache.put("small", matches_of(0));
  cache.put("common word", matches_of(5000));
  EXPECT_NE(cache.find("common word"), nullptr);
  EXPECT_EQ(cache.find("small"), nullptr);
  // Replacing an expression counts its bytes once.
  cache.put("common word", matches_of(10));
  EXPECT_EQ(cache.bytes(), std::string("common word").size() + 10 * sizeof(KeywordMatch));
}

}  // namespace
}  // namespace imagemesh::query
