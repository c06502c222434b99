// Search restricted to an allowed set: only allowed ids, exactly k whenever k exist, through
// either strategy of HnswIndex, compared with the exact twin restricted to the same set.
#include <gtest/gtest.h>

#include <random>

#include "index/hnsw_index.h"
#include "index/index_test_support.h"

namespace imagemesh::index {
namespace {

using namespace fixture;

// Every `stride`-th row's id, plus ids that are not in the index at all.
AllowedIds every_nth(size_t stride) {
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < kCount; i += stride) ids.push_back(id_of(i));
  ids.push_back(id_of(kCount) + 1);
  ids.push_back(2);  // id_of never yields 2
  return AllowedIds(std::move(ids));
}

HnswIndex& hnsw() { return static_cast<HnswIndex&>(hnsw_all()); }

void expect_only_allowed(const std::vector<Neighbor>& found, const AllowedIds& allowed) {
  for (const Neighbor& n : found) EXPECT_TRUE(allowed.contains(n.id)) << n.id;
}

struct Forced {
  explicit Forced(size_t exact_max_ids) {
    FilterOptions filter;
    filter.exact_max_ids = exact_max_ids;
    hnsw().set_filter_options(filter);
  }
  ~Forced() { hnsw().set_filter_options(FilterOptions{}); }
};

TEST(FilteredSearch, ExactTwinReturnsOnlyAllowedIds) {
  AllowedIds allowed = every_nth(7);
  for (size_t q = 0; q < 10; ++q) {
    SearchStats stats;
    auto found = must_search(exact_all(), q, kK, &allowed, &stats);
    EXPECT_EQ(found.size(), kK);
    expect_only_allowed(found, allowed);
    EXPECT_EQ(stats.strategy, SearchStrategy::kExact);
    EXPECT_EQ(stats.candidates, allowed.size() - 2);  // the two unknown ids are skipped
  }
}

TEST(FilteredSearch, SmallSetsAreScannedAndEqualTheExactTwin) {
  Forced forced(1000);
  for (size_t stride : {25, 100, 1000}) {  // 800, 200, 20 allowed
    AllowedIds allowed = every_nth(stride);
    for (size_t q = 0; q < kQueries; ++q) {
      SearchStats stats;
      auto found = must_search(hnsw(), q, kK, &allowed, &stats);
      EXPECT_EQ(stats.strategy, SearchStrategy::kExact);
      EXPECT_EQ(found.size(), std::min(kK, kCount / stride));
      expect_only_allowed(found, allowed);
      EXPECT_EQ(found, must_search(exact_all(), q, kK, &allowed));
    }
  }
}

TEST(FilteredSearch, LargeSetsGoThroughTheGraphWithRecall) {
  Forced forced(0);                    // every filtered search takes the graph path
  for (size_t stride : {2, 10, 50}) {  // 50 %, 10 %, 2 % selectivity
    AllowedIds allowed = every_nth(stride);
    double sum = 0;
    for (size_t q = 0; q < kQueries; ++q) {
      SearchStats stats;
      auto found = must_search(hnsw(), q, kK, &allowed, &stats);
      EXPECT_NE(stats.strategy, SearchStrategy::kExact) << "stride " << stride;
      EXPECT_EQ(found.size(), kK);
      expect_only_allowed(found, allowed);
      sum += recall(found, must_search(exact_all(), q, kK, &allowed));
    }
    EXPECT_GE(sum / kQueries, 0.95) << "stride " << stride;
  }
}

TEST(FilteredSearch, RandomSetsKeepTheContractEitherWay) {
  std::mt19937 rng(11);
  for (size_t exact_max_ids : {size_t{0}, size_t{1} << 30}) {
    Forced forced(exact_max_ids);
    for (size_t size : {1, 49, 50, 51, 300, 5000}) {
      std::vector<uint32_t> ids;
      std::uniform_int_distribution<size_t> row(0, kCount - 1);
      while (ids.size() < size) ids.push_back(id_of(row(rng)));
      AllowedIds allowed(std::move(ids));
      for (size_t q = 0; q < 5; ++q) {
        auto found = must_search(hnsw(), q, kK, &allowed);
        EXPECT_EQ(found.size(), std::min(kK, allowed.size())) << size;
        expect_only_allowed(found, allowed);
      }
    }
  }
}

TEST(FilteredSearch, WidensOrFallsBackWhenTheFirstRoundIsShort) {
  FilterOptions filter;
  filter.exact_max_ids = 0;
  filter.margin = 0.05;  // far too few candidates on purpose
  filter.max_rounds = 2;
  hnsw().set_filter_options(filter);
  AllowedIds allowed = every_nth(40);  // 500 allowed, 2.5 %
  bool widened = false, fell_back = false;
  for (size_t q = 0; q < 20; ++q) {
    SearchStats stats;
    auto found = must_search(hnsw(), q, kK, &allowed, &stats);
    EXPECT_EQ(found.size(), kK);
    expect_only_allowed(found, allowed);
    widened |= stats.strategy == SearchStrategy::kAnnWidened;
    fell_back |= stats.fell_back;
    if (stats.fell_back) {
      EXPECT_EQ(found, must_search(exact_all(), q, kK, &allowed));
    }
  }
  hnsw().set_filter_options(FilterOptions{});
  EXPECT_TRUE(widened || fell_back);
  EXPECT_EQ(strategy_name(SearchStrategy::kAnnWidened), "ann+widened");
}

TEST(FilteredSearch, EmptyAllowedSetFindsNothing) {
  AllowedIds none;
  EXPECT_TRUE(must_search(hnsw(), 0, kK, &none).empty());
  EXPECT_TRUE(must_search(exact_all(), 0, kK, &none).empty());
}

}  // namespace
}  // namespace imagemesh::index
