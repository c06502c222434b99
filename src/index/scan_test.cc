#include "index/scan.h"

#include <gtest/gtest.h>

#include <cmath>

#include "index/allowed_ids.h"

namespace imagemesh::index {
namespace {

TEST(AllowedIds, SortsDeduplicatesAndAnswersMembership) {
  AllowedIds allowed({70, 3, 3, 64, 0});
  EXPECT_EQ(allowed.size(), 4u);
  EXPECT_EQ(std::vector<uint32_t>(allowed.ids().begin(), allowed.ids().end()),
            (std::vector<uint32_t>{0, 3, 64, 70}));
  EXPECT_TRUE(allowed.contains(0));
  EXPECT_TRUE(allowed.contains(64));
  EXPECT_FALSE(allowed.contains(63));
  EXPECT_FALSE(allowed.contains(71));
  EXPECT_FALSE(allowed.contains(4000000000u));
  EXPECT_FALSE(AllowedIds().contains(0));
}

TEST(TopK, KeepsTheBestFirstWithSmallerIdsWinningTies) {
  TopK top(3);
  for (Neighbor n : {Neighbor{5, 0.1f}, Neighbor{9, 0.9f}, Neighbor{2, 0.5f}, Neighbor{1, 0.5f},
                     Neighbor{7, 0.5f}, Neighbor{4, -1.0f}}) {
    top.offer(n);
  }
  EXPECT_EQ(top.take(), (std::vector<Neighbor>{{9, 0.9f}, {1, 0.5f}, {2, 0.5f}}));
}

TEST(Dot, MatchesTheNaiveSumOnOddLengths) {
  std::vector<float> a(13), b(13);
  double want = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<float>(i) * 0.25f - 1.0f;
    b[i] = 0.5f - static_cast<float>(i) * 0.125f;
    want += static_cast<double>(a[i]) * b[i];
  }
  EXPECT_NEAR(dot(a.data(), b.data(), a.size()), want, 1e-5);
}

TEST(CheckVector, RefusesWrongDimensionNonFiniteAndNonUnit) {
  std::vector<float> unit = {0.6f, 0.8f};
  EXPECT_TRUE(check_vector(unit, 2).ok());
  EXPECT_EQ(check_vector(unit, 3).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(check_vector(std::vector<float>{1.0f, 1.0f}, 2).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(check_vector(std::vector<float>{std::nanf(""), 0.0f}, 2).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(check_query(unit, 2, 0).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagemesh::index
